"""The index of parsed list messages: what a run keeps so that the next reads only new ones.

One file per archive epoch, `lists/<archive key>/<epoch>.json` under a root (the data
directory for the flow, the cache for `kvmstatus review`), holding the epoch's tip and the
record of every message up to it, keyed by the epoch commit that holds it. Like the window
cache (`store.cache`), each file carries a checksum of its records and the version of the
parser that made them: a truncated, edited or foreign file, or one written by another parser,
is read again from git instead of trusted. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kvmstatus.model.records import MessageRecord, Person, Trailer
from kvmstatus.store.cache import code_version
from kvmstatus.store.jsonfile import write_json

PARSING_MODULES = ("kvmstatus.mine.messages",)
"""The code a record depends on: a change to it re-reads every archive."""


def parser_version() -> str:
    return code_version(PARSING_MODULES)


def index_path(root: Path, archive: str, epoch: str) -> Path:
    return root / "lists" / archive / f"{epoch}.json"


def _person(person: Person | None) -> list[str] | None:
    return None if person is None else [person.name, person.email]


def record_row(record: MessageRecord) -> list[Any]:
    """A record as a compact JSON row (fields in `MessageRecord` order)."""
    return [
        record.commit,
        record.message_id,
        record.in_reply_to,
        list(record.references),
        record.subject,
        _person(record.sender),
        int(record.time.timestamp()),
        record.dated,
        _person(record.author),
        list(record.paths),
        [[t.key, t.value, _person(t.person), t.malformed] for t in record.tags],
        record.problem,
    ]


def _as_person(row: Any) -> Person | None:
    return None if row is None else Person(str(row[0]), str(row[1]))


def row_record(row: Sequence[Any]) -> MessageRecord:
    (commit, mid, irt, refs, subject, sender, stamp, dated, author, paths, tags, problem) = row
    return MessageRecord(
        commit=commit,
        message_id=mid,
        in_reply_to=irt,
        references=tuple(refs),
        subject=subject,
        sender=_as_person(sender) or Person("", ""),
        time=datetime.fromtimestamp(stamp, UTC),
        dated=dated,
        author=_as_person(author),
        paths=tuple(paths),
        tags=tuple(Trailer(k, v, _as_person(p), m) for k, v, p, m in tags),
        problem=problem,
    )


def _checksum(rows: Any) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_index(root: Path, archive: str, epoch: str) -> tuple[str | None, list[MessageRecord], str]:
    """The epoch's stored tip and records, and their state: `cached`; `missing`, `corrupt`
    or `stale` (another parser) with no records."""
    path = index_path(root, archive, epoch)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [], "missing"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, [], "corrupt"
    if not isinstance(stored, dict) or not isinstance(stored.get("records"), list):
        return None, [], "corrupt"
    if stored.get("parser") != parser_version():
        return None, [], "stale"
    if stored.get("checksum") != _checksum(stored["records"]):
        return None, [], "corrupt"
    try:
        records = [row_record(row) for row in stored["records"]]
    except (TypeError, ValueError, KeyError):
        return None, [], "corrupt"
    tip = stored.get("tip")
    return (tip if isinstance(tip, str) else None), records, "cached"


def store_index(
    root: Path, archive: str, epoch: str, tip: str | None, records: Sequence[MessageRecord]
) -> None:
    rows = [record_row(r) for r in records]
    write_json(
        index_path(root, archive, epoch),
        {"parser": parser_version(), "tip": tip, "checksum": _checksum(rows), "records": rows},
        compact=True,
    )
