"""Yearly periods: what "the last year" and the years before it cover, compared on equal spans.

A `Span` is either whole release cycles (`start..end`, `git rev-list A..B` semantics) or a
calendar year: the commits reachable from a release whose committer date falls in
(`since`, `until`], which is `git rev-list --since-as-filter=SINCE+1s --until=UNTIL END`.
Choosing the spans is `kvmstatus.analyse.periods.year_spans`; mining one is
`kvmstatus.jobs.window.compute_period`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from kvmstatus.model.releases import Tag

YEAR_LABELS = ("this year", "1 year earlier", "2 years earlier")
"""The periods' labels, newest first."""
YEAR_DAYS = 365
TOLERANCE = 0.10
"""How far a period may differ from `YEAR_DAYS` (10%: 329 to 401 days)."""

GIT_DATE = "%Y-%m-%d %H:%M:%S +0000"
"""How `Span.dates` writes a time for git (`--since-as-filter`, `--until`)."""


@dataclass(frozen=True, slots=True)
class Span:
    """One yearly period."""

    label: str
    kind: Literal["releases", "calendar"]
    start: Tag | None
    """The release the period starts after (releases); None for a calendar period."""
    end: Tag
    """The release the period ends with (releases), or whose history it counts (calendar)."""
    since: datetime
    """Exclusive: the start release's date, or the calendar year's start (UTC)."""
    until: datetime
    """Inclusive: the end release's date, or the calendar year's end (UTC)."""
    releases: tuple[str, ...]
    """The release windows it is made of (releases), or those that end in it (calendar)."""

    @property
    def days(self) -> float:
        return (self.until - self.since).total_seconds() / 86400

    @property
    def range(self) -> str:
        """For readers: `A..B` (releases), or `B` with the dates (calendar)."""
        if self.kind == "releases" and self.start is not None:
            return f"{self.start.name}..{self.end.name}"
        return f"{self.end.name}, {self.since:%Y-%m-%d} to {self.until:%Y-%m-%d}"

    @property
    def dates(self) -> tuple[str, str] | None:
        """The calendar filter as git takes it (`--since-as-filter`, `--until`, both
        inclusive, to the second): None for release cycles."""
        if self.kind == "releases":
            return None
        first = self.since + timedelta(seconds=1)
        return first.strftime(GIT_DATE), self.until.strftime(GIT_DATE)

    @property
    def revisions(self) -> list[str]:
        """What git walks for it: `end ^start`, or `end` with the date filter."""
        if self.kind == "releases" and self.start is not None:
            return [self.end.name, f"^{self.start.name}"]
        assert self.dates is not None
        since, until = self.dates
        return [f"--since-as-filter={since}", f"--until={until}", self.end.name]
