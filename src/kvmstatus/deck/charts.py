"""Charts for a room: a Vega-Lite specification (the site's) restyled for a projector, sized
to the box it fills on a slide, and drawn as a PNG by vl-convert (offline, deterministic).

`projected` restyles a copy: an opaque white background, dark text, and type at slide sizes
(axis labels 18 pt where the web has 11 px; sizes written into the spec itself grow by the
same factor and never end under 18). `chart_png` draws it; `picture` also sizes it: the
chart is drawn in points (one Vega pixel is one point on the slide, so an 18 px label reads
as 18 pt text), its views widened or narrowed until the whole figure, axes and legends
included, has the box's proportions, then rendered at `SCALE` pixels per point. On the way
its title and subtitle are wrapped to the box, a legend too wide for it gets fewer columns,
and the labels of a discrete x axis that Vega would thin out for lack of room are turned
(45 degrees, then upright) until every label shows; when that leaves the plot squeezed,
those labels get smaller (never under 14 pt) and legends move to the right of a wide box.
"""

from __future__ import annotations

import copy
import json
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import Any, Final

import vl_convert
from PIL import Image

from kvmstatus.deck import text, theme
from kvmstatus.shared.text import merged

SCALE: Final = 2.5
"""Pixels per point of a chart's PNG: a chart across the slide (864 pt) is 2,160 px wide,
sharper than a 1080p projector shows it."""
LABEL: Final = 18
TEXT_FACTOR: Final = LABEL / 11
"""From the site's type (11 px labels) to the slide's (18 pt)."""

PROJECTION: Final[dict[str, Any]] = {
    "background": theme.css(theme.PAPER),
    "font": theme.CHART_FONT,
    "padding": 8,
    "title": {
        "anchor": "start",
        "color": theme.css(theme.INK),
        "subtitleColor": theme.css(theme.MUTED),
        "fontSize": 22,
        "fontWeight": "bold",
        "subtitleFontSize": LABEL,
        "subtitlePadding": 6,
        "offset": 16,
    },
    "axis": {
        "labelColor": theme.css(theme.INK),
        "titleColor": theme.css(theme.INK),
        "domainColor": theme.css(theme.MUTED),
        "tickColor": theme.css(theme.MUTED),
        "gridColor": "#D8DEE4",
        "gridOpacity": 1,
        "labelFontSize": LABEL,
        "titleFontSize": 20,
        "titleFontWeight": "normal",
        "titlePadding": 10,
        "labelPadding": 6,
        "labelLimit": 320,
        "tickSize": 6,
        "domainWidth": 1.5,
    },
    "legend": {
        "labelColor": theme.css(theme.INK),
        "titleColor": theme.css(theme.INK),
        "labelFontSize": LABEL,
        "titleFontSize": LABEL,
        "titleFontWeight": "normal",
        "labelLimit": 300,
        "symbolSize": 220,
        "symbolStrokeWidth": 3,
        "rowPadding": 6,
        "columnPadding": 20,
    },
    "header": {
        "labelColor": theme.css(theme.INK),
        "titleColor": theme.css(theme.INK),
        "labelFontSize": 20,
        "titleFontSize": 20,
    },
    "text": {"color": theme.css(theme.INK), "fontSize": LABEL},
    "line": {"strokeWidth": 3.5},
    "point": {"size": 100},
}

# Text sizes and label widths a spec may set on a mark, an axis or a legend of its own.
_SIZES: Final = frozenset({"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"})
_LIMITS: Final = frozenset({"labelLimit", "titleLimit"})
# Where a spec nests further views; everything else (data, encodings, marks) is not a view.
_VIEWS: Final = ("layer", "concat", "hconcat", "vconcat", "spec")
# Parts of a spec that hold data or settings, never text sizes we should touch.
_DATA: Final = frozenset({"data", "datasets", "config", "values"})


