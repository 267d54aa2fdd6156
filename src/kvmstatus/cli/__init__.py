"""The `kvmstatus` command: a thin layer over the library (`python -m kvmstatus` works too).

`parser` holds the options and help texts, `commands` one function per command, `text` what
they print. User mistakes surface as `UserError` and print as one line on stderr with exit
status 1. SIGINT and SIGTERM stop any command within seconds, with one line saying what was
kept, and exit status 130 or 143 (`kvmstatus.shared.stopping`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from kvmstatus.cli import commands
from kvmstatus.cli.parser import build_parser, named_command
from kvmstatus.errors import GitFailure, UserError
from kvmstatus.shared import stopping
from kvmstatus.shared.notes import show_warnings


def main(argv: Sequence[str] | None = None) -> str:
    """Run the command `argv` (default: the command line) names; return its name."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(named_command(words)).parse_args(words)
    show_warnings()
    with stopping.installed(lambda name: f"stopped ({name})"):
        _dispatch(args)
    return str(args.command)


def run() -> NoReturn:
    """The program (`kvmstatus`, `python -m kvmstatus`): `main` on the command line.

    The commands that only read a repository and print (`QUICK_EXIT`) leave without tearing
    the interpreter down: freeing every object one by one takes tens of milliseconds after a
    history, and the kernel frees the memory at once. Their output is flushed first; a
    command that may have started services (a run's Prefect server, say) exits normally,
    so its exit handlers stop them.
    """
    if main() not in QUICK_EXIT:
        sys.exit(0)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left: like a failed write during the command
        os._exit(1)
    os._exit(0)


QUICK_EXIT = frozenset({"releases", "stats", "history", "year"})
"""Commands that start no service and register no exit handler (see `run`)."""


def _dispatch(args: argparse.Namespace) -> None:
    try:
        args.func(args)
    except UserError as exc:
        commands.warn(f"error: {exc}")
        sys.exit(1)
    except GitFailure as exc:
        commands.warn(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        # A full disk, a read-only or missing folder: the user's machine, not a bug.
        where = f" ({exc.filename})" if exc.filename else ""
        commands.warn(f"error: {exc.strerror or exc}{where}; nothing half-written was published")
        sys.exit(1)
