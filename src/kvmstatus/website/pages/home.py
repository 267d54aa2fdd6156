"""The home page: the last year against the two before it, the trend, who and what."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kvmstatus.model.documents import Row, SpanDocument, YearsDocument
from kvmstatus.model.periods import YEAR_LABELS
from kvmstatus.model.trailers import TrailerKind
from kvmstatus.shared.formats import fmt_change
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.story.sentences import year_sentences
from kvmstatus.website import charts
from kvmstatus.website.markdown import (
    attr,
    escape,
    fmt_days,
    fmt_int,
    fmt_pct,
    link,
    people_table,
    table,
)
from kvmstatus.website.pages import review
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    banner,
    chart_block,
    company_table,
    initial_aside,
    no_year,
    period_label,
    selection_text,
    summary,
    year_story,
)

PAGE = "index.md"

Headline = tuple[str, str, Callable[[object], str]]
"""A row of the yearly table: its label, the row metric it shows, how it is formatted."""


def headlines(kinds: Sequence[TrailerKind]) -> tuple[Headline, ...]:
    """The yearly table's rows, with the headline trailers `kinds` the project has."""
    trailers: list[Headline] = []
    for kind in kinds:
        trailers += [
            (f"Commits with {kind.title}", f"{kind.row}_commits", fmt_int),
            ("… share", f"{kind.row}_share", fmt_pct),
        ]
    return (
        ("Commits (non-merge)", "commits", fmt_int),
        ("Merges (path-limited)", "merges", fmt_int),
        ("Mainline merges bringing commits", "mainline_merges", fmt_int),
        ("Merge share", "merge_share", fmt_pct),
        ("Authors", "authors", fmt_int),
        ("First-time authors", "first_time_authors", fmt_int),
        *trailers,
        ("Review coverage", "review_coverage", fmt_pct),
        ("Median bug lifetime (Fixes:)", "fixes_median_lifetime_days", fmt_days),
    )


def _change(years: YearsDocument, key: str, k: int) -> str:
    values = years["changes"].get(key) or []
    return fmt_change(values[k - 1] if len(values) >= k else None)


def year_heading(label: str, span: SpanDocument) -> str:
    """A column of the yearly table: its label and its dates (the range in a tooltip)."""
    where = f"{span['start']}..{span['end']}" if span["kind"] == "releases" else span["end"]
    return (
        f'<span title="{attr(where)}">{label}</span><br>'
        f'<small class="kvm-nowrap">{span["since"][:10]} to</small><br>'
        f'<small class="kvm-nowrap">{span["until"][:10]}</small>'
    )


def headline_table(ctx: Context, years: YearsDocument) -> str:
    """The yearly comparison, every number as `analyse.periods` stored it."""
    head = [""]
    for k, period in enumerate(ctx.periods):
        head.append(year_heading(YEAR_LABELS[k], period["span"]))
        if k:
            head.append("change")
    rows = []
    for label, key, fmt in headlines(ctx.headline_trailers):
        cells = [label]
        for k, row in enumerate(years["rows"]):
            cells.append(fmt(row.get(key)))
            if k:
                cells.append(_change(years, key, k))
        rows.append(cells)
    return table(head, rows, "l" + "r" * (len(head) - 1))


def _year_rows(ctx: Context) -> list[Row]:
    years = ctx.years
    assert years is not None
    return [
        row | {"range": period_label(p, str)}
        for row, p in zip(years["rows"], ctx.periods, strict=True)
    ]


def opening(ctx: Context, plan: SitePlan) -> str:
    """The last year in a few sentences (`kvmstatus.story`), before any table."""
    story = year_story(ctx)
    return summary(year_sentences(story)) if story is not None else ""


def last_year(ctx: Context, plan: SitePlan) -> str:
    years, last = ctx.years, ctx.last_year
    if years is None or last is None:
        return "## The last year\n\n" + no_year(ctx)
    return "\n".join(
        [
            f"## The last year: {period_label(last)}\n",
            escape(years["note"]) + f" The {link(PAGE, 'methodology.md', 'Methodology')} "
            "page gives the git command that counts each period.\n",
            headline_table(ctx, years),
        ]
    )