def _enlarge(node: Any) -> None:
    """Grow every text size and label width written into the spec, in place."""
    if isinstance(node, list):
        for item in node:
            _enlarge(item)
        return
    if not isinstance(node, dict):
        return
    for key, item in node.items():
        if key in _DATA:
            continue
        if key in _SIZES and isinstance(item, int | float) and not isinstance(item, bool):
            node[key] = max(LABEL, round(item * TEXT_FACTOR))
        elif key in _LIMITS and isinstance(item, int | float) and not isinstance(item, bool):
            node[key] = round(item * TEXT_FACTOR)
        else:
            _enlarge(item)


def projected(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A restyled deep copy of `spec` for a projector (see the module's docstring)."""
    doc = copy.deepcopy(dict(spec))
    _enlarge(doc)
    doc["config"] = merged(doc.get("config") or {}, PROJECTION)
    return doc


def _views(node: Any) -> Iterator[dict[str, Any]]:
    """Every view of a spec (the top level, layers, concatenated and faceted specs)."""
    if not isinstance(node, dict):
        return
    yield node
    for key in _VIEWS:
        child = node.get(key)
        for item in child if isinstance(child, list) else [child]:
            yield from _views(item)


def _scaled(doc: dict[str, Any], fx: float, fy: float) -> dict[str, Any]:
    """`doc` with every view's numeric width times `fx` and height times `fy`."""
    out = copy.deepcopy(doc)
    for view in _views(out):
        for key, factor in (("width", fx), ("height", fy)):
            size = view.get(key)
            if isinstance(size, int | float) and not isinstance(size, bool):
                view[key] = max(20, round(size * factor))
    return out


def _vl_version(doc: Mapping[str, Any]) -> str | None:
    """The Vega-Lite version the spec was written for (its `$schema`), when vl-convert has
    it; else vl-convert's default."""
    match = re.search(r"/v(\d+)\.(\d+)", str(doc.get("$schema", "")))
    if not match:
        return None
    version = f"{match[1]}.{match[2]}"
    return version if version in vl_convert.get_vegalite_versions() else None


def _size(doc: dict[str, Any]) -> tuple[float, float]:
    """The figure's width and height in Vega pixels (axes, titles and legends included)."""
    graph = vl_convert.vegalite_to_scenegraph(doc, vl_version=_vl_version(doc))
    return float(graph["width"]), float(graph["height"])


_LEAST, _MOST = 0.25, 6.0
"""How far a view may shrink or grow to fit a box."""


def _secant(f: float, at_f: float, g: float, at_g: float, target: float) -> float:
    """The next factor towards `target` on the line through (f, at_f) and (g, at_g)."""
    slope = (at_g - at_f) / (g - f) if g != f else 0.0
    if slope <= 0:
        return g
    return min(max(g + (target - at_g) / slope, _LEAST), _MOST)


def _sized_to(doc: dict[str, Any], width: float, height: float) -> dict[str, Any]:
    """`doc` with its views resized so that the whole figure is about `width` x `height`.

    A figure's size is its views' sizes times a factor plus what surrounds them (axes,
    legends, titles, spacing); that is close to a straight line but not quite (an axis
    title longer than a short plot adds to the height), so the factors are found by the
    secant method from the spec's size and twice it, a few steps at most."""
    if not any(
        isinstance(v.get("width"), int | float) or isinstance(v.get("height"), int | float)
        for v in _views(doc)
    ):
        return doc  # sized by its container: drawn at Vega's defaults, fitted as a picture
    target = (width, height)
    f, at_f = (1.0, 1.0), _size(doc)
    g, at_g = (2.0, 2.0), _size(_scaled(doc, 2.0, 2.0))
    best = doc
    for _ in range(4):
        factors = (
            _secant(f[0], at_f[0], g[0], at_g[0], width),
            _secant(f[1], at_f[1], g[1], at_g[1], height),
        )
        best = _scaled(doc, *factors)
        measured = _size(best)
        if all(abs(measured[i] - target[i]) <= 0.01 * target[i] for i in (0, 1)):
            break
        if factors == g:
            break  # at a limit: the views cannot shrink or grow further
        f, at_f, g, at_g = g, at_g, factors, measured
    return best


def _title_lines(title: Any, width: float) -> Any:
    """A title (a string, lines, or a title object) with its text and subtitle wrapped to
    `width` points at the projection's sizes."""
    config = PROJECTION["title"]

    def wrapped(value: Any, size: float, bold: bool) -> Any:
        lines = [value] if isinstance(value, str) else value
        if not isinstance(lines, list) or not all(isinstance(v, str) for v in lines):
            return value
        out = [part for line in lines for part in text.wrap(line, size, width, bold)]
        return out[0] if len(out) == 1 else out

    if isinstance(title, str | list):
        return wrapped(title, config["fontSize"], True)
    if isinstance(title, dict):
        title = dict(title)
        if "text" in title:
            title["text"] = wrapped(title["text"], config["fontSize"], True)
        if "subtitle" in title:
            title["subtitle"] = wrapped(title["subtitle"], config["subtitleFontSize"], False)
    return title


def _discrete_xs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The discrete x encodings of `doc` that draw an axis (releases, names)."""
    found = []
    for view in _views(doc):
        encoding = view.get("encoding")
        x = encoding.get("x") if isinstance(encoding, dict) else None
        discrete = isinstance(x, dict) and x.get("type") in ("nominal", "ordinal")
        if discrete and x is not None and x.get("axis", {}) is not None:
            found.append(x)
    return found


def _crowded(doc: dict[str, Any]) -> bool:
    """Whether Vega hid some labels of a discrete axis (text that is not a number) to keep
    them from overlapping: on a slide every release must be named. A time axis (the site's
    charts across releases) thins its dates by design and is never crowded."""
    if not _discrete_xs(doc):
        return False
    graph = vl_convert.vegalite_to_scenegraph(doc, vl_version=_vl_version(doc))
    stack: list[Any] = [graph]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("role") == "axis-label":
                items = node.get("items") or []
                hidden = [i for i in items if i.get("opacity") == 0]
                if hidden and not all(_is_number(i.get("text")) for i in items):
                    return True
            stack.extend(v for k, v in node.items() if k in ("items", "scenegraph"))
    return False


def _is_number(label: Any) -> bool:
    return bool(re.fullmatch(r"[-+\u2212]?[\d.,]+[%a-zA-Z]?", str(label)))


def _discrete_x(doc: dict[str, Any], **axis: Any) -> dict[str, Any]:
    """`doc` with `axis` set on every discrete x axis (releases, names)."""
    out = copy.deepcopy(doc)
    for x in _discrete_xs(out):
        x["axis"] = dict(x.get("axis") or {}, **axis)
    return out


def _turned(doc: dict[str, Any], angle: int) -> dict[str, Any]:
    """`doc` with the labels of every discrete x axis at `angle` degrees."""
    baseline = "middle" if angle == -90 else "top"
    return _discrete_x(doc, labelAngle=angle, labelAlign="right", labelBaseline=baseline)


def _plot_share(doc: dict[str, Any], height: float) -> float:
    """How much of `height` the tallest view takes (the rest is axes, legends, titles)."""
    heights = [v["height"] for v in _views(doc) if isinstance(v.get("height"), int | float)]
    return max(heights, default=height) / height


def _legends(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every channel of `doc` that draws a legend."""
    for view in _views(doc):
        encoding = view.get("encoding")
        for channel in encoding.values() if isinstance(encoding, dict) else ():
            if (
                isinstance(channel, dict)
                and "field" in channel
                and channel.get("legend", {}) is not None
            ):
                yield channel


def _legends_right(doc: dict[str, Any]) -> dict[str, Any] | None:
    """`doc` with its legends in one column on the right (where a wide box has room and
    a short one has none below the plot); None when it draws no legend."""
    out = copy.deepcopy(doc)
    channels = list(_legends(out))
    for channel in channels:
        legend = {k: v for k, v in (channel.get("legend") or {}).items() if k != "columns"}
        channel["legend"] = dict(legend, orient="right", direction="vertical")
    return out if channels else None


def _fewer_columns(doc: dict[str, Any]) -> dict[str, Any] | None:
    """`doc` with each legend in half as many columns (a bottom legend, laid out for a wide
    web page, is what keeps a chart wider than a narrow box); None when every legend is in
    one column already."""
    out = copy.deepcopy(doc)
    changed = False
    for channel in _legends(out):
        legend = channel.get("legend") or {}
        columns = legend.get("columns", 4)
        if isinstance(columns, int) and columns > 1:
            channel["legend"] = dict(legend, columns=columns // 2)
            changed = True
    return out if changed else None


SMALLER_LABELS: Final = (16, 14)
"""Sizes for the labels of a discrete x axis that still leave too little room to the plot
when upright (twenty releases named `RELEASE-4.10.0`): never under a table's 14 pt."""


def _fitted(doc: dict[str, Any], width: float, height: float) -> dict[str, Any]:
    """`doc` sized to `width` x `height` points: its title wrapped, its legends in fewer
    columns while the figure is wider than the box, its discrete x labels turned as far as
    it takes for all of them to show, and made smaller while they leave the plot less than
    two fifths of the box; when that is still so, its legends move to the right of a wide
    box."""
    if "title" in doc:
        doc = dict(doc, title=_title_lines(doc["title"], width - 2 * PROJECTION["padding"]))
    sized = _sized_to(doc, width, height)
    while _size(sized)[0] > width * 1.1:
        narrower = _fewer_columns(doc)
        if narrower is None:
            break
        doc = narrower
        sized = _sized_to(doc, width, height)
    turned = False
    for angle in (-45, -90):
        if not _crowded(sized):
            break
        doc, turned = _turned(doc, angle), True
        sized = _sized_to(doc, width, height)
    for size in SMALLER_LABELS if turned else ():
        if _plot_share(sized, height) >= 0.4:
            break
        doc = _discrete_x(doc, labelFontSize=size)
        sized = _sized_to(doc, width, height)
    beside = _legends_right(doc) if width >= 1.5 * height else None
    if beside is not None and _plot_share(sized, height) < 0.4:
        moved = _sized_to(beside, width, height)
        if _plot_share(moved, height) > _plot_share(sized, height):
            sized = moved
    return sized


def _compact(png: bytes) -> bytes:
    """The PNG without its alpha channel (the background is opaque) and deflated properly:
    a third of vl-convert's bytes, the same pixels."""
    with Image.open(BytesIO(png)) as image:
        out = BytesIO()
        image.convert("RGB").save(out, "PNG", compress_level=6)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels (from its header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def chart_png(
    spec: Mapping[str, Any],
    width: float | None = None,
    height: float | None = None,
    scale: float = SCALE,
) -> bytes:
    """`spec` restyled for a projector and drawn as a PNG at `scale` pixels per point;
    sized to about `width` x `height` points when both are given (else the spec's size)."""
    return picture(spec, width, height, scale).png


@dataclass(frozen=True)
class Picture:
    """A chart's PNG and its size on the slide in points (pixels / scale)."""

    png: bytes
    width: float
    height: float


def picture(
    spec: Mapping[str, Any],
    width: float | None = None,
    height: float | None = None,
    scale: float = SCALE,
    show_title: bool = True,
) -> Picture:
    """`chart_png` with the picture's size in points (`show_title=False` leaves the spec's
    own title out). Pictures are cached by spec, size and scale, so writing both media
    draws each chart once."""
    if not show_title:
        spec = {k: v for k, v in spec.items() if k != "title"}
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
    return _picture(key, width, height, scale)


@lru_cache(maxsize=64)
def _picture(key: str, width: float | None, height: float | None, scale: float) -> Picture:
    doc = projected(json.loads(key))
    if width is not None and height is not None:
        doc = _fitted(doc, width, height)
    png = _compact(vl_convert.vegalite_to_png(doc, vl_version=_vl_version(doc), scale=scale))
    w, h = png_size(png)
    return Picture(png, w / scale, h / scale)
