"""Mailing lists in a run and in `kvmstatus review`: the review next to the tags.

    fetch_lists   clone (bare, whole: the messages are the blobs) or fetch every archive the
                  configuration names, each once however many projects share it
    index_lists   read the messages the index does not hold yet (`store.messages`): one
                  `git cat-file --batch` per epoch, progress stored every `CHUNK` messages
    review_lists  per project with lists: its archives threaded (`analyse.review`), every
                  release window counted, its commits linked to the posted patches, and the
                  documents written to `DATA/review/` (skipped when nothing they depend on
                  changed: `review_stamp`)

`range_review` is `kvmstatus review`: the same reading, indexed in the cache, for one range.
Every step takes and returns small picklable values, like `jobs.steps`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from kvmstatus import __version__
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.review import (
    BotList,
    LinkCommit,
    ReviewStats,
    Scope,
    Thread,
    link_commits,
    review_range,
    shipped_bots,
    thread,
)
from kvmstatus.errors import UserError
from kvmstatus.git.archives import Archive, open_archive
from kvmstatus.git.repo import GitRepo
from kvmstatus.git.sources import is_url
from kvmstatus.jobs.config import Config, ProjectConfig
from kvmstatus.jobs.steps import Plan
from kvmstatus.mine.archive import epoch_tip_of, read_epoch
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import commit_subjects
from kvmstatus.model.records import MessageRecord
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.shared.dirs import cache_dir
from kvmstatus.store.cache import module_closure, module_file
from kvmstatus.store.documents import Document, damaged_files, file_name, plain
from kvmstatus.store.jsonfile import cached_json, read_json
from kvmstatus.store.messages import load_index, store_index
from kvmstatus.store.review import FOLDER as REVIEW_FOLDER
from kvmstatus.store.review import remove_review, review_stamp, write_review

CHUNK = 20_000
"""Messages read between two writes of an epoch's index: a killed first read resumes."""
REVIEW_MODULES = ("kvmstatus.jobs.lists",)
"""The code a review document depends on (with what it imports): the stamp covers it."""

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# --- fetching and indexing --------------------------------------------------------------------


def list_specs(config: Config) -> list[str]:
    """Every archive the projects name, each once, in the order they are first named."""
    return list(dict.fromkeys(spec for p in config.projects for spec in p.lists))


def fetch_lists(config: Config, fetch: bool) -> tuple[Archive, ...]:
    """Every archive of the configuration, cloned on first use; fetched when `fetch`."""
    return tuple(open_archive(s, update=fetch, cache=config.cache_dir) for s in list_specs(config))


@dataclass(frozen=True)
class IndexSummary:
    """What indexing found: messages held, read from git now, and those unparseable."""

    messages: int
    read: int
    unparseable: tuple[str, ...]
    """`ARCHIVE COMMIT` of each message the email package could not read."""


def index_archive(
    root: Path, archive: Archive, progress: Progress = _quiet
) -> tuple[list[MessageRecord], int]:
    """The archive's records, oldest epoch first, reading from git only the messages the
    index under `root` does not hold; and how many were read."""
    records: list[MessageRecord] = []
    read = 0
    for epoch in archive.epochs:
        repo = GitRepo(epoch.path)
        tip, known, state = load_index(root, archive.key, epoch.name)
        target = epoch_tip_of(repo)
        announced = False

        def announce(count: int, where: str = f"{archive.name} ({epoch.name})") -> None:
            nonlocal announced
            if not announced:
                progress(f"reading {count:,} new messages of {where}; they are kept indexed")
                announced = True

        while True:
            got = read_epoch(repo, tip, known, CHUNK, announce)
            if got.read or state != "cached" or got.tip != tip:
                store_index(root, archive.key, epoch.name, got.tip, got.records)
                state = "cached"
            read += got.read
            tip, known = got.tip, list(got.records)
            if tip == target or not got.read:
                break
        records += known
    return records, read


def index_lists(config: Config, archives: Sequence[Archive]) -> IndexSummary:
    """Index every archive under the data directory (`DATA/lists/`)."""
    total = 0
    read = 0
    bad: list[str] = []
    for archive in archives:
        records, new = index_archive(config.data_dir, archive)
        total += len(records)
        read += new
        bad += [f"{archive.name} {r.commit}" for r in records if r.problem]
    return IndexSummary(total, read, tuple(bad))


# --- who is who --------------------------------------------------------------------------------


def bots_of(config: Config | None) -> BotList:
    if config is None or config.list_bots is None:
        return shipped_bots()
    return BotList(config.list_bots)


