"""List senders through the project's `.mailmap`, whatever their names hold."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers import build_repo
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.senders import list_identity
from kvmstatus.model.records import MessageRecord, Person

MAILMAP = "Sean <sean@new.example> <sean@old.example>\n"


def record(sender: Person, author: Person | None = None) -> MessageRecord:
    return MessageRecord(
        "c", None, None, (), "s", sender, datetime(2024, 1, 1, tzinfo=UTC), True, author
    )


def test_senders_and_in_body_authors_are_mapped(tmp_path: Path) -> None:
    stream = (
        "commit refs/heads/master\nauthor A <a@x> 1700000000 +0000\n"
        "committer A <a@x> 1700000000 +0000\ndata 2\nm\n"
        f"M 100644 inline .mailmap\ndata {len(MAILMAP)}\n{MAILMAP}\n"
    )
    repo = build_repo(tmp_path / "r.git", stream.encode())
    records = [
        record(Person("Sean <the old one>", "Sean@Old.example")),  # angle brackets in a name
        record(Person("A\x00B", "nul@x")),  # a NUL, had it not been dropped where it entered
        record(Person("Hank", "hank@x"), Person("Sean", "sean@old.example")),
        record(Person("", "")),
    ]
    identity = list_identity(GitRepo(repo), "master", records)
    assert identity == {"sean@old.example": "sean@new.example"}
