"""One function per command: parse what argparse gave, call one library function, format.

User mistakes surface as `UserError`, which `kvmstatus.cli.main` prints as one line.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from kvmstatus.analyse.affiliations import AffiliationMap, load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.row import compare_rows
from kvmstatus.cli import text
from kvmstatus.git.sources import NetworkError, open_repository
from kvmstatus.jobs import steps
from kvmstatus.jobs.config import ProjectConfig, load_config, project_name, single_project
from kvmstatus.jobs.edition import edition, idle
from kvmstatus.jobs.window import history as compute_history
from kvmstatus.jobs.window import range_report, year_reports
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.shared.numbers import linear_trend
from kvmstatus.store.results import window_document


def warn(message: str) -> None:
    print(f"kvmstatus: {message}", file=sys.stderr)


def _selection(args: argparse.Namespace) -> Selection:
    return Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)


def _affiliations(args: argparse.Namespace) -> AffiliationMap:
    return load_affiliations([Path(p) for p in args.affiliations or ()])


def releases(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    found = release_list(repo, args.pattern)
    windows = found.windows
    for name in found.skipped:
        warn(f"warning: tag {name!r} does not point to a commit; ignored")
    if args.json:
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
        print(text.to_json(rows))
        return
    width = max(len(w.name) for w in windows)
    for w in windows:
        print(f"{w.name:<{width}}  {w.end.date.date().isoformat()}  {w.range}")


def stats(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    result = range_report(
        repo,
        args.range,
        _selection(args),
        load_arch_map(args.arch_map),
        _affiliations(args),
        top=args.top,
        release_pattern=args.pattern,
    )
    found = result.stats
    if found.malformed_trailers:
        warn(
            f"note: {len(found.malformed_trailers)} trailer line(s) could not be parsed as "
            "`Name <email>`; they are listed under malformed_trailers in --json"
        )
    if found.undecodable_commits:
        shown = ", ".join(h[:12] for h in found.undecodable_commits[:5])
        warn(
            f"warning: {len(found.undecodable_commits)} commit(s) are not valid UTF-8 "
            f"(undecodable bytes shown as U+FFFD): {shown}"
        )
    if found.commits + found.merges == 0:
        warn(f"note: no commit of {args.range} touches the selected paths")
    print(text.to_json(window_document(result)) if args.json else text.format_result(result))


def history(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    found = release_list(repo, args.pattern, args.since)
    docs = compute_history(
        repo,
        found,
        _selection(args),
        load_arch_map(args.arch_map),
        _affiliations(args),
        top=args.top,
    )
    rows = [d["row"] for d in docs]
    trend = linear_trend([float(d["commits"]) for d in docs])
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif args.json:
        print(text.to_json({"rows": rows, "trend": trend, "windows": docs}))
    else:
        print(text.table(rows, text.HISTORY_COLUMNS))
        if trend:
            print(
                f"\ncommits per release: trend {trend.slope:+.1f} per release "
                f"(intercept {trend.intercept:.1f}, r\u00b2 {trend.r2:.2f}, {trend.n} releases)"
            )


def collect(args: argparse.Namespace) -> None:
    repository = str(open_repository(args.repo).path)
    project = ProjectConfig(
        name=project_name(repository),
        display_name=args.project,
        repository=repository,
        release_pattern=args.pattern,
        since=args.since,
        subsystem=args.subsystem,
        paths=tuple(args.paths or ()),
        architectures=args.arch_map,
        affiliations=tuple(args.affiliations or ()),
        fetch=False,
    )
    config = single_project(project, Path(args.out).resolve(), args.title)
    summary = edition(config, (False, False), publish=False)
    first, last = summary.releases[0], summary.releases[-1]
    print(
        f"{summary.windows} windows ({first} .. {last}): {summary.computed} computed, "
        f"{summary.cached} reused -> {args.out}"
    )


def site(args: argparse.Namespace) -> None:
    from kvmstatus.website.build import build_site  # MkDocs and Altair load only for this

    report = build_site(Path(args.data), Path(args.out), cycles=args.cycles)
    print(
        f"{report.pages} pages, {report.charts} charts -> {report.out} "
        f"(render {report.seconds_render:.1f}s, mkdocs {report.seconds_mkdocs:.1f}s)"
    )


def _flow_parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "config": args.config,
        "repo": args.repo,
        "fetch": args.fetch,
        "data": args.data,
        "out": args.out,
    }


def run(args: argparse.Namespace) -> None:
    from kvmstatus_flows.launch import run_flow

    parameters = _flow_parameters(args)
    if not args.always:
        # Before Prefect starts (its temporary server alone takes seconds): is there anything
        # new? A run that finds no new release then costs the fetch and little else.
        config = steps.with_overrides(
            load_config(Path(args.config) if args.config else None), args.repo, args.data
        )
        try:
            nothing_new = idle(
                config,
                steps.fetch_policy(args.fetch, args.repo),
                Path(args.out) if args.out else None,
            )
        except NetworkError:
            nothing_new = None  # the flow fetches again, with retries and backoff
        else:
            parameters["fetch"] = False  # fetched just now
        if nothing_new is not None:
            windows, where = nothing_new
            print(
                f"{windows} windows: 0 computed, {windows} reused; site unchanged at {where} "
                "(nothing new; Prefect not started, --always records the run anyway)"
            )
            return
    summary = run_flow(parameters, args.task_runner)
    print(
        f"{summary['windows']} windows: {summary['computed']} computed, "
        f"{summary['cached']} reused; site "
        f"{'published to' if summary['published'] else 'unchanged at'} {summary['site']}"
    )


def serve(args: argparse.Namespace) -> None:
    from kvmstatus_flows.launch import serve_flow

    serve_flow(args.cron, _flow_parameters(args))


def demo(args: argparse.Namespace) -> None:
    from kvmstatus.demo.project import demo_project
    from kvmstatus_flows.launch import run_flow

    config = demo_project(args.commits, args.releases, Path(args.out).resolve())
    summary = run_flow({"config": str(config), "fetch": False, "synthetic": True}, args.task_runner)
    print(f"synthetic demo site ({summary['windows']} releases) -> {summary['site']}")


def year(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    results = year_reports(
        repo,
        args.end,
        args.cycles,
        args.pattern,
        _selection(args),
        load_arch_map(args.arch_map),
        _affiliations(args),
        args.top,
    )
    rows = [r.row for r in results]
    changes = compare_rows(rows)
    if args.json:
        print(text.to_json({"windows": [window_document(r) for r in results], "changes": changes}))
        return
    labels = ("this year", "1 year earlier", "2 years earlier")
    for label, row in zip(labels, rows, strict=False):
        print(f"{label + ':':<17}{row['range']}")
    print()
    print(text.table(text.year_rows(rows, changes), text.year_columns(len(rows))))


def review(args: argparse.Namespace) -> None:
    from kvmstatus.jobs.lists import range_review

    stats = range_review(
        args.archive, args.since, args.until, args.tag, lambda note: warn(f"note: {note}")
    )
    if stats.unparseable:
        shown = ", ".join(c[:12] for c in stats.unparseable_commits[:5])
        warn(
            f"warning: {stats.unparseable} message(s) of the range could not be parsed "
            f"(counted under unparseable): {shown}"
        )
    if args.json:
        doc = review_json(stats, args.archive)
        print(text.to_json(doc))
    else:
        print(text.format_review(stats, args.archive))


def review_json(stats: Any, archives: list[str]) -> dict[str, Any]:
    """`kvmstatus review --json`: the range's numbers, and the archives read."""
    from kvmstatus.store.documents import plain

    doc: dict[str, Any] = plain(stats)
    for detail in ("architectures", "review_hours"):
        doc.pop(detail, None)
    return {"archives": archives, **doc}
