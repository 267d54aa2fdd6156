"""An archive's epoch commits -> message records, reading only the messages not read before.

`read_epoch` is given what an earlier run kept of the epoch (its tip and records, see
`kvmstatus.store.messages`) and returns the epoch as it is now: when the tip did not move, the
same records and nothing read; when the new tip descends from the old one (new messages were
fetched), the old records and the new commits' messages, read through one
`git cat-file --batch` (`COMMIT:m` for each) and parsed by `kvmstatus.mine.messages`; when
history was rewritten (public-inbox can purge a message), the records of the commits still
there are kept and only the others read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.git.archives import (
    Archive,
    epoch_commits,
    epoch_tip,
    holds_message,
    is_ancestor,
    read_blobs,
)
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.messages import parse_message
from kvmstatus.model.records import MessageRecord


@dataclass(frozen=True)
class EpochMessages:
    """One epoch's messages in the order the archive received them."""

    tip: str | None
    records: tuple[MessageRecord, ...]
    read: int = 0
    """Messages read from git by this call (0: everything was known)."""


def read_epoch(
    repo: GitRepo,
    previous_tip: str | None = None,
    previous: Sequence[MessageRecord] = (),
    limit: int | None = None,
    on_new: Callable[[int], None] | None = None,
) -> EpochMessages:
    """The epoch's records, reusing `previous` (the records up to `previous_tip`).

    With `limit`, at most that many new messages are read and `tip` is the last commit read,
    so a caller can store its progress and call again until the tip is reached. `on_new`
    hears how many messages are new before they are read.
    """
    try:
        tip = epoch_tip(repo)
        if tip is None:
            return EpochMessages(None, ())
        if tip == previous_tip:
            return EpochMessages(tip, tuple(previous))
        if not holds_message(repo, tip):
            raise UserError(
                f"{repo.path} is no list archive: its last commit holds no message (public-inbox "
                "keeps each in a file `m`); give a public-inbox archive or one of its epochs"
            )
        if previous_tip is not None and is_ancestor(repo, previous_tip, tip):
            todo = epoch_commits(repo, tip, previous_tip)
            kept = list(previous)
        else:
            known = {r.commit: r for r in previous}
            listed = epoch_commits(repo, tip)
            kept = [known[c] for c, _ in listed if c in known]
            todo = [(c, stamp) for c, stamp in listed if c not in known]
            if todo and kept:
                # Rewritten history (a purge): keep the archive's order, read only what is new.
                new = dict(zip((c for c, _ in todo), _read(repo, todo), strict=True))
                records = [known.get(c) or new[c] for c, _ in listed]
                return EpochMessages(tip, tuple(r for r in records if r is not None), len(todo))
        if on_new is not None and todo:
            on_new(len(todo))
        if limit is not None and len(todo) > limit:
            todo = todo[:limit]
            tip = todo[-1][0]
        read = [r for r in _read(repo, todo) if r is not None]
        return EpochMessages(tip, (*kept, *read), len(todo))
    except GitFailure as exc:
        raise UserError(f"cannot read the list archive {repo.path}: {exc}") from None


def archive_tips(archive: Archive) -> list[list[str | None]]:
    """Each epoch's name and the commit its messages end at now."""
    return [[epoch.name, epoch_tip_of(GitRepo(epoch.path))] for epoch in archive.epochs]


def epoch_tip_of(repo: GitRepo) -> str | None:
    """Where the epoch ends now (see `read_epoch`'s `limit`)."""
    try:
        return epoch_tip(repo)
    except GitFailure as exc:
        raise UserError(f"cannot read the list archive {repo.path}: {exc}") from None


def _read(repo: GitRepo, commits: Sequence[tuple[str, int]]) -> list[MessageRecord | None]:
    """The messages of `commits` (None for a commit without `m`: one that removed a message)."""
    blobs = read_blobs(repo, [f"{commit}:m" for commit, _ in commits])
    return [
        None if raw is None else parse_message(raw, commit, datetime.fromtimestamp(stamp, UTC))
        for (commit, stamp), raw in zip(commits, blobs, strict=True)
    ]
