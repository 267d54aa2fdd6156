"""The review on the mailing lists, on the site: the Review page, a section on every release
page, a line on the home page, CSV/JSON downloads. Pure, like `website.pages`: documents
in (`store.review`), page texts, charts and files added to the `SitePlan`.

Over a year (several windows) counts are added up and shares recomputed from the sums; the
median hours come from the pooled per-series hours; the list reviewers' counts are added up
over the year's windows (a series answered in two windows counts in both).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from kvmstatus.model.records import LINK_METHODS, SUBJECT, TRAILER
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.shared.numbers import nearest_rank, share
from kvmstatus.store.documents import Document, file_name
from kvmstatus.website import review_charts
from kvmstatus.website.markdown import (
    DASH,
    escape,
    fmt_days,
    fmt_int,
    fmt_pct,
    link,
    person,
    table,
)
from kvmstatus.website.pages import Context, SitePlan, banner, chart_block, csv_text, release_page
from kvmstatus.website.periods import merge_people, period_range, year_spans

PAGE = "review.md"


@dataclass(frozen=True)
class ProjectReview:
    """One project's review documents: the summary and the windows by release."""

    name: str
    """`""` for the main project, else the companion's folder name."""
    title: str
    summary: Document
    windows: Mapping[str, Document] = field(default_factory=dict)


def _hours(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):,.1f} h"


def _count(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):g}"


_EMPTY: Document = {"coverage": "full"}


def _covered(doc: Document | None) -> bool:
    return bool(doc) and doc is not None and doc.get("coverage") != "none"


def _full(doc: Document | None) -> bool:
    return doc is not None and doc.get("coverage") == "full"


def period(docs: Sequence[Document], whole: bool = True) -> Document:
    """Several windows' review added up; with `whole`, only the windows the archives cover
    from start to end (where an archive starts or ends, a window holds part of its messages)."""
    docs = [d for d in docs if _full(d) or (not whole and _covered(d))]

    def total(key: str) -> int:
        return sum(int(d.get(key) or 0) for d in docs)

    hours = [h for d in docs for h in d.get("review_hours", [])]
    links = [d.get("links") or {} for d in docs]
    posted = sum(int(x.get("posted") or 0) for x in links)
    commits = sum(int(x.get("commits") or 0) for x in links)
    methods = {
        m: sum(int((x.get("methods") or {}).get(m) or 0) for x in links) for m in LINK_METHODS
    }
    return {
        "windows": len(docs),
        "patch_messages": total("patch_messages"),
        "cover_letters": total("cover_letters"),
        "series": total("series"),
        "replies": total("replies"),
        "bot_replies": total("bot_replies"),
        "reviewed_series": total("reviewed_series"),
        "reviewed_share": share(total("reviewed_series"), total("series")),
        "median_hours_to_review": nearest_rank(hours, 50),
        "unanswered": total("unanswered"),
        "answer_checked": total("answer_checked"),
        "unanswered_share": share(total("unanswered"), total("answer_checked")),
        "tags_given": {
            k: sum((d.get("tags_given") or {}).get(k, 0) for d in docs) for k in LIST_TAGS
        },
        "commit_tags": {
            k: sum((d.get("commit_tags") or {}).get(k, 0) for d in docs) for k in LIST_TAGS
        },
        "posted": posted,
        "commits": commits,
        "posted_share": share(posted, commits),
        "methods": methods,
        "disagreements": sum(int(x.get("disagreements") or 0) for x in links),
        "top_list_reviewers": merge_people([d.get("top_list_reviewers", []) for d in docs]),
        "commit_tags_by_email": _commit_tags(docs),
    }


def _commit_tags(docs: Sequence[Document]) -> dict[str, int]:
    found: dict[str, int] = {}
    for d in docs:
        for row in d.get("top_list_reviewers", []):
            found[row["email"]] = found.get(row["email"], 0) + int(row.get("commit_tags") or 0)
    return found


