"""Lists in a run: incremental indexing, the review of every window, and what is skipped."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import fixture_lists as fl
from fixture_history import fast_import_stream
from helpers import build_repo, git
from kvmstatus.git.archives import open_archive
from kvmstatus.jobs import lists
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition, idle
from kvmstatus.store.messages import index_path


def append(archive: Path) -> None:
    git(
        archive,
        "fast-import",
        "--quiet",
        input=fl.fast_import_stream(fl.more_messages(), append=True),
    )


def test_indexing_reads_only_new_messages(tmp_path: Path, list_archive: Path) -> None:
    archive_path = tmp_path / "0.git"
    shutil.copytree(list_archive, archive_path)
    archive = open_archive(str(archive_path))
    records, read = lists.index_archive(tmp_path / "data", archive)
    assert (len(records), read) == (25, 26)  # one commit removed a message
    assert lists.index_archive(tmp_path / "data", archive)[1] == 0
    append(archive_path)
    records, read = lists.index_archive(tmp_path / "data", archive)
    assert (len(records), read) == (26, 1)
    assert records[-1].message_id == "dave-later@test.example"
    # A damaged index is read again from git, whole.
    index_path(tmp_path / "data", archive.key, archive.epochs[0].name).write_text("{")
    assert lists.index_archive(tmp_path / "data", archive)[1] == 27


def test_a_killed_first_read_resumes(
    tmp_path: Path, list_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = open_archive(str(list_archive))
    monkeypatch.setattr(lists, "CHUNK", 10)
    calls = 0
    real = lists.read_epoch

    def dies_after_two(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lists, "read_epoch", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        lists.index_archive(tmp_path, archive)
    monkeypatch.setattr(lists, "read_epoch", real)
    records, read = lists.index_archive(tmp_path, archive)
    assert (len(records), read) == (25, 6)  # 20 were kept; the last 6 commits read now


def config(tmp_path: Path, kernel: Path, archive: Path) -> Path:
    path = tmp_path / "kvmstatus.toml"
    path.write_text(
        "[site]\ncycles_per_year = 2\n"
        '[data]\ndir = "data"\n[publish]\npath = "public"\n'
        f'[[project]]\nname = "kvm"\ndisplay_name = "Fixture KVM"\nrepository = "{kernel}"\n'
        f'fetch = false\nlists = ["{archive}"]\n'
        f'[[project]]\nname = "kut"\nrole = "companion"\nrepository = "{kernel}"\n'
        'paths = ["."]\nwindows = "main-release-dates"\narchitectures = "kvm-unit-tests"\n'
        f'fetch = false\nlists = ["{archive}"]\nlist_tag = "kvm-unit-tests"\n'
    )
    return path


def read(path: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads(path.read_text())
    return doc


def test_a_run_reviews_every_window(tmp_path: Path, list_archive: Path) -> None:
    kernel = build_repo(tmp_path / "kernel.git", fast_import_stream())
    archive = tmp_path / "list" / "0.git"
    shutil.copytree(list_archive, archive)
    settings = load_config(config(tmp_path, kernel, archive))
    first = edition(settings, (False, True), publish=False)
    assert (first.messages_read, first.reviews) == (26, 2)
    review = tmp_path / "data" / "review"
    summary = read(review / "index.json")
    assert summary["releases"] == ["v1.0", "v1.1", "v1.2", "v1.3"]
    assert summary["messages"] == 24
    assert summary["scope"] == (
        "series tagged neither kvm-unit-tests; touching the selection's paths at each window's end"
    )
    v11 = read(review / "v1.1.json")
    # Messages of [v1.0, v1.1): days 0 to 5. Kept series: v1, v2, Sean's, Hank's, the one
    # without a Message-ID (s390 is in the fixture's KVM); not kvm-unit-tests', not net's.
    assert (v11["messages"], v11["series"], v11["patch_messages"], v11["cover_letters"]) == (
        19,
        5,
        7,
        1,
    )
    # bot, Bob, Carol, Dave, Alice (own), Erin, Alice for Sean, Gina (dated by its commit)
    assert (v11["replies"], v11["bot_replies"], v11["reviewed_series"]) == (8, 1, 2)
    assert v11["tags_given"] == {"Reviewed-by": 2, "Acked-by": 2, "Tested-by": 1}
    # The window's one KVM commit, "KVM: arm64: vgic: Add a thing", was posted twice.
    assert v11["links"]["commits"] == 1  # type: ignore[index]
    assert v11["links"]["posted"] == 1  # type: ignore[index]
    assert v11["links"]["versions"] == {"2": 1}  # type: ignore[index]
    assert v11["coverage"] == "full"
    reviewers = {r["email"]: (r["count"], r["commit_tags"]) for r in v11["top_list_reviewers"]}  # type: ignore[attr-defined]
    # Alice reviewed Sean's series; the window's commits name her in no tag (its only KVM
    # commit is her own, acked by Sean and tested by Ray).
    assert reviewers["alice@arm.example"] == (1, 0)
    v12 = read(review / "v1.2.json")
    # Sean posted from his old address; the kernel's .mailmap maps it, so the commit links.
    assert v12["links"]["commits"] == 4  # type: ignore[index]
    assert v12["links"]["posted"] == 1  # type: ignore[index]
    assert (v12["unparseable"], v12["messages"], v12["series"]) == (2, 3, 0)  # v3: no diff
    kut = read(tmp_path / "data" / "companions" / "kut" / "review" / "v1.1.json")
    assert (kut["series"], kut["reviewed_series"], kut["replies"]) == (1, 1, 1)
    # Nothing new: nothing read, nothing reviewed; the run is idle.
    again = edition(settings, (False, True), publish=False)
    assert (again.messages_read, again.reviews) == (0, 0)
    assert idle(settings, (False, True)) is None  # not published yet
    edition(settings, (False, True))
    assert idle(settings, (False, True)) is not None
    # A new message: indexed alone, both projects reviewed again, the run not idle.
    append(archive)
    assert idle(settings, (False, True)) is None
    third = edition(settings, (False, True), publish=False)
    assert (third.messages_read, third.reviews) == (1, 2)


def test_without_lists_no_review(tmp_path: Path) -> None:
    kernel = build_repo(tmp_path / "kernel.git", fast_import_stream())
    path = tmp_path / "kvmstatus.toml"
    path.write_text(f'[[project]]\nname = "kvm"\nrepository = "{kernel}"\nfetch = false\n')
    summary = edition(load_config(path), (False, False), publish=False)
    assert (summary.messages_read, summary.reviews) == (0, 0)
    assert not (tmp_path / "data" / "review").exists()


def test_a_damaged_review_document_is_made_again(
    tmp_path: Path, list_archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An edited review document is never published: the site refuses it naming the file,
    and the next run computes the review again, byte for byte what it was."""
    from kvmstatus.errors import UserError
    from kvmstatus.website.build import build_site

    kernel = build_repo(tmp_path / "kernel.git", fast_import_stream())
    archive = tmp_path / "list" / "0.git"
    shutil.copytree(list_archive, archive)
    settings = load_config(config(tmp_path, kernel, archive))
    edition(settings, (False, True), publish=False)
    page = tmp_path / "data" / "review" / "v1.1.json"
    good = page.read_bytes()
    page.write_text(page.read_text().replace('"series": 5', '"series": 9'))
    with pytest.raises(UserError, match=r"v1\.1\.json was changed or damaged"):
        build_site(tmp_path / "data", tmp_path / "site")
    assert not (tmp_path / "site").exists()
    again = edition(settings, (False, True), publish=False)
    assert again.reviews == 1
    assert page.read_bytes() == good
    assert "v1.1.json was damaged or changed; the review is computed again" in caplog.text


