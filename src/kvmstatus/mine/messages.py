"""Raw mailing-list messages -> `MessageRecord`, with the standard library's `email` package.

Every message is parsed by `email.parser.BytesParser` with `email.policy.default`, headers
first (`headersonly`); a multipart message is parsed again as a whole so that its
`text/plain` part can be found (`EmailMessage.get_body`). Of the headers, only the ones the
review needs are decoded, and only as far as they need: an RFC 2047 encoded word, or raw
8-bit bytes, are decoded through the policy's own header classes; a plain ASCII value is
only unfolded. The body of the text part is decoded from its transfer encoding
(quoted-printable, base64) and charset by `Message.get_payload(decode=True)`.

Every field is hostile input (anyone can write to a list), so each is made safe where it
enters, before it can reach git, the index, a CSV or a page (`clean`): control characters
(NUL included) dropped, lone surrogates replaced by U+FFFD, whitespace collapsed, lengths
capped (`LIMITS`); a message id, address or path that is absurdly long is dropped rather than
cut (a cut one could name something else).

Nothing raises: a message the package cannot read, one larger than `MAX_BYTES`, or one that
has none of the headers a mail has, becomes a record whose `problem` says why (the review
counts and names it). A missing or broken `Date:` leaves the commit's author date in `time`
(`dated` False).
"""

from __future__ import annotations

import binascii
import contextlib
import quopri
import re
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

from kvmstatus.mine.trailers import parse_person
from kvmstatus.model.records import MessageRecord, Person, Trailer
from kvmstatus.model.trailers import LIST_TAGS

