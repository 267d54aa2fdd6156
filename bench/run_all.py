"""Every stage against raw git on the same ranges, in one command, as one table.

    python bench/run_all.py [--repo /tmp/synth-200k.git] [--work DIR] [--pattern REGEX]

The repository (default: the synthetic kernel-scale history of `python bench/synth.py
/tmp/synth-200k.git`) is mirrored into the working directory first. Each stage then runs in
its own child process (`--stage NAME`), so that one stage's memory cannot hide another's:
the child reports its wall-clock time, the time plain git needs for the same work, and its
peak RSS (`ru_maxrss` of the Python process itself, and of the largest git it started).

Stages, all over every release window of `--pattern`:

- mining: `kvmstatus.mine.log.mine` per window; git: `git log --format=fuller --name-only A..B
  -- P` with the same commits and pathspecs (computing the pathspecs is reported apart).
- metrics: `kvmstatus.jobs.window.history` (mining, Fixes, every table, first-time authors);
  git: the same `git log` as mining. This stage also writes the data directory.
- fixes: `resolve_fixes` for every window (records mined beforehand, not timed); git: one
  `git cat-file --batch-check` per window fed the quoted hashes.
- site: `kvmstatus.website.build.build_site` on the data directory; git: none.
- flow cold / incremental / no change: the flow's steps without Prefect (as in
  `bench/bench_flow.py`: the last release tag is removed for the cold run and put back for the
  incremental one); git: `git log` for the windows the run computed. The note gives the
  same run as the command `kvmstatus run` (a new process; Prefect and its temporary server
  when there is something to do).
- no change, fetching: `kvmstatus run` with fetching on (from the mirror's origin, a local
  repository) when nothing is new; git: `git fetch --tags --all` alone.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import Window
from kvmstatus.model.releases import KERNEL_RELEASE_PATTERN

STAGES = (
    "mining",
    "metrics",
    "fixes",
    "site",
    "flow-cold",
    "flow-incremental",
    "flow-nochange",
    "fetch",
)
LABELS = {
    "mining": "mining",
    "metrics": "metrics (history)",
    "fixes": "Fixes provenance",
    "site": "pages + site build",
    "flow-cold": "flow cold",
    "flow-incremental": "flow incremental (+1 release)",
    "flow-nochange": "flow no change",
    "fetch": "no change, fetching",
}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def git_log(repo: GitRepo, windows: list[Window]) -> float:
    """Raw `git log` over `windows`, as `bench_flow.raw_git` runs it."""
    start = time.perf_counter()
    for window in windows:
        argv = repo.command(
            "log", "--format=fuller", "--name-only", *window.revisions, "--", *window.pathspecs
        )
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def windows_of(repo: GitRepo, pattern: str) -> tuple[Any, list[Window], float]:
    from kvmstatus.mine.releases import release_list
    from kvmstatus.mine.selection import Selection, pathspecs_at

    releases = release_list(repo, pattern)
    chosen = Selection()

    def specs() -> list[Window]:
        return [
            Window(
                w.start.commit if w.start else None,
                w.end.commit,
                pathspecs_at(repo, w.end.commit, chosen),
            )
            for w in releases.windows
        ]

    seconds, windows = timed(specs)
    return releases, windows, seconds


def stage_mining(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    from kvmstatus.mine.log import mine

    _, windows, spec_seconds = windows_of(repo, pattern)
    ours, counts = timed(lambda: [len(mine(repo, w)) for w in windows])
    return {
        "ours": ours,
        "git": git_log(repo, windows),
        "note": f"{len(windows)} windows, {sum(counts)} commits; "
        f"pathspecs from MAINTAINERS {spec_seconds:.1f}s (not included)",
    }


def stage_metrics(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    from kvmstatus.analyse.affiliations import load_affiliations
    from kvmstatus.analyse.architectures import load_arch_map
    from kvmstatus.jobs.dataset import assemble
    from kvmstatus.jobs.window import history
    from kvmstatus.mine.releases import release_list
    from kvmstatus.mine.selection import Selection
    from kvmstatus.store.documents import write_dataset

    releases = release_list(repo, pattern)
    chosen = Selection()
    arch_map = load_arch_map()
    ours, docs = timed(lambda: history(repo, releases, chosen, arch_map, load_affiliations(), 0))
    settings = {
        "repo": str(repo.path),
        "pattern": pattern,
        "since": None,
        "selection": {"paths": [], "subsystem": chosen.subsystem},
        "arch_map": "linux-kvm",
        "architectures": list(arch_map.names),
    }
    write_dataset(work / "data", assemble("KVM status report", "Synthetic", docs, settings))
    windows = [
        Window(w.start.commit if w.start else None, w.end.commit, tuple(d["paths"]))
        for w, d in zip(releases.windows, docs, strict=True)
    ]
    return {"ours": ours, "git": git_log(repo, windows), "note": f"{len(docs)} windows"}


def stage_fixes(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    from kvmstatus.mine.fixes import ReleaseIndex, fixes_refs, resolve_fixes
    from kvmstatus.mine.log import mine

    releases, windows, _ = windows_of(repo, pattern)
    mined = [mine(repo, w) for w in windows]

    def ours() -> int:
        index = ReleaseIndex(repo, releases.tags)
        return sum(
            len(resolve_fixes(repo, w, records, releases.tags, rw.name, index))
            for w, records, rw in zip(windows, mined, releases.windows, strict=True)
        )

    seconds, lines = timed(ours)
    batches = [
        "".join(f"{r.quoted_hash}\n" for r in fixes_refs(records) if r.quoted_hash).encode()
        for records in mined
    ]
    start = time.perf_counter()
    for batch in batches:
        argv = repo.command("cat-file", "--batch-check")
        subprocess.run(argv, input=batch, stdout=subprocess.DEVNULL, check=True)
    git_seconds = time.perf_counter() - start
    return {"ours": seconds, "git": git_seconds, "note": f"{lines} Fixes lines"}


def stage_site(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    from kvmstatus.website.build import build_site

    out = work / "site"
    seconds, report = timed(lambda: build_site(work / "data", out))
    note = (
        f"{report.pages} pages, {report.charts} charts; render {report.seconds_render:.1f}s, "
        f"mkdocs {report.seconds_mkdocs:.1f}s"
    )
    return {"ours": seconds, "git": None, "note": note}


def stage_flow(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_flow import direct, raw_git, with_prefect, write_config

    folder, command = work / "flow", work / "flow-run"
    folder.mkdir(exist_ok=True)
    command.mkdir(exist_ok=True)
    seconds, computed = direct(write_config(folder, repo.path))
    git_seconds = raw_git(repo, folder / "data", computed) if computed else None
    run_seconds = with_prefect(write_config(command, repo.path))
    note = f"{len(computed)} windows computed; `kvmstatus run` {run_seconds:.1f}s"
    return {"ours": seconds, "git": git_seconds, "note": note}


def stage_fetch(repo: GitRepo, work: Path, pattern: str) -> dict[str, Any]:
    """`kvmstatus run` with nothing new but fetching on, against `git fetch` alone."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_flow import fetching_no_change

    seconds, fetch = fetching_no_change(work / "flow-run", repo)
    note = "`kvmstatus run` (fetch included) against `git fetch` alone, from a local remote"
    return {"ours": seconds, "git": fetch, "note": note}


