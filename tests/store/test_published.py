"""`DATA/published.json`: what was pushed where, read back only for the same target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kvmstatus.store.published import PUBLISHED, pushed_stamp, record_pushed

TARGET = "git@example.org:report.git (gh-pages)"


def test_a_push_is_remembered_for_its_target_only(tmp_path: Path) -> None:
    assert pushed_stamp(tmp_path, TARGET) is None  # nothing pushed yet
    record_pushed(tmp_path, TARGET, "abc123")
    assert pushed_stamp(tmp_path, TARGET) == "abc123"
    assert pushed_stamp(tmp_path, "git@example.org:other.git (gh-pages)") is None
    record_pushed(tmp_path, TARGET, "def456")
    assert pushed_stamp(tmp_path, TARGET) == "def456"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{not json",
        "[]",
        json.dumps({"target": TARGET}),
        json.dumps({"target": TARGET, "stamp": 3}),
    ],
    ids=["empty", "cut-short", "a-list", "no-stamp", "not-text"],
)
def test_a_damaged_record_is_no_stamp(tmp_path: Path, text: str) -> None:
    # Unknown, so the next run pushes again rather than trusting it.
    (tmp_path / PUBLISHED).write_text(text, encoding="utf-8")
    assert pushed_stamp(tmp_path, TARGET) is None
