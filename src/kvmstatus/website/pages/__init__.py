"""The site's pages, one module per page, rendered from the data directory's documents.

Pure: a `Context` (documents in) gives a `SitePlan` out (page texts, chart objects, data
files, the navigation); writing files and running MkDocs is `kvmstatus.website.build`'s job.
A part that several pages show (the review on the lists) is a function those pages list
among their sections, never text spliced into another page. No wall-clock time and explicit
ordering everywhere, so the same data gives byte-identical pages.
"""

from __future__ import annotations

from kvmstatus.website.pages import (
    architectures,
    companies,
    data,
    fixes,
    home,
    people,
    releases,
    review,
    testing,
    trends,
)
from kvmstatus.website.pages.common import Context, SitePlan, arch_page, release_page


def build_plan(ctx: Context) -> SitePlan:
    """Every page of the site."""
    plan = SitePlan()
    plan.pages[home.PAGE] = home.render_home(ctx, plan)
    plan.pages[releases.INDEX] = releases.render_index(ctx, plan)
    for i, w in enumerate(ctx.windows):
        plan.pages[release_page(w["release"])] = releases.render_release(ctx, plan, i)
    plan.pages[trends.PAGE] = trends.render_trends(ctx, plan)
    plan.pages[people.PAGE] = people.render_people(ctx, plan)
    plan.pages[companies.PAGE] = companies.render_companies(ctx, plan)
    plan.pages[architectures.INDEX] = architectures.render_index(ctx, plan)
    active = architectures.active(ctx)
    for name in active:
        plan.pages[arch_page(name)] = architectures.render_architecture(ctx, plan, name)
    plan.pages[fixes.PAGE] = fixes.render_fixes(ctx, plan)
    plan.pages[testing.PAGE] = testing.render_testing(ctx, plan)
    if ctx.main_review is not None:
        plan.pages[review.PAGE] = review.render_review(ctx, plan)
    plan.pages[data.PAGE] = data.render_data(ctx, plan)
    plan.nav = [
        {"Home": home.PAGE},
        {
            "Releases": [
                releases.INDEX,
                *[release_page(w["release"]) for w in reversed(ctx.windows)],
            ]
        },
        {"Trends": trends.PAGE},
        {"People": people.PAGE},
        {"Companies": companies.PAGE},
        {"Architectures": [architectures.INDEX, *[arch_page(n) for n in active]]},
        {"Fixes": fixes.PAGE},
        {"Testing": testing.PAGE},
        *([{"Review": review.PAGE}] if ctx.main_review is not None else []),
        {"Methodology": "methodology.md"},
        {"Running": "running.md"},
        {"Data": data.PAGE},
    ]
    return plan


__all__ = ["Context", "SitePlan", "build_plan"]
