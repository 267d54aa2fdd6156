"""Every git subprocess kvmstatus starts, and the one policy for a failed one.

`run` (output at once) and `spawn` (output read as it comes) are how `GitRepo` and the
archives read, how a site is pushed to a branch (`website.gitpublish`) and how the demo
writes its histories; `transfer` runs the commands that talk to another repository (clone,
fetch, ls-remote). It sits with what every stage may use, so that no stage starts git
another way. A failure is read one way everywhere:

- a git stopped by Ctrl-C or SIGTERM lets the stop speak (`child_stopped`);
- a transfer from a remote (a URL) whose message says the network failed (`TRANSIENT`) is a
  `NetworkError`: the flow retries it after each of `RETRY_DELAYS` seconds, nothing else does;
- anything else is a `UserError` whose line is git's most telling one (`explain`: its first
  `fatal:` or `error:` line, not its last, which is often boilerplate such as "and the
  repository exists.").

Commands run with stdin closed unless they are given input, so git never waits on a terminal.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.shared.stopping import child_stopped

RETRY_DELAYS: tuple[int, ...] = (10, 60, 300)
"""Seconds to wait before each new try of a transfer that failed with a `NetworkError`."""

TRANSIENT = re.compile(
    r"could not resolve|unable to access|connection (?:refused|reset|timed out|closed)|"
    r"timed out|early eof|hung up|temporary failure|unreachable|rpc failed|"
    r"unexpected disconnect",
    re.IGNORECASE,
)
"""What git says when a transfer failed in a way that may pass on its own..."""
PERMANENT = re.compile(r"returned error: 4(?!08|29)\d\d")
"""...unless the server answered that the address is wrong (HTTP 404, 403, ...)."""


class NetworkError(UserError):
    """A transfer from a remote failed in a way that may pass: worth retrying (`RETRY_DELAYS`)."""


def run(
    args: Sequence[str],
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS`, its output and exit status; a git a stop killed waits for the stop. `env`
    replaces the environment; a git still running after `timeout` seconds is killed and is a
    `GitFailure` that says so (a scheduled run must fail rather than hang)."""
    try:
        proc = subprocess.run(
            ["git", *args],
            input=input,
            capture_output=True,
            env=None if env is None else dict(env),
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitFailure(
            tuple(args), -1, f"no answer within {timeout:.0f} seconds (timed out)"
        ) from None
    if proc.returncode != 0:
        child_stopped(proc.returncode)
    return proc


def output(
    args: Sequence[str], input: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """`git ARGS`'s stdout; a `GitFailure` (with git's message) when it exits non-zero."""
    proc = run(args, input, env)
    if proc.returncode != 0:
        raise GitFailure(tuple(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def spawn(
    args: Sequence[str],
    stdin: bool = False,
    output: bool = True,
    pass_fds: Sequence[int] = (),
    bufsize: int = -1,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """`git ARGS` started, its stdout and stderr piped (`output`; else they are the caller's)
    and its stdin with `stdin`, the descriptors `pass_fds` open in it, `env` replacing the
    environment (as `run`); the caller reads, waits and reports (`failure`)."""
    piped = subprocess.PIPE if output else None
    return subprocess.Popen(
        ["git", *args],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=piped,
        stderr=piped,
        pass_fds=tuple(pass_fds),
        bufsize=bufsize,
        env=None if env is None else dict(env),
    )


def environment(variables: Mapping[str, str]) -> dict[str, str] | None:
    """This process's environment with `variables` set (None, this environment, without)."""
    return {**os.environ, **variables} if variables else None


def failure(args: Sequence[str], returncode: int, stderr: bytes) -> GitFailure:
    """What a spawned git that exited with `returncode` raises (after a stop had its say)."""
    child_stopped(returncode)
    return GitFailure(tuple(args), returncode, stderr.decode("utf-8", "replace"))


_SAYS = re.compile(r"^(?:fatal|error): *(.+)$", re.MULTILINE)


def explain(stderr: str) -> str:
    """git's most telling line: the first `fatal:` or `error:` one, else its first line."""
    found = _SAYS.search(stderr)
    if found:
        return found[1].strip()
    lines = stderr.strip().splitlines()
    return lines[0].strip() if lines else "git failed"


def transfer(args: Sequence[str], what: str, remote: bool, hint: str = "") -> None:
    """Run a clone, fetch or ls-remote; on failure raise `NetworkError` (a remote, and a
    network message) or `UserError`: `WHAT: GIT'S LINE` and the `hint`, if any."""
    proc = run(args)
    if proc.returncode == 0:
        return
    stderr = proc.stderr.decode("utf-8", "replace")
    message = f"{what}: {explain(stderr)}"
    if remote and TRANSIENT.search(stderr) and not PERMANENT.search(stderr):
        raise NetworkError(message)
    raise UserError(message + (f" ({hint})" if hint else ""))
