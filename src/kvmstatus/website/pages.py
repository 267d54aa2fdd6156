"""Markdown pages of the site, rendered from the data directory's documents.

Pure: documents in, `SitePlan` out (page texts, chart objects, data files). Writing files and
running MkDocs is `kvmstatus.website.build`'s job. Every string that came from git
(names, emails, subjects, tags, trailer values) goes through `markdown.escape`, which makes
it inert both as Markdown and as HTML; ordering is always explicit, and no page carries a
wall-clock time (the "as of" date is the data's), so the same data gives byte-identical
pages.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt

from kvmstatus.model.trailers import (
    CC_STABLE,
    HEADLINE_TRAILERS,
    PEOPLE_TRAILERS,
    REPORTED_TRAILERS,
    ROW_TRAILERS,
    TRAILERS,
    TrailerKind,
)
from kvmstatus.shared.labels import GENERAL, NO_PREFIX, SEVERAL, UNKNOWN
from kvmstatus.store.documents import Document, counted_windows, file_name, is_initial
from kvmstatus.website import charts, periods
from kvmstatus.website.markdown import (
    DASH,
    attr,
    change,
    escape,
    fmt_days,
    fmt_int,
    fmt_pct,
    html_text,
    link,
    people,
    people_table,
    person,
    table,
)
from kvmstatus.website.periods import aggregate, merge_people, year_spans
from kvmstatus.website.prose import summary_html

YEAR_LABELS = ("this year", "1 year earlier", "2 years earlier")
_TRAILER_ORDER = {key: i for i, key in enumerate(REPORTED_TRAILERS)}
_TRAILER_TITLES = {kind.key: kind.title for kind in TRAILERS}


@dataclass
class SitePlan:
    """Everything the site consists of: pages (path -> Markdown), charts and data files."""

    pages: dict[str, str] = field(default_factory=dict)
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    project: Document
    windows: list[Document]
    companions: dict[str, tuple[Document, list[Document]]]
    cycles: int

    @property
    def releases(self) -> list[str]:
        return [w["release"] for w in self.windows]

    @property
    def arch_names(self) -> list[str]:
        names: list[str] = self.project["settings"].get("architectures") or []
        return names

    @property
    def absent_trailers(self) -> frozenset[str]:
        """Derived trailers the project has no definition for (no stable list: no Cc-stable)."""
        settings = self.project.get("settings") or {}
        return frozenset({CC_STABLE} if settings.get("stable_lists") == [] else ())

    @property
    def headline_trailers(self) -> tuple[TrailerKind, ...]:
        return tuple(k for k in HEADLINE_TRAILERS if k.key not in self.absent_trailers)

    @property
    def counted(self) -> list[Document]:
        """The windows of trends and yearly comparisons: the initial window (all history up
        to the first release) only when the project counts it."""
        return project_counted(self.project, self.windows)

    def counted_before(self, index: int) -> list[Document]:
        """The counted windows before window `index` (the initial window is always first)."""
        return self.windows[len(self.windows) - len(self.counted) : index]

    def last_year(self) -> list[Document]:
        return self.counted[-self.cycles :]

    def year_before(self) -> list[Document]:
        return self.counted[-2 * self.cycles : -self.cycles]

    def years(self) -> list[Document]:
        """The last year and the two before it, aggregated, newest first."""
        spans = year_spans(len(self.counted), self.cycles)
        return [aggregate(self.counted[a:b]) for a, b in spans]


def project_counted(project: Document, windows: list[Document]) -> list[Document]:
    settings = project.get("settings") or {}
    return counted_windows(windows, bool(settings.get("count_initial_window")))


def range_label(range_: str) -> str:
    """A window's or a period's range for readers: `A..B`, or "all history up to B" for the
    initial window (git's own spelling of it is just `B`)."""
    return range_ if ".." in range_ else f"all history up to {range_}"


def initial_note(project: Document, w: Document) -> str:
    """What the initial window is, on its own page."""
    counted = bool((project.get("settings") or {}).get("count_initial_window"))
    how = (
        "The project's settings count it in the trends and yearly comparisons like a release cycle."
        if counted
        else "It is kept out of the trends and the yearly comparisons (`count_initial_window` "
        "in the configuration, or `--count-initial-window`, counts it)."
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
    if len(ctx.counted) == len(ctx.windows):
        return ""
    return (
        f"*{link(page, release_page(first['release']), escape(first['release']))} is all "
        f"history up to the first release ({fmt_int(first['commits'])} commits), not a "
        "release cycle: it is left out of the trends and the yearly comparisons.*\n"
    )


def selection_text(settings: Document) -> str:
    """Which files the numbers count, in words."""
    chosen = settings.get("selection") or {}
    paths = chosen.get("paths") or []
    if paths == ["."]:
        return "the whole tree"
    if paths:
        return "the paths " + ", ".join(f"<code>{html_text(p)}</code>" for p in paths)
    return (
        "the files of the <code>MAINTAINERS</code> entries whose names match "
        f"<code>{html_text(chosen.get('subsystem', ''))}</code>"
    )


# --- small renderers ------------------------------------------------------------------------


def chart_block(
    plan: SitePlan, page: str, chart_id: str, chart: alt.TopLevelMixin, alt_text: str
) -> str:
    """The embed for one chart: the static SVG, replaced by the interactive view when
    JavaScript runs (see `site/assets/charts.js`)."""
    plan.charts[chart_id] = chart
    depth = page.count("/")
    prefix = "../" * depth
    return (
        f'<figure class="kvm-chart" data-spec="{prefix}charts/{chart_id}.vl.json">'
        f'<img src="{prefix}charts/{chart_id}.svg" alt="{attr(alt_text)}" loading="lazy">'
        "</figure>\n"
    )


def banner(ctx: Context) -> str:
    if ctx.project.get("synthetic"):
        return (
            '!!! warning "Synthetic demo data"\n'
            "    Every number on this site comes from a generated history, not from a real "
            "project.\n\n"
        )
    return ""


def release_page(release: str) -> str:
    return f"releases/{file_name(release)}.md"


def arch_page(arch: str) -> str:
    return f"architectures/{file_name(arch)}.md"


def topic_line(rows: Sequence[periods.MarkedTopic], limit: int = 8) -> str:
    """`nVMX 48, mmu 41 (+12), Hyper-V 22 (new), ...`: the `limit` biggest topics, marked."""
    parts = []
    # The catch-alls go last: the line is about what the named topics were.
    catch_all = (GENERAL, NO_PREFIX)
    rows = sorted(rows, key=lambda row: row.topic in catch_all)
    for row in rows[:limit]:
        mark = " (new)" if row.new else f" (+{row.growth})" if row.growth else ""
        parts.append(f"{escape(row.topic)} {fmt_int(row.commits)}{mark}")
    more = len(rows) - limit
    return ", ".join(parts) + (f", and {more} more" if more > 0 else "")


def _arch_topic_rows(windows: Sequence[Document], arch: str) -> list[dict[str, object]]:
    return periods.merged_rows(w.get("arch_topics", {}).get(arch, []) for w in windows)


def topic_summary(ctx: Context, windows: Sequence[Document], before: Sequence[Document]) -> str:
    """One line per architecture: its topics over `windows`, marked against `before` (the
    period just before, scaled to the same number of windows)."""
    lines = []
    for name in ctx.arch_names:
        rows = _arch_topic_rows(windows, name)
        if not rows:
            continue
        previous = (
            periods.add_up(w.get("arch_topics", {}).get(name, []) for w in before)
            if before
            else None
        )
        scale = len(windows) / len(before) if before else 1.0
        lines.append(f"- **{escape(name)}**: {topic_line(periods.marked(rows, previous, scale))}")
    if not lines:
        return "*No topics in this period.*\n"
    return "\n".join(lines) + "\n"


TOPICS_NOTE = (
    "Topics come from the subject prefixes (`KVM: x86/mmu:` is *mmu*); a commit counts once "
    "for each architecture it touches. *(new)*: no commit had the topic in the year before; "
    "*(+N)*: the topics that grew the most against that year's average per release.\n"
)


def highlights(ctx: Context, w: Document) -> str:
    """The window's merge messages, escaped, grouped by architecture (map order)."""
    pulls = [p for p in w.get("pulls", []) if p["body"].strip()]
    if not pulls:
        return "*No merge in this window carries a message.*\n"
    order = {name: i for i, name in enumerate([*ctx.arch_names, SEVERAL])}
    groups: dict[str, list[Document]] = {}
    for pull in sorted(pulls, key=lambda p: order.get(p["architecture"], len(order))):
        groups.setdefault(pull["architecture"], []).append(pull)
    out = []
    for arch, members in groups.items():
        out.append(f"### {escape(arch)}\n")
        for pull in members:
            out.append(pull_heading(pull) + "\n")
            out.append(summary_html(pull["body"]) + "\n")
    return "\n".join(out)


def highlights_intro(w: Document) -> str:
    mainline = w["row"].get("mainline_merges")
    brought = (
        f"{fmt_int(mainline)} merges on the release's first-parent line brought selected commits in"
        if mainline is not None
        else ""
    )
    if not w["merges"]:
        return (
            "Git's path limiting (`git log A..B -- P`) keeps no merge of this window"
            + (f"; {brought}" if brought else "")
            + " (see Methodology).\n"
        )
    return (
        f"The messages of the {plural(w['merges'], 'merge')} that `git log A..B -- P` keeps, "
        "as their maintainers wrote them, grouped by the architecture whose files each merge "
        "changed" + (f" ({brought}; see Methodology)" if brought else "") + ".\n"
    )


def plural(n: int, noun: str) -> str:
    return f"{fmt_int(n)} {noun}{'' if n == 1 else 's'}"


def pull_heading(pull: Document) -> str:
    refs = ", ".join(escape(r) for r in pull["refs"]) or DASH
    octopus = f", an octopus of {pull['parents']} parents" if pull["parents"] > 2 else ""
    return (
        f"**{escape(pull['tree'])}**: {escape(pull['kind'])} {refs}, "
        f"{plural(pull['commits'], 'commit')}{octopus} "
        f'(<code class="kvm-hash" title="{attr(pull["subject"])}">{escape(pull["hash"][:12])}'
        "</code>)"
    )


def maintainer_flow(w: Document) -> str:
    trees = [
        [escape(t["tree"]), fmt_int(t["merges"]), fmt_int(t["commits"])] for t in w.get("trees", [])
    ]
    commits = w["commits"]
    applied = w.get("applied_by_others", 0)
    return "\n".join(
        [
            f"{fmt_int(applied)} of {fmt_int(commits)} patches "
            f"({fmt_pct(applied / commits if commits else None)}) were committed by someone "
            "other than their author. A tree's commits are the selection's commits its merges "
            "brought in (`git rev-list --no-merges M^1..M`); trees nest, so they overlap.\n",
            table(["Source tree", "merges", "commits"], trees, "lrr"),
            people_table(w.get("top_committers", []), "Committers"),
        ]
    )


# --- pages -----------------------------------------------------------------------------------


Headline = tuple[str, Callable[[Document], object], Callable[[object], str]]


def _trailer_headlines(kinds: Sequence[TrailerKind]) -> list[Headline]:
    def count(key: str) -> Callable[[Document], object]:
        return lambda year: year["trailers"][key]

    def part(key: str) -> Callable[[Document], object]:
        return lambda year: year["shares"][key]

    rows: list[Headline] = []
    for kind in kinds:
        rows += [(f"Commits with {kind.title}", count(kind.key), fmt_int)]
        rows += [("… share", part(kind.key), fmt_pct)]
    return rows


def headlines(kinds: Sequence[TrailerKind] = HEADLINE_TRAILERS) -> tuple[Headline, ...]:
    """The home page's rows, with the headline trailers `kinds` the project has."""
    return (
        ("Commits (non-merge)", lambda y: y["commits"], fmt_int),
        ("Merges (path-limited)", lambda y: y["merges"], fmt_int),
        ("Mainline merges bringing commits", lambda y: y.get("mainline_merges"), fmt_int),
        ("Merge share", lambda y: y["merge_share"], fmt_pct),
        ("Authors", lambda y: y["authors"], fmt_int),
        ("First-time authors", lambda y: y["first_time_authors"], fmt_int),
        *_trailer_headlines(kinds),
        ("Review coverage", lambda y: y["review_coverage"], fmt_pct),
        ("Median bug lifetime (Fixes:)", lambda y: y["fixes_median_lifetime_days"], fmt_days),
    )


def year_row(year: Document) -> Document:
    """A period in the `row` shape the charts read."""
    return {
        "range": range_label(year["range"]),
        "commits": year["commits"],
        "authors": year["authors"],
        "first_time_authors": year["first_time_authors"],
        "merge_share": year["merge_share"],
        **{f"{k.row}_share": year["shares"][k.key] for k in HEADLINE_TRAILERS},
        "review_coverage": year["review_coverage"],
    }


def range_head(range_: str) -> str:
    """A range in a table heading: each end unbroken, a break allowed after the dots."""
    label = escape(range_label(range_))
    ends = label.split("\\.\\.")
    if len(ends) != 2:
        return f'<span class="kvm-nowrap">{label}</span>'
    start, end = ends
    return (
        f'<span class="kvm-nowrap">{start}\\.\\.</span><wbr><span class="kvm-nowrap">{end}</span>'
    )


def headline_table(years: Sequence[Document], kinds: Sequence[TrailerKind]) -> str:
    head = ["", f"{YEAR_LABELS[0]}<br>{range_head(years[0]['range'])}"]
    for k, year in enumerate(years[1:], 1):
        head += [f"{YEAR_LABELS[k]}<br>{range_head(year['range'])}", "change"]
    rows = []
    for label, get, fmt in headlines(kinds):
        row = [label, fmt(get(years[0]))]
        for year in years[1:]:
            row += [fmt(get(year)), change(get(years[0]), get(year))]
        rows.append(row)
    return table(head, rows, "l" + "r" * (len(head) - 1))


def home(ctx: Context, plan: SitePlan) -> str:
    years = ctx.years()
    last = years[0]
    trend = ctx.project.get("trend")
    page = "index.md"
    settings = ctx.project.get("settings") or {}
    suite, suite_paths = suite_of(settings)
    out = [
        f"# {escape(ctx.project['title'])}\n",
        f"**{escape(ctx.project['project'])}**, as of {escape(ctx.project['as_of'])} "
        f"(release {escape(ctx.releases[-1])}), counting {selection_text(settings)}. "
        f"A year is {ctx.cycles} release cycles.\n",
        banner(ctx),
        f"## The last year: {escape(range_label(last['range']))}\n",
        headline_table(years, ctx.headline_trailers),
        chart_block(
            plan,
            page,
            "home-years",
            charts.year_comparison(
                [year_row(y) for y in years], metrics=charts.year_metrics(ctx.headline_trailers)
            ),
            "The last year next to the two before",
        ),
        "## Commits per release\n",
        chart_block(
            plan,
            page,
            "home-commits",
            charts.commits_per_release(ctx.counted, trend),
            "Commits per release with the linear trend",
        ),
    ]
    if trend:
        out.append(
            f"Linear trend: {trend['slope']:+.1f} commits per release "
            f"(r² = {trend['r2']:.2f}, over {trend['n']} releases).\n"
        )
    out.append(initial_aside(ctx, page))
    out += [
        "## Top people of the last year\n",
        '<div class="grid" markdown>\n',
        people_table(last["top_authors"], "Authors"),
        people_table(last["top_reviewers"], "Reviewers"),
        people_table(last["top_fixers"], "Fixes: creators"),
        "</div>\n",
        f"More on the {link(page, 'people.md', 'People')} page.\n",
        "## Companies of the last year\n",
        company_table(last["companies"], "commits", 10),
        f"`{UNKNOWN}` is {fmt_pct(last['unknown_company_share'])} of the commits. "
        f"More on the {link(page, 'companies.md', 'Companies')} page.\n",
        "## Architectures in the last year\n",
        arch_summary(ctx, ctx.last_year(), page),
        "### Topics\n",
        TOPICS_NOTE,
        topic_summary(ctx, ctx.last_year(), ctx.year_before()),
        f"## Testing: {escape(suite)}\n",
        _testing_intro(settings) if suite_paths == [] else testing_summary(ctx, ctx.last_year()),
        f"More on the {link(page, 'testing.md', 'Testing')} page.\n",
    ]
    return "\n".join(out)


def company_table(rows: Sequence[Document], field_: str, top: int) -> str:
    total = sum(r[field_] for r in rows)
    body = [
        [escape(r["company"]), fmt_int(r[field_]), fmt_pct(r[field_] / total if total else None)]
        for r in rows[:top]
    ]
    return table(["Company", field_, "share"], body, "lrr")


def _arch_rows(ctx: Context, windows: Sequence[Document]) -> dict[str, Document]:
    merged: dict[str, Document] = {}
    for name in ctx.arch_names:
        parts = [a for w in windows for a in w["architectures"] if a["name"] == name]
        commits = sum(a["commits"] for a in parts)
        reviewed = sum(a["trailers"]["Reviewed-by"]["commits"] for a in parts)
        authors = merge_people([a["top_authors"] for a in parts])
        merged[name] = {
            "commits": commits,
            "reviewed_share": reviewed / commits if commits else None,
            "authors": len(authors),
            "top_authors": authors,
        }
    return merged


def arch_summary(ctx: Context, windows: Sequence[Document], page: str) -> str:
    rows = []
    for name, arch in _arch_rows(ctx, windows).items():
        if not arch["commits"]:
            continue
        top = arch["top_authors"][0] if arch["top_authors"] else None
        rows.append(
            [
                link(page, arch_page(name).removesuffix(".md") + ".md", escape(name)),
                fmt_int(arch["commits"]),
                fmt_int(arch["authors"]),
                fmt_pct(arch["reviewed_share"]),
                person(top) if top else DASH,
            ]
        )
    return table(["Architecture", "commits", "authors", "reviewed", "top author"], rows, "lrrrl")


def testing_summary(ctx: Context, windows: Sequence[Document]) -> str:
    totals = {
        name: sum(w.get("testing", {}).get(name, 0) for w in windows) for name in ctx.arch_names
    }
    rows = [[escape(n), fmt_int(c)] for n, c in totals.items() if c]
    return table(["Architecture", "test-suite commits"], rows, "lr")


def releases_index(ctx: Context, plan: SitePlan) -> str:
    rows = [
        [
            link(
                "releases/index.md", f"releases/{file_name(w['release'])}.md", escape(w["release"])
            )
            + (" · all history up to it" if is_initial(w) else ""),
            escape(w["date"]),
            fmt_int(w["commits"]),
            fmt_int(w["merges"]),
            fmt_int(w["row"].get("mainline_merges")),
            fmt_int(w["authors"]),
            fmt_pct(w["row"]["reviewed_share"]),
            fmt_pct(w["row"]["review_coverage"]),
        ]
        for w in reversed(ctx.windows)
    ]
    return "\n".join(
        [
            "# Releases\n",
            banner(ctx),
            "Every release window, newest first. A window is every commit reachable from the "
            "release and not from the previous one (`git rev-list A..B`); the first release's "
            "window without a previous one is all history up to it. *merges*: the merges "
            "`git log A..B -- P` keeps; *mainline*: the merges on the release's first-parent line "
            "that brought selected commits in (path limiting drops a merge whose selected files "
            "equal a parent's, see Methodology).\n",
            table(
                [
                    "Release",
                    "date",
                    "commits",
                    "merges",
                    "mainline",
                    "authors",
                    "reviewed",
                    "coverage",
                ],
                rows,
                "llrrrrrr",
            ),
            "## Commits per source tree\n",
            "The trees whose merges brought the window's commits in (see each release's "
            "maintainer flow); trees nest, so the lines overlap.\n",
            chart_block(
                plan,
                "releases/index.md",
                "releases-trees",
                charts.tree_commits(ctx.counted),
                "Commits brought in per source tree per release",
            ),
        ]
    )


def release(ctx: Context, plan: SitePlan, index: int) -> str:
    w = ctx.windows[index]
    page = release_page(w["release"])
    fixes = w["fixes"]
    trailer_rows = [
        [
            escape(_TRAILER_TITLES.get(k, k)),
            fmt_int(v["commits"]),
            fmt_pct(v["commits"] / w["commits"] if w["commits"] else None),
            fmt_int(v["lines"]),
        ]
        for k, v in sorted(w["trailers"].items(), key=lambda kv: _TRAILER_ORDER.get(kv[0], 99))
        if k not in ctx.absent_trailers
    ]
    nav = []
    if index > 0:
        prev = ctx.windows[index - 1]["release"]
        nav.append(f"← {link(page, release_page(prev), escape(prev))}")
    if index + 1 < len(ctx.windows):
        nxt = ctx.windows[index + 1]["release"]
        nav.append(f"{link(page, release_page(nxt), escape(nxt))} →")
    out = [
        f"# {escape(w['release'])}\n",
        banner(ctx),
        initial_note(ctx.project, w) if is_initial(w) else "",
        f"Window: {escape(range_label(w['range']))}, released {escape(w['date'])}. "
        + " · ".join(nav)
        + "\n",
        table(
            ["", "value"],
            [
                ["Commits (non-merge)", fmt_int(w["commits"])],
                ["Merges kept by path limiting", fmt_int(w["merges"])],
                [
                    "Mainline merges that brought selected commits in",
                    fmt_int(w["row"].get("mainline_merges")),
                ],
                ["Authors", fmt_int(w["authors"])],
                ["First-time authors", fmt_int(w["first_time_authors"])],
                ["Review coverage", fmt_pct(w["review_coverage"])],
                [f"`{UNKNOWN}` company share", fmt_pct(w["unknown_company_share"])],
            ],
            "lr",
        ),
        "## Topics\n",
        TOPICS_NOTE,
        topic_summary(ctx, [w], ctx.counted_before(index)[-ctx.cycles :]),
        "## Highlights, in the maintainers' words\n",
        highlights_intro(w),
        highlights(ctx, w),
        "## Trailers\n",
        table(["Trailer", "commits", "share", "lines"], trailer_rows, "lrrr"),
        "## Architectures\n",
        chart_block(
            plan,
            page,
            f"release-{file_name(w['release'])}-arches",
            charts.arch_commits([w], ctx.arch_names),
            f"Commits per architecture in {w['release']}",
        ),
        arch_summary(ctx, [w], page),
        "## Maintainer flow\n",
        maintainer_flow(w),
        "## People\n",
        chart_block(
            plan,
            page,
            f"release-{file_name(w['release'])}-authors",
            charts.top_people(w["top_authors"], f"Top authors of {w['release']}"),
            f"Top authors of {w['release']}",
        ),
        '<div class="grid" markdown>\n',
        people_table(w["top_authors"], "Authors"),
        *(
            people_table(w.get(f"top_{k.people}", []), str(k.people).capitalize())
            for k in PEOPLE_TRAILERS
        ),
        people_table(w["top_fixers"], "Fixes: creators"),
        people_table(w["top_first_time_authors"], "First-time authors"),
        "</div>\n",
        "## Companies\n",
        company_table(w["companies"], "commits", 15),
        "## Fixes\n",
        fixes_summary(fixes),
        invalid_fixes_table(w.get("invalid_fixes", []), page),
    ]
    return "\n".join(out)


def fixes_summary(fixes: Document) -> str:
    problems = ", ".join(f"{escape(k)} {n}" for k, n in fixes["problems"] if n) or "none"
    introduced = ", ".join(
        f"{escape(r or 'unreleased')} {n}" for r, n in fixes.get("introduced_in", [])
    )
    return table(
        ["", "value"],
        [
            ["`Fixes:` lines", fmt_int(fixes["lines"])],
            ["valid", fmt_int(fixes["valid"])],
            ["problems", problems],
            ["fixed a bug of the same release", fmt_int(fixes["same_release"])],
            ["median bug lifetime", fmt_days(fixes["median_lifetime_days"])],
            ["90th percentile", fmt_days(fixes["p90_lifetime_days"])],
            ["introduced in", introduced or DASH],
        ],
        "lr",
    )


def invalid_fixes_table(
    findings: Sequence[Document], page: str, heading: str = "### Invalid `Fixes:` tags\n\n"
) -> str:
    rows = []
    for f in findings:
        ref = f["ref"]
        rows.append(
            [
                f'<code class="kvm-hash">{escape(ref["commit"][:12])}</code>',
                escape(ref["value"][:300]),
                escape(", ".join(f["problems"])),
            ]
        )
    if not rows:
        return "No invalid `Fixes:` tags.\n"
    return heading + table(["commit", "Fixes: value", "problems"], rows, "lll")


def _trailer_metrics(kinds: Sequence[TrailerKind]) -> list[tuple[str, str]]:
    return [
        pair
        for k in kinds
        for pair in (
            (f"{k.row}_commits", f"Commits with {k.title}"),
            (f"{k.row}_share", f"Share of commits with {k.title}"),
        )
    ]


TREND_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Commits and merges",
        (
            ("commits", "Commits (non-merge)"),
            ("merges", "Merges (path-limited)"),
            ("mainline_merges", "Mainline merges bringing commits"),
            ("merge_share", "Merge share"),
        ),
    ),
    (
        "People and companies",
        (
            ("authors", "Authors"),
            ("first_time_authors", "First-time authors"),
            ("companies", "Companies"),
            ("unknown_company_share", f"Share of commits by {UNKNOWN} authors"),
            ("unknown_reviewer_company_share", f"Share of reviews by {UNKNOWN} reviewers"),
        ),
    ),
    (
        "Review",
        (
            ("review_coverage", "Review coverage"),
            *_trailer_metrics([k for k in ROW_TRAILERS if k.key in ("Reviewed-by", "Acked-by")]),
            ("applied_by_others_share", "Share committed by someone other than the author"),
        ),
    ),
    (
        "Trailers",
        (
            *_trailer_metrics(
                [k for k in ROW_TRAILERS if k.key not in ("Reviewed-by", "Acked-by", "Fixes")]
            ),
            ("bot_reported_syzbot", "Commits reported by syzbot"),
            ("bot_reported_kernel_test_robot", "Commits reported by the kernel test robot"),
            ("malformed_trailers", "Malformed trailer lines"),
        ),
    ),
    (
        "Fixes",
        (
            *_trailer_metrics([k for k in ROW_TRAILERS if k.key == "Fixes"]),
            ("fixes_lines", "Fixes: lines"),
            ("fixes_invalid", "Invalid Fixes: lines"),
            ("fixes_same_release", "Fixes of a bug from the same release"),
            ("fixes_median_lifetime_days", "Median bug lifetime (days)"),
            ("fixes_p90_lifetime_days", "90th percentile bug lifetime (days)"),
        ),
    ),
)
"""The Trends page: every scalar of the per-window row, grouped, with a reader's title."""


