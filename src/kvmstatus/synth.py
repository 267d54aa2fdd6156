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
import os
import random
import subprocess
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

DAY = 86_400
HOUR = 3_600
# 2011-05-15: the first cycle (v3.0) then ends near v3.0's real release date.
T0 = 1_305_500_000
NULL_OID = "0" * 40
DEFAULT_COMMITS = 200_000
DEFAULT_RELEASES = 60

KVM_PATHSPECS: tuple[str, ...] = (
    # A pathspec with a wildcard must match the whole path: "arch/*/kvm/" would match nothing.
    "arch/*/kvm/*",
    "arch/*/include/asm/kvm*",
    "arch/*/include/uapi/asm/kvm*",
    "arch/x86/kernel/kvm*",
    "include/linux/kvm*",
    "include/uapi/linux/kvm*",
    "include/kvm/",
    "include/trace/events/kvm*",
    "virt/kvm/",
    "tools/testing/selftests/kvm/",
    "Documentation/virt/kvm/",
    "Documentation/virtual/kvm/",
)
"""Git pathspecs of the KVM selection; `SynthSummary.kvm_commits` counts exactly these."""

FIXES_KINDS: tuple[str, ...] = ("ok", "short", "unknown", "wrong_subject")
"""`Fixes:` forms: 12-hex + right subject, 8-hex prefix, a hash no object has, wrong subject."""


def is_kvm_path(path: str) -> bool:
    # The catalogue names no non-KVM file "kvm", so this agrees with KVM_PATHSPECS (a test
    # compares it with `git rev-list -- KVM_PATHSPECS`).
    return "kvm" in path


# --- When things happen, as fractions of the history -------------------------------------
# Fractions rather than release numbers, so a 6-release test history goes through the same
# events, in the same order, as the 60-release default.
ARM64_START = 0.08
MIPS_START = 0.10
MAILMAP_START = 0.15
KVM_X86_ENTRY = 0.20
IA64_END = 0.25
SELFTESTS_START = 0.35
DOCS_RENAME = 0.45
MODERN_NAMES = 0.55
RISCV_START = 0.62
ARM32_END = 0.70
KVM_X86_TOPICS = 0.72
LOONGARCH_START = 0.80
LATE = 0.85
SELFTESTS_RENAME = 0.90

_SEL = "tools/testing/selftests/kvm/"
RENAMES: tuple[tuple[float, tuple[tuple[str, str], ...]], ...] = (
    (DOCS_RENAME, (("Documentation/virtual/kvm", "Documentation/virt/kvm"),)),
    (
        SELFTESTS_RENAME,
        tuple(
            (f"{_SEL}{sub}{old}", f"{_SEL}{sub}{new}")
            for old, new in (("x86_64", "x86"), ("aarch64", "arm64"), ("s390x", "s390"))
            for sub in ("", "lib/", "include/")
        ),
    ),
)
"""Directory renames, in order; a branch's `era` is how many of them its tree has seen."""


def translate(path: str, era_from: int, era_to: int) -> str:
    """`path` as named after the renames `era_from .. era_to - 1`."""
    for _, pairs in RENAMES[era_from:era_to]:
        for old, new in pairs:
            if path.startswith(old + "/"):
                path = new + path[len(old) :]
                break
    return path


def release_names(count: int) -> list[str]:
    """`3.0 .. 3.19, 4.0 .. 4.20, 5.0 .. 5.19, 6.0 ..`: the kernel's numbering."""
    names: list[str] = []
    major, minor = 3, 0
    while len(names) < count:
        names.append(f"{major}.{minor}")
        if minor == (20 if major == 4 else 19):
            major, minor = major + 1, 0
        else:
            minor += 1
    return names


# --- The path catalogue --------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """A subject prefix and the files its commits touch (named as before any rename)."""

    prefix: str
    files: tuple[str, ...]
    start: float = 0.0
    end: float = 1.0
    group: str = "misc"  # the kvm-x86 / kvm-arm64 topic branch its commits go through


@dataclass(frozen=True)
class Area:
    """A KVM architecture (or generic KVM): who works on it and what they touch."""

    key: str
    title: str  # as in pull-request bodies: "x86:", "ARM:"
    weight: float
    topics: tuple[Topic, ...]
    domains: tuple[str, ...]
    start: float = 0.0
    end: float = 1.0


@dataclass(frozen=True)
class Tree:
    """A non-KVM subsystem tree pulled into master."""

    key: str
    entry: str  # MAINTAINERS entry name
    title: str  # "Pull {title} updates from ..."
    url: str
    tag: str  # merge-window tag, formatted with ver
    weight: float
    topics: tuple[Topic, ...]
    series_merges: float = 0.0  # chance a patch series arrives as a merged branch
    start: float = 0.0
    mailing_list: str = "linux-kernel@vger.kernel.org"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _f(*pairs: str) -> tuple[str, ...]:
    """Paths from (directory, "space separated names") pairs."""
    return tuple(
        d + name for d, names in zip(pairs[::2], pairs[1::2], strict=True) for name in names.split()
    )


def _tree(
    head: str, where: str, *topics: Topic, series_merges: float = 0.0, start: float = 0.0
) -> Tree:
    """A Tree from "key | weight | MAINTAINERS entry | title" and "list | url | tag"."""
    key, weight, entry, title = (x.strip() for x in head.split("|"))
    mailing_list, url, tag = (x.strip() for x in where.split("|"))
    return Tree(
        key, entry, title, url.replace("{git}", _GIT), tag, float(weight), topics,
        series_merges, start, mailing_list,
    )  # fmt: skip


STEMS = _words(
    "main core init irq dma debugfs sysfs ioctl pm trace ops util common hw ctrl queue buf mem "
    "cache ring reset fw power stats tx rx phy regs table config sched sync lock timer event "
    "notify probe bus dev netlink mmio io map alloc policy sock proto filter"
)


def _gen(directory: str, n: int, prefix: str = "", ext: str = ".c") -> tuple[str, ...]:
    # Step 7 is coprime with len(STEMS) (48), so the first n names are distinct; the offset
    # varies the choice per directory without needing randomness (paths do not depend on seed).
    offset = len(directory)
    return tuple(
        f"{directory}/{prefix}{STEMS[(offset + 7 * i) % len(STEMS)]}{ext}" for i in range(n)
    )


