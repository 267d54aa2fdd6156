"""The `kvmstatus` command: argument parsing and output formatting over the library.

User mistakes surface as `UserError` and print as one line on stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kvmstatus import __version__, runner
from kvmstatus.affiliations import AffiliationMap, load_affiliations
from kvmstatus.architectures import DEFAULT_MAPPING, ArchStats, load_arch_map
from kvmstatus.config import load_config
from kvmstatus.dataset import project_document, window_document, write_dataset
from kvmstatus.errors import UserError
from kvmstatus.gitcmd import GitFailure
from kvmstatus.metrics import Ranked, WindowStats
from kvmstatus.pipeline import (
    Selection,
    WindowResult,
    history,
    range_report,
    release_list,
)
from kvmstatus.releases import KERNEL_RELEASE_PATTERN
from kvmstatus.selection import DEFAULT_SUBSYSTEM
from kvmstatus.sources import NetworkError, cache_dir, open_repository
from kvmstatus.trends import Row, compare_rows, linear_trend


def _json(value: Any) -> str:
    def default(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return dataclasses.asdict(obj)
        if hasattr(obj, "isoformat"):
            return obj.isoformat()
        raise TypeError(type(obj).__name__)

    return json.dumps(value, default=default, indent=2, ensure_ascii=False)


def _warn(message: str) -> None:
    print(f"kvmstatus: {message}", file=sys.stderr)


def cmd_releases(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    found = release_list(repo, args.pattern)
    windows = found.windows
    for name in found.skipped:
        _warn(f"warning: tag {name!r} does not point to a commit; ignored")
    rows = [
        {
            "release": w.name,
            "commit": w.end.commit,
            "date": w.end.date.date().isoformat(),
            "previous": w.start.name if w.start else None,
            "range": w.range,
        }
        for w in windows
    ]
    if args.json:
        print(_json(rows))
        return
    width = max(len(w.name) for w in windows)
    for w in windows:
        print(f"{w.name:<{width}}  {w.end.date.date().isoformat()}  {w.range}")


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
        f"merges   {stats.merges:>6}   ({merge_share} of all commits)",
        f"authors  {stats.authors:>6}",
        "",
        f"{'trailer':<16} {'commits':>7} {'share':>7} {'lines':>7}",
    ]
    for key, count in stats.trailers.items():
        share = f"{count.commits / stats.commits:.1%}" if stats.commits else "-"
        lines.append(f"{key:<16} {count.commits:>7} {share:>7} {count.lines:>7}")
    for title, rows in (
        ("Top authors", stats.top_authors),
        ("Top reviewers (Reviewed-by)", stats.top_reviewers),
        ("Top ackers (Acked-by)", stats.top_ackers),
        ("Top authors of fixes (Fixes:)", stats.top_fixers),
    ):
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


def _affiliations(args: argparse.Namespace) -> AffiliationMap:
    return load_affiliations([Path(p) for p in args.affiliations or ()])


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


def cmd_stats(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    chosen = Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)
    result = range_report(
        repo,
        args.range,
        chosen,
        load_arch_map(args.arch_map),
        _affiliations(args),
        top=args.top,
        release_pattern=args.pattern,
    )
    stats = result.stats
    if stats.malformed_trailers:
        _warn(
            f"note: {len(stats.malformed_trailers)} trailer line(s) could not be parsed as "
            "`Name <email>`; they are listed under malformed_trailers in --json"
        )
    if stats.undecodable_commits:
        shown = ", ".join(h[:12] for h in stats.undecodable_commits[:5])
        _warn(
            f"warning: {len(stats.undecodable_commits)} commit(s) are not valid UTF-8 "
            f"(undecodable bytes shown as U+FFFD): {shown}"
        )
    if stats.commits + stats.merges == 0:
        _warn(f"note: no commit of {args.range} touches the selected paths")
    print(_json(window_document(result)) if args.json else format_result(result))


HISTORY_COLUMNS = (
    ("release", "release", "{}"),
    ("commits", "commits", "{}"),
    ("merges", "merges", "{}"),
    ("authors", "authors", "{}"),
    ("first_time_authors", "new", "{}"),
    ("reviewed_share", "reviewed", "{:.1%}"),
    ("acked_share", "acked", "{:.1%}"),
    ("fixes_share", "fixes", "{:.1%}"),
    ("review_coverage", "coverage", "{:.1%}"),
)


def _cell(value: object, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def _table(rows: list[Row], columns: tuple[tuple[str, str, str], ...]) -> str:
    cells = [[title for _, title, _ in columns]]
    cells += [[_cell(row.get(key), fmt) for key, _, fmt in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    )


def cmd_history(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    releases = release_list(repo, args.pattern, args.since)
    chosen = Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)
    docs = history(
        repo, releases, chosen, load_arch_map(args.arch_map), _affiliations(args), top=args.top
    )
    rows = [d["row"] for d in docs]
    trend = linear_trend([float(d["commits"]) for d in docs])
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif args.json:
        print(_json({"rows": rows, "trend": trend, "windows": docs}))
    else:
        print(_table(rows, HISTORY_COLUMNS))
        if trend:
            print(
                f"\ncommits per release: trend {trend.slope:+.1f} per release "
                f"(intercept {trend.intercept:.1f}, r\u00b2 {trend.r2:.2f}, {trend.n} releases)"
            )


def cmd_collect(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    releases = release_list(repo, args.pattern, args.since)
    chosen = Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)
    # The data keeps complete lists (top=0): the site adds windows up into years.
    docs = history(repo, releases, chosen, load_arch_map(args.arch_map), _affiliations(args), 0)
    settings = {
        "repo": str(repo.path),
        "pattern": args.pattern,
        "since": args.since,
        "selection": {"paths": list(chosen.paths), "subsystem": chosen.subsystem},
        "arch_map": args.arch_map,
        "architectures": list(load_arch_map(args.arch_map).names),
    }
    project = project_document(args.title, args.project, docs, settings)
    write_dataset(Path(args.out), project, docs)
    print(f"{len(docs)} windows ({docs[0]['release']} .. {docs[-1]['release']}) -> {args.out}")


def cmd_site(args: argparse.Namespace) -> None:
    from kvmstatus.sitebuild import build_site  # MkDocs and Altair load only for this command

    report = build_site(Path(args.data), Path(args.out), cycles=args.cycles)
    print(
        f"{report.pages} pages, {report.charts} charts -> {report.out} "
        f"(render {report.seconds_render:.1f}s, mkdocs {report.seconds_mkdocs:.1f}s)"
    )


def _prefect_defaults() -> None:
    """Settings a fresh machine needs before Prefect is imported.

    Without a Prefect server configured (`PREFECT_API_URL`), each run starts a temporary
    local one; its first start migrates a new database, which can outlast Prefect's 20 s
    default on a small machine. Telemetry would try the network and fail on an offline one.
    """
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")


def _task_runner(spec: str | None) -> Any:
    if not spec:
        return None
    kind, _, address = spec.partition("=")
    if kind != "dask":
        raise UserError(f"--task-runner {spec!r}: use dask or dask=ADDRESS (tcp://host:8786)")
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})


def _flow_parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "config": args.config,
        "repo": args.repo,
        "fetch": args.fetch,
        "data": args.data,
        "out": args.out,
    }


class _NoUserErrorTracebacks(logging.Filter):
    """Prefect logs a failed run's exception with its traceback; a `UserError` is the
    user's mistake, printed once as one line by `main`, so its traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], UserError):
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_user_errors() -> None:
    quiet = _NoUserErrorTracebacks()
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs"):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(quiet)


