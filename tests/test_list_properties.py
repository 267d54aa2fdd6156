"""Property tests (hypothesis) of the list side: anyone can write to a kernel list, so every
byte of a message is hostile. Generated messages (random bytes and encoded words in every
header, broken dates, loops of replies, duplicate and missing ids, huge and empty parts,
markup meant for the pages) go through parsing, threading, counting, linking, the review
documents and the site, and must give: no exception, fields safe for git, JSON, CSV and
pages, counts that do not depend on the archive's order, and nothing injected into a page.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import quopri
import random
import re
import shutil
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fixture_lists as fl
from fixture_history import BASE, DAY, fast_import_stream
from helpers import build_repo
from kvmstatus.analyse.review import Scope, Thread, link_commits, review_range, shipped_bots, thread
from kvmstatus.jobs.config import load_config
from kvmstatus.jobs.edition import edition
from kvmstatus.mine.messages import LIMITS, MAX_ITEMS, parse_message
from kvmstatus.model.documents import ReviewDocument, ReviewIndex
from kvmstatus.model.records import LinkCommit, MessageRecord
from kvmstatus.store.documents import plain, read_dataset
from kvmstatus.store.jsonfile import read_json
from kvmstatus.store.review import read_review, window_review, write_review
from kvmstatus.website.build import build_site
from kvmstatus.website.pages import review as pages
from kvmstatus.website.pages.common import (
    Context,
    ProjectReview,
    SitePlan,
    csv_text,
    spreadsheet_cell,
)

# --- hostile messages ---------------------------------------------------------------------

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[x](javascript:alert(3))",
    '"><svg onload=alert(4)>',
    "{: onclick=alert(5) }",
    "**b** | `c` _i_ <b>b</b> &amp; &lt;",
    "\x00\x1b[31m\r\n\t\x7f\x85",
    "\u202eevil\u200b",
    "=?UTF-8?Q?A=00B?=",
    "",
)
IDS = ("a@x", "b@x", "c@x", "d@x", "e@x", "i" * 1200 + "@x", "no-at-sign")
ADDRESSES = ("a@x", "b@x", "lkp@intel.com", "", "<x@y>", "a\x00b@x", "q" * 400 + "@x")
WORDS = ("PATCH", "RFC-PATCH", "PATCHv2", "PATCH-for-6.1", "v3", "1/2", "0/2", "kvm-unit-tests")
CHARSETS = ("utf-8", "iso-8859-1", "utf-7", "utf-16", "x-unknown")

payloads = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=20),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)


@st.composite
def header_values(draw: st.DrawFn) -> bytes:
    """A header value as a mail may carry it: text, raw 8-bit bytes or encoded words."""
    text = draw(payloads)
    how = draw(st.sampled_from(("utf-8", "raw", "encoded", "long")))
    if how == "raw":
        return draw(st.binary(max_size=30)).replace(b"\n", b" ")
    if how == "encoded":
        charset = draw(st.sampled_from(CHARSETS))
        data = text.encode("utf-8", "surrogatepass")
        if draw(st.booleans()):
            return f"=?{charset}?B?{base64.b64encode(data).decode()}?=".encode()
        return f"=?{charset}?Q?{quopri.encodestring(data, header=True).decode()}?=".encode()
    if how == "long":
        return (text * 500).encode("utf-8", "surrogatepass").replace(b"\n", b" ")[:20_000]
    return text.replace("\n", " ").encode("utf-8", "surrogatepass")


@st.composite
def subjects(draw: st.DrawFn) -> bytes:
    words: list[str] = draw(st.lists(st.sampled_from(WORDS), max_size=4))
    empty: bool = draw(st.booleans())
    bracket = f"[{' '.join(words)}] " if words or empty else ""
    reply = "Re: " if draw(st.booleans()) else ""
    return f"{reply}{bracket}KVM: x86: ".encode() + draw(header_values())


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """Extra headers and the body: tags, a diff, in an encoding, maybe in several parts."""
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(("Reviewed-by", "acked-by", "Tested-by", "> Reviewed-by")))
        lines.append(f"{key}: {draw(payloads)} <{draw(st.sampled_from(ADDRESSES))}>")
    if draw(st.booleans()):
        lines.append(f"From: {draw(payloads)} <{draw(st.sampled_from(ADDRESSES))}>")
        lines.reverse()
    for path in draw(st.lists(payloads, max_size=3)):
        lines.append(f"diff --git a/arch/x86/kvm/{path} b/arch/x86/kvm/{path}")
    text = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    text *= draw(st.sampled_from((1, 1, 1, 2000)))  # now and then a huge body
    encoding = draw(st.sampled_from(("8bit", "base64", "quoted-printable", "x-uuencode")))
    if encoding == "base64":
        text = base64.encodebytes(text)
    elif encoding == "quoted-printable":
        text = quopri.encodestring(text)
    headers = b"Content-Transfer-Encoding: " + encoding.encode() + b"\n"
    if draw(st.booleans()):
        return headers, text
    headers = b'Content-Type: multipart/alternative; boundary="B"\n'
    html = b"<p>Acked-by: " + draw(payloads).encode("utf-8", "surrogatepass") + b"</p>"
    parts = [
        b"--B\nContent-Type: text/html\n\n" + html,
        b"--B\nContent-Type: text/plain; charset="
        + draw(st.sampled_from(CHARSETS)).encode()
        + b"\nContent-Transfer-Encoding: "
        + encoding.encode()
        + b"\n\n"
        + text,
    ]
    return headers, b"\n".join(draw(st.permutations(parts))) + b"\n--B--\n"


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.binary(max_size=200))  # not a mail at all
    head = [
        b"From: "
        + draw(header_values())
        + b" <"
        + draw(st.sampled_from(ADDRESSES)).encode()
        + b">",
        b"Subject: " + draw(subjects()),
        b"Date: "
        + draw(
            st.sampled_from(
                (
                    "Tue, 14 Nov 2023 22:13:20 +0000",
                    "Sun, 19 Nov 2023 10:00:00 -0800",
                    "Fri, 1 Dec 2023 23:59:59 +1400",
                    "Mon, 31 Jun 2023 25:61:00 +0000",
                    "Thu, 1 Jan 1970 00:00:00 -0000",
                    "Fri, 31 Dec 9999 23:59:59 -1200",
                    "yesterday",
                    "",
                )
            )
        ).encode(),
    ]
    if draw(st.booleans()):
        head.append(b"Message-ID: <" + draw(st.sampled_from(IDS)).encode() + b">")
    if draw(st.booleans()):
        head.append(b"In-Reply-To: <" + draw(st.sampled_from(IDS)).encode() + b">")
    refs = draw(st.lists(st.sampled_from(IDS), max_size=5))
    if refs:
        head.append(b"References: " + b" ".join(b"<%s>" % r.encode() for r in refs))
    if draw(st.booleans()):
        head.append(b"X-Noise: " + draw(header_values()))
    head = draw(st.permutations(head))
    extra, body = draw(bodies())
    return b"\n".join(head) + b"\n" + extra + b"\n" + body


archives = st.lists(messages(), min_size=1, max_size=12)

# Hypothesis warns when the global `random` state changes while it draws. Neither these
# strategies nor kvmstatus use the global `random`, and the warning never shows when this
# file runs alone; in a full run the flow tests have left Prefect's and Dask's threads
# (GlobalEventLoopThread, EventsWorkerThread, Dask-Offload) running in this process, and
# those change it at their own times.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)


def day(n: float) -> datetime:
    return datetime.fromtimestamp(BASE + n * DAY, UTC)


def records_of(raws: list[bytes]) -> list[MessageRecord]:
    return [
        parse_message(raw, f"{n:040x}", datetime.fromtimestamp(BASE + n * DAY / 4, UTC))
        for n, raw in enumerate(raws)
    ]


def _safe(text: str, limit: int) -> None:
    assert len(text) <= limit
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in text), repr(text)
    assert text == text.strip()
    text.encode("utf-8")


def assert_safe(record: MessageRecord) -> None:
    _safe(record.subject, LIMITS["subject"])
    for person in (record.sender, record.author, *(t.person for t in record.tags)):
        if person is not None:
            _safe(person.name, LIMITS["tag"])
            _safe(person.email, LIMITS["tag"])
            assert "<" not in person.email
            assert ">" not in person.email
    for mid in (record.message_id, record.in_reply_to, *record.references):
        if mid is not None:
            _safe(mid, LIMITS["id"])
            assert mid
            assert not re.search(r"\s", mid)
    for path in record.paths:
        _safe(path, LIMITS["path"])
    for tag in record.tags:
        _safe(tag.value, LIMITS["tag"])
    assert len(record.references) <= MAX_ITEMS["references"]
    assert len(record.paths) <= MAX_ITEMS["paths"]
    assert len(record.tags) <= MAX_ITEMS["tags"]
    assert record.problem is None or record.problem.isprintable()


SCOPES = (
    Scope(),
    Scope(tag="kvm-unit-tests"),
    Scope(exclude_tags=("kvm-unit-tests",), pathspecs=(":(glob)arch/*/kvm/**",)),
)
RANGES = ((None, None), (day(0), day(3)), (day(2), day(40)))


def counts(t: Thread, scope: Scope) -> list[dict[str, Any]]:
    found = []
    for since, until in RANGES:
        doc = dataclasses.asdict(review_range(t, since, until, scope))
        for ordered in ("unparseable_commits", "review_hours"):
            doc.pop(ordered)  # lists in the archive's order
        found.append(doc)
    return found


def commits_naming(t: Thread) -> list[LinkCommit]:
    """Commits as a maintainer applies them: one per patch subject, with ids of the pool."""
    return [
        LinkCommit(f"{n:040x}", m.subject.partition("] ")[2], m.sender.key, day(9), ids)
        for n, m in enumerate(t.messages)
        for ids in ((), (m.message_id or "",), IDS[:3])
    ]


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@PROPERTY
@given(archives, st.randoms(use_true_random=False))
def test_hostile_messages_parse_thread_count_and_link(
    raws: list[bytes], rng: random.Random
) -> None:
    records = records_of(raws)
    for record in records:
        assert_safe(record)
    t = thread(records, {}, shipped_bots())
    # Counts do not depend on the order the archive holds the messages in, so long as no
    # two share a Message-ID (then the first received counts, by definition).
    unique = list({r.message_id or r.commit: r for r in records}.values())
    shuffled = unique[:]
    rng.shuffle(shuffled)
    one, other = thread(unique, {}, shipped_bots()), thread(shuffled, {}, shipped_bots())
    for scope in SCOPES:
        assert counts(one, scope) == counts(other, scope)
        links = [link_commits(x, commits_naming(one), scope, day(40)) for x in (one, other)]
        assert dataclasses.replace(links[0], median_days_to_commit=None) == dataclasses.replace(
            links[1], median_days_to_commit=None
        )
    assert len(t.messages) + t.duplicates == len(records)
    stats = review_range(t, None, None)
    assert stats.messages == len(t.messages)
    assert stats.coverage in ("full", "partial", "none")


# --- the documents and the pages ------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, list_archive: Path) -> Path:
    """The fixture kernel's data directory with its review, to put hostile reviews into."""
    root = tmp_path_factory.mktemp("hostile-list")
    kernel = build_repo(root / "kernel.git", fast_import_stream())
    archive = root / "list" / "0.git"
    shutil.copytree(list_archive, archive)
    edition(load_config(fl.list_config(root, kernel, archive)), (False, False), publish=False)
    return root / "data"