_GIT = "git://git.kernel.org/pub/scm/linux/kernel/git/"
_X86 = "arch/x86/kvm/"
_A64 = "arch/arm64/kvm/"
_SELF_X86 = _f(
    _SEL, "Makefile lib/kvm_util.c lib/sparsebit.c lib/memstress.c include/kvm_util.h "
    "include/test_util.h dirty_log_test.c demand_paging_test.c set_memory_region_test.c "
    "kvm_create_max_vcpus.c lib/x86_64/processor.c lib/x86_64/vmx.c lib/x86_64/svm.c "
    "include/x86_64/processor.h include/x86_64/vmx.h",
    _SEL + "x86_64/", "vmx_dirty_log_test.c state_test.c smm_test.c cpuid_test.c "
    "hyperv_features.c pmu_counters_test.c xen_shinfo_test.c",
)  # fmt: skip
_SELF_ARM64 = _f(
    _SEL + "aarch64/", "arch_timer.c vgic_init.c get-reg-list.c page_fault_test.c psci_test.c",
    _SEL, "lib/aarch64/processor.c lib/aarch64/gic.c include/aarch64/processor.h",
)  # fmt: skip
_SELF_S390 = _f(
    _SEL + "s390x/", "memop.c sync_regs_test.c resets.c tprot.c",
    _SEL, "lib/s390x/processor.c include/s390x/processor.h",
)  # fmt: skip
_SELF_RISCV = _f(
    _SEL + "riscv/", "arch_timer.c sbi_pmu_test.c ebreak_test.c",
    _SEL, "lib/riscv/processor.c include/riscv/processor.h",
)  # fmt: skip
_X86_INC = "arch/x86/include/"
_A64_INC = "arch/arm64/include/asm/"
_PPC = "arch/powerpc/kvm/"

# Weights are shares of KVM commits while active (renormalised over the active areas).
AREAS: tuple[Area, ...] = (
    Area("x86", "x86", 0.40, (
        Topic("KVM: x86: ", _f(
            _X86, "x86.c x86.h cpuid.c cpuid.h emulate.c lapic.c lapic.h irq.c ioapic.c i8254.c "
            "i8259.c kvm_cache_regs.h smm.c trace.h Kconfig Makefile",
            _X86_INC, "asm/kvm_host.h uapi/asm/kvm.h")),
        Topic("KVM: x86/mmu: ", _f(
            _X86 + "mmu/", "mmu.c tdp_mmu.c tdp_mmu.h spte.c spte.h paging_tmpl.h "
            "mmu_internal.h page_track.c tdp_iter.c"), group="mmu"),
        Topic("KVM: VMX: ", _f(
            _X86 + "vmx/", "vmx.c vmx.h vmcs.h vmenter.S posted_intr.c capabilities.h"),
            group="vmx"),
        Topic("KVM: nVMX: ", _f(_X86 + "vmx/", "nested.c nested.h vmcs12.c vmcs12.h"), group="vmx"),
        Topic("KVM: SVM: ", _f(_X86 + "svm/", "svm.c svm.h avic.c vmenter.S"), group="svm"),
        Topic("KVM: nSVM: ", _f(_X86 + "svm/", "nested.c"), group="svm"),
        Topic("KVM: SEV: ", _f(_X86 + "svm/", "sev.c"), start=0.4, group="svm"),
        Topic("KVM: x86/pmu: ", _f(_X86, "pmu.c pmu.h vmx/pmu_intel.c svm/pmu.c"), group="pmu"),
        Topic("KVM: x86: hyper-v: ", _f(_X86, "hyperv.c hyperv.h")),
        Topic("KVM: x86/xen: ", _f(_X86, "xen.c xen.h"), start=0.6),
        Topic("x86/kvm: ", _f(
            "arch/x86/", "kernel/kvm.c kernel/kvmclock.c include/asm/kvm_para.h")),
        Topic("KVM: selftests: ", _SELF_X86, start=SELFTESTS_START, group="selftests"),
    ), ("intel.com", "google.com", "redhat.com", "amd.com", "amazon.com", "oracle.com")),
    Area("arm64", "ARM", 0.20, (
        Topic("KVM: arm64: ", _f(
            _A64, "arm.c guest.c handle_exit.c reset.c sys_regs.c sys_regs.h mmu.c "
            "inject_fault.c psci.c hypercalls.c arch_timer.c",
            _A64_INC, "kvm_host.h kvm_emulate.h kvm_mmu.h kvm_arm.h")),
        Topic("KVM: arm64: vgic: ", _f(
            _A64 + "vgic/", "vgic.c vgic-init.c vgic-its.c vgic-v3.c vgic-v2.c vgic-mmio.c",
            "include/kvm/", "arm_vgic.h"), group="vgic"),
        Topic("KVM: arm64: nv: ", _f(_A64, "nested.c emulate-nested.c at.c"), 0.5, group="nv"),
        Topic("KVM: arm64: pkvm: ", _f(
            _A64 + "hyp/", "nvhe/hyp-main.c nvhe/mem_protect.c nvhe/pkvm.c vhe/switch.c"),
            0.5, group="pkvm"),
        Topic("KVM: arm64: PMU: ", _f(_A64, "pmu-emul.c pmu.c", "include/kvm/", "arm_pmu.h"),
              group="pmu"),
        Topic("KVM: arm64: selftests: ", _SELF_ARM64, SELFTESTS_START, group="selftests"),
    ), ("arm.com", "google.com", "kernel.org", "linaro.org", "huawei.com", "redhat.com"),
        start=ARM64_START),
    Area("arm", "ARM", 0.05, (
        Topic("ARM: KVM: ", _f(
            "arch/arm/kvm/", "arm.c mmu.c coproc.c emulate.c guest.c handle_exit.c interrupts.S "
            "psci.c reset.c",
            "arch/arm/include/asm/", "kvm_host.h kvm_mmu.h kvm_emulate.h"), group="arm32"),
    ), ("linaro.org", "arm.com", "cs.columbia.edu", "kernel.org"), end=ARM32_END),
    Area("s390", "S390", 0.06, (
        Topic("KVM: s390: ", _f(
            "arch/s390/kvm/", "kvm-s390.c kvm-s390.h interrupt.c priv.c intercept.c sigp.c "
            "diag.c gaccess.c",
            "arch/s390/include/asm/", "kvm_host.h")),
        Topic("KVM: s390: vsie: ", ("arch/s390/kvm/vsie.c",), 0.2),
        Topic("KVM: s390: pv: ", ("arch/s390/kvm/pv.c",), 0.6),
        Topic("KVM: s390: selftests: ", _SELF_S390, SELFTESTS_START),
    ), ("linux.ibm.com", "de.ibm.com", "redhat.com")),
    Area("ppc", "PPC", 0.07, (
        Topic("KVM: PPC: ", _f(
            _PPC, "powerpc.c booke.c e500.c e500_mmu.c",
            "arch/powerpc/include/asm/", "kvm_host.h kvm_ppc.h")),
        Topic("KVM: PPC: Book3S HV: ", _f(
            _PPC, "book3s_hv.c book3s_hv_rm_mmu.c book3s_hv_nested.c book3s_64_mmu_radix.c "
            "book3s_hv_builtin.c")),
        Topic("KVM: PPC: Book3S PR: ", _f(_PPC, "book3s_pr.c book3s_32_mmu.c book3s_64_mmu.c")),
        Topic("KVM: PPC: Book3S: ", _f(
            _PPC, "book3s.c book3s_xive.c", "arch/powerpc/include/asm/", "kvm_book3s.h")),
    ), ("linux.ibm.com", "ozlabs.org", "au1.ibm.com", "suse.de")),
    Area("mips", "MIPS", 0.015, (
        Topic("KVM: MIPS: ", _f(
            "arch/mips/kvm/", "mips.c emulate.c tlb.c mmu.c interrupt.c",
            "arch/mips/include/asm/", "kvm_host.h")),
        Topic("KVM: MIPS/VZ: ", ("arch/mips/kvm/vz.c",), 0.3),
    ), ("imgtec.com", "gmail.com", "kernel.org", "flygoat.com"), start=MIPS_START),
    Area("riscv", "RISC-V", 0.05, (
        Topic("RISC-V: KVM: ", _f(
            "arch/riscv/kvm/", "main.c vcpu.c vm.c mmu.c tlb.c vcpu_timer.c vcpu_exit.c",
            "arch/riscv/include/asm/", "kvm_host.h kvm_vcpu_sbi.h")),
        Topic("KVM: riscv: ", _f(
            "arch/riscv/kvm/", "vcpu_sbi.c vcpu_sbi_base.c vcpu_onereg.c aia.c aia_imsic.c",
            "arch/riscv/include/asm/", "kvm_aia.h")),
        Topic("KVM: riscv: selftests: ", _SELF_RISCV),
    ), ("ventanamicro.com", "rivosinc.com", "sifive.com", "linux.alibaba.com", "huawei.com"),
        start=RISCV_START),
    Area("loongarch", "LoongArch", 0.03, (
        Topic("LoongArch: KVM: ", _f(
            "arch/loongarch/kvm/", "main.c vcpu.c exit.c mmu.c timer.c interrupt.c vm.c "
            "intc/ipi.c intc/eiointc.c intc/pch_pic.c",
            "arch/loongarch/include/asm/", "kvm_host.h kvm_vcpu.h kvm_csr.h")),
    ), ("loongson.cn", "loongson.cn", "loongson.cn", "kernel.org"), start=LOONGARCH_START),
    Area("ia64", "IA64", 0.015, (
        Topic("KVM: ia64: ", _f(
            "arch/ia64/kvm/", "kvm-ia64.c vcpu.c vmm.c process.c mmio.c",
            "arch/ia64/include/asm/", "kvm_host.h")),
    ), ("intel.com",), end=IA64_END),
    Area("generic", "Generic", 0.07, (
        Topic("KVM: ", _f(
            "virt/kvm/", "kvm_main.c eventfd.c async_pf.c coalesced_mmio.c irqchip.c vfio.c "
            "Kconfig",
            "include/linux/", "kvm_host.h kvm_types.h",
            "include/", "uapi/linux/kvm.h trace/events/kvm.h")),
        Topic("KVM: pfncache: ", ("virt/kvm/pfncache.c",), 0.7),
        Topic("KVM: guest_memfd: ", ("virt/kvm/guest_memfd.c",), LATE),
        Topic("KVM: Documentation: ", _f(
            "Documentation/virtual/kvm/", "api.txt mmu.txt locking.txt msr.txt cpuid.txt "
            "hypercalls.txt timekeeping.txt nested-vmx.txt devices/vm.txt")),
    ), ("redhat.com", "google.com", "kernel.org", "intel.com")),
)  # fmt: skip
AREA = {a.key: a for a in AREAS}
KVM_TREE_OF: dict[str, str] = {
    "s390": "kvm-s390",
    "ppc": "kvm-ppc",
    "riscv": "kvm-riscv",
    "loongarch": "loongarch-kvm",
}
"""Which sub-tree carries an architecture's KVM work into the kvm tree (else: kvm itself;
x86 late in history and arm64 always go through topic branches, see `Builder.kvm_leaf`)."""

