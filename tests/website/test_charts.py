"""The site's charts: valid Vega-Lite, release order as given, the input's numbers, hostile
text carried as escaped data, and byte-identical output for the same input."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pytest
from altair.vegalite.v6.schema.core import Root

from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.periods import commits_trend, counted_windows
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import history
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.shared.formats import fmt_days
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.shared.numbers import linear_trend
from kvmstatus.store.documents import project_document
from kvmstatus.website import charts
from kvmstatus.website.colours import NEUTRAL, OTHER, PALETTE

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
LONG = "Jane " + "Q" * 500 + " Doe"
RTL = "\u202eevil\u200b \u2066name\u2069"
ARCHES = ["x86", "arm64", "riscv"]

# Releases deliberately not in alphabetical order: "v6.10" < "v6.9" as strings.
RELEASES = ["v6.8", "v6.9", "v6.10", "v6.11"]


def window(i: int, release: str) -> dict[str, Any]:
    commits = [120, 95, 140, 80][i]
    return {
        "release": release,
        "date": f"2024-0{i + 1}-15",
        "range": f"prev..{release}",
        "commits": commits,
        "merges": i,
        "row": {
            "commits": commits,
            "authors": 30 + i,
            "reviewed_share": [0.5, 0.55, None, 0.61][i],
            "acked_share": 0.1 + i / 100,
            "fixes_share": 0.05,
            "tested_share": [0.01, None, 0.02, 0.03][i],
            "review_coverage": 0.6,
            "fixes_median_lifetime_days": [12.5, None, 40.25, 3.0][i],
        },
        "companies": [
            {"company": "Red Hat", "commits": 50 - i},
            {"company": "Google", "commits": 30},
            {"company": SCRIPT, "commits": 20 + i},
            {"company": "Tiny Co", "commits": 1},
            {"company": UNKNOWN, "commits": 5 + i},
        ],
        "review_companies": [
            {"company": "Red Hat", "reviews": 40},
            {"company": UNKNOWN, "reviews": 2},
        ],
        "architectures": [
            {"name": "x86", "commits": 60 + i, "authors": 10},
            {"name": "arm64", "commits": 30, "authors": 5},
            # riscv missing from the table: zero commits there.
        ],
        "testing": {"x86": 7 + i, "riscv": 1},
        "top_authors": [
            {"name": "Alice", "email": "alice@example.com", "count": 10},
            {"name": SCRIPT, "email": "evil@example.com", "count": 12},
            {"name": LINK, "email": "link@example.com", "count": 3},
            {"name": LONG, "email": "long@example.com", "count": 3},
            {"name": RTL, "email": "rtl@example.com", "count": 2},
            {"name": "Alice", "email": "alice@other.example", "count": 1},
        ],
    }


@pytest.fixture
def windows() -> list[dict[str, Any]]:
    return [window(i, r) for i, r in enumerate(RELEASES)]


def context(i: int, release: str) -> dict[str, Any]:
    """The window's `ReleaseContext` as far as charts read it: its start, length and rate."""
    if i == 0:
        return {"release": release, "since": None, "days": None, "per_month": None, "uneven": True}
    days = 31 * i  # 31, 62, 93 days: more than 2x apart
    since = f"2024-0{i}-15"
    return {"release": release, "since": since, "days": days, "per_month": 1.5, "uneven": True}


@pytest.fixture
def contexts() -> dict[str, Any]:
    return {r: context(i, r) for i, r in enumerate(RELEASES)}


@pytest.fixture
def trend(windows: list[dict[str, Any]]) -> dict[str, Any]:
    fit = linear_trend([float(w["commits"]) for w in windows])
    assert fit is not None
    return {"slope": fit.slope, "intercept": fit.intercept, "r2": fit.r2, "n": fit.n}


FINDINGS = [
    {"lifetime_days": d}
    for d in (-2.0, 0.5, 0.99, 1.0, 6.9, 7.0, 29.0, 30.0, 100.0, 200.0, 400.0, 800.0, 4000.0)
] + [{"lifetime_days": None}]
INTRODUCED: list[list[Any]] = [["v6.10", 2], ["v6.8", 5], [None, 3], ["v6.9", 1]]
YEAR_ROWS = [
    {"range": "v6.6..v6.11", "commits": 900, "authors": 200, "reviewed_share": 0.61},
    {"range": "v6.1..v6.6", "commits": 800, "authors": 190, "reviewed_share": 0.55},
    {"range": "v5.16..v6.1", "commits": 700, "authors": None, "reviewed_share": 0.5},
]
YEAR_METRICS = (("commits", "Commits"), ("authors", "Authors"), ("reviewed_share", "Reviewed"))


