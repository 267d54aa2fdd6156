"""`kvmstatus review`: the fixture archive counted by hand, and the real kvmarm list (21,367
messages) against an independent count over plain git and the email package.

The independent count (`Oracle`) reads every message with one `git cat-file --batch` and the
email package's other API (`compat32`, `decode_header`, `parsedate_tz`, `walk()`), and
applies the issue's definitions as plainly as they are written: dictionaries, no shared code
with kvmstatus beyond the standard library.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, mktime_tz, parsedate_tz
from pathlib import Path
from typing import Any

import pytest

import fixture_lists as fl
from helpers import build_repo, git, run, shared_data


def review(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "review", *argv, "--json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


@pytest.fixture(autouse=True)
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # One index for the module: the real archive is parsed once, then read back.
    monkeypatch.setenv("KVMSTATUS_CACHE", str(tmp_path_factory.getbasetemp() / "review-cache"))


def test_fixture_archive(capsys: pytest.CaptureFixture[str], list_archive: Path) -> None:
    doc = review(
        capsys, "--archive", str(list_archive), "--since", "2023-01-01", "--until", "2025-01-01"
    )
    expected = {
        "messages": 24,
        "patch_messages": 10,
        "cover_letters": 2,
        "patches": 8,
        "series": 8,
        "replies": 10,
        "posters": 6,
        "reviewed_series": 4,
        "unparseable": 2,
    }
    assert {k: doc[k] for k in expected} == expected
    assert doc["archives"] == [str(list_archive)]
    assert [r["email"] for r in doc["top_list_reviewers"]][:2] == [
        "bob@review.example",
        "alice@arm.example",
    ]
    assert set(doc["top_list_reviewers"][0]) == {"name", "email", "count"}
    kut = review(
        capsys,
        "--archive",
        str(list_archive),
        "--since",
        "2023-11-17",
        "--until",
        "2023-11-19T00:00",  # day 3 and 3.1 (BASE is 22:13 UTC)
        "--tag",
        "kvm-unit-tests",
    )
    assert (kut["patch_messages"], kut["series"], kut["replies"], kut["reviewed_series"]) == (
        1,
        1,
        1,
        1,
    )


def test_the_table_and_warnings(capsys: pytest.CaptureFixture[str], list_archive: Path) -> None:
    code, out, err = run(
        capsys,
        "review",
        "--archive",
        str(list_archive),
        "--since",
        "2023-01-01",
        "--until",
        "2025-01-01",
    )
    assert code == 0
    assert "reviewed series         4   50.0% of the series" in out
    assert "1. Bob Review <bob@review.example>" in out
    # The unparseable messages are named, once, on stderr.
    assert "2 message(s) of the range could not be parsed" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "2024-02-30", "--until", "2025-01-01"], "--since '2024-02-30' is not a date"),
        (["--since", "2024-01-01", "--until", "soon"], "--until 'soon' is not a date"),
        (["--since", "2025-01-01", "--until", "2024-01-01"], "is not after --since"),
        (["--since", "2024-01-01", "--until", "2025-01-01", "--tag", ""], "--tag '' is not a"),
        (["--since", "2024-01-01", "--until", "2025-01-01", "--tag", "a b"], "--tag 'a b' is not"),
    ],
)
def test_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], list_archive: Path, argv: list[str], message: str
) -> None:
    """The issue: a bad date printed argparse's usage first; `--tag ''` counted nothing."""
    code, out, err = run(capsys, "review", "--archive", str(list_archive), *argv)
    assert code == 1
    assert err.startswith("kvmstatus: error: ")
    assert message in err
    assert err.count("\n") == 1  # no usage lines, no traceback
    assert out == ""


