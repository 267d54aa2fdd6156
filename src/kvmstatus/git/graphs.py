"""Commit-graphs kept in kvmstatus's cache for the repositories it reads but does not own.

git walks history several times faster with a commit-graph (`git commit-graph write`):
parents, trees and generation numbers come from one file instead of from each commit
object. kvmstatus writes one into the clones it makes (`git.sources`); a repository given by
its path (`--repo PATH`, `repository = PATH`) is the user's, and nothing is written into it.
Its graph lives in the cache instead, in an object directory that holds nothing else
(`CACHE/graphs/NAME-CRC/objects/info/commit-graphs/`), which every git command kvmstatus
runs on the repository reads as an alternate (`GIT_ALTERNATE_OBJECT_DIRECTORIES`, set by
`GitRepo`): git takes the commit-graph of the first object directory that has one, the
repository's own first, so a repository with its own graph is left as it is.

A commit-graph can be incomplete but never wrong: a commit's id is its content, parents and
tree included. So a graph written before new commits arrived still serves; `refresh_graph`
adds a layer (`--split`) for the commits it lacks when the refs changed since the last
write (the refs are kept beside the graph). Changed-path Bloom filters are not written: they
cost several times the graph itself on the first run (3.7 s against 0.6 s on Xen's 62k
commits) and saved nothing measurable on the walks kvmstatus makes there.

Graphs of repositories that no longer exist are removed whenever a graph is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import zlib
from pathlib import Path

from kvmstatus.errors import GitFailure
from kvmstatus.shared import gitrunner
from kvmstatus.shared.dirs import cache_dir

ALTERNATES = "GIT_ALTERNATE_OBJECT_DIRECTORIES"
_CHAIN = Path("info/commit-graphs/commit-graph-chain")
_SINGLE = Path("info/commit-graph")
_OWNER = "repository"
"""The file beside a cached graph naming the repository's git directory it serves."""
_REFS = "refs"
"""The file beside a cached graph holding the refs it was written for."""


def graphs_dir() -> Path:
    return cache_dir() / "graphs"


def graph_home(git_dir: Path) -> Path:
    """Where the graph of the repository at `git_dir` is kept (its `objects` directory, its
    owner and its refs)."""
    stem = git_dir.name if git_dir.name != ".git" else git_dir.parent.name
    stem = re.sub(r"[^\w.-]+", "_", stem.removesuffix(".git")) or "repository"
    return graphs_dir() / f"{stem}-{zlib.crc32(str(git_dir).encode()):08x}"


def has_own_graph(git_dir: Path) -> bool:
    objects = git_dir / "objects"
    return (objects / _CHAIN).is_file() or (objects / _SINGLE).is_file()


def _owned(git_dir: Path) -> bool:
    """Whether kvmstatus made this repository (a clone in its cache): it has its own graph."""
    return git_dir.is_relative_to(cache_dir().resolve())


def alternate_env(git_dir: Path) -> dict[str, str]:
    """The environment that lets git read the cached graph of `git_dir` ({} when there is
    none, or the repository has its own)."""
    if has_own_graph(git_dir) or _owned(git_dir):
        return {}
    home = graph_home(git_dir)
    objects = home / "objects"
    if not (objects / _CHAIN).is_file() or ":" in str(objects):
        return {}
    with contextlib.suppress(OSError):
        if (home / _OWNER).read_text() == str(git_dir):
            return _env_for(objects)
    return {}


def refresh_graph(git_dir: Path) -> bool:
    """Write or extend the cached commit-graph of the repository at `git_dir` when its refs
    changed since the last write (True: written). Nothing for a repository with a graph of
    its own or one that kvmstatus cloned. A failure (another kvmstatus writing it right
    now, a full disk) only leaves git without the new layer: the graph is a speed-up, never
    needed. `GitRepo` reads it from then on (`alternate_env`)."""
    if has_own_graph(git_dir) or _owned(git_dir):
        return False
    home = graph_home(git_dir)
    objects = home / "objects"
    if ":" in str(objects):  # the variable separates directories with ':'
        return False
    repository = [f"--git-dir={git_dir}", "--bare"]
    listed = gitrunner.output([*repository, "for-each-ref", "--format=%(objectname) %(refname)"])
    refs = listed.decode("utf-8", "surrogateescape")
    try:
        if (home / _OWNER).read_text() == str(git_dir) and (home / _REFS).read_text() == refs:
            return False
    except (OSError, UnicodeError):
        pass
    try:
        if (home / _OWNER).exists() and (home / _OWNER).read_text() != str(git_dir):
            shutil.rmtree(home)  # another repository's, under a name that collides
        (objects / "info").mkdir(parents=True, exist_ok=True)
        _write_text(home / _OWNER, str(git_dir))
        write = ["commit-graph", "write", "--reachable", "--split", f"--object-dir={objects}"]
        gitrunner.output([*repository, *write], env=gitrunner.environment(_env_for(objects)))
        _write_text(home / _REFS, refs)
    except (OSError, UnicodeError, GitFailure):
        return False
    _forget_removed_repositories()
    return True


def _env_for(objects: Path) -> dict[str, str]:
    theirs = os.environ.get(ALTERNATES)
    return {ALTERNATES: f"{objects}:{theirs}" if theirs else str(objects)}


def _write_text(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text)
    partial.replace(path)


def _forget_removed_repositories() -> None:
    """Remove the cached graphs whose repository is gone (a deleted clone, a test's)."""
    for home in graphs_dir().iterdir():
        with contextlib.suppress(OSError):
            owner = Path((home / _OWNER).read_text())
            if not (owner / "objects").is_dir():
                shutil.rmtree(home)
