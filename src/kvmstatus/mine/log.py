"""git -> `CommitRecord` values: what git says about a window's commits, read into records
(the `git log` command and its start are `mine.gitlog`'s).

One `git log` per window lists the commits, their mailmapped identities, full messages and
the paths they touched inside the selection; one `git diff-tree --stdin` gives the paths a
merge brought in (against its first parent); one `git check-mailmap --stdin` maps the people
named in trailers. Nothing reads blobs, so a blobless clone (`--filter=blob:none`) never has
to fetch anything. The exact command is `mine.gitlog.log_command`; `parse_log` takes any
iterable of the stream's bytes, so tests can feed it stored output.

pydriller's commit model (`pydriller.Git.get_commit`) answers the same questions one commit
at a time through GitPython; measured on kvm-unit-tests it is about six times slower than one
`git log`, so it serves as the independent oracle in the tests rather than the engine.
"""

from __future__ import annotations

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
    paths = tuple(p for p in names.lstrip("\n").split("\0") if p)
    return _record(fields[:-1], message, paths, undecodable=False)


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
    raw = author if (raw_name, raw_email) == (a_name, a_email) else _person(raw_name, raw_email)
    return CommitRecord(
        hash=h,
        parents=parent_hashes,
        author=author,
        author_date=datetime.fromisoformat(a_date),
        committer=author if (c_name, c_email) == (a_name, a_email) else _person(c_name, c_email),
        committer_date=datetime.fromisoformat(c_date),
        subject=_subject(message),
        trailers=parse_trailers(message),
        paths=paths,
        undecodable=undecodable,
        body=_body(message) if len(parent_hashes) > 1 else None,
        raw_author=raw,
    )


def split_records(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Cut a byte stream (in chunks of any size) into records at each `MARKER`."""
    pending = b""
    for chunk in stream:
        pending += chunk
        *complete, pending = pending.split(MARKER)
        yield from (r for r in complete if r)
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
            return list(parse_log(started.process.chunks()))
        config = log_config(window.end)
        return list(parse_log(repo.stream(*log_command(window), config=config)))
    except GitFailure as exc:
        raise UserError(
            f"git log {' '.join(window.revisions)} failed in {repo.path}: {exc}"
        ) from None


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
        replace(mapped, paths=merged.paths)
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
        *window.pathspecs,
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
    return [replace(r, paths=tuple(paths.get(r.hash, ()))) if r.is_merge else r for r in records]


def window_graph(repo: GitRepo, window: Window) -> dict[str, tuple[str, ...]]:
    """Every commit of `window`'s range, whatever its paths, with its parents: one
    `git rev-list --parents A..B`. The maintainer flow walks it to tell which commits a
    merge brought in (the path-limited log leaves out the commits in between)."""
    out = repo.text("rev-list", "--parents", *window.revisions)
    graph: dict[str, tuple[str, ...]] = {}
    for line in out.splitlines():
        commit, *parents = line.split()
        graph[commit] = tuple(parents)
    return graph


def _contact(person: Person) -> str:
    return f"{person.name} <{person.email}>" if person.name else f"<{person.email}>"


def _parse_contact(contact: str) -> Person:
    name, _, email = contact.rpartition("<")
    return Person(name.strip(), email.rstrip(">"))


def map_trailer_people(repo: GitRepo, rev: str, records: list[CommitRecord]) -> list[CommitRecord]:
    """Mailmap every person named in a trailer, in one `git check-mailmap` call."""
    contacts = {_contact(t.person) for r in records for t in r.trailers if t.person is not None}
    changed = {c: m for c, m in repo.check_mailmap(rev, contacts).items() if c != m}
    if not changed:
        return records

    def remap(trailer: Trailer) -> Trailer:
        contact = _contact(trailer.person) if trailer.person else None
        if contact not in changed:
            return trailer
        return replace(trailer, person=_parse_contact(changed[contact]))

    return [
        replace(r, trailers=tuple(remap(t) for t in r.trailers))
        if any(t.person and _contact(t.person) in changed for t in r.trailers)
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
