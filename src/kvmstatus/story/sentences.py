"""The summaries: a year's (home page, deck) and a release's (its page), 3-6 sentences each.

Names and tags in the sentences come from git and are untrusted: the sentences are plain
text, and whoever shows them escapes them (the site as Markdown, the deck as slide text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kvmstatus.model.documents import (
    ArchDocument,
    PeriodDocument,
    ReleaseContext,
    ReviewDocument,
    Row,
    WindowDocument,
    YearsDocument,
)
from kvmstatus.model.trailers import HEADLINE_TRAILERS, TrailerKind
from kvmstatus.shared.formats import fmt_change, fmt_days, fmt_int, fmt_pct
from kvmstatus.shared.labels import COMMON, UNKNOWN


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def moved(change: float | None, noun: str = "") -> str:
    """`up 12.5%` / `down 3.0%` / `unchanged` for a change in percent."""
    if change is None:
        return ""
    if change == 0:
        return "unchanged"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f}%{noun}"


def _name(row: Mapping[str, object]) -> str:
    return str(row.get("name") or row.get("email") or "")


def _dates(since: str, until: str) -> str:
    return f"{since[:10]} to {until[:10]}"


def _year_dates(context: ReleaseContext) -> str:
    """` (2025-07-29 to 2026-07-29)`: which last year a release is compared with."""
    dates = context.get("year_dates")
    return f" ({_dates(dates[0], dates[1])})" if dates else ""


@dataclass(frozen=True)
class YearStory:
    """What a year's summary is made of: the comparison, the periods (newest first), the
    lists' review of the newest period (None: the project has no list archive) and the
    archives' dates (for saying what they cover)."""

    project: str
    years: YearsDocument
    periods: Sequence[PeriodDocument]
    trailers: Sequence[TrailerKind] = HEADLINE_TRAILERS
    review: ReviewDocument | None = None
    archives: tuple[str, str] | None = None
    """The first and last message dates of the project's list archives."""


def _change(years: YearsDocument, key: str) -> float | None:
    values = years["changes"].get(key) or []
    return values[0] if values else None


def commits_sentence(story: YearStory) -> str | None:
    rows, span = story.years["rows"], story.years["spans"][0]
    commits = rows[0].get("commits")
    if commits is None:
        return None
    text = (
        f"In the last year ({_dates(span['since'], span['until'])}), {story.project} took "
        f"{fmt_int(commits)} non-merge commits"
    )
    change = _change(story.years, "commits")
    if len(rows) > 1 and change is not None:
        text += f", {moved(change)} from {fmt_int(rows[1].get('commits'))} the year before"
    return text + "."


def authors_sentence(story: YearStory) -> str | None:
    row = story.years["rows"][0]
    authors, first = row.get("authors"), row.get("first_time_authors")
    if not authors:
        return None
    text = f"{fmt_int(authors)} authors wrote them"
    if first is not None:
        text += (
            f", {fmt_int(first)} of them for the first time"
            if first
            else ", none of them for the first time"
        )
    change = _change(story.years, "authors")
    if change is not None:
        text += f" (authors {moved(change)} on the year before)"
    return text + "."


def _first_company(rows: Sequence[Mapping[str, object]], key: str) -> Mapping[str, object] | None:
    return next((r for r in rows if r.get("company") != UNKNOWN and r.get(key)), None)


def leaders_sentence(period: WindowDocument) -> str | None:
    """The top author, reviewer and company, with their counts."""
    parts = []
    author = period["top_authors"][0] if period["top_authors"] else None
    reviewer = period["top_reviewers"][0] if period["top_reviewers"] else None
    if author is not None:
        parts.append(f"{_name(author)} wrote the most commits ({fmt_int(author['count'])})")
    if reviewer is not None:
        gave = f"gave the most Reviewed-by ({fmt_int(reviewer['count'])})"
        if author is not None and reviewer["email"] == author["email"]:
            parts[-1] += f" and {gave}"
        else:
            parts.append(f"{_name(reviewer)} {gave}")
    company = _first_company(period["companies"], "commits")
    total = sum(c["commits"] for c in period["companies"])
    if company is not None and total:
        n = int(str(company["commits"]))
        parts.append(
            f"{company['company']} was the busiest company ({fmt_int(n)} commits, "
            f"{fmt_pct(round(n / total, 4))})"
        )
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0] + "."
    return ", ".join(parts[:-1]) + ", and " + parts[-1] + "."


