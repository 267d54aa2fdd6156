"""Fixes provenance: the value parser, a scripted history with every kind of problem, the
number of git processes, and kvm-unit-tests' real `Fixes:` lines against plain git."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import build_repo, git
from kvmstatus.analyse.fixes import summarize_fixes
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine import fixes
from kvmstatus.mine.fixes import (
    ParsedFixes,
    first_releases,
    parse_fixes,
    resolve_fixes,
    subject_matches,
)
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import mine
from kvmstatus.mine.releases import list_tags, release_tags, release_windows
from kvmstatus.model.records import (
    AMBIGUOUS,
    MISMATCH,
    NO_SUBJECT,
    SHORT,
    UNKNOWN,
    UNPARSEABLE,
    CommitRecord,
    FixesFinding,
    Person,
    Trailer,
)
from kvmstatus.shared.numbers import nearest_rank
from kvmstatus.shared.versions import version_key

# --- the value parser ----------------------------------------------------------------------

H12 = "0123456789ab"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f'{H12} ("KVM: x86: Subject")', ParsedFixes(H12, "KVM: x86: Subject")),
        (f'commit {H12} ("KVM: x86: Subject")', ParsedFixes(H12, "KVM: x86: Subject")),
        ('0123456789AB ("KVM: x86: Subject")', ParsedFixes(H12, "KVM: x86: Subject")),
        (f'{H12} ("KVM:  x86:\tSubject")', ParsedFixes(H12, "KVM: x86: Subject")),
        (f'{H12} ("KVM: x86: Fix "foo" (bar)")', ParsedFixes(H12, 'KVM: x86: Fix "foo" (bar)')),
        (f"{H12} (\u201cKVM: x86: Subject\u201d)", ParsedFixes(H12, "KVM: x86: Subject")),
        (f"{H12} (x86: foo (bar) baz) and more", ParsedFixes(H12, "x86: foo (bar) baz")),
        (f'{H12} ("")', ParsedFixes(H12, None)),
        (f"{H12} x86: bare subject", ParsedFixes(H12, "x86: bare subject")),
        ("see the bug report", ParsedFixes(None, None)),
        ("", ParsedFixes(None, None)),
        ('abc ("too short to be a hash")', ParsedFixes(None, None)),
        ('deadbeefs ("a word, not a hash")', ParsedFixes(None, None)),
        # Real values from kvm-unit-tests (hashes as rewritten in ../shared/data).
        (
            "3ef1db1d58064543030059bbba264f910f49a1e9 (x86: efi: Provide percpu storage)",
            ParsedFixes(
                "3ef1db1d58064543030059bbba264f910f49a1e9", "x86: efi: Provide percpu storage"
            ),
        ),
        (
            'c2c5c6aa "s390x: define UV compatible I/O allocation"',
            ParsedFixes("c2c5c6aa", "s390x: define UV compatible I/O allocation"),
        ),
        (
            'eea12a2 ("If "enable EPT" is enabled in a test, EPT pointer must also be set up")',
            ParsedFixes(
                "eea12a2", 'If "enable EPT" is enabled in a test, EPT pointer must also be set up'
            ),
        ),
        (
            'eb4684bb ("svm: add basic GMET tests", 2026-05-12)',
            ParsedFixes("eb4684bb", "svm: add basic GMET tests"),
        ),
        (
            'b05e69dee84ad1082df3e31bd54f15727fdf9acd ("nEPT: Fix test cases for 2M huge pages").',
            ParsedFixes(
                "b05e69dee84ad1082df3e31bd54f15727fdf9acd", "nEPT: Fix test cases for 2M huge pages"
            ),
        ),
        (
            '6f6d90a9b2cdf ("(arm|powerpc|s390x): Makefile: add `%.aux.o` target")',
            ParsedFixes("6f6d90a9b2cdf", "(arm|powerpc|s390x): Makefile: add `%.aux.o` target"),
        ),
        # Wrapped onto the next line: the trailer holds only the first part.
        (
            'bd8a14f983 ("x86: add additional test cases for sse exceptions to',
            ParsedFixes("bd8a14f983", "x86: add additional test cases for sse exceptions to", True),
        ),
        (
            'df199424 ("x86/pmu: Mark Intel architectural event available [...]")',
            ParsedFixes(
                "df199424", "x86/pmu: Mark Intel architectural event available [...]", True
            ),
        ),
        (
            "f5792194cfe2cc579162fbc383967c93c3b3bfe6",
            ParsedFixes("f5792194cfe2cc579162fbc383967c93c3b3bfe6", None),
        ),
    ],
)
def test_parse_fixes(value: str, expected: ParsedFixes) -> None:
    assert parse_fixes(value) == expected


@pytest.mark.parametrize(
    ("quoted", "actual", "matches"),
    [
        ("KVM: x86: Subject", "KVM: x86: Subject", True),
        ("KVM: x86:  Subject ", "KVM: x86: Subject", True),
        ("KVM: x86: subject", "KVM: x86: Subject", False),
        ("KVM: x86: Subject...", "KVM: x86: Subject of some length", True),
        ("KVM: x86: Subject [...]", "KVM: x86: Subject of some length", True),
        ("KVM: x86: Subject\u2026", "KVM: x86: Subject of some length", True),
        ("KVM: x86: Other...", "KVM: x86: Subject of some length", False),
        ("...", "KVM: x86: Subject", False),
        ("kvm-unit-test: x86: Subject", "x86: Subject", False),
    ],
)
def test_subject_matches(quoted: str, actual: str, matches: bool) -> None:
    truncated = parse_fixes(f'{H12} ("{quoted}")').truncated
    assert subject_matches(quoted, truncated, actual) is matches


def test_unterminated_subject_matches_as_a_prefix() -> None:
    parsed = parse_fixes('bd8a14f983 ("x86: add additional test cases for sse exceptions to')
    assert parsed.subject is not None
    actual = "x86: add additional test cases for sse exceptions to emulator.c"
    assert subject_matches(parsed.subject, parsed.truncated, actual)
    assert not subject_matches(parsed.subject, False, actual)


def test_nearest_rank() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([5.0], 90) == 5.0
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 50) == 2.0  # the lower middle, an observed value
    assert nearest_rank([float(v) for v in range(1, 11)], 90) == 9.0
    assert nearest_rank([float(v) for v in range(1, 12)], 90) == 10.0


# --- a scripted history --------------------------------------------------------------------

START = datetime(2020, 1, 1, 12, tzinfo=UTC)
DAY = 86_400
FILLERS = 600  # enough commits for two of them to share a 4-digit prefix


def ts(day: int) -> int:
    return int(START.timestamp()) + day * DAY


@dataclass(frozen=True)
class Fx:
    """One commit of the scripted history."""

    ref: str
    author: str
    author_day: int
    message: str
    files: dict[str, str]
    commit_day: int | None = None
    mark: int | None = None
    start: str | None = None  # `from` for the first commit of an incremental import


def stream(commits: list[Fx], tags: dict[str, int] | None = None) -> bytes:
    out: list[bytes] = []
    for c in commits:
        msg = c.message.encode()
        head = [f"commit {c.ref}"]
        if c.mark is not None:
            head.append(f"mark :{c.mark}")
        committed = c.author_day if c.commit_day is None else c.commit_day
        head.append(f"author {c.author} {ts(c.author_day)} +0000")
        head.append(f"committer Maintainer <maint@example.com> {ts(committed)} +0000")
        out.append(("\n".join(head) + f"\ndata {len(msg)}\n").encode() + msg + b"\n")
        if c.start:
            out.append(f"from {c.start}\n".encode())
        for path, content in c.files.items():
            data = content.encode()
            out.append(f"M 644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        out.append(b"\n")
    for name, mark in (tags or {}).items():
        out.append(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())
    return b"".join(out)


BUG = "Bug Author <bug@example.com>"
NET = "Net Person <net@example.com>"
ONE = "Fixer One <one@example.com>"
TWO = "Fixer Two <two@example.com>"
THREE = "Fixer Three <three@example.com>"
FILLER = "Filler Person <filler@example.com>"
SELECTION = ("arch/x86/kvm/",)


@dataclass(frozen=True)
class Scripted:
    path: Path
    bug: str
    net: str
    gizmo: str
    filler: str
    ambiguous: str


def _stage_one() -> bytes:
    master = "refs/heads/master"
    commits = [
        Fx(master, BUG, 0, "Initial import\n", {"README": "readme\n"}, mark=1),
        # Authored on day 4, committed on day 9: lifetimes must use the committer date.
        Fx(
            master,
            BUG,
            4,
            "KVM: x86: Add the frobnicator\n",
            {"arch/x86/kvm/frob.c": "1\n"},
            commit_day=9,
            mark=2,
        ),
        Fx(master, NET, 31, "net: Add the widget\n", {"net/core.c": "1\n"}, mark=3),
        Fx(master, BUG, 60, "KVM: x86: Add the gizmo\n", {"arch/x86/kvm/gizmo.c": "1\n"}, mark=4),
    ]
    # An unreleased side branch of many commits: one of them is fixed, and two share a prefix.
    commits += [
        Fx("refs/heads/filler", FILLER, -100 + i, f"filler {i}\n", {"filler.txt": f"{i}\n"})
        for i in range(FILLERS)
    ]
    return stream(commits, {"v1.0": 2, "v2.0": 3})


def _shared_prefix(path: Path) -> str:
    seen: dict[str, str] = {}
    for h in git(path, "rev-list", "--all").split():
        if h[:4] in seen:
            return h[:4]
        seen[h[:4]] = h
    raise AssertionError("no two commits share a 4-digit prefix: add fillers")


def _stage_two(s: Scripted) -> bytes:
    def fix(author: str, day: int, subject: str, *lines: str, **kw: Any) -> Fx:
        body = "".join(f"Fixes: {line}\n" for line in lines)
        msg = f"{subject}\n\nExplanation.\n\n{body}Signed-off-by: {author}\n"
        return Fx("refs/heads/master", author, day, msg, {f"arch/x86/kvm/fix{day}.c": "1\n"}, **kw)

    bug = f'{s.bug[:12]} ("KVM: x86: Add the frobnicator")'
    commits = [
        # An incremental import names the branch's parent explicitly.
        fix(ONE, 69, "KVM: x86: Fix the frobnicator", bug, start=s.gizmo),
        fix(TWO, 70, "KVM: x86: Fix it again", f'{s.bug[:8]} ("KVM: x86: Add the frobnicator")'),
        fix(
            ONE,
            71,
            "KVM: x86: Three lines",
            '0123456789ab ("KVM: x86: Something that never was")',
            s.bug[:12],
            "see the bug report",
        ),
        fix(TWO, 72, "net: Fix the widget", f'{s.net[:12]} ("net: Add the gadget")'),
        fix(ONE, 73, "KVM: x86: Fix whatever", f'{s.ambiguous} ("KVM: x86: Whatever")'),
        fix(ONE, 74, "KVM: x86: Fix the gizmo", f'{s.gizmo[:12]} ("KVM: x86: Add the gizmo")'),
        fix(THREE, 75, "KVM: x86: Fix a filler", f'{s.filler[:12]} ("filler 0")', mark=99),
    ]
    return stream(commits, {"v3.0": 99})


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    path = build_repo(tmp_path_factory.mktemp("fixes") / "fixes.git", _stage_one())

    def rev(name: str) -> str:
        return git(path, "rev-parse", name).strip()

    s = Scripted(
        path=path,
        bug=rev("v1.0"),
        net=rev("v2.0"),
        gizmo=rev("master"),
        filler=git(path, "rev-list", "--max-parents=0", "filler").strip(),
        ambiguous=_shared_prefix(path),
    )
    git(path, "fast-import", "--quiet", input=_stage_two(s))
    return s


def _scripted_findings(s: Scripted) -> list[FixesFinding]:
    repo = GitRepo(s.path)
    releases = release_tags(list_tags(repo)[0])
    window = Window(repo.resolve_commit("v2.0"), repo.resolve_commit("v3.0"), SELECTION)
    return resolve_fixes(repo, window, mine(repo, window), releases, "v3.0")


def test_scripted_findings(scripted: Scripted) -> None:
    s = scripted
    findings = _scripted_findings(s)
    got = [
        (
            f.ref.value,
            f.problems,
            f.target.hash if f.target else None,
            round(f.lifetime_days, 6) if f.lifetime_days is not None else None,
            f.releases_apart,
            f.same_release,
            f.introduced_in,
            f.target.in_selection if f.target else None,
        )
        for f in findings
    ]
    frob = '("KVM: x86: Add the frobnicator")'
    unresolved = (None, None, None, None, None, None)
    # Newest fix first, each commit's lines in message order.
    assert got == [
        (f'{s.filler[:12]} ("filler 0")', (), s.filler, 175.0, None, False, None, False),
        (f'{s.gizmo[:12]} ("KVM: x86: Add the gizmo")', (), s.gizmo, 14.0, 0, True, "v3.0", True),
        (f'{s.ambiguous} ("KVM: x86: Whatever")', (AMBIGUOUS, SHORT), *unresolved),
        (
            f'{s.net[:12]} ("net: Add the gadget")',
            (MISMATCH,),
            s.net,
            41.0,
            1,
            False,
            "v2.0",
            False,
        ),
        ('0123456789ab ("KVM: x86: Something that never was")', (UNKNOWN,), *unresolved),
        (s.bug[:12], (NO_SUBJECT,), s.bug, 62.0, 2, False, "v1.0", True),
        ("see the bug report", (UNPARSEABLE,), *unresolved),
        (f"{s.bug[:8]} {frob}", (SHORT,), s.bug, 61.0, 2, False, "v1.0", True),
        (f"{s.bug[:12]} {frob}", (), s.bug, 60.0, 2, False, "v1.0", True),
    ]
    target = findings[-1].target
    assert target is not None
    assert (target.subject, target.author) == ("KVM: x86: Add the frobnicator", "bug@example.com")
    assert target.author_date == datetime.fromtimestamp(ts(4), UTC)
    assert target.committer_date == datetime.fromtimestamp(ts(9), UTC)
    assert {f.ref.author for f in findings} == {
        "one@example.com",
        "two@example.com",
        "three@example.com",
    }


def test_scripted_summary(scripted: Scripted) -> None:
    summary = summarize_fixes(_scripted_findings(scripted))
    assert (summary.lines, summary.valid, summary.invalid, summary.resolved) == (9, 3, 6, 6)
    assert summary.problems == (
        (UNPARSEABLE, 1),
        (UNKNOWN, 1),
        (AMBIGUOUS, 1),
        (SHORT, 2),
        (NO_SUBJECT, 1),
        (MISMATCH, 1),
    )
    assert summary.problem_count(SHORT) == 2
    assert (summary.in_selection, summary.same_release) == (4, 1)
    # Lifetimes 14, 41, 60, 61, 62, 175: nearest rank 3 of 6 and 6 of 6.
    assert (summary.median_lifetime_days, summary.p90_lifetime_days) == (60.0, 175.0)
    assert summary.introduced_in == (("v1.0", 3), ("v2.0", 1), ("v3.0", 1), (None, 1))
    assert summary.top_fixers == (
        ("one@example.com", 4),
        ("two@example.com", 2),
        ("three@example.com", 1),
    )
    assert summary.top_fixed_authors == (
        ("bug@example.com", 2),
        ("filler@example.com", 1),
        ("net@example.com", 1),
    )
    assert summarize_fixes(_scripted_findings(scripted), top=1).top_fixers == (
        ("one@example.com", 4),
    )


def test_ambiguous_prefix_is_what_git_says(scripted: Scripted) -> None:
    out = subprocess.run(
        ["git", "-C", str(scripted.path), "rev-parse", "--verify", scripted.ambiguous],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode != 0
    assert "ambiguous" in out.stderr


def test_empty_window_runs_no_git(scripted: Scripted, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(scripted.path)
    calls = _count_git(monkeypatch)
    assert resolve_fixes(repo, Window(None, "HEAD"), [], [], None) == []
    assert calls == []
    with pytest.raises(ValueError, match="not one of the releases"):
        resolve_fixes(repo, Window(None, "HEAD"), [], [], "v9.9")


def test_merges_are_skipped() -> None:
    when = datetime(2020, 1, 1, tzinfo=UTC)
    person = Person("A", "A@Example.com")
    trailer = Trailer("Fixes", f'{H12} ("x")')
    record = CommitRecord("1" * 40, ("2" * 40,), person, when, person, when, "s", (trailer,), ())
    merge = CommitRecord(
        "3" * 40, ("1" * 40, "4" * 40), person, when, person, when, "m", (trailer,), ()
    )
    refs = fixes.fixes_refs([merge, record])
    assert [(r.commit, r.author, r.quoted_hash) for r in refs] == [("1" * 40, "a@example.com", H12)]


def test_kernel_fixture_fixes_line_names_no_commit(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    releases = release_tags(list_tags(repo)[0])
    window = Window(repo.resolve_commit("v1.1"), repo.resolve_commit("v1.2"))
    findings = resolve_fixes(repo, window, mine(repo, window), releases, "v1.2")
    assert [(f.ref.value, f.problems) for f in findings] == [
        ('0123456789ab ("KVM: x86/mmu: Drop the zap loop")', (UNKNOWN,))
    ]


# --- batching -----------------------------------------------------------------------------


def _count_git(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the git subcommand of every process started from now on.

    `subprocess.run` starts its process through `subprocess.Popen`, so wrapping Popen alone
    sees every process exactly once.
    """
    calls: list[str] = []
    real_popen = subprocess.Popen

    def popen(argv: Any, *args: Any, **kwargs: Any) -> Any:
        rest = [str(a) for a in argv[1:] if not str(a).startswith("--git-dir")]
        while rest and rest[0] in ("--bare", "-c", "-C"):
            rest = rest[2:] if rest[0] in ("-c", "-C") else rest[1:]
        calls.append(rest[0] if rest else "?")
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    return calls


