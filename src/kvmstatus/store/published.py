"""`DATA/published.json`: where the data directory's last edition was pushed, and the stamp of
the data it was built from.

A git branch on a remote cannot be asked cheaply what it holds, so a run asks this record
instead; a directory target carries its stamp in the site itself (`website.sitedir`).
"""

from __future__ import annotations

import json
from pathlib import Path

from kvmstatus.store.jsonfile import write_json

PUBLISHED = "published.json"


def pushed_stamp(root: Path, target: str) -> str | None:
    """The stamp of the edition last pushed to `target` from the data directory `root`
    (None: none recorded, the last push went elsewhere, or the record is unreadable)."""
    try:
        record = json.loads((root / PUBLISHED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("target") != target:
        return None
    stamp = record.get("stamp")
    return stamp if isinstance(stamp, str) else None


def record_pushed(root: Path, target: str, stamp: str) -> None:
    """Remember that the edition with `stamp` was pushed to `target`."""
    write_json(root / PUBLISHED, {"target": target, "stamp": stamp})