@dataclass(frozen=True)
class HostileReview:
    """The review documents a run would make from the fixture's windows and periods and
    a hostile archive, with hostile strings wherever the summary holds text."""

    summary: dict[str, Any]
    windows: list[dict[str, Any]]
    periods: list[dict[str, Any]]


def hostile_review(data: Path, raws: list[bytes]) -> HostileReview:
    records = records_of(raws)
    t = thread(records, {}, shipped_bots())
    stored = read_review(data)
    assert stored is not None

    def review(doc: Mapping[str, Any], since: datetime | None, until: datetime) -> Any:
        stats = review_range(t, since, until, Scope())
        links = link_commits(t, commits_naming(t), Scope(), until)
        return window_review(doc, plain(stats), plain(links))

    windows = []
    for release in stored.summary["releases"]:
        old = stored.windows[release]
        since = datetime.fromisoformat(old["since"]) if old["since"] else None
        window = read_json(data / "windows" / f"{release}.json")
        windows.append(review(window, since, datetime.fromisoformat(str(old["until"]))))
    periods = []
    for n, old in enumerate(stored.periods):
        span = old["span"]
        period = read_json(data / "periods" / f"{n}.json")
        since, until = (datetime.fromisoformat(span[k]) for k in ("since", "until"))
        periods.append(review(period, since, until) | {"span": span})
    summary = dict(stored.summary) | {
        "archives": [
            {"spec": PAYLOADS[0], "name": PAYLOADS[2], "epochs": [PAYLOADS[1]], "messages": 1}
        ],
        "scope": PAYLOADS[3],
        "bots": list(PAYLOADS[:5]),
        "unparseable": [r.commit for r in records if r.problem] + [PAYLOADS[0]],
        "spans": [[a.isoformat(), b.isoformat()] for a, b in t.spans],
    }
    return HostileReview(summary, windows, periods)


