"""Fixes provenance: what each `Fixes:` line names, whether it is well formed, how old the bug was.

This module owns two things (the per-window summary is `kvmstatus.analyse.fixes`'):

* `parse_fixes`: the text of one `Fixes:` value -> quoted hash and quoted subject, tolerant of
  the variants real histories contain (see its docstring). Never raises.
* `resolve_fixes`: for one window, every `Fixes:` line of its non-merge records becomes a
  `FixesFinding`. It runs git only through the functions of the "git" section below, with
  a number of processes that does not depend on the number of lines ("Git processes" below).

Problems a line can have (several at once; never fatal), in `PROBLEM_KINDS` order:

* `unparseable`: the value does not start with a hex hash of 4 to 64 digits (optionally after
  the word `commit`), e.g. an empty `Fixes:` that introduces a pasted failure log.
* `unknown-hash`: no commit has that id or prefix (an id that names a blob or tree counts here).
* `ambiguous-hash`: the prefix names several objects and git cannot pick one commit among them.
  Git's own commit-ish disambiguation applies first, as it does for `git log -1 PREFIX`: a
  prefix shared by exactly one commit and some blobs or trees resolves to that commit.
* `short-hash`: fewer than 12 hex digits, checkpatch's rule. Still resolved when unique.
* `no-subject`: nothing after the hash, or an empty quoted subject.
* `subject-mismatch`: the quoted subject is not the named commit's subject (git's `%s`).
  Checkpatch compares the two strings exactly; here runs of whitespace are collapsed on both
  sides (a trailer value cannot keep the spacing of a wrapped subject anyway), and a quoted
  subject that is visibly cut short — ending in `...`, `[...]` or `…`, or missing its closing
  quote/parenthesis because the line was wrapped — matches when the commit's subject starts
  with what is left. Case and punctuation differences still count as mismatches.

Definitions used for resolved lines:

* Introducing release: the first release *in version order* whose tag contains the fixed
  commit, or None ("unreleased") when no release contains it. Computed exactly by
  partitioning history: release i's own commits are `git rev-list R_i ^R_0 ... ^R_(i-1)`, so
  each commit lands in exactly the first release (by version) that reaches it.
  `git name-rev --tags` is not used because it answers a different question: git 2.39 keeps,
  for each commit, the tag with the *oldest tagger date* (even over a tag that points right at
  the commit), and newer gits prefer the *nearest* tag instead; neither is version order. On
  kvm-unit-tests git 2.39's name-rev agrees with the partition for every commit, so the tests
  check a history where a later version is both nearer and older-tagged.
* Lifetime: fix committer date minus fixed commit committer date, in days. Committer dates say
  when a commit entered the tree; author dates say when a patch was first written, which can be
  months before it landed (series go through many versions), so author dates measure time
  under review as well. Negative lifetimes (a fixed commit on another branch that landed later)
  are kept as they are.
* Releases apart: index of the fix's release minus index of the introducing release, in
  version order. The fix's release is the window's end release; None there means the window
  ends after the last release, and the fix ships in the release after it.
* Same release: the introducing release is the fix's release (a bug fixed before it shipped).
* In selection: the fixed commit touches the window's pathspecs, judged like a window's commits
  are: against its first parent (so a merge counts when it changed the paths for mainline).

Git processes per window (independent of the number of `Fixes:` lines): one `cat-file
--batch-check` for all quoted hashes (a second one for those that do not resolve), one
`diff-tree --stdin` for the subjects, identities and dates of all resolved commits and
whether each touches the pathspecs; and once per process (shared by its windows), when one
of them has a resolved line, one `rev-list` of every release (`ReleaseIndex`).
"""

from __future__ import annotations

import fcntl
import marshal
import os
import re
import threading
from binascii import unhexlify
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kvmstatus.git.repo import GitRepo, log_config
from kvmstatus.mine.gitlog import Window
from kvmstatus.model.records import (
    AMBIGUOUS,
    MISMATCH,
    NO_SUBJECT,
    PROBLEM_KINDS,
    SHORT,
    UNKNOWN,
    UNPARSEABLE,
    CommitRecord,
    FixedCommit,
    FixesFinding,
    FixesRef,
)
from kvmstatus.model.releases import Tag
from kvmstatus.shared.versions import version_key

