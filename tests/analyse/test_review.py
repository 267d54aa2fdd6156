"""The review's definitions on the fixture archive, each counted by hand (see fixture_lists)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixture_lists as fl
from fixture_history import BASE, DAY
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.metrics import Ranked
from kvmstatus.analyse.review import (
    BotList,
    ReviewStats,
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
from kvmstatus.model.records import LinkCommit, MessageRecord, Person

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
        # PATCH between non-letters (the three): a hyphen is no letter.
        ("[RFC-PATCH] KVM: x", (("rfc-patch",), "1", None, None, "KVM: x")),
        ("[PATCH-for-6.1] x", (("patch-for-6.1",), "1", None, None, "x")),
        ("[PATCHv2] x", (("patchv2",), "2", None, None, "x")),
        ("[RFC-PATCHv3 0/2] x", (("rfc-patchv3", "0", "2"), "3", 0, 2, "x")),
        ("[PATCH-v4 1/2] x", (("patch-v4", "1", "2"), "4", 1, 2, "x")),
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
        "[PATCHSET] a set",
        "[DISPATCH] a letter before",
        "[RFC-PATCHES] a letter after",
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


def test_a_loop_starts_at_its_oldest_message_whatever_the_order() -> None:
    def message(mid: str, parent: str, when: float) -> MessageRecord:
        return MessageRecord(mid, mid, parent, (), "[PATCH] loop", Person("", "a@x"), day(when))

    loop = [message("x", "y", 2), message("y", "z", 1), message("z", "x", 3)]
    for order in (loop, loop[::-1], loop[1:] + loop[:1]):
        t = thread(order)
        assert {t.messages[t.series[i]].message_id for i in range(3)} == {"y"}
        # The series is posted when its oldest message was: day 1.
        assert review_range(t, day(1), day(1.5)).series == 1


def test_an_archive_given_twice_counts_each_message_once(records: list[MessageRecord]) -> None:
    """The issue: the same archive twice counted a message without Message-ID twice."""
    once = review_range(thread(records), None, None)
    t = thread([*records, *records])
    assert t.duplicates == len(records) + 1  # every record again, and the fixture's own one
    twice = review_range(t, None, None)
    assert twice == once
    no_id = [r for r in records if r.message_id is None and not r.problem]
    assert no_id  # the fixture's [PATCH] KVM: s390: No id
    assert sum(1 for m in t.messages if m.message_id is None) == len(no_id) + 2  # unparseable


def _at(*days: float) -> Thread:
    return thread(
        MessageRecord(f"c{n}", f"m{n}@x", None, (), "hi", Person("", "a@x"), day(d))
        for n, d in enumerate(days)
    )


def test_coverage_by_stretches_of_the_archive() -> None:
    # Every 6 hours from day 10 to day 40, then silence until day 70, then to day 90: the
    # 30 days without a message, 120 times the usual pace, are a gap.
    busy = [10 + k / 4 for k in range(121)] + [70 + k / 4 for k in range(81)]
    t = _at(*busy)
    assert [(a, b) for a, b in t.spans] == [(day(10), day(40)), (day(70), day(90))]
    assert t.coverage(None, day(5)) == "none"  # the first window, before the archive
    assert t.coverage(None, day(20)) == "full"  # the first window: as far back as it goes
    assert t.coverage(day(5), day(20)) == "partial"  # it starts inside
    assert t.coverage(day(12), day(20)) == "full"
    assert t.coverage(day(30), day(50)) == "partial"  # the gap starts inside
    assert t.coverage(day(45), day(65)) == "none"  # inside the gap
    assert t.coverage(day(72), day(89)) == "full"
    assert t.coverage(day(80), day(100)) == "partial"  # it ends inside
    assert t.coverage(day(95), day(99)) == "none"
    assert t.coverage(day(72), None) == "full"
    # 20 days without a message at that pace (80 times it) are a quiet time, not a gap.
    assert len(_at(*busy[:121], *[60 + k / 4 for k in range(81)]).spans) == 1
    # A quiet list is not a gappy one: one message a week, silent for five weeks.
    quiet = _at(*range(0, 70, 7), 105, 112)
    assert len(quiet.spans) == 1
    assert _at().coverage(None, day(1)) == "none"


def test_a_window_outside_the_archive_counts_nothing_and_says_so(threaded: Thread) -> None:
    stats = review_range(threaded, day(40), day(50))
    assert (stats.messages, stats.series, stats.coverage) == (0, 0, "none")
    assert review_range(threaded, day(1), day(2)).coverage == "full"
    assert review_range(threaded, day(25), day(40)).coverage == "partial"


def test_links_by_trailer_first(threaded: Thread) -> None:
    commits = [
        # Its Link: names v2's patch: the very message, whose versions are v1 and v2.
        LinkCommit(
            "a" * 40, "KVM: arm64: vgic: Add a thing", "alice@arm.example", day(5), (fl.P1,)
        ),
        # Its Message-Id names the cover letter: the patch of that series with its subject.
        LinkCommit("b" * 40, "KVM: arm64: Tidy the vgic", "alice@arm.example", day(5), (fl.COVER,)),
        # Named messages that are no patch (a reply, an unknown id): by subject instead.
        LinkCommit(
            "c" * 40,
            "KVM: x86/mmu: Drop the zap loop",
            "sean@example.com",
            day(5),
            (fl.REVIEW, "nowhere@example.org"),
        ),
        # Linked by its trailer to Sean's patch, by subject to Alice's v1 and v2: they disagree.
        LinkCommit(
            "d" * 40, "KVM: arm64: vgic: Add a thing", "alice@arm.example", day(5), (fl.ZAP,)
        ),
        # A kvm-unit-tests patch is outside the project's scope, whatever names it.
        LinkCommit("e" * 40, "arm: Add a vgic test", "eve@kut.example", day(5), (fl.KUT,)),
    ]
    scope = Scope(exclude_tags=("kvm-unit-tests",), pathspecs=KVM)
    links = link_commits(threaded, commits, scope, until=day(9))
    assert links.linked == {
        "a" * 40: ["trailer", fl.P1],
        "b" * 40: ["trailer", fl.P2],
        "c" * 40: ["subject", fl.ZAP],
        "d" * 40: ["trailer", fl.ZAP],
    }
    assert (links.commits, links.posted, links.named) == (5, 4, 5)
    assert links.methods == {"trailer": 3, "subject": 1}
    assert links.by_method == {"trailer": 3, "subject": 4}  # a, b, c, d by subject
    assert links.disagreements == 1
    assert links.versions == {"2": 1, "1": 3}
    # A trailer naming a patch posted after the release does not link it.
    late = link_commits(threaded, commits[:1], scope, until=day(1))
    assert late.linked == {"a" * 40: ["subject", fl.V1]}


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(24)))
def test_counts_do_not_depend_on_the_order_of_the_archive(
    records: list[MessageRecord], order: list[int]
) -> None:
    unique = list({r.message_id or r.commit: r for r in records}.values())
    assert len(unique) == len(order)
    scope = Scope(exclude_tags=("kvm-unit-tests",), pathspecs=KVM)
    for since, until in ((None, None), (day(1), day(2)), (day(2), day(40))):
        a = review_range(thread(unique, bots=shipped_bots()), since, until, scope)
        b = review_range(
            thread([unique[i] for i in order], bots=shipped_bots()), since, until, scope
        )
        assert counts(a) == counts(b)


def counts(stats: ReviewStats) -> dict[str, object]:
    """Every number of `stats`; not the lists in the archive's order."""
    doc = dataclasses.asdict(stats)
    for ordered in ("unparseable_commits", "review_hours"):
        doc.pop(ordered)
    return doc