def _trailer_moves(story: YearStory) -> list[tuple[float, str]]:
    """(|change|, clause) for every headline trailer and the review coverage."""
    rows = story.years["rows"]
    if len(rows) < 2:
        return []
    found = []
    for kind in story.trailers:
        key = f"{kind.row}_commits"
        change = _change(story.years, key)
        if change is None:
            continue
        new, old = rows[0].get(key), rows[1].get(key)
        verb = "rose" if change > 0 else "fell" if change < 0 else "stayed"
        found.append(
            (
                abs(change),
                f"commits with {kind.title.rstrip(':')} {verb} from {fmt_int(old)} to "
                f"{fmt_int(new)} "
                f"({fmt_change(change)})",
            )
        )
    coverage = _change(story.years, "review_coverage")
    new, old = rows[0].get("review_coverage"), rows[1].get("review_coverage")
    if coverage is not None and new is not None and old is not None:
        found.append(
            (
                abs(coverage),
                f"review coverage went from {fmt_pct(old)} to {fmt_pct(new)} "
                f"({fmt_change(coverage)})",
            )
        )
    return sorted(found, key=lambda item: -item[0])


def trailers_sentence(story: YearStory) -> str | None:
    """The two trailer counts (or the review coverage) that moved the most."""
    moves = [clause for _, clause in _trailer_moves(story)[:2]]
    if not moves:
        return None
    text = " and ".join(moves) if len(moves) == 2 else moves[0]
    return "Against the year before, " + text + "."


def _busiest(arches: Sequence[ArchDocument]) -> list[ArchDocument]:
    return sorted(
        (a for a in arches if a["name"] != COMMON and a["commits"]),
        key=lambda a: (-a["commits"], a["name"]),
    )


def architecture_sentence(period: WindowDocument) -> str | None:
    busiest = _busiest(period["architectures"])
    if not busiest or not period["commits"]:
        return None
    first = busiest[0]
    text = f"{first['name']} was the busiest architecture with {fmt_int(first['commits'])} commits"
    if len(busiest) > 1:
        text += f", followed by {busiest[1]['name']} ({fmt_int(busiest[1]['commits'])})"
    return text + "."


def review_sentence(story: YearStory) -> str | None:
    """Review on the list where the archives cover the year; else what they cover."""
    review = story.review
    if review is None:
        return None
    if review.get("coverage") == "none" or not review.get("series"):
        if story.archives is None:
            return None
        first, last = story.archives
        return (
            f"The list archives cover {_dates(first, last)}, not this year, so there is no "
            "review on the list to report."
        )
    given = review["tags_given"].get("Reviewed-by")
    reached = review["commit_tags"].get("Reviewed-by")
    text = (
        f"On the list, {fmt_pct(review['reviewed_share'])} of the {fmt_int(review['series'])} "
        "series posted were answered by someone other than their sender"
    )
    if given is not None and reached is not None:
        text += (
            f"; reviewers gave {fmt_int(given)} Reviewed-by there, and {fmt_int(reached)} "
            "reached the commits"
        )
    if review.get("coverage") == "partial" and story.archives is not None:
        text += f" (the archives cover only {_dates(*story.archives)})"
    return text + "."


def year_sentences(story: YearStory) -> list[str]:
    """The last year in 3-6 sentences (fewer when numbers are missing)."""
    if not story.periods or not story.years["rows"]:
        return []
    period = story.periods[0]
    made = [
        commits_sentence(story),
        authors_sentence(story),
        leaders_sentence(period),
        trailers_sentence(story),
        architecture_sentence(period),
        review_sentence(story),
    ]
    return [s for s in made if s]


# --- a release --------------------------------------------------------------------------------


