"""The `git log` a window is mined with: what a window is (`Window`), the exact command
(`log_command`), and starting it ahead of its reader (`start_log`).

Nothing here reads the output (`kvmstatus.mine.log` parses it into records), so this module
stays light: `kvmstatus history` imports it, and starts its oldest window's log, before it
loads the parser and the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from kvmstatus.git.repo import GitRepo, Started, log_config
from kvmstatus.mine.selection import Selection, pathspecs_at
from kvmstatus.model.releases import Releases

# A record starts with this marker: NUL cannot occur in messages or paths, so a marker that
# begins with NUL can only be ours.
MARKER = b"\0\x01kvmstatus\x02"
FIELDS = ("%H", "%P", "%aN", "%aE", "%an", "%ae", "%aI", "%cN", "%cE", "%cI", "%B")
"""What each record holds, in order, NUL-separated: the paths follow the message."""
LOG_FORMAT = "%x00%x01kvmstatus%x02" + "%x00".join(FIELDS)


WHOLE_TREE = frozenset({".", "./", ":/", ":/.", ":(top)", ":(top)."})
"""Pathspecs that each select every path of the tree."""


@dataclass(frozen=True, slots=True)
class Window:
    """What to mine: `start..end` (all of `end`'s history when `start` is None) and paths;
    with `dates`, only the commits whose committer date is within them (a calendar period,
    `model.periods.Span.dates`)."""

    start: str | None
    end: str
    pathspecs: tuple[str, ...] = ()
    dates: tuple[str, str] | None = None
    """`--since-as-filter` and `--until`, both inclusive."""

    @property
    def revisions(self) -> list[str]:
        filters = []
        if self.dates is not None:
            filters = [f"--since-as-filter={self.dates[0]}", f"--until={self.dates[1]}"]
        return [*filters, self.end, f"^{self.start}"] if self.start else [*filters, self.end]

    @property
    def whole_tree(self) -> bool:
        """Whether the pathspecs select every path (`--paths .`): then git is asked without
        them where that gives the same commits (`mine.log.read_log`), which spares it the
        history simplification of every commit against its parents. Not with `dates`: the
        merges outside them, which the log does not list, still steer git's walk."""
        if self.dates is not None or not self.pathspecs:
            return False
        return all(spec in WHOLE_TREE for spec in self.pathspecs)

    @property
    def limit(self) -> tuple[str, ...]:
        """The pathspecs to give git where a whole tree may go without them."""
        return () if self.whole_tree else self.pathspecs


def log_command(window: Window) -> list[str]:
    """The `git log` arguments whose output `parse_log` reads (after `git --bare`).

    A whole-tree window is asked for without its pathspecs: every commit of the range, which
    `mine.log.read_log` then cuts to what `git log -- .` lists."""
    return [
        "log",
        f"--format={LOG_FORMAT}",
        "-z",
        "--name-only",
        "--no-renames",
        "--no-relative",
        "--root",  # a root commit's files, whatever a user's log.showRoot says
        # No --diff-merges here: it changes which merges the path limit keeps, and the
        # window's commits must be exactly `git rev-list A..B -- paths`.
        *window.revisions,
        "--",
        *window.limit,
    ]


@dataclass(frozen=True)
class StartedLog:
    """`git log` of `window`, started ahead of its reading (`start_log`). Whoever started
    it closes it when done: `close()` stops git if nobody read it, and is a no-op after."""

    window: Window
    process: Started

    def close(self) -> None:
        self.process.close()


def start_log(repo: GitRepo, window: Window) -> StartedLog:
    """Start `window`'s `git log` now, for `read_log` to read later: git works on another
    core meanwhile (`kvmstatus history` starts its first window before it imports the
    analysis)."""
    return StartedLog(window, repo.start(*log_command(window), config=log_config(window.end)))


def start_first_window(repo: GitRepo, releases: Releases, chosen: Selection) -> StartedLog | None:
    """`start_log` of the oldest of `releases`' windows (None: there is none)."""
    if not releases.windows:
        return None
    first = releases.windows[0]
    end = first.end.commit
    start = first.start.commit if first.start else None
    return start_log(repo, Window(start, end, pathspecs_at(repo, end, chosen)))