def _records(fillers: list[str], lines: int) -> list[CommitRecord]:
    when = datetime(2021, 1, 1, tzinfo=UTC)
    person = Person("Fixer", "fixer@example.com")
    return [
        CommitRecord(
            hash=f"{i:040x}",
            parents=("f" * 40,),
            author=person,
            author_date=when,
            committer=person,
            committer_date=when,
            subject=f"fix {i}",
            trailers=(Trailer("Fixes", f'{fillers[i][:12]} ("filler {FILLERS - 1 - i}")'),),
            paths=(),
        )
        for i in range(lines)
    ]


@pytest.mark.parametrize("lines", [1, 100])
def test_git_processes_do_not_grow_with_lines(
    scripted: Scripted, monkeypatch: pytest.MonkeyPatch, lines: int
) -> None:
    repo = GitRepo(scripted.path)
    releases = release_tags(list_tags(repo)[0])
    fillers = git(scripted.path, "rev-list", "filler").split()  # newest first
    window = Window(repo.resolve_commit("v2.0"), repo.resolve_commit("v3.0"), SELECTION)
    calls = _count_git(monkeypatch)
    findings = resolve_fixes(repo, window, _records(fillers, lines), releases, "v3.0")
    assert len(findings) == lines
    assert all(f.valid and f.introduced_in is None for f in findings)
    # Unreleased targets: one walk of every release's history labels them all (as none).
    assert calls == ["cat-file", "diff-tree", "rev-list"]