def _numbers(d: Document) -> list[tuple[str, str]]:
    if not d["windows"]:
        return [(label, DASH) for label, _ in _numbers(period([_EMPTY]))]
    patches = d["patch_messages"] - d["cover_letters"]  # cover letters are patch messages
    cells = [
        (
            "Patches posted (and cover letters)",
            f"{fmt_int(patches)} ({fmt_int(d['cover_letters'])})",
        ),
        ("Series posted", fmt_int(d["series"])),
        ("Replies (from bots)", f"{fmt_int(d['replies'])} ({fmt_int(d['bot_replies'])})"),
        (
            "Series reviewed on the list",
            f"{fmt_int(d['reviewed_series'])} ({fmt_pct(d['reviewed_share'])})",
        ),
        ("Median time to the first review", _hours(d["median_hours_to_review"])),
        (
            "No reply from anyone else within 14 days",
            f"{fmt_int(d['unanswered'])} of {fmt_int(d['answer_checked'])}",
        ),
    ]
    cells += [
        (
            f"{key}: given on the list / in commits",
            f"{fmt_int(d['tags_given'][key])} / {fmt_int(d['commit_tags'][key])}",
        )
        for key in LIST_TAGS
    ]
    cells.append(
        (
            "Commits posted to the lists",
            f"{fmt_int(d['posted'])} of {fmt_int(d['commits'])} ({fmt_pct(d['posted_share'])})",
        )
    )
    methods = d["methods"]
    rates = {m: fmt_pct(share(methods[m], d["commits"])) for m in (TRAILER, SUBJECT)}
    cells.append(
        (
            "linked by their Link:/Message-Id: / by subject (the two disagree)",
            f"{fmt_int(methods[TRAILER])} ({rates[TRAILER]}) / "
            f"{fmt_int(methods[SUBJECT])} ({rates[SUBJECT]}) ({fmt_int(d['disagreements'])})",
        )
    )
    return cells


def numbers_table(columns: Sequence[tuple[str, Document]]) -> str:
    """The review's numbers, one column per period or window."""
    cells = [_numbers(doc) for _, doc in columns]
    head = ["", *(label for label, _ in columns)]
    body = [[label, *(c[k][1] for c in cells)] for k, (label, _) in enumerate(cells[0])]
    return table(head, body, "l" + "r" * len(columns))


def window_numbers(doc: Document) -> Document:
    """A window's document in `period`'s shape (also when the archives cover part of it)."""
    return period([doc], whole=False)


def reviewers_table(rows: Sequence[Document], tags: Mapping[str, int], top: int = 15) -> str:
    """List reviewers with the tags naming them in commits: *none* marks the reviews that
    never became a tag."""
    body = [
        [
            str(i),
            person(r),
            fmt_int(r["count"]),
            fmt_int(tags.get(r["email"], 0)) if tags.get(r["email"], 0) else "*none*",
        ]
        for i, r in enumerate(rows[:top], 1)
    ]
    return table(
        ["#", "List reviewer", "series of others replied to", "tags in commits"], body, "llrr"
    )


def arch_table(doc: Document) -> str:
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


def _archives(summary: Document) -> str:
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


