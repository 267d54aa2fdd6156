"""List archives: local epochs, public-inbox directories, bundles and URLs (file:// here,
the same code path as lore's https://), cloned, fetched, and read in one cat-file."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import fixture_lists as fl
from helpers import build_repo, git
from kvmstatus.errors import UserError
from kvmstatus.git.archives import archive_key, epoch_numbers, open_archive, read_blobs
from kvmstatus.git.repo import GitRepo


def test_epoch_numbers_from_a_manifest() -> None:
    manifest = {
        "/kvm/git/1.git": {"modified": 2},
        "/kvm/git/0.git": {"modified": 1},
        "/kvm/git/10.git": {},
        "/other/thing.git": {},
    }
    assert epoch_numbers(manifest) == [0, 1, 10]


def test_keys_are_distinct_and_readable() -> None:
    a, b = archive_key("https://lore.kernel.org/kvm"), archive_key("https://lore.kernel.org/kvm/")
    assert a == b
    assert a.startswith("kvm-")
    assert archive_key("https://lore.kernel.org/kvmarm").startswith("kvmarm-")
    assert archive_key("https://lore.kernel.org/kvm/0").startswith("kvm-0-")


def test_a_local_epoch_is_read_where_it_is(list_archive: Path) -> None:
    archive = open_archive(str(list_archive))
    assert [e.path for e in archive.epochs] == [str(list_archive)]
    assert not archive.changed


def test_a_public_inbox_directory(tmp_path: Path, list_archive: Path) -> None:
    inbox = tmp_path / "inbox"
    for n in (1, 0):
        shutil.copytree(list_archive, inbox / "git" / f"{n}.git")
    archive = open_archive(str(inbox))
    assert [e.name for e in archive.epochs] == ["0", "1"]


def test_a_bundle_is_cloned_once_then_fetched(tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "src.git", fl.fast_import_stream())
    bundle = tmp_path / "list.bundle"
    git(repo, "bundle", "create", str(bundle), "master")
    first = open_archive(str(bundle), cache=tmp_path / "cache")
    assert first.changed
    again = open_archive(str(bundle), update=True, cache=tmp_path / "cache")
    assert not again.changed
    git(
        repo, "fast-import", "--quiet", input=fl.fast_import_stream(fl.more_messages(), append=True)
    )
    git(repo, "bundle", "create", str(bundle), "master")
    assert open_archive(str(bundle), cache=tmp_path / "cache").changed is False  # no update
    assert open_archive(str(bundle), update=True, cache=tmp_path / "cache").changed


def test_urls_with_a_manifest_and_without(tmp_path: Path, list_archive: Path) -> None:
    site = tmp_path / "lore" / "kvm"
    for n in (0, 1):
        shutil.copytree(list_archive, site / str(n))
    manifest = {"/kvm/git/0.git": {}, "/kvm/git/1.git": {}}
    (site / "manifest.js.gz").write_bytes(gzip.compress(json.dumps(manifest).encode()))
    url = site.as_uri()
    archive = open_archive(url, cache=tmp_path / "cache")
    assert [e.name for e in archive.epochs] == ["0", "1"]
    assert archive.changed
    # Without a manifest, epochs are probed: 0, 1, until one is missing.
    (site / "manifest.js.gz").unlink()
    probed = open_archive(url, update=True, cache=tmp_path / "cache2")
    assert [e.name for e in probed.epochs] == ["0", "1"]
    # A new epoch appears in the manifest: cloned on the next update.
    shutil.copytree(list_archive, site / "2")
    manifest["/kvm/git/2.git"] = {}
    (site / "manifest.js.gz").write_bytes(gzip.compress(json.dumps(manifest).encode()))
    grown = open_archive(url, update=True, cache=tmp_path / "cache")
    assert [e.name for e in grown.epochs] == ["0", "1", "2"]
    assert grown.changed
    one = open_archive(f"{url}/1", cache=tmp_path / "cache")
    assert [e.name for e in one.epochs] == ["1"]


@pytest.mark.parametrize("spec", ["/nonexistent/list", "README.md"])
def test_bad_specs_are_one_line(spec: str) -> None:
    with pytest.raises(UserError, match=r"neither|does not exist"):
        open_archive(spec)


def test_a_url_that_is_no_archive(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="lists no public-inbox epochs"):
        open_archive((tmp_path / "empty").as_uri(), cache=tmp_path / "cache")


def test_read_blobs_streams_in_order(list_archive: Path) -> None:
    repo = GitRepo(list_archive)
    commits = git(list_archive, "rev-list", "--reverse", "master").split()
    names = [f"{c}:m" for c in commits] * 200  # more than one feeding chunk
    blobs = list(read_blobs(repo, names))
    assert len(blobs) == len(names)
    expected = [
        subprocess.run(
            ["git", "-C", str(list_archive), "cat-file", "-p", n], capture_output=True
        ).stdout
        if n != names[fl.CASES.index("removed")]
        else None
        for n in names[: len(commits)]
    ]
    assert blobs[: len(commits)] == expected
    assert blobs[fl.CASES.index("removed")] is None
    assert list(read_blobs(repo, [])) == []
