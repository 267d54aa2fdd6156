"""A small public-inbox v2 archive of the fixture kernel's list, as a `git fast-import` stream.

One commit per message on `refs/heads/master`, the raw message in the file `m` (the commit's
author and date are the message's From and Date, as public-inbox writes them; its message is
the subject). Dates are fixed (`fixture_history.BASE`), so commit ids are stable. The messages
hold the cases a list reader has to survive, each named in `CASES`:

    day -1   owner    [ANNOUNCE] The fixture list is open                not a patch
    day 0.5  Alice    [PATCH 1/1] KVM: arm64: vgic: Add a thing          v1, unanswered
    day 1    Alice    [PATCH v2 0/2] KVM: arm64: vgic fixes              cover letter
    day 1    Alice    [PATCH v2 1/2] KVM: arm64: vgic: Add a thing       patch (the commit of v1.1)
    day 1    Alice    [PATCH v2 2/2] KVM: arm64: Tidy the vgic           folded subject
    day 1.1  robot    Re: [PATCH v2 0/2] ...                             a bot's reply
    day 1.2  Bob      Re: [PATCH v2 1/2] ...  Reviewed-by, a quoted tag  review
    day 1.3  Carol    Re: ... base64, RFC 2047 name                      Acked-by
    day 1.4  Dave     Re: ... multipart, quoted-printable                Tested-by
    day 1.5  Alice    Re: ... her own reply                              not review
    day 1.6  Erin     Re: ... References only (no In-Reply-To)           review
    day 1.7  Frank    Re: ... neither header                             not a reply
    day 2    Sean     [PATCH] KVM: x86/mmu: Drop the zap loop            old address (mailmap)
    day 2.5  Alice    Re: ... Reviewed-by for Sean                       review
    day 3    Eve      [kvm-unit-tests PATCH] arm: Add a vgic test        companion tag
    day 3.1  Bob      Re: ... Reviewed-by                                review of kut
    day 3.5  Ned      [PATCH] net: core: Not KVM                         outside KVM's paths
    day 4    Hank     [PATCH] KVM: riscv: Ivy's fix, in-body From: Ivy   author is Ivy
    day 4.5  Gina     [PATCH] KVM: s390: No id                           no Message-ID
    day 4.6  Gina     Re: ... broken Date:                               time from the commit
    day 6    Bob      Re: [PATCH v2 1/2] ... (the same message again)    duplicate Message-ID
    day 6.5  (empty)                                                     unparseable
    day 6.6  (no headers)                                                unparseable
    day 7    (d)      a message removed (no `m`)                         skipped
    day 8    Alice    [PATCH v3 0/1] in reply to v2's cover              a new series (v3)
    day 30   Ray      Re: [PATCH v3 0/1]                                 after 14 days: late review
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass
from pathlib import Path

from fixture_history import BASE, DAY

HOUR = 3_600

ALICE = ("Alice Arm", "alice@arm.example")
BOB = ("Bob Review", "bob@review.example")
CAROL = ("Ćarol Łukasiewicz", "carol@example.org")
DAVE = ("Dave Tester", "dave@test.example")
ERIN = ("Erin Refs", "erin@example.org")
FRANK = ("Frank Lost", "frank@example.org")
SEAN_OLD = ("Sean Oldmail", "sean@old.example.org")
EVE = ("Eve Unit", "eve@kut.example")
NED = ("Ned Net", "ned@net.example")
HANK = ("Hank Sender", "hank@example.org")
GINA = ("Gina Noid", "gina@example.org")
RAY = ("Ray Riscv", "ray@riscv.example")
ROBOT = ("kernel test robot", "lkp@intel.com")
PI = ("public-inbox", "pi@example.org")
OWNER = ("List Owner", "owner@fixture.example")


@dataclass(frozen=True)
class Message:
    key: str
    """The case's name (`CASES`)."""
    sender: tuple[str, str]
    day: float
    raw: bytes | None
    """The `m` file; None: a commit that removed a message (`d`)."""
    subject: str = ""


