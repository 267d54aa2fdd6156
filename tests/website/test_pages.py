"""Pages and the site build: escaping, determinism, atomic publishing, the `site` command."""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import KVM, make_dataset, run
from kvmstatus.errors import UserError
from kvmstatus.shared.labels import STABLE_LISTS
from kvmstatus.store.documents import read_dataset, write_dataset
from kvmstatus.website import charts
from kvmstatus.website.build import build_site, stable_sentence
from kvmstatus.website.markdown import escape, people_table
from kvmstatus.website.sitedir import MARKER

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]


def rendered_text(source: str) -> str:
    out = markdown.Markdown(extensions=EXTENSIONS).convert(source)
    assert "<" not in re.sub(r"</?p>", "", out), out  # no element came from the text
    return html.unescape(re.sub(r"</?p>", "", out))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "**bold** _it_ `code` # not a heading",
        "a | b \\ c",
        'x"onmouseover="alert(1)@evil.example',
        "&amp; &lt; &#60;",
        "v1.4<svg/onload=alert(3)>",
        "![img](http://x/y.png)",
    ],
)
def test_escape_shows_text_as_typed(text: str) -> None:
    assert rendered_text(escape(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_escape_never_emits_markup(text: str) -> None:
    text = " ".join(text.split())  # Markdown folds whitespace anyway
    if not text:
        return
    assert " ".join(rendered_text(escape(text)).split()) == text


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    make_dataset(root, root / "data")
    return root / "data"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_data_same_bytes(data: Path, tmp_path: Path) -> None:
    build_site(data, tmp_path / "one")
    build_site(data, tmp_path / "two")
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert "as of 2023-12-08" in one["index.html"].decode()  # the data's date, not today's


def test_failed_build_keeps_the_previous_site(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(data, out)
    before = files_of(out)
    (data / "windows" / "v1.2.json").write_text("{ not json")
    try:
        with pytest.raises(UserError, match="changed or damaged after kvmstatus wrote it"):
            build_site(data, out)
    finally:
        make_dataset(tmp_path, data)
    assert files_of(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_refuses_to_replace_a_foreign_directory(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(UserError, match="not a kvmstatus site"):
        build_site(data, out)
    assert (out / "thesis.tex").read_text() == "precious"
    assert not (out / MARKER).exists()


def test_site_command(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "site", "--data", str(data), "--out", str(tmp_path / "s"))
    assert code == 0, err
    assert re.search(r"\d+ pages, \d+ charts -> ", out)
    index = (tmp_path / "s" / "index.html").read_text()
    assert "Fixture KVM" in index
    assert "<script>alert" not in index
    # The methodology's commands are copied into a shell: a pipe inside a table cell must
    # show as `|`, not as the Markdown escape `\|`.
    methodology = (tmp_path / "s" / "methodology.html").read_text()
    commands = re.findall(r"<code>(.*?)</code>", methodology, re.S)
    assert any("| wc -l" in html.unescape(c).replace("&#124;", "|") for c in commands)
    assert not any("\\|" in c for c in commands)
    code, _, err = run(
        capsys, "site", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "x")
    )
    assert code == 1
    assert "checksums.json is missing" in err


def test_companion_projects_on_testing_page(data: Path, tmp_path: Path) -> None:
    """A companion's data (`collect --out DATA/companions/NAME`) shows on the Testing page."""
    combined = tmp_path / "data"
    shutil.copytree(data, combined)
    companion = combined / "companions" / "unit-tests"
    shutil.copytree(data, companion)
    stored = read_dataset(companion)
    # Written as kvmstatus writes data (checksums included): an edit by hand is refused.
    project = stored.project | {"project": "Fixture unit tests"}
    write_dataset(companion, replace(stored, project=project, years=None, periods=[]))
    build_site(combined, tmp_path / "site")
    testing = (tmp_path / "site" / "testing.html").read_text()
    assert "Fixture unit tests" in testing
    assert "charts/testing-unit-tests.svg" in testing


def test_initial_window_is_labelled_and_left_out_of_trends(data: Path, tmp_path: Path) -> None:
    build_site(data, tmp_path / "site")
    project = json.loads((data / "project.json").read_text())
    first = project["releases"][0]
    assert project["trend"]["n"] == len(project["releases"]) - 1
    index = (tmp_path / "site" / "releases" / "index.html").read_text()
    assert "all history up to it" in index
    own = (tmp_path / "site" / "releases" / f"{first}.html").read_text()
    assert "Not a release cycle" in own
    home = (tmp_path / "site" / "index.html").read_text()
    assert "not a release cycle: it is left out of the trends" in home
    spec = json.loads((tmp_path / "site" / "charts" / "home-commits.vl.json").read_text())
    tags = [row["tag"] for row in charts.table(spec)]
    assert tags == project["counted"]
    assert first not in tags


def test_people_who_share_a_name_show_their_addresses() -> None:
    rows = [
        {"name": "Andrew Jones", "email": "drjones@redhat.com", "count": 5},
        {"name": "Sean", "email": "sean@example.com", "count": 3},
        {"name": "andrew jones", "email": "<b>@evil.example", "count": 1},
    ]
    out = markdown.Markdown(extensions=EXTENSIONS).convert(people_table(rows, "Authors"))
    assert '<small class="kvm-email">drjones@redhat.com</small>' in out
    assert '<small class="kvm-email">&lt;b&gt;@evil.example</small>' in out
    assert "Sean</span>" in out  # a name of its own stays a plain name


def test_methodology_stable_command_reproduces_the_count(kernel_repo: Path) -> None:
    """The Cc-stable command the Methodology page prints, run on the fixture history."""
    line = stable_sentence(list(STABLE_LISTS))
    command = re.search(r"`(git log [^`]*)`", line)
    assert command is not None
    shell = (
        command.group(1)
        .replace("A..B", "v1.1..v1.2")
        .replace("-- P", "-- " + " ".join(shlex.quote(p) for p in KVM))
    )
    found = subprocess.run(
        ["bash", "-c", shell], cwd=kernel_repo, capture_output=True, text=True, check=True
    )
    assert int(found.stdout) == 1  # `kvmstatus stats --range v1.1..v1.2`: Cc-stable 1
    assert "names no stable list" in stable_sentence([])
