"""Starting Prefect for kvmstatus: its settings on a fresh machine, the task runner, the
server (`server.prefect_server`), running the flow once and serving it on a schedule. The CLI
calls these; Prefect is imported only here and in the flow and server modules."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path
from typing import Any

from kvmstatus.errors import UserError
from kvmstatus.jobs import steps
from kvmstatus.jobs.config import load_config, run_config
from kvmstatus.jobs.edition import Summary
from kvmstatus.shared import stopping
from kvmstatus_flows.served import SERVED


def prefect_defaults() -> None:
    """Settings a fresh machine needs before Prefect is imported.

    A server's first start migrates a new database, which can outlast Prefect's 20 s default
    on a small machine. Telemetry would try the network and fail on an offline one.
    """
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")


def task_runner(spec: str | None) -> Any:
    """The task runner `--task-runner` names: None (Prefect's default), or Dask."""
    if not spec:
        return None
    kind, _, address = spec.partition("=")
    if kind != "dask":
        raise UserError(f"--task-runner {spec!r}: use dask or dask=ADDRESS (tcp://host:8786)")
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})


class _NoUserErrorTracebacks(logging.Filter):
    """Prefect logs a failed run's exception with its traceback; a `UserError` is the
    user's mistake, printed once as one line by the CLI, so its traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], UserError):
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_user_errors() -> None:
    quiet = _NoUserErrorTracebacks()
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs"):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(quiet)


def run_flow(parameters: dict[str, Any], runner: str | None = None) -> Summary:
    """Run the publishing flow once with `parameters` and return its summary, against the
    configured Prefect server or a local one started for this run."""
    # The configuration is checked before Prefect starts: a typo costs no server start.
    load_config(Path(parameters["config"]) if parameters.get("config") else None)
    prefect_defaults()
    chosen = task_runner(runner)
    from kvmstatus_flows.server import prefect_server

    with prefect_server():
        from kvmstatus_flows.publish import publish

        _quiet_user_errors()
        flow = publish.with_options(task_runner=chosen) if chosen else publish
        result: dict[str, Any] = flow(**parameters)
    return Summary(**result)


def check_cron(cron: str) -> None:
    """A `UserError` naming `cron` unless Prefect can schedule it."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        raise UserError(
            f"--cron {cron!r} is not a cron expression: give five fields, minute hour "
            "day-of-month month day-of-week, e.g. '0 */6 * * *' (every six hours, UTC)"
        ) from None


def serve_flow(cron: str, parameters: dict[str, Any]) -> None:
    """Serve the flow as a scheduled deployment from this process until it is stopped.

    Before Prefect starts, the configuration is read, a publish target that cannot be
    published to is refused (as a run would refuse it) and the schedule is checked."""
    out = parameters.get("out")
    steps.check_target(
        run_config(parameters.get("config"), parameters.get("repo"), parameters.get("data")),
        Path(out) if out else None,
    )
    prefect_defaults()
    check_cron(cron)
    from prefect.runner import Runner

    from kvmstatus_flows.publish import deployment
    from kvmstatus_flows.server import prefect_server

    class _Runner(Runner):
        # Prefect's runner takes SIGTERM over for a graceful shutdown that waits for the
        # flow run; kvmstatus stops within seconds instead, keeping what was stored.
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            stopping.stop(signal.SIGTERM)

    os.environ[SERVED] = str(os.getpid())
    with prefect_server() as server:
        runner = _Runner(name="kvmstatus-serve", limit=1, pause_on_shutdown=False)
        runner.add_deployment(deployment(cron, parameters))
        where = (
            f"a local Prefect server at {server.ui_url} (its UI; database in {server.home}), "
            "stopped with serve"
            if server.started
            else f"the Prefect server at {server.api_url}"
        )
        print(f"serving kvmstatus-publish on {cron!r} (UTC) with {where}; Ctrl-C stops", flush=True)
        asyncio.run(runner.start())
