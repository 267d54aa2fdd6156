"""From the data directory to a published static site: stage, render, build, swap.

`build_site` reads the data (no git), renders pages and charts into a staging copy of the
hand-written `site/` directory, builds it with MkDocs (`--strict`: a warning fails the build),
adds the user's extra files (`[publish] extra`: Markdown pages are built with the theme,
everything else is copied as it is), and only then swaps the result into the output
directory, so a failed or stopped build leaves the previous site as it was; a build directory
left by a killed run is removed by the next one. The Vega JavaScript is bundled into the
site (vl-convert's bundle), never fetched from a CDN. `SOURCE_DATE_EPOCH` is the data's
"as of" date, so the same data gives the same bytes.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import string
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import vl_convert
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from kvmstatus.errors import UserError
from kvmstatus.model.documents import ProjectDocument, ProjectSettings, YearsDocument
from kvmstatus.model.trailers import PEOPLE_TRAILERS, TRACKED_KEYS
from kvmstatus.shared.dirs import make_directory
from kvmstatus.shared.labels import STABLE_LISTS
from kvmstatus.shared.stopping import removed_on_stop
from kvmstatus.store.documents import Dataset, read_dataset
from kvmstatus.store.review import read_review
from kvmstatus.website.chartfiles import cached, chart_files
from kvmstatus.website.pages import Context, SitePlan, build_plan
from kvmstatus.website.pages.common import ProjectReview
from kvmstatus.website.sitedir import MARKER, remove_leftovers, staging_prefix, swap_in

_PACKAGE = Path(__file__).resolve().parents[1]  # the kvmstatus package


def template_dir() -> Path:
    """The hand-written `site/` and `mkdocs.yml`: the checkout's, else the installed copy."""
    for root in (_PACKAGE.parents[1], _PACKAGE / "_site"):
        if (root / "mkdocs.yml").is_file() and (root / "site").is_dir():
            return root
    raise UserError("kvmstatus is installed without its site/ templates; reinstall it")


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages: int
    charts: int
    seconds_render: float
    seconds_mkdocs: float


def read_companions(data: Path) -> dict[str, Dataset]:
    root = data / "companions"
    if not root.is_dir():
        return {}
    return {d.name: read_dataset(d) for d in sorted(root.iterdir()) if d.is_dir()}


def read_reviews(data: Path, companions: dict[str, Dataset]) -> list[ProjectReview]:
    """The review documents of the main project and of each companion that has them."""
    found = []
    for name, root in [("", data), *((n, data / "companions" / n) for n in companions)]:
        stored = read_review(root)
        if stored is not None:
            title = companions[name].project["project"] if name else ""
            found.append(ProjectReview(name, title, stored.summary, stored.windows, stored.periods))
    return found


def _vega_bundle() -> str:
    """vl-convert's bundle of vega, vega-lite and vega-embed (cached: it takes a second)."""
    version = metadata.version("vl-convert-python")
    # The snippet publishes the three libraries as globals for site/assets/charts.js.
    snippet = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
    bundle = cached(
        f"vega-bundle-{version}.js", lambda: vl_convert.javascript_bundle(snippet).encode()
    )
    return bundle.decode("utf-8")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _methodology(text: str, project: ProjectDocument, years: YearsDocument | None) -> str:
    settings = project["settings"]
    chosen = settings.get("selection") or {"paths": [], "subsystem": ""}
    if chosen.get("paths") == ["."]:
        selection = "the whole tree (the pathspec `.`)."
    elif chosen.get("paths"):
        selection = "the pathspecs " + ", ".join(f"`{p}`" for p in chosen["paths"]) + "."
    else:
        selection = (
            f"the `MAINTAINERS` entries whose names match `{chosen.get('subsystem', '')}` "
            "(case-insensitive), read at each window's end."
        )
    return string.Template(text).safe_substitute(
        pattern=settings.get("pattern", ""),
        selection=selection,
        arch_map=f"the `{settings.get('arch_map', 'linux-kvm')}`",
        trailers=", ".join(TRACKED_KEYS),
        people=", ".join(str(k.people) for k in PEOPLE_TRAILERS),
        stable=stable_sentence(settings.get("stable_lists", list(STABLE_LISTS))),
        initial=_initial(bool(settings.get("count_initial_window"))),
        test_suite=_suite(settings),
        years=years_sentence(years, chosen.get("paths") or []),
    )


