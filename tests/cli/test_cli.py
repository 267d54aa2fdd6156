"""The command line, through `main(argv)`, as a user types it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_history import MAINTAINERS, fast_import_stream
from helpers import build_repo, git, run
from kvmstatus.cli.parser import build_parser, named_command


def test_every_command_and_option_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) >= {"releases", "stats"}
    helps = {a.dest: a.help for a in subparsers._choices_actions}
    for name, sub in subparsers.choices.items():
        assert helps.get(name), f"`kvmstatus {name}` has no help line"
        for action in sub._actions:
            assert action.help, f"`kvmstatus {name} {action.option_strings}` has no help"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def _options(parser: argparse.ArgumentParser) -> list[tuple[tuple[str, ...], object, object]]:
    return [(tuple(a.option_strings), a.dest, a.default) for a in parser._actions]


def test_the_parser_of_one_command_is_that_command_of_the_whole_parser() -> None:
    # `main` builds only the named command's options (the start-up cost of the rest).
    whole = _subcommands(build_parser())
    for name, full in whole.items():
        alone = _subcommands(build_parser(name))
        assert list(alone) == list(whole)  # every command still listed, in order
        assert _options(alone[name]) == _options(full)
        assert alone[name].description == full.description
        others = [n for n in alone if n != name]
        assert all(len(_options(alone[n])) == 1 for n in others)  # just -h
    # An unknown word builds everything, so argparse's error lists the valid commands.
    assert {n: _options(p) for n, p in _subcommands(build_parser("histroy")).items()} == {
        n: _options(p) for n, p in whole.items()
    }


def test_named_command() -> None:
    assert named_command(["history", "--repo", "x"]) == "history"
    assert named_command(["--version"]) is None
    assert named_command([]) is None


def test_python_dash_m_works(kernel_repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kvmstatus", "releases", "--repo", str(kernel_repo)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.splitlines()[0].split()[0] == "v1.0"


_AT_FIRST_LOG = """
import subprocess, sys
started = subprocess.Popen.__init__
def spy(self, args, *rest, **kw):
    if "log" in args:
        print(" ".join(sorted(sys.modules)), file=sys.stderr)
        sys.stderr.flush()
    started(self, args, *rest, **kw)
