"""Stopping on SIGINT or SIGTERM: within seconds, in one line, nothing half-written, no process
left behind.

A command calls `install(describe)` once. On a signal, `stop`:

1. waits for a critical section under way (`critical()`: a site swapped into place, a file
   replaced atomically) to finish, and lets no new one start;
2. terminates the command's child processes (git, Dask workers, a served flow run): SIGTERM,
   then SIGKILL after a grace period;
3. runs the callbacks registered with `on_stop` (the run record, the Prefect server), newest
   first, and removes the temporary paths registered with `removed_on_stop`;
4. prints `describe(signal name)`'s line and exits with 128 + the signal number.

It exits without unwinding the stack on purpose: a thread that was waiting for git or for a
Prefect server must not get the chance to print a traceback or retry a server that is gone.
What was stored before the signal is whole, because every store is atomic.

`die_with_parent` is the other half, for a child that must not outlive its parent even when
the parent is killed with SIGKILL: the kernel sends the child a signal when its parent dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

Describe = Callable[[str], str | None]

GRACE_SECONDS = 3.0
"""How long children get to exit on SIGTERM before they are killed (the whole stop must take
well under 10 seconds)."""

_lock = threading.RLock()
_main_depth = 0  # critical sections the main thread is inside
_deferred: int | None = None  # a signal that arrived while the main thread was in one
_stopping = threading.Event()
_describe: Describe | None = None
_callbacks: list[Callable[[], None]] = []
_paths: list[Path] = []


def stopping() -> bool:
    """Whether a stop is under way."""
    return _stopping.is_set()


def install(describe: Describe | None = None) -> None:
    """Stop on SIGINT and SIGTERM as the module docstring says; `describe` gives the line
    printed (None: keep the one set before; a function returning None: print nothing).

    Prefect swaps SIGTERM's handler while a flow runs, so the flow installs this again."""
    global _describe
    if describe is not None:
        _describe = describe
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers belong to the main thread; it installs them
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _handler)


@contextlib.contextmanager
def installed(describe: Describe) -> Iterator[None]:
    """`install(describe)` for the block, then the previous handlers again (a command run
    inside another program, such as a test, leaves its signal handling as it was)."""
    main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if main else {}
    install(describe)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # None: set outside Python, cannot be put back
                signal.signal(signum, handler)


def _handler(signum: int, frame: FrameType | None) -> None:
    global _deferred
    if _stopping.is_set():
        return  # a second Ctrl-C while stopping: the stop is already under way
    if _main_depth:
        _deferred = signum  # the main thread finishes its critical section first
        return
    stop(signum)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A step that must not be cut in half by a stop (renames that swap a site in place)."""
    global _main_depth
    main = threading.current_thread() is threading.main_thread()
    with _lock:
        if main:
            _main_depth += 1
        try:
            yield
        finally:
            if main:
                _main_depth -= 1
    if main and not _main_depth and _deferred is not None and not _stopping.is_set():
        stop(_deferred)


@contextlib.contextmanager
def on_stop(callback: Callable[[], None]) -> Iterator[None]:
    """Run `callback` if the command is stopped while inside this block."""
    _callbacks.append(callback)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _callbacks.remove(callback)


@contextlib.contextmanager
def removed_on_stop(path: Path) -> Iterator[Path]:
    """Remove `path` (a temporary file or directory) if the command is stopped meanwhile."""
    _paths.append(path)
    try:
        yield path
    finally:
        with contextlib.suppress(ValueError):
            _paths.remove(path)


def child_stopped(returncode: int) -> None:
    """Called when a child exited with `returncode`: when a SIGINT or SIGTERM killed it, the
    same signal is (or is about to be) stopping this command, so this thread waits for that
    instead of reporting a failure the user caused on purpose. A child killed otherwise, or
    no stop after 10 seconds, returns, and the caller reports the failure."""
    if -returncode in (signal.SIGINT, signal.SIGTERM):
        _stopping.wait(10)
        if _stopping.is_set():
            time.sleep(60)  # the stop exits the process meanwhile


def children(pid: int | None = None) -> list[int]:
    """The processes whose parent is `pid` (default: this one), from /proc."""
    parent = os.getpid() if pid is None else pid
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: fields follow the last ")".
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def terminate(pids: list[int], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM each of `pids`, SIGKILL those still alive after `grace` seconds, and reap
    those that are children of this process."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        _reap(pids)
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    _reap(pids)


def _reap(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.waitpid(pid, os.WNOHANG)


_SPARED: set[int] = set()


@contextlib.contextmanager
def stopped_last(pid: int) -> Iterator[None]:
    """Keep child `pid` (a server the other children talk to) out of the first round of
    `stop`; an `on_stop` callback stops it after them."""
    _SPARED.add(pid)
    try:
        yield
    finally:
        _SPARED.discard(pid)


def stop(signum: int) -> None:
    """Stop the command now, as the module docstring says; never returns."""
    _stopping.set()
    _lock.acquire()  # waits for a critical section in another thread; never released
    try:
        terminate([p for p in children() if p not in _SPARED])
        for callback in reversed(list(_callbacks)):
            with contextlib.suppress(Exception):
                callback()
        for path in list(_paths):
            if path.is_dir() and not path.is_symlink():
                import shutil  # only when stopping: a start-up cost otherwise

                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
        name = signal.Signals(signum).name
        line = _describe(name) if _describe else f"stopped ({name})"
        if line:
            sys.stderr.write(f"kvmstatus: {line}\n")
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
            sys.stdout.flush()
        os._exit(128 + signum)


def forked_child(parent: int) -> None:
    """Called first in a copy of the command made by `os.fork` (`shared.workers`): on a
    signal it stops its own children and exits without a line (the parent prints it), runs
    none of the parent's callbacks, removes none of its paths, and dies with `parent`."""
    global _deferred, _main_depth
    _callbacks.clear()
    _paths.clear()
    _SPARED.clear()
    _deferred, _main_depth = None, 0
    _stopping.clear()
    install(lambda name: None)
    die_with_parent(parent)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, signum: int = signal.SIGTERM) -> None:
    """Have the kernel send `signum` to this process when its parent `parent` dies (Linux's
    `prctl(PR_SET_PDEATHSIG)`; it survives `exec`). A parent that died before the call
    leaves this process re-parented already: then it stops at once."""
    if sys.platform.startswith("linux"):
        import ctypes  # in the forked or started child, not in every start-up

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)