def years_sentence(years: YearsDocument | None, paths: list[str]) -> str:
    """The Methodology's paragraph on the yearly periods, with the command counting each."""
    if years is None or not years["spans"]:
        return "This history holds no complete year yet, so there is no yearly comparison."
    spec = " ".join(paths) if paths else "P"
    lines = [years["note"], ""]
    for span in years["spans"]:
        if span["kind"] == "releases":
            command = f"git rev-list --count --no-merges {span['start']}..{span['end']} -- {spec}"
        else:
            since = datetime.fromisoformat(span["since"]) + timedelta(seconds=1)
            until = datetime.fromisoformat(span["until"])
            command = (
                "git rev-list --count --no-merges "
                f"--since-as-filter='{since:%Y-%m-%d %H:%M:%S +0000}' "
                f"--until='{until:%Y-%m-%d %H:%M:%S +0000}' {span['end']} -- {spec}"
            )
        lines.append(
            f"- {span['label']} ({span['since'][:10]} to {span['until'][:10]}, "
            f"{span['days']:.0f} days): `{command}`"
        )
    return "\n".join(lines)


def stable_sentence(addresses: list[str]) -> str:
    """The Methodology's sentence on Cc: stable, with the command that counts it."""
    if not addresses:
        return 'The project names no stable list, so no commit counts as "Cc: stable".'
    names = " or ".join(f"`{a}`" for a in addresses)
    grep = "|".join(re.escape(a) for a in addresses)
    return (
        f'A `Cc:` naming {names} (the project\'s stable lists) also counts as "Cc: stable": '
        f"`git log --no-merges -i -E --grep='^[[:space:]]*cc:.*({grep})' --format=%H A..B -- P "
        "| wc -l`."
    )


def _initial(counted: bool) -> str:
    how = (
        "The project's settings count it in the trends and yearly comparisons like a release."
        if counted
        else "It is not a release cycle and is as big as everything before it, so it is kept "
        "out of the trends and the yearly comparisons (`count_initial_window = true` in the "
        "configuration, or `--count-initial-window`, counts it); its own page is labelled "
        "for what it is."
    )
    return (
        "Without `since`, the first release has no previous one: its window is all history "
        f"up to it (`git rev-list B`). {how}"
    )


def _suite(settings: ProjectSettings) -> str:
    paths = settings.get("testing_paths")
    name = settings.get("test_suite") or "the test suite"
    if not paths:
        return f"{name}: none configured" if paths == [] else name
    return f"{name}: " + ", ".join(f"`{p}`" for p in paths)


def render(plan: SitePlan, docs: Path, data: Dataset) -> None:
    """Write the plan's pages, files and charts into the staging docs directory."""
    for rel, text in plan.pages.items():
        _write(docs / rel, text)
    for rel, text in plan.files.items():
        _write(docs / rel, text)
    methodology = docs / "methodology.md"
    methodology.write_text(
        _methodology(methodology.read_text(encoding="utf-8"), data.project, data.years),
        encoding="utf-8",
    )
    _write(docs / "assets" / "vega-bundle.js", _vega_bundle())
    for cid, files in chart_files(plan.charts).items():
        for extension, content in files.by_extension().items():
            path = docs / "charts" / f"{cid}.{extension}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def run_mkdocs(
    config_file: Path,
    docs: Path,
    site: Path,
    project: ProjectDocument,
    nav: Any,
    base_url: str = "",
) -> None:
    """`mkdocs build --strict` on the staging directory; warnings become a `UserError`."""
    as_of = project.get("as_of") or "1970-01-01"
    epoch = int(datetime.fromisoformat(as_of).replace(tzinfo=UTC).timestamp())
    catcher = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(catcher)
    try:
        with _source_date(epoch):
            config = load_config(
                str(config_file),
                docs_dir=str(docs),
                site_dir=str(site),
                site_name=project.get("title") or "KVM status report",
                nav=nav,
                strict=True,
                **({"site_url": base_url} if base_url else {}),
            )
            build(config)
    except MkDocsException as exc:
        detail = "; ".join(catcher.messages[:3]) or str(exc)
        raise UserError(f"the site build failed (nothing was published): {detail}") from None
    finally:
        logger.removeHandler(catcher)
    if catcher.messages:
        raise UserError(f"the site build warned (nothing was published): {catcher.messages[0]}")


