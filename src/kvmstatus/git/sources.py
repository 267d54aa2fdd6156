"""Where a repository comes from: a local clone, a git bundle, or a remote URL.

Bundles and URLs are cloned once into a cache directory and reused; a URL becomes a bare,
blobless clone (`--filter=blob:none`), which is all kvmstatus needs: commits and trees. A
clone in the cache has its commit-graph; a repository given by its path gets one kept in the
cache (`git.graphs`), never written into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kvmstatus.git.graphs import alternate_env, refresh_graph
from kvmstatus.git.repo import GitRepo
from kvmstatus.shared.dirs import cache_dir
from kvmstatus.shared.gitrunner import transfer

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


def is_url(spec: str) -> bool:
    """Whether `spec` is a remote's address (`https://...`, `git@host:path`), not a path."""
    return bool(_URL.match(spec))


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


def refs(repo: GitRepo) -> str:
    """Every ref and the object it names, one a line: compared before and after a fetch."""
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
    remote = is_url(spec)
    path = Path(spec).expanduser()
    if not remote and not (path.is_file() and spec.endswith(".bundle")):
        # The user's repository: its commit-graph is kept in the cache (`git.graphs`).
        repo = GitRepo(path)
        if not update:
            return Opened(_with_graph(repo), False)
        before = refs(repo)
        transfer(
            ["-C", str(repo.git_dir), "fetch", "--quiet", "--tags", "--all"],
            f"cannot fetch {spec}",
            remote=True,  # from the clone's remotes
        )
        changed = refs(repo) != before
        return Opened(_with_graph(repo), changed)
    target = _cached_clone_path(spec if remote else str(path.resolve()), cache)
    changed = mirror(spec, target, update, remote=remote, blobless=remote, tags=True)
    repo = GitRepo(target)
    if changed:
        write_commit_graph(repo)
    return Opened(repo, changed)


def _with_graph(repo: GitRepo) -> GitRepo:
    """`repo` reading the commit-graph kept for it in the cache, written or extended first."""
    if refresh_graph(repo.git_dir):
        repo.env = alternate_env(repo.git_dir)
    return repo


def mirror(
    source: str, target: Path, update: bool, remote: bool, blobless: bool, tags: bool
) -> bool:
    """Clone `source` (a URL when `remote`, else a bundle or a path) bare into `target` once
    (`blobless`: commits and trees only; else `--mirror`); with `update`, fetch its branches
    (and `tags`) into it later. Whether refs changed."""
    hint = "" if remote else BUNDLE_HINT
    if not target.exists():
        import shutil

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        argv = ["clone", "--quiet", "--bare", "--filter=blob:none" if blobless else "--mirror"]
        transfer([*argv, source, str(partial)], f"cannot clone {source}", remote, hint)
        partial.rename(target)
        return True
    if not update:
        return False
    repo = GitRepo(target)
    before = refs(repo)
    transfer(
        [
            f"--git-dir={target}",
            "fetch",
            "--quiet",
            "--prune",
            *(["--tags"] if tags else []),
            "--force",
            source,
            "+refs/heads/*:refs/heads/*",
        ],
        f"cannot fetch {source}",
        remote,
        hint,
    )
    return refs(repo) != before


BUNDLE_HINT = "is the bundle whole? `git bundle list-heads FILE` reads it"
"""What to try when a bundle cannot be cloned or fetched from (it is often cut short)."""
