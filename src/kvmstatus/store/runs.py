"""The run record: what each run did, kept in the data directory as `runs.json`.

Every run (`kvmstatus run`, a served or deployed flow run, `collect`) appends one entry when
it starts (`outcome: running`) and completes it when it ends: `succeeded`, `failed` (with the
error's line) or `stopped` (a signal). A run killed with SIGKILL stays `running` with a pid
that is gone, which `entry_state` reports as `crashed`. The newest `KEEP` entries are kept,
oldest first. `kvmstatus status` reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kvmstatus.store.jsonfile import write_json

RUNS = "runs.json"
KEEP = 100
SCHEMA = 1

Entry = dict[str, Any]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_runs(root: Path) -> list[Entry]:
    """The recorded runs, oldest first ([] when none or the file is unreadable)."""
    try:
        stored = json.loads((root / RUNS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    runs = stored.get("runs") if isinstance(stored, dict) else None
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def _write(root: Path, runs: list[Entry]) -> None:
    write_json(root / RUNS, {"schema": SCHEMA, "runs": runs[-KEEP:]})


def begin(root: Path, trigger: str) -> Entry:
    """Record that a run started; returns its entry for `finish`."""
    entry: Entry = {
        "started": now(),
        "finished": None,
        "outcome": "running",
        "trigger": trigger,
        "pid": os.getpid(),
        "host": os.uname().nodename,
    }
    _write(root, [*read_runs(root), entry])
    return entry


def finish(root: Path, entry: Entry, outcome: str, fields: Mapping[str, Any]) -> None:
    """Complete `entry` (matched by its start and pid) with its outcome and `fields`."""
    done = {**entry, **fields, "outcome": outcome, "finished": now()}
    runs = read_runs(root)
    for i, run in enumerate(runs):
        if (run.get("started"), run.get("pid")) == (entry["started"], entry["pid"]):
            runs[i] = done
            break
    else:
        runs.append(done)
    _write(root, runs)


def forget(root: Path, entry: Entry) -> None:
    """Drop `entry` (a check that handed the run over to another step that records it)."""
    key = (entry["started"], entry["pid"])
    _write(root, [r for r in read_runs(root) if (r.get("started"), r.get("pid")) != key])


def entry_state(entry: Entry) -> str:
    """The outcome, with a `running` entry whose process is gone shown as `crashed`."""
    outcome = str(entry.get("outcome", "unknown"))
    if outcome != "running":
        return outcome
    pid = entry.get("pid")
    if entry.get("host") not in (None, os.uname().nodename) or not isinstance(pid, int):
        return outcome  # another machine's run: cannot tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "crashed"
    except PermissionError:
        pass
    return outcome


def _moment(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def health(
    root: Path, max_age: timedelta | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """Whether the runs recorded in the data directory `root` look healthy at `at` (default:
    now): the last finished run succeeded and, with `max_age`, some run succeeded within
    it. Returns the verdict, its reason, and the entries it was decided from."""
    at = at or datetime.now(UTC)
    entries = read_runs(root)
    states = [{**e, "outcome": entry_state(e)} for e in entries]
    running = [e for e in states if e["outcome"] == "running"]
    finished = [e for e in states if e["outcome"] != "running"]
    last = finished[-1] if finished else None
    success = next((e for e in reversed(finished) if e["outcome"] == "succeeded"), None)
    report: dict[str, Any] = {
        "data": str(root),
        "runs": len(entries),
        "running": running[-1] if running else None,
        "last": last,
        "last_success": success,
        "max_age_seconds": max_age.total_seconds() if max_age else None,
    }
    if last is None:
        reason = f"no finished run is recorded in {root / RUNS}"
    elif last["outcome"] != "succeeded":
        reason = f"the last run {last['outcome']}"
    elif max_age is not None and (
        (finished_at := _moment(success and success.get("finished"))) is None
        or at - finished_at > max_age
    ):
        reason = f"no run succeeded in the last {max_age}"
    else:
        reason = ""
    return report | {"healthy": not reason, "reason": reason}
