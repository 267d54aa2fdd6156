"""Driving the built site in Debian's Chromium through Playwright: what the browser tests
share (the page visit that records console errors and dialogs, the browser)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvmstatus.website.preview import preview_server

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NEEDS_CHROMIUM = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")
"""The mark of a module of browser tests (`pytestmark = NEEDS_CHROMIUM`)."""

# Flags for a headless root session on a machine with no network beyond localhost.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Iterator[object]:
    """A headless Chromium for a module's tests."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Visit:
    """One page load with its console errors and any dialog a script tried to open."""

    def __init__(self, browser: object, url: str, **context: object) -> None:
        self.context = browser.new_context(**context)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="networkidle")

    def close(self) -> None:
        self.context.close()


def served(site: Path) -> Iterator[str]:
    """The site as `kvmstatus preview` serves it, for as long as the generator lives."""
    httpd = preview_server(site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.url
    httpd.shutdown()
    httpd.server_close()
