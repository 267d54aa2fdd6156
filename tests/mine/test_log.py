import os
import subprocess
from pathlib import Path

import pytest
from pydriller import Repository

from helpers import KVM, git, window
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.fixes import fixed_commits
from kvmstatus.mine.gitlog import Window, log_command, start_log
from kvmstatus.mine.log import mine, parse_log, read_log
from kvmstatus.model.records import Person


def test_topic_branch_forked_before_start_belongs_to_window(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    subjects = [r.subject for r in mine(repo, window(repo, "v1.1", "v1.2"))]
    assert subjects == [
        "KVM: x86: Tidy",
        "KVM: riscv: Add the SBI thing",
        "Merge branch 'kvm-x86' into HEAD",
        "KVM: x86: Fix the zap loop",
        "KVM: x86/mmu: Drop the zap loop",
    ]
    # pydriller's from_tag/to_tag walks --ancestry-path: it loses the topic branch (and
    # includes the start tag itself), which is why mining asks git for the list.
    walked = [
        c.msg.splitlines()[0]
        for c in Repository(str(kernel_repo), from_tag="v1.1", to_tag="v1.2").traverse_commits()
    ]
    assert "KVM: x86: Fix the zap loop" not in walked
    assert "KVM: arm64: vgic: Add a thing" in walked


def test_same_commits_as_rev_list(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    for start, end in [(None, "v1.0"), ("v1.0", "v1.1"), ("v1.1", "v1.2"), ("v1.2", "v1.3")]:
        records = mine(repo, window(repo, start, end))
        revs = [end, f"^{start}"] if start else [end]
        expected = git(kernel_repo, "rev-list", *revs, "--", *KVM).split()
        assert [r.hash for r in records] == expected


def test_record_fields_and_mailmap_at_window_end(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    by_subject = {r.subject: r for r in mine(repo, window(repo, "v1.1", "v1.2"))}
    fix = by_subject["KVM: x86: Fix the zap loop"]
    # .mailmap exists at v1.2 and maps the old address, for authors and trailer people alike.
    assert fix.author == Person("Sean Example", "sean@example.com")
    assert fix.committer == Person("Paolo Bonzini", "pbonzini@example.com")
    assert fix.author_date.isoformat() == "2023-11-17T22:13:20+00:00"
    assert fix.paths == ("arch/x86/kvm/x86.c",)
    assert not fix.is_merge
    assert [t.key for t in fix.trailers] == [
        "Fixes",
        "Cc",  # Cc-stable is the analysis' to derive (the project's stable lists)
        "Reported-by",
        "Reviewed-by",
        "Signed-off-by",
    ]
    assert fix.trailers[-1].person == Person("Sean Example", "sean@example.com")
    tidy = by_subject["KVM: x86: Tidy"]
    assert tidy.trailers[0].person == Person("Sean Example", "sean@example.com")
    assert tidy.paths == ("arch/x86/kvm/x86.c", "include/linux/kvm_host.h")
    merge = by_subject["Merge branch 'kvm-x86' into HEAD"]
    assert merge.is_merge
    assert merge.paths == ("arch/x86/kvm/x86.c",)  # against the first parent


def test_mailmap_is_the_one_at_the_window_end(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    (arm,) = [r for r in mine(repo, window(repo, "v1.0", "v1.1")) if "arm64" in r.subject]
    acked = arm.trailers_of("Acked-by")[0].person
    assert acked == Person("Sean Example", "sean@old.example.org")  # no .mailmap at v1.1 yet


def test_parser_reads_any_chunking(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    w = window(repo, None, "v1.3", ())
    raw = repo.run(*log_command(w))
    whole = list(parse_log([raw]))
    tiny = list(parse_log(raw[i : i + 7] for i in range(0, len(raw), 7)))
    assert whole == tiny
    assert len(whole) == 10


def test_whole_repository_when_no_pathspec(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    records = mine(repo, window(repo, "v1.0", "v1.1", ()))
    assert [r.subject for r in records] == ["KVM: arm64: vgic: Add a thing", "net: core: Not KVM"]


def test_a_started_log_reads_as_the_window_would(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    first, other = window(repo, None, "v1.1"), window(repo, "v1.1", "v1.3")
    started = start_log(repo, first)
    # git runs on its own meanwhile: its output waits in the pipe.
    assert read_log(repo, first, started) == read_log(repo, first)
    started.close()  # read already: nothing left to stop
    # A log started for another window is stopped, and this window's own log is read.
    stale = start_log(repo, first)
    assert read_log(repo, other, stale) == read_log(repo, other)
    assert stale.process._proc.returncode is not None


def _treesame_history(path: Path, same_dates: bool = False) -> dict[str, str]:
    """A history with every kind of commit `git log -- .` leaves out: an empty commit (E),
    a merge that could have been a fast-forward (M1, its tree its second parent's) and an
    `-s ours` merge (M2, its tree its first parent's), whose side commit S git no longer
    walks to. With `same_dates`, every commit has the same date, so the order git lists
    them in is the order its walk reaches them."""
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    made: dict[str, str] = {}

    def commit(name: str, files: dict[str, str], *parents: str) -> None:
        blobs = "".join(
            f"100644 blob {git(path, 'hash-object', '-w', '--stdin', input=body.encode()).strip()}"
            f"\t{file}\n"
            for file, body in sorted(files.items())
        )
        tree = git(path, "mktree", input=blobs.encode()).strip()
        stamp = f"{1_700_000_000 + (0 if same_dates else 1000 * len(made))} +0000"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        argv = ["git", "-C", str(path), "commit-tree", tree, "-m", name]
        for parent in parents:
            argv += ["-p", made[parent]]
        made[name] = subprocess.run(
            argv, capture_output=True, check=True, text=True, env=os.environ | env
        ).stdout.strip()

    commit("R", {"a": "1"})
    commit("C", {"a": "2"}, "R")
    commit("E", {"a": "2"}, "C")
    commit("F", {"a": "2", "c": "1"}, "E")
    commit("M1", {"a": "2", "c": "1"}, "E", "F")
    commit("S", {"a": "2", "d": "1"}, "C")
    commit("M2", {"a": "2", "c": "1"}, "M1", "S")
    commit("T", {"a": "3", "c": "1"}, "M2")
    return made


@pytest.mark.parametrize("same_dates", [False, True])
@pytest.mark.parametrize(
    ("start", "end"), [("R", "E"), ("R", "T"), (None, "T"), ("E", "M2"), ("M1", "T"), ("S", "T")]
)
def test_a_whole_tree_lists_what_git_log_dot_lists(
    tmp_path: Path, start: str | None, end: str, same_dates: bool
) -> None:
    made = _treesame_history(tmp_path / "treesame.git", same_dates)
    repo = GitRepo(tmp_path / "treesame.git")
    w = Window(made[start] if start else None, made[end], (".",))
    assert w.whole_tree
    assert log_command(w)[-1] == "--"  # git is asked without the pathspec
    listed = git(repo.path, "rev-list", *w.revisions, "--", ".").split()
    assert [r.hash for r in read_log(repo, w)] == listed
    names = {h: n for n, h in made.items()}
    everything = {names[r.hash] for r in read_log(repo, Window(w.start, w.end))}
    left_out = everything - {names[h] for h in listed}
    assert left_out == {"E", "M1", "M2", "S"} & everything


def test_a_whole_tree_selects_the_fixed_commits_that_change_it(tmp_path: Path) -> None:
    """A fixed commit is in a whole-tree selection when `diff-tree -- .` against its first
    parent lists a file: not the empty commit, not the merge equal to its first parent."""
    made = _treesame_history(tmp_path / "treesame.git")
    repo = GitRepo(tmp_path / "treesame.git")
    _, selected = fixed_commits(repo, Window(None, made["T"], (".",)), made.values())
    names = {h: n for n, h in made.items()}
    assert {names[h] for h in selected} == {"R", "C", "F", "M1", "S", "T"}
    for name, commit in made.items():
        first = ["ls-tree", "-r"] if name == "R" else ["diff", f"{commit}^1"]
        changed = git(repo.path, *first, "--name-only", commit, "--", ".")
        assert (commit in selected) == bool(changed.strip()), name


def test_a_whole_tree_within_dates_keeps_its_pathspec() -> None:
    """A calendar period's log lists only its dates' commits, but merges outside them still
    steer git's walk: git is asked with the pathspec then."""
    dated = Window(None, "HEAD", (".",), ("2024-01-01", "2024-12-31"))
    assert not dated.whole_tree
    assert log_command(dated)[-2:] == ["--", "."]
    assert Window(None, "HEAD", (".",)).whole_tree
    assert not Window(None, "HEAD", ()).whole_tree
    assert not Window(None, "HEAD", (".", ":(exclude)docs")).whole_tree
