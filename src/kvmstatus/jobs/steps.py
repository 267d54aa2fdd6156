"""The steps of one publishing run, as plain functions the Prefect flow wraps as tasks.

    prepare   clone or fetch each project's repository (blobless), write its commit-graph
    plan      its release windows (or windows at the main project's release dates) and keys
    pending   the windows whose key is not stored yet (`up_to_date`: is there anything to do?)
    compute   one window -> cached JSON result (skipped when the key is already stored)
    aggregate cached results -> the data directory the site reads (first-time authors here);
              a data file that no longer matches its checksum is rewritten from the cache
    publish   build the site and swap it in, or commit it to a branch and push

Every step takes and returns small, picklable values (paths, names, keys), so the same
steps run in threads, in processes or on a Dask cluster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.periods import (
    YearChoice,
    year_spans,
)
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.git.sources import prepare_repository
from kvmstatus.jobs.config import Config, ProjectConfig
from kvmstatus.jobs.dataset import assemble
from kvmstatus.jobs.window import (
    compute_period,
    compute_window,
    first_time_author_keys,
    span_bounds,
)
from kvmstatus.mine.fixes import shared_release_index
from kvmstatus.mine.releases import release_list, windows_by_dates
from kvmstatus.mine.selection import Selection
from kvmstatus.model.documents import (
    PeriodDocument,
)
from kvmstatus.model.releases import ReleaseWindow, Tag
from kvmstatus.shared.stopping import removed_on_stop
from kvmstatus.store.cache import (
    ASSEMBLING_MODULES,
    PERIODS,
    WINDOWS,
    code_version,
    load_cached,
    period_key,
    prune_cache,
    store_result,
    window_key,
)
from kvmstatus.store.documents import (
    Document,
    damaged_files,
    with_first_time_authors,
    write_dataset,
)
from kvmstatus.store.jsonfile import write_json
from kvmstatus.store.published import PUBLISHED, pushed_stamp, record_pushed
from kvmstatus.store.results import window_document
from kvmstatus.store.runs import RUNS

if TYPE_CHECKING:
    from kvmstatus.website.build import BuildReport

log = logging.getLogger("kvmstatus")


@dataclass(frozen=True)
class Prepared:
    project: ProjectConfig
    repo: str
    changed: bool


@dataclass(frozen=True)
class WindowJob:
    """One window to compute: everything `compute` needs, and the key of its result."""

    project: ProjectConfig
    repo: str
    window: ReleaseWindow
    releases: tuple[Tag, ...]
    key: str
    root: str
    """The project's data directory (the main project's, or `companions/<name>`)."""


@dataclass(frozen=True)
class Plan:
    project: ProjectConfig
    repo: str
    root: str
    jobs: tuple[WindowJob, ...] = field(default=())


@dataclass(frozen=True)
class Aggregated:
    """What `aggregate` did: whether it wrote the data directory, and the files it found
    damaged (changed, cut short or missing since they were written) and so rewrote."""

    written: bool
    repaired: tuple[str, ...] = ()


def data_root(config: Config, project: ProjectConfig) -> Path:
    if project == config.main:
        return config.data_dir
    return config.data_dir / "companions" / project.name


def selection_of(project: ProjectConfig) -> Selection:
    return Selection(paths=project.paths, subsystem=project.subsystem, origin=project.origin)


def fetch_policy(fetch: bool | None, repo: str | None) -> tuple[bool, bool]:
    """Whether a run fetches (the main project, the companions): `fetch` when given; else
    the main project is fetched unless the user named a clone to use as it is."""
    return (fetch if fetch is not None else repo is None), fetch is not False


def prepare(project: ProjectConfig, cache: Path | None, fetch: bool) -> Prepared:
    try:
        opened = prepare_repository(project.repository, update=fetch and project.fetch, cache=cache)
    except UserError as exc:
        if project.origin.table is None:
            raise
        # Which of the configuration's repositories it is (a NetworkError stays one).
        raise type(exc)(f"{project.origin.key('repository')}: {exc}") from None
    return Prepared(project, str(opened.repo.path), opened.changed)


def _mapping_digest(project: ProjectConfig) -> str:
    return hashlib.sha256(repr(load_arch_map(project.architectures)).encode()).hexdigest()


def plan(config: Config, prepared: Prepared, main_windows: Sequence[ReleaseWindow] = ()) -> Plan:
    """The windows of one project, each with the key its result is stored under."""
    project = prepared.project
    repo = GitRepo(prepared.repo)
    if project.windows == "tags":
        found = release_list(repo, project.release_pattern, project.since, project.origin)
        windows, tags = found.windows, found.tags
    else:
        anchors = [(w.name, w.end.date) for w in main_windows]
        windows = windows_by_dates(repo, project.branch, anchors, project.origin)
        tags = [w.end for w in windows]
    selection = {"paths": list(project.paths), "subsystem": project.subsystem}
    arch = _mapping_digest(project)
    affiliations = load_affiliations([Path(p) for p in project.affiliations]).digest
    root = data_root(config, project)
    jobs = tuple(
        WindowJob(
            project=project,
            repo=prepared.repo,
            window=w,
            releases=tuple(tags),
            key=window_key(
                project.name, w, tags, selection, arch, affiliations, project.stable_lists
            ).digest(),
            root=str(root),
        )
        for w in windows
    )
    return Plan(project, prepared.repo, str(root), jobs)


def pending(the_plan: Plan) -> tuple[WindowJob, ...]:
    """The plan's windows without a valid stored result: the ones a run has to compute."""
    return tuple(
        job for job in the_plan.jobs if load_cached(Path(job.root), job.key)[1] != "cached"
    )