def builders(
    windows: list[dict[str, Any]], trend: dict[str, Any]
) -> dict[str, Callable[[], charts.AnyChart]]:
    """Every chart of the module on the small in-memory data."""
    return {
        "commits_per_release": lambda: charts.commits_per_release(windows, trend),
        "metric_trend": lambda: charts.metric_trend(windows, "reviewed_share", "Reviewed share"),
        "metric_trend_days": lambda: charts.metric_trend(
            windows, "fixes_median_lifetime_days", "Median lifetime"
        ),
        "trailer_shares": lambda: charts.trailer_shares(windows),
        "company_shares": lambda: charts.company_shares(windows, top=2),
        "review_companies": lambda: charts.company_shares(windows, "reviews"),
        "arch_commits": lambda: charts.arch_commits(windows, ARCHES),
        "arch_trend": lambda: charts.arch_trend(windows, "x86"),
        "testing_activity": lambda: charts.testing_activity(windows, ARCHES, None),
        "commits_per_month": lambda: charts.commits_per_month(
            windows, {r: context(i, r) for i, r in enumerate(RELEASES)}
        ),
        "fixes_lifetimes": lambda: charts.fixes_lifetimes(FINDINGS),
        "introducing_releases": lambda: charts.introducing_releases(INTRODUCED, RELEASES),
        "top_people": lambda: charts.top_people(windows[0]["top_authors"], "Top authors"),
        "year_comparison": lambda: charts.year_comparison(
            YEAR_ROWS, ("this year", "1 year earlier", "2 years earlier"), YEAR_METRICS
        ),
    }


NAMES = list(builders([], {}))
RELEASE_CHARTS = [
    "commits_per_release",
    "commits_per_month",
    "metric_trend",
    "metric_trend_days",
    "trailer_shares",
    "company_shares",
    "review_companies",
    "arch_commits",
    "arch_trend",
    "testing_activity",
]


# --- spec helpers ----------------------------------------------------------------------------


def units(doc: dict[str, Any], data: Any = None) -> Iterator[dict[str, Any]]:
    """The unit (single-mark) views of a spec, through layers and concatenations, each with
    the data it inherits (Altair hoists data that all layers share to the layer)."""
    data = doc.get("data", data)
    for key in ("layer", "concat", "hconcat", "vconcat"):
        if key in doc:
            for sub in doc[key]:
                yield from units(sub, data)
            return
    yield doc if "data" in doc or data is None else {**doc, "data": data}


