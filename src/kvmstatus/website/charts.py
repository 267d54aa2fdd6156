"""The site's charts: Altair (Vega-Lite) specifications built from the data directory's JSON.

This module owns what every chart of the site looks like: two themes (`THEME` for the page,
transparent over the light and the dark scheme; `PROJECTION` for the files a speaker takes
away: opaque white, dark text, larger type), the chart builders (plain lists and dicts of
the documents' shapes in, `alt.Chart` / `alt.LayerChart` / `alt.ConcatChart` out) and the
converters: `spec` (the Vega-Lite JSON), `page_spec` (the page's interactive view: it takes
the width of its container, and its title becomes the figure's caption), `svg` and `png`
(vl-convert, offline, in the projection style; the slides use `png` too), `caption` and
`table` (the chart's data rows, for its CSV). It does no file I/O: the site stage decides
where specs and images go.

Colours follow names (`website.colours`): a company, an architecture, a trailer has one
colour on every chart. Charts across releases have a time axis: a bar spans its window,
from the previous release to its own (`ReleaseContext.since`), so a window of 17 months is
17 months wide next to one of 2; a count chart says how long the windows were.

Names, emails, company names and release tags come from git and are untrusted. They are only
ever chart *data* (never HTML, never field names, never parts of Vega expressions that we
write), are cleaned of control and invisible direction-changing characters, are shortened
for axis and legend labels (made unique again, so two people never share a bar), and keep
their full (bounded) text in the tooltip. The SVG renderer escapes them as XML text.

Every builder is deterministic: the same data gives the same `spec`, `svg` and `png`.
"""

from __future__ import annotations

import copy
import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Literal, TypeVar

import altair as alt
import vl_convert

from kvmstatus.model.documents import ReleaseContext
from kvmstatus.model.trailers import CHARTED_TRAILERS, HEADLINE_TRAILERS, TrailerKind
from kvmstatus.shared.formats import fmt_days, fmt_int
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.shared.numbers import by_count
from kvmstatus.shared.text import merged, one_line
from kvmstatus.website import colours
from kvmstatus.website.colours import FAINT, GREY, HALF, OTHER, PALETTE, UNRELEASED

Doc = Mapping[str, Any]
Contexts = Mapping[str, ReleaseContext]
"""Each release's `ReleaseContext` (`releases.json`) by release: when its window ran."""
AnyChart = alt.Chart | alt.LayerChart | alt.ConcatChart
_C = TypeVar("_C", alt.Chart, alt.LayerChart, alt.ConcatChart)

# --- themes --------------------------------------------------------------------------------

# Plot-area sizes of the files taken away and of the page before its script runs: Vega-Lite's
# width excludes the y axis (labels and title take ~60 px), so 660 px make a figure of about
# 740 px, the content column's width. The page's interactive view takes its container's
# width instead (`page_spec`).
WIDTH: Final = 660
HEIGHT: Final = 260

FONT: Final = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", Arial, sans-serif'
)
# One grey for all text and axes on the page: #808080 has a contrast of ~4:1 both on white
# and on Material's slate background (#1e2129); no single colour does better on both, and
# the page's charts are transparent over either scheme.
INK: Final = GREY
DARK: Final = "#1b1b1b"
"""The projection style's text: near black on white (contrast 17:1), legible on a projector."""

# A legend wraps to the room its figure has on the page (Vega's `containerSize()`, zero where
# there is no container: the files, drawn at the fixed width). Beside the y axis (~60 px), a
# column takes its label (at most 140 px, 110 on a phone) and ~30 px of symbol and gap.
_NARROW: Final = "(containerSize()[0] > 0 && containerSize()[0] < 480)"
_LEGEND_COLUMNS: Final = {
    "expr": f"max(1, floor(((containerSize()[0] || 740) - 60) / ({_NARROW} ? 140 : 170)))"
}
_LEGEND_LABELS: Final = {"expr": f"{_NARROW} ? 110 : 140"}

THEME: Final[dict[str, Any]] = {
    "background": "transparent",
    "font": FONT,
    "padding": 5,
    "view": {"stroke": None},
    "title": {
        "anchor": "start",
        "color": INK,
        "fontSize": 15,
        "fontWeight": 600,
        "subtitleColor": INK,
        "subtitleFontSize": 12,
        "subtitlePadding": 4,
        "offset": 12,
    },
    "axis": {
        "domainColor": INK,
        "tickColor": INK,
        "gridColor": INK,
        # A faint grid: 25% of the mid grey is light grey on white and dark grey on slate.
        "gridOpacity": 0.25,
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 11,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelLimit": 180,
    },
    "legend": {
        "orient": "bottom",
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 11,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelLimit": _LEGEND_LABELS,
        "symbolStrokeWidth": 2,
        "columns": _LEGEND_COLUMNS,
        # Two legends (a chart's colours and its dashes) one under the other, not side by
        # side past a phone's width.
        "layout": {"expr": "{bottom: {direction: 'vertical', anchor: 'start', margin: 8}}"},
    },
    "header": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12},
    "text": {"color": INK, "fontSize": 11},
    "range": {"category": list(PALETTE)},
    # Round joins: miter joins draw spikes where a line turns sharply between releases.
    "line": {"strokeWidth": 2, "strokeJoin": "round", "strokeCap": "round"},
    "point": {"size": 36, "filled": True},
    # Per-mark ARIA labels repeat every tooltip in the SVG (half its size on a 70-release
    # chart) and read as hundreds of items; the site gives each figure its own text instead.
    "mark": {"color": PALETTE[0], "aria": False},
    "concat": {"spacing": 24},
}


def _projection() -> dict[str, Any]:
    """`THEME` for a projector and a slide: opaque white, near-black text, type about a fifth
    larger, a fixed legend. Drawn 1,920 px wide (`png`), a 13 px label becomes ~34 px."""
    theme = copy.deepcopy(THEME)
    theme["background"] = "#ffffff"
    theme["title"] |= {"color": DARK, "subtitleColor": "#333333", "fontSize": 18}
    theme["title"]["subtitleFontSize"] = 14
    theme["axis"] |= {
        "domainColor": "#555555",
        "tickColor": "#555555",
        "gridColor": "#000000",
        "gridOpacity": 0.12,
        "labelColor": DARK,
        "titleColor": DARK,
        "labelFontSize": 13,
        "titleFontSize": 14,
    }
    theme["legend"] |= {
        "labelLimit": 160,
        "labelColor": DARK,
        "titleColor": DARK,
        "labelFontSize": 13,
        "titleFontSize": 14,
        "columns": 4,
    }
    theme["header"] |= {"labelColor": DARK, "titleColor": DARK}
    theme["text"] = {"color": DARK, "fontSize": 13}
    return theme


PROJECTION: Final[dict[str, Any]] = _projection()
PNG_WIDTH: Final = 1920
"""Pixels across of `png`'s image by default: a projector's or a slide's full width."""

