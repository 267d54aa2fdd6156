"""The charts of the review on the mailing lists, in the site's look (`website.charts`).

Built from the review documents (`store.review`) of the release windows, oldest first; a
window the archives do not reach (`coverage` "none") is a gap, not a zero. The builders use
`website.charts`' theme helpers, so these charts read like every other chart of the site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.website import charts
from kvmstatus.website.charts import (
    _base_row,
    _num,
    _releases,
    _series_chart,
    _y_metric,
)

Doc = Mapping[str, Any]


def charted(doc: Doc | None) -> bool:
    """Whether a window is drawn: only the windows the archives cover from end to end (a
    window where an archive starts or ends would show a fall that is not there)."""
    return bool(doc) and doc is not None and doc.get("coverage") == "full"


def review_row(doc: Doc | None) -> dict[str, Any]:
    """A window's review numbers as one flat row (empty where the lists do not reach)."""
    if not doc or doc.get("coverage") == "none":
        return {}
    links = doc.get("links") or {}
    checked = doc.get("answer_checked") or 0
    return {
        "patch_messages": doc.get("patch_messages"),
        "series": doc.get("series"),
        "replies": doc.get("replies"),
        "posters": doc.get("posters"),
        "reviewed_share": doc.get("reviewed_share"),
        "unanswered_share": round(doc["unanswered"] / checked, 4) if checked else None,
        "median_hours_to_review": doc.get("median_hours_to_review"),
        "posted_share": links.get("posted_share"),
        **{f"list_{k}": (doc.get("tags_given") or {}).get(k) for k in LIST_TAGS},
        **{f"commit_{k}": (doc.get("commit_tags") or {}).get(k) for k in LIST_TAGS},
    }


def _rows(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> list[Doc]:
    """Documents in the shape `charts.metric_trend` reads: release, date, row."""
    return [
        {
            "release": w["release"],
            "date": w["date"],
            "row": review_row(doc) if charted(doc := reviews.get(w["release"])) else {},
        }
        for w in windows
    ]


def _lines(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    series: Sequence[tuple[str, str]],
    title: str,
    subtitle: str,
    y_title: str,
    share: bool,
) -> alt.Chart:
    docs = _rows(windows, reviews)
    releases = _releases(docs)
    rows = []
    for doc, release in zip(docs, releases, strict=True):
        for key, name in series:
            rows.append(
                _base_row(doc, release) | {"series": name, "value": _num(doc["row"].get(key))}
            )
    fmt = ".1%" if share else ","
    return _series_chart(
        rows,
        releases,
        [name for _, name in series],
        title,
        subtitle,
        _y_metric("value", y_title, share=share, integer=not share),
        [alt.Tooltip("value:Q", title=y_title.lower(), format=fmt)],
        "",
    )


def activity(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> alt.Chart:
    """Patch messages, series and replies on the lists per release window."""
    return _lines(
        windows,
        reviews,
        [("patch_messages", "patch messages"), ("series", "series"), ("replies", "replies")],
        "Posted on the lists per release",
        "Messages dated between the previous release and this one",
        "Messages",
        share=False,
    )


def reviewed(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> alt.Chart:
    """The share of series reviewed on the list, and of series nobody answered in 14 days."""
    return _lines(
        windows,
        reviews,
        [("reviewed_share", "reviewed"), ("unanswered_share", "unanswered for 14 days")],
        "Series reviewed on the list",
        "Of each window's series: answered by someone else (not a bot), and by nobody in 14 days",
        "Share of series",
        share=True,
    )


def tags(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> alt.Chart:
    """Tags given in replies on the list (solid) next to the tags that reached the window's
    commits (dashed), one colour per tag."""
    docs = _rows(windows, reviews)
    releases = _releases(docs)
    where = ("on the list", "in commits")
    rows = [
        _base_row(doc, release)
        | {"tag": key, "where": place, "value": _num(doc["row"].get(f"{prefix}_{key}"))}
        for doc, release in zip(docs, releases, strict=True)
        for key in LIST_TAGS
        for prefix, place in zip(("list", "commit"), where, strict=True)
    ]
    title = "Tags given on the list and tags in commits"
    chart: alt.Chart = (
        alt.Chart(charts._data(rows))
        .mark_line(point=True)
        .encode(
            x=charts._release_x(releases),
            y=_y_metric("value", "Lines", share=False, integer=True),
            color=alt.Color(
                "tag:N",
                title="Tag",
                sort=list(LIST_TAGS),
                scale=alt.Scale(domain=list(LIST_TAGS), range=charts._colours(len(LIST_TAGS))),
            ),
            strokeDash=alt.StrokeDash(
                "where:N",
                title="Where",
                sort=list(where),
                scale=alt.Scale(domain=list(where), range=[[1, 0], [6, 4]]),
            ),
            detail="where:N",
            tooltip=[
                *charts._RELEASE_TIPS,
                alt.Tooltip("tag:N", title="tag"),
                alt.Tooltip("where:N", title="where"),
                alt.Tooltip("value:Q", title="lines", format=","),
            ],
        )
        .properties(
            title=charts._title(
                title,
                "Lines in the window's replies (not quoted) against trailer lines of its commits",
            ),
            width=charts.WIDTH,
            height=charts.HEIGHT,
        )
    )
    return charts._described(chart, title)


def hours(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> alt.Chart:
    return charts.metric_trend(
        _rows(windows, reviews),
        "median_hours_to_review",
        "Median hours to the first review reply",
        ",.1f",
    )


def posted(windows: Sequence[Doc], reviews: Mapping[str, Doc]) -> alt.Chart:
    return charts.metric_trend(
        _rows(windows, reviews), "posted_share", "Share of the commits posted to the lists"
    )


def architectures(
    windows: Sequence[Doc], reviews: Mapping[str, Doc], arch_names: Sequence[str]
) -> alt.Chart:
    """The share of each architecture's series reviewed on the list, per release."""
    docs = []
    for w in windows:
        doc = reviews.get(w["release"]) or {}
        arches = {a["name"]: a for a in doc.get("architectures", [])}
        covered = bool(doc) and doc.get("coverage") != "none"
        row = {
            a: (arches.get(a) or {}).get("reviewed_share") if covered else None for a in arch_names
        }
        docs.append({"release": w["release"], "date": w["date"], "row": row})
    releases = _releases(docs)
    rows = [
        _base_row(doc, release) | {"series": name, "value": _num(doc["row"].get(name))}
        for doc, release in zip(docs, releases, strict=True)
        for name in arch_names
    ]
    return _series_chart(
        rows,
        releases,
        list(arch_names),
        "Series reviewed on the list, per architecture",
        "By the paths of the series' diffs; a series touching two architectures counts for each",
        _y_metric("value", "Share of series", share=True, integer=False),
        [alt.Tooltip("value:Q", title="reviewed", format=".1%")],
        "Architecture",
    )