def trends_page(ctx: Context, plan: SitePlan) -> str:
    page = "trends.md"
    out = ["# Trends\n", banner(ctx), "Every scalar metric across releases, oldest first.\n"]
    out.append(initial_aside(ctx, page))
    out.append(
        chart_block(
            plan,
            page,
            "trend-trailers",
            charts.trailer_shares(ctx.counted),
            "Trailer shares per release",
        )
    )
    row = ctx.windows[-1]["row"]
    numeric = {k for k, v in row.items() if isinstance(v, int | float) or v is None}
    absent = {
        f"{k.row}_{part}"
        for k in ROW_TRAILERS
        if k.key in ctx.absent_trailers
        for part in ("commits", "share")
    }
    listed = {key for _, metrics in TREND_SECTIONS for key, _ in metrics}
    # A metric added to the row shows up even before it gets its place here.
    others = tuple((k, k.replace("_", " ").capitalize()) for k in sorted(numeric - listed))
    for section, metrics in (*TREND_SECTIONS, ("Other metrics", others)):
        shown = [(k, t) for k, t in metrics if k in numeric and k not in absent]
        if not shown:
            continue
        out.append(f"## {escape(section)}\n")
        for key, title in shown:
            out.append(f"### {escape(title)}\n")
            out.append(
                chart_block(
                    plan,
                    page,
                    f"trend-{key}",
                    charts.metric_trend(ctx.counted, key, title),
                    title,
                )
            )
    return "\n".join(out)