# --- untrusted text --------------------------------------------------------------------------

LABEL_LIMIT: Final = 28
"""Characters of a name or company shown on an axis or in a legend."""
TOOLTIP_LIMIT: Final = 200
"""Characters of any text carried to a tooltip: enough for a name, bounded for a hostile one."""


def clean_text(text: object, limit: int = TOOLTIP_LIMIT) -> str:
    """`text` as one visible line of at most `limit` characters (`shared.text.one_line`: the
    slides clean their text the same way)."""
    return one_line(text, limit)


def unique_labels(
    texts: Sequence[object], limit: int = LABEL_LIMIT, hints: Sequence[object] | None = None
) -> list[str]:
    """Short labels for `texts`, distinct even when two texts are equal or shorten alike.

    A nominal axis draws one band per distinct value, so two people with the same name (or
    names equal in their first `limit` characters) would otherwise share one bar. Collisions
    get their `hints` (e.g. the email) appended, then a counter.
    """
    labels = [clean_text(t, limit) or "(none)" for t in texts]
    counts = Counter(labels)
    if hints is not None:
        labels = [
            f"{label} ({clean_text(hint, 24)})" if counts[label] > 1 and hint else label
            for label, hint in zip(labels, hints, strict=True)
        ]
    seen: Counter[str] = Counter()
    final: list[str] = []
    taken = set(labels)
    for label in labels:
        seen[label] += 1
        if seen[label] == 1:
            final.append(label)
            continue
        k = seen[label]
        while f"{label} #{k}" in taken:
            k += 1
        taken.add(f"{label} #{k}")
        final.append(f"{label} #{k}")
    return final


def _num(value: object) -> float | int | None:
    """A finite number, or None (a gap): JSON has no NaN and a chart should not draw one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# Percent ticks with only the decimals they need ("0.5%", "1%", "10%"): Vega picks round tick
# values, and a fixed ".0%" would print "1%" twice on an axis from 0 to 3%.
PERCENT: Final = ".2~%"


def is_share(key: str) -> bool:
    """Whether a row metric is a fraction in [0, 1] (drawn on a percentage axis)."""
    return key.endswith("_share") or key == "review_coverage"


def default_format(key: str) -> str:
    """The d3 format of a row metric in tooltips."""
    if is_share(key):
        return ".1%"
    if key.endswith("_days"):
        return ",.0f"
    return ","


# --- shared pieces ---------------------------------------------------------------------------


def _releases(windows: Sequence[Doc]) -> list[str]:
    # Tags may contain anything git allows; the label is also the sort key, so it is unique.
    return unique_labels([w.get("release") for w in windows], limit=40)


def _release_x(releases: Sequence[str], title: str = "Release") -> alt.X:
    """A band x axis in the given release order, its labels turned when they would collide."""
    longest = max((len(r) for r in releases), default=0)
    band = WIDTH / max(len(releases), 1)
    # ~6.5 px per character at 11 px; upright when they fit, slanted while a slanted label
    # still clears its neighbour, vertical (every other one hidden if need be) beyond that.
    angle = 0 if longest * 6.5 + 8 <= band else (-45 if band >= 16 else -90)
    return alt.X(
        "release:N",
        sort=list(releases),
        title=title,
        axis=alt.Axis(labelAngle=angle, labelOverlap="parity", labelPadding=4),
    )


def _time_x(
    rows: Sequence[Mapping[str, Any]], field: str = "end", title: str | None = "Release date"
) -> alt.X:
    """The time axis of charts across releases, in UTC (the same labels on every machine):
    ticks at years over two years or more (at most about ten), else at quarters or months,
    each labelled with its year so no label is ambiguous."""
    dates = sorted(d for r in rows for d in (r.get("start"), r.get("end")) if d)
    days = (
        (datetime.fromisoformat(dates[-1]) - datetime.fromisoformat(dates[0])).days if dates else 0
    )
    if days >= 2 * 365:
        ticks: dict[str, Any] = {
            "tickCount": {"interval": "year", "step": max(1, math.ceil(days / 365 / 10))},
            "format": "%Y",
        }
    else:
        step = 3 if days > 270 else 1
        ticks = {"tickCount": {"interval": "month", "step": step}, "format": "%b %Y"}
    return alt.X(
        f"{field}:T",
        title=title,
        # A few pixels inside the axes: a point on the first or last release stays clear.
        scale=alt.Scale(type="utc", padding=8),
        axis=alt.Axis(labelAngle=0, labelOverlap=True, labelFlush=True, **ticks),
    )


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    text = clean_text(text, 120)
    lines = [] if subtitle is None else [subtitle] if isinstance(subtitle, str) else list(subtitle)
    lines = [clean_text(s, 160) for s in lines if s]
    return alt.TitleParams(text=text, subtitle=lines) if lines else alt.TitleParams(text=text)


def _data(rows: Iterable[Mapping[str, Any]]) -> alt.InlineData:
    return alt.InlineData(values=[dict(r) for r in rows])


def _described(chart: _C, title: str) -> _C:
    # Vega gives the interactive view this description as its aria-label (screen readers).
    return chart.properties(description=clean_text(title, 120))


def _date(value: object) -> str | None:
    text = clean_text(value, 40)
    return text[:10] if text else None


def _base_row(window: Doc, release: str, contexts: Contexts | None = None) -> dict[str, Any]:
    """A window's row of any chart across releases: its label, tag and dates; where its
    `ReleaseContext` is known, when it started (`start`) and how many days it ran."""
    context = (contexts or {}).get(str(window.get("release")))
    end = _date(window.get("date"))
    start = _date(context.get("since")) if context else None
    days = _num(context.get("days")) if context else None
    return {
        "release": release,
        "tag": clean_text(window.get("release")),
        "date": clean_text(window.get("date"), 40),
        "start": start,
        "end": end,
        "days": days,
        "window": f"{start} to {end}, {fmt_days(days)}" if start and end else "",
    }


_RELEASE_TIPS: Final = (
    alt.Tooltip("tag:N", title="release"),
    alt.Tooltip("window:N", title="window"),
)


def window_lengths(windows: Sequence[Doc], contexts: Contexts | None, bars: bool = False) -> str:
    """The range of the windows' lengths, for a chart's subtitle ("" when unknown); `bars`:
    the chart's bars span the windows (else its points sit at the releases)."""
    days = sorted(
        d
        for w in windows
        if (c := (contexts or {}).get(str(w.get("release")))) and (d := _num(c.get("days")))
    )
    if not days:
        return ""
    how = (
        "a bar spans its window, from the previous release to its own"
        if bars
        else "a point is a window's release, the line runs from release to release"
    )
    if days[-1] > 2 * days[0]:
        return f"Windows run from {fmt_days(days[0])} to {fmt_days(days[-1])}: {how}"
    return f"Windows of {fmt_days(days[0])} to {fmt_days(days[-1])}; {how}"


