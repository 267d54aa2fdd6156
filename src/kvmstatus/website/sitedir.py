"""A published site directory: the marker that says kvmstatus built it, and from which data,
the swap that replaces it whole, and the cleanup of what a killed build left next to it.

Kept apart from `build` (which loads Altair, vl-convert and MkDocs) so that asking
"is the published edition current?" costs a file read, not those imports.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.shared.stopping import critical

MARKER = ".kvmstatus-site"
"""A file every built site carries: only a directory that has it is ever replaced."""


def published_stamp(out: Path) -> str | None:
    """The data stamp of the site published at `out` (None: no kvmstatus site there)."""
    try:
        lines = (out / MARKER).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return lines[1] if len(lines) > 1 else None


def check_replaceable(out: Path) -> None:
    """A `UserError` unless kvmstatus may publish to `out`: a kvmstatus site or an empty or
    missing directory, in a place where a directory can be made."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file, not a directory; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UserError(
            f"{out} is not empty and is not a kvmstatus site; choose another --out "
            "(kvmstatus only replaces directories it built)"
        )
    parent = out.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"cannot publish to {out}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot publish to {out}: {parent} is not writable")


def staging_prefix(out: Path) -> str:
    """The prefix of the build directory next to `out`, naming the process that owns it."""
    return f".{out.name}.build-{os.getpid()}-"


def _owner_alive(name: str) -> bool:
    match = re.match(r"^\d+", name)
    if match is None:
        return False  # an older kvmstatus's name, without an owner
    try:
        os.kill(int(match.group()), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out: Path) -> None:
    """Remove the build directories a killed run left next to `out`; a previous site that a
    kill caught in the middle of its swap (moved aside, not replaced yet) is put back."""
    if not out.parent.is_dir():
        return
    for entry in sorted(out.parent.iterdir()):
        for kind in ("build", "old"):
            prefix = f".{out.name}.{kind}-"
            if not entry.name.startswith(prefix) or _owner_alive(entry.name[len(prefix) :]):
                continue
            if kind == "old" and not out.exists() and (entry / MARKER).exists():
                entry.rename(out)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def swap_in(built: Path, out: Path, stamp: str = "") -> None:
    """Swap `built` into `out`: the old site stays whole until the new one is in place, and
    a stop waits for the two renames."""
    check_replaceable(out)
    (built / MARKER).write_text(f"built by kvmstatus\n{stamp}\n", encoding="utf-8")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    with critical():
        if out.exists():
            out.rename(old)
        built.rename(out)
    shutil.rmtree(old, ignore_errors=True)
