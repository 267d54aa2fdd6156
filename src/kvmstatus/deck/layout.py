"""Where everything goes: a `Deck` planned into `Page`s, the slides as both media draw them.

The plan decides, in points on the 960 x 540 pt slide, every size and box: the title's size
(the largest of `theme.TITLE_SIZES` that keeps it to two lines; it wraps, never overflows),
the body below it, each table's cell size (the largest of `theme.TABLE_SIZES` at which it
fits), its column widths and row heights (text measured with `text.width`), the bullets'
size, the boxes of headings, charts and captions. What does not fit at the smallest size is
never shrunk further: a table or a list of bullets continues on the next page (its title
marked "continued"), and a table on a two-part slide is cut to the rows that fit, its last
row saying how many were left out. Both writers follow the same plan, so the PPTX and the
HTML deck have the same pages in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from kvmstatus.deck import text, theme
from kvmstatus.deck.model import (
    Chart,
    ChartSlide,
    Deck,
    Link,
    NumbersSlide,
    Part,
    Slide,
    Table,
    TableSlide,
    TextSlide,
    TitleSlide,
    TwoPartSlide,
    speaker_notes,
)

CONTINUED: Final = " (continued)"


@dataclass(frozen=True)
class Box:
    """A rectangle in points from the slide's top left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class TextBlock:
    """Text set at one size in a box tall enough for its `lines` lines."""

    text: str
    size: float
    box: Box
    lines: int = 1
    bold: bool = False


@dataclass(frozen=True)
class PlacedCell:
    """A table cell as drawn: its lines, already wrapped to its column (a period's heading
    has its span under its name), how many of them are bold (a heading's name), and the
    direction of a change it shows (1 up, -1 down, 0 none: its colour)."""

    lines: tuple[str, ...]
    direction: int = 0
    strong: int = 0


@dataclass(frozen=True)
class TablePlan:
    """A table at one cell size: the heading row, the body rows, which columns are right
    aligned (numbers), whether the first column names its row (a metric), and the column
    widths and row heights (heading first) in points."""

    head: tuple[PlacedCell, ...]
    body: tuple[tuple[PlacedCell, ...], ...]
    right: tuple[bool, ...]
    row_header: bool
    size: float
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    box: Box
    label: str
    """What the table is, for a screen reader (the slide's title or the part's heading)."""


@dataclass(frozen=True)
class PicturePlan:
    """A chart drawn into `box` (the picture keeps its aspect ratio inside it)."""

    chart: Chart
    box: Box


@dataclass(frozen=True)
class PartPlan:
    """One part of a slide's body: an optional heading above, the table or the picture,
    an optional caption below."""

    content: TablePlan | PicturePlan
    heading: TextBlock | None = None
    caption: TextBlock | None = None


@dataclass(frozen=True)
class BulletsPlan:
    items: tuple[str | Link, ...]
    size: float
    box: Box


@dataclass(frozen=True)
class Page:
    """One slide as drawn. `number` counts from 1 over the whole deck; a title page has
    `lines` and no footer; a content page has `parts` or `bullets`."""

    number: int
    source: Slide
    title: TextBlock
    subtitle: TextBlock | None
    notes: tuple[str, ...]
    lines: tuple[TextBlock, ...] = ()
    parts: tuple[PartPlan, ...] = ()
    bullets: BulletsPlan | None = None

    @property
    def is_title(self) -> bool:
        return isinstance(self.source, TitleSlide)


def plan(deck: Deck) -> tuple[Page, ...]:
    """Every page of `deck`, numbered, in order."""
    pages: list[Page] = []
    for slide in deck.slides:
        for page in _pages(slide):
            pages.append(replace(page, number=len(pages) + 1))
    return tuple(pages)