def uneven(windows: Sequence[Doc], contexts: Contexts | None) -> bool:
    """Whether the windows' lengths differ by more than 2x (`ReleaseContext.uneven`, the
    analysis' answer over the counted windows): then counts need a per-month rate beside."""
    return any(
        bool(c.get("uneven")) for w in windows if (c := (contexts or {}).get(str(w.get("release"))))
    )


def _window_bars(
    rows: Sequence[Mapping[str, Any]],
    y: alt.Y,
    tips: Sequence[alt.Tooltip],
    colour: str | alt.Color = PALETTE[0],
    title: str | None = "Release window",
    stacked: tuple[str, str] | None = None,
) -> list[alt.Chart]:
    """Bars across releases on the time axis, inheriting the chart's data: a bar spans its
    window (start to release) from zero to its value; a window with no known start (the
    initial window, or data without release contexts) is a narrow bar at its release.

    `stacked` (the value's field, the field to order by) stacks a window's bars to 100%,
    from `stack_start` to `stack_end` (`y` must draw the latter). Vega-Lite reads a bar
    with x and x2 as a horizontal one and will not stack it: the stack is a transform."""
    encoding: dict[str, Any] = {"y": y, "tooltip": list(tips)}
    encoding["y2"] = alt.Y2(datum=0) if stacked is None else alt.Y2("stack_start:Q")
    fixed = isinstance(colour, str)
    mark: dict[str, Any] = {"color": colour} if fixed else {}
    if not fixed:
        encoding["color"] = colour

    def stack(chart: alt.Chart) -> alt.Chart:
        if stacked is None:
            return chart
        value, order = stacked
        return chart.transform_stack(
            stack=value,
            groupby=["end"],
            sort=[alt.SortField(order, "ascending")],
            offset="normalize",
            as_=["stack_start", "stack_end"],
        )

    layers = []
    if any(r.get("start") for r in rows):
        layers.append(
            stack(alt.Chart().transform_filter("isValid(datum.start)"))
            # Half a pixel off each end: neighbouring windows touch, their bars must not.
            .mark_bar(xOffset=0.5, x2Offset=-0.5, **mark)
            .encode(x=_time_x(rows, "start", title), x2="end:T", **encoding)
        )
    if any(not r.get("start") for r in rows):
        layers.append(
            stack(alt.Chart().transform_filter("!isValid(datum.start)"))
            .mark_bar(width=4, **mark)
            .encode(x=_time_x(rows, "end", title), **encoding)
        )
    return layers


def _window_layer(
    rows: list[dict[str, Any]], layers: Sequence[alt.Chart], title: str, subtitle: Any
) -> alt.LayerChart:
    """The layers over the one data set of a chart across releases, titled and sized."""
    chart = alt.LayerChart(data=_data(rows), layer=list(layers)).properties(
        title=_title(title, subtitle), width=WIDTH, height=HEIGHT
    )
    return _described(chart, title)


# --- 1. commits per release ------------------------------------------------------------------


def trend_values(trend: Doc | None, n: int) -> list[float] | None:
    """The trend line's value at each window index 0..n-1 (`slope * i + intercept`)."""
    if not trend:
        return None
    slope, intercept = _num(trend.get("slope")), _num(trend.get("intercept"))
    if slope is None or intercept is None:
        return None
    if trend.get("n") not in (None, n):
        raise ValueError(
            f"the trend was computed over {trend.get('n')} windows, the chart has {n}: "
            "pass the windows the trend was computed from"
        )
    return [slope * i + intercept for i in range(n)]


def commits_per_release(
    windows: Sequence[Doc], trend: Doc | None, contexts: Contexts | None = None
) -> alt.LayerChart:
    """Non-merge commits per release window as bars spanning the windows, with the project's
    least-squares trend (`project.json`'s `trend`, index 0 = oldest window) as a dashed line
    through the releases."""
    releases = _releases(windows)
    line = trend_values(trend, len(windows))
    rows = []
    for i, (w, release) in enumerate(zip(windows, releases, strict=True)):
        row = _base_row(w, release, contexts)
        context: Doc = (contexts or {}).get(str(w.get("release"))) or {}
        row |= {
            "commits": _num(w.get("commits")),
            "merges": _num(w.get("merges")),
            "range": clean_text(w.get("range")),
            "per_month": _num(context.get("per_month")),
        }
        if line is not None:
            row["trend"] = round(line[i], 1)
        rows.append(row)
    tips = [
        *_RELEASE_TIPS,
        alt.Tooltip("range:N", title="range"),
        alt.Tooltip("commits:Q", title="commits", format=","),
        alt.Tooltip("per_month:Q", title="commits per month", format=",.1f"),
        alt.Tooltip("merges:Q", title="merges", format=","),
    ]
    if line is not None:
        tips.append(alt.Tooltip("trend:Q", title="trend", format=",.1f"))
    y = alt.Y("commits:Q", title="Commits (non-merge)")
    layers = _window_bars(rows, y, tips)
    subtitle = [window_lengths(windows, contexts, bars=True)]
    if line is not None and trend is not None:
        # The line is the library's own fit (the numbers the site prints), not Vega's
        # regression transform, so the chart and the text can never disagree.
        layers.append(
            alt.Chart()
            .mark_line(color=PALETTE[1], strokeDash=[6, 4], strokeWidth=2)
            .encode(x=_time_x(rows, title="Release window"), y=alt.Y("trend:Q"))
        )
        subtitle.insert(
            0,
            f"Dashed: least-squares trend, {float(trend['slope']):+,.1f} commits per release, "
            f"r\u00b2 = {float(trend.get('r2') or 0.0):.2f} over {len(windows)} releases",
        )
    else:
        subtitle.insert(0, "No trend: it needs at least two releases")
    return _window_layer(rows, layers, "Commits per release", subtitle)


def commits_per_month(windows: Sequence[Doc], contexts: Contexts | None) -> alt.LayerChart:
    """Commits per month (30.44 days) of each window (`ReleaseContext.per_month`), bars
    spanning the windows: beside the counts where the windows' lengths differ by more than
    2x, the rate is what compares."""
    releases = _releases(windows)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        context: Doc = (contexts or {}).get(str(w.get("release"))) or {}
        rows.append(
            _base_row(w, release, contexts)
            | {"commits": _num(w.get("commits")), "per_month": _num(context.get("per_month"))}
        )
    tips = [
        *_RELEASE_TIPS,
        alt.Tooltip("per_month:Q", title="commits per month", format=",.1f"),
        alt.Tooltip("commits:Q", title="commits", format=","),
    ]
    y = alt.Y("per_month:Q", title="Commits per month")
    subtitle = [
        "Each window's non-merge commits per month of 30.44 days",
        window_lengths(windows, contexts, bars=True),
    ]
    return _window_layer(
        rows, _window_bars(rows, y, tips, PALETTE[6]), "Commits per month", subtitle
    )