def mailmap_identity(repo: GitRepo, rev: str, records: Iterable[MessageRecord]) -> dict[str, str]:
    """Lowercased address -> the address the project's `.mailmap` at `rev` gives it (only
    the ones it changes), in one `git check-mailmap`."""
    contacts = {
        f"{p.name} <{p.email}>" if p.name else f"<{p.email}>"
        for r in records
        for p in (r.sender, r.author)
        if p is not None and p.email and "<" not in p.name and ">" not in p.name
    }
    identity: dict[str, str] = {}
    for contact, mapped in repo.check_mailmap(rev, contacts).items():
        before = contact.rpartition("<")[2].rstrip(">").lower()
        after = mapped.rpartition("<")[2].rstrip(">").lower()
        if after and after != before:
            identity[before] = after
    return identity


def project_scope(config: Config, project: ProjectConfig, pathspecs: Sequence[str] = ()) -> Scope:
    """A project with a list tag counts the patch messages carrying it; any other counts
    the series that carry no other project's tag and touch its paths."""
    if project.list_tag:
        return Scope(tag=project.list_tag)
    others = tuple(p.list_tag for p in config.projects if p != project and p.list_tag)
    return Scope(exclude_tags=others, pathspecs=tuple(pathspecs))


def scope_label(config: Config, project: ProjectConfig) -> str:
    """What the project's review counts, in words (its paths differ per window)."""
    scope = project_scope(config, project, () if project.list_tag else ("P",))
    return scope.label + (" at each window's end" if scope.pathspecs else "")


# --- the review of every window ---------------------------------------------------------------


