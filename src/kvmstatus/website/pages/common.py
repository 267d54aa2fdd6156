"""What every page shares: the site being planned (`SitePlan`), the data it is planned from
(`Context`), and the small renderers several pages use (chart embeds, banners, labels,
people, companies, architectures, topics).

Pure: documents in, Markdown out. Every string that came from git goes through
`markdown.escape` (or `html_text`/`attr` inside raw HTML); no page computes a number that
is not in the documents (periods, changes, trends and topic marks are `analyse`'s).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt

from kvmstatus.model.documents import (
    ArchDocument,
    CompanyCommits,
    CompanyReviews,
    MarkedTopicDocument,
    PeriodDocument,
    PersonCount,
    ProjectDocument,
    ProjectSettings,
    ReleaseContext,
    ReviewDocument,
    ReviewIndex,
    WindowDocument,
    YearsDocument,
    is_initial,
)
from kvmstatus.model.trailers import CC_STABLE, HEADLINE_TRAILERS, TrailerKind
from kvmstatus.shared.labels import GENERAL, NO_PREFIX
from kvmstatus.store.documents import Dataset, file_name
from kvmstatus.story.sentences import YearStory
from kvmstatus.website import charts
from kvmstatus.website.markdown import (
    DASH,
    attr,
    escape,
    fmt_int,
    fmt_pct,
    html_text,
    link,
    person,
    table,
)


@dataclass
class SitePlan:
    """Everything the site consists of: pages (path -> Markdown), charts and data files."""

    pages: dict[str, str] = field(default_factory=dict)
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectReview:
    """One project's review on the lists: the summary, the windows by release, the years."""

    name: str
    """`""` for the main project, else the companion's folder name."""
    title: str
    summary: ReviewIndex
    windows: Mapping[str, ReviewDocument] = field(default_factory=dict)
    periods: Sequence[ReviewDocument] = ()
    """The yearly periods' review, newest first, as `Context.periods`."""


def release_contexts(data: Dataset) -> dict[str, ReleaseContext]:
    """Each release against the ones before it (`releases.json`): when its window ran, its
    rate; by release (empty for data written without it)."""
    return {c["release"]: c for c in (data.releases or {"releases": []})["releases"]}


@dataclass(frozen=True)
class Context:
    """The data a site is planned from: the main project's, its companions', the review."""

    data: Dataset
    companions: Mapping[str, Dataset] = field(default_factory=dict)
    reviews: Sequence[ProjectReview] = ()
    attachments: tuple[str, ...] = ()
    """Files the edition carries beside its pages (the slides of the year), by path."""

    @property
    def project(self) -> ProjectDocument:
        return self.data.project

    @property
    def settings(self) -> ProjectSettings:
        return self.data.project["settings"]

    @property
    def windows(self) -> list[WindowDocument]:
        return self.data.windows

    @property
    def contexts(self) -> dict[str, ReleaseContext]:
        return release_contexts(self.data)

    @property
    def years(self) -> YearsDocument | None:
        return self.data.years

    @property
    def periods(self) -> list[PeriodDocument]:
        """The yearly periods, newest first (none: the history has no year)."""
        return self.data.periods

    @property
    def last_year(self) -> PeriodDocument | None:
        return self.periods[0] if self.periods else None

    @property
    def releases(self) -> list[str]:
        return [w["release"] for w in self.windows]

    @property
    def arch_names(self) -> list[str]:
        return list(self.settings.get("architectures") or [])

    @property
    def absent_trailers(self) -> frozenset[str]:
        """Derived trailers the project has no definition for (no stable list: no Cc-stable)."""
        return frozenset({CC_STABLE} if self.settings.get("stable_lists") == [] else ())

    @property
    def headline_trailers(self) -> tuple[TrailerKind, ...]:
        return tuple(k for k in HEADLINE_TRAILERS if k.key not in self.absent_trailers)

    @property
    def counted(self) -> list[WindowDocument]:
        """The windows of the trends (`project.json`'s `counted`, decided by the analysis:
        the initial window only when the project counts it)."""
        counted = set(self.project.get("counted", self.releases))
        return [w for w in self.windows if w["release"] in counted]

    @property
    def main_review(self) -> ProjectReview | None:
        return next((r for r in self.reviews if not r.name), None)

    @property
    def companion_reviews(self) -> list[ProjectReview]:
        return [r for r in self.reviews if r.name and r.name in self.companions]


