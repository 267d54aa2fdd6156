"""Shared fixtures: the scripted kernel-shaped repository and the real shared histories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import fixture_lists
from fixture_history import fast_import_stream
from helpers import build_repo, shared_data
from kvmstatus_flows.launch import prefect_defaults

# Prefect binds its console log handler to the stderr of the moment it is imported; importing
# it here, before any test captures output, keeps its logs away from closed capture buffers.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # its exit message outlives capture
prefect_defaults()
import kvmstatus_flows.publish  # noqa: E402, F401


@pytest.fixture(scope="session")
def kernel_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture history of `fixture_history.py` as a bare repository."""
    return build_repo(tmp_path_factory.mktemp("fixture") / "kernel.git", fast_import_stream())


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


@pytest.fixture(scope="session")
def list_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture list archive of `fixture_lists.py`: one public-inbox v2 epoch, bare."""
    return build_repo(
        tmp_path_factory.mktemp("lists") / "0.git", fixture_lists.fast_import_stream()
    )


@pytest.fixture(scope="session")
def kvmarm_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real kvmarm list archive (2019-07 .. 2023-01), as a bare mirror."""
    return _mirror(tmp_path_factory, "kvmarm-list.bundle")
