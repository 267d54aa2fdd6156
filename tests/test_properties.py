"""Property tests (hypothesis): the parsers of untrusted text never crash and never lose data.

Trailers, MAINTAINERS, the affiliation maps and the Markdown escaping all read text that
anyone can write (a commit message, a kernel file, a map contributed by a user, a name).
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import date, datetime, timedelta, timezone

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kvmstatus.analyse.affiliations import AffiliationError, AffiliationMap, parse_email_map
from kvmstatus.errors import UserError
from kvmstatus.mine.maintainers import (
    entry_pathspecs,
    file_matches,
    parse_maintainers,
    tree_directories,
)
from kvmstatus.mine.trailers import parse_person, parse_trailers
from kvmstatus.model.records import Person
from kvmstatus.model.trailers import PERSON_KEYS, TRACKED_KEYS
from kvmstatus.website.markdown import escape

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- trailers ----------------------------------------------------------------------------

# Printable text without line breaks, angle brackets or quotes: what a name can be.
_NAME_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters='<>"'
)
_ATOM = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789._+-", min_size=1, max_size=8)
emails = st.builds(lambda local, domain: f"{local}@{domain}.example", _ATOM, _ATOM)
names = st.lists(st.text(alphabet=_NAME_CHARS, min_size=1, max_size=8), max_size=4).map(" ".join)
key_spellings = st.sampled_from(TRACKED_KEYS).flatmap(
    lambda key: st.sampled_from([key, key.lower(), key.upper()]).map(lambda s: (key, s))
)
# A line of anything: prose, `Note:` lines, untracked keys, broken trailers.
noise = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"))


@st.composite
def valid_trailer(draw: st.DrawFn) -> tuple[str, str, str, Person | None]:
    """(canonical key, expected value, the line as written, the expected person)."""
    key, spelling = draw(key_spellings)
    person = None
    if key in PERSON_KEYS:
        person = Person(draw(names), draw(emails))
        value = f"{person.name} <{person.email}>".strip()
    else:
        value = " ".join(draw(st.lists(_ATOM, min_size=1, max_size=4)))
    indent = draw(st.sampled_from(["", " ", "\t", "  "]))
    gap = draw(st.sampled_from(["", " ", "\t", "   "]))
    trail = draw(st.sampled_from(["", " ", "\t"]))
    return key, value, f"{indent}{spelling}:{gap}{value}{trail}", person


@SETTINGS
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n")),
    st.lists(st.one_of(valid_trailer(), noise), max_size=30),
)
def test_every_valid_trailer_comes_out_once(subject: str, lines: list[object]) -> None:
    body = [line[2] if isinstance(line, tuple) else str(line) for line in lines]
    message = "\n".join([subject, "", *body]) + "\n"
    found = parse_trailers(message)
    pairs = [(t.key, t.value) for t in found]
    assert len(pairs) == len(set(pairs)), "a (key, value) pair came out twice"
    for line in lines:
        if isinstance(line, tuple):
            key, value, _, person = line
            assert pairs.count((key, value)) == 1, (key, value, message)
            trailer = next(t for t in found if (t.key, t.value) == (key, value))
            assert trailer.person == person
            assert not trailer.malformed


@SETTINGS
@given(st.text())
def test_trailer_parser_never_crashes(message: str) -> None:
    for trailer in parse_trailers(message):
        assert trailer.key in TRACKED_KEYS or trailer.key == "Cc-stable"
        assert "\n" not in trailer.value
        assert trailer.malformed == (trailer.key in PERSON_KEYS and trailer.person is None) or (
            trailer.key not in PERSON_KEYS and trailer.malformed == (not trailer.value)
        )


# The definition: a tracked key, matched case-insensitively, alone before the colon.
_DEFINITION = re.compile(
    r"\n[^\S\n]*(" + "|".join(re.escape(k) for k in TRACKED_KEYS) + r"):[^\S\n]*([^\n]*)",
    re.IGNORECASE,
)
# Letters that case-insensitive matching takes for another one: dotted and dotless i, long s,
# the Kelvin sign.
_ALIKE = {"i": ["\u0130", "\u0131"], "s": ["\u017f"], "k": ["\u212a"]}


@st.composite
def keyish_line(draw: st.DrawFn) -> str:
    """A tracked key spelled in any case and with look-alike letters, or one letter off,
    before a colon or not."""
    key = draw(st.sampled_from(TRACKED_KEYS))
    spelled = "".join(
        draw(st.sampled_from([c, c.lower(), c.upper(), *_ALIKE.get(c.lower(), [])])) for c in key
    )
    spelled = draw(st.sampled_from([spelled, spelled[1:], spelled + "x", "x" + spelled]))
    colon = draw(st.sampled_from([":", ": ", " :", "", ":\t"]))
    return draw(st.sampled_from(["", " ", "\t"])) + spelled + colon + draw(noise)


@SETTINGS
@given(st.lists(st.one_of(keyish_line(), noise), max_size=12))
def test_trailer_lines_are_found_as_their_definition_finds_them(lines: list[str]) -> None:
    message = "subject\n\n" + "\n".join(lines) + "\n"
    expected: list[tuple[str, str]] = []
    for written, value in _DEFINITION.findall(message, message.find("\n")):
        key = next(k for k in TRACKED_KEYS if re.fullmatch(re.escape(k), written, re.IGNORECASE))
        pair = (key, re.sub(r"\s+", " ", value.rstrip()))
        if pair not in expected:
            expected.append(pair)
    assert [(t.key, t.value) for t in parse_trailers(message)] == expected


@SETTINGS
@given(st.text())
def test_parse_person_never_crashes(value: str) -> None:
    person = parse_person(value)
    if person is not None:
        assert "@" in person.email
        assert not re.search(r"[\s<>]", person.email)


@SETTINGS
@given(names, emails, st.sampled_from(["", " # 6.1+", " (maintainer)", ","]))
def test_parse_person_reads_name_and_address(name: str, email: str, comment: str) -> None:
    assert parse_person(f"{name} <{email}>{comment}") == Person(name.strip(), email)
    if comment != " (maintainer)":
        assert parse_person(f"{email}{comment}") == Person("", email)


# --- MAINTAINERS -------------------------------------------------------------------------

_SEGMENT = st.sampled_from(["arch", "x86", "kvm", "virt", "lib", "a.c", "b.h", "k*", "*.c", "?"])
patterns = (
    st.lists(_SEGMENT, min_size=1, max_size=4)
    .map("/".join)
    .flatmap(lambda p: st.sampled_from([p, p + "/"]))
)
_PARTS = st.sampled_from(["arch", "x86", "kvm", "virt", "lib", "a.c", "b.h", "kx"])
tree = st.lists(st.lists(_PARTS, min_size=1, max_size=4).map("/".join), max_size=12)


@st.composite
def maintainers_text(draw: st.DrawFn) -> str:
    lines = []
    for i in range(draw(st.integers(1, 4))):
        lines.append(f"KVM ENTRY {i}")
        for _ in range(draw(st.integers(0, 4))):
            letter = draw(st.sampled_from("FFFXXNM"))
            value = (
                draw(patterns) if letter in "FX" else draw(st.sampled_from(["kvm", "^lib", "x"]))
            )
            lines.append(f"{letter}:\t{value}")
        lines.append("")
    return "\n".join(lines)


@SETTINGS
@given(st.text())
def test_maintainers_parser_never_crashes(text: str) -> None:
    entries = parse_maintainers(text)
    for entry in entries:
        assert entry.name
        assert not entry.name[0].isspace()
    # A malformed line in the entries is reported (UserError), never a crash.
    with contextlib.suppress(UserError):
        entry_pathspecs(entries, ["arch/x86/kvm/x86.c", "virt/kvm/kvm_main.c"])


@SETTINGS
@given(maintainers_text(), tree)
def test_pathspecs_never_exclusions_alone(text: str, paths: list[str]) -> None:
    # A tree has no path that is also a directory of another path.
    directories = tree_directories(paths)
    paths = [p for p in paths if p not in directories]
    entries = parse_maintainers(text)
    specs = entry_pathspecs(entries, paths)
    positive = [s for s in specs if not s.startswith(":(exclude")]
    assert bool(specs) == bool(positive), specs
    covered = [p for p in paths if file_matches(p, entries, tree_directories(paths))]
    assert bool(positive) == bool(covered), (specs, covered)


# --- affiliations ------------------------------------------------------------------------


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[tuple[str, date | None]], bool]:
    ends = draw(st.lists(st.dates(date(1995, 1, 1), date(2040, 1, 1)), max_size=6, unique=True))
    open_ended = draw(st.booleans()) or not ends
    entries: list[tuple[str, date | None]] = [(f"Company {i}", end) for i, end in enumerate(ends)]
    if open_ended:
        entries.append(("Open Inc", None))
    return draw(st.permutations(entries)), open_ended


@SETTINGS
@given(timelines(), st.dates(date(1990, 1, 1), date(2045, 1, 1)), st.booleans())
def test_affiliation_is_the_first_entry_ending_after_the_day(
    timeline: tuple[list[tuple[str, date | None]], bool], day: date, by_domain: bool
) -> None:
    entries, open_ended = timeline
    key = "corp.example" if by_domain else "dev@corp.example"
    text = "".join(
        f"{key}  {employer}" + (f" < {end.isoformat()}" if end else "") + "\n"
        for employer, end in entries
    )
    amap = AffiliationMap.from_layers([parse_email_map(text, "map")])
    dated = sorted((end, employer) for employer, end in entries if end is not None)
    later = [employer for end, employer in dated if end > day]
    # Midnight in a far timezone: the author's own date is the day that counts.
    when = datetime.combine(day, datetime.min.time(), timezone(timedelta(hours=-11)))
    if later:
        expected = later[0]
    elif open_ended:
        expected = "Open Inc"
    else:
        with pytest.raises(AffiliationError, match="no affiliation on or after"):
            amap.company("dev@corp.example", day)
        return
    assert amap.company("dev@corp.example", day) == expected
    assert amap.company("DEV@Corp.Example", when) == expected
    for end, employer in dated:  # boundaries: an entry no longer applies on its end date
        if end == day:
            assert amap.company("dev@corp.example", end) != employer


@SETTINGS
@given(st.text())
def test_email_map_parser_never_crashes(text: str) -> None:
    with contextlib.suppress(AffiliationError):
        parse_email_map(text, "map")


# --- Markdown escaping -------------------------------------------------------------------

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).map(lambda s: " ".join(s.split()))


def _html(source: str) -> str:
    return str(markdown.Markdown(extensions=EXTENSIONS).convert(source))


def _elements(out: str) -> list[str]:
    return re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", out)


@SETTINGS
@given(st.lists(cell_text, min_size=2, max_size=2), st.lists(cell_text, min_size=2, max_size=2))
def test_escaped_text_in_table_cells(head: list[str], row: list[str]) -> None:
    assume(all(head) and all(row))
    source = (
        "| " + " | ".join(escape(h) for h in head) + " |\n| --- | ---: |\n"
        "| " + " | ".join(escape(c) for c in row) + " |\n"
    )
    out = _html(source)
    assert _elements(out) == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"], out
    cells = re.findall(r"<t[hd](?: [^>]*)?>(.*?)</t[hd]>", out, re.DOTALL)
    assert [html.unescape(c) for c in cells] == [*head, *row]


@SETTINGS
@given(cell_text, st.sampled_from(["list", "heading", "admonition", "div", "link"]))
def test_escaped_text_in_other_blocks(text: str, where: str) -> None:
    assume(text)
    shown = escape(text)
    source, wrapper = {
        "list": (f"- {shown}\n", ["ul", "li"]),
        "heading": (f"## {shown}\n", ["h2"]),
        "admonition": (f'!!! note "Note"\n    {shown}\n', ["div", "p", "p"]),
        "div": (f'<div markdown="1">\n{shown}\n</div>\n', ["div", "p"]),
        "link": (f"[{shown}](https://example.org/)\n", ["p", "a"]),
    }[where]
    out = _html(source)
    assert _elements(out) == wrapper, out
    inner = re.sub(r"<[^>]*>", "\n", out)
    assert text in [html.unescape(part).strip() for part in inner.split("\n")], out
