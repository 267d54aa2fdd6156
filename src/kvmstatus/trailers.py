"""Commit-message trailers: which keys count, and how a line becomes a `Trailer`.

The tracked keys are one constant set, matched case-insensitively, so `Co-Developed-by` and
`co-developed-by` are the same key while `Singed-off-by` or `Co-authored-by` are not tracked.
A line counts when it looks like `^\\s*Key:\\s*value` anywhere after the subject line (the
kernel's trailers are not always in the last paragraph). Each (key, value) pair counts once
per commit. Person values that do not parse are kept and flagged, never dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
# Only tracked keys: the engine skips prose lines like "Note: ..." without a Python round trip.
_LINE = re.compile(
    r"^[^\S\n]*(" + "|".join(re.escape(k) for k in TRACKED_KEYS) + r"):[^\S\n]*(.*?)[^\S\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
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


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """Every tracked trailer of `message`, in order of first appearance, each pair once."""
    seen: set[tuple[str, str]] = set()
    found: list[Trailer] = []
    # Skip the first line: "Link: fix ..." there is a subject, not a trailer.
    _, _, body = message.partition("\n")
    for match in _LINE.finditer(body):
        for trailer in _make(_CANONICAL[match[1].lower()], _SPACE.sub(" ", match[2])):
            ident = (trailer.key, trailer.value)
            if ident not in seen:
                seen.add(ident)
                found.append(trailer)
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def _make(key: str, value: str) -> tuple[Trailer, ...]:
    # Cached: the same reviewers and lists recur thousands of times, and trailers are frozen.
    if key not in PERSON_KEYS:
        return (Trailer(key=key, value=value, malformed=not value),)
    person = parse_person(value)
    trailer = Trailer(key=key, value=value, person=person, malformed=person is None)
    if key == "Cc" and _STABLE.search(value):
        return trailer, Trailer(key=CC_STABLE, value=value, person=person)
    return (trailer,)
