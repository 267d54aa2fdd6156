"""Which colour a thing has on a chart: one rule, by name, the same on every chart and page,
in every edition, and on the slides.

A company, an architecture, a trailer (or the same tag given on a list), a source tree or a
metric is drawn in one colour wherever it appears, and keeps it when the data changes:
colours follow from the *name*, never from a rank, which changes as soon as one company
overtakes another. The rule (the site's Methodology page says it for readers):

1. **Catch-alls are grey** (`NEUTRAL`): `(Unknown)`, `common`, "Other", "unreleased". They
   are what the other colours are measured against, not one more series.
2. **Known names have a fixed colour** (`FIXED`): the architectures of the shipped
   mappings, and the trailers of the registry (`model.trailers`), which are also the tags
   reviewers give on the lists: `Reviewed-by` is the same blue in commits and on a list.
3. **Every other name has its own order of the palette**, the colours sorted by the SHA-256
   of the name and the colour (rendezvous hashing): it depends on nothing but the name's
   text, so it is the same on every machine and in every edition.
4. **The names drawn together are served in alphabetical order** (case-folded; fixed
   names first): each takes the first colour of its order that no name before it took. A
   name keeps its first choice unless a name before it in the alphabet wanted the same
   colour; a new name changes the colour of no name sorting before it, and of none at all
   when its own first choice is free. Past `len(PALETTE)` names the colours run out and
   names share them; `distinct` then still gives every series *of one chart* a colour of
   its own.

`assign` is applied to a whole family at once (every company any company chart shows, every
architecture of the mapping, every trailer of the registry), so a name has one colour on
all the charts of an edition, including those that show only some of the family.

The palette: twelve colours of mid lightness, each with a contrast of at least 3:1 (WCAG's
minimum for graphics) on white and on Material's dark slate (#1e2129), since the page's
charts are transparent over either, and at least 16 CIEDE2000 units from each other and
from the neutral grey. The first eight are Okabe & Ito's with their light ones (orange, sky
blue, yellow) replaced by darker hues; colour alone cannot separate twelve series for every
reader, so each colour has a point shape of its own too (`SHAPES`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from kvmstatus.model.trailers import CC_STABLE
from kvmstatus.shared.labels import COMMON, SEVERAL, UNKNOWN

PALETTE: Final = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#B8860B",  # dark goldenrod
    "#8C6BD6",  # violet
    "#0098A8",  # teal
    "#E0565B",  # coral red
    "#667711",  # olive
    "#CC00AA",  # magenta
    "#11AA00",  # green
    "#996655",  # brown
)
GREY: Final = "#808080"
"""The neutral colour: mid grey reads on white and on slate alike (contrast ~4:1)."""
FAINT: Final = "rgba(128, 128, 128, 0.4)"
"""Translucent grey for "everyone else": it recedes on either background."""
HALF: Final = "rgba(128, 128, 128, 0.7)"

# Vega's built-in symbols and four paths in its -1..1 symbol box: one shape per palette
# colour and one for the neutral grey, so two series of a chart never share both.
SHAPES: Final = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
    # a star
    "M0,-1L0.24,-0.33L0.95,-0.31L0.39,0.13L0.59,0.81L0,0.4L-0.59,0.81L-0.39,0.13L-0.95,-0.31"
    "L-0.24,-0.33Z",
    # a hexagon
    "M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z",
    # an x
    "M-1,-0.7L-0.7,-1L0,-0.3L0.7,-1L1,-0.7L0.3,0L1,0.7L0.7,1L0,0.3L-0.7,1L-1,0.7L-0.3,0Z",
    # a pentagon
    "M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z",
    # an hourglass, for the greys
    "M-0.9,-0.9L0.9,-0.9L0.15,0L0.9,0.9L-0.9,0.9L-0.15,0Z",
)

OTHER: Final = "Other"
UNRELEASED: Final = "unreleased"

NEUTRAL: Final[Mapping[str, str]] = {
    UNKNOWN: GREY,  # solid: the share no affiliation map places must stay visible
    COMMON: GREY,
    SEVERAL: GREY,
    UNRELEASED: GREY,
    OTHER: FAINT,
}
"""The catch-alls and their greys."""

_ARCHITECTURES: Final = {
    "x86": 0,
    "arm64": 1,
    "s390": 2,
    "riscv": 4,
    "powerpc": 5,
    "mips": 6,
    "loongarch": 7,
    "arm": 8,
    "ia64": 11,
}
_TRAILERS: Final = {
    "Reviewed-by": 0,
    "Acked-by": 1,
    "Tested-by": 2,
    "Fixes": 3,
    "Co-developed-by": 4,
    "Reported-by": 5,
    "Suggested-by": 6,
    CC_STABLE: 7,
    "Link": 8,
    "Signed-off-by": 9,
    "Cc": 10,
    "Closes": 11,
}
FIXED: Final[Mapping[str, str]] = {
    name: PALETTE[slot] for table in (_ARCHITECTURES, _TRAILERS) for name, slot in table.items()
}
"""The known names' colours: the shipped mappings' architectures and the registry's trailers
(each family in distinct colours; the two families never share a chart)."""


def _text(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def preference(name: str) -> tuple[str, ...]:
    """The palette in `name`'s own order (rendezvous hashing: each colour's SHA-256 with the
    name, highest first). A fixed name's colour comes first."""
    text = _text(name).encode("utf-8", "surrogatepass")

    def weight(colour: str) -> bytes:
        return hashlib.sha256(colour.encode("ascii") + b"\0" + text).digest()

    order = sorted(PALETTE, key=weight, reverse=True)
    fixed = FIXED.get(name)
    return (fixed, *(c for c in order if c != fixed)) if fixed else tuple(order)


def _serving_order(names: Iterable[str]) -> list[str]:
    unique = dict.fromkeys(names)
    return sorted(unique, key=lambda n: (n not in FIXED, _text(n).casefold(), _text(n)))


def _serve(names: Iterable[str], book: Mapping[str, str]) -> dict[str, str]:
    """Rule 4: greys for the catch-alls, then the names in the serving order, each the colour
    `book` gives it (else its first choice) unless a name before it took that one, then the
    first colour of its `preference` still free (its wish when every colour is taken)."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in _serving_order(names):
        if name in NEUTRAL:
            chosen[name] = NEUTRAL[name]
            continue
        wanted = book.get(name) or preference(name)[0]
        if wanted in taken:
            wanted = next((c for c in preference(name) if c not in taken), wanted)
        chosen[name] = wanted
        taken.add(wanted)
    return chosen


def assign(names: Iterable[str]) -> dict[str, str]:
    """A colour for each name drawn in a family (rule 4 of the module's docstring)."""
    return _serve(names, {})


def distinct(names: Sequence[str], book: Mapping[str, str] | None = None) -> list[str]:
    """The colours of one chart's series `names`, in their order: each name's colour in
    `book` (the family's `assign`; default: the names' own), except where two series of the
    chart would share one; then the name later in the serving order takes the first free
    colour of its `preference`. Catch-alls stay grey."""
    chosen = _serve(names, book or {})
    return [chosen[name] for name in names]


def shape(colour: str) -> str:
    """The point shape that goes with a colour (the greys share the last one)."""
    return SHAPES[PALETTE.index(colour)] if colour in PALETTE else SHAPES[-1]
