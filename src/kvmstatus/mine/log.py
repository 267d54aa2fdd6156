"""git -> `CommitRecord` values: what git says about a window's commits, read into records
(the `git log` command and its start are `mine.gitlog`'s).

One `git log` per window lists the commits, their mailmapped identities, full messages and
the paths they touched inside the selection; one `git diff-tree --stdin` gives the paths a
merge brought in (against its first parent); one `git check-mailmap --stdin` maps the people
named in trailers. Nothing reads blobs, so a blobless clone (`--filter=blob:none`) never has
to fetch anything. The exact command is `mine.gitlog.log_command`; `parse_log` takes any
iterable of the stream's bytes, so tests can feed it stored output. A whole-tree window is
logged without its pathspec and cut to what `git log -- .` lists (`path_limited`): the same
records, without git comparing every commit's tree with its parents' to find out.

pydriller's commit model (`pydriller.Git.get_commit`) answers the same questions one commit
at a time through GitPython; measured on kvm-unit-tests it is about six times slower than one
`git log`, so it serves as the independent oracle in the tests rather than the engine.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.git.repo import GitRepo, log_config
from kvmstatus.mine.gitlog import FIELDS, MARKER, StartedLog, Window, log_command
from kvmstatus.mine.selection import Selection, pathspecs_at
from kvmstatus.mine.trailers import parse_trailers
from kvmstatus.model.records import CommitRecord, Person, Trailer

if TYPE_CHECKING:
    from concurrent.futures import Executor


def _subject(message: str) -> str:
    # git's %s: the first paragraph with its lines joined by spaces.
    paragraph = message.strip("\n").split("\n\n", 1)[0]
    if "\n" not in paragraph:
        return paragraph.strip()
    return " ".join(line.strip() for line in paragraph.splitlines())


def _body(message: str) -> str:
    # Everything after the subject's paragraph: what `git log --format=%b` prints.
    return message.strip("\n").partition("\n\n")[2].strip("\n")


def parse_record(raw: bytes) -> CommitRecord:
    """One record of `log_command`'s output, without its leading marker."""
    try:
        # Nearly every commit is valid UTF-8: decode the record once (paths included, which
        # then decode the same as with surrogateescape).
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _parse_undecodable(raw)
    fields = text.split("\0", len(FIELDS) - 1)
    if len(fields) != len(FIELDS):
        raise ValueError(f"truncated git log record: {raw[:80]!r}")
    message, _, names = fields[-1].partition("\0")
    names = names.lstrip("\n").rstrip("\0")  # each path ends in NUL
    return _record(fields[:-1], message, tuple(names.split("\0")) if names else (), False)


def _parse_undecodable(raw: bytes) -> CommitRecord:
    # Some field is not UTF-8: decode field by field, invalid bytes shown as U+FFFD (paths
    # keep theirs as surrogates, so they still name the files git has).
    fields = raw.split(b"\0", len(FIELDS) - 1)
    if len(fields) != len(FIELDS):
        raise ValueError(f"truncated git log record: {raw[:80]!r}")
    body, _, names = fields[-1].partition(b"\0")
    decoded = [f.decode("utf-8", "replace") for f in (*fields[:-1], body)]
    paths = tuple(
        p.decode("utf-8", "surrogateescape") for p in names.lstrip(b"\n").split(b"\0") if p
    )
    return _record(decoded[:-1], decoded[-1], paths, undecodable=True)


@lru_cache(maxsize=1 << 14)
def _person(name: str, email: str) -> Person:
    # A window names a few hundred people thousands of times, and a Person is frozen: one
    # object each (7% of the parsing of kvm-unit-tests' first window).
    return Person(name, email)


def _record(
    header: Sequence[str], message: str, paths: tuple[str, ...], undecodable: bool
) -> CommitRecord:
    h, parents, a_name, a_email, raw_name, raw_email, a_date, c_name, c_email, c_date = header
    parent_hashes = tuple(parents.split())
    author = _person(a_name, a_email)
    # The same person thrice over (author, committer, raw author): one object.
    same = raw_email == a_email and raw_name == a_name
    committed = c_email == a_email and c_name == a_name
    return CommitRecord(
        h,
        parent_hashes,
        author,
        datetime.fromisoformat(a_date),
        author if committed else _person(c_name, c_email),
        datetime.fromisoformat(c_date),
        _subject(message),
        parse_trailers(message),
        paths,
        undecodable,
        _body(message) if len(parent_hashes) > 1 else None,
        author if same else _person(raw_name, raw_email),
    )


