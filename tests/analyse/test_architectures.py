from collections import Counter
from pathlib import Path

import pytest

from helpers import window
from kvmstatus.analyse.architectures import (
    arch_commit_counts,
    arch_stats,
    glob_regex,
    load_arch_map,
)
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import mine
from kvmstatus.shared.labels import COMMON


def test_glob_rules() -> None:
    assert glob_regex("arch/x86/kvm/").match("arch/x86/kvm/mmu/mmu.c")
    assert glob_regex("arch/x86/include/asm/kvm*").match("arch/x86/include/asm/kvm_host.h")
    assert not glob_regex("arch/x86/include/asm/kvm*").match("arch/x86/include/asm/kvm/x.h")
    assert not glob_regex("x86/").match("lib/x86/desc.c")
    assert glob_regex("a/**/b.c").match("a/b.c")
    assert glob_regex("a/**/b.c").match("a/x/y/b.c")


def test_selftest_directory_renames_map_to_one_arch() -> None:
    amap = load_arch_map("linux-kvm")
    old = amap.arches_of(["tools/testing/selftests/kvm/x86_64/state_test.c"])
    new = amap.arches_of(["tools/testing/selftests/kvm/x86/state_test.c"])
    assert old == new == {"x86"}
    assert amap.arches_of(["tools/testing/selftests/kvm/aarch64/vgic_init.c"]) == {"arm64"}
    assert amap.arches_of(["arch/arm/kvm/arm.c"]) == {"arm64"}
    assert amap.arches_of(["virt/kvm/kvm_main.c", "arch/s390/kvm/kvm-s390.c"]) == {
        COMMON,
        "s390",
    }


def test_fixture_window_per_arch(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    records = mine(repo, window(repo, "v1.1", "v1.2"))
    amap = load_arch_map("linux-kvm")
    by_name = {a.name: a for a in arch_stats(records, amap)}
    assert {n: a.commits for n, a in by_name.items() if a.commits} == {
        "x86": 3,
        "riscv": 1,
        COMMON: 1,
    }
    assert by_name["x86"].trailers["Reviewed-by"].commits == 3
    assert by_name["x86"].top_authors[0].email == "sean@example.com"
    # Per-arch counts add up to sum(k * commits touching k arches).
    spread = arch_commit_counts(records, amap)
    assert spread == Counter({1: 3, 2: 1})
    assert sum(a.commits for a in by_name.values()) == sum(k * n for k, n in spread.items())


@pytest.mark.realdata
def test_kvm_unit_tests_arches_add_up(kut_repo: Path) -> None:
    repo = GitRepo(kut_repo)
    records = mine(repo, Window(repo.resolve_commit("v2025-06-05"), repo.resolve_commit("master")))
    amap = load_arch_map("kvm-unit-tests")
    stats = arch_stats(records, amap)
    spread = arch_commit_counts(records, amap)
    assert sum(spread.values()) == sum(1 for r in records if not r.is_merge)
    assert sum(a.commits for a in stats) == sum(k * n for k, n in spread.items())
    assert {a.name for a in stats if a.commits} >= {"x86", "arm64", "s390", COMMON}


def test_user_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "arches.toml"
    path.write_text('x86 = ["x86/"]\nrest = ["lib/"]\n')
    assert load_arch_map(str(path)).names == ("x86", "rest", COMMON)
    path.write_text('common = ["x/"]\n')
    with pytest.raises(UserError, match="implicit"):
        load_arch_map(str(path))
    with pytest.raises(UserError, match="unknown architecture mapping"):
        load_arch_map("nope")
