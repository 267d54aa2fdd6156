"""The deck's look, shared by both media: the slide grid (in points, on a 16:9 slide of
13.333 x 7.5 in), the type sizes, the colours and the font.

Sizes are for a room: body text is never under `BODY_MIN` (18 pt), table cells never under
`TABLE_MIN` (14 pt), and nothing at all under `SMALLEST` (12 pt: the footer). Colours are dark
on white; every text colour has a contrast of at least 4.5:1 on its background, and the
change colours carry an arrow too, so the direction does not rest on colour alone.
"""

from __future__ import annotations

from typing import Final

# --- the grid, in points (72 pt = 1 in) ------------------------------------------------------

SLIDE_W: Final = 960.0
"""13.333 in: PowerPoint's 16:9 ("widescreen")."""
SLIDE_H: Final = 540.0
"""7.5 in."""
MARGIN_X: Final = 48.0
BAND_H: Final = 8.0
"""The accent band across the top of every content slide."""
TITLE_TOP: Final = 30.0
GAP: Final = 14.0
"""Between the title block and the body, and between the parts of a two-part slide."""
FOOTER_H: Final = 22.0
FOOTER_BOTTOM: Final = 12.0
"""From the bottom edge to the footer's bottom."""
BODY_BOTTOM: Final = SLIDE_H - FOOTER_BOTTOM - FOOTER_H - 8.0
"""Where the body ends: above the footer."""
CONTENT_W: Final = SLIDE_W - 2 * MARGIN_X

# --- type ------------------------------------------------------------------------------------

FONT: Final = "Arial"
"""Every run's face: on every machine (LibreOffice draws it with the metric-compatible
Liberation Sans), and the widths `text.width` assumes."""
CSS_FONT: Final = 'Arial, "Liberation Sans", Helvetica, "Helvetica Neue", sans-serif'
CHART_FONT: Final = '"Liberation Sans", Arial, Helvetica, sans-serif'
"""The charts' face: vl-convert draws with the fonts installed here, Liberation Sans first
(Arial's metrics), so labels are measured with the face they are drawn in."""

LINE: Final = 1.2
"""Line height as a multiple of the size (Arial's own is 1.15; the rest is headroom)."""

DECK_TITLE: Final = 44.0
DECK_SUBTITLE: Final = 28.0
DECK_LINES: Final = 20.0
TITLE_SIZES: Final = (32.0, 28.0, 24.0)
"""A slide title's sizes, tried in order until it fits on two lines."""
TITLE_MAX_LINES: Final = 2
SUBTITLE: Final = 20.0
HEADING: Final = 20.0
"""A part's heading (above a chart or a table)."""
BODY_SIZES: Final = (24.0, 22.0, 20.0, 18.0)
"""Bullets, tried in order until they fit."""
CAPTION: Final = 18.0
TABLE_SIZES: Final = (24.0, 22.0, 20.0, 18.0, 16.0, 14.0)
"""Table cells, tried in order until the table fits its box; beyond, it is split or cut."""
FOOTER: Final = 12.0

BODY_MIN: Final = 18.0
TABLE_MIN: Final = 14.0
SMALLEST: Final = 12.0

CELL_PAD_X: Final = 8.0
CELL_PAD_Y: Final = 4.0
BULLET_INDENT: Final = 24.0
BULLET_SPACE: Final = 0.5
"""Space before a bullet, as a multiple of its size."""

# --- colours (hex without '#', as python-pptx takes them; `css` adds it) ---------------------

INK: Final = "1F2328"
"""Text: 15.8:1 on white."""
MUTED: Final = "4A5562"
"""Subtitles, captions, the footer: 7.6:1 on white."""
ACCENT: Final = "0B5CAD"
"""The band, links, the title slide's rule: 6.7:1 on white."""
PAPER: Final = "FFFFFF"
HEADER_FILL: Final = "1F3A5F"
"""A table's heading row (white text on it: 11.5:1)."""
HEADER_INK: Final = "FFFFFF"
BAND_FILL: Final = "EEF2F7"
"""Every other row of a table (INK on it: 14:1)."""
UP: Final = "1A6B35"
"""A change upwards (with ▲): 6.6:1 on white, 5.8:1 on BAND_FILL."""
DOWN: Final = "B3261E"
"""A change downwards (with ▼): 6.5:1 on white, 5.8:1 on BAND_FILL."""
LETTERBOX: Final = "2B2F36"
"""Around the slide on a screen of another shape (HTML only)."""


def css(colour: str) -> str:
    return "#" + colour