def up_to_date(
    config: Config, plans: Sequence[Plan], synthetic: bool = False, out: Path | None = None
) -> bool:
    """Whether a run would change nothing: every window stored, every project aggregated
    from exactly these windows, and the published edition built from this data."""
    if any(pending(p) for p in plans):
        return False
    if any(_aggregated_keys(Path(p.root)) != _aggregate_stamp(config, p, synthetic) for p in plans):
        return False
    if any(damaged_files(Path(p.root)) for p in plans):
        return False
    return stamp_at_target(config, out) == edition_stamp(config)


def compute(job: WindowJob) -> str:
    """Compute and store one window unless a valid result is stored: `cached`, `computed`,
    or `recomputed` (the stored file was corrupt)."""
    root = Path(job.root)
    _, state = load_cached(root, job.key)
    if state == "cached":
        return state
    project = job.project
    repo = GitRepo(job.repo)
    ends = [job.window.end.commit, *([job.window.start.commit] if job.window.start else [])]
    if gone := repo.missing(*ends):
        raise UserError(
            f"commit {gone[0][:12]} of window {job.window.range} is no longer in {repo.path}: "
            "the history was rewritten and pruned while this run was under way; run again"
        )
    result = compute_window(
        repo,
        job.window,
        job.releases,
        selection_of(project),
        load_arch_map(project.architectures),
        load_affiliations([Path(p) for p in project.affiliations]),
        release_index=shared_release_index(repo, job.releases),
        stable_lists=project.stable_lists,
    )
    store_result(root, job.key, window_document(result))
    return "recomputed" if state == "corrupt" else "computed"