SHAPES = {
    # The fixture's releases: v1.0 at day 0, v1.1 at 5, v1.2 at 9, v1.3 at 21.
    "starts-late": ([float(d) for d in range(6, 30)], ["none", "none", "partial", "full"]),
    "ends-early": ([float(d) for d in range(-10, 3)], ["full", "partial", "none", "none"]),
    "has-a-gap": (
        [float(d) for d in (*range(-10, 3), *range(25, 30))],
        ["full", "partial", "none", "none"],
    ),
    "covers-all": ([float(d) for d in range(-10, 30)], ["full", "full", "full", "full"]),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_any_coverage_shape_publishes(tmp_path: Path, shape: str) -> None:
    """The issue: an archive starting after the first window stopped the run (the review
    CSV took its columns from the first row). Every shape publishes; a window the archive
    does not reach shows no numbers, not zeros."""
    days, coverage = SHAPES[shape]
    kernel = build_repo(tmp_path / "kernel.git", fast_import_stream())
    archive = build_repo(tmp_path / "list" / "0.git", fl.fast_import_stream(fl.busy_messages(days)))
    summary = edition(load_config(fl.list_config(tmp_path, kernel, archive)), (False, False))
    assert summary.published
    review = tmp_path / "data" / "review"
    releases = ["v1.0", "v1.1", "v1.2", "v1.3"]
    assert [read(review / f"{r}.json")["coverage"] for r in releases] == coverage
    public = tmp_path / "public"
    rows = (public / "data" / "review.csv").read_text().splitlines()
    assert len(rows) == 1 + len(releases)
    for release, row, covered in zip(releases, rows[1:], coverage, strict=True):
        cells = row.split(",")
        assert cells[:3] == [release, "", covered]
        if covered == "none":
            assert set(cells[3:]) == {""}  # no zeros where the archive holds nothing
            page = (public / "releases" / f"{release}.html").read_text()
            assert "hold no message of this window" in page
        else:
            assert cells[3] != ""
    home = (public / "index.html").read_text()
    assert " of the 0 series" not in home  # the year's numbers only where the lists reach
    spans = read(review / "index.json")["spans"]
    assert isinstance(spans, list)
    assert len(spans) == (2 if shape == "has-a-gap" else 1)
    if shape == "has-a-gap":
        assert "The archives have gaps" in (public / "review.html").read_text()


def test_a_hostile_archive_publishes_without_markup(tmp_path: Path) -> None:
    """The issue: a NUL byte in a From: name stopped this run and every later one."""
    messages = sorted(fl.messages() + fl.hostile_messages(), key=lambda m: m.day)
    kernel = build_repo(tmp_path / "kernel.git", fast_import_stream())
    archive = build_repo(tmp_path / "list" / "0.git", fl.fast_import_stream(messages))
    settings = load_config(config(tmp_path, kernel, archive))
    assert edition(settings, (False, True)).published
    v11 = read(tmp_path / "data" / "review" / "v1.1.json")
    assert v11["unparseable"] == 1  # the binary one (the fixture's two are in v1.2)
    pages = [p.read_text() for p in (tmp_path / "public").rglob("*.html")]
    for page in pages:
        body = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.DOTALL)  # the theme's
        for tag in re.findall(r"<[a-zA-Z][^>]*>", body):
            assert not re.search(r"alert\(|javascript:|onerror", tag), tag
    assert any("&lt;img src=x onerror=alert(4)&gt;" in page for page in pages)
    # The next run is as good: nothing is stuck.
    assert edition(settings, (False, True)).reviews == 0
