"""The site's charts: Altair (Vega-Lite) specifications built from the data directory's JSON.

This module owns what every chart of the site looks like: one theme (`THEME`), the chart
builders (plain lists and dicts of `dataset.window_document` / `project_document` shape in,
`alt.Chart` / `alt.LayerChart` / `alt.ConcatChart` out) and the converters `spec` (the
Vega-Lite JSON, themed) and `svg` (a static rendering by vl-convert, offline). It does no
file I/O: the site stage decides where specs and images go.

Names, emails, company names and release tags come from git and are untrusted. They are only
ever chart *data* (never HTML, never field names, never parts of Vega expressions that we
write), are cleaned of control and invisible direction-changing characters, are shortened
for axis and legend labels (made unique again, so two people never share a bar), and keep
their full (bounded) text in the tooltip. The SVG renderer escapes them as XML text.

Every builder is deterministic: the same data gives the same `spec` and the same `svg`.
"""

from __future__ import annotations

import copy
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, TypeVar

import altair as alt
import vl_convert

from kvmstatus.model.trailers import CHARTED_TRAILERS, HEADLINE_TRAILERS, TrailerKind
from kvmstatus.shared.labels import COMMON, UNKNOWN
from kvmstatus.shared.numbers import by_count, nearest_rank

Doc = Mapping[str, Any]
AnyChart = alt.Chart | alt.LayerChart | alt.ConcatChart
_C = TypeVar("_C", alt.Chart, alt.LayerChart, alt.ConcatChart)

# --- theme ---------------------------------------------------------------------------------

# Plot-area sizes for a ~750 px content column: Vega-Lite's width excludes the y axis (labels
# and title take ~60 px) and legends sit below the plot, so 660 px keeps the whole figure
# inside the column without scaling text down.
WIDTH: Final = 660
HEIGHT: Final = 260

FONT: Final = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", Arial, sans-serif'
)
# One grey for all text and axes: #808080 has a contrast of ~4:1 both on white and on
# Material's slate background (#1e2129); no single colour does better on both, and the
# charts are static SVG that cannot follow the page's colour scheme.
INK: Final = "#808080"
# Eight series colours, each with a contrast of >= 3:1 on white and on slate (WCAG's
# minimum for graphics: the charts are transparent over either page) and at least 19
# CIEDE2000 units from every other and from INK (which catch-alls such as `common` take).
# The first four are Okabe & Ito's; light ones (their orange, sky blue and yellow) vanish on
# white and were replaced. Colour alone cannot keep eight series apart for every reader, so
# lines also get a point shape of their own (`SHAPES`).
PALETTE: Final = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#B8860B",  # dark goldenrod
    "#8C6BD6",  # violet
    "#0098A8",  # teal
    "#E0565B",  # coral red
)
# Vega's built-in symbols plus a star (an SVG path in Vega's -1..1 symbol box): nine, so
# the eight colours and the neutral grey each get their own shape, and no two series of a
# chart share both colour and shape.
SHAPES: Final = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
    "M0,-1L0.24,-0.33L0.95,-0.31L0.39,0.13L0.59,0.81L0,0.4L-0.59,0.81L-0.39,0.13L-0.95,-0.31"
    "L-0.24,-0.33Z",
)
# Translucent grey blends into either background (light grey on white, dark grey on slate),
# so "everyone else" recedes in both modes where any solid grey would stand out in one.
FAINT: Final = "rgba(128, 128, 128, 0.4)"
HALF: Final = "rgba(128, 128, 128, 0.7)"
OTHER_COLOUR: Final = FAINT
UNKNOWN_COLOUR: Final = INK  # solid: the share no affiliation map places must stay visible
OTHER: Final = "Other"

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
        "labelLimit": 160,
        "symbolStrokeWidth": 2,
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

# --- untrusted text --------------------------------------------------------------------------

LABEL_LIMIT: Final = 28
"""Characters of a name or company shown on an axis or in a legend."""
TOOLTIP_LIMIT: Final = 200
"""Characters of any text carried to a tooltip: enough for a name, bounded for a hostile one."""

