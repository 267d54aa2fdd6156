"""MAINTAINERS parsing and entry selection, with every pathspec checked against real git.

The reference for "which files does an entry cover" is `file_matches`, a port of
scripts/get_maintainer.pl. The pathspecs of `entry_pathspecs` are handed to git itself and
must select exactly the files the reference selects: on small made-up trees, on a
randomized sweep of patterns, on the 2013 kernel KVM entries and on every version of
kvm-unit-tests' MAINTAINERS in its real history.
"""

from __future__ import annotations

import itertools
import random
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from helpers import shared_data
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.maintainers import (
    DEFAULT_SUBSYSTEM,
    MaintainersEntry,
    MaintainersError,
    entry_pathspecs,
    file_matches,
    parse_maintainers,
    select_entries,
    tree_directories,
    tree_prefixes,
)

# --- git helpers ---------------------------------------------------------------------


def _git(git_dir: Path, *args: str, stdin: bytes | None = None) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], input=stdin, capture_output=True, check=True
    ).stdout.decode()


def _make_repo(git_dir: Path, paths: Iterable[str]) -> Path:
    """A bare repository whose one commit (refs/heads/main) holds `paths`, fixed dates."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(git_dir)], check=True)
    stream = [
        "blob",
        "mark :1",
        "data 5",
        "blob",
        "commit refs/heads/main",
        "committer Test <test@example.org> 1370000000 +0000",
        "data 4",
        "tree",
        *(f'M 100644 :1 "{_quote(path)}"' for path in sorted(paths)),
        "",
    ]
    _git(git_dir, "fast-import", "--quiet", stdin="\n".join(stream).encode())
    return git_dir


def _quote(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


def _tree_paths(git_dir: Path, rev: str) -> list[str]:
    return _git(git_dir, "ls-tree", "-r", "--name-only", "-z", rev).split("\0")[:-1]


def _git_selects(git_dir: Path, rev: str, specs: Iterable[str]) -> set[str]:
    """The files of `rev` that git itself selects with the pathspecs `specs`.

    `git ls-tree` cannot be the judge: it refuses glob magic ("pathspec magic not supported
    by this command: 'glob'"). Diffing the empty tree against `rev` lists every file as
    added, and diff-tree applies pathspecs through the same tree walk as `git log`.
    """
    specs = list(specs)
    if not specs:
        return set()
    empty = _git(git_dir, "hash-object", "-t", "tree", "/dev/null").strip()
    out = _git(
        git_dir, "diff-tree", "-r", "--name-only", "-z", "--no-renames", empty, rev, "--", *specs
    )
    return set(out.split("\0")[:-1])


def _reference(paths: Iterable[str], entries: tuple[MaintainersEntry, ...]) -> set[str]:
    paths = list(paths)
    directories = tree_directories(paths)
    return {path for path in paths if file_matches(path, entries, directories)}


CrossCheck = Callable[..., tuple[str, ...]]


@pytest.fixture
def cross_check(tmp_path: Path) -> CrossCheck:
    """Check `entry_pathspecs` against git and `file_matches` on a tree of `paths`.

    Returns the pathspecs; `expected`, when given, is the covered set spelled out.
    """
    counter = itertools.count()

    def check(
        text: str, name_regex: str, paths: Iterable[str], expected: set[str] | None = None
    ) -> tuple[str, ...]:
        paths = sorted(set(paths))
        entries = select_entries(parse_maintainers(text), name_regex)
        specs = entry_pathspecs(entries, paths)
        repo = _make_repo(tmp_path / f"repo{next(counter)}.git", paths)
        reference = _reference(paths, entries)
        assert _git_selects(repo, "main", specs) == reference, specs
        if expected is not None:
            assert reference == expected
        return specs

    return check


# --- parsing ---------------------------------------------------------------------------

KERNEL_STYLE = """\
List of maintainers and how to submit kernel changes

Descriptions of section entries and preferred order
\tM: *Mail* patches to: FullName <address@domain>
\tF: *Files* and directories wildcard patterns.
\t   F:\tdrivers/net/\tall files in and below drivers/net
\tX: *Excluded* files and directories that are NOT maintained
\tN: Files and directories *Regex* patterns.

Maintainers List
----------------

KERNEL VIRTUAL MACHINE (KVM)
M:\tPaolo Bonzini <pbonzini@redhat.com>
L:\tkvm@vger.kernel.org
S:\tSupported
F:\tDocumentation/virtual/kvm/
F:\tinclude/linux/kvm*

KERNEL VIRTUAL MACHINE (KVM) FOR AMD-V
F:\tarch/x86/kvm/svm.c
"""

KUT_STYLE = """\
KVM Unit Tests Maintainers
==========================

Descriptions of section entries:

\tF: Files and directories with wildcard patterns.
\t   F:\tdrivers/net/*\tall files in drivers/net, but not below

Architecture Specific Code:
---------------------------

X86
M: Paolo Bonzini <pbonzini@redhat.com>
S: Supported
F: x86/
F: lib/x86/
T: https://gitlab.com/bonzini/kvm-unit-tests.git
"""


def test_kernel_tab_form() -> None:
    entries = parse_maintainers(KERNEL_STYLE)
    kvm, amd = select_entries(entries, DEFAULT_SUBSYSTEM)
    assert kvm == MaintainersEntry(
        name="KERNEL VIRTUAL MACHINE (KVM)",
        line=13,
        files=("Documentation/virtual/kvm/", "include/linux/kvm*"),
    )
    assert (amd.name, amd.line, amd.files) == (
        "KERNEL VIRTUAL MACHINE (KVM) FOR AMD-V",
        20,
        ("arch/x86/kvm/svm.c",),
    )


def test_kvm_unit_tests_space_form() -> None:
    (x86,) = select_entries(parse_maintainers(KUT_STYLE), "^X86$")
    assert x86 == MaintainersEntry(name="X86", line=12, files=("x86/", "lib/x86/"))


def test_preamble_descriptions_are_not_fields() -> None:
    # The tab-indented `\tF: ...` lines explain the format. Column-0 prose lines become
    # harmless entries without fields.
    for text in (KERNEL_STYLE, KUT_STYLE):
        entries = parse_maintainers(text)
        files = [pattern for entry in entries for pattern in entry.files]
        assert not any("drivers/net" in pattern for pattern in files)
        assert all(not entry.problems for entry in entries)
    names = [entry.name for entry in parse_maintainers(KERNEL_STYLE)]
    assert names[:3] == [
        "List of maintainers and how to submit kernel changes",
        "Descriptions of section entries and preferred order",
        "Maintainers List",
    ]


def test_underlines_comments_and_blank_lines() -> None:
    text = "Title\n=====\n# a comment, not a title\nF: a/\n\n\nF: b/\n-----\nF: c/\nNext\n"
    title, following = parse_maintainers(text)
    # Blank lines, underlines and comments end nothing: all three F: lines are Title's.
    assert (title.name, title.files) == ("Title", ("a/", "b/", "c/"))
    assert (following.name, following.line) == ("Next", 10)


def test_trailing_whitespace_and_crlf_are_not_part_of_a_pattern() -> None:
    (entry,) = parse_maintainers("X86\r\nF: x86/ \r\nN:\tkvm\t\r\n")
    assert (entry.name, entry.files, entry.regexes) == ("X86", ("x86/",), ("kvm",))


def test_excludes_and_regexes_are_recorded() -> None:
    (entry,) = parse_maintainers("NET\nF:\tnet/\nX:\tnet/ipv6/\nN:\t[^a-z]net\nK:\tnetdev\n")
    assert entry.files == ("net/",)
    assert entry.excludes == ("net/ipv6/",)
    assert entry.regexes == ("[^a-z]net",)


# --- get_maintainer.pl's matching (the reference) -----------------------------------------

MATCHING = [
    # (pattern, path, directories of the tree, covered?)
    ("include/linux/kvm*", "include/linux/kvm_host.h", (), True),
    ("include/linux/kvm*", "include/linux/kvm/arm.h", (), False),  # * stays in a component
    ("foo.c", "foo.c.orig", (), True),  # a prefix match with equal slash counts
    ("foo.c", "fooxc", (), False),  # `.` is escaped
    ("foo.c", "lib/foo.c", (), False),  # anchored at the top
    ("drivers/net/*", "drivers/net/a.c", (), True),
    ("drivers/net/*", "drivers/net/x/a.c", (), False),
    ("*/net/*", "drivers/net/a.c", (), True),
    ("*/net/*", "drivers/x/net/a.c", (), False),
    ("drivers/net/", "drivers/net/x/y/a.c", (), True),
    ("arch/*/kvm/", "arch/x86/kvm/mmu/mmu.c", (), True),
    ("arch/*/kvm/", "arch/x86/a/kvm/b.c", (), True),  # no slash count: `.*` crosses `/`
    ("arch/*/kvm/", "arch/kvm/b.c", (), False),
    ("arch/?86/kvm/", "arch/x86/kvm/x.c", (), True),
    ("virt/kvm", "virt/kvm/kvm_main.c", ("virt", "virt/kvm"), True),  # a directory: `-d`
    ("virt/kvm", "virt/kvm/kvm_main.c", (), False),  # not a directory in this tree
    ("virt/kvm", "virt/kvm_main.c", (), True),  # ... so a prefix of file names
    ("virt/kvm", "virt/kvm_main.c", ("virt", "virt/kvm"), False),
    ("lib.d", "lib.d/x.c", ("lib.d",), False),  # `-d` tests the converted "lib\.d"
    ("foo[12].c", "foo1.c", (), True),  # other regex syntax stays regex syntax
    ("foo[12].c", "foo[12].c", (), False),
]


