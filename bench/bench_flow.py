"""The publishing flow cold, after one new release, and with nothing new, against raw git.

    python bench/bench_flow.py [--repo /tmp/synth-200k.git] [--work DIR]

Builds on a mirror of the repository (default: a synthetic kernel-scale history, see
`python bench/synth.py`). The last release tag is removed for the cold run and put back for
the incremental one. Each run is timed twice: as `kvmstatus run` (a new process with Prefect
and its temporary local server: what a user or a cron job pays) and as the same
`kvmstatus.jobs.steps` steps called directly in this process (no Prefect). Their difference is
the orchestration overhead. Raw git is `git log --format=fuller --name-only A..B -- P` for
every window the run had to compute, with the pathspecs the run used. A last row runs the
no-change case again with fetching on (from the mirror's local origin), beside `git fetch`
alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs import steps
from kvmstatus.jobs.config import load_config
from kvmstatus.mine.releases import release_list


def write_config(folder: Path, repo: Path, fetch: bool = False) -> Path:
    path = folder / ("kvmstatus-fetch.toml" if fetch else "kvmstatus.toml")
    path.write_text(
        '[data]\ndir = "data"\n[publish]\npath = "public"\n'
        f'[[project]]\nname = "kvm"\nrepository = "{repo}"\nfetch = {str(fetch).lower()}\n'
    )
    return path


def direct(config_path: Path) -> tuple[float, list[str]]:
    """The flow's steps without Prefect; returns the time and the windows computed."""
    start = time.perf_counter()
    config = load_config(config_path)
    prepared = steps.prepare(config.main, config.cache_dir, False)
    plan = steps.plan(config, prepared)
    computed = [job.window.range for job in plan.jobs if steps.compute(job) != "cached"]
    steps.aggregate(config, plan)
    steps.publish(config)
    return time.perf_counter() - start, computed


def with_prefect(config_path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kvmstatus", "run", "--config", str(config_path)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def fetching_no_change(folder: Path, repo: GitRepo) -> tuple[float, float]:
    """`kvmstatus run` with nothing new but fetching on (from the repository's origin, a
    local remote: the fetch is as cheap as it can be, so this shows the fixed cost of our
    code beside it), and `git fetch` alone on the same repository."""
    run_seconds = with_prefect(write_config(folder, repo.path, fetch=True))
    start = time.perf_counter()
    subprocess.run(repo.command("fetch", "--quiet", "--tags", "--all"), check=True)
    return run_seconds, time.perf_counter() - start


def raw_git(repo: GitRepo, data: Path, ranges: list[str]) -> float:
    docs = {
        json.loads(p.read_text())["range"]: json.loads(p.read_text())
        for p in (data / "windows").glob("*.json")
    }
    start = time.perf_counter()
    for rng in ranges:
        a, sep, b = rng.partition("..")
        revs = [b, f"^{a}"] if sep else [a]
        argv = repo.command("log", "--format=fuller", "--name-only", *revs, "--")
        subprocess.run([*argv, *docs[rng]["paths"]], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default="/tmp/synth-200k.git", help="repository to mirror")
    parser.add_argument("--work", help="working directory (default: a temporary one)")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="kvmstatus-bench-"))
    mirror = work / "repo.git"
    if not mirror.exists():
        subprocess.run(["git", "clone", "--quiet", "--mirror", args.repo, str(mirror)], check=True)
    repo = GitRepo(mirror)
    last = release_list(repo, r"^v\d+\.\d+$").windows[-1].end.name
    tag_object = repo.text("rev-parse", f"refs/tags/{last}").strip()
    repo.run("update-ref", "-d", f"refs/tags/{last}")

    rows = []
    for label in ("cold", "incremental (+1 release)", "no change"):
        if label.startswith("incremental"):
            repo.run("update-ref", f"refs/tags/{last}", tag_object)
        results = {}
        for mode in ("prefect", "direct"):
            folder = work / mode
            folder.mkdir(exist_ok=True)
            config = write_config(folder, mirror)
            if mode == "prefect":
                results[mode] = with_prefect(config)
            else:
                results[mode], computed = direct(config)
        git_time = raw_git(repo, work / "direct" / "data", computed)
        rows.append((label, len(computed), results["prefect"], results["direct"], git_time))

    fetching_run, fetch_time = fetching_no_change(work / "prefect", repo)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"repository: {args.repo} (last release {last}); work: {work}")
    print(
        f"{'run':<26} {'windows':>7} {'kvmstatus run':>13} {'no Prefect':>10} {'raw git':>8} "
        f"{'vs git':>7} {'run overhead':>13}"
    )
    for label, n, prefect, plain, git_time in rows:
        ratio = f"{plain / git_time:.2f}x" if git_time > 0.01 else "-"
        share = (prefect - plain) / prefect
        print(
            f"{label:<26} {n:>7} {prefect:>12.1f}s {plain:>9.1f}s {git_time:>7.2f}s "
            f"{ratio:>7} {share:>12.0%}"
        )
    label = "no change, fetching"
    print(f"{label:<26} {0:>7} {fetching_run:>12.1f}s   (git fetch alone: {fetch_time:.2f}s)")
    print(f"peak RSS: {peak:.0f} MiB in-process, {child:.0f} MiB largest child")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
