"""Affiliation maps: gitdm parsing, dated resolution, layering, the shipped map, real data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kvmstatus.analyse.affiliations import (
    AffiliationError,
    AffiliationMap,
    EmailMapFile,
    Entry,
    Layer,
    commits_by_company,
    default_layers,
    load_affiliations,
    parse_aliases,
    parse_email_map,
    parse_group_map,
    reviews_by_company,
    unknown_share,
)
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.mine.gitlog import Window
from kvmstatus.mine.log import mine
from kvmstatus.model.records import CommitRecord, Person, Trailer
from kvmstatus.shared.labels import UNKNOWN


def amap(text: str, aliases: str = "", source: str = "m") -> AffiliationMap:
    layers: list[Layer] = [parse_email_map(text, source), parse_aliases(aliases, "a")]
    return AffiliationMap.from_layers(layers)


TIMELINE = "# Ada's employers\nada@x.com  Second Co\nada@x.com  First Co  < 2020-01-01\n"


def test_boundary_day_belongs_to_the_next_entry() -> None:
    m = amap(TIMELINE)
    assert m.company("ada@x.com", date(2019, 12, 31)) == "First Co"
    assert m.company("ada@x.com", date(2020, 1, 1)) == "Second Co"
    assert m.company("ada@x.com", date(1990, 1, 1)) == "First Co"
    assert m.company("ada@x.com", date(2040, 1, 1)) == "Second Co"


def test_datetime_uses_its_own_local_date() -> None:
    m = amap(TIMELINE)
    # 23:30 at UTC-5 is already 2020-01-01 in UTC, but the author's day is still the 31st.
    late = datetime(2019, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    early = datetime(2020, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert m.company("ada@x.com", late) == "First Co"
    assert m.company("ada@x.com", early) == "Second Co"
    assert m.company("ada@x.com", datetime(2020, 1, 1, tzinfo=UTC)) == "Second Co"


def test_entry_for_names_the_deciding_line() -> None:
    m = amap(TIMELINE)
    assert m.entry_for("ada@x.com", date(2019, 5, 1)) == Entry("First Co", date(2020, 1, 1), "m", 3)
    assert m.entry_for("nobody@nowhere.org", date(2019, 5, 1)) is None


def test_expired_entries_are_an_error_at_the_last_entry() -> None:
    # The lines are out of date order: the error must name the entry that ends last.
    m = amap("x.com  Late Co  < 2020-01-01\nx.com  Early Co  < 2019-01-01\n")
    assert m.company("u@x.com", date(2019, 12, 31)) == "Late Co"
    with pytest.raises(AffiliationError) as info:
        m.company("u@x.com", date(2020, 1, 1))
    assert str(info.value) == (
        "m:1: x.com has no affiliation on or after 2020-01-01, the end of its last entry "
        "(asked about u@x.com (via x.com) on 2020-01-01; add an open-ended entry)"
    )
    assert isinstance(info.value, UserError)


def test_expired_address_message() -> None:
    m = amap("\nfoo@x.com  Acme  < 2020-01-01\n")
    with pytest.raises(AffiliationError, match=r"^m:2: foo@x\.com has no affiliation on or after"):
        m.company("foo@x.com", date(2021, 3, 4))


def test_longest_domain_suffix_wins_on_label_boundaries() -> None:
    m = amap("ibm.com  IBM\nus.ibm.com  IBM US\n")
    assert m.company("a@us.ibm.com", date(2020, 1, 1)) == "IBM US"
    assert m.company("a@lab.us.ibm.com", date(2020, 1, 1)) == "IBM US"
    assert m.company("a@de.ibm.com", date(2020, 1, 1)) == "IBM"
    assert m.company("a@ibm.com", date(2020, 1, 1)) == "IBM"
    assert m.company("a@notibm.com", date(2020, 1, 1)) == UNKNOWN
    assert m.company("a@ibm.com.example.org", date(2020, 1, 1)) == UNKNOWN
    assert m.company("a@nous.ibm.com", date(2020, 1, 1)) == "IBM"
    assert m.company(" A@US.IBM.COM ", date(2020, 1, 1)) == "IBM US"
    assert m.company("no-at-sign", date(2020, 1, 1)) == UNKNOWN


def test_address_entry_beats_every_domain_entry() -> None:
    m = amap("redhat.com  Red Hat\nboss@redhat.com  Acme\n")
    assert m.company("boss@redhat.com", date(2020, 1, 1)) == "Acme"
    assert m.company("Boss@RedHat.com", date(2020, 1, 1)) == "Acme"
    assert m.company("other@redhat.com", date(2020, 1, 1)) == "Red Hat"


def test_personal_domains_unknown_unless_address_entry() -> None:
    layers: list[Layer] = [
        parse_group_map("gmail.com\nkernel.org\n", "personal", UNKNOWN),
        parse_email_map("ada@gmail.com  Acme\n", "m"),
    ]
    m = AffiliationMap.from_layers(layers)
    assert m.company("ada@gmail.com", date(2020, 1, 1)) == "Acme"
    assert m.company("bob@gmail.com", date(2020, 1, 1)) == UNKNOWN
    assert m.company("bob@vger.kernel.org", date(2020, 1, 1)) == UNKNOWN
    assert m.entry_for("bob@gmail.com", date(2020, 1, 1)) == Entry(UNKNOWN, None, "personal", 1)


def test_aliases_resolve_before_lookup() -> None:
    m = amap(
        "corp.com  Corp\nold@gmail.com  Other\n",
        aliases="old@gmail.com  new@corp.com\nolder@gmail.com  old@gmail.com\n",
    )
    assert m.company("old@gmail.com", date(2020, 1, 1)) == "Corp"
    assert m.company("OLDER@gmail.com", date(2020, 1, 1)) == "Corp"
    assert m.aliases["older@gmail.com"] == "new@corp.com"


def test_alias_cycle_and_bad_alias_lines() -> None:
    with pytest.raises(AffiliationError, match=r"^a:1: aliases form a cycle: a@x\.com -> b@x\.com"):
        amap("", aliases="a@x.com b@x.com\nb@x.com a@x.com\n")
    cases = {
        "a@x.com\n": "a:1: expected 'alias@domain  canonical@domain', got 'a@x.com'",
        "a@x.com b@x.com c@x.com": "a:1: expected 'alias@domain  canonical@domain', got "
        "'a@x.com b@x.com c@x.com'",
        "\na@x.com x.com": "a:2: 'x.com' is not an email address (user@domain)",
        "a@x.com A@X.com": "a:1: a@x.com is given as an alias of itself",
        "a@x.com b@x.com\na@x.com c@x.com": "a:2: a@x.com is already an alias of b@x.com (line 1)",
    }
    for text, message in cases.items():
        with pytest.raises(AffiliationError) as info:
            parse_aliases(text, "a")
        assert str(info.value) == message
    # An exact repeat is harmless, as in real gitdm alias files.
    assert len(parse_aliases("a@x.com b@x.com\na@x.com  b@x.com\n", "a").aliases) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo.com", "m:1: expected '[user@]domain  Employer Name  [< yyyy-mm-dd]', got 'foo.com'"),
        (
            "\n\nfoo.com  < 2020-01-01",
            "m:3: expected '[user@]domain  Employer Name  [< yyyy-mm-dd]', "
            "got 'foo.com  < 2020-01-01'",
        ),
        (
            "foo.com Acme < 2020-01-01 < 2021-01-01",
            "m:1: expected '[user@]domain  Employer Name  [< yyyy-mm-dd]', "
            "got 'foo.com Acme < 2020-01-01 < 2021-01-01'",
        ),
        (
            "foo.com Acme < 2020-13-01",
            "m:1: bad end date '2020-13-01' (expected '< yyyy-mm-dd', e.g. < 2020-01-31)",
        ),
        (
            "foo.com Acme < 2020-1-1",
            "m:1: bad end date '2020-1-1' (expected '< yyyy-mm-dd', e.g. < 2020-01-31)",
        ),
        ("foo.com Acme <", "m:1: bad end date '' (expected '< yyyy-mm-dd', e.g. < 2020-01-31)"),
        ("foo@ Acme", "m:1: 'foo@' is not an email address or a mail domain"),
        ("@foo.com Acme", "m:1: '@foo.com' is not an email address or a mail domain"),
        ("foo..com Acme", "m:1: 'foo..com' is not an email address or a mail domain"),
        ("a@b@c.com Acme", "m:1: 'a@b@c.com' is not an email address or a mail domain"),
        (
            "foo.com Acme\nfoo.com Other",
            "m:2: foo.com already has an open-ended entry ('Acme', line 1); "
            "one key can have one open-ended entry and one entry per end date",
        ),
        (
            "foo.com Acme < 2020-01-01\nFOO.com Other < 2020-01-01",
            "m:2: foo.com already has an entry ending 2020-01-01 ('Acme', line 1); "
            "one key can have one open-ended entry and one entry per end date",
        ),
    ],
)
def test_malformed_email_map_lines(text: str, message: str) -> None:
    with pytest.raises(AffiliationError) as info:
        parse_email_map(text, "m")
    assert str(info.value) == message


def test_crlf_bom_comments_and_whitespace() -> None:
    text = (
        "\ufeff# header\r\n"
        "\r\n"
        "x.com\tRed \t Hat\t< 2020-01-01   # inline comment\r\n"
        "   x.com     Acme Corp   \r\n"
        "x.com  Red Hat  <2020-01-01\r\n"  # an exact repeat (no blank after '<') is ignored
    )
    parsed = parse_email_map(text, "m")
    [timeline] = parsed.timelines
    assert timeline.entries == (
        Entry("Red Hat", date(2020, 1, 1), "m", 3),
        Entry("Acme Corp", None, "m", 4),
    )
    with pytest.raises(AffiliationError, match=r"^m:3: bad end date"):
        parse_email_map("# one\r\n\r\nx.com Acme < 2020/01/01\r\n", "m")


def test_group_map_lines() -> None:
    parsed = parse_group_map("# people\nada@x.com\n\nx.org  # the whole domain\n", "g", "Acme")
    assert [(t.key, t.entries) for t in parsed.timelines] == [
        ("ada@x.com", (Entry("Acme", None, "g", 2),)),
        ("x.org", (Entry("Acme", None, "g", 4),)),
    ]
    with pytest.raises(AffiliationError, match=r"^g:1: a group file lists one address"):
        parse_group_map("ada@x.com Acme\n", "g", "Acme")


def test_later_file_overrides_and_extends_the_shipped_map(tmp_path: Path) -> None:
    mine_ = tmp_path / "mymap"
    mine_.write_text(
        "maz@kernel.org  Acme\nexample.com  Example\nredhat.com  Not Red Hat < 2030-01-01\n"
        "redhat.com  Red Hat\n"
    )
    aliases = tmp_path / "my-aliases.txt"
    aliases.write_text("me@gmail.com  someone@example.com\n")
    shipped = load_affiliations()
    m = load_affiliations([mine_, aliases])
    # maz@kernel.org's shipped timeline is replaced as a whole, not merged with the new line.
    assert shipped.company("maz@kernel.org", date(2015, 1, 1)) == "Arm"
    assert m.company("maz@kernel.org", date(2015, 1, 1)) == "Acme"
    assert m.company("pbonzini@redhat.com", date(2029, 12, 31)) == "Not Red Hat"
    assert m.company("pbonzini@redhat.com", date(2030, 1, 1)) == "Red Hat"
    assert m.company("x@example.com", date(2020, 1, 1)) == "Example"
    assert m.company("me@gmail.com", date(2020, 1, 1)) == "Example"
    assert m.company("seanjc@google.com", date(2020, 1, 1)) == "Google"
    assert m.sources[-2:] == (str(mine_), str(aliases))
    assert m.digest != shipped.digest
    only_mine = load_affiliations([mine_], include_default=False)
    assert only_mine.company("seanjc@google.com", date(2020, 1, 1)) == UNKNOWN


def test_gitdm_config_directory(tmp_path: Path) -> None:
    (tmp_path / "domains").write_text("x.com  X Corp\n")
    (tmp_path / "people").write_text("ada@gmail.com\nbob@gmail.com\n")
    (tmp_path / "alias").write_text("ada@old.org  ada@gmail.com\n")
    (tmp_path / "gitdm.config").write_text(
        "# gitdm settings\nFileMap filetypes\nEmailMap domains\n"
        "GroupMap people   Lovelace  Labs\nEmailAliases alias\n"
    )
    for given in (tmp_path, tmp_path / "gitdm.config"):
        m = load_affiliations([given], include_default=False)
        assert m.company("u@x.com", date(2020, 1, 1)) == "X Corp"
        assert m.company("ada@old.org", date(2020, 1, 1)) == "Lovelace Labs"
        assert m.company("bob@gmail.com", date(2020, 1, 1)) == "Lovelace Labs"


def test_gitdm_config_errors(tmp_path: Path) -> None:
    config = tmp_path / "gitdm.config"
    config.write_text("EmailMap missing\n")
    with pytest.raises(AffiliationError, match=rf"^{config}:1: no such file {tmp_path}/missing$"):
        load_affiliations([tmp_path])
    config.write_text("\nGroupMap people\n")
    with pytest.raises(
        AffiliationError, match=r"gitdm\.config:2: expected 'GroupMap file Employer"
    ):
        load_affiliations([config])
    config.write_text("EmailMap a b\n")
    with pytest.raises(AffiliationError, match=r"gitdm\.config:1: expected 'EmailMap file'"):
        load_affiliations([config])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AffiliationError, match=r"an affiliation directory needs a gitdm\.config"):
        load_affiliations([empty])
    with pytest.raises(AffiliationError, match=r"^affiliation map: no such file .*/nope$"):
        load_affiliations([tmp_path / "nope"])
    with pytest.raises(AffiliationError, match=r"^affiliation map: no such file .*/nope\.config$"):
        load_affiliations([tmp_path / "nope.config"])
    binary = tmp_path / "binary"
    binary.write_bytes(b"x.com \xff\n")
    with pytest.raises(AffiliationError, match=r"^affiliation map: cannot read .*binary"):
        load_affiliations([binary])


def test_digest_is_the_identity() -> None:
    a = amap("x.com  X\ny.com  Y < 2020-01-01\ny.com Z\n", source="one")
    b = amap("\ny.com Z\ny.com  Y  < 2020-01-01\n# same content\nx.com X\n", source="two")
    c = amap("x.com  X\ny.com  Y < 2020-01-02\ny.com Z\n")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, c}) == 2
    assert a.digest != c.digest
    assert len(a.digest) == 64


def test_shipped_map_loads_and_maps_known_people() -> None:
    m = load_affiliations()
    assert load_affiliations().digest == m.digest
    day = date(2024, 6, 1)
    expected = {
        "seanjc@google.com": "Google",
        "pbonzini@redhat.com": "Red Hat",
        "frankja@linux.ibm.com": "IBM",
        "borntraeger@de.ibm.com": "IBM",
        "dapeng1.mi@linux.intel.com": "Intel",
        "apatel@ventanamicro.com": "Ventana Micro",
        "andrew.jones@linux.dev": "Ventana Micro",
        "chenhuacai@kernel.org": "Loongson",
        "zhaotianrui@loongson.cn": "Loongson",
        "yuzenghui@huawei.com": "Huawei",
        "someone@hisilicon.com": "Huawei",
        "someone@quicinc.com": "Qualcomm",
        "mpe@ellerman.id.au": "IBM",
        "michael@ellerman.id.au": "IBM",
        "paulus@samba.org": "IBM",
        "someone@gmail.com": UNKNOWN,
        "someone@kernel.org": UNKNOWN,
        "12345+someone@users.noreply.github.com": UNKNOWN,
        "someone@notgoogle.com": UNKNOWN,
    }
    assert {email: m.company(email, day) for email in expected} == expected
    assert m.company("namit@vmware.com", date(2023, 11, 21)) == "VMware"
    assert m.company("namit@vmware.com", date(2023, 11, 22)) == "Broadcom"
    assert m.company("avi@qumranet.com", date(2007, 1, 1)) == "Qumranet"
    assert m.company("anup@brainfault.org", date(2021, 12, 31)) == "Western Digital"
    assert m.company("anup@brainfault.org", date(2022, 1, 1)) == "Ventana Micro"
    assert m.company("maz@kernel.org", date(2019, 1, 1)) == "Arm"


def test_shipped_layers_do_not_shadow_each_other() -> None:
    # Within the shipped data a key lives in exactly one file, so the file order is not
    # silently deciding anything; every timeline ends open-ended, so no date is an error.
    seen: dict[str, str] = {}
    for layer in default_layers():
        if isinstance(layer, EmailMapFile):
            keys = [t.key for t in layer.timelines]
            assert all(t.open_ended is not None for t in layer.timelines), layer.source
        else:
            keys = [a.alias for a in layer.aliases]
        for key in keys:
            assert key not in seen, f"{key} is in {seen[key]} and {layer.source}"
            seen[key] = layer.source
    assert len(seen) > 200


def person(email: str) -> Person:
    return Person(email.split("@")[0], email)


def record(
    author: str, when: date, reviewers: tuple[str, ...] = (), merge: bool = False
) -> CommitRecord:
    stamp = datetime(when.year, when.month, when.day, 12, tzinfo=UTC)
    trailers = tuple(Trailer("Reviewed-by", r, person(r)) for r in reviewers)
    return CommitRecord(
        hash=f"{author}-{when}",
        parents=("p1", "p2") if merge else ("p1",),
        author=person(author),
        author_date=stamp,
        committer=person(author),
        committer_date=stamp,
        subject="s",
        trailers=(*trailers, Trailer("Reviewed-by", "someone without address")),
        paths=(),
    )


def test_tables_by_company() -> None:
    m = amap(TIMELINE + "b.com  B Co\nc.com  C Co\n")
    records = [
        record("ada@x.com", date(2019, 6, 1), ("r@b.com", "R@b.com", "r@c.com")),
        record("ada@x.com", date(2020, 6, 1), ("ada@x.com",)),
        record("z@c.com", date(2020, 6, 1)),
        record("q@c.com", date(2020, 6, 1), ("r@b.com",)),
        record("who@nowhere.net", date(2020, 6, 1), ("who@nowhere.net",)),
        record("m@b.com", date(2020, 6, 1), ("r@b.com",), merge=True),
    ]
    commits = commits_by_company(records, m)
    assert commits == [("C Co", 2), ("(Unknown)", 1), ("First Co", 1), ("Second Co", 1)]
    assert sum(n for _, n in commits) == 5
    # r@b.com twice on one commit (case differs) counts once; the merge does not count.
    assert reviews_by_company(records, m) == [
        ("B Co", 2),
        ("(Unknown)", 1),
        ("C Co", 1),
        ("Second Co", 1),
    ]
    assert unknown_share(commits) == pytest.approx(0.2)
    assert unknown_share([]) == 0.0
    assert unknown_share([("A", 3)]) == 0.0


@pytest.mark.realdata
def test_unknown_share_on_kvm_unit_tests(kut_repo: Path) -> None:
    repo = GitRepo(kut_repo)
    records = mine(repo, Window(None, repo.resolve_commit("master")))
    m = load_affiliations()
    commits = commits_by_company(records, m)
    assert sum(n for _, n in commits) == sum(1 for r in records if not r.is_merge)
    # Measured: 3.1% of 3508 commits (mostly students' and volunteers' gmail addresses).
    assert unknown_share(commits) < 0.06
    # Measured: 0.7% of reviews.
    assert unknown_share(reviews_by_company(records, m)) < 0.03
    top = dict(commits[:3])
    assert set(top) == {"Red Hat", "IBM", "Google"}