# --- 2./3. metrics across releases -----------------------------------------------------------


def _y_metric(field: str, title: str, share: bool, integer: bool) -> alt.Y:
    # Integer counts must not get ticks at 0.5; shares read as percentages.
    axis = alt.Axis(format=PERCENT) if share else alt.Axis(tickMinStep=1 if integer else 0)
    return alt.Y(f"{field}:Q", title=title, axis=axis, scale=alt.Scale(zero=True))


def metric_trend(
    windows: Sequence[Doc],
    key: str,
    title: str,
    fmt: str | None = None,
    contexts: Contexts | None = None,
) -> alt.Chart:
    """One scalar of the windows' `row` across releases: line and points at the release
    dates, gaps for nulls, a percentage axis for shares. `fmt` is the tooltip's d3 format
    (default by key)."""
    releases = _releases(windows)
    fmt = fmt or default_format(key)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        row = _base_row(w, release, contexts)
        row["value"] = _num((w.get("row") or {}).get(key))
        rows.append(row)
    values = [r["value"] for r in rows if r["value"] is not None]
    integer = all(isinstance(v, int) for v in values)
    subtitle = window_lengths(windows, contexts) if values else "No value in any release"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_line(point=True)
        .encode(
            x=_time_x(rows),
            y=_y_metric("value", title, is_share(key), integer),
            tooltip=[*_RELEASE_TIPS, alt.Tooltip("value:Q", title=clean_text(title), format=fmt)],
        )
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


TRAILER_SHARES: Final = tuple((f"{k.row}_share", k.key) for k in CHARTED_TRAILERS)


def _series_chart(
    rows: list[dict[str, Any]],
    names: Sequence[str],
    title: str,
    subtitle: str | Sequence[str] | None,
    y: alt.Y,
    value_tips: Sequence[alt.Tooltip],
    legend_title: str,
    book: Mapping[str, str] | None = None,
    extra: Sequence[alt.Chart] = (),
) -> alt.LayerChart:
    """Lines across releases (one per name, at the release dates) in the names' colours
    (`colours.distinct` over the family's `book`), each with the point shape of its colour;
    `extra` layers (marks on the time axis) are drawn under them."""
    domain = list(names)
    palette = colours.distinct(domain, book)
    key = alt.Legend(title=legend_title) if len(domain) > 1 else None  # one line needs none
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=_time_x(rows),
            y=y,
            color=alt.Color(
                "series:N",
                title=legend_title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=palette),
                legend=key,
            ),
            # A second cue besides colour: the point shape.
            shape=alt.Shape(
                "series:N",
                title=legend_title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=[colours.shape(c) for c in palette]),
                legend=key,
            ),
            tooltip=[*_RELEASE_TIPS, alt.Tooltip("series:N", title=legend_title), *value_tips],
        )
    )
    return _window_layer(rows, [*extra, lines], title, subtitle)


def trailer_shares(windows: Sequence[Doc], contexts: Contexts | None = None) -> alt.LayerChart:
    """Share of commits carrying each charted trailer (`TrailerKind.charted`) per release, in
    the trailers' colours."""
    releases = _releases(windows)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        row = w.get("row") or {}
        for key, name in TRAILER_SHARES:
            rows.append(
                _base_row(w, release, contexts) | {"series": name, "value": _num(row.get(key))}
            )
    return _series_chart(
        rows,
        [name for _, name in TRAILER_SHARES],
        "Trailers per release",
        ["Share of non-merge commits carrying each trailer", window_lengths(windows, contexts)],
        _y_metric("value", "Share of commits", share=True, integer=False),
        [alt.Tooltip("value:Q", title="share", format=".1%")],
        "Trailer",
    )


# --- 4. companies ----------------------------------------------------------------------------

_COMPANY_TABLES: Final = {
    "commits": ("companies", "commits"),
    "reviews": ("review_companies", "reviews"),
}


def _company_totals(windows: Sequence[Doc], kind: str) -> tuple[Counter[str], list[Counter[str]]]:
    table, field = _COMPANY_TABLES[kind]
    totals: Counter[str] = Counter()
    per_window: list[Counter[str]] = []
    for w in windows:
        counts: Counter[str] = Counter()
        for entry in w.get(table) or ():
            n = _num(entry.get(field))
            if n:
                counts[clean_text(entry.get("company"))] += int(n)
        per_window.append(counts)
        totals.update(counts)
    return totals, per_window


def top_companies(windows: Sequence[Doc], kind: str = "commits", top: int = 8) -> list[str]:
    """The `top` companies of the windows' commits (or reviews), most first: the ones
    `company_shares` draws in colour."""
    totals, _ = _company_totals(windows, kind)
    return [c for c, _ in by_count(totals) if c not in (UNKNOWN, OTHER)][:top]


def company_colours(windows: Sequence[Doc], top: int = 8) -> dict[str, str]:
    """The companies' colours for every company chart of these windows: `colours.assign`
    over the companies either chart draws, so a company has one colour on both."""
    return colours.assign(
        [*top_companies(windows, "commits", top), *top_companies(windows, "reviews", top)]
    )


