r"""`history` over every release window against raw git on the same ranges, per case.

    python bench/bench_history.py [--case NAME ...] [--repeat 5]
    python bench/bench_history.py --repo PATH --pattern REGEX [--paths P ...]

Cases (each skipped, with a note, when its repository is not there):

- `kvm-unit-tests`: the real history (`../shared/data/kvm-unit-tests.bundle`, cloned into
  kvmstatus's cache with its commit-graph), its whole tree (`--paths .`) from its first
  commit: the window before the first release holds 2,304 of its 3,486 commits.
- `xen-arch`: Xen's real history (`../shared/data/xen.bundle`, 62k commits) mirrored into a
  temporary directory as a user's clone is (no commit-graph), `--pattern
  '^RELEASE-4\.\d+\.0$' --paths xen/arch`: 23 windows, the first all history before 4.0.
- `xen`: the same, its whole tree (`--paths .`).
- `synthetic-dense`: `python bench/synth.py /tmp/synth-dense.git --commits 60000 --releases 12
  --kvm-share 0.6`: about 2,700 KVM commits and 400 `Fixes:` lines per window, few merges,
  the KVM selection from MAINTAINERS (a few dozen glob pathspecs).
- `synthetic`: `python bench/synth.py /tmp/synth-200k.git`: 60 windows of about 330 commits.
- `synthetic-kernel`: `python bench/synth.py /tmp/synth-1400k.git --commits 1400000
  --releases 90`: the kernel's size, 1.45 million commits, 90 windows of about 1,500.

Raw git is what the issue asks to compare with: per window `git log --no-merges --name-only
--format=fuller A..B -- P` (every commit with its message, identities, dates and paths) and
one `git cat-file --batch-check` of the hashes its `Fixes:` lines quote, on the repository as
it is (a user's clone has no commit-graph: kvmstatus keeps its own in its cache, see
`kvmstatus.git.graphs`). Ours is `kvmstatus.jobs.window.history` (mining, Fixes provenance,
every table, first-time authors), timed in this process, and the whole command `kvmstatus
history` (interpreter start-up and imports included) as a child process: raw git, ours and
the command one after another in each of `--repeat` rounds, medians. "first run": the command
once more with no commit-graph in the cache, so that it writes one (`graph` is the time
`git commit-graph write` takes alone). "git+graph": raw git once more per round with
kvmstatus's commit-graph, as git would run had the user written one. `--before SRC`: the
command of another source tree (`git archive REV src | tar -x -C DIR`, then `DIR/src`) in
the same rounds, its median and peak RSS (of its process tree) in the last columns.
Peak RSS: of a child process running `history` once, and of the largest git child.
The bench keeps its cache (clones, graphs) in a temporary `KVMSTATUS_CACHE`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.git.graphs import ALTERNATES, graphs_dir
from kvmstatus.git.repo import GitRepo
from kvmstatus.git.sources import open_repository
from kvmstatus.jobs.window import history
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection, pathspecs_at
from kvmstatus.model.releases import Releases

SHARED = Path(os.environ.get("KVMSTATUS_SHARED_DATA") or Path(__file__).parents[2] / "shared/data")


@dataclass(frozen=True)
class Case:
    name: str
    repo: str
    pattern: str
    paths: tuple[str, ...]
    build: str
    """How to make the repository when it is missing."""
    mirror: bool = False
    """`repo` is a bundle to clone as a user's repository (a mirror, no commit-graph)."""