def test_the_same_archive_twice_counts_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, list_archive: Path
) -> None:
    """The issue: the message without a Message-ID counted twice. Given as two paths (a copy
    is another archive to kvmstatus) every message counts once: by id, else by commit."""
    import shutil

    copy = tmp_path / "copy.git"
    shutil.copytree(list_archive, copy)
    dates = ["--since", "2023-01-01", "--until", "2025-01-01"]
    once = review(capsys, "--archive", str(list_archive), *dates)
    for twice in ([list_archive, list_archive], [list_archive, copy]):
        doc = review(capsys, *(a for path in twice for a in ("--archive", str(path))), *dates)
        assert {k: v for k, v in doc.items() if k != "archives"} == {
            k: v for k, v in once.items() if k != "archives"
        }
        assert doc["messages"] == 24


def test_links_with_a_repository(
    capsys: pytest.CaptureFixture[str], list_archive: Path, kernel_repo: Path
) -> None:
    argv = ["--archive", str(list_archive), "--since", "2023-11-14", "--until", "2023-12-31"]
    argv += ["--repo", str(kernel_repo), "--paths", "arch/arm64/kvm"]
    links = review(capsys, *argv)["links"]
    # The dates as kvmstatus reads them (midnight UTC): git fills a date without a time with
    # the time of day it is run at, so a bare date here would count differently by the hour.
    plain = git(
        kernel_repo,
        "log",
        "--no-merges",
        "--since=2023-11-14T00:00:00+00:00",
        "--until=2023-12-31T00:00:00+00:00",
        "--format=%H %s",
        "HEAD",
        "--",
        "arch/arm64/kvm",
    ).splitlines()
    assert links["commits"] == len(plain)
    thing = next(line.split()[0] for line in plain if line.endswith("vgic: Add a thing"))
    # Its Link: names no lore message: linked by subject and author, to v2 (v1 before it).
    assert links["linked"] == {thing: ["subject", fl.P1]}
    assert links["methods"] == {"trailer": 0, "subject": 1}
    assert links["versions"] == {"2": 1}
    code, out, _ = run(capsys, "review", *argv)
    assert code == 0
    assert "  by trailer            0" in out


def test_a_hostile_message_is_counted_and_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A NUL byte in a From: name (raw and RFC 2047) stopped every run at the mailmap."""
    archive = build_repo(tmp_path / "0.git", fl.fast_import_stream(fl.messages() + HOSTILE))
    doc = review(
        capsys, "--archive", str(archive), "--since", "2023-01-01", "--until", "2025-01-01"
    )
    assert doc["messages"] == 24 + len(HOSTILE)  # every one counts as a message
    assert doc["unparseable"] == 3
    assert doc["replies"] == 10 + 2  # the NUL senders' replies to Sean's patch
    names = {r["email"]: r["name"] for r in doc["top_list_reviewers"]}
    assert names["nul@x.example"] == names["nul2@x.example"] == "AB"  # the NUL dropped
    code, _, err = run(
        capsys,
        "review",
        "--archive",
        str(archive),
        "--since",
        "2023-01-01",
        "--until",
        "2025-01-01",
    )
    assert code == 0
    assert "3 message(s) of the range could not be parsed" in err


HOSTILE = [
    fl.Message(
        "nul-rfc2047",
        fl.BOB,
        2.7,
        b"From: =?UTF-8?Q?A=00B?= <nul@x.example>\nSubject: Re: [PATCH] KVM: x86/mmu: Drop the zap"
        b" loop\nDate: Tue, 16 Nov 2023 10:00:00 +0000\nMessage-ID: <nul@x>\n"
        b"In-Reply-To: <zap@old.example.org>\n\nReviewed-by: A\x00B <nul@x.example>\n",
    ),
    fl.Message(
        "nul-raw",
        fl.BOB,
        2.8,
        b"From: A\x00B <nul2@x.example>\nSubject: Re: [PATCH] KVM: x86/mmu: Drop the zap loop\n"
        b"Date: Tue, 16 Nov 2023 11:00:00 +0000\nMessage-ID: <nul2@x>\n"
        b"In-Reply-To: <zap@old.example.org>\n\nok\n",
    ),
    fl.Message("empty-headers", fl.BOB, 2.9, b"Subject:\nFrom: \n\nnothing\n"),
]


def test_a_missing_archive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys,
        "review",
        "--archive",
        str(tmp_path / "nope"),
        "--since",
        "2020-01-01",
        "--until",
        "2021-01-01",
    )
    assert code == 1
    assert err.count("\n") == 1
    assert "does not exist" in err


def test_a_repository_that_is_no_archive(
    capsys: pytest.CaptureFixture[str], kernel_repo: Path
) -> None:
    """The issue: it announced "reading 1,997 new messages" before saying it held none."""
    code, _, err = run(
        capsys,
        "review",
        "--archive",
        str(kernel_repo),
        "--since",
        "2020-01-01",
        "--until",
        "2030-01-01",
    )
    assert code == 1
    assert err.startswith("kvmstatus: error: ")
    assert "is no list archive: its last commit holds no message" in err
    assert "reading" not in err
    assert err.count("\n") == 1


def test_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", "--help")
    assert code == 0
    for option in ("--archive", "--since", "--until", "--tag", "--repo", "--paths", "--json"):
        assert option in out


# --- the real archive, counted independently ------------------------------------------------

TAG = re.compile(r"^[ \t]*(reviewed-by|acked-by|tested-by):[ \t]*(.*?)[ \t]*$", re.I | re.M)
KEYS = {"reviewed-by": "Reviewed-by", "acked-by": "Acked-by", "tested-by": "Tested-by"}
BOTS = re.compile(
    r"^(lkp@intel\.com|syzbot.*|patchwork-bot.*@kernel\.org|pr-tracker-bot@kernel\.org|"
    r"no-reply@patchew\.org)$"
)


@dataclass
class Mail:
    commit: str
    mid: str | None
    irt: str | None
    refs: list[str]
    subject: str
    name: str
    address: str
    time: float
    tags: list[str] = field(default_factory=list)
    bad: bool = False
    author: str = ""
    """The address of a patch's in-body `From:` line (a patch sent on for someone else)."""