# Zero-width joiners belong to some scripts' spelling and to emoji; every other format
# character (zero-width spaces, bidi overrides and isolates, BOM) only hides or reorders text.
_KEEP_FORMAT = frozenset("\u200c\u200d")


def clean_text(text: object, limit: int = TOOLTIP_LIMIT) -> str:
    """`text` as one visible line: control and format characters removed, runs of whitespace
    (line and paragraph separators included) made one space, at most `limit` characters
    (an ellipsis marks a cut)."""
    raw = "" if text is None else str(text)
    kept = "".join(
        ch
        for ch in raw
        if ch.isspace()
        or ch in _KEEP_FORMAT
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    line = " ".join(kept.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


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


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    text = clean_text(text, 120)
    if subtitle is None:
        return alt.TitleParams(text=text)
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return alt.TitleParams(text=text, subtitle=[clean_text(s, 160) for s in lines])


def _data(rows: Iterable[Mapping[str, Any]]) -> alt.InlineData:
    return alt.InlineData(values=[dict(r) for r in rows])


def _described(chart: _C, title: str) -> _C:
    # Vega gives the interactive view this description as its aria-label (screen readers).
    return chart.properties(description=clean_text(title, 120))


def _base_row(window: Doc, release: str) -> dict[str, Any]:
    return {
        "release": release,
        "tag": clean_text(window.get("release")),
        "date": clean_text(window.get("date"), 40),
    }


_RELEASE_TIPS: Final = (
    alt.Tooltip("tag:N", title="release"),
    alt.Tooltip("date:N", title="date"),
)


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


def commits_per_release(windows: Sequence[Doc], trend: Doc | None) -> alt.LayerChart:
    """Non-merge commits per release window as bars, with the project's least-squares trend
    (`project.json`'s `trend`, index 0 = oldest window) as a dashed line."""
    releases = _releases(windows)
    line = trend_values(trend, len(windows))
    rows = []
    for i, (w, release) in enumerate(zip(windows, releases, strict=True)):
        row = _base_row(w, release)
        row |= {
            "commits": _num(w.get("commits")),
            "merges": _num(w.get("merges")),
            "range": clean_text(w.get("range")),
        }
        if line is not None:
            row["trend"] = round(line[i], 1)
        rows.append(row)
    tips = [
        *_RELEASE_TIPS,
        alt.Tooltip("range:N", title="range"),
        alt.Tooltip("commits:Q", title="commits", format=","),
        alt.Tooltip("merges:Q", title="merges", format=","),
    ]
    if line is not None:
        tips.append(alt.Tooltip("trend:Q", title="trend", format=",.1f"))
    x = _release_x(releases)
    bars = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(x=x, y=alt.Y("commits:Q", title="Commits (non-merge)"), tooltip=tips)
    )
    layers: list[alt.Chart] = [bars]
    if line is not None and trend is not None:
        # The line is the library's own fit (the numbers the site prints), not Vega's
        # regression transform, so the chart and the text can never disagree.
        points = [{"release": r, "trend": v} for r, v in zip(releases, line, strict=True)]
        layers.append(
            alt.Chart(_data(points))
            .mark_line(color=PALETTE[1], strokeDash=[6, 4], strokeWidth=2)
            .encode(x=x, y=alt.Y("trend:Q"))
        )
        subtitle = (
            f"Dashed: least-squares trend, {float(trend['slope']):+,.1f} commits per release, "
            f"r\u00b2 = {float(trend.get('r2') or 0.0):.2f} over {len(windows)} releases"
        )
    else:
        subtitle = "No trend: it needs at least two releases"
    title = "Commits per release"
    chart = alt.LayerChart(layer=layers).properties(
        title=_title(title, subtitle), width=WIDTH, height=HEIGHT
    )
    return _described(chart, title)


# --- 2./3. metrics across releases -----------------------------------------------------------


def _y_metric(field: str, title: str, share: bool, integer: bool) -> alt.Y:
    # Integer counts must not get ticks at 0.5; shares read as percentages.
    axis = alt.Axis(format=PERCENT) if share else alt.Axis(tickMinStep=1 if integer else 0)
    return alt.Y(f"{field}:Q", title=title, axis=axis, scale=alt.Scale(zero=True))


def metric_trend(windows: Sequence[Doc], key: str, title: str, fmt: str | None = None) -> alt.Chart:
    """One scalar of the windows' `row` across releases: line and points, gaps for nulls,
    a percentage axis for shares. `fmt` is the tooltip's d3 format (default by key)."""
    releases = _releases(windows)
    fmt = fmt or default_format(key)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        row = _base_row(w, release)
        row["value"] = _num((w.get("row") or {}).get(key))
        rows.append(row)
    values = [r["value"] for r in rows if r["value"] is not None]
    integer = all(isinstance(v, int) for v in values)
    subtitle = None if values else "No value in any release"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_line(point=True)
        .encode(
            x=_release_x(releases),
            y=_y_metric("value", title, is_share(key), integer),
            tooltip=[*_RELEASE_TIPS, alt.Tooltip("value:Q", title=clean_text(title), format=fmt)],
        )
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


TRAILER_SHARES: Final = tuple((f"{k.row}_share", k.key) for k in CHARTED_TRAILERS)


def _series_chart(
    rows: list[dict[str, Any]],
    releases: Sequence[str],
    names: Sequence[str],
    title: str,
    subtitle: str | None,
    y: alt.Y,
    value_tips: Sequence[alt.Tooltip],
    legend_title: str,
    neutral: Sequence[str] = (),
) -> alt.Chart:
    """Lines (one per name, fixed colour and shape order) across releases; the names in
    `neutral` (catch-alls) are grey."""
    domain = list(names)
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_line(point=True)
        .encode(
            x=_release_x(releases),
            y=y,
            color=alt.Color(
                "series:N",
                title=legend_title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=series_colours(domain, neutral)),
            ),
            # A second cue besides colour: the point shape.
            shape=alt.Shape(
                "series:N",
                title=legend_title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=series_shapes(len(domain))),
            ),
            tooltip=[*_RELEASE_TIPS, alt.Tooltip("series:N", title=legend_title), *value_tips],
        )
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


