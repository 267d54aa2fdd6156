"""The review's definitions on the fixture archive, each counted by hand (see fixture_lists)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fixture_history import BASE, DAY
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.metrics import Ranked
from kvmstatus.analyse.review import (
    BotList,
    LinkCommit,
    Scope,
    Thread,
    link_commits,
    patch_subject,
    review_range,
    shipped_bots,
    thread,
)
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.archive import read_epoch
from kvmstatus.model.records import MessageRecord, Person

KVM = (":(glob)arch/*/kvm/**", ":(glob)virt/kvm/**", ":(exclude,glob)arch/s390/**")


def day(n: float) -> datetime:
    return datetime.fromtimestamp(BASE + n * DAY, UTC)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[PATCH v3 2/7] KVM: x86: Fix", (("patch", "v3", "2", "7"), "3", 2, 7, "KVM: x86: Fix")),
        ("[RFC PATCH 0/3] x", (("rfc", "patch", "0", "3"), "1", 0, 3, "x")),
        ("[kvm-unit-tests PATCH] arm: y", (("kvm-unit-tests", "patch"), "1", None, None, "arm: y")),
        ("[PATCHv2 1/1]   a   b ", (("patchv2", "1", "1"), "2", 1, 1, "a b")),
        ("[PATCH V4] z", (("patch", "v4"), "4", None, None, "z")),
        ("[patch v2.1 01/10] z", (("patch", "v2.1", "01", "10"), "2.1", 1, 10, "z")),
        ("[PATCH AUTOSEL 5.4 1/3] KVM", (("patch", "autosel", "5.4", "1", "3"), "1", 1, 3, "KVM")),
        (
            "[PATCH kvmtool v2 3/4] virtio",
            (("patch", "kvmtool", "v2", "3", "4"), "2", 3, 4, "virtio"),
        ),
    ],
)
def test_patch_subjects(
    subject: str, expected: tuple[tuple[str, ...], str, int | None, int | None, str]
) -> None:
    found = patch_subject(subject)
    assert found is not None
    assert (found.words, found.version, found.number, found.total, found.title) == expected


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [PATCH] x",
        "[RFC v2 1/3] not a patch word",
        "[PATCHES] plural",
        "[GIT PULL] KVM",
        "KVM: [PATCH] not at the start",
        "[PATCH unclosed",
        "",
    ],
)
def test_not_patch_subjects(subject: str) -> None:
    assert patch_subject(subject) is None


def test_cover_letter_and_tag_words() -> None:
    cover = patch_subject("[PATCH v2 0/2] x")
    assert cover is not None
    assert cover.cover
    kut = patch_subject("[kvm-unit-tests PATCH] x")
    assert kut is not None
    assert kut.holds("KVM-Unit-Tests")
    assert not kut.holds("kvm")


@pytest.fixture(scope="module")
def records(list_archive: Path) -> list[MessageRecord]:
    return list(read_epoch(GitRepo(list_archive)).records)


@pytest.fixture(scope="module")
def threaded(records: list[MessageRecord]) -> Thread:
    return thread(records, {"sean@old.example.org": "sean@example.com"}, shipped_bots())


def by_subject(t: Thread, subject: str) -> int:
    return next(i for i, m in enumerate(t.messages) if m.subject == subject)


def test_threading(threaded: Thread) -> None:
    t = threaded
    assert t.duplicates == 1
    assert len(t.messages) == 24  # 26 commits, one removed, one duplicate
    cover = by_subject(t, "[PATCH v2 0/2] KVM: arm64: vgic fixes")
    p1 = by_subject(t, "[PATCH v2 1/2] KVM: arm64: vgic: Add a thing")
    v3 = by_subject(t, "[PATCH v3 0/1] KVM: arm64: vgic fixes")
    v1 = by_subject(t, "[PATCH 1/1] KVM: arm64: vgic: Add a thing")
    assert t.series[p1] == cover
    assert t.series[v3] == v3  # in reply to v2's cover, but another version: its own series
    assert t.series[v1] == v1
    erin = next(i for i, m in enumerate(t.messages) if m.sender.email == "erin@example.org")
    assert t.answers[erin] == by_subject(t, "[PATCH v2 2/2] KVM: arm64: Tidy the vgic")
    frank = next(i for i, m in enumerate(t.messages) if m.sender.email == "frank@example.org")
    assert t.answers[frank] == -1  # neither In-Reply-To nor References
    alice_thanks = next(
        i for i, m in enumerate(t.messages) if m.message_id == "alice-thanks@arm.example"
    )
    # In reply to Bob's reply: References from the last entry reach the patch.
    assert t.answers[alice_thanks] == p1
    assert [t.messages[i].sender.email for i, bot in enumerate(t.bots) if bot] == ["lkp@intel.com"]
    sean = by_subject(t, "[PATCH] KVM: x86/mmu: Drop the zap loop")
    assert t.senders[sean] == "sean@example.com"  # the identity map (mailmap)


def test_whole_archive(threaded: Thread) -> None:
    stats = review_range(threaded, None, None)
    assert stats.messages == 24
    assert (stats.patch_messages, stats.cover_letters, stats.patches) == (10, 2, 8)
    # v1, v2, Sean's, kvm-unit-tests', net, Hank's, the one without id, v3
    assert stats.series == 8
    # bot, Bob, Carol, Dave, Alice (own), Erin, Alice for Sean, Bob for kut, Gina, Ray
    assert (stats.replies, stats.bot_replies) == (10, 1)
    assert stats.posters == 6  # Alice, Sean, Eve, Ned, Hank, Gina
    # v2 (Bob, Carol, Dave, Erin), Sean's (Alice, Gina), kut (Bob), v3 (Ray, after 22 days)
    assert stats.reviewed_series == 4
    assert stats.reviewed_share == 0.5
    assert stats.review_hours == [4.8, 12.0, 2.4, 528.0]
    assert stats.median_hours_to_review == 4.8
    # All eight are 14 days older than the newest message (day 30); answered in time: v2,
    # Sean's and kut's; v3's review came after 22 days.
    assert (stats.unanswered, stats.answer_checked) == (5, 8)
    assert stats.tags_given == {"Reviewed-by": 4, "Acked-by": 2, "Tested-by": 1}
    assert stats.top_list_reviewers == [
        Ranked("Bob Review", "bob@review.example", 2),
        Ranked("Alice Arm", "alice@arm.example", 1),
        Ranked("Ćarol Łukasiewicz", "carol@example.org", 1),
        Ranked("Dave Tester", "dave@test.example", 1),
        Ranked("Erin Refs", "erin@example.org", 1),
        Ranked("Gina Noid", "gina@example.org", 1),
        Ranked("Ray Riscv", "ray@riscv.example", 1),
    ]
    assert (stats.unparseable, stats.undated) == (2, 3)


def test_a_range_holds_from_inclusive_to_exclusive(threaded: Thread) -> None:
    first = review_range(threaded, day(1), day(2))
    assert first.messages == 10  # cover .. Frank
    assert first.series == 1  # v2; v1 is from day 0.5
    assert first.replies == 6
    # Replies of the range to a series posted earlier still count for their reviewers.
    later = review_range(threaded, day(2), day(9))
    assert later.series == 6
    assert (
        first.messages
        + later.messages
        + review_range(threaded, None, day(1)).messages
        + (review_range(threaded, day(9), None).messages)
        == 24
    )
    assert review_range(threaded, day(1), day(1) + timedelta(seconds=1)).messages == 1


def test_tag_scope(threaded: Thread) -> None:
    kut = review_range(threaded, None, None, Scope(tag="kvm-unit-tests"))
    assert (kut.patch_messages, kut.series, kut.replies, kut.reviewed_series) == (1, 1, 1, 1)
    assert kut.messages == 24  # the tag does not filter messages
    assert kut.top_list_reviewers == [Ranked("Bob Review", "bob@review.example", 1)]
    assert kut.tags_given["Reviewed-by"] == 1


def test_project_scope_by_paths_and_companion_tags(threaded: Thread) -> None:
    scope = Scope(exclude_tags=("kvm-unit-tests",), pathspecs=KVM)
    stats = review_range(threaded, None, None, scope)
    # Left out: kvm-unit-tests' patch, net's (outside the paths), s390's (an excluded path),
    # and v3, a cover letter whose patches never came: no diff touches the paths. v2's cover
    # letter counts with its series although it carries no diff.
    assert stats.series == 4  # v1, v2, Sean's, Hank's
    assert (stats.patch_messages, stats.cover_letters) == (6, 1)
    assert stats.reviewed_series == 2


def test_architectures(threaded: Thread) -> None:
    arches = {
        a.name: (a.series, a.reviewed_series)
        for a in review_range(
            threaded, None, None, arch_map=load_arch_map("linux-kvm")
        ).architectures
    }
    # v1, v2 and v3 (v3's cover letter has no diff: common), Sean's x86, Hank's riscv
    assert arches["arm64"] == (2, 1)
    assert arches["x86"] == (1, 1)
    assert arches["riscv"] == (1, 0)
    assert arches["s390"] == (1, 0)
    # v2 (virt/kvm/), v3 (no diff), kut and net (no architecture); all but net reviewed
    assert arches["common"] == (4, 3)


def test_bot_list_matches_addresses_and_names() -> None:
    bots = BotList(("lkp@intel.com", "kernel test robot", "syzbot*@*"))
    assert Person("kernel test robot", "oliver.sang@intel.com") in bots
    assert Person("", "syzbot+123@syzkaller.appspotmail.com") in bots
    assert Person("Alice", "alice@example.org") not in bots
    assert Person("Patchwork", "patchwork-bot+kvm@kernel.org") in shipped_bots()


def test_links(threaded: Thread) -> None:
    commits = [
        LinkCommit("a" * 40, "KVM: arm64: vgic: Add a thing", "alice@arm.example", day(5)),
        LinkCommit("b" * 40, "KVM: x86/mmu:  Drop the zap loop", "sean@example.com", day(2)),
        LinkCommit("c" * 40, "KVM: riscv: Fix the SBI thing", "ivy@example.org", day(9)),
        LinkCommit("d" * 40, "KVM: riscv: Fix the SBI thing", "hank@example.org", day(9)),
        LinkCommit("e" * 40, "KVM: s390: Never posted", "alice@arm.example", day(9)),
    ]
    links = link_commits(threaded, commits, Scope(), until=day(9))
    # Alice's: v1 and v2; Sean's through the mailmap; Ivy's through the in-body From:; not
    # Hank (he only sent it), not the s390 one.
    assert (links.commits, links.posted) == (5, 3)
    assert links.versions == {"1": 2, "2": 1}
    assert links.max_versions == 2
    assert links.merged_series == 3
    # 4.5 days from v1 to the commit; 0 for Sean's (posted on the day it was committed)...
    assert links.median_days_to_commit == 4.5
    # A posting after the release is not what was merged (a later backport).
    assert link_commits(threaded, commits[:1], Scope(), until=day(0.6)).versions == {"1": 1}
    assert link_commits(threaded, commits[:1], Scope(), until=day(0.4)).posted == 0


def test_reply_loops_and_self_references_do_not_hang() -> None:
    def message(mid: str, parent: str) -> MessageRecord:
        return MessageRecord(
            commit=mid,
            message_id=mid,
            in_reply_to=parent,
            references=(parent, mid),
            subject="[PATCH 1/2] loop",
            sender=Person("A", "a@example.org"),
            time=day(1),
            tags=(),
        )

    t = thread([message("x", "y"), message("y", "x"), message("z", "z")])
    assert t.series[0] == t.series[1]
    assert t.series[2] == 2
    assert review_range(t, None, None).series == 2