def _run_flow(parameters: dict[str, Any], task_runner: str | None) -> dict[str, Any]:
    # The configuration is checked before Prefect starts: a typo costs no server start.
    load_config(Path(parameters["config"]) if parameters.get("config") else None)
    _prefect_defaults()
    from kvmstatus_flows.publish import publish

    _quiet_user_errors()

    flow = (
        publish.with_options(task_runner=chosen)
        if (chosen := _task_runner(task_runner))
        else publish
    )
    try:
        result: dict[str, Any] = flow(**parameters)
    except UserError:
        raise
    return result


def cmd_run(args: argparse.Namespace) -> None:
    parameters = _flow_parameters(args)
    if not args.always:
        # Before Prefect starts (its temporary server alone takes seconds): is there anything
        # new? A run that finds no new release then costs the fetch and little else.
        config = runner.with_overrides(
            load_config(Path(args.config) if args.config else None), args.repo, args.data
        )
        try:
            idle = runner.idle_run(
                config,
                runner.fetch_policy(args.fetch, args.repo),
                Path(args.out) if args.out else None,
            )
        except NetworkError:
            idle = None  # the flow fetches again, with retries and backoff
        else:
            parameters["fetch"] = False  # fetched just now
        if idle is not None:
            windows, site = idle
            print(
                f"{windows} windows: 0 computed, {windows} reused; site unchanged at {site} "
                "(nothing new; Prefect not started, --always records the run anyway)"
            )
            return
    summary = _run_flow(parameters, args.task_runner)
    print(
        f"{summary['windows']} windows: {summary['computed']} computed, "
        f"{summary['cached']} reused; site "
        f"{'published to' if summary['published'] else 'unchanged at'} {summary['site']}"
    )