@pytest.mark.parametrize(("pattern", "path", "directories", "covered"), MATCHING)
def test_file_matches_like_get_maintainer(
    pattern: str, path: str, directories: tuple[str, ...], covered: bool
) -> None:
    entry = MaintainersEntry(name="E", line=1, files=(pattern,))
    assert file_matches(path, [entry], frozenset(directories)) is covered


def test_excludes_are_tested_first_and_per_entry() -> None:
    net = MaintainersEntry(name="NET", line=1, files=("net/",), excludes=("net/ipv6/",))
    ipv6 = MaintainersEntry(name="IPV6", line=9, files=("net/ipv6/addrconf.c",))
    assert file_matches("net/core/dev.c", [net])
    assert not file_matches("net/ipv6/addrconf.c", [net])
    assert file_matches("net/ipv6/addrconf.c", [net, ipv6])
    assert not file_matches("net/ipv6/route.c", [net, ipv6])


def test_regexes_are_searched_in_verbose_mode() -> None:
    # get_maintainer.pl matches N: with Perl's /x, where blanks are not part of the regex.
    entry = MaintainersEntry(name="E", line=1, regexes=("k v m  # a comment",))
    assert file_matches("tools/kvm_stat", [entry])
    assert not file_matches("tools/k v m", [entry])


