"""The `kvmstatus` command: argument parsing and output formatting over the library.

User mistakes surface as `UserError` and print as one line on stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any

from kvmstatus import __version__
from kvmstatus.errors import UserError
from kvmstatus.gitcmd import GitFailure
from kvmstatus.metrics import Ranked, WindowStats
from kvmstatus.pipeline import Selection, range_stats
from kvmstatus.releases import (
    KERNEL_RELEASE_PATTERN,
    list_tags,
    release_tags,
    release_windows,
)
from kvmstatus.selection import DEFAULT_SUBSYSTEM
from kvmstatus.sources import open_repository


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
    tags, skipped = list_tags(repo)
    for name in skipped:
        _warn(f"warning: tag {name!r} does not point to a commit; ignored")
    windows = release_windows(release_tags(tags, args.pattern))
    if not windows:
        raise UserError(
            f"no tag in {repo.path} matches {args.pattern!r} (see `git tag -l`; use --pattern)"
        )
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


def cmd_stats(args: argparse.Namespace) -> None:
    repo = open_repository(args.repo)
    chosen = Selection(paths=tuple(args.paths or ()), subsystem=args.subsystem)
    stats = range_stats(repo, args.range, chosen, top=args.top)
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
    print(_json(dataclasses.asdict(stats)) if args.json else format_stats(stats))


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
    chooser = stats.add_mutually_exclusive_group()
    chooser.add_argument(
        "--paths", nargs="+", metavar="PATHSPEC", help="explicit git pathspecs to count"
    )
    chooser.add_argument(
        "--subsystem",
        default=DEFAULT_SUBSYSTEM,
        metavar="REGEX",
        help="regex on MAINTAINERS entry names, read at the range's end "
        f"(default: KVM, {DEFAULT_SUBSYSTEM!r})",
    )
    stats.add_argument("--top", type=int, default=10, help="rows per top list (default 10)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=cmd_stats)
    return parser


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
