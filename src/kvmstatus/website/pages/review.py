"""The review on the mailing lists, on the site: the Review page, and the parts it offers
other pages through their sections (a release page's "Review on the list", the home page's
paragraph, the Data page's downloads). Every number is a review document's
(`jobs.lists`): windows and yearly periods are reviewed where they are computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from kvmstatus.model.documents import ReviewDocument, ReviewIndex, WindowDocument
from kvmstatus.model.periods import YEAR_LABELS
from kvmstatus.model.records import LINK_METHODS
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.store.documents import file_name
from kvmstatus.website import review_charts
from kvmstatus.website.markdown import (
    DASH,
    escape,
    fmt_days,
    fmt_int,
    fmt_pct,
    link,
    people,
    table,
)
from kvmstatus.website.pages.common import (
    Context,
    ProjectReview,
    SitePlan,
    add_tables,
    archive_dates,
    banner,
    chart_block,
    json_text,
    release_contexts,
    release_page,
)

PAGE = "review.md"


def _hours(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):,.1f} h"


def _count(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):g}"


def covered(doc: ReviewDocument | None) -> bool:
    return doc is not None and doc.get("coverage") != "none"


def _numbers(d: ReviewDocument | None) -> list[tuple[str, str]]:
    labels = [
        "Patches posted (and cover letters)",
        "Series posted",
        "Replies (from bots)",
        "Series reviewed on the list",
        "Median time to the first review",
        "No reply from anyone else within 14 days",
        *(f"{key}: given on the list / in commits" for key in LIST_TAGS),
        "Commits posted to the lists",
        "linked by their Link:/Message-Id: / by subject (the two disagree)",
    ]
    if d is None or not covered(d):
        return [(label, DASH) for label in labels]
    links = d.get("links") or {}
    cells = [
        f"{fmt_int(d['patches'])} ({fmt_int(d['cover_letters'])})",
        fmt_int(d["series"]),
        f"{fmt_int(d['replies'])} ({fmt_int(d['bot_replies'])})",
        f"{fmt_int(d['reviewed_series'])} ({fmt_pct(d['reviewed_share'])})",
        _hours(d["median_hours_to_review"]),
        f"{fmt_int(d['unanswered'])} of {fmt_int(d['answer_checked'])}",
        *(
            f"{fmt_int(d['tags_given'].get(key, 0))} / {fmt_int(d['commit_tags'].get(key, 0))}"
            for key in LIST_TAGS
        ),
        f"{fmt_int(links.get('posted'))} of {fmt_int(links.get('commits'))} "
        f"({fmt_pct(links.get('posted_share'))})",
        " / ".join(
            f"{fmt_int((links.get('methods') or {}).get(m))} "
            f"({fmt_pct((links.get('method_shares') or {}).get(m))})"
            for m in LINK_METHODS
        )
        + f" ({fmt_int(links.get('disagreements'))})",
    ]
    return list(zip(labels, cells, strict=True))


def numbers_table(columns: Sequence[tuple[str, ReviewDocument | None]]) -> str:
    """The review's numbers, one column per period or window."""
    cells = [_numbers(doc) for _, doc in columns]
    head = ["", *(label for label, _ in columns)]
    body = [[label, *(c[k][1] for c in cells)] for k, (label, _) in enumerate(cells[0])]
    return table(head, body, "l" + "r" * len(columns))


def reviewers_table(rows: Sequence[Mapping[str, Any]], top: int = 15) -> str:
    """List reviewers with the tags naming them in commits: *none* marks the reviews that
    never became a tag."""
    shown = rows[:top]
    body = [
        [
            str(i),
            who,
            fmt_int(r["count"]),
            fmt_int(r.get("commit_tags")) if r.get("commit_tags") else "*none*",
        ]
        for i, (r, who) in enumerate(zip(shown, people(shown), strict=True), 1)
    ]
    return table(
        ["#", "List reviewer", "series of others replied to", "tags in commits"], body, "llrr"
    )


def arch_table(doc: ReviewDocument) -> str:
    rows = [
        [
            escape(a["name"]),
            fmt_int(a["series"]),
            f"{fmt_int(a['reviewed_series'])} ({fmt_pct(a['reviewed_share'])})",
            _hours(a["median_hours_to_review"]),
        ]
        for a in doc.get("architectures", [])
        if a["series"]
    ]
    return table(
        ["Architecture", "series", "reviewed on the list", "median to review"], rows, "lrrr"
    )


