"""A synthetic mailing-list archive for the synthetic history: the demo's list next to its tags.

    python -m kvmstatus.demo.lists REPO OUT [--seed 1]

`build_list_archive` reads the KVM commits of a synthetic repository (plain `git log`) and
writes a public-inbox v2 epoch (one commit per message, the raw message in `m`, through
`git fast-import`) in which they were posted and reviewed first:

- commits by one author within two days form a series; most series are posted (a cover
  letter when they have several patches), some in two or three versions days apart, each
  patch with the commit's subject after the bracket and a diff of the commit's paths;
- the people the commit's `Reviewed-by`/`Acked-by`/`Tested-by` name reply with that tag,
  hours to days after the posting, so the list's tags reach the commits; other people review
  without giving a tag, some series get no reply at all, some only after weeks; the
  kernel test robot answers now and then; authors thank their reviewers;
- a few `[kvm-unit-tests PATCH]` series (another project's, outside the kernel's paths) and
  questions that are no patch at all;
- the encodings real lists carry: RFC 2047 names, base64 and quoted-printable bodies, folded
  subjects, multipart messages with an HTML part, a reply without `In-Reply-To`.

Deterministic: one `random.Random(seed)`; the same repository gives the same archive.
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formatdate
from pathlib import Path

from kvmstatus.demo.catalogue import DAY, HOUR, is_kvm_path
from kvmstatus.demo.fastimport import FastImport, modify_line
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.shared import gitrunner

_MESSAGE_LINK = re.compile(r"//(?:lore\.kernel\.org/r|patch\.msgid\.link)/[^/\s]+@")
BOT = ("kernel test robot", "lkp@intel.com")
LIST_ADDRESS = "kvm@vger.example.org"
ARCHIVIST = "public-inbox <public-inbox@example.org>"


@dataclass(frozen=True)
class KvmCommit:
    author: tuple[str, str]
    author_date: int
    commit_date: int
    subject: str
    tags: tuple[tuple[str, str], ...]
    """(key, `Name <email>`) of its Reviewed-by, Acked-by and Tested-by lines."""
    paths: tuple[str, ...]
    link: str | None = None
    """The Message-ID its `Link:` line names: the final version of its patch is posted
    under it, as `b4` and the maintainers' scripts record it."""


@dataclass
class Mail:
    time: int
    sender: tuple[str, str]
    subject: str
    msgid: str
    body: str
    reply_to: str | None = None
    references: tuple[str, ...] = ()
    encoding: str = "8bit"
    html: bool = False
    folded: bool = False
    headers: list[str] = field(default_factory=list)


def kvm_commits(repo: Path) -> list[KvmCommit]:
    """The repository's non-merge KVM commits, oldest first (one `git log`)."""
    fmt = "%x01%an%x00%ae%x00%at%x00%ct%x00%s%x00%b%x02"
    out = gitrunner.output(
        [
            "-C",
            str(repo),
            "log",
            "--reverse",
            "--no-merges",
            f"--format={fmt}",
            "--name-only",
            "master",
        ]
    ).decode("utf-8", "replace")
    commits = []
    for record in out.split("\x01")[1:]:
        head, _, names = record.partition("\x02")
        name, email, adate, cdate, subject, body = head.split("\x00", 5)
        paths = tuple(p for p in names.split("\n") if p and is_kvm_path(p))
        if not paths:
            continue
        tags = []
        link = None
        for line in body.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip() in LIST_TAGS and "<" in value:
                tags.append((key.strip(), value.strip()))
            elif sep and key.strip() == "Link" and _MESSAGE_LINK.search(value):
                link = value.strip().rsplit("/", 1)[-1]
        commits.append(
            KvmCommit((name, email), int(adate), int(cdate), subject, tuple(tags), paths, link)
        )
    return commits


def _series(commits: Sequence[KvmCommit]) -> list[list[KvmCommit]]:
    by_time = sorted(commits, key=lambda c: (c.author[1], c.author_date))
    groups: list[list[KvmCommit]] = []
    for commit in by_time:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last[-1].author == commit.author
            and commit.author_date - last[-1].author_date < 2 * DAY
            and len(last) < 8
        ):
            last.append(commit)
        else:
            groups.append([commit])
    return sorted(groups, key=lambda g: g[0].author_date)


_CONTACT = re.compile(r"^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>")


def _person(contact: str) -> tuple[str, str]:
    """`Name <email> # comment` -> (name, email); ("", "") when it names nobody."""
    match = _CONTACT.match(contact)
    return (match[1], match[2]) if match else ("", "")


def _diff(paths: Sequence[str], rng: random.Random) -> str:
    out = []
    for path in paths:
        n = rng.randrange(1, 40)
        out.append(
            f"diff --git a/{path} b/{path}\n"
            f"index {rng.getrandbits(28):07x}..{rng.getrandbits(28):07x} 100644\n"
            f"--- a/{path}\n+++ b/{path}\n@@ -{n},6 +{n},7 @@\n"
            " context\n-\told();\n+\tnew();\n+\tcheck();\n context\n"
        )
    return "".join(out)