def test_tree_directories() -> None:
    assert tree_directories(["a/b/c.txt", "a/d.txt", "e"]) == {"a", "a/b"}


# --- pathspecs, checked against git ---------------------------------------------------------

TREE = [
    "COPYING",
    "Documentation/virtual/kvm/api.txt",
    "Documentation/virtual/kvm/devices/vm.txt",
    "Documentation/virtual/kvm.txt",
    "arch/kvm/odd.c",
    "arch/x86/a/kvm/deep.c",
    "arch/x86/include/asm/kvm_host.h",
    "arch/x86/include/asm/kvm/sub.h",
    "arch/x86/kernel/kvm.c",
    "arch/x86/kvm/hyperv.c",
    "arch/x86/kvm/hyperv.h",
    "arch/x86/kvm/mmu/mmu.c",
    "arch/x86/kvm/svm.c",
    "arch/x86/kvm/x86.c",
    "include/linux/kvm/arm.h",
    "include/linux/kvm_host.h",
    "include/linux/kvm_host.h.orig",
    "lib.d/x.c",
    "tools/odd [name]\\x*.c",
    "tools/we[ir]d_kvm.c",
    "virt/kvm/arm/vgic.c",
    "virt/kvm/kvm_main.c",
    "virt/kvm_old.c",
]


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ("F: arch/x86/kvm/", {p for p in TREE if p.startswith("arch/x86/kvm/")}),
        (
            "F: include/linux/kvm*",
            {"include/linux/kvm_host.h", "include/linux/kvm_host.h.orig"},
        ),
        (
            "F: arch/*/kvm/",
            # A directory pattern is not slash-counted: its `*` crosses `/`.
            {"arch/x86/a/kvm/deep.c", "arch/x86/include/asm/kvm/sub.h"}
            | {p for p in TREE if p.startswith("arch/x86/kvm/")},
        ),
        ("F: virt/kvm", {"virt/kvm/arm/vgic.c", "virt/kvm/kvm_main.c"}),
        ("F: virt/kvm/*", {"virt/kvm/kvm_main.c"}),
        ("F: Documentation/*/kvm*.txt", {"Documentation/virtual/kvm.txt"}),
        ("F: *", {"COPYING"}),
        ("F: */", set(TREE) - {"COPYING"}),
        ("F: lib.d", set()),
        (
            "F: arch/x86/kvm/\nX: arch/x86/kvm/hyperv.*",
            {"arch/x86/kvm/mmu/mmu.c", "arch/x86/kvm/svm.c", "arch/x86/kvm/x86.c"},
        ),
        (
            "F: arch/x86/\nX: arch/x86/kvm",
            {
                "arch/x86/a/kvm/deep.c",
                "arch/x86/include/asm/kvm_host.h",
                "arch/x86/include/asm/kvm/sub.h",
                "arch/x86/kernel/kvm.c",
            },
        ),
        (
            "N: kvm_",
            {
                "virt/kvm/kvm_main.c",
                "include/linux/kvm_host.h",
                "include/linux/kvm_host.h.orig",
                "arch/x86/include/asm/kvm_host.h",
                "virt/kvm_old.c",
            },
        ),
        # X: is a regex for get_maintainer.pl too: [ir] is a class, not the file's name.
        ("F: tools/\nX: tools/we[ir]d_kvm.c", {"tools/odd [name]\\x*.c", "tools/we[ir]d_kvm.c"}),
        (
            "F: arch/x86/kvm/[hs]*",
            {"arch/x86/kvm/hyperv.c", "arch/x86/kvm/hyperv.h", "arch/x86/kvm/svm.c"},
        ),
    ],
)
def test_pathspecs_select_what_get_maintainer_selects(
    cross_check: CrossCheck, patterns: str, expected: set[str]
) -> None:
    cross_check(f"ENTRY\n{patterns}\n", "ENTRY", TREE, expected)


