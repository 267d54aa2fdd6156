"""Small numeric helpers shared by the analysis and the site: ranking, percentiles, shares,
percent changes and the linear trend. Pure functions, no I/O."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def by_count(counts: Mapping[K, int] | Iterable[tuple[K, int]]) -> list[tuple[K, int]]:
    """`(key, count)` pairs, most first, ties by key: the order of every ranked table."""
    items = counts.items() if isinstance(counts, Mapping) else counts
    return sorted(items, key=lambda item: (-item[1], item[0]))


def most_common(counts: Mapping[K, int]) -> K:
    """The key with the highest count, ties to the smallest key (`counts` must not be empty)."""
    if len(counts) == 1:  # most people write their name one way, most topics too
        return next(iter(counts))
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def share(part: float, whole: float, digits: int = 4) -> float | None:
    """`part / whole` rounded to `digits`; None when `whole` is zero."""
    return round(part / whole, digits) if whole else None


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile: the value at 1-based rank ceil(percent/100 * n)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def percent_change(new: object, old: object) -> float | None:
    """(new - old) / old in percent, to one decimal; None when either is not a number or old
    is zero."""
    if not _is_number(new) or not _is_number(old):
        return None
    old_value = float(old)  # type: ignore[arg-type]
    if old_value == 0 or math.isnan(old_value):
        return None
    return round((float(new) - old_value) / old_value * 100, 1)  # type: ignore[arg-type]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares line `value = slope * index + intercept` over windows 0..n-1."""

    slope: float
    intercept: float
    r2: float
    n: int


def linear_trend(values: Sequence[float]) -> Trend | None:
    n = len(values)
    if n < 2:
        return None
    xs = range(n)
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True))
    syy = sum((y - mean_y) ** 2 for y in values)
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    r2 = (sxy * sxy) / (sxx * syy) if syy else 1.0
    return Trend(slope=slope, intercept=intercept, r2=r2, n=n)
