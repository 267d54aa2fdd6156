"""kvmstatus.toml: the shipped default, and clear errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvmstatus.errors import COMMAND_LINE, Origin, UserError
from kvmstatus.jobs.config import Config, config_from_options, load_config, parse_config, run_config

MINIMAL = """
[[project]]
name = "linux-kvm"
repository = "linux.git"
"""


def parse(text: str, base: Path = Path("/cfg")) -> object:
    return parse_config(text, "kvmstatus.toml", base)


def test_shipped_default() -> None:
    config = load_config(None)
    assert config.main.name == "linux-kvm"
    assert config.title == "KVM status report"
    assert config.main.test_suite == "KVM selftests"
    assert config.main.stable_lists == ("stable@vger.kernel.org", "stable@kernel.org")
    assert config.main.origin == Origin("project[0]")
    assert config.main.repository.startswith("https://")
    assert config.main.since == "v3.8"
    assert [c.name for c in config.companions] == ["kvm-unit-tests", "kvmtool"]
    assert {c.windows for c in config.companions} == {"main-release-dates"}
    assert config.publish.target == "directory"
    assert config.cycles_per_year is None  # the whole cycles closest to a year


def test_relative_paths_are_relative_to_the_file() -> None:
    config = parse(MINIMAL + '[data]\ndir = "d"\n[publish]\npath = "p"\n')
    assert config.main.repository == "/cfg/linux.git"  # type: ignore[attr-defined]
    assert str(config.data_dir) == "/cfg/d"  # type: ignore[attr-defined]
    assert config.publish.path == "/cfg/p"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL + "[site]\ntitel = 'x'\n", r"site\.titel: unknown key"),
        (MINIMAL + "[site]\ncycles_per_year = 'five'\n", r"site\.cycles_per_year: expected int"),
        (
            MINIMAL + "[site]\ncycles_per_year = true\n",
            r"site\.cycles_per_year: expected int, got True",
        ),
        (
            MINIMAL.replace('repository = "linux.git"', "repository = 3"),
            r"project\[0\]\.repository",
        ),
        (MINIMAL + "paths = [1]\n", r"project\[0\]\.paths: expected a list of strings"),
        (MINIMAL + "colour = 'red'\n", r"project\[0\]\.colour: unknown key"),
        (MINIMAL + "release_pattern = '('\n", r"project\[0\]\.release_pattern: invalid regex"),
        (MINIMAL + "windows = 'dates'\n", r"project\[0\]\.windows: expected one of"),
        ("[site]\ntitle = 'x'\n", "no \\[\\[project\\]\\] table"),
        ("project = 3\n", r"project: expected \[\[project\]\] tables"),
        (MINIMAL + "[publish]\ntarget = 'ftp'\n", r"publish\.target"),
        (MINIMAL + "[publish]\ntarget = 'git'\n", r"publish\.remote: a git target needs"),
        (MINIMAL + MINIMAL, "project names must be unique"),
        (MINIMAL + "[[project]]\nname='x'\nrepository='y'\nrole='main'\n", "exactly one project"),
        ("[[project]]\nname = 'a b'\nrepository = 'r'\n", r"project\[0\]\.name: use letters"),
        ("[[project]\n", "not valid TOML"),
        (MINIMAL + "stable_lists = 'stable@x.org'\n", r"project\[0\]\.stable_lists: expected list"),
        (
            MINIMAL + "stable_lists = ['stable']\n",
            r"project\[0\]\.stable_lists: 'stable' is not an email address",
        ),
        (MINIMAL + "test_suite = 3\n", r"project\[0\]\.test_suite: expected str"),
        (MINIMAL + "count_initial_window = 1\n", r"project\[0\]\.count_initial_window"),
        (MINIMAL + "lists = 'kvm'\n", r"project\[0\]\.lists: expected list"),
        (MINIMAL + "list_tag = 'two words'\n", r"project\[0\]\.list_tag: one word"),
        (MINIMAL + "[review]\nbots = 'lkp'\n", r"review\.bots: expected list"),
        (MINIMAL + "[review]\nrobots = []\n", r"review\.robots: unknown key"),
    ],
)
def test_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse(text)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read the configuration"):
        load_config(tmp_path / "nope.toml")


def test_labels_default_from_the_project() -> None:
    # A KVM selection is the KVM status report; anything else is the project's own report.
    kvm = parse(MINIMAL)
    assert isinstance(kvm, Config)
    assert kvm.title == "KVM status report"
    whole = parse(MINIMAL.replace('name = "linux-kvm"', 'name = "kut"') + 'paths = ["."]\n')
    assert isinstance(whole, Config)
    assert (whole.main.display_name, whole.title) == ("kut", "kut status report")
    own = parse(MINIMAL + 'display_name = "KUT"\npaths = ["."]\n[site]\ntitle = "Mine"\n')
    assert isinstance(own, Config)
    assert (own.main.display_name, own.title) == ("KUT", "Mine")


def test_stable_lists_and_initial_window() -> None:
    config = parse(MINIMAL + "stable_lists = []\ncount_initial_window = true\n")
    assert isinstance(config, Config)
    assert config.main.stable_lists == ()
    assert config.main.count_initial_window


def test_stable_lists_are_in_the_window_key(tmp_path: Path) -> None:
    """They decide which Cc: lines count as Cc-stable: a window computed with other lists is
    not reused."""
    from fixture_history import fast_import_stream
    from helpers import build_repo, write_config
    from kvmstatus.jobs import steps

    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    keys = []
    for lists in ("", 'stable_lists = ["stable@example.org"]\n', "stable_lists = []\n"):
        config = load_config(write_config(tmp_path, repo, lists))
        prepared = steps.prepare(config.main, None, fetch=False)
        keys.append([job.key for job in steps.plan(config, prepared).jobs])
    assert len({key for run in keys for key in run}) == 3 * len(keys[0])


def test_lists_and_bots() -> None:
    config = parse(
        MINIMAL
        + 'lists = ["https://lore.kernel.org/kvm", "archives/kvmarm"]\nlist_tag = "kvmtool"\n'
        + '[review]\nbots = ["LKP@intel.com"]\n'
    )
    assert config.main.lists == ("https://lore.kernel.org/kvm", "/cfg/archives/kvmarm")  # type: ignore[attr-defined]
    assert config.main.list_tag == "kvmtool"  # type: ignore[attr-defined]
    assert config.list_bots == ("lkp@intel.com",)  # type: ignore[attr-defined]
    assert parse(MINIMAL).list_bots is None  # type: ignore[attr-defined]


def test_the_shipped_default_names_the_kvm_list() -> None:
    config = load_config(None)
    assert config.main.lists == ("https://lore.kernel.org/kvm",)
    assert config.main.list_tag is None
    tags = {c.name: c.list_tag for c in config.companions}
    assert tags == {"kvm-unit-tests": "kvm-unit-tests", "kvmtool": "kvmtool"}


def _collect_options(*argv: str) -> dict[str, object]:
    from kvmstatus.cli.parser import build_parser

    return vars(build_parser("collect").parse_args(["collect", "--out", "data", *argv]))


def test_collect_options_make_a_one_project_configuration() -> None:
    # The parser's option names are the constructor's keywords: a renamed option fails here.
    config = config_from_options("/src/linux.git", Path("/d"), **_collect_options())
    assert (config.main.name, config.main.display_name) == ("linux", "Linux KVM")
    assert config.title == "KVM status report"
    assert config.main.repository == "/src/linux.git"
    assert config.main.fetch is False
    assert (config.data_dir, config.companions, config.publish.target) == (
        Path("/d"),
        (),
        "directory",
    )
    assert config.main.origin == COMMAND_LINE  # errors name the flags

    argv = ["--paths", "arm", "lib", "--since", "v3", "--count-initial-window"]
    argv += ["--affiliations", "a.map", "--stable-lists", "--test-suite", "unit tests"]
    config = config_from_options("/src/kvm-unit-tests", Path("/d"), **_collect_options(*argv))
    main = config.main
    assert (main.name, main.display_name, config.title) == (
        "kvm-unit-tests",
        "kvm-unit-tests",
        "kvm-unit-tests status report",
    )
    assert (main.paths, main.since, main.count_initial_window) == (("arm", "lib"), "v3", True)
    assert (main.affiliations, main.stable_lists, main.test_suite) == (("a.map",), (), "unit tests")

    named = _collect_options("--project", "KUT", "--title", "Tests", "--subsystem", "ARM")
    config = config_from_options("/src/linux", Path("/d"), **named)
    assert (config.main.display_name, config.title, config.main.subsystem) == (
        "KUT",
        "Tests",
        "ARM",
    )


def test_run_config_replaces_the_repository_and_the_data_directory(tmp_path: Path) -> None:
    path = tmp_path / "kvmstatus.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert run_config(str(path)) == load_config(path)
    config = run_config(str(path), "/elsewhere/linux", "data")
    assert config.main.repository == "/elsewhere/linux"
    assert config.data_dir == Path("data").resolve()
    assert config.companions == load_config(path).companions
