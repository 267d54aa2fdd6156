"""The git plumbing: every git command that reads a repository goes through `GitRepo`
(and every git process through `kvmstatus.shared.gitrunner`).

Callers get bytes or parsed values, never a `CalledProcessError`: failures that come from
the user's repository or arguments become `UserError` with a one-line explanation.

Commands run as `git --git-dir=DIR --bare`, so a work tree (and its uncommitted `.mailmap`)
never leaks into the numbers: everything is read from committed objects.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.git.graphs import alternate_env
from kvmstatus.shared import gitrunner


def _explain_open_failure(path: Path, stderr: str) -> UserError:
    if "dubious ownership" in stderr:
        return UserError(
            f"git refuses to read {path}: it is owned by another user; if you trust it, run "
            f"`git config --global --add safe.directory {path}`"
        )
    if "not a git repository" in stderr:
        return UserError(f"{path} is not a git repository (give the path of a clone, or a URL)")
    first = stderr.strip().splitlines()[0] if stderr.strip() else "unknown error"
    return UserError(f"cannot open {path} as a git repository: {first}")


def log_config(mailmap_rev: str) -> list[tuple[str, str]]:
    """The settings of every `git log` whose output is parsed: identities as the `.mailmap`
    committed at `mailmap_rev` says (whatever a checkout holds), UTF-8, and no gpg lines from
    a user's `log.showSignature`."""
    return [
        ("mailmap.blob", f"{mailmap_rev}:.mailmap"),
        ("i18n.logOutputEncoding", "UTF-8"),
        ("log.showSignature", "false"),
    ]


STREAM_CHUNK = 1 << 16
"""Bytes per read of a streamed command: small reads let parsing start while git runs."""


class Started:
    """A git process started ahead of its reader: `chunks()` yields its stdout as
    `GitRepo.stream` does; `close()` stops it when nobody will read it. The pipe holds up
    to `AHEAD` bytes, so git runs that far on its own while this process does other work."""

    def __init__(self, proc: subprocess.Popen[bytes], args: Sequence[str]) -> None:
        self._proc = proc
        self._args = tuple(args)
        assert proc.stdout is not None
        with contextlib.suppress(OSError, AttributeError):  # Linux only; a hint, not a need
            fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, AHEAD)
        _STARTED.add(self)

    def _forget(self) -> None:
        """In a forked copy of this process: let go of the pipes, which only the process
        that started git reads (and a copy holding them would keep git alive after it)."""
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def chunks(self) -> Iterator[bytes]:
        with self._proc as proc:
            assert proc.stdout is not None
            assert proc.stderr is not None
            while chunk := proc.stdout.read(STREAM_CHUNK):
                yield chunk
            err = proc.stderr.read()
            if proc.wait() != 0:
                raise gitrunner.failure(self._args, proc.returncode, err)

    def close(self) -> None:
        """Stop git if it is still running (its output unread) and release its pipes."""
        with self._proc as proc:
            if proc.poll() is None:
                proc.kill()


_STARTED: weakref.WeakSet[Started] = weakref.WeakSet()


def _forget_started() -> None:
    for started in list(_STARTED):
        started._forget()


os.register_at_fork(after_in_child=_forget_started)

AHEAD = 1 << 20
"""Bytes a started git process may write before anyone reads (Linux's default maximum pipe
size for unprivileged processes)."""


