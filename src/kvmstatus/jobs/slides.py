"""The year's talk: what each slide of the status-report deck says, from a project's documents.

The numbers are the documents' (the yearly comparison of `years.json`, the periods, the
review), the speaker notes are the story's sentences (`kvmstatus.story`), the charts are the
site's own Vega-Lite specs (`website.charts`), and the deck's medium (`kvmstatus.deck`)
lays them out as PPTX and HTML. Slides in the keynote's order: title, the year in numbers,
commits per release with the trend, top authors, reviewers and creators of fixes,
companies, architectures (the year, then the busiest ones), testing, review on the lists,
where the site is. Labels come from the project: nothing says KVM on a project that is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kvmstatus.deck.model import (
    Chart,
    ChartSlide,
    Deck,
    Link,
    Metric,
    NumbersSlide,
    Period,
    Slide,
    Table,
    TableSlide,
    TextSlide,
    TitleSlide,
    TwoPartSlide,
    Unit,
)
from kvmstatus.errors import UserError
from kvmstatus.git.repo import GitRepo
from kvmstatus.jobs.config import ProjectConfig, default_title
from kvmstatus.mine.releases import release_list
from kvmstatus.mine.selection import Selection
from kvmstatus.model.documents import (
    ArchDocument,
    PeriodDocument,
    PersonCount,
    ReviewDocument,
    SpanDocument,
    YearsDocument,
)
from kvmstatus.model.periods import YEAR_LABELS
from kvmstatus.model.trailers import LIST_TAGS
from kvmstatus.shared.formats import fmt_int, fmt_pct
from kvmstatus.shared.labels import COMMON, UNKNOWN
from kvmstatus.story.sentences import (
    architecture_sentence,
    authors_sentence,
    commits_sentence,
    headline_change,
    review_sentence,
    trailers_sentence,
    year_sentences,
)
from kvmstatus.website import charts
from kvmstatus.website.pages.common import (
    Context,
    archive_dates,
    people_lists,
    suite_of,
    year_story,
)

BUSIEST = 3
"""Architectures with a slide of their own."""
TOP = 10
"""Rows of a ranked table."""


@dataclass(frozen=True)
class Where:
    """Where the site is, for the closing slide (empty: no address is configured)."""

    site: str = ""


def _dates(span: SpanDocument) -> str:
    return f"{span['since'][:10]} to {span['until'][:10]}"


def _span_text(span: SpanDocument) -> str:
    if span["kind"] == "releases":
        return f"{span['start']}..{span['end']}"
    return _dates(span)


def numbers_metrics(ctx: Context) -> list[tuple[str, str, Unit]]:
    """The year-in-numbers rows: (name, row metric, unit), the keynote's list."""
    rows: list[tuple[str, str, Unit]] = [
        ("Commits (non-merge)", "commits", "count"),
        ("Authors", "authors", "count"),
        ("Merge share", "merge_share", "share"),
    ]
    rows += [
        (f"Commits with {k.title.rstrip(':')}", f"{k.row}_commits", "count")
        for k in ctx.headline_trailers
    ]
    rows += [
        ("Review coverage", "review_coverage", "share"),
        ("Median bug lifetime", "fixes_median_lifetime_days", "days"),
    ]
    return rows


