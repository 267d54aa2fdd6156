"""The Testing page: the main project's test suite per architecture, then the companion
projects (kvm-unit-tests, kvmtool, ...) per window."""

from __future__ import annotations

from kvmstatus.model.documents import ProjectSettings, WindowDocument
from kvmstatus.store.documents import file_name
from kvmstatus.website import charts
from kvmstatus.website.markdown import escape, fmt_int, fmt_pct, link, table
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    banner,
    chart_block,
    initial_aside,
    period_label,
    range_label,
    release_contexts,
    selection_text,
    suite_of,
    testing_intro,
    testing_summary,
)

PAGE = "testing.md"


def companion_window(
    settings: ProjectSettings, w: WindowDocument, previous: WindowDocument | None
) -> str:
    """A companion's window for readers: its own release range, or the dates it spans when
    it has no release tags and follows the main project's release dates."""
    if settings.get("windows") != "main-release-dates":
        return escape(range_label(w["range"]))
    if previous is None:
        return f"all history up to {escape(w['date'])}"
    return f"{escape(previous['date'])} to {escape(w['date'])}"


def render_testing(ctx: Context, plan: SitePlan) -> str:
    name, paths = suite_of(ctx.settings)
    out = [
        "# Testing\n",
        banner(ctx),
        "The main project's test suite"
        + (", then the companion projects its configuration names.\n" if ctx.companions else ".\n"),
        initial_aside(ctx, PAGE),
        f"## {escape(name)}\n",
        testing_intro(ctx.settings),
    ]
    last = ctx.last_year
    if paths == ["**"]:
        out.append(
            "Every commit is a test-suite commit here, so its numbers per architecture are "
            f"the {link(PAGE, 'architectures/index.md', 'Architectures')} page's.\n"
        )
    elif paths != []:
        out.append(
            chart_block(
                plan,
                PAGE,
                "testing-suite",
                charts.testing_activity(ctx.counted, ctx.arch_names, ctx.contexts),
                f"{name} commits per architecture",
            )
        )
        if last is not None:
            out += [
                f"The last year ({period_label(last)}):\n",
                testing_summary(ctx, last["testing"]),
            ]
    for key, data in sorted(ctx.companions.items()):
        project, windows = data.project, data.windows
        companion = project["settings"]
        arches = companion.get("architectures") or []
        if companion.get("windows") == "main-release-dates":
            how = (
                f"{escape(project['project'])}'s commits between the release dates of "
                f"{escape(ctx.project['project'])} (on its branch's first-parent line), "
                "counting "
            )
        else:
            how = f"{escape(project['project'])}'s release windows, counting "
        counted = set(project.get("counted", project["releases"]))
        out += [
            f"## {escape(project['project'])}\n",
            how + selection_text(companion) + ".\n",
            chart_block(
                plan,
                PAGE,
                f"testing-{file_name(key)}",
                charts.arch_commits(
                    [w for w in windows if w["release"] in counted],
                    arches,
                    release_contexts(data),
                ),
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
