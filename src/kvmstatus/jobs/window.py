"""Computing windows: git -> records -> tables for one release window, one yearly period or
one range, and the first-time authors of a run of windows. Compositions of the stages, no
Prefect.

`compute_window` is what a run's window task does (a pure function of its inputs, so its
result is cached); `compute_period` is one year of the yearly comparison, and
`year_periods` the comparison itself (`kvmstatus year`, and a run's years step);
`history` computes every window in memory for `kvmstatus history`; `range_report` is
`kvmstatus stats`. The cache key covers this module and what it imports
(`store.cache.code_version`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

from kvmstatus.analyse.affiliations import AffiliationMap
from kvmstatus.analyse.architectures import ArchMap
from kvmstatus.analyse.newcomers import Contacts, all_contacts, new_author_keys
from kvmstatus.analyse.periods import YearChoice, year_spans, years_document
from kvmstatus.analyse.window import WindowResult, analyse_window
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.authors import author_keys, earlier_contacts
from kvmstatus.mine.fixes import ReleaseIndex, resolve_fixes
from kvmstatus.mine.gitlog import StartedLog, Window
from kvmstatus.mine.log import completed, mine_range, parse_range, read_log, window_graph
from kvmstatus.mine.releases import list_tags, release_list, release_tags
from kvmstatus.mine.selection import Selection, pathspecs_at
from kvmstatus.model.documents import PeriodDocument, SpanDocument, YearsDocument
from kvmstatus.model.periods import Span
from kvmstatus.model.records import CommitRecord
from kvmstatus.model.releases import KERNEL_RELEASE_PATTERN, Releases, ReleaseWindow, Tag
from kvmstatus.shared.labels import STABLE_LISTS
from kvmstatus.shared.workers import fork_map
from kvmstatus.store.documents import Document, trimmed, with_first_time_authors
from kvmstatus.store.jsonfile import cached_json
from kvmstatus.store.results import window_document


def compute_window(
    repo: GitRepo,
    window: ReleaseWindow,
    releases: Sequence[Tag],
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 0,
    release_index: ReleaseIndex | None = None,
    specs: tuple[str, ...] | None = None,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
    started: StartedLog | None = None,
) -> WindowResult:
    """One release window, on its own: a pure function of its two commits, the selection,
    the releases up to its end, the mappings, the stable lists and the code, so results can
    be cached. `specs` are the selection's pathspecs at the window's end, when the caller
    has them; `started`, its `git log` when the caller started it already (`start_log`).

    First-time authors depend on every earlier window, so they are left for
    `first_time_author_keys` and `store.documents.with_first_time_authors`.
    """
    start = window.start.commit if window.start else None
    if specs is None:
        specs = pathspecs_at(repo, window.end.commit, chosen)
    mined = Window(start, window.end.commit, specs)
    return _tables(
        repo,
        mined,
        releases,
        window.name,
        window.range,
        window.end.date.date().isoformat(),
        None,
        arch_map,
        affiliations,
        top,
        release_index,
        stable_lists,
        started,
    )


def _tables(
    repo: GitRepo,
    mined: Window,
    releases: Sequence[Tag],
    name: str,
    range_text: str,
    date: str,
    earlier: Callable[[], set[str]] | None,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int,
    release_index: ReleaseIndex | None,
    stable_lists: tuple[str, ...],
    started: StartedLog | None = None,
) -> WindowResult:
    """The tables of what `mined` selects, whose commits ship in the release `name`.
    `earlier` gives the author keys before it, for first-time authors (None: judged later)."""
    # Four more git processes read independent things: run them at once (on a small window
    # their start-up, not their work, is what costs). The graph needs no record, so git
    # walks it while the log is parsed; the Fixes lines are traced while the tables are
    # computed.
    with ThreadPoolExecutor(max_workers=4) as pool:
        graph = pool.submit(window_graph, repo, mined)
        before = pool.submit(earlier) if earlier is not None else None
        logged = read_log(repo, mined, started)
        # Releases after this one are never consulted (`until`): later tags must not change
        # a finished window's numbers.
        fixes = pool.submit(resolve_fixes, repo, mined, logged, releases, name, release_index)
        records = completed(repo, mined, logged, pool)
        return analyse_window(
            records,
            range_text,
            mined.pathspecs,
            None if before is None else before.result(),
            arch_map,
            affiliations,
            fixes.result,  # traced in git while the tables are computed
            top,
            name,
            date,
            graph.result() if records else {},
            stable_lists,
        )


def compute_period(
    repo: GitRepo,
    span: Span,
    releases: Sequence[Tag],
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 0,
    release_index: ReleaseIndex | None = None,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
) -> PeriodDocument:
    """One yearly period, mined and analysed like a window: `git log A..B -- P` for release
    cycles, `git log --since-as-filter=.. --until=.. B -- P` for a calendar year, with `P`
    the selection at `B`. Its first-time authors are those with no commit in `P` before it:
    before `A`, or reachable from `B` and dated up to the period's start."""
    end = span.end.commit
    specs = pathspecs_at(repo, end, chosen)
    start = span.start.commit if span.kind == "releases" and span.start else None
    mined = Window(start, end, specs, span.dates)
    before = [start] if start else [f"--until={span.dates[0]}", end] if span.dates else []

    def earlier() -> set[str]:
        return author_keys(repo, before, specs, end) if before else set()

    result = _tables(
        repo,
        mined,
        releases,
        span.end.name,
        span.range,
        span.until.date().isoformat(),
        earlier,
        arch_map,
        affiliations,
        top,
        release_index,
        stable_lists,
    )
    doc = cast(PeriodDocument, window_document(result))
    doc["span"] = span_document(span)
    return doc