def test_directory_pattern_is_a_recursive_glob(cross_check: CrossCheck) -> None:
    specs = cross_check("E\nF: virt/kvm\nF: arch/*/kvm/\nF: include/linux/kvm*\n", "E", TREE)
    assert specs == (
        ":(glob)arch/*/**/kvm/**",
        ":(glob)include/linux/kvm*",
        ":(glob)virt/kvm/**",
    )


def test_file_pattern_gets_a_final_star_for_the_prefix_match(cross_check: CrossCheck) -> None:
    assert cross_check("E\nF: include/linux/kvm_host.h\n", "E", TREE) == (
        ":(glob)include/linux/kvm_host.h*",
    )


def test_exclusion_of_one_entry_does_not_remove_another_entrys_file(
    cross_check: CrossCheck,
) -> None:
    text = (
        "KVM X86\nF: arch/x86/kvm/\nX: arch/x86/kvm/hyperv.*\nX: arch/x86/kvm/svm.c\n\n"
        "KVM HYPER-V\nF: arch/x86/kvm/hyperv.c\n"
    )
    x86_only = cross_check(text, "X86", TREE)
    assert ":(exclude,glob)arch/x86/kvm/hyperv.*" in x86_only
    both = cross_check(
        text,
        "^KVM",
        TREE,
        {
            "arch/x86/kvm/hyperv.c",
            "arch/x86/kvm/mmu/mmu.c",
            "arch/x86/kvm/x86.c",
        },
    )
    # hyperv.* would also drop the HYPER-V entry's hyperv.c, so the tree's hyperv.h goes
    # alone; svm.c's exclusion contradicts nothing and stays a glob.
    assert ":(exclude,literal)arch/x86/kvm/hyperv.h" in both
    assert ":(exclude,glob)arch/x86/kvm/svm.c*" in both
    assert not any("hyperv.*" in spec for spec in both)


