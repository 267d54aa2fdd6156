import subprocess
from pathlib import Path

import pytest

from helpers import git
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


def test_tags_of_tags_are_peeled_as_git_does(kernel_repo: Path, tmp_path: Path) -> None:
    """A tag of a tag (Xen's RELEASE-4.5.0) names the commit `TAG^{commit}` names; a tag
    that ends at a tree, however deep, names none."""
    repo_path = tmp_path / "nested.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(kernel_repo), str(repo_path)], check=True)
    nested = ["-c", "advice.nestedTag=false", "tag", "-a", "-m"]
    git(repo_path, *nested, "inner", "inner", "v1.1")
    git(repo_path, *nested, "middle", "middle", "inner")
    git(repo_path, *nested, "outer", "v1.9", "middle")
    git(repo_path, *nested, "tree", "tree-tag", "v1.2^{tree}")
    git(repo_path, *nested, "tree of tag", "v1.8", "tree-tag")
    tags, skipped = list_tags(GitRepo(repo_path))
    by_name = {t.name: t for t in tags}
    for name in ("inner", "middle", "v1.9"):
        assert by_name[name].commit == git(repo_path, "rev-parse", f"{name}^{{commit}}").strip()
        assert by_name[name].date == by_name["v1.1"].date
    assert sorted(skipped) == ["tree-tag", "v1.8"]
    assert [t.name for t in release_tags(tags)] == ["v1.0", "v1.1", "v1.2", "v1.3", "v1.9"]
    assert [t.name for t in tags] == sorted(t.name for t in tags)  # git's order, kept


def test_bad_pattern() -> None:
    with pytest.raises(UserError, match="invalid tag pattern"):
        release_tags([], "v(")


@pytest.mark.realdata
def test_every_xen_tag_peels_as_git_does(xen_repo: Path) -> None:
    tags, skipped = list_tags(GitRepo(xen_repo))
    names = [t.name for t in tags]
    query = "".join(f"refs/tags/{n}^{{commit}}\n" for n in names).encode()
    peeled = git(xen_repo, "cat-file", "--batch-check=%(objectname)", input=query).split()
    assert [t.commit for t in tags] == peeled
    assert skipped == []
    releases = release_tags(tags, r"^RELEASE-4\.\d+\.0$")
    assert "RELEASE-4.5.0" in [t.name for t in releases]  # a tag of a tag
    listed = git(xen_repo, "tag", "-l", "RELEASE-4.*.0").split()
    assert len(releases) == len(listed)