# --- pages' addresses and labels ---------------------------------------------------------------


def release_page(release: str) -> str:
    return f"releases/{file_name(release)}.md"


def arch_page(arch: str) -> str:
    return f"architectures/{file_name(arch)}.md"


def range_label(range_: str) -> str:
    """A window's or a period's range for readers: `A..B`, or "all history up to B" for the
    initial window (git's own spelling of it is just `B`)."""
    return range_ if ".." in range_ or ", " in range_ else f"all history up to {range_}"


def plural(n: int, noun: str) -> str:
    return f"{fmt_int(n)} {noun}{'' if n == 1 else 's'}"


def banner(ctx: Context) -> str:
    if ctx.project.get("synthetic"):
        return (
            '!!! warning "Synthetic demo data"\n'
            "    Every number on this site comes from a generated history, not from a real "
            "project.\n\n"
        )
    return ""


def summary(sentences: Sequence[str]) -> str:
    """The story's sentences (`kvmstatus.story`) as the paragraph a page opens with."""
    if not sentences:
        return ""
    return " ".join(escape(s) for s in sentences) + "\n{ .kvm-story }\n"


def year_story(ctx: Context) -> YearStory | None:
    """What the last year's summary is made of (None: the history holds no year)."""
    if ctx.years is None or not ctx.periods:
        return None
    main = ctx.main_review
    review = main.periods[0] if main is not None and main.periods else None
    return YearStory(
        project=ctx.project["project"],
        years=ctx.years,
        periods=ctx.periods,
        trailers=ctx.headline_trailers,
        review=review,
        archives=archive_dates(main.summary) if main is not None else None,
    )


def archive_dates(summary: ReviewIndex) -> tuple[str, str] | None:
    """The first and last message dates of a project's list archives."""
    firsts = [str(a["first"]) for a in summary.get("archives", []) if a.get("first")]
    lasts = [str(a["last"]) for a in summary.get("archives", []) if a.get("last")]
    if not firsts or not lasts:
        return None
    return min(firsts), max(lasts)


def no_year(ctx: Context) -> str:
    """What a page says where the last year would be, when the history has none."""
    return (
        f"*The history up to {escape(ctx.releases[-1])} holds no complete year of release "
        "cycles, so there is no yearly comparison yet.*\n"
    )


def initial_note(ctx: Context, w: WindowDocument) -> str:
    """What the initial window is, on its own page."""
    counted = bool(ctx.settings.get("count_initial_window"))
    how = (
        "The project's settings count it in the trends like a release cycle; no yearly "
        "period includes it."
        if counted
        else "It is kept out of the trends and the yearly comparisons (`count_initial_window` "
        "in the configuration, or `--count-initial-window`, counts it in the trends)."
    )
    return (
        '!!! note "Not a release cycle"\n'
        f"    This window is all history up to {escape(w['release'])}, the first release: "
        f"{fmt_int(w['commits'])} commits (<code>git rev-list {html_text(w['release'])}</code>). "
        f"{how} "
        "Every author in it counts as a first-time author, as nothing came before.\n\n"
    )


def initial_aside(ctx: Context, page: str) -> str:
    """On a page of trends: that the initial window is left out, and where it is."""
    first = ctx.windows[0]
    if len(ctx.counted) == len(ctx.windows) or not is_initial(first):
        return ""
    return (
        f"*{link(page, release_page(first['release']), escape(first['release']))} is all "
        f"history up to the first release ({fmt_int(first['commits'])} commits), not a "
        "release cycle: it is left out of the trends and the yearly comparisons.*\n"
    )


