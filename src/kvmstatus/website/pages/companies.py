"""The Companies page: shares of commits and reviews per release, the years' top companies."""

from __future__ import annotations

from kvmstatus.model.periods import YEAR_LABELS
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.website import charts
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    banner,
    chart_block,
    company_table,
    initial_aside,
    period_label,
)

PAGE = "companies.md"


def render_companies(ctx: Context, plan: SitePlan) -> str:
    out = [
        "# Companies\n",
        banner(ctx),
        "An author's company is decided by their email at the commit's author date, from "
        f"gitdm-style maps (see Methodology). `{UNKNOWN}` shows how much the map misses.\n",
        initial_aside(ctx, PAGE),
        "## Share of commits per release\n",
        chart_block(
            plan,
            PAGE,
            "companies-commits",
            charts.company_shares(ctx.counted, "commits", contexts=ctx.contexts),
            "Share of commits per company per release",
        ),
        "## Share of reviews per release\n",
        chart_block(
            plan,
            PAGE,
            "companies-reviews",
            charts.company_shares(ctx.counted, "reviews", contexts=ctx.contexts),
            "Share of Reviewed-by per company per release",
        ),
        f"## `{UNKNOWN}` share\n",
        chart_block(
            plan,
            PAGE,
            "companies-unknown",
            charts.metric_trend(
                ctx.counted,
                "unknown_company_share",
                f"Commits by {UNKNOWN} authors",
                contexts=ctx.contexts,
            ),
            f"{UNKNOWN} share per release",
        ),
    ]
    for label, period in zip(YEAR_LABELS, ctx.periods, strict=False):
        out.append(f"## Top companies, {label}: {period_label(period)}\n")
        out.append('<div class="grid" markdown>\n')
        out.append(company_table(period["companies"], 15))
        out.append(company_table(period["review_companies"], 15))
        out.append("</div>\n")
    return "\n".join(out)
