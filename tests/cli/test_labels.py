"""Any kernel-style project: labels from the project, errors that name what the user typed,
the initial window kept apart, the project's own stable lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run
from kvmstatus.errors import UserError
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition

KUT_PATTERN = r"^v\d{4}"


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 1, out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_collect_labels_come_from_the_repository(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "collect", "--repo", str(kernel_repo), "--out", str(tmp_path / "k"))
    assert code == 0, err
    project = json.loads((tmp_path / "k" / "project.json").read_text())
    # The default selection is KVM's MAINTAINERS entries: the KVM status report.
    assert (project["project"], project["title"]) == ("kernel KVM", "KVM status report")
    code, _, err = run(
        capsys, "collect", "--repo", str(kernel_repo), "--out", str(tmp_path / "p"), "--paths", "."
    )
    assert code == 0, err
    project = json.loads((tmp_path / "p" / "project.json").read_text())
    assert (project["project"], project["title"]) == ("kernel", "kernel status report")
    code, _, err = run(
        capsys,
        *("collect", "--repo", str(kernel_repo), "--out", str(tmp_path / "n")),
        *("--paths", ".", "--project", "Mine", "--title", "Our report", "--test-suite", "T"),
    )
    assert code == 0, err
    project = json.loads((tmp_path / "n" / "project.json").read_text())
    assert (project["project"], project["title"]) == ("Mine", "Our report")
    assert project["settings"]["test_suite"] == "T"


@pytest.mark.realdata
def test_kvm_unit_tests_as_a_user_runs_it(
    capsys: pytest.CaptureFixture[str], kut_repo: Path, tmp_path: Path
) -> None:
    # Its MAINTAINERS has no KVM entry: the error says what to pass instead.
    line = _error(
        capsys,
        "collect",
        "--repo",
        str(kut_repo),
        "--out",
        str(tmp_path / "d"),
        "--pattern",
        KUT_PATTERN,
    )
    assert "the default subsystem 'KERNEL VIRTUAL MACHINE|^KVM(?![A-Z])' (KVM)" in line
    assert "list no files" in line
    assert "pass --paths . for the whole tree, or --subsystem REGEX" in line
    assert "X86" in line
    code, _, err = run(
        capsys,
        "collect",
        "--repo",
        str(kut_repo),
        "--out",
        str(tmp_path / "d"),
        "--pattern",
        KUT_PATTERN,
        "--paths",
        ".",
        "--arch-map",
        "kvm-unit-tests",
    )
    assert code == 0, err
    project = json.loads((tmp_path / "d" / "project.json").read_text())
    assert project["project"] == "kvm-unit-tests"
    assert project["title"] == "kvm-unit-tests status report"
    assert project["trend"]["n"] == len(project["releases"]) - 1


@pytest.mark.realdata
def test_history_trend_leaves_the_initial_window_out(
    capsys: pytest.CaptureFixture[str], kut_repo: Path
) -> None:
    argv = ["history", "--repo", str(kut_repo), "--pattern", KUT_PATTERN, "--paths", "."]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "5 releases)" in out
    assert "v2022-03-08 is all history up to the first release, not a release cycle" in out
    code, out, err = run(capsys, *argv, "--count-initial-window", "--json")
    assert code == 0, err
    assert json.loads(out)["trend"]["n"] == 6


def test_regexes_and_flags_as_typed(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    line = _error(
        capsys, "history", "--repo", str(kernel_repo), "--pattern", r"^v\d", "--since", "v9.9"
    )
    # One backslash, as typed (repr would print two), and where the releases are.
    assert r"--since 'v9.9' is not one of the release tags matching --pattern '^v\d'" in line
    assert "the first is v1.0, the last v1.3" in line
    line = _error(capsys, "releases", "--repo", str(kernel_repo), "--pattern", r"^x\d")
    assert r"matches --pattern '^x\d'" in line


def test_config_errors_name_the_key(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    def config(extra: str) -> str:
        path = tmp_path / "kvmstatus.toml"
        path.write_text(
            f'[data]\ndir = "data"\n[[project]]\nname = "k"\nrepository = "{kernel_repo}"\n'
            f"fetch = false\nrelease_pattern = '^v\\d\\.\\d$'\n{extra}"
        )
        return str(path)

    out = str(tmp_path / "public")
    line = _error(capsys, "run", "--config", config('since = "v9.9"\n'), "--out", out)
    assert (
        r"project[0].since 'v9.9' is not one of the release tags matching "
        r"project[0].release_pattern '^v\d\.\d$'"
    ) in line
    assert "--since" not in line
    # Found while computing a window (inside the flow): the same names, without Prefect.
    with pytest.raises(UserError) as found:
        edition(load_config(Path(config('subsystem = "XEN"\n'))), (False, False), publish=False)
    assert "matches project[0].subsystem 'XEN'" in str(found.value)
    assert 'set project[0].paths = ["."] for the whole tree' in str(found.value)
    line = _error(capsys, "run", "--config", config('stable_lists = ["stable"]\n'), "--out", out)
    assert "project[0].stable_lists: 'stable' is not an email address" in line


def test_out_under_a_file_says_which_is_a_file(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("notes")
    line = _error(capsys, "collect", "--repo", str(kernel_repo), "--out", str(afile / "data"))
    assert line.endswith(
        f"cannot use {afile / 'data'} as the data directory: {afile} is a file, not a directory"
    )
    data = tmp_path / "data"
    code, _, err = run(capsys, "collect", "--repo", str(kernel_repo), "--out", str(data))
    assert code == 0, err
    line = _error(capsys, "site", "--data", str(data), "--out", str(afile / "site"))
    assert f"{afile} is a file, not a directory" in line
    line = _error(capsys, "site", "--data", str(data), "--out", str(afile))
    assert f"cannot use {afile} as the site: it is a file, not a directory" in line
    assert afile.read_text() == "notes"


def test_stable_lists_are_the_projects(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path
) -> None:
    argv = ["stats", "--repo", str(kernel_repo), "--range", "v1.1..v1.2", "--json"]

    def cc_stable(*extra: str) -> int:
        code, out, err = run(capsys, *argv, *extra)
        assert code == 0, err
        return int(json.loads(out)["trailers"]["Cc-stable"]["commits"])

    # The fixture's fix has `Cc: stable@vger.kernel.org`.
    assert cc_stable() == 1
    assert cc_stable("--stable-lists") == 0
    assert cc_stable("--stable-lists", "stable@example.org") == 0
    assert cc_stable("--stable-lists", "STABLE@vger.kernel.org") == 1