FIXES_KEY = "Fixes"
CHECKPATCH_MIN_HASH = 12
"""checkpatch.pl wants at least 12 hex digits: shorter ids become ambiguous as history grows."""


# A hash must end at a non-word character: "deadbeefs" is a word, not a hash of "deadbeef".
_HASH = re.compile(r"(?:commit\s+)?([0-9a-f]{4,64})(?![0-9a-z_])", re.IGNORECASE)
_QUOTES = {'"': '"', "\u201c": "\u201d", "'": "'"}
_ELLIPSES = ("[...]", "...", "\u2026")
_SPACE = re.compile(r"\s+")


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedFixes:
    """What one `Fixes:` value quotes.

    `hash` is lowercased, None when the value does not start with one. `subject` has its
    whitespace collapsed and is None when no subject is quoted; `truncated` says the writer
    visibly cut it short (an ellipsis, or a missing closing quote on a wrapped line).
    """

    hash: str | None
    subject: str | None
    truncated: bool = False


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _closing_paren(text: str) -> int:
    """Index of the `)` that closes an opening `(` just before `text`, or -1."""
    depth = 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return i
            depth -= 1
    # Unbalanced inside: the last `)` is still the best guess at the end of the subject.
    return text.rfind(")")


def _quoted(rest: str) -> tuple[str | None, bool]:
    """The subject after the hash, and whether its closing delimiter is missing."""
    if not rest:
        return None, False
    paren = rest.startswith("(")
    body = rest[1:].lstrip() if paren else rest
    opener = body[:1]
    if opener in _QUOTES:
        closer = _QUOTES[opener]
        # The last closing quote (before `)` when there is one) ends the subject, so quotes
        # and parentheses nested inside the subject stay part of it.
        end = body.rfind(closer + ")") if paren else -1
        if end <= 0:
            end = body.rfind(closer)
        if end > 0:
            return body[1:end], False
        return body[1:].rstrip(")"), True
    if paren:
        end = _closing_paren(body)
        return (body[:end], False) if end >= 0 else (body, True)
    # Bare text after the hash (`Fixes: 1234abcd x86: foo`): the best reading is a subject.
    return rest, False


def parse_fixes(value: str) -> ParsedFixes:
    """Parse a `Fixes:` trailer value such as `0123456789ab ("KVM: x86: Subject")`.

    Tolerated: a `commit` prefix, uppercase hex, a missing pair of parentheses or quotes,
    quotes and parentheses nested in the subject, curly or single quotes, text after the
    closing parenthesis (`, 2026-05-12)` or a final `.`), and a subject cut off by wrapping.
    """
    value = value.strip()
    match = _HASH.match(value)
    if not match:
        return ParsedFixes(hash=None, subject=None)
    rest = value[match.end() :].strip().lstrip(":").strip()
    raw, unterminated = _quoted(rest)
    subject = _collapse(raw) if raw is not None else ""
    if not subject:
        return ParsedFixes(hash=match[1].lower(), subject=None)
    return ParsedFixes(
        hash=match[1].lower(),
        subject=subject,
        truncated=unterminated or subject.endswith(_ELLIPSES),
    )


def subject_matches(quoted: str, truncated: bool, actual: str) -> bool:
    """Whether a quoted subject names the commit whose `%s` is `actual` (see module doc)."""
    want, have = _collapse(quoted), _collapse(actual)
    if not truncated:
        return want == have
    for mark in _ELLIPSES:
        if want.endswith(mark):
            want = want[: -len(mark)].rstrip()
            break
    return bool(want) and have.startswith(want)


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookup:
    """What git says about one quoted hash: the full commit id, or why there is none."""

    commit: str | None
    problem: str | None


@dataclass(frozen=True, slots=True)
class CommitInfo:
    subject: str
    author: str
    author_date: datetime
    committer_date: datetime


