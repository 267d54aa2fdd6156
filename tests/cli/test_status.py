"""`kvmstatus status`: the run record printed, and an exit status a monitor can alert on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import build_repo, run, summary, write_config


def _status(capsys: pytest.CaptureFixture[str], config: Path, *extra: str) -> tuple[int, str]:
    code, out, err = run(capsys, "status", "--config", str(config), *extra)
    assert "Traceback" not in err
    return code, out + err


def test_status_follows_the_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = write_config(tmp_path, repo)
    code, text = _status(capsys, config)
    assert code == 2
    assert "status:        FAILING: no finished run is recorded in" in text

    summary(capsys, "run", "--config", str(config))
    code, text = _status(capsys, config)
    assert code == 0, text
    lines = text.splitlines()
    assert lines[1].startswith("last run:      succeeded at ")
    assert lines[1].endswith(")")
    assert "(run, pid " in lines[1]
    assert lines[2].strip() == (
        f"4 windows: 4 computed, 0 reused, 0 damaged data files rewritten; "
        f"site published to {tmp_path / 'public'}"
    )
    assert lines[-1] == "status:        OK"
    assert _status(capsys, config, "--max-age", "1h")[0] == 0

    # A failed run: the record says why, and the check fails until a run succeeds again.
    config.write_text(config.read_text().replace(str(repo), str(tmp_path / "gone.git")))
    assert run(capsys, "run", "--config", str(config))[0] == 1
    code, text = _status(capsys, config)
    assert code == 2
    assert "last run:      failed at " in text
    assert f"{tmp_path / 'gone.git'} does not exist" in text
    assert "status:        FAILING: the last run failed" in text

    code, out, _ = run(capsys, "status", "--config", str(config), "--json")
    report = json.loads(out)
    assert code == 2
    assert report["healthy"] is False
    assert report["last"]["outcome"] == "failed"
    assert report["last_success"]["computed"] == 4


def test_status_max_age(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "runs.json").write_text(
        json.dumps(
            {
                "schema": 1,
                "runs": [
                    {
                        "started": "2024-01-01T00:00:00+00:00",
                        "finished": "2024-01-01T00:01:00+00:00",
                        "outcome": "succeeded",
                        "trigger": "run",
                        "pid": 1,
                    },
                    {
                        "started": "2024-01-02T00:00:00+00:00",
                        "finished": None,
                        "outcome": "running",
                        "trigger": "run",
                        "pid": 2**22 + 1,  # above the kernel's pid_max: no such process
                        "host": __import__("os").uname().nodename,
                    },
                ],
            }
        )
    )
    code, out, _ = run(capsys, "status", "--data", str(data), "--max-age", "1d12h")
    assert code == 2
    # A run killed with SIGKILL never finished its entry: it shows as crashed.
    assert "last run:      crashed at 2024-01-02 00:00:00 UTC" in out
    assert "FAILING: the last run crashed" in out


@pytest.mark.parametrize("age", ["soon", "12x", "0", "3 hours", ""])
def test_status_bad_max_age_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, age: str
) -> None:
    code, _out, err = run(capsys, "status", "--data", str(tmp_path), "--max-age", age)
    if age == "":
        assert code == 2  # no --max-age at all: only the record counts
        return
    assert code == 1
    assert err == (
        f"kvmstatus: error: --max-age {age!r}: give a duration such as 90m, 24h, 2d or 1d12h\n"
    )


def test_status_stale_success(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    entry = {
        "started": "2024-01-01T00:00:00+00:00",
        "finished": "2024-01-01T00:01:00+00:00",
        "outcome": "succeeded",
        "trigger": "deployment kvmstatus-publish",
        "pid": 1,
    }
    (data / "runs.json").write_text(json.dumps({"schema": 1, "runs": [entry]}))
    assert run(capsys, "status", "--data", str(data))[0] == 0
    code, out, _ = run(capsys, "status", "--data", str(data), "--max-age", "24h")
    assert code == 2
    assert "FAILING: no run succeeded in the last 1 day, 0:00:00" in out