def diff(*paths: str) -> str:
    return "".join(
        f"diff --git a/{p} b/{p}\nindex 1111111..2222222 100644\n--- a/{p}\n+++ b/{p}\n"
        f"@@ -1 +1 @@\n-old\n+new\n"
        for p in paths
    )


def _date(day: float) -> str:
    from email.utils import formatdate

    return formatdate(BASE + day * DAY, usegmt=True)


def mail(
    sender: tuple[str, str],
    day: float,
    subject: str,
    msgid: str | None,
    body: str,
    reply_to: str | None = None,
    references: tuple[str, ...] = (),
    extra: str = "",
    date: str | None = None,
) -> bytes:
    name, address = sender
    lines = [f"From: {name} <{address}>", f"Subject: {subject}", f"Date: {date or _date(day)}"]
    if msgid:
        lines.append(f"Message-ID: <{msgid}>")
    if reply_to:
        lines.append(f"In-Reply-To: <{reply_to}>")
    if references:
        lines.append("References: " + " ".join(f"<{r}>" for r in references))
    lines.append("To: kvm@fixture.example")
    if extra:
        lines.append(extra.rstrip("\n"))
    return ("\n".join(lines) + "\n\n" + body).encode()


COVER = "cover.v2@arm.example"
P1 = "p1.v2@arm.example"
P2 = "p2.v2@arm.example"
V1 = "p1.v1@arm.example"
ZAP = "zap@old.example.org"
KUT = "kut@kut.example"
V3 = "cover.v3@arm.example"
REVIEW = "review-bob@review.example"

CAROL_WORDS = base64.b64encode(
    "Thanks, this looks right to me.\n\nAcked-by: Ćarol Łukasiewicz <carol@example.org>\n".encode()
).decode()
DAVE_QP = quopri.encodestring(
    b"I ran the whole suite on two machines with the patch applied; no regression at all, "
    b"and the new test passes.\n\nTested-by: Dave Tester <dave@test.example>\n"
).decode()