def test_regex_lines_become_literal_paths(cross_check: CrossCheck) -> None:
    specs = cross_check("E\nN: we\\[ir\\]d\nX: tools/odd\n", "E", TREE, {"tools/we[ir]d_kvm.c"})
    # The X: glob stays: it would also keep tools/odd* out in other commits of the history.
    assert specs == (":(exclude,glob)tools/odd*", ":(literal)tools/we[ir]d_kvm.c")


def test_regex_syntax_in_file_patterns_is_resolved_against_the_tree(
    cross_check: CrossCheck,
) -> None:
    specs = cross_check("E\nF: arch/x86/kvm/(svm|x86).c\n", "E", TREE)
    assert specs == (":(literal)arch/x86/kvm/svm.c", ":(literal)arch/x86/kvm/x86.c")


def test_pathspecs_are_sorted_and_deduplicated(cross_check: CrossCheck) -> None:
    text = "A\nF: virt/kvm/\nF: arch/x86/kvm/\n\nB\nF: virt/kvm/\n"
    specs = cross_check(text, "^[AB]$", TREE)
    assert specs == (":(glob)arch/x86/kvm/**", ":(glob)virt/kvm/**")


@pytest.mark.parametrize("text", ["E\nF: nowhere/\n", "E\nM: someone@example.org\n", "OTHER\n"])
def test_no_covered_file_means_no_pathspecs(text: str) -> None:
    entries = select_entries(parse_maintainers(text), "E")
    assert entry_pathspecs(entries, TREE) == ()


def test_exclusions_never_come_alone() -> None:
    entries = parse_maintainers("E\nF: virt/kvm/\nX: virt/kvm/\n")
    assert entry_pathspecs(entries, TREE) == ()


def test_randomized_patterns_agree_with_git(tmp_path: Path) -> None:
    """A seeded sweep over patterns built from wildcards, dots and slashes."""
    components = ["a", "b", "ab", "a.b", "kvm", "kvm.c", "x86", "b.c"]
    rng = random.Random(20130701)
    paths = sorted(
        {"/".join(rng.choice(components) for _ in range(rng.randint(1, 4))) for _ in range(300)}
    )
    # A path cannot also be a directory of the same tree.
    directories = tree_directories(paths)
    paths = [path for path in paths if path not in directories]
    repo = _make_repo(tmp_path / "sweep.git", paths)
    tokens = ["a", "b", "kvm", ".", "c", "*", "?", "/", "x86"]

    def pattern() -> str:
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 7))).lstrip("/")
        return (text or "a") + ("/" if rng.random() < 0.4 else "")

    for _ in range(150):
        entries = tuple(
            MaintainersEntry(
                name=f"E{index}",
                line=index,
                files=tuple(pattern() for _ in range(rng.randint(1, 2))),
                excludes=tuple(pattern() for _ in range(rng.randint(0, 1))),
            )
            for index in range(rng.randint(1, 2))
        )
        specs = entry_pathspecs(entries, paths)
        assert _git_selects(repo, "main", specs) == _reference(paths, entries), (entries, specs)


