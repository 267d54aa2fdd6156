"""The HTML deck in a real browser: headless Debian Chromium driven by Playwright, opened
from the file system as a downloaded deck would be.

At 1920x1080 and 1366x768: one slide per screen, letterboxed at 16:9; nothing inside a slide
overflows it; the keys, a swipe and the address move between slides; printing gives one
slide a page; no console error, no request beyond the file, and the hostile names of the
fixture deck show as text and run nothing. Screenshots of every slide go to
`$KVMSTATUS_SCREENSHOTS` when it is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deck_browser import HAVE_CHROMIUM, OVERFLOW, SHOWN, Visit, browser_session
from deck_sample import HOSTILE_NAMES
from kvmstatus.deck import text
from kvmstatus.deck.layout import Page

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium missing")
VIEWPORTS = [(1920, 1080), (1366, 768)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from browser_session()


@pytest.fixture(scope="module")
def url(deck_files: Path) -> str:
    return (deck_files / "deck.html").as_uri()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_one_slide_per_screen_and_nothing_overflows(
    browser: Any, url: str, pages: tuple[Page, ...], width: int, height: int
) -> None:
    visit = Visit(browser, url, viewport={"width": width, "height": height})
    page = visit.page
    shots = os.environ.get("KVMSTATUS_SCREENSHOTS")
    try:
        for number in range(1, len(pages) + 1):
            shown = page.evaluate(SHOWN)
            assert len(shown) == 1, f"{len(shown)} slides shown at once"
            ident, x, y, w, h = shown[0]
            assert ident == f"slide-{number}"
            assert page.url.endswith(f"#slide-{number}")
            # Letterboxed: 16:9, as large as the window allows, centred, on screen.
            assert w / h == pytest.approx(16 / 9, rel=0.01)
            assert abs(w - width) <= 1 or abs(h - height) <= 1
            assert x >= -0.5
            assert y >= -0.5
            assert x + w <= width + 0.5
            assert y + h <= height + 0.5
            wrong = page.evaluate(OVERFLOW)
            assert wrong == [], f"slide {number} at {width}x{height}: {wrong}"
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(shots) / f"deck-{width}x{height}-{number:02d}.png"))
            page.keyboard.press("ArrowRight")
        assert visit.current() == f"slide-{len(pages)}"
        assert visit.errors == []
        assert visit.dialogs == []
        assert visit.requests == [url]
    finally:
        visit.close()


def test_keys_move_and_the_address_follows(browser: Any, url: str, pages: tuple[Page, ...]) -> None:
    visit = Visit(browser, url, viewport={"width": 1366, "height": 768})
    page = visit.page
    last = f"slide-{len(pages)}"
    try:
        steps = [
            ("ArrowLeft", "slide-1"),  # nothing before the first
            ("ArrowRight", "slide-2"),
            ("ArrowDown", "slide-3"),
            ("ArrowUp", "slide-2"),
            ("PageDown", "slide-3"),
            ("PageUp", "slide-2"),
            (" ", "slide-3"),
            ("Shift+ ", "slide-2"),
            ("End", last),
            ("ArrowRight", last),  # nothing after the last
            ("Home", "slide-1"),
        ]
        for key, expected in steps:
            page.keyboard.press(key)
            assert visit.current() == expected, key
            assert page.url.endswith("#" + expected), key
        page.keyboard.press("n")
        notes = page.locator(".slide.current .notes")
        assert notes.is_visible()
        assert notes.inner_text().strip()
        assert visit.errors == []
    finally:
        visit.close()


def test_the_address_opens_its_slide(browser: Any, url: str) -> None:
    visit = Visit(browser, url + "#slide-3", viewport={"width": 1366, "height": 768})
    try:
        assert visit.current() == "slide-3"
        visit.page.evaluate("window.location.hash = '#slide-5'")
        visit.page.wait_for_function("document.querySelector('.slide.current').id === 'slide-5'")
        label = visit.page.locator("#deck-status").inner_text()
        assert label.startswith("Slide 5 of ")
    finally:
        visit.close()


SWIPE = """
([fromX, toX]) => {
  const at = (x) => new Touch({identifier: 1, target: document.body, clientX: x, clientY: 300});
  document.dispatchEvent(new TouchEvent('touchstart', {touches: [at(fromX)], bubbles: true}));
  document.dispatchEvent(new TouchEvent('touchend', {changedTouches: [at(toX)], bubbles: true}));
}
"""


def test_a_swipe_moves(browser: Any, url: str) -> None:
    visit = Visit(browser, url, viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        visit.page.evaluate(SWIPE, [300, 100])  # right to left: the next slide
        assert visit.current() == "slide-2"
        visit.page.evaluate(SWIPE, [100, 300])
        assert visit.current() == "slide-1"
        visit.page.evaluate(SWIPE, [300, 280])  # too short to be a swipe
        assert visit.current() == "slide-1"
        assert visit.errors == []
    finally:
        visit.close()


def test_printing_gives_one_slide_a_page(browser: Any, url: str, pages: tuple[Page, ...]) -> None:
    visit = Visit(browser, url, viewport={"width": 1366, "height": 768})
    try:
        pdf = visit.page.pdf(prefer_css_page_size=True, print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == len(pages)
        sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
        assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(960, 540)}
    finally:
        visit.close()


def test_hostile_names_show_as_text_and_run_nothing(
    browser: Any, url: str, pages: tuple[Page, ...]
) -> None:
    number = next(p.number for p in pages if "side by side" in p.title.text)
    visit = Visit(browser, f"{url}#slide-{number}", viewport={"width": 1920, "height": 1080})
    try:
        shown = visit.page.locator(".slide.current").inner_text()
        for name in HOSTILE_NAMES:
            assert text.clean(name) in shown
        assert visit.page.evaluate("document.scripts.length") == 1
        assert visit.page.locator("[onerror], [onmouseover]").count() == 0
        assert visit.page.evaluate("typeof window.alert") == "function"
        assert visit.dialogs == []
        assert visit.errors == []
    finally:
        visit.close()


def test_without_javascript_every_slide_shows(
    browser: Any, url: str, pages: tuple[Page, ...]
) -> None:
    visit = Visit(browser, url, viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    try:
        assert len(visit.page.evaluate(SHOWN)) == len(pages)
    finally:
        visit.close()
