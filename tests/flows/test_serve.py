"""`kvmstatus serve` with no Prefect server configured: it starts one with a scheduler, the
deployment fires on its schedule and publishes, and Ctrl-C stops everything within 10 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import (
    build_repo,
    run,
    session_processes,
    site_files,
    wait_until,
    without_prefect_server,
    write_config,
)


def test_serve_publishes_on_its_schedule_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = write_config(tmp_path, repo)
    before = set(session_processes())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kvmstatus",
            "serve",
            "--config",
            str(config),
            "--cron",
            "* * * * *",
        ],
        env=without_prefect_server(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # The first scheduled run starts at the next minute; the server takes seconds.
        wait_until(lambda: (tmp_path / "public" / "index.html").exists(), 180, "a site")
        wait_until(
            lambda: '"succeeded"' in (tmp_path / "data" / "runs.json").read_text(),
            60,
            "the run record",
        )
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert took < 10
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    [first] = out.splitlines()[:1]
    assert first.startswith("serving kvmstatus-publish on '* * * * *' (UTC) with a local")
    assert "http://127.0.0.1:" in first
    [line] = [line for line in err.splitlines() if line.startswith("kvmstatus:")]
    assert line.startswith("kvmstatus: stopped (SIGINT): the 4 windows stored so far")
    assert line.endswith("; serving ended")
    [record] = json.loads((tmp_path / "data" / "runs.json").read_text())["runs"][:1]
    assert record["outcome"] == "succeeded"
    assert record["trigger"] == "deployment kvmstatus-publish"
    assert record["computed"] == 4
    assert record["published"] is True
    assert site_files(tmp_path / "public")
    time.sleep(0.3)
    assert set(session_processes()) - before == set()


def test_serve_rejects_a_bad_cron_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path, build_repo(tmp_path / "kernel.git", fast_import_stream()))
    code, out, err = run(capsys, "serve", "--config", str(config), "--cron", "not a cron")
    assert code == 1
    assert out == ""
    assert err == (
        "kvmstatus: error: --cron 'not a cron' is not a cron expression: give five fields, "
        "minute hour day-of-month month day-of-week, e.g. '0 */6 * * *' (every six hours, UTC)\n"
    )


def test_serve_refuses_an_unpublishable_out_before_serving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path, build_repo(tmp_path / "kernel.git", fast_import_stream()))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine\n")
    code, _, err = run(capsys, "serve", "--config", str(config), "--out", str(tmp_path / "mine"))
    assert code == 1
    assert "is not empty and is not a kvmstatus site" in err


def test_demo_with_its_own_server_ends_quietly(tmp_path: Path) -> None:
    """`kvmstatus demo` with no server configured: the flow's last log lines reach the local
    server before it stops, so Prefect prints no "Error logging to API" afterwards."""
    small = ["--commits", "3000", "--releases", "6"]
    proc = subprocess.run(
        [sys.executable, "-m", "kvmstatus", "demo", "--out", str(tmp_path / "site"), *small],
        env=without_prefect_server() | {"KVMSTATUS_CACHE": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert "Error logging to API" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
