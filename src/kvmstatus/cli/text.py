"""Text the CLI prints: the releases, tables of a window, of a history and of a year, what a
run did, the run status, a list's review, and JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kvmstatus.model.documents import SpanDocument, YearsDocument
from kvmstatus.model.trailers import HEADLINE_TRAILERS, PEOPLE_TRAILERS

if TYPE_CHECKING:  # the types alone: a command loads only the stages it runs
    from kvmstatus.analyse.architectures import ArchStats
    from kvmstatus.analyse.metrics import Ranked, WindowStats
    from kvmstatus.analyse.review import CommitLinks
    from kvmstatus.analyse.row import Row
    from kvmstatus.analyse.window import WindowResult
    from kvmstatus.jobs.edition import Summary
    from kvmstatus.jobs.history import History
    from kvmstatus.jobs.lists import RangeReview
    from kvmstatus.model.releases import ReleaseWindow


def to_json(value: Any) -> str:
    def default(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return dataclasses.asdict(obj)
        if hasattr(obj, "isoformat"):
            return obj.isoformat()
        raise TypeError(type(obj).__name__)

    return json.dumps(value, default=default, indent=2, ensure_ascii=False)


def release_rows(windows: Sequence[ReleaseWindow]) -> list[dict[str, str | None]]:
    """`kvmstatus releases --json`: each release, its commit, date and window."""
    return [
        {
            "release": w.name,
            "commit": w.end.commit,
            "date": w.end.date.date().isoformat(),
            "previous": w.start.name if w.start else None,
            "range": w.range,
        }
        for w in windows
    ]


def format_releases(windows: Sequence[ReleaseWindow]) -> str:
    """`kvmstatus releases`: a release a line, with its date and window."""
    width = max(len(w.name) for w in windows)
    return "\n".join(
        f"{w.name:<{width}}  {w.end.date.date().isoformat()}  {w.range}" for w in windows
    )


def _ranked(title: str, rows: list[Ranked]) -> list[str]:
    lines = [title]
    if not rows:
        return [*lines, "    (none)"]
    width = max(len(f"{r.name} <{r.email}>") for r in rows)
    for i, row in enumerate(rows, 1):
        who = f"{row.name} <{row.email}>" if row.name else f"<{row.email}>"
        lines.append(f"  {i:>2}. {who:<{width}}  {row.count:>5}")
    return lines


def format_stats(stats: WindowStats) -> str:
    total = stats.commits + stats.merges
    merge_share = f"{stats.merges / total:.1%}" if total else "-"
    lines = [
        f"range    {stats.range}",
        f"paths    {' '.join(stats.paths)}",
        "",
        f"commits  {stats.commits:>6}   (non-merge)",
        f"merges   {stats.merges:>6}   ({merge_share} of all commits; kept by path limiting)",
        f"authors  {stats.authors:>6}",
        "",
        f"{'trailer':<16} {'commits':>7} {'share':>7} {'lines':>7}",
    ]
    for key, count in stats.trailers.items():
        share = f"{count.commits / stats.commits:.1%}" if stats.commits else "-"
        lines.append(f"{key:<16} {count.commits:>7} {share:>7} {count.lines:>7}")
    lists = [("Top authors", stats.top_authors)]
    lists += [
        (f"Top {kind.people} ({kind.key})", stats.top_people[kind.people])
        for kind in PEOPLE_TRAILERS
        if kind.people
    ]
    lists.append(("Top authors of fixes (Fixes:)", stats.top_fixers))
    for title, rows in lists:
        lines += ["", *_ranked(title, rows)]
    return "\n".join(lines)


def _arch_lines(arches: list[ArchStats]) -> list[str]:
    lines = [f"{'architecture':<14} {'commits':>7} {'authors':>7} {'reviewed':>8}  top author"]
    for arch in arches:
        if not arch.commits:
            continue
        reviewed = arch.trailers["Reviewed-by"].commits / arch.commits
        who = arch.top_authors[0].name or arch.top_authors[0].email
        lines.append(f"{arch.name:<14} {arch.commits:>7} {arch.authors:>7} {reviewed:>8.1%}  {who}")
    return lines


def _company_lines(title: str, rows: list[tuple[str, int]], top: int) -> list[str]:
    total = sum(n for _, n in rows)
    lines = [title]
    for name, n in rows[:top]:
        lines.append(f"  {name:<28} {n:>6}  {n / total:>6.1%}")
    return lines if rows else [*lines, "    (none)"]


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} days"


def _fixes_lines(result: WindowResult) -> list[str]:
    fixes = result.fixes
    problems = ", ".join(f"{kind} {n}" for kind, n in fixes.problems if n) or "none"
    introduced = ", ".join(f"{rel or 'unreleased'} {n}" for rel, n in fixes.introduced_in)
    return [
        f"Fixes: lines          {fixes.lines} ({fixes.valid} valid; problems: {problems})",
        f"  bug lifetime        median {_days(fixes.median_lifetime_days)}, "
        f"90th percentile {_days(fixes.p90_lifetime_days)}",
        f"  fixed in same release {fixes.same_release}; fixed commit in selection "
        f"{fixes.in_selection} of {fixes.resolved}",
        f"  introduced in       {introduced or '-'}",
    ]


def format_result(result: WindowResult) -> str:
    row = result.row
    coverage = row["review_coverage"]
    lines = [
        format_stats(result.stats),
        "",
        f"mainline merges       {row.get('mainline_merges')} (on the end's first-parent line, "
        "bringing selected commits in)",
        f"review coverage       {coverage:.1%}" if isinstance(coverage, float) else "",
        f"first-time authors    {row['first_time_authors']}",
        "bot-reported          "
        + (", ".join(f"{k} {v}" for k, v in result.bot_reported.items()) or "none"),
        *_fixes_lines(result),
        "",
        *_company_lines("Commits by company (author, at the author date)", result.companies, 10),
        "",
        *_company_lines("Reviews by company (Reviewed-by)", result.review_companies, 10),
        "",
        *_arch_lines(result.architectures),
    ]
    return "\n".join(lines)


HISTORY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("release", "release", "{}"),
    ("commits", "commits", "{}"),
    ("merges", "merges", "{}"),
    ("mainline_merges", "mainline", "{}"),
    ("authors", "authors", "{}"),
    ("first_time_authors", "new", "{}"),
    *((f"{k.row}_share", str(k.row).replace("_", " "), "{:.1%}") for k in HEADLINE_TRAILERS),
    ("review_coverage", "coverage", "{:.1%}"),
)


def cell(value: object, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def table(rows: list[Row], columns: tuple[tuple[str, str, str], ...]) -> str:
    cells = [[title for _, title, _ in columns]]
    cells += [[cell(row.get(key), fmt) for key, _, fmt in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    )


YEAR_METRICS: tuple[tuple[str, str], ...] = (
    ("commits", "{}"),
    ("merge_share", "{:.1%}"),
    ("authors", "{}"),
    ("first_time_authors", "{}"),
    *(
        pair
        for k in HEADLINE_TRAILERS
        for pair in ((f"{k.row}_commits", "{}"), (f"{k.row}_share", "{:.1%}"))
    ),
    ("review_coverage", "{:.1%}"),
)


def span_line(span: SpanDocument) -> str:
    """A yearly period for the terminal: its range, dates and length."""
    where = f"{span['start']}..{span['end']}" if span["kind"] == "releases" else span["end"]
    return (
        f"{where} ({span['since'][:10]} to {span['until'][:10]}, {span['days']:.0f} days"
        f"{', by commit date' if span['kind'] == 'calendar' else ''})"
    )


def format_history(report: History) -> str:
    """`kvmstatus history`'s table, its trend, and why a window is not in it."""
    lines = [table(report.rows, HISTORY_COLUMNS)]
    trend = report.trend
    if trend:
        lines.append(
            f"\ncommits per release: trend {trend['slope']:+.1f} per release "
            f"(intercept {trend['intercept']:.1f}, r\u00b2 {trend['r2']:.2f}, "
            f"{trend['n']} releases)"
        )
    if report.counted < len(report.windows):
        lines.append(
            f"{report.windows[0]['release']} is all history up to the first release, not a "
            "release cycle: it is not in the trend (--count-initial-window counts it)"
        )
    return "\n".join(lines)