def text(value: Any) -> str:
    if value is None:
        return ""
    parts = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, bytes):
            try:
                chunk = chunk.decode(charset if charset and charset != "unknown-8bit" else "utf-8")
            except (LookupError, UnicodeDecodeError):
                chunk = chunk.decode("utf-8", "replace")
        parts.append(chunk)
    return " ".join("".join(parts).split())


def ids(value: Any) -> list[str]:
    found = re.findall(r"<([^<>\s]+)>", str(value or ""))
    if not found and "<" not in str(value or ""):
        found = [w for w in re.split(r"[\s,;\"()]+", str(value or "")) if "@" in w]
    return found


def body(msg: Message) -> str:
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/plain" and "attachment" not in str(
            part.get("Content-Disposition", "")
        ):
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                return ""
            try:
                return data.decode(part.get_content_charset() or "utf-8")
            except (LookupError, UnicodeDecodeError):
                return data.decode("utf-8", "replace")
        if not msg.is_multipart():
            return ""
    return ""


def read_archive(repo: Path) -> list[Mail]:
    log = [
        line.split()
        for line in git(repo, "log", "--reverse", "--format=%H %at", "master").splitlines()
    ]
    query = "".join(f"{c}:m\n" for c, _ in log).encode()
    out = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"],
        input=query,
        capture_output=True,
        check=True,
    ).stdout
    mails, pos = [], 0
    for commit, stamp in log:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if header[-1] == b"missing":
            pos = end + 1
            continue
        size = int(header[2])
        raw = out[end + 1 : end + 1 + size]
        pos = end + 2 + size
        msg = message_from_bytes(raw)
        if not raw.strip() or not any(
            msg.get(h) for h in ("From", "Subject", "Date", "Message-ID")
        ):
            mails.append(Mail(commit, None, None, [], "", "", "", float(stamp), bad=True))
            continue
        name, address = getaddresses([str(msg.get("From", ""))])[0]
        parsed = parsedate_tz(str(msg.get("Date", ""))) if msg.get("Date") else None
        try:
            when = float(mktime_tz(parsed)) if parsed else float(stamp)
        except (OverflowError, ValueError):
            when = float(stamp)
        text_part = body(msg)
        own = re.split(
            r"^-{3,}\s*Original Message\s*-{3,}\s*$", text_part, maxsplit=1, flags=re.M | re.I
        )[0]
        in_body = re.match(r"\s*From:[^\S\n]*(.+)\n", text_part)
        tags = list(
            dict.fromkeys(f"{KEYS[k.lower()]}\0{' '.join(v.split())}" for k, v in TAG.findall(own))
        )
        irt = ids(msg.get("In-Reply-To"))
        mails.append(
            Mail(
                commit,
                (ids(msg.get("Message-ID")) or [None])[0],
                irt[0] if irt else None,
                ids(msg.get("References")),
                text(msg.get("Subject")),
                text(name),
                address.lower(),
                when,
                tags,
                author=getaddresses([in_body[1]])[0][1].lower() if in_body else "",
            )
        )
    return mails


