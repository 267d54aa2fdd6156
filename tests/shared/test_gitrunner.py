"""The one git runner: how a failed git reads, and which failures are worth a retry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fixture_lists as fl
from helpers import build_repo, git
from kvmstatus.errors import GitFailure, UserError
from kvmstatus.git.archives import open_archive
from kvmstatus.git.sources import open_repository
from kvmstatus.shared import gitrunner
from kvmstatus.shared.gitrunner import NetworkError

CLONE_OF_A_CUT_BUNDLE = (
    "fatal: early EOF\nerror: index-pack died\nfatal: remote transport reported error\n"
)
CLONE_OF_NO_BUNDLE = (
    "error: '/x/list.bundle' does not look like a v2 or v3 bundle file\n"
    "fatal: invalid gitfile format: /x/list.bundle\n"
    "fatal: Could not read from remote repository.\n\n"
    "Please make sure you have the correct access rights\nand the repository exists.\n"
)


def test_git_s_first_fatal_or_error_line_is_the_telling_one() -> None:
    assert gitrunner.explain(CLONE_OF_A_CUT_BUNDLE) == "early EOF"
    assert gitrunner.explain(CLONE_OF_NO_BUNDLE) == (
        "'/x/list.bundle' does not look like a v2 or v3 bundle file"
    )
    assert gitrunner.explain("warning: x\nsomething odd\n") == "warning: x"
    assert gitrunner.explain("") == "git failed"


def test_output_raises_git_s_message() -> None:
    with pytest.raises(GitFailure, match="not a git command"):
        gitrunner.output(["no-such-command"])
    assert gitrunner.output(["--version"]).startswith(b"git version")


def test_only_a_remote_s_network_failure_is_retried(tmp_path: Path) -> None:
    # A URL nobody answers: git says it cannot connect, a failure that may pass.
    with pytest.raises(NetworkError, match="cannot clone"):
        gitrunner.transfer(
            ["clone", "--quiet", "http://127.0.0.1:9/nothing", str(tmp_path / "a")],
            "cannot clone",
            remote=True,
        )
    # The same words from a local file are no network failure: retrying cannot help.
    cut = tmp_path / "cut.bundle"
    repo = build_repo(tmp_path / "src.git", fl.fast_import_stream())
    git(repo, "bundle", "create", str(tmp_path / "whole.bundle"), "master")
    cut.write_bytes((tmp_path / "whole.bundle").read_bytes()[:3000])
    with pytest.raises(UserError) as caught:
        gitrunner.transfer(
            ["clone", "--quiet", "--mirror", str(cut), str(tmp_path / "b")], "x", remote=False
        )
    assert not isinstance(caught.value, NetworkError)


@pytest.mark.parametrize("content", [b"garbage", None], ids=["not-a-bundle", "cut-short"])
def test_a_damaged_bundle_says_what_is_wrong(
    tmp_path: Path, list_archive: Path, content: bytes | None
) -> None:
    """The issue: "cannot clone ...: and the repository exists." (git's last line)."""
    whole = tmp_path / "whole.bundle"
    git(list_archive, "bundle", "create", str(whole), "master")
    bundle = tmp_path / "list.bundle"
    bundle.write_bytes(content if content is not None else whole.read_bytes()[:5000])
    for opening in (open_archive, open_repository):
        with pytest.raises(UserError) as caught:
            opening(str(bundle), cache=tmp_path / f"cache-{opening.__name__}")
        line = str(caught.value)
        assert line.startswith(f"cannot clone {bundle}: ")
        assert "repository exists" not in line
        assert "\n" not in line
        assert "is the bundle whole? `git bundle list-heads FILE` reads it" in line
        if content is not None:
            assert "does not look like a v2 or v3 bundle file" in line
        assert not isinstance(caught.value, NetworkError)


def test_every_git_process_starts_in_the_runner() -> None:
    """No module but the runner starts a process of its own (the Prefect server aside, which
    is no git): a new git call cannot escape the one reading of failures and retries."""
    package = Path(gitrunner.__file__).resolve().parents[1]
    starts = re.compile(r"subprocess\.(?:run|Popen|call|check_output|check_call)\(|os\.exec")
    found = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "gitrunner.py" and starts.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
