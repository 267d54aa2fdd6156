"""Releases and their windows: the tags that are releases, and the commits each one added.

A window `A..B` has `git rev-list A..B` semantics: every commit reachable from B and not
from A, so a topic branch forked before A and merged before B belongs to the window. Finding
them in a repository is `kvmstatus.mine.releases`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KERNEL_RELEASE_PATTERN = r"^v\d+\.\d+$"
"""The kernel's release tags (`v6.12`), the default pattern."""


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag that names a commit. `date` is the tagged commit's committer date."""

    name: str
    commit: str
    date: datetime


@dataclass(frozen=True, slots=True)
class ReleaseWindow:
    """The commits a release added: `start..end`, or all of `end`'s history for the first."""

    start: Tag | None
    end: Tag

    @property
    def name(self) -> str:
        return self.end.name

    @property
    def range(self) -> str:
        return f"{self.start.name}..{self.end.name}" if self.start else self.end.name


@dataclass(frozen=True)
class Releases:
    """A repository's releases: the windows to report, every release tag in version order
    (the introducing release of a fixed bug can be older than the first window), and the
    tags that do not point to a commit."""

    windows: list[ReleaseWindow]
    tags: list[Tag]
    skipped: list[str]
