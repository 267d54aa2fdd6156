"""The review on the site: the Review page, every release page's section, the downloads,
untrusted names from the list escaped, and the same data giving the same bytes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import fixture_lists as fl
from fixture_history import fast_import_stream
from helpers import build_repo, git, site_files
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition
from kvmstatus.jobs.steps import build_edition

HOSTILE = ('"<script>alert(5)</script> [x](javascript:1)"', "evil@example.org")


def hostile_reply() -> list[fl.Message]:
    raw = fl.mail(
        HOSTILE,
        2.7,
        "Re: [PATCH] KVM: x86/mmu: Drop the zap loop",
        "evil@example.org",
        "Reviewed-by: <b>bold</b> <evil@example.org>\n",
        fl.ZAP,
        (fl.ZAP,),
    )
    return [fl.Message("hostile", HOSTILE, 2.7, raw)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, list_archive: Path) -> Path:
    root = tmp_path_factory.mktemp("review-site")
    kernel = build_repo(root / "kernel.git", fast_import_stream())
    archive = root / "list" / "0.git"
    shutil.copytree(list_archive, archive)
    git(
        archive, "fast-import", "--quiet", input=fl.fast_import_stream(hostile_reply(), append=True)
    )
    edition(load_config(fl.list_config(root, kernel, archive)), (False, False))
    return root


def test_the_review_page(site: Path) -> None:
    page = (site / "public" / "review.html").read_text()
    assert "Review on the mailing lists" in page
    assert "The last year" in page
    for chart in ("activity", "reviewed", "hours", "tags", "posted", "arches"):
        assert (site / "public" / "charts" / f"review-{chart}.vl.json").is_file(), chart
        assert (site / "public" / "charts" / f"review-{chart}.svg").is_file(), chart
    assert "<code>lkp@intel.com</code>" in page
    nav = (site / "public" / "index.html").read_text()
    assert 'href="review.html"' in nav
    assert "Review on the lists" in nav  # the home page's line


def test_every_release_page_has_its_section_after_the_trailers(site: Path) -> None:
    for release in ("v1.0", "v1.1", "v1.2", "v1.3"):
        page = (site / "public" / "releases" / f"{release}.html").read_text()
        trailers, review, arches = (
            page.index(f'id="{anchor}"')
            for anchor in ("trailers", "review-on-the-list", "architectures")
        )
        assert trailers < review < arches, release
    v11 = (site / "public" / "releases" / "v1.1.html").read_text()
    assert "Series reviewed on the list" in v11
    assert "1 of 1 (100.0%)" in v11  # the window's one KVM commit was posted


def test_list_names_are_escaped(site: Path) -> None:
    for path in sorted((site / "public").rglob("*.html")):
        text = path.read_text()
        assert "<script>alert(5)" not in text, path
        assert "<b>bold</b>" not in text, path
    v11 = (site / "public" / "releases" / "v1.1.html").read_text()
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in v11


def test_downloads(site: Path) -> None:
    data = site / "public" / "data"
    rows = list(csv.DictReader(io.StringIO((data / "review.csv").read_text())))
    assert [r["release"] for r in rows] == ["v1.0", "v1.1", "v1.2", "v1.3"]
    assert rows[1]["series"] == "5"
    assert json.loads((data / "review.json").read_text())[1]["reviewed_series"] == 2
    people = list(csv.DictReader(io.StringIO((data / "review-reviewers.csv").read_text())))
    assert {"release", "project", "name", "email", "series", "commit_tags"} <= set(people[0])
    assert (data / "review" / "v1.1.json").is_file()
    assert "review.csv" in (data / "index.html").read_text()


def test_the_same_data_gives_the_same_site(site: Path, tmp_path: Path) -> None:
    build_edition(site / "data", tmp_path / "again")  # as a run builds it: pages and slides
    again = site_files(tmp_path / "again")
    first = site_files(site / "public")
    assert {k: v for k, v in again.items() if k != ".kvmstatus-site"} == {
        k: v for k, v in first.items() if k != ".kvmstatus-site"
    }