def format_run(summary: Summary, flow_ran: bool) -> str:
    """What `kvmstatus run` did: the flow's summary, or that nothing was new."""
    if not flow_ran:
        return (
            f"{summary.windows} windows: {summary.computed} computed, {summary.cached} reused; "
            f"site unchanged at {summary.site} "
            "(nothing new; Prefect not started, --always records the run anyway)"
        )
    repaired = len(summary.repaired)
    return (
        f"{summary.windows} windows: {summary.computed} computed, {summary.cached} reused"
        + (f", {repaired} damaged data files rewritten" if repaired else "")
        + f"; site {'published to' if summary.published else 'unchanged at'} {summary.site}"
    )


def format_year(years: YearsDocument) -> str:
    """`kvmstatus year`'s table: how the periods were chosen, each one, the metrics."""
    lines = [years["note"]]
    lines += [f"{span['label'] + ':':<17}{span_line(span)}" for span in years["spans"]]
    rows = years["rows"]
    lines += ["", table(year_rows(rows, years["changes"]), year_columns(len(rows)))]
    return "\n".join(lines)


def year_columns(n: int) -> tuple[tuple[str, str, str], ...]:
    cols = [("metric", "metric", "{}"), ("w0", "this year", "{}")]
    for k in range(1, n):
        cols += [(f"w{k}", f"{k} year{'s' * (k > 1)} earlier", "{}"), (f"c{k}", "change", "{}")]
    return tuple(cols)


def year_rows(rows: list[Row], changes: dict[str, list[float | None]]) -> list[Row]:
    table: list[Row] = []
    for key, fmt in YEAR_METRICS:
        line: Row = {"metric": key}
        for k, row in enumerate(rows):
            line[f"w{k}"] = cell(row.get(key), fmt)
            if k:
                pct = changes.get(key, [None] * k)[k - 1]
                line[f"c{k}"] = None if pct is None else f"{pct:+.1f}%"
        table.append(line)
    return table


