"""The deck's model refuses shapes that cannot be drawn, naming the slide."""

from __future__ import annotations

import pytest

from kvmstatus.deck.model import (
    Chart,
    ChartSlide,
    Deck,
    Metric,
    NumbersSlide,
    Period,
    Table,
    TextSlide,
    TitleSlide,
    speaker_notes,
)

SPEC = {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match=r"table 'Top': row 2 has 1 cells for 2 columns"):
        Table(columns=("Name", "Commits"), rows=(("a", 1), ("b",)), heading="Top")


def test_metrics_must_match_the_periods_and_the_change_columns() -> None:
    periods = (Period("2024"), Period("2025"))
    with pytest.raises(ValueError, match=r"slide 'Up': 'Commits' has 1 values for 2 periods"):
        NumbersSlide("Up", periods, (Metric("Commits", (1,)),))
    with pytest.raises(ValueError, match=r"'Commits' has 0 changes for 1 change columns"):
        NumbersSlide("Up", periods, (Metric("Commits", (1, 2)),), change_labels=("vs 2024",))


def test_a_chart_needs_alt_text_and_a_spec() -> None:
    with pytest.raises(ValueError, match="alt text is required"):
        Chart(SPEC, alt="  ")
    with pytest.raises(ValueError, match="the spec is empty"):
        Chart({}, alt="A chart")


def test_titles_and_the_edition_date_are_required() -> None:
    with pytest.raises(ValueError, match="the title is empty"):
        ChartSlide(" ", Chart(SPEC, alt="bars"))
    with pytest.raises(ValueError, match="edition 'last week' is not an ISO date"):
        Deck("Report", "last week", (TitleSlide("Report"),))
    with pytest.raises(ValueError, match="no slides"):
        Deck("Report", "2026-04-17", ())
    assert Deck("Report", "2026-04-17T10:00:00+02:00", (TitleSlide("x"),)).edition_time.hour == 8


def test_a_content_slide_without_notes_gets_its_title_as_notes() -> None:
    assert speaker_notes(TextSlide("Reviewed-by up 24%", ("a",))) == ("Reviewed-by up 24%",)
    assert speaker_notes(TextSlide("T", ("a",), notes=("Say this.",))) == ("Say this.",)
    assert speaker_notes(TitleSlide("Report")) == ()


def test_the_footer_defaults_to_the_title_and_the_edition() -> None:
    deck = Deck("KVM status report", "2026-04-17", (TitleSlide("x"),))
    assert deck.footer_text == "KVM status report \N{MIDDLE DOT} 2026-04-17"
    assert Deck("R", "2026-04-17", (TitleSlide("x"),), footer="KVM Forum").footer_text == (
        "KVM Forum"
    )
