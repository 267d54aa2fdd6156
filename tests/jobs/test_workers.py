"""Windows shared out between forked processes (`shared.workers`, used by `history`): the
same results as one process, errors as if raised here, and no process left behind by an
error, a Ctrl-C or a killed parent.

Forking is only done in a process with no other thread, which the test session may not be (a
flow run leaves Prefect's threads), so these tests run the code in a fresh interpreter.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import session_processes
from kvmstatus.errors import UserError
from kvmstatus.shared.workers import _decode, _encode, default_workers, fork_map

SCRIPT = """
import gc, json, os, sys, threading, time
from kvmstatus.errors import UserError
from kvmstatus.shared.workers import fork_map

mode = sys.argv[1]
parent = os.getpid()

def item(i):
    if mode == "error" and i == 5 and os.getpid() != parent:
        raise UserError(f"window {i} failed in a worker")
    if mode == "parent-error" and os.getpid() == parent and i > 0:
        raise UserError("failed here")
    time.sleep(0.02 if i else 0.2)  # item 0 is the long one: the others go to the worker
    return {"square": i * i, "pid": os.getpid()}

if mode == "thread":
    threading.Thread(target=time.sleep, args=(1,), daemon=True).start()
try:
    out = fork_map(item, 12, workers=2)
except UserError as exc:
    print(json.dumps({"error": str(exc)}))
else:
    print(json.dumps({"squares": [r["square"] for r in out], "first": out[0]["pid"],
                      "pids": sorted({r["pid"] for r in out}), "parent": parent,
                      "threshold": gc.get_threshold()}))
"""


def run_script(mode: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_two_processes_give_what_one_gives_in_order() -> None:
    result = run_script("ok")
    assert result["squares"] == [i * i for i in range(12)]
    pids = result["pids"]
    assert isinstance(pids, list)
    assert len(pids) == 2
    assert result["parent"] in pids
    # Item 0 is always this process's (its caller may have started its git work).
    assert result["first"] == result["parent"]
    # The collector's thresholds are back to what they were.
    assert result["threshold"] == list(gc.get_threshold())


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    assert run_script("error") == {"error": "window 5 failed in a worker"}


def test_an_error_in_the_parent_stops_the_worker() -> None:
    before = set(session_processes())
    assert run_script("parent-error") == {"error": "failed here"}
    assert set(session_processes()) <= before


def test_with_other_threads_running_nothing_is_forked() -> None:
    result = run_script("thread")
    assert result["squares"] == [i * i for i in range(12)]
    assert result["pids"] == [result["parent"]]


def test_one_worker_computes_everything_here() -> None:
    assert fork_map(lambda i: (i, os.getpid()), 5, workers=1) == [
        (i, os.getpid()) for i in range(5)
    ]
    assert 1 <= default_workers() <= 4


def test_what_a_worker_sends_back_comes_back_the_same() -> None:
    # Documents are plain values (marshal); anything else goes as a pickle.
    plain = (True, [(1, {"rows": [1, 2.5, None, True], "name": "v6.1", "pair": (1, "a")})])
    assert _encode(plain)[:1] == b"m"
    assert _decode(_encode(plain)) == plain
    dated = (True, [(2, {"when": datetime(2024, 1, 2, tzinfo=UTC)})])
    assert _encode(dated)[:1] == b"p"
    assert _decode(_encode(dated)) == dated
    ok, error = _decode(_encode((False, UserError("window 5 failed"))))
    assert not ok
    assert isinstance(error, UserError)
    assert str(error) == "window 5 failed"


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _history(repo: Path) -> subprocess.Popen[str]:
    argv = ["kvmstatus", "history", "--repo", str(repo), "--pattern", r"^v\d{4}-\d{2}-\d{2}$"]
    return subprocess.Popen(
        [*argv, "--paths", ".", "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _cmdline(pid: int) -> bytes:
    """The process's command line; empty once it has exited (a git child lives for
    milliseconds: gone between listing the children and reading this)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _once_forked(proc: subprocess.Popen[str]) -> list[int]:
    """The command's worker processes (its Python children), once it has forked them."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        own = _cmdline(proc.pid)
        workers = [pid for pid in _children_of(proc.pid) if own and _cmdline(pid).startswith(own)]
        if workers:
            return workers
        time.sleep(0.005)
    pytest.skip("the history finished before a worker could be seen")


def test_ctrl_c_stops_history_and_its_worker_with_one_line(kut_repo: Path) -> None:
    proc = _history(kut_repo)
    workers = _once_forked(proc)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert err == "kvmstatus: stopped (SIGINT)\n"
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_killed_history_takes_its_worker_with_it(kut_repo: Path) -> None:
    proc = _history(kut_repo)
    workers = _once_forked(proc)
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"