def fit(box: Box, width: float, height: float) -> Box:
    """The largest rectangle of `width`:`height` inside `box`, centred in it."""
    scale = min(box.w / width, box.h / height)
    w, h = width * scale, height * scale
    return Box(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


# --- text blocks -----------------------------------------------------------------------------


def _block(
    content: str,
    sizes: Sequence[float],
    width: float,
    x: float,
    y: float,
    max_lines: int,
    *,
    bold: bool = False,
) -> TextBlock:
    """`content` at the largest of `sizes` that keeps it to `max_lines` lines (or at the
    smallest, on as many lines as it takes)."""
    content = text.clean(content)
    for size in sizes:
        lines = text.line_count(content, size, width, bold)
        if lines <= max_lines:
            break
    return TextBlock(content, size, Box(x, y, width, lines * size * theme.LINE), lines, bold)


def _title_blocks(slide: Slide, title: str) -> tuple[TextBlock, TextBlock | None, float]:
    """The title and subtitle of a content page, and where its body starts."""
    width, x, top = theme.CONTENT_W, theme.MARGIN_X, theme.TITLE_TOP
    block = _block(title, theme.TITLE_SIZES, width, x, top, theme.TITLE_MAX_LINES, bold=True)
    bottom = block.box.bottom
    subtitle = None
    if slide.subtitle.strip():
        subtitle = _block(
            slide.subtitle, (theme.SUBTITLE,), theme.CONTENT_W, theme.MARGIN_X, bottom + 6, 2
        )
        bottom = subtitle.box.bottom
    return block, subtitle, bottom + theme.GAP


def _body(top: float) -> Box:
    return Box(theme.MARGIN_X, top, theme.CONTENT_W, theme.BODY_BOTTOM - top)


# --- tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """A table's text before it is sized: heading cells, body rows, alignment, and whether
    it widens to fill its box (`snug`: as narrow as its text, beside a chart)."""

    head: tuple[PlacedCell, ...]
    body: tuple[tuple[PlacedCell, ...], ...]
    right: tuple[bool, ...]
    row_header: bool
    label: str
    snug: bool = False


def _table_grid(table: Table, label: str, snug: bool = False) -> _Grid:
    numeric = tuple(
        all(isinstance(row[i], int | float) or row[i] is None for row in table.rows)
        and any(isinstance(row[i], int | float) for row in table.rows)
        for i in range(len(table.columns))
    )
    head = tuple(PlacedCell((text.clean(c),), strong=1) for c in table.columns)
    body = tuple(tuple(PlacedCell((text.cell(c),)) for c in row) for row in table.rows)
    return _Grid(head, body, numeric, False, label, snug)


def _numbers_grid(slide: NumbersSlide) -> _Grid:
    head = [PlacedCell(("",))]
    for period in slide.periods:
        lines = [text.clean(period.label)]
        if period.span.strip():
            lines.append(text.clean(period.span))
        head.append(PlacedCell(tuple(lines), strong=1))
    head += [PlacedCell((text.clean(label),), strong=1) for label in slide.change_labels]
    body = []
    for metric in slide.metrics:
        row = [PlacedCell((text.clean(metric.name),))]
        row += [PlacedCell((text.value(v, metric.unit),)) for v in metric.values]
        for change in metric.changes:
            row.append(PlacedCell((text.change(change),), text.direction(change)))
        body.append(tuple(row))
    right = (False, *(True for _ in head[1:]))
    return _Grid(tuple(head), tuple(body), right, True, text.clean(slide.title))


_PAD: Final = 2 * theme.CELL_PAD_X + 1.0
"""A cell's margins, and a point to spare."""


def _tokens(line: str) -> list[str]:
    """The pieces a heading may break into: words, and ranges after their dots."""
    return [part for word in line.split(" ") for part in re.split(r"(?<=\.\.)", word) if part]


def _widths(grid: _Grid, size: float, available: float) -> tuple[float, ...] | None:
    """Column widths at `size`, or None when the table cannot fit `available` points.

    Each column is as wide as its widest line; the table then widens to at least 60% of
    the box (a slide is not a spreadsheet, but a narrow table in a wide box looks lost),
    unless it is snug. A table too wide first lets its headings wrap (at spaces and after a
    range's dots), then the cells of its widest column of text, as long as no word of it
    breaks (and down to a sixth of the box at most).
    """
    columns = range(len(grid.head))
    body = [
        max((text.width(line, size) for row in grid.body for line in row[i].lines), default=0.0)
        + _PAD
        for i in columns
    ]
    head = [
        max(text.width(line, size, True) for line in grid.head[i].lines) + _PAD for i in columns
    ]
    natural = [max(b, h) for b, h in zip(body, head, strict=True)]
    total = sum(natural)
    if total <= available:
        target = min(available, total * 1.1 if grid.snug else max(total * 1.25, available * 0.6))
        return tuple(w * target / total for w in natural)
    least = [
        max(
            (text.width(t, size, True) for line in grid.head[i].lines for t in _tokens(line)),
            default=0.0,
        )
        + _PAD
        for i in columns
    ]
    snug = [max(b, h) for b, h in zip(body, least, strict=True)]
    if sum(snug) <= available:
        # The headings wrap; what room is left goes to those that wrap most.
        spare = available - sum(snug)
        lack = [n - s for n, s in zip(natural, snug, strict=True)]
        return tuple(s + spare * k / sum(lack) for s, k in zip(snug, lack, strict=True))
    texts = [i for i in columns if not grid.right[i]]
    if not texts:
        return None
    widest = max(texts, key=lambda i: snug[i])
    narrowed = snug[widest] - (sum(snug) - available)
    words = max(
        (
            text.width(t, size)
            for row in grid.body
            for line in row[widest].lines
            for t in _tokens(line)
        ),
        default=0.0,
    )
    if narrowed < max(words + _PAD, least[widest], available / 6):
        return None  # its words would break
    return tuple(narrowed if i == widest else w for i, w in enumerate(snug))


def _wrapped(
    cells: Sequence[PlacedCell], size: float, widths: Sequence[float], bold: bool
) -> tuple[PlacedCell, ...]:
    """Each cell's lines wrapped to its column, so every medium breaks them alike."""
    out = []
    for cell, width in zip(cells, widths, strict=True):
        parts = [text.wrap(line, size, width - _PAD, bold) for line in cell.lines]
        strong = sum(len(p) for p in parts[: cell.strong])
        out.append(replace(cell, lines=tuple(x for p in parts for x in p), strong=strong))
    return tuple(out)


def _height(cells: Sequence[PlacedCell], size: float) -> float:
    return max(len(c.lines) for c in cells) * size * theme.LINE + 2 * theme.CELL_PAD_Y


def _table_plan(grid: _Grid, size: float, box: Box) -> TablePlan | None:
    """The whole of `grid` at `size` in `box`'s width (its height unchecked), or None when
    it is too wide."""
    widths = _widths(grid, size, box.w)
    if widths is None:
        return None
    head = _wrapped(grid.head, size, widths, True)
    body = tuple(_wrapped(row, size, widths, False) for row in grid.body)
    heights = (_height(head, size), *(_height(row, size) for row in body))
    return TablePlan(
        head=head,
        body=body,
        right=grid.right,
        row_header=grid.row_header,
        size=size,
        widths=widths,
        heights=heights,
        box=Box(box.x, box.y, sum(widths), sum(heights)),
        label=grid.label,
    )


def _rows(plan: TablePlan, rows: range) -> TablePlan:
    """`plan` with only the body rows `rows` (the column widths kept)."""
    heights = (plan.heights[0], *plan.heights[1 + rows.start : 1 + rows.stop])
    return replace(
        plan,
        body=plan.body[rows.start : rows.stop],
        heights=heights,
        box=replace(plan.box, h=sum(heights)),
    )


def _split_table(grid: _Grid, box: Box, largest: float = theme.TABLE_SIZES[0]) -> list[TablePlan]:
    """The table on as few pages as it takes: whole at the largest size (up to `largest`)
    that fits, its headings wrapped to at most twice their lines; else whole at the
    largest size that fits at all; else split into runs of rows at the smallest size, each
    page repeating the heading."""
    neat = 2 * max(len(c.lines) for c in grid.head)
    first: TablePlan | None = None
    for size in (size for size in theme.TABLE_SIZES if size <= largest):
        whole = _table_plan(grid, size, box)
        if whole is None or whole.box.h > box.h:
            continue
        if max(len(c.lines) for c in whole.head) <= neat:
            return [whole]
        first = first or whole
    if first is not None:
        return [first]
    whole = _table_plan(grid, theme.TABLE_MIN, box)
    if whole is None:
        raise ValueError(
            f"table {grid.label!r} is too wide for a slide at {theme.TABLE_MIN:g} pt: "
            "give it fewer or shorter columns"
        )
    pages: list[TablePlan] = []
    start = 0
    while start < len(whole.body):
        used, stop = whole.heights[0], start
        while stop < len(whole.body) and used + whole.heights[stop + 1] <= box.h:
            used += whole.heights[stop + 1]
            stop += 1
        stop = max(stop, start + 1)  # a row taller than the box still gets a page
        pages.append(_rows(whole, range(start, stop)))
        start = stop
    return pages


def _cut_table(grid: _Grid, box: Box, largest: float = theme.TABLE_SIZES[0]) -> TablePlan:
    """The table in `box` at the largest size (up to `largest`) that fits; when none does,
    its first rows at the smallest size and a last row saying how many were left out."""
    pages = _split_table(grid, box, largest)
    if len(pages) == 1:
        return pages[0]
    first_text = grid.right.index(False) if False in grid.right else 0
    shown = len(pages[0].body)
    while True:
        shown -= 1
        note = PlacedCell((f"\N{HORIZONTAL ELLIPSIS} {len(grid.body) - shown} more",))
        last = tuple(note if i == first_text else PlacedCell(("",)) for i in range(len(grid.head)))
        cut = _table_plan(replace(grid, body=(*grid.body[:shown], last)), theme.TABLE_MIN, box)
        assert cut is not None  # the same columns fitted at this size
        if cut.box.h <= box.h or shown == 0:
            return cut


# --- parts -----------------------------------------------------------------------------------


def _frame(part: Part, box: Box) -> tuple[TextBlock | None, Box, TextBlock | None]:
    """A part's heading, the box left for its content, and its caption."""
    heading = caption = None
    top, bottom = box.y, box.bottom
    if part.heading.strip():
        heading = _block(part.heading, (theme.HEADING,), box.w, box.x, top, 2, bold=True)
        top = heading.box.bottom + 6
    if part.caption.strip():
        content = text.clean(part.caption)
        lines = min(text.line_count(content, theme.CAPTION, box.w), 2)
        height = lines * theme.CAPTION * theme.LINE
        caption = TextBlock(
            content, theme.CAPTION, Box(box.x, bottom - height, box.w, height), lines
        )
        bottom = caption.box.y - 6
    return heading, Box(box.x, top, box.w, bottom - top), caption


def _part(
    part: Part, box: Box, label: str, snug: bool = False, largest: float = theme.TABLE_SIZES[0]
) -> PartPlan:
    heading, inner, caption = _frame(part, box)
    if isinstance(part, Chart):
        return PartPlan(PicturePlan(part, inner), heading, caption)
    grid = _table_grid(part, text.clean(part.heading) or label, snug)
    table = _cut_table(grid, inner, largest)
    if caption is not None:
        # The caption follows the table rather than the bottom of the box.
        caption = replace(caption, box=replace(caption.box, y=table.box.bottom + 6))
    return PartPlan(table, heading, caption)


def _two_parts(slide: TwoPartSlide, body: Box) -> tuple[PartPlan, PartPlan]:
    """Two halves; beside a chart, a table takes only the width its text needs and the
    chart the rest (a chart's legend and labels need the room more)."""
    label = text.clean(slide.title)
    gap = 2 * theme.GAP
    half = (body.w - gap) / 2
    widths = [half, half]
    for i, (part, other) in enumerate(((slide.left, slide.right), (slide.right, slide.left))):
        if isinstance(part, Table) and isinstance(other, Chart):
            widths[i] = _snug_width(part, Box(body.x, body.y, half, body.h), label)
            widths[1 - i] = body.w - gap - widths[i]
    left = Box(body.x, body.y, widths[0], body.h)
    right = Box(body.x + widths[0] + gap, body.y, widths[1], body.h)
    parts = (
        _part(slide.left, left, label, snug=isinstance(slide.right, Chart)),
        _part(slide.right, right, label, snug=isinstance(slide.left, Chart)),
    )
    sizes = {p.content.size for p in parts if isinstance(p.content, TablePlan)}
    if len(sizes) > 1:
        # Two tables side by side read as one: the same type size for both.
        return (
            _part(slide.left, left, label, largest=min(sizes)),
            _part(slide.right, right, label, largest=min(sizes)),
        )
    return parts


def _snug_width(table: Table, box: Box, label: str) -> float:
    """The width a table needs in `box` (its heading on one line if it can be)."""
    content = _part(table, box, label, snug=True).content
    heading = text.width(text.clean(table.heading), theme.HEADING, True)
    return min(box.w, max(content.box.w, heading))


# --- pages -----------------------------------------------------------------------------------


def _title_page(slide: TitleSlide) -> Page:
    width = theme.CONTENT_W - 48
    x = theme.MARGIN_X + 24
    title = _block(slide.title, (theme.DECK_TITLE, 40.0, 36.0), width, x, 0, 2, bold=True)
    blocks = [title]
    subtitle = None
    if slide.subtitle.strip():
        subtitle = _block(slide.subtitle, (theme.DECK_SUBTITLE, 24.0), width, x, 0, 2)
        blocks.append(subtitle)
    lines = [
        _block(line, (theme.DECK_LINES,), width, x, 0, 2) for line in slide.lines if line.strip()
    ]
    # Stack the blocks (a rule of 28 pt between the titles and the lines) and centre the
    # stack a little above the middle, where the eye expects a title.
    gaps = [12.0] * (len(blocks) - 1) + ([28.0] if lines else []) + [6.0] * max(len(lines) - 1, 0)
    stack = [*blocks, *lines]
    height = sum(b.box.h for b in stack) + sum(gaps)
    y = max(theme.BAND_H + 24, (theme.SLIDE_H - height) / 2 - 20)
    placed = []
    for i, block in enumerate(stack):
        placed.append(replace(block, box=replace(block.box, y=y)))
        y += block.box.h + (gaps[i] if i < len(gaps) else 0)
    title, rest = placed[0], placed[1:]
    subtitle = rest.pop(0) if subtitle is not None else None
    return Page(0, slide, title, subtitle, slide.notes, lines=tuple(rest))


def _continued_notes(
    slide: Slide, k: int, first: int, last: int, total: int, what: str
) -> tuple[str, ...]:
    if k == 0:
        return speaker_notes(slide)
    return (f"Continued: {what} {first} to {last} of {total}.",)


def _pages(slide: Slide) -> list[Page]:
    if isinstance(slide, TitleSlide):
        return [_title_page(slide)]
    title, subtitle, top = _title_blocks(slide, slide.title)
    body = _body(top)
    notes = speaker_notes(slide)
    if isinstance(slide, ChartSlide):
        part = _part(slide.chart, body, text.clean(slide.title))
        return [Page(0, slide, title, subtitle, notes, parts=(part,))]
    if isinstance(slide, TwoPartSlide):
        return [Page(0, slide, title, subtitle, notes, parts=_two_parts(slide, body))]
    pages = _split_pages(slide, body)
    if len(pages) > 1:
        # A "continued" title may take a line more: every page gets the body below it.
        lower = _title_blocks(slide, slide.title + CONTINUED)[2]
        if lower > top:
            pages = _split_pages(slide, _body(lower))
    return pages


def _split_pages(slide: NumbersSlide | TableSlide | TextSlide, body: Box) -> list[Page]:
    if isinstance(slide, TextSlide):
        return _text_pages(slide, body)
    return _table_pages(slide, body)


def _titled(slide: Slide, k: int) -> tuple[TextBlock, TextBlock | None]:
    title, subtitle, _ = _title_blocks(slide, slide.title + (CONTINUED if k else ""))
    return title, subtitle


def _table_pages(slide: NumbersSlide | TableSlide, body: Box) -> list[Page]:
    if isinstance(slide, NumbersSlide):
        grid, heading, caption, inner = _numbers_grid(slide), None, None, body
        what = "metrics"
    else:
        heading, inner, caption = _frame(slide.table, body)
        grid = _table_grid(slide.table, text.clean(slide.table.heading) or text.clean(slide.title))
        what = "rows"
    pages = []
    start = 0
    for k, table in enumerate(_split_table(grid, inner)):
        if caption is not None:
            caption = replace(caption, box=replace(caption.box, y=table.box.bottom + 6))
        stop = start + len(table.body)
        notes = _continued_notes(slide, k, start + 1, stop, len(grid.body), what)
        part = PartPlan(table, heading, caption)
        pages.append(Page(0, slide, *_titled(slide, k), notes, parts=(part,)))
        start = stop
    return pages


def _bullet_height(item: str | Link, size: float, width: float) -> float:
    return text.line_count(_bullet_text(item), size, width) * size * theme.LINE


def _bullet_text(item: str | Link) -> str:
    """A bullet as it reads: a link shows its text and its address (the room must read it)."""
    if isinstance(item, Link):
        return f"{text.clean(item.text)} {text.clean(item.url)}".strip()
    return text.clean(item)


def _text_pages(slide: TextSlide, body: Box) -> list[Page]:
    width = body.w - theme.BULLET_INDENT
    for size in theme.BODY_SIZES:
        heights = [_bullet_height(b, size, width) for b in slide.bullets]
        space = size * theme.BULLET_SPACE
        if sum(heights) + space * max(len(heights) - 1, 0) <= body.h:
            break
    # At the smallest size, as many bullets as fit on each page.
    runs: list[tuple[int, int]] = []
    start = 0
    while start < len(slide.bullets):
        used, stop = heights[start], start + 1
        while stop < len(slide.bullets) and used + space + heights[stop] <= body.h:
            used += space + heights[stop]
            stop += 1
        runs.append((start, stop))
        start = stop
    pages = []
    for k, (first, stop) in enumerate(runs or [(0, 0)]):
        notes = _continued_notes(slide, k, first + 1, stop, len(slide.bullets), "points")
        bullets = BulletsPlan(slide.bullets[first:stop], size, body)
        pages.append(Page(0, slide, *_titled(slide, k), notes, bullets=bullets))
    return pages
