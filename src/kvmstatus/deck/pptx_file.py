"""The deck as a PPTX file (python-pptx): `write_pptx(deck, path)`.

The file opens in PowerPoint, LibreOffice Impress and Google Slides and is meant to be
edited: every slide title is the slide's title placeholder (the outline, the slide sorter
and screen readers see it), tables are native tables, charts are pictures with alt text,
and every content slide has speaker notes. The template is python-pptx's own, made 16:9 in
code (its layouts widened with the slide, Arial and the deck's colours in its theme), so no
template file travels with kvmstatus.

Every run gets its face, size and colour explicitly (nothing inherits a size the plan did not
choose), in the boxes `layout.plan` gives. The file is written atomically (a temporary file
renamed over the target) and is the same bytes for the same deck: the package's timestamps
are the edition's date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Final
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pptx
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.base import BaseShape
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.text.text import _Run as _Run_
from pptx.util import Emu, Pt

from kvmstatus.deck import layout, text, theme
from kvmstatus.deck.charts import picture
from kvmstatus.deck.layout import Box, Page, PartPlan, PicturePlan, TablePlan, TextBlock
from kvmstatus.deck.model import Deck, Link
from kvmstatus.shared.files import write_atomically

EMU_PER_PT: Final = 12700
_TEMPLATE: Final = Path(pptx.__file__).resolve().parent / "templates" / "default.pptx"
_WIDEN: Final = 12192000 / 9144000
"""From the template's 4:3 (10 in) to 16:9 (13.333 in); the height stays 7.5 in."""
_NO_STYLE: Final = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"
"""PowerPoint's "No Style, No Grid" table style: the deck fills and colours every cell."""
_SLIDE_NUMBER_FIELD: Final = "{F1D8E1F6-6A7C-4C2B-9C5B-3E1A0B7D2C11}"
_TITLE_LAYOUT: Final = 0
_TITLE_ONLY_LAYOUT: Final = 5
_NOTES_SIZE: Final = 14.0
_CHANGE_INK: Final = {1: theme.UP, -1: theme.DOWN, 0: theme.INK}


def _emu(points: float) -> Emu:
    return Emu(round(points * EMU_PER_PT))


