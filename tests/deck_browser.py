"""Driving the HTML deck in headless Debian Chromium (Playwright), for the deck's browser
tests: the browser's flags, one visit with its console errors, dialogs and requests, and the
checks run inside the page (which slides are shown, what overflows the one shown)."""

from __future__ import annotations

from typing import Any

from browsing import HAVE_CHROMIUM, browser_session
from browsing import Visit as PageVisit

__all__ = ["HAVE_CHROMIUM", "OVERFLOW", "SHOWN", "Visit", "browser_session"]

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


class Visit(PageVisit):
    """One load of the deck (no network to wait for): its console errors, dialogs and every
    request it made, and which slide is shown."""

    def __init__(self, browser: Any, url: str, **context: Any) -> None:
        super().__init__(browser, url, wait_until="load", **context)

    def current(self) -> str:
        return str(self.page.evaluate("document.querySelector('.slide.current').id"))
