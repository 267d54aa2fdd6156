"""One function per command: turn what argparse gave into the values the library takes (a
repository, a selection, a configuration), say what a stop prints, make one library call, and
print its result (`text`).

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

    found = release_list(open_repository(args.repo), args.pattern)
    for name in found.skipped:
        warn(f"warning: tag {name!r} does not point to a commit; ignored")
    if args.json:
        print(text.to_json(text.release_rows(found.windows)))
    else:
        print(text.format_releases(found.windows))


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
    from kvmstatus.jobs.history import history_report

    report = history_report(
        open_repository(args.repo),
        args.pattern,
        args.since,
        _selection(args),
        args.arch_map,
        args.affiliations or (),
        top=args.top,
        stable_lists=tuple(args.stable_lists),
        workers=args.jobs,
        count_initial_window=args.count_initial_window,
    )
    from kvmstatus.cli import text  # loads JSON: once the windows are computed

    if args.csv:
        import csv

        rows = report.rows
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif args.json:
        print(text.to_json({"rows": report.rows, "trend": report.trend, "windows": report.windows}))
    else:
        print(text.format_history(report))


def collect(args: argparse.Namespace) -> None:
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.config import config_from_options
    from kvmstatus.jobs.edition import collect as collect_windows
    from kvmstatus.jobs.edition import describe_stop

    repository = str(open_repository(args.repo).path)
    config = config_from_options(repository, Path(args.out).resolve(), **vars(args))
    stopping.install(describe_stop(config, None, site=False))
    summary = collect_windows(config)
    first, last = summary.releases[0], summary.releases[-1]
    print(
        f"{summary.windows} windows ({first} .. {last}): {summary.computed} computed, "
        f"{summary.cached} reused -> {args.out}"
    )


def site(args: argparse.Namespace) -> None:
    from kvmstatus.jobs.steps import build_edition  # MkDocs and Altair load only for this

    stopping.install(lambda name: f"stopped ({name}): the site at {args.out} is unchanged")
    report = build_edition(Path(args.data), Path(args.out))
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


def _run_config(args: argparse.Namespace) -> Config:
    from kvmstatus.jobs.config import run_config

    return run_config(args.config, args.repo, args.data)


def run(args: argparse.Namespace) -> None:
    from kvmstatus.cli import text
    from kvmstatus.jobs.edition import describe_stop, run_edition
    from kvmstatus_flows.launch import run_flow

    parameters = _flow_parameters(args)
    config = _run_config(args)
    out = Path(args.out) if args.out else None
    stopping.install(describe_stop(config, out))
    summary, flow_ran = run_edition(
        config,
        args.fetch,
        args.repo,
        out,
        lambda fetch: run_flow({**parameters, "fetch": fetch}, args.task_runner),
        always=args.always,
    )
    print(text.format_run(summary, flow_ran))


def serve(args: argparse.Namespace) -> None:
    from kvmstatus.jobs.edition import describe_stop
    from kvmstatus_flows.launch import serve_flow

    describe = describe_stop(_run_config(args), Path(args.out) if args.out else None)
    stopping.install(lambda name: f"{describe(name)}; serving ended")
    serve_flow(args.cron, _flow_parameters(args))


def demo(args: argparse.Namespace) -> None:
    from kvmstatus.demo.project import demo_project
    from kvmstatus.jobs.config import load_config
    from kvmstatus.jobs.edition import describe_stop
    from kvmstatus_flows.launch import run_flow

    stopping.install(lambda name: f"stopped ({name}): the demo site at {args.out} is unchanged")
    config = demo_project(args.commits, args.releases, Path(args.out).resolve())
    stopping.install(describe_stop(load_config(config), None))
    summary = run_flow({"config": str(config), "fetch": False, "synthetic": True}, args.task_runner)
    print(f"synthetic demo site ({summary.windows} releases) -> {summary.site}")


def status(args: argparse.Namespace) -> None:
    """Print the run record; exit 2 when the last run did not succeed, or when no run
    succeeded within --max-age."""
    from kvmstatus.cli import text
    from kvmstatus.store.runs import health

    config = _run_config(args)
    max_age = parse_duration(args.max_age, "--max-age") if args.max_age else None
    report = health(config.data_dir, max_age)
    if args.json:
        print(text.to_json(report))
    else:
        print(text.format_status(report))
    if not report["healthy"]:
        sys.exit(2)


def year(args: argparse.Namespace) -> None:
    from kvmstatus.analyse.architectures import load_arch_map
    from kvmstatus.cli import text
    from kvmstatus.git.sources import open_repository
    from kvmstatus.jobs.window import year_comparison

    years, periods = year_comparison(
        open_repository(args.repo),
        args.end,
        args.cycles,
        args.pattern,
        _selection(args),
        load_arch_map(args.arch_map),
        _affiliations(args),
        args.top,
        tuple(args.stable_lists),
    )
    if args.json:
        print(
            text.to_json({k: v for k, v in years.items() if k != "topics"} | {"periods": periods})
        )
    else:
        print(text.format_year(years))


def deck(args: argparse.Namespace) -> None:
    from kvmstatus.jobs.edition import make_deck

    stopping.install(lambda name: f"stopped ({name}): {args.out} is unchanged")
    options = {k: v for k, v in vars(args).items() if k not in ("func", "out", "html", "config")}
    made, written = make_deck(
        Path(args.out), Path(args.html) if args.html else None, args.config, **options
    )
    print(f"{len(made.slides)} slides of {made.subtitle[4:]} -> {', '.join(map(str, written))}")


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
        print(text.to_json(text.review_json(found, args.archive)))
    else:
        print(text.format_review(found, args.archive))
