"""Who wrote before each window: the input of first-time authors, cached across runs.

For window i, the earlier authors are the authors of every non-merge commit before it in the
union of all windows' selections (`git log --no-merges START -- P`). The walk is split by
window: one `git log` for the history before the first window and one per window, each of
which is cached under a key of its range and pathspecs, so a run after a new release walks
only the new window. Identities are cached raw (`%an <%ae>`) and mapped in one
`git check-mailmap` with the `.mailmap` of the newest window, because a newer `.mailmap` can
map an old address, and the same person must not count as new under another address.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from kvmstatus.dataset import write_json
from kvmstatus.gitcmd import GitRepo
from kvmstatus.releases import ReleaseWindow


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


def earlier_author_sets(
    repo: GitRepo,
    windows: Sequence[ReleaseWindow],
    pathspecs: Sequence[str],
    cache: Path | None = None,
) -> list[set[str]]:
    """For each window, the mailmapped lowercased emails of every author before it."""
    if not windows:
        return []
    first = windows[0]
    ranges = [[first.start.commit]] if first.start else []
    ranges += [[w.end.commit, *([f"^{w.start.commit}"] if w.start else [])] for w in windows]
    contacts = [_cached_walk(repo, revs, pathspecs, cache) for revs in ranges]
    mapped = repo.check_mailmap(windows[-1].end.commit, {c for cs in contacts for c in cs})

    def keys(raw: list[str]) -> set[str]:
        return {mapped.get(c, c).rpartition("<")[2].rstrip(">").lower() for c in raw}

    per_range = [keys(cs) for cs in contacts]
    seen = per_range.pop(0) if first.start else set()
    sets = []
    for authors in per_range:
        sets.append(set(seen))
        seen |= authors
    return sets
