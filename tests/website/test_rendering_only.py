"""The site renders what the documents say and computes nothing: yearly totals, changes, the
trend and the topic marks come from the analysis (`analyse.periods`), stored in the data."""

from __future__ import annotations

from typing import Any

from documents import project_doc, release_context, span_doc, window_doc
from kvmstatus.store.documents import Dataset
from kvmstatus.website.pages import Context, build_plan

RELEASES = ["v1.0", "v1.1", "v1.2", "v1.3"]


def hand_made() -> Dataset:
    windows = [
        window_doc("v1.0", "2021-01-01", "v1.0", 1000),
        window_doc("v1.1", "2022-01-01", "v1.0..v1.1", 10),
        window_doc("v1.2", "2023-01-01", "v1.1..v1.2", 20),
        window_doc("v1.3", "2024-01-01", "v1.2..v1.3", 30),
    ]
    # Numbers no sum of the windows gives: the site must print these, not recompute them.
    periods: list[dict[str, Any]] = [
        window_doc("v1.3", "2024-01-01", "v1.2..v1.3", 4321, authors=77, review_coverage=0.123)
        | {
            "span": span_doc(
                "this year",
                "v1.2",
                "v1.3",
                "2023-01-01T00:00:00+00:00",
                "2024-01-01T00:00:00+00:00",
            )
        },
        window_doc("v1.2", "2023-01-01", "v1.1..v1.2", 5555, authors=66)
        | {
            "span": span_doc(
                "1 year earlier",
                "v1.1",
                "v1.2",
                "2022-01-01T00:00:00+00:00",
                "2023-01-01T00:00:00+00:00",
            )
        },
    ]
    periods[0]["top_authors"] = [
        {"name": "Only In The Year", "email": "y@example.com", "count": 999}
    ]
    years = {
        "spans": [p["span"] for p in periods],
        "rows": [p["row"] for p in periods],
        "changes": {"commits": [-87.6], "authors": [31.3], "review_coverage": [None]},
        "note": "Periods chosen by hand for this test.",
        "topics": {"x86": [{"topic": "nested", "commits": 4321, "new": True, "growth": None}]},
    }
    project = project_doc(RELEASES, RELEASES[1:], slope=77.7, intercept=1.0, r2=0.42, n=3)
    marks = {"x86": [{"topic": "dirty-ring", "commits": 3, "new": False, "growth": 2}]}
    releases = {
        "releases": [release_context(w["release"], None, topics=marks) for w in windows[:-1]]
        + [
            release_context(
                "v1.3",
                "v1.2",
                previous_commits=20,
                days=365.0,
                vs_previous={"commits": 12.3},
                year_average={"commits": 456.7},
                vs_year={"commits": -93.4},
                topics=marks,
            )
        ]
    }
    return Dataset(project, windows, years, periods, releases)  # type: ignore[arg-type]


def test_pages_print_the_documents_numbers_as_given() -> None:
    plan = build_plan(Context(hand_made()))
    home = plan.pages["index.md"]
    # The yearly table: the periods' own rows and the stored changes, not the windows' sums
    # (10 + 20 + 30) nor a change computed from the printed values (4321 vs 5555 is -22.2%).
    assert "| Commits (non-merge) | 4,321 | 5,555 | -87.6% |" in home
    assert "| Authors | 77 | 66 | +31.3% |" in home
    assert "-22.2%" not in home
    assert "| Review coverage | 12.3% |" in home
    assert "Periods chosen by hand for this test" in home
    # The trend as stored (the three counted windows would give +10.0 per release).
    assert "Linear trend: +77.7 commits per release (r² = 0.42, over 3 releases)." in home
    assert "Only In The Year" in home
    assert "| nested | 4,321 | new |" in plan.pages["architectures/x86.md"]
    release = plan.pages["releases/v1.3.md"]
    assert "dirty\\-ring 3 (+2)" in release
    # The release against the previous one and the year's average, as stored.
    assert "up 12\\.3% on v1\\.2 \\(20 commits\\)" in release
    assert "down 93\\.4% on the last year" in release
    assert "456\\.7 commits per release" in release
    people = plan.pages["people.md"]
    assert "Only In The Year" in people
    assert "999" in people
    # The home chart shows the periods' rows too.
    spec = plan.charts["home-years"].to_dict()
    values = [v for d in spec["datasets"].values() for v in d if "value" in v]
    assert {v["value"] for v in values if v["period"] == "this year"} >= {4321, 77}
