"""One edition of the report: the order of the steps a run is made of, in one place.

`edition` runs them: update every repository and list archive, plan the main project's
windows and the companions' at its release dates, compute the windows not stored yet,
aggregate each project's data directory, index the lists' new messages and review every
window on the lists (`jobs.lists`), publish. `collect` runs it with plain calls (no Prefect,
nothing published); the Prefect flow runs the very same sequence with its tasks in `Steps`;
`idle` asks, before Prefect starts, whether a run would change anything, and `run_edition`
(`kvmstatus run`) asks it before it starts the flow. `edition` and `idle` check the publish
target before computing anything and record the run's outcome in the data directory
(`store.runs`), whatever ends it: success, an error, or a signal; `describe_stop` is what a
stopped run says it kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvmstatus.errors import UserError
from kvmstatus.git.archives import Archive
from kvmstatus.jobs import lists, steps
from kvmstatus.jobs.config import Config
from kvmstatus.shared import stopping
from kvmstatus.shared.gitrunner import NetworkError
from kvmstatus.store import runs
from kvmstatus.store.cache import stored_results
from kvmstatus.store.lock import run_lock

if TYPE_CHECKING:
    from kvmstatus.deck.model import Deck


def compute_two_at_a_time(jobs: Sequence[steps.WindowJob]) -> list[str]:
    """`steps.compute` for each job, two at a time (git on one core, parsing on the other)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(steps.compute, jobs))


@dataclass(frozen=True)
class Steps:
    """How each step runs: plain calls by default; the Prefect flow passes its tasks."""

    prepare: Callable[..., steps.Prepared] = steps.prepare
    plan: Callable[..., steps.Plan] = steps.plan
    compute_all: Callable[[Sequence[steps.WindowJob]], list[str]] = compute_two_at_a_time
    aggregate: Callable[..., steps.Aggregated] = steps.aggregate
    publish: Callable[..., tuple[str, bool]] = steps.publish
    fetch_lists: Callable[..., tuple[Archive, ...]] = lists.fetch_lists
    index_lists: Callable[..., lists.IndexSummary] = lists.index_lists
    review: Callable[..., bool] = lists.review_project


@dataclass(frozen=True)
class Summary:
    """What a run did: windows computed (`recomputed`: their stored copy was damaged) and
    reused, data files repaired, and where the site is."""

    windows: int
    releases: tuple[str, ...]
    """The main project's release windows, oldest first."""
    computed: int
    recomputed: int
    cached: int
    published: bool
    site: str
    repaired: tuple[str, ...] = ()
    messages_read: int = 0
    """List messages read from git (0: the index held every one)."""
    reviews: int = 0
    """Projects whose review on the lists was computed anew."""


@contextlib.contextmanager
def recorded(config: Config, trigger: str) -> Iterator[dict[str, Any]]:
    """Record a run in the data directory: started now, then succeeded (with the fields the
    block puts in the yielded dict), failed (with the error's line) or stopped. A block
    that sets `skip` records nothing (the run goes on elsewhere and records itself)."""
    entry = runs.begin(config.data_dir, trigger)
    fields: dict[str, Any] = {}

    def stopped() -> None:
        runs.finish(config.data_dir, entry, "stopped", fields)

    try:
        with stopping.on_stop(stopped):
            yield fields
    except BaseException as exc:
        line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        outcome = "stopped" if isinstance(exc, KeyboardInterrupt) else "failed"
        runs.finish(config.data_dir, entry, outcome, {**fields, "error": line})
        raise
    if fields.pop("skip", False):
        runs.forget(config.data_dir, entry)
    else:
        runs.finish(config.data_dir, entry, "succeeded", fields)


def _record_fields(summary: Summary) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(summary).items() if k not in ("releases",)} | {
        "repaired": list(summary.repaired)
    }


def plan_all(config: Config, fetch: tuple[bool, bool], how: Steps = Steps()) -> list[steps.Plan]:
    """Every project's plan: the main project's release windows first, then each companion's
    windows at the main project's release dates (or its own tags)."""
    main = how.plan(config, how.prepare(config.main, config.cache_dir, fetch[0]), ())
    anchors = [job.window for job in main.jobs]
    return [main] + [
        how.plan(config, how.prepare(companion, config.cache_dir, fetch[1]), anchors)
        for companion in config.companions
    ]


def edition(
    config: Config,
    fetch: tuple[bool, bool],
    out: Path | None = None,
    synthetic: bool = False,
    how: Steps = Steps(),
    publish: bool = True,
    trigger: str = "run",
) -> Summary:
    """Run every step once under the data directory's lock; see the module docstring."""
    with run_lock(config.data_dir), recorded(config, trigger) as record:
        if publish:
            steps.check_target(config, out)
        plans = plan_all(config, fetch, how)
        total = sum(len(p.jobs) for p in plans)
        # Stored windows are not computed (nor made tasks): after a new release, one window.
        todo = [job for p in plans for job in steps.pending(p)]
        counts = Counter(how.compute_all(todo))
        repaired = tuple(r for p in plans for r in how.aggregate(config, p, synthetic).repaired)
        indexed, reviews = review_lists(config, plans, fetch, how)
        if publish:
            where, published = how.publish(config, out)
        else:
            where, published = str(config.data_dir), False
        summary = Summary(
            windows=total,
            releases=tuple(job.window.name for job in plans[0].jobs),
            computed=counts["computed"] + counts["recomputed"],
            recomputed=counts["recomputed"],
            cached=total - counts["computed"] - counts["recomputed"],
            published=published,
            site=where,
            repaired=repaired,
            messages_read=indexed,
            reviews=reviews,
        )
        record.update(_record_fields(summary))
    return summary