def bracket(subject: str) -> list[str] | None:
    """The words of a patch message's bracket, lowercased; None if it is not one: PATCH
    (or PATCHvN) stands in the bracket between non-letters."""
    m = re.match(r"\[([^\]]*)\]", subject)
    if not m or not re.search(r"(?<![a-z])patch(v\d+(\.\d+)*)?(?![a-z])", m.group(1), re.I):
        return None
    return [w.lower() for w in re.split(r"[\s,;:/]+", m.group(1)) if w]


def version(words: list[str]) -> str:
    for w in (part for word in words for part in word.split("-")):
        m = re.fullmatch(r"(?:patch|rfc)?v(\d+(?:\.\d+)*)", w)
        if m:
            return ".".join(str(int(x)) for x in m.group(1).split("."))
    return "1"


class Oracle:
    def __init__(self, mails: list[Mail]) -> None:
        seen: set[str] = set()
        self.mails = []
        for m in mails:
            if m.mid is not None:
                if m.mid in seen:
                    continue
                seen.add(m.mid)
            self.mails.append(m)
        self.by_id = {m.mid: m for m in self.mails if m.mid}
        self.words = {id(m): bracket(m.subject) for m in self.mails if not m.bad}
        self.end = max(m.time for m in self.mails)

    def patch(self, m: Mail | None) -> bool:
        return m is not None and self.words.get(id(m)) is not None

    def series_of(self, m: Mail) -> int:
        seen = set()
        while True:
            seen.add(id(m))
            parent_id = m.irt if m.irt else (m.refs[-1] if m.refs else None)
            parent = self.by_id.get(parent_id) if parent_id else None
            if (
                parent is None
                or parent is m
                or not self.patch(parent)
                or parent.address != m.address
                or version(self.words[id(parent)] or []) != version(self.words[id(m)] or [])
                or id(parent) in seen
            ):
                return id(m)
            m = parent

    def answered(self, m: Mail) -> Mail | None:
        for mid in ([m.irt] if m.irt else []) + m.refs[::-1]:
            target = self.by_id.get(mid)
            if target is not None and target is not m and self.patch(target):
                return target
        return None

    def count(self, since: datetime, until: datetime, tag: str | None) -> dict[str, Any]:
        lo, hi = since.timestamp(), until.timestamp()
        inside = [m for m in self.mails if lo <= m.time < hi]

        def kept(m: Mail) -> bool:
            return self.patch(m) and (tag is None or tag in (self.words[id(m)] or []))

        patches = [m for m in inside if kept(m)]
        series_time: dict[int, float] = {}
        series_sender: dict[int, str] = {}
        series_kept: set[int] = set()
        for m in self.mails:
            if self.patch(m):
                root = self.series_of(m)
                if root == id(m):
                    series_time[root], series_sender[root] = m.time, m.address
                if kept(m):
                    series_kept.add(root)
        replies = []
        for m in self.mails:
            if not m.bad and not self.patch(m):
                target = self.answered(m)
                if target is not None and kept(target):
                    replies.append((m, self.series_of(target)))
        counted = {s for s in series_kept if lo <= series_time[s] < hi}
        reviewed = {
            s
            for m, s in replies
            if s in counted
            and m.address
            and m.address != series_sender[s]
            and not BOTS.match(m.address)
        }
        reviewer_series: dict[str, set[int]] = {}
        tags: Counter[str] = Counter()
        for m, s in replies:
            if lo <= m.time < hi:
                tags.update(t.split("\0")[0] for t in m.tags)
                if m.address and m.address != series_sender[s] and not BOTS.match(m.address):
                    reviewer_series.setdefault(m.address, set()).add(s)
        ranked = sorted(
            ((len(v), k) for k, v in reviewer_series.items()), key=lambda x: (-x[0], x[1])
        )
        return {
            "messages": len(inside),
            "patch_messages": len(patches),
            "cover_letters": sum(
                1
                for m in patches
                if re.search(r"(?<![\w.])0+/\d+(?![\w.])", m.subject.split("]")[0])
            ),
            "series": len(counted),
            "replies": sum(1 for m, _ in replies if lo <= m.time < hi),
            "posters": len({m.address for m in patches if m.address}),
            "reviewed_series": len(reviewed),
            "reviewers": [[email, n] for n, email in ranked],
            "tags_given": {k: tags[k] for k in ("Reviewed-by", "Acked-by", "Tested-by")},
            "unparseable": sum(1 for m in inside if m.bad),
        }


