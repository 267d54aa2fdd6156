"""A published site directory: the marker that says kvmstatus built it, and from which data,
and the swap that replaces it whole.

Kept apart from `build` (which loads Altair, vl-convert and MkDocs) so that asking
"is the published edition current?" costs a file read, not those imports.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kvmstatus.errors import UserError

MARKER = ".kvmstatus-site"
"""A file every built site carries: only a directory that has it is ever replaced."""


def published_stamp(out: Path) -> str | None:
    """The data stamp of the site published at `out` (None: no kvmstatus site there)."""
    try:
        lines = (out / MARKER).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return lines[1] if len(lines) > 1 else None


def swap_in(built: Path, out: Path, stamp: str = "") -> None:
    """Swap `built` into `out`: the old site stays whole until the new one is in place."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UserError(
            f"{out} is not empty and is not a kvmstatus site; choose another --out "
            "(kvmstatus only replaces directories it built)"
        )
    (built / MARKER).write_text(f"built by kvmstatus\n{stamp}\n", encoding="utf-8")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    built.rename(out)
    shutil.rmtree(old, ignore_errors=True)