def series_colours(names: Sequence[str], neutral: Sequence[str] = ()) -> list[str]:
    """A colour per series: the palette in order, INK for the catch-alls in `neutral`
    (`common`). Colours repeat only past len(PALETTE) series, and then `series_shapes`
    still tells them apart."""
    colours = []
    k = 0
    for name in names:
        if name in neutral:
            colours.append(INK)
        else:
            colours.append(PALETTE[k % len(PALETTE)])
            k += 1
    return colours


def series_shapes(n: int) -> list[str]:
    return [SHAPES[i % len(SHAPES)] for i in range(n)]


def _colours(n: int) -> list[str]:
    return series_colours([str(i) for i in range(n)])


def trailer_shares(windows: Sequence[Doc]) -> alt.Chart:
    """Share of commits carrying each charted trailer (`TrailerKind.charted`) per release."""
    releases = _releases(windows)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        row = w.get("row") or {}
        for key, name in TRAILER_SHARES:
            rows.append(_base_row(w, release) | {"series": name, "value": _num(row.get(key))})
    return _series_chart(
        rows,
        releases,
        [name for _, name in TRAILER_SHARES],
        "Trailers per release",
        "Share of non-merge commits carrying each trailer",
        _y_metric("value", "Share of commits", share=True, integer=False),
        [alt.Tooltip("value:Q", title="share", format=".1%")],
        "Trailer",
    )


# --- 4. companies ----------------------------------------------------------------------------