_PARSER = BytesParser(policy=policy.default)
_WANTED = frozenset(
    (
        "from",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "content-type",
        "content-transfer-encoding",
    )
)
_MESSAGE_HEADERS = ("from", "subject", "date", "message-id")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SPACE = re.compile(r"\s+")
_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"[^\s<>,;\"()]+@[^\s<>,;\"()]+")
_ADDRESS = re.compile(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+")
_TAG = re.compile(
    r"^[^\S\n]*(" + "|".join(LIST_TAGS) + r"):[^\S\n]*(.*?)[^\S\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
_CANONICAL = {key.lower(): key for key in LIST_TAGS}
# A top-posted reply that quotes the original without `>` (Outlook) ends its own text here.
_ORIGINAL = re.compile(r"^-{3,}\s*Original Message\s*-{3,}\s*$", re.MULTILINE | re.IGNORECASE)
_DIFF = re.compile(r"^diff --git a/\S+ b/(\S+)", re.MULTILINE)
_PLUS = re.compile(r"^\+\+\+ b/(\S+)", re.MULTILINE)
_IN_BODY_FROM = re.compile(r"\A\s*From:[^\S\n]*(.+)\n")


MAX_BYTES = 64 << 20
"""A message larger than this (64 MiB; lists refuse far smaller ones) is not read."""

LIMITS = {"subject": 1000, "name": 200, "address": 320, "id": 998, "path": 4096, "tag": 1000}
"""Characters a field may hold (`address`, `id` and `path` longer than that are dropped)."""
MAX_ITEMS = {"references": 1000, "paths": 10_000, "tags": 1000}
"""Items a field may hold: the last `References:` (the nearest ancestors), the first others."""


def parse_message(raw: bytes, commit: str, commit_time: datetime) -> MessageRecord:
    """The record of one raw message (`commit`: the epoch commit holding it, `commit_time`:
    that commit's author date, which public-inbox sets to the message's `Date:`)."""
    try:
        return _parse(raw, commit, commit_time)
    # The email package is built to be lenient and reports what it copes with as defects;
    # whatever it still raises on is a message it cannot read, never a reason to stop.
    except Exception as exc:
        return unparseable(commit, commit_time, f"{type(exc).__name__}: {exc}")


def unparseable(commit: str, commit_time: datetime, problem: str) -> MessageRecord:
    return MessageRecord(
        commit=clean(commit, LIMITS["id"]),
        message_id=None,
        in_reply_to=None,
        references=(),
        subject="",
        sender=Person("", ""),
        time=commit_time.astimezone(UTC),
        dated=False,
        problem=clean(problem, 200),
    )


_ANGLES = re.compile(r"[<>]")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(value: str, limit: int) -> str:
    """`value` as one safe line: whitespace runs (newlines, tabs) one space, other control
    characters (NUL, escape, C1) dropped, lone surrogates U+FFFD, trimmed, cut to `limit`."""
    value = _SPACE.sub(" ", value)
    if not (value.isascii() and value.isprintable()):
        value = _SURROGATE.sub("\ufffd", _UNSAFE.sub("", value))
    return value.strip()[:limit].strip()


def _token(value: str, limit: int) -> str:
    """A message id, an address or a path: no whitespace or control character at all, and
    dropped (empty) when longer than `limit`."""
    if not (value.isprintable() and " " not in value):  # (most are: ids, paths, addresses)
        value = "".join(clean(value, len(value)).split())
    return value if len(value) <= limit else ""


def _parse(raw: bytes, commit: str, commit_time: datetime) -> MessageRecord:
    if not raw.strip():
        return unparseable(commit, commit_time, "the message is empty")
    if len(raw) > MAX_BYTES:
        return unparseable(commit, commit_time, f"the message has {len(raw):,} bytes")
    head = _PARSER.parsebytes(raw, headersonly=True)
    headers: dict[str, str] = {}
    for name, value in head.raw_items():
        key = name.lower()
        if key in _WANTED and key not in headers:  # the first of a repeated header counts
            headers[key] = _FOLD.sub("", str(value))
    if not any(headers.get(h, "").strip() for h in _MESSAGE_HEADERS):
        return unparseable(commit, commit_time, "no From:, Subject:, Date: or Message-ID: header")
    when = _date(headers.get("date"))
    text = _text_part(head, raw, headers)
    own = _partition(_ORIGINAL, text)
    return MessageRecord(
        commit=commit,
        message_id=_first_id(headers.get("message-id")),
        in_reply_to=_first_id(headers.get("in-reply-to")),
        references=_ids(headers.get("references"))[-MAX_ITEMS["references"] :],
        subject=clean(decode_header_text(_head(headers, "subject")), LIMITS["subject"]),
        sender=parse_sender(_head(headers, "from")),
        time=when or commit_time.astimezone(UTC),
        dated=when is not None,
        author=_in_body_author(text),
        paths=_diff_paths(text),
        tags=list_tags(own),
    )


def _head(headers: dict[str, str], name: str) -> str:
    """A header to decode, cut far beyond what is kept of it (decoding a megabyte of
    encoded words would take long, and all but its start is dropped anyway)."""
    return headers.get(name, "")[: 8 * LIMITS["subject"]]


def _partition(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return text[: match.start()] if match else text


def decode_header_text(value: str) -> str:
    """An unstructured header's text: raw 8-bit bytes read as UTF-8, RFC 2047 encoded words
    decoded by the policy's header class (only when there are any: it is slow)."""
    if not value.isascii():
        value = _eight_bit(value)
    if "=?" in value:
        # A broken encoded word stays as written.
        with contextlib.suppress(Exception):
            value = str(policy.default.header_factory("subject", value))
    return value


def _eight_bit(value: str) -> str:
    # The parser keeps undecodable header bytes as surrogates; nearly all are UTF-8.
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return value


def parse_sender(value: str) -> Person:
    """`From:` as a person: `email.utils.parseaddr`, the name decoded; a value it cannot
    split keeps the first thing that looks like an address."""
    name, address = parseaddr(value)
    if "@" not in address:
        found = _ADDRESS.search(value)
        address = found.group(0) if found else ""
        name = "" if found is None else name
    name = clean(decode_header_text(name), LIMITS["name"]).strip('"')
    return Person(name, _token(_ANGLES.sub("", address), LIMITS["address"]))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": the sender's zone is unknown, the time is UTC
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _first_id(value: str | None) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _ids(value: str | None) -> tuple[str, ...]:
    """Message ids in angle brackets; a value without any brackets (some mailers write bare
    ids) gives its address-like words."""
    if not value:
        return ()
    found = _ID.findall(value)
    if not found and "<" not in value:
        found = _BARE_ID.findall(value)
    return tuple(t for i in found if (t := _token(i, LIMITS["id"])))


def _text_part(head: Message, raw: bytes, headers: dict[str, str]) -> str:
    """The decoded text of the message's `text/plain` part ("" when it has none)."""
    content_type = headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.startswith("multipart/"):
        whole = _PARSER.parsebytes(raw)
        body = whole.get_body(preferencelist=("plain",))
        if body is None:
            return ""
        payload = body.get_payload(decode=True)
        charset = body.get_content_charset()
    elif kind and kind != "text/plain":
        return ""  # an HTML-only or binary message has no text to read
    else:
        # One part: what `get_payload(decode=True)` and `get_content_charset()` do, from
        # the headers already read (asking the message would parse each header again).
        payload = _transfer_decoded(head, raw, headers.get("content-transfer-encoding", ""))
        charset = _charset(head, content_type)
    if not isinstance(payload, bytes):
        return ""
    try:
        return payload.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        # An unknown charset, or bytes that are not what the header says: nearly always UTF-8.
        return payload.decode("utf-8", "replace")


_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([^\s\";]+)", re.IGNORECASE)


def _charset(head: Message, content_type: str) -> str | None:
    if "*" in content_type:  # RFC 2231 parameters: let the package read them
        return head.get_content_charset()
    match = _CHARSET.search(content_type)
    return match[1].lower() if match else None


_BODY = re.compile(rb"\r?\n\r?\n")


def _transfer_decoded(head: Message, raw: bytes, encoding: str) -> bytes | None:
    encoding = encoding.strip().lower()
    if encoding not in ("", "7bit", "8bit", "binary", "base64", "quoted-printable"):
        payload = head.get_payload(decode=True)  # uuencode and the like
        return payload if isinstance(payload, bytes) else None
    # The body's bytes as they are in the message (the parser would hand them back as text
    # already decoded by the declared charset).
    gap = _BODY.search(raw)
    data = raw[gap.end() :] if gap else b""
    if encoding == "base64":
        return _base64(data)
    if encoding == "quoted-printable":
        return quopri.decodestring(data)
    return data


def _base64(data: bytes) -> bytes:
    compact = b"".join(data.split())
    try:
        return binascii.a2b_base64(compact + b"=" * (-len(compact) % 4))
    except binascii.Error:
        return data  # not base64 after all: the bytes as they are


def list_tags(text: str) -> tuple[Trailer, ...]:
    """The `Reviewed-by:`/`Acked-by:`/`Tested-by:` lines of `text` that are not quoted (a
    quoted line starts with `>`), each (key, value) once, in order."""
    seen: set[tuple[str, str]] = set()
    found: list[Trailer] = []
    for match in _TAG.finditer(text):
        key, value = _CANONICAL[match[1].lower()], clean(match[2], LIMITS["tag"])
        if (key, value) in seen:
            continue
        seen.add((key, value))
        person = parse_person(value)  # of a clean value: safe as it is
        found.append(Trailer(key=key, value=value, person=person, malformed=person is None))
        if len(found) == MAX_ITEMS["tags"]:
            break
    return tuple(found)


def _in_body_author(text: str) -> Person | None:
    match = _IN_BODY_FROM.match(text)
    if match is None:
        return None
    person = parse_sender(match[1].strip())
    return person if person.email else None


def _diff_paths(text: str) -> tuple[str, ...]:
    if "\ndiff --git " in text or text.startswith("diff --git "):
        paths = _DIFF.findall(text)
    else:
        paths = _PLUS.findall(text)
    safe = (t for p in dict.fromkeys(paths) if (t := _token(p, LIMITS["path"])))
    return tuple(dict.fromkeys(safe))[: MAX_ITEMS["paths"]]
