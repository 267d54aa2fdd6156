"""Stopping a run: SIGINT to the process group (Ctrl-C) or SIGTERM to the process, at
several moments, stops `kvmstatus run` within 10 s with one line, exit 130 / 143, no
traceback, nothing half-published and no process left; SIGKILL of the main process leaves
no Prefect server behind. The next run publishes the site an uninterrupted run publishes.

These runs start their own Prefect server, as a user's `kvmstatus run` does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import (
    build_repo,
    main_quiet,
    site_files,
    stop_processes,
    wait_until,
    without_prefect_server,
    write_config,
)
from kvmstatus.shared.stopping import children

STOP_SECONDS = 10


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The fixture history and the site an uninterrupted run publishes from it."""
    root = tmp_path_factory.mktemp("clean")
    repo = build_repo(root / "kernel.git", fast_import_stream())
    main_quiet("run", "--config", str(write_config(root, repo)))
    return repo, site_files(root / "public")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def _server_up(proc: subprocess.Popen[str]) -> Callable[[], bool]:
    def up() -> bool:
        return any(
            b"kvmstatus_flows.server" in Path(f"/proc/{p}/cmdline").read_bytes()
            for p in _descendants(proc.pid)
            if Path(f"/proc/{p}").exists()
        )

    return up


def _building(folder: Path) -> Callable[[], bool]:
    return lambda: any(folder.glob(".public.build-*"))


def _computing(folder: Path) -> Callable[[], bool]:
    return lambda: any((folder / "data" / "cache").glob("*.json"))


MOMENTS = {
    "while the Prefect server starts": lambda proc, folder: _server_up(proc),
    "while windows are computed": lambda proc, folder: _computing(folder),
    "while the site is built": lambda proc, folder: _building(folder),
}


def _start(folder: Path, repo: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kvmstatus", "run", "--config", str(write_config(folder, repo))],
        env=without_prefect_server(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
    )


@pytest.mark.parametrize(
    ("moment", "how"),
    [
        ("while the Prefect server starts", "SIGINT to the group"),
        ("while windows are computed", "SIGINT to the group"),
        ("while the site is built", "SIGINT to the group"),
        ("while the site is built", "SIGTERM to the process"),
    ],
)
def test_stopped_run_is_clean_and_resumes(
    tmp_path: Path, history: tuple[Path, dict[str, bytes]], moment: str, how: str
) -> None:
    repo, clean = history
    proc = _start(tmp_path, repo)
    try:
        wait_until(MOMENTS[moment](proc, tmp_path), 120, moment)
        family = _descendants(proc.pid)
        started = time.monotonic()
        if how == "SIGINT to the group":
            os.killpg(proc.pid, signal.SIGINT)
            expected = 130
        else:
            proc.send_signal(signal.SIGTERM)
            expected = 143
        _out, err = proc.communicate(timeout=STOP_SECONDS)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert took < STOP_SECONDS
    if proc.returncode == 0:
        pytest.skip(f"the run finished before the signal ({moment})")  # pragma: no cover
    assert proc.returncode == expected, err
    assert "Traceback" not in err
    assert "failed" not in err.lower()
    [line] = [line for line in err.splitlines() if line.startswith("kvmstatus:")]
    name = "SIGINT" if expected == 130 else "SIGTERM"
    assert line.startswith(f"kvmstatus: stopped ({name}): the ")
    assert f"stored so far in {tmp_path / 'data'} are kept" in line
    published = (tmp_path / "public").exists()
    assert ("is unchanged" in line) != published, line
    if published:  # stopped after the swap: then the new edition is whole
        assert site_files(tmp_path / "public") == clean
    time.sleep(0.2)
    assert [p for p in family if Path(f"/proc/{p}").exists()] == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []
    # The next run picks up where this one stopped and publishes what a clean run does.
    main_quiet("run", "--config", str(tmp_path / "kvmstatus.toml"))
    assert site_files(tmp_path / "public") == clean


def test_killed_main_process_leaves_nothing_running(
    tmp_path: Path, history: tuple[Path, dict[str, bytes]]
) -> None:
    """SIGKILL (an OOM kill, `docker kill`) of the main process alone, mid-build: its Prefect
    server goes with it, and the next run clears the build directory it left."""
    repo, clean = history
    proc = _start(tmp_path, repo)
    try:
        wait_until(_building(tmp_path), 120, "the site build")
        family = _descendants(proc.pid)
        assert family, "the run has no children"
        proc.kill()
        proc.communicate(timeout=STOP_SECONDS)
        wait_until(
            lambda: not [p for p in family if Path(f"/proc/{p}").exists()],
            STOP_SECONDS,
            "the killed run's children to end",
        )
    finally:
        stop_processes([proc.pid])
    assert list(tmp_path.glob(".public.build-*"))
    main_quiet("run", "--config", str(tmp_path / "kvmstatus.toml"))
    assert site_files(tmp_path / "public") == clean
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []


def test_the_session_finds_a_process_left_running() -> None:
    """The check the session ends with (conftest.py) sees what a test started and left."""
    from helpers import session_processes

    proc = subprocess.Popen(["sleep", "60"])
    try:
        # Popen returns once exec has begun; the kernel fills in the new program's environment
        # a moment later, and until then /proc/PID/environ reads empty.
        wait_until(lambda: proc.pid in session_processes(), 10, "the process's mark")
    finally:
        proc.kill()
        proc.wait()
    assert proc.pid not in session_processes()


def test_second_run_is_refused_before_prefect_starts(
    tmp_path: Path, history: tuple[Path, dict[str, bytes]]
) -> None:
    """The data directory is locked before Prefect starts: a second run is refused at once."""
    repo, _ = history
    config = write_config(tmp_path, repo)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path\n"
            "from kvmstatus.store.lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(tmp_path / "data"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "kvmstatus", "run", "--config", str(config), "--always"],
            env=without_prefect_server(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1
    assert f"another kvmstatus run (pid {holder.pid}) is using" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert took < 8  # Python and kvmstatus start; no Prefect server is started


def test_stopped_site_build_keeps_the_previous_site(
    tmp_path: Path, history: tuple[Path, dict[str, bytes]]
) -> None:
    """`kvmstatus site` stopped mid-build: one line, exit 143, the previous site untouched."""
    repo, _ = history
    data, public = tmp_path / "data", tmp_path / "public"
    main_quiet("collect", "--repo", str(repo), "--out", str(data))
    public.mkdir()
    (public / ".kvmstatus-site").write_text("built by kvmstatus\nold\n")
    (public / "index.html").write_text("previous site\n")
    before = site_files(public)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kvmstatus", "site", "--data", str(data), "--out", str(public)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(_building(tmp_path), 60, "the site build")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=STOP_SECONDS)
        took = time.monotonic() - started
    finally:
        stop_processes([proc.pid])
    assert took < STOP_SECONDS
    assert proc.returncode == 143, err
    assert err == f"kvmstatus: stopped (SIGTERM): the site at {public} is unchanged\n"
    assert site_files(public) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []
