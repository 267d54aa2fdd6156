"""Mailing-list archives as git: public-inbox v2 epochs, cloned, fetched and read.

A public-inbox v2 archive is a series of epoch repositories (`<list>/0`, `<list>/1`, ...),
each holding one commit per message with the raw message in the file `m`. An archive spec
is one of:

- a URL of a list (`https://lore.kernel.org/kvm`): its epochs come from the list's grokmirror
  manifest (`<list>/manifest.js.gz`), each cloned bare (`git clone --mirror`; a blobless
  clone is no use, the messages are the blobs) into the cache and fetched on later runs;
- a URL of one epoch (`https://lore.kernel.org/kvm/0`), cloned the same way;
- a git bundle of an epoch, cloned once into the cache and fetched from on updates;
- a local epoch repository, or a public-inbox v2 directory (`git/0.git`, `git/1.git`, ...),
  read where it is and never fetched.

`read_blobs` reads the `m` blobs of many commits through one `git cat-file --batch`,
streamed, so memory holds one message at a time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kvmstatus.errors import GitFailure, UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.git.sources import is_url, mirror
from kvmstatus.shared import gitrunner
from kvmstatus.shared.dirs import cache_dir
from kvmstatus.shared.gitrunner import NetworkError

_EPOCH_KEY = re.compile(r"(?:^|/)git/(\d+)\.git/?$")
_MANIFEST_TIMEOUT = 60


@dataclass(frozen=True)
class Epoch:
    """One epoch repository of an archive."""

    name: str
    """Its number (`0`, `1`, ...), or the file name of a single repository or bundle."""
    path: str
    """The bare repository to read."""


@dataclass(frozen=True)
class Archive:
    """A list archive ready to read: its epochs in order, oldest first."""

    spec: str
    """As the user gave it (URL or path)."""
    key: str
    """A stable name for the archive's cache and index folders (`kvm-1a2b3c4d5e`)."""
    name: str
    """A short name for people (`kvm`, `kvmarm-list`)."""
    epochs: tuple[Epoch, ...]
    changed: bool = False
    """Whether this call cloned or fetched new messages."""


def archive_key(spec: str) -> str:
    """`<name>-<digest of the spec>`: distinct archives never share a folder."""
    digest = hashlib.sha256(spec.rstrip("/").encode()).hexdigest()[:10]
    return f"{archive_name(spec)}-{digest}"


def archive_name(spec: str) -> str:
    stem = Path(spec.rstrip("/")).name
    if stem.isdigit() and "/" in spec.rstrip("/"):  # an epoch URL: the list's name
        stem = f"{Path(spec.rstrip('/')).parent.name}-{stem}"
    stem = stem.removesuffix(".git").removesuffix(".bundle")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "list"


def epoch_numbers(manifest: Mapping[str, Any]) -> list[int]:
    """The epochs a grokmirror manifest lists (keys ending in `git/N.git`), in order."""
    found = {int(m[1]) for key in manifest if (m := _EPOCH_KEY.search(key))}
    return sorted(found)


