"""Maintainer flow: which trees fed a window, what their maintainers said, who applied what.

KVM is a tree of trees: architecture and topic trees are pulled into kvm.git, which Linus
pulls. Each pull is a merge whose subject names its source (`Merge tag 'kvmarm-6.12' of
git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm into HEAD`) and whose body is the
maintainer's summary of the release. This module reads both from the window's merge records
(`CommitRecord.body`), and counts the committers of the non-merge commits.

Counting rules:

- A merge's *tree* is the URL in its subject with the scheme and a trailing `.git` removed
  (`git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm`); a merge of a local branch or tag
  (no URL) is `local: NAME` with a trailing version (`-6.12`, `-2025.06.26`) removed, so the
  same tree keeps its name from release to release.
- A merge's *commits* are the non-merge commits of the window's selection that it brought
  in: those reachable from it and not from its first parent, i.e.
  `git rev-list --no-merges M^1..M -- P` restricted to the window's `A..B`. They are
  computed from the window's whole commit graph (`mine.log.window_graph`, one git call), in
  one pass over it for all merges (`brought_in_bits`), not one git call or walk per merge.
  Trees nest (kvmarm's commits come in again with kvm.git's pull),
  so the commits per tree do not add up to the window's.
- A merge's *architecture* is the one architecture among the paths it changed against its
  first parent; `common` when it changed none, `several` when it changed more than one.
- A window's *mainline merges* are the merges on the first-parent line of its end that
  brought in at least one selected commit: `git rev-list --first-parent --merges A..B`,
  each with `git rev-list --count --no-merges M^1..M ^A -- P` above zero. Path limiting
  (`git log -- P`) drops a merge whose selected files equal one parent's, so it keeps fewer
  merges than brought commits in (on a whole tree, every merge that could have been a
  fast-forward).
- *Committers* are counted over non-merge commits by mailmapped committer email; a commit
  is *applied by someone else* when its committer's key differs from its author's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from kvmstatus.analyse.architectures import ArchMap
from kvmstatus.analyse.metrics import Ranked, non_merges, rank
from kvmstatus.model.records import CommitRecord
from kvmstatus.shared.labels import COMMON, SEVERAL

BODY_LIMIT = 20_000
"""Characters of a merge message kept: a summary, not a shortlog of thousands of lines."""

# `Merge tag 'x' of URL into HEAD`, `Merge branches 'a', 'b' and 'c' of URL`, `Merge
# remote-tracking branch 'origin/next'`, `Merge branch kvm-arm64/mmu into kvmarm-master/next`.
_MERGE = re.compile(
    r"^Merge\s+(?P<kind>remote-tracking branch(?:es)?|branch(?:es)?|tags?|commits?)\s+"
    r"(?P<refs>.*?)"
    r"(?:\s+of\s+(?P<url>\S+))?"
    r"(?:\s+into\s+(?P<into>\S+))?\s*$",
    re.IGNORECASE,
)
_REF = re.compile(r"'([^']*)'|\"([^\"]*)\"|([^\s,']+)")
_VERSION = re.compile(r"[-_.]?(?:v?\d+(?:[.-]\d+)+(?:-rc\d+)?|\d{4}(?:[.-]\d\d){1,2})$")


@dataclass(frozen=True, slots=True)
class MergeSource:
    """What a merge subject says it pulls: `kind` (tag, branch, ...), the refs, the URL."""

    kind: str
    refs: tuple[str, ...]
    url: str | None
    tree: str


def _tree(url: str | None, refs: Sequence[str]) -> str:
    if url:
        tree = re.sub(r"^[a-z+]+://", "", url.strip("'\"")).rstrip("/")
        return tree.removesuffix(".git")
    if not refs:
        return "local"
    return "local: " + _VERSION.sub("", refs[0])


def parse_merge_subject(subject: str) -> MergeSource:
    """The source of a merge from its subject; kind `other` when the subject is not git's."""
    match = _MERGE.match(subject.strip())
    if match is None:
        return MergeSource("other", (), None, "other")
    kind = match.group("kind").lower().removesuffix("es").removesuffix("s")
    refs_text = re.sub(r"\s+and\s+", ", ", match.group("refs"))
    refs = tuple(next(g for g in m.groups() if g is not None) for m in _REF.finditer(refs_text))
    url = match.group("url")
    return MergeSource(kind, refs, url, _tree(url, refs))