def messages() -> list[Message]:
    thread = (COVER,)
    return [
        Message(
            "announce",
            OWNER,
            -1,
            mail(OWNER, -1, "[ANNOUNCE] The fixture list is open", "open@fixture.example", "Hi.\n"),
        ),
        Message(
            "v1",
            ALICE,
            0.5,
            mail(
                ALICE,
                0.5,
                "[PATCH 1/1] KVM: arm64: vgic: Add a thing",
                V1,
                "A thing.\n\nSigned-off-by: Alice Arm <alice@arm.example>\n---\n"
                + diff("arch/arm64/kvm/arm.c"),
            ),
        ),
        Message(
            "cover",
            ALICE,
            1,
            mail(ALICE, 1, "[PATCH v2 0/2] KVM: arm64: vgic fixes", COVER, "Two fixes.\n"),
        ),
        Message(
            "patch1",
            ALICE,
            1 + 1 / DAY,
            mail(
                ALICE,
                1 + 1 / DAY,
                "[PATCH v2 1/2] KVM: arm64: vgic: Add a thing",
                P1,
                "A thing.\n\nSigned-off-by: Alice Arm <alice@arm.example>\n---\n"
                + diff("arch/arm64/kvm/arm.c", "virt/kvm/kvm_main.c"),
                COVER,
                thread,
            ),
        ),
        Message(
            "patch2-folded",
            ALICE,
            1 + 2 / DAY,
            (
                "From: Alice Arm <alice@arm.example>\n"
                "Subject: [PATCH v2 2/2]\n KVM: arm64:   Tidy\n\tthe vgic\n"
                f"Date: {_date(1 + 2 / DAY)}\n"
                f"Message-ID: <{P2}>\nIn-Reply-To: <{COVER}>\nReferences:\n <{COVER}>\n\n"
                "Tidy.\n---\n" + diff("arch/arm64/kvm/vgic.c")
            ).encode(),
        ),
        Message(
            "bot",
            ROBOT,
            1.1,
            mail(
                ROBOT,
                1.1,
                "Re: [PATCH v2 0/2] KVM: arm64: vgic fixes",
                "robot@intel.com",
                "Hi Alice,\n\nkernel test robot noticed the following build warnings.\n",
                COVER,
                thread,
            ),
        ),
        Message(
            "bob-review",
            BOB,
            1.2,
            mail(
                BOB,
                1.2,
                "Re: [PATCH v2 1/2] KVM: arm64: vgic: Add a thing",
                REVIEW,
                "On Mon, Alice Arm wrote:\n> A thing.\n>\n"
                "> Reviewed-by: Quoted Person <q@example.org>\n"
                "\nLooks good.\n\n  Reviewed-by: Bob Review <bob@review.example>\n",
                P1,
                (COVER, P1),
            ),
        ),
        Message(
            "carol-base64-rfc2047",
            CAROL,
            1.3,
            (
                "From: =?UTF-8?B?xIZhcm9sIMWBdWthc2lld2ljeg==?= <carol@example.org>\n"
                "Subject: =?UTF-8?Q?Re=3A_=5BPATCH_v2_2/2=5D_KVM=3A_arm64=3A_Tidy_the_vgic?=\n"
                f"Date: {_date(1.3)}\nMessage-ID: <carol@example.org>\n"
                f"In-Reply-To: <{P2}>\nReferences: <{COVER}> <{P2}>\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: base64\n\n" + CAROL_WORDS + "\n"
            ).encode(),
        ),
        Message(
            "dave-multipart-qp",
            DAVE,
            1.4,
            (
                "From: Dave Tester <dave@test.example>\n"
                "Subject: Re: [PATCH v2 1/2] KVM: arm64: vgic: Add a thing\n"
                f"Date: {_date(1.4)}\nMessage-ID: <dave@test.example>\n"
                f"In-Reply-To: <{P1}>\nReferences: <{COVER}>\n <{P1}>\n"
                'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="BOUND"\n\n'
                "--BOUND\nContent-Type: text/html; charset=utf-8\n\n"
                "<p>Acked-by: Not Counted &lt;html@example.org&gt;</p>\n"
                "--BOUND\nContent-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: quoted-printable\n\n" + DAVE_QP + "\n--BOUND--\n"
            ).encode(),
        ),
        Message(
            "alice-own-reply",
            ALICE,
            1.5,
            mail(
                ALICE,
                1.5,
                "Re: [PATCH v2 1/2] KVM: arm64: vgic: Add a thing",
                "alice-thanks@arm.example",
                "Thanks Bob!\n",
                REVIEW,
                (COVER, P1, REVIEW),
            ),
        ),
        Message(
            "references-only",
            ERIN,
            1.6,
            mail(
                ERIN,
                1.6,
                "Re: [PATCH v2 2/2] KVM: arm64: Tidy the vgic",
                "erin@example.org",
                "Nit: a typo.\n",
                None,
                (COVER, P2, "not-in-the-archive@example.org"),
            ),
        ),
        Message(
            "no-thread-headers",
            FRANK,
            1.7,
            mail(
                FRANK,
                1.7,
                "Re: [PATCH v2 1/2] KVM: arm64: vgic: Add a thing",
                "frank@example.org",
                "Reviewed-by: Frank Lost <frank@example.org>\n",
            ),
        ),
        Message(
            "sean-old-address",
            SEAN_OLD,
            2,
            mail(
                SEAN_OLD,
                2,
                "[PATCH] KVM: x86/mmu: Drop the zap loop",
                ZAP,
                "Zap.\n---\n" + diff("arch/x86/kvm/x86.c"),
            ),
        ),
        Message(
            "alice-reviews-sean",
            ALICE,
            2.5,
            mail(
                ALICE,
                2.5,
                "Re: [PATCH] KVM: x86/mmu: Drop the zap loop",
                "alice-rb@arm.example",
                "Reviewed-by: Alice Arm <alice@arm.example>\n",
                ZAP,
                (ZAP,),
            ),
        ),
        Message(
            "kut-tag",
            EVE,
            3,
            mail(
                EVE,
                3,
                "[kvm-unit-tests PATCH] arm: Add a vgic test",
                KUT,
                "Test.\n---\n" + diff("arm/vgic.c"),
            ),
        ),
        Message(
            "kut-review",
            BOB,
            3.1,
            mail(
                BOB,
                3.1,
                "Re: [kvm-unit-tests PATCH] arm: Add a vgic test",
                "bob-kut@review.example",
                "Reviewed-by: Bob Review <bob@review.example>\n",
                KUT,
                (KUT,),
            ),
        ),
        Message(
            "outside-paths",
            NED,
            3.5,
            mail(
                NED,
                3.5,
                "[PATCH] net: core: Not KVM",
                "net@net.example",
                "Net.\n---\n" + diff("net/core/dev.c"),
            ),
        ),
        Message(
            "in-body-from",
            HANK,
            4,
            mail(
                HANK,
                4,
                "[PATCH] KVM: riscv: Fix the SBI thing",
                "ivy-fix@example.org",
                "From: Ivy Author <ivy@example.org>\n\nA fix by Ivy.\n---\n"
                + diff("arch/riscv/kvm/main.c"),
            ),
        ),
        Message(
            "no-message-id",
            GINA,
            4.5,
            mail(
                GINA,
                4.5,
                "[PATCH] KVM: s390: No id",
                None,
                "No id.\n---\n" + diff("arch/s390/kvm/kvm-s390.c"),
            ),
        ),
        Message(
            "broken-date",
            GINA,
            4.6,
            mail(
                GINA,
                4.6,
                "Re: [PATCH] KVM: x86/mmu: Drop the zap loop",
                "gina-date@example.org",
                "Acked-by: Gina Noid <gina@example.org>\n",
                ZAP,
                (ZAP,),
                date="sometime next week",
            ),
        ),
        Message(
            "duplicate",
            BOB,
            6,
            mail(
                BOB,
                6,
                "Re: [PATCH v2 1/2] KVM: arm64: vgic: Add a thing",
                REVIEW,
                "The same message, delivered a second time.\n"
                "Reviewed-by: Bob Review <bob@review.example>\n",
                P1,
                (COVER, P1),
            ),
        ),
        Message("empty", PI, 6.5, b""),
        Message("no-headers", PI, 6.6, b"\x00\x01 this is not a mail at all\n\xff\xfe\n"),
        Message("removed", PI, 7, None),
        Message(
            "v3",
            ALICE,
            8,
            mail(
                ALICE,
                8,
                "[PATCH v3 0/1] KVM: arm64: vgic fixes",
                V3,
                "One fix left.\n",
                COVER,
                (COVER,),
            ),
        ),
        Message(
            "late-review",
            RAY,
            30,
            mail(
                RAY,
                30,
                "Re: [PATCH v3 0/1] KVM: arm64: vgic fixes",
                "ray-late@riscv.example",
                "Reviewed-by: Ray Riscv <ray@riscv.example>\n",
                V3,
                (COVER, V3),
            ),
        ),
    ]