def test_release_index_is_one_walk(scripted: Scripted, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(scripted.path)
    releases = release_tags(list_tags(repo)[0])
    calls = _count_git(monkeypatch)
    assert first_releases(repo, releases, [scripted.bug]) == {scripted.bug: "v1.0"}
    assert calls == ["rev-list"]


def test_release_index_walks_nothing_until_a_commit_is_asked_about(
    scripted: Scripted, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(scripted.path)
    index = fixes.ReleaseIndex(repo, release_tags(list_tags(repo)[0]))
    calls = _count_git(monkeypatch)
    assert index.first_releases([]) == {}
    assert calls == []


def test_processes_sharing_a_directory_walk_the_releases_once(
    scripted: Scripted, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = GitRepo(scripted.path)
    releases = release_tags(list_tags(repo)[0])
    first = fixes.ReleaseIndex(repo, releases, tmp_path).first_releases([scripted.bug])
    calls = _count_git(monkeypatch)
    again = fixes.ReleaseIndex(repo, releases, tmp_path).first_releases([scripted.bug])
    assert again == first == {scripted.bug: "v1.0"}
    assert calls == []


# --- first release in version order, not name-rev's choice ---------------------------------


def test_first_release_is_by_version_not_by_name_rev(tmp_path: Path) -> None:
    """v1.0 and v2.0 both contain X; v2.0 is nearer to X and has the older tag date.

    git name-rev picks the oldest tag (git 2.39) or the nearest one (newer gits): v2.0 either
    way. The release that shipped X first in version order is v1.0.
    """
    main, side = "refs/heads/master", "refs/heads/side"
    commits = [
        Fx(main, BUG, 0, "X\n", {"x.c": "1\n"}, mark=1),
        Fx(main, BUG, 1, "a\n", {"a.c": "1\n"}),
        Fx(main, BUG, 2, "b\n", {"b.c": "1\n"}),
        Fx(main, BUG, 3, "c\n", {"c.c": "1\n"}, mark=4),
        Fx(side, BUG, 1, "side\n", {"s.c": "1\n"}, mark=5, start=":1"),
    ]
    tags = (
        f"tag v1.0\nfrom :4\ntagger T <t@example.com> {ts(300)} +0000\ndata 3\nv1\n\n"
        f"tag v2.0\nfrom :5\ntagger T <t@example.com> {ts(200)} +0000\ndata 3\nv2\n\n"
    )
    path = build_repo(tmp_path / "order.git", stream(commits) + tags.encode())
    repo = GitRepo(path)
    x = git(path, "rev-list", "--max-parents=0", "master").strip()
    releases = release_tags(list_tags(repo)[0])
    assert [t.name for t in releases] == ["v1.0", "v2.0"]
    assert first_releases(repo, releases, [x]) == {x: "v1.0"}
    assert git(path, "name-rev", "--tags", "--name-only", x).startswith("v2.0")


# --- real data: kvm-unit-tests ---------------------------------------------------------------

KUT_RELEASES = r"^v\d{4}-\d{2}-\d{2}$"
_FIXES_LINE = re.compile(r"^\s*fixes:", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def kut_history(kut_repo: Path) -> tuple[GitRepo, list[FixesFinding]]:
    repo = GitRepo(kut_repo)
    releases = release_tags(list_tags(repo)[0], KUT_RELEASES)
    window = Window(None, repo.resolve_commit("master"))
    # master is 72 commits past v2026-04-17: its fixes ship in the next release.
    return repo, resolve_fixes(repo, window, mine(repo, window), releases, None)


def _grep_count(path: Path, *revs: str) -> int:
    messages = git(path, "log", "--format=%B%x00", *revs)
    return len(_FIXES_LINE.findall(messages))


@pytest.mark.realdata
def test_kut_every_fixes_line_is_found(
    kut_repo: Path, kut_history: tuple[GitRepo, list[FixesFinding]]
) -> None:
    _, findings = kut_history
    # `git log --format=%B master | grep -ciE '^\s*fixes:'`: 147 on master and on all refs
    # (every branch and tag is in master's history), no merge carries one, no commit repeats
    # one and no subject starts with one, so the trailer lines are exactly the grep's lines.
    assert len(findings) == _grep_count(kut_repo, "master") == _grep_count(kut_repo, "--all") == 147
    assert _grep_count(kut_repo, "--merges", "master") == 0
    # The README's 146 are the lines with a hash; the 147th is an empty `Fixes:` that
    # introduces a pasted failure log.
    summary = summarize_fixes(findings)
    assert summary.problem_count(UNPARSEABLE) == 1
    assert [f.ref.value for f in findings if UNPARSEABLE in f.problems] == [""]
    assert summary.resolved == 146
    assert summary.problem_count(UNKNOWN) == summary.problem_count(AMBIGUOUS) == 0
    assert summary.problem_count(SHORT) == 67
    assert summary.problem_count(NO_SUBJECT) == 2


@pytest.mark.realdata
def test_kut_subject_mismatches(
    kut_repo: Path, kut_history: tuple[GitRepo, list[FixesFinding]]
) -> None:
    _, findings = kut_history
    differ = [
        f
        for f in findings
        if f.target
        and f.ref.quoted_subject is not None
        and f.ref.quoted_subject != f.target.subject
    ]
    # Checkpatch's exact comparison flags three; two of them are visibly cut short (a `[...]`
    # and a subject wrapped onto the next line) and still name their commit.
    assert sorted(f.ref.quoted_hash or "" for f in differ) == ["bd8a14f983", "df199424", "e96983c5"]
    mismatched = [f for f in findings if MISMATCH in f.problems]
    assert [f.ref.value for f in mismatched] == [
        'e96983c5 ("kvm-unit-test: x86: ioapic: Test physical and logical destination mode")'
    ]
    # By hand: the commit's own subject has no "kvm-unit-test: " prefix.
    assert git(kut_repo, "show", "-s", "--format=%s", "e96983c5").strip() == (
        "x86: ioapic: Test physical and logical destination mode"
    )
    assert git(kut_repo, "show", "-s", "--format=%s", "df199424").strip() == (
        "x86/pmu: Mark Intel architectural event available iff X <= CPUID.0xA.EAX[31:24]"
    )


@pytest.mark.realdata
def test_kut_introducing_releases_equal_tag_contains(
    kut_repo: Path, kut_history: tuple[GitRepo, list[FixesFinding]]
) -> None:
    _, findings = kut_history
    pattern = re.compile(KUT_RELEASES)
    targets = {f.target.hash: f.target for f in findings if f.target}
    for h, target in targets.items():
        # The oracle, one process per commit (fine in a test): every release tag containing it.
        containing = [t for t in git(kut_repo, "tag", "--contains", h).split() if pattern.match(t)]
        first = min(containing, key=version_key) if containing else None
        assert target.release == first, h
    summary = summarize_fixes(findings)
    assert summary.introduced_in == (
        ("v2022-03-08", 92),
        ("v2023-01-05", 10),
        ("v2024-01-08", 9),
        ("v2025-06-05", 28),
        ("v2025-07-31", 4),
        ("v2026-04-17", 2),
        (None, 1),
    )
    # The one unreleased bug was fixed before it shipped: after v2026-04-17, on master.
    assert [
        (f.ref.quoted_hash, f.releases_apart)
        for f in findings
        if f.target and f.introduced_in is None
    ] == [("eb4684bb", 0)]


@pytest.mark.realdata
def test_kut_lifetimes_equal_plain_git(
    kut_repo: Path, kut_history: tuple[GitRepo, list[FixesFinding]]
) -> None:
    _, findings = kut_history
    resolved = [f for f in findings if f.target]
    pairs = "".join(f"{f.ref.commit}\n{f.target.hash}\n" for f in resolved if f.target)
    out = git(kut_repo, "log", "--format=%H %ct", "--no-walk", "--stdin", input=pairs.encode())
    dates = dict(line.split() for line in out.splitlines())
    for f in resolved:
        assert f.target is not None
        assert f.lifetime_days is not None
        expected = (int(dates[f.ref.commit]) - int(dates[f.target.hash])) / DAY
        assert f.lifetime_days == pytest.approx(expected)
    summary = summarize_fixes(findings)
    assert summary.median_lifetime_days == pytest.approx(179.965197, abs=1e-6)
    assert summary.p90_lifetime_days == pytest.approx(2569.874410, abs=1e-6)


@pytest.mark.realdata
def test_kut_last_window(kut_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(kut_repo)
    releases = release_tags(list_tags(repo)[0], KUT_RELEASES)
    last = release_windows(releases)[-1]
    assert last.range == "v2025-07-31..v2026-04-17"
    assert last.start is not None
    window = Window(last.start.commit, last.end.commit)
    records = mine(repo, window)
    calls = _count_git(monkeypatch)
    summary = summarize_fixes(resolve_fixes(repo, window, records, releases, last.name))
    # All three bugs date from the first release, so one rev-list finds them all.
    assert calls == ["cat-file", "diff-tree", "rev-list"]
    assert (summary.lines, summary.valid, summary.resolved) == (3, 3, 3)
    assert summary.introduced_in == (("v2022-03-08", 3),)
    assert summary.median_lifetime_days == pytest.approx(2684.309028, abs=1e-6)
    assert summary.p90_lifetime_days == pytest.approx(3547.235845, abs=1e-6)


@pytest.mark.realdata
def test_kut_in_selection_equals_diff_tree(kut_repo: Path) -> None:
    repo = GitRepo(kut_repo)
    releases = release_tags(list_tags(repo)[0], KUT_RELEASES)
    paths = ("arm/", "lib/arm/", "lib/arm64/")
    window = Window(repo.resolve_commit("v2022-03-08"), repo.resolve_commit("v2025-06-05"), paths)
    findings = resolve_fixes(repo, window, mine(repo, window), releases, "v2025-06-05")
    targets = {f.target.hash: f.target.in_selection for f in findings if f.target}

    def touches(h: str) -> bool:
        changed = git(
            kut_repo,
            "diff-tree",
            "--no-commit-id",
            "-r",
            "--name-only",
            "-m",
            "--first-parent",
            "--root",
            h,
            "--",
            *paths,
        )
        return bool(changed.strip())

    assert targets == {h: touches(h) for h in targets}
    # 15 lines name 11 commits; the one outside is "migration: Add a migrate_skip command",
    # which changed common code (lib/migrate.c, scripts/), not arm/ or lib/arm*.
    assert Counter(f.target.in_selection for f in findings if f.target) == {True: 14, False: 1}
    assert len(targets) == 11


@pytest.mark.realdata
def test_release_index_equals_the_partition_by_rev_list(kut_repo: Path) -> None:
    """The one-walk labels equal `git rev-list R_i ^R_0 .. ^R_(i-1)` for every commit of the
    real history's releases (date-named tags on branches that do not form a chain)."""
    repo = GitRepo(kut_repo)
    releases = sorted(list_tags(repo)[0], key=lambda t: version_key(t.name))
    expected: dict[str, str] = {}
    for i, tag in enumerate(releases):
        spec = "".join(f"^{t.commit}\n" for t in releases[:i]) + f"{tag.commit}\n"
        for commit in git(kut_repo, "rev-list", "--stdin", input=spec.encode()).split():
            expected[commit] = tag.name
    everything = git(kut_repo, "rev-list", "--all").split()
    assert len(expected) > 3000
    assert fixes.ReleaseIndex(repo, releases).first_releases(everything) == expected
    # No further than `until`: the commits of later releases are in none of the earlier ones.
    until = releases[2].name
    earlier = {c: r for c, r in expected.items() if version_key(r) <= version_key(until)}
    assert fixes.ReleaseIndex(repo, releases).first_releases(everything, until) == earlier
