"""The HTML deck as a file: one document asking for nothing else, a policy that lets only
its own style and script run, every string escaped, a section and a heading per slide,
real tables, alt text on every chart, the same bytes for the same deck."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from deck_sample import HOSTILE_NAMES
from kvmstatus.deck import text
from kvmstatus.deck.html_file import html_text, write_html
from kvmstatus.deck.layout import Page, PicturePlan
from kvmstatus.deck.model import Deck


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag
        if tag in ("h1", "h2"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        self._in = None
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)
        if self._heading is not None:
            self._heading.append(data)


@pytest.fixture(scope="module")
def source(deck_files: Path) -> str:
    return (deck_files / "deck.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def document(source: str) -> _Document:
    parsed = _Document()
    parsed.feed(source)
    return parsed


def _attrs(document: _Document, name: str) -> list[str]:
    return [
        value or "" for _, attrs in document.tags for key, value in attrs.items() if key == name
    ]


def test_one_file_that_asks_for_nothing_else(document: _Document) -> None:
    sources = _attrs(document, "src")
    assert sources
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    links = [attrs for tag, attrs in document.tags if tag == "link"]
    assert links == [{"rel": "icon", "href": "data:,"}]
    assert all(h.startswith("https://") for h in _attrs(document, "href") if h != "data:,")
    assert len(document.raw["script"]) == 1
    assert [t for t, a in document.tags if t == "script"] == ["script"]


def test_the_policy_allows_exactly_the_inline_style_and_script(
    document: _Document, source: str
) -> None:
    (policy,) = [
        a["content"] for t, a in document.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None
    assert "default-src 'none'" in policy
    for kind in ("style", "script"):
        # The parser hands over the text in pieces; the hash is of the element's whole text.
        match = re.search(rf"<{kind}>(.*?)</{kind}>", source, re.S)
        assert match
        digest = base64.b64encode(hashlib.sha256(match[1].encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in policy
    assert not [k for _, a in document.tags for k in a if k.startswith("on")]
    assert "style" not in {k for _, a in document.tags for k in a}


def test_hostile_names_are_escaped(source: str, document: _Document) -> None:
    for name in HOSTILE_NAMES:
        assert html.escape(text.clean(name), quote=True) in source
    for name in (*HOSTILE_NAMES[:2], HOSTILE_NAMES[3]):
        assert name not in source
    assert "\u202e" not in source
    assert "\x1b" not in source
    assert [t for t, _ in document.tags].count("img") == len(_attrs(document, "alt"))


def test_a_section_and_a_heading_per_slide(document: _Document, pages: tuple[Page, ...]) -> None:
    sections = [a for t, a in document.tags if t == "section"]
    assert [a["id"] for a in sections] == [f"slide-{p.number}" for p in pages]
    assert document.headings == [p.title.text for p in pages]
    expected_alt = [
        text.clean(part.content.chart.alt, 2000)
        for page in pages
        for part in page.parts
        if isinstance(part.content, PicturePlan)
    ]
    assert _attrs(document, "alt") == expected_alt
    tables = [t for t, _ in document.tags if t == "table"]
    assert len(tables) >= 5
    assert all(a.get("scope") in ("col", "row") for t, a in document.tags if t == "th")


def test_the_same_deck_gives_the_same_bytes(deck: Deck, source: str, tmp_path: Path) -> None:
    assert html_text(deck) == source
    written = write_html(deck, tmp_path / "slides.html")
    assert written.read_text(encoding="utf-8") == source
    assert [p.name for p in tmp_path.iterdir()] == ["slides.html"]