CASES = [m.key for m in messages()]


def fast_import_stream(items: list[Message] | None = None, append: bool = False) -> bytes:
    """The archive's fast-import input (`append`: on top of an existing `master`)."""
    out = bytearray()
    for n, msg in enumerate(items if items is not None else messages()):
        name, address = msg.sender
        name = name.replace("<", "").replace(">", "")  # as public-inbox: git forbids them
        when = int(BASE + msg.day * DAY)
        subject = (msg.key + "\n").encode()
        out += b"commit refs/heads/master\n"
        out += f"author {name} <{address}> {when} +0000\n".encode()
        out += f"committer {PI[0]} <{PI[1]}> {when} +0000\n".encode()
        out += b"data %d\n%s\n" % (len(subject), subject)
        if append and n == 0:
            out += b"from refs/heads/master^0\n"
        if msg.raw is None:
            out += b"D m\nM 100644 inline d\ndata 0\n\n"
        else:
            out += b"D d\nM 100644 inline m\ndata %d\n%s\n" % (len(msg.raw), msg.raw)
        out += b"\n"
    return bytes(out)


def more_messages() -> list[Message]:
    """Messages that arrive after the archive was first read (an incremental fetch)."""
    return [
        Message(
            "later-reply",
            DAVE,
            31,
            mail(
                DAVE,
                31,
                "Re: [PATCH] KVM: riscv: Fix the SBI thing",
                "dave-later@test.example",
                "Tested-by: Dave Tester <dave@test.example>\n",
                "ivy-fix@example.org",
                ("ivy-fix@example.org",),
            ),
        )
    ]