def brought_in(graph: Mapping[str, Sequence[str]], merge: str) -> set[str]:
    """The commits of `graph` reachable from `merge`'s other parents and not from its first:
    the definition, walked for one merge (`brought_in_all` answers many in one pass).

    `graph` is hash -> parents for the window's commits; parents outside it are the window's
    boundary and are not followed.
    """
    parents = graph.get(merge, ())
    if len(parents) < 2:
        return set()
    below = _reachable(graph, [parents[0]], set())
    return _reachable(graph, list(parents[1:]), below)


def _reachable(graph: Mapping[str, Sequence[str]], start: list[str], stop: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = [h for h in start if h in graph and h not in stop]
    while todo:
        commit = todo.pop()
        if commit in seen:
            continue
        seen.add(commit)
        todo.extend(p for p in graph[commit] if p in graph and p not in stop and p not in seen)
    return seen


def brought_in_bits(
    graph: Mapping[str, Sequence[str]], merges: Iterable[str], members: Container[str]
) -> tuple[dict[str, int], list[str]]:
    """`brought_in` of each of `merges`, restricted to `members`, as a bitset, for all of
    them in one pass over `graph`; and the members in bit order (bit i: the i-th).

    Parents come before children, and each commit's set of reachable members is its own bit
    or'ed with its parents' sets, kept only until its last child in the graph has used it; a
    merge's answer is what its other parents reach and its first does not. So the time is
    linear in the graph (times the sets' width in machine words), however many merges sit
    off the first-parent line, where one walk per merge made it quadratic. Bits are given in
    that order too, so a set is no wider than the members made before it. A graph whose
    commits come after their parents (`mine.log.window_graph`'s) is walked in its own order;
    another is put in that order first (Kahn's).
    """
    wanted = {m for m in merges if len(graph.get(m, ())) > 1}
    if not wanted:
        return {}, []
    swept = _sweep(graph, graph.keys(), wanted, members)
    if swept is None:  # the graph is in another order: put it in this one
        swept = _sweep(graph, _kahn(graph), wanted, members)
        assert swept is not None
    return swept


def _sweep(
    graph: Mapping[str, Sequence[str]],
    commits: Iterable[str],
    wanted: set[str],
    members: Container[str],
) -> tuple[dict[str, int], list[str]] | None:
    """`brought_in_bits` over `commits` in their order; None when a commit comes before one
    of its parents."""
    unused = Counter(chain.from_iterable(graph.values()))  # children yet to use each set
    found: dict[str, int] = {}
    order: list[str] = []
    reach: dict[str, int] = {}
    for commit in commits:
        parents = graph[commit]
        if commit in wanted:
            sets = [reach.get(parent, 0) for parent in parents]
            side = 0
            for other in sets[1:]:
                side |= other
            found[commit] = side & ~sets[0]
        reached = 0
        if commit in members:
            reached = 1 << len(order)
            order.append(commit)
        for parent in parents:
            above = reach.get(parent)
            if above is None:
                if parent in graph:
                    return None  # not walked yet
                continue  # the window's boundary
            reached |= above
            left = unused[parent] - 1
            if left:
                unused[parent] = left
            else:
                del reach[parent]  # its last child is done
        if commit in unused:
            reach[commit] = reached
    return found, order


def _kahn(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """The commits of `graph`, each after its parents in it."""
    children: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}
    for commit, parents in graph.items():
        inside = [p for p in parents if p in graph]
        for parent in inside:
            children.setdefault(parent, []).append(commit)
        waiting[commit] = len(inside)
    ready = [commit for commit, n in waiting.items() if n == 0]
    ordered: list[str] = []
    while ready:
        commit = ready.pop()
        ordered.append(commit)
        for child in children.get(commit, ()):
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    return ordered


def brought_in_all(
    graph: Mapping[str, Sequence[str]], merges: Iterable[str]
) -> dict[str, set[str]]:
    """`brought_in` for each of `merges`, in one pass (`brought_in_bits`)."""
    merges = list(merges)
    found, order = brought_in_bits(graph, merges, graph)
    return {merge: {order[i] for i in _bit_indices(found.get(merge, 0))} for merge in merges}


def _bit_indices(bits: int) -> Iterator[int]:
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def mainline(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """The first-parent line of the window's tip (a release's mainline), newest first; empty
    when the graph has no single tip."""
    tips = set(graph).difference(chain.from_iterable(graph.values()))
    line: list[str] = []
    commit = next(iter(tips)) if len(tips) == 1 else None
    while commit is not None and commit in graph:
        line.append(commit)
        parents = graph[commit]
        commit = parents[0] if parents else None
    return line


def mainline_brought_in(graph: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """What each merge on the first-parent line of the window's tip brought in."""
    return brought_in_all(graph, [c for c in mainline(graph) if len(graph[c]) > 1])


@dataclass(frozen=True, slots=True)
class Pull:
    """One merge of the window: where it came from, what it brought, what it says."""

    hash: str
    subject: str
    kind: str
    refs: tuple[str, ...]
    url: str | None
    tree: str
    parents: int
    architecture: str
    commits: int
    body: str


@dataclass(frozen=True, slots=True)
class TreeFlow:
    tree: str
    merges: int
    commits: int


@dataclass(frozen=True)
class MaintainerFlow:
    pulls: list[Pull]
    trees: list[TreeFlow]
    top_committers: list[Ranked]
    applied_by_others: int
    mainline_merges: int = 0
    """Merges on the release's first-parent line that brought in selected commits, whether
    or not git's path limiting keeps them (`pulls` are the ones it keeps)."""


def merge_architecture(paths: Sequence[str], amap: ArchMap) -> str:
    arches = amap.arches_of(paths) - {COMMON} if paths else frozenset()
    if len(arches) > 1:
        return SEVERAL
    return next(iter(arches), COMMON)


def maintainer_flow(
    records: Sequence[CommitRecord],
    graph: Mapping[str, Sequence[str]],
    amap: ArchMap,
    names: dict[str, str],
    top: int = 10,
) -> MaintainerFlow:
    """The window's pulls (oldest first), commits per tree, committers and applied-by-others."""
    commits = non_merges(records)
    selected = {r.hash for r in commits}
    # A maintainer who only applies patches is not among the authors `names` knows.
    committer_names = {r.committer.key: r.committer.name for r in commits if r.committer.name}
    names = committer_names | names
    pulls = []
    line_merges = [c for c in mainline(graph) if len(graph[c]) > 1]
    merges = [*line_merges, *(r.hash for r in records if r.is_merge)]
    brought, _ = brought_in_bits(graph, merges, selected)
    # Records come newest first; a release's story reads oldest first.
    for record in reversed(records):
        if not record.is_merge:
            continue
        source = parse_merge_subject(record.subject)
        pulls.append(
            Pull(
                hash=record.hash,
                subject=record.subject,
                kind=source.kind,
                refs=source.refs,
                url=source.url,
                tree=source.tree,
                parents=len(record.parents),
                architecture=merge_architecture(record.paths, amap),
                commits=brought.get(record.hash, 0).bit_count(),
                body=(record.body or "")[:BODY_LIMIT],
            )
        )
    per_tree: Counter[str] = Counter(p.tree for p in pulls)
    commits_per_tree: Counter[str] = Counter()
    for pull in pulls:
        commits_per_tree[pull.tree] += pull.commits
    trees = [
        TreeFlow(tree, per_tree[tree], commits_per_tree[tree])
        for tree in sorted(per_tree, key=lambda t: (-commits_per_tree[t], -per_tree[t], t))
    ]
    return MaintainerFlow(
        pulls=pulls,
        trees=trees,
        top_committers=rank((r.committer for r in commits), names, top),
        applied_by_others=sum(1 for r in commits if r.committer.key != r.author.key),
        mainline_merges=sum(1 for merge in line_merges if brought.get(merge)),
    )
