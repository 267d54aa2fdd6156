"""Topics from subject prefixes: what a window's commits were about, per architecture.

Kernel subjects carry a hierarchy of prefixes, `KVM: x86/mmu: Fix ...`, `KVM: nVMX: ...`,
`KVM: arm64: vgic: ...`, `KVM: PPC: Book3S HV: ...`, `LoongArch: KVM: ...`. A commit's
*topic* is the first prefix component (prefixes split at `/` as well as at `: `) that names
neither KVM (nor the project, as its architecture mapping says: `xen`) nor an architecture:
`mmu`, `nVMX`, `vgic`, `Book3S HV`, `selftests`. A subject whose prefixes name only the
project and architectures has the topic `(general)`; one without any prefix has `(none)`.
Topics are compared case-insensitively and shown in their most used spelling.

Counting rule: every non-merge commit has exactly one topic and counts for it once per
architecture it counts for (`ArchMap.arches_of`, the rule of the architecture tables), so
a window's topics add up to its commits, and each architecture's topics add up to that
architecture's commits. Pure functions: records in, counts out; adding windows' topics up is
`kvmstatus.analyse.periods`'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kvmstatus.analyse.architectures import ArchMap, split_by_arch
from kvmstatus.analyse.metrics import non_merges
from kvmstatus.model.records import CommitRecord
from kvmstatus.shared.labels import GENERAL, NO_PREFIX
from kvmstatus.shared.numbers import by_count, most_common

# Words that say which project or architecture a commit is for, not what it is about.
ARCH_WORDS = frozenset(
    {
        "kvm",
        "x86",
        "x86_64",
        "i386",
        "arm",
        "arm64",
        "aarch64",
        "s390",
        "s390x",
        "ppc",
        "ppc64",
        "powerpc",
        "mips",
        "riscv",
        "risc-v",
        "loongarch",
        "ia64",
    }
)

# One prefix: a word of identifier characters, optionally followed by a short all-capital
# second word (`Book3S HV`, `Book3S PR`), then a colon and a space. Two free words would take
# ordinary sentences ("Fix foo: bar") for prefixes.
_PREFIX = re.compile(r"([A-Za-z0-9_][\w.+/-]{0,31}(?: [A-Z0-9]{1,4})?):\s+")
_REVERT = re.compile(r'^(?:revert|reapply)\s+"?', re.IGNORECASE)
_TAG = re.compile(r"^\[[^\]]{0,40}\]\s*")


def prefixes(subject: str) -> tuple[str, ...]:
    """The subject's leading prefixes, each split at `/`: `KVM: x86/mmu: x` -> KVM, x86, mmu.

    A `Revert "..."` or `[PATCH]` wrapper is looked through.
    """
    text = _TAG.sub("", subject.strip())
    text = _REVERT.sub("", text)
    found: list[str] = []
    while match := _PREFIX.match(text):
        found += [part for part in match.group(1).split("/") if part]
        text = text[match.end() :]
    return tuple(found)


@lru_cache(maxsize=1 << 14)
def topic_of(subject: str, own: frozenset[str] = frozenset()) -> str:
    """The commit's topic (see the module docstring), in the subject's own spelling; `own`
    are more words that name the project (`ArchMap.project`: `xen`)."""
    parts = prefixes(subject)
    if not parts:
        return NO_PREFIX
    return next(
        (p for p in parts if p.casefold() not in ARCH_WORDS and p.casefold() not in own), GENERAL
    )


@dataclass(frozen=True, slots=True)
class TopicCount:
    topic: str
    commits: int


def _count(subjects: Iterable[str], own: frozenset[str] = frozenset()) -> list[TopicCount]:
    counts: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for subject in subjects:
        topic = topic_of(subject, own)
        key = topic.casefold()
        counts[key] = counts.get(key, 0) + 1
        shown = spellings.setdefault(key, {})
        shown[topic] = shown.get(topic, 0) + 1
    return [TopicCount(most_common(spellings[key]), n) for key, n in by_count(counts)]


def topic_counts(records: Sequence[CommitRecord], own: Iterable[str] = ()) -> list[TopicCount]:
    """Non-merge commits per topic, most first (ties by topic); `own` name the project."""
    return _count((r.subject for r in non_merges(records)), frozenset(own))


def arch_topic_counts(
    records: Sequence[CommitRecord], amap: ArchMap
) -> dict[str, list[TopicCount]]:
    """Per architecture (in `amap.names` order, those with commits), its commits per topic."""
    own = frozenset(amap.project)
    return {
        name: _count((r.subject for r in group), own)
        for name, group in split_by_arch(records, amap).items()
        if group
    }
