"""The JSON documents of the data directory, typed: what the computing stages hand to the site.

Each document is written by `kvmstatus.store` as sorted JSON and read back verified; these
types say which keys it has, so a renamed key is an error mypy reports in every reader, not a
blank cell a reader finds. The shapes follow what the analysis makes (`analyse.window`,
`analyse.periods`, `analyse.review`) after `store.documents.plain`: tuples become lists,
dates ISO text.

    WindowDocument   one release window's tables (`windows/<release>.json`)
    PeriodDocument   one yearly period's tables: a window's shape plus its `span`
    YearsDocument    the yearly comparison: the periods' spans, rows, changes, topics
    ReleasesDocument each release against the ones before it (`releases.json`)
    ProjectDocument  the project: releases, trend, settings (`project.json`)
    ReviewDocument   the review on the lists of one window or period
    ReviewIndex      the lists read for a project (`review/index.json`)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NotRequired, TypedDict

Row = dict[str, str | int | float | None]
"""Every scalar metric of one window or period, flat (`analyse.row.window_row`)."""


class PersonCount(TypedDict):
    """One line of a ranked people list: mailmapped email, its most used name, a count."""

    name: str
    email: str
    count: int
    commit_tags: NotRequired[int]
    """List reviewers only: the tags of the window's commits that name them."""


class TrailerCount(TypedDict):
    commits: int
    """Commits carrying the trailer at least once."""
    lines: int
    """Distinct (key, value) pairs, summed over the commits."""


class ArchDocument(TypedDict):
    """One architecture's share of a window (`analyse.architectures.ArchStats`)."""

    name: str
    commits: int
    authors: int
    trailers: dict[str, TrailerCount]
    top_authors: list[PersonCount]


class CompanyCommits(TypedDict):
    company: str
    commits: int


class CompanyReviews(TypedDict):
    company: str
    reviews: int


class TopicCount(TypedDict):
    topic: str
    commits: int


class MarkedTopicDocument(TypedDict):
    """A topic of a period, marked against the period before (`analyse.periods.marked`)."""

    topic: str
    commits: int
    new: bool
    """No commit had this topic in the period before (never set without one)."""
    growth: int | None
    """Commits more than in the period before, for the topics that grew the most."""


class FixesDocument(TypedDict):
    """A window's `Fixes:` numbers (`analyse.fixes.FixesSummary`)."""

    lines: int
    valid: int
    invalid: int
    problems: list[tuple[str, int]]
    resolved: int
    in_selection: int
    same_release: int
    median_lifetime_days: float | None
    p90_lifetime_days: float | None
    introduced_in: list[tuple[str | None, int]]
    top_fixers: list[tuple[str, int]]
    top_fixed_authors: list[tuple[str, int]]


class FixFinding(TypedDict):
    """One `Fixes:` line with its provenance (`store.results`)."""

    commit: str
    author: str
    value: str
    problems: list[str]
    fixed_commit: str | None
    fixed_subject: str | None
    fixed_author: str | None
    introduced_in: str | None
    in_selection: bool | None
    lifetime_days: float | None
    releases_apart: int | None
    same_release: bool | None


class FixesRefDocument(TypedDict):
    commit: str
    author: str
    value: str
    quoted_hash: str | None
    quoted_subject: str | None
    truncated: bool


class InvalidFix(TypedDict):
    """An invalid `Fixes:` line (`model.records.FixesFinding` as plain data)."""

    ref: FixesRefDocument
    problems: list[str]


class MalformedTrailer(TypedDict):
    commit: str
    key: str
    value: str


class PullDocument(TypedDict):
    """A merge the window's path-limited log keeps (`analyse.merges.Pull`)."""

    hash: str
    subject: str
    kind: str
    refs: list[str]
    url: str | None
    tree: str
    parents: int
    architecture: str
    commits: int
    body: str


class TreeDocument(TypedDict):
    tree: str
    merges: int
    commits: int


def is_initial(window: Mapping[str, object]) -> bool:
    """Whether a window is all history up to the first release: its range has no start.
    It is not a release cycle (`analyse.periods.counted_windows`)."""
    return ".." not in str(window["range"])


class WindowDocument(TypedDict):
    """One release window (`store.results.window_document`)."""

    release: str
    date: str
    """The release commit's date, `YYYY-MM-DD`."""
    range: str
    """`A..B`, or `B` alone for the initial window (all history up to the first release)."""
    paths: list[str]
    commits: int
    merges: int
    authors: int
    trailers: dict[str, TrailerCount]
    row: Row
    review_coverage: float | None
    first_time_authors: int
    top_first_time_authors: list[PersonCount]
    top_authors: list[PersonCount]
    top_reviewers: list[PersonCount]
    top_ackers: list[PersonCount]
    top_testers: list[PersonCount]
    top_fixers: list[PersonCount]
    top_committers: list[PersonCount]
    bot_reported: dict[str, int]
    architectures: list[ArchDocument]
    companies: list[CompanyCommits]
    review_companies: list[CompanyReviews]
    unknown_company_share: float | None
    fixes: FixesDocument
    invalid_fixes: list[InvalidFix]
    fix_findings: list[FixFinding]
    malformed_trailers: list[MalformedTrailer]
    undecodable_commits: list[str]
    testing: dict[str, int]
    topics: list[TopicCount]
    arch_topics: dict[str, list[TopicCount]]
    pulls: list[PullDocument]
    trees: list[TreeDocument]
    applied_by_others: int


SpanKind = Literal["releases", "calendar"]


