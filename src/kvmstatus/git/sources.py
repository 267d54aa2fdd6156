"""Where a repository comes from: a local clone, a git bundle, or a remote URL.

Bundles and URLs are cloned once into a cache directory and reused; a URL becomes a bare,
blobless clone (`--filter=blob:none`), which is all kvmstatus needs: commits and trees. A
clone in the cache has its commit-graph; a repository given by its path gets one kept in the
cache (`git.graphs`), never written into it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.git.graphs import refresh_graph
from kvmstatus.git.repo import GitRepo
from kvmstatus.shared.dirs import cache_dir
from kvmstatus.shared.stopping import child_stopped

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


def _cached_clone_path(spec: str, cache: Path | None = None) -> Path:
    import hashlib  # (here, and shutil below: a local clone's commands never load them)

    stem = re.sub(r"[^\w.-]+", "_", Path(spec.rstrip("/")).name.removesuffix(".git"))
    digest = hashlib.sha256(spec.encode()).hexdigest()[:10]
    return (cache or cache_dir() / "repos") / f"{stem.removesuffix('.bundle')}-{digest}.git"


@dataclass(frozen=True)
class Opened:
    """A repository ready to read, and whether this call changed its refs."""

    repo: GitRepo
    changed: bool


class NetworkError(UserError):
    """A clone or fetch failed in a way that may pass: worth retrying with a backoff."""


_TRANSIENT = re.compile(
    r"could not resolve host|unable to access|connection (?:refused|reset|timed out)|"
    r"timed out|early eof|the remote end hung up|temporary failure|network is unreachable|"
    r"rpc failed|unexpected disconnect",
    re.IGNORECASE,
)


def _git(argv: list[str], what: str) -> None:
    proc = subprocess.run(
        ["git", *argv], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    if proc.returncode != 0:
        child_stopped(proc.returncode)
        lines = proc.stderr.strip().splitlines()
        message = f"{what}: {lines[-1] if lines else 'git failed'}"
        raise (NetworkError if _TRANSIENT.search(proc.stderr) else UserError)(message)


def _refs(repo: GitRepo) -> str:
    return repo.text("for-each-ref", "--format=%(objectname) %(refname)")


def write_commit_graph(repo: GitRepo) -> None:
    """Commit-graph with changed-path Bloom filters: path-limited walks get much faster."""
    repo.run("commit-graph", "write", "--reachable", "--changed-paths", "--split")


def open_repository(spec: str, update: bool = False, cache: Path | None = None) -> GitRepo:
    """Open `spec` (a path, a `.bundle` file or a URL), cloning bundles and URLs on first use."""
    return prepare_repository(spec, update, cache).repo


def prepare_repository(spec: str, update: bool = False, cache: Path | None = None) -> Opened:
    """`open_repository`, saying whether refs changed.

    A bundle or URL is cloned once into the cache (a URL bare and blobless); with `update`,
    later calls fetch its branches and tags, and a local clone fetches from its remotes.
    Whenever refs changed, the commit-graph is rewritten.
    """
    is_url = bool(_URL.match(spec))
    path = Path(spec).expanduser()
    if not is_url and not (path.is_file() and spec.endswith(".bundle")):
        # The user's repository: its commit-graph is kept in the cache (`git.graphs`).
        repo = GitRepo(path)
        if not update:
            refresh_graph(repo)
            return Opened(repo, False)
        before = _refs(repo)
        _git(
            ["-C", str(repo.git_dir), "fetch", "--quiet", "--tags", "--all"], f"cannot fetch {spec}"
        )
        changed = _refs(repo) != before
        refresh_graph(repo)
        return Opened(repo, changed)
    target = _cached_clone_path(spec if is_url else str(path.resolve()), cache)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        argv = ["clone", "--quiet", "--bare"]
        argv += ["--filter=blob:none"] if is_url else ["--mirror"]
        import shutil

        shutil.rmtree(partial, ignore_errors=True)
        _git([*argv, spec, str(partial)], f"cannot clone {spec}")
        partial.rename(target)
        repo = GitRepo(target)
        write_commit_graph(repo)
        return Opened(repo, True)
    repo = GitRepo(target)
    if not update:
        return Opened(repo, False)
    before = _refs(repo)
    _git(
        [
            f"--git-dir={target}",
            "fetch",
            "--quiet",
            "--prune",
            "--tags",
            "--force",
            spec,
            "+refs/heads/*:refs/heads/*",
        ],
        f"cannot fetch {spec}",
    )
    changed = _refs(repo) != before
    if changed:
        write_commit_graph(repo)
    return Opened(repo, changed)
