"""Raw messages -> records: every nasty case of the fixture archive, and single messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import fixture_lists as fl
from fixture_history import BASE, DAY
from helpers import git
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.archive import read_epoch
from kvmstatus.mine.messages import parse_message
from kvmstatus.model.records import MessageRecord, Person

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def parse(raw: bytes) -> MessageRecord:
    return parse_message(raw, "c0ffee", NOW)


@pytest.fixture(scope="module")
def records(list_archive: Path) -> dict[str, MessageRecord]:
    """The archive's records by case name (the commit subjects are the case names)."""
    got = read_epoch(GitRepo(list_archive))
    names = git(list_archive, "log", "--reverse", "--format=%H %s", "master").splitlines()
    by_commit = dict(line.split(" ", 1)[::-1] for line in names)
    assert got.read == len(names)
    return {name: r for r in got.records for name, c in by_commit.items() if c == r.commit}


def test_every_case_is_read_and_the_removed_message_is_skipped(
    records: dict[str, MessageRecord],
) -> None:
    assert set(records) == set(fl.CASES) - {"removed"}


def test_rfc2047_name_and_subject_base64_body(records: dict[str, MessageRecord]) -> None:
    carol = records["carol-base64-rfc2047"]
    assert carol.sender == Person("Ćarol Łukasiewicz", "carol@example.org")
    assert carol.subject == "Re: [PATCH v2 2/2] KVM: arm64: Tidy the vgic"
    assert [(t.key, t.value) for t in carol.tags] == [
        ("Acked-by", "Ćarol Łukasiewicz <carol@example.org>")
    ]


def test_multipart_reads_the_text_part_decoded_from_quoted_printable(
    records: dict[str, MessageRecord],
) -> None:
    dave = records["dave-multipart-qp"]
    # The HTML part's Acked-by is not read; the soft line breaks of QP are joined.
    assert [(t.key, t.value) for t in dave.tags] == [
        ("Tested-by", "Dave Tester <dave@test.example>")
    ]
    assert dave.references == (fl.COVER, fl.P1)  # folded References


def test_folded_subject_is_unfolded_and_collapsed(records: dict[str, MessageRecord]) -> None:
    assert records["patch2-folded"].subject == "[PATCH v2 2/2] KVM: arm64: Tidy the vgic"
    assert records["patch2-folded"].paths == ("arch/arm64/kvm/vgic.c",)


def test_quoted_tags_are_not_given(records: dict[str, MessageRecord]) -> None:
    bob = records["bob-review"]
    assert [t.value for t in bob.tags] == ["Bob Review <bob@review.example>"]
    assert bob.tags[0].person == Person("Bob Review", "bob@review.example")


def test_missing_message_id_and_broken_date(records: dict[str, MessageRecord]) -> None:
    assert records["no-message-id"].message_id is None
    broken = records["broken-date"]
    assert not broken.dated
    # The commit's author date: public-inbox's record of when the message came.
    assert broken.time == datetime.fromtimestamp(int(BASE + 4.6 * DAY), UTC)
    assert records["patch1"].dated
    assert records["patch1"].time == datetime.fromtimestamp(BASE + DAY + 1, UTC)


def test_thread_headers(records: dict[str, MessageRecord]) -> None:
    assert records["patch1"].in_reply_to == fl.COVER
    assert records["references-only"].in_reply_to is None
    assert records["references-only"].references[-1] == "not-in-the-archive@example.org"
    assert records["no-thread-headers"].in_reply_to is None
    assert records["no-thread-headers"].references == ()


def test_in_body_from_is_the_patch_author(records: dict[str, MessageRecord]) -> None:
    record = records["in-body-from"]
    assert record.sender.email == "hank@example.org"
    assert record.author == Person("Ivy Author", "ivy@example.org")
    assert records["patch1"].author is None


def test_unparseable_messages_say_why(records: dict[str, MessageRecord]) -> None:
    assert records["empty"].problem == "the message is empty"
    assert records["no-headers"].problem is not None
    assert "no From:" in records["no-headers"].problem
    assert all(
        r.problem is None for name, r in records.items() if name not in ("empty", "no-headers")
    )


def test_diff_paths(records: dict[str, MessageRecord]) -> None:
    assert records["patch1"].paths == ("arch/arm64/kvm/arm.c", "virt/kvm/kvm_main.c")
    assert records["cover"].paths == ()