def people_page(ctx: Context, plan: SitePlan) -> str:
    page = "people.md"
    last = ctx.years()[0]
    out = [
        "# People\n",
        banner(ctx),
        f"The last year: {escape(range_label(last['range']))}. People are counted by "
        "mailmapped email; hover a name for the address (shown when two share a name).\n",
    ]
    lists = [("top_authors", "Authors")]
    lists += [
        (f"top_{k.people}", f"{str(k.people).capitalize()} ({k.key})") for k in PEOPLE_TRAILERS
    ]
    lists.append(("top_fixers", "Creators of fixes (Fixes:)"))
    for key, title in lists:
        out.append(f"## {title}\n")
        if last[key]:
            out.append(
                chart_block(plan, page, f"people-{key}", charts.top_people(last[key], title), title)
            )
        out.append(people_table(last[key], title.split(" ")[0], 20))
    out.append("## First-time authors\n")
    names = ", ".join(people(last["top_first_time_authors"])) or "*None.*"
    out.append(names + "\n")
    return "\n".join(out)


def companies_page(ctx: Context, plan: SitePlan) -> str:
    page = "companies.md"
    years = ctx.years()
    out = [
        "# Companies\n",
        banner(ctx),
        "An author's company is decided by their email at the commit's author date, from "
        f"gitdm-style maps (see Methodology). `{UNKNOWN}` shows how much the map misses.\n",
        initial_aside(ctx, page),
        "## Share of commits per release\n",
        chart_block(
            plan,
            page,
            "companies-commits",
            charts.company_shares(ctx.counted, "commits"),
            "Share of commits per company per release",
        ),
        "## Share of reviews per release\n",
        chart_block(
            plan,
            page,
            "companies-reviews",
            charts.company_shares(ctx.counted, "reviews"),
            "Share of Reviewed-by per company per release",
        ),
        f"## `{UNKNOWN}` share\n",
        chart_block(
            plan,
            page,
            "companies-unknown",
            charts.metric_trend(
                ctx.counted, "unknown_company_share", f"Commits by {UNKNOWN} authors"
            ),
            f"{UNKNOWN} share per release",
        ),
    ]
    for label, year in zip(YEAR_LABELS, years, strict=False):
        out.append(f"## Top companies, {label}: {escape(range_label(year['range']))}\n")
        out.append('<div class="grid" markdown>\n')
        out.append(company_table(year["companies"], "commits", 15))
        out.append(company_table(year["review_companies"], "reviews", 15))
        out.append("</div>\n")
    return "\n".join(out)


