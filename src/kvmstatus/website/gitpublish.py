"""Publishing a built site to a git branch that a static pages service serves.

`push_site` owns the `[publish] target = "git"` path: it commits a built site directory as
the whole tree of one branch of a remote and pushes it, without force, on top of the branch's
current tip (or as a root commit when the remote has no such branch). Everything happens in a
throw-away bare repository: the user's own repositories and working trees are never opened,
and the site directory is only read.

Commits are reproducible: author, committer and date come from the data, not from the
machine, so the same site on the same parent at the same date is the same commit, and a site
whose tree did not change is neither committed nor pushed. Failures (unreachable remote,
rejected push, refused credentials) are one-line `UserError`s; retrying is the caller's job.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.shared import gitrunner
from kvmstatus.website.sitedir import MARKER

IDENTITY_NAME = "kvmstatus"
IDENTITY_EMAIL = "kvmstatus@localhost"

NETWORK_TIMEOUT = 600
"""Seconds a fetch or push may take: a scheduled run must fail rather than hang forever."""

# Variables that point git at some other repository, index or object store (set, for
# example, when kvmstatus runs from inside a git hook). The scratch repository must be the
# only one any command here touches, so they are removed from the environment.
_LOCATING_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_QUARANTINE_PATH",
    "GIT_SHALLOW_FILE",
    "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_CONFIG_PARAMETERS",
)

# Settings from the user's global configuration that would change the bytes of the commit
# (line-ending conversion, signing) or run their code (hooks) are pinned for every command.
_PINNED_CONFIG = (
    ("core.autocrlf", "false"),
    ("core.safecrlf", "false"),
    ("core.hooksPath", os.devnull),
    ("commit.gpgSign", "false"),
    ("gc.auto", "0"),
)


def _redact(text: str) -> str:
    """`text` with the user:password part of any URL hidden (tokens often travel there)."""
    return re.sub(r"(?<=://)[^/@\s]+@", "***@", text)


def _git_date(date: str) -> str:
    """The ISO `date` (a day or a timestamp) as git's raw `EPOCH +HHMM` date.

    Git's own parser fills a bare day with the current time of day, which would make the
    commit depend on when it ran; the raw form is exact. A day without a zone is midnight UTC.
    """
    try:
        moment = datetime.fromisoformat(date)
    except ValueError:
        raise UserError(f"{date!r} is not an ISO date (expected e.g. 2024-05-12)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{int(moment.timestamp())} {sign}{hours:02d}{mins:02d}"


def _reason(stderr: str) -> str:
    """The line of git's complaint that says what went wrong (one line, no credentials)."""
    lines = [
        " ".join(line.split())
        for line in stderr.splitlines()
        if line.strip() and not line.lstrip().startswith(("hint:", "To "))
    ]
    if not lines:
        return "git gave no reason"
    # A refused push names the ref on a line of its own; ssh puts its reason before git's
    # generic "Could not read from remote repository".
    for line in lines:
        if "rejected]" in line:
            return _redact(line)
    return _redact(lines[0].removeprefix("fatal: ").removeprefix("error: "))


def _advice(stderr: str) -> str:
    """What the user can do about the failure git described in `stderr`."""
    text = stderr.lower()
    if "[remote rejected]" in text:
        return "the remote refused the update: check the branch's protection rules and hooks"
    if "[rejected]" in text or "fetch first" in text or "non-fast-forward" in text:
        return (
            "someone else updated the branch meanwhile: run again to publish on top of "
            "their commit (kvmstatus never force-pushes)"
        )
    auth_words = (
        "permission denied",
        "authentication failed",
        "could not read username",
        "could not read password",
        "access denied",
        "terminal prompts disabled",
    )
    if any(word in text for word in auth_words) or re.search(r"\berror: 40[13]\b", text):
        return "check your access to the remote (ssh key, token or credential helper)"
    return "check the remote's URL and your network"


