"""Whether a path is inside a list of git pathspecs, answered without git. Pure.

The review decides whether a patch posted to a list belongs to the project by the paths its
diff touches, which exist only in the message, not in any repository; so the selection's
pathspecs (`kvmstatus.mine.selection.pathspecs_at`) are matched here the way git matches
them: `:(glob)` patterns with git's glob rules, `:(literal)` paths, `:(exclude,...)` (also
`:!` and `:^`) taking paths out again, and plain pathspecs matching a leading directory or,
with wildcards, `fnmatch`-style across `/`. A pathspec also matches every path below a
directory it names, as in `git log -- dir`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kvmstatus.analyse.architectures import glob_regex

_WILDCARD = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class _Spec:
    exclude: bool
    literal: str | None
    """A path or directory matched as written (no wildcards)."""
    pattern: re.Pattern[str] | None
    """A whole-path pattern, tried on the path and on each of its leading directories."""


def _parse(spec: str) -> _Spec:
    magic: set[str] = set()
    body = spec
    if spec.startswith(":("):
        words, _, body = spec[2:].partition(")")
        magic = {w.strip() for w in words.split(",")}
    elif spec.startswith((":!", ":^")):
        magic, body = {"exclude"}, spec[2:]
    elif spec.startswith(":/"):
        body = spec[2:]
    exclude = "exclude" in magic
    body = body.removeprefix("./")
    if body in ("", "."):
        return _Spec(exclude, "", None)
    if "literal" in magic or not _WILDCARD.search(body):
        return _Spec(exclude, body.rstrip("/"), None)
    if "glob" in magic:
        return _Spec(exclude, None, glob_regex(body))
    return _Spec(exclude, None, re.compile(fnmatch.translate(body)))


def _matches(spec: _Spec, path: str) -> bool:
    if spec.literal is not None:
        return not spec.literal or path == spec.literal or path.startswith(spec.literal + "/")
    assert spec.pattern is not None
    if spec.pattern.match(path):
        return True
    parts = path.split("/")
    return any(spec.pattern.match("/".join(parts[:i])) for i in range(1, len(parts)))


@lru_cache(maxsize=64)
def _compiled(specs: tuple[str, ...]) -> tuple[tuple[_Spec, ...], tuple[_Spec, ...]]:
    parsed = [_parse(s) for s in specs]
    return tuple(s for s in parsed if not s.exclude), tuple(s for s in parsed if s.exclude)


@lru_cache(maxsize=1 << 16)
def _inside(specs: tuple[str, ...], path: str) -> bool:
    includes, excludes = _compiled(specs)
    if includes and not any(_matches(s, path) for s in includes):
        return False
    return not any(_matches(s, path) for s in excludes)


def inside(specs: Sequence[str], path: str) -> bool:
    """Whether `git log -- SPECS` would count a change of `path` (no specs: every path)."""
    return _inside(tuple(specs), path) if specs else True


def any_inside(specs: Sequence[str], paths: Sequence[str]) -> bool:
    """Whether at least one of `paths` is inside `specs`."""
    return any(inside(specs, p) for p in paths)
