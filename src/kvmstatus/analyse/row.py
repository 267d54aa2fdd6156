"""The per-window row: every scalar metric of one window, flat, for tables, CSV and trend
charts (compared across periods by `analyse.periods.compare_rows`). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from kvmstatus.analyse.affiliations import unknown_share
from kvmstatus.analyse.fixes import FixesSummary
from kvmstatus.analyse.merges import MaintainerFlow
from kvmstatus.analyse.metrics import WindowStats, bot_reported, review_coverage
from kvmstatus.model.records import CommitRecord
from kvmstatus.model.trailers import ROW_TRAILERS
from kvmstatus.shared.numbers import share

Row = dict[str, str | int | float | None]


def window_row(
    release: str,
    date: str,
    records: Sequence[CommitRecord],
    stats: WindowStats,
    first_time_authors: int | None,
    companies: Sequence[tuple[str, int]],
    review_companies: Sequence[tuple[str, int]],
    fixes: FixesSummary,
    flow: MaintainerFlow,
) -> Row:
    """The row of one window. `first_time_authors` is None when they are judged later, against
    the windows before (`kvmstatus.store.documents.with_first_time_authors` fills it in)."""
    total = stats.commits + stats.merges
    coverage = review_coverage(records)
    bots = bot_reported(records)
    row: Row = {
        "release": release,
        "date": date,
        "range": stats.range,
        "commits": stats.commits,
        "merges": stats.merges,
        "merge_share": share(stats.merges, total),
        "mainline_merges": flow.mainline_merges,
        "authors": stats.authors,
        "first_time_authors": first_time_authors,
        "review_coverage": None if coverage is None else round(coverage, 4),
    }
    for kind in ROW_TRAILERS:
        row[f"{kind.row}_commits"] = stats.trailers[kind.key].commits
        row[f"{kind.row}_share"] = share(stats.trailers[kind.key].commits, stats.commits)
    row["bot_reported_syzbot"] = bots.get("syzbot", 0)
    row["bot_reported_kernel_test_robot"] = bots.get("kernel test robot", 0)
    row["malformed_trailers"] = len(stats.malformed_trailers)
    row["companies"] = len(companies)
    row["unknown_company_share"] = round(unknown_share(companies), 4) if companies else None
    row["unknown_reviewer_company_share"] = (
        round(unknown_share(review_companies), 4) if review_companies else None
    )
    row["fixes_lines"] = fixes.lines
    row["fixes_invalid"] = fixes.invalid
    row["fixes_same_release"] = fixes.same_release
    row["fixes_median_lifetime_days"] = fixes.median_lifetime_days
    row["fixes_p90_lifetime_days"] = fixes.p90_lifetime_days
    row["applied_by_others_share"] = share(flow.applied_by_others, stats.commits)
    return row