XEN_RELEASES = r"^RELEASE-4\.\d+\.0$"
CASES = {
    "kvm-unit-tests": Case(
        "kvm-unit-tests",
        str(SHARED / "kvm-unit-tests.bundle"),
        r"^v\d{4}-\d{2}-\d{2}$",
        (".",),
        "the shared data (../shared/data)",
    ),
    "xen-arch": Case(
        "xen-arch",
        str(SHARED / "xen.bundle"),
        XEN_RELEASES,
        ("xen/arch",),
        "the shared data (../shared/data)",
        mirror=True,
    ),
    "xen": Case(
        "xen",
        str(SHARED / "xen.bundle"),
        XEN_RELEASES,
        (".",),
        "the shared data (../shared/data)",
        mirror=True,
    ),
    "synthetic-dense": Case(
        "synthetic-dense",
        "/tmp/synth-dense.git",
        r"^v\d+\.\d+$",
        (),
        "python bench/synth.py /tmp/synth-dense.git --commits 60000 --releases 12 --kvm-share 0.6",
    ),
    "synthetic": Case(
        "synthetic",
        "/tmp/synth-200k.git",
        r"^v\d+\.\d+$",
        (),
        "python bench/synth.py /tmp/synth-200k.git",
    ),
    "synthetic-kernel": Case(
        "synthetic-kernel",
        "/tmp/synth-1400k.git",
        r"^v\d+\.\d+$",
        (),
        "python bench/synth.py /tmp/synth-1400k.git --commits 1400000 --releases 90",
    ),
}


def raw_git(repo_path: Path, releases: Releases, specs: dict[str, tuple[str, ...]]) -> None:
    """The git work the report needs, as plain git commands (see the module docstring)."""
    for w in releases.windows:
        revs = [w.end.commit, *([f"^{w.start.commit}"] if w.start else [])]
        base = ["git", f"--git-dir={repo_path}"]
        log = [*base, "log", "--no-merges", "--name-only", "--format=fuller", *revs]
        out = subprocess.run([*log, "--", *specs[w.name]], capture_output=True, check=True).stdout
        hashes = [
            line.split()[1]
            for line in out.splitlines()
            if line.strip().lower().startswith(b"fixes: ") and len(line.split()) > 1
        ]
        subprocess.run(
            [*base, "cat-file", "--batch-check"],
            input=b"".join(h + b"\n" for h in hashes),
            capture_output=True,
            check=True,
        )


# The command as an installed kvmstatus runs: with the bytecode Python writes on a first run
# (some machines set PYTHONDONTWRITEBYTECODE, which makes every start compile the package).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def child_rss(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of a child process, and nothing else running in it."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or CHILD_ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {error}")
    return seconds, usage.ru_maxrss / 1024


def user_clone(case: Case, work: Path) -> Path:
    """The case's repository as a path to give `--repo`: a bundle to mirror is cloned once
    into `work`, as a user's clone is (no commit-graph)."""
    if not case.mirror:
        return Path(case.repo)
    target = work / f"{case.name}.git"
    if not target.exists():
        subprocess.run(["git", "clone", "--quiet", "--mirror", case.repo, str(target)], check=True)
    return target


def raw_git_with_graph(
    repo: GitRepo, releases: Releases, specs: dict[str, tuple[str, ...]]
) -> None:
    """`raw_git` reading kvmstatus's commit-graph of the repository, as git would read one
    the user had written."""
    before = os.environ.get(ALTERNATES)
    os.environ.update(repo.env)
    try:
        raw_git(repo.git_dir, releases, specs)
    finally:
        if before is None:
            os.environ.pop(ALTERNATES, None)
        else:
            os.environ[ALTERNATES] = before


def run_case(case: Case, repeat: int, work: Path, before: str | None = None) -> str:
    if not Path(case.repo).exists():
        return f"{case.name:<16} skipped: {case.repo} is missing (build it with {case.build})"
    path = user_clone(case, work)
    paths = ["--paths", *case.paths] if case.paths else []
    command = [sys.executable, "-m", "kvmstatus", "history", "--repo", str(path)]
    command += ["--pattern", case.pattern, *paths]
    first, graph = "", ""
    if case.mirror:  # the first run writes the commit-graph into the cache
        shutil.rmtree(graphs_dir(), ignore_errors=True)
        child_rss(command)  # writes the bytecode, warms the caches
        shutil.rmtree(graphs_dir(), ignore_errors=True)
        first = f"{child_rss(command)[0]:.2f}s"
        shutil.rmtree(graphs_dir(), ignore_errors=True)
        start = time.perf_counter()
        open_repository(str(path))
        graph = f"{time.perf_counter() - start:.2f}s"
    repo = open_repository(str(path))
    releases = release_list(repo, case.pattern)
    chosen = Selection(paths=case.paths)
    specs = {w.name: pathspecs_at(repo, w.end.commit, chosen) for w in releases.windows}
    arch_map, affiliations = load_arch_map("linux-kvm"), load_affiliations()
    docs = history(repo, releases, chosen, arch_map, affiliations)  # warm caches, both sides
    raw_git(repo.git_dir, releases, specs)
    git_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # git's alone
    child_rss(command)  # writes the bytecode, warms the caches
    older = {**CHILD_ENV, "PYTHONPATH": before} if before else None
    if older:
        child_rss(command, older)  # its bytecode
    ours: list[float] = []
    git: list[float] = []
    graphed: list[float] = []
    wholes: list[float] = []
    olds: list[tuple[float, float]] = []
    # Round by round, so that all of them see the same machine (its speed drifts by tens of
    # percent over minutes here).
    for _ in range(repeat):
        start = time.perf_counter()
        raw_git(repo.git_dir, releases, specs)
        git.append(time.perf_counter() - start)
        start = time.perf_counter()
        history(repo, releases, chosen, arch_map, affiliations)
        ours.append(time.perf_counter() - start)
        wholes.append(child_rss(command)[0])
        if older:
            olds.append(child_rss(command, older))
        if repo.env:
            start = time.perf_counter()
            raw_git_with_graph(repo, releases, specs)
            graphed.append(time.perf_counter() - start)
    o, g, whole = statistics.median(ours), statistics.median(git), statistics.median(wholes)
    _, rss = child_rss([sys.executable, __file__, "--measure", "--repo", str(path), *command[6:]])
    commits = sum(d["commits"] for d in docs)
    with_graph = f"{statistics.median(graphed):.2f}s" if graphed else "-"
    line = (
        f"{case.name:<16} {len(releases.windows):>4} {commits:>7} {o:>8.2f}s {g:>7.2f}s "
        f"{o / g:>5.2f}x {whole:>8.2f}s {whole / g:>5.2f}x {first:>9} {graph:>6} "
        f"{with_graph:>9} {rss:>6.0f} MiB {git_rss:>6.0f} MiB"
    )
    if olds:
        old = statistics.median(t for t, _ in olds)
        line += f" {old:>8.2f}s {old / g:>5.2f}x {max(m for _, m in olds):>6.0f} MiB"
    return line


def measure(repo_path: str, pattern: str, paths: tuple[str, ...]) -> None:
    """One `history` in a fresh process, for its peak RSS."""
    repo = open_repository(repo_path)
    releases = release_list(repo, pattern)
    history(repo, releases, Selection(paths=paths), load_arch_map("linux-kvm"), load_affiliations())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="+", choices=sorted(CASES), help="cases (default: all)")
    parser.add_argument("--repo", help="a repository of your own instead of the cases")
    parser.add_argument("--pattern", default=r"^v\d+\.\d+$", help="release tag regex (--repo)")
    parser.add_argument("--paths", nargs="+", default=[], help="pathspecs (--repo; default: KVM)")
    parser.add_argument("--repeat", type=int, default=5, help="alternating runs per side")
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="another kvmstatus source tree (its src/): its command too, in the same rounds",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.repo, args.pattern, tuple(args.paths))
        return
    if args.repo:
        cases = [Case(args.repo, args.repo, args.pattern, tuple(args.paths), "")]
    else:
        cases = [CASES[n] for n in args.case or CASES]
    print(
        f"{'case':<16} {'win':>4} {'commits':>7} {'history':>9} {'raw git':>8} {'ratio':>6} "
        f"{'command':>9} {'ratio':>6} {'first run':>9} {'graph':>6} {'git+graph':>9} "
        f"{'peak RSS':>10} {'git RSS':>10}"
        + (f" {'before':>9} {'ratio':>6} {'its RSS':>10}" if args.before else "")
    )
    with tempfile.TemporaryDirectory(prefix="bench-history-") as work:
        os.environ["KVMSTATUS_CACHE"] = str(Path(work) / "cache")
        CHILD_ENV["KVMSTATUS_CACHE"] = os.environ["KVMSTATUS_CACHE"]
        for case in cases:
            print(run_case(case, args.repeat, Path(work), args.before), flush=True)


if __name__ == "__main__":
    main()