# --- malformed lines and user errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("A:\tsomething", "unknown field type 'A:'"),
        ("F:", "empty F: line"),
        ("F:\t", "empty F: line"),
        ("N:", "empty N: line"),
        ("X: /abs/path", "is absolute"),
        ("F: ../outside/", "leaves the tree"),
        ("F: a/../b", "leaves the tree"),
        ("F: drivers/foo(bar", "not a valid get_maintainer.pl pattern"),
        ("N: (unclosed", "N: regex '(unclosed' is invalid"),
    ],
)
def test_malformed_line_raises_only_when_its_entry_is_selected(line: str, message: str) -> None:
    text = f"GOOD\nF: virt/kvm/\n\nBROKEN\nM: someone@example.org\n{line}\nF: x86/\n"
    entries = parse_maintainers(text, source="linux/MAINTAINERS")
    assert entry_pathspecs(select_entries(entries, "GOOD"), TREE) == (":(glob)virt/kvm/**",)
    broken = select_entries(entries, "BROKEN")
    with pytest.raises(MaintainersError) as caught:
        entry_pathspecs(broken, TREE)
    assert str(caught.value).startswith("linux/MAINTAINERS:6: ")
    assert message in str(caught.value)
    assert (caught.value.source, caught.value.line) == ("linux/MAINTAINERS", 6)
    assert isinstance(caught.value, UserError)
    with pytest.raises(MaintainersError):
        file_matches("x86/x.c", broken)


def test_fields_before_any_entry_are_ignored() -> None:
    assert parse_maintainers("F: x86/\nZ: not a field type\nF: /absolute\nE\nF: e/\n") == (
        MaintainersEntry(name="E", line=4, files=("e/",)),
    )


def test_first_malformed_line_is_reported_with_a_count() -> None:
    entries = parse_maintainers("E\nF:\nF: /x\nQ: fine\nA: no\n")
    with pytest.raises(MaintainersError, match=r"^MAINTAINERS:2: empty F: line \(and 2 more"):
        entry_pathspecs(entries, TREE)


def test_invalid_name_regex_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r"--subsystem '\(KVM' is not a valid regex"):
        select_entries(parse_maintainers(KERNEL_STYLE), "(KVM")


def test_name_regex_is_case_insensitive() -> None:
    text = "x86\nF: x86/\n\nX86 PLATFORM\nF: p/\n"
    assert [entry.name for entry in select_entries(parse_maintainers(text), "^X86$")] == ["x86"]


# --- the default subsystem ----------------------------------------------------------------

KVM_NAMES = [
    "KERNEL VIRTUAL MACHINE (KVM)",
    "KERNEL VIRTUAL MACHINE (KVM) FOR AMD-V",
    "KERNEL VIRTUAL MACHINE For Itanium (KVM/IA64)",
    "KERNEL VIRTUAL MACHINE for s390 (KVM/s390)",
    "KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)",
    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)",
    "KERNEL VIRTUAL MACHINE FOR RISC-V (KVM/riscv)",
    "KERNEL VIRTUAL MACHINE FOR LOONGARCH (KVM/LoongArch)",
    "KERNEL VIRTUAL MACHINE FOR MIPS (KVM/mips)",
    "KERNEL VIRTUAL MACHINE FOR POWERPC (KVM/powerpc)",
    "KVM PARAVIRT (KVM/paravirt)",
    "KVM X86 HYPER-V (KVM/hyper-v)",
    "KVM X86 Xen (KVM/Xen)",
]
OTHER_NAMES = [
    "KEXEC",
    "KEYS/KEYRINGS",
    "VIRTIO CORE AND NET DRIVERS",
    "KVMTOOL",
    "KERNEL VM",
    "X86 PLATFORM DRIVERS",
]


@pytest.mark.parametrize("name", KVM_NAMES)
def test_default_subsystem_selects_kvm_entries(name: str) -> None:
    assert select_entries([MaintainersEntry(name=name, line=1)], DEFAULT_SUBSYSTEM)


@pytest.mark.parametrize("name", OTHER_NAMES)
def test_default_subsystem_leaves_other_entries(name: str) -> None:
    assert not select_entries([MaintainersEntry(name=name, line=1)], DEFAULT_SUBSYSTEM)


# --- real data ----------------------------------------------------------------------------


def _shared_data(name: str) -> Path:
    directory = shared_data()
    if directory is None or not (directory / name).exists():
        pytest.skip(f"{name} is not in ../shared/data (set KVMSTATUS_SHARED_DATA)")
    return directory / name