def company_shares(
    windows: Sequence[Doc],
    kind: Literal["commits", "reviews"] = "commits",
    top: int = 8,
    contexts: Contexts | None = None,
) -> alt.LayerChart:
    """Each release's commits (or Reviewed-by lines) by company, as 100% stacked bars
    spanning the windows.

    The `top` companies over all the windows get their own colours (`company_colours`, the
    same on the commits and the reviews chart), the rest add up to "Other"; `(Unknown)` (no
    known affiliation) is never folded into "Other" and has its own neutral colour, so the
    share the map cannot place stays visible.
    """
    releases = _releases(windows)
    totals, per_window = _company_totals(windows, kind)
    chosen = top_companies(windows, kind, top)
    labels = dict(zip(chosen, unique_labels(chosen, limit=24), strict=True))
    book = company_colours(windows, top)
    domain = [labels[c] for c in chosen]
    palette = colours.distinct(chosen, book)
    if len(totals) - (UNKNOWN in totals) - (OTHER in totals) > top or OTHER in totals:
        domain.append(OTHER)
        palette.append(colours.NEUTRAL[OTHER])
    if UNKNOWN in totals:
        domain.append(UNKNOWN)
        palette.append(colours.NEUTRAL[UNKNOWN])
    rank = {label: i for i, label in enumerate(domain)}
    rows = []
    for w, release, counts in zip(windows, releases, per_window, strict=True):
        whole = sum(counts.values())
        grouped: Counter[str] = Counter()
        names: dict[str, list[str]] = {}
        for company, n in counts.items():
            label = labels.get(company, UNKNOWN if company == UNKNOWN else OTHER)
            grouped[label] += n
            names.setdefault(label, []).append(company)
        for label, n in grouped.items():
            rows.append(
                _base_row(w, release, contexts)
                | {
                    "company": label,
                    "full": clean_text(
                        ", ".join(names[label])
                        if label != OTHER
                        else (f"{len(names[label])} companies")
                    ),
                    "value": n,
                    "share": round(n / whole, 4),
                    "order": rank[label],
                }
            )
    position = {release: i for i, release in enumerate(releases)}
    rows.sort(key=lambda r: (position[r["release"]], r["order"]))
    noun = "commits" if kind == "commits" else "Reviewed-by lines"
    title = "Commits by company" if kind == "commits" else "Reviews by company"
    y = alt.Y("stack_end:Q", title=f"Share of {noun}", axis=alt.Axis(format=".0%"))
    colour = alt.Color(
        "company:N",
        title="Company",
        sort=domain,
        scale=alt.Scale(domain=domain, range=palette),
        legend=alt.Legend(symbolType="square"),
    )
    tips = [
        *_RELEASE_TIPS,
        alt.Tooltip("full:N", title="company"),
        alt.Tooltip("value:Q", title=noun, format=","),
        alt.Tooltip("share:Q", title="share", format=".1%"),
    ]
    # Largest companies at the bottom, Other and (Unknown) on top, every release alike.
    layers = _window_bars(rows, y, tips, colour, stacked=("value", "order"))
    subtitle = [
        f"Top {len(chosen)} companies over all releases; affiliation by email domain at the "
        "commit's date",
        window_lengths(windows, contexts, bars=True),
    ]
    return _window_layer(rows, layers, title, subtitle)


# --- 5./8. architectures ---------------------------------------------------------------------


def _arch_counts(window: Doc) -> dict[str, Doc]:
    return {str(a.get("name")): a for a in window.get("architectures") or ()}


def active_architectures(
    windows: Sequence[Doc], arch_names: Sequence[str], counts: str = "architectures"
) -> tuple[list[str], list[str]]:
    """The architectures with commits in the windows (mapping order), and those without: a
    chart draws the first (four flat lines at zero would hide each other) and names the
    second. `counts` is where the windows keep them: `architectures` or `testing`."""

    def commits(w: Doc, arch: str) -> float:
        if counts == "testing":
            return _num((w.get("testing") or {}).get(arch)) or 0
        return _num((_arch_counts(w).get(arch) or {}).get("commits")) or 0

    drawn = [a for a in arch_names if any(commits(w, a) for w in windows)]
    return drawn, [a for a in arch_names if a not in drawn]


def _left_out(drawn: Sequence[str], names: Sequence[str], what: str = "no commit") -> str:
    """What a subtitle says of the architectures a chart leaves out (`names`)."""
    if not names:
        return ""
    if not drawn:
        return f"{what.capitalize()} in these releases for any architecture"
    return f"Left out, with {what} in these releases: " + ", ".join(
        clean_text(n, 24) for n in names
    )


