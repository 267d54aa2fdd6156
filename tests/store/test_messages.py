"""The index of parsed messages: a faithful round trip, and nothing damaged is trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.archive import read_epoch
from kvmstatus.store import messages
from kvmstatus.store.messages import index_path, load_index, store_index


@pytest.fixture(scope="module")
def epoch(list_archive: Path) -> tuple[str | None, list[object]]:
    got = read_epoch(GitRepo(list_archive))
    return got.tip, list(got.records)


def test_round_trip(tmp_path: Path, epoch: tuple[str | None, list[object]]) -> None:
    tip, records = epoch
    store_index(tmp_path, "kvm-123", "0", tip, records)  # type: ignore[arg-type]
    assert load_index(tmp_path, "kvm-123", "0") == (tip, records, "cached")
    assert load_index(tmp_path, "kvm-123", "1") == (None, [], "missing")


@pytest.mark.parametrize(
    ("damage", "state"),
    [
        (lambda text: text[: len(text) // 2], "corrupt"),
        (lambda text: text.replace("Bob Review", "Bob Reviewer", 1), "corrupt"),
        (lambda text: "[]", "corrupt"),
        (lambda text: text.replace('"parser":"', '"parser":"old-', 1), "stale"),
    ],
    ids=["truncated", "edited", "foreign", "another parser"],
)
def test_damage_is_detected(
    tmp_path: Path, epoch: tuple[str | None, list[object]], damage: object, state: str
) -> None:
    tip, records = epoch
    store_index(tmp_path, "kvm", "0", tip, records)  # type: ignore[arg-type]
    path = index_path(tmp_path, "kvm", "0")
    path.write_text(damage(path.read_text()))  # type: ignore[operator]
    assert load_index(tmp_path, "kvm", "0") == (None, [], state)


def test_the_parser_version_covers_the_parser() -> None:
    assert messages.parser_version().startswith("0.")
    assert "kvmstatus.mine.messages" in messages.PARSING_MODULES


def test_compact_sorted_json(tmp_path: Path, epoch: tuple[str | None, list[object]]) -> None:
    tip, records = epoch
    store_index(tmp_path, "kvm", "0", tip, records)  # type: ignore[arg-type]
    text = index_path(tmp_path, "kvm", "0").read_text()
    assert text.count("\n") == 1
    assert sorted(json.loads(text)) == ["checksum", "parser", "records", "tip"]
