"""The charts of the review on the mailing lists, in the site's look (`website.charts`).

Built from the review documents (`store.review`) of the release windows, oldest first, on
the time axis of every chart across releases; a window the archives do not cover from end
to end is a gap, not a zero, and where the archives start or end inside the charted time a
line marks it, so a line that stops is read as the archive stopping, not the review. The
tags keep their trailers' colours (`website.colours`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import altair as alt

from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.website import charts, colours
from kvmstatus.website.charts import (
    Contexts,
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


Archive = tuple[str | None, str | None]
"""When the lists' archives start and end (`ReviewIndex.first` and `end`, ISO times)."""


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def coverage_note(archive: Archive | None) -> str:
    """What the archives cover, for a chart's subtitle."""
    first, end = archive or (None, None)
    if not first or not end:
        return "The archives hold no dated message"
    return (
        f"The list archives cover {_day(first)} to {_day(end)}; a window they do not cover "
        "from end to end is left out"
    )


def archive_marks(rows: Sequence[Mapping[str, Any]], archive: Archive | None) -> list[alt.Chart]:
    """A dashed rule, labelled, where the archives start and where they end, for each of the
    two dates that falls inside the chart's time (its first release to its last). The label
    sits on the side of the rule with more room."""
    first, end = archive or (None, None)
    times = sorted(r["end"] for r in rows if r.get("end"))
    if not times:
        return []
    low, high = datetime.fromisoformat(times[0]), datetime.fromisoformat(times[-1])
    marks = []
    for when, text in ((first, "archive starts"), (end, "archive ends")):
        day = _day(when)
        if day is None or not low < (moment := datetime.fromisoformat(day)) < high:
            continue
        left = (moment - low) < (high - moment)
        at = alt.DateTime(year=moment.year, month=moment.month, date=moment.day, utc=True)
        # One row of its own: the layer must not repeat the mark once per row of the chart.
        base = alt.Chart(alt.InlineData(values=[{"label": f"{text} {day}"}])).encode(
            x=alt.X(datum=at, type="temporal")
        )
        marks.append(base.mark_rule(color=charts.INK, strokeDash=[3, 3], strokeWidth=1.5))
        marks.append(
            base.mark_text(
                align="left" if left else "right", baseline="top", dx=4 if left else -4, dy=2
            ).encode(y=alt.value(0), text="label:N")
        )
    return marks


def _lines(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    series: Sequence[tuple[str, str]],
    title: str,
    subtitle: str,
    y_title: str,
    contexts: Contexts | None,
    archive: Archive | None,
    fmt: str | None = None,
) -> alt.LayerChart:
    """Review numbers (`series`: row key, name) across releases, with the archives' marks; a
    share axis when the first key is a share, `fmt` the tooltip's format (default by key)."""
    docs = _rows(windows, reviews)
    releases = _releases(docs)
    rows = []
    for doc, release in zip(docs, releases, strict=True):
        for key, name in series:
            rows.append(
                _base_row(doc, release, contexts)
                | {"series": name, "value": _num(doc["row"].get(key))}
            )
    share = charts.is_share(series[0][0])
    values = [r["value"] for r in rows if r["value"] is not None]
    return _series_chart(
        rows,
        [name for _, name in series],
        title,
        [subtitle if values else "No value in any release", coverage_note(archive)],
        _y_metric("value", y_title, share, integer=all(isinstance(v, int) for v in values)),
        [
            alt.Tooltip(
                "value:Q",
                title=y_title.lower(),
                format=fmt or charts.default_format(series[0][0]),
            )
        ],
        "",
        extra=archive_marks(rows, archive),
    )


def activity(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
) -> alt.LayerChart:
    """Patch messages, series and replies on the lists per release window."""
    return _lines(
        windows,
        reviews,
        [("patch_messages", "patch messages"), ("series", "series"), ("replies", "replies")],
        "Posted on the lists per release",
        "Messages dated between the previous release and this one",
        "Messages",
        contexts,
        archive,
    )


def reviewed(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
) -> alt.LayerChart:
    """The share of series reviewed on the list, and of series nobody answered in 14 days."""
    return _lines(
        windows,
        reviews,
        [("reviewed_share", "reviewed"), ("unanswered_share", "unanswered for 14 days")],
        "Series reviewed on the list",
        "Of each window's series: answered by someone else (not a bot), and by nobody in 14 days",
        "Share of series",
        contexts,
        archive,
    )


def tags(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
) -> alt.LayerChart:
    """Tags given in replies on the list (solid) next to the tags that reached the window's
    commits (dashed), each tag in its trailer's colour."""
    docs = _rows(windows, reviews)
    releases = _releases(docs)
    where = ("on the list", "in commits")
    rows = [
        _base_row(doc, release, contexts)
        | {"tag": key, "where": place, "value": _num(doc["row"].get(f"{prefix}_{key}"))}
        for doc, release in zip(docs, releases, strict=True)
        for key in LIST_TAGS
        for prefix, place in zip(("list", "commit"), where, strict=True)
    ]
    palette = colours.distinct(LIST_TAGS, colours.assign(LIST_TAGS))
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=charts._time_x(rows),
            y=_y_metric("value", "Lines", share=False, integer=True),
            color=alt.Color(
                "tag:N",
                title="Tag",
                sort=list(LIST_TAGS),
                scale=alt.Scale(domain=list(LIST_TAGS), range=palette),
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
    )
    return charts._window_layer(
        rows,
        [*archive_marks(rows, archive), lines],
        "Tags given on the list and tags in commits",
        [
            "Lines in the window's replies (not quoted) against trailer lines of its commits",
            coverage_note(archive),
        ],
    )


def hours(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
) -> alt.LayerChart:
    title = "Median hours to the first review reply"
    key = "median_hours_to_review"
    return _lines(windows, reviews, [(key, title)], title, "", title, contexts, archive, ",.1f")


def posted(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
) -> alt.LayerChart:
    title = "Share of the commits posted to the lists"
    return _lines(windows, reviews, [("posted_share", title)], title, "", title, contexts, archive)


def architectures(
    windows: Sequence[Doc],
    reviews: Mapping[str, Doc],
    arch_names: Sequence[str],
    contexts: Contexts | None = None,
    archive: Archive | None = None,
    mapping: Sequence[str] = (),
) -> alt.LayerChart:
    """The share of each architecture's series reviewed on the list, per release, in the
    architectures' colours (assigned over `mapping`, the whole architecture mapping, as on
    every other architecture chart)."""
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
        _base_row(doc, release, contexts) | {"series": name, "value": _num(doc["row"].get(name))}
        for doc, release in zip(docs, releases, strict=True)
        for name in arch_names
    ]
    return _series_chart(
        rows,
        list(arch_names),
        "Series reviewed on the list, per architecture",
        [
            "By the paths of the series' diffs; a series touching two architectures counts for "
            "each",
            coverage_note(archive),
        ],
        _y_metric("value", "Share of series", share=True, integer=False),
        [alt.Tooltip("value:Q", title="reviewed", format=".1%")],
        "Architecture",
        colours.assign([*mapping, *arch_names]),
        extra=archive_marks(rows, archive),
    )