def fixes_refs(records: Iterable[CommitRecord]) -> list[FixesRef]:
    """Every `Fixes:` line of the non-merge records, in record and trailer order."""
    refs: list[FixesRef] = []
    for record in records:
        # A merge's message describes what it brings in; its Fixes lines repeat the commits'.
        if record.is_merge:
            continue
        for trailer in record.trailers_of(FIXES_KEY):
            parsed = parse_fixes(trailer.value)
            refs.append(
                FixesRef(
                    commit=record.hash,
                    author=record.author.key,
                    value=trailer.value,
                    quoted_hash=parsed.hash,
                    quoted_subject=parsed.subject,
                    truncated=parsed.truncated,
                )
            )
    return refs


# --- git: every process this module starts is in this section ------------------------------


def lookup_hashes(repo: GitRepo, hashes: Iterable[str]) -> dict[str, Lookup]:
    """Resolve quoted hashes to commits with `git cat-file --batch-check`.

    `H^{commit}` resolves each with git's commit-ish disambiguation. For `H^{commit}` git
    prints `missing` both for an unknown and for an ambiguous prefix, so the few that fail are
    asked again as plain `H`, for which git prints `ambiguous` for the latter: two processes at
    most, the second only for failures.
    """
    unique = sorted(set(hashes))
    if not unique:
        return {}
    peeled = _batch_check(repo, [f"{h}^{{commit}}" for h in unique])
    found: dict[str, Lookup] = {}
    failed = []
    for quoted, answer in zip(unique, peeled, strict=True):
        if answer[-1] == "commit":
            found[quoted] = Lookup(commit=answer[0], problem=None)
        else:
            failed.append(quoted)
    for quoted, answer in zip(failed, _batch_check(repo, failed), strict=True):
        problem = AMBIGUOUS if answer[-1] == "ambiguous" else UNKNOWN
        found[quoted] = Lookup(commit=None, problem=problem)
    return found


def _batch_check(repo: GitRepo, names: Sequence[str]) -> list[list[str]]:
    if not names:
        return []
    payload = "".join(f"{n}\n" for n in names).encode()
    out = repo.run("cat-file", "--batch-check=%(objectname) %(objecttype)", input=payload)
    lines = out.decode("utf-8", "replace").splitlines()
    if len(lines) != len(names):
        raise ValueError(f"git cat-file answered {len(lines)} lines for {len(names)}")
    return [line.split() for line in lines]


_FIXED_MARKER = b"\0\x01"
_FIXED_FORMAT = "%x00%x01%H%x00%aE%x00%aI%x00%cI%x00%s"


def fixed_commits(
    repo: GitRepo, window: Window, commits: Iterable[str]
) -> tuple[dict[str, CommitInfo], set[str]]:
    """Subject (git's `%s`), author and dates of full commit ids, and which of them touch
    the window's pathspecs against their first parent (merges included; a root commit
    against the empty tree): one `git diff-tree --stdin` process for both. No pathspecs
    select every commit."""
    unique = sorted(set(commits))
    if not unique:
        return {}, set()
    # Without pathspecs every commit is selected: no diff to compute. On a whole tree a
    # commit is selected when its tree differs from its first parent's: the top level of the
    # diff says so, without a pathspec to match or subtrees to open.
    diff = ["--name-only", "--no-renames", "--no-relative", "--diff-merges=first-parent"]
    if not window.pathspecs:
        diff = ["-s"]
    elif not window.whole_tree:
        diff = ["-r", *diff]
    out = repo.run(
        "diff-tree",
        "--stdin",
        "--always",  # a commit that touches no selected path still prints its header
        "--root",
        "-z",
        *diff,
        f"--format={_FIXED_FORMAT}",
        "--",
        *window.limit,
        input="".join(c + "\n" for c in unique).encode(),
        config=log_config(window.end),
    )
    info: dict[str, CommitInfo] = {}
    touched: set[str] = set()
    for raw in out.split(_FIXED_MARKER)[1:]:
        # %s is one line without NUL; the paths follow, each ending in NUL.
        h, email, a_date, c_date, subject, *paths = raw.decode("utf-8", "replace").split("\0")
        info[h] = CommitInfo(
            subject=subject,
            author=email.lower(),
            author_date=datetime.fromisoformat(a_date),
            committer_date=datetime.fromisoformat(c_date),
        )
        if not window.pathspecs or any(p.strip("\n") for p in paths):
            touched.add(h)
    return info, touched


