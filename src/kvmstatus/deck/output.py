"""A finished file put in place: written to a temporary file beside the target and renamed
over it, inside a critical section (`shared.stopping`), so that a reader, or a stop, never
meets half a deck and no temporary file is left behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kvmstatus.shared.stopping import critical


def write_atomically(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` (readable by all, like any published file); returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with critical():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep a published site from serving it
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path