def release_section(
    page: str, window: Document, main: ProjectReview, companions: Sequence[ProjectReview]
) -> str:
    """The review of one release window, for the end of its release page."""
    doc = main.windows.get(window["release"])
    out = ["## Review on the list\n"]
    if not _covered(doc):
        out.append(
            f"*The list archives ({_archives(main.summary)}) hold no message of this window.*\n"
        )
        return "\n".join(out)
    assert doc is not None
    partial = (
        " The archives cover only part of this window." if doc.get("coverage") == "partial" else ""
    )
    out += [
        f"Messages of {_archives(main.summary)} dated from the previous release to this one, "
        f"counted as the {link(page, PAGE, 'Review')} page and the "
        f"{link(page, 'methodology.md', 'Methodology')} say.{partial}\n",
        numbers_table([("this window", window_numbers(doc))]),
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
        reviewers_table(
            doc.get("top_list_reviewers", []),
            {r["email"]: int(r.get("commit_tags") or 0) for r in doc.get("top_list_reviewers", [])},
        ),
    ]
    lines = []
    for other in companions:
        cdoc = other.windows.get(window["release"])
        if _covered(cdoc):
            assert cdoc is not None
            lines.append(
                f"- **{escape(other.title)}**: {fmt_int(cdoc['patches'])} patches in "
                f"{fmt_int(cdoc['series'])} series, {fmt_pct(cdoc['reviewed_share'])} reviewed "
                "on the list"
            )
    if lines:
        out += ["### Companion projects on the lists\n", "\n".join(lines) + "\n"]
    return "\n".join(out)


def _year_columns(
    windows: Sequence[Document], project: ProjectReview, cycles: int
) -> list[tuple[str, Document]]:
    """The last year and the two before it (as far as there are windows), each added up;
    a column the archives reach only in part says so."""
    labels = ("this year", "1 year earlier", "2 years earlier")
    columns = []
    for label, (a, b) in zip(labels, year_spans(len(windows), cycles), strict=False):
        docs = [project.windows.get(w["release"]) for w in windows[a:b]]
        found = [d for d in docs if d is not None]
        note = ""
        full = sum(1 for d in found if _full(d))
        if 0 < full < len(docs):
            note = f"<br>*{full} of {len(docs)} windows*"
        span = escape(period_range(windows[a:b]))
        columns.append((f"{label}<br>{span}{note}", period(found)))
    return columns


def _latest(columns: Sequence[tuple[str, Document]]) -> tuple[str, Document] | None:
    """The newest column the archives reach."""
    return next(((label, doc) for label, doc in columns if doc["windows"]), None)


