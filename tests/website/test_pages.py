"""Pages and the site build: escaping, determinism, atomic publishing, the `site` command."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import make_dataset, run
from kvmstatus.errors import UserError
from kvmstatus.store.documents import read_dataset, write_dataset
from kvmstatus.website.build import build_site
from kvmstatus.website.markdown import escape
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
    build_site(data, tmp_path / "one", cycles=2)
    build_site(data, tmp_path / "two", cycles=2)
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert "as of 2023-12-08" in one["index.html"].decode()  # the data's date, not today's


def test_failed_build_keeps_the_previous_site(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(data, out, cycles=2)
    before = files_of(out)
    (data / "windows" / "v1.2.json").write_text("{ not json")
    try:
        with pytest.raises(UserError, match="changed or damaged after kvmstatus wrote it"):
            build_site(data, out, cycles=2)
    finally:
        make_dataset(tmp_path, data)
    assert files_of(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_refuses_to_replace_a_foreign_directory(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(UserError, match="not a kvmstatus site"):
        build_site(data, out, cycles=2)
    assert (out / "thesis.tex").read_text() == "precious"
    assert not (out / MARKER).exists()


def test_site_command(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    code, out, err = run(
        capsys, "site", "--data", str(data), "--out", str(tmp_path / "s"), "--cycles", "2"
    )
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
    project, windows = read_dataset(companion)
    # Written as kvmstatus writes data (checksums included): an edit by hand is refused.
    write_dataset(companion, project | {"project": "Fixture unit tests"}, windows)
    build_site(combined, tmp_path / "site", cycles=2)
    testing = (tmp_path / "site" / "testing.html").read_text()
    assert "Fixture unit tests" in testing
    assert "charts/testing-unit-tests.svg" in testing
