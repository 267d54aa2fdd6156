"""Commit-message trailers: how a line becomes a `Trailer` (which keys count is the registry
`kvmstatus.model.trailers.TRAILERS`).

A line counts when it looks like `^\\s*Key:\\s*value` anywhere after the subject line (the
kernel's trailers are not always in the last paragraph). Each (key, value) pair counts once
per commit. Person values that do not parse are kept and flagged, never dropped.

The parser reads what the message says; which `Cc:` addresses are a stable list is the
project's to say, so `kvmstatus.analyse.stable` derives that key.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kvmstatus.model.records import Person, Trailer
from kvmstatus.model.trailers import PERSON_KEYS, TRACKED_KEYS

_CANONICAL = {key.lower(): key for key in TRACKED_KEYS}
# A line whose first word starts like a tracked key does (case-sensitive character classes: a
# case-insensitive alternation of every key cost the engine half again as much), its key then
# looked up in `_CANONICAL`, so prose lines like "Note: ..." rarely leave the engine.
# The value runs to the end of the line (greedy, then `rstrip` in `_make`: a lazy `.*?` before
# optional trailing blanks made the engine retry at every character).
# Each line is found by the newline before it (a literal the engine scans for quickly, where a
# multiline `^` is tried at every character), so the search starts at the subject's newline.
# Case-insensitive matching also takes three letters whose lower case is not the ASCII one.
_ALIKE = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}
_FOLD = str.maketrans(_ALIKE)
_FIRST = {c for key in TRACKED_KEYS for c in (key[0].lower(), key[0].upper())}
_FIRST |= {c for c, letter in _ALIKE.items() if letter in _FIRST}
_LONGEST = max(len(key) for key in TRACKED_KEYS)
_LINE = re.compile(
    rf"\n[^\S\n]*([{''.join(sorted(_FIRST))}][\w-]{{0,{_LONGEST - 1}}}):[^\S\n]*([^\n]*)"
)


def _canonical(written: str) -> str | None:
    """The tracked key `written` names case-insensitively (as `re.IGNORECASE` compares)."""
    key = _CANONICAL.get(written.lower())
    if key is None and not written.isascii():
        key = _CANONICAL.get(written.translate(_FOLD).lower())
    return key


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
    for written, value in _LINE.findall(message, max(message.find("\n"), 0)):
        key = _canonical(written)
        if key is not None:
            found.append(_make(key, value))
    if len(found) < 2:
        return tuple(found)
    first: dict[tuple[str, str], Trailer] = {}
    for trailer in found:  # each (key, value) pair once, in order of first appearance
        first.setdefault((trailer.key, trailer.value), trailer)
    return tuple(first.values())


@lru_cache(maxsize=1 << 16)
def _make(key: str, raw_value: str) -> Trailer:
    # Cached on the line as written: the same reviewers and lists recur thousands of times,
    # and trailers are frozen.
    value = _SPACE.sub(" ", raw_value.rstrip())
    if key not in PERSON_KEYS:
        return Trailer(key=key, value=value, malformed=not value)
    person = parse_person(value)
    return Trailer(key=key, value=value, person=person, malformed=person is None)