def _ago(moment: str | None, now: datetime) -> str:
    if not moment:
        return "?"
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{when:%Y-%m-%d %H:%M:%S} UTC, {seconds // size}{unit} ago"
    return f"{when:%Y-%m-%d %H:%M:%S} UTC, {seconds}s ago"


def _run_line(entry: dict[str, Any], now: datetime) -> list[str]:
    outcome = entry.get("outcome", "?")
    lines = [
        f"{outcome} at {_ago(entry.get('finished') or entry.get('started'), now)} "
        f"({entry.get('trigger', '?')}, pid {entry.get('pid', '?')})"
    ]
    if "windows" in entry:
        repaired = entry.get("repaired") or []
        lines.append(
            f"{entry['windows']} windows: {entry.get('computed', 0)} computed, "
            f"{entry.get('cached', 0)} reused, {len(repaired)} damaged data files rewritten; "
            f"site {'published to' if entry.get('published') else 'unchanged at'} "
            f"{entry.get('site', '?')}"
        )
    if entry.get("error"):
        lines.append(f"error: {entry['error']}")
    return lines


def format_status(report: dict[str, Any], now: datetime | None = None) -> str:
    """`kvmstatus status` as text: the last run, the last success, the verdict."""
    now = now or datetime.now(UTC)
    lines = [f"data:          {report['data']} ({report['runs']} runs recorded)"]
    if report["running"]:
        run = report["running"]
        lines.append(f"running:       since {_ago(run.get('started'), now)} (pid {run.get('pid')})")
    if report["last"]:
        first, *rest = _run_line(report["last"], now)
        lines.append(f"last run:      {first}")
        lines += [f"               {line}" for line in rest]
    success = report["last_success"]
    lines.append(
        f"last success:  {_ago(success.get('finished'), now) if success else 'none recorded'}"
    )
    verdict = "OK" if report["healthy"] else f"FAILING: {report['reason']}"
    lines.append(f"status:        {verdict}")
    return "\n".join(lines)


def format_review(found: RangeReview, archives: list[str]) -> str:
    """`kvmstatus review`'s table."""

    def n(value: int) -> str:
        return f"{value:,}"

    stats = found.stats

    def pct(links: CommitLinks, method: str) -> str:
        rate = links.method_shares[method]
        return "-" if rate is None else f"{rate:.1%}"

    hours = stats.median_hours_to_review
    tags = ", ".join(f"{k} {n(v)}" for k, v in stats.tags_given.items())
    share = stats.reviewed_share
    reviewed = "-" if share is None else f"{share:.1%} of the series"
    lines = [
        f"archives          {' '.join(archives)}",
        f"range             {stats.since} .. {stats.until} (FROM <= Date < TO)",
        f"scope             {stats.scope}",
        "",
        f"messages          {n(stats.messages):>7}",
        f"patch messages    {n(stats.patch_messages):>7}   "
        f"(cover letters {n(stats.cover_letters)}, patches {n(stats.patches)})",
        f"series            {n(stats.series):>7}   posted by {n(stats.posters)} people",
        f"replies           {n(stats.replies):>7}   (from bots {n(stats.bot_replies)})",
        f"reviewed series   {n(stats.reviewed_series):>7}   {reviewed}",
        "first review      "
        + ("-" if hours is None else f"{hours:,.1f} hours after posting")
        + " (median)",
        f"unanswered        {n(stats.unanswered):>7}   series with no reply from anyone else "
        f"within 14 days (of {n(stats.answer_checked)} old enough to tell)",
        f"tags on the list  {tags}",
        f"unparseable       {n(stats.unparseable):>7}",
        f"coverage          {stats.coverage}",
        "",
        *_ranked(
            "Top list reviewers (distinct series of others replied to)",
            stats.top_list_reviewers[:10],
        ),
    ]
    links = found.links
    if links is not None:
        posted = "-" if links.posted_share is None else f"{links.posted_share:.1%}"
        lines += [
            "",
            f"commits           {n(links.commits):>7}   of the repository in the range",
            f"posted            {n(links.posted):>7}   {posted} linked to a patch of the lists",
            f"  by trailer      {n(links.methods['trailer']):>7}   {pct(links, 'trailer')} "
            f"(Link:/Message-Id: naming the patch; {n(links.named)} commits name a message)",
            f"  by subject      {n(links.methods['subject']):>7}   {pct(links, 'subject')} "
            "(and author, the others)",
            f"each on its own   trailer {n(links.by_method['trailer'])}, subject "
            f"{n(links.by_method['subject'])}; they disagree on {n(links.disagreements)}",
        ]
    return "\n".join(lines)


def review_json(found: RangeReview, archives: list[str]) -> dict[str, Any]:
    """`kvmstatus review --json`: the range's numbers, the archives read, and with `--repo`
    how the range's commits link to the posted patches (`links`)."""
    from kvmstatus.store.documents import plain

    doc: dict[str, Any] = plain(found.stats)
    for detail in ("architectures", "review_hours"):
        doc.pop(detail, None)
    if found.links is not None:
        doc["links"] = plain(found.links)
    return {"archives": archives, **doc}
