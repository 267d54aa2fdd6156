"""A window's commits as linking them to the list needs them: `LinkCommit` records.

One `git log` per window (`link_commits_of`), the author mailmapped at the window's end `B`:

    git -c mailmap.blob=B:.mailmap log --no-merges --format='%H %aE %ct %s%n%b' A..B -- P

and, from each message, the message ids its trailers name (`message_ids`): a `Link:` to a
lore, lkml or msgid.link address of a message (`https://lore.kernel.org/r/<id>`,
`https://lore.kernel.org/kvm/<id>/`, `https://patch.msgid.link/<id>`), and `Message-Id:`
(`<id>` or bare), case-insensitive, on any line but the subject, as the trailers are counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import unquote

from kvmstatus.git.repo import GitRepo, log_config
from kvmstatus.mine.gitlog import Window
from kvmstatus.model.periods import GIT_DATE
from kvmstatus.model.records import LinkCommit

_LINE = re.compile(r"^[^\S\n]*(link|message-id):[^\S\n]*(\S+)", re.IGNORECASE | re.MULTILINE)
_MESSAGE_URL = re.compile(
    r"https?://(?:(?:lore|lkml)\.kernel\.org/[^/\s]+|(?:patch\.)?msgid\.link)/([^/\s?#]+@[^/\s?#]+)",
    re.IGNORECASE,
)
_ID_LIMIT = 998
"""A message id longer than a mail's line cannot be one (as `mine.messages` reads them)."""


def message_ids(body: str) -> tuple[str, ...]:
    """The message ids `body`'s `Link:` and `Message-Id:` lines name, each once, in order."""
    found: list[str] = []
    for key, value in _LINE.findall(body):
        if key.lower() == "link":
            match = _MESSAGE_URL.match(value.strip("<>"))
            mid = unquote(match[1]) if match else ""
        else:
            mid = value.strip("<>")
        if "@" in mid and len(mid) <= _ID_LIMIT and mid not in found:
            found.append(mid)
    return tuple(found)


def link_commits_of(repo: GitRepo, window: Window) -> list[LinkCommit]:
    """The window's non-merge commits in its paths (and its dates), newest first (see the
    module docstring)."""
    out = repo.run(
        "log",
        "--no-merges",
        "--format=%H%x00%aE%x00%ct%x00%s%x00%b%x01",
        *window.revisions,
        "--",
        *window.pathspecs,
        config=log_config(window.end),
    )
    commits = []
    for record in out.decode("utf-8", "replace").split("\x01"):
        fields = record.lstrip("\n").split("\0", 4)
        if len(fields) < 5:
            continue
        commit, email, stamp, subject, body = fields
        commits.append(
            LinkCommit(
                commit,
                subject,
                email.lower(),
                datetime.fromtimestamp(int(stamp), UTC),
                message_ids(body),
            )
        )
    return commits


def link_commits_between(
    repo: GitRepo, since: datetime, until: datetime, pathspecs: Sequence[str] = ()
) -> list[LinkCommit]:
    """The non-merge commits of `HEAD` in `pathspecs` committed in `[since, until)`: the
    window of all `HEAD`'s history with those dates (`--since-as-filter`, walking it all,
    as a calendar period is read), then the exact bounds (git's are whole seconds and
    inclusive)."""
    head = repo.resolve_commit("HEAD")
    dates = (since.astimezone(UTC).strftime(GIT_DATE), until.astimezone(UTC).strftime(GIT_DATE))
    found = link_commits_of(repo, Window(None, head, tuple(pathspecs), dates))
    return [c for c in found if since <= c.time < until]
