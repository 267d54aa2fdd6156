"""A project that is not Linux KVM: `examples/kvm-unit-tests.toml` (kvm-unit-tests on its own
release tags, kvmtool beside it) on the real histories gives a site whose every label is
true, and numbers that plain git reproduces."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import git
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition
from kvmstatus.shared.numbers import linear_trend
from kvmstatus.website import charts

pytestmark = pytest.mark.realdata
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kvm-unit-tests.toml"


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, kut_repo: Path, kvmtool_repo: Path
) -> tuple[Path, Path]:
    """The example configuration with the shared bundles for repositories, run once."""
    root = tmp_path_factory.mktemp("any-project")
    text = EXAMPLE.read_text()
    text = text.replace("https://gitlab.com/kvm-unit-tests/kvm-unit-tests.git", str(kut_repo))
    text = text.replace(
        "https://git.kernel.org/pub/scm/linux/kernel/git/will/kvmtool.git", str(kvmtool_repo)
    )
    config_file = root / "kvmstatus.toml"
    config_file.write_text(text)
    config = load_config(config_file)
    summary = edition(config, (False, False))
    assert summary.published
    return config.data_dir, Path(summary.site)


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def text(site: Path, name: str) -> str:
    """The page's article as a reader sees it (tags dropped, entities decoded)."""
    body = page(site, name)
    article = body[body.index("<article") : body.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_no_page_says_linux_kvm(built: tuple[Path, Path]) -> None:
    _, site = built
    for path in sorted(site.rglob("*.html")):
        body = path.read_text(encoding="utf-8")
        for wrong in ("Linux KVM", "KVM status report", "Kernel selftests"):
            assert wrong not in body, f"{path.relative_to(site)} says {wrong!r}"
    index = page(site, "index.html")
    assert "<title>kvm-unit-tests status report</title>" in index
    assert "counting the whole tree" in text(site, "index.html")


def windows(data: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    project = json.loads((data / "project.json").read_text())
    docs = [json.loads((data / "windows" / f"{r}.json").read_text()) for r in project["releases"]]
    return project, docs


def test_initial_window_is_apart_and_labelled(built: tuple[Path, Path], kut_repo: Path) -> None:
    data, site = built
    project, docs = windows(data)
    first = docs[0]
    assert first["range"] == first["release"] == "v2022-03-08"  # all history up to it
    # The trend is over the release cycles only, as plain git counts them.
    counts = [
        int(git(kut_repo, "rev-list", "--count", "--no-merges", d["range"], "--", ".").strip())
        for d in docs[1:]
    ]
    fit = linear_trend([float(n) for n in counts])
    assert fit is not None
    assert project["trend"]["n"] == len(docs) - 1 == 5
    assert project["trend"]["slope"] == pytest.approx(fit.slope)
    home = text(site, "index.html")
    assert f"Linear trend: {fit.slope:+.1f} commits per release" in home
    assert "v2022-03-08 is all history up to the first release (2,304 commits)" in home
    # The releases are 2 to 17 months apart: no run of whole cycles makes a year, so every
    # yearly column is a calendar year (365 days back from the newest release, by commit
    # date), none reaching into the initial window.
    heads = re.findall(r"<th[^>]*>(.*?)</th>", page(site, "index.html"))
    years = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in heads if "year" in h]
    assert years == [
        "this year2025-04-17 to2026-04-17",
        "1 year earlier2024-04-17 to2025-04-17",
        "2 years earlier2023-04-17 to2024-04-17",
    ]
    stored = json.loads((data / "years.json").read_text())
    assert [s["days"] for s in stored["spans"]] == [365.0, 365.0, 366.0]
    assert all(s["since"] > "2022-03-08" for s in stored["spans"])
    own = text(site, "releases/v2022-03-08.html")
    assert "Not a release cycle" in own
    assert "This window is all history up to v2022-03-08, the first release: 2,304 commits" in own
    assert "Window: all history up to v2022-03-08" in own
    assert "v2022-03-08 · all history up to it" in text(site, "releases/index.html")
    # The trend charts start with the first release cycle.
    spec = json.loads(page(site, "charts/home-commits.vl.json"))
    assert [r["tag"] for r in charts.table(spec)] == [d["release"] for d in docs[1:]]
    # Each bar spans its window: the first cycle's starts at the first release.
    assert charts.table(spec)[0]["start"] == docs[0]["date"]


def test_merges_as_git_counts_them(built: tuple[Path, Path], kut_repo: Path) -> None:
    data, site = built
    _, docs = windows(data)
    for doc in docs:
        kept = git(kut_repo, "rev-list", "--count", "--merges", doc["range"], "--", ".")
        assert doc["merges"] == int(kept)
        start = doc["range"].partition("..")[0] if ".." in doc["range"] else None
        brought = 0
        for merge in git(kut_repo, "rev-list", "--first-parent", "--merges", doc["range"]).split():
            revs = [f"{merge}^1..{merge}", *([f"^{start}"] if start else [])]
            found = git(kut_repo, "rev-list", "--count", "--no-merges", *revs, "--", ".")
            brought += int(found) > 0
        assert doc["row"]["mainline_merges"] == brought, doc["range"]
    # The window the issue measured: path limiting keeps 4 of its 27 merges.
    june = next(d for d in docs if d["release"] == "v2025-06-05")
    assert (june["merges"], june["row"]["mainline_merges"]) == (4, 27)
    own = text(site, "releases/v2025-06-05.html")
    assert "Merges kept by path limiting 4" in own
    assert "Mainline merges that brought selected commits in 27" in own
    method = text(site, "methodology.html")
    assert "drops a merge whose files in P equal one of its parents'" in method


def test_testing_page_names_the_configured_suite(built: tuple[Path, Path]) -> None:
    _, site = built
    testing = page(site, "testing.html")
    headings = [
        html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2.*?</h2>", testing)
    ]
    assert [h.rstrip("¶") for h in headings] == ["kvm-unit-tests", "kvmtool"]
    body = text(site, "testing.html")
    assert "every path (the whole project is its test suite)" in body
    assert "kvmtool's commits between the release dates of kvm-unit-tests" in body
    # kvmtool has no releases: its windows are dates, not tag ranges of its own.
    assert "2025-07-31 to 2026-04-17" in body


def test_no_stable_list_no_cc_stable(built: tuple[Path, Path]) -> None:
    _, site = built
    assert "Cc: stable" not in text(site, "index.html")
    assert "Cc: stable" not in text(site, "releases/v2025-06-05.html")
    assert "The project names no stable list" in text(site, "methodology.html")


def test_same_name_rows_show_their_addresses(built: tuple[Path, Path]) -> None:
    data, site = built
    _, docs = windows(data)
    release = next(d for d in docs if d["release"] == "v2025-06-05")
    jones = [r["email"] for r in release["top_authors"] if r["name"] == "Andrew Jones"]
    assert len(jones) == 2  # no .mailmap: one person under two addresses
    body = page(site, "releases/v2025-06-05.html")
    for email in jones:
        assert f'<small class="kvm-email">{html.escape(email)}</small>' in body
    # A name that occurs once in a table stays a plain name.
    assert "Sean Christopherson</span>" in body
    assert "Sean Christopherson <small" not in body
