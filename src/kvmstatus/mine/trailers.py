"""Commit-message trailers: which keys count, and how a line becomes a `Trailer`.

The trailers the report knows are one registry, `TRAILERS`, matched case-insensitively, so
`Co-Developed-by` and `co-developed-by` are the same key while `Singed-off-by` or
`Co-authored-by` are not tracked.
A line counts when it looks like `^\\s*Key:\\s*value` anywhere after the subject line (the
kernel's trailers are not always in the last paragraph). Each (key, value) pair counts once
per commit. Person values that do not parse are kept and flagged, never dropped.

The parser reads what the message says; which `Cc:` addresses are a stable list is the
project's to say (`STABLE_LISTS` for the kernel), so `with_cc_stable` derives that key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from kvmstatus.mine.records import CommitRecord, Person, Trailer
from kvmstatus.shared.labels import STABLE_LISTS


@dataclass(frozen=True, slots=True)
class TrailerKind:
    """One trailer key the report knows, and everywhere it shows up.

    Adding a trailer to the report is one line in `TRAILERS`: the parser, the window tables,
    the per-window row, the people lists, the headline tables and the charts all read it.
    """

    key: str
    """The canonical spelling; lines match it case-insensitively."""
    label: str = ""
    """How pages name it (default: the key)."""
    person: bool = False
    """Values name people (`Name <email>`): parsed, mailmapped, malformed when they do not."""
    reported: bool = True
    """Counted in every window's trailer table (commits carrying it, distinct lines)."""
    row: str | None = None
    """The name of its columns in the per-window row (`NAME_commits`, `NAME_share`)."""
    people: str | None = None
    """The ranked list of the people it names: `top_NAME` in the documents, a table on the
    People and release pages."""
    headline: bool = False
    """In the headline comparisons: the home page, `kvmstatus year`, `kvmstatus history`."""
    charted: bool = False
    """A line on the Trends page's trailer chart."""
    derived: bool = False
    """Not a key of its own: made from another key's lines (Cc-stable from Cc)."""

    @property
    def title(self) -> str:
        return self.label or self.key


CC_STABLE = "Cc-stable"
"""A derived key: a `Cc:` naming the stable list, counted on its own as the report does."""

TRAILERS: tuple[TrailerKind, ...] = (
    TrailerKind("Signed-off-by", person=True, reported=False),
    TrailerKind(
        "Reviewed-by", person=True, row="reviewed", people="reviewers", headline=True, charted=True
    ),
    TrailerKind("Acked-by", person=True, row="acked", people="ackers", headline=True, charted=True),
    TrailerKind("Tested-by", person=True, row="tested", people="testers", charted=True),
    TrailerKind("Reported-by", person=True, row="reported"),
    TrailerKind("Suggested-by", person=True, row="suggested"),
    TrailerKind("Co-developed-by", person=True, row="co_developed"),
    TrailerKind("Fixes", label="Fixes:", row="fixes", headline=True, charted=True),
    TrailerKind("Link"),
    TrailerKind("Closes"),
    TrailerKind("Cc", person=True, reported=False),
    TrailerKind(
        CC_STABLE, label="Cc: stable", person=True, row="cc_stable", headline=True, derived=True
    ),
)
"""Every trailer the report knows, in the order tables show them."""

TRACKED_KEYS: tuple[str, ...] = tuple(k.key for k in TRAILERS if not k.derived)
"""The keys the parser reads from commit messages."""
PERSON_KEYS: frozenset[str] = frozenset(k.key for k in TRAILERS if k.person and not k.derived)
REPORTED_TRAILERS: tuple[str, ...] = tuple(k.key for k in TRAILERS if k.reported)
"""The keys of every window's trailer table, in table order."""
ROW_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.row)
PEOPLE_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.people)
HEADLINE_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.headline)
CHARTED_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.charted)

_CANONICAL = {key.lower(): key for key in TRACKED_KEYS}
# Only tracked keys: the engine skips prose lines like "Note: ..." without a Python round trip.
# The value runs to the end of the line (greedy, then `rstrip` in `_make`: a lazy `.*?` before
# optional trailing blanks made the engine retry at every character).
# Each line is found by the newline before it (a literal the engine scans for quickly, where a
# multiline `^` is tried at every character), so the search starts at the subject's newline.
_LINE = re.compile(
    r"\n[^\S\n]*(" + "|".join(re.escape(k) for k in TRACKED_KEYS) + r"):[^\S\n]*([^\n]*)",
    re.IGNORECASE,
)
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>(?P<rest>.*)$")
_BARE = re.compile(r"^(?P<email>[^<>\s\"]+@[^<>\s\"]+?)(?P<rest>[\s,#].*)?$")
_SPACE = re.compile(r"\s+")


def parse_person(value: str) -> Person | None:
    """`Name <email>` (anything after the `>` is a comment) or a bare address, else None."""
    match = _NAMED.match(value)
    if match:
        name = match["name"].strip().strip('"').strip()
        return Person(name=name, email=match["email"])
    match = _BARE.match(value)
    if match:
        return Person(name="", email=match["email"])
    return None


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """Every tracked trailer of `message`, in order of first appearance, each pair once."""
    # Skip the first line: "Link: fix ..." there is a subject, not a trailer.
    found: list[Trailer] = []
    for key, value in _LINE.findall(message, max(message.find("\n"), 0)):
        found += _make(key, value)
    if len(found) < 2:
        return tuple(found)
    first: dict[tuple[str, str], Trailer] = {}
    for trailer in found:  # each (key, value) pair once, in order of first appearance
        first.setdefault((trailer.key, trailer.value), trailer)
    return tuple(first.values())


@lru_cache(maxsize=1 << 16)
def _make(written_key: str, raw_value: str) -> tuple[Trailer, ...]:
    # Cached on the line as written: the same reviewers and lists recur thousands of times,
    # and trailers are frozen.
    key = _CANONICAL[written_key.lower()]
    value = _SPACE.sub(" ", raw_value.rstrip())
    if key not in PERSON_KEYS:
        return (Trailer(key=key, value=value, malformed=not value),)
    person = parse_person(value)
    return (Trailer(key=key, value=value, person=person, malformed=person is None),)


@lru_cache(maxsize=16)
def stable_regex(addresses: tuple[str, ...]) -> re.Pattern[str] | None:
    """A `Cc:` value naming one of `addresses` (anywhere in it, as `git log --grep` reads
    it; case-insensitive); None when the project has no stable list."""
    if not addresses:
        return None
    alternatives = "|".join(re.escape(a) for a in addresses)
    return re.compile(rf"(?<![\w.+-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def with_cc_stable(
    records: Sequence[CommitRecord], addresses: tuple[str, ...] = STABLE_LISTS
) -> list[CommitRecord]:
    """`records` with a `Cc-stable` trailer after each `Cc:` that names one of the stable
    lists `addresses` (each pair once per commit, like every key)."""
    regex = stable_regex(tuple(addresses))
    if regex is None:
        return list(records)
    out = []
    for record in records:
        ccs = [t for t in record.trailers if t.key == "Cc" and regex.search(t.value)]
        if not ccs:
            out.append(record)
            continue
        trailers: list[Trailer] = []
        for trailer in record.trailers:
            trailers.append(trailer)
            if trailer in ccs:
                trailers.append(Trailer(key=CC_STABLE, value=trailer.value, person=trailer.person))
        out.append(replace(record, trailers=tuple(trailers)))
    return out