def release_sentences(window: WindowDocument, context: ReleaseContext | None) -> list[str]:
    """One release window against the previous release and the last year's average."""
    out = []
    commits = window["commits"]
    previous = context["previous"] if context else None
    days = context.get("days") if context else None
    when = f" (released {window['date']}"
    if previous and days is not None:
        when += f", {fmt_days(days)} after {previous}"
    when += ")"
    first = window.get("first_time_authors")
    text = (
        f"{window['release']}{when} brought {fmt_int(commits)} non-merge commits from "
        f"{fmt_int(window['authors'])} authors"
    )
    if first is not None and window["authors"]:
        text += f", {fmt_int(first)} of them first-time authors"
    out.append(text + ".")
    if context is not None:
        compared = []
        change = context["vs_previous"].get("commits")
        if previous and change is not None and context.get("previous_commits") is not None:
            compared.append(
                f"{moved(change)} on {previous} ({fmt_int(context['previous_commits'])} commits)"
            )
        average = context["year_average"].get("commits")
        change = context["vs_year"].get("commits")
        if average is not None and change is not None:
            compared.append(
                f"{moved(change)} on the last year's average{_year_dates(context)} of "
                f"{average:,.1f} commits per release"
            )
        if compared:
            out.append("That is " + ", and ".join(compared) + ".")
        rate, year_rate = context.get("per_month"), context.get("year_per_month")
        if context.get("uneven") and rate is not None and year_rate is not None:
            out.append(
                f"Release windows differ in length: this one brought {rate:,.1f} commits a "
                f"month, against {year_rate:,.1f} a month over the last year"
                f"{_year_dates(context)}."
            )
    leaders = leaders_sentence(window)
    if leaders:
        out.append(leaders)
    reviewed = window["row"].get("reviewed_share")
    fixes = window["row"].get("fixes_share")
    if commits and reviewed is not None and fixes is not None:
        if not reviewed and not fixes:
            out.append("No commit carries a Reviewed-by or a Fixes: tag.")
        else:
            share = fmt_pct(fixes) if fixes else "none"
            out.append(
                f"{fmt_pct(reviewed)} of the commits carry a Reviewed-by, and {share} a Fixes: tag."
            )
    arch = architecture_sentence(window)
    if arch:
        out.append(arch)
    return out[:6]


# --- titles for slides and charts ---------------------------------------------------------------


def headline_change(story: YearStory) -> str | None:
    """The year's biggest move among commits and the headline trailers, as a title:
    "Reviewed-by up 24.5% on the year"."""
    candidates: list[tuple[float, str]] = []
    change = _change(story.years, "commits")
    if change is not None:
        candidates.append((abs(change), f"Commits {moved(change)} on the year"))
    for kind in story.trailers:
        change = _change(story.years, f"{kind.row}_commits")
        if change is not None:
            candidates.append(
                (abs(change), f"{kind.title.rstrip(':')} {moved(change)} on the year")
            )
    if not candidates:
        return None
    return max(candidates, key=lambda item: item[0])[1]


def row_value(row: Row, key: str) -> float | None:
    """A row's metric as a number (None: missing or not a number)."""
    return _number(row.get(key))


# --- a metric across releases ------------------------------------------------------------------


def metric_sentence(
    windows: Sequence[WindowDocument], key: str, title: str, share: bool = False
) -> str | None:
    """What a per-release chart shows, in one sentence: the newest value against the one
    before, and the range over the charted releases."""
    values = [(w["release"], row_value(w["row"], key)) for w in windows]
    known = [(r, v) for r, v in values if v is not None]
    if not known:
        return None
    fmt = fmt_pct if share else _plain

    release, value = known[-1]
    text = f"{title}: {fmt(value)} in {release}"
    if len(known) > 1:
        before_release, before = known[-2]
        text += f", against {fmt(before)} in {before_release}"
        low = min(known, key=lambda item: (item[1], item[0]))
        high = max(known, key=lambda item: (item[1], item[0]))
        if low != high:
            text += (
                f"; over these {len(known)} releases, from {fmt(low[1])} ({low[0]}) "
                f"to {fmt(high[1])} ({high[0]})"
            )
    return text + "."


def _plain(value: float) -> str:
    return fmt_int(int(value)) if float(value).is_integer() else f"{value:,.1f}"
