"""The steps of one publishing run, as plain functions the Prefect flow wraps as tasks.

    prepare   clone or fetch each project's repository (blobless), write its commit-graph
    plan      its release windows (or windows at the main project's release dates) and keys
    compute   one window -> cached JSON result (skipped when the key is already stored)
    aggregate cached results -> the data directory the site reads (first-time authors here)
    publish   build the site and swap it in, or commit it to a branch and push

Every step takes and returns small, picklable values (paths, names, keys), so the same
steps run in threads, in processes or on a Dask cluster.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kvmstatus.affiliations import load_affiliations
from kvmstatus.architectures import load_arch_map
from kvmstatus.authors import earlier_author_sets
from kvmstatus.config import Config, ProjectConfig
from kvmstatus.dataset import (
    project_document,
    window_document,
    with_first_time_authors,
    write_dataset,
    write_json,
)
from kvmstatus.errors import UserError
from kvmstatus.fixes import shared_release_index
from kvmstatus.gitcmd import GitRepo
from kvmstatus.pipeline import Selection, compute_window, release_list
from kvmstatus.releases import ReleaseWindow, Tag, windows_by_dates
from kvmstatus.sources import prepare_repository
from kvmstatus.store import load_cached, prune_cache, store_result, window_key


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


def data_root(config: Config, project: ProjectConfig) -> Path:
    if project == config.main:
        return config.data_dir
    return config.data_dir / "companions" / project.name


def selection_of(project: ProjectConfig) -> Selection:
    return Selection(paths=project.paths, subsystem=project.subsystem)


def prepare(project: ProjectConfig, cache: Path | None, fetch: bool) -> Prepared:
    opened = prepare_repository(project.repository, update=fetch and project.fetch, cache=cache)
    return Prepared(project, str(opened.repo.path), opened.changed)


def _mapping_digest(project: ProjectConfig) -> str:
    return hashlib.sha256(repr(load_arch_map(project.architectures)).encode()).hexdigest()


def plan(config: Config, prepared: Prepared, main_windows: Sequence[ReleaseWindow] = ()) -> Plan:
    """The windows of one project, each with the key its result is stored under."""
    project = prepared.project
    repo = GitRepo(prepared.repo)
    if project.windows == "tags":
        found = release_list(repo, project.release_pattern, project.since)
        windows, tags = found.windows, found.tags
    else:
        anchors = [(w.name, w.end.date) for w in main_windows]
        windows = windows_by_dates(repo, project.branch, anchors)
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
            key=window_key(project.name, w, tags, selection, arch, affiliations).digest(),
            root=str(root),
        )
        for w in windows
    )
    return Plan(project, prepared.repo, str(root), jobs)


def compute(job: WindowJob) -> str:
    """Compute and store one window unless a valid result is stored: `cached`, `computed`,
    or `recomputed` (the stored file was corrupt)."""
    root = Path(job.root)
    _, state = load_cached(root, job.key)
    if state == "cached":
        return state
    project = job.project
    repo = GitRepo(job.repo)
    result = compute_window(
        repo,
        job.window,
        job.releases,
        selection_of(project),
        load_arch_map(project.architectures),
        load_affiliations([Path(p) for p in project.affiliations]),
        release_index=shared_release_index(repo, job.releases),
    )
    store_result(root, job.key, window_document(result))
    return "recomputed" if state == "corrupt" else "computed"


def aggregate(config: Config, the_plan: Plan, synthetic: bool = False) -> bool:
    """Write the project's data directory from its cached window results; False when it
    already holds exactly these windows (nothing to do)."""
    root = Path(the_plan.root)
    keys = [job.key for job in the_plan.jobs]
    stamp = [*keys, config.title, str(synthetic)]
    if _aggregated_keys(root) == stamp:
        return False
    docs = []
    for job in the_plan.jobs:
        doc, state = load_cached(root, job.key)
        if doc is None:
            raise UserError(f"window {job.window.range} has no valid result ({state}); run again")
        docs.append(doc)
    union = sorted({spec for doc in docs for spec in doc["paths"]})
    windows = [job.window for job in the_plan.jobs]
    earlier = earlier_author_sets(GitRepo(the_plan.repo), windows, union, root / "authors")
    docs = [with_first_time_authors(d, e) for d, e in zip(docs, earlier, strict=True)]
    project = the_plan.project
    settings = {
        "repository": project.repository,
        "pattern": project.release_pattern if project.windows == "tags" else None,
        "windows": project.windows,
        "since": project.since,
        "selection": {"paths": list(project.paths), "subsystem": project.subsystem},
        "arch_map": Path(project.architectures).name,
        "architectures": list(load_arch_map(project.architectures).names),
    }
    summary = project_document(config.title, project.display_name, docs, settings, synthetic)
    write_dataset(root, summary, docs)
    prune_cache(root, set(keys))
    # Written last: a run killed before this point aggregates again.
    write_json(root / "aggregated.json", stamp)
    return True


def _aggregated_keys(root: Path) -> list[str] | None:
    try:
        keys = json.loads((root / "aggregated.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return keys if isinstance(keys, list) else None


def data_stamp(root: Path) -> str:
    """A digest of everything the site is built from (main project and companions)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.json")):
        if "cache" in path.relative_to(root).parts:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publish(config: Config, out: Path | None = None) -> tuple[str, bool]:
    """Build the site from the data directory and publish it; skip when the published
    edition was built from the same data. Returns (where, published)."""
    from kvmstatus.publishing import publish_git  # git publishing is only loaded when used
    from kvmstatus.sitebuild import build_site, published_stamp

    stamp = data_stamp(config.data_dir)
    project = json.loads((config.data_dir / "project.json").read_text(encoding="utf-8"))
    if config.publish.target == "directory" or out is not None:
        target = out or Path(config.publish.path)
        if published_stamp(target) == stamp:
            return str(target), False
        build_site(
            config.data_dir, target, config.cycles_per_year, stamp=stamp, base_url=config.base_url
        )
        return str(target), True
    with tempfile.TemporaryDirectory(prefix="kvmstatus-site-") as tmp:
        site = Path(tmp) / "site"
        build_site(
            config.data_dir, site, config.cycles_per_year, stamp=stamp, base_url=config.base_url
        )
        publish_git(
            site,
            config.publish.remote,
            config.publish.branch,
            message=f"KVM status report as of {project['as_of']}",
            date=f"{project['as_of']}T00:00:00+00:00",
        )
    return f"{config.publish.remote} ({config.publish.branch})", True


def with_overrides(config: Config, repo: str | None, data: str | None) -> Config:
    """`config` with the main project's repository and the data directory replaced."""
    main = replace(config.main, repository=repo) if repo else config.main
    return replace(config, main=main, data_dir=Path(data).resolve() if data else config.data_dir)
