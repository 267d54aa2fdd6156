"""The Releases index and one page per release window: its numbers, topics, the maintainers'
words, trailers, the review on the lists, architectures, maintainer flow, people, companies,
fixes."""

from __future__ import annotations

from collections.abc import Callable

from kvmstatus.model.documents import PullDocument, ReleaseContext, WindowDocument, is_initial
from kvmstatus.model.trailers import PEOPLE_TRAILERS, REPORTED_TRAILERS, TRAILERS
from kvmstatus.shared.labels import SEVERAL, UNKNOWN
from kvmstatus.store.documents import file_name
from kvmstatus.story.sentences import release_sentences
from kvmstatus.website import charts
from kvmstatus.website.markdown import (
    DASH,
    attr,
    escape,
    fmt_int,
    fmt_pct,
    html_text,
    link,
    people_table,
    table,
)
from kvmstatus.website.pages import fixes, review
from kvmstatus.website.pages.common import (
    Context,
    SitePlan,
    arch_summary,
    banner,
    chart_block,
    company_table,
    initial_note,
    people_lists,
    plural,
    range_label,
    release_page,
    summary,
    topic_summary,
    topics_note,
)
from kvmstatus.website.prose import summary_html

INDEX = "releases/index.md"
_TRAILER_ORDER = {key: i for i, key in enumerate(REPORTED_TRAILERS)}
_TRAILER_TITLES = {kind.key: kind.title for kind in TRAILERS}


def render_index(ctx: Context, plan: SitePlan) -> str:
    rows = [
        [
            link(INDEX, release_page(w["release"]), escape(w["release"]))
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
                INDEX,
                "releases-trees",
                charts.tree_commits(ctx.counted, contexts=ctx.contexts),
                "Commits brought in per source tree per release",
            ),
        ]
    )


# --- one release ----------------------------------------------------------------------------


def pull_heading(pull: PullDocument) -> str:
    refs = ", ".join(escape(r) for r in pull["refs"]) or DASH
    octopus = f", an octopus of {pull['parents']} parents" if pull["parents"] > 2 else ""
    return (
        f"**{escape(pull['tree'])}**: {escape(pull['kind'])} {refs}, "
        f"{plural(pull['commits'], 'commit')}{octopus} "
        f'(<code class="kvm-hash" title="{attr(pull["subject"])}">{escape(pull["hash"][:12])}'
        "</code>)"
    )


def highlights_intro(w: WindowDocument) -> str:
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


def highlights(ctx: Context, w: WindowDocument) -> str:
    """The window's merge messages, escaped, grouped by architecture (map order)."""
    pulls = [p for p in w.get("pulls", []) if p["body"].strip()]
    if not pulls:
        return "*No merge in this window carries a message.*\n"
    order = {name: i for i, name in enumerate([*ctx.arch_names, SEVERAL])}
    groups: dict[str, list[PullDocument]] = {}
    for pull in sorted(pulls, key=lambda p: order.get(p["architecture"], len(order))):
        groups.setdefault(pull["architecture"], []).append(pull)
    out = []
    for arch, members in groups.items():
        # Not a heading: inside the folded part it would fill the table of contents.
        out.append(f'<p class="kvm-group">{html_text(arch)}</p>\n')
        for pull in members:
            out.append(pull_heading(pull) + "\n")
            out.append(summary_html(pull["body"]) + "\n")
    return "\n".join(out)


def maintainer_flow(w: WindowDocument) -> str:
    trees = [
        [escape(t["tree"]), fmt_int(t["merges"]), fmt_int(t["commits"])] for t in w.get("trees", [])
    ]
    applied = w.get("applied_by_others", 0)
    return "\n".join(
        [
            f"{fmt_int(applied)} of {fmt_int(w['commits'])} patches "
            f"({fmt_pct(w['row'].get('applied_by_others_share'))}) were committed by someone "
            "other than their author. A tree's commits are the selection's commits its merges "
            "brought in (`git rev-list --no-merges M^1..M`); trees nest, so they overlap.\n",
            table(["Source tree", "merges", "commits"], trees, "lrr"),
            people_table(w.get("top_committers", []), "Committers"),
        ]
    )


Section = Callable[[Context, SitePlan, int], str]
"""A part of a release page: the context, the plan and the window's index."""


def _window(ctx: Context, index: int) -> WindowDocument:
    return ctx.windows[index]


def context_of(ctx: Context, release: str) -> ReleaseContext | None:
    """The release against the ones before it (`releases.json`), when the data has it."""
    stored = ctx.data.releases["releases"] if ctx.data.releases else []
    return next((c for c in stored if c["release"] == release), None)


