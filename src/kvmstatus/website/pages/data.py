"""The Data page: every table of the site as CSV and JSON, and the documents themselves."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kvmstatus.store.documents import file_name
from kvmstatus.website.markdown import escape, table
from kvmstatus.website.pages import review
from kvmstatus.website.pages.common import Context, SitePlan, add_tables, banner, json_text

PAGE = "data/index.md"


def commit_tables(ctx: Context, plan: SitePlan) -> str:
    windows = ctx.windows
    tables: dict[str, tuple[str, Sequence[Mapping[str, Any]]]] = {
        "history": ("One row of every scalar metric per release", [w["row"] for w in windows]),
        "companies": (
            "Commits per company per release",
            [
                {"release": w["release"], "company": c["company"], "commits": c["commits"]}
                for w in windows
                for c in w["companies"]
            ],
        ),
        "architectures": (
            "Commits and authors per architecture per release",
            [
                {
                    "release": w["release"],
                    "architecture": a["name"],
                    "commits": a["commits"],
                    "authors": a["authors"],
                }
                for w in windows
                for a in w["architectures"]
            ],
        ),
        "fixes": (
            "Every Fixes: line with its provenance",
            [
                {"release": w["release"]}
                | {k: (", ".join(v) if isinstance(v, list) else v) for k, v in f.items()}
                for w in windows
                for f in w.get("fix_findings", [])
            ],
        ),
    }
    if ctx.years is not None:
        tables["years"] = (
            "The yearly comparison: one row per period",
            [
                {"period": s["label"], "kind": s["kind"], "since": s["since"], "until": s["until"]}
                | row
                for s, row in zip(ctx.years["spans"], ctx.years["rows"], strict=True)
            ],
        )
    out = [add_tables(plan, tables)]
    plan.files["data/project.json"] = json_text(ctx.project)
    extra = [
        ["The project summary (releases, trend, settings)", "", "[project.json](project.json)"]
    ]
    if ctx.years is not None:
        plan.files["data/years.json"] = json_text(ctx.years)
        extra.append(
            ["The yearly comparison (spans, rows, changes)", "", "[years.json](years.json)"]
        )
    for n, period in enumerate(ctx.periods):
        plan.files[f"data/periods/{n}.json"] = json_text(period)
    for w in windows:
        plan.files[f"data/windows/{file_name(w['release'])}.json"] = json_text(w)
    out.append(table(["Document", "", "JSON"], extra, "lll"))
    out.append(
        "Each release window's complete tables: "
        + ", ".join(
            f"[{escape(w['release'])}](windows/{file_name(w['release'])}.json)"
            for w in reversed(windows)
        )
        + (
            "; each yearly period's: "
            + ", ".join(f"[{n}](periods/{n}.json)" for n in range(len(ctx.periods)))
            if ctx.periods
            else ""
        )
        + ".\n"
    )
    return "\n".join(out)


SECTIONS: tuple[Callable[[Context, SitePlan], str], ...] = (commit_tables, review.data_part)


def render_data(ctx: Context, plan: SitePlan) -> str:
    out = ["# Data\n", banner(ctx), "Every table of this site, as CSV and as JSON.\n"]
    out += [text for section in SECTIONS if (text := section(ctx, plan))]
    return "\n".join(out)