def selection_text(settings: ProjectSettings) -> str:
    """Which files the numbers count, in words."""
    chosen = settings.get("selection") or {"paths": [], "subsystem": ""}
    paths = chosen.get("paths") or []
    if paths == ["."]:
        return "the whole tree"
    if paths:
        return "the paths " + ", ".join(f"<code>{html_text(p)}</code>" for p in paths)
    return (
        "the files of the <code>MAINTAINERS</code> entries whose names match "
        f"<code>{html_text(chosen.get('subsystem', ''))}</code>"
    )


def period_label(period: PeriodDocument, quote: Callable[[str], str] = escape) -> str:
    """A yearly period for readers: its range and its dates. `quote` writes the tags (for
    Markdown by default; `str` for a chart, which draws text as it is)."""
    span = period["span"]
    dates = f"{span['since'][:10]} to {span['until'][:10]}"
    if span["kind"] == "releases":
        return f"{quote(span['start'] or '')}..{quote(span['end'])} ({dates})"
    return f"{dates}, by commit date"


# --- small renderers ----------------------------------------------------------------------------


def chart_block(
    plan: SitePlan, page: str, chart_id: str, chart: alt.TopLevelMixin, alt_text: str
) -> str:
    """The embed for one chart: its title and subtitle as the figure's caption (HTML wraps
    on a phone), the static SVG, replaced by the interactive view when JavaScript runs (see
    `site/assets/charts.js`), and the links to its PNG, SVG and CSV (`website.chartfiles`)."""
    plan.charts[chart_id] = chart
    base = f"{'../' * page.count('/')}charts/{chart_id}"
    title, subtitle = charts.caption(chart)
    lines = "".join(f'<span class="kvm-chart-subtitle">{html_text(s)}</span>' for s in subtitle)
    downloads = " · ".join(
        f'<a href="{base}.{ext}" download>{label}</a>'
        for ext, label in (("png", "PNG"), ("svg", "SVG"), ("csv", "CSV"))
    )
    return (
        f'<figure class="kvm-chart" data-spec="{base}.vl.json">'
        f'<figcaption><span class="kvm-chart-title">{html_text(title)}</span>{lines}</figcaption>'
        f'<img src="{base}.svg" alt="{attr(alt_text)}" loading="lazy">'
        f'<span class="kvm-downloads">Download: {downloads}</span>'
        "</figure>\n"
    )


def company_table(rows: Sequence[CompanyCommits] | Sequence[CompanyReviews], top: int) -> str:
    """Companies with their counts and shares of the period's total."""
    key = "reviews" if rows and "reviews" in rows[0] else "commits"
    counts = [int(r.get(key, 0)) for r in rows]  # type: ignore[call-overload]
    total = sum(counts)
    body = [
        [escape(r["company"]), fmt_int(n), fmt_pct(n / total if total else None)]
        for r, n in zip(rows[:top], counts, strict=False)
    ]
    return table(["Company", key, "share"], body, "lrr")


def arch_summary(ctx: Context, arches: Sequence[ArchDocument], page: str) -> str:
    """One row per architecture with commits: commits, authors, reviewed share, top author."""
    by_name = {a["name"]: a for a in arches}
    rows = []
    for name in ctx.arch_names:
        arch = by_name.get(name)
        if arch is None or not arch["commits"]:
            continue
        top = arch["top_authors"][0] if arch["top_authors"] else None
        reviewed = arch["trailers"]["Reviewed-by"]["commits"]
        rows.append(
            [
                link(page, arch_page(name), escape(name)),
                fmt_int(arch["commits"]),
                fmt_int(arch["authors"]),
                fmt_pct(reviewed / arch["commits"]),
                person(top) if top else DASH,
            ]
        )
    return table(["Architecture", "commits", "authors", "reviewed", "top author"], rows, "lrrrl")


def topics_note(ctx: Context) -> str:
    """How topics are read, with the kernel's example only where the project is the kernel's
    KVM (a subsystem selection)."""
    example = (
        " (`KVM: x86/mmu:` is *mmu*)"
        if not (ctx.settings.get("selection") or {}).get("paths")
        else ""
    )
    return (
        "Topics come from the subject prefixes: the first one that names neither the project "
        f"nor an architecture{example}; a commit counts once for each architecture it "
        "touches. *(new)*: no commit had the topic in the period before; *(+N)*: the topics "
        "that grew the most against it.\n"
    )


