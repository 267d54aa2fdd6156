"""Starting Prefect for kvmstatus: its settings on a fresh machine, the task runner, running
the flow once and serving it on a schedule. The CLI calls these; Prefect is imported only
here and in the flow module."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kvmstatus.errors import UserError
from kvmstatus.jobs.config import load_config


def prefect_defaults() -> None:
    """Settings a fresh machine needs before Prefect is imported.

    Without a Prefect server configured (`PREFECT_API_URL`), each run starts a temporary
    local one; its first start migrates a new database, which can outlast Prefect's 20 s
    default on a small machine. Telemetry would try the network and fail on an offline one.
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


def run_flow(parameters: dict[str, Any], runner: str | None = None) -> dict[str, Any]:
    """Run the publishing flow once with `parameters` and return its summary."""
    # The configuration is checked before Prefect starts: a typo costs no server start.
    load_config(Path(parameters["config"]) if parameters.get("config") else None)
    prefect_defaults()
    from kvmstatus_flows.publish import publish

    _quiet_user_errors()
    chosen = task_runner(runner)
    flow = publish.with_options(task_runner=chosen) if chosen else publish
    result: dict[str, Any] = flow(**parameters)
    return result


def serve_flow(cron: str, parameters: dict[str, Any]) -> None:
    """Serve the flow as a scheduled deployment from this process until it is stopped."""
    load_config(Path(parameters["config"]) if parameters.get("config") else None)
    prefect_defaults()
    from prefect import serve

    from kvmstatus_flows.publish import deployment

    scheduled = deployment(cron, parameters)
    print(f"serving kvmstatus-publish on {cron!r}; Ctrl-C stops")
    serve(scheduled)
