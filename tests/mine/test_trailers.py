from datetime import UTC, datetime

from kvmstatus.analyse.stable import with_cc_stable
from kvmstatus.mine.trailers import parse_person, parse_trailers
from kvmstatus.model.records import CommitRecord, Person, Trailer
from kvmstatus.model.trailers import CC_STABLE, TRACKED_KEYS


def keys(message: str) -> list[tuple[str, str]]:
    return [(t.key, t.value) for t in parse_trailers(message)]


def test_every_tracked_key_is_found_case_insensitively() -> None:
    body = "".join(f"{key.upper()}: Some One <one@example.com>\n" for key in TRACKED_KEYS)
    assert [k for k, _ in keys("subject\n\n" + body)] == list(TRACKED_KEYS)


def test_spelling_variants_and_typos() -> None:
    message = (
        "subject\n\n"
        "Co-Developed-by: A <a@x.org>\n"
        "Co-authored-by: B <b@x.org>\n"
        "Singed-off-by: C <c@x.org>\n"
        "  reviewed-by:   D  <d@x.org>  \n"
        "Reviewed-by : E <e@x.org>\n"
    )
    assert keys(message) == [("Co-developed-by", "A <a@x.org>"), ("Reviewed-by", "D <d@x.org>")]


def test_subject_line_is_not_a_trailer() -> None:
    assert keys("Link: fix the link speed\n\nbody\n") == []


def test_pair_counts_once_per_commit() -> None:
    message = (
        "s\n\nReviewed-by: A <a@x.org>\nReviewed-by:  A  <a@x.org>\nReviewed-by: B <b@x.org>\n"
    )
    assert keys(message) == [("Reviewed-by", "A <a@x.org>"), ("Reviewed-by", "B <b@x.org>")]


def test_person_values() -> None:
    assert parse_person("Jane Doe <jane@x.org>") == Person("Jane Doe", "jane@x.org")
    assert parse_person('"Doe, Jane" <jane@x.org> # v5.4+') == Person("Doe, Jane", "jane@x.org")
    assert parse_person("jane@x.org") == Person("", "jane@x.org")
    assert parse_person("stable@vger.kernel.org # 6.1.x") == Person("", "stable@vger.kernel.org")
    assert parse_person("Jane Doe") is None
    assert parse_person("<script>alert(1)</script> <j@x.org>") is None
    assert parse_person("") is None


def test_malformed_person_is_kept_and_flagged() -> None:
    (trailer,) = parse_trailers("s\n\nReviewed-by: John Doe\n")
    assert trailer == Trailer("Reviewed-by", "John Doe", None, malformed=True)


def record(message: str) -> CommitRecord:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    who = Person("A", "a@x.org")
    return CommitRecord(
        "0" * 40, ("1" * 40,), who, when, who, when, "s", parse_trailers(message), ()
    )


def test_cc_stable_is_its_own_key_and_still_a_cc() -> None:
    message = "s\n\nCc: stable@vger.kernel.org # 5.10+\nCc: Stable <stable@kernel.org>\n"
    # The parser reads what the message says; the project's stable lists derive Cc-stable.
    assert [t.key for t in parse_trailers(message)] == ["Cc", "Cc"]
    (derived,) = with_cc_stable([record(message)])
    assert [t.key for t in derived.trailers] == ["Cc", CC_STABLE, "Cc", CC_STABLE]
    (plain,) = with_cc_stable([record("s\n\nCc: kvm@vger.kernel.org\n")])
    assert [t.key for t in plain.trailers] == ["Cc"]


def test_stable_lists_are_the_projects() -> None:
    message = "s\n\nCc: stable@qemu.org\nCc: stable@vger.kernel.org\nCc: nostable@qemu.org\n"
    (own,) = with_cc_stable([record(message)], ("stable@qemu.org",))
    assert [(t.key, t.value) for t in own.trailers if t.key == CC_STABLE] == [
        (CC_STABLE, "stable@qemu.org")
    ]
    (kernel,) = with_cc_stable([record(message)])
    assert [t.value for t in kernel.trailers if t.key == CC_STABLE] == ["stable@vger.kernel.org"]
    (none,) = with_cc_stable([record(message)], ())
    assert CC_STABLE not in {t.key for t in none.trailers}


def test_fixes_keeps_its_text() -> None:
    (fixes,) = parse_trailers('s\n\nFixes: 0123456789ab ("KVM: x86: Subject")\n')
    assert fixes == Trailer("Fixes", '0123456789ab ("KVM: x86: Subject")')
    (empty,) = parse_trailers("s\n\nFixes:\n")
    assert empty.malformed
