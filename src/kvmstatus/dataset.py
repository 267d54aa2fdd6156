"""The data directory: what the computing stages hand to the site, as plain JSON.

Layout (schema 1)::

    DATA/project.json            the project, its releases in order, the trend, the "as of" date
    DATA/windows/<release>.json  one release window's tables (see `window_document`)
    DATA/companions/<name>/...   the same layout for a companion project (kvm-unit-tests, ...)

Files are written sorted and indented, so the same numbers give the same bytes, and each file
is replaced atomically (write to a temporary name, then rename), so a reader never sees half a
file. Everything the site shows comes from here; the site stage never runs git.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvmstatus.errors import UserError
from kvmstatus.fixes import FixesFinding
from kvmstatus.trends import linear_trend

if TYPE_CHECKING:
    from kvmstatus.pipeline import WindowResult

SCHEMA = 1
Document = dict[str, Any]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _finding(finding: FixesFinding) -> Document:
    target = finding.target
    return {
        "commit": finding.ref.commit,
        "author": finding.ref.author,
        "value": finding.ref.value,
        "problems": list(finding.problems),
        "fixed_commit": target.hash if target else None,
        "fixed_subject": target.subject if target else None,
        "fixed_author": target.author if target else None,
        "introduced_in": finding.introduced_in,
        "in_selection": target.in_selection if target else None,
        "lifetime_days": finding.lifetime_days,
        "releases_apart": finding.releases_apart,
        "same_release": finding.same_release,
    }


def window_document(result: WindowResult) -> Document:
    """One window's tables as JSON-ready data (the `stats --json` shape plus the row)."""
    doc: Document = _plain(result.stats)
    doc.update(
        release=result.release,
        date=result.date,
        row=_plain(result.row),
        review_coverage=result.row["review_coverage"],
        first_time_authors=result.row["first_time_authors"],
        top_first_time_authors=_plain(result.first_time_authors),
        bot_reported=dict(result.bot_reported),
        architectures=_plain(result.architectures),
        testing=dict(result.testing),
        companies=[{"company": c, "commits": n} for c, n in result.companies],
        review_companies=[{"company": c, "reviews": n} for c, n in result.review_companies],
        unknown_company_share=result.row["unknown_company_share"],
        fixes=_plain(result.fixes),
        invalid_fixes=_plain(result.invalid_fixes),
        fix_findings=[_finding(f) for f in result.fix_findings],
        topics=_plain(result.topics),
        arch_topics=_plain(result.arch_topics),
        pulls=_plain(result.flow.pulls),
        trees=_plain(result.flow.trees),
        top_committers=_plain(result.flow.top_committers),
        applied_by_others=result.flow.applied_by_others,
        author_contacts=result.author_contacts,
    )
    return doc


def with_first_time_authors(doc: Document, new_authors: set[str]) -> Document:
    """`doc` with its first-time authors (those of its authors whose keys are in
    `new_authors`, see `authors.new_author_keys`), without the raw contacts that decided it.

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
    windows: Sequence[Document],
    settings: Mapping[str, Any],
    synthetic: bool = False,
) -> Document:
    """The project summary: release order, the commits trend and the data's own date."""
    trend = linear_trend([float(w["commits"]) for w in windows])
    return {
        "schema": SCHEMA,
        "title": title,
        "project": project,
        "releases": [w["release"] for w in windows],
        "as_of": windows[-1]["date"] if windows else None,
        "trend": _plain(trend),
        "settings": _plain(settings),
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


def write_json(path: Path, doc: Any) -> None:
    """Replace `path` with `doc` as sorted, indented JSON, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep a published site from serving it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_dataset(root: Path, project: Document, windows: Sequence[Document]) -> None:
    for doc in windows:
        write_json(root / "windows" / f"{file_name(doc['release'])}.json", doc)
    write_json(root / "project.json", project)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} is missing: compute the data first (kvmstatus collect)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path} is not readable JSON ({exc}); compute the data again") from None


def read_dataset(root: Path) -> tuple[Document, list[Document]]:
    """The project summary and its windows in release order."""
    project = read_json(root / "project.json")
    if not isinstance(project, dict) or project.get("schema") != SCHEMA:
        raise UserError(f"{root / 'project.json'} is not kvmstatus data of schema {SCHEMA}")
    windows = [
        read_json(root / "windows" / f"{file_name(name)}.json") for name in project["releases"]
    ]
    return project, windows
