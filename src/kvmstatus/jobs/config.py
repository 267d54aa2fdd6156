"""`kvmstatus.toml`: which projects to report on, how, and where the site goes.

The file is validated as a whole before anything runs: an unknown key or a value of the
wrong type is a `UserError` naming the key (`project[1].paths: expected a list of strings`).
Relative paths are relative to the file. The shipped default (`data/kvmstatus.toml`) reports
on Linux KVM with kvm-unit-tests and kvmtool as companion projects.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kvmstatus.errors import COMMAND_LINE, Origin, UserError
from kvmstatus.mine.maintainers import DEFAULT_SUBSYSTEM
from kvmstatus.model.releases import KERNEL_RELEASE_PATTERN
from kvmstatus.shared.labels import STABLE_LISTS
from kvmstatus.shared.shipped import shipped

WINDOW_KINDS = ("tags", "main-release-dates")


@dataclass(frozen=True)
class ProjectConfig:
    """One repository to report on."""

    name: str
    display_name: str
    repository: str
    release_pattern: str = KERNEL_RELEASE_PATTERN
    since: str | None = None
    subsystem: str = DEFAULT_SUBSYSTEM
    paths: tuple[str, ...] = ()
    architectures: str = "linux-kvm"
    affiliations: tuple[str, ...] = ()
    branch: str = "HEAD"
    windows: str = "tags"
    """`tags`: its own release tags; `main-release-dates`: the main project's release dates."""
    fetch: bool = True
    test_suite: str = ""
    """What the Testing page calls the test-suite paths of the architecture mapping."""
    stable_lists: tuple[str, ...] = STABLE_LISTS
    """The addresses whose `Cc:` counts as Cc-stable (the kernel's by default)."""
    count_initial_window: bool = False
    """Count the window of all history before the first release in trends and yearly
    comparisons (by default it is reported on its own: it is not a release cycle)."""
    origin: Origin = COMMAND_LINE
    """Where these settings were written, so errors name the key or the flag."""
    lists: tuple[str, ...] = ()
    """Mailing-list archives its patches are posted to (URLs or paths; see `git.archives`)."""
    list_tag: str | None = None
    """The word its patch subjects carry on a shared list (`[kvm-unit-tests PATCH]`): only
    those count for it, and no other project counts them."""


@dataclass(frozen=True)
class PublishConfig:
    target: str = "directory"
    """`directory` (a local folder) or `git` (a branch pushed to a remote)."""
    path: str = "public"
    remote: str = ""
    branch: str = "gh-pages"
    extra: str = ""
    """A directory whose files every edition carries (`CNAME`, `robots.txt`, extra pages)."""


@dataclass(frozen=True)
class Config:
    title: str
    base_url: str
    cycles_per_year: int | None
    """Release cycles in a year; None: the spans closest to a year (`analyse.periods`)."""
    data_dir: Path
    cache_dir: Path | None
    publish: PublishConfig
    main: ProjectConfig
    companions: tuple[ProjectConfig, ...] = field(default=())
    source: str = ""
    list_bots: tuple[str, ...] | None = None
    """`[review] bots`: the senders whose list replies are automated (None: the shipped
    list, `data/list-bots.toml`)."""

    @property
    def projects(self) -> tuple[ProjectConfig, ...]:
        return (self.main, *self.companions)


_SITE_KEYS: dict[str, type] = {"title": str, "base_url": str, "cycles_per_year": int}
_PUBLISH_KEYS: dict[str, type] = {
    "target": str,
    "path": str,
    "remote": str,
    "branch": str,
    "extra": str,
}
_PROJECT_KEYS: dict[str, Any] = {
    "name": str,
    "display_name": str,
    "repository": str,
    "release_pattern": str,
    "since": str,
    "subsystem": str,
    "paths": list,
    "architectures": str,
    "affiliations": list,
    "branch": str,
    "windows": str,
    "fetch": bool,
    "role": str,
    "test_suite": str,
    "stable_lists": list,
    "count_initial_window": bool,
    "lists": list,
    "list_tag": str,
}


class _Tables:
    """Marks a key whose value is an array of tables (`[[project]]`)."""