@pytest.mark.parametrize(
    ("raw", "sender", "subject"),
    [
        (
            b"From: =?iso-8859-1?q?J=F6rg_R=F6del?= <joro@example.org>\nSubject: x\n\nbody\n",
            Person("Jörg Rödel", "joro@example.org"),
            "x",
        ),
        # Raw 8-bit UTF-8 in headers, as some mailers send.
        (
            "From: Zoë Smith <zoe@example.org>\nSubject: Re: ça va\n\n".encode(),
            Person("Zoë Smith", "zoe@example.org"),
            "Re: ça va",
        ),
        (
            b'From: "Doe, John" <john@example.org>\nSubject: =?utf-8?b?W1BBVENIXSDwn5iA?=\n\n',
            Person("Doe, John", "john@example.org"),
            "[PATCH] \U0001f600",
        ),
        (b"From: bare@example.org\nSubject: s\n\n", Person("", "bare@example.org"), "s"),
        # A broken encoded word stays as written.
        (
            b"From: x <x@y.org>\nSubject: =?utf-8?q?broken\n\n",
            Person("x", "x@y.org"),
            "=?utf-8?q?broken",
        ),
    ],
)
def test_headers(raw: bytes, sender: Person, subject: str) -> None:
    record = parse(raw)
    assert (record.sender, record.subject, record.problem) == (sender, subject, None)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 14 Nov 2023 22:13:20 +0100", datetime(2023, 11, 14, 21, 13, 20, tzinfo=UTC)),
        ("Tue, 14 Nov 2023 22:13:20 -0000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("14 Nov 2023 22:13:20 GMT", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("Tue, 14 Nov 2023 22:13:20 +9900", NOW),  # an impossible zone
        ("yesterday", NOW),
    ],
)
def test_dates(date: str, expected: datetime) -> None:
    record = parse(f"From: a <a@b.org>\nDate: {date}\nSubject: s\n\n".encode())
    assert record.time == expected
    assert record.dated == (expected != NOW)


def test_charsets_and_transfer_encodings() -> None:
    latin = (
        b"From: a <a@b.org>\nSubject: s\nContent-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: quoted-printable\n\nAcked-by: J=F6rg <j@example.org>\n"
    )
    assert parse(latin).tags[0].value == "Jörg <j@example.org>"
    unknown = (
        b"From: a <a@b.org>\nSubject: s\nContent-Type: text/plain; charset=x-nonsense\n\n"
        + "Acked-by: Zoë <z@example.org>\n".encode()
    )
    assert parse(unknown).tags[0].value == "Zoë <z@example.org>"
    eight_bit = (
        b"From: a <a@b.org>\nSubject: s\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n\n" + "Acked-by: Zoë <z@example.org>\n".encode()
    )
    assert parse(eight_bit).tags[0].value == "Zoë <z@example.org>"
    bad64 = (
        b"From: a <a@b.org>\nSubject: s\nContent-Transfer-Encoding: base64\n\n"
        b"QWNrZWQtYnk6IEEgPGFAYi5vcmc+Cg\n"  # padding missing
    )
    assert parse(bad64).tags[0].value == "A <a@b.org>"
    html = (
        b"From: a <a@b.org>\nSubject: s\nContent-Type: text/html\n\n<p>Acked-by: A <a@b.org></p>\n"
    )
    assert parse(html).tags == ()


def test_outlook_quote_without_markers_is_not_read() -> None:
    raw = (
        b"From: a <a@b.org>\nSubject: RE: [PATCH] x\n\nAcked-by: A <a@b.org>\n\n"
        b"-----Original Message-----\nFrom: c <c@d.org>\n\nReviewed-by: Earlier <e@f.org>\n"
    )
    assert [t.value for t in parse(raw).tags] == ["A <a@b.org>"]


def test_tags_once_per_value_and_malformed_kept() -> None:
    raw = (
        b"From: a <a@b.org>\nSubject: s\n\nReviewed-by: A <a@b.org>\nreviewed-by:   A   <a@b.org>\n"
        b"Tested-by: just a name\n"
    )
    tags = parse(raw).tags
    assert [(t.key, t.value, t.malformed) for t in tags] == [
        ("Reviewed-by", "A <a@b.org>", False),
        ("Tested-by", "just a name", True),
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n\n\n",
        b"\xff" * 100,
        b"From: " + b"<" * 5000 + b"\n\n",
        b"Content-Type: multipart/mixed; boundary=\n\n--\n",
        b"Subject: s\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n",
    ],
)
def test_nothing_raises(raw: bytes) -> None:
    record = parse(raw)
    assert record.commit == "c0ffee"


