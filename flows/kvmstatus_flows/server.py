"""The Prefect server a command talks to: the one configured, or a local one it starts.

Prefect's own temporary server (what a flow gets without `PREFECT_API_URL`) runs no
scheduler, so a served deployment never fires, and it is a grandchild that outlives a killed
parent. Instead, with no server configured, `kvmstatus run`, `serve` and `demo` start a real
one for as long as they run: `python -m kvmstatus_flows.server`, which runs uvicorn on
Prefect's `create_app` in its own process with every service `prefect server start` runs
(the scheduler among them), on 127.0.0.1 and a free port, with its database and
`PREFECT_HOME` in the kvmstatus cache (`$KVMSTATUS_CACHE/prefect`, or
`$KVMSTATUS_PREFECT_HOME`), so the run history survives from one command to the next. The
child asks the kernel to stop it when its parent dies, SIGKILL included, and sits in its
own session so that a Ctrl-C to the terminal reaches the command first, which then stops it
after the flow's own processes. Its log goes to `server.log` there, not to the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.shared import stopping
from kvmstatus.shared.dirs import cache_dir

STARTUP_SECONDS = 300
"""The first start creates and migrates the database: about 20 s on two cores, more on a
slow disk."""
STOP_SECONDS = 4.0


def prefect_home() -> Path:
    explicit = os.environ.get("KVMSTATUS_PREFECT_HOME")
    return Path(explicit) if explicit else cache_dir() / "prefect"


def configured_api_url() -> str | None:
    """The Prefect API the user configured: `PREFECT_API_URL` in the environment or in the
    active Prefect profile (`prefect config set PREFECT_API_URL=...`)."""
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    from prefect.settings import get_current_settings

    configured = get_current_settings().api.url
    return str(configured) if configured else None


@dataclass(frozen=True)
class Server:
    api_url: str
    """`http://127.0.0.1:PORT/api`"""
    started: bool
    """Whether this command started it (else it is the configured one)."""
    home: Path | None = None

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _last_line(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    return lines[-1].strip() if lines else "no log"


def _start(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PREFECT_API_URL" and not k.startswith("PREFECT__")
    }
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT__SERVER_FINAL": "1",
    }
    with open(home / "server.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kvmstatus_flows.server", str(os.getpid()), str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    return proc, f"http://127.0.0.1:{port}/api"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        stopping.terminate([proc.pid], STOP_SECONDS)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=1)


@contextlib.contextmanager
def prefect_server() -> Iterator[Server]:
    """The configured Prefect API, or a local server started for the block and stopped
    after it (see the module docstring). `PREFECT_API_URL` points at it meanwhile, for this
    process (Prefect's settings) and for the flow runs it starts."""
    configured = configured_api_url()
    if configured:
        with _pointing_at(configured):
            yield Server(configured, started=False)
        return
    home = prefect_home()
    proc, api_url = _start(home)
    try:
        with stopping.stopped_last(proc.pid), stopping.on_stop(lambda: _stop(proc)):
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _healthy(api_url):
                if proc.poll() is not None:
                    raise UserError(
                        f"the local Prefect server did not start: {_last_line(home / 'server.log')}"
                        f" (log: {home / 'server.log'})"
                    )
                if time.monotonic() > deadline:
                    raise UserError(
                        f"the local Prefect server did not answer within {STARTUP_SECONDS} s "
                        f"(log: {home / 'server.log'})"
                    )
                time.sleep(0.2)
            with _pointing_at(api_url):
                try:
                    yield Server(api_url, started=True, home=home)
                finally:
                    _send_queued_logs()
    finally:
        _stop(proc)


def _send_queued_logs() -> None:
    """Send the flow's last log lines while the server still answers: Prefect ships them
    in the background, and one sent after the stop prints "Error logging to API"."""
    if handlers := sys.modules.get("prefect.logging.handlers"):
        with contextlib.suppress(Exception):
            handlers.APILogWorker.drain_all(timeout=5)


@contextlib.contextmanager
def _pointing_at(api_url: str) -> Iterator[None]:
    old = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield
    finally:
        if old is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = old


def main(argv: list[str] | None = None) -> None:
    """The server process: `python -m kvmstatus_flows.server PARENT_PID PORT`."""
    parser = argparse.ArgumentParser(prog="python -m kvmstatus_flows.server")
    parser.add_argument("parent", type=int, help="the pid of the command that started it")
    parser.add_argument("port", type=int, help="the loopback port to listen on")
    args = parser.parse_args(argv)
    # SIGKILL, not SIGTERM: uvicorn's graceful shutdown takes seconds, and an orphan must
    # not linger; SQLite's journal keeps the database whole.
    stopping.die_with_parent(args.parent, signal.SIGKILL)
    import uvicorn

    # In this very process (no reloader, no worker processes), so the process holding the
    # port is the one that dies with its parent. Not ephemeral: every service runs.
    uvicorn.run(
        "prefect.server.api.server:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
