"""Who wrote to the list, as the project knows them: senders mapped by its `.mailmap`.

`list_identity` asks `git check-mailmap` once for every sender and in-body author of the
messages (`Name <address>`, or `<address>` when the name holds an angle bracket), with the
`.mailmap` committed at a revision of the project (the last release), and keeps the
addresses it changes. The review counts people by these addresses (`analyse.review.thread`).
"""

from __future__ import annotations

from collections.abc import Iterable

from kvmstatus.git.repo import GitRepo
from kvmstatus.model.records import MessageRecord

_ANGLES = frozenset("<>")


def list_identity(repo: GitRepo, rev: str, records: Iterable[MessageRecord]) -> dict[str, str]:
    """Lowercased address -> the address the project's `.mailmap` at `rev` gives it (only
    the ones it changes), in one `git check-mailmap`."""
    contacts = {
        f"{p.name} <{p.email}>" if p.name and not _ANGLES & set(p.name) else f"<{p.email}>"
        for r in records
        for p in (r.sender, r.author)
        if p is not None and p.email
    }
    identity: dict[str, str] = {}
    for contact, mapped in repo.check_mailmap(rev, contacts).items():
        before = contact.rpartition("<")[2].rstrip(">").lower()
        after = mapped.rpartition("<")[2].rstrip(">").lower()
        if after and after != before:
            identity[before] = after
    return identity
