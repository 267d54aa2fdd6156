"""The plan both media follow: every box on the slide, nothing over anything else, sizes
never under the room's minimums, long tables and lists continued, cut tables saying so."""

from __future__ import annotations

import itertools

import pytest

from kvmstatus.deck import text, theme
from kvmstatus.deck.layout import CONTINUED, Box, Page, TablePlan, fit, plan
from kvmstatus.deck.model import (
    Deck,
    Table,
    TableSlide,
    TextSlide,
    TitleSlide,
)


def _boxes(page: Page) -> list[tuple[str, Box]]:
    boxes = [("title", page.title.box)]
    if page.subtitle is not None:
        boxes.append(("subtitle", page.subtitle.box))
    boxes += [(f"line {i}", line.box) for i, line in enumerate(page.lines)]
    for i, part in enumerate(page.parts):
        if part.heading is not None:
            boxes.append((f"heading {i}", part.heading.box))
        boxes.append((f"content {i}", part.content.box))
        if part.caption is not None:
            boxes.append((f"caption {i}", part.caption.box))
    if page.bullets is not None:
        boxes.append(("bullets", page.bullets.box))
    return boxes


def _overlap(a: Box, b: Box) -> bool:
    eps = 0.01
    return (
        a.x + eps < b.x + b.w
        and b.x + eps < a.x + a.w
        and a.y + eps < b.y + b.h
        and b.y + eps < a.y + a.h
    )


def test_every_box_is_on_the_slide_above_the_footer_and_apart(pages: tuple[Page, ...]) -> None:
    for page in pages:
        boxes = _boxes(page)
        bottom = theme.SLIDE_H if page.is_title else theme.BODY_BOTTOM
        for name, box in boxes:
            assert box.x >= 0, (page.number, name, box)
            assert box.y >= 0, (page.number, name, box)
            assert box.x + box.w <= theme.SLIDE_W - theme.MARGIN_X + 0.01, (page.number, name)
            assert box.bottom <= bottom + 0.01, (page.number, name, box)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not _overlap(box_a, box_b), f"slide {page.number}: {a} overlaps {b}"


def test_no_size_is_under_the_rooms_minimums(pages: tuple[Page, ...]) -> None:
    for page in pages:
        assert page.title.size >= theme.TITLE_SIZES[-1]
        for block in [page.subtitle, *page.lines]:
            assert block is None or block.size >= theme.BODY_MIN
        for part in page.parts:
            for block in (part.heading, part.caption):
                assert block is None or block.size >= theme.BODY_MIN
            if isinstance(part.content, TablePlan):
                assert part.content.size >= theme.TABLE_MIN
        if page.bullets is not None:
            assert page.bullets.size >= theme.BODY_MIN


def test_table_cells_fit_their_columns(pages: tuple[Page, ...]) -> None:
    tables = [p.content for page in pages for p in page.parts if isinstance(p.content, TablePlan)]
    assert tables
    for table in tables:
        for row in (table.head, *table.body):
            for cell, width in zip(row, table.widths, strict=True):
                for line in cell.lines:
                    inner = width - 2 * theme.CELL_PAD_X
                    bold = row is table.head  # headings are measured bold throughout
                    assert text.width(line, table.size, bold) <= inner + 1, line
        assert table.box.w == pytest.approx(sum(table.widths))
        assert table.box.h == pytest.approx(sum(table.heights))


def test_a_long_table_continues_on_the_next_slides_in_order(pages: tuple[Page, ...]) -> None:
    forty = [p for p in pages if p.title.text.startswith("Forty people")]
    assert len(forty) > 1
    assert not forty[0].title.text.endswith(CONTINUED)
    assert all(p.title.text.endswith(CONTINUED) for p in forty[1:])
    rows = []
    for page in forty:
        table = page.parts[0].content
        assert isinstance(table, TablePlan)
        assert table.size == theme.TABLE_MIN
        assert table.head[1].lines == ("Author",)
        rows += [row[0].lines[0] for row in table.body]
        assert page.notes
    assert rows == [str(i) for i in range(1, 41)]
    assert (
        forty[1].notes == ("Continued: rows 13 to 24 of 40.",) or "Continued" in forty[1].notes[0]
    )
    # The same columns on every page.
    widths = {page.parts[0].content.widths for page in forty}  # type: ignore[union-attr]
    assert len(widths) == 1


def test_a_table_beside_another_is_cut_and_says_how_many_rows_are_left_out(
    pages: tuple[Page, ...],
) -> None:
    page = next(p for p in pages if "side by side" in p.title.text)
    left, right = (part.content for part in page.parts)
    assert isinstance(left, TablePlan)
    assert isinstance(right, TablePlan)
    assert left.size == right.size
    last = right.body[-1]
    shown = len(right.body) - 1
    assert last[1].lines == (f"\N{HORIZONTAL ELLIPSIS} {29 - shown} more",)
    assert right.box.bottom <= theme.BODY_BOTTOM


def test_bullets_continue_when_they_do_not_fit(pages: tuple[Page, ...]) -> None:
    points = [p for p in pages if p.title.text.startswith("Many points")]
    assert len(points) == 2
    items = [b for p in points for b in p.bullets.items]  # type: ignore[union-attr]
    assert len(items) == 14
    assert points[1].bullets is not None
    assert points[1].bullets.size == theme.BODY_MIN


def test_titles_wrap_at_a_smaller_size_rather_than_overflow() -> None:
    long = "Reviewed-by went from 417 to 519 while Acked-by fell from 200 to 87: " * 3
    deck = Deck("R", "2026-04-17", (TextSlide(long, ("a",)),))
    (page,) = plan(deck)
    assert page.title.size == theme.TITLE_SIZES[-1]
    assert page.title.lines > 2
    assert page.bullets is not None
    assert page.bullets.box.y >= page.title.box.bottom
    short = plan(Deck("R", "2026-04-17", (TextSlide("Reviewed-by up 24%", ("a",)),)))[0]
    assert (short.title.size, short.title.lines) == (theme.TITLE_SIZES[0], 1)


def test_pages_are_numbered_over_the_deck(deck: Deck, pages: tuple[Page, ...]) -> None:
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert pages[0].is_title
    assert isinstance(deck.slides[0], TitleSlide)
    assert len(pages) > len(deck.slides)


def test_a_table_too_wide_for_any_slide_is_refused_with_its_name() -> None:
    wide = Table(columns=tuple(f"Column {i}" for i in range(30)), rows=((1,) * 30,))
    deck = Deck("R", "2026-04-17", (TableSlide("Wide", wide),))
    with pytest.raises(ValueError, match="table 'Wide' is too wide"):
        plan(deck)


def test_fit_keeps_the_aspect_ratio_and_centres() -> None:
    box = fit(Box(0, 0, 400, 100), 200, 200)
    assert (box.x, box.y, box.w, box.h) == (150, 0, 100, 100)
