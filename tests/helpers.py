"""Helpers the tests share: plain git (the reference), fixture repositories, the CLI runner,
a flow configuration. Fixtures themselves live in `conftest.py`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from fixture_history import hostile_stream
from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.cli import main
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.dataset import assemble
from kvmstatus.jobs.window import history, year_periods
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.maintainers import DEFAULT_SUBSYSTEM
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.store.documents import write_dataset

KVM = (
    ":(glob)arch/arm64/kvm/**",
    ":(glob)arch/riscv/kvm/**",
    ":(glob)arch/s390/kvm/**",
    ":(glob)arch/x86/kvm/**",
    ":(glob)include/linux/kvm*",
    ":(glob)virt/kvm/**",
)
"""The fixture history's KVM pathspecs (its MAINTAINERS entries)."""
HOSTILE_PATTERN = r"^v1\.\d+($|<)"
"""The release tags of the hostile fixture history."""


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    """Run plain git in `repo` (the reference the tests compare against)."""
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, check=True
    ).stdout.decode()


def build_repo(path: Path, stream: bytes, bare: bool = True) -> Path:
    subprocess.run(["git", "init", "-q", *(["--bare"] if bare else []), str(path)], check=True)
    git(path, "fast-import", "--quiet", input=stream)
    return path


def shared_data() -> Path | None:
    explicit = os.environ.get("KVMSTATUS_SHARED_DATA")
    candidates = [Path(explicit)] if explicit else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "data")
    return next((p for p in candidates if (p / "kvm-unit-tests.bundle").exists()), None)


def window(repo: GitRepo, start: str | None, end: str, specs: tuple[str, ...] = KVM) -> Window:
    return Window(repo.resolve_commit(start) if start else None, repo.resolve_commit(end), specs)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def summary(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out.strip().splitlines()[-1]


def site_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


NEW_RELEASE = (
    b"commit refs/heads/master\n"
    b"author Alice Arm <alice@arm.example> 1702500000 +0000\n"
    b"committer Paolo Bonzini <pbonzini@example.com> 1702500000 +0000\n"
    b"data 26\nKVM: arm64: A new release\n\n"
    b"from refs/heads/master^0\n"
    b"M 100644 inline arch/arm64/kvm/arm.c\ndata 6\narm 4\n\n"
    b"reset refs/tags/v1.4\nfrom refs/heads/master\n\n"
)


def write_config(folder: Path, repo: Path, extra: str = "") -> Path:
    config = folder / "kvmstatus.toml"
    config.write_text(
        "[site]\ncycles_per_year = 2\n"
        f'[data]\ndir = "data"\n[publish]\npath = "public"\n'
        f'[[project]]\nname = "kvm"\ndisplay_name = "Fixture KVM"\nrepository = "{repo}"\n'
        "fetch = false\n" + extra
    )
    return config


def make_dataset(root: Path, data: Path) -> None:
    repo = GitRepo(build_repo(root / "hostile.git", hostile_stream()))
    releases = release_list(repo, HOSTILE_PATTERN)
    chosen = Selection(subsystem=DEFAULT_SUBSYSTEM)
    arch_map = load_arch_map("linux-kvm")
    docs = history(repo, releases, chosen, arch_map, load_affiliations(), 0)
    settings = {
        "pattern": HOSTILE_PATTERN,
        "selection": {"paths": [], "subsystem": DEFAULT_SUBSYSTEM},
        "arch_map": "linux-kvm",
        "architectures": list(arch_map.names),
    }
    # Two release cycles a year, as the fixture configurations say: the history is weeks long.
    end = releases.windows[-1].name
    years = year_periods(repo, end, 2, HOSTILE_PATTERN, chosen, arch_map, load_affiliations(), 0)
    write_dataset(data, assemble("KVM status report", "Fixture KVM", docs, settings, years))


SESSION_MARK = "KVMSTATUS_TEST_SESSION"
"""An environment variable with one value per test session, inherited by every process the
session starts."""


def session_processes() -> dict[int, str]:
    """The live processes (pid -> command line) that carry this session's mark, other than
    this process: what the tests started and did not stop."""
    mark = f"{SESSION_MARK}={os.environ[SESSION_MARK]}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rpartition(")")[2].split()[:2]
        # multiprocessing's resource tracker serves this process until it exits (the site
        # build's worker pool starts it); it is not something a test left running.
        if int(ppid) == os.getpid() and "multiprocessing.resource_tracker" in argv:
            continue
        if mark in environ and state != "Z":
            found[int(entry.name)] = argv.strip()
    return found


def stop_processes(pids: dict[int, str] | list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)


def wait_until(condition: object, seconds: float, what: str) -> None:
    """Poll `condition()` every 50 ms until it is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(0.05)


def without_prefect_server() -> dict[str, str]:
    """The environment for a kvmstatus subprocess that must start its own Prefect server."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return env | {"PYTHONUNBUFFERED": "1"}


def main_quiet(*argv: str) -> None:
    """`kvmstatus ARGV` in this process, outside any test's output capture (for fixtures)."""
    code: object = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = exc.code
    assert not code, f"kvmstatus {' '.join(argv)} exited {code}"
