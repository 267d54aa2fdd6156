"""One window's records -> all its tables: the composition of the analysis modules. Pure.

`analyse_window` is the one place that knows which tables a window has. The ones the CLI
formats are typed fields of `WindowResult`; every further table goes into `tables` under the
name the data directory stores it by, so a new per-window table is its own module plus one
line here (and its page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kvmstatus.analyse.affiliations import AffiliationMap, commits_by_company, reviews_by_company
from kvmstatus.analyse.architectures import ArchMap, ArchStats, arch_stats, testing_by_arch
from kvmstatus.analyse.fixes import FixesSummary, summarize_fixes
from kvmstatus.analyse.merges import maintainer_flow
from kvmstatus.analyse.metrics import (
    Ranked,
    WindowStats,
    bot_reported,
    display_names,
    window_stats,
)
from kvmstatus.analyse.newcomers import author_contacts, first_time_authors
from kvmstatus.analyse.row import Row, window_row
from kvmstatus.analyse.stable import with_cc_stable
from kvmstatus.analyse.topics import arch_topic_counts, topic_counts
from kvmstatus.model.records import CommitRecord, FixesFinding
from kvmstatus.shared.labels import STABLE_LISTS


@dataclass(frozen=True)
class WindowResult:
    """One release window: its scalar row and its detailed tables."""

    release: str
    date: str
    row: Row
    stats: WindowStats
    architectures: list[ArchStats]
    first_time_authors: list[Ranked]
    bot_reported: dict[str, int]
    companies: list[tuple[str, int]]
    """Non-merge commits by the author's company at the author date."""
    review_companies: list[tuple[str, int]]
    """Reviewed-by lines by the reviewer's company at the commit's author date."""
    fixes: FixesSummary
    fix_findings: list[FixesFinding]
    tables: dict[str, Any] = field(default_factory=dict)
    """The window's further tables by their name in the data directory (topics, maintainer
    flow, testing, ...): plain values and frozen dataclasses."""

    @property
    def invalid_fixes(self) -> list[FixesFinding]:
        return [f for f in self.fix_findings if not f.valid]


def analyse_window(
    records: Sequence[CommitRecord],
    range_: str,
    specs: Sequence[str],
    earlier: set[str] | None,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    fixes: Sequence[FixesFinding] | Callable[[], Sequence[FixesFinding]] = (),
    top: int = 10,
    release: str = "",
    date: str = "",
    graph: Mapping[str, Sequence[str]] | None = None,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
) -> WindowResult:
    """All tables of one window from its records and checked Fixes lines.

    `fixes` may be a function that returns them (a future's `result`): it is called once
    every table that does not need them is done, so the git work that traces them runs
    meanwhile. `earlier`: the author keys before the window, or None when first-time
    authors are judged later against the windows before (`newcomers.new_author_keys`).
    `graph` is the window's commit graph (`mine.log.window_graph`), which tells the commits
    each merge brought in; without it merges count no commits. A `Cc:` naming one of
    `stable_lists` counts as Cc-stable."""
    records = with_cc_stable(records, stable_lists)
    companies = commits_by_company(records, affiliations)
    review_companies = reviews_by_company(records, affiliations)
    names = display_names(records)
    stats = window_stats(records, range_, specs, top=top, names=names)
    flow = maintainer_flow(records, graph or {}, arch_map, names, top)
    new = [] if earlier is None else first_time_authors(records, earlier, 0, names)
    architectures = arch_stats(records, arch_map, top, names)
    tables = {
        "testing": testing_by_arch(records, arch_map),
        "topics": topic_counts(records, arch_map.project),
        "arch_topics": arch_topic_counts(records, arch_map),
        "pulls": flow.pulls,
        "trees": flow.trees,
        "top_committers": flow.top_committers,
        "applied_by_others": flow.applied_by_others,
        "author_contacts": author_contacts(records),
    }
    findings = list(fixes() if callable(fixes) else fixes)
    fixes_summary = summarize_fixes(findings, top)
    row = window_row(
        release,
        date,
        records,
        stats,
        None if earlier is None else len(new),
        companies,
        review_companies,
        fixes_summary,
        flow,
    )
    return WindowResult(
        release=release,
        date=date,
        row=row,
        stats=stats,
        architectures=architectures,
        first_time_authors=new[:top] if top > 0 else new,
        bot_reported=bot_reported(records),
        companies=companies,
        review_companies=review_companies,
        fixes=fixes_summary,
        fix_findings=findings,
        tables=tables,
    )
