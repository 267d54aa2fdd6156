"""Driving a built site in Debian's Chromium through Playwright: what the browser tests
share (the browser and its flags, the page visit that records console errors, dialogs and
requests, a site served as `kvmstatus preview` serves it)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kvmstatus.website.preview import preview_server

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
NEEDS_CHROMIUM = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium missing")
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


def browser_session() -> Iterator[Any]:
    """A Chromium for a module's tests (the caller makes it a fixture), closed at its end."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Visit:
    """One page load with its console errors, the dialogs a script tried to open and every
    request it made (`wait_until`: Playwright's load state to wait for)."""

    def __init__(
        self, browser: Any, url: str, wait_until: str = "networkidle", **context: Any
    ) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until=wait_until)

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
