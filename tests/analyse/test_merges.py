"""Maintainer flow: merge sources, the commits each merge brought in, committers, highlights.

The fixture is a small KVM-shaped history of its own (not `fixture_history.py`, whose exact
numbers other tests pin): three sub-trees pulled with real-shaped merge subjects and bodies,
one of them an octopus merge without a body.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from helpers import build_repo, git
from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.merges import (
    brought_in,
    brought_in_all,
    mainline_brought_in,
    parse_merge_subject,
)
from kvmstatus.analyse.window import WindowResult
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import compute_window
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import mine
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.store.documents import Dataset
from kvmstatus.store.results import window_document
from kvmstatus.website.pages.common import Context
from kvmstatus.website.pages.releases import highlights, pull_heading

X86_SUBJECT = "Merge tag 'kvm-x86-mmu-6.12' of https://github.com/kvm-x86/linux into HEAD"
X86_BODY = "KVM x86 MMU changes for 6.12:\n\n - Zap fewer sptes\n\n - <script>alert(1)</script>"
ARM_SUBJECT = (
    "Merge tag 'kvmarm-6.12' of git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git"
    " into HEAD"
)
ARM_BODY = "KVM/arm64 updates for 6.12\n\n* New features:\n\n  - vgic [x](javascript:alert(2))"
OCTOPUS_SUBJECT = "Merge branches 'kvm-s390-next' and 'kvm-ppc-next' into HEAD"

MAINTAINER = "Paolo Maint <paolo@maint.example>"
X86_MAINT = "Sean Tree <sean@x86.example>"
ARM_MAINT = "Marc Tree <marc@arm.example>"


class Stream:
    """A fast-import stream with fixed dates, one commit at a time. A merge's tree is the
    union of its parents' trees (fast-import would keep the first parent's)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mark = 0
        self.time = 1_700_000_000
        self.trees: dict[int, dict[str, str]] = {}

    def commit(
        self,
        branch: str,
        message: str,
        author: str,
        committer: str,
        files: dict[str, str],
        parents: tuple[int, ...] = (),
    ) -> int:
        self.mark += 1
        self.time += 3600
        tree: dict[str, str] = {}
        for parent in parents:
            tree |= self.trees[parent]
        files = {
            k: v
            for k, v in (tree | files).items()
            if not parents or k not in self.trees[parents[0]] or self.trees[parents[0]][k] != v
        }
        self.trees[self.mark] = tree | files
        data = message.encode()
        lines = [
            f"commit refs/heads/{branch}",
            f"mark :{self.mark}",
            f"author {author} {self.time} +0000",
            f"committer {committer} {self.time} +0000",
            f"data {len(data)}",
            message,
        ]
        if parents:
            lines.append(f"from :{parents[0]}")
            lines += [f"merge :{p}" for p in parents[1:]]
        for path, content in files.items():
            lines += [f"M 100644 inline {path}", f"data {len(content.encode())}", content]
        self.parts.append("\n".join(lines) + "\n")
        return self.mark

    def tag(self, name: str, mark: int) -> None:
        self.parts.append(f"reset refs/tags/{name}\nfrom :{mark}\n\n")

    def bytes(self) -> bytes:
        return "".join(self.parts).encode()


AUTHOR_A = "Ann Author <ann@a.example>"
AUTHOR_B = "Bob Author <bob@b.example>"


def flow_stream() -> bytes:
    s = Stream()
    root = s.commit("master", "Initial import\n", MAINTAINER, MAINTAINER, {"virt/kvm/main.c": "0"})
    s.tag("v1.0", root)
    c1 = s.commit(
        "master", "KVM: x86: Fix foo\n", AUTHOR_A, MAINTAINER, {"arch/x86/kvm/x86.c": "1"}, (root,)
    )
    x1 = s.commit(
        "x86",
        "KVM: x86/mmu: Zap fewer sptes\n",
        AUTHOR_B,
        X86_MAINT,
        {"arch/x86/kvm/mmu.c": "1"},
        (root,),
    )
    x2 = s.commit(
        "x86",
        "KVM: nVMX: Honor the thing\n",
        AUTHOR_B,
        X86_MAINT,
        {"arch/x86/kvm/nested.c": "1"},
        (x1,),
    )
    m1 = s.commit("master", f"{X86_SUBJECT}\n\n{X86_BODY}\n", MAINTAINER, MAINTAINER, {}, (c1, x2))
    a1 = s.commit(
        "arm",
        "KVM: arm64: vgic: Fix the ITS\n",
        AUTHOR_A,
        ARM_MAINT,
        {"arch/arm64/kvm/vgic.c": "1"},
        (root,),
    )
    a2 = s.commit(
        "arm",
        "KVM/arm64: Fix a race\n",
        ARM_MAINT,
        ARM_MAINT,
        {"arch/arm64/kvm/arm.c": "1"},
        (a1,),
    )
    c2 = s.commit(
        "master",
        "Update the documentation\n",
        AUTHOR_A,
        MAINTAINER,
        {"virt/kvm/doc.txt": "1"},
        (m1,),
    )
    m2 = s.commit("master", f"{ARM_SUBJECT}\n\n{ARM_BODY}\n", MAINTAINER, MAINTAINER, {}, (c2, a2))
    s1 = s.commit(
        "s390",
        "KVM: s390: vsie: Fix shadowing\n",
        AUTHOR_B,
        MAINTAINER,
        {"arch/s390/kvm/vsie.c": "1"},
        (root,),
    )
    p1 = s.commit(
        "ppc",
        "KVM: PPC: Book3S HV: Fix the nest\n",
        AUTHOR_A,
        MAINTAINER,
        {"arch/powerpc/kvm/book3s_hv.c": "1"},
        (root,),
    )
    c3 = s.commit(
        "master",
        "kvm: selftests: Add a test\n",
        AUTHOR_A,
        MAINTAINER,
        {"tools/testing/selftests/kvm/x86_64/t.c": "1"},
        (m2,),
    )
    m3 = s.commit("master", f"{OCTOPUS_SUBJECT}\n", MAINTAINER, MAINTAINER, {}, (c3, s1, p1))
    s.tag("v1.1", m3)
    return s.bytes()