def company_shares(
    windows: Sequence[Doc], kind: Literal["commits", "reviews"] = "commits", top: int = 8
) -> alt.Chart:
    """Each release's commits (or Reviewed-by lines) by company, as 100% stacked bars.

    The `top` companies over all the windows get their own colours, the rest add up to
    "Other"; `(Unknown)` (no known affiliation) is never folded into "Other" and has its own
    neutral colour, so the share the map cannot place stays visible.
    """
    table, field = (
        ("companies", "commits") if kind == "commits" else ("review_companies", "reviews")
    )
    releases = _releases(windows)
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
    ranked = [c for c, _ in by_count(totals) if c not in (UNKNOWN, OTHER)]
    chosen = ranked[:top]
    labels = dict(zip(chosen, unique_labels(chosen, limit=24), strict=True))
    domain = [labels[c] for c in chosen]
    colours = _colours(len(domain))
    if len(ranked) > top or OTHER in totals:
        domain.append(OTHER)
        colours.append(OTHER_COLOUR)
    if UNKNOWN in totals:
        domain.append(UNKNOWN)
        colours.append(UNKNOWN_COLOUR)
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
                _base_row(w, release)
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
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=_release_x(releases),
            y=alt.Y(
                "value:Q",
                stack="normalize",
                title=f"Share of {noun}",
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "company:N",
                title="Company",
                sort=domain,
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(columns=5, symbolType="square"),
            ),
            # Largest companies at the bottom, Other and (Unknown) on top, every release alike.
            order=alt.Order("order:Q", sort="ascending"),
            tooltip=[
                *_RELEASE_TIPS,
                alt.Tooltip("full:N", title="company"),
                alt.Tooltip("value:Q", title=noun, format=","),
                alt.Tooltip("share:Q", title="share", format=".1%"),
            ],
        )
        .properties(
            title=_title(
                title,
                f"Top {len(chosen)} companies over all releases; "
                "affiliation by email domain at the commit's date",
            ),
            width=WIDTH,
            height=HEIGHT,
        )
    )
    return _described(chart, title)


# --- 5./8. architectures ---------------------------------------------------------------------


def _arch_counts(window: Doc) -> dict[str, Doc]:
    return {str(a.get("name")): a for a in window.get("architectures") or ()}


def arch_commits(windows: Sequence[Doc], arch_names: Sequence[str]) -> alt.Chart:
    """Commits per architecture per release, one line each (lines, not stacks: a commit
    counts for every architecture it touches, so a stack would overstate the total).

    For a single window (a release's own page) lines would be lone points: it draws one
    bar per architecture instead, in the same colours.
    """
    releases = _releases(windows)
    names = unique_labels(arch_names, limit=24)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        arches = _arch_counts(w)
        for arch, name in zip(arch_names, names, strict=True):
            entry = arches.get(arch) or {}
            rows.append(
                _base_row(w, release)
                | {
                    "series": name,
                    "value": _num(entry.get("commits")) or 0,
                    "authors": _num(entry.get("authors")) or 0,
                }
            )
    note = "A commit touching several architectures counts for each"
    common = [n for arch, n in zip(arch_names, names, strict=True) if arch == COMMON]
    tips = [
        alt.Tooltip("value:Q", title="commits", format=","),
        alt.Tooltip("authors:Q", title="authors", format=","),
    ]
    if len(windows) != 1:
        return _series_chart(
            rows,
            releases,
            names,
            "Commits per architecture",
            note,
            _y_metric("value", "Commits (non-merge)", share=False, integer=True),
            tips,
            "Architecture",
            common,
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
                scale=alt.Scale(domain=list(names), range=series_colours(names, common)),
                legend=None,
            ),
            tooltip=[*_RELEASE_TIPS, alt.Tooltip("series:N", title="architecture"), *tips],
        )
        .properties(title=_title(title, note), width=WIDTH, height=HEIGHT)
    )
    return _described(chart, title)


