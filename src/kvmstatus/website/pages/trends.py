"""The Trends page: every scalar metric of the per-window row across releases, grouped."""

from __future__ import annotations

from collections.abc import Sequence

from kvmstatus.model.trailers import ROW_TRAILERS, TrailerKind
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.story.sentences import metric_sentence
from kvmstatus.website import charts
from kvmstatus.website.markdown import escape
from kvmstatus.website.pages.common import Context, SitePlan, banner, chart_block, initial_aside

PAGE = "trends.md"


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


QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Is the project growing?", ("commits", "authors", "first_time_authors")),
    ("Is the work reviewed?", ("review_coverage", "reviewed_share", "acked_share")),
    ("How much of the work fixes bugs?", ("fixes_share", "fixes_median_lifetime_days")),
    ("How does the work arrive?", ("merge_share", "applied_by_others_share")),
    ("Who does the work?", ("companies", "unknown_company_share")),
)
"""The Trends page's questions, each with the metrics that answer it (shown first)."""


def _titles() -> dict[str, str]:
    return {key: title for _, metrics in TREND_SECTIONS for key, title in metrics}


def _chart(ctx: Context, plan: SitePlan, key: str, title: str) -> str:
    sentence = metric_sentence(ctx.counted, key, title, share=charts.is_share(key))
    return chart_block(
        plan,
        PAGE,
        f"trend-{key}",
        charts.metric_trend(ctx.counted, key, title, contexts=ctx.contexts),
        title,
    ) + (escape(sentence) + "\n" if sentence else "")


def render_trends(ctx: Context, plan: SitePlan) -> str:
    out = [
        "# Trends\n",
        banner(ctx),
        "Each question below is answered by the charts under it, one point per release, "
        "oldest first; every other metric is folded further down.\n",
        initial_aside(ctx, PAGE),
    ]
    row = ctx.windows[-1]["row"]
    numeric = {k for k, v in row.items() if isinstance(v, int | float) or v is None}
    absent = {
        f"{k.row}_{part}"
        for k in ROW_TRAILERS
        if k.key in ctx.absent_trailers
        for part in ("commits", "share")
    }
    titles = _titles()
    shown: set[str] = set()
    for question, keys in QUESTIONS:
        present = [k for k in keys if k in numeric and k not in absent]
        if not present:
            continue
        out.append(f"## {escape(question)}\n")
        for key in present:
            out.append(_chart(ctx, plan, key, titles.get(key, key)))
            shown.add(key)
    out.append("## Every other metric\n")
    out.append(
        chart_block(
            plan,
            PAGE,
            "trend-trailers",
            charts.trailer_shares(ctx.counted, ctx.contexts),
            "Trailer shares per release",
        )
    )
    listed = set(titles)
    # A metric added to the row shows up even before it gets its place here.
    others = tuple((k, k.replace("_", " ").capitalize()) for k in sorted(numeric - listed))
    for section, metrics in (*TREND_SECTIONS, ("Other metrics", others)):
        rest = [(k, t) for k, t in metrics if k in numeric and k not in absent | shown]
        if not rest:
            continue
        out += [
            '<details class="kvm-folded" markdown="1">',
            f"<summary>{escape(section)}: {len(rest)} chart{'s' * (len(rest) != 1)}</summary>\n",
            *(_chart(ctx, plan, key, title) for key, title in rest),
            "</details>\n",
        ]
    return "\n".join(out)
