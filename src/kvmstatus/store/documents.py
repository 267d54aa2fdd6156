"""The data directory: what the computing stages hand to the site, as plain JSON.

Layout (schema 1; the documents' types are `kvmstatus.model.documents`)::

    DATA/project.json            the project, its releases in order, the trend, the "as of" date
    DATA/windows/<release>.json  one release window's tables (`store.results.window_document`)
    DATA/years.json              the yearly comparison: the periods' spans, rows and changes
    DATA/periods/<n>.json        the tables of the yearly period n (0: the last year)
    DATA/checksums.json          the SHA-256 of each file above, as written
    DATA/companions/<name>/...   the same layout for a companion project (kvm-unit-tests, ...)

Files are written sorted and indented, so the same numbers give the same bytes, and each file
is replaced atomically (write to a temporary name, then rename), so a reader never sees half a
file. Everything the site shows comes from here; the site stage never runs git. What is read
back is checked against `checksums.json` first: a truncated, edited or missing file is named
in one line, never half-trusted (a run then rewrites it from the verified window cache).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from kvmstatus.errors import UserError
from kvmstatus.model.documents import (
    PeriodDocument,
    ProjectDocument,
    ProjectSettings,
    ReleasesDocument,
    TrendDocument,
    WindowDocument,
    YearsDocument,
)
from kvmstatus.store.jsonfile import RESTORE, digest, read_json, write_json

SCHEMA = 1
Document = dict[str, Any]


def plain(value: Any) -> Any:
    """`value` as JSON-ready data: dataclasses as dicts, tuples as lists, dates as ISO text."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}
"""Field names per dataclass: a window's documents are tens of thousands of small values."""


def with_first_time_authors(doc: Document, new_authors: set[str]) -> Document:
    """`doc` with its first-time authors (those of its authors whose keys are in
    `new_authors`, see `analyse.newcomers.new_author_keys`), without the raw contacts that
    decided it.

    Needs the complete author list (documents are made with top=0)."""
    new = [a for a in doc["top_authors"] if a["email"] in new_authors]
    published = {k: v for k, v in doc.items() if k != "author_contacts"}
    return published | {
        "first_time_authors": len(new),
        "top_first_time_authors": new,
        "row": doc["row"] | {"first_time_authors": len(new)},
    }


def trimmed(doc: Document, top: int) -> Document:
    """`doc` with every ranked list cut to `top` rows (all when `top` <= 0)."""
    if top <= 0:
        return doc
    return {
        k: v[:top] if k.startswith("top_") and isinstance(v, list) else v for k, v in doc.items()
    }


def project_document(
    title: str,
    project: str,
    windows: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any],
    trend: TrendDocument | None,
    counted: Sequence[str],
    synthetic: bool = False,
) -> ProjectDocument:
    """The project summary: release order, the windows of the trends and their trend
    (`analyse.periods.counted_windows`, `commits_trend`) and the data's own date."""
    return {
        "schema": SCHEMA,
        "title": title,
        "project": project,
        "releases": [w["release"] for w in windows],
        "as_of": windows[-1]["date"] if windows else None,
        "trend": trend,
        "counted": list(counted),
        "settings": cast(ProjectSettings, plain(settings)),
        "synthetic": synthetic,
    }


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def file_name(release: str) -> str:
    """A file name for a release tag: tags may contain `/` and other characters."""
    safe = _SAFE_NAME.sub("_", release)
    return safe if safe == release else f"{safe}-{abs(hash_name(release)):x}"


def hash_name(text: str) -> int:
    # A stable (non-randomised) hash, so the same tag always gives the same file name.
    value = 0
    for byte in text.encode():
        value = (value * 131 + byte) % (1 << 61)
    return value


CHECKSUMS = "checksums.json"


@dataclass(frozen=True)
class Dataset:
    """One project's data directory as the site reads it."""

    project: ProjectDocument
    windows: list[WindowDocument]
    """In release order."""
    years: YearsDocument | None = None
    """The yearly comparison (None: a project without one, such as a companion)."""
    periods: list[PeriodDocument] = field(default_factory=list)
    """The yearly periods, newest first, as `years` lists them."""
    releases: ReleasesDocument | None = None
    """Each release against the ones before it (None: data written without it)."""


