"""Adding release windows up into periods: the keynote's "last year" is several windows.

Pure functions over window documents (see `kvmstatus.store.documents`). Counts add up; distinct
people are the union of the windows' complete lists; shares are recomputed from the sums;
medians come from the pooled Fixes findings, never from averaging medians.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kvmstatus.model.trailers import HEADLINE_TRAILERS, PEOPLE_TRAILERS
from kvmstatus.shared.labels import GENERAL, NO_PREFIX, UNKNOWN
from kvmstatus.shared.numbers import by_count, most_common, nearest_rank, share
from kvmstatus.store.documents import Document


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
    return [{"name": most_common(names[e]), "email": e, "count": n} for e, n in by_count(counts)]


def _companies(windows: Sequence[Document], key: str, field: str) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for window in windows:
        for row in window.get(key, []):
            counts[row["company"]] += row[field]
    return [{"company": c, field: n} for c, n in by_count(counts)]


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
        k.key: sum(w["trailers"][k.key]["commits"] for w in windows) for k in HEADLINE_TRAILERS
    }
    covered = sum((w["review_coverage"] or 0) * w["commits"] for w in windows)
    lifetimes = [
        f["lifetime_days"]
        for w in windows
        for f in w.get("fix_findings", [])
        if f["lifetime_days"] is not None
    ]
    companies = _companies(windows, "companies", "commits")
    unknown = sum(c["commits"] for c in companies if c["company"] == UNKNOWN)
    return {
        "range": period_range(windows),
        "releases": [w["release"] for w in windows],
        "commits": commits,
        "merges": merges,
        "mainline_merges": sum(w["row"].get("mainline_merges") or 0 for w in windows),
        "merge_share": share(merges, commits + merges),
        "authors": len(authors),
        "first_time_authors": sum(w["first_time_authors"] for w in windows),
        "trailers": trailers,
        "shares": {key: share(n, commits) for key, n in trailers.items()},
        "review_coverage": share(covered, commits),
        "top_authors": authors,
        **{f"top_{k.people}": _people(windows, f"top_{k.people}") for k in PEOPLE_TRAILERS},
        "top_fixers": _people(windows, "top_fixers"),
        "top_first_time_authors": _people(windows, "top_first_time_authors"),
        "companies": companies,
        "review_companies": _companies(windows, "review_companies", "reviews"),
        "unknown_company_share": share(unknown, commits),
        "fixes_lines": sum(w["fixes"]["lines"] for w in windows),
        "fixes_invalid": sum(w["fixes"]["invalid"] for w in windows),
        "fixes_median_lifetime_days": nearest_rank(lifetimes, 50),
        "fixes_p90_lifetime_days": nearest_rank(lifetimes, 90),
    }


# --- topics across windows: the documents' `topics` lists -------------------------------------


def add_up(lists: Iterable[Sequence[Mapping[str, object]]]) -> dict[str, int]:
    """Several windows' `[{"topic", "commits"}]` lists as one casefolded topic -> commits map."""
    total: Counter[str] = Counter()
    for rows in lists:
        for row in rows:
            total[str(row["topic"]).casefold()] += int(str(row["commits"]))
    return dict(total)


@dataclass(frozen=True, slots=True)
class MarkedTopic:
    topic: str
    commits: int
    new: bool
    """No commit had this topic in the previous period (never set without one)."""
    growth: int | None
    """Commits more than in the previous period, for the topics that grew the most."""


def marked(
    current: Sequence[Mapping[str, object]],
    previous: Mapping[str, int] | None,
    scale: float = 1.0,
    grown: int = 3,
) -> list[MarkedTopic]:
    """`current`'s topics, marked new (absent from `previous`) or among the `grown` that grew
    the most against `previous` (times `scale`: 1/5 compares one window with the average
    window of a five-window year). Catch-all topics are never marked."""
    growth: dict[str, int] = {}
    if previous is not None:
        for row in current:
            key = str(row["topic"]).casefold()
            if key in previous and row["topic"] not in (GENERAL, NO_PREFIX):
                delta = int(str(row["commits"])) - round(previous[key] * scale)
                if delta > 0:
                    growth[key] = delta
    chosen = dict(by_count(growth)[:grown])
    return [
        MarkedTopic(
            topic=str(row["topic"]),
            commits=int(str(row["commits"])),
            new=previous is not None
            and str(row["topic"]).casefold() not in previous
            and row["topic"] not in (GENERAL, NO_PREFIX),
            growth=chosen.get(str(row["topic"]).casefold()),
        )
        for row in current
    ]


def merged_rows(lists: Iterable[Sequence[Mapping[str, object]]]) -> list[dict[str, object]]:
    """Several windows' topic lists added up, most first, each topic in its most common
    spelling (by commits)."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for rows in lists:
        for row in rows:
            topic, n = str(row["topic"]), int(str(row["commits"]))
            counts[topic.casefold()] += n
            spellings.setdefault(topic.casefold(), Counter())[topic] += n
    return [{"topic": most_common(spellings[k]), "commits": n} for k, n in by_count(counts)]
