"""The `kvmstatus` argument parser: every command, option and help text."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from kvmstatus import __version__
from kvmstatus.cli import commands
from kvmstatus.mine.maintainers import DEFAULT_SUBSYSTEM
from kvmstatus.model.releases import KERNEL_RELEASE_PATTERN
from kvmstatus.shared.labels import DEFAULT_ARCH_MAPPING, STABLE_LISTS
from kvmstatus.shared.workers import MAX_WORKERS

# Defaults shown as typed: `repr` would double every backslash of a regex.
_PATTERN = f"'{KERNEL_RELEASE_PATTERN}'"
_INITIAL = (
    "count the window of all history before the first release in the trend (and on the "
    "site's yearly comparisons); by default it is reported on its own, as it is not a "
    "release cycle"
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command. With `command` (one of them), only that command gets
    its options; the others keep their help line. Each option costs argparse a help
    formatter: adding all of them took 6-10 ms of every start, more than `history` needs
    to start its first git process."""
    parser = argparse.ArgumentParser(
        prog="kvmstatus",
        description="The KVM status report, mined from a kernel-style git history.",
    )
    parser.add_argument("--version", action="version", version=f"kvmstatus {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    known = command in {name for name, *_ in _COMMANDS}
    for name, summary, description, options in _COMMANDS:
        found = sub.add_parser(name, help=summary, description=description)
        if not known or name == command:
            options(found)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The command `argv` names: its first word that is not an option (None: none)."""
    return next((word for word in argv if not word.startswith("-")), None)


def _releases_options(parser: argparse.ArgumentParser) -> None:
    _add_repo(parser)
    parser.add_argument(
        "--pattern",
        default=KERNEL_RELEASE_PATTERN,
        help=f"regex a release tag matches (default: {_PATTERN}; "
        r"with rc tags: '^v\d+\.\d+(-rc\d+)?$')",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=commands.releases)


def _stats_options(parser: argparse.ArgumentParser) -> None:
    _add_repo(parser)
    parser.add_argument(
        "--range", required=True, help="A..B: commits reachable from B and not from A"
    )
    _add_selection(parser)
    parser.add_argument(
        "--pattern",
        default=KERNEL_RELEASE_PATTERN,
        help="release tag regex, for the release that introduced each fixed bug",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=commands.stats)


def _history_options(parser: argparse.ArgumentParser) -> None:
    _add_repo(parser)
    parser.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    parser.add_argument("--since", metavar="TAG", help="first release to report (e.g. v3.8)")
    parser.add_argument("--count-initial-window", action="store_true", help=_INITIAL)
    _add_selection(parser)
    parser.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help="processes computing windows at once (default: one per core, at most "
        f"{MAX_WORKERS}; 1: all in this process)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="rows, trend and per-window detail")
    output.add_argument("--csv", action="store_true", help="the rows as CSV")
    parser.set_defaults(func=commands.history)


_CYCLES = (
    "release cycles in each year (default: the whole cycles closest to 365 days, else "
    "calendar years by commit date)"
)


def _collect_options(parser: argparse.ArgumentParser) -> None:
    _add_repo(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="data directory to write")
    parser.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    parser.add_argument("--since", metavar="TAG", help="first release to include (e.g. v3.8)")
    parser.add_argument(
        "--title",
        help="the site's title (default: 'KVM status report' for the KVM subsystem, else "
        "'PROJECT status report')",
    )
    parser.add_argument(
        "--project",
        help="the project's display name (default: the repository's name, with the subsystem "
        "when MAINTAINERS chooses the files: 'Linux KVM' for a linux clone)",
    )
    parser.add_argument(
        "--test-suite",
        default="",
        metavar="NAME",
        help="what the Testing page calls the architecture mapping's test-suite paths "
        "(e.g. 'KVM selftests')",
    )
    parser.add_argument("--count-initial-window", action="store_true", help=_INITIAL)
    parser.add_argument("--cycles", type=_positive, metavar="N", help=_CYCLES)
    _add_selection(parser, top=False)
    parser.set_defaults(func=commands.collect)


def _run_options(parser: argparse.ArgumentParser) -> None:
    _add_flow_options(parser)
    parser.add_argument(
        "--always",
        action="store_true",
        help="run the Prefect flow even when nothing is new (by default a run that finds no "
        "new window and an up-to-date site stops before starting Prefect)",
    )
    parser.set_defaults(func=commands.run)


def _serve_options(parser: argparse.ArgumentParser) -> None:
    _add_flow_options(parser)
    parser.add_argument("--cron", default="0 */6 * * *", help="schedule (default: every six hours)")
    parser.set_defaults(func=commands.serve)


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="where the demo site goes")
    parser.add_argument("--commits", type=int, default=30000, help="synthetic commits")
    parser.add_argument("--releases", type=int, default=16, help="synthetic releases")
    parser.add_argument("--task-runner", metavar="dask[=ADDRESS]", help="run windows on Dask")
    parser.set_defaults(func=commands.demo)


def _status_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="kvmstatus.toml (default: Linux KVM)")
    parser.add_argument("--data", metavar="DIR", help="data directory (default: from config)")
    parser.add_argument(
        "--max-age",
        metavar="AGE",
        help="also fail when no run succeeded within AGE (e.g. 90m, 24h, 2d, 1d12h)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=commands.status, repo=None)


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, metavar="DIR", help="data from `collect`")
    parser.add_argument("--out", required=True, metavar="DIR", help="where the site goes")
    parser.set_defaults(func=commands.site)


def _preview_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="the built site to serve")
    parser.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free one)"
    )
    parser.set_defaults(func=commands.preview)


def _year_options(parser: argparse.ArgumentParser) -> None:
    _add_repo(parser)
    parser.add_argument("--end", required=True, metavar="TAG", help="last tag, e.g. v5.4-rc1")
    parser.add_argument("--cycles", type=_positive, metavar="N", help=_CYCLES)
    parser.add_argument(
        "--pattern",
        help=r"tags to count cycles in (default: '^v\d+\.\d+-rc1$' when --end is an rc1, "
        "else the release pattern)",
    )
    _add_selection(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=commands.year)


def _deck_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--config",
        metavar="FILE",
        help="kvmstatus.toml: bring its data up to date and make the deck of its newest year "
        "(with its lists' review)",
    )
    source.add_argument(
        "--repo", help="a git clone, a .bundle file or a URL: the deck of a year of it, in memory"
    )
    fetch = parser.add_mutually_exclusive_group()
    fetch.add_argument("--fetch", action="store_true", default=None, help="fetch (--config)")
    fetch.add_argument(
        "--no-fetch", dest="fetch", action="store_false", help="never fetch (offline)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.pptx", help="the PPTX to write")
    parser.add_argument("--html", metavar="FILE.html", help="also write the deck as one HTML file")
    parser.add_argument(
        "--end", metavar="TAG", help="the release the year ends at (default: the newest)"
    )
    parser.add_argument("--cycles", type=_positive, metavar="N", help=_CYCLES)
    parser.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    parser.add_argument("--since", metavar="TAG", help="first release to include (e.g. v3.8)")
    parser.add_argument(
        "--title",
        help="the deck's title (default: the site's, 'PROJECT status report' or 'KVM status "
        "report')",
    )
    parser.add_argument("--project", help="the project's display name (as for collect)")
    parser.add_argument("--test-suite", default="", metavar="NAME", help="as for collect")
    parser.add_argument("--count-initial-window", action="store_true", help=_INITIAL)
    _add_selection(parser, top=False)
    parser.set_defaults(func=commands.deck)


def _review_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--archive",
        action="append",
        required=True,
        metavar="PATH|URL",
        help="a public-inbox archive: a list URL (https://lore.kernel.org/kvm, fetched on each "
        "run), an epoch URL, a git bundle, an epoch or inbox directory; repeat for several "
        "(a message in two counts once)",
    )
    parser.add_argument(
        "--since",
        required=True,
        metavar="DATE",
        help="first day (inclusive): YYYY-MM-DD or an ISO time, UTC unless it says",
    )
    parser.add_argument("--until", required=True, metavar="DATE", help="end (exclusive)")
    parser.add_argument(
        "--tag",
        metavar="WORD",
        help="only patch messages whose subject bracket holds WORD (e.g. kvm-unit-tests), and "
        "the replies to them",
    )
    parser.add_argument(
        "--repo",
        metavar="PATH|URL",
        help="also link this repository's commits of the range (committer date, HEAD) to the "
        "posted patches: by their Link:/Message-Id: trailers, else by subject and author",
    )
    parser.add_argument(
        "--paths", nargs="+", default=[], metavar="PATHSPEC", help="with --repo: only these paths"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=commands.review)


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
        f"(default: KVM, '{DEFAULT_SUBSYSTEM}')",
    )
    parser.add_argument(
        "--arch-map",
        default=DEFAULT_ARCH_MAPPING,
        metavar="NAME|FILE",
        help=f"architecture mapping: linux-kvm, kvm-unit-tests, kvmtool, xen or a TOML file "
        f"(default: {DEFAULT_ARCH_MAPPING})",
    )
    parser.add_argument(
        "--affiliations",
        nargs="+",
        metavar="PATH",
        help="gitdm EmailMap/EmailAliases files or gitdm.config directories, layered over the "
        "shipped map (later ones win)",
    )
    parser.add_argument(
        "--stable-lists",
        nargs="*",
        default=list(STABLE_LISTS),
        metavar="ADDRESS",
        help="addresses of the project's stable list: a Cc: naming one counts as Cc: stable "
        f"(default: {' '.join(STABLE_LISTS)}; none: no stable list)",
    )
    if top:
        parser.add_argument("--top", type=int, default=10, help="rows per top list (default 10)")


def _add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        default=".",
        help="a git clone, a .bundle file or a URL (cloned blobless into the cache); default: .",
    )


def _positive(text: str) -> int:
    """A whole number of at least 1 (argparse reports anything else as a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


_COMMANDS: tuple[tuple[str, str, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    (
        "releases",
        "list release tags in version order with the window each closes",
        "List release tags in version order and the window (previous..this) of each.",
        _releases_options,
    ),
    (
        "stats",
        "commits, merges, authors, trailers and top people of one range",
        "Headline numbers of one range A..B (git rev-list semantics).",
        _stats_options,
    ),
    (
        "history",
        "one row of every scalar metric per release window, and the commit trend",
        "Every release window's numbers, oldest first, with a linear trend.",
        _history_options,
    ),
    (
        "collect",
        "compute every release window and write the data directory the site reads",
        "Compute every release window's tables and write them as JSON to --out.",
        _collect_options,
    ),
    (
        "run",
        "run the publishing flow once: fetch, compute new windows, build, publish",
        "Run the Prefect flow once with the configuration (default: Linux KVM). "
        "It fetches and plans first; when no release window is new and the published site "
        "is current, it says so and stops without starting Prefect.",
        _run_options,
    ),
    (
        "serve",
        "serve the flow as a scheduled Prefect deployment from this process",
        "A Prefect deployment served from this process: each scheduled run "
        "fetches, and publishes a new edition when a new release tag appeared.",
        _serve_options,
    ),
    (
        "demo",
        "build a synthetic kernel-like history and run the flow on it (offline)",
        "A full site from synthetic demo data, with no network, in about a minute.",
        _demo_options,
    ),
    (
        "status",
        "the outcome of the last runs; exits non-zero when publishing stopped working",
        "What the last runs did, from the run record in the data directory "
        "(runs.json). Exit status 0 when the last finished run succeeded (and, with "
        "--max-age, some run succeeded within that time), 2 otherwise: a check for cron or "
        "a monitoring system.",
        _status_options,
    ),
    (
        "site",
        "render the data directory into Markdown pages and build the static site",
        "Pages and charts from --data (no git needed), built with MkDocs "
        "(--strict) and swapped into --out only when the build succeeded.",
        _site_options,
    ),
    (
        "preview",
        "serve a built site on 127.0.0.1 to read it with working search (Ctrl-C stops)",
        "Serve the site in --out over HTTP on loopback and print its address. "
        "Opened from the file system the pages work, but the search box and the interactive "
        "charts need HTTP; this is the one-command way to have them. Ctrl-C stops it.",
        _preview_options,
    ),
    (
        "year",
        "the keynote's yearly window next to the two years before, with changes",
        "The year ending at the release --end and the two years before it, side by side, "
        "each 365 days within 10%: whole release cycles where the releases allow it, "
        "else calendar years by commit date.",
        _year_options,
    ),
    (
        "deck",
        "the year's status-report talk as slides (PPTX, and HTML with --html)",
        "The year's status report as a deck to edit and present, in the keynote's order: the "
        "year in numbers against the two before, commits per release and their trend, top "
        "authors, reviewers and creators of fixes, companies, architectures, testing, review on "
        "the lists; speaker notes say the numbers in words.",
        _deck_options,
    ),
    (
        "review",
        "review on a mailing list archive: patches, series, replies, reviewers of a range",
        "Patches, series, replies and list reviewers of the messages of "
        "public-inbox archives with FROM <= Date < TO (UTC). Parsed messages are kept in the "
        "cache, so a second run reads only new ones.",
        _review_options,
    ),
)
"""Every command, in the order `--help` lists them: its name, help line, description, and
what adds its options."""
