"""The PPTX as python-pptx (and LibreOffice) reads it back: 16:9, one slide per page of the
plan, real titles, notes on every content slide, charts as pictures with alt text, native
tables holding the deck's text, no run under 12 pt and body text at 18 pt or more, every
shape on the slide and apart from the others, hostile names as plain text."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.util import Emu, Pt

from deck_sample import HOSTILE_NAMES
from kvmstatus.deck import text, theme
from kvmstatus.deck.charts import png_size
from kvmstatus.deck.layout import Page, PicturePlan
from kvmstatus.deck.model import Deck, NumbersSlide, TableSlide
from kvmstatus.deck.pptx_file import pptx_bytes, write_pptx

BODY = {"Subtitle", "Body", "Caption", "Heading", "Line"}
"""Shapes holding body text (18 pt or more); titles are larger, the footer is 12 pt."""


@pytest.fixture(scope="module")
def prs(deck_files: Path) -> PresentationType:
    return Presentation(str(deck_files / "deck.pptx"))


def _runs(shape: object) -> list[object]:
    frames = []
    if getattr(shape, "has_text_frame", False):
        frames.append(shape.text_frame)  # type: ignore[attr-defined]
    if getattr(shape, "has_table", False):
        frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]  # type: ignore[attr-defined]
    return [run for frame in frames for p in frame.paragraphs for run in p.runs]


def test_sixteen_by_nine_one_slide_per_page_with_its_title(
    prs: PresentationType, pages: tuple[Page, ...], deck: Deck
) -> None:
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert len(prs.slides) == len(pages)
    for slide, page in zip(prs.slides, pages, strict=True):
        assert slide.shapes.title is not None
        assert slide.shapes.title.text == page.title.text
    assert prs.core_properties.title == text.clean(deck.title)
    assert prs.core_properties.modified == deck.edition_time


def test_every_content_slide_has_speaker_notes(
    prs: PresentationType, pages: tuple[Page, ...]
) -> None:
    for slide, page in zip(prs.slides, pages, strict=True):
        if page.is_title:
            continue
        notes = slide.notes_slide.notes_text_frame.text  # type: ignore[union-attr]
        assert notes.strip(), f"slide {page.number} has no notes"
        assert notes.split("\n") == [text.clean(n, 2000) for n in page.notes]


def test_charts_are_sharp_pictures_with_alt_text(
    prs: PresentationType, pages: tuple[Page, ...]
) -> None:
    expected = [
        (page.number, part.content.chart.alt)
        for page in pages
        for part in page.parts
        if isinstance(part.content, PicturePlan)
    ]
    found = []
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.PICTURE:
                continue
            alt = shape._element.find(f"{qn('p:nvPicPr')}/{qn('p:cNvPr')}").get("descr")
            found.append((number, alt))
            assert shape.image.content_type == "image/png"
            pixels, _ = png_size(shape.image.blob)
            assert pixels >= 2 * shape.width / Pt(1), "under 2 pixels per point"
    assert found == [(n, text.clean(alt, 2000)) for n, alt in expected]
    assert len(found) >= 4


def test_tables_are_native_and_hold_the_decks_text(
    prs: PresentationType, pages: tuple[Page, ...]
) -> None:
    numbers = next(p for p in pages if isinstance(p.source, NumbersSlide))
    slide = prs.slides[numbers.number - 1]
    (frame,) = [s for s in slide.shapes if s.has_table]
    table = frame.table
    source = numbers.source
    assert isinstance(source, NumbersSlide)
    assert [table.cell(r, 0).text for r in range(1, len(table.rows))] == [
        m.name for m in source.metrics
    ]
    first = source.metrics[0]
    periods = len(source.periods)
    assert [table.cell(1, c).text for c in range(1, periods + 1)] == [
        text.value(v, first.unit) for v in first.values
    ]
    for r, metric in enumerate(source.metrics, 1):
        for k, change in enumerate(metric.changes):
            cell = table.cell(r, 1 + periods + k)
            assert cell.text == text.change(change)
            colour = {1: theme.UP, -1: theme.DOWN, 0: theme.INK}[text.direction(change)]
            assert str(cell.text_frame.paragraphs[0].runs[0].font.color.rgb) == colour
    ranked = next(p for p in pages if isinstance(p.source, TableSlide))
    assert isinstance(ranked.source, TableSlide)
    (frame,) = [s for s in prs.slides[ranked.number - 1].shapes if s.has_table]
    rows = ranked.source.table.rows
    for r, row in enumerate(rows[:3], 1):
        cells = [frame.table.cell(r, c).text.replace("\n", " ") for c in range(len(row))]
        assert cells == [text.cell(c) for c in row]


def test_type_is_never_small(prs: PresentationType) -> None:
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            for run in _runs(shape):
                size = run.font.size  # type: ignore[attr-defined]
                where = f"slide {number}, {shape.name}: {run.text!r}"  # type: ignore[attr-defined]
                assert size is not None, f"{where} inherits its size"
                assert size >= Pt(theme.SMALLEST), where
                if shape.has_table:
                    assert size >= Pt(theme.TABLE_MIN), where
                if shape.name in BODY or shape.name == "Title":
                    assert size >= Pt(theme.BODY_MIN), where


def test_every_shape_is_on_the_slide_and_apart(prs: PresentationType) -> None:
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        boxes = [(s.name, s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes]
        for name, left, top, right, bottom in boxes:
            assert min(left, top) >= 0, (number, name)
            assert right <= width, (number, name)
            assert bottom <= height, (number, name)
        for a, b in itertools.combinations(boxes, 2):
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"slide {number}: {a[0]} overlaps {b[0]}"


def test_hostile_names_are_plain_text(prs: PresentationType) -> None:
    every = "\n".join(
        run.text  # type: ignore[attr-defined]
        for slide in prs.slides
        for shape in slide.shapes
        for run in _runs(shape)
    )
    for name in HOSTILE_NAMES[:3]:
        assert name in every
    assert text.clean(HOSTILE_NAMES[3]) in every
    assert not re.search(r"[\x00-\x08\x0b-\x1f\u202a-\u202e]", every)


def test_only_http_addresses_are_links(prs: PresentationType) -> None:
    links = [
        run.hyperlink.address  # type: ignore[attr-defined]
        for slide in prs.slides
        for shape in slide.shapes
        for run in _runs(shape)
        if run.hyperlink.address  # type: ignore[attr-defined]
    ]
    assert "https://example.org/report/" in links
    assert all(link.startswith(("https://", "http://")) for link in links)
    assert not any("onmouseover" in link for link in links)


def test_the_template_is_widened_and_arial(prs: PresentationType) -> None:
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            assert shape.left + shape.width <= prs.slide_width, (layout.name, shape.name)
    title = prs.slide_layouts[0].placeholders[0]
    assert title.width > Emu(9144000)  # wider than the 4:3 original's 10 in
    theme_xml = prs.slide_master.part.part_related_by(RT.THEME).blob
    assert b'typeface="Arial"' in theme_xml
    assert b"Calibri" not in theme_xml


def test_the_same_deck_gives_the_same_bytes(deck: Deck, deck_files: Path) -> None:
    assert pptx_bytes(deck) == (deck_files / "deck.pptx").read_bytes()


def test_writing_replaces_the_file_whole(deck: Deck, tmp_path: Path) -> None:
    target = tmp_path / "deck.pptx"
    target.write_text("an older deck")
    write_pptx(deck, target)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_libreoffice_draws_every_slide(
    deck_files: Path, pages: tuple[Page, ...], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    # Its own profile: a user's LibreOffice (or another test run's) must not be disturbed.
    argv = [
        soffice,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(deck_files / "deck.pptx"),
    ]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    pdf = tmp_path / "deck.pdf"
    assert pdf.exists(), f"soffice failed: {out!r} {err!r}"
    drawn = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert drawn == len(pages)
