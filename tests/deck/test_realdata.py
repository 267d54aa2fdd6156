"""The deck of kvm-unit-tests' real history (`../shared/data`): its numbers are the ones
plain git gives, and every slide of the HTML deck fits the screen with real names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from deck_browser import HAVE_CHROMIUM, OVERFLOW, Visit, browser_session
from deck_sample import history_json, sample_deck, years
from helpers import git
from kvmstatus.deck.html_file import write_html
from kvmstatus.deck.layout import plan
from kvmstatus.deck.model import Deck, NumbersSlide
from kvmstatus.deck.pptx_file import write_pptx

pytestmark = pytest.mark.realdata
KUT = ["--pattern", r"^v\d{4}-\d\d-\d\d$", "--paths", ".", "--arch-map", "kvm-unit-tests"]


@pytest.fixture(scope="module")
def history(kut_repo: Path) -> Mapping[str, Any]:
    return history_json(["--repo", str(kut_repo), *KUT])


@pytest.fixture(scope="module")
def kut_deck(history: Mapping[str, Any]) -> Deck:
    return sample_deck(history, "kvm-unit-tests", cycles=2)


def _count(repo: Path, ranges: list[str], *grep: str) -> int:
    total = 0
    for range_ in ranges:
        out = git(repo, "log", "--no-merges", "-i", "-E", *grep, "--format=%H", range_, "--", ".")
        total += len(out.split())
    return total


def test_the_numbers_slide_holds_plain_gits_counts(
    kut_repo: Path, history: Mapping[str, Any], kut_deck: Deck, tmp_path: Path
) -> None:
    pages = plan(kut_deck)
    prs = Presentation(str(write_pptx(kut_deck, tmp_path / "kut.pptx")))
    assert len(prs.slides) == len(pages)
    numbers = next(p for p in pages if isinstance(p.source, NumbersSlide))
    (frame,) = [s for s in prs.slides[numbers.number - 1].shapes if s.has_table]
    table = frame.table
    rows = {table.cell(r, 0).text: r for r in range(1, len(table.rows))}
    this_year = len(numbers.source.periods)  # type: ignore[union-attr]
    counted = history["windows"][-history["trend"]["n"] :]
    ranges = [w["range"] for w in years(counted, 2)[-1]]
    commits = _count(kut_repo, ranges)
    reviewed = _count(kut_repo, ranges, "--grep=^[[:space:]]*Reviewed-by:")
    assert table.cell(rows["Commits (non-merge)"], this_year).text == f"{commits:,}"
    assert table.cell(rows["Reviewed-by"], this_year).text == f"{reviewed:,}"
    for slide, page in zip(prs.slides, pages, strict=True):
        if not page.is_title:
            assert slide.notes_slide.notes_text_frame.text.strip()  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip("Debian chromium missing")
    yield from browser_session()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_every_slide_of_the_html_deck_fits(
    browser: Any, kut_deck: Deck, tmp_path: Path, width: int, height: int
) -> None:
    url = write_html(kut_deck, tmp_path / "slides.html").as_uri()
    visit = Visit(browser, url, viewport={"width": width, "height": height})
    try:
        for number in range(1, len(plan(kut_deck)) + 1):
            assert visit.current() == f"slide-{number}"
            assert visit.page.evaluate(OVERFLOW) == [], f"slide {number} at {width}x{height}"
            visit.page.keyboard.press("ArrowRight")
        assert visit.errors == []
    finally:
        visit.close()