def arch_trend(windows: Sequence[Doc], arch: str) -> alt.Chart:
    """One architecture's commits per release (its page), with authors and its share of the
    release's commits in the tooltip."""
    releases = _releases(windows)
    name = clean_text(arch, 40)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        entry = _arch_counts(w).get(arch) or {}
        commits = _num(entry.get("commits")) or 0
        total = _num(w.get("commits"))
        rows.append(
            _base_row(w, release)
            | {
                "commits": commits,
                "authors": _num(entry.get("authors")) or 0,
                "share": round(commits / total, 4) if total else None,
            }
        )
    title = f"{name}: commits per release"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=_release_x(releases),
            y=alt.Y("commits:Q", title="Commits (non-merge)", axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                *_RELEASE_TIPS,
                alt.Tooltip("commits:Q", title="commits", format=","),
                alt.Tooltip("authors:Q", title="authors", format=","),
                alt.Tooltip("share:Q", title="share of all commits", format=".1%"),
            ],
        )
        .properties(
            title=_title(title, "Non-merge commits touching the architecture's files"),
            width=WIDTH,
            height=HEIGHT,
        )
    )
    return _described(chart, title)


TREE_LIMIT: Final = 8
"""Source trees drawn as lines: the ones that brought the most commits over all windows."""


def tree_label(tree: object) -> str:
    """A tree's short name: the last two components of its URL path (`kvmarm/kvmarm`)."""
    text = str(tree)
    if text.startswith("local"):
        return text
    return "/".join(text.split("/")[-2:])


def tree_commits(windows: Sequence[Doc], limit: int = TREE_LIMIT) -> alt.Chart:
    """Commits brought in per source tree per release (`trees` of the window documents),
    one line for each of the `limit` trees with the most commits, zero where a tree sent no
    pull. Lines, not stacks: trees nest (kvmarm's commits come in again with kvm.git's)."""
    releases = _releases(windows)
    totals: Counter[str] = Counter()
    for w in windows:
        for t in w.get("trees") or ():
            totals[str(t.get("tree"))] += int(_num(t.get("commits")) or 0)
    chosen = [t for t, _ in by_count(totals)[:limit]]
    names = unique_labels([tree_label(t) for t in chosen], limit=32, hints=chosen)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        per_tree = {str(t.get("tree")): t for t in w.get("trees") or ()}
        for tree, name in zip(chosen, names, strict=True):
            entry = per_tree.get(tree) or {}
            rows.append(
                _base_row(w, release)
                | {
                    "series": name,
                    "tree": clean_text(tree),
                    "value": _num(entry.get("commits")) or 0,
                    "merges": _num(entry.get("merges")) or 0,
                }
            )
    subtitle = (
        "Non-merge commits of the selection each tree's merges brought in"
        if chosen
        else "No merge in any release"
    )
    return _series_chart(
        rows,
        releases,
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
    )


def testing_activity(windows: Sequence[Doc], arch_names: Sequence[str]) -> alt.Chart:
    """Commits touching the test suites, per architecture per release (zero when absent)."""
    releases = _releases(windows)
    names = unique_labels(arch_names, limit=24)
    rows = []
    for w, release in zip(windows, releases, strict=True):
        testing = w.get("testing") or {}
        for arch, name in zip(arch_names, names, strict=True):
            rows.append(
                _base_row(w, release) | {"series": name, "value": _num(testing.get(arch)) or 0}
            )
    return _series_chart(
        rows,
        releases,
        names,
        "Test-suite activity per architecture",
        "Non-merge commits touching the test suites",
        _y_metric("value", "Commits touching tests", share=False, integer=True),
        [alt.Tooltip("value:Q", title="commits", format=",")],
        "Architecture",
        [n for arch, n in zip(arch_names, names, strict=True) if arch == COMMON],
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


def lifetime_bin(days: float) -> str:
    """The `LIFETIME_BINS` label of a lifetime (upper bounds exclusive)."""
    if days < 0:
        return NEGATIVE_BIN
    return next(label for bound, label in LIFETIME_BINS if days < bound)


def fixes_lifetimes(findings: Sequence[Doc]) -> alt.Chart:
    """How long fixed bugs lived: resolved `Fixes:` lines by lifetime (fix committer date
    minus the fixed commit's), in calendar-sized bins."""
    lifetimes = [d for d in (_num(f.get("lifetime_days")) for f in findings) if d is not None]
    counts = Counter(lifetime_bin(float(d)) for d in lifetimes)
    order = ([NEGATIVE_BIN] if counts[NEGATIVE_BIN] else []) + [b for _, b in LIFETIME_BINS]
    total = len(lifetimes)
    rows = [
        {"bin": b, "count": counts[b], "share": round(counts[b] / total, 4) if total else 0.0}
        for b in order
    ]
    median, p90 = nearest_rank(lifetimes, 50), nearest_rank(lifetimes, 90)
    subtitle = (
        f"{total} resolved Fixes: lines; median {median:,.0f} days, 90th percentile {p90:,.0f} days"
        if median is not None and p90 is not None
        else "No resolved Fixes: line"
    )
    title = "How long fixed bugs lived"
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_bar()
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


UNRELEASED: Final = "unreleased"


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
                scale=alt.Scale(domain=["release", "unreleased"], range=[PALETTE[0], INK]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("tag:N", title="introduced in"),
                alt.Tooltip("count:Q", title="Fixes: lines", format=","),
                alt.Tooltip("share:Q", title="share", format=".1%"),
            ],
        )
        .properties(
            title=_title(title, f"{total} resolved Fixes: lines by introducing release"),
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
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=200))
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