def key_charts(ctx: Context, plan: SitePlan) -> str:
    """The few charts that tell the year: the comparison, the commits and their trend, the
    trailers, the companies, the architectures."""
    trend = ctx.project.get("trend")
    out = ["## In charts\n"]
    if ctx.years is not None and ctx.periods:
        out.append(
            chart_block(
                plan,
                PAGE,
                "home-years",
                charts.year_comparison(
                    _year_rows(ctx), metrics=charts.year_metrics(ctx.headline_trailers)
                ),
                "The last year next to the two before",
            )
        )
    out.append(
        chart_block(
            plan,
            PAGE,
            "home-commits",
            charts.commits_per_release(ctx.counted, trend, ctx.contexts),
            "Commits per release with the linear trend",
        )
    )
    if charts.uneven(ctx.counted, ctx.contexts):
        out.append(
            chart_block(
                plan,
                PAGE,
                "home-rate",
                charts.commits_per_month(ctx.counted, ctx.contexts),
                "Commits per month of each release window",
            )
        )
    if trend:
        out.append(
            f"Linear trend: {trend['slope']:+.1f} commits per release "
            f"(r² = {trend['r2']:.2f}, over {trend['n']} releases).\n"
        )
    out.append(initial_aside(ctx, PAGE))
    out += [
        chart_block(
            plan,
            PAGE,
            "home-trailers",
            charts.trailer_shares(ctx.counted, ctx.contexts),
            "Trailer shares per release",
        ),
        chart_block(
            plan,
            PAGE,
            "home-companies",
            charts.company_shares(ctx.counted, "commits", contexts=ctx.contexts),
            "Share of commits per company per release",
        ),
        chart_block(
            plan,
            PAGE,
            "home-arches",
            charts.arch_commits(ctx.counted, ctx.arch_names, ctx.contexts),
            "Commits per architecture per release",
        ),
    ]
    return "\n".join(out)


def people(ctx: Context, plan: SitePlan) -> str:
    last = ctx.last_year
    if last is None:
        return ""
    return "\n".join(
        [
            "## Top people of the last year\n",
            '<div class="grid" markdown>\n',
            people_table(last["top_authors"], "Authors"),
            people_table(last["top_reviewers"], "Reviewers"),
            people_table(last["top_fixers"], "Creators of fixes"),
            "</div>\n",
            f"More on the {link(PAGE, 'people.md', 'People')} page.\n",
            "## Companies of the last year\n",
            company_table(last["companies"], 10),
            f"`{UNKNOWN}` is {fmt_pct(last['unknown_company_share'])} of the commits. "
            f"More on the {link(PAGE, 'companies.md', 'Companies')} page.\n",
        ]
    )


def slides(ctx: Context, plan: SitePlan) -> str:
    """The talk of the year, when the edition carries it."""
    deck = next((a for a in ctx.attachments if a.endswith(".html")), None)
    pptx = next((a for a in ctx.attachments if a.endswith(".pptx")), None)
    if deck is None and pptx is None:
        return ""
    parts = []
    if deck is not None:
        parts.append(f"[Slides of the year]({deck}) (one slide a screen: arrow keys, print to PDF)")
    if pptx is not None:
        parts.append(f"[the same as PowerPoint]({pptx}) (PPTX, to edit and present)")
    return (
        "## Slides of the year\n\nThe year's status report as a talk: "
        + ", and ".join(parts)
        + ".\n"
    )


def elsewhere(ctx: Context, plan: SitePlan) -> str:
    """Where the rest of the report is."""
    suite = ctx.settings.get("test_suite")
    testing = f"{escape(suite)} and the companion projects" if suite else "the test suites"
    pages = [
        ("releases/index.md", "Releases", "every release window, with its own summary"),
        ("trends.md", "Trends", "every metric across releases"),
        ("architectures/index.md", "Architectures", "per architecture, with its topics"),
        ("fixes.md", "Fixes", "the bugs the year's Fixes: tags name, and how long they lived"),
        ("testing.md", "Testing", testing),
    ]
    lines = [f"- {link(PAGE, target, name)}: {what}" for target, name, what in pages]
    return "## More\n\n" + "\n".join(lines) + "\n"


SECTIONS: tuple[Callable[[Context, SitePlan], str], ...] = (
    opening,
    slides,
    last_year,
    key_charts,
    people,
    review.home_part,
    elsewhere,
)
"""The home page's sections, in order; a section with nothing to say returns ""."""


def render_home(ctx: Context, plan: SitePlan) -> str:
    out = [
        f"# {escape(ctx.project['title'])}\n",
        f"**{escape(ctx.project['project'])}**, as of {escape(ctx.project['as_of'])} "
        f"(release {escape(ctx.releases[-1])}), counting {selection_text(ctx.settings)}.\n",
        banner(ctx),
    ]
    out += [text for section in SECTIONS if (text := section(ctx, plan))]
    return "\n".join(out)
