"""Commits as linking them to the list needs them: the message ids their trailers name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers import build_repo
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.posted import link_commits_between, link_commits_of, message_ids

BODY = """KVM: x86: Fix a thing

Fix it. See https://lore.kernel.org/r/in-the-text@example.org for the story.

Link: https://lore.kernel.org/r/20220805135813.2102034-1-maz@kernel.org
Link: https://lore.kernel.org/kvm/abc%2Fdef@x.org/
link: <https://patch.msgid.link/aF1d7rh_vbr8cr7j@google.com>
Link: https://gitlab.com/qemu-project/qemu/-/issues/1
Link: https://lore.kernel.org/all/20230101.1-1-a@b.c/T/#u
Link: https://lore.kernel.org/r/20220805135813.2102034-1-maz@kernel.org
Message-Id: <20221212111731.292942-5-nrb@linux.ibm.com>
Message-ID: bare@id.example
  Link: http://lkml.kernel.org/r/1234@x.y
Signed-off-by: A <a@example.org>
"""


def test_message_ids_from_links_and_message_id_lines() -> None:
    assert message_ids(BODY) == (
        "20220805135813.2102034-1-maz@kernel.org",
        "abc/def@x.org",  # %2F, as lore writes a slash
        "aF1d7rh_vbr8cr7j@google.com",
        "20230101.1-1-a@b.c",
        "20221212111731.292942-5-nrb@linux.ibm.com",
        "bare@id.example",
        "1234@x.y",
    )
    assert message_ids("Link: https://lore.kernel.org/r/no-at-sign\n") == ()
    assert message_ids("Message-Id: <" + "x" * 1000 + "@y>\n") == ()


def test_a_window_s_commits(tmp_path: Path) -> None:
    stream = (
        "commit refs/heads/master\nmark :1\n"
        "author Ann <Ann@Example.org> 1700000000 +0000\n"
        "committer C <c@example.org> 1700000100 +0000\n"
        f"data {len(BODY)}\n{BODY}\n"
        "M 100644 inline arch/x86/kvm/x.c\ndata 2\nx\n\n"
        "commit refs/heads/master\nmark :2\n"
        "author Bob <bob@example.org> 1700001000 +0000\n"
        "committer C <c@example.org> 1700086400 +0000\n"
        "data 14\nnet: no links\nfrom :1\n"
        "M 100644 inline net/x.c\ndata 2\ny\n\n"
    )
    repo = build_repo(tmp_path / "r.git", stream.encode())
    r = GitRepo(repo)
    head = r.resolve_commit("master")
    every = link_commits_of(r, Window(None, head, ()))
    assert [(c.subject, c.author, c.message_ids[:1]) for c in every] == [
        ("net: no links", "bob@example.org", ()),
        ("KVM: x86: Fix a thing", "ann@example.org", ("20220805135813.2102034-1-maz@kernel.org",)),
    ]
    assert every[1].time == datetime.fromtimestamp(1700000100, UTC)  # committed, not written
    assert [c.subject for c in link_commits_of(r, Window(None, head, ("arch/",)))] == [
        "KVM: x86: Fix a thing"
    ]
    # [since, until) by committer date: the second commit is on the bound, out.
    between = link_commits_between(
        r, datetime.fromtimestamp(1700000100, UTC), datetime.fromtimestamp(1700086400, UTC)
    )
    assert [c.subject for c in between] == ["KVM: x86: Fix a thing"]
