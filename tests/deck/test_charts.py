"""Charts for a projector: restyled (white, dark, large type), sized to their box, drawn
as opaque PNGs, the same bytes each time, the caller's spec untouched."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

from PIL import Image

from deck_sample import synthetic_history
from kvmstatus.deck import charts, theme
from kvmstatus.website import charts as site_charts

HISTORY = synthetic_history()
WINDOWS = HISTORY["windows"][1:]


def _spec() -> dict[str, Any]:
    return site_charts.spec(site_charts.commits_per_release(WINDOWS, HISTORY["trend"]))


def _font_sizes(node: Any) -> list[float]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k.endswith(("fontSize", "FontSize"))]
        return found + [s for k, v in node.items() if k != "datasets" for s in _font_sizes(v)]
    if isinstance(node, list):
        return [s for item in node for s in _font_sizes(item)]
    return []


def test_projected_is_white_dark_and_large() -> None:
    spec = _spec()
    spec["layer"][0]["encoding"]["x"]["axis"]["labelFontSize"] = 9  # a size of its own
    original = copy.deepcopy(spec)
    doc = charts.projected(spec)
    assert spec == original
    assert doc["config"]["background"] == "#FFFFFF"
    assert doc["config"]["axis"]["labelColor"] == theme.css(theme.INK)
    sizes = _font_sizes(doc)
    assert sizes
    assert min(sizes) >= charts.LABEL


def test_a_picture_fills_its_box_in_points() -> None:
    for width, height in ((864, 330), (600, 300)):
        drawn = charts.picture(_spec(), width, height)
        assert abs(drawn.width - width) <= width * 0.05
        assert drawn.height <= height * 1.05
        image = Image.open(io.BytesIO(drawn.png))
        assert image.mode == "RGB"  # opaque
        assert image.size == (round(drawn.width * charts.SCALE), round(drawn.height * charts.SCALE))
        assert image.getpixel((2, 2)) == (255, 255, 255)


def test_the_same_spec_gives_the_same_bytes() -> None:
    charts._picture.cache_clear()
    first = charts.chart_png(_spec(), 500, 300)
    charts._picture.cache_clear()
    assert charts.chart_png(_spec(), 500, 300) == first
    assert charts.png_size(first)[0] == 500 * charts.SCALE


def test_crowded_release_labels_are_turned_until_all_show() -> None:
    # Releases named on a discrete axis (the fixed bugs' introducing releases).
    introduced = [[w["release"], i + 1] for i, w in enumerate(WINDOWS)]
    spec = site_charts.spec(site_charts.introducing_releases(introduced))
    doc = charts._fitted(charts.projected(spec), 300, 300)
    assert not charts._crowded(doc)
    assert doc["encoding"]["x"]["axis"].get("labelAngle") in (-45, -90)
    # A time axis thins its dates by design: never crowded, never turned.
    timed = charts._fitted(charts.projected(_spec()), 300, 300)
    assert not charts._discrete_xs(timed)
    assert not charts._crowded(timed)


def test_a_chart_can_leave_its_own_title_out() -> None:
    with_title = charts.picture(_spec(), 600, 300)
    without = charts.picture(_spec(), 600, 300, show_title=False)
    assert with_title.png != without.png
    assert "title" in json.loads(json.dumps(_spec()))


def test_without_a_box_a_chart_keeps_its_own_size() -> None:
    spec = _spec()
    png = charts.chart_png(spec, scale=2)
    natural = charts.picture(spec, scale=1)
    assert charts.png_size(png) == (round(natural.width * 2), round(natural.height * 2))
    assert natural.width > spec["width"]  # the plot's width plus its axes