def aggregate(config: Config, the_plan: Plan, synthetic: bool = False) -> Aggregated:
    """Write the project's data directory from its cached window results, unless it already
    holds exactly these windows, every file as it was written (nothing to do). The cache is
    the verified copy: a data file edited, cut short or deleted since is rewritten from it,
    with a warning naming the file, and the result is what an undamaged run writes."""
    root = Path(the_plan.root)
    keys = [job.key for job in the_plan.jobs]
    stamp = _aggregate_stamp(config, the_plan, synthetic)
    repaired: tuple[str, ...] = ()
    if _aggregated_keys(root) == stamp:
        damaged = damaged_files(root)
        if not damaged:
            return Aggregated(written=False)
        repaired = tuple(str(p) for p in damaged)
        for path in repaired:
            log.warning(
                "%s was changed or damaged after it was written; rewritten from the verified "
                "window cache",
                path,
            )
    docs = []
    for job in the_plan.jobs:
        doc, state = load_cached(root, job.key)
        if doc is None:
            raise UserError(f"window {job.window.range} has no valid result ({state}); run again")
        docs.append(doc)
    windows = [job.window for job in the_plan.jobs]
    contacts = [doc["author_contacts"] for doc in docs]
    first_paths = docs[0]["paths"] if docs else []
    new = first_time_author_keys(
        GitRepo(the_plan.repo), windows, contacts, first_paths, root / "authors"
    )
    docs = [with_first_time_authors(d, n) for d, n in zip(docs, new, strict=True)]
    project = the_plan.project
    years = year_documents(config, the_plan) if project == config.main else None
    settings = project_settings(project)
    data = assemble(
        config.title,
        project.display_name,
        docs,
        settings,
        None if years is None else years[:2],
        synthetic,
    )
    write_dataset(root, data)
    prune_cache(root, set(keys))
    prune_cache(root, years[2] if years else set(), PERIODS)
    # Written last: a run killed before this point aggregates again.
    write_json(root / "aggregated.json", stamp)
    return Aggregated(written=True, repaired=repaired)


def year_documents(
    config: Config, the_plan: Plan
) -> tuple[YearChoice, list[PeriodDocument], set[str]] | None:
    """The yearly periods of the main project: its spans (`analyse.periods.year_spans`), each
    period computed like a window (`jobs.window.compute_period`) and cached like one.
    Returns the choice, the periods and their cache keys (None: no window at all)."""
    project = the_plan.project
    if not the_plan.jobs:
        return None
    windows = [job.window for job in the_plan.jobs]
    tags = the_plan.jobs[0].releases
    bounds = span_bounds(windows, project.count_initial_window)
    choice = year_spans(bounds, config.cycles_per_year, before_first=project.count_initial_window)
    root = Path(the_plan.root)
    repo = GitRepo(the_plan.repo)
    selection = {"paths": list(project.paths), "subsystem": project.subsystem}
    arch = _mapping_digest(project)
    affiliations = load_affiliations([Path(p) for p in project.affiliations])
    periods: list[PeriodDocument] = []
    keys = set()
    for span in choice.spans:
        key = period_key(
            project.name, span, tags, selection, arch, affiliations.digest, project.stable_lists
        ).digest()
        keys.add(key)
        doc, _ = load_cached(root, key, PERIODS)
        if doc is None:
            doc = cast(
                Document,
                compute_period(
                    repo,
                    span,
                    tags,
                    selection_of(project),
                    load_arch_map(project.architectures),
                    affiliations,
                    release_index=shared_release_index(repo, tags),
                    stable_lists=project.stable_lists,
                ),
            )
            store_result(root, key, doc, PERIODS)
        periods.append(cast(PeriodDocument, doc))
    return choice, periods, keys


def project_settings(project: ProjectConfig) -> dict[str, object]:
    """What the site says about how a project was counted (`project.json`'s `settings`)."""
    arch_map = load_arch_map(project.architectures)
    return {
        "repository": project.repository,
        "pattern": project.release_pattern if project.windows == "tags" else None,
        "windows": project.windows,
        "since": project.since,
        "selection": {"paths": list(project.paths), "subsystem": project.subsystem},
        "arch_map": Path(project.architectures).name,
        "architectures": list(arch_map.names),
        "testing_paths": list(arch_map.testing),
        "test_suite": project.test_suite,
        "stable_lists": list(project.stable_lists),
        "count_initial_window": project.count_initial_window,
    }


def _aggregate_stamp(config: Config, the_plan: Plan, synthetic: bool) -> list[str]:
    # Labels and settings are in the stamp: renaming a project or its test suite changes
    # no window, but it changes the data the site is built from.
    project = the_plan.project
    labels = json.dumps(
        [
            project.display_name,
            project_settings(project),
            config.cycles_per_year,
            code_version(ASSEMBLING_MODULES),
        ],
        sort_keys=True,
    )
    return [*(job.key for job in the_plan.jobs), config.title, str(synthetic), labels]