def archives_text(summary: ReviewIndex) -> str:
    parts = []
    for a in summary.get("archives", []):
        first = (a.get("first") or "")[:10] or DASH
        last = (a.get("last") or "")[:10] or DASH
        epochs = len(a.get("epochs", []))
        parts.append(
            f"**{escape(a['name'])}** ({fmt_int(a['messages'])} messages, {first} to {last}, "
            f"{epochs} epoch{'s' * (epochs != 1)})"
        )
    return ", ".join(parts) or DASH


def year_columns(review: ProjectReview) -> list[tuple[str, ReviewDocument | None]]:
    """The yearly periods' review, newest first; a period the archives reach only in part
    or not at all says so."""
    columns: list[tuple[str, ReviewDocument | None]] = []
    for label, doc in zip(YEAR_LABELS, review.periods, strict=False):
        span = doc.get("span")
        dates = f"{span['since'][:10]} to {span['until'][:10]}" if span else ""
        note = {"partial": "<br>*partly covered*", "none": "<br>*not covered*"}.get(
            doc.get("coverage", "full"), ""
        )
        columns.append((f'{label}<br><span class="kvm-nowrap">{dates}</span>{note}', doc))
    return columns


# --- the parts other pages take ------------------------------------------------------------------


def release_part(ctx: Context, plan: SitePlan, index: int) -> str:
    """A release page's "Review on the list" (nothing when the project has no review)."""
    main = ctx.main_review
    if main is None:
        return ""
    window = ctx.windows[index]
    page = release_page(window["release"])
    doc = main.windows.get(window["release"])
    out = ["## Review on the list\n"]
    if doc is None or not covered(doc):
        out.append(
            f"*The list archives ({archives_text(main.summary)}) hold no message of this window.*\n"
        )
        return "\n".join(out)
    partial = (
        " The archives cover only part of this window." if doc.get("coverage") == "partial" else ""
    )
    out += [
        f"Messages of {archives_text(main.summary)} dated from the previous release to this "
        f"one, counted as the {link(page, PAGE, 'Review')} page and the "
        f"{link(page, 'methodology.md', 'Methodology')} say.{partial}\n",
        numbers_table([("this window", doc)]),
    ]
    links = doc.get("links") or {}
    if links.get("posted"):
        out.append(
            f"The posted commits had a median of {_count(links.get('median_versions'))} "
            f"version(s) on the list (at most {fmt_int(links.get('max_versions'))}), and "
            f"{fmt_days(links.get('median_days_to_commit'))} from the first posting to the "
            f"commit (median); {fmt_int(links.get('merged_series'))} series became commits.\n"
        )
    if any(a["series"] for a in doc.get("architectures", [])):
        out += ["### Review per architecture\n", arch_table(doc)]
    out += [
        "### List reviewers\n",
        "Replies to other people's series in this window; *none*: no tag of the window's "
        "commits names them (their review did not become a `Reviewed-by`, `Acked-by` or "
        "`Tested-by`).\n",
        reviewers_table(doc.get("top_list_reviewers", [])),
    ]
    lines = []
    for other in ctx.companion_reviews:
        cdoc = other.windows.get(window["release"])
        if cdoc is not None and covered(cdoc):
            lines.append(
                f"- **{escape(other.title)}**: {fmt_int(cdoc['patches'])} patches in "
                f"{fmt_int(cdoc['series'])} series, {fmt_pct(cdoc['reviewed_share'])} reviewed "
                "on the list"
            )
    if lines:
        out += ["### Companion projects on the lists\n", "\n".join(lines) + "\n"]
    return "\n".join(out)


def coverage_note(summary: ReviewIndex) -> str:
    """What the archives cover, for a period they do not (or not wholly)."""
    dates = archive_dates(summary)
    if dates is None:
        return "the list archives hold no dated message"
    return f"the list archives cover {dates[0][:10]} to {dates[1][:10]}"


def home_part(ctx: Context, plan: SitePlan) -> str:
    """The home page's paragraph on the lists: the last year's review, or what the archives
    cover when they do not reach it (nothing without a review)."""
    main = ctx.main_review
    if main is None or not main.periods:
        return ""
    year = main.periods[0]
    more = f"More on the {link('index.md', PAGE, 'Review')} page."
    if not covered(year):
        return (
            "## Review on the lists\n\n"
            f"No numbers from the lists for the last year: {coverage_note(main.summary)}. "
            f"{more}\n"
        )
    partial = (
        f" (partly: {coverage_note(main.summary)})" if year.get("coverage") == "partial" else ""
    )
    return (
        "## Review on the lists\n\n"
        f"In the last year{partial}, {fmt_pct(year['reviewed_share'])} of the "
        f"{fmt_int(year['series'])} series posted were answered on the list by someone other "
        f"than their sender (median {_hours(year['median_hours_to_review'])} to the first "
        f"review); reviewers gave {fmt_int(year['tags_given'].get('Reviewed-by', 0))} "
        f"`Reviewed-by` on the list, and {fmt_int(year['commit_tags'].get('Reviewed-by', 0))} "
        f"reached the commits. {more}\n"
    )