subprocess.Popen.__init__ = spy
from kvmstatus.cli import main
main(sys.argv[1:])
"""


def test_history_starts_its_first_log_before_it_loads_the_parsing_and_the_analysis(
    kernel_repo: Path,
) -> None:
    # git runs on another core while the rest loads (`commands.history`): what is loaded
    # by then is the start-up every history waits for.
    proc = subprocess.run(
        [sys.executable, "-c", _AT_FIRST_LOG, "history", "--repo", str(kernel_repo)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(proc.stderr.splitlines()[0].split())
    assert "kvmstatus.mine.gitlog" in loaded
    heavy = {"json", "kvmstatus.cli.text", "kvmstatus.mine.log", "kvmstatus.model.records"}
    heavy |= {"kvmstatus.mine.trailers", "kvmstatus.model.trailers", "kvmstatus.jobs.window"}
    heavy |= {"kvmstatus.analyse"}
    assert loaded & heavy == set()
    assert "v1.3" in proc.stdout  # and the command went on to print every window


def test_releases_table_and_json(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, _ = run(capsys, "releases", "--repo", str(kernel_repo))
    assert code == 0
    assert out.splitlines() == [
        "v1.0  2023-11-14  v1.0",
        "v1.1  2023-11-19  v1.0..v1.1",
        "v1.2  2023-11-23  v1.1..v1.2",
        "v1.3  2023-12-04  v1.2..v1.3",
    ]
    code, out, _ = run(capsys, "releases", "--repo", str(kernel_repo), "--json", "--pattern", "rc")
    assert json.loads(out) == [
        {
            "release": "v1.2-rc1",
            "commit": git(kernel_repo, "rev-parse", "v1.2-rc1").strip(),
            "date": "2023-11-21",
            "previous": None,
            "range": "v1.2-rc1",
        }
    ]


def test_stats_json_shape(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, err = run(
        capsys, "stats", "--repo", str(kernel_repo), "--range", "v1.1..v1.2", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["range"] == "v1.1..v1.2"
    assert ":(glob)arch/x86/kvm/**" in data["paths"]
    assert (data["commits"], data["merges"], data["authors"]) == (4, 1, 2)
    assert data["trailers"]["Reviewed-by"] == {"commits": 4, "lines": 5}
    assert data["top_authors"][0] == {
        "name": "Sean Example",
        "email": "sean@example.com",
        "count": 3,
    }
    assert {"top_reviewers", "top_ackers", "top_fixers"} <= data.keys()
    assert "1 trailer line(s) could not be parsed" in err


def test_stats_table_and_paths(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, _ = run(
        capsys,
        "stats",
        "--repo",
        str(kernel_repo),
        "--range",
        "v1.0..v1.3",
        "--paths",
        "arch/riscv/",
        "arch/s390/",
        "--top",
        "1",
    )
    assert code == 0
    assert "paths    arch/riscv/ arch/s390/" in out
    assert "commits       2   (non-merge)" in out
    assert "   1. Alice Arm <alice@arm.example>      1" in out


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kvmstatus: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_not_a_repository(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "is not a git repository" in _error(capsys, "releases", "--repo", str(tmp_path))
    assert "does not exist" in _error(capsys, "releases", "--repo", str(tmp_path / "nope"))


def test_unknown_tag(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    line = _error(capsys, "stats", "--repo", str(kernel_repo), "--range", "v1.1..v9.9")
    assert "unknown revision 'v9.9'" in line
    assert "git fetch --tags" in line


def test_empty_window(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    line = _error(capsys, "stats", "--repo", str(kernel_repo), "--range", "v1.2..v1.1")
    assert "contains no commits" in line


def test_bad_range_and_pattern(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    assert "two dots" in _error(capsys, "stats", "--repo", str(kernel_repo), "--range", "a...b")
    assert "invalid tag pattern" in _error(
        capsys, "releases", "--repo", str(kernel_repo), "--pattern", "("
    )


def test_shallow_clone(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{kernel_repo}", str(shallow)], check=True
    )
    line = _error(capsys, "releases", "--repo", str(shallow))
    assert "shallow clone" in line
    assert "git fetch --unshallow" in line


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository away")
def test_dubious_ownership(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "theirs.git"
    subprocess.run(["cp", "-a", str(kernel_repo), str(theirs)], check=True)
    subprocess.run(["chown", "-R", "65534:65534", str(theirs)], check=True)
    line = _error(capsys, "releases", "--repo", str(theirs))
    assert "safe.directory" in line


def test_unknown_subsystem_and_missing_maintainers(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path
) -> None:
    line = _error(
        capsys, "stats", "--repo", str(kernel_repo), "--range", "v1.0..v1.1", "--subsystem", "XEN"
    )
    assert "no MAINTAINERS entry" in line
    assert "'XEN'" in line


def test_malformed_maintainers_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = MAINTAINERS.replace("F:\tarch/riscv/kvm/\n", "F:\n")
    repo = build_repo(tmp_path / "bad.git", fast_import_stream(bad))
    line = _error(capsys, "stats", "--repo", str(repo), "--range", "v1.0..v1.1")
    assert "MAINTAINERS" in line
    assert ":" in line
    # The same file is fine when the malformed entry is not selected.
    code, _, _ = run(
        capsys, "stats", "--repo", str(repo), "--range", "v1.0..v1.1", "--subsystem", "ARM64"
    )
    assert code == 0


def test_undecodable_message_is_reported_not_fatal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = b"KVM: x86: caf\xe9 cr\xe8me\n\nReviewed-by: Alice Arm <alice@arm.example>\n"
    extra = (
        b"commit refs/heads/master\n"
        b"author Ren\xe9 <rene@x.org> 1700100000 +0000\n"
        b"committer C <c@x.org> 1700100000 +0000\n"
        b"data %d\n%s\nM 100644 inline arch/x86/kvm/x86.c\ndata 3\nx5\n\n"
        b"reset refs/tags/v1.4\nfrom refs/heads/master\n\n"
    ) % (len(message), message)
    repo = build_repo(tmp_path / "latin.git", fast_import_stream() + extra)
    commit = git(repo, "rev-parse", "v1.4").strip()
    code, out, err = run(capsys, "stats", "--repo", str(repo), "--range", "v1.3..v1.4", "--json")
    assert code == 0
    assert "not valid UTF-8" in err
    assert commit[:12] in err
    data = json.loads(out)
    assert data["undecodable_commits"] == [commit]
    assert data["trailers"]["Reviewed-by"] == {"commits": 1, "lines": 1}
    assert data["top_authors"][0]["name"] == "Ren\ufffd"


def test_stats_companies_sum_and_user_map(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    emailmap = tmp_path / "emailmap"
    emailmap.write_text("example.com  Example Corp\narm.example  Arm Example\n")
    code, out, _ = run(
        capsys,
        "stats",
        "--repo",
        str(kernel_repo),
        "--range",
        "v1.0..v1.3",
        "--json",
        "--affiliations",
        str(emailmap),
    )
    assert code == 0, out
    data = json.loads(out)
    assert sum(c["commits"] for c in data["companies"]) == data["commits"] == 6
    assert data["companies"] == [
        {"company": "Example Corp", "commits": 3},
        {"company": "Arm Example", "commits": 2},
        {"company": "(Unknown)", "commits": 1},
    ]
    assert data["unknown_company_share"] == round(1 / 6, 4)


def test_expired_affiliation_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path, tmp_path: Path
) -> None:
    emailmap = tmp_path / "emailmap"
    # Alice's last commit is after her only entry ended: a map error, not a guess.
    emailmap.write_text("arm.example  Arm Example < 2023-11-18\n")
    line = _error(
        capsys,
        "stats",
        "--repo",
        str(kernel_repo),
        "--range",
        "v1.0..v1.3",
        "--affiliations",
        str(emailmap),
    )
    assert "emailmap:1" in line


def test_stats_reports_fixes(capsys: pytest.CaptureFixture[str], kernel_repo: Path) -> None:
    code, out, _ = run(
        capsys, "stats", "--repo", str(kernel_repo), "--range", "v1.1..v1.2", "--json"
    )
    assert code == 0
    data = json.loads(out)
    # The fixture's only Fixes: line quotes a hash that is in no repository.
    assert data["fixes"]["lines"] == 1
    assert dict(data["fixes"]["problems"])["unknown-hash"] == 1
    assert [f["ref"]["quoted_hash"] for f in data["invalid_fixes"]] == ["0123456789ab"]
    assert data["row"]["fixes_invalid"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--releases", "0"], "--releases 0: the demo needs at least 2 releases"),
        (["--releases", "10", "--commits", "50"], "--commits 50: 10 releases need at least 400"),
    ],
)
def test_demo_bad_sizes_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    line = _error(capsys, "demo", "--out", str(tmp_path / "demo"), *argv)
    assert line.startswith(f"kvmstatus: error: {message}")
    assert not (tmp_path / "demo").exists()


def test_program_prints_all_of_history_before_its_quick_exit(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path
) -> None:
    # `kvmstatus history` leaves without tearing the interpreter down: its output, flushed
    # first, is what `main` prints in this process, to the last byte, through a pipe.
    argv = ["history", "--repo", str(kernel_repo), "--json"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "kvmstatus", *argv], capture_output=True, text=True, timeout=120
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout) == json.loads(out)


@pytest.mark.parametrize(("signum", "code"), [(2, 130), (15, 143)])
def test_a_stop_while_the_program_loads_is_one_line(signum: int, code: int) -> None:
    # Before `shared.stopping` takes over, `kvmstatus.__main__` answers a stop itself.
    script = (
        "import os, signal, time\n"
        "from kvmstatus.__main__ import _stopped_while_loading\n"
        f"signal.signal({signum}, _stopped_while_loading)\n"
        f"os.kill(os.getpid(), {signum})\n"
        "time.sleep(30)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    name = "SIGINT" if signum == 2 else "SIGTERM"
    assert (proc.returncode, proc.stderr) == (code, f"kvmstatus: stopped ({name})\n")
