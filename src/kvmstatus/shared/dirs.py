"""Where kvmstatus keeps what it can rebuild: cloned repositories, rendered charts, the demo."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`$KVMSTATUS_CACHE`, else `$XDG_CACHE_HOME/kvmstatus`, else `~/.cache/kvmstatus`."""
    if explicit := os.environ.get("KVMSTATUS_CACHE"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kvmstatus"