@pytest.fixture(scope="session")
def kvm_2013() -> tuple[MaintainersEntry, ...]:
    path = _shared_data("linux-MAINTAINERS-kvm-2013.txt")
    return parse_maintainers(path.read_text(), source=path.name)


@pytest.fixture(scope="session")
def kut_git(kut_repo: Path) -> Path:
    return kut_repo


@pytest.mark.realdata
def test_2013_default_subsystem_selects_the_six_kvm_entries(
    kvm_2013: tuple[MaintainersEntry, ...],
) -> None:
    selected = select_entries(kvm_2013, DEFAULT_SUBSYSTEM)
    assert [entry.name for entry in selected] == [
        "KERNEL VIRTUAL MACHINE (KVM)",
        "KERNEL VIRTUAL MACHINE (KVM) FOR AMD-V",
        "KERNEL VIRTUAL MACHINE (KVM) FOR POWERPC",
        "KERNEL VIRTUAL MACHINE For Itanium (KVM/IA64)",
        "KERNEL VIRTUAL MACHINE for s390 (KVM/s390)",
        "KERNEL VIRTUAL MACHINE (KVM) FOR ARM",
    ]
    assert [entry.name for entry in kvm_2013 if entry not in selected] == ["KEXEC"]
    assert all(not entry.problems for entry in kvm_2013)


KERNEL_2013_TREE = {
    # path: covered by the 2013 KVM entries?
    "arch/x86/kvm/x86.c": True,
    "arch/x86/kvm/svm.c": True,
    "arch/x86/kvm/mmu/mmu.c": True,
    "arch/x86/include/asm/kvm_host.h": True,
    "arch/x86/include/asm/svm.h": True,
    # Not by `arch/*/include/asm/kvm*` (4 slashes), but `arch/*/kvm/` is a directory
    # pattern, whose `*` crosses `/` in get_maintainer.pl: it covers any kvm/ below arch/.
    "arch/x86/include/asm/kvm/extra.h": True,
    "arch/x86/include/asm/vmx/extra.h": False,
    "arch/x86/include/asm/vmx.h": False,
    "arch/x86/kernel/kvm.c": False,  # the guest side had no KVM entry in 2013
    "arch/powerpc/kvm/book3s.c": True,
    "arch/powerpc/include/asm/kvm_ppc.h": True,
    "arch/ia64/kvm/vcpu.c": True,
    "arch/arm/kvm/arm.c": True,
    "arch/arm/include/uapi/asm/kvm.h": True,
    "arch/s390/kvm/kvm-s390.c": True,
    "include/linux/kvm_host.h": True,
    "include/linux/kexec.h": False,
    "include/uapi/linux/kvm.h": True,
    "include/uapi/linux/kexec.h": False,
    "Documentation/virtual/kvm/api.txt": True,
    "Documentation/virtual/kvm/devices/vm.txt": True,
    "Documentation/s390/kvm.txt": True,
    "Documentation/ia64/kvm.txt": True,
    "Documentation/ia64/kvm-notes.txt": True,  # `Documentation/*/kvm*.txt`
    "Documentation/virtual/uml/UserModeLinux-HOWTO.txt": False,
    "virt/kvm/kvm_main.c": True,
    "virt/kvm/arm/vgic.c": True,
    "drivers/s390/kvm/virtio_ccw.c": True,
    "drivers/s390/net/qeth_core.h": False,
    "kernel/kexec.c": False,
    "MAINTAINERS": False,
}


@pytest.mark.realdata
def test_2013_kvm_entries_against_git(
    kvm_2013: tuple[MaintainersEntry, ...], tmp_path: Path
) -> None:
    selected = select_entries(kvm_2013, DEFAULT_SUBSYSTEM)
    paths = sorted(KERNEL_2013_TREE)
    repo = _make_repo(tmp_path / "linux.git", paths)
    specs = entry_pathspecs(selected, paths)
    covered = {path for path, is_covered in KERNEL_2013_TREE.items() if is_covered}
    assert _reference(paths, selected) == covered
    assert _git_selects(repo, "main", specs) == covered
    # Every F: line here is a plain glob, so the pathspecs hold for the whole history.
    assert all(spec.startswith(":(glob)") for spec in specs)


