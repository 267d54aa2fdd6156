"""The story's sentences: every number as the tables write it, a sentence without its number
left out (never a 0 or a dash made up), names as the documents give them."""

from __future__ import annotations

from typing import Any

from documents import release_context, span_doc, window_doc
from kvmstatus.shared.formats import DASH
from kvmstatus.story.sentences import (
    YearStory,
    headline_change,
    metric_sentence,
    release_sentences,
    year_sentences,
)


def story(review: dict[str, Any] | None = None, **changes: list[float | None]) -> YearStory:
    this = window_doc("v2", "2024-01-01", "v1..v2", 519, authors=60, first_time_authors=7)
    before = window_doc("v1", "2023-01-01", "v0..v1", 417, authors=50)
    this["row"] |= {"reviewed_commits": 519, "acked_commits": 87, "review_coverage": 0.613}
    before["row"] |= {"reviewed_commits": 417, "acked_commits": 200, "review_coverage": 0.52}
    for doc, label in ((this, "this year"), (before, "1 year earlier")):
        doc["span"] = span_doc(
            label, "v0", "v2", "2023-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"
        )
    years = {
        "spans": [this["span"], before["span"]],
        "rows": [this["row"], before["row"]],
        "changes": {
            "commits": [24.5],
            "authors": [20.0],
            "reviewed_commits": [24.5],
            "acked_commits": [-56.5],
            "fixes_commits": [0.0],
            "cc_stable_commits": [None],
            "review_coverage": [17.9],
        }
        | changes,
        "note": "",
        "topics": {},
    }
    return YearStory(
        "Hand-made KVM",
        years,  # type: ignore[arg-type]
        [this, before],  # type: ignore[list-item]
        review=review,  # type: ignore[arg-type]
        archives=("2019-07-01T00:00:00+00:00", "2023-01-06T00:00:00+00:00"),
    )


def test_the_year_in_words() -> None:
    said = year_sentences(story())
    assert said[0] == (
        "In the last year (2023-01-01 to 2024-01-01), Hand-made KVM took 519 non-merge "
        "commits, up 24.5% from 417 the year before."
    )
    assert said[1] == (
        "60 authors wrote them, 7 of them for the first time (authors up 20.0% on the year before)."
    )
    # The same person leads two lists: said once.
    assert said[2].startswith("Ada Author wrote the most commits (3), Rita Reviewer gave")
    assert said[3] == (
        "Against the year before, commits with Acked-by fell from 200 to 87 (-56.5%) and "
        "commits with Reviewed-by rose from 417 to 519 (+24.5%)."
    )
    assert said[4] == "x86 was the busiest architecture with 519 commits."
    assert len(said) == 5  # no review: no sentence about the lists
    assert not any(DASH in s or " 0 " in s for s in said)
    assert headline_change(story()) == "Acked-by down 56.5% on the year"


def test_a_missing_number_leaves_its_sentence_out() -> None:
    quiet = story(commits=[None])
    quiet.years["rows"][0]["first_time_authors"] = None
    said = year_sentences(quiet)
    assert said[0].endswith("took 519 non-merge commits.")  # no change to say
    assert said[1] == "60 authors wrote them (authors up 20.0% on the year before)."


def test_the_lists_say_what_they_cover() -> None:
    uncovered = {"coverage": "none", "series": 0, "tags_given": {}, "commit_tags": {}}
    said = year_sentences(story(uncovered))
    assert said[-1] == (
        "The list archives cover 2019-07-01 to 2023-01-06, not this year, so there is no "
        "review on the list to report."
    )
    covered = {
        "coverage": "full",
        "series": 40,
        "reviewed_share": 0.85,
        "tags_given": {"Reviewed-by": 120},
        "commit_tags": {"Reviewed-by": 95},
    }
    assert year_sentences(story(covered))[-1] == (
        "On the list, 85.0% of the 40 series posted were answered by someone other than their "
        "sender; reviewers gave 120 Reviewed-by there, and 95 reached the commits."
    )


def test_a_release_against_the_last_one_and_the_year() -> None:
    window = window_doc("v2", "2024-01-01", "v1..v2", 120, authors=30, first_time_authors=2)
    context = release_context(
        "v2",
        "v1",
        previous_commits=100,
        days=70.0,
        vs_previous={"commits": 20.0},
        year_average={"commits": 150.0},
        vs_year={"commits": -20.0},
        per_month=52.2,
        year_per_month=40.1,
        year_dates=["2023-01-01", "2024-01-01"],
        uneven=True,
    )
    said = release_sentences(window, context)  # type: ignore[arg-type]
    assert said[0] == (
        "v2 (released 2024-01-01, 70 days after v1) brought 120 non-merge commits from 30 "
        "authors, 2 of them first-time authors."
    )
    assert said[1] == (
        "That is up 20.0% on v1 (100 commits), and down 20.0% on the last year's average "
        "(2023-01-01 to 2024-01-01) of 150.0 commits per release."
    )
    assert said[2] == (
        "Release windows differ in length: this one brought 52.2 commits a month, against 40.1 "
        "a month over the last year (2023-01-01 to 2024-01-01)."
    )


def test_a_metric_across_releases() -> None:
    windows = [
        window_doc(f"v{i}", f"2024-0{i}-01", f"v{i - 1}..v{i}", n)
        for i, n in ((1, 5), (2, 9), (3, 7))
    ]
    said = metric_sentence(windows, "commits", "Commits")  # type: ignore[arg-type]
    assert (
        said == "Commits: 7 in v3, against 9 in v2; over these 3 releases, from 5 (v1) to 9 (v2)."
    )
    assert metric_sentence(windows, "nothing", "Nothing") is None  # type: ignore[arg-type]


def test_a_share_of_nothing_says_none() -> None:
    """A release with no Fixes: line says "none", not "0.0%"; with neither tag, one short
    sentence."""
    none_fixed = window_doc("v2", "2024-01-01", "v1..v2", 120, reviewed_share=0.4, fixes_share=0.0)
    assert "40.0% of the commits carry a Reviewed-by, and none a Fixes: tag." in (
        release_sentences(none_fixed, None)  # type: ignore[arg-type]
    )
    neither = window_doc("v2", "2024-01-01", "v1..v2", 120, reviewed_share=0.0, fixes_share=0.0)
    assert "No commit carries a Reviewed-by or a Fixes: tag." in (
        release_sentences(neither, None)  # type: ignore[arg-type]
    )