def span_document(span: Span) -> SpanDocument:
    """A span as the documents store it."""
    return {
        "label": span.label,
        "kind": span.kind,
        "start": span.start.name if span.start else None,
        "end": span.end.name,
        "since": span.since.isoformat(),
        "until": span.until.isoformat(),
        "days": round(span.days, 2),
        "releases": list(span.releases),
    }


def merge_graph(
    repo: GitRepo, window: Window, records: Sequence[CommitRecord]
) -> dict[str, tuple[str, ...]]:
    """The window's commit graph when it has commits that merges may have brought in (else
    empty): path limiting can drop every merge of a window that still brought them."""
    return window_graph(repo, window) if records else {}


def first_time_author_keys(
    repo: GitRepo,
    windows: Sequence[ReleaseWindow],
    contacts: Sequence[Contacts],
    first_pathspecs: Sequence[str],
    cache: Path | None = None,
) -> list[set[str]]:
    """For each window (oldest first), the keys of its first-time authors
    (`analyse.newcomers`): the history before the first window walked once (cached in
    `cache` under its range and pathspecs), every contact mapped with the newest window's
    `.mailmap` in one `git check-mailmap`."""
    if not windows:
        return []
    first = windows[0]
    start = first.start.commit if first.start else None
    if cache is None:
        before = earlier_contacts(repo, start, first_pathspecs)
    else:
        before = cached_json(
            cache,
            [start, list(first_pathspecs)],
            lambda: earlier_contacts(repo, start, first_pathspecs),
        )
    mapped = repo.check_mailmap(windows[-1].end.commit, all_contacts(before, contacts))
    return new_author_keys(before, contacts, mapped)


