"""The Fixes page: the last year's `Fixes:` lines traced to the bugs they fix; and the fixes
section of a release page."""

from __future__ import annotations

from collections.abc import Sequence

from kvmstatus.model.documents import FixesDocument, FixFinding, InvalidFix
from kvmstatus.website import charts
from kvmstatus.website.markdown import DASH, escape, fmt_days, fmt_int, table
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    banner,
    chart_block,
    initial_aside,
    no_year,
    period_label,
)

PAGE = "fixes.md"


def fixes_summary(fixes: FixesDocument) -> str:
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
    findings: Sequence[InvalidFix], heading: str = "### Invalid `Fixes:` tags\n\n"
) -> str:
    rows = [
        [
            f'<code class="kvm-hash">{escape(f["ref"]["commit"][:12])}</code>',
            escape(f["ref"]["value"][:300]),
            escape(", ".join(f["problems"])),
        ]
        for f in findings
    ]
    if not rows:
        return "No invalid `Fixes:` tags.\n"
    return heading + table(["commit", "Fixes: value", "problems"], rows, "lll")


def invalid_findings(findings: Sequence[FixFinding]) -> list[InvalidFix]:
    """The findings with problems, in `invalid_fixes_table`'s shape."""
    return [
        {
            "ref": {
                "commit": f["commit"],
                "author": f["author"],
                "value": f["value"],
                "quoted_hash": None,
                "quoted_subject": None,
                "truncated": False,
            },
            "problems": f["problems"],
        }
        for f in findings
        if f["problems"]
    ]


def render_fixes(ctx: Context, plan: SitePlan) -> str:
    last = ctx.last_year
    out = ["# Fixes\n", banner(ctx)]
    if last is None:
        return "\n".join([*out, no_year(ctx)])
    fixes = last["fixes"]
    findings = last["fix_findings"]
    histogram = [[r, n] for r, n in fixes["introduced_in"]]
    return "\n".join(
        [
            *out,
            f"Every `Fixes:` line of the last year ({period_label(last)}), traced to the "
            "commit it names: how long the bug lived and which release brought it.\n",
            f"{fmt_int(fixes['lines'])} `Fixes:` lines: {fmt_int(fixes['valid'])} valid, "
            f"{fmt_int(fixes['invalid'])} invalid, {fmt_int(fixes['resolved'])} traced to "
            f"the commit they name. Over those, the median bug lived "
            f"{fmt_days(fixes['median_lifetime_days'])}, and one in ten more than "
            f"{fmt_days(fixes['p90_lifetime_days'])}.\n",
            "## Bug lifetimes\n",
            chart_block(
                plan,
                PAGE,
                "fixes-lifetimes",
                charts.fixes_lifetimes(findings, fixes),
                "Histogram of bug lifetimes",
            ),
            "## Releases that introduced the fixed bugs\n",
            chart_block(
                plan,
                PAGE,
                "fixes-introduced",
                charts.introducing_releases(histogram),
                "Introducing releases",
            ),
            "## Median lifetime per release\n",
            chart_block(
                plan,
                PAGE,
                "fixes-median",
                charts.metric_trend(
                    ctx.counted,
                    "fixes_median_lifetime_days",
                    "Median bug lifetime (days)",
                    contexts=ctx.contexts,
                ),
                "Median bug lifetime per release",
            ),
            initial_aside(ctx, PAGE),
            "## Invalid `Fixes:` tags\n",
            invalid_fixes_table(invalid_findings(findings), heading=""),
        ]
    )
