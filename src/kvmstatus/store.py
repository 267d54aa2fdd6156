"""The data directory across runs: cached window results, their keys, and the run lock.

A window's result is a pure function of its start and end commits, the selection, the
releases up to its end, the architecture mapping, the affiliation data and the code. Its
cache key is a hash of exactly those; the result is stored as `cache/<key>.json` with the key
and a checksum of its content inside, so a truncated, edited or foreign file is detected and
recomputed instead of trusted. Writes are atomic (`dataset.write_json`).

One run at a time per data directory: `run_lock` holds an exclusive `flock` on `DATA/.lock`
for the whole run; a second run exits with a message naming the first.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kvmstatus import __version__
from kvmstatus.dataset import Document, write_json
from kvmstatus.errors import UserError
from kvmstatus.releases import ReleaseWindow, Tag


@cache
def code_version() -> str:
    """The package version and a hash of its source and data files: any change to the code
    or to the shipped maps invalidates every cached window."""
    digest = hashlib.sha256(__version__.encode())
    root = files("kvmstatus")
    for name in sorted(_walk(root)):
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _walk(root: Any, prefix: str = "") -> Iterator[str]:
    for entry in root.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name not in ("__pycache__", "_site"):
                yield from _walk(entry, name + "/")
        elif entry.name.endswith((".py", ".toml")) or "/affiliations/" in f"/{name}":
            yield name


@dataclass(frozen=True)
class WindowKey:
    """Everything a window's result depends on."""

    project: str
    start: str | None
    end: str
    selection: Mapping[str, Any]
    releases: Sequence[tuple[str, str]]
    arch_map: str
    affiliations: str
    code: str

    def digest(self) -> str:
        text = json.dumps(
            {
                "project": self.project,
                "start": self.start,
                "end": self.end,
                "selection": dict(self.selection),
                "releases": [list(r) for r in self.releases],
                "arch_map": self.arch_map,
                "affiliations": self.affiliations,
                "code": self.code,
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def window_key(
    project: str,
    window: ReleaseWindow,
    releases: Sequence[Tag],
    selection: Mapping[str, Any],
    arch_map: str,
    affiliations: str,
) -> WindowKey:
    """The key of `window`: releases after its end do not count (they cannot change it)."""
    names = [t.name for t in releases]
    upto = releases[: names.index(window.name) + 1] if window.name in names else releases
    return WindowKey(
        project=project,
        start=window.start.commit if window.start else None,
        end=window.end.commit,
        selection=selection,
        releases=[(t.name, t.commit) for t in upto],
        arch_map=arch_map,
        affiliations=affiliations,
        code=code_version(),
    )


def _checksum(doc: Document) -> str:
    body = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def cache_path(root: Path, key: str) -> Path:
    return root / "cache" / f"{key}.json"


def load_cached(root: Path, key: str) -> tuple[Document | None, str]:
    """The cached result for `key`, and why not when there is none (`missing`, `corrupt`)."""
    path = cache_path(root, key)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, "corrupt"
    if (
        not isinstance(stored, dict)
        or stored.get("key") != key
        or not isinstance(stored.get("result"), dict)
        or stored.get("checksum") != _checksum(stored["result"])
    ):
        return None, "corrupt"
    result: Document = stored["result"]
    return result, "cached"


def store_result(root: Path, key: str, result: Document) -> None:
    write_json(cache_path(root, key), {"key": key, "checksum": _checksum(result), "result": result})


def prune_cache(root: Path, keep: set[str]) -> int:
    """Remove cached windows no current window uses (a moved tag, an old code version)."""
    removed = 0
    folder = root / "cache"
    if folder.is_dir():
        for path in folder.glob("*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


@contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """Hold the data directory for one run; a concurrent run gets a `UserError`."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
    except OSError as exc:
        raise UserError(f"cannot use the data directory {root}: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UserError(
                f"another kvmstatus run ({holder}) is using {root}; wait for it to finish "
                "(its results will be reused) and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
