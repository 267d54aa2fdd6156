"""The yearly comparison on real histories: `kvmstatus year` and the site's table give the
same numbers (one function computes both), every period is a year within 10%, and plain git
reproduces the commits of each with the command the Methodology page prints."""

from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from helpers import main_quiet, run
from kvmstatus.website.markdown import fmt_int, fmt_pct

pytestmark = pytest.mark.realdata

CASES = {
    "kvm-unit-tests": (r"^v\d{4}-\d{2}-\d{2}$", ["--paths", ".", "--arch-map", "kvm-unit-tests"]),
    "xen": (r"^RELEASE-4\.\d+\.0$", ["--paths", "xen/arch"]),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, list[str], Path]:
    name = request.param
    repo: Path = request.getfixturevalue("kut_repo" if name == "kvm-unit-tests" else "xen_repo")
    pattern, options = CASES[name]
    root = tmp_path_factory.mktemp(f"years-{name}")
    main_quiet(
        "collect", "--repo", str(repo), "--pattern", pattern, *options, "--out", str(root / "data")
    )
    main_quiet("site", "--data", str(root / "data"), "--out", str(root / "site"))
    return repo, pattern, options, root


def cells(page: str, label: str) -> list[str]:
    """The cells of the home table's row `label`, as a reader sees them."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        found = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if found and found[0] == label:
            return found[1:]
    raise AssertionError(f"no row {label!r}")


def test_year_and_the_site_agree(
    case: tuple[Path, str, list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, pattern, options, root = case
    years = json.loads((root / "data" / "years.json").read_text())
    project = json.loads((root / "data" / "project.json").read_text())
    end = project["releases"][-1]
    code, out, err = run(
        capsys, "year", "--repo", str(repo), "--end", end, "--pattern", pattern, *options, "--json"
    )
    assert code == 0, err
    printed = json.loads(out)
    assert printed["spans"] == years["spans"]
    assert printed["rows"] == years["rows"]
    assert printed["changes"] == years["changes"]
    assert len(years["spans"]) == 3
    for span in years["spans"]:
        assert 365 * 0.9 <= span["days"] <= 365 * 1.1
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    rows = printed["rows"]
    # Columns: this year, then each earlier year followed by the change against it.
    commits = cells(home, "Commits (non-merge)")
    assert [commits[0], *commits[1::2]] == [fmt_int(r["commits"]) for r in rows]
    assert commits[2::2] == [f"{c:+.1f}%" for c in printed["changes"]["commits"]]
    coverage = cells(home, "Review coverage")
    assert [coverage[0], *coverage[1::2]] == [fmt_pct(r["review_coverage"]) for r in rows]


def test_methodology_commands_count_each_year(case: tuple[Path, str, list[str], Path]) -> None:
    repo, _, _, root = case
    years = json.loads((root / "data" / "years.json").read_text())
    methodology = html.unescape((root / "site" / "methodology.html").read_text(encoding="utf-8"))
    found = re.findall(r"<code>(git rev-list --count --no-merges [^<]*)</code>", methodology)
    commands = [c for c in found if "A..B" not in c]  # the definitions' table is generic
    assert len(commands) == len(years["rows"])
    for command, row in zip(commands, years["rows"], strict=True):
        found = subprocess.run(
            ["git", *shlex.split(command)[1:]], cwd=repo, capture_output=True, text=True, check=True
        )
        assert int(found.stdout) == row["commits"], command
