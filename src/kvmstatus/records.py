"""The values that flow from mining to metrics: frozen, printable, git-free.

A `CommitRecord` is everything the metrics need to know about one commit of a window. It is
built once by `kvmstatus.mining` and never changes afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Person:
    """A name and an email as they stand after mailmapping."""

    name: str
    email: str

    @property
    def key(self) -> str:
        """The identity people are counted by: the mailmapped email, lowercased."""
        return self.email.lower()


@dataclass(frozen=True, slots=True)
class Trailer:
    """One `Key: value` line of a commit message, with the key in its canonical spelling.

    `person` is set for person-valued keys (Reviewed-by, Cc, ...) when the value parses as
    `Name <email>` or a bare address; it stays None for other keys and for values that do not
    parse, which `malformed` reports.
    """

    key: str
    value: str
    person: Person | None = None
    malformed: bool = False


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """One commit of a release window, restricted to the selected paths."""

    hash: str
    parents: tuple[str, ...]
    author: Person
    author_date: datetime
    committer: Person
    committer_date: datetime
    subject: str
    trailers: tuple[Trailer, ...]
    paths: tuple[str, ...]
    undecodable: bool = False
    body: str | None = None
    """The message after the subject, for merge commits only (a pull request's summary);
    None for every other commit, so a window's records stay small."""
    raw_author: Person | None = None
    """The author as the commit itself names them, before mailmapping (`%an`, `%ae`): a
    newer `.mailmap` than the window's may map this address to someone else."""

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def trailers_of(self, key: str) -> tuple[Trailer, ...]:
        return tuple(t for t in self.trailers if t.key == key)
