from pathlib import Path

from helpers import window
from kvmstatus.analyse.metrics import MalformedTrailer, Ranked, TrailerCount, rank, window_stats
from kvmstatus.analyse.stable import with_cc_stable
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.log import mine
from kvmstatus.model.records import Person

SEAN = "sean@example.com"


def test_window_stats_exact(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    w = window(repo, "v1.1", "v1.2")
    # Cc-stable is derived from the Cc lines with the project's stable lists (the kernel's).
    stats = window_stats(with_cc_stable(mine(repo, w)), "v1.1..v1.2", w.pathspecs)
    assert (stats.commits, stats.merges, stats.authors) == (4, 1, 2)
    assert stats.trailers == {
        "Reviewed-by": TrailerCount(commits=4, lines=5),
        "Acked-by": TrailerCount(0, 0),
        "Tested-by": TrailerCount(0, 0),
        "Reported-by": TrailerCount(1, 1),
        "Suggested-by": TrailerCount(0, 0),
        "Co-developed-by": TrailerCount(1, 1),
        "Fixes": TrailerCount(1, 1),
        "Link": TrailerCount(0, 0),
        "Closes": TrailerCount(1, 1),
        "Cc-stable": TrailerCount(1, 1),
    }
    assert stats.top_authors == [
        Ranked("Sean Example", SEAN, 3),
        Ranked("Ray Riscv", "ray@riscv.example", 1),
    ]
    assert stats.top_people["reviewers"] == [
        Ranked("Alice Arm", "alice@arm.example", 2),
        Ranked("Ray Riscv", "ray@riscv.example", 1),
        Ranked("Sean Example", SEAN, 1),
    ]
    assert stats.top_people["ackers"] == []
    assert stats.top_fixers == [Ranked("Sean Example", SEAN, 1)]
    riscv = next(r for r in mine(repo, w) if "riscv" in r.subject)
    assert stats.malformed_trailers == [MalformedTrailer(riscv.hash, "Reviewed-by", "John Doe")]


def test_acks_and_tests_in_first_window(kernel_repo: Path) -> None:
    repo = GitRepo(kernel_repo)
    w = window(repo, "v1.0", "v1.1")
    stats = window_stats(mine(repo, w), "v1.0..v1.1", w.pathspecs)
    # The net commit's Acked-by is outside the KVM paths, so it does not count.
    assert stats.commits == 1
    assert stats.top_people["ackers"] == [Ranked("Sean Example", "sean@old.example.org", 1)]
    assert stats.trailers["Tested-by"] == TrailerCount(1, 1)
    assert stats.trailers["Link"] == TrailerCount(1, 1)


def test_rank_orders_by_count_then_email_and_cuts() -> None:
    people = [Person("B", "b@x"), Person("A", "a@x"), Person("B", "B@x"), Person("C", "c@x")]
    names = {"a@x": "A", "b@x": "B", "c@x": "C"}
    assert rank(people, names, 2) == [Ranked("B", "b@x", 2), Ranked("A", "a@x", 1)]
    assert len(rank(people, names, 0)) == 3
