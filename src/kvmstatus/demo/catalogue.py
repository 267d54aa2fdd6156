"""What the synthetic history is made of: releases, trees, areas and paths, people, words,
and the MAINTAINERS and .mailmap texts. Data and small pure helpers only."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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

SELFTESTS = "tools/testing/selftests/kvm/"
RENAMES: tuple[tuple[float, tuple[tuple[str, str], ...]], ...] = (
    (DOCS_RENAME, (("Documentation/virtual/kvm", "Documentation/virt/kvm"),)),
    (
        SELFTESTS_RENAME,
        tuple(
            (f"{SELFTESTS}{sub}{old}", f"{SELFTESTS}{sub}{new}")
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
    SELFTESTS, "Makefile lib/kvm_util.c lib/sparsebit.c lib/memstress.c include/kvm_util.h "
    "include/test_util.h dirty_log_test.c demand_paging_test.c set_memory_region_test.c "
    "kvm_create_max_vcpus.c lib/x86_64/processor.c lib/x86_64/vmx.c lib/x86_64/svm.c "
    "include/x86_64/processor.h include/x86_64/vmx.h",
    SELFTESTS + "x86_64/", "vmx_dirty_log_test.c state_test.c smm_test.c cpuid_test.c "
    "hyperv_features.c pmu_counters_test.c xen_shinfo_test.c",
)  # fmt: skip
_SELF_ARM64 = _f(
    SELFTESTS + "aarch64/", "arch_timer.c vgic_init.c get-reg-list.c page_fault_test.c psci_test.c",
    SELFTESTS, "lib/aarch64/processor.c lib/aarch64/gic.c include/aarch64/processor.h",
)  # fmt: skip
_SELF_S390 = _f(
    SELFTESTS + "s390x/", "memop.c sync_regs_test.c resets.c tprot.c",
    SELFTESTS, "lib/s390x/processor.c include/s390x/processor.h",
)  # fmt: skip
_SELF_RISCV = _f(
    SELFTESTS + "riscv/", "arch_timer.c sbi_pmu_test.c ebreak_test.c",
    SELFTESTS, "lib/riscv/processor.c include/riscv/processor.h",
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
LINUS_GIT = _GIT + "torvalds/linux.git"
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


def bullet(subject: str) -> str:
    text = subject.rsplit(": ", 1)[-1]
    return text[:1].upper() + text[1:]


# --- fast-import ------------------------------------------------------------------------------


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
