"""Commit-message trailers: which keys count, and how a line becomes a `Trailer`.

The tracked keys are one constant set, matched case-insensitively, so `Co-Developed-by` and
`co-developed-by` are the same key while `Singed-off-by` or `Co-authored-by` are not tracked.
A line counts when it looks like `^\\s*Key:\\s*value` anywhere after the subject line (the
kernel's trailers are not always in the last paragraph). Each (key, value) pair counts once
per commit. Person values that do not parse are kept and flagged, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kvmstatus.records import Person, Trailer

TRACKED_KEYS: tuple[str, ...] = (
    "Signed-off-by",
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Co-developed-by",
    "Fixes",
    "Link",
    "Closes",
    "Cc",
)
PERSON_KEYS: frozenset[str] = frozenset(TRACKED_KEYS) - {"Fixes", "Link", "Closes"}
CC_STABLE = "Cc-stable"
"""A derived key: a `Cc:` naming the stable list, counted on its own as the report does."""

_CANONICAL = {key.lower(): key for key in TRACKED_KEYS}
_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z-]*):\s*(.*?)\s*$")
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>(?P<rest>.*)$")
_BARE = re.compile(r"^(?P<email>[^<>\s\"]+@[^<>\s\"]+?)(?P<rest>[\s,#].*)?$")
# stable@kernel.org was the stable list's address before vger hosted it (until 2011).
_STABLE = re.compile(r"\bstable@(?:vger\.)?kernel\.org\b", re.IGNORECASE)
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


def _lines(message: str) -> Iterator[str]:
    lines = message.splitlines()
    # Skip the subject paragraph's first line: "Link: fix ..." there is a subject, not a trailer.
    yield from lines[1:]


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """Every tracked trailer of `message`, in order of first appearance, each pair once."""
    seen: set[tuple[str, str]] = set()
    found: list[Trailer] = []
    for line in _lines(message):
        match = _LINE.match(line)
        if not match:
            continue
        key = _CANONICAL.get(match[1].lower())
        if key is None:
            continue
        value = _SPACE.sub(" ", match[2])
        for trailer in _make(key, value):
            ident = (trailer.key, trailer.value)
            if ident not in seen:
                seen.add(ident)
                found.append(trailer)
    return tuple(found)


def _make(key: str, value: str) -> Iterator[Trailer]:
    if key not in PERSON_KEYS:
        yield Trailer(key=key, value=value, malformed=not value)
        return
    person = parse_person(value)
    yield Trailer(key=key, value=value, person=person, malformed=person is None)
    if key == "Cc" and _STABLE.search(value):
        yield Trailer(key=CC_STABLE, value=value, person=person)
