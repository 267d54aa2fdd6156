"""Numbers across windows: the per-window scalar row, yearly comparisons and the linear trend.

Pure functions over records and rows; nothing here runs git.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kvmstatus.metrics import (
    WindowStats,
    bot_reported,
    first_time_authors,
    review_coverage,
)
from kvmstatus.records import CommitRecord
from kvmstatus.trailers import CC_STABLE

Row = dict[str, str | int | float | None]

_SHARES: tuple[tuple[str, str], ...] = (
    ("reviewed", "Reviewed-by"),
    ("acked", "Acked-by"),
    ("fixes", "Fixes"),
    ("tested", "Tested-by"),
    ("reported", "Reported-by"),
    ("suggested", "Suggested-by"),
    ("co_developed", "Co-developed-by"),
    ("cc_stable", CC_STABLE),
)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def window_row(
    records: Sequence[CommitRecord], stats: WindowStats, earlier_authors: Iterable[str] | None
) -> Row:
    """Every scalar metric of one window, flat, for tables, CSV and trend charts.

    First-time authors need the authors before the window; with `earlier_authors` None the
    row leaves them empty for whoever knows (`dataset.with_first_time_authors`)."""
    total = stats.commits + stats.merges
    coverage = review_coverage(records)
    bots = bot_reported(records)
    row: Row = {
        "range": stats.range,
        "commits": stats.commits,
        "merges": stats.merges,
        "merge_share": _share(stats.merges, total),
        "authors": stats.authors,
        "first_time_authors": None
        if earlier_authors is None
        else len(first_time_authors(records, earlier_authors, names={})),
        "review_coverage": None if coverage is None else round(coverage, 4),
    }
    for name, key in _SHARES:
        row[f"{name}_commits"] = stats.trailers[key].commits
        row[f"{name}_share"] = _share(stats.trailers[key].commits, stats.commits)
    row["bot_reported_syzbot"] = bots.get("syzbot", 0)
    row["bot_reported_kernel_test_robot"] = bots.get("kernel test robot", 0)
    row["malformed_trailers"] = len(stats.malformed_trailers)
    return row


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


def percent_change(new: float | None, old: float | None) -> float | None:
    """(new - old) / old in percent; None when either is missing or old is zero."""
    if new is None or old is None or old == 0 or math.isnan(old):
        return None
    return round((new - old) / old * 100, 1)


def compare_rows(rows: Sequence[Row]) -> dict[str, list[float | None]]:
    """For rows [latest, one earlier, two earlier]: each numeric metric's change vs each."""
    latest = rows[0]
    changes: dict[str, list[float | None]] = {}
    for key, value in latest.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            changes[key] = [
                percent_change(float(value), _num(older.get(key))) for older in rows[1:]
            ]
    return changes


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