def _aggregated_keys(root: Path) -> list[str] | None:
    try:
        keys = json.loads((root / "aggregated.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return keys if isinstance(keys, list) else None


_NOT_DATA = {Path(PUBLISHED), Path(RUNS)}


def data_stamp(root: Path) -> str:
    """A digest of everything the site is built from (main project and companions)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root)
        if {WINDOWS, PERIODS} & set(relative.parts) or relative in _NOT_DATA:
            continue
        if {"lists", "links"} & set(relative.parts[:-1]):
            continue  # what the review is computed from (`jobs.lists`), not what the site shows
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _extra(config: Config) -> Path | None:
    return Path(config.publish.extra) if config.publish.extra else None


def edition_stamp(config: Config) -> str:
    """A digest of everything an edition is built from: the data (`data_stamp`), the site
    settings and the user's extra files, so a new `CNAME` publishes a new edition."""
    digest = hashlib.sha256(data_stamp(config.data_dir).encode())
    digest.update(json.dumps([config.cycles_per_year, config.base_url]).encode())
    extra = _extra(config)
    if extra is not None and extra.is_dir():
        for path in sorted(p for p in extra.rglob("*") if p.is_file()):
            digest.update(path.relative_to(extra).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def check_target(config: Config, out: Path | None) -> None:
    """A `UserError` before anything is computed when the run's target cannot be published
    to: a directory that is not kvmstatus's, a place that cannot be written, a bad branch."""
    from kvmstatus.website.sitedir import check_replaceable

    extra = _extra(config)
    if extra is not None and not extra.is_dir():
        raise UserError(f"publish.extra: {extra} is not a directory")
    _, directory = target(config, out)
    if directory is not None:
        check_replaceable(directory.resolve())
        return
    from kvmstatus.website.gitpublish import valid_branch

    if not valid_branch(config.publish.branch):
        raise UserError(f"publish.branch: {config.publish.branch!r} is not a valid branch name")


def target(config: Config, out: Path | None) -> tuple[str, Path | None]:
    """Where a run publishes: its description, and the directory when it is one."""
    if config.publish.target == "directory" or out is not None:
        directory = out or Path(config.publish.path)
        return str(directory), directory
    return f"{config.publish.remote} ({config.publish.branch})", None


def stamp_at_target(config: Config, out: Path | None) -> str | None:
    """The `edition_stamp` of the edition published at the run's target: a directory's own
    marker, or for a git branch what `DATA/published.json` remembers (None: unknown)."""
    from kvmstatus.website.sitedir import published_stamp

    where, directory = target(config, out)
    if directory is not None:
        return published_stamp(directory)
    return pushed_stamp(config.data_dir, where)


def build_edition(
    data: Path, out: Path, stamp: str = "", base_url: str = "", extra: Path | None = None
) -> BuildReport:
    """An edition's site: the pages of the data directory `data` and the slides of its year
    (`jobs.slides`), built into `out` (`website.build.build_site`)."""
    from kvmstatus.jobs.slides import site_slides
    from kvmstatus.website.build import build_site

    return build_site(data, out, stamp, base_url, extra, site_slides(base_url))


def publish(config: Config, out: Path | None = None) -> tuple[str, bool]:
    """Build the site from the data directory and publish it; skip when the published
    edition was built from the same data. Returns (where, published)."""
    from kvmstatus.website.gitpublish import push_site  # loaded only for a git target

    stamp = edition_stamp(config)
    where, directory = target(config, out)
    if stamp_at_target(config, out) == stamp:
        return where, False
    extra = _extra(config)
    if directory is not None:
        build_edition(config.data_dir, directory, stamp, config.base_url, extra)
        return where, True
    project = json.loads((config.data_dir / "project.json").read_text(encoding="utf-8"))
    with (
        tempfile.TemporaryDirectory(prefix="kvmstatus-site-") as tmp,
        removed_on_stop(Path(tmp)),
    ):
        site = Path(tmp) / "site"
        build_edition(config.data_dir, site, stamp, config.base_url, extra)
        push_site(
            site,
            config.publish.remote,
            config.publish.branch,
            message=f"{project['title']} as of {project['as_of']}",
            date=f"{project['as_of']}T00:00:00+00:00",
        )
    record_pushed(config.data_dir, where, stamp)
    return where, True