def run_stage(name: str, repo: Path, work: Path, pattern: str) -> None:
    """The child side: run one stage, print one JSON line with its numbers."""
    stage = stage_flow if name.startswith("flow-") else globals()[f"stage_{name}"]
    result = stage(GitRepo(repo), work, pattern)
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["git_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def last_release(repo: Path, pattern: str) -> tuple[str, str]:
    from kvmstatus.mine.releases import release_list

    git = GitRepo(repo)
    name = release_list(git, pattern).windows[-1].end.name
    return name, git.text("rev-parse", f"refs/tags/{name}").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repo", default="/tmp/synth-200k.git", help="repository to mirror")
    parser.add_argument("--work", help="working directory (default: a temporary one)")
    parser.add_argument("--pattern", default=KERNEL_RELEASE_PATTERN, help="release tag regex")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=STAGES, help="run only these stages")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="kvmstatus-runall-"))
    mirror = work / "repo.git"
    if args.stage:
        run_stage(args.stage, mirror, work, args.pattern)
        return

    work.mkdir(parents=True, exist_ok=True)
    if not mirror.exists():
        subprocess.run(["git", "clone", "--quiet", "--mirror", args.repo, str(mirror)], check=True)
    tag, tag_object = last_release(mirror, args.pattern)
    rows = []
    for name in args.only or STAGES:
        if name == "flow-cold":
            shutil.rmtree(work / "flow", ignore_errors=True)
            shutil.rmtree(work / "flow-run", ignore_errors=True)
            subprocess.run(["git", "-C", str(mirror), "update-ref", "-d", f"refs/tags/{tag}"])
        elif name == "flow-incremental":
            subprocess.run(
                ["git", "-C", str(mirror), "update-ref", f"refs/tags/{tag}", tag_object],
                check=True,
            )
        argv = [sys.executable, __file__, "--stage", name, "--work", str(work)]
        argv += ["--pattern", args.pattern]
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr}", file=sys.stderr)
            rows.append((name, None))
            continue
        rows.append((name, json.loads(proc.stdout.strip().splitlines()[-1])))
        print(f"{name}: done", file=sys.stderr, flush=True)
    # Leave the mirror as it was, whatever stages ran.
    subprocess.run(["git", "-C", str(mirror), "update-ref", f"refs/tags/{tag}", tag_object])

    print(f"repository: {args.repo}; pattern {args.pattern!r}; work: {work}\n")
    print("| stage | ours | git | ratio | peak RSS (ours / largest git) | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, result in rows:
        if result is None:
            print(f"| {LABELS[name]} | failed | | | | see stderr |")
            continue
        ours, git_s = result["ours"], result["git"]
        git_text = "n/a" if git_s is None else f"{git_s:.1f} s"
        ratio = f"{ours / git_s:.2f}x" if git_s else "n/a"
        rss = f"{result['rss_mib']:.0f} / {result['git_rss_mib']:.0f} MiB"
        print(
            f"| {LABELS[name]} | {ours:.1f} s | {git_text} | {ratio} | {rss} | {result['note']} |"
        )
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
