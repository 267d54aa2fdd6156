"""Who is a first-time author: a window's authors judged against everyone before it.

Two definitions, one per way of asking:

* A release window of a history (`new_author_keys`): its non-merge authors who wrote no
  non-merge commit in any earlier window's selection (each window with its own pathspecs:
  the people its author table lists), nor before the first window, in the first window's
  pathspecs (`git log --no-merges A_1 -- P_1`). So an author who appears in an earlier
  window's table never counts as new again. Identities are compared raw (`%an <%ae>`) after
  one `git check-mailmap` with the `.mailmap` of the newest window: a newer `.mailmap` can
  map an old address to a person's current one, and the same person must not count as new
  under another address.
* One range `A..B` on its own (`first_time_authors`, for `kvmstatus stats`): its authors with
  no non-merge commit in the selection before `A`.

Pure: the git walks and the mailmapping are `kvmstatus.mine.authors`' and the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kvmstatus.analyse.metrics import Ranked, display_names, non_merges, rank
from kvmstatus.model.records import CommitRecord

Contacts = Mapping[str, Sequence[str]]
"""A window's authors: author key (as its tables give it) -> the raw `Name <email>` contacts
its commits carry."""


def author_contacts(records: Sequence[CommitRecord]) -> dict[str, list[str]]:
    """Each non-merge author's key -> the raw `Name <email>` contacts (before mailmapping)
    of their commits: what `new_author_keys` maps with a newer `.mailmap`."""
    found: dict[str, set[str]] = {}
    for record in non_merges(records):
        raw = record.raw_author or record.author
        found.setdefault(record.author.key, set()).add(f"{raw.name} <{raw.email}>")
    return {author: sorted(contacts) for author, contacts in sorted(found.items())}


def first_time_authors(
    records: Sequence[CommitRecord],
    earlier_authors: Iterable[str],
    top: int = 0,
    names: dict[str, str] | None = None,
) -> list[Ranked]:
    """Authors of the window whose key is not among `earlier_authors` (keys before the window)."""
    before = set(earlier_authors)
    commits = non_merges(records)
    names = display_names(records) if names is None else names
    return rank((r.author for r in commits if r.author.key not in before), names, top)


def new_author_keys(
    before: Iterable[str], windows: Sequence[Contacts], mapped: Mapping[str, str]
) -> list[set[str]]:
    """For each window (oldest first), the keys of its authors (as its contacts name them)
    who are new. `before`: the raw contacts of the history before the first window;
    `mapped`: every raw contact -> its mailmapped contact (unmapped ones map to themselves)."""

    def key(contact: str) -> str:
        return mapped.get(contact, contact).rpartition("<")[2].rstrip(">").lower()

    seen = {key(c) for c in before}
    new: list[set[str]] = []
    for window in windows:
        keys = {author: {key(c) for c in cs} or {author} for author, cs in window.items()}
        new.append({author for author, ks in keys.items() if not ks & seen})
        seen.update(k for ks in keys.values() for k in ks)
    return new


def all_contacts(before: Iterable[str], windows: Sequence[Contacts]) -> set[str]:
    """Every raw contact `new_author_keys` asks about: what to mailmap first."""
    return set(before) | {c for window in windows for cs in window.values() for c in cs}
