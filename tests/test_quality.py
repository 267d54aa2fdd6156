"""Lint, format and type checks run as tests, so the README's one test command covers them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(argv: list[str]) -> None:
    if argv[0] == "ruff" and shutil.which("ruff") is None:
        argv = [sys.executable, "-m", "ruff", *argv[1:]]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"`{' '.join(argv)}` failed:\n{proc.stdout}{proc.stderr}"