def _manifest(url: str) -> Mapping[str, Any] | None:
    """The list's grokmirror manifest, or None when it has none (a 404)."""
    try:
        with urllib.request.urlopen(f"{url}/manifest.js.gz", timeout=_MANIFEST_TIMEOUT) as reply:
            data = reply.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise NetworkError(f"cannot read the manifest of {url}: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FileNotFoundError):  # a file:// mirror without one
            return None
        raise NetworkError(f"cannot read the manifest of {url}: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise NetworkError(f"cannot read the manifest of {url}: {exc}") from None
    try:
        manifest = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    except (OSError, ValueError):
        raise UserError(f"{url}/manifest.js.gz is not a grokmirror manifest") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{url}/manifest.js.gz is not a grokmirror manifest")
    return manifest


def _mirror(source: str, target: Path, update: bool) -> bool:
    """Clone `source` whole into `target` once (the messages are the blobs); with `update`,
    fetch its branches. Whether refs moved."""
    return mirror(source, target, update, is_url(source), blobless=False, tags=False)


def open_archive(spec: str, update: bool = False, cache: Path | None = None) -> Archive:
    """The archive `spec` names (see the module docstring), cloned into `cache` (default:
    the kvmstatus cache) when it is a URL or a bundle; with `update`, fetched."""
    key = archive_key(spec)
    name = archive_name(spec)
    folder = (cache or cache_dir() / "repos") / "lists" / key
    if is_url(spec):
        return _remote(spec, key, name, folder, update)
    path = Path(spec).expanduser()
    if path.is_file():
        if not spec.endswith(".bundle"):
            raise UserError(f"{spec} is neither a git bundle nor a repository of a list archive")
        changed = _mirror(str(path.resolve()), folder / "0.git", update)
        return Archive(spec, key, name, (Epoch(path.name, str(folder / "0.git")),), changed)
    if not path.exists():
        raise UserError(f"{spec} does not exist (pass a list's URL, an epoch or a bundle)")
    inbox = sorted(
        (int(p.name.removesuffix(".git")), p)
        for p in (path / "git").glob("*.git")
        if p.name.removesuffix(".git").isdigit()
    )
    if inbox:
        epochs = tuple(Epoch(str(n), str(GitRepo(p).git_dir)) for n, p in inbox)
        return Archive(spec, key, name, epochs)
    repo = GitRepo(path)
    return Archive(spec, key, name, (Epoch(path.name, str(repo.git_dir)),))


def _remote(spec: str, key: str, name: str, folder: Path, update: bool) -> Archive:
    url = spec.rstrip("/")
    last = url.rsplit("/", 1)[-1]
    if last.isdigit():  # one epoch
        changed = _mirror(url, folder / f"{last}.git", update)
        return Archive(spec, key, name, (Epoch(last, str(folder / f"{last}.git")),), changed)
    have = sorted(int(p.name[:-4]) for p in folder.glob("*.git") if p.name[:-4].isdigit())
    numbers = have
    if update or not have:
        manifest = _manifest(url)
        numbers = epoch_numbers(manifest) if manifest is not None else _probe(url)
        if not numbers:
            raise UserError(f"{url} lists no public-inbox epochs (is it a list archive?)")
    changed = False
    for n in numbers:
        changed |= _mirror(f"{url}/{n}", folder / f"{n}.git", update)
    return Archive(
        spec, key, name, tuple(Epoch(str(n), str(folder / f"{n}.git")) for n in numbers), changed
    )


def _probe(url: str) -> list[int]:
    """Epoch numbers found by asking for `url/0`, `url/1`, ... until one is missing."""
    found: list[int] = []
    while True:
        proc = gitrunner.run(["ls-remote", "--heads", f"{url}/{len(found)}"])
        if proc.returncode != 0 or not proc.stdout.strip():
            return found
        found.append(len(found))


def epoch_tip(repo: GitRepo) -> str | None:
    """The commit an epoch's messages end at (`HEAD`, else `master`); None when empty."""
    query = b"HEAD^{commit}\nrefs/heads/master^{commit}\n"
    for line in repo.text("cat-file", "--batch-check=%(objectname)", input=query).splitlines():
        if not line.endswith(" missing"):
            return line.strip()
    return None


def holds_message(repo: GitRepo, commit: str) -> bool:
    """Whether `commit` is an epoch's: its tree has the message file `m` (or the `d` of a
    removed message)."""
    query = f"{commit}:m\n{commit}:d\n".encode()
    out = repo.text("cat-file", "--batch-check=%(objecttype)", input=query)
    return "blob" in out.split()


def epoch_commits(repo: GitRepo, tip: str, since: str | None = None) -> list[tuple[str, int]]:
    """The epoch's commits up to `tip` (after `since`, when given), oldest first, each with
    its author date (the message's `Date:` as public-inbox recorded it)."""
    revs = [tip, f"^{since}"] if since else [tip]
    out = repo.text("log", "--reverse", "--format=%H %at", *revs, "--")
    commits = []
    for line in out.splitlines():
        commit, _, stamp = line.partition(" ")
        commits.append((commit, int(stamp or 0)))
    return commits


def is_ancestor(repo: GitRepo, older: str, newer: str) -> bool:
    """Whether `older` is in `newer`'s history (a fetch only added messages after it)."""
    proc = gitrunner.run(repo.arguments("merge-base", "--is-ancestor", older, newer))
    if proc.returncode not in (0, 1):
        raise gitrunner.failure(("merge-base", "--is-ancestor"), proc.returncode, proc.stderr)
    return proc.returncode == 0


def read_blobs(repo: GitRepo, objects: Sequence[str]) -> Iterator[bytes | None]:
    """The content of each object name (`COMMIT:m`) in order, None for a missing one: one
    `git cat-file --batch`, fed from a thread and read as it comes."""
    if not objects:
        return
    with gitrunner.spawn(repo.arguments("cat-file", "--batch"), stdin=True) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        stdin = proc.stdin

        def feed() -> None:
            try:
                for start in range(0, len(objects), 4096):
                    stdin.write("".join(f"{o}\n" for o in objects[start : start + 4096]).encode())
                stdin.close()
            except (BrokenPipeError, ValueError):
                pass  # git stopped (the reader reports why) or the reader gave up

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for name in objects:
                header = proc.stdout.readline()
                if not header:
                    err = proc.stderr.read() if proc.stderr else b""
                    raise gitrunner.failure(("cat-file", "--batch"), proc.wait(), err)
                fields = header.split()
                if len(fields) == 2:  # `NAME missing` (a commit that removed its message)
                    yield None
                    continue
                if len(fields) != 3:
                    raise GitFailure(("cat-file", "--batch"), 1, f"{name}: {header!r}")
                content = proc.stdout.read(int(fields[2]) + 1)[:-1]
                yield content if fields[1] == b"blob" else None
            proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
            writer.join(timeout=5)
