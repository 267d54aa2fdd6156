"""The publishing flow: fetch, compute new windows, aggregate, build and publish the site.

Each step is a function of `kvmstatus.runner`; this module only decides how they run
(tasks, retries, concurrency, logging, a progress bar). Run it with `kvmstatus run`, serve it
on a schedule with `kvmstatus serve`, or deploy it with `prefect deploy` (see prefect.yaml).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.futures import PrefectFuture

from kvmstatus import runner
from kvmstatus.config import Config, ProjectConfig, load_config
from kvmstatus.sources import NetworkError
from kvmstatus.store import run_lock


def _network_failure(task: Any, task_run: Any, state: Any) -> bool:
    # Only a network failure is worth waiting for; a wrong URL or tag fails at once.
    return isinstance(state.result(raise_on_failure=False), NetworkError)


@task(
    retries=3,
    retry_delay_seconds=[10, 60, 300],
    retry_condition_fn=_network_failure,
    task_run_name="update {project.name}",
)
def update_repository(project: ProjectConfig, cache: Path | None, fetch: bool) -> runner.Prepared:
    # Retries with backoff: fetching from the configured remote is the one network step.
    return runner.prepare(project, cache, fetch)


@task(task_run_name="plan {prepared.project.name}")
def plan_windows(config: Config, prepared: runner.Prepared, main_windows: Any) -> runner.Plan:
    return runner.plan(config, prepared, main_windows)


@task(task_run_name="window {job.project.name} {job.window.name}")
def compute_window(job: runner.WindowJob) -> str:
    return runner.compute(job)


@task(task_run_name="aggregate {the_plan.project.name}")
def aggregate(config: Config, the_plan: runner.Plan, synthetic: bool) -> bool:
    return runner.aggregate(config, the_plan, synthetic)


@task(task_run_name="publish")
def publish_site(config: Config, out: Path | None) -> tuple[str, bool]:
    return runner.publish(config, out)


def _wait_all(futures: list[PrefectFuture[str]], label: str) -> list[str]:
    """Results in submission order, with a progress bar on a terminal."""
    if not sys.stderr.isatty() or len(futures) < 10:
        return [f.result() for f in futures]
    from rich.progress import Progress

    results = []
    with Progress(transient=True) as progress:
        bar = progress.add_task(label, total=len(futures))
        for future in futures:
            results.append(future.result())
            progress.advance(bar)
    return results


@flow(name="kvmstatus-publish", log_prints=True)
def publish(
    config: str | None = None,
    repo: str | None = None,
    fetch: bool | None = None,
    data: str | None = None,
    out: str | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """One edition: every new release window computed, the site rebuilt when data changed.

    `config`: a kvmstatus.toml (default: the shipped Linux KVM one). `repo`: use this clone
    for the main project as it is (no fetch unless `fetch`). `data`/`out`: override the data
    directory and the publish directory.
    """
    logger = get_run_logger()
    settings = runner.with_overrides(load_config(Path(config) if config else None), repo, data)
    fetch_main, fetch_companions = runner.fetch_policy(fetch, repo)
    with run_lock(settings.data_dir):
        main_prepared = update_repository(settings.main, settings.cache_dir, fetch_main)
        main_plan = plan_windows(settings, main_prepared, ())
        plans = [main_plan]
        main_windows = [job.window for job in main_plan.jobs]
        for companion in settings.companions:
            prepared = update_repository(companion, settings.cache_dir, fetch_companions)
            plans.append(plan_windows(settings, prepared, main_windows))
        jobs = [job for p in plans for job in p.jobs]
        # Stored windows are not tasks: a run after a new release has one window to compute.
        todo = [job for p in plans for job in runner.pending(p)]
        states = _wait_all([compute_window.submit(job) for job in todo], "release windows")
        counts = Counter(states)
        counts["cached"] += len(jobs) - len(todo)
        for p in plans:
            aggregate(settings, p, synthetic)
        where, published = publish_site(settings, Path(out) if out else None)
    logger.info(
        "windows: %d computed, %d recomputed (corrupt cache), %d reused; site %s %s",
        counts["computed"],
        counts["recomputed"],
        counts["cached"],
        "published to" if published else "unchanged at",
        where,
    )
    return {
        "windows": len(jobs),
        "computed": counts["computed"] + counts["recomputed"],
        "cached": counts["cached"],
        "published": published,
        "site": where,
    }


def deployment(cron: str, parameters: dict[str, Any]) -> Any:
    """The scheduled deployment `kvmstatus serve` serves: each run fetches, and publishes a
    new edition when a new release tag (or any change of the data) appeared."""
    return publish.to_deployment(name="kvmstatus-publish", cron=cron, parameters=parameters)
