"""Independent items computed by this process and forked copies of it, so Python's work uses
more than one core (a thread pool alone is bound by the GIL: parsing and tables are Python).

`fork_map(fn, count, ...)` returns `[fn(0), ..., fn(count - 1)]`. The items wait in one pipe,
written before the fork: each thread of each process reads the next index when it is free,
so a long item does not hold up the others and nothing needs sizes in advance. Item 0 is
always computed in this process, first (its caller may have started its git work already:
a worker could not wait for this process's children). A worker sends its results back
(`marshal` when they are plain values, as documents are: no module to load, and faster;
else `pickle`) and exits; an exception it raised (a `UserError`, say) is raised here, as if
the item had been computed in this process.

A worker is this process's child and never outlives it: the kernel stops it if this process
dies (`stopping.die_with_parent`); a stop (Ctrl-C, SIGTERM) terminates it with the other
children and only this process prints its line; an error here terminates it before it is
raised. Forking is only safe before threads exist, so with other threads running, or where
there is no `os.fork`, everything runs in this process.

While items are computed the cyclic garbage collector runs every `YOUNG_COLLECTION`
allocations instead of every 700: items build many small containers (records, tuples,
dicts) that form no cycles and are freed by reference counting anyway, and the frequent
collections cost 6-8% of the CPU time of a small history. Memory a cycle holds is
still freed, a little later.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from kvmstatus.shared import stopping

T = TypeVar("T")

MAX_WORKERS = 4
"""Processes at most: each holds its own results until the end."""
_ITEM = struct.Struct("!I")
_PIPE_ITEMS = 8192
"""Items the queue pipe holds unread (4 bytes each, within a pipe's 64 KiB buffer)."""
_STOPS = {signal.SIGINT, signal.SIGTERM}
YOUNG_COLLECTION = 50_000
"""Allocations between two collections of the youngest generation while items run."""


def default_workers() -> int:
    """One process per core, at most `MAX_WORKERS`."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def can_fork() -> bool:
    """Whether forking is safe here: `os.fork` exists and no other thread is running."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_map(
    fn: Callable[[int], T], count: int, workers: int | None = None, threads: int = 1
) -> list[T]:
    """`[fn(i) for i in range(count)]`, computed by `workers` processes (this one included,
    default `default_workers()`) of `threads` threads each, items taken in index order."""
    with rare_collections():
        return _fork_map(fn, count, workers, threads)


@contextmanager
def rare_collections() -> Iterator[None]:
    """The youngest generation collected every `YOUNG_COLLECTION` allocations, inside."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG_COLLECTION), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _fork_map(fn: Callable[[int], T], count: int, workers: int | None, threads: int) -> list[T]:
    # concurrent.futures (and pickle, for what marshal cannot send) are imported where used:
    # the CLI's parser reads MAX_WORKERS before `history` starts its first git process
    # (`mine.gitlog.start_log`).
    from concurrent.futures import ThreadPoolExecutor

    wanted = default_workers() if workers is None else workers
    processes = max(1, min(wanted, count))
    if processes == 1 or count > _PIPE_ITEMS or not can_fork():
        with ThreadPoolExecutor(max_workers=max(1, threads * processes)) as pool:
            return list(pool.map(fn, range(count)))
    queue_read, queue_write = os.pipe()
    os.write(queue_write, b"".join(_ITEM.pack(i) for i in range(1, count)))
    os.close(queue_write)  # all items are in: a read past the last one is an end of file
    parent = os.getpid()
    # What exists now is shared with the workers, copy-on-write: the collector must not
    # touch it (in a worker that would copy every page it lives on), so it is set aside.
    gc.freeze()
    pids: list[int] = []
    pipes: list[int] = []
    try:
        for _ in range(processes - 1):
            result_read, result_write = os.pipe()
            # A stop that arrives while the worker is being set up waits until the worker
            # has its own (silent) handlers: the parent's would print a second line there.
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(result_read)
                _work(fn, parent, queue_read, result_write, threads, mask)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(result_write)
            pids.append(pid)
            pipes.append(result_read)
        found = dict(_take(fn, queue_read, threads, first=0))
        for pid, pipe in zip(pids, pipes, strict=True):
            found.update(_collect(pid, pipe))
        pids.clear()
    finally:
        gc.unfreeze()
        os.close(queue_read)
        for pipe in pipes:
            os.close(pipe)
        if pids:  # this process failed or was interrupted: its workers stop too
            stopping.terminate(pids)
    return [found[i] for i in range(count)]


def _take(
    fn: Callable[[int], T], queue: int, threads: int, first: int | None = None
) -> list[tuple[int, T]]:
    """Compute items from the queue in `threads` threads until it is empty (one of them
    computes `first` before it reads the queue)."""

    def loop(ahead: int | None = None) -> list[tuple[int, T]]:
        done = [] if ahead is None else [(ahead, fn(ahead))]
        while len(raw := os.read(queue, _ITEM.size)) == _ITEM.size:
            (index,) = _ITEM.unpack(raw)
            done.append((index, fn(index)))
        return done

    if threads <= 1:
        return loop(first)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        runs = [pool.submit(loop, first if i == 0 else None) for i in range(threads)]
        return [item for run in runs for item in run.result()]


def _work(
    fn: Callable[[int], Any],
    parent: int,
    queue: int,
    out: int,
    threads: int,
    mask: Iterable[int],
) -> None:
    """The body of a forked worker: compute, send the results (or the exception), exit.
    Stops are blocked on entry; `mask` is the signal mask to restore once it can stop."""
    code = 0
    try:
        stopping.forked_child(parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        payload = _encode((True, _take(fn, queue, threads)))
    except BaseException as exc:  # everything goes back to the parent
        code = 1
        try:
            payload = _encode((False, exc))
        except Exception:  # an exception that does not pickle
            payload = _encode((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    try:
        with os.fdopen(out, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # the parent is gone or stopping
        code = 1
    finally:
        # No atexit handlers, no flushing of buffers the parent owns: just go.
        os._exit(code)


def _collect(pid: int, pipe: int) -> list[tuple[int, Any]]:
    """A worker's results; its exception raised here; its death explained."""
    chunks = []
    while chunk := os.read(pipe, 1 << 20):
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        code = os.waitstatus_to_exitcode(status)
        # Killed by a signal (negative), or stopped by one and exited with 128 + its number.
        stopping.child_stopped(code if code < 0 else 128 - code)
        raise RuntimeError(f"a worker process ({pid}) exited with status {code} and sent nothing")
    ok, value = _decode(b"".join(chunks))
    if not ok:
        raise value
    done: list[tuple[int, Any]] = value
    return done


_MARSHAL, _PICKLE = b"m", b"p"


def _encode(message: tuple[bool, Any]) -> bytes:
    """A worker's message to the parent: `marshal` for plain values (dicts, lists, strings,
    numbers: what the documents are made of), `pickle` for anything else (exceptions). Both
    ends are the same interpreter, the only one marshal's format must agree with."""
    try:
        return _MARSHAL + marshal.dumps(message)
    except ValueError:  # not a plain value
        import pickle

        return _PICKLE + pickle.dumps(message, pickle.HIGHEST_PROTOCOL)


def _decode(payload: bytes) -> tuple[bool, Any]:
    if payload[:1] == _MARSHAL:
        message: tuple[bool, Any] = marshal.loads(payload[1:])
        return message
    import pickle

    found: tuple[bool, Any] = pickle.loads(payload[1:])
    return found
