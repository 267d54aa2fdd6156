"""The People page: the last year's authors, reviewers, ackers, testers, creators of fixes
and first-time authors."""

from __future__ import annotations

from kvmstatus.model.trailers import PEOPLE_TRAILERS
from kvmstatus.website import charts
from kvmstatus.website.markdown import people, people_table
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    banner,
    chart_block,
    no_year,
    people_lists,
    period_label,
)

PAGE = "people.md"


def render_people(ctx: Context, plan: SitePlan) -> str:
    out = ["# People\n", banner(ctx)]
    last = ctx.last_year
    if last is None:
        return "\n".join([*out, no_year(ctx)])
    out.append(
        f"The last year: {period_label(last)}. People are counted by mailmapped email; hover "
        "a name for the address (shown when two share a name).\n"
    )
    lists = [("top_authors", "Authors")]
    lists += [
        (f"top_{k.people}", f"{str(k.people).capitalize()} ({k.key})") for k in PEOPLE_TRAILERS
    ]
    lists.append(("top_fixers", "Creators of fixes (Fixes:)"))
    ranked = people_lists(last)
    for key, title in lists:
        rows = ranked.get(key, [])
        out.append(f"## {title}\n")
        if rows:
            out.append(
                chart_block(plan, PAGE, f"people-{key}", charts.top_people(rows, title), title)
            )
        out.append(people_table(rows, title.split(" ")[0], 20))
    out.append("## First-time authors\n")
    names = ", ".join(people(last["top_first_time_authors"])) or "*None.*"
    out.append(names + "\n")
    return "\n".join(out)