def arch_commits(
    windows: Sequence[Doc], arch_names: Sequence[str], contexts: Contexts | None = None
) -> alt.LayerChart | alt.Chart:
    """Commits per architecture per release, one line each (lines, not stacks: a commit
    counts for every architecture it touches, so a stack would overstate the total), in the
    architectures' colours (`colours.assign` over the whole mapping, so an architecture
    keeps its colour on every chart); the architectures without a commit in the windows are
    left out and named.

    For a single window (a release's own page) lines would be lone points: it draws one
    bar per architecture instead, in the same colours.
    """
    releases = _releases(windows)
    book = colours.assign(arch_names)
    drawn, absent = active_architectures(windows, arch_names)
    names = unique_labels(drawn, limit=24)
    book = {n: book[a] for a, n in zip(drawn, names, strict=True)}
    rows = []
    for w, release in zip(windows, releases, strict=True):
        arches = _arch_counts(w)
        for arch, name in zip(drawn, names, strict=True):
            entry = arches.get(arch) or {}
            rows.append(
                _base_row(w, release, contexts)
                | {
                    "series": name,
                    "value": _num(entry.get("commits")) or 0,
                    "authors": _num(entry.get("authors")) or 0,
                }
            )
    note = ["A commit touching several architectures counts for each", _left_out(drawn, absent)]
    tips = [
        alt.Tooltip("value:Q", title="commits", format=","),
        alt.Tooltip("authors:Q", title="authors", format=","),
    ]
    if len(windows) != 1:
        note.append(window_lengths(windows, contexts))
        return _series_chart(
            rows,
            names,
            "Commits per architecture",
            note,
            _y_metric("value", "Commits (non-merge)", share=False, integer=True),
            tips,
            "Architecture",
            book,
        )
    title = f"Commits per architecture in {releases[0]}"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "series:N", sort=list(names), title="Architecture", axis=alt.Axis(labelAngle=0)
            ),
            y=_y_metric("value", "Commits (non-merge)", share=False, integer=True),
            color=alt.Color(
                "series:N",
                sort=list(names),
                scale=alt.Scale(domain=list(names), range=colours.distinct(names, book)),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("tag:N", title="release"),
                alt.Tooltip("series:N", title="architecture"),
                *tips,
            ],
        )
        .properties(title=_title(title, note), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


def arch_trend(
    windows: Sequence[Doc],
    arch: str,
    contexts: Contexts | None = None,
    arch_names: Sequence[str] = (),
) -> alt.LayerChart:
    """One architecture's commits per release (its page), bars spanning the windows in the
    architecture's colour (its colour among `arch_names`, the mapping), with authors and
    its share of the release's commits in the tooltip."""
    releases = _releases(windows)
    name = clean_text(arch, 40)
    colour = colours.assign([*arch_names, arch])[arch]
    rows = []
    for w, release in zip(windows, releases, strict=True):
        entry = _arch_counts(w).get(arch) or {}
        commits = _num(entry.get("commits")) or 0
        total = _num(w.get("commits"))
        rows.append(
            _base_row(w, release, contexts)
            | {
                "commits": commits,
                "authors": _num(entry.get("authors")) or 0,
                "share": round(commits / total, 4) if total else None,
            }
        )
    tips = [
        *_RELEASE_TIPS,
        alt.Tooltip("commits:Q", title="commits", format=","),
        alt.Tooltip("authors:Q", title="authors", format=","),
        alt.Tooltip("share:Q", title="share of all commits", format=".1%"),
    ]
    y = alt.Y("commits:Q", title="Commits (non-merge)", axis=alt.Axis(tickMinStep=1))
    subtitle = [
        "Non-merge commits touching the architecture's files",
        window_lengths(windows, contexts, bars=True),
    ]
    return _window_layer(
        rows, _window_bars(rows, y, tips, colour), f"{name}: commits per release", subtitle
    )


TREE_LIMIT: Final = 8
"""Source trees drawn as lines: the ones that brought the most commits over all windows."""


def tree_label(tree: object) -> str:
    """A tree's short name: the last two components of its URL path (`kvmarm/kvmarm`)."""
    text = str(tree)
    if text.startswith("local"):
        return text
    return "/".join(text.split("/")[-2:])


def tree_commits(
    windows: Sequence[Doc], limit: int = TREE_LIMIT, contexts: Contexts | None = None
) -> alt.LayerChart:
    """Commits brought in per source tree per release (`trees` of the window documents),
    one line for each of the `limit` trees with the most commits, zero where a tree sent no
    pull, in the trees' colours (by their URLs). Lines, not stacks: trees nest (kvmarm's
    commits come in again with kvm.git's)."""
    releases = _releases(windows)
    totals: Counter[str] = Counter()
    for w in windows:
        for t in w.get("trees") or ():
            totals[str(t.get("tree"))] += int(_num(t.get("commits")) or 0)
    chosen = [t for t, _ in by_count(totals)[:limit]]
    names = unique_labels([tree_label(t) for t in chosen], limit=32, hints=chosen)
    book = colours.assign(chosen)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        per_tree = {str(t.get("tree")): t for t in w.get("trees") or ()}
        for tree, name in zip(chosen, names, strict=True):
            entry = per_tree.get(tree) or {}
            rows.append(
                _base_row(w, release, contexts)
                | {
                    "series": name,
                    "tree": clean_text(tree),
                    "value": _num(entry.get("commits")) or 0,
                    "merges": _num(entry.get("merges")) or 0,
                }
            )
    subtitle = [
        "Non-merge commits of the selection each tree's merges brought in"
        if chosen
        else "No merge in any release",
        window_lengths(windows, contexts),
    ]
    return _series_chart(
        rows,
        names,
        "Commits per source tree",
        subtitle,
        _y_metric("value", "Commits brought in", share=False, integer=True),
        [
            alt.Tooltip("tree:N", title="tree"),
            alt.Tooltip("value:Q", title="commits", format=","),
            alt.Tooltip("merges:Q", title="merges", format=","),
        ],
        "Tree",
        {n: book[t] for t, n in zip(chosen, names, strict=True)},
    )


def testing_activity(
    windows: Sequence[Doc], arch_names: Sequence[str], contexts: Contexts | None
) -> alt.LayerChart:
    """Commits touching the test suites, per architecture per release (zero when absent), in
    the architectures' colours; architectures whose tests saw no commit in the windows are
    left out (their lines would lie on each other at zero) and named."""
    releases = _releases(windows)
    book = colours.assign(arch_names)
    drawn, absent = active_architectures(windows, arch_names, "testing")
    names = unique_labels(drawn, limit=24)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        testing = w.get("testing") or {}
        for arch, name in zip(drawn, names, strict=True):
            rows.append(
                _base_row(w, release, contexts)
                | {"series": name, "value": _num(testing.get(arch)) or 0}
            )
    return _series_chart(
        rows,
        names,
        "Test-suite activity per architecture",
        [
            "Non-merge commits touching the test suites",
            _left_out(drawn, absent, "no test-suite commit"),
            window_lengths(windows, contexts) if drawn else "",
        ],
        _y_metric("value", "Commits touching tests", share=False, integer=True),
        [alt.Tooltip("value:Q", title="commits", format=",")],
        "Architecture",
        {n: book[a] for a, n in zip(drawn, names, strict=True)},
    )


# --- 6. fixes --------------------------------------------------------------------------------

# Bug lifetimes span minutes to a decade: calendar-sized bins (upper bounds in days) read
# better than numeric log bins and keep the same axis on every page.
LIFETIME_BINS: Final = (
    (1.0, "< 1 day"),
    (7.0, "1 day \u2013 1 week"),
    (30.0, "1 week \u2013 1 month"),
    (91.0, "1 \u2013 3 months"),
    (182.0, "3 \u2013 6 months"),
    (365.0, "6 \u2013 12 months"),
    (730.0, "1 \u2013 2 years"),
    (1826.0, "2 \u2013 5 years"),
    (math.inf, "5 years or more"),
)
NEGATIVE_BIN: Final = "negative (landed later)"
_FIXES: Final = colours.FIXED["Fixes"]  # the trailer's colour: these are its lines


def lifetime_bin(days: float) -> str:
    """The `LIFETIME_BINS` label of a lifetime (upper bounds exclusive)."""
    if days < 0:
        return NEGATIVE_BIN
    return next(label for bound, label in LIFETIME_BINS if days < bound)


def fixes_lifetimes(findings: Sequence[Doc], summary: Doc | None = None) -> alt.Chart:
    """How long fixed bugs lived: resolved `Fixes:` lines by lifetime (fix committer date
    minus the fixed commit's), in calendar-sized bins. The subtitle gives the median and
    90th percentile of `summary` (the period's `fixes` document: the numbers the page's text
    prints, in the same format)."""
    lifetimes = [d for d in (_num(f.get("lifetime_days")) for f in findings) if d is not None]
    counts = Counter(lifetime_bin(float(d)) for d in lifetimes)
    order = ([NEGATIVE_BIN] if counts[NEGATIVE_BIN] else []) + [b for _, b in LIFETIME_BINS]
    total = len(lifetimes)
    rows = [
        {"bin": b, "count": counts[b], "share": round(counts[b] / total, 4) if total else 0.0}
        for b in order
    ]
    subtitle = f"{fmt_int(total)} resolved Fixes: lines" if total else "No resolved Fixes: line"
    median = _num((summary or {}).get("median_lifetime_days"))
    p90 = _num((summary or {}).get("p90_lifetime_days"))
    if total and median is not None and p90 is not None:
        subtitle += f"; median {fmt_days(median)}, 90th percentile {fmt_days(p90)}"
    title = "How long fixed bugs lived"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar(color=_FIXES)
        .encode(
            x=alt.X(
                "bin:N",
                sort=order,
                title="Time from the fixed commit to its fix",
                axis=alt.Axis(labelAngle=-30, labelOverlap=False),
            ),
            y=alt.Y("count:Q", title="Fixes: lines", axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("bin:N", title="lifetime"),
                alt.Tooltip("count:Q", title="Fixes: lines", format=","),
                alt.Tooltip("share:Q", title="share", format=".1%"),
            ],
        )
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


def introducing_releases(
    introduced_in: Sequence[Sequence[Any]], releases: Sequence[str] | None = None
) -> alt.Chart:
    """Resolved `Fixes:` lines by the release that introduced the fixed commit.

    `introduced_in` is `fixes.introduced_in` ([[release or null, n], ...]); bars follow
    `releases` when given (else the input order), unknown names after them, and
    "unreleased" (null) last.
    """
    counts: dict[str | None, int] = {}
    for pair in introduced_in:
        name, n = (pair[0], pair[1]) if len(pair) == 2 else (None, None)
        value = _num(n)
        if value is None:
            continue
        key = None if name is None else str(name)
        counts[key] = counts.get(key, 0) + int(value)
    position = {r: i for i, r in enumerate(releases or ())}
    given = [k for k in counts if k is not None]  # dicts keep the input's order
    named = sorted(
        given, key=lambda k: (0, position[k], 0) if k in position else (1, 0, given.index(k))
    )
    keys: list[str | None] = [*named, *([None] if None in counts else [])]
    labels = unique_labels([UNRELEASED if k is None else k for k in keys], limit=40)
    total = sum(counts.values())
    rows = [
        {
            "release": label,
            "tag": UNRELEASED if k is None else clean_text(k),
            "count": counts[k],
            "share": round(counts[k] / total, 4) if total else 0.0,
            "kind": "unreleased" if k is None else "release",
        }
        for k, label in zip(keys, labels, strict=True)
    ]
    title = "Where fixed bugs came from"
    x = _release_x(labels, title="Release that introduced the fixed commit")
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("count:Q", title="Fixes: lines", axis=alt.Axis(tickMinStep=1)),
            # Unreleased commits are not a release: a neutral bar says so without a legend.
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=["release", "unreleased"], range=[_FIXES, colours.NEUTRAL[UNRELEASED]]
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("tag:N", title="introduced in"),
                alt.Tooltip("count:Q", title="Fixes: lines", format=","),
                alt.Tooltip("share:Q", title="share", format=".1%"),
            ],
        )
        .properties(
            title=_title(title, f"{fmt_int(total)} resolved Fixes: lines by introducing release"),
            width=WIDTH,
            height=HEIGHT,
        )
    )
    return _described(chart, title)