def cmd_serve(args: argparse.Namespace) -> None:
    load_config(Path(args.config) if args.config else None)
    _prefect_defaults()
    from prefect import serve

    from kvmstatus_flows.publish import deployment

    scheduled = deployment(args.cron, _flow_parameters(args))
    print(f"serving kvmstatus-publish on {args.cron!r}; Ctrl-C stops")
    serve(scheduled)


def cmd_demo(args: argparse.Namespace) -> None:
    from kvmstatus import synth

    work = cache_dir() / "demo"
    repo = work / f"linux-like-{args.commits}-{args.releases}.git"
    if not repo.exists():
        print(f"building a synthetic kernel-like history in {repo} ...", file=sys.stderr)
        partial = repo.with_name(repo.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        synth.build_synthetic(partial, args.commits, args.releases, 1, 0.15)
        partial.rename(repo)
    config = work / "kvmstatus.toml"
    config.write_text(demo_config(repo, work / "data", Path(args.out).resolve()), encoding="utf-8")
    summary = _run_flow(
        {"config": str(config), "fetch": False, "synthetic": True}, args.task_runner
    )
    print(f"synthetic demo site ({summary['windows']} releases) -> {summary['site']}")


def demo_config(repo: Path, data: Path, out: Path) -> str:
    return (
        "[site]\n"
        'title = "KVM status report (synthetic demo data)"\n'
        "[data]\n"
        f"dir = {json.dumps(str(data))}\n"
        "[publish]\n"
        f"path = {json.dumps(str(out))}\n"
        "[[project]]\n"
        'name = "demo-kvm"\n'
        'display_name = "Synthetic KVM (demo)"\n'
        f"repository = {json.dumps(str(repo))}\n"
        "fetch = false\n"
    )


def cmd_year(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    pattern = args.pattern or (
        r"^v\d+\.\d+-rc1$" if re.search(r"-rc1$", args.end) else KERNEL_RELEASE_PATTERN
    )
    names = [w.name for w in release_list(repo, pattern).windows]
    if args.end not in names:
        raise UserError(f"--end {args.end!r} is not one of the tags matching {pattern!r}")
    end = names.index(args.end)
    spans = [(end - (k + 1) * args.cycles, end - k * args.cycles) for k in range(3)]
    spans = [(a, b) for a, b in spans if a >= 0]
    if not spans:
        raise UserError(f"there are fewer than {args.cycles} releases before {args.end}")
    chosen = Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)
    arch_map = load_arch_map(args.arch_map)
    affiliations = _affiliations(args)
    results = [
        range_report(repo, f"{names[a]}..{names[b]}", chosen, arch_map, affiliations, args.top)
        for a, b in spans
    ]
    rows = [r.row for r in results]
    changes = compare_rows(rows)
    if args.json:
        print(_json({"windows": [window_document(r) for r in results], "changes": changes}))
        return
    labels = ("this year", "1 year earlier", "2 years earlier")
    for label, row in zip(labels, rows, strict=False):
        print(f"{label + ':':<17}{row['range']}")
    print()
    print(_table(_year_rows(rows, changes), _year_columns(len(rows))))


_YEAR_METRICS = (
    ("commits", "{}"),
    ("merge_share", "{:.1%}"),
    ("authors", "{}"),
    ("first_time_authors", "{}"),
    ("reviewed_commits", "{}"),
    ("reviewed_share", "{:.1%}"),
    ("acked_commits", "{}"),
    ("acked_share", "{:.1%}"),
    ("fixes_commits", "{}"),
    ("fixes_share", "{:.1%}"),
    ("review_coverage", "{:.1%}"),
)


def _year_columns(n: int) -> tuple[tuple[str, str, str], ...]:
    cols = [("metric", "metric", "{}"), ("w0", "this year", "{}")]
    for k in range(1, n):
        cols += [(f"w{k}", f"{k} year{'s' * (k > 1)} earlier", "{}"), (f"c{k}", "change", "{}")]
    return tuple(cols)


def _year_rows(rows: list[Row], changes: dict[str, list[float | None]]) -> list[Row]:
    table: list[Row] = []
    for key, fmt in _YEAR_METRICS:
        line: Row = {"metric": key}
        for k, row in enumerate(rows):
            line[f"w{k}"] = _cell(row.get(key), fmt)
            if k:
                pct = changes.get(key, [None] * k)[k - 1]
                line[f"c{k}"] = None if pct is None else f"{pct:+.1f}%"
        table.append(line)
    return table


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kvmstatus",
        description="The KVM status report, mined from a kernel-style git history.",
    )
    parser.add_argument("--version", action="version", version=f"kvmstatus {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    releases = sub.add_parser(
        "releases",
        help="list release tags in version order with the window each closes",
        description="List release tags in version order and the window (previous..this) of each.",
    )
    _add_repo(releases)
    releases.add_argument(
        "--pattern",
        default=KERNEL_RELEASE_PATTERN,
        help=f"regex a release tag matches (default: {KERNEL_RELEASE_PATTERN!r}; "
        r"with rc tags: '^v\d+\.\d+(-rc\d+)?$')",
    )
    releases.add_argument("--json", action="store_true", help="print JSON instead of a table")
    releases.set_defaults(func=cmd_releases)

    stats = sub.add_parser(
        "stats",
        help="commits, merges, authors, trailers and top people of one range",
        description="Headline numbers of one range A..B (git rev-list semantics).",
    )
    _add_repo(stats)
    stats.add_argument(
        "--range", required=True, help="A..B: commits reachable from B and not from A"
    )
    _add_selection(stats)
    stats.add_argument(
        "--pattern",
        default=KERNEL_RELEASE_PATTERN,
        help="release tag regex, for the release that introduced each fixed bug",
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=cmd_stats)

    hist = sub.add_parser(
        "history",
        help="one row of every scalar metric per release window, and the commit trend",
        description="Every release window's numbers, oldest first, with a linear trend.",
    )
    _add_repo(hist)
    hist.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    hist.add_argument("--since", metavar="TAG", help="first release to report (e.g. v3.8)")
    _add_selection(hist)
    output = hist.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="rows, trend and per-window detail")
    output.add_argument("--csv", action="store_true", help="the rows as CSV")
    hist.set_defaults(func=cmd_history)

    collect = sub.add_parser(
        "collect",
        help="compute every release window and write the data directory the site reads",
        description="Compute every release window's tables and write them as JSON to --out.",
    )
    _add_repo(collect)
    collect.add_argument("--out", required=True, metavar="DIR", help="data directory to write")
    collect.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    collect.add_argument("--since", metavar="TAG", help="first release to include (e.g. v3.8)")
    collect.add_argument("--title", default="KVM status report", help="the site's title")
    collect.add_argument("--project", default="Linux KVM", help="the project's display name")
    _add_selection(collect, top=False)
    collect.set_defaults(func=cmd_collect)

    run = sub.add_parser(
        "run",
        help="run the publishing flow once: fetch, compute new windows, build, publish",
        description="Run the Prefect flow once with the configuration (default: Linux KVM). "
        "It fetches and plans first; when no release window is new and the published site "
        "is current, it says so and stops without starting Prefect.",
    )
    _add_flow_options(run)
    run.add_argument(
        "--always",
        action="store_true",
        help="run the Prefect flow even when nothing is new (by default a run that finds no "
        "new window and an up-to-date site stops before starting Prefect)",
    )
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser(
        "serve",
        help="serve the flow as a scheduled Prefect deployment from this process",
        description="A Prefect deployment served from this process: each scheduled run "
        "fetches, and publishes a new edition when a new release tag appeared.",
    )
    _add_flow_options(serve)
    serve.add_argument("--cron", default="0 */6 * * *", help="schedule (default: every six hours)")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser(
        "demo",
        help="build a synthetic kernel-like history and run the flow on it (offline)",
        description="A full site from synthetic demo data, with no network, in about a minute.",
    )
    demo.add_argument("--out", required=True, metavar="DIR", help="where the demo site goes")
    demo.add_argument("--commits", type=int, default=30000, help="synthetic commits")
    demo.add_argument("--releases", type=int, default=16, help="synthetic releases")
    demo.add_argument("--task-runner", metavar="dask[=ADDRESS]", help="run windows on Dask")
    demo.set_defaults(func=cmd_demo)

    site = sub.add_parser(
        "site",
        help="render the data directory into Markdown pages and build the static site",
        description="Pages and charts from --data (no git needed), built with MkDocs "
        "(--strict) and swapped into --out only when the build succeeded.",
    )
    site.add_argument("--data", required=True, metavar="DIR", help="data from `collect`")
    site.add_argument("--out", required=True, metavar="DIR", help="where the site goes")
    site.add_argument("--cycles", type=int, default=5, help="release cycles in a year (default 5)")
    site.set_defaults(func=cmd_site)

    year = sub.add_parser(
        "year",
        help="the keynote's yearly window next to the two years before, with changes",
        description="The window of --cycles releases ending at --end, and the same-length "
        "windows one and two years earlier, side by side.",
    )
    _add_repo(year)
    year.add_argument("--end", required=True, metavar="TAG", help="last tag, e.g. v5.4-rc1")
    year.add_argument("--cycles", type=int, default=5, help="release cycles per window (default 5)")
    year.add_argument(
        "--pattern",
        help=r"tags to count cycles in (default: '^v\d+\.\d+-rc1$' when --end is an rc1, "
        "else the release pattern)",
    )
    _add_selection(year)
    year.add_argument("--json", action="store_true", help="print JSON instead of a table")
    year.set_defaults(func=cmd_year)
    return parser


