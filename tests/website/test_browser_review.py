"""The review on the lists in a real browser: a site published from a hostile archive that
starts after the first release window (Debian Chromium through Playwright, as
`test_browser`). Every page the review writes to loads without a console error or a script
running, and the hostile names and subjects show as text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import fixture_lists as fl
from browsing import NEEDS_CHROMIUM, Visit, browser_session, served
from fixture_history import fast_import_stream
from helpers import build_repo
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-review")
    kernel = build_repo(root / "kernel.git", fast_import_stream())
    # The fixture list from day 1 on (v1.0, the first window, ends at day 0), with the
    # hostile messages.
    late = [m for m in fl.messages() if m.day >= 1] + fl.hostile_messages()
    archive = build_repo(
        root / "list" / "0.git", fl.fast_import_stream(sorted(late, key=lambda m: m.day))
    )
    assert edition(load_config(fl.list_config(root, kernel, archive)), (False, False)).published
    yield from served(root / "public")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from browser_session()


@pytest.mark.parametrize(
    "path",
    ["review.html", "index.html", "releases/v1.0.html", "releases/v1.1.html", "data/index.html"],
)
def test_review_pages_load_cleanly(browser: object, server: str, path: str) -> None:
    visit = Visit(browser, server + path)
    try:
        assert visit.errors == [], f"console errors on {path}: {visit.errors}"
        assert visit.dialogs == [], f"a script ran on {path}: {visit.dialogs}"
        assert visit.page.locator("a[href^='javascript:' i]").count() == 0
        assert visit.page.locator("article img[src='x']").count() == 0
        text = visit.page.inner_text("article")
        if path == "releases/v1.0.html":
            assert "hold no message of this window" in text
        if path == "releases/v1.1.html":
            assert "<img src=x onerror=alert(4)>" in text  # a list reviewer's name, as text
    finally:
        visit.close()
