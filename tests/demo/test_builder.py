"""The synthetic kernel-scale history of `kvmstatus.demo`, built small (3,000 commits, 6
releases).

The benchmark repository is only useful if it has the shapes the report must handle, so these
tests check the shapes themselves against plain git: determinism, release tags in version
order, windows wider than the ancestry path, resolving `Fixes:` hashes, the KVM share, and a
MAINTAINERS and .mailmap that change over time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kvmstatus.analyse.merges import brought_in, brought_in_all
from kvmstatus.demo import builder as synth
from kvmstatus.demo import catalogue
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import window_graph
from kvmstatus.mine.releases import release_list

COMMITS, RELEASES, SEED, SHARE = 3000, 6, 7, 0.1


def git(repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, check=True, text=True
    ).stdout


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(objectname) %(refname)")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("synth") / "kernel.git"
    return out, synth.build_synthetic(out, COMMITS, RELEASES, SEED, SHARE)


@pytest.fixture(scope="module")
def repo(built: tuple[Path, Any]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def summary(built: tuple[Path, Any]) -> Any:
    return built[1]


def test_same_arguments_same_hashes(repo: Path, tmp_path: Path) -> None:
    # Another process with another string-hash seed: nothing may depend on set order.
    again = tmp_path / "again.git"
    argv = [sys.executable, "-m", "kvmstatus.demo.builder", str(again), "--commits", str(COMMITS)]
    argv += ["--releases", str(RELEASES), "--seed", str(SEED), "--kvm-share", str(SHARE)]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(argv, env=env, check=True, capture_output=True)
    assert refs(again) == refs(repo)
    other = synth.build_synthetic(
        tmp_path / "other.git", COMMITS, RELEASES, SEED + 1, SHARE, commit_graph=False
    )
    assert other.head != git(repo, "rev-parse", "master").strip()


def test_counts_match_the_summary(repo: Path, summary: Any) -> None:
    assert summary.commits - summary.merges == COMMITS
    assert int(git(repo, "rev-list", "--count", "master")) == summary.commits
    assert int(git(repo, "rev-list", "--count", "--merges", "master")) == summary.merges
    # Topic branches are gone: only master and the tags remain, as in a kernel mirror.
    kinds = {
        line.split("/")[1] for line in git(repo, "for-each-ref", "--format=%(refname)").split()
    }
    assert kinds == {"heads", "tags"}
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/heads").split() == [
        "refs/heads/master"
    ]
    assert (repo / "objects" / "info" / "commit-graph").is_file()
    assert git(repo, "fsck", "--no-progress", "--connectivity-only") == ""


def test_release_tags_in_version_order(repo: Path, summary: Any) -> None:
    # Without versionsort.suffix, git sorts v3.0 before v3.0-rc1.
    tags = git(repo, "-c", "versionsort.suffix=-rc", "tag", "--sort=version:refname").split()
    assert len(tags) == summary.tags == RELEASES + summary.rc_tags
    finals = [t for t in tags if "-rc" not in t]
    assert finals == list(summary.releases) == [f"v3.{i}" for i in range(RELEASES)]
    for final in finals:
        assert git(repo, "cat-file", "-t", final).strip() == "tag"  # annotated, with a tagger
    for i in range(1, 8):
        assert f"v3.1-rc{i}" in tags
        assert git(repo, "cat-file", "-t", f"v3.1-rc{i}").strip() == "commit"
    # Every tag is on master's first-parent line, in version order.
    line = git(repo, "rev-list", "--first-parent", "--reverse", "master").split()
    position = {oid: i for i, oid in enumerate(line)}
    peeled = [git(repo, "rev-parse", f"{t}^{{commit}}").strip() for t in tags]
    assert [position[oid] for oid in peeled] == sorted(position[oid] for oid in peeled)


def test_version_numbers_roll_like_the_kernel() -> None:
    names = catalogue.release_names(62)
    assert names[:2] == ["3.0", "3.1"]
    assert names[19:22] == ["3.19", "4.0", "4.1"]
    assert names[40:42] == ["4.20", "5.0"]
    assert names[60:62] == ["5.19", "6.0"]
    assert sorted(names) != names  # name order is not version order: 3.10 < 3.9 by name


def test_window_holds_topics_forked_before_its_start(repo: Path) -> None:
    window = set(git(repo, "rev-list", "v3.3..v3.4").split())
    ancestry = set(git(repo, "rev-list", "--ancestry-path", "v3.3..v3.4").split())
    off_path = window - ancestry
    assert ancestry < window
    assert len(off_path) > 100
    # They are not descendants of v3.3: forked earlier, merged during the window.
    sample = sorted(off_path)[:20]
    for oid in sample:
        merge_base = git(repo, "merge-base", oid, "v3.3").strip()
        assert merge_base != git(repo, "rev-parse", "v3.3^{commit}").strip()


def test_fixes_name_earlier_commits(repo: Path, summary: Any) -> None:
    log = git(repo, "log", "--format=%H %ct%x00%B%x01", "master")
    dates: dict[str, int] = {}
    subjects: dict[str, str] = {}
    fixes: list[tuple[str, str, int]] = []
    for record in log.split("\x01"):
        if not record.strip():
            continue
        head, body = record.lstrip("\n").split("\x00", 1)
        oid, date = head.split()
        dates[oid] = int(date)
        subjects[oid] = body.split("\n", 1)[0]
        for match in re.finditer(r'^Fixes: ([0-9a-f]+) \("(.*)"\)$', body, re.MULTILINE):
            fixes.append((match[1], match[2], int(date)))
    assert len(fixes) == sum(summary.fixes.values())
    assert 0.05 < len(fixes) / COMMITS < 0.12
    checked = git(repo, "cat-file", "--batch-check", input="".join(f"{h}\n" for h, _, _ in fixes))
    resolved = [not line.endswith(" missing") for line in checked.splitlines()]
    by_prefix = {oid[:12]: oid for oid in dates}
    kinds = dict.fromkeys(catalogue.FIXES_KINDS, 0)
    for (short, quoted, date), found in zip(fixes, resolved, strict=True):
        if not found:
            kinds["unknown"] += 1
            continue
        if len(short) == 8:
            kinds["short"] += 1
            continue
        target = by_prefix[short]
        assert dates[target] < date  # an earlier commit
        kinds["ok" if subjects[target] == quoted else "wrong_subject"] += 1
    assert kinds == summary.fixes
    assert all(kinds.values())


def test_malformed_trailers_are_present(repo: Path) -> None:
    log = git(repo, "log", "--format=%B", "master")
    assert re.search(r"^Singed-off-by: ", log, re.MULTILINE)
    assert re.search(r"^Co-Developed-by: ", log, re.MULTILINE)
    assert re.search(r"^Reviewed-by: [^<@\n]+$", log, re.MULTILINE)  # a name, no address
    assert re.search(r"^Cc: stable@vger\.kernel\.org", log, re.MULTILINE)
    assert re.search(r"^Merge tag 'kvmarm-3\.\d' of .* into HEAD$", log, re.MULTILINE)
    assert re.search(r"^Merge branch kvm-arm64/\S+ into kvmarm-master/next$", log, re.MULTILINE)
    assert re.search(r"^Pull kvm updates from ", log, re.MULTILINE)


def test_kvm_share(repo: Path, summary: Any) -> None:
    kvm = int(
        git(repo, "rev-list", "--count", "--no-merges", "master", "--", *catalogue.KVM_PATHSPECS)
    )
    assert kvm == summary.kvm_commits
    assert abs(kvm / COMMITS - SHARE) < 0.02


def test_maintainers_change_over_time(repo: Path) -> None:
    first = git(repo, "show", "v3.0:MAINTAINERS")
    last = git(repo, "show", "v3.5:MAINTAINERS")
    assert first != last
    assert "\nF:\tDocumentation/virtual/kvm/\n" in first
    assert "\nKERNEL VIRTUAL MACHINE for s390 (KVM/s390)\n" in first
    assert "\nKERNEL VIRTUAL MACHINE (KVM) FOR POWERPC\n" in first
    assert "RISC-V" not in first
    assert "\nF:\tDocumentation/virt/kvm/\n" in last
    assert "\nKERNEL VIRTUAL MACHINE FOR RISC-V (KVM/riscv)\n" in last
    assert "\nKERNEL VIRTUAL MACHINE FOR LOONGARCH (KVM/LoongArch)\n" in last
    assert "\nF:\ttools/testing/selftests/kvm/x86/\n" in last
    assert "\n\tF: *Files*" in last  # the tab-indented preamble is not an entry


def test_selftests_directories_are_renamed(repo: Path) -> None:
    paths = git(repo, "ls-tree", "-r", "--name-only", "master").split()
    selftests = [p for p in paths if p.startswith("tools/testing/selftests/kvm/")]
    assert any("/x86/" in p for p in selftests)
    assert not any("x86_64" in p or "aarch64" in p for p in selftests)
    before = git(repo, "log", "--format=%h", "master", "--", "tools/testing/selftests/kvm/x86_64")
    assert before.split()


def test_mailmap_appears_and_maps_old_addresses(repo: Path) -> None:
    assert git(repo, "ls-tree", "v3.0", ".mailmap") == ""
    mailmap = git(repo, "show", "v3.5:.mailmap")
    moves = re.findall(r"^(.+ <\S+>) (<\S+>)$", mailmap, re.MULTILINE)
    assert moves
    proper, old = moves[0]
    assert git(repo, "check-mailmap", f"Someone {old}").strip() == proper


def test_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine\n")
    with pytest.raises(FileExistsError):
        synth.build_synthetic(tmp_path, COMMITS, RELEASES, SEED, SHARE)
    assert synth.main([str(tmp_path), "--commits", "3000", "--releases", "6"]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine\n"


def test_merges_bring_in_what_a_walk_per_merge_finds(repo: Path) -> None:
    """`brought_in_all`'s single sweep of the mainline equals one walk per merge."""
    git_repo = GitRepo(repo)
    checked = 0
    for w in release_list(git_repo, r"^v\d+\.\d+$").windows[1:]:
        assert w.start is not None
        graph = window_graph(git_repo, Window(w.start.commit, w.end.commit))
        merges = [c for c, parents in graph.items() if len(parents) > 1]
        assert brought_in_all(graph, merges) == {m: brought_in(graph, m) for m in merges}
        # The path-limited log keeps only some merges: asking for some gives the same sets.
        some = merges[::3]
        assert brought_in_all(graph, some) == {m: brought_in(graph, m) for m in some}
        checked += len(merges)
    assert checked > 50