def _flat(release: str, project: str, doc: ReviewDocument) -> dict[str, Any]:
    """One CSV row: the same columns for every window; empty where the lists reach nowhere
    (a window they do not cover has no numbers, not zeros)."""
    data: Mapping[str, Any] = doc if covered(doc) else {}
    links = data.get("links") or {}
    row = review_charts.review_row(doc)
    return {
        "release": release,
        "project": project,
        "coverage": doc.get("coverage"),
        "messages": data.get("messages"),
        "cover_letters": data.get("cover_letters"),
        "patches": data.get("patches"),
        **{key: row.get(key) for key in review_charts.review_row(_FULL)},
        "reviewed_series": data.get("reviewed_series"),
        "unanswered": data.get("unanswered"),
        "answer_checked": data.get("answer_checked"),
        "bot_replies": data.get("bot_replies"),
        "commits": links.get("commits"),
        "posted": links.get("posted"),
        **{f"posted_by_{m}": (links.get("methods") or {}).get(m) for m in LINK_METHODS},
        "median_versions": links.get("median_versions"),
        "median_days_to_commit": links.get("median_days_to_commit"),
        "unparseable": data.get("unparseable"),
    }


_FULL: Mapping[str, Any] = {"coverage": "full"}
"""A document that names no number: `review_row` gives every column of its row for it."""


def data_part(ctx: Context, plan: SitePlan) -> str:
    """The Data page's review downloads (nothing without a review)."""
    main = ctx.main_review
    if main is None:
        return ""
    projects: list[tuple[ProjectReview, Sequence[WindowDocument]]] = [(main, ctx.windows)]
    projects += [(r, ctx.companions[r.name].windows) for r in ctx.companion_reviews]
    rows, people, arches = [], [], []
    for project, windows in projects:
        label = project.title
        for w in windows:
            doc = project.windows.get(w["release"])
            if doc is None:
                continue
            rows.append(_flat(w["release"], label, doc))
            people += [
                {
                    "release": w["release"],
                    "project": label,
                    "name": r["name"],
                    "email": r["email"],
                    "series": r["count"],
                    "commit_tags": r.get("commit_tags", 0),
                }
                for r in doc.get("top_list_reviewers", [])
            ]
            arches += [
                {"release": w["release"], "project": label, **a}
                for a in doc.get("architectures", [])
            ]
            folder = "review" if not project.name else f"review/{file_name(project.name)}"
            plan.files[f"data/{folder}/{file_name(w['release'])}.json"] = json_text(doc)
    for n, period in enumerate(main.periods):
        plan.files[f"data/review/periods/{n}.json"] = json_text(period)
    tables = {
        "review": ("The review on the lists, one row per release and project", rows),
        "review-reviewers": ("List reviewers per release and project", people),
        "review-architectures": ("Series reviewed per architecture per release", arches),
    }
    return (
        "\n## Review on the lists\n\n"
        + add_tables(plan, tables)
        + (
            "\nEach window's complete review document is under `review/<release>.json` "
            "(companions: `review/<name>/<release>.json`), each yearly period's under "
            "`review/periods/<n>.json`.\n"
        )
    )


