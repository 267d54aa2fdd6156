"""Which paths a window counts: explicit pathspecs, or MAINTAINERS entries read at its end.

`Selection` is how the user chose; `pathspecs_at` turns it into git pathspecs at one commit,
reading `MAINTAINERS` there (no checkout) and listing only the tree under the directories the
selected entries can reach. The meaning of an entry is `kvmstatus.mine.maintainers`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kvmstatus.errors import COMMAND_LINE, Origin, UserError, quoted
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine import maintainers as selection


@dataclass(frozen=True)
class Selection:
    """How the user chose the subsystem: explicit pathspecs or a MAINTAINERS name regex."""

    paths: tuple[str, ...] = ()
    subsystem: str = selection.DEFAULT_SUBSYSTEM
    origin: Origin = field(default=COMMAND_LINE, compare=False)
    """Where the choice was written, for errors (`--paths`, `project[0].paths`)."""


def _chosen(chosen: Selection) -> str:
    """The subsystem regex as the user gave it (or did not: the default)."""
    if chosen.subsystem == selection.DEFAULT_SUBSYSTEM:
        return f"the default subsystem {quoted(chosen.subsystem)} (KVM)"
    return f"{chosen.origin.key('subsystem')} {quoted(chosen.subsystem)}"


def _instead(origin: Origin, entries: Sequence[selection.MaintainersEntry] = ()) -> str:
    """What to choose instead: the whole tree, or a regex naming entries that list files."""
    named = [e.name for e in entries if e.files or e.regexes]
    such = f" naming some of its entries ({', '.join(named[:6])}{', ...' * (len(named) > 6)})"
    return (
        f"{origin.verb} {origin.setting('paths', ['.'])} for the whole tree, "
        f"or {origin.setting('subsystem', 'REGEX')}{such if named else ''}"
    )


def pathspecs_at(repo: GitRepo, rev: str, chosen: Selection) -> tuple[str, ...]:
    """The pathspecs `chosen` means at commit `rev` (MAINTAINERS as it is there)."""
    if chosen.paths:
        return chosen.paths
    origin = chosen.origin
    raw = repo.file_at(rev, "MAINTAINERS")
    if raw is None:
        raise UserError(
            f"there is no MAINTAINERS file at {rev[:12]} to read the subsystem from: "
            f"{origin.verb} {origin.setting('paths', ['.'])} for the whole tree (or the "
            "pathspecs to count)"
        )
    entries = selection.parse_maintainers(raw.decode("utf-8", "replace"), f"MAINTAINERS@{rev[:12]}")
    chosen_entries = selection.select_entries(entries, chosen.subsystem, origin)
    if not chosen_entries:
        raise UserError(
            f"no MAINTAINERS entry at {rev[:12]} matches {_chosen(chosen)}: "
            f"{_instead(origin, entries)}"
        )
    prefixes = selection.tree_prefixes(chosen_entries)
    # Entries without F: or X: lines have no directory to list; None means the whole tree.
    tree = [] if prefixes == () else repo.tree_paths(rev, prefixes or ())
    specs = selection.entry_pathspecs(chosen_entries, tree)
    if not specs:
        names = ", ".join(e.name for e in chosen_entries)
        raise UserError(
            f"{_chosen(chosen)} selects only MAINTAINERS entries that list no files at "
            f"{rev[:12]} ({names}): {_instead(origin, entries)}"
        )
    return specs