def history(
    repo: GitRepo,
    releases: Releases,
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 10,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
    workers: int | None = None,
    started: StartedLog | None = None,
) -> list[Document]:
    """Every window's document, oldest first, first-time authors included, in memory.

    The windows are shared out between `workers` processes (`shared.workers.fork_map`;
    default one per core), `THREADS_PER_WORKER` at a time in each: while one process parses
    a window's records, another window's git runs. The oldest window goes first, in this
    process: without `since` it is all history before the first release, the largest, and
    `started` is its `git log` when the caller started it already (`mine.gitlog.start_log`;
    the caller closes it).
    """
    windows = releases.windows
    if not windows:
        return []
    ends = [w.end.commit for w in windows]
    # The started log's pathspecs were resolved for it (MAINTAINERS read at its end).
    specs = {started.window.end: started.window.pathspecs} if started else {}
    todo = [end for end in ends if end not in specs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.map(lambda end: pathspecs_at(repo, end, chosen), todo)
        specs.update(zip(todo, found, strict=True))
    index = ReleaseIndex(repo, releases.tags)  # each process walks the releases once, if asked

    def document(i: int) -> Document:
        # Complete lists (top=0): first-time authors are found among all of a window's authors.
        w = windows[i]
        result = compute_window(
            repo,
            w,
            releases.tags,
            chosen,
            arch_map,
            affiliations,
            0,
            index,
            specs[w.end.commit],
            stable_lists,
            started if i == 0 else None,
        )
        return window_document(result)

    docs = fork_map(document, len(windows), workers, threads=THREADS_PER_WORKER)
    new = first_time_author_keys(
        repo, windows, [d["author_contacts"] for d in docs], specs[ends[0]]
    )
    return [trimmed(with_first_time_authors(d, n), top) for d, n in zip(docs, new, strict=True)]


THREADS_PER_WORKER = 1
"""Windows each process of `history` computes at once."""


def range_report(
    repo: GitRepo,
    range_text: str,
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 10,
    release_pattern: str = KERNEL_RELEASE_PATTERN,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
) -> WindowResult:
    """The tables of a user-given range, first-time authors judged against its start.

    Fixed commits are placed in the releases matching `release_pattern`; the range's fixes
    ship in its end when that is a release.
    """
    mined = mine_range(repo, range_text, chosen)
    earlier = author_keys(repo, [mined.start], mined.pathspecs, mined.end) if mined.start else set()
    tags, _ = list_tags(repo)
    releases: list[Tag] = release_tags(tags, release_pattern)
    end_name = parse_range(range_text)[1]
    fix_release = end_name if end_name in {t.name for t in releases} else None
    window = Window(mined.start, mined.end, mined.pathspecs)
    fixes = resolve_fixes(repo, window, mined.records, releases, fix_release)
    return analyse_window(
        mined.records,
        range_text,
        mined.pathspecs,
        earlier,
        arch_map,
        affiliations,
        fixes,
        top,
        graph=merge_graph(repo, window, mined.records),
        stable_lists=stable_lists,
    )


RC1_PATTERN = r"^v\d+\.\d+-rc1$"


def span_bounds(windows: Sequence[ReleaseWindow], count_initial: bool = False) -> list[Tag]:
    """The release tags that open and close the counted windows, oldest first: what the
    yearly spans are chosen from (`analyse.periods.year_spans`)."""
    cycles = [w for w in windows if w.start is not None]
    if not cycles or (count_initial and len(cycles) < len(windows)):
        return [w.end for w in windows]
    first = cycles[0].start
    assert first is not None
    return [first, *(w.end for w in cycles)]


def year_periods(
    repo: GitRepo,
    end: str,
    cycles: int | None,
    pattern: str | None,
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 10,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
    since: str | None = None,
    count_initial: bool = False,
) -> tuple[YearChoice, list[PeriodDocument]]:
    """The keynote's comparison (`kvmstatus year`): the last year up to the release `end` and
    the two years before it, chosen by `analyse.periods.year_spans`, each computed with
    `compute_period`, newest first.

    Releases are the tags matching `pattern`; by default the rc1 tags when `end` is an rc1
    (`v5.4-rc1`: the kernel's rc1-to-rc1 years), else the kernel's release tags.
    """
    pattern = pattern or (RC1_PATTERN if end.endswith("-rc1") else KERNEL_RELEASE_PATTERN)
    found = release_list(repo, pattern, since)
    names = [w.name for w in found.windows]
    if end not in names:
        raise UserError(f"--end '{end}' is not one of the tags matching '{pattern}'")
    windows = found.windows[: names.index(end) + 1]
    choice = year_spans(span_bounds(windows, count_initial), cycles, before_first=count_initial)
    if not choice.spans:
        raise UserError(f"there is no complete year of releases up to {end}")
    index = ReleaseIndex(repo, found.tags)
    docs = [
        trimmed_period(
            compute_period(
                repo, span, found.tags, chosen, arch_map, affiliations, 0, index, stable_lists
            ),
            top,
        )
        for span in choice.spans
    ]
    return choice, docs


def year_comparison(
    repo: GitRepo,
    end: str,
    cycles: int | None,
    pattern: str | None,
    chosen: Selection,
    arch_map: ArchMap,
    affiliations: AffiliationMap,
    top: int = 10,
    stable_lists: tuple[str, ...] = STABLE_LISTS,
) -> tuple[YearsDocument, list[PeriodDocument]]:
    """`kvmstatus year`: the comparison of `year_periods` as a run stores it (`years.json`,
    `analyse.periods.years_document`), and the periods."""
    choice, periods = year_periods(
        repo, end, cycles, pattern, chosen, arch_map, affiliations, top, stable_lists
    )
    return years_document(choice, periods), periods


def trimmed_period(doc: PeriodDocument, top: int) -> PeriodDocument:
    """`doc` with its ranked lists cut to `top` rows (all when `top` <= 0)."""
    return cast(PeriodDocument, trimmed(cast(Document, doc), top))