def rendered(data: Path, hostile: HostileReview) -> tuple[list[str], dict[str, str]]:
    """Every part of a page the review writes, as MkDocs would render it (the Review page,
    each release page's section, the home page's paragraph, the Data page's list), and the
    data files those parts offer for download (CSV and JSON), by name."""
    review = ProjectReview(
        "",
        "",
        cast(ReviewIndex, hostile.summary),
        {d["release"]: cast(ReviewDocument, d) for d in hostile.windows},
        [cast(ReviewDocument, d) for d in hostile.periods],
    )
    ctx = Context(read_dataset(data), {}, [review])
    plan = SitePlan()
    parts = [
        pages.render_review(ctx, plan),
        pages.home_part(ctx, plan),
        *(pages.release_part(ctx, plan, i) for i in range(len(ctx.windows))),
        pages.data_part(ctx, plan),
    ]
    extensions = ["tables", "attr_list", "md_in_html", "admonition", "toc"]
    html = [markdown.Markdown(extensions=extensions).convert(text) for text in parts]
    return html, {str(name): text for name, text in plan.files.items()}


def assert_inert_data(name: str, text: str) -> None:
    """A download is data, never a page (JSON parses; text in it is JSON's); a CSV cell
    that a spreadsheet would take for a formula is a number or starts with `'`."""
    if name.endswith(".json"):
        json.loads(text)
    elif name.endswith(".csv"):
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only a number may start so


