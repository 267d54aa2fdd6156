"""The built site in a real browser: headless Debian Chromium driven by Playwright.

Builds the site from the hostile fixture history, serves it on localhost with the server of
`kvmstatus preview` and checks every page type: charts rendered, no console errors, no broken
internal links, navigation and search work, hostile names show as text; on a 390 px phone no
page scrolls sideways, every chart stays on the screen and every wide table scrolls inside
its box with its first column in view; every chart links a valid PNG, SVG and CSV.
Screenshots of the home page (desktop and mobile) go to `$KVMSTATUS_SCREENSHOTS` (default:
the test's temporary directory).
"""

from __future__ import annotations

import csv
import io
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from browsing import NEEDS_CHROMIUM, Visit, browser_session, served
from fixture_history import HOSTILE_NAME, HOSTILE_SUBJECT, HOSTILE_TAG
from helpers import make_dataset
from kvmstatus.jobs.steps import build_edition
from kvmstatus.store.documents import file_name

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    make_dataset(root, root / "data")
    out = root / "public"
    build_edition(root / "data", out)  # the pages and the slides of the year, as a run
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site as `kvmstatus preview` serves it (so search is tested through it)."""
    yield from served(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from browser_session()


PAGES = [
    "index.html",
    "releases/index.html",
    "releases/v1.2.html",
    f"releases/{file_name(HOSTILE_TAG)}.html",
    "trends.html",
    "people.html",
    "companies.html",
    "architectures/index.html",
    "architectures/x86.html",
    "fixes.html",
    "testing.html",
    "methodology.html",
    "data/index.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_cleanly(browser: object, server: str, path: str) -> None:
    visit = Visit(browser, server + path)
    page = visit.page
    try:
        # Folded sections (the Trends page's other metrics, the maintainers' messages) hold
        # charts too: a reader who opens them must find them drawn.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        figures = page.locator("figure.kvm-chart")
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.locator(".kvm-live-view svg").first.wait_for(timeout=15_000)
            marks = figure.locator(".kvm-live-view svg .mark-group, .kvm-live-view svg path")
            assert marks.count() > 0, f"chart {i} of {path} is empty"
            assert "kvm-live" in (figure.get_attribute("class") or "")
        assert visit.errors == [], f"console errors on {path}: {visit.errors}"
        assert visit.dialogs == [], f"a script ran on {path}: {visit.dialogs}"
        assert page.locator("a[href^='javascript:' i]").count() == 0
        # Every internal link, image and chart spec answers.
        targets = page.eval_on_selector_all(
            "a[href], img[src], figure[data-spec]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('src')"
            " || e.getAttribute('data-spec'))",
        )
        for target in set(targets):
            url = urljoin(page.url, target)
            if urlparse(url).netloc != urlparse(server).netloc:
                continue
            response = page.request.get(url.split("#")[0])
            assert response.ok, f"{path}: broken link {target} -> {response.status}"
    finally:
        visit.close()


def test_hostile_text_shows_as_text(browser: object, server: str) -> None:
    for path in ("people.html", f"releases/{file_name(HOSTILE_TAG)}.html", "fixes.html"):
        visit = Visit(browser, server + path)
        try:
            text = visit.page.inner_text("article")
            assert visit.dialogs == []
            if path == "people.html":
                assert HOSTILE_NAME in text
            elif path == "fixes.html":
                assert '("<script>alert(4)</script>")' in text
            else:
                assert HOSTILE_TAG in text
                assert HOSTILE_NAME in text
        finally:
            visit.close()
    visit = Visit(browser, server + "index.html")
    try:
        assert visit.page.locator("script:text('alert')").count() == 0
    finally:
        visit.close()
    assert HOSTILE_SUBJECT  # the subject travels in the Fixes table of the hostile release


def test_navigation_and_search(browser: object, server: str) -> None:
    visit = Visit(browser, server + "index.html", viewport={"width": 1280, "height": 900})
    page = visit.page
    try:
        page.get_by_role("link", name="Releases", exact=True).first.click()
        page.wait_for_url("**/releases/index.html")
        assert page.locator("h1").first.inner_text().startswith("Releases")
        page.locator("label.md-search__icon, .md-search__input").first.click()
        # Material listens to key events, so type rather than fill.
        page.locator("input.md-search__input").press_sequentially("Alice", delay=30)
        result = page.locator(".md-search-result__item").first
        result.wait_for(timeout=15_000)
        assert "Alice" in page.locator(".md-search-result").inner_text()
    finally:
        visit.close()


def test_static_charts_without_javascript(browser: object, server: str) -> None:
    visit = Visit(browser, server + "index.html", java_script_enabled=False)
    try:
        image = visit.page.locator("figure.kvm-chart img").first
        assert image.is_visible()
        assert (
            visit.page.evaluate("document.querySelector('figure.kvm-chart img').naturalWidth") > 0
        )
    finally:
        visit.close()


def test_home_screenshots(browser: object, server: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("KVMSTATUS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", (1280, 900)), ("mobile", (390, 844))):
        visit = Visit(
            browser, server + "index.html", viewport={"width": viewport[0], "height": viewport[1]}
        )
        try:
            shot = folder / f"home-{label}.png"
            visit.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            visit.close()


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", PAGES)
def test_phone_width_page_fits_and_charts_stay_on_screen(
    browser: object, server: str, path: str
) -> None:
    visit = Visit(browser, server + path, viewport=PHONE)
    page = visit.page
    try:
        # Folded sections open, as a reader would open them: their charts must fit too.
        page.eval_on_selector_all("article details", "els => els.forEach(e => e.open = true)")
        figures = page.locator("figure.kvm-chart")
        for i in range(figures.count()):
            figures.nth(i).locator(".kvm-live-view svg").first.wait_for(timeout=15_000)
        # Nothing makes the page itself wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways: {width}px wide"
        # Every chart is within the screen, the newest release (its right end) included.
        boxes = page.eval_on_selector_all(
            "figure.kvm-chart .kvm-live-view svg",
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return [r.left, r.right, r.width]; })",
        )
        for left, right, shown in boxes:
            assert left >= 0, (path, left)
            assert right <= PHONE["width"], (path, right)
            assert shown > PHONE["width"] * 0.6, (path, shown)  # it took the width it has
        # A wide table scrolls inside its box: its last column can be reached, its first
        # column stays in view while it does.
        tables = page.eval_on_selector_all(
            "article table",
            """els => els.map(t => {
                const box = t.closest('.md-typeset__scrollwrap') || t;
                const scroller = t.scrollWidth > t.clientWidth ? t : box;
                scroller.scrollLeft = scroller.scrollWidth;
                const row = t.rows[t.rows.length - 1];
                const first = row.cells[0].getBoundingClientRect();
                const last = row.cells[row.cells.length - 1].getBoundingClientRect();
                const frame = scroller.getBoundingClientRect();
                return [frame.left, frame.right, first.left, last.right,
                        getComputedStyle(scroller).overflowX];
            })""",
        )
        for left, right, first, last, overflow in tables:
            assert last <= right + 1, f"{path}: a table's last column is cut off"
            assert first >= left - 1, f"{path}: a table's first column scrolled away"
            assert right <= PHONE["width"], f"{path}: a table is wider than the screen"
            if last > right - 1:
                assert overflow in ("auto", "scroll")
    finally:
        visit.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_every_chart_links_its_png_svg_and_csv(browser: object, server: str) -> None:
    seen = 0
    for path in ("index.html", "companies.html", "architectures/index.html", "fixes.html"):
        visit = Visit(browser, server + path)
        page = visit.page
        try:
            figures = page.locator("figure.kvm-chart")
            assert figures.count() > 0
            for i in range(figures.count()):
                links = figures.nth(i).locator(".kvm-downloads a")
                found = {
                    links.nth(k).inner_text(): links.nth(k).get_attribute("href") or ""
                    for k in range(links.count())
                }
                assert set(found) == {"PNG", "SVG", "CSV"}, found
                files = {}
                for label, href in found.items():
                    assert href.endswith("." + label.lower())
                    response = page.request.get(urljoin(page.url, href))
                    assert response.ok, href
                    files[label] = response.body()
                width, height = _png_size(files["PNG"])
                assert width == 1920
                assert 0 < height < width
                image = files["SVG"].decode("utf-8")
                assert image.startswith("<svg")
                assert image.rstrip().endswith("</svg>")
                assert 'fill="#ffffff"' in image.split("<g", 1)[0]  # opaque, for slides
                rows = list(csv.reader(io.StringIO(files["CSV"].decode("utf-8"))))
                assert len(rows) >= 1, found["CSV"]  # a header, and a row per data point
                assert all(len(r) == len(rows[0]) for r in rows)
                seen += 1
        finally:
            visit.close()
    assert seen >= 6


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_the_slides_of_the_year(browser: object, server: str, width: int, height: int) -> None:
    """The home page links the talk; the HTML deck shows one slide a screen, nothing
    overflowing, no console error; the PPTX download is served."""
    from deck_browser import OVERFLOW, SHOWN

    home = Visit(browser, server + "index.html")
    try:
        link = home.page.locator("article").get_by_role("link", name="Slides of the year")
        assert link.get_attribute("href") == "slides.html"
        pptx = home.page.get_by_role("link", name="the same as PowerPoint").get_attribute("href")
        response = home.page.request.get(urljoin(home.page.url, pptx))
        assert response.ok
        assert response.body()[:2] == b"PK"  # a zip: the PPTX
    finally:
        home.close()
    visit = Visit(browser, server + "slides.html", viewport={"width": width, "height": height})
    page = visit.page
    try:
        count = page.locator(".slide").count()
        assert count >= 8
        for number in range(1, count + 1):
            shown = page.evaluate(SHOWN)
            assert [s[0] for s in shown] == [f"slide-{number}"]
            wrong = page.evaluate(OVERFLOW)
            assert wrong == [], f"slide {number} at {width}x{height}: {wrong}"
            page.keyboard.press("ArrowRight")
        assert visit.errors == []
        assert visit.dialogs == []
    finally:
        visit.close()