def review_page(
    plan: SitePlan,
    project: Document,
    windows: Sequence[Document],
    main: ProjectReview,
    companions: Sequence[tuple[ProjectReview, Sequence[Document]]],
    cycles: int,
    arch_names: Sequence[str],
) -> str:
    s = main.summary
    out = [
        "# Review on the mailing lists\n",
        banner(Context(project, list(windows), {}, cycles)),
        "The commits' trailers show only the review that reached the tree. This page reads "
        f"the lists the patches were posted to: {_archives(s)}. For every release window "
        "(messages dated from the previous release to this one): the patches and series "
        "posted, how many series someone other than their sender answered, how soon, which "
        "tags reviewers gave on the list against those that reached the commits, and how "
        "many commits were posted first. Definitions on the "
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
            "A window they fall in counts as partly covered and stays out of the yearly "
            "numbers.\n"
        )
    columns = _year_columns(windows, main, cycles)
    latest = _latest(columns)
    if latest is not None:
        out += [
            "## The last year\n",
            f"A year is {cycles} release windows, as on the home page.\n",
            numbers_table(columns),
        ]
        label, year = latest
        out += [
            f"### List reviewers, {label.split('<br>')[0]}\n",
            "Series of others each address replied to, added up over the year's releases; "
            "*none*: no tag in the year's commits names them.\n",
            reviewers_table(year["top_list_reviewers"], year["commit_tags_by_email"], 20),
        ]
    ids = "review"
    out += [
        "## Per release\n",
        chart_block(
            plan,
            PAGE,
            f"{ids}-activity",
            review_charts.activity(windows, main.windows),
            "Patch messages, series and replies per release",
        ),
        chart_block(
            plan,
            PAGE,
            f"{ids}-reviewed",
            review_charts.reviewed(windows, main.windows),
            "Share of series reviewed on the list per release",
        ),
        chart_block(
            plan,
            PAGE,
            f"{ids}-hours",
            review_charts.hours(windows, main.windows),
            "Median hours to the first review per release",
        ),
        chart_block(
            plan,
            PAGE,
            f"{ids}-tags",
            review_charts.tags(windows, main.windows),
            "Tags given on the list and in commits per release",
        ),
        chart_block(
            plan,
            PAGE,
            f"{ids}-posted",
            review_charts.posted(windows, main.windows),
            "Share of commits posted to the lists per release",
        ),
    ]
    active = [
        n
        for n in arch_names
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
                f"{ids}-arches",
                review_charts.architectures(windows, main.windows, active),
                "Share of series reviewed per architecture per release",
            )
        )
    rows = []
    for w in reversed(windows):
        doc = main.windows.get(w["release"])
        name = link(PAGE, release_page(w["release"]), escape(w["release"]))
        if not _covered(doc):
            rows.append([name, *[DASH] * 6])
            continue
        assert doc is not None
        links = doc.get("links") or {}
        partial = " *(partly covered)*" if doc.get("coverage") == "partial" else ""
        rows.append(
            [
                name + partial,
                fmt_int(doc["patches"]),
                fmt_int(doc["series"]),
                fmt_pct(doc["reviewed_share"]),
                _hours(doc["median_hours_to_review"]),
                f"{fmt_int(doc['tags_given']['Reviewed-by'])} / "
                f"{fmt_int(doc['commit_tags']['Reviewed-by'])}",
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
    for other, other_windows in companions:
        out += [
            f"## {escape(other.title)}\n",
            f"Scope: {escape(other.summary.get('scope', ''))}.\n",
        ]
        ocolumns = _year_columns(other_windows, other, cycles)
        if ocolumns:
            out.append(numbers_table(ocolumns))
        out.append(
            chart_block(
                plan,
                PAGE,
                f"{ids}-{file_name(other.name)}-reviewed",
                review_charts.reviewed(other_windows, other.windows),
                f"{other.title}: share of series reviewed on the list",
            )
        )
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


def home_section(windows: Sequence[Document], main: ProjectReview, cycles: int) -> str:
    columns = _year_columns(windows, main, cycles)
    if not columns:
        return ""
    year = columns[0][1]
    if not year["windows"]:
        return (
            "## Review on the lists\n\n"
            f"The list archives ({_archives(main.summary)}) do not cover the last year's "
            f"release windows from end to end, so this page shows no numbers for it. More on "
            f"the {link('index.md', PAGE, 'Review')} page.\n"
        )
    start, end = year_spans(len(windows), cycles)[0]
    when = "In the last year"
    if year["windows"] < end - start:
        when += f" (the {fmt_int(year['windows'])} of its {end - start} windows the archives cover)"
    if not year["series"]:
        return (
            f"## Review on the lists\n\n{when}, no series was posted on the lists. More on "
            f"the {link('index.md', PAGE, 'Review')} page.\n"
        )
    return (
        "## Review on the lists\n\n"
        f"{when}, {fmt_pct(year['reviewed_share'])} of the {fmt_int(year['series'])} "
        f"series posted were answered on the list by someone other than their sender "
        f"(median {_hours(year['median_hours_to_review'])} to the first review); reviewers gave "
        f"{fmt_int(year['tags_given']['Reviewed-by'])} `Reviewed-by` on the list, and "
        f"{fmt_int(year['commit_tags']['Reviewed-by'])} reached the commits. More on the "
        f"{link('index.md', PAGE, 'Review')} page.\n"
    )


def _flat(release: str, project: str, doc: Document) -> Document:
    """One CSV row: the same columns for every window; empty where the lists reach nowhere
    (a window they do not cover has no numbers, not zeros)."""
    row = review_charts.review_row(doc)
    covered = _covered(doc)
    data = doc if covered else {}
    links = data.get("links") or {}
    methods = links.get("methods") or {}
    return {
        "release": release,
        "project": project,
        "coverage": doc.get("coverage"),
        "messages": data.get("messages"),
        "cover_letters": data.get("cover_letters"),
        "patches": data.get("patches"),
        **{k: row.get(k) for k in review_charts.review_row(_EMPTY)},
        "reviewed_series": data.get("reviewed_series"),
        "unanswered": data.get("unanswered"),
        "answer_checked": data.get("answer_checked"),
        "bot_replies": data.get("bot_replies"),
        "commits": links.get("commits"),
        "posted": links.get("posted"),
        **{f"posted_by_{m}": methods.get(m) if covered else None for m in LINK_METHODS},
        "median_versions": links.get("median_versions"),
        "median_days_to_commit": links.get("median_days_to_commit"),
        "unparseable": data.get("unparseable"),
    }


def data_files(plan: SitePlan, projects: Sequence[tuple[ProjectReview, Sequence[Document]]]) -> str:
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
                {"release": w["release"], "project": label}
                | {
                    k: a[k]
                    for k in (
                        "name",
                        "series",
                        "reviewed_series",
                        "reviewed_share",
                        "median_hours_to_review",
                    )
                }
                for a in doc.get("architectures", [])
            ]
            folder = "review" if not project.name else f"review/{file_name(project.name)}"
            plan.files[f"data/{folder}/{file_name(w['release'])}.json"] = _json(doc)
    tables = {
        "review": ("The review on the lists, one row per release and project", rows),
        "review-reviewers": ("List reviewers per release and project", people),
        "review-architectures": ("Series reviewed per architecture per release", arches),
    }
    body = []
    for name, (title, data) in tables.items():
        plan.files[f"data/{name}.csv"] = csv_text(data)
        plan.files[f"data/{name}.json"] = _json(data)
        body.append([title, f"[{name}.csv]({name}.csv)", f"[{name}.json]({name}.json)"])
    return (
        "\n## Review on the lists\n\n"
        + table(["Table", "CSV", "JSON"], body, "lll")
        + (
            "\nEach window's complete review document is under `review/<release>.json` "
            "(companions: `review/<name>/<release>.json`).\n"
        )
    )


def _json(data: object) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def with_section(text: str, section: str, before: str = "\n## Architectures\n") -> str:
    """A release page with the review inserted before its Architectures section, right
    after its Trailers (the list next to the tags), or at its end."""
    at = text.find(before)
    if at < 0:
        return text + "\n" + section
    return text[:at] + "\n" + section + text[at:]


def add_review(
    plan: SitePlan,
    project: Document,
    windows: Sequence[Document],
    companions: Mapping[str, tuple[Document, list[Document]]],
    reviews: Sequence[ProjectReview],
    cycles: int,
) -> None:
    """Add the review to a site planned by `pages.build_plan` (nothing without reviews)."""
    main = next((r for r in reviews if not r.name), None)
    if main is None:
        return
    others = [r for r in reviews if r.name and r.name in companions]
    arch_names: list[str] = project.get("settings", {}).get("architectures") or []
    plan.pages[PAGE] = review_page(
        plan,
        project,
        windows,
        main,
        [(r, companions[r.name][1]) for r in others],
        cycles,
        arch_names,
    )
    for w in windows:
        page = release_page(w["release"])
        if page in plan.pages:
            plan.pages[page] = with_section(
                plan.pages[page], release_section(page, w, main, others)
            )
    if "index.md" in plan.pages:
        plan.pages["index.md"] += "\n" + home_section(windows, main, cycles)
    if "data/index.md" in plan.pages:
        projects = [(main, windows), *((r, companions[r.name][1]) for r in others)]
        plan.pages["data/index.md"] += data_files(plan, projects)
    at = next(
        (
            i
            for i, entry in enumerate(plan.nav)
            if isinstance(entry, dict) and "Methodology" in entry
        ),
        len(plan.nav),
    )
    plan.nav.insert(at, {"Review": PAGE})