def split_records(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Cut a byte stream (in chunks of any size) into records at each `MARKER`."""
    pending = b""
    for chunk in stream:
        complete = (pending + chunk).split(MARKER)
        pending = complete.pop()
        yield from filter(None, complete)  # nothing before the stream's first marker
    if pending:
        yield pending


def parse_log(stream: Iterable[bytes]) -> Iterator[CommitRecord]:
    return (parse_record(raw) for raw in split_records(stream))


def mine(repo: GitRepo, window: Window) -> list[CommitRecord]:
    """Every commit of `window` (merges included) as a record, newest first."""
    return completed(repo, window, read_log(repo, window))


def read_log(
    repo: GitRepo, window: Window, started: StartedLog | None = None
) -> list[CommitRecord]:
    """The records of `window` as `git log` gives them: before `completed` adds the paths
    of merges and mailmaps the trailers' people. `started`: its log already running
    (`start_log`); one of another window is stopped and this one's run instead."""
    if started is not None and started.window != window:
        started.close()
        started = None
    try:
        if started is not None:
            records = list(parse_log(started.process.chunks()))
        else:
            config = log_config(window.end)
            records = list(parse_log(repo.stream(*log_command(window), config=config)))
    except GitFailure as exc:
        raise UserError(
            f"git log {' '.join(window.revisions)} failed in {repo.path}: {exc}"
        ) from None
    return path_limited(repo, window, records) if window.whole_tree else records


def path_limited(repo: GitRepo, window: Window, records: list[CommitRecord]) -> list[CommitRecord]:
    """What `git log A..B -- .` lists, from the whole-tree window's `records` of `git log
    A..B` (every commit of the range, newest first).

    git's path limiting leaves out each commit whose tree equals a parent's (TREESAME). A
    commit with one parent or none is simply left out, and the others keep their places: its
    parent is walked all the same. A merge equal to one of its parents makes git follow that
    parent alone (the first such, `revision.c: try_to_simplify_commit`), which can leave out
    the commits behind the others, or reach them later and so list them elsewhere. Such a
    window is walked again here as git walks it (`_walk`), once the same walk without
    simplification has given exactly the order git gave; when it does not, or when a merge
    equals a parent outside the range (whether git follows that one depends on how far its
    walk of the excluded side has got), the commits and their order are git's own: one
    `rev-list A..B -- .`. One `cat-file` gives the merges' trees and their parents'."""
    merges = [r for r in records if r.is_merge]
    follow: dict[str, str] = {}  # a merge equal to a parent -> the parent git follows alone
    if merges:
        asked = [c for r in merges for c in (r.hash, *r.parents)]
        query = "".join(f"{c}^{{tree}}\n" for c in asked).encode()
        trees = repo.text("cat-file", "--batch-check=%(objectname)", input=query).split("\n")
        listed = {r.hash for r in records}
        at = 0
        for merge in merges:
            own, parents = trees[at], trees[at + 1 : at + 1 + len(merge.parents)]
            at += 1 + len(merge.parents)
            same = [p for p, tree in zip(merge.parents, parents, strict=True) if tree == own]
            if any(p not in listed for p in same):
                return _listed_by_git(repo, window, records)
            if same:
                follow[merge.hash] = same[0]
    if follow:
        if _walk(window, records, {}) != [r.hash for r in records]:
            return _listed_by_git(repo, window, records)
        by_hash = {r.hash: r for r in records}
        walked = (by_hash[h] for h in _walk(window, records, follow) if h not in follow)
        return [r for r in walked if r.paths or r.is_merge]
    return [r for r in records if r.paths or r.is_merge]


def _walk(window: Window, records: list[CommitRecord], follow: dict[str, str]) -> list[str]:
    """The order in which git's date-ordered walk of `window` lists its commits, when from
    each merge in `follow` it follows that one parent alone: newest committer date first,
    among equal dates the one reached first (`commit_list_insert_by_date`). The commits
    outside the range never lead back into it, so they do not change that order."""
    dated = {r.hash: (int(r.committer_date.timestamp()), r.parents) for r in records}
    if window.end not in dated:
        return []
    queue = [(-dated[window.end][0], 0, window.end)]
    seen = {window.end}
    order: list[str] = []
    while queue:
        commit = heapq.heappop(queue)[2]
        order.append(commit)
        chosen = follow.get(commit)
        for parent in (chosen,) if chosen else dated[commit][1]:
            if parent in dated and parent not in seen:
                seen.add(parent)
                heapq.heappush(queue, (-dated[parent][0], len(seen), parent))
    return order


def _listed_by_git(
    repo: GitRepo, window: Window, records: list[CommitRecord]
) -> list[CommitRecord]:
    by_hash = {r.hash: r for r in records}
    listed = repo.text("rev-list", *window.revisions, "--", *window.pathspecs)
    return [by_hash[h] for h in listed.split()]


def completed(
    repo: GitRepo, window: Window, records: list[CommitRecord], pool: Executor | None = None
) -> list[CommitRecord]:
    """`records` with the paths merges changed and the trailers' people mailmapped: two git
    processes, at the same time when `pool` is given (they read different things)."""
    if pool is None:
        return map_trailer_people(repo, window.end, with_merge_paths(repo, window, records))
    paths = pool.submit(with_merge_paths, repo, window, records)
    people = map_trailer_people(repo, window.end, records)
    return [
        mapped.replaced(paths=merged.paths)
        if merged is not plain and mapped is not plain
        else (merged if mapped is plain else mapped)
        for plain, merged, mapped in zip(records, paths.result(), people, strict=True)
    ]


def with_merge_paths(
    repo: GitRepo, window: Window, records: list[CommitRecord]
) -> list[CommitRecord]:
    """Fill in the paths each merge changed against its first parent, in one git call."""
    merges = {r.hash: r for r in records if r.is_merge}
    if not merges:
        return records
    pairs = "".join(f"{h} {r.parents[0]}\n" for h, r in merges.items())
    out = repo.run(
        "diff-tree",
        "--stdin",
        "-r",
        "--name-only",
        "-z",
        "--no-renames",
        "--no-relative",
        "--",
        *window.limit,
        input=pairs.encode(),
    )
    paths: dict[str, list[str]] = {}
    current: list[str] = []
    for token in out.split(b"\0"):
        name = token.decode("utf-8", "surrogateescape")
        if name in merges and name not in paths:
            current = paths[name] = []
        elif name:
            current.append(name)
    return [r.replaced(paths=tuple(paths.get(r.hash, ()))) if r.is_merge else r for r in records]


def window_graph(repo: GitRepo, window: Window) -> dict[str, tuple[str, ...]]:
    """Every commit of `window`'s range, whatever its paths, with its parents, each after
    its parents: one `git rev-list --topo-order --reverse --parents A..B`. The maintainer
    flow walks it to tell which commits a merge brought in (the path-limited log leaves out
    the commits in between), in that order (`analyse.merges.brought_in_bits`)."""
    out = repo.text("rev-list", "--topo-order", "--reverse", "--parents", *window.revisions)
    return {commit: tuple(parents.split()) for commit, _, parents in _lines(out)}


def _lines(out: str) -> Iterator[tuple[str, str, str]]:
    return (line.partition(" ") for line in out.splitlines())


def _contact(person: Person) -> str:
    return f"{person.name} <{person.email}>" if person.name else f"<{person.email}>"


def _parse_contact(contact: str) -> Person:
    name, _, email = contact.rpartition("<")
    return Person(name.strip(), email.rstrip(">"))


def map_trailer_people(repo: GitRepo, rev: str, records: list[CommitRecord]) -> list[CommitRecord]:
    """Mailmap every person named in a trailer, in one `git check-mailmap` call.

    Each distinct trailer is looked at once (the parser makes one object per distinct line,
    and the same reviewers and lists recur on thousands of commits), and only the records
    naming someone the `.mailmap` renames are made again."""
    named: dict[int, Trailer] = {}
    for record in records:
        for trailer in record.trailers:
            if trailer.person is not None:
                named[id(trailer)] = trailer
    contacts = {i: _contact(t.person) for i, t in named.items() if t.person is not None}
    mapped = repo.check_mailmap(rev, contacts.values())
    renamed = {
        i: replace(named[i], person=_parse_contact(mapped[c]))
        for i, c in contacts.items()
        if mapped.get(c, c) != c
    }
    if not renamed:
        return records
    return [
        r.replaced(trailers=tuple(renamed.get(id(t), t) for t in r.trailers))
        if any(id(t) in renamed for t in r.trailers)
        else r
        for r in records
    ]


def parse_range(text: str) -> tuple[str | None, str]:
    """`A..B` -> (A, B); a single revision means its whole history."""
    if "..." in text:
        raise UserError(f"range {text!r}: use A..B (two dots), not a symmetric difference")
    start, sep, end = text.partition("..")
    if not sep:
        return None, text
    if not start or not end:
        raise UserError(f"range {text!r} needs both ends, like v6.11..v6.12")
    return start, end


@dataclass(frozen=True)
class MinedRange:
    records: list[CommitRecord]
    pathspecs: tuple[str, ...]
    start: str | None
    end: str


def mine_range(repo: GitRepo, range_text: str, chosen: Selection) -> MinedRange:
    """The records of `range_text` within the selection, with the commits and paths used."""
    start, end = parse_range(range_text)
    *maybe_start, end_hash = repo.resolve_commits(*([start] if start else []), end)
    start_hash = maybe_start[0] if maybe_start else None
    specs = pathspecs_at(repo, end_hash, chosen)
    records = mine(repo, Window(start_hash, end_hash, specs))
    if not records:
        revs = [end_hash] + ([f"^{start_hash}"] if start_hash else [])
        if repo.text("rev-list", "--count", *revs).strip() == "0":
            raise UserError(
                f"{range_text} contains no commits: is {end} older than {start}? "
                "(a window is every commit reachable from its end and not from its start)"
            )
    return MinedRange(records, specs, start_hash, end_hash)
