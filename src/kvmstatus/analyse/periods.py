"""Periods: which windows count, which spans make "a year", how the years compare, the trend.

The numbers of the report that are made of several windows are made here, once, and stored
in the documents; the site only renders them (`kvmstatus year` prints the same ones):

- `counted_windows`: the windows of trends and yearly comparisons. The initial window (all
  history up to the first release: not a release cycle) is one of them only when the project
  says so; it is never part of a yearly period.
- `year_spans`: the last year and the two before, each `YEAR_DAYS` long within `TOLERANCE`:
  whole release cycles where the releases allow it, else calendar years by commit date.
- `compare_rows`: each metric's change against the earlier periods, for commits and for the
  review on the lists alike.
- `commits_trend`: the linear trend of commits per counted release.
- `marked`, `year_topics`, `release_contexts`: topics of a period against the period before.
- `years_document`: the comparison as the data directory stores it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, TypeVar

from kvmstatus.model.documents import (
    MarkedTopicDocument,
    PeriodDocument,
    ReleaseContext,
    TopicCount,
    TrendDocument,
    WindowDocument,
    YearsDocument,
    is_initial,
)
from kvmstatus.model.periods import TOLERANCE, YEAR_DAYS, YEAR_LABELS, Span
from kvmstatus.model.releases import Tag
from kvmstatus.shared.labels import GENERAL, NO_PREFIX
from kvmstatus.shared.numbers import by_count, linear_trend, most_common, percent_change

W = TypeVar("W", bound=Mapping[str, Any])


def counted_windows(windows: Sequence[W], count_initial: bool = False) -> list[W]:
    """The windows that trends are made of: every release cycle, and the initial window only
    when asked for, or when it is all there is."""
    cycles = [w for w in windows if not is_initial(w)]
    return list(windows) if count_initial or not cycles else cycles


def commits_trend(
    windows: Sequence[Mapping[str, object]], count_initial: bool = False
) -> TrendDocument | None:
    """The least-squares line of commits per counted window (None with fewer than two)."""
    counted = counted_windows(windows, count_initial)
    trend = linear_trend([float(str(w["commits"])) for w in counted])
    if trend is None:
        return None
    return {"slope": trend.slope, "intercept": trend.intercept, "r2": trend.r2, "n": trend.n}


# --- the yearly spans ---------------------------------------------------------------------------


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


@dataclass(frozen=True)
class YearChoice:
    """The spans of the yearly comparison and, in words, why they are what they are."""

    spans: list[Span]
    note: str


def _release_spans(bounds: Sequence[Tag], years: int, cycles: int | None) -> list[Span] | None:
    """Whole release cycles, each as close to a year as the releases allow; None when one of
    them is off by more than `TOLERANCE` (with `cycles`, the number is given and kept)."""
    spans: list[Span] = []
    end = len(bounds) - 1
    low, high = YEAR_DAYS * (1 - TOLERANCE), YEAR_DAYS * (1 + TOLERANCE)
    for label in YEAR_LABELS[:years]:
        if cycles is not None:
            start = end - cycles
            if start < 0:
                break
        else:
            earlier = [s for s in range(end) if bounds[s].date < bounds[end].date]
            if not earlier:
                break
            start = min(
                earlier,
                key=lambda s: (abs(_days(bounds[s].date, bounds[end].date) - YEAR_DAYS), -s),
            )
            days = _days(bounds[start].date, bounds[end].date)
            if days < low and start == min(earlier):
                break  # the history is shorter than the period: it does not exist
            if not low <= days <= high:
                return None
        spans.append(
            Span(
                label=label,
                kind="releases",
                start=bounds[start],
                end=bounds[end],
                since=bounds[start].date,
                until=bounds[end].date,
                releases=tuple(t.name for t in bounds[start + 1 : end + 1]),
            )
        )
        end = start
    return spans


def years_before(moment: datetime, years: int) -> datetime:
    """The same date and time `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _calendar_spans(bounds: Sequence[Tag], years: int, before_first: bool) -> list[Span]:
    """Calendar years back from the newest release (from the same date a year earlier), by
    commit date; a year that would reach before the first release is left out unless
    `before_first`."""
    end = bounds[-1]
    spans = []
    for k, label in enumerate(YEAR_LABELS[:years]):
        until = years_before(end.date, k)
        since = years_before(end.date, k + 1)
        if not before_first and since < bounds[0].date:
            break
        inside = tuple(t.name for t in bounds[1:] if since < t.date <= until)
        spans.append(Span(label, "calendar", None, end, since, until, inside))
    return spans


def year_spans(
    bounds: Sequence[Tag],
    cycles: int | None = None,
    years: int = len(YEAR_LABELS),
    before_first: bool = False,
) -> YearChoice:
    """The last year and up to `years - 1` before it, newest first, ending at `bounds[-1]`.

    `bounds` are the release tags that open and close the counted windows, oldest first
    (the first one opens the first counted window). Release cycles when every period can be
    made of whole cycles `YEAR_DAYS` long within `TOLERANCE` (the kernel's five or six
    cycles); else calendar years by commit date, back from the newest release. `cycles`
    makes each period that many cycles, as long as they turn out.
    """
    if not bounds:
        return YearChoice([], "")
    by_release = _release_spans(bounds, years, cycles)
    if by_release:
        if cycles is not None:
            how = f"each {cycles} release cycles, as configured"
        else:
            how = (
                f"each the run of whole release cycles closest to {YEAR_DAYS} days "
                f"(within {TOLERANCE:.0%})"
            )
        return YearChoice(by_release, f"Periods of {how}.")
    spans = _calendar_spans(bounds, years, before_first)
    gap = (
        f"the releases are too far apart for whole release cycles to make a year within "
        f"{TOLERANCE:.0%}, so "
        if by_release is None
        else ""
    )
    note = (
        f"Calendar years: {gap}each period is a year back from the newest release (from "
        f"the same date a year earlier), counting the commits of its history by their "
        f"committer date."
    )
    return YearChoice(spans, note[0].upper() + note[1:])


def compare_rows(rows: Sequence[Mapping[str, object]]) -> dict[str, list[float | None]]:
    """For rows [latest, one earlier, two earlier]: each numeric metric's change in percent
    against each earlier one. The same for commits and for the lists' review."""
    if not rows:
        return {}
    latest = rows[0]
    changes: dict[str, list[float | None]] = {}
    for key, value in latest.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            changes[key] = [percent_change(value, older.get(key)) for older in rows[1:]]
    return changes


# --- topics across periods ------------------------------------------------------------------


def add_up(lists: Iterable[Sequence[TopicCount]]) -> dict[str, int]:
    """Several `[{"topic", "commits"}]` lists as one casefolded topic -> commits map."""
    total: Counter[str] = Counter()
    for rows in lists:
        for row in rows:
            total[row["topic"].casefold()] += row["commits"]
    return dict(total)


def merged_topics(lists: Iterable[Sequence[TopicCount]]) -> list[TopicCount]:
    """Several topic lists added up, most first, each topic in its most common spelling."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for rows in lists:
        for row in rows:
            key = row["topic"].casefold()
            counts[key] += row["commits"]
            spellings.setdefault(key, Counter())[row["topic"]] += row["commits"]
    return [{"topic": most_common(spellings[k]), "commits": n} for k, n in by_count(counts)]


@dataclass(frozen=True, slots=True)
class MarkedTopic:
    topic: str
    commits: int
    new: bool
    """No commit had this topic in the previous period (never set without one)."""
    growth: int | None
    """Commits more than in the previous period, for the topics that grew the most."""


def marked(
    current: Sequence[TopicCount],
    previous: Mapping[str, int] | None,
    scale: float = 1.0,
    grown: int = 3,
) -> list[MarkedTopic]:
    """`current`'s topics, marked new (absent from `previous`) or among the `grown` that grew
    the most against `previous` (times `scale`: 1/5 compares one window with the average
    window of a five-window year). Catch-all topics are never marked."""
    catch_all = (GENERAL, NO_PREFIX)
    growth: dict[str, int] = {}
    if previous is not None:
        for row in current:
            key = row["topic"].casefold()
            if key in previous and row["topic"] not in catch_all:
                delta = row["commits"] - round(previous[key] * scale)
                if delta > 0:
                    growth[key] = delta
    chosen = dict(by_count(growth)[:grown])
    return [
        MarkedTopic(
            topic=row["topic"],
            commits=row["commits"],
            new=previous is not None
            and row["topic"].casefold() not in previous
            and row["topic"] not in catch_all,
            growth=chosen.get(row["topic"].casefold()),
        )
        for row in current
    ]


def _marked_documents(rows: Sequence[MarkedTopic]) -> list[MarkedTopicDocument]:
    return [
        {"topic": m.topic, "commits": m.commits, "new": m.new, "growth": m.growth} for m in rows
    ]


def year_topics(periods: Sequence[PeriodDocument]) -> dict[str, list[MarkedTopicDocument]]:
    """The newest period's topics per architecture, marked against the period before it
    (same length, so unscaled); unmarked when there is none."""
    if not periods:
        return {}
    before = periods[1]["arch_topics"] if len(periods) > 1 else None
    return {
        arch: _marked_documents(
            marked(rows, None if before is None else add_up([before.get(arch, [])]))
        )
        for arch, rows in periods[0]["arch_topics"].items()
    }


COUNT_METRICS = ("commits", "merges", "authors", "first_time_authors")
"""The row metrics a release is compared on with the previous one."""
YEAR_METRICS = ("commits", "merges")
"""The metrics a release is compared on with the last year's average per release: those a
year's period adds up (its authors are not the sum of its releases')."""
MONTH_DAYS = 30.44


def _day(date: str) -> datetime:
    return datetime.fromisoformat(date[:10])


def _rate(commits: float, days: float | None) -> float | None:
    return None if not days else round(commits / days * MONTH_DAYS, 1)


def release_contexts(
    windows: Sequence[WindowDocument],
    counted: Sequence[str],
    last_year: PeriodDocument | None = None,
) -> list[ReleaseContext]:
    """Each window against the ones before it: the previous counted window (changes of the
    count metrics), the last year's average per release (the period's commits over the
    releases that end in it) and its commits per month, where the window starts and how many
    days it ran (from the previous release, counted or not), its own commits per month, and
    its topics per architecture marked against the counted windows that ended within the
    year before it started, scaled to one window."""
    chosen = set(counted)
    # A window runs from the previous release (counted or not: the first release cycle
    # starts where the initial window ends) to its own.
    since = {w["release"]: p["date"] for p, w in pairwise(windows)}
    days: dict[str, float | None] = {
        w["release"]: (_day(w["date"]) - _day(since[w["release"]])).days
        if w["release"] in since
        else None
        for w in windows
    }
    average: dict[str, float] = {}
    year_rate = None
    year_dates = None
    if last_year is not None and last_year["span"]["releases"]:
        n = len(last_year["span"]["releases"])
        average = {k: round(float(str(last_year["row"].get(k) or 0)) / n, 1) for k in YEAR_METRICS}
        year_rate = _rate(last_year["commits"], last_year["span"]["days"])
        span = last_year["span"]
        year_dates = [span["since"][:10], span["until"][:10]]
    lengths = [d for w in windows if w["release"] in chosen and (d := days.get(w["release"]))]
    uneven = bool(lengths) and max(lengths) > 2 * min(lengths)
    out: list[ReleaseContext] = []
    previous: list[WindowDocument] = []
    for w in windows:
        start = previous[-1]["date"] if previous else None
        year_before = [
            p
            for p in previous
            if start is not None and (_day(start) - _day(p["date"])).days < YEAR_DAYS
        ]
        topics = {}
        for arch, rows in w["arch_topics"].items():
            before = add_up(p["arch_topics"].get(arch, []) for p in year_before)
            scale = 1 / len(year_before) if year_before else 1.0
            topics[arch] = _marked_documents(marked(rows, before if year_before else None, scale))
        last = previous[-1] if previous else None
        versus = (
            {k: percent_change(w["row"].get(k), last["row"].get(k)) for k in COUNT_METRICS}
            if last is not None
            else {}
        )
        out.append(
            {
                "release": w["release"],
                "previous": last["release"] if last else None,
                "previous_commits": last["commits"] if last else None,
                "since": since.get(w["release"]),
                "days": days.get(w["release"]),
                "per_month": _rate(w["commits"], days.get(w["release"])),
                "vs_previous": versus,
                "year_average": average,
                "vs_year": {k: percent_change(w["row"].get(k), v) for k, v in average.items()},
                "year_per_month": year_rate,
                "year_dates": year_dates,
                "uneven": uneven,
                "topics": topics,
            }
        )
        if w["release"] in chosen:
            previous.append(w)
    return out


def years_document(choice: YearChoice, periods: Sequence[PeriodDocument]) -> YearsDocument:
    """The yearly comparison as stored (`years.json`): spans, rows, changes and topics."""
    rows = [p["row"] for p in periods]
    return {
        "spans": [p["span"] for p in periods],
        "rows": rows,
        "changes": compare_rows(rows),
        "note": choice.note,
        "topics": year_topics(periods),
    }
