"""List senders through the project's `.mailmap`, whatever their names hold."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers import git
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.senders import list_identity
from kvmstatus.model.records import MessageRecord, Person

MAILMAP = "Sean <sean@new.example> <sean@old.example>\n"


def record(sender: Person, author: Person | None = None) -> MessageRecord:
    return MessageRecord(
        "c", None, None, (), "s", sender, datetime(2024, 1, 1, tzinfo=UTC), True, author
    )


def test_senders_and_in_body_authors_are_mapped(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    git(tmp_path, "init", "--quiet", "--bare", str(repo))
    stream = (
        "commit refs/heads/master\nauthor A <a@x> 1700000000 +0000\n"
        "committer A <a@x> 1700000000 +0000\ndata 2\nm\n"
        f"M 100644 inline .mailmap\ndata {len(MAILMAP)}\n{MAILMAP}\n"
    )
    git(repo, "fast-import", "--quiet", input=stream.encode())
    records = [
        record(Person("Sean <the old one>", "Sean@Old.example")),  # angle brackets in a name
        record(Person("A\x00B", "nul@x")),  # a NUL, had it not been dropped where it entered
        record(Person("Hank", "hank@x"), Person("Sean", "sean@old.example")),
        record(Person("", "")),
    ]
    identity = list_identity(GitRepo(repo), "master", records)
    assert identity == {"sean@old.example": "sean@new.example"}
