"""`kvmstatus preview`: a built site on loopback, stopped by Ctrl-C within seconds."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import run
from kvmstatus.website.sitedir import MARKER


def fake_site(root: Path) -> Path:
    site = root / "site"
    (site / "search").mkdir(parents=True)
    (site / "index.html").write_text("<title>report</title>")
    (site / "search" / "search_index.json").write_text('{"docs": []}')
    (site / MARKER).write_text("built by kvmstatus\n\n")
    return site


def test_serves_until_ctrl_c(tmp_path: Path) -> None:
    site = fake_site(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kvmstatus", "preview", "--out", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"serving {site} at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.read() == b"<title>report</title>"
        # What Material's search asks for, which a file:// page cannot load.
        with urllib.request.urlopen(url + "search/search_index.json", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/json"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Stopped like every command: exit 130 and one line that says so.
    assert proc.returncode == 130, err
    assert out.strip() == ""
    assert err.strip() == f"kvmstatus: stopped (SIGINT): no longer serving {site}"
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as probe:  # nothing listens there any more: a new preview may bind
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()


def test_refuses_what_is_not_a_site(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "preview", "--out", str(tmp_path))
    assert code == 1
    assert out == ""
    assert err.strip() == (
        f"kvmstatus: error: {tmp_path} is not a site kvmstatus built: build one with "
        f"`kvmstatus site --data DATA --out {tmp_path}` (or `kvmstatus run --out {tmp_path}`) "
        "first"
    )


def test_port_in_use(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = fake_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "preview", "--out", str(site), "--port", str(port))
    assert code == 1
    assert f"port {port} on 127.0.0.1 is in use: pass --port N (--port 0 picks a free one)" in err