# --- 7. people -------------------------------------------------------------------------------

PEOPLE_WIDTH: Final = 500  # the rest of the column is the names on the y axis


def top_people(rows: Sequence[Doc], title: str, top: int = 10) -> alt.LayerChart:
    """The `top` people of a ranking ({name, email, count}) as horizontal bars, most first;
    ties by name, then email, so the order does not depend on the input's."""
    people = [
        (clean_text(r.get("name")), clean_text(r.get("email")), _num(r.get("count")) or 0)
        for r in rows
    ]
    people.sort(key=lambda p: (-p[2], p[0].casefold(), p[1]))
    people = people[:top] if top > 0 else people
    labels = unique_labels(
        [name or email for name, email, _ in people], hints=[email for _, email, _ in people]
    )
    data = [
        {"label": label, "name": name, "email": email, "count": count}
        for label, (name, email, count) in zip(labels, people, strict=True)
    ]
    # Names take up to 200 px; in a narrow figure (a phone) 110, so the bars keep room.
    limit = alt.ExprRef(expr=f"{_NARROW} ? 110 : 200")
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=limit))
    tips = [
        alt.Tooltip("name:N", title="name"),
        alt.Tooltip("email:N", title="email"),
        alt.Tooltip("count:Q", title="count", format=","),
    ]
    base = alt.Chart(_data(data)).encode(y=y, tooltip=tips)
    bars = base.mark_bar().encode(x=alt.X("count:Q", title="Count", axis=alt.Axis(tickMinStep=1)))
    # The number at the end of each bar: the ranking is read by value, not by bar length.
    values = base.mark_text(align="left", dx=4).encode(x="count:Q", text=alt.Text("count:Q"))
    chart = alt.LayerChart(layer=[bars, values]).properties(
        title=_title(title, None if people else "Nobody"),
        width=PEOPLE_WIDTH,
        height=max(40, 22 * len(people)),
    )
    return _described(chart, title)


# --- 9. year comparison ----------------------------------------------------------------------


def year_metrics(kinds: Sequence[TrailerKind] = HEADLINE_TRAILERS) -> tuple[tuple[str, str], ...]:
    """The year comparison's panels, with the headline trailers `kinds`."""
    return (
        ("commits", "Commits"),
        ("authors", "Authors"),
        ("first_time_authors", "First-time authors"),
        ("merge_share", "Merges"),
        *((f"{k.row}_share", k.title) for k in kinds),
        ("review_coverage", "Review coverage"),
    )


YEAR_METRICS: Final = year_metrics()
YEAR_PANEL_WIDTH: Final = 120
PERIOD_COLOURS: Final = (FAINT, HALF, PALETTE[0])
"""The periods' colours, oldest to latest: the latest year in the strongest, always."""


def year_comparison(
    rows: Sequence[Doc],
    labels: Sequence[str] = ("this year", "1 year earlier", "2 years earlier"),
    metrics: Sequence[tuple[str, str]] = YEAR_METRICS,
) -> alt.ConcatChart:
    """The headline metrics of the latest yearly window next to the same-length windows one
    and two years earlier: one small panel per metric (each with its own scale, as commits
    and shares do not share one), the years left to right from oldest to latest.

    `rows` are `row` dicts, latest first (the `kvmstatus year` order), each with its
    `range` as readers should see it; `labels` name them.
    """
    if len(labels) < len(rows):
        raise ValueError(f"{len(rows)} rows but only {len(labels)} labels")
    names = unique_labels(labels[: len(rows)], limit=24)
    # Oldest first reads as time passing; the latest year gets the strongest colour.
    order = list(reversed(names))
    colour = alt.Color(
        "period:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=list(PERIOD_COLOURS[-len(order) :]) if order else []),
    )
    data = [
        {
            "metric": clean_text(metric, 40),
            "period": name,
            "range": clean_text(row.get("range")),
            "value": _num(row.get(key)),
        }
        for key, metric in metrics
        for name, row in zip(names, rows, strict=True)
    ]
    panels = []
    for key, metric in metrics:
        share = is_share(key)
        panels.append(
            alt.Chart()
            .transform_filter(alt.FieldEqualPredicate(field="metric", equal=clean_text(metric, 40)))
            .mark_bar()
            .encode(
                x=alt.X("period:N", sort=order, title=None, axis=None),
                y=alt.Y(
                    "value:Q",
                    # The metric's name as a horizontal axis title at a fixed place above
                    # the plot: a panel title would float with the tallest axis label and
                    # the panels' names would not line up.
                    title=clean_text(metric, 40),
                    axis=alt.Axis(
                        format=PERCENT if share else "~s",
                        tickCount=4,
                        titleAngle=0,
                        titleAlign="left",
                        titleBaseline="bottom",
                        titleX=-32,
                        titleY=-10,
                        titleFontSize=12,
                    ),
                ),
                color=colour,
                tooltip=[
                    alt.Tooltip("period:N", title="window"),
                    alt.Tooltip("range:N", title="range"),
                    alt.Tooltip("value:Q", title=clean_text(metric), format=default_format(key)),
                ],
            )
            .properties(width=YEAR_PANEL_WIDTH, height=120)
        )
    title = "This year against the two years before"
    ranges = [f"{n}: {clean_text(r.get('range'), 60)}" for n, r in zip(names, rows, strict=True)]
    chart = alt.concat(*panels, columns=4, data=_data(data)).properties(title=_title(title, ranges))
    return _described(chart, title)


