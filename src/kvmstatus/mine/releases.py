"""Which tags are releases, in version order, and the window each release closes.

A window `A..B` has `git rev-list A..B` semantics: every commit reachable from B and not
from A, so a topic branch forked before A and merged before B belongs to the window.
"""

from __future__ import annotations

import bisect
import re
from datetime import UTC, datetime

from kvmstatus.errors import COMMAND_LINE, GitFailure, Origin, UserError, quoted
from kvmstatus.git.repo import GitRepo
from kvmstatus.model.releases import KERNEL_RELEASE_PATTERN, Releases, ReleaseWindow, Tag
from kvmstatus.shared.versions import version_key


def compile_pattern(pattern: str, origin: Origin = COMMAND_LINE) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UserError(
            f"invalid tag pattern {origin.key('release_pattern')} {quoted(pattern)}: {exc}"
        ) from None


def list_tags(repo: GitRepo) -> tuple[list[Tag], list[str]]:
    """Every tag that names a commit, and the names of tags that do not (trees, blobs).

    Tags are peeled as git peels `TAG^{commit}`: through any number of tag objects (Xen's
    `RELEASE-4.5.0` is a tag of a tag). `for-each-ref` peels one level in one process; the
    rare tags it leaves at a tag are followed to the end by `_peel_nested`."""
    fmt = "%00".join(
        [
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(objectname)",
            "%(committerdate:unix)",
            "%(*objecttype)",
            "%(*objectname)",
            "%(*committerdate:unix)",
        ]
    )
    out = repo.text("for-each-ref", f"--format={fmt}", "refs/tags")
    peeled: dict[str, Tag | None] = {}  # in git's order; None: names no commit
    nested: list[str] = []
    for line in out.splitlines():
        name, kind, obj, date, peeled_kind, target, target_date = line.split("\0")
        if kind == "commit":
            peeled[name] = Tag(name, obj, _date(date))
        elif kind == "tag" and peeled_kind == "commit":
            peeled[name] = Tag(name, target, _date(target_date))
        else:
            peeled[name] = None
            if kind == "tag" and peeled_kind == "tag":
                nested.append(name)
    if nested:
        peeled.update(_peel_nested(repo, nested))
    tags = [tag for tag in peeled.values() if tag is not None]
    return tags, [name for name, tag in peeled.items() if tag is None]


def _peel_nested(repo: GitRepo, names: list[str]) -> dict[str, Tag]:
    """The tags of tags among `names` that end at a commit (`refs/tags/NAME^{}`), with the
    commit's committer date: two git processes, for the few such tags there are."""
    query = "".join(f"refs/tags/{name}^{{}}\n" for name in names).encode()
    out = repo.text("cat-file", "--batch-check=%(objectname) %(objecttype)", input=query)
    commits = {
        name: answer.split()[0]
        for name, answer in zip(names, out.splitlines(), strict=True)
        if answer.endswith(" commit")
    }
    if not commits:
        return {}
    unique = sorted(set(commits.values()))
    dated = repo.text("log", "--no-walk=unsorted", "--format=%H %ct", *unique)
    dates = dict(line.split() for line in dated.splitlines())
    return {name: Tag(name, commit, _date(dates[commit])) for name, commit in commits.items()}


def _date(unix: str) -> datetime:
    return datetime.fromtimestamp(int(unix or 0), tz=UTC)


def release_tags(
    tags: list[Tag], pattern: str = KERNEL_RELEASE_PATTERN, origin: Origin = COMMAND_LINE
) -> list[Tag]:
    """The tags matching `pattern`, sorted by version (not by date or name)."""
    regex = compile_pattern(pattern, origin)
    return sorted((t for t in tags if regex.search(t.name)), key=lambda t: version_key(t.name))


def release_windows(releases: list[Tag]) -> list[ReleaseWindow]:
    """Each release's window: from the previous release (in version order) to it."""
    return [
        ReleaseWindow(start=releases[i - 1] if i else None, end=tag)
        for i, tag in enumerate(releases)
    ]


def windows_by_dates(
    repo: GitRepo, branch: str, anchors: list[tuple[str, datetime]], origin: Origin = COMMAND_LINE
) -> list[ReleaseWindow]:
    """Windows of a project without release tags, aligned to another project's releases.

    For each anchor (a release name and its date) the boundary is the newest commit on
    `branch`'s first-parent line committed at or before that date; each window runs from the
    previous anchor's boundary to this one (git range semantics again). Anchors before the
    branch's first commit give no window. One `git log` for all anchors.
    """
    try:
        out = repo.text("log", "--first-parent", "--format=%H %ct", branch)
    except GitFailure:
        raise UserError(
            f"{repo.path} has no branch {origin.key('branch')} {quoted(branch)} "
            "(see `git branch -a`)"
        ) from None
    line = [(h, int(t)) for h, t in (row.split() for row in out.splitlines())]
    line.sort(key=lambda item: item[1])  # oldest first; first-parent dates can be out of order
    times = [t for _, t in line]
    windows: list[ReleaseWindow] = []
    previous: Tag | None = None
    for name, when in anchors:
        i = bisect.bisect_right(times, int(when.timestamp()))
        if i == 0:
            continue
        tag = Tag(name, line[i - 1][0], when)
        windows.append(ReleaseWindow(start=previous, end=tag))
        previous = tag
    return windows


def release_list(
    repo: GitRepo, pattern: str, since: str | None = None, origin: Origin = COMMAND_LINE
) -> Releases:
    """The release windows of `repo` from `since` (its window included) on. `origin` says
    where `pattern` and `since` were written, for the errors."""
    tags, skipped = list_tags(repo)
    releases = release_tags(tags, pattern, origin)
    windows = release_windows(releases)
    key = origin.key("release_pattern")
    if not windows:
        raise UserError(
            f"no tag in {repo.path} matches {key} {quoted(pattern)} (see `git tag -l`; "
            f"{origin.verb} {key} to the regex of its release tags)"
        )
    if since is not None:
        names = [w.name for w in windows]
        if since not in names:
            raise UserError(
                f"{origin.key('since')} {quoted(since)} is not one of the release tags matching "
                f"{key} {quoted(pattern)} (the first is {names[0]}, the last {names[-1]})"
            )
        windows = windows[names.index(since) :]
    return Releases(windows, releases, skipped)
