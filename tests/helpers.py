"""Helpers the tests share: plain git (the reference), fixture repositories, the CLI runner,
a flow configuration. Fixtures themselves live in `conftest.py`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fixture_history import hostile_stream
from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.cli import main
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import history
from kvmstatus.mine.log import Window
from kvmstatus.mine.maintainers import DEFAULT_SUBSYSTEM
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.store.documents import project_document, write_dataset

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
    write_dataset(data, project_document("KVM status report", "Fixture KVM", docs, settings), docs)
