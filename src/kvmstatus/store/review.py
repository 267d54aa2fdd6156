"""The review documents of a project's data directory: the mailing list next to the tags.

    DATA/review/index.json          the archives read, the scope, the bots, the stamp
    DATA/review/<release>.json      one release window's review on the list

Written whole by the review step (`kvmstatus.jobs.lists`), sorted and atomically like every
document; read by the site. A project without lists has no `review/` folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.store.documents import Document, file_name
from kvmstatus.store.jsonfile import read_json, write_json

FOLDER = "review"


def review_stamp(root: Path) -> str | None:
    """The stamp the stored review was made with (None: there is none)."""
    try:
        summary = read_json(root / FOLDER / "index.json")
    except UserError:  # missing or damaged: made again
        return None
    stamp = summary.get("stamp") if isinstance(summary, dict) else None
    return stamp if isinstance(stamp, str) else None


def write_review(root: Path, summary: Document, windows: Sequence[Document]) -> None:
    """Replace the project's review documents (windows of releases gone are removed)."""
    folder = root / FOLDER
    keep = {f"{file_name(w['release'])}.json" for w in windows} | {"index.json"}
    for doc in windows:
        write_json(folder / f"{file_name(doc['release'])}.json", doc)
    if folder.is_dir():
        for path in folder.glob("*.json"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
    # Written last: its stamp says the windows above are complete.
    write_json(folder / "index.json", summary)


def remove_review(root: Path) -> None:
    shutil.rmtree(root / FOLDER, ignore_errors=True)


def read_review(root: Path) -> tuple[Document, dict[str, Document]] | None:
    """The review summary and the window documents by release, or None without a review."""
    if not (root / FOLDER / "index.json").is_file():
        return None
    summary = read_json(root / FOLDER / "index.json")
    windows = {}
    for release in summary.get("releases", []):
        path = root / FOLDER / f"{file_name(release)}.json"
        if path.is_file():
            windows[release] = read_json(path)
    return summary, windows