def topic_line(rows: Sequence[MarkedTopicDocument], limit: int = 8) -> str:
    """`nVMX 48, mmu 41 (+12), Hyper-V 22 (new), ...`: the `limit` biggest topics, marked."""
    parts = []
    # The catch-alls go last: the line is about what the named topics were.
    ordered = sorted(rows, key=lambda row: row["topic"] in (GENERAL, NO_PREFIX))
    for row in ordered[:limit]:
        growth = row["growth"]
        mark = " (new)" if row["new"] else f" (+{growth})" if growth else ""
        parts.append(f"{escape(row['topic'])} {fmt_int(row['commits'])}{mark}")
    more = len(ordered) - limit
    return ", ".join(parts) + (f", and {more} more" if more > 0 else "")


def topic_summary(ctx: Context, marks: Mapping[str, Sequence[MarkedTopicDocument]]) -> str:
    """One line per architecture (map order): its marked topics."""
    lines = [
        f"- **{escape(name)}**: {topic_line(marks[name])}"
        for name in ctx.arch_names
        if marks.get(name)
    ]
    if not lines:
        return "*No topics in this period.*\n"
    return "\n".join(lines) + "\n"


def testing_summary(ctx: Context, testing: Mapping[str, int]) -> str:
    rows = [[escape(n), fmt_int(testing.get(n, 0))] for n in ctx.arch_names if testing.get(n)]
    return table(["Architecture", "test-suite commits"], rows, "lr")


def people_lists(doc: WindowDocument) -> Mapping[str, list[PersonCount]]:
    """The document's ranked people lists by key (`top_authors`, `top_reviewers`, ...): the
    trailer registry decides which exist."""
    return {k: v for k, v in doc.items() if k.startswith("top_") and isinstance(v, list)}


def suite_of(settings: ProjectSettings) -> tuple[str, list[str] | None]:
    """The main project's test suite: its name (from the configuration) and its paths (from
    the architecture mapping; None in data written before they were recorded)."""
    return settings.get("test_suite") or "Test suite", settings.get("testing_paths")


def testing_intro(settings: ProjectSettings) -> str:
    name, paths = suite_of(settings)
    mapping = f"the <code>{html_text(settings.get('arch_map', ''))}</code> architecture mapping"
    if paths is None:
        return "Commits touching the test-suite paths of the architecture mapping.\n"
    if not paths:
        return f"T{mapping[1:]} names no test-suite paths, so there is nothing to count.\n"
    if paths == ["**"]:
        where = "every path (the whole project is its test suite)"
    else:
        where = "the paths " + ", ".join(f"<code>{html_text(p)}</code>" for p in paths)
    return (
        f"Commits of {escape(name)}: those touching {where}, from {mapping}, counted for the "
        "architecture of those paths.\n"
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """`value` as a spreadsheet will not run it: text that a spreadsheet would read as a
    formula (`=HYPERLINK(...)` as a name on a list) gets a leading `'`, as OWASP advises;
    numbers, and text that is a number ("-3"), stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV, their columns the union of every row's keys in order of appearance,
    each cell a `spreadsheet_cell` (a downloaded CSV is opened in a spreadsheet)."""
    if not rows:
        return ""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def json_text(data: object) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def add_tables(
    plan: SitePlan, tables: Mapping[str, tuple[str, Sequence[Mapping[str, Any]]]]
) -> str:
    """Each table as `data/NAME.csv` and `.json`, and the Markdown table listing them."""
    body = []
    for name, (title, rows) in tables.items():
        plan.files[f"data/{name}.csv"] = csv_text(rows)
        plan.files[f"data/{name}.json"] = json_text(rows)
        body.append([title, f"[{name}.csv]({name}.csv)", f"[{name}.json]({name}.json)"])
    return table(["Table", "CSV", "JSON"], body, "lll")