class SpanDocument(TypedDict):
    """What one yearly period covers (`model.periods.Span` as plain data)."""

    label: str
    """"this year", "1 year earlier", "2 years earlier"."""
    kind: SpanKind
    """`releases`: whole release cycles `start..end`; `calendar`: the commits reachable from
    `end` whose committer date is in (`since`, `until`]."""
    start: str | None
    end: str
    since: str
    """ISO time, exclusive."""
    until: str
    """ISO time, inclusive."""
    days: float
    releases: list[str]
    """The release windows inside the period (releases), or ending inside it (calendar)."""


class PeriodDocument(WindowDocument):
    """One yearly period's tables: computed like a window, over the period's commits."""

    span: SpanDocument


class TrendDocument(TypedDict):
    """The linear trend of commits per counted release (`shared.numbers.Trend`)."""

    slope: float
    intercept: float
    r2: float
    n: int


class YearsDocument(TypedDict):
    """The yearly comparison (`analyse.periods.compare_periods`): newest period first."""

    spans: list[SpanDocument]
    rows: list[Row]
    """Each period's row (the `row` of its `PeriodDocument`)."""
    changes: dict[str, list[float | None]]
    """For each numeric metric, the change in percent of the newest period against each
    earlier one (None where there is nothing to compare with)."""
    note: str
    """Why the periods are what they are (how they were chosen), for readers."""
    topics: dict[str, list[MarkedTopicDocument]]
    """The last year's topics per architecture, marked against the year before."""


class ReleaseContext(TypedDict):
    """One release window against the ones before it (`analyse.periods.release_contexts`)."""

    release: str
    previous: str | None
    """The counted window before it (None: the first, or the initial window)."""
    previous_commits: int | None
    since: str | None
    """The previous release's date, `YYYY-MM-DD`: where the window starts (None: the first)."""
    days: float | None
    """Days from the previous release to this one (None: no previous one)."""
    per_month: float | None
    """Commits per month (30.44 days) of the window."""
    vs_previous: dict[str, float | None]
    """Each count metric's change in percent against the previous counted window."""
    year_average: dict[str, float]
    """The last year's commits and merges per release: its period's, over the releases that
    end in it."""
    vs_year: dict[str, float | None]
    """Each of those metrics' change in percent against `year_average`."""
    year_per_month: float | None
    """Commits per month over the last year (its period)."""
    year_dates: list[str] | None
    """The last year's first and last day, `YYYY-MM-DD` (None: no last year), for saying
    which year the averages are of: on an old release's page, not the year before it."""
    uneven: bool
    """The counted windows' lengths differ by more than 2x: compare rates, not counts."""
    topics: dict[str, list[MarkedTopicDocument]]
    """Its topics per architecture, marked against the counted windows of the year before
    it, scaled to one window."""


class ReleasesDocument(TypedDict):
    """Every release window against the ones before it (`releases.json`)."""

    releases: list[ReleaseContext]


class Selection(TypedDict):
    paths: list[str]
    subsystem: str


class ProjectSettings(TypedDict):
    """How a project was counted (`jobs.steps.project_settings`)."""

    repository: str
    pattern: str | None
    windows: str
    since: str | None
    selection: Selection
    arch_map: str
    architectures: list[str]
    testing_paths: list[str] | None
    test_suite: str
    stable_lists: list[str]
    count_initial_window: bool


class ProjectDocument(TypedDict):
    """The project summary (`project.json`)."""

    schema: int
    title: str
    project: str
    releases: list[str]
    as_of: str | None
    trend: TrendDocument | None
    counted: list[str]
    """The releases whose windows make the trends (`analyse.periods.counted_windows`)."""
    settings: ProjectSettings
    synthetic: bool


class ArchReviewDocument(TypedDict):
    name: str
    series: int
    reviewed_series: int
    reviewed_share: float | None
    median_hours_to_review: float | None


class LinksDocument(TypedDict, total=False):
    """How many of the window's commits were posted to the lists first."""

    commits: int
    posted: int
    posted_share: float | None
    median_versions: float | None
    max_versions: int | None
    median_days_to_commit: float | None
    merged_series: int
    versions: dict[str, int]
    methods: dict[str, int]
    """Posted commits by how they were linked (`model.records.LINK_METHODS`)."""
    method_shares: dict[str, float | None]
    by_method: dict[str, int]
    disagreements: int
    named: int
    linked: dict[str, list[str]]
    """Per posted commit: the method and the Message-ID of its patch."""


Coverage = Literal["full", "partial", "none"]


class ReviewDocument(TypedDict):
    """The review on the lists of one window or period (`jobs.lists.window_review`)."""

    release: str
    range: str
    date: str
    since: str | None
    until: str | None
    scope: str
    coverage: Coverage
    messages: int
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
    unanswered: int
    answer_checked: int
    tags_given: dict[str, int]
    commit_tags: dict[str, int]
    top_list_reviewers: list[PersonCount]
    review_hours: list[float]
    unparseable: int
    unparseable_commits: list[str]
    undated: int
    architectures: list[ArchReviewDocument]
    links: LinksDocument
    span: NotRequired[SpanDocument]
    """A yearly period's review only: the period's span."""


class ArchiveDocument(TypedDict):
    name: str
    spec: str
    epochs: list[str]
    messages: int
    first: str | None
    last: str | None


class ReviewIndex(TypedDict):
    """The lists a project's review read (`review/index.json`)."""

    project: str
    scope: str
    list_tag: str | None
    archives: list[ArchiveDocument]
    bots: list[str]
    releases: list[str]
    messages: int
    duplicates: int
    first: str | None
    end: str | None
    spans: list[list[str | None]]
    """The stretches of time the archives cover, oldest first (a gap between two)."""
    unparseable: list[str]
    stamp: str