class GitRepo:
    """A local git repository (bare or not) opened for reading."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser().resolve()
        if not self.path.exists():
            raise UserError(f"{self.path} does not exist (give the path of a git clone, or a URL)")
        # One process: the repository's folder, then whether its history is cut off.
        proc = gitrunner.run(
            ["-C", str(self.path), "rev-parse", "--absolute-git-dir", "--is-shallow-repository"]
        )
        if proc.returncode != 0:
            raise _explain_open_failure(self.path, proc.stderr.decode("utf-8", "replace"))
        out = proc.stdout.decode("utf-8", "surrogateescape")
        git_dir, _, shallow = out.strip().rpartition("\n")
        self.git_dir = Path(git_dir)
        if shallow == "true":
            raise UserError(
                f"{self.path} is a shallow clone: history is cut off, so every count would be "
                "wrong; run `git fetch --unshallow` (or clone with --filter=blob:none instead)"
            )
        self.env: dict[str, str] = alternate_env(self.git_dir)
        """What git runs with besides this process's environment: the commit-graph kvmstatus
        keeps for a repository it does not own (`git.graphs`)."""

    def command(self, *args: str, config: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The argv that runs `git ARGS` against this repository."""
        return ["git", *self.arguments(*args, config=config)]

    def arguments(self, *args: str, config: Sequence[tuple[str, str]] = ()) -> list[str]:
        """`command` without the leading `git`: what `kvmstatus.shared.gitrunner` takes."""
        argv = [f"--git-dir={self.git_dir}", "--bare"]
        for key, value in config:
            argv += ["-c", f"{key}={value}"]
        return [*argv, *args]

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        config: Sequence[tuple[str, str]] = (),
    ) -> bytes:
        """Run git and return its stdout; raise `GitFailure` when it exits non-zero (unless a
        Ctrl-C or SIGTERM stopped it, and with it this command: see `child_stopped`)."""
        environment = gitrunner.environment(self.env)
        proc = gitrunner.run(self.arguments(*args, config=config), input, environment)
        if proc.returncode != 0:
            raise GitFailure(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout

    def stream(
        self, *args: str, input: bytes | None = None, config: Sequence[tuple[str, str]] = ()
    ) -> Iterator[bytes]:
        """Run git and yield its stdout in chunks as it comes (so parsing overlaps git's work
        on a second core); raise `GitFailure` at the end when it exits non-zero (unless a
        Ctrl-C or SIGTERM stopped it: see `child_stopped`). `input` is written first, so keep
        it small. git starts at the first chunk asked for."""
        yield from self.start(*args, input=input, config=config).chunks()

    def start(
        self, *args: str, input: bytes | None = None, config: Sequence[tuple[str, str]] = ()
    ) -> Started:
        """`stream`, with git started now and read later (`Started.chunks`)."""
        proc = gitrunner.spawn(
            self.arguments(*args, config=config),
            stdin=input is not None,
            env=gitrunner.environment(self.env),
        )
        try:
            if proc.stdin is not None:
                proc.stdin.write(input or b"")
                proc.stdin.close()
        except BaseException:  # git left early (its error is lost with it), or a stop
            with proc:
                proc.kill()
            raise
        return Started(proc, args)

    def text(
        self, *args: str, input: bytes | None = None, config: Sequence[tuple[str, str]] = ()
    ) -> str:
        return self.run(*args, input=input, config=config).decode("utf-8", "replace")

    def resolve_commit(self, rev: str) -> str:
        """The full hash of the commit `rev` names, or a `UserError` saying it is unknown."""
        return self.resolve_commits(rev)[0]

    def resolve_commits(self, *revs: str) -> list[str]:
        """The full hashes of the commits `revs` name, in one git call."""
        for rev in revs:
            if not rev or rev.startswith("-") or "\n" in rev:
                raise UserError(f"{rev!r} is not a revision name")
        lines = self._commit_ids(revs)
        for rev, line in zip(revs, lines, strict=True):
            if line.endswith((" missing", " ambiguous")):
                kind = "ambiguous" if line.endswith("ambiguous") else "unknown"
                raise UserError(
                    f"{kind} revision {rev!r} in {self.path}: check the tag name "
                    "(`git tag -l`) or fetch it (`git fetch --tags`)"
                )
        return lines

    def missing(self, *hashes: str) -> list[str]:
        """The `hashes` that name no commit here (pruned, or never fetched): one git call."""
        lines = self._commit_ids(hashes)
        return [h for h, line in zip(hashes, lines, strict=True) if line.endswith(" missing")]

    def _commit_ids(self, revs: Sequence[str]) -> list[str]:
        """`cat-file --batch-check` of each `REV^{commit}`: a hash, or `... missing`."""
        query = "".join(f"{rev}^{{commit}}\n" for rev in revs).encode()
        return self.text("cat-file", "--batch-check=%(objectname)", input=query).splitlines()

    def file_at(self, rev: str, path: str) -> bytes | None:
        """The content of `path` at commit `rev`, or None when it does not exist there."""
        out = self.run("cat-file", "--batch", input=f"{rev}:{path}\n".encode())
        header, _, rest = out.partition(b"\n")
        if header.endswith(b" missing") or b" blob " not in header + b" ":
            return None
        size = int(header.split()[2])
        return rest[:size]

    def tree_paths(self, rev: str, under: Sequence[str] = ()) -> list[str]:
        """Every file path in the tree of `rev`, or only those under the directories `under`
        (each ending in `/`, no wildcards). No blobs are read."""
        literal = [f":(literal){d}" for d in under]
        out = self.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", *literal)
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def check_mailmap(self, rev: str, contacts: Iterable[str]) -> dict[str, str]:
        """Map each `Name <email>` contact through the `.mailmap` committed at `rev`.

        One git process for all contacts. Contacts git cannot parse (no `<...>`, or a NUL or a
        line break in them, on which git would stop) map to themselves.
        """
        unique = sorted(set(contacts))
        parsed = [c for c in unique if _CONTACT.match(c)]
        if not parsed:
            return {c: c for c in unique}
        payload = "".join(c + "\n" for c in parsed).encode("utf-8", "surrogateescape")
        out = self.run(
            "check-mailmap", "--stdin", input=payload, config=[("mailmap.blob", f"{rev}:.mailmap")]
        )
        mapped = out.decode("utf-8", "surrogateescape").split("\n")
        return {c: c for c in unique} | dict(zip(parsed, mapped, strict=False))


_CONTACT = re.compile(r"[^\0\n<>]*<[^\0\n<>]*>[^\0\n]*\Z")
"""What `git check-mailmap` can read: `Name <email>`, without a NUL or a line break."""