def architectures_index(ctx: Context, plan: SitePlan) -> str:
    page = "architectures/index.md"
    return "\n".join(
        [
            "# Architectures\n",
            banner(ctx),
            "A commit counts for every architecture whose paths it touches; paths no "
            "architecture claims count for `common` (see Methodology).\n",
            chart_block(
                plan,
                page,
                "arches-all",
                charts.arch_commits(ctx.counted, ctx.arch_names),
                "Commits per architecture per release",
            ),
            initial_aside(ctx, page),
            "## The last year\n",
            arch_summary(ctx, ctx.last_year(), page),
        ]
    )


def architecture(ctx: Context, plan: SitePlan, name: str) -> str:
    page = arch_page(name)
    year = _arch_rows(ctx, ctx.last_year())[name]
    rows = []
    for w in reversed(ctx.windows):
        arch = next((a for a in w["architectures"] if a["name"] == name), None)
        if arch is None:
            continue
        rows.append(
            [
                link(page, release_page(w["release"]), escape(w["release"]))
                + (" · all history up to it" if is_initial(w) else ""),
                fmt_int(arch["commits"]),
                fmt_int(arch["authors"]),
                fmt_int(arch["trailers"]["Reviewed-by"]["commits"]),
                fmt_int(arch["trailers"]["Fixes"]["commits"]),
                fmt_int(w.get("testing", {}).get(name, 0)),
            ]
        )
    return "\n".join(
        [
            f"# {escape(name)}\n",
            banner(ctx),
            chart_block(
                plan,
                page,
                f"arch-{file_name(name)}",
                charts.arch_trend(ctx.counted, name),
                f"Commits for {name} per release",
            ),
            "## Topics of the last year\n",
            TOPICS_NOTE,
            arch_topics(ctx, name),
            "## Top authors of the last year\n",
            people_table(year["top_authors"], "Authors"),
            "## Per release\n",
            table(
                ["Release", "commits", "authors", "Reviewed-by", "Fixes:", "test-suite"],
                rows,
                "lrrrrr",
            ),
        ]
    )