def extra_files(extra: Path | None) -> list[tuple[str, Path]]:
    """The user's extra files (`[publish] extra`), as (path in the site, file), sorted."""
    if extra is None:
        return []
    if not extra.is_dir():
        raise UserError(f"publish.extra: {extra} is not a directory (nothing was published)")
    return [(p.relative_to(extra).as_posix(), p) for p in sorted(extra.rglob("*")) if p.is_file()]


def add_extra(files: list[tuple[str, Path]], root: Path, markdown: bool) -> None:
    """Copy the extra files (the Markdown ones, or all others) into `root`, refusing to
    replace a file kvmstatus made: the report's pages stay the report's."""
    for relative, source in files:
        if relative.endswith(".md") != markdown:
            continue
        target = root / relative
        if target.exists() or relative == MARKER:
            raise UserError(
                f"publish.extra: {source} would replace the site's own {relative}; rename it "
                "(nothing was published)"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        target.chmod(0o644)


@contextmanager
def _removed_after(path: Path) -> Iterator[None]:
    try:
        yield
    finally:
        shutil.rmtree(path, ignore_errors=True)


def read_context(data: Path) -> Context:
    """The documents of the data directory `data`, verified: the main project's, its
    companions', the review on the lists."""
    dataset = read_dataset(data)
    companions = read_companions(data)
    return Context(dataset, companions, read_reviews(data, companions))


Attachments = Callable[[Context], Mapping[str, bytes]]
"""Files an edition carries beside its pages, made from the same documents (the slides of
the year: `jobs.slides.site_slides`), by their path in the site."""


def build_site(
    data: Path,
    out: Path,
    stamp: str = "",
    base_url: str = "",
    extra: Path | None = None,
    attachments: Attachments | None = None,
) -> BuildReport:
    """Render and build the site for the data directory `data` into `out`, atomically,
    with the files of `extra` added and the `attachments` made from the documents."""
    ctx = read_context(data)
    dataset = ctx.data
    if not dataset.windows:
        raise UserError(f"{data} holds no release window: nothing to publish")
    additions = extra_files(extra)
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise UserError(f"cannot use {out} as the site: it is a file, not a directory")
    make_directory(out.parent, "the site", named=out)
    remove_leftovers(out)
    started = time.perf_counter()
    attached = dict(attachments(ctx)) if attachments is not None else {}
    plan = build_plan(replace(ctx, attachments=tuple(sorted(attached))))
    template = template_dir()
    # Named and registered for removal on a stop before it exists: a stop between making
    # it and registering it would leave it behind.
    staging = out.parent / f"{staging_prefix(out)}{secrets.token_hex(6)}"
    with removed_on_stop(staging), _removed_after(staging):
        staging.mkdir()
        tmp = str(staging)
        docs = Path(tmp) / "docs"
        shutil.copytree(template / "site", docs)
        render(plan, docs, dataset)
        for relative, body in attached.items():
            (docs / relative).parent.mkdir(parents=True, exist_ok=True)
            (docs / relative).write_bytes(body)
        add_extra(additions, docs, markdown=True)
        rendered = time.perf_counter()
        site = Path(tmp) / "site"
        run_mkdocs(template / "mkdocs.yml", docs, site, dataset.project, plan.nav, base_url)
        add_extra(additions, site, markdown=False)
        built = time.perf_counter()
        swap_in(site, out, stamp)
    return BuildReport(out, len(plan.pages), len(plan.charts), rendered - started, built - rendered)
