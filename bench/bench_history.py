"""`kvmstatus history` over every release window against raw git on the same ranges.

    python bench/bench_history.py [--repo PATH_OR_BUNDLE] [--pattern REGEX] [--paths P...]

Default: ../shared/data/kvm-unit-tests.bundle, its date-named tags, the whole tree. For a
synthetic kernel-scale history: `python bench/synth.py /tmp/synth.git` first, then
`--repo /tmp/synth.git` (default KVM subsystem from its MAINTAINERS, kernel tag pattern).

Raw git does, per window, what the report needs from git: `git log --format=fuller
--name-only A..B -- PATHS` (commits, messages, touched paths) and one `git cat-file
--batch-check` of the quoted Fixes hashes. Both sides run in the same process, alternately;
the table prints wall times, their ratio, and peak memory (this Python process, and the
largest git child).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import time
from pathlib import Path

from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.git.sources import open_repository
from kvmstatus.jobs.window import history
from kvmstatus.mine.maintainers import DEFAULT_SUBSYSTEM
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection, pathspecs_at

DEFAULT_BUNDLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "kvm-unit-tests.bundle"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=str(DEFAULT_BUNDLE), help="repository, bundle or URL")
    parser.add_argument("--pattern", help="release tag regex (default: fits the repository)")
    parser.add_argument("--paths", nargs="+", help="pathspecs (default: MAINTAINERS KVM)")
    parser.add_argument("--arch-map", default="linux-kvm", help="architecture mapping")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (median)")
    args = parser.parse_args()
    repo = open_repository(args.repo)
    is_kut = args.repo.endswith("kvm-unit-tests.bundle")
    pattern = args.pattern or (r"^v\d{4}-\d{2}-\d{2}$" if is_kut else r"^v\d+\.\d+$")
    paths = args.paths or (["."] if is_kut else [])
    chosen = Selection(paths=tuple(paths), subsystem=DEFAULT_SUBSYSTEM)
    releases = release_list(repo, pattern)
    windows = releases.windows
    arch_map = load_arch_map(args.arch_map)
    affiliations = load_affiliations()
    specs = {w.name: pathspecs_at(repo, w.end.commit, chosen) for w in windows}

    def ours() -> int:
        results = history(repo, releases, chosen, arch_map, affiliations)
        return sum(d["commits"] + d["merges"] for d in results)

    def raw() -> None:
        for w in windows:
            revs = [w.end.commit, *([f"^{w.start.commit}"] if w.start else [])]
            out = subprocess.run(
                repo.command("log", "--format=fuller", "--name-only", *revs, "--", *specs[w.name]),
                capture_output=True,
                check=True,
            ).stdout
            hashes = [
                line.split()[1]
                for line in out.splitlines()
                if line.strip().lower().startswith(b"fixes: ") and len(line.split()) > 1
            ]
            subprocess.run(
                repo.command("cat-file", "--batch-check"),
                input=b"".join(h + b"\n" for h in hashes),
                capture_output=True,
                check=True,
            )

    commits = ours()
    t_ours: list[float] = []
    t_git: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        raw()
        t_git.append(time.perf_counter() - start)
        start = time.perf_counter()
        ours()
        t_ours.append(time.perf_counter() - start)
    o, g = sorted(t_ours)[len(t_ours) // 2], sorted(t_git)[len(t_git) // 2]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"repository: {repo.path}")
    print(f"windows: {len(windows)} ({windows[0].name} .. {windows[-1].name}), commits: {commits}")
    print(f"{'stage':<10} {'kvmstatus':>10} {'raw git':>9} {'ratio':>6} {'peak RSS':>18}")
    print(f"{'history':<10} {o:>9.2f}s {g:>8.2f}s {o / g:>5.2f}x {own:>7.0f} MiB (git {child:.0f})")


if __name__ == "__main__":
    main()
