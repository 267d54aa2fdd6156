"""Reading a list archive against one standard-library parse of every message, in one run.

    python bench/bench_review.py [--archive BUNDLE] [--repo KUT_BUNDLE] [--repeat N]

Default archive: ../shared/data/kvmarm-list.bundle (21,367 messages), linked against
../shared/data/kvm-unit-tests.bundle. Every measurement runs in its own child process (so each
peak RSS is its own), alternating, `--repeat` times; medians are printed:

- `stdlib parse`: `BytesParser(policy=email.policy.default).parsebytes(raw)` of every message,
  the messages already in memory (read beforehand with one `git cat-file --batch`, not timed);
- `read, cold`: what a first run does, all timed: list the epoch's commits, read every `m`
  through one `git cat-file --batch`, parse each into a record, write the index, thread the
  archive, count the whole range, and link kvm-unit-tests' commits to the posted patches;
- `read, no new message`: the same with the index of the cold read in place (it must read
  no message from git), and the same threading, counting and linking.

Times are wall clock and CPU (user + system of the child and its git processes).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_parse(epoch: Path) -> dict[str, Any]:
    from kvmstatus.git.archives import epoch_commits, epoch_tip, read_blobs
    from kvmstatus.git.repo import GitRepo

    repo = GitRepo(epoch)
    tip = epoch_tip(repo)
    assert tip is not None
    names = [f"{c}:m" for c, _ in epoch_commits(repo, tip)]
    blobs = [b for b in read_blobs(repo, names) if b is not None]
    parser = BytesParser(policy=policy.default)
    wall, cpu = time.perf_counter(), _cpu()
    for raw in blobs:
        parser.parsebytes(raw)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "rss": _rss_mib(),
        "messages": len(blobs),
    }


def stage_read(epoch: Path, index: Path, repo_spec: str) -> dict[str, Any]:
    from kvmstatus.analyse.review import (
        Scope,
        link_commits,
        review_range,
        shipped_bots,
        thread,
    )
    from kvmstatus.git.archives import open_archive
    from kvmstatus.git.repo import GitRepo
    from kvmstatus.jobs.lists import index_archive
    from kvmstatus.mine.gitlog import Window
    from kvmstatus.mine.posted import link_commits_of

    kut = GitRepo(repo_spec)
    master = kut.resolve_commit("master")
    commits = link_commits_of(kut, Window(None, master, ("arm/", "lib/arm/", "lib/arm64/")))
    wall, cpu = time.perf_counter(), _cpu()
    archive = open_archive(str(epoch))
    records, read = index_archive(index, archive)
    threaded = thread(records, {}, shipped_bots())
    stats = review_range(threaded, None, None)
    links = link_commits(threaded, commits, Scope(tag="kvm-unit-tests"))
    return {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "rss": _rss_mib(),
        "messages": stats.messages,
        "read": read,
        "series": stats.series,
        "linked": f"{links.posted} of {links.commits} ({links.methods['trailer']} by trailer)",
    }


def child(argv: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", default=str(SHARED / "kvmarm-list.bundle"))
    parser.add_argument("--repo", default=str(SHARED / "kvm-unit-tests.bundle"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--stage", choices=("parse", "read"), help=argparse.SUPPRESS)
    parser.add_argument("--epoch", help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "parse":
        print(json.dumps(stage_parse(Path(args.epoch))))
        return
    if args.stage == "read":
        print(json.dumps(stage_read(Path(args.epoch), Path(args.index), args.repo)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        epoch = Path(tmp) / "0.git"
        subprocess.run(
            ["git", "clone", "--quiet", "--mirror", args.archive, str(epoch)], check=True
        )
        kut = Path(tmp) / "kut.git"
        subprocess.run(["git", "clone", "--quiet", "--mirror", args.repo, str(kut)], check=True)
        results: dict[str, list[dict[str, Any]]] = {"parse": [], "cold": [], "again": []}
        for n in range(args.repeat):
            index = Path(tmp) / f"index-{n}"
            results["parse"].append(child(["--stage", "parse", "--epoch", str(epoch)]))
            common = ["--epoch", str(epoch), "--index", str(index), "--repo", str(kut)]
            results["cold"].append(child(["--stage", "read", *common]))
            results["again"].append(child(["--stage", "read", *common]))
            shutil.rmtree(index)
        base = results["parse"]
        wall0 = statistics.median(r["wall"] for r in base)
        cpu0 = statistics.median(r["cpu"] for r in base)
        print(f"archive: {args.archive} ({base[0]['messages']} messages); median of {args.repeat}")
        print(
            f"{'measurement':<24} {'wall':>7} {'cpu':>7} {'x parse (wall/cpu)':>19} "
            f"{'peak RSS':>9}  note"
        )
        labels = {"parse": "stdlib parse", "cold": "read, cold", "again": "read, no new message"}
        for key, runs in results.items():
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            rss = max(r["rss"] for r in runs)
            note = (
                ""
                if key == "parse"
                else (
                    f"{runs[0]['read']} read from git, {runs[0]['messages']} messages, "
                    f"{runs[0]['series']} series, linked {runs[0]['linked']}"
                )
            )
            ratio = f"{wall / wall0:.2f}x / {cpu / cpu0:.2f}x"
            print(
                f"{labels[key]:<24} {wall:>6.1f}s {cpu:>6.1f}s {ratio:>19} {rss:>6.0f} MiB  {note}"
            )


if __name__ == "__main__":
    main()
