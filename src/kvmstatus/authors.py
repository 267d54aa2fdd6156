"""Who is a first-time author: a window's authors judged against everyone before it.

Window i's first-time authors are its non-merge authors who wrote no non-merge commit

* in any earlier window's selection (each window with its own pathspecs: the people its
  author table lists), nor
* before the first window, in the first window's pathspecs (`git log --no-merges A_1 -- P_1`).

So an author who appears in an earlier window's table never counts as new again, and no
commit is walked twice: the windows' own records (`metrics.author_contacts`) give their
authors, and only the history before the first window takes one more `git log`, cached under
a key of its range and pathspecs, so a run after a new release walks nothing.

Identities are compared raw (`%an <%ae>`) after one `git check-mailmap` with the `.mailmap`
of the newest window: a newer `.mailmap` can map an old address to a person's current one,
and the same person must not count as new under another address.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from kvmstatus.dataset import write_json
from kvmstatus.gitcmd import GitRepo
from kvmstatus.releases import ReleaseWindow

Contacts = Mapping[str, Sequence[str]]
"""A window's authors: author key (as its tables give it) -> the raw `Name <email>` contacts
its commits carry."""


def _walk(repo: GitRepo, revisions: Sequence[str], pathspecs: Sequence[str]) -> list[str]:
    out = repo.run(
        "log", "--no-merges", "--no-mailmap", "--format=%an <%ae>", *revisions, "--", *pathspecs
    )
    return sorted(set(out.decode("utf-8", "replace").splitlines()) - {""})


def _cached_walk(
    repo: GitRepo, revisions: list[str], pathspecs: Sequence[str], cache: Path | None
) -> list[str]:
    if cache is None:
        return _walk(repo, revisions, pathspecs)
    key = hashlib.sha256(json.dumps([revisions, list(pathspecs)]).encode()).hexdigest()
    path = cache / f"{key}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(stored, list) and all(isinstance(c, str) for c in stored):
            return stored
    except (OSError, ValueError):
        pass  # missing or corrupt: walk again
    contacts = _walk(repo, revisions, pathspecs)
    write_json(path, contacts)
    return contacts


def new_author_keys(
    repo: GitRepo,
    windows: Sequence[ReleaseWindow],
    contacts: Sequence[Contacts],
    first_pathspecs: Sequence[str],
    cache: Path | None = None,
) -> list[set[str]]:
    """For each window, the keys of its authors (as `contacts` names them) who are new."""
    if not windows:
        return []
    first = windows[0]
    before = _cached_walk(repo, [first.start.commit], first_pathspecs, cache) if first.start else []
    everything = set(before) | {c for window in contacts for cs in window.values() for c in cs}
    mapped = repo.check_mailmap(windows[-1].end.commit, everything)

    def key(contact: str) -> str:
        return mapped.get(contact, contact).rpartition("<")[2].rstrip(">").lower()

    seen = {key(c) for c in before}
    new: list[set[str]] = []
    for window in contacts:
        keys = {author: {key(c) for c in cs} or {author} for author, cs in window.items()}
        new.append({author for author, ks in keys.items() if not ks & seen})
        seen.update(k for ks in keys.values() for k in ks)
    return new