@cache
def review_code_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(module_closure(REVIEW_MODULES)):
        path = module_file(name)
        assert path is not None
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _stamp(
    config: Config, project: ProjectConfig, keys: Sequence[str], archives: Sequence[Archive]
) -> str:
    tips = [[a.key, [[e.name, epoch_tip_of(GitRepo(e.path))] for e in a.epochs]] for a in archives]
    scope = project_scope(config, project)
    arch = repr(load_arch_map(project.architectures))
    text = json.dumps(
        [review_code_version(), tips, list(keys), plain(scope), bots_of(config).patterns, arch],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _archives_of(project: ProjectConfig, archives: Sequence[Archive]) -> list[Archive]:
    by_spec = {a.spec: a for a in archives}
    missing = [s for s in project.lists if s not in by_spec]
    if missing:
        raise UserError(f"the list archive {missing[0]} of {project.name} was not fetched")
    return [by_spec[s] for s in project.lists]


@dataclass(frozen=True)
class ReviewJob:
    """One project's review: what `review_project` needs (picklable)."""

    project: ProjectConfig
    repo: str
    root: str
    windows: tuple[tuple[str, str | None, str, float | None, float], ...]
    """Per release window: name, start commit, end commit, start date, end date (UTC
    timestamps; no start date for the first window)."""
    keys: tuple[str, ...]
    """The windows' cache keys: linking reads each window's commits once per key."""


log = logging.getLogger("kvmstatus")


def review_current(config: Config, job: ReviewJob, archives: Sequence[Archive]) -> bool:
    """Whether the stored review was made from exactly these windows and messages."""
    root = Path(job.root)
    if not job.project.lists:
        return not (root / "review").exists()
    stamp = _stamp(config, job.project, job.keys, _archives_of(job.project, archives))
    return review_stamp(root) == stamp


def review_project(config: Config, job: ReviewJob, archives: Sequence[Archive]) -> bool:
    """Write the project's review documents; False when they are current (nothing done)."""
    root = Path(job.root)
    project = job.project
    if not project.lists:
        remove_review(root)
        return False
    mine = _archives_of(project, archives)
    stamp = _stamp(config, project, job.keys, mine)
    if review_stamp(root) == stamp:
        return False
    if (root / REVIEW_FOLDER).is_dir():
        for path in damaged_files(root / REVIEW_FOLDER):
            log.warning("%s was damaged or changed; the review is computed again", path)
    held = [(a, index_archive(config.data_dir, a)[0]) for a in mine]
    records = [r for _, archive_records in held for r in archive_records]
    repo = GitRepo(job.repo)
    identity = mailmap_identity(repo, job.windows[-1][2], records) if job.windows else {}
    threaded = thread(records, identity, bots_of(config))
    arch_map = load_arch_map(project.architectures)
    docs = []
    for (name, start, end, since, until), key in zip(job.windows, job.keys, strict=True):
        window = read_json(root / "windows" / f"{file_name(name)}.json")
        scope = project_scope(config, project, window.get("paths", ()))
        since_t = None if since is None else datetime.fromtimestamp(since, UTC)
        until_t = datetime.fromtimestamp(until, UTC)
        stats = review_range(threaded, since_t, until_t, scope, arch_map)
        specs = tuple(window.get("paths", ()))
        rows = cached_json(
            root / "links",
            [key, "commit-subjects-1"],
            functools.partial(commit_subjects, repo, Window(start, end, specs)),
        )
        commits = [
            LinkCommit(h, subject, author, datetime.fromtimestamp(when, UTC))
            for h, author, when, subject in rows
        ]
        links = link_commits(threaded, commits, scope, until_t)
        docs.append(window_review(window, stats, plain(links), threaded, since_t, until_t))
    summary = {
        "project": project.display_name,
        "archives": [archive_summary(a, archive_records) for a, archive_records in held],
        "scope": scope_label(config, project),
        "list_tag": project.list_tag,
        "bots": list(bots_of(config).patterns),
        "messages": len(threaded.messages),
        "duplicates": threaded.duplicates,
        "first": _iso(threaded.start),
        "end": _iso(threaded.end),
        "releases": [d["release"] for d in docs],
        "unparseable": [r.commit for r in records if r.problem],
        "stamp": stamp,
    }
    write_review(root, summary, docs)
    return True


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def archive_summary(archive: Archive, records: Sequence[MessageRecord]) -> Document:
    """What the site says about an archive: where it is, its epochs, how far it goes."""
    times = [r.time for r in records]
    return {
        "spec": archive.spec,
        "name": archive.name,
        "epochs": [e.name for e in archive.epochs],
        "messages": len(records),
        "first": _iso(min(times, default=None)),
        "last": _iso(max(times, default=None)),
    }


def _coverage(threaded: Thread, since: datetime | None, until: datetime) -> str:
    """`full`: the archive holds messages from before the window to after it; `partial`: it
    starts or ends inside it; `none`: it holds no message of the window's time at all."""
    first, last = threaded.start, threaded.end
    if first is None or last is None or first >= until or (since is not None and last < since):
        return "none"
    if (since is not None and first > since) or last < until:
        return "partial"
    return "full"


def window_review(
    window: Document,
    stats: ReviewStats,
    links: Document,
    threaded: Thread,
    since: datetime | None,
    until: datetime,
) -> Document:
    """One window's review document: the range's numbers, the commits' tags beside the
    tags given on the list, each list reviewer's tags in commits, the linked commits."""
    in_commits = {key: window.get("trailers", {}).get(key, {}).get("lines", 0) for key in LIST_TAGS}
    named: dict[str, int] = {}
    for people in ("top_reviewers", "top_ackers", "top_testers"):
        for row in window.get(people, []):
            named[row["email"]] = named.get(row["email"], 0) + row["count"]
    doc: Document = plain(stats)
    doc["top_list_reviewers"] = [
        r | {"commit_tags": named.get(r["email"], 0)} for r in doc["top_list_reviewers"]
    ]
    doc.update(
        release=window["release"],
        date=window["date"],
        range=window["range"],
        commits=window["commits"],
        commit_tags=in_commits,
        links=links,
        coverage=_coverage(threaded, since, until),
    )
    return doc


def review_jobs(plans: Sequence[Plan]) -> list[ReviewJob]:
    """A `ReviewJob` per plan."""
    return [
        ReviewJob(
            plan.project,
            plan.repo,
            plan.root,
            tuple(
                (
                    j.window.name,
                    j.window.start.commit if j.window.start else None,
                    j.window.end.commit,
                    j.window.start.date.timestamp() if j.window.start else None,
                    j.window.end.date.timestamp(),
                )
                for j in plan.jobs
            ),
            tuple(j.key for j in plan.jobs),
        )
        for plan in plans
    ]


# --- `kvmstatus review` ------------------------------------------------------------------------


def index_root() -> Path:
    """Where `kvmstatus review` keeps its index of parsed messages (rebuildable)."""
    return cache_dir() / "review-index"


def range_review(
    specs: Sequence[str],
    since: datetime,
    until: datetime,
    tag: str | None = None,
    progress: Progress = _quiet,
) -> ReviewStats:
    """`kvmstatus review`: one range of the archives `specs` (a URL is fetched first)."""
    if until <= since:
        raise UserError(f"--until {until.date()} is not after --since {since.date()}")
    records: list[MessageRecord] = []
    for spec in specs:
        archive = open_archive(spec, update=is_url(spec))
        found = index_archive(index_root(), archive, progress)[0]
        if not found:
            raise UserError(
                f"{spec} holds no message (no commit with an `m` file): is it a public-inbox "
                "archive or one of its epochs?"
            )
        records += found
    threaded = thread(records, {}, shipped_bots())
    return review_range(threaded, since, until, Scope(tag=tag))
