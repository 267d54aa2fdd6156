"""The `kvmstatus` command: a thin layer over the library (`python -m kvmstatus` works too).

`parser` holds the options and help texts, `commands` one function per command, `text` what
they print. User mistakes surface as `UserError` and print as one line on stderr with exit
status 1. SIGINT and SIGTERM stop any command within seconds, with one line saying what was
kept, and exit status 130 or 143 (`kvmstatus.shared.stopping`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kvmstatus.cli import commands
from kvmstatus.cli.parser import build_parser
from kvmstatus.errors import GitFailure, UserError
from kvmstatus.shared import stopping
from kvmstatus.shared.notes import show_warnings


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    show_warnings()
    with stopping.installed(lambda name: f"stopped ({name})"):
        _dispatch(args)


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
