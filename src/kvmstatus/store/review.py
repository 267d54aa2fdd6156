"""The review documents of a project's data directory: the mailing list next to the tags.

    DATA/review/index.json          the archives read, the scope, the bots, the stamp
    DATA/review/<release>.json      one release window's review on the list
    DATA/review/periods/<n>.json    the review of the yearly period n (`DATA/years.json`)

Written whole by the review step (`kvmstatus.jobs.lists`), sorted and atomically like every
document; read by the site. A project without lists has no `review/` folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from kvmstatus.model.documents import ReviewDocument, ReviewIndex
from kvmstatus.store.documents import (
    CHECKSUMS,
    Document,
    damaged_files,
    file_name,
    listed,
    read_verified,
    write_verified,
)

FOLDER = "review"


def review_stamp(root: Path) -> str | None:
    """The stamp the stored review was made with (None: there is none, or a file of it is
    missing or differs from what was written, so it is made again)."""
    folder = root / FOLDER
    if damaged_files(folder):
        return None
    summary = read_verified(folder, "index.json")
    stamp = summary.get("stamp") if isinstance(summary, dict) else None
    return stamp if isinstance(stamp, str) else None


def write_review(
    root: Path, summary: Document, windows: Sequence[Document], periods: Sequence[Document] = ()
) -> None:
    """Replace the project's review documents (windows of releases gone are removed), with
    their checksums, written last: they say the documents above are complete."""
    folder = root / FOLDER
    docs = {f"{file_name(w['release'])}.json": w for w in windows} | {"index.json": summary}
    docs |= {f"periods/{n}.json": period for n, period in enumerate(periods)}
    if folder.is_dir():
        for path in [*folder.glob("*.json"), *folder.glob("periods/*.json")]:
            relative = path.relative_to(folder).as_posix()
            if relative not in docs and relative != CHECKSUMS:
                path.unlink(missing_ok=True)
    write_verified(folder, docs)


def remove_review(root: Path) -> None:
    shutil.rmtree(root / FOLDER, ignore_errors=True)


@dataclass(frozen=True)
class StoredReview:
    """A project's review documents as the site reads them."""

    summary: ReviewIndex
    windows: dict[str, ReviewDocument]
    """By release."""
    periods: list[ReviewDocument]
    """The yearly periods', newest first (none for a companion)."""


def read_review(root: Path) -> StoredReview | None:
    """The review summary, the window documents by release and the yearly periods', or None
    without a review; each verified against the checksums written with them (a `UserError`
    naming the file that does not match)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return None
    summary = read_verified(folder, "index.json")
    written = listed(folder)
    windows = {}
    for release in summary.get("releases", []):
        relative = f"{file_name(release)}.json"
        if relative in written:
            windows[release] = read_verified(folder, relative)
    periods = []
    for n in range(len(written)):
        if f"periods/{n}.json" not in written:
            break
        periods.append(read_verified(folder, f"periods/{n}.json"))
    return StoredReview(
        cast(ReviewIndex, summary),
        cast(dict[str, ReviewDocument], windows),
        cast(list[ReviewDocument], periods),
    )