_KVM_GIT = "git://git.kernel.org/pub/scm/virt/kvm/kvm.git"
_LINUS = _GIT + "torvalds/linux.git"
_ARM_OLD = "kvmarm@lists.cs.columbia.edu"
KVM_ENTRIES: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    # 2013-style names (see ../shared/data/linux-MAINTAINERS-kvm-2013.txt), then today's.
    ("KERNEL VIRTUAL MACHINE (KVM)", "generic", "kvm@vger.kernel.org", _KVM_GIT,
     "{docs} Documentation/*/kvm*.txt arch/*/kvm/ arch/*/include/asm/kvm* include/linux/kvm* "
     "include/uapi/linux/kvm* virt/kvm/ {selftests}", 0.0, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE (KVM) FOR AMD-V", "x86", "kvm@vger.kernel.org", "",
     "arch/x86/include/asm/svm.h arch/x86/kvm/svm/", 0.0, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE (KVM) FOR POWERPC", "ppc", "kvm-ppc@vger.kernel.org",
     "git://github.com/agraf/linux-2.6.git", "arch/powerpc/include/asm/kvm* arch/powerpc/kvm/",
     0.0, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE (KVM) FOR ARM", "arm", _ARM_OLD, "",
     "arch/arm/include/uapi/asm/kvm* arch/arm/include/asm/kvm* arch/arm/kvm/", 0.0, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE For Itanium (KVM/IA64)", "ia64", "kvm-ia64@vger.kernel.org", "",
     "Documentation/ia64/kvm.txt arch/ia64/include/asm/kvm* arch/ia64/kvm/", 0.0, IA64_END),
    ("KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)", "arm64", _ARM_OLD, "",
     "arch/arm64/include/asm/kvm* arch/arm64/kvm/ {sel:aarch64:arm64}", ARM64_START, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)", "x86", "kvm@vger.kernel.org", _KVM_GIT,
     "arch/x86/include/asm/kvm* arch/x86/kvm/ {sel:x86_64:x86}", KVM_X86_ENTRY, MODERN_NAMES),
    ("KERNEL VIRTUAL MACHINE (KVM)", "generic", "kvm@vger.kernel.org", _KVM_GIT,
     "{docs} include/asm-generic/kvm* include/kvm/iodev.h include/linux/kvm* "
     "include/trace/events/kvm.h include/uapi/asm-generic/kvm* include/uapi/linux/kvm* tools/kvm/ "
     "{selftests} virt/kvm/*", MODERN_NAMES, 1.0),
    ("KERNEL VIRTUAL MACHINE FOR ARM/ARM64 (KVM/arm, KVM/arm64)", "arm64",
     "kvmarm@lists.linux.dev", _GIT + "kvmarm/kvmarm.git",
     "arch/arm/include/asm/kvm* arch/arm/kvm/ arch/arm64/include/asm/kvm* arch/arm64/kvm/ "
     "include/kvm/arm_* {sel:aarch64:arm64}", MODERN_NAMES, ARM32_END),
    ("KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)", "arm64", "kvmarm@lists.linux.dev",
     _GIT + "kvmarm/kvmarm.git",
     "arch/arm64/include/asm/kvm* arch/arm64/kvm/ include/kvm/arm_* {sel:aarch64:arm64}",
     max(MODERN_NAMES, ARM32_END), 1.0),
    ("KERNEL VIRTUAL MACHINE FOR LOONGARCH (KVM/LoongArch)", "loongarch",
     "loongarch@lists.linux.dev", "", "arch/loongarch/include/asm/kvm* arch/loongarch/kvm/",
     max(MODERN_NAMES, LOONGARCH_START), 1.0),
    ("KERNEL VIRTUAL MACHINE FOR MIPS (KVM/mips)", "mips", "linux-mips@vger.kernel.org", "",
     "arch/mips/include/asm/kvm* arch/mips/kvm/", MIPS_START, 1.0),
    ("KERNEL VIRTUAL MACHINE FOR POWERPC (KVM/powerpc)", "ppc", "linuxppc-dev@lists.ozlabs.org",
     "", "arch/powerpc/include/asm/kvm* arch/powerpc/kvm/", MODERN_NAMES, 1.0),
    ("KERNEL VIRTUAL MACHINE FOR RISC-V (KVM/riscv)", "riscv", "kvm-riscv@lists.infradead.org",
     "https://github.com/kvm-riscv/linux.git",
     "arch/riscv/include/asm/kvm* arch/riscv/kvm/ {sel:riscv:riscv}",
     max(MODERN_NAMES, RISCV_START), 1.0),
    ("KERNEL VIRTUAL MACHINE for s390 (KVM/s390)", "s390", "kvm@vger.kernel.org",
     _GIT + "kvms390/linux.git", "arch/s390/include/asm/kvm* arch/s390/kvm/ {sel:s390x:s390}",
     0.0, 1.0),
    ("KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)", "x86", "kvm@vger.kernel.org", _KVM_GIT,
     "arch/x86/include/asm/kvm* arch/x86/kvm/ {sel:x86_64:x86} X:arch/x86/kvm/hyperv.* "
     "X:arch/x86/kvm/xen.*", MODERN_NAMES, 1.0),
    ("KVM PARAVIRT (KVM/paravirt)", "x86", "kvm@vger.kernel.org", _KVM_GIT,
     "arch/*/include/asm/kvm_para.h arch/x86/kernel/kvm.c arch/x86/kernel/kvmclock.c "
     "include/linux/kvm_para.h", MODERN_NAMES, 1.0),
    ("KVM X86 HYPER-V (KVM/hyper-v)", "x86", "kvm@vger.kernel.org", _KVM_GIT,
     "arch/x86/kvm/hyperv.* arch/x86/kvm/vmx/hyperv.*", MODERN_NAMES, 1.0),
)  # fmt: skip
"""MAINTAINERS' KVM entries: name, area (its maintainer), list, tree, F: patterns, and the
fractions of history where the entry exists. `{docs}`, `{selftests}` and `{sel:OLD:NEW}`
become the paths of the time."""