def arch_topics(ctx: Context, name: str) -> str:
    """The architecture's topics of the last year as a table, marked against the year before."""
    year = ctx.last_year()
    before = ctx.year_before()
    rows = _arch_topic_rows(year, name)
    previous = (
        periods.add_up(w.get("arch_topics", {}).get(name, []) for w in before) if before else None
    )
    marked = periods.marked(rows, previous, len(year) / len(before) if before else 1.0)
    body = [
        [
            escape(m.topic),
            fmt_int(m.commits),
            "new" if m.new else f"+{m.growth}" if m.growth else "",
        ]
        for m in marked[:20]
    ]
    return table(["Topic", "commits", "against the year before"], body, "lrl")


def fixes_page(ctx: Context, plan: SitePlan) -> str:
    page = "fixes.md"
    windows = ctx.last_year()
    findings = [f for w in windows for f in w.get("fix_findings", [])]
    introduced: dict[str | None, int] = {}
    for f in findings:
        if f["fixed_commit"]:
            introduced[f["introduced_in"]] = introduced.get(f["introduced_in"], 0) + 1
    order = {r: i for i, r in enumerate(ctx.releases)}
    histogram = sorted(introduced.items(), key=lambda kv: order.get(kv[0] or "", len(order)))
    invalid = [
        {"ref": {"commit": f["commit"], "value": f["value"]}, "problems": f["problems"]}
        for f in findings
        if f["problems"]
    ]
    last = ctx.years()[0]
    return "\n".join(
        [
            "# Fixes\n",
            banner(ctx),
            f"Every `Fixes:` line of the last year ({escape(range_label(last['range']))}), "
            "traced to the "
            "commit it names: how long the bug lived and which release brought it.\n",
            f"Median bug lifetime {fmt_days(last['fixes_median_lifetime_days'])}, 90th "
            f"percentile {fmt_days(last['fixes_p90_lifetime_days'])}, over "
            f"{fmt_int(last['fixes_lines'])} lines ({fmt_int(last['fixes_invalid'])} invalid).\n",
            "## Bug lifetimes\n",
            chart_block(
                plan,
                page,
                "fixes-lifetimes",
                charts.fixes_lifetimes(findings),
                "Histogram of bug lifetimes",
            ),
            "## Releases that introduced the fixed bugs\n",
            chart_block(
                plan,
                page,
                "fixes-introduced",
                charts.introducing_releases([[r, n] for r, n in histogram]),
                "Introducing releases",
            ),
            "## Median lifetime per release\n",
            chart_block(
                plan,
                page,
                "fixes-median",
                charts.metric_trend(
                    ctx.counted, "fixes_median_lifetime_days", "Median bug lifetime (days)"
                ),
                "Median bug lifetime per release",
            ),
            initial_aside(ctx, page),
            "## Invalid `Fixes:` tags\n",
            invalid_fixes_table(invalid, page, heading=""),
        ]
    )


