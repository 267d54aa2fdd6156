from pathlib import Path

import pytest

from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.releases import list_tags, release_tags, release_windows
from kvmstatus.shared.versions import version_key


def test_version_order_is_numeric_and_rc_first() -> None:
    tags = ["v3.10", "v3.9", "v4.20-rc1", "v3.10-rc7", "v2.6.39", "v3.10-rc1", "v4.20", "v5.4-rc1"]
    assert sorted(tags, key=version_key) == [
        "v2.6.39",
        "v3.9",
        "v3.10-rc1",
        "v3.10-rc7",
        "v3.10",
        "v4.20-rc1",
        "v4.20",
        "v5.4-rc1",
    ]


def test_date_named_tags_sort_by_date() -> None:
    tags = ["v2025-07-31", "v2022-03-08", "v2025-06-05", "v2024-01-08"]
    assert sorted(tags, key=version_key) == sorted(tags)


def test_windows_on_fixture(kernel_repo: Path) -> None:
    tags, skipped = list_tags(GitRepo(kernel_repo))
    assert skipped == []
    windows = release_windows(release_tags(tags))
    assert [w.range for w in windows] == ["v1.0", "v1.0..v1.1", "v1.1..v1.2", "v1.2..v1.3"]
    with_rc = release_windows(release_tags(tags, r"^v\d+\.\d+(-rc\d+)?$"))
    assert [w.range for w in with_rc][-3:] == ["v1.1..v1.2-rc1", "v1.2-rc1..v1.2", "v1.2..v1.3"]


def test_annotated_tag_is_peeled(kernel_repo: Path) -> None:
    tags, _ = list_tags(GitRepo(kernel_repo))
    by_name = {t.name: t for t in tags}
    head = GitRepo(kernel_repo).resolve_commit("master")
    assert by_name["v1.3"].commit == head
    assert by_name["v1.3"].date.isoformat() == "2023-12-04T22:13:20+00:00"


def test_bad_pattern() -> None:
    with pytest.raises(UserError, match="invalid tag pattern"):
        release_tags([], "v(")
