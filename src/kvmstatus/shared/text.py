"""Untrusted text (names, subjects, tags from git) made one visible line, the same way for a
chart's labels and a slide's text; and specifications merged key by key."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

# Zero-width joiners belong to some scripts' spelling and to emoji; every other format
# character (zero-width spaces, bidi overrides and isolates, BOM) only hides or reorders text.
_KEEP_FORMAT = frozenset("\u200c\u200d")


def one_line(text: object, limit: int) -> str:
    """`text` as one visible line of at most `limit` characters (an ellipsis marks a cut):
    control, format, surrogate and private characters dropped, whitespace runs (line and
    paragraph separators included) made one space."""
    raw = "" if text is None else str(text)
    kept = "".join(
        ch
        for ch in raw
        if ch.isspace()
        or ch in _KEEP_FORMAT
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    line = " ".join(kept.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `override` on top, nested mappings merged key by key (a Vega config)."""
    out = dict(base)
    for key, value in override.items():
        old = out.get(key)
        out[key] = (
            merged(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
        )
    return out
