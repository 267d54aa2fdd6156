"""The values that flow from mining to metrics: frozen, printable, git-free.

A `CommitRecord` is everything the metrics need to know about one commit of a window. It is
built once by `kvmstatus.mine.log` and never changes afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Person:
    """A name and an email as they stand after mailmapping."""

    name: str
    email: str
    key: str = field(init=False, repr=False, compare=False)
    """The identity people are counted by: the mailmapped email, lowercased."""

    def __post_init__(self) -> None:
        # Asked for millions of times over a kernel history: computed once.
        object.__setattr__(self, "key", self.email.lower())


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
    is_merge: bool = field(init=False, repr=False, compare=False)
    by_key: Mapping[str, tuple[Trailer, ...]] = field(init=False, repr=False, compare=False)
    """The trailers per key, in message order: every table asks for one key at a time."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_merge", len(self.parents) > 1)
        grouped: dict[str, tuple[Trailer, ...]] = {}
        for trailer in self.trailers:
            grouped[trailer.key] = (*grouped.get(trailer.key, ()), trailer)
        object.__setattr__(self, "by_key", MappingProxyType(grouped))

    def trailers_of(self, key: str) -> tuple[Trailer, ...]:
        return self.by_key.get(key, ())


# --- Fixes: lines, traced to the commits they name (`kvmstatus.mine.fixes`) -------------------

UNPARSEABLE = "unparseable"
UNKNOWN = "unknown-hash"
AMBIGUOUS = "ambiguous-hash"
SHORT = "short-hash"
NO_SUBJECT = "no-subject"
MISMATCH = "subject-mismatch"
PROBLEM_KINDS: tuple[str, ...] = (UNPARSEABLE, UNKNOWN, AMBIGUOUS, SHORT, NO_SUBJECT, MISMATCH)


@dataclass(frozen=True, slots=True)
class FixesRef:
    """One `Fixes:` line of a fixing commit, as written and as parsed."""

    commit: str
    author: str
    """The fixing commit's author key: mailmapped email, lowercased."""
    value: str
    quoted_hash: str | None
    quoted_subject: str | None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class FixedCommit:
    """The commit a `Fixes:` line names, as git knows it."""

    hash: str
    subject: str
    author: str
    """Mailmapped author email, lowercased (the window end's `.mailmap`)."""
    author_date: datetime
    committer_date: datetime
    release: str | None
    """The first release in version order that contains it; None: no release does yet."""
    in_selection: bool


@dataclass(frozen=True, slots=True)
class FixesFinding:
    """One `Fixes:` line with its problems and, when it resolves, the bug's provenance."""

    ref: FixesRef
    problems: tuple[str, ...]
    target: FixedCommit | None
    lifetime_days: float | None
    releases_apart: int | None
    same_release: bool | None

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def introduced_in(self) -> str | None:
        return self.target.release if self.target else None


# --- Mailing-list messages (`kvmstatus.mine.messages`) ------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message of a mailing-list archive (a public-inbox epoch commit and its `m` file),
    as the standard library's `email` package reads it. Nothing here is interpreted yet:
    which messages are patches, series and replies is `kvmstatus.analyse.review`'s."""

    commit: str
    """The epoch commit that holds the message: its identity in the archive."""
    message_id: str | None
    """`Message-ID:` without its angle brackets; None when missing."""
    in_reply_to: str | None
    """The first message id of `In-Reply-To:`."""
    references: tuple[str, ...]
    """The message ids of `References:`, in order."""
    subject: str
    """Decoded (RFC 2047), unfolded, whitespace collapsed."""
    sender: Person
    """`From:`, its name decoded, the address as written (`Person.key` lowercases it)."""
    time: datetime
    """`Date:` in UTC, or the commit's author date when `dated` is False."""
    dated: bool = True
    """Whether `time` came from a usable `Date:` header."""
    author: Person | None = None
    """A patch's in-body `From:` line (someone else's patch, sent on by `git send-email`)."""
    paths: tuple[str, ...] = ()
    """The files the message's diff touches (`diff --git a/X b/X` lines of its text part)."""
    tags: tuple[Trailer, ...] = ()
    """`Reviewed-by:`, `Acked-by:`, `Tested-by:` lines of its text, not the quoted (`>`) ones."""
    problem: str | None = None
    """Why the message could not be parsed; None for every message that could."""


@dataclass(frozen=True, slots=True)
class LinkCommit:
    """A commit as linking it to the patch message it was applied from needs it
    (`kvmstatus.mine.posted` reads it, `kvmstatus.analyse.review` links it)."""

    hash: str
    subject: str
    author: str
    """Mailmapped author address, lowercased."""
    time: datetime
    """Committer date: when the patch was applied."""
    message_ids: tuple[str, ...] = ()
    """The message ids its `Link:` (a lore or msgid.link address) and `Message-Id:` trailers
    name, in message order."""


TRAILER = "trailer"
"""A commit linked by the message its `Link:` or `Message-Id:` trailer names."""
SUBJECT = "subject"
"""A commit linked by its subject and author."""
LINK_METHODS: tuple[str, ...] = (TRAILER, SUBJECT)
"""How a commit is linked to the patch it was applied from, in the order they are tried."""
