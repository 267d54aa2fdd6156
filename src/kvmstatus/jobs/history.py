"""`kvmstatus history`: every release window of a repository computed in memory, and the trend
of its commits per release.

The oldest window's `git log` starts before the analysis is imported (this module imports
only what finds the releases and starts a log), so git runs on another core while the rest
loads; `jobs.window.history` then computes every window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import start_first_window
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection

if TYPE_CHECKING:  # the types alone: the analysis loads once the first log runs
    from kvmstatus.analyse.row import Row
    from kvmstatus.model.documents import TrendDocument
    from kvmstatus.store.documents import Document


@dataclass(frozen=True)
class History:
    """Every window's document, oldest first, and the commits trend over the `counted` of
    them (`analyse.periods.counted_windows`: the initial window only when it counts)."""

    windows: list[Document]
    trend: TrendDocument | None
    counted: int

    @property
    def rows(self) -> list[Row]:
        return [d["row"] for d in self.windows]


def history_report(
    repo: GitRepo,
    pattern: str,
    since: str | None,
    chosen: Selection,
    arch_map: str,
    affiliations: Sequence[str],
    top: int,
    stable_lists: tuple[str, ...],
    workers: int | None = None,
    count_initial_window: bool = False,
) -> History:
    """The windows of the releases matching `pattern` (from `since`), counted with the
    architecture mapping `arch_map` and the affiliation files `affiliations` over the
    shipped map; `workers` processes compute them (`jobs.window.history`)."""
    found = release_list(repo, pattern, since)
    started = start_first_window(repo, found, chosen)
    try:
        from kvmstatus.analyse.affiliations import load_affiliations
        from kvmstatus.analyse.architectures import load_arch_map
        from kvmstatus.jobs.window import history

        docs = history(
            repo,
            found,
            chosen,
            load_arch_map(arch_map),
            load_affiliations([Path(p) for p in affiliations]),
            top=top,
            stable_lists=stable_lists,
            workers=workers,
            started=started,
        )
    finally:  # read by then, unless something failed first
        if started is not None:
            started.close()

    from kvmstatus.analyse.periods import commits_trend, counted_windows

    counted = counted_windows(docs, count_initial_window)
    return History(docs, commits_trend(docs, count_initial_window), len(counted))
