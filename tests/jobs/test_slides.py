"""The talk of the year (`kvmstatus deck`, `jobs.slides`): on real histories, opened with
python-pptx as a speaker's PowerPoint would: the keynote's slides in order, the year's
numbers exactly `kvmstatus year --json`'s, notes on every content slide, the site's charts
as pictures, nothing smaller than 12 pt, and no word of KVM on a project that is not."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.util import Pt

from kvmstatus.deck import text
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.releases import release_list

pytestmark = pytest.mark.realdata

CASES = {
    "kvm-unit-tests": (r"^v\d{4}-\d{2}-\d{2}$", ["--paths", ".", "--arch-map", "kvm-unit-tests"]),
    "xen": (r"^RELEASE-4\.\d+\.0$", ["--paths", "xen/arch", "--arch-map", "xen"]),
}


def kvmstatus(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kvmstatus", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module", params=sorted(CASES))
def made(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Any, dict[str, Any], Path]:
    """The deck of the newest year, and `year --json` with the same options."""
    name = request.param
    repo: Path = request.getfixturevalue("kut_repo" if name == "kvm-unit-tests" else "xen_repo")
    pattern, options = CASES[name]
    folder = tmp_path_factory.mktemp(f"deck-{name}")
    argv = ["--repo", str(repo), "--pattern", pattern, *options]
    out = kvmstatus(
        "deck", *argv, "--out", str(folder / "deck.pptx"), "--html", str(folder / "deck.html")
    )
    deck = Presentation(str(folder / "deck.pptx"))
    assert out.startswith(f"{len(deck.slides)} slides of year ")
    newest = release_list(GitRepo(repo), pattern).windows[-1].name
    year = json.loads(kvmstatus("year", *argv, "--end", newest, "--json"))
    return name, deck, year, folder


def _texts(shape: Any) -> list[str]:
    if shape.has_text_frame:
        return [shape.text_frame.text]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    return []


def test_the_keynotes_slides_in_order(made: tuple[str, Any, dict[str, Any], Path]) -> None:
    _, deck, _, _ = made
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0].endswith("status report")
    assert "on the year" in titles[1]  # the year's message, not "Trailers"
    assert titles[2].startswith("Commits per release:")
    assert "wrote the most commits" in titles[3]
    assert "gave the most Reviewed-by" in titles[4]
    assert "created the most fixes" in titles[5]
    assert any(t.endswith("the reviews") or "led the commits" in t for t in titles)
    assert any("busiest architecture" in t for t in titles)
    assert titles[-1].startswith("Every number is on the site")


def test_numbers_are_those_of_year_json(made: tuple[str, Any, dict[str, Any], Path]) -> None:
    _, deck, year, _ = made
    slide = deck.slides[1]
    [table] = [s.table for s in slide.shapes if getattr(s, "has_table", False) and s.has_table]
    rows = {r.cells[0].text: [c.text for c in r.cells][1:] for r in list(table.rows)[1:]}
    periods = year["rows"][::-1]  # oldest first on the slide
    expected = {
        "Commits (non-merge)": ("commits", "count"),
        "Authors": ("authors", "count"),
        "Review coverage": ("review_coverage", "share"),
        "Commits with Reviewed-by": ("reviewed_commits", "count"),
        "Commits with Fixes": ("fixes_commits", "count"),
    }
    for label, (key, unit) in expected.items():
        cells = rows[label]
        assert cells[: len(periods)] == [text.value(r[key], unit) for r in periods], label  # type: ignore[arg-type]
        changes = year["changes"][key]
        assert [c.split()[-1] for c in cells[len(periods) :]] == [
            text.change(c).split()[-1] for c in changes
        ], label


def test_notes_pictures_and_sizes(made: tuple[str, Any, dict[str, Any], Path]) -> None:
    name, deck, _, _ = made
    pictures = 0
    for number, slide in enumerate(deck.slides, 1):
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        if number > 1:
            assert notes.strip(), f"slide {number} has no notes"
            assert notes.strip() != slide.shapes.title.text, f"slide {number}: only its title"
        pictures += sum(1 for s in slide.shapes if s.shape_type == 13)
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if getattr(shape, "has_table", False) and shape.has_table:
                frames += [c.text_frame for r in shape.table.rows for c in r.cells]
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for r in paragraph.runs:
                        assert r.font.size is None or r.font.size >= Pt(12), (number, r.text)
    assert pictures >= 2  # commits per release, architectures (and the test suite's)
    if name != "xen":
        return
    # Xen's numbers slide keeps its body text large enough for the back of the room.
    [table] = [s.table for s in deck.slides[1].shapes if getattr(s, "has_table", False)]
    sizes = {
        r.font.size
        for row in table.rows
        for c in row.cells
        for p in c.text_frame.paragraphs
        for r in p.runs
    }
    assert min(s for s in sizes if s) >= Pt(14)


def test_labels_are_the_projects(made: tuple[str, Any, dict[str, Any], Path]) -> None:
    name, deck, _, folder = made
    words = []
    for slide in deck.slides:
        for shape in slide.shapes:
            words += _texts(shape)
        words.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    everything = "\n".join(words)
    assert "KVM" not in everything
    assert f"{name if name != 'xen' else 'xen'}" in everything.lower()
    html = (folder / "deck.html").read_text(encoding="utf-8")
    assert "KVM" not in re.sub(r"data:[^\"')]+", "", html)  # the pictures are base64
    assert html.count('class="slide') >= len(deck.slides)
