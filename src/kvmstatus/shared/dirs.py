"""Where kvmstatus keeps what it can rebuild (cloned repositories, rendered charts, the
demo), and making the directories a user names."""

from __future__ import annotations

import os
from pathlib import Path

from kvmstatus.errors import UserError


def cache_dir() -> Path:
    """`$KVMSTATUS_CACHE`, else `$XDG_CACHE_HOME/kvmstatus`, else `~/.cache/kvmstatus`."""
    if explicit := os.environ.get("KVMSTATUS_CACHE"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kvmstatus"


def make_directory(path: Path, what: str, named: Path | None = None) -> None:
    """Create the directory `path` and its parents, for `named` (default: `path` itself) to
    be used as `what` ("the data directory"); a `UserError` that names the file in the way
    when there is one (`--out notes.txt/site`)."""
    named = named or path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise UserError(
                f"cannot use {named} as {what}: {blocker} is a file, not a directory"
            ) from None
        raise UserError(f"cannot use {named} as {what}: {exc.strerror}") from None
