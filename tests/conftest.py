"""Shared fixtures: the scripted kernel-shaped repository and the real shared histories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from kvmstatus_flows.launch import prefect_defaults

# Prefect binds its console log handler to the stderr of the moment it is imported; importing
# it here, before any test captures output, keeps its logs away from closed capture buffers.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # its exit message outlives capture
prefect_defaults()
import kvmstatus_flows.publish  # noqa: E402, F401


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    """Run plain git in `repo` (the reference the tests compare against)."""
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, check=True
    ).stdout.decode()


def build_repo(path: Path, stream: bytes, bare: bool = True) -> Path:
    subprocess.run(["git", "init", "-q", *(["--bare"] if bare else []), str(path)], check=True)
    git(path, "fast-import", "--quiet", input=stream)
    return path


@pytest.fixture(scope="session")
def kernel_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture history of `fixture_history.py` as a bare repository."""
    return build_repo(tmp_path_factory.mktemp("fixture") / "kernel.git", fast_import_stream())


def shared_data() -> Path | None:
    explicit = os.environ.get("KVMSTATUS_SHARED_DATA")
    candidates = [Path(explicit)] if explicit else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "data")
    return next((p for p in candidates if (p / "kvm-unit-tests.bundle").exists()), None)


def _mirror(tmp_path_factory: pytest.TempPathFactory, bundle: str) -> Path:
    data = shared_data()
    if data is None:
        pytest.skip("../shared/data is not here (set KVMSTATUS_SHARED_DATA)")
    target = tmp_path_factory.mktemp("real") / bundle.replace(".bundle", ".git")
    subprocess.run(
        ["git", "clone", "--quiet", "--mirror", str(data / bundle), str(target)], check=True
    )
    return target


@pytest.fixture(scope="session")
def kut_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kvm-unit-tests' real history (sources replaced by placeholders), as a bare mirror."""
    return _mirror(tmp_path_factory, "kvm-unit-tests.bundle")


@pytest.fixture(scope="session")
def kvmtool_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _mirror(tmp_path_factory, "kvmtool.bundle")