def render_review(ctx: Context, plan: SitePlan) -> str:
    main = ctx.main_review
    assert main is not None
    s = main.summary
    windows = ctx.windows
    out = [
        "# Review on the mailing lists\n",
        banner(ctx),
        "The commits' trailers show only the review that reached the tree. This page reads "
        f"the lists the patches were posted to: {archives_text(s)}. For every release window "
        "(messages dated from the previous release to this one) and every yearly period: the "
        "patches and series posted, how many series someone other than their sender answered, "
        "how soon, which tags reviewers gave on the list against those that reached the "
        "commits, and how many commits were posted first. Definitions on the "
        f"{link(PAGE, 'methodology.md', 'Methodology')} page; scope: "
        f"{escape(s.get('scope', ''))}.\n",
    ]
    spans = s.get("spans") or []
    if len(spans) > 1:
        gaps = ", ".join(
            f"{escape((a[1] or '')[:10])} to {escape((b[0] or '')[:10])}"
            for a, b in pairwise(spans)
        )
        out.append(
            f"The archives have gaps, times with no message where the list was busy: {gaps}. "
            "A window or period they fall in counts as partly covered.\n"
        )
    columns = year_columns(main)
    if columns and not any(covered(doc) for _, doc in columns):
        out += [
            "## The last year\n",
            f"No numbers from the lists for the periods of the home page's yearly comparison: "
            f"{coverage_note(s)}.\n",
        ]
    elif columns:
        out += [
            "## The last year\n",
            "The periods of the home page's yearly comparison"
            + (
                f" ({coverage_note(s)}: a period they do not cover shows no numbers)"
                if not all(doc is not None and doc.get("coverage") == "full" for _, doc in columns)
                else ""
            )
            + ".\n",
            numbers_table(columns),
        ]
        latest = next(((label, doc) for label, doc in columns if covered(doc)), None)
        if latest is not None and latest[1] is not None:
            out += [
                f"### List reviewers, {latest[0].split('<br>')[0]}\n",
                "Series of others each address replied to in the period; *none*: no tag in "
                "its commits names them.\n",
                reviewers_table(latest[1].get("top_list_reviewers", []), 20),
            ]
    charts_ = [
        ("activity", review_charts.activity, "Patch messages, series and replies per release"),
        ("reviewed", review_charts.reviewed, "Share of series reviewed on the list per release"),
        ("hours", review_charts.hours, "Median hours to the first review per release"),
        ("tags", review_charts.tags, "Tags given on the list and in commits per release"),
        ("posted", review_charts.posted, "Share of commits posted to the lists per release"),
    ]
    out.append("## Per release\n")
    archive = (s.get("first"), s.get("end"))
    for key, make, title in charts_:
        chart = make(ctx.counted, main.windows, ctx.contexts, archive)
        out.append(chart_block(plan, PAGE, f"review-{key}", chart, title))
    active = [
        n
        for n in ctx.arch_names
        if any(
            a["name"] == n and a["series"]
            for d in main.windows.values()
            for a in d.get("architectures", [])
        )
    ]
    if active:
        out.append(
            chart_block(
                plan,
                PAGE,
                "review-arches",
                review_charts.architectures(
                    ctx.counted, main.windows, active, ctx.contexts, archive, ctx.arch_names
                ),
                "Share of series reviewed per architecture per release",
            )
        )
    rows = []
    for w in reversed(windows):
        doc = main.windows.get(w["release"])
        name = link(PAGE, release_page(w["release"]), escape(w["release"]))
        if doc is None or not covered(doc):
            rows.append([name, *[DASH] * 6])
            continue
        links = doc.get("links") or {}
        partial = " *(partly covered)*" if doc.get("coverage") == "partial" else ""
        rows.append(
            [
                name + partial,
                fmt_int(doc["patches"]),
                fmt_int(doc["series"]),
                fmt_pct(doc["reviewed_share"]),
                _hours(doc["median_hours_to_review"]),
                f"{fmt_int(doc['tags_given'].get('Reviewed-by', 0))} / "
                f"{fmt_int(doc['commit_tags'].get('Reviewed-by', 0))}",
                fmt_pct(links.get("posted_share")),
            ]
        )
    out.append(
        table(
            [
                "Release",
                "patches",
                "series",
                "reviewed",
                "to review",
                "Reviewed-by list / commits",
                "commits posted",
            ],
            rows,
            "lrrrrrr",
        )
    )
    for other in ctx.companion_reviews:
        data = ctx.companions[other.name]
        counted = set(data.project.get("counted", data.project["releases"]))
        other_windows = [w for w in data.windows if w["release"] in counted]
        out += [
            f"## {escape(other.title)}\n",
            f"Scope: {escape(other.summary.get('scope', ''))}.\n",
            chart_block(
                plan,
                PAGE,
                f"review-{file_name(other.name)}-reviewed",
                review_charts.reviewed(
                    other_windows,
                    other.windows,
                    release_contexts(data),
                    (other.summary.get("first"), other.summary.get("end")),
                ),
                f"{other.title}: share of series reviewed on the list",
            ),
        ]
    # Markdown is read inside the <code> element: `*` would start emphasis, `[x](y)` a link.
    bots = ", ".join(f"<code>{escape(b)}</code>" for b in s.get("bots", []))
    out += [
        "## Bots\n",
        "Replies from these senders (address or name, shell patterns) are counted on their "
        f"own and never as review: {bots}.\n",
    ]
    if s.get("unparseable"):
        out.append(
            f"{fmt_int(len(s['unparseable']))} message(s) could not be parsed; they count as "
            "messages only: "
            + ", ".join(f"`{escape(c[:12])}`" for c in s["unparseable"][:20])
            + "\n"
        )
    return "\n".join(out)