def year_comparison(
    rows: Sequence[Doc],
    labels: Sequence[str] = ("this year", "1 year earlier", "2 years earlier"),
    metrics: Sequence[tuple[str, str]] = YEAR_METRICS,
) -> alt.ConcatChart:
    """The headline metrics of the latest yearly window next to the same-length windows one
    and two years earlier: one small panel per metric (each with its own scale, as commits
    and shares do not share one), the years left to right from oldest to latest.

    `rows` are `row` dicts, latest first (the `kvmstatus year` order); `labels` name them.
    """
    if len(labels) < len(rows):
        raise ValueError(f"{len(rows)} rows but only {len(labels)} labels")
    names = unique_labels(labels[: len(rows)], limit=24)
    # Oldest first reads as time passing; the latest year gets the strongest colour.
    order = list(reversed(names))
    colours = [FAINT, HALF, PALETTE[0]][-len(order) :] if order else []
    colour = alt.Color(
        "period:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=colours),
    )
    panels = []
    for key, metric in metrics:
        share = is_share(key)
        data = [
            {
                "period": name,
                "range": clean_text(row.get("range")),
                "value": _num(row.get(key)),
            }
            for name, row in zip(names, rows, strict=True)
        ]
        panels.append(
            alt.Chart(_data(data))
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
    chart = alt.concat(*panels, columns=4).properties(title=_title(title, "; ".join(ranges)))
    return _described(chart, title)


# --- converters ------------------------------------------------------------------------------


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def spec(chart: alt.TopLevelMixin, validate: bool = True) -> dict[str, Any]:
    """The chart's Vega-Lite JSON with `THEME` applied (deterministic: data sets are named
    by a hash of their content). `validate` checks it against Vega-Lite's schema."""
    doc: dict[str, Any] = chart.to_dict(validate=validate)
    # The theme goes in here, not into the charts, so builders stay composable (a configured
    # chart cannot be layered or concatenated) and nothing depends on a global theme registry.
    # A deep copy: the caller owns the document and may edit it without touching THEME.
    doc["config"] = _merge(copy.deepcopy(THEME), doc.get("config", {}))
    return doc


def spec_json(chart: alt.TopLevelMixin) -> str:
    """`spec` as compact JSON that is safe inside an HTML `<script>` element: `<`, `>`, `&`
    and the JavaScript line separators are \\u-escaped, so no name can close the element."""
    text = json.dumps(spec(chart), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


# The Vega-Lite release the specs were validated against, when vl-convert bundles it, so the
# SVG is drawn by the same Vega-Lite that Altair's schema describes.
_VL_VERSION: Final = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG document (vl-convert; offline and deterministic)."""
    return svg_of_spec(spec(chart))


def svg_of_spec(doc: dict[str, Any]) -> str:
    """`svg` for a document `spec` already made (picklable, for worker processes)."""
    version = _VL_VERSION if _VL_VERSION in vl_convert.get_vegalite_versions() else None
    return vl_convert.vegalite_to_svg(doc, vl_version=version)
