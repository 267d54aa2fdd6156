"""`python -m kvmstatus` runs the command-line interface."""

from kvmstatus.cli import run

run()