DANGEROUS_ELEMENTS = {"script", "iframe", "object", "embed", "base"}


class _Elements(HTMLParser):
    """Every element and attribute of a rendered page, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_nothing_injected(page: str) -> None:
    """No element or attribute of the page comes from a message: no script or event handler,
    no `javascript:` link, whatever a payload spelled. A payload's words may show as text,
    in an element or a `title`, escaped: text runs nothing."""
    parser = _Elements()
    parser.feed(page)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in DANGEROUS_ELEMENTS, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, attrs)
            if name in ("href", "src", "action", "formaction", "style"):
                assert not re.match(
                    r"\s*(javascript:|vbscript:|data:text/html)", value or "", re.I
                ), (
                    tag,
                    attrs,
                )


def test_a_formula_is_not_a_spreadsheet_cell() -> None:
    assert spreadsheet_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_cell("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_cell("-3.5") == "-3.5"
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell("Sean") == "Sean"
    assert csv_text([{"name": "+1 x", "n": 1}]) == "name,n\n'+1 x,1\n"


def test_escaped_payloads_are_text_and_markup_is_caught() -> None:
    """The check above sees an escaped payload as text and a real one as markup."""
    assert_nothing_injected('<span title="&quot;&gt;&lt;svg onload=alert(4)&gt;">x</span>')
    assert_nothing_injected("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    for bad in (
        '<svg onload="alert(4)">',
        "<p><script>alert(1)</script></p>",
        '<a href=" javascript:alert(3)">x</a>',
        "<span title=x onclick=y>z</span>",
    ):
        with pytest.raises(AssertionError):
            assert_nothing_injected(bad)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(archives)
@example(  # an address that is a payload: shown in a title, escaped
    [
        b"From: x <a@x>\nSubject: [PATCH] KVM: x86: y\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n"
        b"Message-ID: <a@x>\n\nbody\n",
        b'From: "><svg onload=alert(4)> <a@x>\nSubject: Re: KVM: x86: y\n'
        b"Date: Tue, 14 Nov 2023 22:13:20 +0000\nMessage-ID: <b@x>\nIn-Reply-To: <a@x>\n\n"
        b"Acked-by: <script>alert(1)</script> <a@x>\n",
    ]
)
@example(  # a reply's encoded From: name is markup: shown escaped, kept as data in downloads
    [
        b"From: x <a@x>\nSubject: [PATCH] KVM: x86: y\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n"
        b"Message-ID: <a@x>\n\nbody\n",
        b"From: =?utf-8?B?PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDIpPg==?= <b@x>\n"
        b"Subject: KVM: x86: y\nDate: Tue, 14 Nov 2023 22:13:20 +0000\nIn-Reply-To: <a@x>\n\n"
        b"Thanks\n",
        b"From: =?utf-8?B?PUhZUEVSTElOSygiaHR0cDovL3giKQ==?= <c@x>\n"
        b"Subject: KVM: x86: y\nDate: Tue, 14 Nov 2023 22:13:20 +0000\nIn-Reply-To: <a@x>\n\n"
        b"Thanks\n",
    ]
)
def test_hostile_reviews_render_without_markup(dataset: Path, raws: list[bytes]) -> None:
    html, downloads = rendered(dataset, hostile_review(dataset, raws))
    for page in html:
        assert_nothing_injected(page)
    for name, text in downloads.items():
        assert_inert_data(name, text)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(archives)
def test_hostile_reviews_build_a_site(
    dataset: Path, tmp_path_factory: pytest.TempPathFactory, raws: list[bytes]
) -> None:
    """The whole build (MkDocs, the downloads) with the hostile documents written and read
    back verified, as a run would publish them."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(dataset, data, dirs_exist_ok=True)
    hostile = hostile_review(dataset, raws)
    write_review(data, hostile.summary, hostile.windows, hostile.periods)
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(data, out)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        body = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.DOTALL)  # the theme's
        assert_nothing_injected(body)
    assert (out / "data" / "review.csv").read_text(encoding="utf-8").count("\n") == 1 + len(
        hostile.windows
    )