class _Scratch:
    """A temporary bare repository; every git command here runs against it alone."""

    def __init__(self, root: Path) -> None:
        self.git_dir = root / "scratch.git"
        self.index = root / "index"
        env = {k: v for k, v in os.environ.items() if k not in _LOCATING_VARIABLES}
        # Never wait for a password on a terminal nobody watches: fail and say why.
        env["GIT_TERMINAL_PROMPT"] = "0"
        self.env = env
        # No templates: nothing (hooks, excludes) is copied from the user's template dir.
        self._git(["init", "--quiet", "--bare", "--template=", str(self.git_dir)], here=False)

    def _git(
        self,
        args: list[str],
        *,
        here: bool = True,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> str:
        argv: list[str] = []
        for key, value in _PINNED_CONFIG:
            argv += ["-c", f"{key}={value}"]
        if here:  # every command but `init` names the scratch repository explicitly
            argv.append(f"--git-dir={self.git_dir}")
        argv += args
        # Without input, git and ssh do not read the caller's stdin either (the runner's rule).
        proc = gitrunner.run(argv, input, {**self.env, **(env or {})}, timeout)
        if proc.returncode != 0:
            raise GitFailure(tuple(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout.decode("utf-8", "replace").strip()

    def git(self, *args: str, input: bytes | None = None) -> str:
        return self._git(list(args), input=input)

    def remote_tip(self, remote: str, ref: str) -> str | None:
        """The commit `ref` names on `remote`, fetched here; None when the remote lacks it."""
        try:
            listing = self._git(["ls-remote", "--exit-code", remote, ref], timeout=NETWORK_TIMEOUT)
        except GitFailure as exc:
            if exc.returncode == 2:  # --exit-code: reachable, but no such ref
                return None
            raise
        # ls-remote matches patterns by their tail; only the exact ref counts.
        if not any(line.split("\t")[-1] == ref for line in listing.splitlines()):
            return None
        # Only the tip is needed (its tree and its hash as the parent), not the history of
        # every earlier edition; pushing from a shallow repository is fine for git.
        self._git(
            ["fetch", "--quiet", "--no-tags", "--depth=1", remote, f"+{ref}:refs/kvmstatus/tip"],
            timeout=NETWORK_TIMEOUT,
        )
        return self.git("rev-parse", "--verify", "refs/kvmstatus/tip^{commit}")

    def stage(self, site: Path) -> str:
        """The tree of the site's files plus an empty `.nojekyll`, written to the object store."""
        index_env = {"GIT_INDEX_FILE": str(self.index)}
        # --force: the user's global excludes (core.excludesFile) must not drop site files.
        self._git(
            [f"--work-tree={site}", "add", "--all", "--force", "--", "."],
            env=index_env,
        )
        # .nojekyll goes into the index, not the directory: the site itself is never written.
        empty = self.git("hash-object", "-w", "--stdin", input=b"")
        self._git(
            ["update-index", "--add", "--cacheinfo", f"100644,{empty},.nojekyll"], env=index_env
        )
        return self._git(["write-tree"], env=index_env)

    def commit(self, tree: str, parent: str | None, message: str, date: str) -> str:
        identity = {
            "GIT_AUTHOR_NAME": IDENTITY_NAME,
            "GIT_AUTHOR_EMAIL": IDENTITY_EMAIL,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": IDENTITY_NAME,
            "GIT_COMMITTER_EMAIL": IDENTITY_EMAIL,
            "GIT_COMMITTER_DATE": date,
        }
        parents = ["-p", parent] if parent else []
        return self._git(
            ["commit-tree", "--no-gpg-sign", tree, *parents, "-F", "-"],
            input=message.encode("utf-8"),
            env=identity,
        )

    def push(self, remote: str, commit: str, ref: str) -> None:
        # No leading "+": a branch that moved since the fetch rejects the push.
        self._git(
            ["push", "--quiet", "--no-verify", remote, f"{commit}:{ref}"],
            timeout=NETWORK_TIMEOUT,
        )


def _check_arguments(site: Path, remote: str, branch: str) -> None:
    if not (site / MARKER).is_file():
        raise UserError(
            f"{site} is not a site kvmstatus built (no {MARKER} in it): nothing was published"
        )
    if not remote or remote.startswith("-") or "\n" in remote:
        raise UserError(f"{_redact(remote)!r} is not a git remote (set [publish] remote)")
    if not valid_branch(branch):
        raise UserError(f"{branch!r} is not a valid branch name (set [publish] branch)")


def valid_branch(branch: str) -> bool:
    """Whether `branch` names a branch as git allows (`git check-ref-format`)."""
    if not branch or branch.startswith("-"):
        return False
    return gitrunner.run(["check-ref-format", f"refs/heads/{branch}"]).returncode == 0


def push_site(site: Path, remote: str, branch: str = "gh-pages", *, message: str, date: str) -> str:
    """Commit the built `site` as the tree of `branch` and push it to `remote`.

    The commit goes on top of the remote branch's tip (a fast-forward push, never forced),
    or is a root commit when the branch does not exist yet. `date` (ISO, the data's "as of")
    is the author and committer date, so the same content gives the same commit. Returns the
    new commit's hash, or the tip's when the tree is unchanged (then nothing is pushed).
    """
    site = Path(site).resolve()
    _check_arguments(site, remote, branch)
    stamp = _git_date(date)
    ref = f"refs/heads/{branch}"
    shown = _redact(remote)
    with tempfile.TemporaryDirectory(prefix="kvmstatus-publish-") as tmp:
        try:
            scratch = _Scratch(Path(tmp))
        except GitFailure as exc:
            raise UserError(f"cannot create a scratch repository: {_reason(exc.stderr)}") from None
        try:
            parent = scratch.remote_tip(remote, ref)
        except GitFailure as exc:
            raise UserError(
                f"cannot read branch {branch} of {shown}: {_reason(exc.stderr)}; "
                f"{_advice(exc.stderr)} (nothing was published)"
            ) from None
        try:
            tree = scratch.stage(site)
            if parent is not None and scratch.git("rev-parse", f"{parent}^{{tree}}") == tree:
                return parent
            commit = scratch.commit(tree, parent, message, stamp)
        except GitFailure as exc:
            raise UserError(
                f"cannot commit the site in {site}: {_reason(exc.stderr)} (nothing was published)"
            ) from None
        try:
            scratch.push(remote, commit, ref)
        except GitFailure as exc:
            raise UserError(
                f"pushing the site to branch {branch} of {shown} failed: "
                f"{_reason(exc.stderr)}; {_advice(exc.stderr)} (nothing was published)"
            ) from None
        return commit