def numbers(ctx: Context, plan: SitePlan, index: int) -> str:
    w = _window(ctx, index)
    page = release_page(w["release"])
    nav = []
    if index > 0:
        prev = ctx.windows[index - 1]["release"]
        nav.append(f"← {link(page, release_page(prev), escape(prev))}")
    if index + 1 < len(ctx.windows):
        nxt = ctx.windows[index + 1]["release"]
        nav.append(f"{link(page, release_page(nxt), escape(nxt))} →")
    sentences = [] if is_initial(w) else release_sentences(w, context_of(ctx, w["release"]))
    return "\n".join(
        [
            initial_note(ctx, w) if is_initial(w) else "",
            summary(sentences),
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
        ]
    )


def topics(ctx: Context, plan: SitePlan, index: int) -> str:
    context = context_of(ctx, _window(ctx, index)["release"])
    marks = context["topics"] if context else {}
    return "\n".join(["## Topics\n", topics_note(ctx), topic_summary(ctx, marks)])


def merge_messages(ctx: Context, plan: SitePlan, index: int) -> str:
    """The maintainers' own summaries, last and folded: long, and not numbers."""
    w = _window(ctx, index)
    pulls = [p for p in w.get("pulls", []) if p["body"].strip()]
    if not pulls:
        return "\n".join(["## In the maintainers' words\n", highlights_intro(w)])
    return "\n".join(
        [
            "## In the maintainers' words\n",
            highlights_intro(w),
            '<details class="kvm-folded" markdown="1">',
            f"<summary>The {plural(len(pulls), 'merge message')}</summary>\n",
            highlights(ctx, w),
            "</details>\n",
        ]
    )


def trailers(ctx: Context, plan: SitePlan, index: int) -> str:
    w = _window(ctx, index)
    rows = [
        [
            escape(_TRAILER_TITLES.get(k, k)),
            fmt_int(v["commits"]),
            fmt_pct(v["commits"] / w["commits"] if w["commits"] else None),
            fmt_int(v["lines"]),
        ]
        for k, v in sorted(w["trailers"].items(), key=lambda kv: _TRAILER_ORDER.get(kv[0], 99))
        if k not in ctx.absent_trailers
    ]
    return "\n".join(
        ["## Trailers\n", table(["Trailer", "commits", "share", "lines"], rows, "lrrr")]
    )


def architectures(ctx: Context, plan: SitePlan, index: int) -> str:
    w = _window(ctx, index)
    page = release_page(w["release"])
    return "\n".join(
        [
            "## Architectures\n",
            chart_block(
                plan,
                page,
                f"release-{file_name(w['release'])}-arches",
                charts.arch_commits([w], ctx.arch_names),
                f"Commits per architecture in {w['release']}",
            ),
            arch_summary(ctx, w["architectures"], page),
        ]
    )


def flow(ctx: Context, plan: SitePlan, index: int) -> str:
    return "\n".join(["## Maintainer flow\n", maintainer_flow(_window(ctx, index))])


def people(ctx: Context, plan: SitePlan, index: int) -> str:
    w = _window(ctx, index)
    page = release_page(w["release"])
    ranked = people_lists(w)
    lists = [
        people_table(ranked.get(f"top_{k.people}", []), str(k.people).capitalize())
        for k in PEOPLE_TRAILERS
    ]
    return "\n".join(
        [
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
            *lists,
            people_table(w["top_fixers"], "Creators of fixes"),
            people_table(w["top_first_time_authors"], "First-time authors"),
            "</div>\n",
        ]
    )


def companies(ctx: Context, plan: SitePlan, index: int) -> str:
    return "\n".join(["## Companies\n", company_table(_window(ctx, index)["companies"], 15)])


def fixes_part(ctx: Context, plan: SitePlan, index: int) -> str:
    w = _window(ctx, index)
    return "\n".join(
        [
            "## Fixes\n",
            fixes.fixes_summary(w["fixes"]),
            fixes.invalid_fixes_table(w.get("invalid_fixes", [])),
        ]
    )


SECTIONS: tuple[Section, ...] = (
    numbers,
    trailers,
    review.release_part,
    architectures,
    topics,
    people,
    companies,
    fixes_part,
    flow,
    merge_messages,
)
"""A release page's sections, in order; a section with nothing to say returns ""."""


def render_release(ctx: Context, plan: SitePlan, index: int) -> str:
    w = ctx.windows[index]
    out = [f"# {escape(w['release'])}\n", banner(ctx)]
    out += [text for section in SECTIONS if (text := section(ctx, plan, index))]
    return "\n".join(out)
