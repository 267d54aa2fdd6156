"""Charts to take away: every chart's PNG, SVG and CSV, made at build time offline, in the
projection style (opaque white, dark text, 1,920 px wide), the same bytes for the same data,
and the page's interactive spec that fits its container."""

from __future__ import annotations

import csv
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from kvmstatus.website import chartfiles, charts

RELEASES = ["v1", "v2", "v3"]


def _windows() -> list[dict[str, Any]]:
    return [
        {
            "release": r,
            "date": f"2024-0{i + 1}-10",
            "range": f"v{i}..{r}",
            "commits": 10 * (i + 1),
            "merges": i,
            "row": {"reviewed_share": 0.5 + i / 10},
        }
        for i, r in enumerate(RELEASES)
    ]


def _contexts() -> dict[str, Any]:
    return {
        "v2": {"release": "v2", "since": "2024-01-10", "days": 31, "per_month": 19.6},
        "v3": {"release": "v3", "since": "2024-02-10", "days": 29, "per_month": 31.5},
    }


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def png_pixels(data: bytes) -> bytes:
    """The decompressed image data of a PNG, every chunk's CRC checked on the way."""
    at, found = 8, []
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, content = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        (crc,) = struct.unpack(">I", data[at + 8 + size : at + 12 + size])
        assert zlib.crc32(kind + content) == crc, kind
        if kind == b"IDAT":
            found.append(content)
        at += 12 + size
    return zlib.decompress(b"".join(found))


def test_projection_style_is_opaque_with_dark_text() -> None:
    chart = charts.commits_per_release(_windows(), None, _contexts())
    image = charts.svg(chart)
    width = charts.svg_width(image)
    # The first thing drawn is an opaque white rectangle over the whole figure.
    assert f'<rect width="{width:g}"' in image.split(">", 2)[1] + ">"
    assert 'fill="#ffffff"' in image.split("<g", 1)[0]
    assert charts.DARK in image
    assert charts.INK not in image  # the page's grey is for the transparent page view
    page = charts.spec(chart)
    assert page["config"]["background"] == "transparent"
    assert charts.projection_spec(chart)["config"]["background"] == "#ffffff"


def test_png_is_projector_wide_and_deterministic() -> None:
    chart = charts.metric_trend(_windows(), "reviewed_share", "Reviewed", contexts=_contexts())
    data = charts.png(chart)
    width, height = png_size(data)
    assert width == charts.PNG_WIDTH
    assert 0 < height < width
    assert charts.png(chart) == data
    assert png_size(charts.png(chart, scale=1)) == (
        round(charts.svg_width(charts.svg(chart))),
        pytest.approx(height / (width / charts.svg_width(charts.svg(chart))), abs=2),
    )
    # Compressed again, the pixels are vl-convert's own.
    import vl_convert

    image = charts.svg(chart)
    raw = bytes(vl_convert.svg_to_png(image, scale=charts.PNG_WIDTH / charts.svg_width(image)))
    assert png_pixels(data) == png_pixels(raw)
    assert len(data) < len(raw)


def test_page_spec_fits_its_container_and_leaves_the_title_to_the_caption() -> None:
    chart = charts.commits_per_release(_windows(), None, _contexts())
    doc = charts.spec(chart)
    page = charts.page_spec(doc)
    assert "title" not in page
    assert page["width"] == "container"
    assert page["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert doc["width"] == charts.WIDTH  # the caller's document is not touched
    title, subtitle = charts.caption(chart)
    assert title == "Commits per release"
    assert charts.caption(doc) == (title, subtitle)
    assert subtitle[-1].startswith("Windows of 29 days to 31 days")
    # Panels keep their widths: the page's script wraps them.
    panels = charts.spec(charts.year_comparison([{"commits": 3}, {"commits": 2}]))
    assert "width" not in charts.page_spec(panels)
    assert charts.page_spec(panels)["concat"][0]["width"] == charts.YEAR_PANEL_WIDTH


def test_table_is_the_rows_drawn() -> None:
    doc = charts.spec(charts.commits_per_release(_windows(), None, _contexts()))
    rows = charts.table(doc)
    assert [(r["tag"], r["commits"], r["per_month"]) for r in rows] == [
        ("v1", 10, None),
        ("v2", 20, 19.6),
        ("v3", 30, 31.5),
    ]
    assert charts.table({"data": {"values": [{"a": 1}]}}) == [{"a": 1}]


def test_chart_files_are_made_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVMSTATUS_CACHE", str(tmp_path / "cache"))
    made = {
        "commits": charts.commits_per_release(_windows(), None, _contexts()),
        "people": charts.top_people(
            [{"name": 'Ann, "the" tester', "email": "ann@example.com", "count": 3}], "Top"
        ),
    }
    files = chartfiles.chart_files(made)
    assert sorted(files) == ["commits", "people"]
    for cid, found in files.items():
        spec = json.loads(found.spec)
        assert "title" not in spec
        assert found.svg.startswith("<svg")
        assert png_size(found.png)[0] == charts.PNG_WIDTH
        rows = list(csv.DictReader(io.StringIO(found.csv)))
        assert rows == [
            {k: "" if v is None else str(v) for k, v in row.items()}
            for row in charts.table(charts.spec(made[cid]))
        ]
        assert set(found.by_extension()) == set(chartfiles.EXTENSIONS)
    assert rows[0]["name"] == 'Ann, "the" tester'  # quoted as CSV, read back whole
    # A chart with nothing to draw has its columns all the same.
    empty = chartfiles.chart_files({"none": charts.introducing_releases([])})["none"]
    assert {"release", "count", "share"} <= set(empty.csv.splitlines()[0].split(","))

    # A second build draws nothing: the files come from the render cache, byte for byte.
    def refuse(doc: dict[str, Any]) -> tuple[str, bytes]:
        raise AssertionError("drawn again")

    monkeypatch.setattr(chartfiles, "draw", refuse)
    assert chartfiles.chart_files(made) == files
    # A damaged cache entry is drawn again, not served.
    for damaged in (tmp_path / "cache" / "render" / "png").glob("*.png"):
        damaged.write_bytes(b"not a png")
    monkeypatch.undo()
    monkeypatch.setenv("KVMSTATUS_CACHE", str(tmp_path / "cache"))
    assert chartfiles.chart_files(made) == files
