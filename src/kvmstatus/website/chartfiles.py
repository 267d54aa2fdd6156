"""The files of every chart of a site, made at build time, offline: the page's interactive
spec (`ID.vl.json`), and what a speaker takes away, in the projection style (opaque white,
dark text): `ID.svg` (also the page's image before and without its script), `ID.png` (1,920
pixels across) and `ID.csv` (the rows the chart draws).

Drawing is the slow part of a build (vl-convert runs Vega for each chart, then rasterises),
so the SVG and PNG are kept in the render cache (`~/.cache/kvmstatus/render/`) under the
SHA-256 of the spec they were drawn from: a rebuild draws only the charts whose data or look
changed. Misses are spread over worker processes when there are enough to pay for starting
them. The same spec gives the same bytes (vl-convert is deterministic).
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import altair as alt

from kvmstatus.shared.dirs import cache_dir
from kvmstatus.website import charts
from kvmstatus.website.pages.common import csv_text

EXTENSIONS = ("vl.json", "svg", "png", "csv")
"""The files of one chart, `charts/ID.EXT`."""
DRAWING = "svg; png 1920 px, zlib 6"
"""How `draw` makes the files: a change here draws every chart again (part of the key)."""


def _cache() -> Path:
    return cache_dir() / "render"


def read_cached(name: str) -> bytes | None:
    """The render cache's `name`, when its checksum (`name.sha256`) says it is intact."""
    path = _cache() / name
    try:
        data = path.read_bytes()
        expected = path.with_name(path.name + ".sha256").read_text(encoding="ascii").strip()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        return None  # edited or cut short: made again
    return data


def cached(name: str, make: Callable[[], bytes]) -> bytes:
    """`make()`, kept under the render cache as `name` (a content or version key)."""
    if (data := read_cached(name)) is not None:
        return data
    data = make()
    path = _cache() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, content in (
            (path, data),
            (path.with_name(path.name + ".sha256"), hashlib.sha256(data).hexdigest().encode()),
        ):
            tmp = target.with_name(f".{target.name}.{os.getpid()}")
            tmp.write_bytes(content)
            tmp.replace(target)
    except OSError:
        pass  # a read-only cache only costs the work again next time
    return data


def draw(doc: dict[str, Any]) -> tuple[str, bytes]:
    """The SVG and the PNG of a projection spec (picklable, for worker processes)."""
    image = charts.svg_of_spec(doc)
    return image, charts.png_of_svg(image)


def _draw_all(docs: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    if len(docs) > 16 and (os.cpu_count() or 1) > 1:
        # Spawned, not forked: the caller may have threads (Prefect's), and a forked child
        # can inherit one of their locks held forever.
        spawn = multiprocessing.get_context("spawn")
        # The workers ignore Ctrl-C: the command stops them itself, without their tracebacks.
        with ProcessPoolExecutor(
            min(4, os.cpu_count() or 2),
            mp_context=spawn,
            initializer=signal.signal,
            initargs=(signal.SIGINT, signal.SIG_IGN),
        ) as pool:
            return list(pool.map(draw, docs, chunksize=4))
    return [draw(doc) for doc in docs]


@dataclass(frozen=True)
class ChartFiles:
    """One chart's files, as written under `charts/`."""

    spec: str
    svg: str
    png: bytes
    csv: str

    def by_extension(self) -> dict[str, bytes]:
        return {
            "vl.json": self.spec.encode("utf-8"),
            "svg": self.svg.encode("utf-8"),
            "png": self.png,
            "csv": self.csv.encode("utf-8"),
        }


def chart_files(plan_charts: Mapping[str, alt.TopLevelMixin]) -> dict[str, ChartFiles]:
    """Every chart's files, by chart id: drawn, or from the render cache."""
    page: dict[str, str] = {}
    tables: dict[str, str] = {}
    projected: dict[str, dict[str, Any]] = {}
    for cid, chart in sorted(plan_charts.items()):
        raw = chart.to_dict()  # validated against Vega-Lite's schema, once
        page[cid] = charts.spec_json(charts.page_spec(charts.themed(raw)))
        # A chart with nothing to draw still says what its rows would hold.
        tables[cid] = csv_text(charts.table(raw)) or ",".join(charts.fields(raw)) + "\n"
        projected[cid] = charts.themed(raw, charts.PROJECTION)
    # The drawing's inputs: the spec, and what draws it (a new vl-convert may draw otherwise).
    drawer = f"vl-convert {metadata.version('vl-convert-python')}, {DRAWING}\n"
    keys = {
        cid: hashlib.sha256((drawer + json.dumps(doc, sort_keys=True)).encode()).hexdigest()
        for cid, doc in projected.items()
    }
    drawn: dict[str, tuple[str, bytes]] = {}
    for cid, key in keys.items():
        stored, raster = read_cached(f"svg/{key}.svg"), read_cached(f"png/{key}.png")
        if stored is not None and raster is not None:
            drawn[cid] = (stored.decode("utf-8"), raster)
    missing = [cid for cid in keys if cid not in drawn]
    made = _draw_all([projected[cid] for cid in missing])
    for cid, (image, raster) in zip(missing, made, strict=True):
        cached(f"svg/{keys[cid]}.svg", functools.partial(image.encode, "utf-8"))
        cached(f"png/{keys[cid]}.png", functools.partial(bytes, raster))
        drawn[cid] = (image, raster)
    return {cid: ChartFiles(page[cid], drawn[cid][0], drawn[cid][1], tables[cid]) for cid in keys}