def _check(table: Mapping[str, Any], allowed: Mapping[str, Any], where: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise UserError(f"{where}.{key}: unknown key (known: {known})")
        expected = allowed[key]
        if expected is _Tables:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise UserError(f"{where}.{key}: expected [[{key}]] tables")
        elif (expected is int and isinstance(value, bool)) or not isinstance(value, expected):
            raise UserError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        elif expected is list and not all(isinstance(v, str) for v in value):
            raise UserError(f"{where}.{key}: expected a list of strings")


def _path(base: Path, value: str) -> str:
    """A local path relative to the config file; URLs and absolute paths stay as they are."""
    if re.match(r"^[a-z][a-z0-9+.-]*://|^[\w.-]+@[\w.-]+:", value) or Path(value).is_absolute():
        return value
    return str((base / value).resolve()) if value else value


def _project(table: Mapping[str, Any], where: str, base: Path) -> ProjectConfig:
    _check(table, _PROJECT_KEYS, where)
    for required in ("name", "repository"):
        if required not in table:
            raise UserError(f"{where}.{required}: missing")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", table["name"]):
        raise UserError(f"{where}.name: use letters, digits, '.', '_' or '-' only")
    windows = table.get("windows", "tags")
    if windows not in WINDOW_KINDS:
        raise UserError(f"{where}.windows: expected one of {', '.join(WINDOW_KINDS)}")
    for key in ("release_pattern", "subsystem"):
        if key in table:
            try:
                re.compile(table[key])
            except re.error as exc:
                raise UserError(f"{where}.{key}: invalid regex: {exc}") from None
    for address in table.get("stable_lists", ()):
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
            raise UserError(f"{where}.stable_lists: {address!r} is not an email address")
    architectures = table.get("architectures", "linux-kvm")
    if architectures.endswith(".toml"):
        architectures = _path(base, architectures)
    return ProjectConfig(
        name=table["name"],
        display_name=table.get("display_name", table["name"]),
        repository=_path(base, table["repository"]),
        release_pattern=table.get("release_pattern", KERNEL_RELEASE_PATTERN),
        since=table.get("since"),
        subsystem=table.get("subsystem", DEFAULT_SUBSYSTEM),
        paths=tuple(table.get("paths", ())),
        architectures=architectures,
        affiliations=tuple(_path(base, p) for p in table.get("affiliations", ())),
        branch=table.get("branch", "HEAD"),
        windows=windows,
        fetch=table.get("fetch", True),
        test_suite=table.get("test_suite", ""),
        stable_lists=tuple(table.get("stable_lists", STABLE_LISTS)),
        count_initial_window=table.get("count_initial_window", False),
        origin=Origin(where),
        **_lists(table, where, base),
    )


def is_list_tag(tag: str) -> bool:
    """Whether `tag` can be a word of a patch subject's bracket: no space, none of `,;:/[]`."""
    return re.fullmatch(r"[^\s\[\],;:/]+", tag) is not None


def _lists(table: Mapping[str, Any], where: str, base: Path) -> dict[str, Any]:
    """A project's mailing lists and list tag (see `jobs.lists`)."""
    tag = table.get("list_tag")
    if tag is not None and not is_list_tag(tag):
        raise UserError(f"{where}.list_tag: one word, as in the patch subjects' brackets")
    return {"lists": tuple(_path(base, s) for s in table.get("lists", ())), "list_tag": tag}


def _review(data: Mapping[str, Any]) -> tuple[str, ...] | None:
    """`[review] bots = [...]`: the list bots, replacing the shipped list."""
    review = data.get("review", {})
    _check(review, {"bots": list}, "review")
    bots = review.get("bots")
    return None if bots is None else tuple(b.lower() for b in bots)


def parse_config(text: str, source: str, base: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{source}: not valid TOML: {exc}") from None
    _check(
        data,
        {"site": dict, "publish": dict, "data": dict, "project": _Tables, "review": dict},
        source,
    )
    site = data.get("site", {})
    _check(site, _SITE_KEYS, "site")
    publish = data.get("publish", {})
    _check(publish, _PUBLISH_KEYS, "publish")
    if publish.get("target", "directory") not in ("directory", "git"):
        raise UserError("publish.target: expected 'directory' or 'git'")
    if publish.get("target") == "git" and not publish.get("remote"):
        raise UserError("publish.remote: a git target needs the remote to push to")
    store = data.get("data", {})
    _check(store, {"dir": str, "cache": str}, "data")
    projects = data.get("project", [])
    if not projects:
        raise UserError(f"{source}: no [[project]] table")
    parsed = []
    mains = []
    for i, table in enumerate(projects):
        parsed.append(_project(table, f"project[{i}]", base))
        role = table.get("role", "main" if i == 0 else "companion")
        if role not in ("main", "companion"):
            raise UserError(f"project[{i}].role: expected 'main' or 'companion'")
        if role == "main":
            mains.append(i)
    if len(mains) != 1:
        raise UserError(f"{source}: exactly one project must have role = 'main'")
    names = [p.name for p in parsed]
    if len(set(names)) != len(names):
        raise UserError(f"{source}: project names must be unique")
    main = parsed[mains[0]]
    if main.windows != "tags":
        raise UserError(f"project[{mains[0]}].windows: the main project's windows are its tags")
    cycles = site.get("cycles_per_year")
    if cycles is not None and cycles < 1:
        raise UserError("site.cycles_per_year: expected a positive integer")
    publish_path = publish.get("path", "public")
    return Config(
        title=site.get("title") or default_title(main.display_name, main.paths, main.subsystem),
        base_url=site.get("base_url", ""),
        cycles_per_year=cycles,
        data_dir=Path(_path(base, store.get("dir", "data"))),
        cache_dir=Path(_path(base, store["cache"])) if "cache" in store else None,
        publish=PublishConfig(
            target=publish.get("target", "directory"),
            path=_path(base, publish_path),
            remote=publish.get("remote", ""),
            branch=publish.get("branch", "gh-pages"),
            extra=_path(base, publish["extra"]) if publish.get("extra") else "",
        ),
        main=main,
        companions=tuple(p for i, p in enumerate(parsed) if i != mains[0]),
        source=source,
        list_bots=_review(data),
    )


def default_config_text() -> str:
    return shipped("kvmstatus.toml").read_text(encoding="utf-8")


def load_config(path: Path | None) -> Config:
    """The configuration at `path`, or the shipped default (relative to the current folder)."""
    if path is None:
        return parse_config(default_config_text(), "kvmstatus.toml (shipped default)", Path.cwd())
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read the configuration {path}: {exc.strerror}") from None
    return parse_config(text, str(path), path.resolve().parent)


def run_config(path: str | None, repo: str | None = None, data: str | None = None) -> Config:
    """The configuration of a run (`kvmstatus run`, `serve`, `status`, the flow): the file at
    `path` (None: the shipped default), with the main project's repository replaced by
    `repo` and the data directory by `data` when they are given."""
    config = load_config(Path(path) if path else None)
    main = replace(config.main, repository=repo) if repo else config.main
    return replace(config, main=main, data_dir=Path(data).resolve() if data else config.data_dir)


def project_name(repository: str) -> str:
    """A project name (letters, digits, `._-`) from a repository's path or URL."""
    stem = Path(repository.rstrip("/")).name.removesuffix(".git").removesuffix(".bundle")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "project"


def default_display_name(name: str, paths: Sequence[str], subsystem: str) -> str:
    """What the site calls a project nobody named: its repository's name, followed by the
    subsystem when `MAINTAINERS` chooses the files (a `linux` clone and the default regex
    are "Linux KVM")."""
    if paths:
        return name
    if subsystem == DEFAULT_SUBSYSTEM:
        return "Linux KVM" if name.lower() == "linux" else f"{name} KVM"
    return f"{name} ({subsystem})"


def default_title(display_name: str, paths: Sequence[str], subsystem: str) -> str:
    """The site's title when none is given: the KVM status report for KVM, else the
    project's own report."""
    if not paths and subsystem == DEFAULT_SUBSYSTEM:
        return "KVM status report"
    return f"{display_name} status report"


def config_from_options(
    repository: str,
    data_dir: Path,
    *,
    pattern: str,
    since: str | None,
    subsystem: str,
    paths: Sequence[str] | None,
    arch_map: str,
    affiliations: Sequence[str] | None,
    test_suite: str,
    stable_lists: Sequence[str],
    count_initial_window: bool,
    project: str | None,
    title: str | None,
    cycles: int | None = None,
    **_: object,
) -> Config:
    """The configuration `kvmstatus collect`'s options describe (they are its keywords, by
    their names on the command line; other keywords are ignored): the clone at `repository`
    alone, used as it is (never fetched), no companions, no publishing (`data_dir` is the
    output). The project is named after the repository; what the site calls it is
    `project` or `default_display_name`, its title `title` or `default_title`."""
    name = project_name(repository)
    chosen = tuple(paths or ())
    main = ProjectConfig(
        name=name,
        display_name=project or default_display_name(name, chosen, subsystem),
        repository=repository,
        release_pattern=pattern,
        since=since,
        subsystem=subsystem,
        paths=chosen,
        architectures=arch_map,
        affiliations=tuple(affiliations or ()),
        fetch=False,
        test_suite=test_suite,
        stable_lists=tuple(stable_lists),
        count_initial_window=count_initial_window,
    )
    return Config(
        title=title or default_title(main.display_name, main.paths, main.subsystem),
        base_url="",
        cycles_per_year=cycles,
        data_dir=data_dir,
        cache_dir=None,
        publish=PublishConfig(),
        main=main,
        source="command line",
    )
