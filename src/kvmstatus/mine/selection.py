"""Which paths a window counts: explicit pathspecs, or MAINTAINERS entries read at its end.

`Selection` is how the user chose; `pathspecs_at` turns it into git pathspecs at one commit,
reading `MAINTAINERS` there (no checkout) and listing only the tree under the directories the
selected entries can reach. The meaning of an entry is `kvmstatus.mine.maintainers`'.
"""

from __future__ import annotations

from dataclasses import dataclass

from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine import maintainers as selection


@dataclass(frozen=True)
class Selection:
    """How the user chose the subsystem: explicit pathspecs or a MAINTAINERS name regex."""

    paths: tuple[str, ...] = ()
    subsystem: str = selection.DEFAULT_SUBSYSTEM


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
    prefixes = selection.tree_prefixes(chosen_entries)
    # Entries without F: or X: lines have no directory to list; None means the whole tree.
    tree = [] if prefixes == () else repo.tree_paths(rev, prefixes or ())
    specs = selection.entry_pathspecs(chosen_entries, tree)
    if not specs:
        names = ", ".join(e.name for e in chosen_entries)
        raise UserError(f"the MAINTAINERS entries {names} list no files at {rev[:12]}")
    return specs