def review_lists(
    config: Config, plans: Sequence[steps.Plan], fetch: tuple[bool, bool], how: Steps = Steps()
) -> tuple[int, int]:
    """Fetch the lists (when the companions are fetched: unless `--no-fetch`), index their
    new messages and review each project's windows: (messages read, projects reviewed)."""
    archives = how.fetch_lists(config, fetch[1]) if lists.list_specs(config) else ()
    read = how.index_lists(config, archives).read if archives else 0
    reviewed = [how.review(config, job, archives) for job in lists.review_jobs(plans)]
    return read, sum(reviewed)


def collect(config: Config) -> Summary:
    """`kvmstatus collect`: every window of the configuration's project computed into its
    data directory, the repository used as it is (no fetch), nothing published."""
    return edition(config, (False, False), publish=False, trigger="collect")


def idle(
    config: Config,
    fetch: tuple[bool, bool],
    out: Path | None = None,
    synthetic: bool = False,
    trigger: str = "run",
) -> Summary | None:
    """Fetch and plan every project, and tell whether a run would change nothing: then what
    such a run does (every window reused, the site where it is), recorded as a run; else
    None, and the run that follows records itself. Cheap enough to run before starting
    Prefect: a scheduled run that finds no new release costs the fetch and little else."""
    with run_lock(config.data_dir), recorded(config, trigger) as record:
        steps.check_target(config, out)
        plans = plan_all(config, fetch)
        if not steps.up_to_date(config, plans, synthetic, out):
            record["skip"] = True
            return None
        archives = lists.fetch_lists(config, fetch[1]) if lists.list_specs(config) else ()
        if not all(lists.review_current(config, j, archives) for j in lists.review_jobs(plans)):
            record["skip"] = True
            return None
        total = sum(len(p.jobs) for p in plans)
        where = steps.target(config, out)[0]
        record.update(
            windows=total,
            computed=0,
            recomputed=0,
            cached=total,
            published=False,
            site=where,
            repaired=[],
        )
    return Summary(
        windows=total,
        releases=tuple(job.window.name for job in plans[0].jobs),
        computed=0,
        recomputed=0,
        cached=total,
        published=False,
        site=where,
    )


def run_edition(
    config: Config,
    fetch: bool | None,
    repo: str | None,
    out: Path | None,
    flow: Callable[[bool | None], Summary],
    always: bool = False,
) -> tuple[Summary, bool]:
    """`kvmstatus run`: the edition `flow` makes (the Prefect flow, told whether to fetch),
    unless nothing is new. Returns the run's summary and whether the flow ran.

    The data directory is held from the start, not only once Prefect is up, and a target
    that cannot be published to is refused before anything is computed. Unless `always`,
    every project is fetched and planned first (`idle`, before Prefect starts: a server alone
    takes seconds), and when nothing is new that is the whole run, recorded, and the flow
    never starts. `fetch` and `repo` are the run's options (`steps.fetch_policy`).
    """
    with run_lock(config.data_dir):
        steps.check_target(config, out)
        if not always:
            try:
                unchanged = idle(config, steps.fetch_policy(fetch, repo), out)
            except NetworkError:
                unchanged = None  # the flow fetches again, with retries and backoff
            else:
                fetch = False  # fetched just now
            if unchanged is not None:
                return unchanged, False
        return flow(fetch), True


def describe_stop(config: Config, out: Path | None, site: bool = True) -> stopping.Describe:
    """The line a run stopped by a signal prints: the windows kept in the data directory and,
    for a run that publishes (`site`), whether the published site is unchanged or the new
    edition went out whole before the stop."""
    before = steps.stamp_at_target(config, out) if site else None

    def describe(name: str) -> str:
        line = (
            f"stopped ({name}): the {stored_results(config.data_dir)} windows stored so far in "
            f"{config.data_dir} are kept"
        )
        if site:
            where = steps.target(config, out)[0]
            if steps.stamp_at_target(config, out) == before:
                line += f"; the published site at {where} is unchanged"
            else:
                line += f"; the new edition at {where} was published whole before the stop"
        return line

    return describe


def make_deck(
    out: Path,
    html: Path | None,
    config_file: str | None,
    *,
    repo: str | None,
    end: str | None,
    cycles: int | None,
    title: str | None,
    fetch: bool | None = None,
    **options: object,
) -> tuple[Deck, list[Path]]:
    """`kvmstatus deck`: with a configuration, its data brought up to date (fetched as a run
    fetches, nothing published) and the deck of its newest year; else the deck of the year
    ending at `end` in the repository `repo`, counted as `options` say (`collect`'s). Returns
    the deck and the files written."""
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.config import config_from_options, run_config
    from kvmstatus.jobs.slides import deck_of_data, deck_of_repo, write_deck

    if config_file is not None:
        config = run_config(config_file)
        if cycles is not None:
            config = replace(config, cycles_per_year=cycles)
        summary = edition(config, steps.fetch_policy(fetch, None), publish=False, trigger="deck")
        if end is not None and end != summary.releases[-1]:
            raise UserError(
                f"--end {end!r}: a configuration's deck is of its newest year (to "
                f"{summary.releases[-1]}); use --repo for another year"
            )
        deck = deck_of_data(config.data_dir, config.base_url, title)
    else:
        opened = open_repository(repo or ".")
        made = config_from_options(str(opened.path), out.parent, title=title, **options)  # type: ignore[arg-type]
        project = made.main
        settings = steps.project_settings(project)
        deck = deck_of_repo(opened, project, settings, end, cycles, title)
    return deck, write_deck(deck, out, html)
