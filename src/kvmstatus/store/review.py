"""The review documents of a project's data directory: the mailing list next to the tags.

    DATA/review/index.json          the archives read, the scope, the bots, the stamp
    DATA/review/<release>.json      one release window's review on the list
    DATA/review/periods/<n>.json    the review of the yearly period n (`DATA/years.json`)

Made here from the review's numbers (`window_review`, `archive_summary`), written whole by
the review step (`kvmstatus.jobs.lists`), sorted and atomically like every document; read by
the site. A project without lists has no `review/` folder. The summary's stamp (`stamp`)
says what the review was made from; a run whose stamp is the stored one does nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from kvmstatus.model.documents import ReviewDocument, ReviewIndex
from kvmstatus.model.records import LinkCommit
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.store.cache import code_version
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
REVIEW_MODULES = ("kvmstatus.jobs.lists",)
"""The code a review document depends on (with what it imports): the stamp covers it."""


def stamp(*made_from: Any) -> str:
    """The stamp of a review made by this code from `made_from` (JSON-ready values: the
    archives' tips, the windows' keys, the scope, the bots, the architecture mapping)."""
    text = json.dumps([code_version(REVIEW_MODULES), *made_from], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def window_review(window: Document, stats: Document, links: Document) -> Document:
    """One window's review document: the range's numbers (`analyse.review.ReviewStats`, made
    plain), the commits' tags beside the tags given on the list, each list reviewer's tags
    in commits, and how the window's commits link to the posted patches (`CommitLinks`)."""
    in_commits = {key: window.get("trailers", {}).get(key, {}).get("lines", 0) for key in LIST_TAGS}
    named: dict[str, int] = {}
    for people in ("top_reviewers", "top_ackers", "top_testers"):
        for row in window.get(people, []):
            named[row["email"]] = named.get(row["email"], 0) + row["count"]
    doc = dict(stats)
    doc["top_list_reviewers"] = [
        r | {"commit_tags": named.get(r["email"], 0)} for r in doc["top_list_reviewers"]
    ]
    doc.update(
        release=window["release"],
        date=window["date"],
        range=window["range"],
        commits=window["commits"],
        commit_tags=in_commits,
        links=links,
    )
    return doc


def archive_summary(
    spec: str, name: str, epochs: Sequence[str], times: Sequence[datetime]
) -> Document:
    """What the site says about an archive: where it is, its epochs, how far it goes."""
    return {
        "spec": spec,
        "name": name,
        "epochs": list(epochs),
        "messages": len(times),
        "first": _iso(min(times, default=None)),
        "last": _iso(max(times, default=None)),
    }


def review_summary(
    *,
    project: str,
    archives: Sequence[Document],
    scope: str,
    list_tag: str | None,
    bots: Sequence[str],
    messages: int,
    duplicates: int,
    spans: Sequence[tuple[datetime, datetime]],
    releases: Sequence[str],
    unparseable: Sequence[str],
    stamp: str,
) -> Document:
    """The review's `index.json`: the archives read (`archive_summary`), the scope in words,
    the bots, the messages threaded and left out as duplicates, the stretches of time the
    archives cover, the releases reviewed, the unparseable messages' commits, the stamp."""
    return {
        "project": project,
        "archives": list(archives),
        "scope": scope,
        "list_tag": list_tag,
        "bots": list(bots),
        "messages": messages,
        "duplicates": duplicates,
        "first": _iso(spans[0][0]) if spans else None,
        "end": _iso(spans[-1][1]) if spans else None,
        "spans": [[_iso(a), _iso(b)] for a, b in spans],
        "releases": list(releases),
        "unparseable": list(unparseable),
        "stamp": stamp,
    }


def link_rows(commits: Sequence[LinkCommit]) -> list[list[Any]]:
    """Commits as linking needs them, as JSON rows (kept per window: `links/`)."""
    return [
        [c.hash, c.subject, c.author, int(c.time.timestamp()), list(c.message_ids)] for c in commits
    ]


def row_commits(rows: Sequence[Sequence[Any]]) -> list[LinkCommit]:
    return [
        LinkCommit(h, subject, author, datetime.fromtimestamp(when, UTC), tuple(ids))
        for h, subject, author, when, ids in rows
    ]


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


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
