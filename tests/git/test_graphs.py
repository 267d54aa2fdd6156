"""The commit-graph kept in the cache for a repository kvmstatus reads but does not own."""

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import git
from kvmstatus.git.graphs import ALTERNATES, graph_home, refresh_graph
from kvmstatus.git.repo import GitRepo
from kvmstatus.git.sources import open_repository


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KVMSTATUS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(ALTERNATES, raising=False)
    return tmp_path / "cache"


@pytest.fixture
def user_repo(kernel_repo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "user.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(kernel_repo), str(path)], check=True)
    return path


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _layers(repo: GitRepo) -> list[str]:
    chain = graph_home(repo.git_dir) / "objects/info/commit-graphs/commit-graph-chain"
    return chain.read_text().split()


def test_the_graph_is_written_into_the_cache_not_the_repository(
    cache: Path, user_repo: Path
) -> None:
    before = _files(user_repo)
    repo = open_repository(str(user_repo))
    assert _files(user_repo) == before
    assert len(_layers(repo)) == 1
    home = graph_home(repo.git_dir)
    assert home.is_relative_to(cache)
    # Every git this repository runs reads it, and git verifies it.
    assert repo.env[ALTERNATES] == str(home / "objects")
    assert GitRepo(user_repo).env == repo.env
    repo.run("commit-graph", "verify", f"--object-dir={home / 'objects'}")
    everything = git(user_repo, "rev-list", "--all", "--parents")
    assert repo.text("rev-list", "--all", "--parents") == everything


def test_the_graph_grows_a_layer_only_when_the_refs_change(cache: Path, user_repo: Path) -> None:
    repo = open_repository(str(user_repo))
    assert refresh_graph(repo.git_dir) is False  # the refs are the same: no layer written
    tree = git(user_repo, "rev-parse", "master^{tree}").strip()
    commit = git(user_repo, "commit-tree", tree, "-p", "master", "-m", "new").strip()
    git(user_repo, "update-ref", "refs/heads/master", commit)
    assert refresh_graph(repo.git_dir) is True
    assert len(_layers(repo)) == 2
    assert repo.text("rev-list", "-1", "master").strip() == commit


def test_a_repository_with_its_own_graph_is_left_to_it(cache: Path, user_repo: Path) -> None:
    git(user_repo, "commit-graph", "write", "--reachable")
    repo = open_repository(str(user_repo))
    assert repo.env == {}
    assert not graph_home(repo.git_dir).exists()


def test_graphs_of_removed_repositories_are_forgotten(
    cache: Path, user_repo: Path, kernel_repo: Path, tmp_path: Path
) -> None:
    gone = tmp_path / "gone.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(kernel_repo), str(gone)], check=True)
    home = graph_home(open_repository(str(gone)).git_dir)
    assert home.is_dir()
    shutil.rmtree(gone)
    open_repository(str(user_repo))  # writes a graph: the removed one's is swept
    assert not home.exists()
