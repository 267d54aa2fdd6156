"""Yearly periods: equal spans of a year within 10%, whole release cycles where the releases
allow it, calendar years otherwise; the comparison; the release contexts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from documents import span_doc, window_doc
from kvmstatus.analyse.periods import (
    compare_rows,
    release_contexts,
    year_spans,
    years_before,
)
from kvmstatus.jobs.window import span_bounds
from kvmstatus.model.releases import ReleaseWindow, Tag

START = datetime(2020, 1, 5, 12, tzinfo=UTC)


def tags(gaps: list[int], start: datetime = START) -> list[Tag]:
    """Release tags `gaps` days apart, named r0, r1, ..."""
    when, found = start, [Tag("r0", "c0", start)]
    for i, gap in enumerate(gaps, 1):
        when += timedelta(days=gap)
        found.append(Tag(f"r{i}", f"c{i}", when))
    return found


def test_kernel_like_cycles_make_years_of_whole_cycles() -> None:
    # Nine- to ten-week cycles: five or six of them make a year within 10%.
    bounds = tags([63, 70, 63, 70, 63, 70, 63, 70, 63, 70, 63, 70, 63, 70, 63, 70, 63, 70])
    choice = year_spans(bounds)
    assert [s.kind for s in choice.spans] == ["releases"] * 3
    for span in choice.spans:
        assert 365 * 0.9 <= span.days <= 365 * 1.1
    # Newest first, each ending where the next one starts, never before the first tag.
    assert choice.spans[0].end == bounds[-1]
    assert [s.end for s in choice.spans[1:]] == [s.start for s in choice.spans[:-1]]
    assert choice.spans[0].releases[-1] == bounds[-1].name
    assert "closest to 365 days" in choice.note


def test_irregular_releases_give_calendar_years() -> None:
    # kvm-unit-tests: releases 2 to 17 months apart.
    bounds = tags([302, 368, 514, 56, 260])
    choice = year_spans(bounds)
    assert [s.kind for s in choice.spans] == ["calendar"] * 3
    newest = choice.spans[0]
    assert newest.until == bounds[-1].date
    assert newest.since == years_before(bounds[-1].date, 1)
    assert [s.until for s in choice.spans[1:]] == [s.since for s in choice.spans[:-1]]
    assert all(365 <= s.days <= 366 for s in choice.spans)
    assert newest.releases == ("r3", "r4", "r5")  # the releases ending inside it
    assert newest.dates is not None
    assert newest.revisions[-1] == "r5"
    assert "too far apart" in choice.note


def test_a_short_history_has_only_the_years_it_holds() -> None:
    bounds = tags([120, 130, 125, 120])  # 495 days: one calendar year fits
    spans = year_spans(bounds).spans
    assert len(spans) == 1
    assert spans[0].since >= bounds[0].date
    assert year_spans(tags([30, 30])).spans == []  # not even one year


def test_given_cycles_are_kept_whatever_their_length() -> None:
    spans = year_spans(tags([10, 10, 10, 10, 10]), cycles=2).spans
    assert [(s.start.name if s.start else None, s.end.name) for s in spans] == [
        ("r3", "r5"),
        ("r1", "r3"),
    ]


def test_the_initial_window_is_never_in_a_year() -> None:
    first, *rest = tags([365, 365, 365, 365])
    windows = [ReleaseWindow(None, first)] + [
        ReleaseWindow(a, b) for a, b in zip([first, *rest], rest, strict=False)
    ]
    bounds = span_bounds(windows)
    assert bounds[0] == first  # the first cycle opens at the first release
    spans = year_spans(bounds, before_first=False).spans
    assert all(s.since >= first.date for s in spans)
    # Counting the initial window (only for the trends) changes nothing here.
    assert span_bounds(windows, count_initial=True)[0] == first


def test_february_29th() -> None:
    leap = datetime(2024, 2, 29, tzinfo=UTC)
    assert years_before(leap, 1) == datetime(2023, 2, 28, tzinfo=UTC)


def test_compare_rows_for_commits_and_lists_alike() -> None:
    rows = [{"commits": 150, "series": 10}, {"commits": 100, "series": 20}, {"commits": 300}]
    assert compare_rows(rows) == {"commits": [50.0, -50.0], "series": [-50.0, None]}
    assert compare_rows([]) == {}


def test_release_contexts_compare_with_the_previous_release_and_the_year() -> None:
    windows = [
        window_doc("v1", "2023-01-01", "v1", 500),  # the initial window: not counted
        window_doc("v2", "2023-03-01", "v1..v2", 100),
        window_doc("v3", "2023-05-01", "v2..v3", 50),
        window_doc("v4", "2023-12-27", "v3..v4", 90),
    ]
    year = window_doc("v4", "2023-12-27", "v3..v4", 140) | {
        "span": span_doc("this year", "v2", "v4", "2023-03-01", "2023-12-27") | {"days": 301.0}
    }
    year["span"]["releases"] = ["v3", "v4"]
    contexts = release_contexts(windows, ["v2", "v3", "v4"], year)  # type: ignore[arg-type]
    by = {c["release"]: c for c in contexts}
    assert by["v3"]["previous"] == "v2"
    assert by["v3"]["previous_commits"] == 100
    assert by["v3"]["vs_previous"]["commits"] == -50.0
    assert by["v3"]["days"] == 61
    # The year's own commits over the releases that end in it, not the windows' mean.
    assert by["v3"]["year_average"]["commits"] == 70.0
    assert by["v4"]["vs_year"]["commits"] == 28.6
    assert by["v4"]["year_per_month"] == round(140 / 301 * 30.44, 1)
    assert by["v4"]["uneven"] is True  # 59, 61 and 240 days
    assert by["v2"]["previous"] is None  # the initial window is no previous release
    assert by["v4"]["per_month"] == round(90 / 240 * 30.44, 1)