@pytest.fixture(scope="module")
def flow_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("flow") / "flow.git", flow_stream())


@pytest.fixture(scope="module")
def result(flow_repo: Path) -> WindowResult:
    repo = GitRepo(flow_repo)
    releases = release_list(repo, r"^v\d+\.\d+$")
    return compute_window(
        repo,
        releases.windows[-1],
        releases.tags,
        Selection(paths=(".",)),
        load_arch_map("linux-kvm"),
        load_affiliations(),
    )


@pytest.mark.parametrize(
    ("subject", "kind", "refs", "url", "tree"),
    [
        (
            X86_SUBJECT,
            "tag",
            ("kvm-x86-mmu-6.12",),
            "https://github.com/kvm-x86/linux",
            "github.com/kvm-x86/linux",
        ),
        (
            ARM_SUBJECT,
            "tag",
            ("kvmarm-6.12",),
            "git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git",
            "git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm",
        ),
        (
            "Merge tag 'for-linus' of git://git.kernel.org/pub/scm/virt/kvm/kvm",
            "tag",
            ("for-linus",),
            "git://git.kernel.org/pub/scm/virt/kvm/kvm",
            "git.kernel.org/pub/scm/virt/kvm/kvm",
        ),
        (
            OCTOPUS_SUBJECT,
            "branch",
            ("kvm-s390-next", "kvm-ppc-next"),
            None,
            "local: kvm-s390-next",
        ),
        (
            "Merge branch 'kvm-6.12-fixes' into HEAD",
            "branch",
            ("kvm-6.12-fixes",),
            None,
            "local: kvm-6.12-fixes",
        ),
        (
            "Merge tag 'kvm-x86-2025.06.26' of https://github.com/kvm-x86/kvm-unit-tests into HEAD",
            "tag",
            ("kvm-x86-2025.06.26",),
            "https://github.com/kvm-x86/kvm-unit-tests",
            "github.com/kvm-x86/kvm-unit-tests",
        ),
        (
            "Merge branch 'arm/queue' into 'master'",
            "branch",
            ("arm/queue",),
            None,
            "local: arm/queue",
        ),
        (
            "Merge branch kvm-arm64/mmu into kvmarm-master/next",
            "branch",
            ("kvm-arm64/mmu",),
            None,
            "local: kvm-arm64/mmu",
        ),
        (
            "Merge remote-tracking branch 'kvm/next' into queue",
            "remote-tracking branch",
            ("kvm/next",),
            None,
            "local: kvm/next",
        ),
        (
            "Merge tags 'a-6.1', 'b-6.1' and 'c-6.1' of https://x.example/t.git",
            "tag",
            ("a-6.1", "b-6.1", "c-6.1"),
            "https://x.example/t.git",
            "x.example/t",
        ),
        ("Sync with upstream", "other", (), None, "other"),
    ],
)
def test_merge_subjects(
    subject: str, kind: str, refs: tuple[str, ...], url: str | None, tree: str
) -> None:
    source = parse_merge_subject(subject)
    assert (source.kind, source.refs, source.url, source.tree) == (kind, refs, url, tree)


def test_a_version_suffix_keeps_a_local_tree_its_name() -> None:
    trees = {parse_merge_subject(f"Merge branch 'kvm-fixes-6.{n}' into HEAD").tree for n in (1, 2)}
    assert trees == {"local: kvm-fixes"}


def test_brought_in_follows_every_side_parent_and_stops_at_the_first() -> None:
    graph = {
        "m": ("c", "s", "p"),
        "c": ("r",),
        "s": ("s0",),
        "s0": ("r",),
        "p": ("c",),  # forked after c: c is the first parent's, not brought in
        "r": ("outside",),
    }
    assert brought_in(graph, "m") == {"s", "s0", "p"}
    assert brought_in(graph, "c") == set()
    assert brought_in({}, "m") == set()


