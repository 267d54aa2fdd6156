"""The per-window Fixes: numbers, from the findings `kvmstatus.mine.fixes` traced. Pure.

The median and the 90th percentile of bug lifetimes use the nearest-rank method (value at
1-based rank ceil(p/100 * n) of the sorted lifetimes), so both are observed lifetimes and the
median of an even count is the lower middle value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kvmstatus.model.records import PROBLEM_KINDS, FixesFinding
from kvmstatus.shared.numbers import by_count, nearest_rank
from kvmstatus.shared.versions import version_key


@dataclass(frozen=True, slots=True)
class FixesSummary:
    """The per-window numbers. Counts are of `Fixes:` lines unless said otherwise."""

    lines: int
    valid: int
    invalid: int
    problems: tuple[tuple[str, int], ...]
    """Lines with each problem, in `PROBLEM_KINDS` order, zeros included."""
    resolved: int
    in_selection: int
    same_release: int
    median_lifetime_days: float | None
    p90_lifetime_days: float | None
    introduced_in: tuple[tuple[str | None, int], ...]
    """Resolved lines per introducing release, in version order; None (unreleased) last."""
    top_fixers: tuple[tuple[str, int], ...]
    """Authors of commits carrying a `Fixes:` line: commits per author, most first."""
    top_fixed_authors: tuple[tuple[str, int], ...]
    """Authors of fixed commits: distinct fixed commits per author, most first."""

    def problem_count(self, kind: str) -> int:
        return dict(self.problems)[kind]


def _top(counts: Counter[str], top: int) -> tuple[tuple[str, int], ...]:
    return tuple(by_count(counts)[:top])


def _release_order(name: str | None) -> tuple[int, tuple[tuple[int, ...], int, int, str]]:
    return (1, ((), 0, 0, "")) if name is None else (0, version_key(name))


def summarize_fixes(findings: Sequence[FixesFinding], top: int = 10) -> FixesSummary:
    """Counts, lifetime percentiles, introducing releases and top people of one window."""
    resolved = [f for f in findings if f.target is not None]
    lifetimes = [f.lifetime_days for f in resolved if f.lifetime_days is not None]
    releases = Counter(f.introduced_in for f in resolved)
    fixers = Counter(author for _, author in {(f.ref.commit, f.ref.author) for f in findings})
    fixed = Counter(t.author for t in {f.target for f in resolved if f.target is not None})
    return FixesSummary(
        lines=len(findings),
        valid=sum(1 for f in findings if f.valid),
        invalid=sum(1 for f in findings if not f.valid),
        problems=tuple((k, sum(1 for f in findings if k in f.problems)) for k in PROBLEM_KINDS),
        resolved=len(resolved),
        in_selection=sum(1 for f in resolved if f.target is not None and f.target.in_selection),
        same_release=sum(1 for f in resolved if f.same_release),
        median_lifetime_days=nearest_rank(lifetimes, 50),
        p90_lifetime_days=nearest_rank(lifetimes, 90),
        introduced_in=tuple(sorted(releases.items(), key=lambda kv: _release_order(kv[0]))),
        top_fixers=_top(fixers, top),
        top_fixed_authors=_top(fixed, top),
    )
