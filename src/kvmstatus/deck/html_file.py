"""The deck as one self-contained HTML file: `write_html(deck, path)`.

One slide per screen, letterboxed at 16:9 and scaled to the window (`assets/deck.css`);
arrow keys, Page Up/Down, space, Home/End and swipes move, `#slide-N` in the address names
the slide shown (`assets/deck.js`); the browser's "Print to PDF" gives one slide a page.
Everything is in the file: the charts are the PNGs of the PPTX as `data:` URIs, the style
and the script inline, so it works from a download, from `file://` and on a site with no
network, and asks for nothing else.

The file follows the same `layout.plan` as the PPTX (the same pages, type sizes and table
column widths); the browser flows the text inside each slide's frame. Every string is
cleaned (`text.clean`) and HTML-escaped, links are only ever http(s), and a
Content-Security-Policy allows exactly the inline style and script written here (by hash)
and `data:` images, so a name from git that holds markup shows as text and runs nothing.
Slides are `<section>`s with a heading each, tables are `<table>`s with header cells, and
each chart has its alt text.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Final

from kvmstatus.deck import layout, text, theme
from kvmstatus.deck.charts import picture
from kvmstatus.deck.layout import Page, PartPlan, PicturePlan, PlacedCell, TablePlan, TextBlock
from kvmstatus.deck.model import Deck, Link
from kvmstatus.shared.files import write_atomically

ASSETS: Final = Path(__file__).resolve().parent / "assets"


@lru_cache(maxsize=2)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def esc(value: object) -> str:
    """`value` cleaned to one visible line and escaped for HTML text and attributes."""
    return html.escape(text.clean(value, 2000), quote=True)


def _lines(cell: PlacedCell) -> str:
    """A cell's lines as the plan broke them; lines past the bold ones in a span."""
    return "<br>".join(
        esc(line)
        if k < cell.strong or not cell.strong
        else f'<span class="span">{esc(line)}</span>'
        for k, line in enumerate(cell.lines)
    )


def _size(points: float) -> str:
    return f"s{points:g}".replace(".", "_")


