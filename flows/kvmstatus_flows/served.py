"""Flow runs that `kvmstatus serve` starts: the variable that marks them, and what such a run
does to die with `serve` and stop like it.

Apart from `launch` (which serves the flow and sets the variable) and `publish` (the flow,
which reads it), so that neither imports the other.
"""

from __future__ import annotations

import os

from kvmstatus.shared import stopping

SERVED = "KVMSTATUS_SERVED"
"""Set by `serve` to its pid: a flow run started by its runner dies with it."""


def served_flow_run() -> None:
    """In a flow run that `serve`'s runner started: die with `serve`, stop like it."""
    served = os.environ.get(SERVED)
    if served and served.isdigit() and os.getppid() == int(served):
        stopping.die_with_parent(int(served))
        stopping.install(lambda name: None)  # `serve` says what was stopped