def _safe(text: str) -> bool:
    """One line git, JSON, a CSV and a page take as it is."""
    return text.isprintable() and text == text.strip() and "\ufffd" not in text.strip("\ufffd")


@pytest.mark.parametrize(
    ("raw", "name", "email"),
    [
        (b"From: A\x00B <nul@x.example>\nSubject: s\n\n", "AB", "nul@x.example"),
        (b"From: =?UTF-8?Q?A=00B?= <nul@x.example>\nSubject: s\n\n", "AB", "nul@x.example"),
        (
            b"From: =?UTF-8?Q?A=0AB=1B=5B31m?= <e@x.example>\nSubject: s\n\n",
            "A B[31m",
            "e@x.example",
        ),
        (b"From: \xff\xfe <s@x.example>\nSubject: s\n\n", "\ufffd\ufffd", "s@x.example"),
        (b"From: A <a\x00b@x.example>\nSubject: s\n\n", "A", "ab@x.example"),
        (b"From: " + b"N" * 5000 + b" <n@x.example>\nSubject: s\n\n", "N" * 200, "n@x.example"),
        (b"From: A <" + b"a" * 400 + b"@x.example>\nSubject: s\n\n", "A", ""),
    ],
    ids=["nul", "nul-rfc2047", "controls", "8-bit", "nul-address", "long", "no-address"],
)
def test_a_sender_is_made_safe_where_it_enters(raw: bytes, name: str, email: str) -> None:
    """The issue: a NUL in a From: name stopped every run at `git check-mailmap`."""
    sender = parse(raw).sender
    assert (sender.name, sender.email) == (name, email)
    assert sender.name.isprintable()
    assert sender.email.isprintable()


def test_every_field_is_one_safe_line_of_a_bounded_length() -> None:
    ids = " ".join(f"<r{n}@x>" for n in range(3000))
    raw = (
        b"From: a <a@b.org>\nSubject: =?UTF-8?Q?[PATCH]_x=00y=0D=0A?=" + b" z" * 5000 + b"\n"
        b"Message-ID: <id\x00@x>\nIn-Reply-To: <" + b"i" * 2000 + b"@x>\n"
        b"Cc: <\xff@x>\nX-Loop: <a@x>\n"
        b"References: " + ids.encode() + b"\n\n"
        b"Reviewed-by: R\x1b <r@x>\n"
        * 3
        + b"Acked-by: \xed\xa0\x80 <s@x>\n"
        + b"".join(b"diff --git a/p%d b/p%d\n" % (n, n) for n in range(12_000))
        + b"diff --git a/"
        + b"q" * 5000
        + b" b/"
        + b"q" * 5000
        + b"\n"
    )
    record = parse(raw)
    assert record.subject.startswith("[PATCH] xy z z")
    assert len(record.subject) == 1000
    assert record.message_id == "id@x"
    assert record.in_reply_to is None  # an id longer than a mail's line is none
    assert record.references == tuple(f"r{n}@x" for n in range(2000, 3000))  # the nearest
    assert [t.value for t in record.tags] == ["R <r@x>", "\ufffd\ufffd\ufffd <s@x>"]
    assert len(record.paths) == 10_000
    assert all(len(p) <= 4096 for p in record.paths)
    fields = [record.subject, record.sender.name, *record.references, *record.paths]
    assert all(_safe(f) for f in fields)


def test_a_huge_message_is_unparseable_not_a_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    from kvmstatus.mine import messages

    monkeypatch.setattr(messages, "MAX_BYTES", 100)
    record = parse(b"From: a <a@b.org>\nSubject: s\n\n" + b"x" * 200)
    assert record.problem == "the message has 230 bytes"


def test_headers_without_a_value_are_no_mail() -> None:
    """As an independent reading has it: a header that is there but empty is not there."""
    assert parse(b"Subject:\nFrom: \nTo: x@y\n\nhello\n").problem is not None
    assert parse(b"Subject: s\nFrom: \n\nhello\n").problem is None


def test_a_lone_surrogate_never_leaves_the_parser() -> None:
    """Raw bytes that are no UTF-8 come out of the email package as lone surrogates, which
    no file, JSON or page can hold."""
    record = parse(
        b"From: a <a@b.org>\nSubject: s\nMessage-ID: <a\xffb@x>\nReferences: <\xfe@y>\n\n"
    )
    assert record.message_id == "a\ufffdb@x"
    assert record.references == ("\ufffd@y",)
    record.message_id.encode("utf-8")  # no lone surrogate: it encodes