class ReleaseIndex:
    """Which release first contains a commit, shared by every window of a run.

    One walk: `git rev-list --topo-order --parents` of every release tip, which lists no
    parent before all of its children. Each commit's label is the smallest version-order index
    of the releases that reach it: its own tip's, or the smallest of its children's, which
    are all seen before it. That is exactly the partition by `git rev-list R_i ^R_0 ..
    ^R_(i-1)`, done in one process. Only the commits still waiting for a child's label are held
    while walking; the labels are kept as 20-byte keys, so later windows ask git nothing.

    Nothing is walked before a window has a resolved `Fixes:` line to place. `shared`: a
    directory the processes computing one run's windows share (`jobs.window.history`): the
    first of them to need the labels walks and leaves them there, the others read them
    (waiting while it walks), so the history is walked once, not once per process.
    """

    def __init__(self, repo: GitRepo, releases: Sequence[Tag], shared: Path | None = None) -> None:
        self._repo = repo
        self._releases = sorted(releases, key=lambda t: version_key(t.name))
        self._labels: dict[bytes, int] | None = None
        self._lock = threading.Lock()  # windows are computed in threads
        self._shared = shared

    def _walk(self) -> dict[bytes, int]:
        with self._lock:
            if self._labels is None:
                self._labels = self._shared_labels() if self._shared else self._label_history()
            return self._labels

    def _shared_labels(self) -> dict[bytes, int]:
        assert self._shared is not None
        stored = self._shared / "release-labels"
        with open(self._shared / "release-labels.lock", "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be walking
            if stored.exists():
                labels: dict[bytes, int] = marshal.loads(stored.read_bytes())
                return labels
            labels = self._label_history()
            partial = stored.with_name(f".{stored.name}.{os.getpid()}")
            partial.write_bytes(marshal.dumps(labels))
            partial.replace(stored)
            return labels

    def _label_history(self) -> dict[bytes, int]:
        tips: dict[bytes, int] = {}
        for i, tag in enumerate(self._releases):
            tips.setdefault(tag.commit.encode(), i)  # tags on one commit: the first version
        if not tips:
            return {}
        unset = len(self._releases)
        waiting: dict[bytes, int] = {}  # seen as a parent, not yet listed itself
        labels: dict[bytes, int] = {}
        pending = b""
        spec = b"".join(tip + b"\n" for tip in tips)
        walk = self._repo.stream("rev-list", "--topo-order", "--parents", "--stdin", input=spec)
        for chunk in walk:
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                parts = line.split(b" ")
                commit = parts[0]
                label = waiting.pop(commit, unset)
                if commit in tips and tips[commit] < label:
                    label = tips[commit]
                labels[unhexlify(commit)] = label
                for parent in parts[1:]:
                    if waiting.get(parent, unset) > label:
                        waiting[parent] = label
        return labels

    def first_releases(self, commits: Iterable[str], until: str | None = None) -> dict[str, str]:
        """For each commit, the first release in version order that contains it (absent: none),
        looking no further than the release `until` (so later tags change nothing)."""
        commits = set(commits)
        if not commits:  # a window without a resolved Fixes: line walks nothing
            return {}
        names = [t.name for t in self._releases]
        last = names.index(until) if until in names else len(names) - 1
        labels = self._walk()
        found: dict[str, str] = {}
        for commit in commits:
            label = labels.get(bytes.fromhex(commit), len(names))
            if label <= last:
                found[commit] = names[label]
        return found


_SHARED: dict[tuple[str, tuple[tuple[str, str], ...]], ReleaseIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared_release_index(repo: GitRepo, releases: Sequence[Tag]) -> ReleaseIndex:
    """One `ReleaseIndex` per repository and release list in this process, so windows
    computed as separate tasks do not each walk the releases again."""
    key = (str(repo.git_dir), tuple((t.name, t.commit) for t in releases))
    with _SHARED_LOCK:
        if key not in _SHARED:
            if len(_SHARED) >= 4:  # a run's projects at a time: the sets can be large
                _SHARED.pop(next(iter(_SHARED)))
            _SHARED[key] = ReleaseIndex(repo, releases)
        return _SHARED[key]


def first_releases(
    repo: GitRepo, releases: Sequence[Tag], commits: Iterable[str]
) -> dict[str, str]:
    """For each commit, the first release in version order that contains it (see ReleaseIndex)."""
    return ReleaseIndex(repo, releases).first_releases(commits)


# --- resolution --------------------------------------------------------------------------


def resolve_fixes(
    repo: GitRepo,
    window: Window,
    records: Iterable[CommitRecord],
    releases: Sequence[Tag],
    fix_release: str | None,
    release_index: ReleaseIndex | None = None,
) -> list[FixesFinding]:
    """Every `Fixes:` line of the window's non-merge records, checked and traced.

    `releases` are the release tags (`release_tags`); `fix_release` is the release the
    window's commits ship in (its end tag), or None when the window ends past the last
    release. The git processes are listed in the module docstring.
    """
    names = [t.name for t in sorted(releases, key=lambda t: version_key(t.name))]
    if fix_release is not None and fix_release not in names:
        raise ValueError(f"fix release {fix_release!r} is not one of the releases")
    records = list(records)
    refs = fixes_refs(records)
    fix_dates = {r.hash: r.committer_date for r in records}
    lookups = lookup_hashes(repo, (r.quoted_hash for r in refs if r.quoted_hash))
    resolved = {lk.commit for lk in lookups.values() if lk.commit}
    info, selected = fixed_commits(repo, window, resolved)
    release_of = (release_index or ReleaseIndex(repo, releases)).first_releases(
        resolved, until=fix_release
    )
    targets = {
        h: FixedCommit(
            hash=h,
            subject=i.subject,
            author=i.author,
            author_date=i.author_date,
            committer_date=i.committer_date,
            release=release_of.get(h),
            in_selection=h in selected,
        )
        for h, i in info.items()
    }
    index = {name: i for i, name in enumerate(names)}
    # Unreleased work ships in the release after the last one.
    fix_index = index[fix_release] if fix_release is not None else len(names)
    return [
        _finding(ref, lookups, targets, fix_dates[ref.commit], index, fix_index, fix_release)
        for ref in refs
    ]


def _finding(
    ref: FixesRef,
    lookups: Mapping[str, Lookup],
    targets: Mapping[str, FixedCommit],
    fix_date: datetime,
    index: Mapping[str, int],
    fix_index: int,
    fix_release: str | None,
) -> FixesFinding:
    problems: set[str] = set()
    target: FixedCommit | None = None
    if ref.quoted_hash is None:
        problems.add(UNPARSEABLE)
    else:
        lookup = lookups[ref.quoted_hash]
        if lookup.problem:
            problems.add(lookup.problem)
        if len(ref.quoted_hash) < CHECKPATCH_MIN_HASH:
            problems.add(SHORT)
        if ref.quoted_subject is None:
            problems.add(NO_SUBJECT)
        # `targets` lacks a resolved commit only if git log skipped it: say so, do not crash.
        target = targets.get(lookup.commit) if lookup.commit is not None else None
        if lookup.commit is not None and target is None:
            problems.add(UNKNOWN)
        quoted = ref.quoted_subject
        if (
            target
            and quoted is not None
            and not subject_matches(quoted, ref.truncated, target.subject)
        ):
            problems.add(MISMATCH)
    ordered = tuple(p for p in PROBLEM_KINDS if p in problems)
    if target is None:
        return FixesFinding(ref, ordered, None, None, None, None)
    lifetime = (fix_date - target.committer_date).total_seconds() / 86400
    if target.release is not None:
        apart: int | None = fix_index - index[target.release]
    else:
        # A fixed commit in no release ships with an unreleased fix, or is on another branch.
        apart = 0 if fix_release is None else None
    return FixesFinding(
        ref=ref,
        problems=ordered,
        target=target,
        lifetime_days=lifetime,
        releases_apart=apart,
        same_release=target.release == fix_release,
    )