def test_pulls_of_the_fixture_window(result: WindowResult, flow_repo: Path) -> None:
    pulls = result.tables["pulls"]
    assert [p.subject for p in pulls] == [X86_SUBJECT, ARM_SUBJECT, OCTOPUS_SUBJECT]
    assert [p.architecture for p in pulls] == ["x86", "arm64", "several"]
    assert [p.parents for p in pulls] == [2, 2, 3]
    assert [p.body for p in pulls] == [X86_BODY, ARM_BODY, ""]
    # The commits of a merge are `git rev-list --no-merges M^1..M -- P`.
    for pull in pulls:
        plain = git(flow_repo, "rev-list", "--count", "--no-merges", f"{pull.hash}^1..{pull.hash}")
        assert pull.commits == int(plain)
    assert [p.commits for p in pulls] == [2, 2, 2]


def test_trees_committers_and_applied_by_others(result: WindowResult) -> None:
    tables = result.tables
    assert [(t.tree, t.merges, t.commits) for t in tables["trees"]] == [
        ("git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm", 1, 2),
        ("github.com/kvm-x86/linux", 1, 2),
        ("local: kvm-s390-next", 1, 2),
    ]
    assert [(c.email, c.count) for c in tables["top_committers"]] == [
        ("paolo@maint.example", 5),
        ("marc@arm.example", 2),
        ("sean@x86.example", 2),
    ]
    assert [c.name for c in tables["top_committers"]] == ["Paolo Maint", "Marc Tree", "Sean Tree"]
    # Every non-merge commit but Marc's own one was applied by someone else.
    assert result.stats.commits == 9
    assert tables["applied_by_others"] == 8
    assert result.row["applied_by_others_share"] == round(8 / 9, 4)


def test_window_document_keys(result: WindowResult) -> None:
    doc = window_document(result)
    assert doc["applied_by_others"] == 8
    assert doc["pulls"][2]["refs"] == ["kvm-s390-next", "kvm-ppc-next"]
    assert doc["trees"][0] == {
        "tree": "git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm",
        "merges": 1,
        "commits": 2,
    }
    assert doc["top_committers"][0]["email"] == "paolo@maint.example"
    assert sum(t["commits"] for t in doc["topics"]) == doc["commits"]


def test_non_merge_records_keep_no_body(result: WindowResult, flow_repo: Path) -> None:
    repo = GitRepo(flow_repo)
    start, end = repo.resolve_commits("v1.0", "v1.1")
    records = mine(repo, Window(start, end, (".",)))
    assert all(r.body is None for r in records if not r.is_merge)
    assert sorted(r.body or "" for r in records if r.is_merge) == sorted([X86_BODY, ARM_BODY, ""])


def test_highlights_render_bodies_as_text(result: WindowResult) -> None:
    doc = window_document(result)
    names = list(load_arch_map("linux-kvm").names)
    ctx = Context(Dataset({"settings": {"architectures": names}}, [doc]))  # type: ignore[typeddict-item]
    source = highlights(ctx, doc)
    out = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html"]).convert(source)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'href="javascript' not in out
    # Grouped by architecture in the map's order; the octopus has no body, so no highlight.
    assert [line for line in source.splitlines() if line.startswith('<p class="kvm-group">')] == [
        '<p class="kvm-group">x86</p>',
        '<p class="kvm-group">arm64</p>',
    ]
    # The maintainer's list is a list again, still escaped.
    assert "<li>Zap fewer sptes</li><li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in out
    octopus = next(p for p in doc["pulls"] if p["parents"] == 3)
    assert "an octopus of 3 parents" in pull_heading(octopus)


def test_brought_in_all_when_only_some_merges_are_asked_for() -> None:
    """Topic Z forked from X on topic Y's branch; Y's merge M1 brought X in, so M2 brings
    only Z, whether or not M1 is among the merges asked about (the path-limited log can drop
    it)."""
    graph = {
        "A": ("B",),  # B: the window's start, outside the graph
        "X": ("A",),
        "Y": ("X",),
        "M1": ("A", "Y"),
        "Z": ("X",),
        "M2": ("M1", "Z"),
    }
    assert brought_in(graph, "M2") == {"Z"}
    assert brought_in_all(graph, ["M2"]) == {"M2": {"Z"}}
    assert brought_in_all(graph, ["M1", "M2"]) == {"M1": {"X", "Y"}, "M2": {"Z"}}


def test_mainline_merges_count_what_path_limiting_drops() -> None:
    """Merges on the first-parent line that brought selected commits in, kept by `git log
    -- P` or not: M1 brought the selected S, M2 only the unselected U, and the topic merge
    T (inside M3's branch) is not on the mainline, though M3 that brought it is."""
    graph = {
        "S": ("B",),
        "M1": ("B", "S"),
        "U": ("M1",),
        "M2": ("M1", "U"),
        "S2": ("M2",),
        "S3": ("M2",),
        "T": ("S2", "S3"),
        "M3": ("M2", "T"),
    }
    mainline = mainline_brought_in(graph)
    assert mainline == {"M1": {"S"}, "M2": {"U"}, "M3": {"T", "S2", "S3"}}
    selected = {"S", "S2", "S3"}
    assert sum(1 for found in mainline.values() if found & selected) == 2
