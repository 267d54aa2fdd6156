"""The Prefect flow end to end: incremental reruns, reliability, Dask, the demo, real data.

Flows run in this process through the CLI (`kvmstatus run`), against Prefect's temporary
local server, which starts once per process. The kill test runs the flow in a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import (
    NEW_RELEASE,
    build_repo,
    git,
    run,
    shared_data,
    site_files,
    summary,
    write_config,
)


def test_incremental_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = str(write_config(tmp_path, repo))
    first = summary(capsys, "run", "--config", config)
    assert first.startswith("4 windows: 4 computed, 0 reused; site published to")
    assert (tmp_path / "public" / "index.html").is_file()
    # No new release: nothing recomputed, nothing rebuilt, and Prefect is not even started
    # (unless --always asks for a recorded flow run).
    idle = summary(capsys, "run", "--config", config)
    assert idle.startswith("4 windows: 0 computed, 4 reused; site unchanged at")
    assert "Prefect not started" in idle
    recorded = summary(capsys, "run", "--config", config, "--always")
    assert recorded.startswith("4 windows: 0 computed, 4 reused; site unchanged at")
    assert "Prefect" not in recorded
    # One new release: one window.
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    assert summary(capsys, "run", "--config", config).startswith(
        "5 windows: 1 computed, 4 reused; site published to"
    )
    assert "v1.4" in (tmp_path / "public" / "releases" / "index.html").read_text()
    # A corrupt cached window is detected and recomputed; the site is the same.
    before = site_files(tmp_path / "public")
    cached = sorted((tmp_path / "data" / "cache").glob("*.json"))
    cached[0].write_text('{"key": "truncated')
    cached[1].write_text(cached[1].read_text().replace('"commits": ', '"commits": 1'))
    assert summary(capsys, "run", "--config", config).startswith("5 windows: 2 computed, 3 reused")
    assert site_files(tmp_path / "public") == before


def test_publishing_to_a_branch_is_skipped_when_nothing_is_new(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    remote = tmp_path / "pages.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    config = str(write_config(tmp_path, repo).with_name("kvmstatus.toml"))
    text = (
        Path(config)
        .read_text()
        .replace(
            '[publish]\npath = "public"\n', f'[publish]\ntarget = "git"\nremote = "{remote}"\n'
        )
    )
    Path(config).write_text(text)
    first = summary(capsys, "run", "--config", config)
    assert first.startswith("4 windows: 4 computed, 0 reused; site published to")
    tip = git(remote, "rev-parse", "refs/heads/gh-pages").strip()
    record = json.loads((tmp_path / "data" / "published.json").read_text())
    assert record["target"] == f"{remote} (gh-pages)"
    # The branch is not read again: the data directory remembers what it published.
    assert "Prefect not started" in summary(capsys, "run", "--config", config)
    assert "site unchanged" in summary(capsys, "run", "--config", config, "--always")
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    assert "1 computed" in summary(capsys, "run", "--config", config)
    assert git(remote, "rev-parse", "refs/heads/gh-pages^").strip() == tip


def test_unpublishable_out_is_refused_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = str(write_config(tmp_path, repo))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine\n")
    for out, reason in (
        (tmp_path / "mine", "is not empty and is not a kvmstatus site"),
        (tmp_path / "mine" / "notes.txt", "is a file, not a directory"),
        (tmp_path / "mine" / "notes.txt" / "public", "is not a directory"),
    ):
        code, _, err = run(capsys, "run", "--config", config, "--out", str(out))
        assert code == 1
        assert reason in err
        assert err.count("\n") == 1, err
        assert not (tmp_path / "data" / "cache").exists()
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine\n"


def test_user_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = write_config(tmp_path, tmp_path / "missing.git")
    code, _, err = run(capsys, "run", "--config", str(config))
    assert code == 1
    assert "missing.git does not exist" in err
    assert "Traceback" not in err
    config.write_text(config.read_text() + "colour = 'red'\n")
    code, _, err = run(capsys, "run", "--config", str(config))
    assert code == 1
    assert "project[0].colour: unknown key" in err


def test_killed_run_resumes_to_the_same_site(tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    clean = tmp_path / "clean"
    clean.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "kvmstatus", "run", "--config"]
    subprocess.run(
        [*argv, str(write_config(clean, repo))], env=env, check=True, capture_output=True
    )
    killed = tmp_path / "killed"
    killed.mkdir()
    config = str(write_config(killed, repo))
    # A session of its own: the kill takes the run's temporary Prefect server with it, as a
    # crash of the machine would, instead of leaving it running after the test.
    proc = subprocess.Popen(
        [*argv, config],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((killed / "data" / "cache").glob("*.json")):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "public" / "index.html").exists() or True  # killed at any point
    subprocess.run([*argv, config], env=env, check=True, capture_output=True)
    assert site_files(killed / "public") == site_files(clean / "public")


def test_dask_equals_sequential(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    summary(capsys, "run", "--config", str(write_config(tmp_path / "a", repo)))
    summary(
        capsys,
        "run",
        "--config",
        str(write_config(tmp_path / "b", repo)),
        "--task-runner",
        "dask",
    )
    a = site_files(tmp_path / "a" / "data" / "windows")
    b = site_files(tmp_path / "b" / "data" / "windows")
    assert a == b
    assert len(a) == 4
    assert site_files(tmp_path / "a" / "public") == site_files(tmp_path / "b" / "public")


def test_demo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVMSTATUS_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "demo"
    line = summary(capsys, "demo", "--out", str(out), "--commits", "3000", "--releases", "6")
    assert line.startswith("synthetic demo site (6 releases)")
    for page in ("index.html", "releases/index.html", "people.html", "fixes.html", "review.html"):
        assert "synthetic demo data" in (out / page).read_text().lower(), page
    # The demo's list next to its tags, on every release page.
    for page in sorted((out / "releases").glob("v*.html")):
        assert "Series reviewed on the list" in page.read_text(), page


@pytest.mark.realdata
def test_real_bundles_with_a_companion(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = shared_data()
    if data is None:
        pytest.skip("../shared/data is not here (set KVMSTATUS_SHARED_DATA)")
    config = tmp_path / "kvmstatus.toml"
    config.write_text(
        "[site]\ncycles_per_year = 2\n"
        '[data]\ndir = "data"\ncache = "repos"\n[publish]\npath = "public"\n'
        '[[project]]\nname = "kut"\ndisplay_name = "kvm-unit-tests"\n'
        f'repository = "{data / "kvm-unit-tests.bundle"}"\n'
        "release_pattern = '^v\\d{4}-\\d{2}-\\d{2}$'\npaths = ['.']\n"
        'architectures = "kvm-unit-tests"\n'
        f'lists = ["{data / "kvmarm-list.bundle"}"]\nlist_tag = "kvm-unit-tests"\n'
        '[[project]]\nname = "kvmtool"\ndisplay_name = "kvmtool"\nrole = "companion"\n'
        f'repository = "{data / "kvmtool.bundle"}"\nbranch = "master"\npaths = ["."]\n'
        'architectures = "kvmtool"\nwindows = "main-release-dates"\n'
    )
    line = summary(capsys, "run", "--config", str(config))
    assert line.startswith("12 windows: 12 computed")  # 6 releases, 6 kvmtool windows
    project = json.loads((tmp_path / "data" / "project.json").read_text())
    assert project["releases"][-1] == "v2026-04-17"
    kvmtool = json.loads(
        (tmp_path / "data" / "companions" / "kvmtool" / "project.json").read_text()
    )
    assert kvmtool["releases"] == project["releases"]
    testing = (tmp_path / "public" / "testing.html").read_text()
    assert "kvmtool" in testing
    # The kvmarm list next to the tags: the window the archive covers has its numbers, the
    # later ones say the archive holds none of their messages.
    v2023 = (tmp_path / "public" / "releases" / "v2023-01-05.html").read_text()
    assert "Series reviewed on the list" in v2023
    assert (
        "hold no message of this window"
        in (tmp_path / "public" / "releases" / "v2026-04-17.html").read_text()
    )
    # The archive ends a day after v2023-01-05: the next window is covered in part, and says so.
    v2024 = (tmp_path / "public" / "releases" / "v2024-01-08.html").read_text()
    assert "The archives cover only part of this window" in v2024
    review = json.loads((tmp_path / "data" / "review" / "v2023-01-05.json").read_text())
    assert review["links"]["posted"] > 0


def test_serve_schedules_the_flow() -> None:
    """`kvmstatus serve` serves this deployment (serving itself blocks, so it is not run)."""
    from kvmstatus_flows.publish import deployment

    scheduled = deployment("0 */6 * * *", {"config": "kvmstatus.toml", "fetch": None})
    assert scheduled.name == "kvmstatus-publish"
    assert [s.schedule.cron for s in scheduled.schedules] == ["0 */6 * * *"]
    assert scheduled.parameters == {"config": "kvmstatus.toml", "fetch": None}


def test_repository_changes_during_a_run(tmp_path: Path) -> None:
    """A tag moved after the run planned its windows: the run finishes with the commits it
    planned (windows are keyed by commit, not by tag name), and the next run recomputes the
    moved window. Driven step by step through `kvmstatus.jobs.steps`, so the timing is exact."""
    from kvmstatus.jobs import steps as runner
    from kvmstatus.jobs.config import load_config

    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = load_config(write_config(tmp_path, repo))
    prepared = runner.prepare(config.main, None, fetch=False)
    plan = runner.plan(config, prepared)
    old_v13 = git(repo, "rev-parse", "v1.3^{commit}").strip()
    # The tag moves (force-pushed) between planning and computing.
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE.replace(b"v1.4", b"v1.3"))
    assert git(repo, "rev-parse", "v1.3^{commit}").strip() != old_v13
    assert {runner.compute(job) for job in plan.jobs} == {"computed"}
    runner.aggregate(config, plan)
    runner.publish(config)
    project = json.loads((tmp_path / "data" / "windows" / "v1.3.json").read_text())
    assert project["commits"] == 1  # the planned v1.2..v1.3, not the moved tag's window
    again = runner.plan(config, prepared)
    states = [runner.compute(job) for job in again.jobs]
    assert states == ["cached", "cached", "cached", "computed"]
    runner.aggregate(config, again)
    moved = json.loads((tmp_path / "data" / "windows" / "v1.3.json").read_text())
    assert moved["commits"] == 2


def test_history_pruned_during_a_run(tmp_path: Path) -> None:
    """A window's commits rewritten away and garbage-collected after the run planned it: a
    one-line error that says so, and the published site stays as it was."""
    from kvmstatus.errors import UserError
    from kvmstatus.jobs import steps as runner
    from kvmstatus.jobs.config import load_config

    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = load_config(write_config(tmp_path, repo))
    prepared = runner.prepare(config.main, None, fetch=False)
    plan = runner.plan(config, prepared)
    for job in plan.jobs:
        runner.compute(job)
    runner.aggregate(config, plan)
    runner.publish(config)
    before = site_files(tmp_path / "public")
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    plan = runner.plan(config, prepared)
    # The new release is withdrawn (tag deleted, branch reset) and its commit pruned.
    git(repo, "tag", "-d", "v1.4")
    git(repo, "update-ref", "refs/heads/master", "v1.3^{commit}")
    git(repo, "reflog", "expire", "--expire=now", "--all")
    git(repo, "gc", "--quiet", "--prune=now")
    (job,) = runner.pending(plan)
    with pytest.raises(UserError, match=r"window v1\.3\.\.v1\.4 is no longer in .* run again"):
        runner.compute(job)
    assert site_files(tmp_path / "public") == before
    # The next run plans again and finds the history as it now is.
    again = runner.plan(config, prepared)
    assert runner.pending(again) == ()
