"""A small kernel-shaped history, written as a readable `git fast-import` stream.

Dates are fixed, so commit hashes are stable and tests can assert exact values.

    v1.0 -- net -- arm64 (v1.1) -- merge kvm-x86 -- riscv (v1.2-rc1) -- mailmap -- x86 (v1.2)
       \\                          /                                              -- s390 (v1.3)
        x86 mmu -- x86 fix  ------'   (topic forked before v1.1, merged after it)
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAINTAINERS = """\
List of maintainers
===================

\tF: Files and directories (this preamble line is not an entry)

KERNEL VIRTUAL MACHINE (KVM)
M:\tPaolo Bonzini <pbonzini@example.com>
S:\tSupported
F:\tvirt/kvm/
F:\tinclude/linux/kvm*

KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)
F:\tarch/x86/kvm/

KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)
F:\tarch/arm64/kvm/

KERNEL VIRTUAL MACHINE FOR RISC-V (KVM/riscv)
F:\tarch/riscv/kvm/

KVM FOR S390
F:\tarch/s390/kvm/

NETWORKING
F:\tnet/
"""

MAILMAP = "Sean Example <sean@example.com> <sean@old.example.org>\n"

ALICE = "Alice Arm <alice@arm.example>"
SEAN = "Sean Example <sean@example.com>"
SEAN_OLD = "Sean Oldmail <sean@old.example.org>"
RAY = "Ray Riscv <ray@riscv.example>"
NED = "Ned Net <ned@net.example>"
MAINTAINER = "Paolo Bonzini <pbonzini@example.com>"


@dataclass
class Commit:
    mark: int
    branch: str
    author: str
    date: int
    message: str
    files: dict[str, str] = field(default_factory=dict)
    parents: list[int] = field(default_factory=list)  # marks; first parent is the branch tip
    committer: str = MAINTAINER


BASE = 1_700_000_000  # 2023-11-14, fixed
DAY = 86_400


def _history(maintainers: str = MAINTAINERS) -> tuple[list[Commit], dict[str, int]]:
    commits = [
        Commit(
            1,
            "master",
            MAINTAINER,
            BASE,
            "Initial import\n",
            {
                "MAINTAINERS": maintainers,
                "virt/kvm/kvm_main.c": "main 1\n",
                "include/linux/kvm_host.h": "host 1\n",
                "arch/x86/kvm/x86.c": "x86 1\n",
                "arch/arm64/kvm/arm.c": "arm 1\n",
                "arch/riscv/kvm/main.c": "riscv 1\n",
                "arch/s390/kvm/kvm-s390.c": "s390 1\n",
                "net/core/dev.c": "net 1\n",
                "README": "readme\n",
            },
        ),
        # Topic branch forked at v1.0, before v1.1; merged after v1.1.
        Commit(
            2,
            "kvm-x86",
            SEAN,
            BASE + 2 * DAY,
            "KVM: x86/mmu: Drop the zap loop\n\n"
            "Signed-off-by: Sean Example <sean@example.com>\n"
            "Reviewed-by: Alice Arm <alice@arm.example>\n"
            "Reviewed-by: Ray Riscv <ray@riscv.example>\n",
            {"arch/x86/kvm/x86.c": "x86 2\n"},
            [1],
        ),
        Commit(
            3,
            "kvm-x86",
            SEAN_OLD,
            BASE + 3 * DAY,
            "KVM: x86: Fix the zap loop\n\n"
            'Fixes: 0123456789ab ("KVM: x86/mmu: Drop the zap loop")\n'
            "Cc: stable@vger.kernel.org # 6.1+\n"
            "Reported-by: syzbot+1234@syzkaller.appspotmail.com\n"
            "Reviewed-by: Alice Arm <alice@arm.example>\n"
            "Reviewed-by: Alice Arm <alice@arm.example>\n"
            "Signed-off-by: Sean Oldmail <sean@old.example.org>\n",
            {"arch/x86/kvm/x86.c": "x86 3\n"},
        ),
        Commit(
            4,
            "master",
            NED,
            BASE + 4 * DAY,
            "net: core: Not KVM\n\nAcked-by: Alice Arm <alice@arm.example>\n",
            {"net/core/dev.c": "net 2\n"},
            [1],
        ),
        Commit(
            5,
            "master",
            ALICE,
            BASE + 5 * DAY,
            "KVM: arm64: vgic: Add a thing\n\n"
            "Acked-by: Sean Example <sean@old.example.org>\n"
            "Tested-by: Ray Riscv <ray@riscv.example>\n"
            "Suggested-by: Ned Net <ned@net.example>\n"
            "Link: https://lore.example/r/1\n"
            "Signed-off-by: Alice Arm <alice@arm.example>\n",
            {"arch/arm64/kvm/arm.c": "arm 2\n", "virt/kvm/kvm_main.c": "main 2\n"},
        ),
        Commit(
            6,
            "master",
            MAINTAINER,
            BASE + 6 * DAY,
            "Merge branch 'kvm-x86' into HEAD\n\nKVM x86 changes for 1.2.\n",
            # fast-import starts a merge from its first parent's tree: bring the topic's file.
            {"arch/x86/kvm/x86.c": "x86 3\n"},
            [5, 3],
        ),
        Commit(
            7,
            "master",
            RAY,
            BASE + 7 * DAY,
            "KVM: riscv: Add the SBI thing\n\n"
            "Reviewed-by: John Doe\n"
            "Co-Developed-by: Alice Arm <alice@arm.example>\n"
            "Closes: https://bugs.example/42\n"
            "Singed-off-by: Ray Riscv <ray@riscv.example>\n"
            "Signed-off-by: Ray Riscv <ray@riscv.example>\n",
            {"arch/riscv/kvm/main.c": "riscv 2\n"},
        ),
        Commit(
            8,
            "master",
            MAINTAINER,
            BASE + 8 * DAY,
            "mailmap: Map Sean's old address\n",
            {".mailmap": MAILMAP},
        ),
        Commit(
            9,
            "master",
            SEAN_OLD,
            BASE + 9 * DAY,
            "KVM: x86: Tidy\n\nReviewed-by: sean@old.example.org\n",
            {"arch/x86/kvm/x86.c": "x86 4\n", "include/linux/kvm_host.h": "host 2\n"},
        ),
        Commit(
            10,
            "master",
            ALICE,
            BASE + 20 * DAY,
            "KVM: s390: Move things\n\nAcked-by: Ned Net <ned@net.example>\n",
            {"arch/s390/kvm/kvm-s390.c": "s390 2\n", "arch/arm64/kvm/arm.c": "arm 3\n"},
        ),
    ]
    tags = {"v1.0": 1, "v1.1": 5, "v1.2-rc1": 7, "v1.2": 9, "v1.3": 10}
    return commits, tags


def _ident(who: str, date: int) -> str:
    return f"{who} {date} +0000"


def fast_import_stream(maintainers: str = MAINTAINERS) -> bytes:
    """The fast-import input: lightweight tags except v1.3, which is annotated."""
    commits, tags = _history(maintainers)
    out: list[str] = []
    tips: dict[str, int] = {}
    for c in commits:
        msg = c.message.encode()
        out.append(f"commit refs/heads/{c.branch}")
        out.append(f"mark :{c.mark}")
        out.append(f"author {_ident(c.author, c.date)}")
        out.append(f"committer {_ident(c.committer, c.date)}")
        out.append(f"data {len(msg)}")
        out.append(c.message)
        parents = c.parents or ([tips[c.branch]] if c.branch in tips else [])
        if parents:
            out.append(f"from :{parents[0]}")
        out.extend(f"merge :{p}" for p in parents[1:])
        for path, content in c.files.items():
            data = content.encode()
            out.append(f"M 100644 inline {path}")
            out.append(f"data {len(data)}")
            out.append(content)
        out.append("")
        tips[c.branch] = c.mark
    for name, mark in tags.items():
        if name == "v1.3":
            note = "Linux 1.3\n"
            out += [
                f"tag {name}",
                f"from :{mark}",
                f"tagger {_ident(MAINTAINER, BASE + 21 * DAY)}",
                f"data {len(note)}",
                note,
            ]
        else:
            out += [f"reset refs/tags/{name}", f"from :{mark}", ""]
    return "\n".join(out).encode() + b"\n"


def marks() -> dict[int, str]:
    """mark -> subject, for readable assertions."""
    commits, _ = _history()
    return {c.mark: c.message.splitlines()[0] for c in commits}


HOSTILE_NAME = "[x](javascript:alert(1))"
HOSTILE_EMAIL = 'x"onmouseover="alert(1)@evil.example'
HOSTILE_SUBJECT = "KVM: x86: <script>alert(2)</script> **bold** | pipe"
HOSTILE_TAG = "v1.4<svg/onload=alert(3)>"


def hostile_stream() -> bytes:
    """The fixture history plus commits and a tag written to break pages that do not escape."""
    message = (
        f"{HOSTILE_SUBJECT}\n\n"
        'Fixes: deadbeef ("<script>alert(4)</script>")\n'
        f"Reviewed-by: {HOSTILE_NAME} <{HOSTILE_EMAIL}>\n"
    ).encode()
    extra = (
        b"commit refs/heads/master\n"
        b"author %s <%s> 1702000000 +0000\n"
        b"committer Paolo Bonzini <pbonzini@example.com> 1702000000 +0000\n"
        b"data %d\n%s\n"
        b"M 100644 inline arch/x86/kvm/x86.c\ndata 7\nhostile\n\n"
        b"reset refs/tags/%s\nfrom refs/heads/master\n\n"
    ) % (HOSTILE_NAME.encode(), HOSTILE_EMAIL.encode(), len(message), message, HOSTILE_TAG.encode())
    return fast_import_stream() + extra