TREES: tuple[Tree, ...] = (
    _tree(
        "net-next | 14 | NETWORKING [GENERAL] | networking",
        "netdev@vger.kernel.org | {git}netdev/net-next | net-next-{ver}",
        Topic("net: ", _gen("net/core", 30)),
        Topic("tcp: ", _gen("net/ipv4", 30, "tcp_")),
        Topic("ipv6: ", _gen("net/ipv6", 20)),
        Topic("netfilter: ", _gen("net/netfilter", 25, "nf_")),
        Topic("net/sched: ", _gen("net/sched", 20, "sch_")),
        Topic("ice: ", _gen("drivers/net/ethernet/intel/ice", 30, "ice_")),
        Topic("net/mlx5: ", _gen("drivers/net/ethernet/mellanox/mlx5/core", 30)),
        Topic("bnxt_en: ", _gen("drivers/net/ethernet/broadcom/bnxt", 15, "bnxt_")),
        Topic("wifi: mac80211: ", _gen("net/mac80211", 25)),
        Topic("Bluetooth: ", _gen("net/bluetooth", 20)),
        Topic("selftests: net: ", _gen("tools/testing/selftests/net", 20, ext=".sh")),
        series_merges=0.6,
    ),
    _tree(
        "drm | 14 | DRM DRIVERS | drm",
        "dri-devel@lists.freedesktop.org | "
        "https://gitlab.freedesktop.org/drm/kernel | drm-next-{ver}",
        Topic("drm/amdgpu: ", _gen("drivers/gpu/drm/amd/amdgpu", 40, "amdgpu_")),
        Topic("drm/amd/display: ", _gen("drivers/gpu/drm/amd/display/dc/core", 25, "dc_")),
        Topic("drm/i915: ", _gen("drivers/gpu/drm/i915", 40, "i915_")),
        Topic("drm/msm: ", _gen("drivers/gpu/drm/msm", 20, "msm_")),
        Topic("drm/xe: ", _gen("drivers/gpu/drm/xe", 30, "xe_"), start=0.8),
        Topic("drm: ", _gen("drivers/gpu/drm", 25, "drm_")),
        series_merges=0.3,
    ),
    _tree(
        "mm | 6 | MEMORY MANAGEMENT | mm",
        "linux-mm@kvack.org | {git}akpm/mm | mm-stable-{ver}",
        Topic("mm: ", _gen("mm", 40)),
        Topic(
            "mm/hugetlb: ", _f("mm/", "hugetlb.c hugetlb_vmemmap.c", "include/linux/", "hugetlb.h")
        ),
        Topic("mm/slub: ", ("mm/slub.c", "mm/slab_common.c", "include/linux/slab.h")),
        Topic("mm/damon: ", _gen("mm/damon", 10), start=0.7),
        Topic("selftests/mm: ", _gen("tools/testing/selftests/mm", 15), start=0.5),
    ),
    _tree(
        "vfs | 9 | FILESYSTEMS (VFS and infrastructure) | vfs",
        "linux-fsdevel@vger.kernel.org | {git}vfs/vfs | vfs-{ver}.misc",
        Topic("fs: ", _gen("fs", 30)),
        Topic("ext4: ", _gen("fs/ext4", 25)),
        Topic("btrfs: ", _gen("fs/btrfs", 35)),
        Topic("xfs: ", _gen("fs/xfs", 30, "xfs_")),
        Topic("NFS: ", _gen("fs/nfs", 20)),
        Topic("f2fs: ", _gen("fs/f2fs", 15)),
        series_merges=0.4,
    ),
    _tree(
        "tip-x86 | 4 | X86 ARCHITECTURE (32-BIT AND 64-BIT) | x86",
        "x86@kernel.org | {git}tip/tip | x86-core-{ver}",
        Topic("x86/cpu: ", _gen("arch/x86/kernel/cpu", 20)),
        Topic("x86/mm: ", _gen("arch/x86/mm", 20)),
        Topic("x86/fpu: ", _gen("arch/x86/kernel/fpu", 8)),
        Topic("x86/sev: ", _gen("arch/x86/coco/sev", 6), start=0.6),
        Topic("x86/cpufeatures: ", ("arch/x86/include/asm/cpufeatures.h",)),
        series_merges=0.3,
    ),
    _tree(
        "arm64-arch | 3 | ARM64 PORT (AARCH64 ARCHITECTURE) | arm64",
        "linux-arm-kernel@lists.infradead.org | {git}arm64/linux | arm64-upstream",
        Topic("arm64: ", _gen("arch/arm64/kernel", 30)),
        Topic("arm64: mm: ", _gen("arch/arm64/mm", 15)),
        Topic("arm64/sysreg: ", ("arch/arm64/include/asm/sysreg.h", "arch/arm64/tools/sysreg")),
    ),
    _tree(
        "block | 4 | BLOCK LAYER | block",
        "linux-block@vger.kernel.org | git://git.kernel.dk/linux | for-{ver}/block",
        Topic("block: ", _gen("block", 30, "blk-")),
        Topic("nvme: ", _gen("drivers/nvme/host", 15)),
        Topic("io_uring: ", _gen("io_uring", 20), start=0.6),
        series_merges=0.3,
    ),
    _tree(
        "bpf-next | 4 | BPF [GENERAL] (Safe Dynamic Programs and Tools) | bpf",
        "bpf@vger.kernel.org | {git}bpf/bpf-next | bpf-next-{ver}",
        Topic("bpf: ", _gen("kernel/bpf", 30)),
        Topic("selftests/bpf: ", _gen("tools/testing/selftests/bpf/prog_tests", 30)),
        Topic("libbpf: ", _gen("tools/lib/bpf", 15)),
        series_merges=0.5,
        start=0.2,
    ),
    _tree(
        "usb | 4 | USB SUBSYSTEM | USB / Thunderbolt",
        "linux-usb@vger.kernel.org | {git}gregkh/usb | usb-{ver}-rc1",
        Topic("usb: xhci: ", _gen("drivers/usb/host", 20, "xhci-")),
        Topic("usb: dwc3: ", _gen("drivers/usb/dwc3", 15)),
        Topic("USB: core: ", _gen("drivers/usb/core", 15)),
        Topic("usb: gadget: ", _gen("drivers/usb/gadget", 20)),
    ),
    _tree(
        "sound | 5 | SOUND | sound",
        "linux-sound@vger.kernel.org | {git}tiwai/sound | sound-{ver}-rc1",
        Topic("ALSA: hda: ", _gen("sound/pci/hda", 25, "hda_")),
        Topic("ASoC: codecs: ", _gen("sound/soc/codecs", 40)),
        Topic("ASoC: SOF: ", _gen("sound/soc/sof", 20), start=0.5),
        Topic("ALSA: usb-audio: ", _gen("sound/usb", 15)),
    ),
    _tree(
        "scsi | 3 | SCSI SUBSYSTEM | SCSI",
        "linux-scsi@vger.kernel.org | {git}jejb/scsi | scsi-misc",
        Topic("scsi: lpfc: ", _gen("drivers/scsi/lpfc", 20, "lpfc_")),
        Topic("scsi: ufs: ", _gen("drivers/ufs/core", 12, "ufs")),
        Topic("scsi: core: ", _gen("drivers/scsi", 20, "scsi_")),
    ),
    _tree(
        "perf | 3 | PERFORMANCE EVENTS SUBSYSTEM | perf tools",
        "linux-perf-users@vger.kernel.org | {git}perf/perf-tools | perf-tools-for-v{ver}",
        Topic("perf tools: ", _gen("tools/perf/util", 40)),
        Topic("perf/x86: ", _gen("arch/x86/events", 15)),
        Topic("perf/core: ", _gen("kernel/events", 10)),
    ),
    _tree(
        "iommu | 2 | IOMMU SUBSYSTEM | iommu",
        "iommu@lists.linux.dev | {git}iommu/linux | iommu-updates-v{ver}",
        Topic("iommu/vt-d: ", _gen("drivers/iommu/intel", 15)),
        Topic("iommu/amd: ", _gen("drivers/iommu/amd", 12)),
        Topic("iommu: ", _gen("drivers/iommu", 15, "iommu-")),
    ),
    _tree(
        "vfio | 1 | VFIO DRIVER | VFIO",
        "linux-kernel@vger.kernel.org | "
        "https://github.com/awilliam/linux-vfio.git | vfio-v{ver}-rc1",
        Topic("vfio/pci: ", _gen("drivers/vfio/pci", 12, "vfio_pci_")),
        Topic("vfio: ", _gen("drivers/vfio", 10, "vfio_")),
    ),
    _tree(
        "vhost | 1 | VIRTIO CORE AND NET DRIVERS | virtio",
        "virtualization@lists.linux.dev | {git}mst/vhost | for_linus",
        Topic("vhost: ", _gen("drivers/vhost", 10)),
        Topic("virtio: ", _gen("drivers/virtio", 12, "virtio_")),
    ),
    _tree(
        "pci | 2 | PCI SUBSYSTEM | PCI",
        "linux-pci@vger.kernel.org | {git}pci/pci | pci-v{ver}-changes",
        Topic("PCI: ", _gen("drivers/pci", 25)),
        Topic("PCI: dwc: ", _gen("drivers/pci/controller/dwc", 12, "pcie-")),
    ),
    _tree(
        "input | 2 | INPUT (KEYBOARD, MOUSE, JOYSTICK, TOUCHSCREEN) DRIVERS | input",
        "linux-input@vger.kernel.org | {git}dtor/input | input-for-v{ver}-0",
        Topic("Input: ", _gen("drivers/input", 25)),
        Topic("HID: ", _gen("drivers/hid", 25, "hid-")),
    ),
    _tree(
        "crypto | 2 | CRYPTO API | crypto",
        "linux-crypto@vger.kernel.org | {git}herbert/crypto-2.6 | v{ver}-p1",
        Topic("crypto: ", _gen("crypto", 30) + _gen("drivers/crypto", 15)),
    ),
    _tree(
        "security | 2 | SECURITY SUBSYSTEM | lsm",
        "linux-security-module@vger.kernel.org | {git}pcmoore/lsm | lsm-pr-{ver}",
        Topic("selinux: ", _gen("security/selinux", 15)),
        Topic("apparmor: ", _gen("security/apparmor", 15)),
        Topic("lsm: ", _gen("security", 10)),
    ),
    _tree(
        "tip-core | 3 | SCHEDULER | scheduler",
        "linux-kernel@vger.kernel.org | {git}tip/tip | sched-core-{ver}",
        Topic("sched/fair: ", ("kernel/sched/fair.c", "kernel/sched/pelt.c")),
        Topic("sched: ", _gen("kernel/sched", 15)),
        Topic("timers: ", _gen("kernel/time", 15)),
        Topic("genirq: ", _gen("kernel/irq", 15)),
        Topic("irqchip/gic-v3: ", _gen("drivers/irqchip", 12, "irq-")),
        Topic("rcu: ", _gen("kernel/rcu", 12)),
    ),
    _tree(
        "powerpc | 2 | LINUX FOR POWERPC (32-BIT AND 64-BIT) | powerpc",
        "linuxppc-dev@lists.ozlabs.org | {git}powerpc/linux | powerpc-{ver}-1",
        Topic("powerpc/64s: ", _gen("arch/powerpc/kernel", 25)),
        Topic("powerpc/mm: ", _gen("arch/powerpc/mm", 15)),
    ),
    _tree(
        "s390-arch | 2 | S390 ARCHITECTURE | s390",
        "linux-s390@vger.kernel.org | {git}s390/linux | s390-{ver}-1",
        Topic("s390/mm: ", _gen("arch/s390/mm", 12)),
        Topic("s390/kernel: ", _gen("arch/s390/kernel", 20)),
    ),
    _tree(
        "riscv-arch | 2 | RISC-V ARCHITECTURE | RISC-V",
        "linux-riscv@lists.infradead.org | {git}riscv/linux | riscv-for-linus-{ver}-mw1",
        Topic("riscv: ", _gen("arch/riscv/kernel", 25) + _gen("arch/riscv/mm", 10)),
        start=0.5,
    ),
    _tree(
        "loongarch-arch | 1 | LOONGARCH | LoongArch",
        "loongarch@lists.linux.dev | {git}chenhuacai/linux-loongson | loongarch-{ver}",
        Topic("LoongArch: ", _gen("arch/loongarch/kernel", 20)),
        start=0.75,
    ),
    _tree(
        "docs | 2 | DOCUMENTATION | documentation",
        "linux-doc@vger.kernel.org | git://git.lwn.net/linux.git | docs-{ver}",
        Topic("docs: ", _gen("Documentation/admin-guide", 20, ext=".rst")),
        Topic("Documentation: ", _gen("Documentation/process", 15, ext=".rst")),
    ),
    _tree(
        "staging | 4 | STAGING SUBSYSTEM | staging",
        "linux-staging@lists.linux.dev | {git}gregkh/staging | staging-{ver}-rc1",
        Topic(
            "staging: ", (*_gen("drivers/staging/rtl8723bs", 25), *_gen("drivers/staging/vc04", 20))
        ),
    ),
    _tree(
        "tty | 2 | TTY LAYER AND SERIAL DRIVERS | tty / serial",
        "linux-serial@vger.kernel.org | {git}gregkh/tty | tty-{ver}-rc1",
        Topic("tty: serial: ", _gen("drivers/tty/serial", 25)),
    ),
)
TREE = {t.key: t for t in TREES}
CROSS_HOST: dict[str, str] = {
    "x86": "tip-x86",
    "arm64": "arm64-arch",
    "s390": "s390-arch",
    "ppc": "powerpc",
}
"""Where KVM commits that go through another tree land (e.g. x86/cpufeatures + KVM)."""


