"""JSON files of the data directory: written sorted, indented and atomically; read back with
a one-line error when a file is missing or damaged."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kvmstatus.errors import UserError

T = TypeVar("T")


def write_json(path: Path, doc: Any, compact: bool = False) -> None:
    """Replace `path` with `doc` as sorted, indented JSON (`compact`: on one line, for large
    machine-read files), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 1}
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, **layout) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep a published site from serving it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} is missing: compute the data first (kvmstatus collect)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path} is not readable JSON ({exc}); compute the data again") from None


def cached_json(folder: Path, key: Any, make: Callable[[], T]) -> T:
    """`make()`, kept in `folder` under a hash of `key` (any JSON value): a later call with
    the same key reads it back; a missing or unreadable file is made again."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    path = folder / f"{digest}.json"
    try:
        stored: T = json.loads(path.read_text(encoding="utf-8"))
        return stored
    except (OSError, ValueError):
        pass  # missing or corrupt: make it again
    value = make()
    write_json(path, value)
    return value
