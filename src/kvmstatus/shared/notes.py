"""Warnings for the person running kvmstatus: one line each on stderr, `kvmstatus: warning: ...`.

The stages log them to the `kvmstatus` logger (a repaired data file, for example); the CLI
and the flow call `show_warnings` once so that they reach stderr in any process, a flow run
that `serve` started included, and not through Prefect's log formatting.
"""

from __future__ import annotations

import logging
import sys

LOGGER = "kvmstatus"


class _Line(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"kvmstatus: warning: {record.getMessage()}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # a closed stderr must not turn a warning into a failure


def show_warnings() -> None:
    """Print the `kvmstatus` logger's warnings on stderr (once, however often called)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(h, _Line) for h in logger.handlers):
        logger.addHandler(_Line(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