def catalogue() -> list[str]:
    """Every path the history may touch, era-0 names, KVM first; each listed once."""
    seen: dict[str, None] = {}
    for area in AREAS:
        for topic in area.topics:
            seen.update(dict.fromkeys(topic.files))
    for tree in TREES:
        for topic in tree.topics:
            seen.update(dict.fromkeys(topic.files))
    return list(seen)


# --- People ---------------------------------------------------------------------------------

FIRST = _words(
    "Ada Alex Ana Andrea Anup Ben Bo Carlos Chao Chen Christian Claire Dan David Dmitry Elena "
    "Eric Fatima Felix Gabriel Hao Hiroshi Igor Ilya Isaku Jan Jia Jing Joao Jonas Jose Julia "
    "Kai Karim Kenji Lars Lea Lei Li Lin Lucas Maria Marek Mateusz Max Mei Michal Mikko Ming "
    "Nadia Nikolay Noor Oliver Omar Pablo Pavel Peng Priya Qiang Rafael Rahul Raj Rui Sami "
    "Sandra Sara Sergey Shu Sofia Tao Thomas Tomasz Vijay Wei Xin Yan Yuki Yusuf Zhen Zoltan "
    "Jörg Rémi Zoë Łukasz Radim Andrés Mårten Çağlar"
)
LAST = _words(
    "Abe Alvarez Bauer Becker Brown Chandra Chen Costa Dasgupta Davies Dubois Eriksson Fischer "
    "Fujita Garcia Gupta Hansen Hartmann Huang Ivanov Jensen Jones Kato Kim Kowalski Kumar "
    "Larsen Lee Li Lindqvist Liu Lopez Martin Meyer Moreau Nakamura Nguyen Novak Olsen Park "
    "Patel Petrov Popescu Quinn Rao Reddy Rossi Santos Sato Schmidt Schulz Silva Singh Smirnov "
    "Suzuki Tanaka Taylor Thompson Tran Wagner Wang Weber Wilson Wu Xu Yang Yamamoto Zhang Zhao "
    "Zhou Müller Krčmář Gómez Søndergaard Ødegaard Nováková Şahin"
)
OTHER_DOMAINS = _words(
    "intel.com redhat.com google.com amd.com huawei.com kernel.org gmail.com suse.com "
    "oracle.com meta.com nvidia.com linaro.org linux.alibaba.com bytedance.com quicinc.com "
    "microsoft.com linuxfoundation.org infradead.org collabora.com bootlin.com"
)
TIMEZONES = _words("+0000 +0100 +0200 -0700 -0800 -0400 -0500 +0800 +0530 +0900 +1000 +0300")
_ASCII = str.maketrans({"Ł": "L", "ł": "l", "ø": "o", "Ø": "O", "ß": "ss"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return decomposed.encode("ascii", "ignore").decode()


@dataclass
class Person:
    name: str
    emails: list[str]  # history; the last is current
    tz: str
    area: str
    alias: str | None = None  # another spelling of the name, used now and then

    @property
    def email(self) -> str:
        return self.emails[-1]

    @property
    def ident(self) -> str:
        return f"{self.name} <{self.email}>"


class Cast:
    """Everyone who appears in the history, grouped by area, with Zipf-like activity."""

    def __init__(self, rng: random.Random, total: int) -> None:
        self.rng = rng
        self.by_area: dict[str, list[Person]] = {}
        self.cum: dict[str, list[float]] = {}
        weights: list[tuple[str, float, Sequence[str]]] = [
            (a.key, a.weight * 0.25, a.domains) for a in AREAS
        ]
        tree_weight = sum(t.weight for t in TREES)
        weights += [(t.key, t.weight / tree_weight * 0.75, OTHER_DOMAINS) for t in TREES]
        pairs = [(f, last) for f in FIRST for last in LAST]
        rng.shuffle(pairs)
        used = 0
        for key, weight, domains in weights:
            people: list[Person] = []
            for _ in range(max(4, round(total * weight))):
                first, last = pairs[used % len(pairs)]
                used += 1
                people.append(self._person(first, last, domains, key))
            self.by_area[key] = people
            self.cum[key] = self._cumulative(len(people))
        # The top-level maintainer tags releases and merges every pull.
        self.top = self._person("Linus", "Torvik", ("linux-foundation.org",), "top")
        self.top.tz = "-0700"

    def _person(self, first: str, last: str, domains: Sequence[str], area: str) -> Person:
        rng = self.rng
        email = self._email(first, last, rng.choice(domains))
        alias = None
        roll = rng.random()
        if roll < 0.03:
            alias = f"{first} {rng.choice('ABCDEHJKMPRSTW')}. {last}"
        elif roll < 0.06 and ascii_fold(first + last) != first + last:
            alias = ascii_fold(f"{first} {last}")
        return Person(f"{first} {last}", [email], rng.choice(TIMEZONES), area, alias)

    def _email(self, first: str, last: str, domain: str) -> str:
        f, la = ascii_fold(first).lower(), ascii_fold(last).lower()
        local = self.rng.choice((f"{f}.{la}", f"{f[0]}{la}", f, f"{la}{f[0]}", f"{f}{la}"))
        return f"{local}@{domain}"

    @staticmethod
    def _cumulative(n: int) -> list[float]:
        total = 0.0
        out: list[float] = []
        for rank in range(n):
            total += 1.0 / (rank + 1) ** 1.1
            out.append(total)
        return out

    def pick(self, area: str) -> Person:
        return self.rng.choices(self.by_area[area], cum_weights=self.cum[area])[0]

    def maintainer(self, area: str) -> Person:
        return self.top if area == "top" else self.by_area[area][0]

    def move(self, person: Person) -> str:
        """Give `person` a new address (a job change); returns the old one."""
        first, _, last = person.name.partition(" ")
        old = person.email
        domains = AREA[person.area].domains if person.area in AREA else OTHER_DOMAINS
        for _ in range(5):
            new = self._email(first, last, self.rng.choice((*domains, "gmail.com", "kernel.org")))
            if new not in person.emails:
                person.emails.append(new)
                break
        return old

    def everyone(self) -> list[Person]:
        return [p for people in self.by_area.values() for p in people]


# --- Messages -------------------------------------------------------------------------------

# Underscores stand for spaces inside one verb.
VERBS = tuple(
    v.replace("_", " ")
    for v in _words(
        "Add Fix Drop Remove Use Move Rename Introduce Avoid Handle Don't Clean_up Refactor "
        "Simplify Open_code Consolidate Skip Check Reject Allow Support Track Flush Sanitize "
        "Document Export Harden Pass Return Initialize Clear Update Disable Enable Factor_out "
        "Reset Split Convert"
    )
)
KVM_NOUNS = (
    "vCPU state", "MMU notifier", "dirty ring", "memslot lookup", "shadow page", "SPTE",
    "TLB flush", "nested VM-Exit", "guest PMU", "APIC timer", "IRQ routing", "hypercall",
    "MSR filter", "CPUID entry", "page fault path", "halt polling", "vCPU kick", "SMM state",
    "PV clock", "posted interrupt", "VMCS field", "VMCB intercept", "stage-2 mapping",
    "ITS table", "timer offset", "system register", "SBI extension", "ONE_REG interface",
    "guest debug", "exit handler", "memory attributes", "async page fault", "ioeventfd",
    "irqfd", "binary stats", "vCPU reset", "emulated instruction", "EPT violation",
)  # fmt: skip
OTHER_NOUNS = (
    "error path", "refcount", "lock ordering", "DMA mapping", "RCU usage", "buffer overflow",
    "memory leak", "NULL pointer check", "debugfs entry", "sysfs attribute", "module parameter",
    "probe path", "suspend/resume", "IRQ handler", "workqueue", "timeout", "statistics",
    "Kconfig dependency", "tracepoint", "netlink attribute", "cache lookup", "queue setup",
    "firmware loading", "register dump", "spinlock", "hash table", "list walk",
    "allocation failure", "kernel-doc", "unused variable", "compiler warning",
)  # fmt: skip
QUALS = (
    "", "", "", "", " on error", " in the fast path", " when disabled", " during reset",
    " under the lock", " for 32-bit builds", " on teardown", " if allocation fails",
)  # fmt: skip
KVM_QUALS = (
    " for nested guests", " when the vCPU is blocked", " during live migration",
    " under mmu_lock", " for protected VMs",
)  # fmt: skip
ALL_QUALS = QUALS + KVM_QUALS
BODIES = (
    "No functional change intended.",
    "Found by code inspection.",
    "Reported by syzkaller; the reproducer is in the linked thread.",
    "Prepare for an upcoming change that needs the helper elsewhere.",
    "The old code did not handle the corner case correctly.",
    "Avoid a spurious WARN when userspace does something odd.",
    "Keep the two paths in sync to avoid future bugs.",
    "Opportunistically fix the comment while at it.",
    "Tested on a host with 64 vCPUs and a nested guest.",
    "This shrinks the structure and removes a cache miss.",
)
COVERS = (
    "This series cleans up the code and fixes two long-standing bugs.",
    "Rework the setup path so that errors are reported to the caller.",
    "Add support for the new hardware feature, with selftests.",
    "Simplify the locking by relying on RCU for the read side.",
)
SUB_TREES: dict[str, tuple[str, str, str]] = {
    "kvm-s390": ("kvm-s390-next-{ver}-1", _GIT + "kvms390/linux", "KVM: s390: Changes for"),
    "kvm-ppc": ("kvm-ppc-next-{ver}-1", _GIT + "paulus/powerpc", "PPC KVM update for"),
    "kvm-riscv": (
        "kvm-riscv-{ver}-1",
        "https://github.com/kvm-riscv/linux",
        "KVM/riscv changes for",
    ),
    "loongarch-kvm": (
        "loongarch-kvm-{ver}",
        _GIT + "chenhuacai/linux-loongson",
        "LoongArch KVM changes for",
    ),
}
"""KVM sub-maintainer trees pulled into the kvm tree: tag, url, first line of the tag."""
ARM_BRANCHES = {
    "misc": "misc",
    "vgic": "vgic-fixes",
    "nv": "nv-next",
    "pkvm": "pkvm-hyp",
    "pmu": "pmu-rework",
    "selftests": "selftests",
    "arm32": "arm32",
}


def _bullet(subject: str) -> str:
    text = subject.rsplit(": ", 1)[-1]
    return text[:1].upper() + text[1:]


# --- fast-import ------------------------------------------------------------------------------


class FastImport:
    """A `git fast-import` process fed incrementally; `get-mark` answers come back on a pipe."""

    def __init__(self, repo: Path) -> None:
        answers_r, answers_w = os.pipe()
        self.proc = subprocess.Popen(
            [
                "git",
                "-C",
                str(repo),
                "fast-import",
                "--quiet",
                f"--cat-blob-fd={answers_w}",
                # Trees of recently used branches stay in memory; the builder alternates
                # between master, the kvm tree and a handful of topics.
                "--active-branches=64",
            ],
            stdin=subprocess.PIPE,
            pass_fds=(answers_w,),
            bufsize=1 << 20,
        )
        os.close(answers_w)
        self._answers: IO[bytes] = os.fdopen(answers_r, "rb")
        assert self.proc.stdin is not None
        self._out: IO[bytes] = self.proc.stdin
        self.next_mark = 1

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BrokenPipeError:
            raise SystemExit(f"git fast-import stopped (exit {self.proc.wait()})") from None

    def commit(
        self,
        ref: str,
        parents: Sequence[int],
        author: str,
        committer: str,
        message: str,
        ops: Sequence[str],
    ) -> int:
        mark = self.next_mark
        self.next_mark += 1
        msg = message.encode()
        head = f"commit {ref}\nmark :{mark}\nauthor {author}\ncommitter {committer}\n"
        links = "".join(f"{'from' if i == 0 else 'merge'} :{p}\n" for i, p in enumerate(parents))
        self.write(
            b"".join(
                (
                    head.encode(),
                    b"data %d\n" % len(msg),
                    msg,
                    b"\n",
                    links.encode(),
                    "".join(ops).encode(),
                    b"\n",
                )
            )
        )
        return mark

    def hashes(self, marks: Sequence[int]) -> list[str]:
        """The object ids of `marks`, in order (blocks until fast-import has caught up)."""
        out: list[str] = []
        # In chunks, so that neither pipe fills while the other side waits for us.
        for start in range(0, len(marks), 512):
            chunk = marks[start : start + 512]
            self.write("".join(f"get-mark :{m}\n" for m in chunk).encode())
            self._out.flush()
            for _ in chunk:
                line = self._answers.readline()
                if len(line) < 40:
                    raise SystemExit(f"git fast-import stopped (exit {self.proc.wait()})")
                out.append(line[:40].decode())
        return out

    def close(self) -> None:
        self._out.close()
        code = self.proc.wait()
        self._answers.close()
        if code:
            raise SystemExit(f"git fast-import failed (exit {code})")


def _modify(path: str, content: str) -> str:
    return f"M 100644 inline {path}\ndata {len(content.encode())}\n{content}\n"


# --- The history model ------------------------------------------------------------------------


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
            ops.append(_modify(name, data))
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
            ops.append(_modify(name, text))
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
                    ops.append(_modify(name, value))
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
                ops.append(_modify(path, new))
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
                    out += [_SEL] if selftests else []
                elif token.startswith("{sel:"):
                    old, new = token[5:-1].split(":")
                    name = new if era >= 2 else old
                    out += [f"{_SEL}*/{name}/", f"{_SEL}{name}/"] if selftests else []
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
            entry("THE REST", "top", "linux-kernel@vger.kernel.org", _LINUS, ["*", "*/"])
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
            ops.append(_modify(path, data))
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
            ops.append(_modify(name, text))
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
                ops.append(_modify("MAINTAINERS", self.maintainers_text))
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
        return "".join(f"{indent}{_bullet(self.subject_of[m])}\n\n" for m in chosen)

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


def entry_names(text: str) -> list[str]:
    """MAINTAINERS entry names: the line before an `M:`/`R:`/`L:`... block starts."""
    lines = text.splitlines()
    return [lines[i - 1] for i in range(1, len(lines)) if lines[i].startswith("M:\t")]


def makefile(ver: str, extra: str) -> str:
    major, minor = ver.split(".")
    return f"VERSION = {major}\nPATCHLEVEL = {minor}\nSUBLEVEL = 0\nEXTRAVERSION = {extra}\n"


MAINTAINERS_PREAMBLE = """\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

\tM: *Mail* patches to: FullName <address@domain>
\tR: Designated *Reviewer*: FullName <address@domain>
\t   These reviewers should be CCed on patches.
\tL: *Mailing list* that is relevant to this area
\tS: *Status*, one of the following:
\t   Supported:\tSomeone is actually paid to look after this.
\t   Maintained:\tSomeone actually looks after it.
\tT: *SCM* tree type and location.
\tF: *Files* and directories wildcard patterns.
\t   A trailing slash includes all files and subdirectory files.
\t   F:\tdrivers/net/\tall files in and below drivers/net
\t   F:\tdrivers/net/*\tall files in drivers/net, but not below
\t   F:\t*/net/*\t\tall files in "any top level directory"/net
\tX: *Excluded* files and directories that are NOT maintained, same
\t   rules as F:.

Maintainers List
----------------

.. note:: When reading this list, please look for the most precise areas
          first. When adding to this list, please keep the entries in
          alphabetical order.

"""

MAILMAP_HEADER = """\
#
# This list is used by git-shortlog to fix a few botched name translations
# in the git archive, either because the author's full name was messed up
# and/or not always written the same way, making contributions from the
# same person appearing not to be so or badly displayed. It also maps old
# email addresses to new ones.
#
# Please keep this list dictionary sorted.
#
"""


# --- Entry points -----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True
    ).stdout


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
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=master", str(out)], check=True
    )
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
