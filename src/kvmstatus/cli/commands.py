"""One function per command: parse what argparse gave, call one library function, format.

User mistakes surface as `UserError`, which `kvmstatus.cli.main` prints as one line.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvmstatus.errors import UserError
from kvmstatus.shared import stopping

if TYPE_CHECKING:
    from kvmstatus.analyse.affiliations import AffiliationMap
    from kvmstatus.jobs.config import Config
    from kvmstatus.mine.selection import Selection


def parse_duration(value: str, option: str) -> timedelta:
    """`90m`, `24h`, `2d`, `1d12h`, `1w`, or plain seconds, as a duration."""
    compact = value.strip().lower()
    if not re.fullmatch(r"(?:\d+[smhdw])+|\d+", compact) or not int(re.sub(r"\D", "", compact)):
        raise UserError(f"{option} {value!r}: give a duration such as 90m, 24h, 2d or 1d12h")
    units = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    parts = re.findall(r"(\d+)([smhdw]?)", compact)
    return timedelta(seconds=sum(int(n) * units[u] for n, u in parts))


def warn(message: str) -> None:
    print(f"kvmstatus: {message}", file=sys.stderr)


def _selection(args: argparse.Namespace) -> Selection:
    from kvmstatus.mine.selection import Selection

    return Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)


def _affiliations(args: argparse.Namespace) -> AffiliationMap:
    from kvmstatus.analyse.affiliations import load_affiliations

    return load_affiliations([Path(p) for p in args.affiliations or ()])


def releases(args: argparse.Namespace) -> None:
    from kvmstatus.cli import text
    from kvmstatus.git.sources import open_repository
    from kvmstatus.mine.releases import release_list

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
    from kvmstatus.analyse.architectures import load_arch_map
    from kvmstatus.cli import text
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.window import range_report
    from kvmstatus.store.results import window_document

    repo = open_repository(args.repo)
    result = range_report(
        repo,
        args.range,
        _selection(args),
        load_arch_map(args.arch_map),
        _affiliations(args),
        top=args.top,
        release_pattern=args.pattern,
        stable_lists=tuple(args.stable_lists),
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
    from kvmstatus.git.sources import open_repository
    from kvmstatus.mine.gitlog import start_first_window
    from kvmstatus.mine.releases import release_list

    repo = open_repository(args.repo)
    found = release_list(repo, args.pattern, args.since)
    chosen = _selection(args)
    # The oldest window's git log runs on another core while the analysis is imported.
    started = start_first_window(repo, found, chosen)
    try:
        from kvmstatus.analyse.architectures import load_arch_map
        from kvmstatus.cli import text
        from kvmstatus.jobs.window import history as compute_history
        from kvmstatus.shared.numbers import linear_trend
        from kvmstatus.store.documents import counted_windows

        docs = compute_history(
            repo,
            found,
            chosen,
            load_arch_map(args.arch_map),
            _affiliations(args),
            top=args.top,
            stable_lists=tuple(args.stable_lists),
            workers=args.jobs,
            started=started,
        )
    finally:  # read by then, unless something failed first
        if started is not None:
            started.close()

    rows = [d["row"] for d in docs]
    counted = counted_windows(docs, args.count_initial_window)
    trend = linear_trend([float(d["commits"]) for d in counted])
    if args.csv:
        import csv

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
        if len(counted) < len(docs):
            print(
                f"{docs[0]['release']} is all history up to the first release, not a release "
                "cycle: it is not in the trend (--count-initial-window counts it)"
            )


def collect(args: argparse.Namespace) -> None:
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.config import (
        ProjectConfig,
        default_display_name,
        project_name,
        single_project,
    )
    from kvmstatus.jobs.edition import edition

    repository = str(open_repository(args.repo).path)
    name = project_name(repository)
    paths = tuple(args.paths or ())
    project = ProjectConfig(
        name=name,
        display_name=args.project or default_display_name(name, paths, args.subsystem),
        repository=repository,
        release_pattern=args.pattern,
        since=args.since,
        subsystem=args.subsystem,
        paths=paths,
        architectures=args.arch_map,
        affiliations=tuple(args.affiliations or ()),
        fetch=False,
        test_suite=args.test_suite,
        stable_lists=tuple(args.stable_lists),
        count_initial_window=args.count_initial_window,
    )
    config = single_project(project, Path(args.out).resolve(), args.title or "")
    stopping.install(_stopped(config, None, site=False))
    summary = edition(config, (False, False), publish=False, trigger="collect")
    first, last = summary.releases[0], summary.releases[-1]
    print(
        f"{summary.windows} windows ({first} .. {last}): {summary.computed} computed, "
        f"{summary.cached} reused -> {args.out}"
    )


def site(args: argparse.Namespace) -> None:
    from kvmstatus.website.build import build_site  # MkDocs and Altair load only for this

    stopping.install(lambda name: f"stopped ({name}): the site at {args.out} is unchanged")
    report = build_site(Path(args.data), Path(args.out), cycles=args.cycles)
    print(
        f"{report.pages} pages, {report.charts} charts -> {report.out} "
        f"(render {report.seconds_render:.1f}s, mkdocs {report.seconds_mkdocs:.1f}s)"
    )


def preview(args: argparse.Namespace) -> None:
    from kvmstatus.website.preview import preview_server

    server = preview_server(Path(args.out), args.port)
    stopping.install(lambda name: f"stopped ({name}): no longer serving {args.out}")
    print(f"serving {args.out} at {server.url} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _flow_parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "config": args.config,
        "repo": args.repo,
        "fetch": args.fetch,
        "data": args.data,
        "out": args.out,
    }


def _stored_windows(config: Config) -> int:
    return sum(1 for _ in config.data_dir.glob("**/cache/*.json"))


def _site_stamp(config: Config, out: Path | None) -> str | None:
    from kvmstatus.jobs import steps
    from kvmstatus.website.sitedir import published_stamp

    directory = steps.target(config, out)[1]
    if directory is not None:
        return published_stamp(directory)
    try:
        return (config.data_dir / steps.PUBLISHED).read_text(encoding="utf-8")
    except OSError:
        return None


def _stopped(config: Config, out: Path | None, site: bool = True) -> stopping.Describe:
    """The line a stopped run prints: what is kept, and that the site is whole."""
    from kvmstatus.jobs import steps

    before = _site_stamp(config, out) if site else None

    def describe(name: str) -> str:
        line = (
            f"stopped ({name}): the {_stored_windows(config)} windows stored so far in "
            f"{config.data_dir} are kept"
        )
        if site:
            where = steps.target(config, out)[0]
            if _site_stamp(config, out) == before:
                line += f"; the published site at {where} is unchanged"
            else:
                line += f"; the new edition at {where} was published whole before the stop"
        return line

    return describe


def _run_config(args: argparse.Namespace) -> Config:
    from kvmstatus.jobs import steps
    from kvmstatus.jobs.config import load_config

    return steps.with_overrides(
        load_config(Path(args.config) if args.config else None), args.repo, args.data
    )


def run(args: argparse.Namespace) -> None:
    from kvmstatus.git.runner import NetworkError
    from kvmstatus.jobs import steps
    from kvmstatus.jobs.edition import idle
    from kvmstatus.store.lock import run_lock
    from kvmstatus_flows.launch import run_flow

    parameters = _flow_parameters(args)
    config = _run_config(args)
    out = Path(args.out) if args.out else None
    stopping.install(_stopped(config, out))
    # The data directory is held from the start (not only once Prefect is up), and a target
    # that cannot be published to is refused before anything is computed.
    with run_lock(config.data_dir):
        steps.check_target(config, out)
        if not args.always:
            # Before Prefect starts (a server alone takes seconds): is there anything new?
            # A run that finds no new release then costs the fetch and little else.
            try:
                nothing_new = idle(config, steps.fetch_policy(args.fetch, args.repo), out)
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
    repaired = len(summary.get("repaired", ()))
    print(
        f"{summary['windows']} windows: {summary['computed']} computed, "
        f"{summary['cached']} reused"
        + (f", {repaired} damaged data files rewritten" if repaired else "")
        + f"; site {'published to' if summary['published'] else 'unchanged at'} "
        f"{summary['site']}"
    )


def serve(args: argparse.Namespace) -> None:
    from kvmstatus.jobs import steps
    from kvmstatus_flows.launch import serve_flow

    config = _run_config(args)
    out = Path(args.out) if args.out else None
    steps.check_target(config, out)
    describe = _stopped(config, out)
    stopping.install(lambda name: f"{describe(name)}; serving ended")
    serve_flow(args.cron, _flow_parameters(args))


def demo(args: argparse.Namespace) -> None:
    from kvmstatus.demo.project import demo_project
    from kvmstatus.jobs.config import load_config
    from kvmstatus_flows.launch import run_flow

    if args.releases < 2:
        raise UserError(f"--releases {args.releases}: the demo needs at least 2 releases")
    if args.commits < args.releases * 40:
        raise UserError(
            f"--commits {args.commits}: {args.releases} releases need at least "
            f"{args.releases * 40} commits"
        )
    stopping.install(lambda name: f"stopped ({name}): the demo site at {args.out} is unchanged")
    config = demo_project(args.commits, args.releases, Path(args.out).resolve())
    stopping.install(_stopped(load_config(config), None))
    summary = run_flow({"config": str(config), "fetch": False, "synthetic": True}, args.task_runner)
    print(f"synthetic demo site ({summary['windows']} releases) -> {summary['site']}")


def status(args: argparse.Namespace) -> None:
    """Print the run record; exit 2 when the last run did not succeed, or when no run
    succeeded within --max-age."""
    from kvmstatus.cli import text
    from kvmstatus.store.runs import health, read_runs

    config = _run_config(args)
    max_age = parse_duration(args.max_age, "--max-age") if args.max_age else None
    report = health(config.data_dir, read_runs(config.data_dir), max_age)
    if args.json:
        print(text.to_json(report))
    else:
        print(text.format_status(report))
    if not report["healthy"]:
        sys.exit(2)


def year(args: argparse.Namespace) -> None:
    from kvmstatus.analyse.architectures import load_arch_map
    from kvmstatus.analyse.row import compare_rows
    from kvmstatus.cli import text
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.window import year_reports
    from kvmstatus.store.results import window_document

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
        tuple(args.stable_lists),
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
    from kvmstatus.cli import text
    from kvmstatus.jobs.lists import range_review

    found = range_review(
        args.archive,
        args.since,
        args.until,
        args.tag,
        lambda note: warn(f"note: {note}"),
        args.repo,
        args.paths,
    )
    if args.json:
        print(text.to_json(review_json(found, args.archive)))
    else:
        print(text.format_review(found, args.archive))


def review_json(found: Any, archives: list[str]) -> dict[str, Any]:
    """`kvmstatus review --json`: the range's numbers, the archives read, and with `--repo`
    how the range's commits link to the posted patches (`links`)."""
    from kvmstatus.store.documents import plain

    doc: dict[str, Any] = plain(found.stats)
    for detail in ("architectures", "review_hours"):
        doc.pop(detail, None)
    if found.links is not None:
        doc["links"] = plain(found.links)
    return {"archives": archives, **doc}
