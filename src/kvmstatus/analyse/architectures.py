"""Which architecture a commit belongs to: a name -> path patterns mapping, and per-arch tables.

Patterns follow git's `:(glob)` rules: `dir/` is the directory and all below it, `*` and `?`
stay within one path component, `**` crosses components. A commit counts for every
architecture one of its touched paths matches; a path that matches no architecture counts for
`common`, so the architectures of a window add up to at least its commits, and to exactly its
commits when no commit spans two (see `arch_commit_counts`).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kvmstatus.analyse.metrics import (
    Ranked,
    TrailerCount,
    count_trailers,
    display_names,
    non_merges,
    rank,
)
from kvmstatus.errors import UserError
from kvmstatus.model.records import CommitRecord
from kvmstatus.shared.labels import COMMON, DEFAULT_ARCH_MAPPING
from kvmstatus.shared.shipped import shipped

TESTING = "testing"
PROJECT = "project"
"""The reserved key of the words that name the project in subject prefixes."""


_Arches = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ArchMap:
    """Architecture names in display order, each with its path patterns, the test-suite
    paths (`testing`) whose activity is reported per architecture, and the words that name
    the project itself in subject prefixes (`project`: `xen` in `xen/arm: ...`), which no
    topic is."""

    arches: tuple[tuple[str, tuple[str, ...]], ...]
    testing: tuple[str, ...] = ()
    project: tuple[str, ...] = ()
    _seen: dict[tuple[str, ...], frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Answers per path list: every table of a window asks about the same commits (a lookup
    hashes only the paths; a module-level cache would hash the whole mapping each time)."""
    _paths: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Answers per path: the same few thousand paths recur in every window."""

    @property
    def names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.arches), COMMON)

    def arches_of(self, paths: Sequence[str]) -> frozenset[str]:
        """The architectures a commit touching `paths` counts for."""
        key = paths if isinstance(paths, tuple) else tuple(paths)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= CACHED:  # bounded: a long `serve` keeps its map
                self._seen.clear()
            found = self._seen[key] = self._arches_of(key)
        return found

    def _arches_of(self, paths: tuple[str, ...]) -> frozenset[str]:
        found: set[str] = set()
        for path in paths:
            hits = self._paths.get(path)
            if hits is None:
                if len(self._paths) >= CACHED:
                    self._paths.clear()
                named = (name for name, patterns in self.arches if _matches(path, patterns))
                hits = self._paths[path] = frozenset(named) or _COMMON
            found |= hits
        # A commit with no path in the selection (an empty commit, no pathspec) is common.
        return frozenset(found) if found else _COMMON


CACHED = 1 << 16
"""Path lists, and paths, whose answers an `ArchMap` keeps."""
_COMMON = frozenset({COMMON})


def glob_regex(pattern: str) -> re.Pattern[str]:
    """git `:(glob)` semantics for one pattern; a trailing slash means the whole directory."""
    return re.compile(_glob_source(pattern) + r"\Z")


def _glob_source(pattern: str) -> str:
    if pattern.endswith("/"):
        pattern += "**"
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(f"(?:{_glob_source(p)})" for p in patterns) + r")\Z")


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return bool(patterns) and _compiled(patterns).match(path) is not None


def parse_arch_map(data: Mapping[str, object], source: str) -> ArchMap:
    arches = []
    testing: tuple[str, ...] = ()
    project: tuple[str, ...] = ()
    for name, patterns in data.items():
        if name == COMMON:
            raise UserError(f"{source}: {COMMON!r} is implicit (everything unmatched); remove it")
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise UserError(f"{source}: {name!r} must be a list of path patterns")
        if name == TESTING:
            testing = tuple(patterns)
        elif name == PROJECT:
            project = tuple(p.casefold() for p in patterns)
        else:
            arches.append((name, tuple(patterns)))
    if not arches:
        raise UserError(f"{source}: the architecture mapping is empty")
    return ArchMap(tuple(arches), testing, project)


def load_arch_map(spec: str = DEFAULT_ARCH_MAPPING) -> ArchMap:
    """A shipped mapping by name (`linux-kvm`, `kvm-unit-tests`) or a TOML file of one."""
    mappings = tomllib.loads(shipped("architectures.toml").read_text(encoding="utf-8"))
    if spec in mappings:
        return parse_arch_map(mappings[spec], f"architectures.toml [{spec}]")
    path = Path(spec)
    if not path.is_file():
        names = ", ".join(sorted(mappings))
        raise UserError(f"unknown architecture mapping {spec!r}: use one of {names} or a file")
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"cannot read architecture mapping {path}: {exc}") from None
    return parse_arch_map(data, str(path))


@dataclass(frozen=True, slots=True)
class ArchStats:
    name: str
    commits: int
    authors: int
    trailers: dict[str, TrailerCount]
    top_authors: list[Ranked]


def split_by_arch(records: Sequence[CommitRecord], amap: ArchMap) -> dict[str, list[CommitRecord]]:
    """Non-merge records per architecture (a record can be in several), in `amap.names` order."""
    groups: dict[str, list[CommitRecord]] = {name: [] for name in amap.names}
    for record in non_merges(records):
        for name in amap.arches_of(record.paths):
            groups[name].append(record)
    return groups


def arch_stats(
    records: Sequence[CommitRecord],
    amap: ArchMap,
    top: int = 5,
    names: dict[str, str] | None = None,
) -> list[ArchStats]:
    names = display_names(records) if names is None else names
    return [
        ArchStats(
            name=name,
            commits=len(group),
            authors=len({r.author.key for r in group}),
            trailers=count_trailers(group),
            top_authors=rank((r.author for r in group), names, top),
        )
        for name, group in split_by_arch(records, amap).items()
    ]


def arch_commit_counts(records: Sequence[CommitRecord], amap: ArchMap) -> Counter[int]:
    """How many architectures each non-merge commit counts for: {1: n1, 2: n2, ...}.

    The per-architecture commit counts sum to `sum(k * n_k)`: the cross-check that nothing
    is lost or counted by accident.
    """
    return Counter(len(amap.arches_of(r.paths)) for r in non_merges(records))


def testing_by_arch(records: Sequence[CommitRecord], amap: ArchMap) -> dict[str, int]:
    """Non-merge commits touching the test-suite paths, per architecture of those paths."""
    counts: Counter[str] = Counter()
    if not amap.testing:
        return {}
    for record in non_merges(records):
        tests = [p for p in record.paths if _matches(p, amap.testing)]
        if tests:
            counts.update(amap.arches_of(tests))
    return {name: counts[name] for name in amap.names if counts[name]}