def hostile_messages() -> list[Message]:
    """Messages written to break a run or a page: NUL bytes and escape sequences in names
    (raw and RFC 2047), markup in a subject, a name and a tag, a loop of patch messages, and
    bytes that are no mail (day 2.7 to 3.4, around Sean's patch)."""
    return [
        Message(
            "nul-name",
            BOB,
            2.7,
            b"From: =?UTF-8?Q?A=00B?= <nul@x.example>\nSubject: Re: [PATCH] KVM: x86/mmu: Drop"
            b" the zap loop\nDate: Thu, 16 Nov 2023 10:00:00 +0000\nMessage-ID: <nul@x>\n"
            b"In-Reply-To: <zap@old.example.org>\n\nReviewed-by: A\x00B <nul@x.example>\n",
        ),
        Message(
            "raw-nul",
            BOB,
            2.8,
            b"From: A\x00B\x1b[31m <nul2@x.example>\nSubject: [RFC-PATCH] KVM: x86: <script>alert("
            b"1)</script> | **b** [x](javascript:alert(2))\nDate: Thu, 16 Nov 2023 11:00:00 +0000\n"
            b"Message-ID: <nul2@x>\n\nx\n---\n"
            b'diff --git a/arch/x86/kvm/"><svg/onload=alert(3)>'
            b' b/arch/x86/kvm/"><svg/onload=alert(3)>\n',
        ),
        Message(
            "hostile-review",
            BOB,
            2.9,
            b'From: "<img src=x onerror=alert(4)>" <evil@x.example>\nSubject: Re: x\n'
            b"Date: Thu, 16 Nov 2023 12:00:00 +0000\nMessage-ID: <evil@x>\n"
            b"In-Reply-To: <nul2@x>\n\nAcked-by: [x](javascript:alert(5)) <evil@x.example>\n",
        ),
        Message("loop-a", BOB, 3.2, mail(BOB, 3.2, "[PATCH] a", "la@x", "", "lb@x")),
        Message("loop-b", BOB, 3.3, mail(BOB, 3.3, "[PATCH] b", "lb@x", "", "la@x")),
        Message("binary", BOB, 3.4, bytes(range(256)) * 40),
    ]


def busy_messages(days: list[float]) -> list[Message]:
    """A patch and a review every two hours on each of `days` (fractions of a day kept)."""
    found = []
    for n, start in enumerate(days):
        for k in range(12):
            when = start + k / 12
            mid = f"p{n}.{k}@busy.example"
            found.append(
                Message(
                    f"p{n}.{k}",
                    ALICE,
                    when,
                    mail(
                        ALICE,
                        when,
                        f"[PATCH] KVM: x86: change {n}.{k}",
                        mid,
                        "x\n---\n" + diff("arch/x86/kvm/x86.c"),
                    ),
                )
            )
            found.append(
                Message(
                    f"r{n}.{k}",
                    BOB,
                    when + 1 / 48,
                    mail(BOB, when + 1 / 48, "Re: x", f"r{mid}", "ok\n", mid, (mid,)),
                )
            )
    return found


def list_config(folder: Path, kernel: Path, archive: Path) -> Path:
    """`folder/kvmstatus.toml`: the fixture kernel (two windows a year) reading `archive`,
    its data in `folder/data`, published to `folder/public`."""
    path = folder / "kvmstatus.toml"
    path.write_text(
        "[site]\ncycles_per_year = 2\n"
        '[data]\ndir = "data"\n[publish]\npath = "public"\n'
        f'[[project]]\nname = "kvm"\ndisplay_name = "Fixture KVM"\nrepository = "{kernel}"\n'
        f'fetch = false\nlists = ["{archive}"]\n'
    )
    return path
