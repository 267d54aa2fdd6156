"""The authors before a window, from git: what first-time authors are judged against.

`earlier_contacts` walks the history before the first window (`git log --no-merges
--no-mailmap --format='%an <%ae>' A -- P`), once for every window (theirs come from their own
records); `history` starts that walk before the windows, the jobs of a run cache its answer,
so a run after a new release walks nothing. `author_keys` gives the mailmapped
authors before one range (`kvmstatus stats`). The judging itself is
`kvmstatus.analyse.newcomers`'.
"""

from __future__ import annotations

from collections.abc import Sequence

from kvmstatus.git.repo import GitRepo, Started, log_config


def earlier_contacts(repo: GitRepo, start: str | None, pathspecs: Sequence[str]) -> list[str]:
    """The raw `Name <email>` contacts of the non-merge authors of `start`'s history within
    `pathspecs`, sorted (none when `start` is None): one `git log`."""
    return read_earlier_contacts(start_earlier_contacts(repo, start, pathspecs))


def start_earlier_contacts(
    repo: GitRepo, start: str | None, pathspecs: Sequence[str]
) -> Started | None:
    """`earlier_contacts`' git, started now to be read later (`read_earlier_contacts`): the
    walk of all history before the first window runs while the windows are computed."""
    if start is None:
        return None
    return repo.start(
        "log", "--no-merges", "--no-mailmap", "--format=%an <%ae>", start, "--", *pathspecs
    )


def read_earlier_contacts(started: Started | None) -> list[str]:
    if started is None:
        return []
    out = b"".join(started.chunks())
    return sorted(set(out.decode("utf-8", "replace").splitlines()) - {""})


def author_keys(
    repo: GitRepo, revisions: Sequence[str], pathspecs: Sequence[str], mailmap_rev: str
) -> set[str]:
    """Mailmapped, lowercased emails of the non-merge authors of `revisions` in `pathspecs`.

    One `git log`; used to tell first-time authors from returning ones.
    """
    out = repo.run(
        "log",
        "--no-merges",
        "--format=%aE",
        *revisions,
        "--",
        *pathspecs,
        config=log_config(mailmap_rev),
    )
    return {line.lower() for line in out.decode("utf-8", "replace").split("\n") if line}
