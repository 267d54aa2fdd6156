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
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kvmstatus.analyse.architectures import ArchMap, load_arch_map
from kvmstatus.analyse.review import (
    BotList,
    CommitLinks,
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
from kvmstatus.git.sources import is_url, open_repository
from kvmstatus.jobs.config import Config, ProjectConfig, is_list_tag
from kvmstatus.jobs.steps import Plan
from kvmstatus.mine.archive import archive_tips, epoch_tip_of, read_epoch
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.posted import link_commits_between, link_commits_of
from kvmstatus.mine.senders import list_identity
from kvmstatus.model.periods import GIT_DATE
from kvmstatus.model.records import MessageRecord
from kvmstatus.shared.dirs import cache_dir
from kvmstatus.store.documents import Document, damaged_files, file_name, plain
from kvmstatus.store.jsonfile import cached_json, read_json
from kvmstatus.store.messages import load_index, store_index
from kvmstatus.store.review import FOLDER as REVIEW_FOLDER
from kvmstatus.store.review import (
    archive_summary,
    link_rows,
    remove_review,
    review_stamp,
    review_summary,
    row_commits,
    stamp,
    window_review,
    write_review,
)

CHUNK = 20_000
"""Messages read between two writes of an epoch's index: a killed first read resumes."""

Progress = Callable[[str], None]
log = logging.getLogger("kvmstatus")


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
    """Index every archive under the data directory (`DATA/lists/`); warn, naming them,
    about the messages that could not be parsed (they count as unparseable)."""
    total = 0
    read = 0
    bad: list[str] = []
    for archive in archives:
        records, new = index_archive(config.data_dir, archive)
        total += len(records)
        read += new
        bad += [f"{archive.name} {r.commit[:12]} ({r.problem})" for r in records if r.problem]
    if bad:
        shown = "; ".join(bad[:5]) + ("; ..." if len(bad) > 5 else "")
        log.warning(
            "%d list message(s) could not be parsed (counted as unparseable): %s", len(bad), shown
        )
    return IndexSummary(total, read, tuple(bad))


# --- who is who --------------------------------------------------------------------------------


def bots_of(config: Config | None) -> BotList:
    if config is None or config.list_bots is None:
        return shipped_bots()
    return BotList(config.list_bots)


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


def _stamp(
    config: Config, project: ProjectConfig, keys: Sequence[str], archives: Sequence[Archive]
) -> str:
    """What the project's review is made from (see `store.review.stamp`)."""
    return stamp(
        [[a.key, archive_tips(a)] for a in archives],
        list(keys),
        plain(project_scope(config, project)),
        bots_of(config).patterns,
        repr(load_arch_map(project.architectures)),
        config.cycles_per_year,  # the yearly periods it reviews
    )


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


def review_current(config: Config, job: ReviewJob, archives: Sequence[Archive]) -> bool:
    """Whether the stored review was made from exactly these windows and messages."""
    root = Path(job.root)
    if not job.project.lists:
        return not (root / "review").exists()
    return review_stamp(root) == _stamp(
        config, job.project, job.keys, _archives_of(job.project, archives)
    )


def review_project(config: Config, job: ReviewJob, archives: Sequence[Archive]) -> bool:
    """Write the project's review documents; False when they are current (nothing done)."""
    root = Path(job.root)
    project = job.project
    if not project.lists:
        remove_review(root)
        return False
    mine = _archives_of(project, archives)
    stamp_now = _stamp(config, project, job.keys, mine)
    if review_stamp(root) == stamp_now:
        return False
    if (root / REVIEW_FOLDER).is_dir():
        for path in damaged_files(root / REVIEW_FOLDER):
            log.warning("%s was damaged or changed; the review is computed again", path)
    held = [(a, index_archive(config.data_dir, a)[0]) for a in mine]
    records = [r for _, archive_records in held for r in archive_records]
    repo = GitRepo(job.repo)
    identity = list_identity(repo, job.windows[-1][2], records) if job.windows else {}
    threaded = thread(records, identity, bots_of(config))
    arch_map = load_arch_map(project.architectures)
    docs = []
    for (name, start, end, since, until), key in zip(job.windows, job.keys, strict=True):
        window = read_json(root / "windows" / f"{file_name(name)}.json")
        specs = tuple(window.get("paths", ()))
        scope = project_scope(config, project, specs)
        since_t = None if since is None else datetime.fromtimestamp(since, UTC)
        until_t = datetime.fromtimestamp(until, UTC)
        stats = review_range(threaded, since_t, until_t, scope, arch_map)
        rows = cached_json(
            root / "links",
            [key, "link-commits-2"],
            functools.partial(_link_rows, repo, Window(start, end, specs)),
        )
        links = link_commits(threaded, row_commits(rows), scope, until_t)
        docs.append(window_review(window, plain(stats), plain(links)))
    periods = [
        period_review(config, project, repo, root, threaded, arch_map, period)
        for period in _stored_periods(root)
    ]
    summary = review_summary(
        project=project.display_name,
        archives=[
            archive_summary(a.spec, a.name, [e.name for e in a.epochs], [r.time for r in got])
            for a, got in held
        ],
        scope=scope_label(config, project),
        list_tag=project.list_tag,
        bots=bots_of(config).patterns,
        messages=len(threaded.messages),
        duplicates=threaded.duplicates,
        spans=threaded.spans,
        releases=[d["release"] for d in docs],
        unparseable=[r.commit for r in records if r.problem],
        stamp=stamp_now,
    )
    write_review(root, summary, docs, periods)
    return True


def _link_rows(repo: GitRepo, window: Window) -> list[list[Any]]:
    return link_rows(link_commits_of(repo, window))


def _stored_periods(root: Path) -> list[Document]:
    """The yearly periods of the project's data directory (none for a companion)."""
    years = read_json(root / "years.json") if (root / "years.json").is_file() else None
    if not isinstance(years, dict):
        return []
    return [read_json(root / "periods" / f"{n}.json") for n in range(len(years["spans"]))]


def period_review(
    config: Config,
    project: ProjectConfig,
    repo: GitRepo,
    root: Path,
    threaded: Thread,
    arch_map: ArchMap,
    period: Document,
) -> Document:
    """The review on the lists of one yearly period: the messages dated within its span
    (`since <= Date < until`, as for windows), its commits linked like a window's."""
    span = period["span"]
    since = datetime.fromisoformat(span["since"])
    until = datetime.fromisoformat(span["until"])
    specs = tuple(period.get("paths", ()))
    scope = project_scope(config, project, specs)
    stats = review_range(threaded, since, until, scope, arch_map)
    start = span["start"] if span["kind"] == "releases" else None
    dates = None
    if span["kind"] == "calendar":
        first = since + timedelta(seconds=1)
        dates = (first.strftime(GIT_DATE), until.strftime(GIT_DATE))
    rows = cached_json(
        root / "links",
        ["period", span, specs, "link-commits-2"],
        functools.partial(_link_rows, repo, Window(start, span["end"], specs, dates)),
    )
    links = link_commits(threaded, row_commits(rows), scope, until)
    return window_review(period, plain(stats), plain(links)) | {"span": span}


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


@dataclass(frozen=True)
class RangeReview:
    """`kvmstatus review`'s answer: the range's numbers, and with a repository, how its
    commits of the range link to the posted patches."""

    stats: ReviewStats
    links: CommitLinks | None = None


def parse_time(text: str, option: str) -> datetime:
    """A `--since`/`--until` value: `2021-07-01` or an ISO time; without a zone, UTC."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{option} {text!r} is not a date (use YYYY-MM-DD or an ISO time such as "
            "2021-07-01T12:00)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def range_review(
    specs: Sequence[str],
    since: str,
    until: str,
    tag: str | None = None,
    progress: Progress = _quiet,
    repo: str | None = None,
    paths: Sequence[str] = (),
) -> RangeReview:
    """`kvmstatus review`: one range of the archives `specs` (a URL is fetched first, an
    archive given twice is read once); with `repo`, its commits of the range (`paths`)
    linked to the posted patches."""
    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if end <= start:
        raise UserError(f"--until {end.date()} is not after --since {start.date()}")
    if tag is not None and not is_list_tag(tag):
        raise UserError(
            f"--tag {tag!r} is not a word of a subject's bracket (one word, no spaces or "
            "`,;:/[]`: kvm-unit-tests, kvmtool)"
        )
    project = open_repository(repo) if repo is not None else None
    records: list[MessageRecord] = []
    for spec in dict.fromkeys(specs):
        archive = open_archive(spec, update=is_url(spec))
        found = index_archive(index_root(), archive, progress)[0]
        if not found:
            raise UserError(
                f"{spec} holds no message (no commit with an `m` file): is it a public-inbox "
                "archive or one of its epochs?"
            )
        records += found
    identity = {} if project is None else list_identity(project, "HEAD", records)
    threaded = thread(records, identity, shipped_bots())
    stats = review_range(threaded, start, end, Scope(tag=tag))
    if stats.unparseable:
        log.warning(
            "%d message(s) of the range could not be parsed (counted under unparseable): %s",
            stats.unparseable,
            ", ".join(c[:12] for c in stats.unparseable_commits[:5]),
        )
    if project is None:
        return RangeReview(stats)
    commits = link_commits_between(project, start, end, paths)
    return RangeReview(stats, link_commits(threaded, commits, Scope(tag=tag), end))
