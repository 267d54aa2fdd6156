"""A deterministic, Linux-kernel-scale synthetic git history, streamed into `git fast-import`.

    python bench/synth.py OUT_DIR [--commits 200000] [--releases 60] [--seed 1] [--kvm-share 0.1]

This module owns the synthetic benchmark repository: its shape, its content and the
fast-import plumbing that builds it. `build_synthetic()` is the library entry point; the
`SynthSummary` it returns carries the counts a benchmark can check the repository against.

Shape (what a real kernel history has, scaled down in content, not in commit count):
- Releases `v3.0, v3.1 .. v3.19, v4.0 .. v4.20, v5.0 ..` (annotated tags), each cycle being a
  two-week merge window, then `-rc1` .. `-rc7` (sometimes `-rc8`, lightweight tags) one week
  apart, each made by a "Linux X.Y-rcN" commit to the top-level `Makefile`.
- Topic trees for the next release fork at the previous release or at an rc of the current
  cycle and are merged in the next merge window, so `git rev-list vA..vB` holds commits that
  `--ancestry-path vA..vB` does not. Networking-style trees also merge patch series as
  branches. KVM is a tree of trees: kvm-x86 topic tags, kvmarm (itself merging
  `kvm-arm64/*` topic branches), kvm-s390, kvm-ppc, kvm-riscv and loongarch-kvm are pulled
  into the kvm tree, which is pulled into master; rc weeks bring fixes pulls and direct fixes.
- About 2,000 kernel-like paths (`arch/*/kvm/`, `virt/kvm/`, selftests, documentation and a
  larger non-KVM tree), every blob one short line. Merges are computed three-way against the
  real merge base, so their trees are what `git merge` would make. Events at fixed fractions
  of the history: ia64 KVM stops, selftests appear, `Documentation/virtual/kvm` moves to
  `Documentation/virt/kvm`, MAINTAINERS switches to today's entry names, RISC-V and
  LoongArch KVM appear, 32-bit ARM KVM stops, and the selftests' `x86_64`/`aarch64`/`s390x`
  directories become `x86`/`arm64`/`s390`.
- A `MAINTAINERS` (kernel preamble, `F:<TAB>path`, `X:` lines, "THE REST") and, from 15 % of
  the history on, a `.mailmap` that grows as people change address.
- People with company-like addresses and Zipf-like activity; committers are the maintainers.
  Trailers at realistic rates, `Fixes:` naming earlier commits by their real hash, and the
  broken forms real histories have (see `FIXES_KINDS` and `Builder.trailers`).
- Only `master` and the tags remain (topic refs are deleted), `master` being in the merge
  window after the last release; refs are packed and a commit-graph with changed-path Bloom
  filters is written. Sort tags with `-c versionsort.suffix=-rc` to put v3.0-rc1 before v3.0.

`--commits` counts non-merge commits (exactly, for sane sizes); merges come on top (~5 %).
The default (200,000 commits, 60 releases v3.0 .. v5.18) builds in about 40 s on two cores
and takes about 170 MiB; the KVM selection (`KVM_PATHSPECS`) is then ~330 commits a release.

Determinism: every choice comes from one `random.Random(seed)`, dates from a fixed clock, so
the same arguments give the same commit hashes. Hashes of earlier commits (for `Fixes:`) are
read back from fast-import with `get-mark` at each rc, which keeps the stream single-pass.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kvmstatus.demo.catalogue import (
    ALL_QUALS,
    AREA,
    AREAS,
    ARM_BRANCHES,
    BODIES,
    COVERS,
    CROSS_HOST,
    DAY,
    DEFAULT_COMMITS,
    DEFAULT_RELEASES,
    FIXES_KINDS,
    HOUR,
    KVM_ENTRIES,
    KVM_NOUNS,
    KVM_TREE_OF,
    KVM_X86_TOPICS,
    LATE,
    LINUS_GIT,
    MAILMAP_HEADER,
    MAILMAP_START,
    MAINTAINERS_PREAMBLE,
    NULL_OID,
    OTHER_NOUNS,
    QUALS,
    RENAMES,
    SELFTESTS,
    SELFTESTS_RENAME,
    SELFTESTS_START,
    SUB_TREES,
    T0,
    TREE,
    TREES,
    VERBS,
    Area,
    Cast,
    Person,
    Topic,
    Tree,
    bullet,
    entry_names,
    is_kvm_path,
    makefile,
    release_names,
    translate,
)
from kvmstatus.demo.fastimport import (
    FastImport,
    modify_line,
)
from kvmstatus.shared import gitrunner

Work = tuple[str, Topic, Topic | None]
"""One planned commit: area or tree key, topic, and a KVM topic it also touches (cross-tree)."""

# `Fixes:` rates: rc fixes often carry one, merge-window work rarely; ~8 % of all commits.
FIXES_SHARE = 0.12  # of each cycle's commits are rc fixes
FIX_RATE_RC = 0.4
FIX_RATE_TOPIC = 0.04


@dataclass
class Point:
    """A master commit topic trees may fork from (an rc or a release), with its tree."""

    mark: int
    date: int
    tree: dict[str, str]
    era: int


@dataclass
class Branch:
    """A line of development: its tip, its full tree (path -> content) and its merge base."""

    ref: str
    slot: int
    tip: int
    clock: int  # committer date of the tip
    tree: dict[str, str]
    era: int
    base: int  # the newest master point it contains: merge bases are master points
    fork: int  # the mark it was forked from
    touched: dict[str, None] = field(default_factory=dict)
    landed: list[int] = field(default_factory=list)  # its non-merge commits (marks)


@dataclass
class Pull:
    """A top-level branch waiting for the next merge window."""

    branch: Branch
    tree: str  # a TREES key, or "kvm"


@dataclass(frozen=True)
class SynthSummary:
    """What was built, for benchmarks to sanity-check against."""

    path: Path
    commits: int  # all commits reachable from master, merges included
    merges: int
    tags: int
    releases: tuple[str, ...]  # final release tags, in version order
    rc_tags: int
    kvm_commits: int  # non-merge commits touching KVM_PATHSPECS
    fixes: dict[str, int]  # `Fixes:` lines by FIXES_KINDS
    people: int
    paths: int  # distinct paths ever written
    head: str  # master's commit id
    seconds: float


class Builder:
    """Generates the history cycle by cycle and streams it into fast-import."""

    def __init__(
        self, fi: FastImport, commits: int, releases: int, seed: int, kvm_share: float
    ) -> None:
        self.fi = fi
        self.rng = random.Random(seed)
        self.releases = releases
        self.kvm_share = kvm_share
        self.versions = release_names(releases + 1)
        self.remaining = commits
        self.cast = Cast(self.rng, max(150, min(900, commits // 300)))
        self.serial = 0
        self.points: dict[int, Point] = {}
        self.point_count = 0
        self.cycle_points: list[int] = []
        self.free_slots: list[int] = []
        self.slots = 0
        self.pulls: list[Pull] = []
        # Everything about commits that later commits refer to.
        self.subject_of: dict[int, str] = {}
        self.date_of: dict[int, int] = {}
        self.area_of: dict[int, str] = {}  # KVM area or tree key
        self.kvm_marks: set[int] = set()  # membership tests only: never iterated
        self.hash_of: dict[int, str] = {}
        self.unsynced: list[int] = []
        # Commits on master whose hash is known: candidates for `Fixes:`.
        self.kvm_pool: list[int] = []
        self.other_pool: list[int] = []
        self.area_pool: dict[str, list[int]] = {}
        # Counters for the summary.
        self.merges = 0
        self.non_merges = 0
        self.kvm_commits = 0
        self.tags: list[str] = []
        self.fixes = dict.fromkeys(FIXES_KINDS, 0)
        self.paths_seen: dict[str, None] = {}
        # MAINTAINERS and .mailmap state.
        self.reviewers: dict[str, list[Person]] = {a.key: [] for a in AREAS}
        self.mailmap: list[str] = []
        self.mailmap_pending: list[tuple[str, str]] = []  # (line, who)
        self.maint_reasons: list[str] = []
        self.maintainers_text = ""
        self.now = 0.0  # the fraction of the history being generated: dates some habits
        self.master = Branch("refs/heads/master", -1, 0, T0, {}, 0, 0, 0)

    # -- small helpers --

    def at(self, fraction: float) -> int:
        """The cycle (merge window) where an event at `fraction` of the history happens."""
        return max(1, min(self.releases - 1, int(fraction * self.releases + 0.5)))

    def frac(self, cycle: int) -> float:
        return cycle / max(1, self.releases)

    def content(self) -> str:
        self.serial += 1
        return f"r{self.serial}\n"

    def ident(self, person: Person, date: int, *, alias_ok: bool = True) -> str:
        name = person.name
        if alias_ok and person.alias and self.rng.random() < 0.15:
            name = person.alias
        return f"{name} <{person.email}> {date} {person.tz}"

    def who(self, person: Person) -> str:
        """A person as another commit's trailer names them (sometimes an old address)."""
        if len(person.emails) > 1 and self.rng.random() < 0.05:
            return f"{person.name} <{self.rng.choice(person.emails[:-1])}>"
        return person.ident

    def new_branch(self, point: int | None = None, parent: Branch | None = None) -> Branch:
        slot = self.free_slots.pop() if self.free_slots else self._new_slot()
        ref = f"refs/synth/{slot}"
        if parent is not None:
            return Branch(
                ref,
                slot,
                parent.tip,
                parent.clock,
                dict(parent.tree),
                parent.era,
                parent.base,
                parent.tip,
            )
        assert point is not None
        p = self.points[point]
        return Branch(ref, slot, p.mark, p.date, dict(p.tree), p.era, point, p.mark)

    def _new_slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    def retire(self, branch: Branch) -> None:
        self.free_slots.append(branch.slot)

    def add_point(self) -> int:
        m = self.master
        self.points[self.point_count] = Point(m.tip, m.clock, dict(m.tree), m.era)
        m.base = self.point_count
        self.point_count += 1
        return self.point_count - 1

    def sync(self) -> None:
        """Learn the hashes of the commits master gained since the last sync."""
        marks = self.unsynced
        self.unsynced = []
        for mark, oid in zip(marks, self.fi.hashes(marks), strict=True):
            self.hash_of[mark] = oid
            (self.kvm_pool if mark in self.kvm_marks else self.other_pool).append(mark)
            self.area_pool.setdefault(self.area_of[mark], []).append(mark)

    # -- commits --

    def commit(
        self,
        branch: Branch,
        author: Person,
        committer: Person,
        date: int,
        message: str,
        paths: Sequence[str],
        *,
        author_date: int | None = None,
        area: str | None = None,
        admin: bool = False,
        extra_ops: Sequence[str] = (),
    ) -> int:
        ops = list(extra_ops)
        kvm = False
        for path in paths:
            name = translate(path, 0, branch.era) if branch.era else path
            data = self.content()
            branch.tree[name] = data
            branch.touched[name] = None
            self.paths_seen[name] = None
            kvm = kvm or is_kvm_path(name)
            ops.append(modify_line(name, data))
        date = max(date, branch.clock + 1)
        mark = self.fi.commit(
            branch.ref,
            [branch.tip] if branch.tip else [],
            self.ident(author, author_date if author_date is not None else date),
            self.ident(committer, date, alias_ok=False),
            message,
            ops,
        )
        branch.tip, branch.clock = mark, date
        self.non_merges += 1
        self.remaining -= 1
        kvm = kvm or any(is_kvm_path(op.split(" ", 3)[-1]) for op in extra_ops if op[0] == "R")
        if kvm:
            self.kvm_commits += 1
        if not admin:
            self.subject_of[mark] = message.split("\n", 1)[0]
            self.date_of[mark] = date
            self.area_of[mark] = area or "generic"
            if kvm:
                self.kvm_marks.add(mark)
            # Master's own commits are on master already: their hashes are wanted next sync.
            (self.unsynced if branch is self.master else branch.landed).append(mark)
        return mark

    def admin_commit(self, author: Person, date: int, message: str, files: dict[str, str]) -> int:
        """A direct master commit of top-level files (Makefile, MAINTAINERS, .mailmap)."""
        ops = []
        for name, text in files.items():
            self.master.tree[name] = text
            self.paths_seen[name] = None
            ops.append(modify_line(name, text))
        return self.commit(
            self.master, author, self.cast.top, date, message, (), admin=True, extra_ops=ops
        )

    def rename_ops(self, branch: Branch, era: int) -> list[str]:
        """Bring `branch` up to `era`: `R` operations, and its tree renamed to match."""
        ops: list[str] = []
        for _, pairs in RENAMES[branch.era : era]:
            for old, new in pairs:
                if any(p.startswith(old + "/") for p in branch.tree):
                    ops.append(f"R {old} {new}\n")
        branch.tree = {translate(p, branch.era, era): v for p, v in branch.tree.items()}
        branch.touched = {translate(p, branch.era, era): None for p in branch.touched}
        for name in branch.tree:
            self.paths_seen[name] = None
        branch.era = era
        return ops

    def merge(self, into: Branch, side: Branch, date: int, committer: Person, message: str) -> int:
        """Merge `side` into `into` as git would: three-way against their merge base."""
        era = max(into.era, side.era)
        ops = self.rename_ops(into, era) if into.era < era else []
        if into.tip == side.fork:
            # Nothing happened on `into` since the fork (a series branch): take the side's tree.
            for path in side.touched:
                name = translate(path, side.era, era)
                value = side.tree[path]
                if into.tree.get(name) != value:
                    into.tree[name] = value
                    ops.append(modify_line(name, value))
                into.touched[name] = None
        else:
            point = self.points[min(into.base, side.base)]
            base = point.tree
            if point.era != era:
                base = {translate(p, point.era, era): v for p, v in base.items()}
            theirs = side.tree
            if side.era != era:
                theirs = {translate(p, side.era, era): v for p, v in theirs.items()}
            for path, value in theirs.items():
                old = base.get(path)
                if value == old:
                    continue
                ours = into.tree.get(path)
                if ours == value:
                    continue
                # Changed on both sides. With one-line blobs git would call it a conflict; in
                # the kernel it is mostly a clean line-level merge. Either way the merge's file
                # differs from both parents, so path-limited logs treat it as they would.
                new = value if ours == old else self.content()
                into.tree[path] = new
                into.touched[path] = None
                self.paths_seen[path] = None
                ops.append(modify_line(path, new))
        date = max(date, into.clock + 1, side.clock + 1)
        mark = self.fi.commit(
            into.ref,
            [into.tip, side.tip],
            self.ident(committer, date, alias_ok=False),
            self.ident(committer, date, alias_ok=False),
            message,
            ops,
        )
        into.tip, into.clock = mark, date
        into.base = max(into.base, side.base)
        into.landed.extend(side.landed)
        if into is self.master:
            self.unsynced.extend(side.landed)
            into.landed = []
        self.merges += 1
        self.retire(side)
        return mark

    def tag(self, name: str, mark: int, date: int, annotated: bool) -> None:
        if annotated:
            note = f"Linux {name[1:]}\n".encode()
            tagger = self.ident(self.cast.top, date, alias_ok=False)
            self.fi.write(
                f"tag {name}\nfrom :{mark}\ntagger {tagger}\ndata {len(note)}\n".encode()
                + note
                + b"\n"
            )
        else:
            self.fi.write(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())
        self.tags.append(name)

    # -- trailers --

    def fixes_line(self, kvm: bool, area: str, date: int) -> str | None:
        rng = self.rng
        # Mostly a commit of the same area, else any KVM (or non-KVM) commit.
        pool = self.area_pool.get(area, [])
        if len(pool) < 5 or rng.random() < 0.2:
            pool = self.kvm_pool if kvm else self.other_pool
        if not pool:
            return None
        target = 0
        for _ in range(4):
            if rng.random() < 0.6:
                # Most fixes are for recent commits; the rest are spread over the years.
                idx = len(pool) - 1 - int(rng.expovariate(1.0 / (len(pool) * 0.05 + 1)))
                target = pool[max(0, idx)]
            else:
                target = rng.choice(pool)
            if self.date_of[target] < date:
                break
        else:
            return None
        oid, subject = self.hash_of[target], self.subject_of[target]
        roll = rng.random()
        if roll < 0.04:
            self.fixes["short"] += 1
            return f'Fixes: {oid[:8]} ("{subject}")'
        if roll < 0.07:
            self.fixes["unknown"] += 1
            return f'Fixes: {rng.getrandbits(48):012x} ("{subject}")'
        if roll < 0.10:
            other = self.subject_of[rng.choice(pool)]
            if other == subject:
                other = subject.rsplit(" ", 1)[0]
            self.fixes["wrong_subject"] += 1
            return f'Fixes: {oid[:12]} ("{other}")'
        self.fixes["ok"] += 1
        return f'Fixes: {oid[:12]} ("{subject}")'

    def msgid(self, author: Person, date: int) -> str:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(date))
        return (
            f"{stamp}.{self.rng.randrange(1000, 99999)}-{self.rng.randrange(1, 9)}-{author.email}"
        )

    def trailers(
        self, author: Person, committer: Person, area: str, date: int, fix_rate: float
    ) -> list[str]:
        rng = self.rng
        frac = self.now
        kvm = area in AREA
        lines: list[str] = []
        fixed = False
        if rng.random() < fix_rate:
            line = self.fixes_line(kvm, area, date)
            if line:
                lines.append(line)
                fixed = True
        if rng.random() < (0.35 if fixed else 0.02):
            lines.append(
                rng.choice(
                    (
                        "Cc: stable@vger.kernel.org",
                        "Cc: <stable@vger.kernel.org>",
                        f"Cc: stable@vger.kernel.org # v{rng.randrange(4, 6)}.{rng.randrange(20)}+",
                    )
                )
            )
        if rng.random() < 0.07:
            roll = rng.random()
            if roll < 0.35:
                lines.append("Reported-by: kernel test robot <lkp@intel.com>")
                if frac >= LATE:
                    lines.append(
                        f"Closes: https://lore.kernel.org/oe-kbuild-all/{self.msgid(author, date)}/"
                    )
            elif roll < 0.6:
                bug = f"{rng.getrandbits(40):010x}"
                lines.append(f"Reported-by: syzbot+{bug}@syzkaller.appspotmail.com")
                if frac >= LATE:
                    lines.append(f"Closes: https://syzkaller.appspot.com/bug?extid={bug}")
            else:
                lines.append(f"Reported-by: {self.who(self.cast.pick(area))}")
        if rng.random() < 0.04:
            lines.append(f"Suggested-by: {self.who(self.cast.pick(area))}")
        if rng.random() < 0.03:
            partner = self.cast.pick(area)
            key = "Co-Developed-by" if rng.random() < 0.25 else "Co-developed-by"
            lines += [f"{key}: {self.who(partner)}", f"Signed-off-by: {partner.ident}"]
        if rng.random() < 0.002:
            lines.append(f"Singed-off-by: {author.ident}")
        lines.append(f"Signed-off-by: {author.ident}")
        if rng.random() < 0.45:
            for _ in range(1 + int(rng.random() < 0.35) + int(rng.random() < 0.15)):
                roll = rng.random()
                reviewer = self.cast.pick(area)
                if roll < 0.004:
                    lines.append(f"Reviewed-by: {reviewer.name}")  # no address: malformed
                elif roll < 0.008:
                    lines.append(f"Reviewed-by: {reviewer.email}")
                else:
                    lines.append(f"Reviewed-by: {self.who(reviewer)}")
        if rng.random() < 0.08:
            lines.append(f"Tested-by: {self.who(self.cast.pick(area))}")
        if rng.random() < 0.10:
            note = " # for arm64" if area == "arm64" and rng.random() < 0.3 else ""
            lines.append(f"Acked-by: {self.who(self.cast.pick(area))}{note}")
        if rng.random() < 0.3 + 0.6 * frac:
            site = (
                "https://patch.msgid.link/"
                if frac >= SELFTESTS_RENAME
                else "https://lore.kernel.org/r/"
            )
            lines.append(f"Link: {site}{self.msgid(author, date)}")
        if committer is not author:
            lines.append(f"Signed-off-by: {committer.ident}")
        return lines

    def message(
        self, prefix: str, author: Person, committer: Person, area: str, date: int, fix_rate: float
    ) -> str:
        rng = self.rng
        kvm = area in AREA
        nouns = KVM_NOUNS if kvm else OTHER_NOUNS
        quals = ALL_QUALS if kvm else QUALS
        subject = f"{prefix}{rng.choice(VERBS)} {rng.choice(nouns)}{rng.choice(quals)}"
        body = rng.choice(BODIES)
        trailers = self.trailers(author, committer, area, date, fix_rate)
        return f"{subject}\n\n{body}\n\n" + "\n".join(trailers) + "\n"

    # -- MAINTAINERS and .mailmap --

    def render_maintainers(self, cycle: int) -> str:
        """MAINTAINERS as of merge window `cycle` (names, paths and people of that time)."""
        era = self.master.era
        cast = self.cast
        selftests = cycle >= self.at(SELFTESTS_START)

        def files(spec: str) -> list[str]:
            out: list[str] = []
            for token in spec.split():
                if token == "{docs}":
                    out.append(
                        "Documentation/virt/kvm/" if era >= 1 else "Documentation/virtual/kvm/"
                    )
                elif token == "{selftests}":
                    out += [SELFTESTS] if selftests else []
                elif token.startswith("{sel:"):
                    old, new = token[5:-1].split(":")
                    name = new if era >= 2 else old
                    out += [f"{SELFTESTS}*/{name}/", f"{SELFTESTS}{name}/"] if selftests else []
                else:
                    out.append(token)
            return out

        def entry(name: str, area: str, mlist: str, tree: str, paths: list[str]) -> str:
            lines = [name, f"M:\t{cast.maintainer(area).ident}"]
            lines += [f"R:\t{p.ident}" for p in self.reviewers.get(area, [])]
            lines += [f"L:\t{mlist}", *([f"T:\tgit {tree}"] if tree else [])]
            lines.append("S:\tSupported" if area in AREA else "S:\tMaintained")
            lines += [f"X:\t{p[2:]}" if p.startswith("X:") else f"F:\t{p}" for p in paths]
            return "\n".join(lines) + "\n"

        entries = [
            entry(name, area, mlist, tree, files(spec))
            for name, area, mlist, tree, spec, first, last in KVM_ENTRIES
            if self.active(first, last, cycle)
        ]
        for tree in TREES:
            if self.frac(cycle) >= tree.start:
                dirs = sorted({f.rsplit("/", 1)[0] + "/" for t in tree.topics for f in t.files})
                entries.append(entry(tree.entry, tree.key, tree.mailing_list, tree.url, dirs))
        entries.sort(key=str.lower)
        # The kernel's catch-all entry comes last, out of alphabetical order.
        entries.append(
            entry("THE REST", "top", "linux-kernel@vger.kernel.org", LINUS_GIT, ["*", "*/"])
        )
        return MAINTAINERS_PREAMBLE + "\n".join(entries)

    def render_mailmap(self) -> str:
        return MAILMAP_HEADER + "".join(sorted(self.mailmap, key=str.lower))

    # -- the cycle --

    def initial_import(self) -> None:
        files: dict[str, str] = {}
        for area in AREAS:
            if area.start == 0.0:
                for topic in area.topics:
                    if topic.start == 0.0:
                        files.update((f, "") for f in topic.files)
        for tree in TREES:
            if tree.start == 0.0:
                for topic in tree.topics:
                    if topic.start == 0.0:
                        files.update((f, "") for f in topic.files)
        ops = []
        for path in files:
            data = self.content()
            self.master.tree[path] = data
            self.paths_seen[path] = None
            ops.append(modify_line(path, data))
        self.maintainers_text = self.render_maintainers(0)
        top_files = {
            "README": "Linux kernel\n",
            "COPYING": "GPL-2.0\n",
            "CREDITS": "synthetic\n",
            "MAINTAINERS": self.maintainers_text,
            "Makefile": makefile(self.versions[0], "-rc0"),
        }
        for name, text in top_files.items():
            self.master.tree[name] = text
            self.paths_seen[name] = None
            ops.append(modify_line(name, text))
        top = self.cast.top
        mark = self.fi.commit(
            self.master.ref,
            [],
            self.ident(top, T0, alias_ok=False),
            self.ident(top, T0, alias_ok=False),
            "Linux-2.6.12-rc2\n\nInitial git repository build of a synthetic kernel tree.\n",
            ops,
        )
        self.master.tip, self.master.clock = mark, T0
        self.non_merges += 1
        self.remaining -= 1
        self.kvm_commits += 1
        self.cycle_points = [self.add_point()]

    def run(self) -> None:
        self.initial_import()
        for cycle in range(self.releases):
            # What is left, spread evenly over the cycles still to come.
            budget = self.remaining // (self.releases - cycle)
            before = self.remaining
            n_rc = 8 if cycle and self.rng.random() < 0.2 else 7
            self.merge_window(cycle)
            fixes = round(FIXES_SHARE * budget)
            # Still to come this cycle: rc2 .. rcN and the release, n_rc "Linux ..." commits.
            topics = max(0, budget - (before - self.remaining) - n_rc - fixes)
            self.rc_weeks(cycle, n_rc, fixes)
            self.develop(cycle, topics)
        self.merge_window(self.releases, final=True)

    def merge_window(self, cycle: int, final: bool = False) -> None:
        rng = self.rng
        top = self.cast.top
        start = self.master.clock + HOUR
        ver = self.versions[cycle]
        if cycle and not final:
            self.cycle_start_changes(cycle, start)
        pulls = self.pulls
        self.pulls = []
        rng.shuffle(pulls)
        span = 13 * DAY
        for i, pull in enumerate(pulls):
            date = start + 2 * HOUR + (i + 1) * span // (len(pulls) + 1) + rng.randrange(HOUR)
            self.merge(self.master, pull.branch, date, top, self.pull_message(pull, ver))
        # From here on only the release that opened this cycle and later points can be merge
        # bases (topics fork at them); older snapshots are dropped to bound memory.
        keep = self.cycle_points[-1]
        for index in [i for i in self.points if i < keep]:
            del self.points[index]
        self.cycle_points = [keep]
        if not final:
            date = start + 14 * DAY
            mark = self.admin_commit(
                top, date, f"Linux {ver}-rc1\n", {"Makefile": makefile(ver, "-rc1")}
            )
            self.tag(f"v{ver}-rc1", mark, date, annotated=False)
            self.cycle_points.append(self.add_point())
        self.sync()

    def cycle_start_changes(self, cycle: int, date: int) -> None:
        """Address changes, reviewers, renames: then MAINTAINERS and .mailmap commits."""
        rng = self.rng
        cast = self.cast
        maintainers = {id(cast.maintainer(k)) for k in cast.by_area} | {id(cast.top)}
        for person in cast.everyone():
            if rng.random() < 0.012:
                old = cast.move(person)
                if rng.random() < 0.85:
                    line = f"{person.name} <{person.email}> <{old}>\n"
                    self.mailmap_pending.append((line, person.name))
                listed = any(person is r for rs in self.reviewers.values() for r in rs)
                if id(person) in maintainers or listed:
                    self.maint_reasons.append(f"MAINTAINERS: Update {person.name}'s email address")
        for area in AREAS:
            if not self.area_active(area, cycle):
                continue
            people = cast.by_area[area.key]
            reviewers = self.reviewers[area.key]
            if rng.random() < 0.08 and len(reviewers) + 1 < len(people):
                reviewers.append(people[len(reviewers) + 1])
                self.maint_reasons.append(
                    f"MAINTAINERS: Add {reviewers[-1].name} as KVM/{area.key} reviewer"
                )
        for fraction, pairs in RENAMES:
            if self.at(fraction) == cycle:
                era = self.master.era + 1
                ops = self.rename_ops(self.master, era)
                self.maintainers_text = self.render_maintainers(cycle)
                ops.append(modify_line("MAINTAINERS", self.maintainers_text))
                self.master.tree["MAINTAINERS"] = self.maintainers_text
                if pairs[0][0].startswith("Documentation"):
                    subject = "docs: virt: Move Documentation/virtual to Documentation/virt"
                    author = cast.pick("generic")
                else:
                    subject = (
                        "KVM: selftests: Rename x86_64, aarch64 and s390x to x86, arm64 and s390"
                    )
                    author = cast.maintainer("x86")
                message = f"{subject}\n\n{BODIES[6]}\n\nSigned-off-by: {author.ident}\n"
                date += HOUR
                self.commit(
                    self.master, author, cast.top, date, message, (), admin=True, extra_ops=ops
                )
        text = self.render_maintainers(cycle)
        if text != self.maintainers_text:
            old_names = entry_names(self.maintainers_text)
            new_names = entry_names(text)
            added = [n for n in new_names if n not in old_names]
            removed = [n for n in old_names if n not in new_names]
            if added and removed:
                subject = "MAINTAINERS: Update KVM entries"
            elif added:
                subject = f"MAINTAINERS: Add entry for {added[0]}"
            elif removed:
                subject = f"MAINTAINERS: Remove {removed[0]}"
            elif self.maint_reasons:
                subject = self.maint_reasons[0]
            else:
                subject = "MAINTAINERS: Update entries"
            self.maintainers_text = text
            date += HOUR
            author = cast.maintainer("generic")
            self.admin_commit(
                author, date, f"{subject}\n\nSigned-off-by: {author.ident}\n", {"MAINTAINERS": text}
            )
        self.maint_reasons = []
        if cycle >= self.at(MAILMAP_START) and (self.mailmap_pending or not self.mailmap):
            first = not self.mailmap
            if first:
                for person in cast.everyone():
                    if person.alias:
                        self.mailmap.append(f"{person.name} <{person.email}>\n")
            self.mailmap.extend(line for line, _ in self.mailmap_pending)
            names = [name for _, name in self.mailmap_pending]
            self.mailmap_pending = []
            if first:
                subject = "Add a .mailmap for people whose name or address changed"
            elif len(names) == 1:
                subject = f"mailmap: Add entry for {names[0]}"
            else:
                subject = f"mailmap: Add entries for {len(names)} people"
            date += HOUR
            self.admin_commit(cast.top, date, f"{subject}\n", {".mailmap": self.render_mailmap()})

    def active(self, start: float, end: float, cycle: int) -> bool:
        started = start == 0.0 or cycle >= self.at(start)
        return started and not (end < 1.0 and cycle >= self.at(end))

    def area_active(self, area: Area, cycle: int) -> bool:
        return self.active(area.start, area.end, cycle)

    def topic_active(self, topic: Topic, cycle: int) -> bool:
        return self.active(topic.start, topic.end, cycle)

    def pick_kvm(self, cycle: int) -> tuple[Area, Topic]:
        areas = [a for a in AREAS if self.area_active(a, cycle)]
        area = self.rng.choices(areas, weights=[a.weight for a in areas])[0]
        topics = [t for t in area.topics if self.topic_active(t, cycle)]
        return area, self.rng.choice(topics)

    def pick_tree(self, cycle: int) -> tuple[Tree, Topic]:
        trees = [t for t in TREES if self.frac(cycle) >= t.start]
        tree = self.rng.choices(trees, weights=[t.weight for t in trees])[0]
        topics = [t for t in tree.topics if self.topic_active(t, cycle)]
        return tree, self.rng.choice(topics)

    def paths_for(self, topic: Topic) -> list[str]:
        rng = self.rng
        count = 1 + int(rng.random() < 0.4) + int(rng.random() < 0.15)
        return rng.sample(topic.files, min(count, len(topic.files)))

    def rc_weeks(self, cycle: int, n_rc: int, fixes: int) -> None:
        """The rc weeks: fixes (in fixes pulls or directly), then "Linux X.Y-rcN" or "Linux X.Y"."""
        rng = self.rng
        cast = self.cast
        ver = self.versions[cycle]
        self.now = self.frac(cycle)
        for week in range(1, n_rc + 1):
            start = self.master.clock + HOUR
            # The week's fixes by the tree that sends them: "kvm" or a TREES key.
            by_tree: dict[str, list[tuple[str, Topic]]] = {}
            for _ in range(fixes // n_rc + int(week <= fixes % n_rc)):
                if rng.random() < self.kvm_share:
                    area, topic = self.pick_kvm(cycle)
                    by_tree.setdefault("kvm", []).append((area.key, topic))
                else:
                    tree, topic = self.pick_tree(cycle)
                    by_tree.setdefault(tree.key, []).append((tree.key, topic))
            for key, work in by_tree.items():
                # A fixes pull is based on the latest rc; a lone fix often goes in directly.
                if len(work) >= 2 and rng.random() < 0.7:
                    branch = self.new_branch(self.cycle_points[-1])
                    committer = cast.maintainer("generic" if key == "kvm" else key)
                else:
                    branch, committer = self.master, cast.top
                for who, topic in work:
                    date = start + rng.randrange(6 * DAY)
                    self.topic_commit(branch, who, topic, committer, date, FIX_RATE_RC)
                if branch is not self.master:
                    message = self.fixes_pull_message(key, branch, ver, week, committer)
                    self.merge(self.master, branch, start + 6 * DAY, cast.top, message)
            date = max(start + 7 * DAY, self.master.clock + HOUR)
            final = week == n_rc
            name = ver if final else f"{ver}-rc{week + 1}"
            makefile_text = makefile(ver, "" if final else f"-rc{week + 1}")
            mark = self.admin_commit(cast.top, date, f"Linux {name}\n", {"Makefile": makefile_text})
            self.tag(f"v{name}", mark, date, annotated=final)
            self.cycle_points.append(self.add_point())
            self.sync()

    def topic_commit(
        self,
        branch: Branch,
        area: str,
        topic: Topic,
        committer: Person,
        date: int,
        fix_rate: float,
        author: Person | None = None,
        extra_paths: Sequence[str] = (),
    ) -> int:
        """A patch on `topic` by someone of `area` (KVM area or tree key), applied by
        `committer`."""
        author = author or self.cast.pick(area)
        date = max(date, branch.clock + 1)
        message = self.message(topic.prefix, author, committer, area, date, fix_rate)
        paths = [*self.paths_for(topic), *extra_paths]
        # Patches are written a while before a maintainer applies them.
        written = date - self.rng.randrange(4 * DAY)
        return self.commit(
            branch, author, committer, date, message, paths, author_date=written, area=area
        )

    # -- topic development for the next merge window --

    def fork_point(self, latest_fraction: float = 0.7) -> int:
        """An rc or the previous release to fork from (never the release just made)."""
        candidates = self.cycle_points[:-1]
        cut = max(1, int(len(candidates) * latest_fraction))
        return self.rng.choice(candidates[:cut])

    def develop(self, cycle: int, count: int) -> None:
        """`count` commits on topic trees for merge window `cycle + 1`, forked during `cycle`."""
        rng = self.rng
        target = cycle + 1
        self.now = self.frac(target)
        kvm = round(count * self.kvm_share)
        cross = round(kvm * 0.08)
        plan: dict[str, list[Work]] = {}  # by TREES key
        kvm_plan: dict[str, list[Work]] = {}  # by the branch it reaches the kvm tree through
        for _ in range(kvm - cross):
            area, topic = self.pick_kvm(target)
            leaf = self.kvm_leaf(area, topic, target)
            kvm_plan.setdefault(leaf, []).append((area.key, topic, None))
        for _ in range(count - kvm):
            tree, topic = self.pick_tree(target)
            plan.setdefault(tree.key, []).append((tree.key, topic, None))
        for _ in range(cross):
            # KVM work that goes through another tree, touching its files and KVM's.
            area, topic = self.pick_kvm(target)
            host = TREE[CROSS_HOST.get(area.key, "tip-x86")]
            host_topic = rng.choice([t for t in host.topics if self.topic_active(t, target)])
            plan.setdefault(host.key, []).append((area.key, host_topic, topic))
        end = self.master.clock - DAY  # everything is ready a day before the release
        for key in sorted(plan):
            branch = self.new_branch(self.fork_point())
            self.grow(branch, plan[key], self.cast.maintainer(key), end, TREE[key].series_merges)
            self.pulls.append(Pull(branch, key))
        if kvm_plan:
            self.pulls.append(Pull(self.kvm_tree(kvm_plan, end, target), "kvm"))

    def kvm_leaf(self, area: Area, topic: Topic, cycle: int) -> str:
        """The branch KVM work of `area` reaches the kvm tree through ("kvm": directly)."""
        if area.key == "x86" and cycle >= self.at(KVM_X86_TOPICS):
            return f"kvm-x86-{topic.group}"
        if area.key in ("arm64", "arm"):
            return f"kvm-arm64/{ARM_BRANCHES[topic.group]}"
        return KVM_TREE_OF.get(area.key, "kvm")

    def split_series(self, items: list[Work]) -> list[list[Work]]:
        # Sizes as on the mailing lists: mostly single patches, a few long series.
        rng = self.rng
        out: list[list[Work]] = []
        while items:
            roll = rng.random()
            if roll < 0.45:
                size = 1
            elif roll < 0.8:
                size = rng.randint(2, 4)
            elif roll < 0.97:
                size = rng.randint(5, 12)
            else:
                size = rng.randint(13, 25)
            out.append(items[:size])
            items = items[size:]
        return out

    def grow(
        self, branch: Branch, work: list[Work], committer: Person, end: int, series_merges: float
    ) -> None:
        """Apply `work` to `branch` as patch series, some of them as merged series branches."""
        rng = self.rng
        # A series is a run of patches by one author on one topic.
        by_topic: dict[tuple[str, str], list[Work]] = {}
        for item in work:
            by_topic.setdefault((item[0], item[1].prefix), []).append(item)
        series = [one for items in by_topic.values() for one in self.split_series(items)]
        rng.shuffle(series)
        step = max(1, (end - branch.clock) // (len(work) + len(series) + 1))
        date = branch.clock + HOUR
        for patches in series:
            author = self.cast.pick(patches[0][0])
            target = branch
            if len(patches) >= 2 and rng.random() < series_merges:
                target = self.new_branch(parent=branch)
            for area, topic, extra in patches:
                date += rng.randrange(1, 2 * step)
                also = self.paths_for(extra)[:1] if extra else []
                self.topic_commit(
                    target, area, topic, committer, min(date, end), FIX_RATE_TOPIC, author, also
                )
            if target is not branch:
                date += rng.randrange(1, step + 1)
                message = self.series_message(patches[0][1], target, author, committer)
                self.merge(branch, target, min(date, end), committer, message)

    def kvm_tree(self, plan: dict[str, list[Work]], end: int, target: int) -> Branch:
        """kvm/next: its own commits, then the sub-maintainer trees pulled into it."""
        rng = self.rng
        cast = self.cast
        paolo = cast.maintainer("generic")
        ver = self.versions[target]
        kvm = self.new_branch(self.fork_point(0.4))
        self.grow(kvm, plan.get("kvm", []), paolo, end - 5 * DAY, 0.0)
        subtrees: list[tuple[str, Branch]] = []
        arm_topics: list[tuple[str, Branch]] = []
        for leaf in sorted(plan):
            if leaf == "kvm":
                continue
            arm = leaf.startswith("kvm-arm64/")
            branch = self.new_branch(self.fork_point())
            maintainer = cast.maintainer("arm64" if arm else plan[leaf][0][0])
            self.grow(branch, plan[leaf], maintainer, end - (6 if arm else 5) * DAY, 0.0)
            (arm_topics if arm else subtrees).append((leaf, branch))
        if arm_topics:
            # kvmarm merges its topic branches, then is pulled like the other sub-trees.
            marc = cast.maintainer("arm64")
            kvmarm = self.new_branch(self.fork_point(0.3))
            date = end - 5 * DAY
            for leaf, branch in arm_topics:
                date += HOUR + rng.randrange(HOUR)
                self.merge(kvmarm, branch, date, marc, self.arm_topic_message(leaf, branch))
            subtrees.append(("kvmarm", kvmarm))
        date = end - 3 * DAY
        for leaf, branch in subtrees:
            date += HOUR + rng.randrange(3 * HOUR)
            self.merge(kvm, branch, date, paolo, self.kvm_sub_message(leaf, branch, ver))
        return kvm

    # -- merge messages --

    def bullets(self, marks: Sequence[int], count: int, indent: str = " - ") -> str:
        chosen = self.rng.sample(list(marks), min(count, len(marks)))
        return "".join(f"{indent}{bullet(self.subject_of[m])}\n\n" for m in chosen)

    def shortlog(self, header: str, marks: Sequence[int]) -> str:
        # Like `merge.log`: at most 20 subjects, then "...".
        lines = [f"* {header}: ({len(marks)} commits)"]
        lines += [f"  {self.subject_of[m]}" for m in marks[:20]]
        if len(marks) > 20:
            lines.append("  ...")
        return "\n".join(lines) + "\n"

    def pull_message(self, pull: Pull, ver: str) -> str:
        marks = pull.branch.landed
        if pull.tree == "kvm":
            who = self.cast.maintainer("generic").name
            by_area: dict[str, list[int]] = {}
            for m in marks:
                by_area.setdefault(AREA.get(self.area_of[m], AREA["generic"]).title, []).append(m)
            body = "".join(
                f" {title}:\n\n" + self.bullets(by_area[title], 3)
                for title in sorted(by_area, key=lambda t: (t == "Generic", t))
            )
            head = "Merge tag 'for-linus' of git://git.kernel.org/pub/scm/virt/kvm/kvm"
            log = self.shortlog(
                "tag 'for-linus' of git://git.kernel.org/pub/scm/virt/kvm/kvm", marks
            )
            return f"{head}\n\nPull kvm updates from {who}:\n\n{body}{log}"
        tree = TREE[pull.tree]
        tag = tree.tag.format(ver=ver)
        who = self.cast.maintainer(tree.key).name
        head = f"Merge tag '{tag}' of {tree.url}"
        body = self.bullets(marks, 4)
        log = self.shortlog(f"tag '{tag}' of {tree.url}", marks)
        return f"{head}\n\nPull {tree.title} updates from {who}:\n\n{body}{log}"

    def fixes_pull_message(self, key: str, branch: Branch, ver: str, week: int, by: Person) -> str:
        if key == "kvm":
            head = "Merge tag 'for-linus' of git://git.kernel.org/pub/scm/virt/kvm/kvm"
            return f"{head}\n\nPull kvm fixes from {by.name}:\n\n" + self.bullets(branch.landed, 3)
        tree = TREE[key]
        tag = f"{key.removesuffix('-next').removesuffix('-arch')}-{ver}-rc{week + 1}"
        return (
            f"Merge tag '{tag}' of {tree.url}\n\nPull {tree.title} fixes from {by.name}:\n\n"
            + self.bullets(branch.landed, 3)
        )

    def kvm_sub_message(self, leaf: str, branch: Branch, ver: str) -> str:
        marks = branch.landed
        if leaf == "kvmarm":
            url = "git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm"
            return (
                f"Merge tag 'kvmarm-{ver}' of {url} into HEAD\n\nKVM/arm64 changes for {ver}\n\n"
                f"* New features:\n\n{self.bullets(marks, 3, '  - ')}"
                f"* Fixes:\n\n{self.bullets(marks, 2, '  - ')}"
            )
        if leaf.startswith("kvm-x86-"):
            part = leaf.removeprefix("kvm-x86-")
            head = f"Merge tag 'kvm-x86-{part}-{ver}' of https://github.com/kvm-x86/linux into HEAD"
            return f"{head}\n\nKVM x86 {part} changes for {ver}:\n\n" + self.bullets(marks, 3)
        tag, url, title = SUB_TREES[leaf]
        head = f"Merge tag '{tag.format(ver=ver)}' of {url} into HEAD"
        return f"{head}\n\n{title} {ver}\n\n" + self.bullets(marks, 3)

    def arm_topic_message(self, leaf: str, branch: Branch) -> str:
        subjects = "".join(f"  {self.subject_of[m]}\n" for m in branch.landed[:20])
        cover = self.rng.choice(COVERS)
        head = f"Merge branch {leaf} into kvmarm-master/next"
        return f"{head}\n\n* {leaf}:\n  : .\n  : {cover}\n  : .\n{subjects}"

    def series_message(
        self, topic: Topic, branch: Branch, author: Person, committer: Person
    ) -> str:
        words = self.subject_of[branch.landed[0]].split(": ")[-1].lower().split()[:4]
        slug = "-".join([topic.prefix.split(":")[0].replace("/", "-").replace(" ", "-"), *words])
        slug = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
        msgid = self.msgid(author, branch.clock)
        return (
            f"Merge branch '{slug}'\n\n{author.name} says:\n\n====================\n"
            f"{self.rng.choice(COVERS)}\n====================\n\n"
            f"Link: https://patch.msgid.link/{msgid}\nSigned-off-by: {committer.ident}\n"
        )

    def finish(self) -> None:
        for slot in range(self.slots):
            self.fi.write(f"reset refs/synth/{slot}\nfrom {NULL_OID}\n\n".encode())


def git(repo: Path, *args: str) -> str:
    return gitrunner.output(["-C", str(repo), *args]).decode("utf-8", "replace")


def build_synthetic(
    out: Path,
    commits: int = DEFAULT_COMMITS,
    releases: int = DEFAULT_RELEASES,
    seed: int = 1,
    kvm_share: float = 0.1,
    *,
    commit_graph: bool = True,
) -> SynthSummary:
    """Create a bare repository at `out` holding the synthetic history; `out` must not exist
    or be an empty directory."""
    if releases < 2:
        raise ValueError("need at least 2 releases")
    if not 0.0 <= kvm_share <= 1.0:
        raise ValueError("kvm_share must be between 0 and 1")
    if commits < releases * 40:
        raise ValueError(f"need at least {releases * 40} commits for {releases} releases")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty directory; not overwriting it")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    gitrunner.output(["init", "--quiet", "--bare", "--initial-branch=master", str(out)])
    fi = FastImport(out)
    builder = Builder(fi, commits, releases, seed, kvm_share)
    builder.run()
    builder.finish()
    fi.close()
    git(out, "pack-refs", "--all")
    if commit_graph:
        git(out, "commit-graph", "write", "--reachable", "--changed-paths")
    rc_tags = sum(1 for t in builder.tags if "-rc" in t)
    return SynthSummary(
        path=out,
        commits=builder.non_merges + builder.merges,
        merges=builder.merges,
        tags=len(builder.tags),
        releases=tuple(t for t in builder.tags if "-rc" not in t),
        rc_tags=rc_tags,
        kvm_commits=builder.kvm_commits,
        fixes=dict(builder.fixes),
        people=len(builder.cast.everyone()) + 1,
        paths=len(builder.paths_seen),
        head=git(out, "rev-parse", "master").strip(),
        seconds=time.perf_counter() - started,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to create the bare repository")
    parser.add_argument("--commits", type=int, default=DEFAULT_COMMITS, help="non-merge commits")
    parser.add_argument("--releases", type=int, default=DEFAULT_RELEASES, help="final releases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kvm-share", type=float, default=0.1, help="share of KVM commits")
    parser.add_argument(
        "--no-commit-graph", action="store_true", help="skip `git commit-graph write`"
    )
    args = parser.parse_args(argv)
    try:
        summary = build_synthetic(
            args.out,
            args.commits,
            args.releases,
            args.seed,
            args.kvm_share,
            commit_graph=not args.no_commit_graph,
        )
    except (FileExistsError, ValueError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in summary.path.rglob("*") if p.is_file())
    print(
        f"{summary.path}: {summary.commits} commits ({summary.merges} merges, "
        f"{summary.kvm_commits} KVM), {summary.tags} tags ({summary.releases[0]} .. "
        f"{summary.releases[-1]}), {summary.people} people, {summary.paths} paths, "
        f"{size / 2**20:.0f} MiB, {summary.seconds:.1f} s"
    )
    print(f"Fixes: {summary.fixes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
