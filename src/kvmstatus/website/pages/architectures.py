"""The Architectures index and one page per architecture: commits per release, the last
year's topics and authors."""

from __future__ import annotations

from kvmstatus.model.documents import is_initial
from kvmstatus.store.documents import file_name
from kvmstatus.website import charts
from kvmstatus.website.markdown import escape, fmt_int, link, people_table, table
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    arch_page,
    arch_summary,
    banner,
    chart_block,
    initial_aside,
    no_year,
    release_page,
    topics_note,
)

INDEX = "architectures/index.md"


def active(ctx: Context) -> list[str]:
    """The architectures of the mapping that have commits in some window: one page each."""
    return [
        n
        for n in ctx.arch_names
        if any(a["name"] == n and a["commits"] for w in ctx.windows for a in w["architectures"])
    ]


def render_index(ctx: Context, plan: SitePlan) -> str:
    last = ctx.last_year
    return "\n".join(
        [
            "# Architectures\n",
            banner(ctx),
            "A commit counts for every architecture whose paths it touches; paths no "
            "architecture claims count for `common` (see Methodology).\n",
            chart_block(
                plan,
                INDEX,
                "arches-all",
                charts.arch_commits(ctx.counted, ctx.arch_names, ctx.contexts),
                "Commits per architecture per release",
            ),
            initial_aside(ctx, INDEX),
            "## The last year\n",
            arch_summary(ctx, last["architectures"], INDEX) if last else no_year(ctx),
        ]
    )


def topics_table(ctx: Context, name: str) -> str:
    """The architecture's topics of the last year, marked against the year before."""
    marks = ctx.years["topics"].get(name, []) if ctx.years else []
    body = [
        [
            escape(m["topic"]),
            fmt_int(m["commits"]),
            "new" if m["new"] else f"+{m['growth']}" if m["growth"] else "",
        ]
        for m in marks[:20]
    ]
    return table(["Topic", "commits", "against the year before"], body, "lrl")


def render_architecture(ctx: Context, plan: SitePlan, name: str) -> str:
    page = arch_page(name)
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
    last = ctx.last_year
    year = next((a for a in last["architectures"] if a["name"] == name), None) if last else None
    return "\n".join(
        [
            f"# {escape(name)}\n",
            banner(ctx),
            chart_block(
                plan,
                page,
                f"arch-{file_name(name)}",
                charts.arch_trend(ctx.counted, name, ctx.contexts, ctx.arch_names),
                f"Commits for {name} per release",
            ),
            "## Topics of the last year\n",
            topics_note(ctx),
            topics_table(ctx, name) if last else no_year(ctx),
            "## Top authors of the last year\n",
            people_table(year["top_authors"] if year else [], "Authors"),
            "## Per release\n",
            table(
                ["Release", "commits", "authors", "Reviewed-by", "Fixes:", "test-suite"],
                rows,
                "lrrrrr",
            ),
        ]
    )
