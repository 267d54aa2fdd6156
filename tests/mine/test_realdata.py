"""The numbers against plain git on kvm-unit-tests' real history (../shared/data)."""

import re
from collections import Counter
from pathlib import Path

import pytest
from pydriller import Git

from helpers import git
from kvmstatus.analyse.affiliations import load_affiliations
from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.analyse.metrics import window_stats
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.window import history
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import mine
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.model.trailers import REPORTED_TRAILERS

pytestmark = pytest.mark.realdata

CASES = [
    ("v2024-01-08", "v2025-06-05", ()),
    ("v2025-07-31", "v2026-04-17", ()),
    ("v2022-03-08", "v2023-01-05", ("x86/", "lib/x86/")),
    ("v2023-01-05", "v2026-04-17", ("arm/", "lib/arm/", "lib/arm64/")),
]

# The plain-git form of each trailer definition (see the methodology): a commit "has" a key
# when one of its message lines matches, case-insensitively.
GREP = {key: f"^[[:space:]]*{key}:" for key in REPORTED_TRAILERS if key != "Cc-stable"}
GREP["Cc-stable"] = r"^[[:space:]]*cc:.*stable@(vger\.)?kernel\.org"


@pytest.mark.parametrize(("start", "end", "paths"), CASES)
def test_stats_equal_plain_git(
    kut_repo: Path, start: str, end: str, paths: tuple[str, ...]
) -> None:
    repo = GitRepo(kut_repo)
    rng = f"{start}..{end}"
    records = mine(repo, Window(repo.resolve_commit(start), repo.resolve_commit(end), paths))
    stats = window_stats(records, rng, paths, top=0)

    def count(*args: str) -> int:
        return int(git(kut_repo, "rev-list", "--count", *args, rng, "--", *paths))

    assert stats.commits == count("--no-merges") > 0
    assert stats.merges == count("--merges")
    emails = git(kut_repo, "log", "--no-merges", "--format=%aE", rng, "--", *paths).split()
    authors = Counter(e.lower() for e in emails)
    assert stats.authors == len(authors)
    assert {(r.email, r.count) for r in stats.top_authors} == set(authors.items())
    for key, pattern in GREP.items():
        hashes = git(
            kut_repo,
            "log",
            "--no-merges",
            "-i",
            "-E",
            f"--grep={pattern}",
            "--format=%H",
            rng,
            "--",
            *paths,
        ).split()
        assert stats.trailers[key].commits == len(hashes), key


def test_reviewers_equal_plain_git(kut_repo: Path) -> None:
    repo = GitRepo(kut_repo)
    rng = "v2024-01-08..v2025-06-05"
    records = mine(
        repo, Window(repo.resolve_commit("v2024-01-08"), repo.resolve_commit("v2025-06-05"))
    )
    stats = window_stats(records, rng, (), top=0)
    # Plain git: every Reviewed-by line's address, each (commit, line) pair once.
    out = git(kut_repo, "log", "--no-merges", "--format=%x00%H%n%B", rng)
    expected: Counter[str] = Counter()
    for chunk in out.split("\0")[1:]:
        found = set(re.findall(r"(?im)^\s*reviewed-by:\s*(.*?)\s*$", chunk.split("\n", 2)[2]))
        for value in found:
            email = re.search(r"<([^<>\s]+@[^<>\s]+)>|^([^<>\s]+@\S+)", value)
            if email:
                expected[(email.group(1) or email.group(2)).lower()] += 1
    assert {(r.email, r.count) for r in stats.top_people["reviewers"]} == set(expected.items())


def test_records_agree_with_pydriller(kut_repo: Path) -> None:
    """pydriller's commit model, one commit at a time, as the independent oracle."""
    repo = GitRepo(kut_repo)
    records = mine(repo, Window(None, repo.resolve_commit("master")))
    assert len(records) == int(git(kut_repo, "rev-list", "--count", "master"))
    model = Git(str(kut_repo))
    for record in records[::7]:
        commit = model.get_commit(record.hash)
        assert (record.author.name, record.author.email) == (
            commit.author.name,
            commit.author.email,
        )
        assert record.author_date == commit.author_date
        assert record.committer_date == commit.committer_date
        assert record.committer.email == commit.committer.email
        assert record.parents == tuple(commit.parents)
        assert record.is_merge == commit.merge
        assert record.subject == " ".join(commit.msg.split("\n\n")[0].split())


def test_first_time_authors_equal_plain_git(kut_repo: Path) -> None:
    """Window i's new authors: its authors minus everyone in an earlier window's selection
    and everyone before the first window in its selection (the methodology's commands)."""
    repo = GitRepo(kut_repo)
    releases = release_list(repo, r"^v\d{4}-\d{2}-\d{2}$", since="v2023-01-05")
    docs = history(
        repo,
        releases,
        Selection(subsystem="^S390X$"),
        load_arch_map("kvm-unit-tests"),
        load_affiliations(),
        top=0,
    )
    first = releases.windows[0]
    assert first.start is not None

    def authors(*revs: str, paths: list[str]) -> set[str]:
        out = git(kut_repo, "log", "--no-merges", "--format=%aE", *revs, "--", *paths)
        return {e.lower() for e in out.split()}

    seen = authors(first.start.commit, paths=docs[0]["paths"])
    assert docs[0]["paths"] != docs[-1]["paths"]  # s390x gained scripts/s390x/
    totals = []
    for w, doc in zip(releases.windows, docs, strict=True):
        assert w.start is not None
        mine_ = authors(f"{w.start.commit}..{w.end.commit}", paths=doc["paths"])
        assert {a["email"] for a in doc["top_first_time_authors"]} == mine_ - seen
        assert doc["first_time_authors"] == len(mine_ - seen)
        totals.append(doc["first_time_authors"])
        seen |= mine_
    assert sum(totals) > 0
    assert "author_contacts" not in docs[0]  # raw contacts decide, but are not published
