"""How numbers are written for readers, the same on pages, in sentences, on slides and in the
terminal: counts with thousands separators, shares as percentages, changes signed."""

from __future__ import annotations

DASH = "\N{EN DASH}"
"""What a table shows for "no value"."""


def fmt_int(value: object) -> str:
    return DASH if value is None else f"{value:,}"


def fmt_pct(value: object) -> str:
    """A share (0..1) as a percentage with one decimal."""
    return DASH if value is None else f"{float(str(value)) * 100:.1f}%"


def fmt_days(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):,.0f} days"


def fmt_change(value: float | None) -> str:
    """A change in percent, signed (`+12.5%`)."""
    return DASH if value is None else f"{value:+.1f}%"