class ListBuilder:
    """Generates the messages, then writes them in the order their dates say."""

    def __init__(self, commits: Sequence[KvmCommit], seed: int) -> None:
        self.rng = random.Random(seed)
        self.commits = commits
        self.mails: list[Mail] = []
        self.serial = 0
        reviewers = {p for c in commits for _, v in c.tags if (p := _person(v))[1]}
        self.bystanders = sorted(reviewers) or [("Una Reviewer", "una@example.org")]

    def msgid(self, sender: tuple[str, str], when: int) -> str:
        self.serial += 1
        return f"{when}.{self.serial}-{sender[1].replace('@', '.')}@mail.example"

    def add(self, mail: Mail) -> Mail:
        self.mails.append(mail)
        return mail

    def post(self, group: Sequence[KvmCommit], version: int, when: int, final: bool) -> list[Mail]:
        """One version of a series: its cover letter (several patches) and its patches (the
        final version's under the Message-ID its commit's `Link:` names, if it has one)."""
        author = group[0].author
        tag = f"PATCH v{version}" if version > 1 else "PATCH"
        if self.rng.random() < 0.06:
            tag = f"RFC {tag}"
        n = len(group)
        posted: list[Mail] = []
        cover = None
        if n > 1:
            cover = self.add(
                Mail(
                    when,
                    author,
                    f"[{tag} 0/{n}] {group[0].subject.split(':')[0]}: {n} changes",
                    self.msgid(author, when),
                    f"This series has {n} patches.\n\n"
                    + "".join(f"  {c.subject}\n" for c in group)
                    + (
                        f"\nChanges since v{version - 1}: addressed the review.\n"
                        if version > 1
                        else ""
                    ),
                )
            )
            posted.append(cover)
        for i, commit in enumerate(group, 1):
            counter = f" {i}/{n}" if n > 1 else ""
            body = f"{commit.subject}.\n\nSigned-off-by: {author[0]} <{author[1]}>\n---\n"
            posted.append(
                self.add(
                    Mail(
                        when + i,
                        author,
                        f"[{tag}{counter}] {commit.subject}",
                        commit.link if final and commit.link else self.msgid(author, when + i),
                        body + _diff(commit.paths, self.rng),
                        cover.msgid if cover else None,
                        (cover.msgid,) if cover else (),
                        encoding="base64" if self.rng.random() < 0.03 else "8bit",
                        folded=self.rng.random() < 0.3,
                    )
                )
            )
        return posted

    def reply(
        self, to: Mail, sender: tuple[str, str], when: int, text: str, quote: bool = True
    ) -> Mail:
        quoted = "".join(f"> {line}\n" for line in to.body.splitlines()[:4]) if quote else ""
        roll = self.rng.random()
        mail = Mail(
            when,
            sender,
            "Re: " + to.subject,
            self.msgid(sender, when),
            f"On {formatdate(to.time, usegmt=True)}, {to.sender[0]} wrote:\n{quoted}\n{text}",
            None if roll < 0.01 else to.msgid,
            (*to.references, to.msgid),
            encoding="base64" if roll < 0.05 else "quoted-printable" if roll < 0.08 else "8bit",
            html=0.08 <= roll < 0.1,
        )
        return self.add(mail)

    def review(self, group: Sequence[KvmCommit], posted: Sequence[Mail], final: bool) -> None:
        rng = self.rng
        patches = [m for m in posted if "0/" not in m.subject.split("]")[0]] or list(posted)
        start = posted[0].time
        if rng.random() < 0.05:
            self.reply(
                posted[0],
                BOT,
                start + rng.randrange(2, 30) * HOUR,
                "kernel test robot noticed the following build warnings:\n",
                False,
            )
        late = rng.random() < 0.08
        delay = (15 * DAY if late else 0) + int(rng.expovariate(1 / (20 * HOUR)))
        given = 0
        if final:
            # The tags the commits carry were given on the list, on the final version.
            for commit, mail in zip(group, patches, strict=False):
                for key, contact in commit.tags:
                    who = _person(contact)
                    if who[1] and who != commit.author:
                        self.reply(
                            mail, who, start + delay + given * 3 * HOUR, f"{key}: {contact}\n"
                        )
                        given += 1
        if rng.random() < (0.5 if given else 0.3):
            who = rng.choice(self.bystanders)
            if who != group[0].author:
                self.reply(
                    posted[0],
                    who,
                    start + delay + rng.randrange(1, 48) * HOUR,
                    "I had a look; a few comments below, otherwise this makes sense.\n",
                )
        if (given or not final) and rng.random() < 0.3:
            self.reply(
                patches[0], group[0].author, start + delay + 2 * DAY, "Thanks for the review!\n"
            )

    def build(self) -> list[Mail]:
        rng = self.rng
        for group in _series(self.commits):
            first = min(c.author_date for c in group)
            merged = min(c.commit_date for c in group)
            if rng.random() < 0.12:
                continue  # applied without being posted to this list
            versions = 1 + (rng.random() < 0.4) + (rng.random() < 0.15)
            final_time = max(first, merged - rng.randrange(2, 10) * DAY)
            for v in range(1, versions + 1):
                when = final_time - (versions - v) * rng.randrange(6, 15) * DAY
                self.review(group, self.post(group, v, when, v == versions), v == versions)
        self.companion_and_questions()
        return sorted(self.mails, key=lambda m: (m.time, m.msgid))

    def companion_and_questions(self) -> None:
        if not self.commits:
            return
        rng = self.rng
        start, end = self.commits[0].author_date, self.commits[-1].commit_date
        people = self.bystanders
        for _ in range(max(2, len(self.commits) // 60)):
            when = rng.randrange(start, end)
            who = rng.choice(people)
            mail = self.add(
                Mail(
                    when,
                    who,
                    f"[kvm-unit-tests PATCH] x86: Test {rng.choice(('PMU', 'APIC', 'VMX', 'SVM'))} "
                    f"corner case {rng.randrange(1000)}",
                    self.msgid(who, when),
                    "A test.\n---\n" + _diff(("x86/pmu.c",), rng),
                )
            )
            if rng.random() < 0.7:
                other = rng.choice(people)
                if other != who:
                    self.reply(
                        mail,
                        other,
                        when + rng.randrange(1, 72) * HOUR,
                        f"Reviewed-by: {other[0]} <{other[1]}>\n",
                    )
        for _ in range(max(2, len(self.commits) // 120)):
            when = rng.randrange(start, end)
            who = rng.choice(people)
            mail = self.add(
                Mail(
                    when,
                    who,
                    "Question about dirty logging and huge pages",
                    self.msgid(who, when),
                    "Is this expected?\n",
                )
            )
            self.reply(mail, rng.choice(people), when + 5 * HOUR, "Yes, see the docs.\n", False)


def _name(name: str) -> str:
    return name if name.isascii() else Header(name, "utf-8").encode()


def render(mail: Mail) -> str:
    """The raw message (ASCII headers; the body in its transfer encoding)."""
    subject = mail.subject
    if mail.folded and len(subject) > 40:
        cut = subject.index(" ", 30) if " " in subject[30:] else len(subject)
        subject = subject[:cut] + "\n " + subject[cut + 1 :]
    lines = [
        f"From: {_name(mail.sender[0])} <{mail.sender[1]}>",
        f"To: {LIST_ADDRESS}",
        f"Subject: {subject}",
        f"Date: {formatdate(mail.time, usegmt=True)}",
        f"Message-ID: <{mail.msgid}>",
    ]
    if mail.reply_to:
        lines.append(f"In-Reply-To: <{mail.reply_to}>")
    if mail.references:
        lines.append("References: " + "\n ".join(f"<{r}>" for r in mail.references))
    lines.append("MIME-Version: 1.0")
    text = mail.body.encode()
    if mail.encoding == "base64":
        part = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(text).decode(),
        ]
    elif mail.encoding == "quoted-printable":
        part = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quopri.encodestring(text).decode(),
        ]
    else:
        part = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            mail.body,
        ]
    if mail.html:
        html = ["Content-Type: text/html; charset=utf-8", "", "<p>(HTML version)</p>"]
        boundary = "=-demo-="
        return "\n".join(
            [
                *lines,
                f'Content-Type: multipart/alternative; boundary="{boundary}"',
                "",
                f"--{boundary}",
                *part,
                f"--{boundary}",
                *html,
                f"--{boundary}--",
                "",
            ]
        )
    return "\n".join([*lines, *part])


@dataclass(frozen=True)
class ListSummary:
    path: Path
    messages: int
    commits: int
    """KVM commits the archive was made for."""


def build_list_archive(repo: Path, out: Path, seed: int = 1) -> ListSummary:
    """Create the bare epoch repository `out` (must not exist) for the synthetic `repo`."""
    if out.exists():
        raise FileExistsError(f"{out} exists; not overwriting it")
    commits = kvm_commits(repo)
    mails = ListBuilder(commits, seed).build()
    out.mkdir(parents=True)
    gitrunner.output(["init", "--quiet", "--bare", "--initial-branch=master", str(out)])
    fi = FastImport(out)
    parent: list[int] = []
    for mail in mails:
        name = mail.sender[0].replace("<", "").replace(">", "")
        ident = f"{name} <{mail.sender[1]}> {mail.time} +0000"
        committer = f"{ARCHIVIST} {mail.time} +0000"
        mark = fi.commit(
            "refs/heads/master",
            parent,
            ident,
            committer,
            mail.subject.replace("\n", "") + "\n",
            [modify_line("m", render(mail))],
        )
        parent = [mark]
    fi.close()
    return ListSummary(out, len(mails), len(commits))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a synthetic repository (kvmstatus.demo.builder)")
    parser.add_argument("out", type=Path, help="where to create the archive's epoch repository")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        summary = build_list_archive(args.repo, args.out, args.seed)
    except FileExistsError as exc:
        print(f"lists: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.path}: {summary.messages} messages for {summary.commits} KVM commits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