# --- converters ------------------------------------------------------------------------------


def spec(
    chart: alt.TopLevelMixin, validate: bool = True, theme: Mapping[str, Any] = THEME
) -> dict[str, Any]:
    """The chart's Vega-Lite JSON with `theme` applied (deterministic: data sets are named
    by a hash of their content). `validate` checks it against Vega-Lite's schema."""
    return themed(chart.to_dict(validate=validate), theme)


def themed(doc: Mapping[str, Any], theme: Mapping[str, Any] = THEME) -> dict[str, Any]:
    """A chart's `to_dict()` with `theme` applied under its own configuration."""
    # The theme goes in here, not into the charts, so builders stay composable (a configured
    # chart cannot be layered or concatenated) and nothing depends on a global theme registry.
    # Deep copies: the caller owns the document and may edit it without touching the theme
    # or the chart's dictionary.
    out = copy.deepcopy(dict(doc))
    out["config"] = merged(copy.deepcopy(dict(theme)), out.get("config", {}))
    return out


def projection_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """`spec` in the `PROJECTION` style: what `svg` and `png` draw."""
    return spec(chart, theme=PROJECTION)


_COMPOSED: Final = ("concat", "hconcat", "vconcat", "facet", "repeat")


def page_spec(doc: Mapping[str, Any]) -> dict[str, Any]:
    """`doc` (a `spec`) as the page's interactive view shows it: its title and subtitle
    leave for the figure's caption (`caption`; HTML wraps on a phone, a Vega title does
    not), and a single or layered view takes the width of its container, so the newest
    release stays on a 390 px screen. A concatenation keeps its widths (Vega-Lite sizes
    only single views to a container); the page's script wraps its panels instead."""
    out = copy.deepcopy(dict(doc))
    out.pop("title", None)
    if not any(key in out for key in _COMPOSED):
        out["width"] = "container"
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


def caption(chart: alt.TopLevelMixin | Mapping[str, Any]) -> tuple[str, list[str]]:
    """A chart's (or a `spec`'s) title and subtitle lines: cleaned text, still to be escaped
    for HTML."""
    if isinstance(chart, Mapping):
        title = chart.get("title")
    else:
        given = getattr(chart, "title", alt.Undefined)
        title = given.to_dict() if isinstance(given, alt.SchemaBase) else given
        title = None if title is alt.Undefined else title
    if isinstance(title, Mapping):
        subtitle = title.get("subtitle") or []
        lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
        return str(title.get("text", "")), [str(s) for s in lines]
    return ("" if title is None else str(title)), []


def table(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows a `spec` draws: its top-level data set (every chart of this module keeps
    all its rows there, so this is the chart's data, for its CSV)."""
    data = doc.get("data") or {}
    if "values" in data:
        return [dict(r) for r in data["values"]]
    rows = (doc.get("datasets") or {}).get(data.get("name"), [])
    return [dict(r) for r in rows]


def fields(doc: Mapping[str, Any]) -> list[str]:
    """The data fields a `spec` encodes (its layers' and panels' too), in order: the columns
    of a chart's table when it has no row."""
    found: dict[str, None] = {}

    def visit(part: Any) -> None:
        if isinstance(part, Mapping):
            if isinstance(part.get("field"), str):
                found[part["field"]] = None
            for key, value in part.items():
                if key not in ("data", "datasets", "config", "title"):
                    visit(value)
        elif isinstance(part, list):
            for item in part:
                visit(item)

    visit(doc)
    return list(found)


def spec_json(doc: Mapping[str, Any]) -> str:
    """`doc` as compact JSON that is safe inside an HTML `<script>` element: `<`, `>`, `&`
    and the JavaScript line separators are \\u-escaped, so no name can close the element."""
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


# The Vega-Lite release the specs were validated against, when vl-convert bundles it, so the
# SVG is drawn by the same Vega-Lite that Altair's schema describes.
_VL_VERSION: Final = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG document in the projection style: opaque white, dark
    text (vl-convert; offline and deterministic)."""
    return svg_of_spec(projection_spec(chart))


def svg_of_spec(doc: dict[str, Any]) -> str:
    """The SVG of a document `spec` already made (picklable, for worker processes). No
    data is fetched: every chart carries its data."""
    version = _VL_VERSION if _VL_VERSION in vl_convert.get_vegalite_versions() else None
    return vl_convert.vegalite_to_svg(doc, vl_version=version, allowed_base_urls=[])


def svg_width(image: str) -> float:
    """The width an SVG of `svg_of_spec` declares, in pixels."""
    head = image[: image.index(">")]
    return float(head.split(' width="', 1)[1].split('"', 1)[0])


def png_of_svg(image: str, scale: float | None = None) -> bytes:
    """An SVG of `svg_of_spec` as a PNG, `scale` times its size (default: `PNG_WIDTH` pixels
    across). Deterministic: the same SVG gives the same bytes."""
    factor = PNG_WIDTH / svg_width(image) if scale is None else scale
    return recompressed(bytes(vl_convert.svg_to_png(image, scale=factor)))


def recompressed(image: bytes) -> bytes:
    """A PNG with its image data compressed again at zlib's default level, in one chunk:
    vl-convert's encoder favours speed, and a chart 1,920 px wide comes out three times
    smaller (same pixels, same filters; ~0.1 s)."""
    chunks: list[tuple[bytes, bytes]] = []
    at = 8  # the signature
    while at < len(image):
        size = int.from_bytes(image[at : at + 4], "big")
        chunks.append((image[at + 4 : at + 8], image[at + 8 : at + 8 + size]))
        at += 12 + size
    data = zlib.compress(zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT")), 6)
    out = [image[:8]]
    for kind, content in chunks:
        if kind == b"IDAT":
            if data:
                content, data = data, b""
            else:
                continue
        out.append(len(content).to_bytes(4, "big") + kind + content)
        out.append(zlib.crc32(kind + content).to_bytes(4, "big"))
    return b"".join(out)


def png(chart: alt.TopLevelMixin, scale: float | None = None) -> bytes:
    """The chart as a PNG in the projection style (opaque white, dark text), `scale` times
    the SVG's size; by default `PNG_WIDTH` (1,920) pixels across, for a projector or a
    slide. The slide deck draws its charts with this."""
    return png_of_svg(svg(chart), scale)