def _add_flow_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="kvmstatus.toml (default: Linux KVM)")
    parser.add_argument(
        "--repo", help="use this clone of the main project as it is (no fetch unless --fetch)"
    )
    fetch = parser.add_mutually_exclusive_group()
    fetch.add_argument("--fetch", action="store_true", default=None, help="fetch even with --repo")
    fetch.add_argument(
        "--no-fetch", dest="fetch", action="store_false", help="never fetch (offline)"
    )
    parser.add_argument("--data", metavar="DIR", help="data directory (default: from config)")
    parser.add_argument("--out", metavar="DIR", help="publish to this directory instead")
    parser.add_argument(
        "--task-runner",
        metavar="dask[=ADDRESS]",
        help="run the windows on a Dask cluster (a local one when no address is given)",
    )


def _add_selection(parser: argparse.ArgumentParser, top: bool = True) -> None:
    chooser = parser.add_mutually_exclusive_group()
    chooser.add_argument(
        "--paths", nargs="+", metavar="PATHSPEC", help="explicit git pathspecs to count"
    )
    chooser.add_argument(
        "--subsystem",
        default=DEFAULT_SUBSYSTEM,
        metavar="REGEX",
        help="regex on MAINTAINERS entry names, read at each window's end "
        f"(default: KVM, {DEFAULT_SUBSYSTEM!r})",
    )
    parser.add_argument(
        "--arch-map",
        default=DEFAULT_MAPPING,
        metavar="NAME|FILE",
        help=f"architecture mapping: linux-kvm, kvm-unit-tests or a TOML file "
        f"(default: {DEFAULT_MAPPING})",
    )
    parser.add_argument(
        "--affiliations",
        nargs="+",
        metavar="PATH",
        help="gitdm EmailMap/EmailAliases files or gitdm.config directories, layered over the "
        "shipped map (later ones win)",
    )
    if top:
        parser.add_argument("--top", type=int, default=10, help="rows per top list (default 10)")


def _add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        default=".",
        help="a git clone, a .bundle file or a URL (cloned blobless into the cache); default: .",
    )


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except UserError as exc:
        _warn(f"error: {exc}")
        sys.exit(1)
    except GitFailure as exc:
        _warn(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        # A full disk, a read-only or missing folder: the user's machine, not a bug.
        where = f" ({exc.filename})" if exc.filename else ""
        _warn(f"error: {exc.strerror or exc}{where}; nothing half-written was published")
        sys.exit(1)