@pytest.fixture(scope="module")
def oracle(kvmarm_list: Path) -> Oracle:
    return Oracle(read_archive(kvmarm_list))


RANGES = [
    ("2019-01-01", "2024-01-01", None),
    ("2021-01-01", "2022-01-01", None),
    ("2020-03-15", "2020-04-15", None),
    ("2019-01-01", "2024-01-01", "kvm-unit-tests"),
    ("2022-01-01", "2023-01-01", "kvmtool"),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("since", "until", "tag"), RANGES)
def test_real_archive_equals_the_independent_count(
    capsys: pytest.CaptureFixture[str],
    kvmarm_list: Path,
    oracle: Oracle,
    since: str,
    until: str,
    tag: str | None,
) -> None:
    data = shared_data()
    assert data is not None
    argv = ["--archive", str(data / "kvmarm-list.bundle"), "--since", since, "--until", until]
    doc = review(capsys, *argv, *(["--tag", tag] if tag else []))
    expected = oracle.count(
        datetime.fromisoformat(since).replace(tzinfo=UTC),
        datetime.fromisoformat(until).replace(tzinfo=UTC),
        tag,
    )
    got = {k: doc[k] for k in expected if k != "reviewers"}
    got["reviewers"] = [[r["email"], r["count"]] for r in doc["top_list_reviewers"]]
    assert got == expected


@pytest.mark.realdata
def test_real_archive_counts_checked_by_hand(
    capsys: pytest.CaptureFixture[str], kvmarm_list: Path
) -> None:
    """Numbers verified outside any code: `git rev-list --count master` is 21,367, and one
    Message-ID is there twice (`git log --format=%H master` and `grep -c` on the ids)."""
    assert git(kvmarm_list, "rev-list", "--count", "master").strip() == "21367"
    data = shared_data()
    assert data is not None
    doc = review(
        capsys,
        "--archive",
        str(data / "kvmarm-list.bundle"),
        "--since",
        "2019-01-01",
        "--until",
        "2024-01-01",
    )
    assert doc["messages"] == 21366
    assert doc["unparseable"] == 0


