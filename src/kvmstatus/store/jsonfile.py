"""JSON files of the data directory: written sorted, indented and atomically; read back with
a one-line error when a file is missing or damaged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kvmstatus.errors import UserError
from kvmstatus.shared.files import write_atomically

T = TypeVar("T")


def json_bytes(doc: Any, compact: bool = False) -> bytes:
    """`doc` as the bytes `write_json` writes: sorted UTF-8 JSON, indented (`compact`: on one
    line, for large machine-read files)."""
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 1}
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, **layout) + "\n").encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_json(path: Path, doc: Any, compact: bool = False) -> str:
    """Replace `path` with `doc` as `json_bytes` gives it, atomically; returns the SHA-256
    of the bytes written. A stop (`shared.stopping`) waits for the replacement to finish,
    so no temporary file is left behind."""
    data = json_bytes(doc, compact)
    write_atomically(path, data)
    return digest(data)


RESTORE = "`kvmstatus run` restores it (or `kvmstatus collect`, for data it wrote)"


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} is missing: {RESTORE}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path} is not readable JSON ({exc}): {RESTORE}") from None


def cached_json(folder: Path, key: Any, make: Callable[[], T]) -> T:
    """`make()`, kept in `folder` under a hash of `key` (any JSON value): a later call with
    the same key reads it back; a missing, unreadable or edited file (its checksum does not
    match) is made again."""
    name = digest(json.dumps(key, sort_keys=True).encode())
    path = folder / f"{name}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if (
            isinstance(stored, dict)
            and stored.get("key") == key
            and stored.get("checksum") == digest(json_bytes(stored.get("value")))
        ):
            value: T = stored["value"]
            return value
    except (OSError, ValueError):
        pass  # missing or corrupt: make it again
    value = make()
    write_json(path, {"key": key, "checksum": digest(json_bytes(value)), "value": value})
    return value
