"""Hostile and broken input: histories written by anyone, and a world that changes or fills up.

One window `v1.3..v1.4` on top of the fixture history holds a commit for each kind of hostile
input, each touching `arch/x86/kvm/x86.c` so that the KVM selection counts it. Every check
goes through the CLI as a user types it and compares with plain git where a number exists.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import NEW_RELEASE, build_repo, git, run, site_files, summary, write_config

HTML_NAME = "<b>Bold</b> **md** [x](javascript:alert(1))"
ZERO_WIDTH_NAME = "Zero\u200bWidth \u202eLTR\u202c Name"
FIXES_LINES = 10_000


def _commit(author: bytes, message: bytes, stamp: int, encoding: bytes = b"") -> bytes:
    out = b"commit refs/heads/master\n"
    out += b"author %s %d +0000\n" % (author, stamp)
    out += b"committer Paolo Bonzini <pbonzini@example.com> %d +0000\n" % stamp
    if encoding:
        out += b"encoding %s\n" % encoding
    out += b"data %d\n%s\n" % (len(message), message)
    content = b"hostile %d\n" % stamp
    out += b"M 100644 inline arch/x86/kvm/x86.c\ndata %d\n%s\n\n" % (len(content), content)
    return out


def hostile_commits() -> bytes:
    huge = b"".join(b"line %07d of a very long commit message body\n" % i for i in range(24_000))
    fixes = b"".join(b'Fixes: %012x ("KVM: x86: gone %d")\n' % (i, i) for i in range(FIXES_LINES))
    commits = [
        (
            b"Bad \xff Bytes <bad@x.example>",
            b"KVM: x86: bad \xff\xfe\n\nReviewed-by: R <r@x.example>\n",
        ),
        (
            "Jos\u00e9 M\u00fcller <jose@x.example>".encode("latin-1"),
            "KVM: x86: caf\u00e9\n\nReviewed-by: Zo\u00eb \u00c4rger <zoe@x.example>\n".encode(
                "latin-1"
            ),
        ),
        (b"Huge <huge@x.example>", b"KVM: x86: huge\n\n" + huge + b"\nAcked-by: A <a@x.example>\n"),
        (
            f"{ZERO_WIDTH_NAME} <zw@x.example>".encode(),
            f"KVM: x86: \u202eevil\n\nTested-by: {ZERO_WIDTH_NAME} <zw@x.example>\n".encode(),
        ),
        (
            f"{HTML_NAME.replace('<', '&lt;').replace('>', '&gt;')} <html@x.example>".encode(),
            f"KVM: x86: <img src=x onerror=alert(1)> | **x**\n\n"
            f"Reviewed-by: {HTML_NAME} <html@x.example>\n"
            "Reviewed-by: Odd <a<b>@x.example>\n"
            "Reviewed-by: John Doe\n"
            "Acked-by: Dup <dup@x.example>\n"
            "Acked-by:   Dup   <dup@x.example>\n"
            "Acked-by: Dup <dup@x.example>\n".encode(),
        ),
        (b"Fixer <fixer@x.example>", b"KVM: x86: fix everything\n\n" + fixes),
    ]
    stream = b""
    for i, (author, message) in enumerate(commits):
        encoding = b"ISO-8859-1" if author.startswith(b"Jos") else b""
        stream += _commit(author, message, 1_702_000_000 + i * 60, encoding)
    stream += b"reset refs/tags/v1.4\nfrom refs/heads/master\n\n"
    stream += b"reset refs/tags/kvm/next/2024\nfrom refs/heads/master\n\n"
    return stream


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_repo(
        tmp_path_factory.mktemp("hostile") / "hostile.git", fast_import_stream() + hostile_commits()
    )
    # A release-looking tag on a tree (fast-import's `tag` wants a commit; git tag does not).
    git(path, "tag", "-a", "-m", "a tree", "v1.5", "master^{tree}")
    git(path, "tag", "v1.6", "master^{tree}")
    return path


@pytest.fixture(scope="module")
def stats(repo: Path) -> dict[str, object]:
    proc = subprocess.run(
        ["kvmstatus", "stats", "--repo", str(repo), "--range", "v1.3..v1.4", "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    doc: dict[str, object] = json.loads(proc.stdout)
    doc["stderr"] = proc.stderr
    return doc


def _paths(stats: dict[str, object]) -> list[str]:
    paths = stats["paths"]
    assert isinstance(paths, list)
    return [str(p) for p in paths]


def test_counts_equal_plain_git(repo: Path, stats: dict[str, object]) -> None:
    revs = ["v1.4", "^v1.3", "--", *_paths(stats)]
    assert stats["commits"] == int(git(repo, "rev-list", "--count", "--no-merges", *revs)) == 6
    trailers = stats["trailers"]
    assert isinstance(trailers, dict)
    reviewed = git(
        repo,
        "log",
        "--no-merges",
        "-i",
        "-E",
        "--grep=^[[:space:]]*Reviewed-by:",
        "--format=%H",
        *revs,
    )
    assert trailers["Reviewed-by"]["commits"] == len(reviewed.split()) == 3
    assert trailers["Fixes"] == {"commits": 1, "lines": FIXES_LINES}
    # Three Acked-by lines of Dup, one with extra blanks, are one line; the huge commit's ack.
    assert trailers["Acked-by"] == {"commits": 2, "lines": 2}
    assert trailers["Tested-by"] == {"commits": 1, "lines": 1}


def test_broken_input_is_reported(stats: dict[str, object]) -> None:
    undecodable = stats["undecodable_commits"]
    assert (len(undecodable) if isinstance(undecodable, list) else undecodable) == 1
    # A name holding `<`, an address holding `<`, no address: kept, flagged, listed.
    malformed = json.dumps(stats["malformed_trailers"])
    assert "John Doe" in malformed
    assert "a<b>@x.example" in malformed
    assert "<b>Bold</b>" in malformed
    stderr = str(stats["stderr"])
    assert "not valid UTF-8" in stderr
    assert "could not be parsed" in stderr


def test_legacy_encoding_and_unicode_names(stats: dict[str, object]) -> None:
    names = json.dumps(stats["top_authors"], ensure_ascii=False)
    assert "Jos\u00e9 M\u00fcller" in names  # re-encoded from ISO-8859-1 by git
    assert ZERO_WIDTH_NAME in names
    assert "Bad \ufffd Bytes" in names
    reviewers = json.dumps(stats["top_reviewers"], ensure_ascii=False)
    assert "Zo\u00eb \u00c4rger" in reviewers


def test_tags_with_slashes_and_on_trees(
    capsys: pytest.CaptureFixture[str], repo: Path, stats: dict[str, object]
) -> None:
    code, out, err = run(
        capsys, "stats", "--repo", str(repo), "--range", "v1.3..kvm/next/2024", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["commits"] == stats["commits"]
    code, out, err = run(capsys, "releases", "--repo", str(repo))
    assert code == 0, err
    assert "Traceback" not in err
    assert [line.split()[0] for line in out.splitlines()] == [
        "v1.0",
        "v1.1",
        "v1.2",
        "v1.3",
        "v1.4",
    ]
    assert "v1.5" in err  # the tree tags are named, not silently dropped
    assert "v1.6" in err
    code, _, err = run(capsys, "stats", "--repo", str(repo), "--range", "v1.4..v1.5")
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_collect_and_site(capsys: pytest.CaptureFixture[str], repo: Path, tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "public"
    code, _, err = run(capsys, "collect", "--repo", str(repo), "--out", str(data))
    assert code == 0, err
    assert "Traceback" not in err
    window = json.loads((data / "windows" / "v1.4.json").read_text())
    assert window["commits"] == 6
    code, _, err = run(capsys, "site", "--data", str(data), "--out", str(out))
    assert code == 0, err
    pages = {p: p.read_text() for p in out.rglob("*.html")}
    people = "".join(pages.values())
    assert html.escape(ZERO_WIDTH_NAME, quote=False) in people or ZERO_WIDTH_NAME in people
    for text in pages.values():
        body = re.sub(r"<script\b.*?</script>", "", text, flags=re.DOTALL)
        assert "<b>Bold</b>" not in body
        assert "<img src=x" not in body
        assert 'href="javascript:' not in body


# --- a world that changes under the flow ---------------------------------------------------


def _rewrite(parent: str) -> bytes:
    """Two new commits on `parent`, replacing master (a force-push), and v1.4 on the tip."""
    out = b""
    for i, first in enumerate((True, False)):
        message = b"KVM: arm64: Rewritten %d\n" % i
        content = b"arm rewritten %d\n" % i
        out += b"commit refs/heads/master\n"
        out += b"author Alice Arm <alice@arm.example> %d +0000\n" % (1_702_600_000 + i)
        out += b"committer Paolo Bonzini <pbonzini@example.com> %d +0000\n" % (1_702_600_000 + i)
        out += b"data %d\n%s\n" % (len(message), message)
        out += b"from %s\n" % parent.encode() if first else b""
        out += b"M 100644 inline arch/arm64/kvm/arm.c\ndata %d\n%s\n\n" % (len(content), content)
    return out + b"reset refs/tags/v1.4\nfrom refs/heads/master\n\n"


def test_moved_tag_and_force_push_recompute(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    config = str(write_config(tmp_path, repo))
    window = tmp_path / "data" / "windows" / "v1.4.json"
    assert summary(capsys, "run", "--config", config).startswith("5 windows: 5 computed")
    assert json.loads(window.read_text())["commits"] == 1
    # Force-push: the v1.4 commit is replaced by two others, and the tag follows.
    old_tip = git(repo, "rev-parse", "master").strip()
    git(repo, "fast-import", "--quiet", "--force", input=_rewrite(f"{old_tip}~1"))
    assert summary(capsys, "run", "--config", config).startswith("5 windows: 1 computed, 4 reused")
    assert json.loads(window.read_text())["commits"] == 2
    # The tag moved by hand to an older commit: the window is computed again.
    git(repo, "tag", "-f", "v1.4", "master~1")
    assert summary(capsys, "run", "--config", config).startswith("5 windows: 1 computed, 4 reused")
    assert json.loads(window.read_text())["commits"] == 1


def test_missing_cache_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = str(write_config(tmp_path, repo))
    summary(capsys, "run", "--config", config)
    before = site_files(tmp_path / "public")
    shutil.rmtree(tmp_path / "data" / "cache")
    assert summary(capsys, "run", "--config", config).startswith("4 windows: 4 computed")
    assert site_files(tmp_path / "public") == before


def _site(capsys: pytest.CaptureFixture[str], data: Path, out: Path) -> tuple[int, str]:
    """`kvmstatus site`; an exception escaping `main` counts as exit 2 with its traceback."""
    try:
        code, _, err = run(capsys, "site", "--data", str(data), "--out", str(out))
    except OSError as exc:
        return 2, f"Traceback (most recent call last): ... {exc!r}"
    return code, err


def _unwritable(tmp_path: Path) -> tuple[Path, Path]:
    """A data directory and an output path that cannot be created."""
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    subprocess.run(
        ["kvmstatus", "collect", "--repo", str(repo), "--out", str(tmp_path / "data")],
        check=True,
        capture_output=True,
    )
    if os.geteuid() == 0:
        # chmod does not stop root: a file where the output's parent directory should be does.
        (tmp_path / "blocked").write_text("not a directory\n")
        return tmp_path / "data", tmp_path / "blocked" / "public"
    (tmp_path / "ro").mkdir(mode=0o555)
    return tmp_path / "data", tmp_path / "ro" / "public"


def test_unwritable_output_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data, out = _unwritable(tmp_path)
    code, _ = _site(capsys, data, out)
    assert code != 0
    assert not out.exists()


def test_unwritable_output_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data, out = _unwritable(tmp_path)
    code, err = _site(capsys, data, out)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, Path, dict[str, bytes]]]:
    """(data, out, the previous site's files): `out` is on a 600 kB tmpfs holding a small
    previous site, marked as kvmstatus's own, that a new build cannot fit next to."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
        data, built = tmp_path / "data", tmp_path / "built"
        for argv in (
            ["collect", "--repo", str(repo), "--out", str(data)],
            ["site", "--data", str(data), "--out", str(built)],
        ):
            subprocess.run(["kvmstatus", *argv], check=True, capture_output=True)
        out = mount / "public"
        out.mkdir()
        for hidden in built.glob(".*"):  # the marker saying kvmstatus built this directory
            shutil.copy(hidden, out / hidden.name)
        (out / "index.html").write_text("previous site\n")
        yield data, out, site_files(out)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_full_disk_keeps_the_previous_site(
    capsys: pytest.CaptureFixture[str], full_disk: tuple[Path, Path, dict[str, bytes]]
) -> None:
    data, out, before = full_disk
    code, _ = _site(capsys, data, out)
    assert code != 0
    assert site_files(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["public"]  # no partial build left


def test_full_disk_is_one_line(
    capsys: pytest.CaptureFixture[str], full_disk: tuple[Path, Path, dict[str, bytes]]
) -> None:
    data, out, _ = full_disk
    code, err = _site(capsys, data, out)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "No space left" in err
