"""`push_site`: a built site committed to a branch of a local bare repository (no network)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import git
from kvmstatus.errors import UserError
from kvmstatus.website import gitpublish as publishing
from kvmstatus.website.gitpublish import push_site
from kvmstatus.website.sitedir import MARKER

DATE = "2024-05-12"


def make_site(path: Path, files: dict[str, str]) -> Path:
    """A directory shaped like a built site: the files plus the marker every site carries."""
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("built by kvmstatus\n", encoding="utf-8")
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    return path


def bare(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def tip(remote: Path, branch: str = "gh-pages") -> str:
    return git(remote, "rev-parse", f"refs/heads/{branch}").strip()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path / "public",
        {"index.html": "<h1>KVM</h1>\n", "assets/kvmstatus.css": "body {}\n"},
    )


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare(tmp_path / "pages.git")


def test_first_publish_creates_the_branch_as_a_root_commit(site: Path, remote: Path) -> None:
    commit = push_site(site, str(remote), message="KVM status report as of v6.9", date=DATE)

    assert tip(remote) == commit
    files = git(remote, "ls-tree", "-r", "--name-only", commit).split()
    assert sorted(files) == sorted([".nojekyll", MARKER, "assets/kvmstatus.css", "index.html"])
    assert git(remote, "show", f"{commit}:index.html") == "<h1>KVM</h1>\n"
    assert git(remote, "show", f"{commit}:.nojekyll") == ""
    assert git(remote, "log", "--format=%P", commit).strip() == ""  # no parent
    who = git(remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%aI|%cI|%s", commit).strip()
    assert who == (
        "kvmstatus <kvmstatus@localhost>|kvmstatus <kvmstatus@localhost>|"
        "2024-05-12T00:00:00+00:00|2024-05-12T00:00:00+00:00|KVM status report as of v6.9"
    )
    # The site itself is only read: .nojekyll lives in the commit, not in the directory.
    assert not (site / ".nojekyll").exists()


def test_a_changed_site_is_one_commit_on_top(site: Path, remote: Path) -> None:
    first = push_site(site, str(remote), message="as of v6.9", date=DATE)
    (site / "index.html").write_text("<h1>KVM v6.10</h1>\n", encoding="utf-8")
    (site / "releases.html").write_text("v6.10\n", encoding="utf-8")
    (site / "assets" / "kvmstatus.css").unlink()

    second = push_site(site, str(remote), message="as of v6.10", date="2024-07-14T18:30:00+02:00")

    assert second != first
    assert tip(remote) == second
    assert git(remote, "log", "--format=%P", "-1", second).strip() == first
    assert git(remote, "rev-list", "--count", "gh-pages").strip() == "2"
    files = git(remote, "ls-tree", "-r", "--name-only", second).split()
    # The branch holds exactly the site: files gone from the site are gone from the tree.
    assert sorted(files) == sorted([".nojekyll", MARKER, "index.html", "releases.html"])
    assert git(remote, "log", "-1", "--format=%aI", second).strip() == "2024-07-14T18:30:00+02:00"


def test_an_unchanged_site_makes_no_commit(site: Path, remote: Path) -> None:
    first = push_site(site, str(remote), message="as of v6.9", date=DATE)
    # A later date and another message do not matter: the tree is what is compared.
    again = push_site(site, str(remote), message="as of v6.9 (rerun)", date="2024-06-01")

    assert again == first
    assert tip(remote) == first
    assert git(remote, "rev-list", "--count", "gh-pages").strip() == "1"


def test_same_content_and_date_give_the_same_commit(tmp_path: Path) -> None:
    hashes = []
    for n in (1, 2):
        # Separate directories and remotes, written at different times: only content counts.
        built = make_site(tmp_path / f"site{n}", {"index.html": "same\n", "a/b.txt": "b\n"})
        hashes.append(
            push_site(built, str(bare(tmp_path / f"r{n}.git")), message="as of v6.9", date=DATE)
        )
    assert hashes[0] == hashes[1]


def test_another_branch_name_and_the_rest_of_the_remote(site: Path, remote: Path) -> None:
    other = push_site(site, str(remote), "main", message="m", date=DATE)
    commit = push_site(site, str(remote), "pages", message="p", date=DATE)

    assert tip(remote, "pages") == commit
    assert tip(remote, "main") == other  # the other branch is left alone
    assert git(remote, "for-each-ref", "--format=%(refname)").split() == [
        "refs/heads/main",
        "refs/heads/pages",
    ]


def unrelated_commit(remote: Path) -> str:
    """A root commit in `remote` that shares no history with anything kvmstatus pushed."""
    tree = git(remote, "mktree", input=b"").strip()
    return git(remote, "commit-tree", tree, "-m", "someone else's pages").strip()


def test_a_branch_moved_meanwhile_rejects_the_push(
    site: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = push_site(site, str(remote), message="as of v6.9", date=DATE)
    (site / "index.html").write_text("changed\n", encoding="utf-8")
    before = snapshot(site)
    fetch = publishing._Scratch.remote_tip
    moved: list[str] = []

    def fetch_then_someone_pushes(self: publishing._Scratch, url: str, ref: str) -> str | None:
        seen = fetch(self, url, ref)
        # Between our fetch and our push, another publisher replaces the branch.
        moved.append(unrelated_commit(remote))
        git(remote, "update-ref", ref, moved[0])
        return seen

    monkeypatch.setattr(publishing._Scratch, "remote_tip", fetch_then_someone_pushes)
    with pytest.raises(UserError) as caught:
        push_site(site, str(remote), message="as of v6.10", date="2024-07-14")

    message = str(caught.value)
    assert "\n" not in message
    assert "rejected" in message
    assert "run again" in message
    assert tip(remote) == moved[0] != first  # their commit stays: no force push
    assert snapshot(site) == before


def test_a_branch_moved_before_the_run_is_built_upon(site: Path, remote: Path) -> None:
    push_site(site, str(remote), message="as of v6.9", date=DATE)
    theirs = unrelated_commit(remote)
    git(remote, "update-ref", "refs/heads/gh-pages", theirs)

    commit = push_site(site, str(remote), message="as of v6.9", date=DATE)

    assert git(remote, "log", "--format=%P", "-1", commit).strip() == theirs


def test_a_remote_refusing_the_update_is_a_user_error(site: Path, remote: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)

    with pytest.raises(UserError, match=r"remote rejected.*protection rules") as caught:
        push_site(site, str(remote), message="as of v6.9", date=DATE)
    assert "\n" not in str(caught.value)
    assert git(remote, "for-each-ref").strip() == ""


@pytest.mark.parametrize("kind", ["missing-path", "file-url", "not-a-repository"])
def test_an_unreachable_remote_is_a_user_error(site: Path, tmp_path: Path, kind: str) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    url = {
        "missing-path": str(tmp_path / "nowhere.git"),
        "file-url": (tmp_path / "nowhere.git").as_uri(),
        "not-a-repository": str(plain),
    }[kind]
    before = snapshot(site)

    with pytest.raises(UserError) as caught:
        push_site(site, url, message="as of v6.9", date=DATE)

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cannot read branch gh-pages of ")
    assert "check the remote's URL" in message
    assert "nothing was published" in message
    assert snapshot(site) == before
    assert list(plain.iterdir()) == []


def test_credentials_in_the_remote_never_reach_the_message(site: Path, tmp_path: Path) -> None:
    # An unsupported scheme fails locally (no network) while echoing the URL.
    url = "nosuchscheme://user:s3cret@example.invalid/pages.git"
    with pytest.raises(UserError) as caught:
        push_site(site, url, message="m", date=DATE)
    assert "s3cret" not in str(caught.value)


def test_the_users_repositories_are_never_touched(
    site: Path, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from inside someone's work tree, with variables a git hook would have set.
    mine = tmp_path / "mine"
    subprocess.run(["git", "init", "-q", str(mine)], check=True)
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    git(mine, "add", "notes.txt")
    state = snapshot(mine / ".git")
    with monkeypatch.context() as env:
        env.chdir(mine)
        env.setenv("GIT_DIR", str(mine / ".git"))
        env.setenv("GIT_WORK_TREE", str(mine))
        env.setenv("GIT_INDEX_FILE", str(mine / ".git" / "index"))
        env.setenv("GIT_OBJECT_DIRECTORY", str(mine / ".git" / "objects"))
        commit = push_site(site, str(remote), message="as of v6.9", date=DATE)

    assert tip(remote) == commit
    assert snapshot(mine / ".git") == state


def test_a_directory_without_the_marker_is_refused(tmp_path: Path, remote: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.txt").write_text("do not publish\n", encoding="utf-8")
    with pytest.raises(UserError, match="not a site kvmstatus built"):
        push_site(home, str(remote), message="m", date=DATE)
    assert git(remote, "for-each-ref").strip() == ""


@pytest.mark.parametrize(
    ("remote_arg", "branch", "date", "match"),
    [
        ("", "gh-pages", DATE, "not a git remote"),
        ("--upload-pack=evil", "gh-pages", DATE, "not a git remote"),
        (None, "bad..name", DATE, "not a valid branch name"),
        (None, "-x", DATE, "not a valid branch name"),
        (None, "gh-pages", "12 May 2024", "not an ISO date"),
    ],
)
def test_bad_arguments_are_user_errors(
    site: Path, remote: Path, remote_arg: str | None, branch: str, date: str, match: str
) -> None:
    url = str(remote) if remote_arg is None else remote_arg
    with pytest.raises(UserError, match=match):
        push_site(site, url, branch, message="m", date=date)
    assert git(remote, "for-each-ref").strip() == ""
