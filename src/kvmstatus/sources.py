"""Where a repository comes from: a local clone, a git bundle, or a remote URL.

Bundles and URLs are cloned once into a cache directory and reused; a URL becomes a bare,
blobless clone (`--filter=blob:none`), which is all kvmstatus needs: commits and trees.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.gitcmd import GitRepo

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


def cache_dir() -> Path:
    """`$KVMSTATUS_CACHE`, else `$XDG_CACHE_HOME/kvmstatus`, else `~/.cache/kvmstatus`."""
    if explicit := os.environ.get("KVMSTATUS_CACHE"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kvmstatus"


def _cached_clone_path(spec: str) -> Path:
    stem = re.sub(r"[^\w.-]+", "_", Path(spec.rstrip("/")).name.removesuffix(".git"))
    digest = hashlib.sha256(spec.encode()).hexdigest()[:10]
    return cache_dir() / "repos" / f"{stem.removesuffix('.bundle')}-{digest}.git"


def open_repository(spec: str) -> GitRepo:
    """Open `spec` (a path, a `.bundle` file or a URL), cloning bundles and URLs on first use."""
    is_url = bool(_URL.match(spec))
    path = Path(spec).expanduser()
    if not is_url and not (path.is_file() and spec.endswith(".bundle")):
        return GitRepo(path)
    target = _cached_clone_path(spec if is_url else str(path.resolve()))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        argv = ["git", "clone", "--quiet", "--bare"]
        argv += ["--filter=blob:none"] if is_url else ["--mirror"]
        shutil.rmtree(partial, ignore_errors=True)
        proc = subprocess.run(
            [*argv, spec, str(partial)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            reason = lines[-1] if lines else "unknown error"
            raise UserError(f"cannot clone {spec}: {reason}")
        partial.rename(target)
    return GitRepo(target)