class _Writer:
    """Collects a deck's markup and the style rules it needs (type sizes, column widths)."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.sizes: set[float] = set()
        self.rules: list[str] = []

    def sized(self, points: float) -> str:
        self.sizes.add(points)
        return _size(points)

    # --- pieces ----------------------------------------------------------------------------

    def block(self, tag: str, block: TextBlock, extra: str = "") -> str:
        classes = " ".join(c for c in (extra, self.sized(block.size)) if c)
        return f'<{tag} class="{classes}">{esc(block.text)}</{tag}>'

    def table(self, plan: TablePlan, ident: str) -> str:
        total = sum(plan.widths)
        self.rules.append(f"#{ident}{{width:calc({plan.box.w:.1f} * var(--pt))}}")
        cols = "".join(f'<col class="{ident}-c{i}">' for i in range(len(plan.widths)))
        for i, width in enumerate(plan.widths):
            self.rules.append(f".{ident}-c{i}{{width:{width / total * 100:.3f}%}}")
        head = []
        for c, cell in enumerate(plan.head):
            content = _lines(cell)
            if not content and plan.row_header and c == 0:
                content = '<span class="visually-hidden">Metric</span>'
            align = ' class="r"' if plan.right[c] else ""
            head.append(f'<th scope="col"{align}>{content}</th>')
        rows = []
        for row in plan.body:
            cells = []
            for c, cell in enumerate(row):
                classes = []
                if plan.right[c]:
                    classes.append("r")
                if cell.direction:
                    classes.append("up" if cell.direction > 0 else "down")
                attrs = f' class="{" ".join(classes)}"' if classes else ""
                content = _lines(cell)
                if plan.row_header and c == 0:
                    cells.append(f'<th scope="row"{attrs}>{content}</th>')
                else:
                    cells.append(f"<td{attrs}>{content}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f'<table id="{ident}" class="{self.sized(plan.size)}" aria-label="{esc(plan.label)}">'
            f"<colgroup>{cols}</colgroup>"
            f"<thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def picture(self, plan: PicturePlan) -> str:
        drawn = picture(plan.chart.spec, plan.box.w, plan.box.h, show_title=plan.chart.show_title)
        data = base64.b64encode(drawn.png).decode("ascii")
        return (
            f'<img src="data:image/png;base64,{data}" alt="{esc(plan.chart.alt)}" '
            f'width="{round(drawn.width)}" height="{round(drawn.height)}">'
        )

    def part(self, part: PartPlan, ident: str) -> str:
        out = ['<div class="part">']
        if part.heading is not None:
            out.append(self.block("h3", part.heading))
        if isinstance(part.content, TablePlan):
            out.append(self.table(part.content, ident))
            if part.caption is not None:
                out.append(self.block("p", part.caption, "caption"))
        else:
            out.append("<figure>" + self.picture(part.content))
            if part.caption is not None:
                out.append(self.block("figcaption", part.caption, "caption"))
            out.append("</figure>")
        out.append("</div>")
        return "".join(out)

    def bullets(self, plan: layout.BulletsPlan) -> str:
        items = []
        for item in plan.items:
            if isinstance(item, Link):
                url = text.safe_url(item.url)
                shown = esc(item.url)
                target = f'<a href="{html.escape(url, quote=True)}">{shown}</a>' if url else shown
                items.append(f"<li>{esc(item.text)} {target}</li>")
            else:
                items.append(f"<li>{esc(item)}</li>")
        return f'<ul class="bullets {self.sized(plan.size)}">{"".join(items)}</ul>'

    # --- slides ----------------------------------------------------------------------------

    def slide(self, page: Page, count: int) -> str:
        label = f"Slide {page.number} of {count}: {page.title.text}"
        kind = "title-slide" if page.is_title else "content-slide"
        out = [
            f'<section class="slide {kind}" id="slide-{page.number}" '
            f'aria-roledescription="slide" aria-label="{esc(label)}">',
            '<div class="frame"><div class="band"></div>',
        ]
        if page.is_title:
            out.append(self.block("h1", page.title))
            if page.subtitle is not None:
                out.append(self.block("p", page.subtitle, "subtitle"))
            if page.lines:
                out.append('<div class="rule"></div>')
            out += [self.block("p", line, "line") for line in page.lines]
        else:
            out.append("<header>" + self.block("h2", page.title))
            if page.subtitle is not None:
                out.append(self.block("p", page.subtitle, "subtitle"))
            out.append('</header><div class="body">')
            for k, part in enumerate(page.parts):
                out.append(self.part(part, f"t{page.number}-{k}"))
            if page.bullets is not None:
                out.append(self.bullets(page.bullets))
            out.append("</div>")
            out.append(
                f'<footer class="foot"><span>{esc(self.deck.footer_text)}</span>'
                f"<span>{page.number} / {count}</span></footer>"
            )
        out.append("</div>")
        if page.notes:
            notes = "".join(f"<li>{esc(n)}</li>" for n in page.notes)
            out.append(f'<aside class="notes" aria-label="Speaker notes"><ul>{notes}</ul></aside>')
        out.append("</section>")
        return "".join(out)

    def style(self) -> str:
        colours = {
            "ink": theme.INK,
            "muted": theme.MUTED,
            "accent": theme.ACCENT,
            "paper": theme.PAPER,
            "header-fill": theme.HEADER_FILL,
            "header-ink": theme.HEADER_INK,
            "band-fill": theme.BAND_FILL,
            "up": theme.UP,
            "down": theme.DOWN,
            "letterbox": theme.LETTERBOX,
        }
        props = "".join(f"--{name}:{theme.css(value)};" for name, value in colours.items())
        root = f":root{{{props}--font:{theme.CSS_FONT};color-scheme:light}}"
        sizes = [f".{_size(s)}{{font-size:calc({s:g} * var(--pt))}}" for s in sorted(self.sizes)]
        return "\n".join([root, _asset("deck.css"), *sizes, *self.rules]) + "\n"


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def html_text(deck: Deck) -> str:
    """The HTML deck as one document (deterministic)."""
    pages = layout.plan(deck)
    writer = _Writer(deck)
    slides = [writer.slide(page, len(pages)) for page in pages]
    style, script = writer.style(), _asset("deck.js")
    policy = "; ".join(
        [
            "default-src 'none'",
            "img-src data:",
            f"style-src {_hash(style)}",
            f"script-src {_hash(script)}",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    description = ""
    if deck.subtitle.strip():
        description = f'<meta name="description" content="{esc(deck.subtitle)}">'
    parts: Iterable[str] = (
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        f"<title>{esc(deck.title)}</title>",
        description,
        '<link rel="icon" href="data:,">',
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        f'<main class="deck" aria-roledescription="slide deck" aria-label="{esc(deck.title)}">',
        *slides,
        "</main>",
        '<p id="deck-status" class="visually-hidden" aria-live="polite"></p>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    )
    return "\n".join(p for p in parts if p) + "\n"


def write_html(deck: Deck, path: Path) -> Path:
    """Write the HTML deck to `path` (atomically) and return it."""
    return write_atomically(path, html_text(deck).encode("utf-8"))
