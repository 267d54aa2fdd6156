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

from helpers import git, run, shared_data


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
        (["--since", "2024-02-30", "--until", "2025-01-01"], "is not a date"),
        (["--since", "2025-01-01", "--until", "2024-01-01"], "is not after --since"),
    ],
)
def test_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], list_archive: Path, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "review", "--archive", str(list_archive), *argv)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


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
    assert "holds no message" in err


def test_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", "--help")
    assert code == 0
    for option in ("--archive", "--since", "--until", "--tag", "--json"):
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
        own = re.split(
            r"^-{3,}\s*Original Message\s*-{3,}\s*$", body(msg), maxsplit=1, flags=re.M | re.I
        )[0]
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
            )
        )
    return mails


def bracket(subject: str) -> list[str] | None:
    """The words of a patch message's bracket, lowercased; None if it is not one."""
    m = re.match(r"\[([^\]]*)\]", subject)
    if not m:
        return None
    words = [w.lower() for w in re.split(r"[\s,;:/]+", m.group(1)) if w]
    return words if any(re.fullmatch(r"patch(v\d+(\.\d+)*)?", w) for w in words) else None


def version(words: list[str]) -> str:
    for w in words:
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
