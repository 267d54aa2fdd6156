"""The offline demo: a synthetic history and its mailing list in the cache, and a configuration
that reports on them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from kvmstatus.demo.builder import build_synthetic
from kvmstatus.demo.lists import build_list_archive
from kvmstatus.errors import UserError
from kvmstatus.shared.dirs import cache_dir


def demo_config(repo: Path, data: Path, out: Path, archive: Path | None = None) -> str:
    """A kvmstatus.toml reporting on the synthetic history `repo`, labelled as demo data,
    with the synthetic list `archive` its patches were reviewed on."""
    return (
        "[site]\n"
        'title = "KVM status report (synthetic demo data)"\n'
        "[data]\n"
        f"dir = {json.dumps(str(data))}\n"
        "[publish]\n"
        f"path = {json.dumps(str(out))}\n"
        "[[project]]\n"
        'name = "demo-kvm"\n'
        'display_name = "Synthetic KVM (demo)"\n'
        f"repository = {json.dumps(str(repo))}\n"
        "fetch = false\n" + (f"lists = [{json.dumps(str(archive))}]\n" if archive else "")
    )


def demo_project(commits: int, releases: int, out: Path) -> Path:
    """Build the synthetic history once (kept in the cache) and write the demo's
    configuration, publishing to `out`; returns the configuration's path. A history needs
    2 releases or more, and 40 commits a release."""
    if releases < 2:
        raise UserError(f"--releases {releases}: the demo needs at least 2 releases")
    if commits < releases * 40:
        raise UserError(
            f"--commits {commits}: {releases} releases need at least {releases * 40} commits"
        )
    work = cache_dir() / "demo"
    repo = work / f"linux-like-{commits}-{releases}.git"
    if not repo.exists():
        print(f"building a synthetic kernel-like history in {repo} ...", file=sys.stderr)
        partial = repo.with_name(repo.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        build_synthetic(partial, commits, releases, 1, 0.15)
        partial.rename(repo)
    archive = work / f"list-{commits}-{releases}.git"
    if not archive.exists():
        print(f"writing its mailing-list archive in {archive} ...", file=sys.stderr)
        partial = archive.with_name(archive.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        build_list_archive(repo, partial)
        partial.rename(archive)
    config = work / "kvmstatus.toml"
    config.write_text(demo_config(repo, work / "data", out, archive), encoding="utf-8")
    return config