def suite_of(settings: Document) -> tuple[str, list[str] | None]:
    """The main project's test suite: its name (from the configuration) and its paths (from
    the architecture mapping; None in data written before they were recorded)."""
    paths = settings.get("testing_paths")
    return settings.get("test_suite") or "Test suite", paths


def _testing_intro(settings: Document) -> str:
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


def companion_window(settings: Document, w: Document, previous: Document | None) -> str:
    """A companion's window for readers: its own release range, or the dates it spans when
    it has no release tags and follows the main project's release dates."""
    if settings.get("windows") != "main-release-dates":
        return escape(range_label(w["range"]))
    if previous is None:
        return f"all history up to {escape(w['date'])}"
    return f"{escape(previous['date'])} to {escape(w['date'])}"


def testing_page(ctx: Context, plan: SitePlan) -> str:
    page = "testing.md"
    settings = ctx.project.get("settings") or {}
    name, paths = suite_of(settings)
    out = [
        "# Testing\n",
        banner(ctx),
        "The main project's test suite"
        + (", then the companion projects its configuration names.\n" if ctx.companions else ".\n"),
        initial_aside(ctx, page),
        f"## {escape(name)}\n",
        _testing_intro(settings),
    ]
    if paths != []:
        out += [
            chart_block(
                plan,
                page,
                "testing-suite",
                charts.testing_activity(ctx.counted, ctx.arch_names),
                f"{name} commits per architecture",
            ),
            f"The last year ({escape(range_label(ctx.years()[0]['range']))}):\n",
            testing_summary(ctx, ctx.last_year()),
        ]
    for key, (project, windows) in sorted(ctx.companions.items()):
        arches = project["settings"].get("architectures") or []
        companion = project["settings"]
        if companion.get("windows") == "main-release-dates":
            how = (
                f"{escape(project['project'])}'s commits between the release dates of "
                f"{escape(ctx.project['project'])} (on its branch's first-parent line), "
                "counting "
            )
        else:
            how = f"{escape(project['project'])}'s release windows, counting "
        out += [
            f"## {escape(project['project'])}\n",
            how + selection_text(companion) + ".\n",
            chart_block(
                plan,
                page,
                f"testing-{file_name(key)}",
                charts.arch_commits(project_counted(project, windows), arches),
                f"{project['project']} commits per architecture",
            ),
            table(
                ["Window", "commits", "authors", "reviewed"],
                [
                    [
                        companion_window(companion, w, windows[i - 1] if i else None),
                        fmt_int(w["commits"]),
                        fmt_int(w["authors"]),
                        fmt_pct(w["row"]["reviewed_share"]),
                    ]
                    for i, w in reversed(list(enumerate(windows)))
                ],
                "lrrr",
            ),
        ]
    return "\n".join(out)


