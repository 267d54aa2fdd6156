"""One window from revisions to table: resolve, select paths, mine, compute.

This is the composition the CLI and the flows share; each stage it calls is its own module.
"""

from __future__ import annotations

from dataclasses import dataclass

from kvmstatus import selection
from kvmstatus.errors import UserError
from kvmstatus.gitcmd import GitRepo
from kvmstatus.metrics import WindowStats, window_stats
from kvmstatus.mining import Window, mine
from kvmstatus.records import CommitRecord


@dataclass(frozen=True)
class Selection:
    """How the user chose the subsystem: explicit pathspecs or a MAINTAINERS name regex."""

    paths: tuple[str, ...] = ()
    subsystem: str = selection.DEFAULT_SUBSYSTEM


def parse_range(text: str) -> tuple[str | None, str]:
    """`A..B` -> (A, B); a single revision means its whole history."""
    if "..." in text:
        raise UserError(f"range {text!r}: use A..B (two dots), not a symmetric difference")
    start, sep, end = text.partition("..")
    if not sep:
        return None, text
    if not start or not end:
        raise UserError(f"range {text!r} needs both ends, like v6.11..v6.12")
    return start, end


def pathspecs_at(repo: GitRepo, rev: str, chosen: Selection) -> tuple[str, ...]:
    """The pathspecs `chosen` means at commit `rev` (MAINTAINERS as it is there)."""
    if chosen.paths:
        return chosen.paths
    raw = repo.file_at(rev, "MAINTAINERS")
    if raw is None:
        raise UserError(
            f"there is no MAINTAINERS file at {rev[:12]}: pass --paths PATHSPEC... "
            "(or --paths . for the whole repository)"
        )
    entries = selection.parse_maintainers(raw.decode("utf-8", "replace"), f"MAINTAINERS@{rev[:12]}")
    chosen_entries = selection.select_entries(entries, chosen.subsystem)
    if not chosen_entries:
        raise UserError(
            f"no MAINTAINERS entry at {rev[:12]} matches {chosen.subsystem!r}: "
            "check --subsystem, or pass --paths"
        )
    specs = selection.entry_pathspecs(chosen_entries, repo.tree_paths(rev))
    if not specs:
        names = ", ".join(e.name for e in chosen_entries)
        raise UserError(f"the MAINTAINERS entries {names} list no files at {rev[:12]}")
    return specs


def mine_range(
    repo: GitRepo, range_text: str, chosen: Selection
) -> tuple[list[CommitRecord], tuple[str, ...]]:
    """The records of `range_text` within the selection, and the pathspecs used."""
    start, end = parse_range(range_text)
    *maybe_start, end_hash = repo.resolve_commits(*([start] if start else []), end)
    start_hash = maybe_start[0] if maybe_start else None
    specs = pathspecs_at(repo, end_hash, chosen)
    records = mine(repo, Window(start_hash, end_hash, specs))
    if not records:
        revs = [end_hash] + ([f"^{start_hash}"] if start_hash else [])
        if repo.text("rev-list", "--count", *revs).strip() == "0":
            raise UserError(
                f"{range_text} contains no commits: is {end} older than {start}? "
                "(a window is every commit reachable from its end and not from its start)"
            )
    return records, specs


def range_stats(repo: GitRepo, range_text: str, chosen: Selection, top: int = 10) -> WindowStats:
    records, specs = mine_range(repo, range_text, chosen)
    return window_stats(records, range_text, specs, top=top)
