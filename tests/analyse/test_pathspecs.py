"""Pathspecs matched without git agree with git's own path limiting (`git diff-tree -- SPECS`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import build_repo, git
from kvmstatus.analyse.pathspecs import any_inside, inside

PATHS = [
    "arch/x86/kvm/x86.c",
    "arch/x86/kvm/mmu/mmu.c",
    "arch/x86/include/asm/kvm_host.h",
    "arch/arm64/kvm/arm.c",
    "arch/s390/kvm/kvm-s390.c",
    "virt/kvm/kvm_main.c",
    "include/linux/kvm_host.h",
    "include/linux/kvm.h.orig",
    "tools/testing/selftests/kvm/x86_64/a.c",
    "net/core/dev.c",
    "README",
]

SPECS = [
    (":(glob)arch/x86/kvm/**",),
    (":(glob)include/linux/kvm*",),
    (":(glob)arch/*/kvm/**", ":(exclude,glob)arch/s390/**"),
    (":(literal)arch/x86/kvm", ":(literal)README"),
    ("arch/x86",),
    ("arch/*/kvm/*.c",),
    (".",),
    ("virt/kvm/", ":!virt/kvm/kvm_main.c", "net"),
    (":(exclude)net",),
    (
        ":(glob)tools/testing/selftests/kvm/**",
        ":(exclude,literal)tools/testing/selftests/kvm/x86_64/a.c",
    ),
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = ["commit refs/heads/master", "committer A <a@b.org> 1700000000 +0000", "data 2", "t"]
    for path in PATHS:
        lines += [f"M 100644 inline {path}", "data 2", "x"]
    stream = ("\n".join(lines) + "\n\n").encode()
    return build_repo(tmp_path_factory.mktemp("specs") / "repo.git", stream)


@pytest.mark.parametrize("specs", SPECS, ids=[" ".join(s) for s in SPECS])
def test_inside_agrees_with_git(tree: Path, specs: tuple[str, ...]) -> None:
    # The one commit adds every path: git's path limiting says which ones the specs hold.
    out = git(
        tree, "diff-tree", "--root", "-r", "--name-only", "--no-commit-id", "master", "--", *specs
    )
    expected = set(out.split())
    assert {p for p in PATHS if inside(specs, p)} == expected


def test_no_specs_means_everything() -> None:
    assert inside((), "anything/at/all")
    assert any_inside((":(glob)virt/kvm/**",), ["README", "virt/kvm/x.c"])
    assert not any_inside((":(glob)virt/kvm/**",), [])
