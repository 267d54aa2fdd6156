"""Adding release windows up into periods: the keynote's "last year" is several windows.

Pure functions over window documents (see `kvmstatus.dataset`). Counts add up; distinct
people are the union of the windows' complete lists; shares are recomputed from the sums;
medians come from the pooled Fixes findings, never from averaging medians.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kvmstatus.fixes import nearest_rank

Document = dict[str, Any]

HEADLINE_TRAILERS = ("Reviewed-by", "Acked-by", "Fixes", "Tested-by", "Reported-by", "Cc-stable")


def year_spans(count: int, cycles: int, years: int = 3) -> list[tuple[int, int]]:
    """Index spans [start, end) of the last `years` periods of `cycles` windows, newest first.

    Periods that would reach before the first window are cut to what exists; empty ones are
    dropped.
    """
    spans = []
    for k in range(years):
        end = count - k * cycles
        start = max(0, end - cycles)
        if end > 0 and end > start:
            spans.append((start, end))
    return spans


def _people(windows: Sequence[Document], key: str) -> list[dict[str, Any]]:
    return merge_people([window.get(key, []) for window in windows])


def merge_people(lists: Sequence[Sequence[Document]]) -> list[dict[str, Any]]:
    """Ranked people lists added up: counts summed per email, each email's most used name,
    sorted by count, then email."""
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {}
    for rows in lists:
        for row in rows:
            counts[row["email"]] += row["count"]
            names.setdefault(row["email"], Counter())[row["name"]] += row["count"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        {
            "name": min(names[e].items(), key=lambda i: (-i[1], i[0]))[0],
            "email": e,
            "count": n,
        }
        for e, n in ordered
    ]


def _companies(windows: Sequence[Document], key: str, field: str) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for window in windows:
        for row in window.get(key, []):
            counts[row["company"]] += row[field]
    return [
        {"company": c, field: n} for c, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def period_range(windows: Sequence[Document]) -> str:
    """`A..B` from the first window's start to the last window's end (`B` for all history)."""
    if not windows:
        return ""
    start, sep, _ = windows[0]["range"].partition("..")
    return f"{start}..{windows[-1]['release']}" if sep else windows[-1]["release"]


def aggregate(windows: Sequence[Document]) -> Document:
    """One period's headline numbers and lists from its windows."""
    commits = sum(w["commits"] for w in windows)
    merges = sum(w["merges"] for w in windows)
    authors = _people(windows, "top_authors")
    trailers = {
        key: sum(w["trailers"][key]["commits"] for w in windows) for key in HEADLINE_TRAILERS
    }
    covered = sum((w["review_coverage"] or 0) * w["commits"] for w in windows)
    lifetimes = [
        f["lifetime_days"]
        for w in windows
        for f in w.get("fix_findings", [])
        if f["lifetime_days"] is not None
    ]
    companies = _companies(windows, "companies", "commits")
    unknown = sum(c["commits"] for c in companies if c["company"] == "(Unknown)")
    return {
        "range": period_range(windows),
        "releases": [w["release"] for w in windows],
        "commits": commits,
        "merges": merges,
        "merge_share": _share(merges, commits + merges),
        "authors": len(authors),
        "first_time_authors": sum(w["first_time_authors"] for w in windows),
        "trailers": trailers,
        "shares": {key: _share(n, commits) for key, n in trailers.items()},
        "review_coverage": _share(covered, commits),
        "top_authors": authors,
        "top_reviewers": _people(windows, "top_reviewers"),
        "top_ackers": _people(windows, "top_ackers"),
        "top_testers": _people(windows, "top_testers"),
        "top_fixers": _people(windows, "top_fixers"),
        "top_first_time_authors": _people(windows, "top_first_time_authors"),
        "companies": companies,
        "review_companies": _companies(windows, "review_companies", "reviews"),
        "unknown_company_share": _share(unknown, commits),
        "fixes_lines": sum(w["fixes"]["lines"] for w in windows),
        "fixes_invalid": sum(w["fixes"]["invalid"] for w in windows),
        "fixes_median_lifetime_days": nearest_rank(lifetimes, 50),
        "fixes_p90_lifetime_days": nearest_rank(lifetimes, 90),
    }
