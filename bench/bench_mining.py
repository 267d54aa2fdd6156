"""Mining against raw `git log` on the same ranges and pathspecs, in the same run.

    python bench/bench_mining.py [--repo PATH_OR_BUNDLE] [--repeat N]

Default repository: ../shared/data/kvm-unit-tests.bundle. For each case it times
`kvmstatus.mine.log.mine_range` (git log + merge paths + mailmap + parsing into records) and
`git log --format=fuller --name-only RANGE -- PATHS` (the same commits, messages and paths,
printed by git alone), alternating the two, and prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from kvmstatus.git.sources import open_repository
from kvmstatus.mine.log import mine_range
from kvmstatus.mine.selection import Selection

DEFAULT_BUNDLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "kvm-unit-tests.bundle"
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("one window", "v2025-07-31..v2026-04-17", (".",)),
    ("one window, x86 paths", "v2024-01-08..v2025-06-05", ("x86/", "lib/x86/")),
    ("whole history", "master", (".",)),
    ("whole history, x86 paths", "master", ("x86/", "lib/x86/")),
]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=str(DEFAULT_BUNDLE), help="repository, bundle or URL")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement (median)")
    args = parser.parse_args()
    repo = open_repository(args.repo)
    print(f"repository: {repo.path}  (median of {args.repeat} runs each, alternating)")
    print(f"{'case':<26} {'commits':>7} {'kvmstatus':>10} {'git log':>9} {'ratio':>6}")
    for label, rng, paths in CASES:
        git_argv = repo.command("log", "--format=fuller", "--name-only", rng, "--", *paths)

        def ours(rng: str = rng, paths: tuple[str, ...] = paths) -> int:
            return len(mine_range(repo, rng, Selection(paths=paths)).records)

        def raw(argv: list[str] = git_argv) -> None:
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)

        commits = ours()
        t_git: list[float] = []
        t_ours: list[float] = []
        for _ in range(args.repeat):
            t_git.append(timed(raw))
            t_ours.append(timed(ours))
        g, o = statistics.median(t_git), statistics.median(t_ours)
        print(f"{label:<26} {commits:>7} {o * 1000:>8.0f}ms {g * 1000:>7.0f}ms {o / g:>5.2f}x")


if __name__ == "__main__":
    main()