def _rgb(colour: str) -> RGBColor:
    return RGBColor(int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


# --- the template ----------------------------------------------------------------------------


def _widened(xml: bytes) -> bytes:
    """A master's or layout's shapes moved and stretched across the wider slide."""

    def scale(match: re.Match[bytes]) -> bytes:
        return match[1] + str(round(int(match[2]) * _WIDEN)).encode() + b'"'

    return re.sub(rb'(<a:(?:off|chOff) x="|<a:(?:ext|chExt) cx=")(\d+)"', scale, xml)


def _themed(xml: bytes) -> bytes:
    """The theme with Arial for headings and body and the deck's colours."""
    xml = re.sub(
        rb'<a:latin typeface="[^"]*"/>', f'<a:latin typeface="{theme.FONT}"/>'.encode(), xml
    )
    for slot, colour in (("dk2", theme.INK), ("accent1", theme.ACCENT), ("hlink", theme.ACCENT)):
        xml = re.sub(
            rf"(<a:{slot}>)<a:(?:srgbClr|sysClr)[^>]*/>(</a:{slot}>)".encode(),
            rf'\1<a:srgbClr val="{colour}"/>\2'.encode(),
            xml,
        )
    return re.sub(rb'(<a:theme [^>]*name=")[^"]*"', rb'\1kvmstatus"', xml, count=1)


@lru_cache(maxsize=1)
def _template() -> bytes:
    """python-pptx's default presentation made 16:9 and given the deck's theme."""
    out = BytesIO()
    with ZipFile(_TEMPLATE) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename
            if name == "ppt/presentation.xml":
                data = re.sub(rb"<p:sldSz [^>]*/>", b'<p:sldSz cx="12192000" cy="6858000"/>', data)
            elif re.fullmatch(r"ppt/slide(Layouts/slideLayout|Masters/slideMaster)\d+\.xml", name):
                data = _widened(data)
            elif re.fullmatch(r"ppt/theme/theme\d+\.xml", name):
                data = _themed(data)
            target.writestr(info, data)
    return out.getvalue()


# --- text ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    text: str
    colour: str = theme.INK
    bold: bool = False
    url: str | None = None


def _style_run(run: _Run_, spec: _Run, size: float) -> None:
    font = run.font
    font.name = theme.FONT
    font.size = Pt(size)
    font.bold = spec.bold
    font.color.rgb = _rgb(spec.colour)


def _paragraph(
    paragraph: _Paragraph,
    runs: Sequence[_Run],
    size: float,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    space_before: float = 0.0,
) -> None:
    paragraph.alignment = align
    paragraph.line_spacing = Pt(size * theme.LINE)
    if space_before:
        paragraph.space_before = Pt(space_before)
    for spec in runs:
        run = paragraph.add_run()
        run.text = spec.text
        _style_run(run, spec, size)
        if spec.url:
            run.hyperlink.address = spec.url


def _frame(frame: TextFrame) -> TextFrame:
    """A text frame from the top that wraps, never resizes or shrinks its text, with no
    inner margins (the plan's boxes are the text's)."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    frame.clear()
    return frame


def _textbox(slide: Slide, name: str, box: Box) -> TextFrame:
    shape = slide.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
    shape.name = name
    return _frame(shape.text_frame)


def _block(slide: Slide, name: str, block: TextBlock, colour: str = theme.INK) -> None:
    frame = _textbox(slide, name, block.box)
    _paragraph(frame.paragraphs[0], [_Run(block.text, colour, block.bold)], block.size)


def _placed(shape: BaseShape, box: Box) -> None:
    shape.left, shape.top = _emu(box.x), _emu(box.y)
    shape.width, shape.height = _emu(box.w), _emu(box.h)


def _title(slide: Slide, block: TextBlock) -> None:
    """The slide's title placeholder, moved to the plan's box and set at its size."""
    shape = slide.shapes.title
    assert shape is not None  # both layouts used have a title placeholder
    shape.name = "Title"
    _placed(shape, block.box)
    frame = _frame(shape.text_frame)
    _paragraph(frame.paragraphs[0], [_Run(block.text, theme.INK, block.bold)], block.size)


def _rectangle(slide: Slide, name: str, box: Box, colour: str) -> None:
    shape = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)
    )
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    shape.shadow.inherit = False


def _notes(slide: Slide, notes: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None
    frame.clear()
    for i, sentence in enumerate(notes):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _paragraph(paragraph, [_Run(text.clean(sentence, 2000))], _NOTES_SIZE)


# --- parts -----------------------------------------------------------------------------------


def _table(slide: Slide, plan: TablePlan) -> None:
    box = plan.box
    rows, cols = len(plan.body) + 1, len(plan.head)
    frame = slide.shapes.add_table(rows, cols, _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
    frame.name = "Table"
    table = frame.table
    style = table._tbl.find(f".//{qn('a:tableStyleId')}")
    if style is not None:
        style.text = _NO_STYLE
    table.first_row = True
    table.horz_banding = False
    for i, width in enumerate(plan.widths):
        table.columns[i].width = _emu(width)
    for i, height in enumerate(plan.heights):
        table.rows[i].height = _emu(height)
    for r, cells in enumerate((plan.head, *plan.body)):
        fill = theme.HEADER_FILL if r == 0 else (theme.BAND_FILL if r % 2 == 0 else theme.PAPER)
        for c, cell in enumerate(cells):
            target = table.cell(r, c)
            target.fill.solid()
            target.fill.fore_color.rgb = _rgb(fill)
            target.margin_left = target.margin_right = Pt(theme.CELL_PAD_X)
            target.margin_top = target.margin_bottom = Pt(theme.CELL_PAD_Y)
            target.vertical_anchor = MSO_ANCHOR.MIDDLE if r else MSO_ANCHOR.BOTTOM
            cell_frame = target.text_frame
            cell_frame.word_wrap = True
            cell_frame.clear()
            align = PP_ALIGN.RIGHT if plan.right[c] else PP_ALIGN.LEFT
            for k, line in enumerate(cell.lines):
                paragraph = cell_frame.paragraphs[0] if k == 0 else cell_frame.add_paragraph()
                ink = theme.HEADER_INK if r == 0 else _CHANGE_INK[cell.direction]
                run = _Run(line, ink, bold=k < cell.strong)
                _paragraph(paragraph, [run], plan.size, align)


def _picture(slide: Slide, plan: PicturePlan) -> None:
    drawn = picture(plan.chart.spec, plan.box.w, plan.box.h, show_title=plan.chart.show_title)
    box = layout.fit(plan.box, drawn.width, drawn.height)
    shape = slide.shapes.add_picture(
        BytesIO(drawn.png), _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)
    )
    shape.name = "Chart"
    properties = shape._element.find(f"{qn('p:nvPicPr')}/{qn('p:cNvPr')}")
    assert properties is not None  # every picture python-pptx makes has them
    properties.set("descr", text.clean(plan.chart.alt, 2000))


def _part(slide: Slide, part: PartPlan) -> None:
    if part.heading is not None:
        _block(slide, "Heading", part.heading)
    if isinstance(part.content, TablePlan):
        _table(slide, part.content)
    else:
        _picture(slide, part.content)
    if part.caption is not None:
        _block(slide, "Caption", part.caption, theme.MUTED)


def _bullets(slide: Slide, plan: layout.BulletsPlan) -> None:
    frame = _textbox(slide, "Body", plan.box)
    for i, item in enumerate(plan.items):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if isinstance(item, Link):
            url = text.safe_url(item.url)
            runs = [
                _Run(text.clean(item.text) + " "),
                _Run(text.clean(item.url), theme.ACCENT if url else theme.INK, url=url),
            ]
        else:
            runs = [_Run(text.clean(item))]
        space = plan.size * theme.BULLET_SPACE if i else 0.0
        _paragraph(paragraph, runs, plan.size, space_before=space)
        properties = paragraph._p.get_or_add_pPr()
        properties.set("marL", str(_emu(theme.BULLET_INDENT)))
        properties.set("indent", str(-_emu(theme.BULLET_INDENT)))
        colour = properties.makeelement(qn("a:buClr"), {})
        colour.append(colour.makeelement(qn("a:srgbClr"), {"val": theme.ACCENT}))
        properties.append(colour)
        properties.append(properties.makeelement(qn("a:buFont"), {"typeface": theme.FONT}))
        properties.append(properties.makeelement(qn("a:buChar"), {"char": "\N{BULLET}"}))


# --- slides ----------------------------------------------------------------------------------


def _footer(slide: Slide, deck: Deck, page: Page) -> None:
    y = theme.SLIDE_H - theme.FOOTER_BOTTOM - theme.FOOTER_H
    box = Box(theme.MARGIN_X, y, theme.CONTENT_W - 80, theme.FOOTER_H)
    frame = _textbox(slide, "Footer", box)
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    footer = text.clean(deck.footer_text, 120)
    _paragraph(frame.paragraphs[0], [_Run(footer, theme.MUTED)], theme.FOOTER)
    box = Box(theme.SLIDE_W - theme.MARGIN_X - 72, y, 72, theme.FOOTER_H)
    number = _textbox(slide, "Slide number", box)
    number.vertical_anchor = MSO_ANCHOR.BOTTOM
    paragraph = number.paragraphs[0]
    _paragraph(paragraph, [_Run(str(page.number), theme.MUTED)], theme.FOOTER, PP_ALIGN.RIGHT)
    # A slide-number field: PowerPoint renumbers it when slides are moved.
    field = paragraph.runs[0]._r
    field.tag = qn("a:fld")
    field.set("id", _SLIDE_NUMBER_FIELD)
    field.set("type", "slidenum")


def _band(slide: Slide) -> None:
    _rectangle(slide, "Band", Box(0, 0, theme.SLIDE_W, theme.BAND_H), theme.ACCENT)


def _title_slide(slide: Slide, page: Page) -> None:
    _band(slide)
    _title(slide, page.title)
    placeholder = next((s for s in slide.placeholders if s.placeholder_format.idx == 1), None)
    if page.subtitle is not None and placeholder is not None:
        placeholder.name = "Subtitle"
        _placed(placeholder, page.subtitle.box)
        frame = _frame(placeholder.text_frame)
        run = _Run(page.subtitle.text, theme.MUTED)
        _paragraph(frame.paragraphs[0], [run], page.subtitle.size)
    elif placeholder is not None:
        # An empty placeholder would say "Click to add subtitle" while editing.
        placeholder._element.getparent().remove(placeholder._element)
    if page.lines:
        first = page.lines[0].box
        _rectangle(slide, "Rule", Box(first.x, first.y - 16, 96, 4), theme.ACCENT)
    for block in page.lines:
        _block(slide, "Line", block)


def _content_slide(slide: Slide, deck: Deck, page: Page) -> None:
    _band(slide)
    _title(slide, page.title)
    if page.subtitle is not None:
        _block(slide, "Subtitle", page.subtitle, theme.MUTED)
    for part in page.parts:
        _part(slide, part)
    if page.bullets is not None:
        _bullets(slide, page.bullets)
    _footer(slide, deck, page)


def presentation(deck: Deck) -> PresentationType:
    """The deck as a python-pptx presentation (not saved)."""
    prs = pptx.Presentation(BytesIO(_template()))
    prs.slide_width, prs.slide_height = _emu(theme.SLIDE_W), _emu(theme.SLIDE_H)
    for page in layout.plan(deck):
        kind = _TITLE_LAYOUT if page.is_title else _TITLE_ONLY_LAYOUT
        slide = prs.slides.add_slide(prs.slide_layouts[kind])
        if page.is_title:
            _title_slide(slide, page)
        else:
            _content_slide(slide, deck, page)
        if page.notes:
            _notes(slide, page.notes)
    properties = prs.core_properties
    properties.title = text.clean(deck.title)
    properties.subject = text.clean(deck.subtitle)
    properties.author = properties.last_modified_by = "kvmstatus"
    properties.created = properties.modified = deck.edition_time
    properties.revision = 1
    return prs


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """The package with every member dated `when` (zip keeps the time of writing)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = ZipInfo(info.filename, date_time=stamp)
            member.compress_type = ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info))
    return out.getvalue()


def pptx_bytes(deck: Deck) -> bytes:
    """The PPTX file's bytes (deterministic)."""
    buffer = BytesIO()
    presentation(deck).save(buffer)
    return _stable_zip(buffer.getvalue(), deck.edition_time)


def write_pptx(deck: Deck, path: Path) -> Path:
    """Write `deck` to `path` (atomically: a reader never sees half a file) and return it."""
    return write_atomically(path, pptx_bytes(deck))
