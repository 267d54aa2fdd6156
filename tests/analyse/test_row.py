import json
import subprocess
from pathlib import Path

import pytest

from helpers import git, run, window
from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.metrics import bot_reported, review_coverage
from kvmstatus.analyse.newcomers import first_time_authors
from kvmstatus.analyse.periods import compare_rows
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import history
from kvmstatus.mine.authors import author_keys
from kvmstatus.mine.log import mine
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.shared.numbers import Trend, linear_trend, percent_change


def test_review_coverage_ignores_self_review_and_malformed(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    records = mine(repo, window(repo, "v1.1", "v1.2"))
    # Reviewed: the mmu drop and the fix. Not: riscv (unparseable reviewer), Tidy (self-review
    # through the mailmapped old address).
    assert review_coverage(records) == 0.5
    assert bot_reported(records) == {"syzbot": 1}


def test_first_time_authors(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    w = window(repo, "v1.1", "v1.2")
    earlier = author_keys(repo, [w.start or ""], w.pathspecs, w.end)
    assert earlier == {"pbonzini@example.com", "alice@arm.example"}
    new = first_time_authors(mine(repo, w), earlier)
    assert [(r.email, r.count) for r in new] == [("sean@example.com", 3), ("ray@riscv.example", 1)]


def test_linear_trend() -> None:
    assert linear_trend([1.0, 3.0, 5.0]) == Trend(slope=2.0, intercept=1.0, r2=1.0, n=3)
    trend = linear_trend([1.0, 1.0, 4.0, 1.0])
    assert trend is not None
    assert (trend.slope, trend.intercept) == (pytest.approx(0.3), pytest.approx(1.3))
    assert linear_trend([5.0]) is None


def test_changes() -> None:
    assert percent_change(120, 100) == 20.0
    assert percent_change(1, 0) is None
    rows = [{"commits": 150, "range": "b"}, {"commits": 100}, {"commits": 300}]
    assert compare_rows(rows) == {"commits": [50.0, -50.0]}


def test_history_cli(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, _ = run(capsys, "history", "--repo", str(kernel_repo), "--csv")
    assert code == 0
    lines = out.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    assert [(r["release"], r["commits"], r["first_time_authors"]) for r in rows] == [
        ("v1.0", "1", "1"),
        ("v1.1", "1", "1"),
        ("v1.2", "4", "2"),
        ("v1.3", "1", "0"),
    ]
    code, out, _ = run(capsys, "history", "--repo", str(kernel_repo), "--json", "--since", "v1.1")
    data = json.loads(out)
    assert [r["release"] for r in data["rows"]] == ["v1.1", "v1.2", "v1.3"]
    assert data["trend"]["n"] == 3
    assert data["windows"][1]["review_coverage"] == 0.5


def test_year_cli(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, _ = run(
        capsys, "year", "--repo", str(kernel_repo), "--end", "v1.3", "--cycles", "1", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert [p["range"] for p in data["periods"]] == ["v1.2..v1.3", "v1.1..v1.2", "v1.0..v1.1"]
    assert [s["kind"] for s in data["spans"]] == ["releases"] * 3
    assert data["rows"] == [p["row"] for p in data["periods"]]
    assert data["changes"]["commits"] == [-75.0, 0.0]


def test_first_time_authors_use_the_newest_mailmap(tmp_path: Path) -> None:
    """An address a later .mailmap maps to a known person is not a new author, and someone
    in an earlier window's table never counts as new again."""
    repo = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)

    def commit(path: str, text: str, author: str, tag: str | None = None) -> None:
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
        git(repo, "add", path)
        identity = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
        git(repo, *identity, "commit", "-q", "-m", f"KVM: {path}", f"--author={author}")
        if tag:
            git(repo, "tag", tag)

    commit("virt/kvm/a.c", "1", "Ann <ann@old.example>", "v1.0")
    commit("virt/kvm/a.c", "2", "Bob <bob@example.com>", "v1.1")
    commit(".mailmap", "Ann <ann@new.example> <ann@old.example>\n", "Ann <ann@new.example>")
    commit("virt/kvm/a.c", "3", "Ann <ann@new.example>")
    commit("virt/kvm/b.c", "4", "Bob <bob@example.com>")
    commit("virt/kvm/c.c", "5", "Cy <cy@example.com>", "v1.2")
    docs = history(
        GitRepo(repo),
        release_list(GitRepo(repo), r"^v\d+\.\d+$"),
        Selection(paths=("virt/kvm/",)),
        load_arch_map("linux-kvm"),
        load_affiliations(),
    )
    assert [d["first_time_authors"] for d in docs] == [1, 1, 1]
    assert [a["email"] for a in docs[2]["top_first_time_authors"]] == ["cy@example.com"]
