"""The data directory heals itself: a data file truncated, edited or deleted after a run is
rewritten from the verified window cache, with one warning naming it, and the next edition
is exactly what an undamaged run publishes; `kvmstatus site` refuses damaged data in one
line and keeps the previous site."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import build_repo, run, site_files, summary, write_config


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The fixture history, and the site and data an undamaged run publishes from it."""
    root = tmp_path_factory.mktemp("reference")
    repo = build_repo(root / "kernel.git", fast_import_stream())
    config = write_config(root, repo)
    from helpers import main_quiet

    main_quiet("run", "--config", str(config))
    data = {f"data/{k}": v for k, v in site_files(root / "data" / "windows").items()}
    return repo, site_files(root / "public") | data


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


def _nine_commits(path: Path) -> None:
    doc = json.loads(path.read_text())
    assert doc["commits"] == 4  # the fixture's v1.1..v1.2 window
    doc["commits"] = 9
    path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")


def _key_case(path: Path) -> None:
    path.write_text(path.read_text().replace('"commits":', '"Commits":', 1))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "edited, still valid JSON": _nine_commits,
    "a key's case changed": _key_case,
    "deleted": Path.unlink,
}


@pytest.mark.parametrize(
    ("damage", "always"),
    [*((d, False) for d in DAMAGE), ("truncated", True), ("edited, still valid JSON", True)],
    ids=[*DAMAGE, "truncated, --always", "edited, --always"],
)
def test_damaged_window_is_rewritten_to_the_same_edition(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    reference: tuple[Path, dict[str, bytes]],
    damage: str,
    always: bool,
) -> None:
    repo, expected = reference
    config = str(write_config(tmp_path, repo))
    summary(capsys, "run", "--config", config)
    window = tmp_path / "data" / "windows" / "v1.2.json"
    DAMAGE[damage](window)
    code, out, err = run(capsys, "run", "--config", config, *(["--always"] if always else []))
    assert code == 0, err
    assert "Traceback" not in err
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        f"kvmstatus: warning: {window} was changed or damaged after it was written; "
        "rewritten from the verified window cache"
    ]
    assert "4 windows: 0 computed, 4 reused, 1 damaged data files rewritten" in out
    data = {f"data/{k}": v for k, v in site_files(tmp_path / "data" / "windows").items()}
    assert site_files(tmp_path / "public") | data == expected
    assert json.loads(window.read_text())["commits"] == 4
    record = json.loads((tmp_path / "data" / "runs.json").read_text())["runs"][-1]
    assert record["repaired"] == [str(window)]


def test_damaged_project_and_checksums_files_are_rewritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reference: tuple[Path, dict[str, bytes]]
) -> None:
    repo, expected = reference
    config = str(write_config(tmp_path, repo))
    summary(capsys, "run", "--config", config)
    (tmp_path / "data" / "project.json").write_text("{}")
    assert "1 damaged data files rewritten" in summary(capsys, "run", "--config", config)
    (tmp_path / "data" / "checksums.json").unlink()
    assert "1 damaged data files rewritten" in summary(capsys, "run", "--config", config)
    data = {f"data/{k}": v for k, v in site_files(tmp_path / "data" / "windows").items()}
    assert site_files(tmp_path / "public") | data == expected


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_site_refuses_damaged_data_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    reference: tuple[Path, dict[str, bytes]],
    damage: str,
) -> None:
    repo, _ = reference
    config = str(write_config(tmp_path, repo))
    summary(capsys, "run", "--config", config)
    before = site_files(tmp_path / "public")
    window = tmp_path / "data" / "windows" / "v1.2.json"
    DAMAGE[damage](window)
    code, out, err = run(
        capsys, "site", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "public")
    )
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"kvmstatus: error: {window} ")
    assert "`kvmstatus run` restores it" in err
    assert site_files(tmp_path / "public") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []


def test_edited_cached_window_is_recomputed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reference: tuple[Path, dict[str, bytes]]
) -> None:
    """The cache is verified too: an edited cached window and its data file, both saying 9
    commits, give the published 4 again."""
    repo, expected = reference
    config = str(write_config(tmp_path, repo))
    summary(capsys, "run", "--config", config)
    for cached in (tmp_path / "data" / "cache").glob("*.json"):
        text = cached.read_text()
        if '"release": "v1.2"' in text:
            cached.write_text(text.replace('"commits": 4,', '"commits": 9,', 1))
    _nine_commits(tmp_path / "data" / "windows" / "v1.2.json")
    line = summary(capsys, "run", "--config", config)
    assert line.startswith("4 windows: 1 computed, 3 reused")
    data = {f"data/{k}": v for k, v in site_files(tmp_path / "data" / "windows").items()}
    assert site_files(tmp_path / "public") | data == expected
