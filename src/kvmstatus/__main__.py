"""`python -m kvmstatus` and the `kvmstatus` script: the command-line interface.

Loading it takes a tenth of a second or more; a Ctrl-C or SIGTERM meanwhile stops it with the
same one line as later (`kvmstatus.shared.stopping` takes over once the command starts), not
with a traceback from whatever module was being imported. Nothing runs yet that would need
cleaning up.
"""

import os
import signal
from types import FrameType


def _stopped_while_loading(signum: int, _frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    os.write(2, f"kvmstatus: stopped ({name})\n".encode())
    os._exit(128 + signum)


def run() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stopped_while_loading)
    from kvmstatus.cli import run as run_command

    run_command()


if __name__ == "__main__":
    run()
