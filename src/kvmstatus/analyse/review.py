"""Review on the mailing list: message records -> patches, series, replies, reviewers. Pure.

The definitions (stated on the Methodology page; `kvmstatus review` prints them per range):

- A message's time is its `Date:` (the commit's author date when it has none usable); a range
  `FROM..TO` holds `FROM <= time < TO`. A message counts once per Message-ID, the first one
  the archive received; one without a Message-ID counts once per archive commit (the same
  archive given twice counts it once).
- A **patch message**'s subject (decoded, whitespace collapsed) starts with a bracket holding
  `PATCH` between non-letters (`[PATCH v2]`, `[RFC-PATCH]`, `[PATCH-for-6.1]`; `PATCHvN`
  too), case-insensitive; a **cover letter** is one whose bracket holds `0/N`, every other one
  is a **patch**. Its version is the bracket's first `vN` (also `PATCHvN`, `RFCvN`) between
  spaces, `,;:/` or `-` (else 1).
- **Series**: a patch message whose `In-Reply-To` (else the last `References` entry) is a patch
  message of the same sender and version belongs to that message's series; otherwise it
  starts one (in a loop of such messages, the oldest starts it). A series' sender and time
  are those of the message that starts it.
- **Reply**: a message that is not a patch message and whose `In-Reply-To`, then `References`
  from the last entry to the first, names a patch message of the archive; the first one named
  is the patch it answers, and that patch's series is the series replied to.
- A **scope** says which patch messages count: `--tag WORD` keeps those whose bracket holds
  WORD; a project keeps the series none of whose messages holds a companion's tag and one of
  whose messages' diffs touches its paths. A series counts when one of its messages is kept; a
  reply counts when the patch it answers is kept.
- A series is **reviewed** when a reply from an address other than its sender's answers it,
  at any time; bots (`BotList`) never review. Addresses are lowercased `From:` addresses
  through the identity map (the project's `.mailmap`).
- A **list reviewer**'s count is the number of distinct series of others it replied to within
  the range; **tags given on the list** are the `Reviewed-by:`, `Acked-by:` and `Tested-by:`
  lines (not the quoted ones) of the range's replies.

- **Coverage**: the archives cover the time from one message to the next unless the silence
  between them is a gap (longer than `GAP_DAYS` and than `GAP_PACE` times the median time
  between two messages); a window is covered in full, in part, or not at all.

`thread` orders the archive once; `review_range` counts one range; `link_commits` finds the
posted patches a range's commits became: the message their `Link:` or `Message-Id:`
trailer names, else the patch of the same subject after the bracket and the same author.
Every count but the duplicates' does not depend on the order of the records, so long as no
two of them share a Message-ID.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import pairwise

from kvmstatus.analyse.architectures import ArchMap
from kvmstatus.analyse.metrics import Ranked
from kvmstatus.analyse.pathspecs import any_inside
from kvmstatus.model.records import (
    LINK_METHODS,
    SUBJECT,
    TRAILER,
    LinkCommit,
    MessageRecord,
    Person,
)
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.shared.numbers import by_count, most_common, nearest_rank, share
from kvmstatus.shared.shipped import shipped

ANSWER_DAYS = 14
"""A series nobody else answered within this many days counts as unanswered."""
GAP_DAYS = 7
"""A silence of the archives shorter than this is never a gap..."""
GAP_PACE = 100
"""...nor one shorter than this many times the median time between two messages (in which
the list's usual pace would have brought about this many messages)."""

# --- patch subjects ---------------------------------------------------------------------------

_BRACKET = re.compile(r"\[([^\]]*)\]\s*(.*)")
_WORDS = re.compile(r"[^\s,;:/]+")
_PATCH = re.compile(r"(?<![a-z])patch(?:v\d+(?:\.\d+)*)?(?![a-z])", re.IGNORECASE)
_VERSION_WORDS = re.compile(r"[^\s,;:/-]+")
_VERSION_WORD = re.compile(r"(?:patch|rfc)?v(\d+(?:\.\d+)*)")
_COUNTER = re.compile(r"(?<![\w.])(\d+)/(\d+)(?![\w.])")


@dataclass(frozen=True, slots=True)
class PatchSubject:
    """What a patch message's subject says: `[RFC PATCH v3 2/7] KVM: x86: Fix ...`."""

    words: tuple[str, ...]
    """The bracket's words, lowercased (split at spaces, `,`, `;`, `:` and `/`)."""
    version: str
    """`3` for `v3`, `1` without a version."""
    number: int | None
    total: int | None
    title: str
    """The subject after the bracket, whitespace collapsed: what the commit subject will be."""

    @property
    def cover(self) -> bool:
        return self.number == 0

    def holds(self, word: str) -> bool:
        return word.lower() in self.words


def patch_subject(subject: str) -> PatchSubject | None:
    """The subject's patch bracket, or None when it is not a patch message."""
    text = " ".join(subject.split())
    match = _BRACKET.match(text)
    if match is None:
        return None
    if _PATCH.search(match[1]) is None:
        return None
    words = tuple(w.lower() for w in _WORDS.findall(match[1]))
    version = "1"
    for word in _VERSION_WORDS.findall(match[1].lower()):
        found = _VERSION_WORD.fullmatch(word)
        if found:
            version = ".".join(str(int(part)) for part in found[1].split("."))
            break
    counter = _COUNTER.search(match[1])
    number, total = (int(counter[1]), int(counter[2])) if counter else (None, None)
    return PatchSubject(words, version, number, total, match[2])


# --- bots -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BotList:
    """Senders whose replies are automated: shell-style patterns, case-insensitive, each
    matched against the address and against the display name."""

    patterns: tuple[str, ...] = ()

    def __contains__(self, person: object) -> bool:
        if not isinstance(person, Person):
            return False
        return _is_bot(self.patterns, person.email.lower(), person.name.lower())


def _is_bot(patterns: tuple[str, ...], email: str, name: str) -> bool:
    return any(
        fnmatch.fnmatchcase(email, p) or (name and fnmatch.fnmatchcase(name, p)) for p in patterns
    )


def shipped_bots() -> BotList:
    """The shipped list (`data/list-bots.toml`): test robots, syzbot, patchwork and the
    "applied" notifiers."""
    text = shipped("list-bots.toml").read_text(encoding="utf-8")
    return BotList(tuple(p.lower() for p in tomllib.loads(text)["bots"]))


# --- the archive, threaded --------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """An archive's messages (one per Message-ID) with what each one is: patch message,
    series, reply. Built once by `thread`; every range is counted from it."""

    messages: tuple[MessageRecord, ...]
    senders: tuple[str, ...]
    """Each message's sender key: lowercased `From:` address, through the identity map."""
    bots: tuple[bool, ...]
    patches: tuple[PatchSubject | None, ...]
    series: tuple[int, ...]
    """For a patch message, the index of the message that starts its series; else -1."""
    answers: tuple[int, ...]
    """For a reply, the index of the patch message it answers; else -1."""
    duplicates: int
    """Messages left out because an earlier one had the same Message-ID."""
    identity: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def by_time(self) -> tuple[list[float], list[int]]:
        order = sorted(range(len(self.messages)), key=lambda i: self.messages[i].time)
        return [self.messages[i].time.timestamp() for i in order], order

    @cached_property
    def by_id(self) -> dict[str, int]:
        """Each message's index by its Message-ID."""
        return {m.message_id: i for i, m in enumerate(self.messages) if m.message_id}

    @cached_property
    def members(self) -> dict[int, list[int]]:
        """Each series' patch messages, by the index of the message that starts it."""
        found: dict[int, list[int]] = {}
        for i, root in enumerate(self.series):
            if root >= 0:
                found.setdefault(root, []).append(i)
        return found

    @cached_property
    def replies_to(self) -> dict[int, list[int]]:
        """Each series' replies, by the index of the message that starts it."""
        found: dict[int, list[int]] = {}
        for i, patch in enumerate(self.answers):
            if patch >= 0:
                found.setdefault(self.series[patch], []).append(i)
        return found

    @cached_property
    def start(self) -> datetime | None:
        """The oldest message's time: where the archive begins."""
        return min((m.time for m in self.messages), default=None)

    @cached_property
    def end(self) -> datetime | None:
        """The newest message's time: how far the archive goes."""
        return max((m.time for m in self.messages), default=None)

    @cached_property
    def spans(self) -> tuple[tuple[datetime, datetime], ...]:
        """The stretches of time the archives cover, oldest first: from each message to the
        next, unless the silence between them is a gap (see `GAP_DAYS`, `GAP_PACE`)."""
        stamps = self.by_time[0]
        if not stamps:
            return ()
        silences = [b - a for a, b in pairwise(stamps)]
        limit = max(GAP_DAYS * 86400, GAP_PACE * (nearest_rank(silences, 50) or 0))
        found = []
        start = stamps[0]
        for a, b in pairwise(stamps):
            if b - a > limit:
                found.append((start, a))
                start = b
        found.append((start, stamps[-1]))
        return tuple((_utc(a), _utc(b)) for a, b in found)

    def coverage(self, since: datetime | None, until: datetime | None) -> str:
        """`full`: one stretch of the archives (`spans`) holds the whole range (an unbounded
        end is the archives' own); `none`: no stretch reaches into it; else `partial`."""
        spans = self.spans
        if not spans:
            return "none"
        low = spans[0][0] if since is None else since
        high = spans[-1][1] if until is None else until
        reaching = [(a, b) for a, b in spans if a < high and b >= low]
        if not reaching:
            return "none"
        return "full" if any(a <= low and b >= high for a, b in reaching) else "partial"

    def key(self, person: Person) -> str:
        return self.identity.get(person.key, person.key)

    def in_range(self, since: datetime | None, until: datetime | None) -> list[int]:
        """The messages with `since <= time < until`, oldest first."""
        stamps, order = self.by_time
        start = 0 if since is None else bisect_left(stamps, since.timestamp())
        end = len(order) if until is None else bisect_left(stamps, until.timestamp())
        return order[start:end]


def thread(
    records: Iterable[MessageRecord],
    identity: Mapping[str, str] | None = None,
    bots: BotList = BotList(),
) -> Thread:
    """`records` (every archive's, each in the order it received them) as one `Thread`.
    `identity` maps lowercased addresses to the person's (mailmapped) address."""
    identity = dict(identity or {})
    messages: list[MessageRecord] = []
    by_id: dict[str, int] = {}
    seen: set[str] = set()
    duplicates = 0
    for record in records:
        # Once per Message-ID; without one, once per archive commit (an archive read twice).
        key = f"<{record.message_id}>" if record.message_id else record.commit
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if record.message_id:
            by_id[record.message_id] = len(messages)
        messages.append(record)
    senders = tuple(identity.get(m.sender.key, m.sender.key) for m in messages)
    patches = tuple(None if m.problem else patch_subject(m.subject) for m in messages)
    flags = tuple(m.sender in bots for m in messages)
    series = _series(messages, senders, patches, by_id)
    answers = tuple(
        -1 if patches[i] is not None else _answered(m, by_id, patches, i)
        for i, m in enumerate(messages)
    )
    return Thread(tuple(messages), senders, flags, patches, series, answers, duplicates, identity)


def _utc(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


def _parent(message: MessageRecord) -> str | None:
    if message.in_reply_to is not None:
        return message.in_reply_to
    return message.references[-1] if message.references else None


def _series(
    messages: Sequence[MessageRecord],
    senders: Sequence[str],
    patches: Sequence[PatchSubject | None],
    by_id: Mapping[str, int],
) -> tuple[int, ...]:
    def parent(i: int) -> int:
        j = by_id.get(_parent(messages[i]) or "", -1)
        this, that = patches[i], patches[j] if j >= 0 else None
        if j == i or this is None or that is None:
            return -1
        return j if senders[j] == senders[i] and that.version == this.version else -1

    root = [-1] * len(messages)
    for i, patch in enumerate(patches):
        if patch is None or root[i] >= 0:
            continue
        chain: list[int] = []
        seen: set[int] = set()
        j = i
        while True:
            if root[j] >= 0:
                found = root[j]
                break
            if j in seen:  # a loop of replies: its oldest message starts it
                loop = chain[chain.index(j) :]
                found = min(loop, key=lambda k: _order(messages[k]))
                break
            chain.append(j)
            seen.add(j)
            up = parent(j)
            if up < 0:
                found = j
                break
            j = up
        for k in chain:
            root[k] = found
    return tuple(root)


def _order(message: MessageRecord) -> tuple[datetime, str, str]:
    """Oldest first, then by Message-ID and commit: an order the archive's does not change."""
    return message.time, message.message_id or "", message.commit


def _answered(
    message: MessageRecord,
    by_id: Mapping[str, int],
    patches: Sequence[PatchSubject | None],
    index: int,
) -> int:
    named = [message.in_reply_to] if message.in_reply_to else []
    named += reversed(message.references)
    for mid in named:
        j = by_id.get(mid, -1)
        if j >= 0 and j != index and patches[j] is not None:
            return j
    return -1


# --- scopes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which patch messages a count is about (see the module docstring)."""

    tag: str | None = None
    """Only patch messages whose bracket holds this word."""
    exclude_tags: tuple[str, ...] = ()
    """Series one of whose messages holds one of these words do not count."""
    pathspecs: tuple[str, ...] = ()
    """Only series one of whose messages' diffs touches these paths (empty: any)."""

    @property
    def label(self) -> str:
        parts = [f"patch messages tagged {self.tag}"] if self.tag else []
        if self.exclude_tags:
            parts.append("series tagged neither " + " nor ".join(self.exclude_tags))
        if self.pathspecs:
            parts.append("touching the selection's paths")
        return "; ".join(parts) or "every patch message"


class _Kept:
    """Which patch messages and series of `thread` are in `scope`, decided as asked."""

    def __init__(self, thread: Thread, scope: Scope) -> None:
        self.thread = thread
        self.scope = scope
        self.exclude = {w.lower() for w in scope.exclude_tags}
        self._series: dict[int, bool] = {}
        self._roots: dict[int, bool] = {}

    def series_ok(self, root: int) -> bool:
        known = self._series.get(root)
        if known is None:
            t = self.thread
            members = t.members.get(root, [])
            known = not any(
                self.exclude.intersection(p.words) for i in members if (p := t.patches[i])
            ) and (
                not self.scope.pathspecs
                or any(any_inside(self.scope.pathspecs, t.messages[i].paths) for i in members)
            )
            self._series[root] = known
        return known

    def message(self, i: int) -> bool:
        patch = self.thread.patches[i]
        if patch is None:
            return False
        if self.scope.tag is not None and not patch.holds(self.scope.tag):
            return False
        return self.series_ok(self.thread.series[i])

    def series(self, root: int) -> bool:
        """A series counts when one of its messages is kept."""
        known = self._roots.get(root)
        if known is None:
            members = self.thread.members.get(root, [])
            known = self._roots[root] = any(self.message(i) for i in members)
        return known

    def reply(self, i: int) -> bool:
        patch = self.thread.answers[i]
        return patch >= 0 and self.message(patch)


# --- one range --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchReview:
    """The series of one architecture (by the paths of the series' diffs) in a range."""

    name: str
    series: int
    reviewed_series: int
    reviewed_share: float | None
    median_hours_to_review: float | None


@dataclass(frozen=True)
class ReviewStats:
    """One range of a list archive under one scope."""

    since: str | None
    until: str | None
    scope: str
    messages: int
    """Every message of the range, whatever the scope."""
    patch_messages: int
    cover_letters: int
    patches: int
    series: int
    replies: int
    bot_replies: int
    posters: int
    reviewed_series: int
    reviewed_share: float | None
    median_hours_to_review: float | None
    """From the series' first message to its first reply by someone else (not a bot)."""
    unanswered: int
    """Series without a reply from someone else within `ANSWER_DAYS` days..."""
    answer_checked: int
    """...of the series posted at least that long before the archive's newest message."""
    tags_given: dict[str, int]
    top_list_reviewers: list[Ranked]
    review_hours: list[float]
    """Hours to the first review of each reviewed series, oldest series first (so that
    several ranges' medians can be pooled)."""
    unparseable: int
    unparseable_commits: list[str]
    undated: int
    """Messages of the range whose time is their commit's, for want of a usable `Date:`."""
    coverage: str
    """How much of the range the archives cover: `full`, `partial` or `none` (`Thread.spans`)."""
    architectures: list[ArchReview] = field(default_factory=list)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def review_range(
    thread: Thread,
    since: datetime | None,
    until: datetime | None,
    scope: Scope = Scope(),
    arch_map: ArchMap | None = None,
) -> ReviewStats:
    """The numbers of one range (`since <= time < until`; None: unbounded)."""
    kept = _Kept(thread, scope)
    msgs = thread.messages
    chosen = thread.in_range(since, until)
    patch_messages = [i for i in chosen if kept.message(i)]
    covers = sum(1 for i in patch_messages if (p := thread.patches[i]) and p.cover)
    roots = [i for i in chosen if thread.series[i] == i and kept.series(i)]
    replies = [i for i in chosen if kept.reply(i)]
    first = {r: _first_review(thread, kept, r) for r in roots}
    reviewed = [r for r in roots if first[r] is not None]
    end = thread.end
    window = timedelta(days=ANSWER_DAYS)
    checked = [r for r in roots if end is not None and msgs[r].time + window <= end]
    unanswered = [r for r in checked if (f := first[r]) is None or f >= msgs[r].time + window]
    tags: Counter[str] = Counter()
    for i in replies:
        tags.update(t.key for t in msgs[i].tags)
    bad = [i for i in chosen if msgs[i].problem]
    hours = _hours(thread, first, reviewed)
    return ReviewStats(
        since=_iso(since),
        until=_iso(until),
        scope=scope.label,
        messages=len(chosen),
        patch_messages=len(patch_messages),
        cover_letters=covers,
        patches=len(patch_messages) - covers,
        series=len(roots),
        replies=len(replies),
        bot_replies=sum(1 for i in replies if thread.bots[i]),
        posters=len({thread.senders[i] for i in patch_messages} - {""}),
        reviewed_series=len(reviewed),
        reviewed_share=share(len(reviewed), len(roots)),
        median_hours_to_review=_median(hours),
        unanswered=len(unanswered),
        answer_checked=len(checked),
        tags_given={key: tags[key] for key in LIST_TAGS},
        top_list_reviewers=list_reviewers(thread, kept, replies),
        review_hours=hours,
        unparseable=len(bad),
        unparseable_commits=[msgs[i].commit for i in bad],
        undated=sum(1 for i in chosen if not msgs[i].dated),
        coverage=thread.coverage(since, until),
        architectures=_arch_reviews(thread, arch_map, roots, first) if arch_map else [],
    )


def _reviews(thread: Thread, root: int, reply: int) -> bool:
    """Whether `reply` counts as review of the series `root`: someone else, not a bot."""
    sender = thread.senders[reply]
    return bool(sender) and sender != thread.senders[root] and not thread.bots[reply]


def _first_review(thread: Thread, kept: _Kept, root: int) -> datetime | None:
    times = [
        thread.messages[i].time
        for i in thread.replies_to.get(root, [])
        if kept.reply(i) and _reviews(thread, root, i)
    ]
    return min(times, default=None)


def _hours(
    thread: Thread, first: Mapping[int, datetime | None], roots: Sequence[int]
) -> list[float]:
    """Hours from each series' first message to its first review reply, to 0.1 h."""
    hours = []
    for r in roots:
        reply = first[r]
        if reply is not None:
            hours.append(round((reply - thread.messages[r].time).total_seconds() / 3600, 1))
    return hours


def _median(values: Sequence[float]) -> float | None:
    return nearest_rank(values, 50)


def list_reviewers(thread: Thread, kept: _Kept, replies: Iterable[int]) -> list[Ranked]:
    """Per address, the distinct series of others it replied to (bots left out), by count,
    then address; each under its most used `From:` name."""
    series: dict[str, set[int]] = {}
    names: dict[str, Counter[str]] = {}
    for i in replies:
        root = thread.series[thread.answers[i]]
        if not kept.reply(i) or not _reviews(thread, root, i):
            continue
        who = thread.senders[i]
        series.setdefault(who, set()).add(root)
        names.setdefault(who, Counter())[thread.messages[i].sender.name] += 1
    counts = {who: len(roots) for who, roots in series.items()}
    return [Ranked(most_common(names[who]), who, n) for who, n in by_count(counts)]


def _arch_reviews(
    thread: Thread,
    arch_map: ArchMap,
    roots: Sequence[int],
    first: Mapping[int, datetime | None],
) -> list[ArchReview]:
    per_arch: dict[str, list[int]] = {}
    for r in roots:
        paths = [p for i in thread.members.get(r, []) for p in thread.messages[i].paths]
        for arch in arch_map.arches_of(paths):
            per_arch.setdefault(arch, []).append(r)
    rows = []
    for name in arch_map.names:
        mine = per_arch.get(name, [])
        reviewed = [r for r in mine if first[r] is not None]
        rows.append(
            ArchReview(
                name=name,
                series=len(mine),
                reviewed_series=len(reviewed),
                reviewed_share=share(len(reviewed), len(mine)),
                median_hours_to_review=_median(_hours(thread, first, reviewed)),
            )
        )
    return rows


# --- posted patches and the commits they became -----------------------------------------------


@dataclass(frozen=True)
class CommitLinks:
    """How a range's commits were posted: each linked to the patch message it was applied
    from, by its trailers first, by its subject and author second."""

    commits: int
    posted: int
    """Commits linked to a patch message posted before the range's end."""
    posted_share: float | None
    merged_series: int
    """Distinct series whose patches became commits (the last version posted per commit)."""
    median_versions: float | None
    """Versions of a commit's patch posted before it, median over the posted commits."""
    max_versions: int | None
    median_days_to_commit: float | None
    """From the first posting of a commit's patch to the commit, median."""
    versions: dict[str, int] = field(default_factory=dict)
    """Posted commits by the number of versions posted (`"1"`, `"2"`, ...)."""
    methods: dict[str, int] = field(default_factory=dict)
    """Posted commits by the method that linked them (`TRAILER` first, then `SUBJECT`)."""
    method_shares: dict[str, float | None] = field(default_factory=dict)
    """Each method's posted commits as a share of the commits: its rate."""
    by_method: dict[str, int] = field(default_factory=dict)
    """Commits each method links on its own (a commit both link counts for both)."""
    disagreements: int = 0
    """Commits both methods link, to different patch messages."""
    named: int = 0
    """Commits whose trailers name a message id at all (found in the archives or not)."""
    linked: dict[str, list[str]] = field(default_factory=dict)
    """Per posted commit: the method and the Message-ID of the patch it is linked to."""


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _Posted:
    """The kept patches (not cover letters) of `thread` posted before `until`, found by the
    message id a trailer names or by title and author."""

    def __init__(self, thread: Thread, scope: Scope, until: datetime | None) -> None:
        self.thread = thread
        self.until = until
        self.kept = _Kept(thread, scope)
        self.by_title: dict[tuple[str, str], list[int]] = {}
        for i, patch in enumerate(thread.patches):
            if self._usable(i) and patch is not None and not patch.cover:
                self.by_title.setdefault(self._key(i), []).append(i)

    def _usable(self, i: int) -> bool:
        time = self.thread.messages[i].time
        return self.kept.message(i) and (self.until is None or time < self.until)

    def _key(self, i: int) -> tuple[str, str]:
        """A patch's title and author (its in-body `From:`, else its sender; mapped)."""
        message, patch = self.thread.messages[i], self.thread.patches[i]
        author = self.thread.key(message.author) if message.author else self.thread.senders[i]
        return (patch.title if patch else "", author)

    def by_subject(self, commit: LinkCommit) -> list[int]:
        return self.by_title.get((_collapse(commit.subject), commit.author), [])

    def by_trailer(self, commit: LinkCommit) -> int | None:
        """The patch a trailer of `commit` names: the message itself, or, when it names a
        cover letter, the patch of its series with the commit's subject."""
        for mid in commit.message_ids:
            i = self.thread.by_id.get(mid, -1)
            patch = self.thread.patches[i] if i >= 0 else None
            if patch is None or not self._usable(i):
                continue
            if not patch.cover:
                return i
            title = _collapse(commit.subject)
            for j in self.thread.members.get(self.thread.series[i], []):
                other = self.thread.patches[j]
                if other and not other.cover and other.title == title and self._usable(j):
                    return j
        return None

    def versions_of(self, i: int) -> list[int]:
        """Every posting of patch `i`: the patches of its title and author, oldest first."""
        found = set(self.by_title.get(self._key(i), [])) | {i}
        return sorted(found, key=lambda j: _order(self.thread.messages[j]))


def link_commits(
    thread: Thread, commits: Sequence[LinkCommit], scope: Scope, until: datetime | None = None
) -> CommitLinks:
    """Each commit linked to the kept patch (not a cover letter) it was applied from, posted
    before `until` (the release: a later posting, such as a stable backport, is not what was
    merged): the message a `Link:` or `Message-Id:` trailer of the commit names (or the patch
    of the commit's subject in the series whose cover letter it names); else the patches
    whose title equals its subject (whitespace collapsed) and whose author (a patch's in-body
    `From:`, else its sender) is its author, mailmapped, the last posted being the one
    applied. A commit's date does not limit it: maintainers often commit their own patch
    before they post it."""
    posted = _Posted(thread, scope, until)
    versions: list[int] = []
    days: list[float] = []
    series: set[int] = set()
    methods: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    disagreements = 0
    linked: dict[str, list[str]] = {}
    for commit in commits:
        exact = posted.by_trailer(commit)
        similar = posted.by_subject(commit)
        alone.update([TRAILER] * (exact is not None) + [SUBJECT] * bool(similar))
        if exact is not None and similar and exact not in similar:
            disagreements += 1
        if exact is not None:
            method, found = TRAILER, posted.versions_of(exact)
            applied = exact
        elif similar:
            method, found = SUBJECT, posted.versions_of(similar[0])
            applied = found[-1]
        else:
            continue
        methods[method] += 1
        linked[commit.hash] = [method, thread.messages[applied].message_id or ""]
        versions.append(len({p.version for i in found if (p := thread.patches[i])}))
        days.append((commit.time - thread.messages[found[0]].time).total_seconds() / 86400)
        series.add(thread.series[applied])
    median_versions = nearest_rank([float(v) for v in versions], 50)
    median_days = nearest_rank(days, 50)
    histogram = Counter(str(v) for v in versions)
    return CommitLinks(
        commits=len(commits),
        posted=len(versions),
        posted_share=share(len(versions), len(commits)),
        merged_series=len(series),
        median_versions=median_versions,
        max_versions=max(versions, default=None),
        median_days_to_commit=None if median_days is None else round(median_days, 1),
        versions=dict(sorted(histogram.items(), key=lambda kv: int(kv[0]))),
        methods={m: methods[m] for m in LINK_METHODS},
        method_shares={m: share(methods[m], len(commits)) for m in LINK_METHODS},
        by_method={m: alone[m] for m in LINK_METHODS},
        disagreements=disagreements,
        named=sum(1 for c in commits if c.message_ids),
        linked=linked,
    )
