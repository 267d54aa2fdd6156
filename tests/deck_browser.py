"""Driving the HTML deck in headless Debian Chromium (Playwright), for the deck's browser
tests: the browser's flags, one visit with its console errors, dialogs and requests, and the
checks run inside the page (which slides are shown, what overflows the one shown)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()

# As tests/website/test_browser.py: a headless root session with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What is wrong with the slide shown: anything drawn outside it, or a part of it that
# scrolls (a table taller than the body, a title wider than the slide).
OVERFLOW = """
() => {
  const slide = document.querySelector('.slide.current');
  const frame = slide.querySelector('.frame');
  const box = slide.getBoundingClientRect();
  const wrong = [];
  for (const el of [slide, frame, ...frame.querySelectorAll('.body, .part, figure, ul')]) {
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      wrong.push(`${el.tagName}.${el.className} scrolls ${el.scrollWidth}x${el.scrollHeight}`
        + ` in ${el.clientWidth}x${el.clientHeight}`);
    }
  }
  for (const el of frame.querySelectorAll('*')) {
    if (el.closest('.visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < box.left - 1 || r.right > box.right + 1
        || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
      wrong.push(`${el.tagName}.${el.className} at ${r.left},${r.top},${r.right},${r.bottom}`);
    }
  }
  const body = frame.querySelector('.body');
  const foot = frame.querySelector('.foot');
  if (body && foot && body.getBoundingClientRect().bottom > foot.getBoundingClientRect().top + 1) {
    wrong.push('the body runs into the footer');
  }
  return wrong;
}
"""
SHOWN = """
() => [...document.querySelectorAll('.slide')]
  .filter(s => getComputedStyle(s).display !== 'none')
  .map(s => { const r = s.getBoundingClientRect(); return [s.id, r.x, r.y, r.width, r.height]; })
"""


def browser_session() -> Iterator[Any]:
    """A Chromium for a module's tests (the caller makes it a fixture), closed at its end."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Visit:
    """One load of the deck: its console errors, dialogs and every request it made."""

    def __init__(self, browser: Any, url: str, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="load")

    def current(self) -> str:
        return str(self.page.evaluate("document.querySelector('.slide.current').id"))

    def close(self) -> None:
        self.context.close()
