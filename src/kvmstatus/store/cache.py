"""The data directory across runs: cached window results and their keys.

A window's result is a pure function of its start and end commits, the selection, the
releases up to its end, the architecture mapping, the affiliation data, the stable-list
addresses (which `Cc:` lines count as Cc-stable) and the code. Its
cache key is a hash of exactly those; the result is stored as `cache/<key>.json` with the key
and a checksum of its content inside, so a truncated, edited or foreign file is detected and
recomputed instead of trusted. Writes are atomic (`jsonfile.write_json`).
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kvmstatus import __version__
from kvmstatus.model.periods import Span
from kvmstatus.model.releases import ReleaseWindow, Tag
from kvmstatus.store.documents import Document
from kvmstatus.store.jsonfile import write_json

COMPUTING_MODULES = ("kvmstatus.jobs.window", "kvmstatus.store.results")
"""Where a window is computed and serialized: the cache key covers these modules and every
kvmstatus module they import, and nothing else (not the site, the CLI or the demo)."""
ASSEMBLING_MODULES = ("kvmstatus.jobs.dataset",)
"""Where a project's documents are put together from its windows and periods: the data
directory is written again when they change."""


@cache
def code_version(roots: tuple[str, ...] = COMPUTING_MODULES) -> str:
    """The package version and a hash of the source of the modules that compute a window
    (`roots`, by default `COMPUTING_MODULES`, and their imports): changing a chart or a page
    recomputes nothing."""
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(module_closure(roots)):
        path = module_file(name)
        assert path is not None  # module_closure only returns modules it found
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


_ROOT = Path(__file__).resolve().parents[1]  # the kvmstatus package directory


def module_file(module: str) -> Path | None:
    """The source file of kvmstatus module `module` (None: no such module), found on disk
    so that asking never imports it."""
    parts = module.split(".")
    if parts[0] != "kvmstatus":
        return None
    base = _ROOT.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def kvmstatus_imports(module: str) -> set[str]:
    """The kvmstatus modules `module` imports anywhere: at the top, in functions, under
    `TYPE_CHECKING`. `from kvmstatus.a import b` names `kvmstatus.a.b` when that is a module,
    else `kvmstatus.a`."""
    path = module_file(module)
    if path is None:
        raise ModuleNotFoundError(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kvmstatus")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            if base.split(".")[0] != "kvmstatus":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if module_file(sub) else base)
    found.discard(module)
    return found


def module_closure(roots: Sequence[str]) -> set[str]:
    """`roots` and every kvmstatus module they import, directly or not, with the package
    `__init__` modules on the way (Python runs those too)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(kvmstatus_imports(name))
    return seen


@dataclass(frozen=True)
class WindowKey:
    """Everything a window's result depends on."""

    project: str
    start: str | None
    end: str
    selection: Mapping[str, Any]
    releases: Sequence[tuple[str, str]]
    arch_map: str
    affiliations: str
    code: str
    stable_lists: Sequence[str] = ()

    def digest(self) -> str:
        text = json.dumps(
            {
                "project": self.project,
                "start": self.start,
                "end": self.end,
                "selection": dict(self.selection),
                "releases": [list(r) for r in self.releases],
                "arch_map": self.arch_map,
                "affiliations": self.affiliations,
                "code": self.code,
                "stable_lists": list(self.stable_lists),
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def _key(
    project: str,
    start: Tag | None,
    end: Tag,
    releases: Sequence[Tag],
    selection: Mapping[str, Any],
    arch_map: str,
    affiliations: str,
    stable_lists: Sequence[str],
) -> WindowKey:
    # Releases after the end do not count (they cannot change what ends there).
    names = [t.name for t in releases]
    upto = releases[: names.index(end.name) + 1] if end.name in names else releases
    return WindowKey(
        project=project,
        start=start.commit if start else None,
        end=end.commit,
        selection=selection,
        releases=[(t.name, t.commit) for t in upto],
        arch_map=arch_map,
        affiliations=affiliations,
        code=code_version(),
        stable_lists=tuple(stable_lists),
    )


def window_key(
    project: str,
    window: ReleaseWindow,
    releases: Sequence[Tag],
    selection: Mapping[str, Any],
    arch_map: str,
    affiliations: str,
    stable_lists: Sequence[str] = (),
) -> WindowKey:
    """The key of `window`."""
    return _key(
        project, window.start, window.end, releases, selection, arch_map, affiliations, stable_lists
    )


def period_key(
    project: str,
    span: Span,
    releases: Sequence[Tag],
    selection: Mapping[str, Any],
    arch_map: str,
    affiliations: str,
    stable_lists: Sequence[str] = (),
) -> WindowKey:
    """The key of a yearly period (`model.periods.Span`): a window's, with its kind and dates."""
    kind = f"{project}#{span.kind}:{span.since.isoformat()}:{span.until.isoformat()}"
    return _key(
        kind, span.start, span.end, releases, selection, arch_map, affiliations, stable_lists
    )


def _checksum(doc: Document) -> str:
    body = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


WINDOWS = "cache"
"""Where windows' results are cached, under the data directory."""
PERIODS = "cache-years"
"""Where yearly periods' results are cached (`period_key`), apart from the windows'."""


def cache_path(root: Path, key: str, folder: str = WINDOWS) -> Path:
    return root / folder / f"{key}.json"


def stored_results(root: Path) -> int:
    """How many window results are stored under the data directory `root`, companions'
    included."""
    return sum(1 for _ in root.glob(f"**/{WINDOWS}/*.json"))


def load_cached(root: Path, key: str, folder: str = WINDOWS) -> tuple[Document | None, str]:
    """The cached result for `key`, and why not when there is none (`missing`, `corrupt`)."""
    path = cache_path(root, key, folder)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, "corrupt"
    if (
        not isinstance(stored, dict)
        or stored.get("key") != key
        or not isinstance(stored.get("result"), dict)
        or stored.get("checksum") != _checksum(stored["result"])
    ):
        return None, "corrupt"
    result: Document = stored["result"]
    return result, "cached"


def store_result(root: Path, key: str, result: Document, folder: str = WINDOWS) -> None:
    document = {"key": key, "checksum": _checksum(result), "result": result}
    write_json(cache_path(root, key, folder), document)


def prune_cache(root: Path, keep: set[str], folder: str = WINDOWS) -> int:
    """Remove cached results no current window (or period) uses (a moved tag, an old code
    version)."""
    removed = 0
    folder_path = root / folder
    if folder_path.is_dir():
        for path in folder_path.glob("*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