def csv_text(rows: Sequence[Document]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def data_files(ctx: Context, plan: SitePlan) -> str:
    rows = [w["row"] for w in ctx.windows]
    companies = [
        {"release": w["release"], "company": c["company"], "commits": c["commits"]}
        for w in ctx.windows
        for c in w["companies"]
    ]
    arches = [
        {
            "release": w["release"],
            "architecture": a["name"],
            "commits": a["commits"],
            "authors": a["authors"],
        }
        for w in ctx.windows
        for a in w["architectures"]
    ]
    fixes = [
        {"release": w["release"]}
        | {k: (", ".join(v) if isinstance(v, list) else v) for k, v in f.items()}
        for w in ctx.windows
        for f in w.get("fix_findings", [])
    ]
    tables = {
        "history": ("One row of every scalar metric per release", rows),
        "companies": ("Commits per company per release", companies),
        "architectures": ("Commits and authors per architecture per release", arches),
        "fixes": ("Every Fixes: line with its provenance", fixes),
    }
    out = ["# Data\n", banner(ctx), "Every table of this site, as CSV and as JSON.\n"]
    body = []
    for name, (title, data) in tables.items():
        plan.files[f"data/{name}.csv"] = csv_text(data)
        plan.files[f"data/{name}.json"] = (
            json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )
        body.append([title, f"[{name}.csv]({name}.csv)", f"[{name}.json]({name}.json)"])
    plan.files["data/project.json"] = (
        json.dumps(ctx.project, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )
    for w in ctx.windows:
        plan.files[f"data/windows/{file_name(w['release'])}.json"] = (
            json.dumps(w, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )
    body.append(
        ["The project summary (releases, trend, settings)", "", "[project.json](project.json)"]
    )
    out.append(table(["Table", "CSV", "JSON"], body, "lll"))
    out.append(
        "Each release window's complete tables: "
        + ", ".join(
            f"[{escape(w['release'])}](windows/{file_name(w['release'])}.json)"
            for w in reversed(ctx.windows)
        )
        + ".\n"
    )
    return "\n".join(out)


def build_plan(
    project: Document,
    windows: list[Document],
    companions: dict[str, tuple[Document, list[Document]]] | None = None,
    cycles: int = 5,
) -> SitePlan:
    """Every page of the site from the data."""
    ctx = Context(project, windows, companions or {}, cycles)
    plan = SitePlan()
    plan.pages["index.md"] = home(ctx, plan)
    plan.pages["releases/index.md"] = releases_index(ctx, plan)
    for i, w in enumerate(windows):
        plan.pages[release_page(w["release"])] = release(ctx, plan, i)
    plan.pages["trends.md"] = trends_page(ctx, plan)
    plan.pages["people.md"] = people_page(ctx, plan)
    plan.pages["companies.md"] = companies_page(ctx, plan)
    plan.pages["architectures/index.md"] = architectures_index(ctx, plan)
    active = [
        n
        for n in ctx.arch_names
        if any(a["name"] == n and a["commits"] for w in windows for a in w["architectures"])
    ]
    for name in active:
        plan.pages[arch_page(name)] = architecture(ctx, plan, name)
    plan.pages["fixes.md"] = fixes_page(ctx, plan)
    plan.pages["testing.md"] = testing_page(ctx, plan)
    plan.pages["data/index.md"] = data_files(ctx, plan)
    plan.nav = [
        {"Home": "index.md"},
        {
            "Releases": [
                "releases/index.md",
                *[release_page(w["release"]) for w in reversed(windows)],
            ]
        },
        {"Trends": "trends.md"},
        {"People": "people.md"},
        {"Companies": "companies.md"},
        {"Architectures": ["architectures/index.md", *[arch_page(n) for n in active]]},
        {"Fixes": "fixes.md"},
        {"Testing": "testing.md"},
        {"Methodology": "methodology.md"},
        {"Running": "running.md"},
        {"Data": "data/index.md"},
    ]
    return plan
