"""Shared fixtures: the test session's own git configuration and Prefect server, the check
that no process outlives the session, the scripted kernel-shaped repository and the real
shared histories."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import fixture_lists
from fixture_history import fast_import_stream
from helpers import SESSION_MARK, build_repo, session_processes, shared_data, stop_processes
from kvmstatus_flows.launch import prefect_defaults

# Every process the session starts inherits this mark, so the end of the session can find
# any that is still alive, however deep or re-parented.
os.environ[SESSION_MARK] = uuid.uuid4().hex

# The session's own git configuration: a developer's settings (no user.email, a global
# `safe.directory = *`, signing, hooks) must not change any result.
_GIT_HOME = Path(tempfile.mkdtemp(prefix="kvmstatus-tests-git-"))
(_GIT_HOME / "gitconfig").write_text(
    "[user]\n\tname = kvmstatus tests\n\temail = tests@kvmstatus.invalid\n"
    "[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n"
)
os.environ |= {
    "GIT_CONFIG_GLOBAL": str(_GIT_HOME / "gitconfig"),
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "kvmstatus tests",
    "GIT_AUTHOR_EMAIL": "tests@kvmstatus.invalid",
    "GIT_COMMITTER_NAME": "kvmstatus tests",
    "GIT_COMMITTER_EMAIL": "tests@kvmstatus.invalid",
}
os.environ.pop("GIT_CONFIG_PARAMETERS", None)
os.environ.pop("PREFECT_API_URL", None)  # the session starts its own server, below
os.environ.setdefault("KVMSTATUS_PREFECT_HOME", str(_GIT_HOME / "prefect"))

# Prefect binds its console log handler to the stderr of the moment it is imported; importing
# it here, before any test captures output, keeps its logs away from closed capture buffers.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # its exit message outlives capture
prefect_defaults()
import kvmstatus_flows.publish  # noqa: E402, F401


@pytest.fixture(scope="session", autouse=True)
def no_process_left() -> Iterator[None]:
    """Fail the session when a process it started is still alive at its end (and stop it)."""
    yield
    survivors = session_processes()
    stop_processes(survivors)
    shutil.rmtree(_GIT_HOME, ignore_errors=True)
    if survivors:
        listed = "; ".join(f"{pid} {argv}" for pid, argv in survivors.items())
        pytest.fail(f"processes started by the tests were still running: {listed}")


@pytest.fixture(scope="session", autouse=True)
def prefect_api(no_process_left: None) -> Iterator[str]:
    """One Prefect server for the session's in-process flow runs (started the way `kvmstatus
    run` starts one); tests that run kvmstatus in a subprocess without `PREFECT_API_URL`
    start their own."""
    from kvmstatus_flows.server import prefect_server

    with prefect_server() as server:
        yield server.api_url


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
def xen_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Xen's real history (62k commits, sources replaced by placeholders), as a bare mirror."""
    return _mirror(tmp_path_factory, "xen.bundle")


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