def write_dataset(root: Path, data: Dataset) -> None:
    """Write the project summary, its windows, its yearly periods and their checksums
    (written last: a run killed before it leaves files that do not match, which the next run
    rewrites)."""
    docs: dict[str, Any] = {f"windows/{file_name(w['release'])}.json": w for w in data.windows}
    docs["project.json"] = data.project
    if data.releases is not None:
        docs["releases.json"] = data.releases
    if data.years is not None:
        docs["years.json"] = data.years
        docs |= {f"periods/{n}.json": period for n, period in enumerate(data.periods)}
    for stale in (root / "periods").glob("*.json") if (root / "periods").is_dir() else ():
        if f"periods/{stale.name}" not in docs:
            stale.unlink(missing_ok=True)
    write_verified(root, docs)


def write_verified(root: Path, docs: Mapping[str, Any], checksums: str = CHECKSUMS) -> None:
    """Write each document at its path under `root`, then the file `checksums` that lists
    their SHA-256 (last: until it is written, the old one no longer matches)."""
    written = {relative: write_json(root / relative, doc) for relative, doc in docs.items()}
    write_json(root / checksums, {"schema": SCHEMA, "sha256": written})


def _checksums(root: Path, checksums: str = CHECKSUMS) -> dict[str, str]:
    stored = read_json(root / checksums)
    files = stored.get("sha256") if isinstance(stored, dict) else None
    if (
        not isinstance(files, dict)
        or stored.get("schema") != SCHEMA
        or not all(isinstance(v, str) for v in files.values())
    ):
        raise UserError(f"{root / checksums} is not kvmstatus data of schema {SCHEMA}: {RESTORE}")
    return files


def damaged_files(root: Path, checksums: str = CHECKSUMS) -> list[Path]:
    """The files `checksums` lists that are missing or differ from what was written (the
    checksums file itself when it cannot be read): [] when everything matches."""
    try:
        files = _checksums(root, checksums)
    except UserError:
        return [root / checksums]
    damaged = []
    for relative, expected in sorted(files.items()):
        try:
            if digest((root / relative).read_bytes()) == expected:
                continue
        except OSError:
            pass
        damaged.append(root / relative)
    return damaged


def listed(root: Path, checksums: str = CHECKSUMS) -> set[str]:
    """The paths (relative to `root`) that `checksums` lists."""
    return set(_checksums(root, checksums))


def read_verified(root: Path, relative: str, checksums: str = CHECKSUMS) -> Any:
    """The document at `relative` under `root`, verified against `checksums` (a `UserError`
    naming the file when it is missing, unlisted or changed)."""
    return _verified(root, relative, _checksums(root, checksums), checksums)


def _verified(
    root: Path, relative: str, files: Mapping[str, str], checksums: str = CHECKSUMS
) -> Any:
    path = root / relative
    expected = files.get(relative)
    if expected is None:
        raise UserError(f"{path} is not listed in {root / checksums}: {RESTORE}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path} is missing: {RESTORE}") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    if digest(data) != expected:
        raise UserError(
            f"{path} was changed or damaged after kvmstatus wrote it (its checksum does not "
            f"match {checksums}): {RESTORE}"
        )
    return read_json(path)


def read_dataset(root: Path) -> Dataset:
    """The project summary, its windows in release order and its yearly periods, each
    verified against the checksums written with them (a `UserError` naming the first file
    that does not match)."""
    files = _checksums(root)
    project = _verified(root, "project.json", files)
    if not isinstance(project, dict) or project.get("schema") != SCHEMA:
        raise UserError(f"{root / 'project.json'} is not kvmstatus data of schema {SCHEMA}")
    windows = [
        _verified(root, f"windows/{file_name(name)}.json", files) for name in project["releases"]
    ]
    years = _verified(root, "years.json", files) if "years.json" in files else None
    periods = []
    if years is not None:
        periods = [_verified(root, f"periods/{n}.json", files) for n in range(len(years["spans"]))]
    releases = _verified(root, "releases.json", files) if "releases.json" in files else None
    return Dataset(
        cast(ProjectDocument, project),
        cast(list[WindowDocument], windows),
        cast(YearsDocument | None, years),
        cast(list[PeriodDocument], periods),
        cast(ReleasesDocument | None, releases),
    )
