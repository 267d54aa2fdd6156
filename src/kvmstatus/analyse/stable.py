"""Cc: stable: which `Cc:` trailers name the project's stable list, derived as a key of its own.

The parser reads what a message says; which addresses are a stable list is the project's to
say (`STABLE_LISTS` for the kernel, `stable_lists` in a configuration).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kvmstatus.model.records import CommitRecord, Trailer
from kvmstatus.model.trailers import CC_STABLE
from kvmstatus.shared.labels import STABLE_LISTS


@lru_cache(maxsize=16)
def stable_regex(addresses: tuple[str, ...]) -> re.Pattern[str] | None:
    """A `Cc:` value naming one of `addresses` (anywhere in it, as `git log --grep` reads
    it; case-insensitive); None when the project has no stable list."""
    if not addresses:
        return None
    alternatives = "|".join(re.escape(a) for a in addresses)
    return re.compile(rf"(?<![\w.+-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def with_cc_stable(
    records: Sequence[CommitRecord], addresses: tuple[str, ...] = STABLE_LISTS
) -> list[CommitRecord]:
    """`records` with a `Cc-stable` trailer after each `Cc:` that names one of the stable
    lists `addresses` (each pair once per commit, like every key)."""
    regex = stable_regex(tuple(addresses))
    if regex is None:
        return list(records)
    out = []
    for record in records:
        ccs = [t for t in record.trailers if t.key == "Cc" and regex.search(t.value)]
        if not ccs:
            out.append(record)
            continue
        trailers: list[Trailer] = []
        for trailer in record.trailers:
            trailers.append(trailer)
            if trailer in ccs:
                trailers.append(Trailer(key=CC_STABLE, value=trailer.value, person=trailer.person))
        out.append(record.replaced(trailers=tuple(trailers)))
    return out
