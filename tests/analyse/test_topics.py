"""Topics from subject prefixes: parsing real-shaped subjects, marks, and the add-up rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.periods import add_up, marked, merged_topics
from kvmstatus.analyse.topics import prefixes, topic_of
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import compute_window
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.shared.labels import GENERAL, NO_PREFIX


@pytest.mark.parametrize(
    ("subject", "topic"),
    [
        ("KVM: x86/mmu: Drop the stale comment", "mmu"),
        ("KVM: nVMX: Honor the exit controls", "nVMX"),
        ("KVM: arm64: vgic: Fix the ITS table walk", "vgic"),
        ("KVM: s390: vsie: Fix the shadow CRYCB", "vsie"),
        ("KVM: selftests: Add a test for the thing", "selftests"),
        ("KVM: x86: Hyper-V: Fix the TLB flush", "Hyper-V"),
        ("KVM: PPC: Book3S HV: Fix the nested guest", "Book3S HV"),
        ("KVM: PPC: Book3S PR: Fix a leak", "Book3S PR"),
        ("kvm: x86: Fix a typo", GENERAL),
        ("KVM/arm64: Fix a race", GENERAL),
        ("LoongArch: KVM: Add the PMU", GENERAL),
        ("KVM: riscv: selftests: Add a test", "selftests"),
        ('Revert "KVM: SVM: Fix the thing"', "SVM"),
        ("[PATCH v2] KVM: VMX: Use the helper", "VMX"),
        ("x86: vmx: test the exit", "vmx"),
        ("s390x: Fix the sclp call", GENERAL),
        ("lib/alloc: Fix a leak", "lib"),
        ("Fix the documentation", NO_PREFIX),
        ("Fix foo: bar baz", NO_PREFIX),
        ("Update https://example.org: the link", NO_PREFIX),
        ("", NO_PREFIX),
    ],
)
def test_topic_of_real_shaped_subjects(subject: str, topic: str) -> None:
    assert topic_of(subject) == topic


def test_prefixes_split_at_slashes_and_colons() -> None:
    assert prefixes("KVM: x86/mmu: Zap") == ("KVM", "x86", "mmu")
    assert prefixes("KVM: PPC: Book3S HV: Fix") == ("KVM", "PPC", "Book3S HV")
    assert prefixes("A subject") == ()


def test_marks_new_and_grown() -> None:
    current = [
        {"topic": "nVMX", "commits": 48},
        {"topic": "mmu", "commits": 41},
        {"topic": "Hyper-V", "commits": 22},
        {"topic": GENERAL, "commits": 90},
        {"topic": "pmu", "commits": 3},
    ]
    previous = {"nvmx": 40, "mmu": 10, GENERAL: 1, "pmu": 5}
    rows = {m.topic: m for m in marked(current, previous, grown=1)}
    assert rows["Hyper-V"].new
    assert rows["mmu"].growth == 31  # the biggest growth; nVMX grew 8 but only one is marked
    assert rows["nVMX"].growth is None
    assert not rows[GENERAL].new
    assert rows[GENERAL].growth is None  # catch-alls are never marked
    assert rows["pmu"].growth is None
    # One window against a five-window year: the year's counts are scaled to one window.
    one = {m.topic: m for m in marked([{"topic": "mmu", "commits": 10}], {"mmu": 25}, 1 / 5)}
    assert one["mmu"].growth == 5
    assert not any(m.new or m.growth for m in marked(current, None))


def test_merged_topics_add_windows_up_case_insensitively() -> None:
    rows = merged_topics(
        [
            [{"topic": "MMU", "commits": 1}, {"topic": "vgic", "commits": 2}],
            [{"topic": "mmu", "commits": 3}],
        ]
    )
    assert rows == [{"topic": "mmu", "commits": 4}, {"topic": "vgic", "commits": 2}]
    assert add_up([[{"topic": "MMU", "commits": 1}], [{"topic": "mmu", "commits": 3}]]) == {
        "mmu": 4
    }


def test_kvm_unit_tests_topics_add_up(kut_repo: Path) -> None:
    """Counting rule: one topic per commit, counted once per architecture it touches, so each
    architecture's topics add up to its commits and the window's topics to the window's."""
    repo = GitRepo(kut_repo)
    releases = release_list(repo, r"^v\d{4}-\d\d-\d\d$")
    amap = load_arch_map("kvm-unit-tests")
    affiliations = load_affiliations()
    checked = 0
    for window in releases.windows[-3:]:
        result = compute_window(
            repo, window, releases.tags, Selection(paths=(".",)), amap, affiliations
        )
        assert sum(t.commits for t in result.tables["topics"]) == result.stats.commits
        arches = {a.name: a.commits for a in result.architectures if a.commits}
        assert {
            a: sum(t.commits for t in ts) for a, ts in result.tables["arch_topics"].items()
        } == arches
        assert sum(arches.values()) >= result.stats.commits
        checked += result.stats.commits
        # Merges: every pull's commits are plain git's `rev-list --no-merges M^1..M`.
        for pull in result.tables["pulls"]:
            plain = repo.text(
                "rev-list",
                "--count",
                "--no-merges",
                f"{pull.hash}^1..{pull.hash}",
                f"^{window.start.commit}" if window.start else pull.hash,
            )
            assert pull.commits == int(plain), pull.subject
    assert checked > 0


def test_the_projects_own_name_is_no_topic() -> None:
    """Xen's subjects name the project first (`xen/arm:`): its mapping says so."""
    xen = load_arch_map("xen")
    assert xen.project == ("xen",)
    assert topic_of("xen/arm: vgic: Fix the ITS", frozenset(xen.project)) == "vgic"
    assert topic_of("xen/x86: Drop a stub", frozenset(xen.project)) == GENERAL
    assert topic_of("xen/arm: Fix the ITS") == "xen"  # a mapping that does not say so
