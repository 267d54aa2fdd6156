"""Text on a slide: untrusted strings made printable, how wide a string is set in the deck's
font, how it wraps into lines, and how numbers and changes read.

`clean` keeps a name from git to one visible line: control characters (which XML, and so a
PPTX, cannot even hold), invisible format characters (bidi overrides that reorder what
follows) and unpaired surrogates are dropped. Escaping is each writer's job (XML by
python-pptx, HTML by `html_file`).

Widths come from Arial's advance widths (the Helvetica metrics, which Arial and Liberation
Sans share), so the layout knows before any application draws the text how many lines a
title takes and how wide a column must be. Characters outside ASCII take the width of their
base letter, CJK a full em, anything else a generous 0.6 em.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from kvmstatus.deck.model import Number, Unit
from kvmstatus.shared.text import one_line

DASH: Final = "\N{EN DASH}"
"""A missing value."""
UP_ARROW: Final = "\N{BLACK UP-POINTING TRIANGLE}"
DOWN_ARROW: Final = "\N{BLACK DOWN-POINTING TRIANGLE}"

# Zero-width (non-)joiners belong to some scripts' spelling; every other format character
# (zero-width spaces, bidi overrides and isolates, BOM) only hides or reorders text.
_KEEP_FORMAT: Final = frozenset("\u200c\u200d")


def clean(text: object, limit: int = 300) -> str:
    """`text` as one visible line of at most `limit` characters (an ellipsis marks a cut):
    control, format and private characters dropped, whitespace runs made one space."""
    return one_line(text, limit)


def safe_url(url: str) -> str | None:
    """`url` when it is an http(s) address, else None: a link never runs `javascript:` or
    opens a local file."""
    cleaned = clean(url, 2000)
    return cleaned if re.fullmatch(r"https?://[^\s\"'<>]+", cleaned, re.IGNORECASE) else None


# Advance widths in 1/1000 em of the printable ASCII characters (32..126), regular and bold.
_REGULAR: Final = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD: Final = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip
_OTHER: Final = 600
_WIDE: Final = 1000
_SPECIAL: Final = {
    "\N{EN DASH}": 556,
    "\N{EM DASH}": 1000,
    "\N{HORIZONTAL ELLIPSIS}": 1000,
    "\N{MIDDLE DOT}": 278,
    "\N{NO-BREAK SPACE}": 278,
    UP_ARROW: 990,
    DOWN_ARROW: 990,
    "\N{MINUS SIGN}": 584,
    "\N{LEFT SINGLE QUOTATION MARK}": 222,
    "\N{RIGHT SINGLE QUOTATION MARK}": 222,
    "\N{LEFT DOUBLE QUOTATION MARK}": 333,
    "\N{RIGHT DOUBLE QUOTATION MARK}": 333,
    "\N{BULLET}": 350,
}


@lru_cache(maxsize=4096)
def _advance(ch: str, bold: bool) -> int:
    table = _BOLD if bold else _REGULAR
    code = ord(ch)
    if 32 <= code <= 126:
        return table[code - 32]
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if unicodedata.combining(ch):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE
    base = unicodedata.normalize("NFD", ch)[:1]
    if base and 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    return _OTHER


def width(text: str, size: float, bold: bool = False) -> float:
    """The width in points of `text` set on one line at `size` points."""
    return sum(_advance(ch, bold) for ch in text) * size / 1000


def wrap(text: str, size: float, box: float, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `box` points, at spaces, as a word-wrapping
    text frame does; a word wider than the box is broken after a range's dots
    (`v6.9..` `v6.10`) when it has them, else where the box ends."""
    space = width(" ", size, bold)
    lines: list[str] = []
    line = ""
    line_width = 0.0
    for word in text.split(" "):
        word_width = width(word, size, bold)
        if line and line_width + space + word_width <= box:
            line += " " + word
            line_width += space + word_width
            continue
        if line:
            lines.append(line)
        line, line_width = word, word_width
        while line_width > box and len(line) > 1:
            cut = _fitting(line, size, box, bold)
            dots = line.rfind("..", 0, cut - 1)
            if dots > 0:
                cut = dots + 2
            lines.append(line[:cut])
            line = line[cut:]
            line_width = width(line, size, bold)
    lines.append(line)
    return lines


def _fitting(word: str, size: float, box: float, bold: bool) -> int:
    """How many leading characters of `word` fit in `box` (at least one)."""
    total = 0.0
    for i, ch in enumerate(word):
        total += _advance(ch, bold) * size / 1000
        if total > box:
            return max(i, 1)
    return len(word)


def line_count(text: str, size: float, box: float, bold: bool = False) -> int:
    return len(wrap(text, size, box, bold))


# --- numbers ---------------------------------------------------------------------------------


def value(number: Number | None, unit: Unit = "count") -> str:
    """A metric's value as a slide shows it: 1,234; 31.3% (of a fraction); 12 days."""
    if number is None:
        return DASH
    if unit == "share":
        return f"{number * 100:.1f}%"
    if unit == "days":
        return f"{number:,.0f} days"
    return f"{number:,}" if isinstance(number, int) else f"{number:,.1f}"


def cell(item: object) -> str:
    """A table cell's text: numbers with separators, None as a dash, text cleaned."""
    if item is None:
        return DASH
    if isinstance(item, bool):
        return clean(item)
    if isinstance(item, int | float):
        return value(item)
    return clean(item)


def change(percent: float | None) -> str:
    """A percent change with its direction: "▲ +24.0%", "▼ -12.5%", "0.0%", or a dash."""
    if percent is None:
        return DASH
    text = f"{percent:+.1f}%"
    arrow = {1: UP_ARROW + " ", -1: DOWN_ARROW + " ", 0: ""}[direction(percent)]
    return arrow + (text if arrow else "0.0%")


def direction(percent: float | None) -> int:
    """1 up, -1 down, 0 flat (as shown, to one decimal) or unknown."""
    shown = 0.0 if percent is None else round(percent, 1)
    return 0 if shown == 0 else (1 if shown > 0 else -1)
