"""One run at a time per data directory: `run_lock` holds an exclusive `flock` on `DATA/.lock`
for the whole run; a second run exits with a message naming the first. The lock is
re-entrant within a process, so a command can take it before starting Prefect and the flow
it runs takes it again."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.shared.dirs import make_directory

_held: dict[Path, int] = {}


@contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """Hold the data directory for one run; a concurrent run gets a `UserError`."""
    key = root.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    with _flock(root):
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]


@contextmanager
def _flock(root: Path) -> Iterator[None]:
    make_directory(root, "the data directory")
    try:
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
