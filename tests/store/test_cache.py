"""The window cache's key: it covers the code that computes a window and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import build_repo, run
from kvmstatus.store import cache


def _version_of(tree: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cache, "_ROOT", tree)
    cache.code_version.cache_clear()
    try:
        return cache.code_version()
    finally:
        cache.code_version.cache_clear()


def test_a_site_change_keeps_the_key_a_mining_change_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "kvmstatus"
    shutil.copytree(Path(cache.__file__).resolve().parents[1], tree)
    before = _version_of(tree, monkeypatch)
    for module in (
        "website/charts.py",
        "website/pages/home.py",
        "cli/parser.py",
        "demo/builder.py",
    ):
        with (tree / module).open("a", encoding="utf-8") as handle:
            handle.write("\n# a new colour, a new help text\n")
    assert _version_of(tree, monkeypatch) == before
    with (tree / "mine" / "log.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a change to how commits are read\n")
    assert _version_of(tree, monkeypatch) != before


def test_a_rerun_after_a_site_change_computes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    data = tmp_path / "data"
    code, out, err = run(capsys, "collect", "--repo", str(repo), "--out", str(data))
    assert code == 0, err
    assert "4 computed" in out
    tree = tmp_path / "kvmstatus"
    shutil.copytree(Path(cache.__file__).resolve().parents[1], tree)
    (tree / "website" / "charts.py").write_text("# the charts, rewritten\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_ROOT", tree)
    cache.code_version.cache_clear()
    code, out, err = run(capsys, "collect", "--repo", str(repo), "--out", str(data))
    cache.code_version.cache_clear()
    assert code == 0, err
    assert "0 computed, 4 reused" in out
