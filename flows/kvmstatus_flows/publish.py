"""The publishing flow: fetch, compute new windows, aggregate, build and publish the site.

The order of the steps is `kvmstatus.jobs.edition`'s and each step is a function of
`kvmstatus.jobs.steps`; this module only decides how they run as Prefect tasks (retries,
concurrency, logging, a progress bar). Run it with `kvmstatus run`, serve it on a schedule
with `kvmstatus serve`, or deploy it with `prefect deploy` (see prefect.yaml).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.futures import PrefectFuture

from kvmstatus.git.archives import Archive
from kvmstatus.jobs import lists, steps
from kvmstatus.jobs.config import Config, ProjectConfig, run_config
from kvmstatus.jobs.edition import Steps, edition
from kvmstatus.shared import stopping
from kvmstatus.shared.gitrunner import RETRY_DELAYS, NetworkError
from kvmstatus.shared.notes import show_warnings
from kvmstatus_flows.served import served_flow_run


def _network_failure(task: Any, task_run: Any, state: Any) -> bool:
    # Only a network failure is worth waiting for; a wrong URL or tag fails at once.
    return isinstance(state.result(raise_on_failure=False), NetworkError)


@task(
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=list(RETRY_DELAYS),
    retry_condition_fn=_network_failure,
    task_run_name="update {project.name}",
)
def update_repository(project: ProjectConfig, cache: Path | None, fetch: bool) -> steps.Prepared:
    # Retries with backoff: fetching from the configured remote is the one network step.
    return steps.prepare(project, cache, fetch)


@task(task_run_name="plan {prepared.project.name}")
def plan_windows(config: Config, prepared: steps.Prepared, main_windows: Any) -> steps.Plan:
    return steps.plan(config, prepared, main_windows)


@task(task_run_name="window {job.project.name} {job.window.name}")
def compute_window(job: steps.WindowJob) -> str:
    return steps.compute(job)


@task(task_run_name="aggregate {the_plan.project.name}")
def aggregate(config: Config, the_plan: steps.Plan, synthetic: bool) -> steps.Aggregated:
    return steps.aggregate(config, the_plan, synthetic)


@task(task_run_name="publish")
def publish_site(config: Config, out: Path | None) -> tuple[str, bool]:
    return steps.publish(config, out)


@task(
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=list(RETRY_DELAYS),
    retry_condition_fn=_network_failure,
    task_run_name="update lists",
)
def update_lists(config: Config, fetch: bool) -> tuple[Archive, ...]:
    # Retries with backoff, like the repositories: the archives come from the network too.
    return lists.fetch_lists(config, fetch)


@task(task_run_name="index lists")
def index_lists(config: Config, archives: tuple[Archive, ...]) -> lists.IndexSummary:
    return lists.index_lists(config, archives)  # it names the unparseable messages itself


@task(task_run_name="review {job.project.name}")
def review_lists(config: Config, job: lists.ReviewJob, archives: tuple[Archive, ...]) -> bool:
    return lists.review_project(config, job, archives)


def _compute_all(jobs: Sequence[steps.WindowJob]) -> list[str]:
    """Each window as a task on the flow's task runner; results in submission order, with a
    progress bar on a terminal."""
    futures: list[PrefectFuture[str]] = [compute_window.submit(job) for job in jobs]
    if not sys.stderr.isatty() or len(futures) < 10:
        return [f.result() for f in futures]
    from rich.progress import Progress

    results = []
    with Progress(transient=True) as progress:
        bar = progress.add_task("release windows", total=len(futures))
        for future in futures:
            results.append(future.result())
            progress.advance(bar)
    return results


TASKS = Steps(
    prepare=update_repository,
    plan=plan_windows,
    compute_all=_compute_all,
    aggregate=aggregate,
    publish=publish_site,
    fetch_lists=update_lists,
    index_lists=index_lists,
    review=review_lists,
)


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
    served_flow_run()
    # Prefect swaps SIGTERM's handler while a flow runs: kvmstatus's stop (seconds, one
    # line, nothing half-published) applies inside the flow too.
    stopping.install()
    show_warnings()
    logger = get_run_logger()
    settings = run_config(config, repo, data)
    summary = edition(
        settings,
        steps.fetch_policy(fetch, repo),
        Path(out) if out else None,
        synthetic,
        TASKS,
        trigger=_trigger(synthetic),
    )
    logger.info(
        "windows: %d computed (%d of them recomputed: damaged), %d reused; list messages "
        "read: %d; reviews computed: %d; site %s %s",
        summary.computed,
        summary.recomputed,
        summary.cached,
        summary.messages_read,
        summary.reviews,
        "published to" if summary.published else "unchanged at",
        summary.site,
    )
    return dataclasses.asdict(summary)


def _trigger(synthetic: bool) -> str:
    """How this flow run was started, for the run record."""
    from prefect.runtime import deployment

    if deployment.name:
        return f"deployment {deployment.name}"
    return "demo" if synthetic else "run"


def deployment(cron: str, parameters: dict[str, Any]) -> Any:
    """The scheduled deployment `kvmstatus serve` serves: each run fetches, and publishes a
    new edition when a new release tag (or any change of the data) appeared."""
    return publish.to_deployment(name="kvmstatus-publish", cron=cron, parameters=parameters)
