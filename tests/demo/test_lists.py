"""The demo's synthetic mailing list: deterministic, read back by kvmstatus as a list, and
holding what the review is about (posted commits, versions, tags that reached the commits,
reviews that did not, unanswered series, bots, another project's patches, encodings)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kvmstatus.analyse.review import (
    Scope,
    link_commits,
    review_range,
    shipped_bots,
    thread,
)
from kvmstatus.demo import builder as synth
from kvmstatus.demo.lists import build_list_archive
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.archive import read_epoch
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.posted import link_commits_of


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-lists") / "synth.git"
    synth.build_synthetic(out, 3000, 6, 3, 0.15, commit_graph=False)
    return out


@pytest.fixture(scope="module")
def archive(repo: Path) -> Path:
    out = repo.parent / "list.git"
    build_list_archive(repo, out)
    return out


def test_the_same_history_gives_the_same_archive(repo: Path, archive: Path, tmp_path: Path) -> None:
    build_list_archive(repo, tmp_path / "again.git")

    def tip(path: Path) -> str:
        return subprocess.run(
            ["git", "-C", str(path), "rev-parse", "master"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert tip(tmp_path / "again.git") == tip(archive)
    with pytest.raises(FileExistsError):
        build_list_archive(repo, archive)


def test_the_archive_reads_as_a_list(repo: Path, archive: Path) -> None:
    records = read_epoch(GitRepo(archive)).records
    assert all(r.problem is None and r.dated for r in records)
    encodings = subprocess.run(
        ["git", "-C", str(archive), "log", "-p", "--format=", "master"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for mark in ("base64", "quoted-printable", "multipart/alternative", "=?utf-8?"):
        assert mark in encodings, mark
    threaded = thread(records, {}, shipped_bots())
    stats = review_range(threaded, None, None)
    assert stats.series > 100
    assert 0 < stats.reviewed_series < stats.series
    assert 0 < stats.unanswered < stats.answer_checked
    assert stats.bot_replies > 0
    assert all(stats.tags_given.values())
    kut = review_range(threaded, None, None, Scope(tag="kvm-unit-tests"))
    assert kut.series > 0


def test_most_commits_were_posted_some_in_several_versions(repo: Path, archive: Path) -> None:
    threaded = thread(read_epoch(GitRepo(archive)).records, {}, shipped_bots())
    git = GitRepo(repo)
    commits = link_commits_of(
        git, Window(None, git.resolve_commit("master"), ("virt/kvm/", ":(glob)arch/*/kvm/**"))
    )
    links = link_commits(threaded, commits, Scope())
    assert links.posted_share is not None
    assert 0.7 < links.posted_share < 1.0
    assert set(links.versions) >= {"1", "2", "3"}
    # Most linked commits carry a Link: to the very patch; the others link by subject.
    assert links.methods["trailer"] > links.methods["subject"] > 0
    assert links.disagreements == 0
