"""Pure functions from commit records to the tables of the status report.

Nothing here runs git. Every count is over non-merge commits unless its name says merges;
people are counted by mailmapped email, lowercased, and shown under that email's most used
name in the window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kvmstatus.model.records import CommitRecord, Person
from kvmstatus.model.trailers import PEOPLE_TRAILERS, REPORTED_TRAILERS
from kvmstatus.shared.numbers import by_count, most_common


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a top-N list."""

    name: str
    email: str
    count: int


@dataclass(frozen=True, slots=True)
class TrailerCount:
    commits: int
    """Non-merge commits carrying the key at least once."""
    lines: int
    """Distinct (key, value) pairs summed over those commits."""


@dataclass(frozen=True, slots=True)
class MalformedTrailer:
    commit: str
    key: str
    value: str


@dataclass(frozen=True)
class WindowStats:
    """The headline numbers of one window."""

    range: str
    paths: tuple[str, ...]
    commits: int
    merges: int
    authors: int
    trailers: dict[str, TrailerCount]
    top_authors: list[Ranked]
    top_people: dict[str, list[Ranked]]
    """Per trailer with a people list (`TrailerKind.people`: reviewers, ackers, testers), the
    people its lines name; the documents keep each as `top_NAME`."""
    top_fixers: list[Ranked]
    malformed_trailers: list[MalformedTrailer] = field(default_factory=list)
    undecodable_commits: list[str] = field(default_factory=list)


def non_merges(records: Iterable[CommitRecord]) -> list[CommitRecord]:
    return [r for r in records if not r.is_merge]


def display_names(records: Iterable[CommitRecord]) -> dict[str, str]:
    """Each email's most used name over authors and trailer people (ties: the smaller name)."""
    seen: dict[str, dict[str, int]] = {}
    for record in records:
        for person in (record.author, *(t.person for t in record.trailers if t.person)):
            if person.name:
                names = seen.setdefault(person.key, {})
                names[person.name] = names.get(person.name, 0) + 1
    return {email: most_common(names) for email, names in seen.items()}


def rank(people: Iterable[Person], names: dict[str, str], top: int) -> list[Ranked]:
    """People by count, then email; `top` rows (all when `top` is 0 or less)."""
    rows = by_count(Counter(p.key for p in people))
    if top > 0:
        rows = rows[:top]
    return [Ranked(names.get(email, ""), email, n) for email, n in rows]


def count_trailers(
    records: Iterable[CommitRecord], keys: Sequence[str] = REPORTED_TRAILERS
) -> dict[str, TrailerCount]:
    """Per key: commits carrying it, and its distinct lines summed (one pass over records)."""
    commits: dict[str, int] = dict.fromkeys(keys, 0)
    lines: dict[str, int] = dict.fromkeys(keys, 0)
    for record in records:
        for key, trailers in record.by_key.items():
            if key in commits:
                commits[key] += 1
                lines[key] += len(trailers)
    return {key: TrailerCount(commits=commits[key], lines=lines[key]) for key in keys}


def trailer_people(records: Iterable[CommitRecord], key: str) -> list[Person]:
    return [t.person for r in records for t in r.trailers_of(key) if t.person is not None]


def window_stats(
    records: Sequence[CommitRecord],
    range_: str,
    paths: Sequence[str],
    top: int = 10,
    names: dict[str, str] | None = None,
) -> WindowStats:
    """The `kvmstatus stats` table for one window's records (`names`: `display_names`)."""
    commits = non_merges(records)
    names = display_names(records) if names is None else names
    return WindowStats(
        range=range_,
        paths=tuple(paths),
        commits=len(commits),
        merges=len(records) - len(commits),
        authors=len({r.author.key for r in commits}),
        trailers=count_trailers(commits),
        top_authors=rank((r.author for r in commits), names, top),
        top_people={
            kind.people: rank(trailer_people(commits, kind.key), names, top)
            for kind in PEOPLE_TRAILERS
            if kind.people
        },
        top_fixers=rank((r.author for r in commits if r.trailers_of("Fixes")), names, top),
        malformed_trailers=[
            MalformedTrailer(r.hash, t.key, t.value)
            for r in commits
            for t in r.trailers
            if t.malformed
        ],
        undecodable_commits=[r.hash for r in records if r.undecodable],
    )


BOTS: dict[str, str] = {
    "syzkaller.appspotmail.com": "syzbot",
    "lkp@intel.com": "kernel test robot",
}
"""Reporter address (or domain) -> bot name, for Reported-by lines that came from a bot."""


def bot_of(email: str) -> str | None:
    email = email.lower()
    for suffix, bot in BOTS.items():
        if email == suffix or email.endswith(("@" + suffix, "." + suffix)):
            return bot
    return None


def review_coverage(records: Sequence[CommitRecord]) -> float | None:
    """Share of non-merge commits with a Reviewed-by or Acked-by from someone not the author."""
    commits = non_merges(records)
    if not commits:
        return None
    reviewed = 0
    for r in commits:
        by_key = r.by_key
        if "Reviewed-by" not in by_key and "Acked-by" not in by_key:
            continue
        lines = (*by_key.get("Reviewed-by", ()), *by_key.get("Acked-by", ()))
        author = r.author.key
        reviewed += any(t.person is not None and t.person.key != author for t in lines)
    return reviewed / len(commits)


def bot_reported(records: Sequence[CommitRecord]) -> dict[str, int]:
    """Non-merge commits with a Reported-by from each bot (a commit counts once per bot)."""
    counts: Counter[str] = Counter()
    for record in records:
        reports = record.trailers_of("Reported-by")
        if not reports or record.is_merge:
            continue
        bots = {bot for t in reports if t.person is not None and (bot := bot_of(t.person.email))}
        for bot in bots:
            counts[bot] += 1
    return dict(sorted(counts.items()))