def values(doc: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    data = unit["data"]
    rows = doc["datasets"][data["name"]] if "name" in data else data["values"]
    assert isinstance(rows, list)
    return rows


def only_unit(doc: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    (unit,) = list(units(doc))
    return unit, values(doc, unit)


def title_text(doc: dict[str, Any]) -> str:
    title = doc["title"]
    return str(title["text"] if isinstance(title, dict) else title)


# --- every chart -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_chart_is_valid_themed_and_deterministic(
    name: str, windows: list[dict[str, Any]], trend: dict[str, Any]
) -> None:
    build = builders(windows, trend)[name]
    chart = build()
    chart.to_dict()  # altair validates against the Vega-Lite schema
    doc = charts.spec(chart)
    Root.from_dict(doc)  # the themed document as well
    assert doc["config"]["background"] == "transparent"
    assert doc["config"]["font"] == charts.FONT
    assert title_text(doc)
    assert doc["description"] == title_text(doc)
    # Same input, fresh objects, two conversions: the same bytes.
    again = charts.spec(build())
    assert json.dumps(doc, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.dumps(charts.spec(chart), sort_keys=True) == json.dumps(doc, sort_keys=True)
    image = charts.svg(chart)
    assert image.startswith("<svg")
    assert image.rstrip().endswith("</svg>")
    assert charts.svg(build()) == image
    assert title_text(doc) in image
    assert "<script" not in image


@pytest.mark.parametrize("name", RELEASE_CHARTS)
def test_releases_on_a_time_axis(
    name: str, windows: list[dict[str, Any]], trend: dict[str, Any]
) -> None:
    doc = charts.spec(builders(windows, trend)[name]())
    rows = charts.table(doc)
    # Every row in the order given, at its release's date, on one UTC time axis.
    order = [RELEASES.index(r["release"]) for r in rows]
    assert order == sorted(order)
    assert {r["release"]: r["end"] for r in rows} == {w["release"]: w["date"] for w in windows}
    for unit in units(doc):
        x = unit["encoding"]["x"]
        if x.get("type") != "temporal":  # a mark of its own, such as a rule
            continue
        assert x["field"] in ("start", "end")
        assert x["scale"]["type"] == "utc"


def test_bars_span_their_windows(windows: list[dict[str, Any]], contexts: dict[str, Any]) -> None:
    doc = charts.spec(charts.commits_per_release(windows, None, contexts))
    spanning, lone = list(units(doc))
    # A window with a known start is a bar from it to the release, from zero to its count.
    assert spanning["encoding"]["x"]["field"] == "start"
    assert spanning["encoding"]["x2"]["field"] == "end"
    assert spanning["encoding"]["y2"] == {"datum": 0}
    assert spanning["transform"] == [{"filter": "isValid(datum.start)"}]
    # The first (initial) window has no start: a narrow bar at its release.
    assert lone["transform"] == [{"filter": "!isValid(datum.start)"}]
    assert lone["mark"]["width"] == 4
    rows = charts.table(doc)
    assert [(r["start"], r["end"], r["days"]) for r in rows] == [
        (None, "2024-01-15", None),
        ("2024-01-15", "2024-02-15", 31),
        ("2024-02-15", "2024-03-15", 62),
        ("2024-03-15", "2024-04-15", 93),
    ]
    assert rows[1]["window"] == "2024-01-15 to 2024-02-15, 31 days"
    assert (
        "Windows run from 31 days to 93 days: a bar spans its window"
        in (doc["title"]["subtitle"][-1])
    )
    # Without contexts (data written before them) every bar is a narrow one.
    (only,) = list(units(charts.spec(charts.commits_per_release(windows, None))))
    assert only["mark"]["width"] == 4


def test_uneven_windows_get_a_rate_beside_the_count(
    windows: list[dict[str, Any]], contexts: dict[str, Any]
) -> None:
    assert charts.uneven(windows, contexts)
    even = {r: c | {"uneven": False} for r, c in contexts.items()}
    assert not charts.uneven(windows, even)
    assert not charts.uneven(windows, None)
    doc = charts.spec(charts.commits_per_month(windows, contexts))
    assert [r["per_month"] for r in charts.table(doc)] == [None, 1.5, 1.5, 1.5]
    assert next(iter(units(doc)))["encoding"]["y"]["field"] == "per_month"


def test_time_ticks_are_years_over_two_years(windows: list[dict[str, Any]]) -> None:
    many = [
        window(i % 4, f"v{i}") | {"date": f"{2010 + i // 4}-0{i % 4 + 1}-15"} for i in range(48)
    ]
    unit, _ = only_unit(charts.spec(charts.metric_trend(many, "acked_share", "Acked")))
    axis = unit["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y"
    assert axis["tickCount"] == {"interval": "year", "step": 2}
    unit, _ = only_unit(charts.spec(charts.metric_trend(windows, "acked_share", "Acked")))
    assert unit["encoding"]["x"]["axis"]["format"] == "%b %Y"


def test_sizes_fit_the_content_column(windows: list[dict[str, Any]], trend: dict[str, Any]) -> None:
    for name, build in builders(windows, trend).items():
        image = charts.svg(build())
        width = float(image.split('width="', 1)[1].split('"', 1)[0])
        assert width <= 760, f"{name} is {width}px wide"


# --- numbers ---------------------------------------------------------------------------------


def test_commits_per_release_bars_and_trend_line(
    windows: list[dict[str, Any]], trend: dict[str, Any]
) -> None:
    doc = charts.spec(charts.commits_per_release(windows, trend))
    bars, line = list(units(doc))
    assert bars["mark"]["type"] == "bar"
    assert line["mark"]["type"] == "line"
    assert [r["commits"] for r in values(doc, bars)] == [w["commits"] for w in windows]
    points = charts.table(doc)
    assert [p["release"] for p in points] == RELEASES
    n = len(windows)
    assert points[0]["trend"] == pytest.approx(trend["intercept"], abs=1e-9)
    assert points[-1]["trend"] == pytest.approx(trend["slope"] * (n - 1) + trend["intercept"])
    for i, p in enumerate(points):
        assert p["trend"] == pytest.approx(trend["slope"] * i + trend["intercept"])
    assert f"r\u00b2 = {trend['r2']:.2f}" in doc["title"]["subtitle"][0]
    # No regression transform: the line is the library's numbers.
    assert "transform" not in json.dumps(doc) or "regression" not in json.dumps(doc)


def test_commits_per_release_without_trend(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.commits_per_release(windows[:1], None))
    assert len(list(units(doc))) == 1  # the bars alone
    assert "No trend" in doc["title"]["subtitle"][0]


def test_trend_must_cover_the_windows(windows: list[dict[str, Any]], trend: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="4 windows"):
        charts.commits_per_release(windows[:3], trend)


def test_metric_trend_values_gaps_and_percent_axis(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.metric_trend(windows, "reviewed_share", "Reviewed"))
    unit, rows = only_unit(doc)
    assert [r["value"] for r in rows] == [0.5, 0.55, None, 0.61]
    assert unit["mark"] == {"type": "line", "point": True}
    assert unit["encoding"]["y"]["axis"]["format"] == charts.PERCENT
    tip = next(t for t in unit["encoding"]["tooltip"] if t["field"] == "value")
    assert tip["format"] == ".1%"
    # Vega-Lite breaks lines at invalid values by default: the null is a gap, not a zero.
    assert "invalid" not in unit["mark"]
    days = charts.spec(charts.metric_trend(windows, "fixes_median_lifetime_days", "Days", ".1f"))
    unit, rows = only_unit(days)
    assert [r["value"] for r in rows] == [12.5, None, 40.25, 3.0]
    assert "format" not in unit["encoding"]["y"]["axis"]
    assert next(t for t in unit["encoding"]["tooltip"] if t["field"] == "value")["format"] == ".1f"


def test_metric_trend_drops_non_numbers() -> None:
    ws: list[dict[str, Any]] = [
        {"release": "a", "row": {"k": math.nan}},
        {"release": "b", "row": {"k": True}},
        {"release": "c", "row": {"k": "7"}},
        {"release": "d", "row": {"k": 7}},
        {"release": "e"},
    ]
    _, rows = only_unit(charts.spec(charts.metric_trend(ws, "k", "K")))
    assert [r["value"] for r in rows] == [None, None, None, 7, None]


def test_trailer_shares_one_series_per_trailer(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.trailer_shares(windows))
    unit, rows = only_unit(doc)
    for key, name in charts.TRAILER_SHARES:
        series = [r["value"] for r in rows if r["series"] == name]
        assert series == [w["row"][key] for w in windows]
    assert unit["encoding"]["color"]["scale"]["domain"] == [n for _, n in charts.TRAILER_SHARES]


def test_company_shares_top_other_unknown(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.company_shares(windows, top=2))
    unit, rows = only_unit(doc)
    domain = unit["encoding"]["color"]["scale"]["domain"]
    # Over all windows: Red Hat 194, Google 120, SCRIPT 86, Tiny Co 4; Unknown is separate.
    assert domain == ["Red Hat", "Google", charts.OTHER, UNKNOWN]
    colours = unit["encoding"]["color"]["scale"]["range"]
    assert colours[-2:] == [NEUTRAL[OTHER], NEUTRAL[UNKNOWN]]
    # Bars spanning windows are stacked by a transform (Vega-Lite stacks no ranged bar).
    (stack,) = [t for t in unit["transform"] if "stack" in t]
    assert stack["offset"] == "normalize"
    assert stack["groupby"] == ["end"]
    assert unit["encoding"]["y"]["field"] == "stack_end"
    for w in windows:
        mine = {r["company"]: r["value"] for r in rows if r["release"] == w["release"]}
        assert sum(mine.values()) == sum(c["commits"] for c in w["companies"])
        i = RELEASES.index(w["release"])
        assert mine == {"Red Hat": 50 - i, "Google": 30, charts.OTHER: 21 + i, UNKNOWN: 5 + i}
        shares = [r["share"] for r in rows if r["release"] == w["release"]]
        assert sum(shares) == pytest.approx(1, abs=1e-3)


def test_company_shares_reviews(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.company_shares(windows, "reviews"))
    unit, rows = only_unit(doc)
    assert unit["encoding"]["color"]["scale"]["domain"] == ["Red Hat", UNKNOWN]
    assert {(r["company"], r["value"]) for r in rows} == {("Red Hat", 40), (UNKNOWN, 2)}


def test_architectures_and_testing(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.arch_commits(windows, ARCHES))
    _, rows = only_unit(doc)
    assert [r["value"] for r in rows if r["series"] == "x86"] == [60, 61, 62, 63]
    # riscv has no commit in these releases: no flat line at zero, and the subtitle says so.
    assert {r["series"] for r in rows} == {"x86", "arm64"}
    assert "Left out, with no commit in these releases: riscv" in doc["title"]["subtitle"]
    doc = charts.spec(charts.testing_activity(windows, ARCHES, None))
    _, rows = only_unit(doc)
    assert [r["value"] for r in rows if r["series"] == "x86"] == [7, 8, 9, 10]
    assert [r["value"] for r in rows if r["series"] == "riscv"] == [1, 1, 1, 1]
    # arm64's tests saw no commit: its zero line would lie under another's.
    assert {r["series"] for r in rows} == {"x86", "riscv"}
    assert any("arm64" in line for line in doc["title"]["subtitle"])
    _, rows = only_unit(charts.spec(charts.arch_trend(windows, "x86")))
    assert [r["commits"] for r in rows] == [60, 61, 62, 63]
    assert rows[0]["share"] == round(60 / 120, 4)


def test_arch_commits_of_one_release_are_bars(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.arch_commits(windows[1:2], ARCHES))
    unit, rows = only_unit(doc)
    assert unit["mark"]["type"] == "bar"
    assert unit["encoding"]["x"]["sort"] == ["x86", "arm64"]
    assert [(r["series"], r["value"]) for r in rows] == [("x86", 61), ("arm64", 30)]
    assert "v6.9" in title_text(doc)
    # The same colour per architecture as in the lines across releases.
    lines, _ = only_unit(charts.spec(charts.arch_commits(windows, ARCHES)))
    assert unit["encoding"]["color"]["scale"] == lines["encoding"]["color"]["scale"]


def test_lifetime_bins() -> None:
    assert charts.lifetime_bin(-0.1) == charts.NEGATIVE_BIN
    assert charts.lifetime_bin(0) == "< 1 day"
    assert charts.lifetime_bin(1) == charts.LIFETIME_BINS[1][1]
    assert charts.lifetime_bin(365) == charts.LIFETIME_BINS[6][1]
    assert charts.lifetime_bin(1e9) == charts.LIFETIME_BINS[-1][1]
    doc = charts.spec(charts.fixes_lifetimes(FINDINGS))
    unit, rows = only_unit(doc)
    order = [charts.NEGATIVE_BIN] + [label for _, label in charts.LIFETIME_BINS]
    assert unit["encoding"]["x"]["sort"] == order
    assert [r["bin"] for r in rows] == order
    assert [r["count"] for r in rows] == [1, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert doc["title"]["subtitle"] == ["13 resolved Fixes: lines"]
    # The median and percentile are the document's, as the page's text prints them.
    summary = {"median_lifetime_days": 95.0, "p90_lifetime_days": 3547.0}
    doc = charts.spec(charts.fixes_lifetimes(FINDINGS, summary))
    assert doc["title"]["subtitle"] == [
        "13 resolved Fixes: lines; median 95 days, 90th percentile 3,547 days"
    ]
    assert f"90th percentile {fmt_days(3547.0)}" in doc["title"]["subtitle"][0]
    # Without negative lifetimes the axis has no bin for them.
    _, rows = only_unit(charts.spec(charts.fixes_lifetimes(FINDINGS[1:])))
    assert rows[0]["bin"] == "< 1 day"


def test_introducing_releases_in_release_order_unreleased_last() -> None:
    doc = charts.spec(charts.introducing_releases(INTRODUCED, RELEASES))
    unit, rows = only_unit(doc)
    assert unit["encoding"]["x"]["sort"] == ["v6.8", "v6.9", "v6.10", charts.UNRELEASED]
    assert [(r["release"], r["count"]) for r in rows] == [
        ("v6.8", 5),
        ("v6.9", 1),
        ("v6.10", 2),
        (charts.UNRELEASED, 3),
    ]
    # Without a release list: the input's order, unreleased still last.
    _, rows = only_unit(charts.spec(charts.introducing_releases(INTRODUCED)))
    assert [r["release"] for r in rows] == ["v6.10", "v6.8", "v6.9", charts.UNRELEASED]


def test_top_people_sorted_labelled_and_full_in_tooltip(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.top_people(windows[0]["top_authors"], "Top authors", top=5))
    bars, text = list(units(doc))
    rows = values(doc, bars)
    assert [r["count"] for r in rows] == [12, 10, 3, 3, 2]
    assert [r["email"] for r in rows][:2] == ["evil@example.com", "alice@example.com"]
    labels = bars["encoding"]["y"]["sort"]
    assert labels == [r["label"] for r in rows]
    long = next(r for r in rows if r["email"] == "long@example.com")
    assert len(long["label"]) == charts.LABEL_LIMIT
    assert long["label"].endswith("\u2026")
    assert long["name"].startswith("Jane QQQ")
    assert len(long["name"]) == charts.TOOLTIP_LIMIT
    rtl = next(r for r in rows if r["email"] == "rtl@example.com")
    assert rtl["name"] == "evil name"
    tips = {t["field"] for t in bars["encoding"]["tooltip"]}
    assert tips == {"name", "email", "count"}
    assert text["mark"]["type"] == "text"


def test_top_people_same_name_gets_distinct_bars(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.top_people(windows[0]["top_authors"], "Top authors"))
    bars, _ = list(units(doc))
    labels = [r["label"] for r in values(doc, bars)]
    assert len(set(labels)) == len(labels) == 6
    assert "Alice (alice@example.com)" in labels
    assert "Alice (alice@other.example)" in labels


def test_year_comparison_panels(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(
        charts.year_comparison(
            YEAR_ROWS, ("this year", "1 year earlier", "2 years earlier"), YEAR_METRICS
        )
    )
    panels = list(units(doc))
    assert len(panels) == len(YEAR_METRICS)
    order = ["2 years earlier", "1 year earlier", "this year"]
    for (key, title), unit in zip(YEAR_METRICS, panels, strict=True):
        assert unit["encoding"]["x"]["sort"] == order
        assert unit["encoding"]["y"]["title"] == title
        # One data set for the whole chart (its CSV); each panel keeps its metric's rows.
        assert unit["transform"] == [{"filter": {"field": "metric", "equal": title}}]
        mine = [r for r in charts.table(doc) if r["metric"] == title]
        assert {r["period"]: r["value"] for r in mine} == {
            "this year": YEAR_ROWS[0][key],
            "1 year earlier": YEAR_ROWS[1][key],
            "2 years earlier": YEAR_ROWS[2][key],
        }
    share = panels[2]["encoding"]["y"]["axis"]["format"]
    assert share == charts.PERCENT
    with pytest.raises(ValueError, match="labels"):
        charts.year_comparison(YEAR_ROWS, ("this year",), YEAR_METRICS)
    two = charts.spec(charts.year_comparison(YEAR_ROWS[:2], metrics=YEAR_METRICS[:1]))
    (unit,) = list(units(two))
    assert unit["encoding"]["color"]["scale"]["domain"] == ["1 year earlier", "this year"]


# --- hostile text ----------------------------------------------------------------------------


def test_clean_text() -> None:
    assert charts.clean_text(RTL) == "evil name"
    assert charts.clean_text("a\nb\u2028c\td  e") == "a b c d e"
    assert charts.clean_text("x" * 50, 10) == "x" * 9 + "\u2026"
    assert charts.clean_text(None) == ""
    # Zero-width joiners are spelling in some scripts (and emoji); they stay.
    assert charts.clean_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )


def test_unique_labels() -> None:
    assert charts.unique_labels(["a", "b"]) == ["a", "b"]
    assert charts.unique_labels(["a", "a"], hints=["x", "y"]) == ["a (x)", "a (y)"]
    assert charts.unique_labels(["a", "a", "a"]) == ["a", "a #2", "a #3"]
    assert charts.unique_labels(["a", "a", "a #2"]) == ["a", "a #3", "a #2"]
    long = ["y" * 40 + "1", "y" * 40 + "2"]
    short = charts.unique_labels(long, limit=10)
    assert len(set(short)) == 2
    assert all(s.startswith("y" * 9 + "\u2026") for s in short)
    assert charts.unique_labels(["", None]) == ["(none)", "(none) #2"]


HOSTILE = [
    SCRIPT,
    LINK,
    LONG,
    RTL,
    '"quoted" \\ back\\slash \' and ${expr} {{tpl}}',
    "line\u2028separator",
    "&amp; </svg> ]]> <!--",
    "datum.x || alert(1)",
]


def test_hostile_text_is_data_and_escaped(windows: list[dict[str, Any]]) -> None:
    people = [{"name": n, "email": f"{i}@x", "count": 10 - i} for i, n in enumerate(HOSTILE)]
    companies = [{"company": n, "commits": 10 - i} for i, n in enumerate(HOSTILE)]
    tags = [
        w | {"release": n, "companies": companies} for w, n in zip(windows, HOSTILE, strict=False)
    ]
    made: list[alt.TopLevelMixin] = [
        charts.top_people(people, "People"),
        charts.company_shares(tags, top=8),
        charts.metric_trend(tags, "reviewed_share", "Reviewed"),
        charts.introducing_releases([[n, 1] for n in HOSTILE]),
    ]
    for k, chart in enumerate(made):
        doc = charts.spec(chart)
        image = charts.svg(chart)
        assert "<script" not in image
        assert "</svg> ]]>" not in image
        if k != 2:  # a time axis shows dates: the tags are the tooltip's (data, below)
            assert "&lt;script&gt;alert(1)&lt;/scrip" in image  # a label may be shortened
            assert "[x](javascript:alert(1))" in image  # shown as text, never a link
        else:
            assert [r["tag"] for r in charts.table(doc)] == [
                charts.clean_text(n) for n in HOSTILE[:4]
            ]
        assert "href" not in image
        assert "\u202e" not in image
        assert "\u2028" not in image
        # Untrusted text never becomes a field name.
        for unit in units(doc):
            for channel in unit["encoding"].values():
                for enc in channel if isinstance(channel, list) else [channel]:
                    assert enc.get("field", "") in {
                        "release", "tag", "date", "range", "commits", "merges", "trend",
                        "value", "series", "company", "full", "share", "order", "label",
                        "name", "email", "count", "kind", "start", "end", "window",
                        "per_month", "stack_end", "stack_start",
                    }  # fmt: skip
    text = charts.spec_json(charts.spec(made[0]))
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == json.loads(json.dumps(charts.spec(made[0])))


def test_many_releases_turn_their_labels() -> None:
    many = [[f"v{i // 20 + 3}.{i % 20}", 1] for i in range(70)]
    unit, _ = only_unit(charts.spec(charts.introducing_releases(many)))
    assert unit["encoding"]["x"]["axis"]["labelAngle"] == -90
    unit, _ = only_unit(charts.spec(charts.introducing_releases(INTRODUCED, RELEASES)))
    assert unit["encoding"]["x"]["axis"]["labelAngle"] == 0


def test_spec_is_the_callers_to_edit(windows: list[dict[str, Any]]) -> None:
    doc = charts.spec(charts.trailer_shares(windows))
    doc["config"]["axis"]["labelColor"] = "red"
    doc["config"]["range"]["category"].append("red")
    fresh = charts.spec(charts.trailer_shares(windows))
    assert fresh["config"]["axis"]["labelColor"] == charts.INK
    assert fresh["config"]["range"]["category"] == list(PALETTE)


def test_charts_stay_composable(windows: list[dict[str, Any]], trend: dict[str, Any]) -> None:
    # Builders do not configure their charts (spec adds the theme), so the site may combine.
    combined = alt.vconcat(charts.trailer_shares(windows), charts.arch_trend(windows, "x86"))
    doc = charts.spec(combined)
    Root.from_dict(doc)
    assert doc["config"]["axis"]["labelColor"] == charts.INK


# --- real data -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def kut_data(kut_repo: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """kvm-unit-tests' data directory as `kvmstatus collect` writes it (JSON round trip)."""
    repo = GitRepo(kut_repo)
    releases = release_list(repo, r"^v\d")
    arch_map = load_arch_map("kvm-unit-tests")
    docs = history(repo, releases, Selection(paths=(".",)), arch_map, load_affiliations(), 0)
    counted = [w["release"] for w in counted_windows(docs)]
    project = project_document(
        "KVM status report",
        "kvm-unit-tests",
        docs,
        {"architectures": list(arch_map.names)},
        commits_trend(docs),
        counted,
    )
    loaded: tuple[dict[str, Any], list[dict[str, Any]]] = json.loads(json.dumps([project, docs]))
    return loaded


@pytest.mark.realdata
def test_real_data_charts(
    kut_data: tuple[dict[str, Any], list[dict[str, Any]]], record_property: Any
) -> None:
    project, ws = kut_data
    releases = project["releases"]
    arches = project["settings"]["architectures"]
    findings = [f for w in ws for f in w["fix_findings"]]
    # The trend leaves out the window of all history before the first release.
    counted = counted_windows(ws)
    assert len(counted) == len(ws) - 1 == project["trend"]["n"]
    made: dict[str, charts.AnyChart] = {
        "commits_per_release": charts.commits_per_release(counted, project["trend"]),
        "reviewed_share": charts.metric_trend(ws, "reviewed_share", "Reviewed-by"),
        "median_lifetime": charts.metric_trend(ws, "fixes_median_lifetime_days", "Median"),
        "trailer_shares": charts.trailer_shares(ws),
        "companies": charts.company_shares(ws),
        "review_companies": charts.company_shares(ws, "reviews"),
        "arch_commits": charts.arch_commits(ws, arches),
        "arch_trend": charts.arch_trend(ws, arches[0]),
        "testing": charts.testing_activity(ws, arches, None),
        "lifetimes": charts.fixes_lifetimes(findings),
        "introducing": charts.introducing_releases(ws[-1]["fixes"]["introduced_in"], releases),
        "top_reviewers": charts.top_people(ws[-1]["top_reviewers"], "Top reviewers"),
        "year": charts.year_comparison([w["row"] for w in reversed(ws[-3:])]),
    }
    charts.svg(made["year"])  # the converter's one-time start-up is not a chart's cost
    timings = {}
    for name, chart in made.items():
        doc = charts.spec(chart)
        Root.from_dict(doc)
        start = time.perf_counter()
        image = charts.svg(chart)
        timings[name] = time.perf_counter() - start
        assert title_text(doc) in image
        assert charts.svg(chart) == image
        shown = [w["release"] for w in (counted if name == "commits_per_release" else ws)]
        tags = list(dict.fromkeys(r.get("tag") for r in charts.table(doc)))
        if "end" in charts.table(doc)[0]:
            assert tags == shown
    record_property("svg_seconds", json.dumps(timings, sort_keys=True))
    # Generous: a chart takes tens of milliseconds; seconds would make the site step slow.
    assert max(timings.values()) < 2.0, timings

    doc = charts.spec(made["commits_per_release"])
    assert [r["commits"] for r in charts.table(doc)] == [w["commits"] for w in counted]
    trend = project["trend"]
    ends = [p["trend"] for p in charts.table(doc)]
    assert ends[0] == pytest.approx(trend["intercept"])
    assert ends[-1] == pytest.approx(trend["slope"] * (len(counted) - 1) + trend["intercept"])
    _, rows = only_unit(charts.spec(made["companies"]))
    for w in ws:
        mine = sum(r["value"] for r in rows if r["release"] == w["release"])
        assert mine == sum(c["commits"] for c in w["companies"]) == w["commits"]
    _, rows = only_unit(charts.spec(made["lifetimes"]))
    assert sum(r["count"] for r in rows) == sum(
        1 for f in findings if f["lifetime_days"] is not None
    )