@pytest.mark.realdata
def test_real_archive_every_message_and_reply_as_the_independent_reading(
    kvmarm_list: Path, oracle: Oracle, tmp_path: Path
) -> None:
    """Not only the counts: message by message, the ids, the sender, the time and which
    messages are replies are the independent reading's (the issue's one reply in 4,337 that
    another archive counted differently: on this one, none differs)."""
    from kvmstatus.analyse.review import thread
    from kvmstatus.git.archives import open_archive
    from kvmstatus.jobs.lists import index_archive

    records, _ = index_archive(tmp_path, open_archive(str(kvmarm_list)))
    mails = {m.commit: m for m in read_archive(kvmarm_list)}
    assert len(records) == len(mails) == 21367
    for r in records:
        m = mails[r.commit]
        assert bool(r.problem) == m.bad
        got = (r.message_id, r.in_reply_to, r.references, r.sender.email.lower(), r.time)
        want = (m.mid, m.irt, tuple(m.refs), m.address, datetime.fromtimestamp(m.time, UTC))
        assert got == want, r.commit
    t = thread(records)
    ours = {t.messages[i].commit for i, patch in enumerate(t.answers) if patch >= 0}
    theirs = {
        m.commit for m in oracle.mails if not m.bad and not oracle.patch(m) and oracle.answered(m)
    }
    assert ours == theirs
    assert len(ours) == 10_322


@pytest.mark.realdata
def test_real_commits_linked_by_trailer_and_by_subject(
    capsys: pytest.CaptureFixture[str], kvmarm_list: Path, kut_repo: Path, oracle: Oracle
) -> None:
    """kvm-unit-tests' arm commits of 2019-07..2023-01 against the kvmarm list: each method
    counted here with plain git and the independent reading of the archive."""
    data = shared_data()
    assert data is not None
    paths = ["arm", "lib/arm", "lib/arm64"]
    doc = review(
        capsys,
        "--archive",
        str(data / "kvmarm-list.bundle"),
        "--since",
        "2019-07-01",
        "--until",
        "2023-01-01",
        "--tag",
        "kvm-unit-tests",
        "--repo",
        str(kut_repo),
        "--paths",
        *paths,
    )
    log = git(
        kut_repo,
        "log",
        "--no-merges",
        "--since=2019-07-01T00:00:00Z",
        "--until=2023-01-01T00:00:00Z",
        "--format=%x01%H%x00%ae%x00%s%x00%b",
        "HEAD",
        "--",
        *paths,
    )
    commits = [record.split("\0") for record in log.split("\x01")[1:]]
    by_id = {m.mid: m for m in oracle.mails if m.mid}
    named = trailer = subject = 0
    posted: dict[tuple[str, str], list[Mail]] = {}
    for m in oracle.mails:
        words = oracle.words.get(id(m))
        if (
            words is not None
            and "kvm-unit-tests" in words
            and not cover(m.subject)
            and m.time < datetime(2023, 1, 1, tzinfo=UTC).timestamp()
        ):
            title = " ".join(m.subject.split("]", 1)[1].split())
            posted.setdefault((title, m.author or m.address), []).append(m)
    for _, email, title, body in commits:
        ids = re.findall(
            r"^\s*(?:message-id:\s*<?|link:\s*https?://(?:lore\.kernel\.org/\w+|"
            r"patch\.msgid\.link)/)([^\s<>/]+@[^\s<>/]+)",
            body,
            re.I | re.M,
        )
        named += bool(ids)
        found = [by_id[i] for i in ids if i in by_id]
        trailer += any(
            "kvm-unit-tests" in (oracle.words.get(id(m)) or []) and not cover(m.subject)
            for m in found
        )
        subject += bool(posted.get((" ".join(title.split()), email.lower())))
    links = doc["links"]
    assert links["commits"] == len(commits) == 158
    assert links["named"] == named == 30
    assert (
        links["by_method"]
        == {"trailer": trailer, "subject": subject}
        == {
            "trailer": 16,
            "subject": 112,
        }
    )
    assert links["methods"] == {"trailer": 16, "subject": 96}
    assert links["method_shares"] == {"trailer": 0.1013, "subject": 0.6076}  # of 158
    assert links["disagreements"] == 0
    assert links["posted"] == 112


def cover(subject: str) -> bool:
    return re.search(r"(?<![\w.])0+/\d+(?![\w.])", subject.split("]")[0]) is not None
