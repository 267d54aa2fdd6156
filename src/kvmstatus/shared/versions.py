"""Version order of release tag names: `v3.9 < v3.10-rc1 < v3.10`, dates as dates."""

from __future__ import annotations

import re

_PRERELEASE = re.compile(r"[-_.~]?(rc|alpha|beta|pre)[-_.]?(\d+)$", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def version_key(tag: str) -> tuple[tuple[int, ...], int, int, str]:
    """Sort key: numeric components, and a pre-release (`-rc3`) before its final release.

    `v2.6.39 < v3.0 < v3.10-rc1 < v3.10 < v4.20-rc1`; `v2022-03-08` sorts as a date.
    """
    pre = _PRERELEASE.search(tag)
    base = tag[: pre.start()] if pre else tag
    numbers = tuple(int(n) for n in _NUMBER.findall(base))
    if pre:
        return numbers, 0, int(pre.group(2)), tag
    return numbers, 1, 0, tag