KUT_SECTIONS = ["X86", "ARM", "POWERPC", "S390X", "RISCV", ".*"]
# How many of the MAINTAINERS versions have each section (X86 was spelled "x86" at first).
KUT_SECTION_VERSIONS = {"X86": 28, "ARM": 28, "POWERPC": 27, "S390X": 24, "RISCV": 3, ".*": 28}


@pytest.fixture(scope="session")
def kut_versions(kut_git: Path) -> list[tuple[str, tuple[MaintainersEntry, ...], list[str]]]:
    """Every commit that changed MAINTAINERS: (commit, its entries, its tree's paths)."""
    commits = _git(kut_git, "log", "--format=%H", "--", "MAINTAINERS").split()
    return [
        (
            commit,
            parse_maintainers(
                _git(kut_git, "show", f"{commit}:MAINTAINERS"), f"{commit[:12]}:MAINTAINERS"
            ),
            _tree_paths(kut_git, commit),
        )
        for commit in commits
    ]


@pytest.mark.realdata
@pytest.mark.parametrize("section", KUT_SECTIONS)
def test_kvm_unit_tests_history_against_git(
    kut_git: Path,
    kut_versions: list[tuple[str, tuple[MaintainersEntry, ...], list[str]]],
    section: str,
) -> None:
    name_regex = section if section == ".*" else f"^{section}$"
    found = 0
    for commit, entries, paths in kut_versions:
        selected = select_entries(entries, name_regex)
        if not selected:
            continue
        found += 1
        specs = entry_pathspecs(selected, paths)
        expected = _reference(paths, selected)
        assert expected, (commit, section)
        assert _git_selects(kut_git, commit, specs) == expected, (commit, section, specs)
        # Listing only the directories the patterns can reach gives the same pathspecs.
        prefixes = tree_prefixes(selected)
        if prefixes is not None:
            listed = GitRepo(kut_git).tree_paths(commit, prefixes)
            assert len(listed) < len(paths)
            assert entry_pathspecs(selected, listed) == specs, (commit, section)
    assert found == KUT_SECTION_VERSIONS[section]


@pytest.mark.realdata
def test_kvm_unit_tests_dir_star_patterns_missed_subdirectories(
    kut_versions: list[tuple[str, tuple[MaintainersEntry, ...], list[str]]],
) -> None:
    """Until October 2021 the sections said `F: lib/arm/*`, which covers no subdirectory:
    lib/arm/asm/ belonged to no architecture until the patterns became `lib/arm/`."""
    covered = {}
    for commit, entries, paths in kut_versions:
        (arm,) = select_entries(entries, "^ARM$")
        covered[commit] = (arm.files, len(_reference(paths, (arm,))))
    star_era = [count for files, count in covered.values() if files[0] == "arm/*"]
    slash_era = [count for files, count in covered.values() if files[0] == "arm/"]
    assert len(star_era) + len(slash_era) == len(covered)
    assert max(star_era) < min(slash_era)


def test_tree_prefixes() -> None:
    def entry(
        files: tuple[str, ...] = (), excludes: tuple[str, ...] = (), regexes: tuple[str, ...] = ()
    ) -> MaintainersEntry:
        return MaintainersEntry("E", 1, files, excludes, regexes)

    kvm = entry(
        ("virt/kvm/", "arch/*/kvm/", "include/linux/kvm*", "arch/x86/kvm/mmu"),
        ("arch/x86/kvm/svm/",),
    )
    assert tree_prefixes([kvm]) == ("arch/", "include/linux/", "virt/kvm/")
    assert tree_prefixes([kvm, entry(regexes=("kvm",))]) is None  # N: searches every path
    assert tree_prefixes([entry(("*.c",))]) is None  # a wildcard before the first slash
    assert tree_prefixes([entry(("Makefile",))]) is None  # a top-level name
    assert tree_prefixes([entry(("lib/[ab]/",))]) is None  # regex syntax
    assert tree_prefixes([entry()]) == ()
