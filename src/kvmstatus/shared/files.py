"""Files written whole or not at all: a new file beside the target, renamed over it inside a
critical section (`shared.stopping`), so that a reader, or a stop, never meets half a file
and no temporary file is left behind."""

from __future__ import annotations

import os
from pathlib import Path

from kvmstatus.shared.stopping import critical


def write_atomically(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` (readable by all, like any published file); returns it."""
    import tempfile  # writers only: commands that just read and print never load it

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