def _number(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def numbers_slide(ctx: Context, years: YearsDocument) -> NumbersSlide:
    """The year against one and two years before, every number as `years.json` has it
    (which is what `kvmstatus year --json` prints)."""
    spans, rows = years["spans"], years["rows"]
    order = list(range(len(rows)))[::-1]  # oldest first reads as time passing
    story = year_story(ctx)
    assert story is not None
    metrics = []
    for name, key, unit in numbers_metrics(ctx):
        changes = years["changes"].get(key) or [None] * (len(rows) - 1)
        metrics.append(
            Metric(
                name=name,
                values=tuple(_number(rows[k].get(key)) for k in order),
                changes=tuple(changes[: len(rows) - 1]),
                unit=unit,
            )
        )
    notes = [s for s in (commits_sentence(story), authors_sentence(story)) if s]
    notes += [s for s in (trailers_sentence(story),) if s]
    notes.append(years["note"])
    return NumbersSlide(
        title=headline_change(story) or "The year in numbers",
        periods=tuple(Period(YEAR_LABELS[k], _span_text(spans[k])) for k in order),
        metrics=tuple(metrics),
        change_labels=tuple(f"vs {YEAR_LABELS[k]}" for k in range(1, len(rows))),
        subtitle=f"Each period a year ({_dates(spans[0])} the last); changes: this year "
        "against each",
        notes=tuple(notes),
    )


def _people_rows(rows: Sequence[PersonCount]) -> tuple[tuple[str | int, ...], ...]:
    return tuple((i, _who(r), r["count"]) for i, r in enumerate(rows[:TOP], 1))


def people_slide(
    last: PeriodDocument, key: str, column: str, verb: str, period: str
) -> TableSlide | None:
    rows = people_lists(last).get(key, [])
    if not rows:
        return None
    top = rows[0]
    name = _who(top)
    notes = [f"{name} {verb}, with {fmt_int(top['count'])}."]
    if len(rows) > 1:
        after = ", ".join(f"{_who(r)} ({fmt_int(r['count'])})" for r in rows[1:4])
        notes.append(f"Then {after}.")
    return TableSlide(
        title=f"{name} {verb} ({fmt_int(top['count'])})",
        table=Table(columns=("#", "Name", column), rows=_people_rows(rows)),
        subtitle=f"The last year, {period}: {fmt_int(len(rows))} people in all",
        notes=tuple(notes),
    )


def _who(row: PersonCount) -> str:
    return row["name"] or row["email"]


def _company_rows(rows: Sequence[tuple[str, int]]) -> tuple[tuple[str, int, str], ...]:
    total = sum(n for _, n in rows)
    return tuple((c, n, fmt_pct(round(n / total, 4) if total else None)) for c, n in rows[:TOP])


def companies_slide(last: PeriodDocument, period: str) -> TwoPartSlide | None:
    commits = [(c["company"], c["commits"]) for c in last["companies"]]
    reviews = [(c["company"], c["reviews"]) for c in last["review_companies"]]
    if not commits:
        return None
    leader = next((c for c in commits if c[0] != UNKNOWN), commits[0])
    total = sum(n for _, n in commits)
    title = f"{leader[0]} led the commits ({fmt_pct(round(leader[1] / total, 4))})"
    reviewer = next((c for c in reviews if c[0] != UNKNOWN), None)
    if reviewer is not None:
        title += f", {reviewer[0]} the reviews"
    notes = [
        f"{leader[0]} contributed {fmt_int(leader[1])} of the {fmt_int(total)} commits "
        f"({fmt_pct(round(leader[1] / total, 4))})."
    ]
    if reviewer is not None:
        notes.append(f"{reviewer[0]} gave the most Reviewed-by: {fmt_int(reviewer[1])}.")
    unknown = last.get("unknown_company_share")
    if unknown:
        notes.append(
            f"{fmt_pct(unknown)} of the commits are by authors the company map does not know."
        )
    return TwoPartSlide(
        title=title,
        left=Table(
            columns=("Company", "Commits", "Share"),
            rows=_company_rows(commits),
            heading="Commits by company",
        ),
        right=Table(
            columns=("Company", "Reviewed-by", "Share"),
            rows=_company_rows(reviews) or (("(none)", 0, None),),
            heading="Reviews by company",
        ),
        subtitle=f"The last year, {period}; by the author's or reviewer's email domain",
        notes=tuple(notes),
    )


def _busiest(arches: Sequence[ArchDocument]) -> list[ArchDocument]:
    return sorted(
        (a for a in arches if a["name"] != COMMON and a["commits"]),
        key=lambda a: (-a["commits"], a["name"]),
    )


def architecture_slides(ctx: Context, last: PeriodDocument, period: str) -> list[Slide]:
    busiest = _busiest(last["architectures"])
    if not busiest:
        return []
    first = busiest[0]
    year = ", ".join(
        f"{a['name']} {fmt_int(a['commits'])}"
        for a in sorted(last["architectures"], key=lambda a: (-a["commits"], a["name"]))
        if a["commits"]
    )
    slides: list[Slide] = [
        ChartSlide(
            title=f"{first['name']} was the busiest architecture ({fmt_int(first['commits'])} "
            "commits)",
            chart=Chart(
                charts.spec(charts.arch_commits(ctx.counted, ctx.arch_names, ctx.contexts)),
                alt="Commits per architecture per release",
                caption=f"The last year, {period}: {year}",
                show_title=False,
            ),
            notes=(
                architecture_sentence(last) or "",
                "A commit that touches several architectures counts for each.",
            ),
        )
    ]
    topics = ctx.years["topics"] if ctx.years else {}
    for arch in busiest[:BUSIEST]:
        marks = topics.get(arch["name"], [])
        reviewed = arch["trailers"]["Reviewed-by"]["commits"]
        top = arch["top_authors"][0] if arch["top_authors"] else None
        numbers: list[tuple[str | int | float | None, ...]] = [
            ("Commits", arch["commits"]),
            ("Authors", arch["authors"]),
            ("Reviewed-by share", fmt_pct(round(reviewed / arch["commits"], 4))),
        ]
        if top is not None:
            numbers.append(("Top author", f"{top['name'] or top['email']} ({top['count']})"))
        named = [m for m in marks if m["topic"] not in ("(general)", "(none)")]
        title = f"{arch['name']}: {fmt_int(arch['commits'])} commits"
        if named:
            title += f", {named[0]['topic']} the biggest topic"
        notes = [
            f"{arch['name']} had {fmt_int(arch['commits'])} commits from "
            f"{fmt_int(arch['authors'])} authors; {fmt_pct(round(reviewed / arch['commits'], 4))} "
            "carry a Reviewed-by."
        ]
        new = [m["topic"] for m in marks if m["new"]][:3]
        if new:
            notes.append(f"New topics this year: {', '.join(new)}.")
        slides.append(
            TwoPartSlide(
                title=title,
                left=Table(columns=("", "The last year"), rows=tuple(numbers), heading="Numbers"),
                right=Table(
                    columns=("Topic", "Commits", "Against the year before"),
                    rows=tuple(
                        (
                            m["topic"],
                            m["commits"],
                            "new" if m["new"] else f"+{m['growth']}" if m["growth"] else "",
                        )
                        for m in marks[:TOP]
                    )
                    or (("(no topic)", 0, ""),),
                    heading="Topics",
                ),
                notes=tuple(notes),
            )
        )
    return slides


def testing_slide(ctx: Context, last: PeriodDocument, period: str) -> Slide | None:
    """The test suites per architecture: the project's own (its mapping's test paths; the
    whole project when it is one) and, in the notes, the companion projects."""
    name, paths = suite_of(ctx.settings)
    testing = last.get("testing", {})
    rows = [(arch, testing[arch]) for arch in ctx.arch_names if testing.get(arch)]
    if paths == [] or not rows:
        return None
    busiest = max(rows, key=lambda r: (r[1], r[0]))
    whole = paths == ["**"]
    notes = [
        (
            f"The whole of {ctx.project['project']} is a test suite: "
            if whole
            else f"{name} commits per architecture: "
        )
        + ", ".join(f"{a} {fmt_int(n)}" for a, n in rows)
        + "."
    ]
    for _, data in sorted(ctx.companions.items()):
        window = data.windows[-1]
        notes.append(
            f"{data.project['project']}: {fmt_int(window['commits'])} commits in its latest "
            f"window ({window['range']})."
        )
    return ChartSlide(
        title=f"{name}: most test commits for {busiest[0]} ({fmt_int(busiest[1])} in the year)",
        chart=Chart(
            charts.spec(charts.testing_activity(ctx.counted, ctx.arch_names, ctx.contexts)),
            alt=f"{name} commits per architecture per release",
            caption=f"The last year, {period}: " + ", ".join(f"{a} {fmt_int(n)}" for a, n in rows),
            show_title=False,
        ),
        notes=tuple(notes),
    )


def review_slide(ctx: Context, period: str) -> Slide | None:
    main = ctx.main_review
    if main is None:
        return None
    year: ReviewDocument | None = main.periods[0] if main.periods else None
    story = year_story(ctx)
    if year is None or year.get("coverage") == "none" or not year.get("series"):
        dates = archive_dates(main.summary)
        covered = f"{dates[0][:10]} to {dates[1][:10]}" if dates else "no dated message"
        return TextSlide(
            title="The list archives do not cover this year",
            bullets=(
                f"The archives read cover {covered}.",
                "Review on the list is counted only where an archive holds the year's messages.",
            ),
            notes=((review_sentence(story) if story else None) or "No list numbers this year.",),
        )
    rows: list[tuple[str, str | int | float | None]] = [
        ("Series posted", year["series"]),
        ("Series reviewed on the list", fmt_pct(year["reviewed_share"])),
        (
            "Median hours to the first review",
            None if year["median_hours_to_review"] is None else year["median_hours_to_review"],
        ),
        *(
            (
                f"{k} on the list / in commits",
                f"{year['tags_given'].get(k, 0):,} / {year['commit_tags'].get(k, 0):,}",
            )
            for k in LIST_TAGS
        ),
    ]
    reviewers = year.get("top_list_reviewers", [])
    title = f"{fmt_pct(year['reviewed_share'])} of the series were reviewed on the list"
    if year.get("coverage") == "partial":
        title += " (part of the year)"
    return TwoPartSlide(
        title=title,
        left=Table(columns=("", "The last year"), rows=tuple(rows), heading="On the list"),
        right=Table(
            columns=("#", "List reviewer", "Series"),
            rows=_people_rows(reviewers) or ((1, "(none)", 0),),
            heading="Who reviewed others' series",
        ),
        subtitle=f"{period}; {main.summary.get('scope', '')}",
        notes=((review_sentence(story) if story else None) or title,),
    )


def uneven_note(ctx: Context) -> list[str]:
    """When release windows differ in length by more than 2x: say so, with their range."""
    contexts = ctx.data.releases["releases"] if ctx.data.releases else []
    days = [c["days"] for c in contexts if c["days"] and c["release"] in ctx.project["counted"]]
    if not contexts or not contexts[-1]["uneven"] or not days:
        return []
    return [
        f"Careful: release windows ran from {min(days):,.0f} to {max(days):,.0f} days, so a "
        "short window looks like a drop; commits per month compare them fairly."
    ]


def year_deck(ctx: Context, where: Where = Where()) -> Deck:
    """The talk of the last year, from `ctx`'s documents (a `UserError` is the caller's:
    a history without a year has nothing to present)."""
    years, last = ctx.years, ctx.last_year
    if years is None or last is None:
        raise ValueError("the history holds no year to present")
    title = ctx.project["title"]
    span = years["spans"][0]
    period = _dates(span)
    story = year_story(ctx)
    assert story is not None
    releases = span["releases"]
    slides: list[Slide] = [
        TitleSlide(
            title=title,
            subtitle=f"The year {period}",
            lines=(
                (
                    f"Releases {releases[0]} to {releases[-1]}"
                    if len(releases) > 1
                    else f"Release {releases[0]}"
                )
                if releases
                else _span_text(span),
                f"Edition of {ctx.project['as_of']}, from {ctx.project['project']}'s git history",
            ),
            notes=tuple(year_sentences(story)[:2]),
        ),
        numbers_slide(ctx, years),
    ]
    trend = ctx.project.get("trend")
    if trend:
        slope = float(trend["slope"])
        slides.append(
            ChartSlide(
                title=f"Commits per release: {slope:+,.1f} a release over {trend['n']} releases",
                chart=Chart(
                    charts.spec(charts.commits_per_release(ctx.counted, trend, ctx.contexts)),
                    alt=f"Bars: non-merge commits per release; dashed: the least-squares trend "
                    f"of {slope:+,.1f} commits per release",
                    caption=f"Least-squares trend, r\u00b2 = {float(trend['r2']):.2f}",
                    show_title=False,
                ),
                notes=(
                    f"Since {ctx.counted[0]['release']}, the trend is {slope:+,.1f} commits per "
                    f"release (r squared {float(trend['r2']):.2f}).",
                    *uneven_note(ctx),
                    *(s for s in (commits_sentence(story),) if s),
                ),
            )
        )
    for key, column, verb in (
        ("top_authors", "Commits", "wrote the most commits"),
        ("top_reviewers", "Reviewed-by", "gave the most Reviewed-by"),
        ("top_fixers", "Fixes", "created the most fixes"),
    ):
        slide = people_slide(last, key, column, verb, period)
        if slide is not None:
            slides.append(slide)
    company = companies_slide(last, period)
    if company is not None:
        slides.append(company)
    slides += architecture_slides(ctx, last, period)
    for made in (testing_slide(ctx, last, period), review_slide(ctx, period)):
        if made is not None:
            slides.append(made)
    site = where.site.rstrip("/")
    bullets: list[str | Link] = (
        [
            Link("The report, every number and chart:", f"{site}/"),
            Link("How each number is counted, with its git command:", f"{site}/methodology.html"),
            Link("The data, as CSV and JSON:", f"{site}/data/index.html"),
        ]
        if site
        else ["The report's site: every number and chart, and the git command behind each."]
    )
    bullets.append("Made by kvmstatus from the project's git history: no number typed by hand.")
    slides.append(
        TextSlide(
            title="Every number is on the site, with the git command behind it",
            bullets=tuple(bullets),
            notes=("Thank you. The site has every number of this talk, and how it was counted.",),
        )
    )
    return Deck(
        title=title,
        subtitle=f"The year {period}",
        edition=str(ctx.project["as_of"]),
        slides=tuple(slides),
    )


# --- the deck of a data directory, of a configuration, of a repository -------------------------

SLIDES_PAGE = "slides.html"
"""Where the HTML deck is on the site."""


def deck_name(title: str) -> str:
    """The PPTX file's name for a deck titled `title`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "status-report"
    return f"{slug}.pptx"


def site_slides(base_url: str) -> Callable[[Context], dict[str, bytes]]:
    """The slides an edition carries (`website.build.Attachments`): the HTML deck and the
    PPTX, or nothing when the history holds no year yet."""

    def attachments(ctx: Context) -> dict[str, bytes]:
        if ctx.years is None or not ctx.periods:
            return {}
        from kvmstatus.deck.html_file import html_text
        from kvmstatus.deck.pptx_file import pptx_bytes

        deck = year_deck(ctx, Where(base_url))
        return {
            SLIDES_PAGE: html_text(deck).encode("utf-8"),
            f"slides/{deck_name(deck.title)}": pptx_bytes(deck),
        }

    return attachments


def _titled(ctx: Context, title: str | None) -> Context:
    if not title:
        return ctx
    data = replace(ctx.data, project=ctx.data.project | {"title": title})
    return replace(ctx, data=data)


def deck_of_data(data: Path, base_url: str = "", title: str | None = None) -> Deck:
    """The deck of a data directory as a run leaves it (its newest year)."""
    from kvmstatus.website.build import read_context

    ctx = _titled(read_context(data), title)
    if ctx.years is None or not ctx.periods:
        raise UserError(
            f"{data}: the history holds no year yet, so there is no talk of the year to make"
        )
    return year_deck(ctx, Where(base_url))


def deck_of_repo(
    repo: GitRepo,
    project: ProjectConfig,
    settings: Mapping[str, object],
    end: str | None,
    cycles: int | None,
    title: str | None = None,
) -> Deck:
    """The deck of the year ending at the release `end` (default: the newest) of `project`
    (`settings`: how it is counted, `jobs.steps.project_settings`), computed in memory from
    `repo` (no data directory, no list)."""
    from kvmstatus.analyse.affiliations import load_affiliations
    from kvmstatus.analyse.architectures import load_arch_map
    from kvmstatus.jobs.dataset import assemble
    from kvmstatus.jobs.window import history, year_periods
    from kvmstatus.model.releases import Releases

    found = release_list(repo, project.release_pattern, project.since)
    names = [w.name for w in found.windows]
    end = end or names[-1]
    if end not in names:
        raise UserError(
            f"--end {end!r} is not one of the release tags matching {project.release_pattern!r}"
            + (f" from {project.since}" if project.since else "")
            + f" (the last is {names[-1]})"
        )
    upto = Releases(found.windows[: names.index(end) + 1], found.tags, found.skipped)
    arch_map = load_arch_map(project.architectures)
    affiliations = load_affiliations([Path(p) for p in project.affiliations])
    chosen = Selection(paths=project.paths, subsystem=project.subsystem, origin=project.origin)
    docs = history(repo, upto, chosen, arch_map, affiliations, 0, project.stable_lists)
    years = year_periods(
        repo,
        end,
        cycles,
        project.release_pattern,
        chosen,
        arch_map,
        affiliations,
        0,
        project.stable_lists,
        project.since,
        project.count_initial_window,
    )
    label = title or default_title(project.display_name, project.paths, project.subsystem)
    data = assemble(label, project.display_name, docs, settings, years)
    return year_deck(Context(data))


def write_deck(deck: Deck, pptx: Path, html: Path | None = None) -> list[Path]:
    """Write the deck as PPTX (and as one HTML file); the paths written."""
    from kvmstatus.deck.html_file import write_html
    from kvmstatus.deck.pptx_file import write_pptx

    written = [write_pptx(deck, pptx)]
    if html is not None:
        written.append(write_html(deck, html))
    return written
