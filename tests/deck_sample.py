"""A sample status-report deck built from `kvmstatus history --json`, for the deck's tests and
for looking at the slides as an audience would.

It is a stand-in for the real content mapping (which reads the report's documents): the
years here are runs of `cycles` release windows, counts are summed over them, review
coverage is weighted by commits, and top lists are merged by email. Good enough to fill
every kind of slide with real names, real numbers and the site's own charts.

    python tests/deck_sample.py --repo ../kvm-unit-tests.git --pattern '^v\\d{4}-\\d\\d-\\d\\d$' \\
        --paths . --arch-map kvm-unit-tests --cycles 2 --out /tmp/deck

writes `/tmp/deck/deck.pptx` and `/tmp/deck/deck.html` (`--history FILE` reads a saved
`history --json` instead of running it; `--fixture` writes the tests' made-up deck, hostile
names and layout edge cases included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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
)
from kvmstatus.shared.numbers import percent_change
from kvmstatus.website import charts

Doc = Mapping[str, Any]

SITE = "https://kvmstatus.example.org/kvm-unit-tests/"


def years(windows: Sequence[Doc], cycles: int) -> list[list[Doc]]:
    """The last three runs of `cycles` windows, oldest first (fewer when history is short)."""
    out = []
    end = len(windows)
    while end - cycles >= 0 and len(out) < 3:
        out.append(list(windows[end - cycles : end]))
        end -= cycles
    return out[::-1]


def _sum(year: Sequence[Doc], get: Any) -> int:
    return sum(int(get(w) or 0) for w in year)


def _trailer(year: Sequence[Doc], key: str) -> int:
    return _sum(year, lambda w: (w.get("trailers") or {}).get(key, {}).get("commits"))


def _weighted(year: Sequence[Doc], key: str) -> float | None:
    commits = _sum(year, lambda w: w.get("commits"))
    if not commits:
        return None
    return sum(float(w.get(key) or 0) * int(w.get("commits") or 0) for w in year) / commits


def _span(year: Sequence[Doc]) -> str:
    start = str(year[0].get("range", "")).split("..")[0]
    return f"{start}..{year[-1]['release']}"


def _ranked(year: Sequence[Doc], key: str) -> list[tuple[str, str, int]]:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for w in year:
        for row in w.get(key) or ():
            counts[row["email"]] += int(row["count"])
            names.setdefault(row["email"], row.get("name") or row["email"])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]].casefold()))
    return [(names[email], email, n) for email, n in ranked]


def _companies(year: Sequence[Doc], key: str, field: str) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for w in year:
        for row in w.get(key) or ():
            counts[row["company"]] += int(row[field])
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _people_table(rows: list[tuple[str, str, int]], what: str, top: int) -> Table:
    return Table(
        columns=("#", "Name", what),
        rows=tuple((i, name, n) for i, (name, _, n) in enumerate(rows[:top], 1)),
    )


def _change_word(pct: float | None) -> str:
    if pct is None:
        return "new"
    return f"up {pct:.0f}%" if pct > 0 else f"down {-pct:.0f}%"


def numbers_slide(periods: list[list[Doc]]) -> NumbersSlide:
    latest = periods[-1]
    rows: list[tuple[str, Any, str]] = [
        ("Commits (non-merge)", lambda y: _sum(y, lambda w: w.get("commits")), "count"),
        ("Merges", lambda y: _sum(y, lambda w: w.get("merges")), "count"),
        ("Reviewed-by", lambda y: _trailer(y, "Reviewed-by"), "count"),
        ("Acked-by", lambda y: _trailer(y, "Acked-by"), "count"),
        ("Fixes:", lambda y: _trailer(y, "Fixes"), "count"),
        ("Review coverage", lambda y: _weighted(y, "review_coverage"), "share"),
    ]
    older = periods[:-1][::-1]
    metrics = []
    moves: list[tuple[float, str, float]] = []
    for name, get, unit in rows:
        values = tuple(get(y) for y in periods)
        changes = tuple(percent_change(get(latest), get(y)) for y in older)
        metrics.append(Metric(name, values, changes, unit))  # type: ignore[arg-type]
        if changes and changes[0] is not None and unit == "count":
            moves.append((abs(changes[0]), name, changes[0]))
    labels = ["Two years before", "The year before", "This year"][-len(periods) :]
    title = "The year in numbers"
    notes = [f"This year is {_span(latest)}, against the same number of releases before it."]
    if moves:
        _, name, pct = max(moves)
        title = f"{name} {_change_word(pct)} on the year"
        notes.append(f"{name} moved most: {_change_word(pct)} against the year before.")
    return NumbersSlide(
        title=title,
        periods=tuple(Period(label, _span(y)) for label, y in zip(labels, periods, strict=True)),
        metrics=tuple(metrics),
        change_labels=tuple(["vs the year before", "vs two years before"][: len(older)]),
        subtitle=f"{len(latest)} releases a year, equal spans of releases",
        notes=tuple(notes),
    )


def sample_deck(history: Doc, project: str, cycles: int, edition: str | None = None) -> Deck:
    """A deck in the keynote's order from `history --json`'s document."""
    trend = history.get("trend")
    windows = list(history["windows"])
    counted = windows[-trend["n"] :] if trend and trend.get("n") else windows
    periods = years(counted, cycles)
    latest = periods[-1]
    edition = edition or str(latest[-1]["date"])
    slides: list[Slide] = [
        TitleSlide(
            title=f"{project} status report",
            subtitle=f"The year {_span(latest)}",
            lines=(
                f"{len(latest)} releases, to {latest[-1]['release']} of {latest[-1]['date']}",
                f"Edition of {edition}, from the project's git history",
            ),
            notes=(f"Welcome: this is the {project} status report for the year to {edition}.",),
        ),
        numbers_slide(periods),
    ]
    if trend:
        slope = float(trend["slope"])
        busiest_release = max(counted, key=lambda w: int(w["commits"]))
        direction = "rising" if slope > 0 else "falling"
        slides.append(
            ChartSlide(
                title=f"Commits per release are {direction}: {slope:+.0f} a release",
                chart=Chart(
                    charts.spec(charts.commits_per_release(counted, trend)),
                    alt=f"Bar chart of non-merge commits per release over {len(counted)} "
                    f"releases, with a dashed least-squares trend of {slope:+.1f} per release.",
                    caption="Non-merge commits per release; dashed: the least-squares trend, "
                    f"r\u00b2 = {float(trend.get('r2') or 0):.2f}.",
                    show_title=False,
                ),
                notes=(
                    f"Over the last {len(counted)} releases the trend is {slope:+.1f} commits "
                    "per release.",
                    f"The busiest release was {busiest_release['release']}.",
                ),
            )
        )
    for key, what, verb in (
        ("top_authors", "Commits", "wrote the most commits"),
        ("top_reviewers", "Reviewed-by", "reviewed the most patches"),
        ("top_fixers", "Fixes:", "fixed the most bugs"),
    ):
        ranked = _ranked(latest, key)
        if not ranked:
            continue
        name, _, n = ranked[0]
        slides.append(
            TableSlide(
                title=f"{name} {verb} this year ({n})",
                table=_people_table(ranked, what, 10),
                subtitle=f"{len(ranked)} people in {_span(latest)}",
                notes=(
                    f"{name} leads with {n}.",
                    f"In all, {len(ranked)} people appear in this list for the year.",
                ),
            )
        )
    commits = _companies(latest, "companies", "commits")
    reviews = _companies(latest, "review_companies", "reviews")
    if commits:
        ranked_companies = [{"name": c, "email": "", "count": n} for c, n in commits]
        slides.append(
            TwoPartSlide(
                title=f"{commits[0][0]} led commits"
                + (f", {reviews[0][0]} led reviews" if reviews else ""),
                left=Chart(
                    charts.spec(charts.top_people(ranked_companies, "Commits by company")),
                    alt="Horizontal bars: this year's commits by company, most first.",
                    heading="Commits by company",
                    show_title=False,
                ),
                right=Table(
                    columns=("Company", "Reviewed-by"),
                    rows=tuple(reviews[:12]) or (("(none)", 0),),
                    heading="Reviews by company",
                ),
                notes=(
                    f"{commits[0][0]} wrote {commits[0][1]} commits this year.",
                    *(
                        [f"{reviews[0][0]} gave {reviews[0][1]} Reviewed-by tags."]
                        if reviews
                        else []
                    ),
                ),
            )
        )
    arch_names = sorted({a["name"] for w in counted for a in w.get("architectures") or ()})
    if arch_names:
        busiest = Counter()
        for w in latest:
            for a in w.get("architectures") or ():
                busiest[a["name"]] += int(a["commits"])
        top_arch, top_n = busiest.most_common(1)[0]
        slides.append(
            ChartSlide(
                title=f"{top_arch} was the busiest architecture ({top_n} commits)",
                chart=Chart(
                    charts.spec(charts.arch_commits(counted, arch_names)),
                    alt="Lines: commits per architecture per release.",
                    caption="A commit that touches several architectures counts for each.",
                    show_title=False,
                ),
                notes=(f"{top_arch} had {top_n} commits this year.",),
            )
        )
    slides.append(
        ChartSlide(
            title="Review tags across releases",
            chart=Chart(
                charts.spec(charts.trailer_shares(counted)),
                alt="Lines: share of commits carrying each trailer, per release.",
                show_title=False,
            ),
            notes=("Shares of commits that carry each trailer, release by release.",),
        )
    )
    slides.append(
        TextSlide(
            title="Every number is on the site, with the git command behind it",
            bullets=(
                Link("The report:", SITE),
                Link("How each number is counted:", SITE + "methodology.html"),
                Link("The data, as CSV and JSON:", SITE + "data/"),
                "Made by kvmstatus from the project's git history; no number typed by hand.",
            ),
            notes=("Thank you. The site has every number and chart of this talk.",),
        )
    )
    return Deck(
        title=f"{project} status report",
        subtitle=f"The year {_span(latest)}",
        edition=edition,
        slides=tuple(slides),
    )


# --- a made-up history, hostile names included (no repository needed) -----------------------

HOSTILE_NAMES = (
    "<script>alert('name')</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(2))",
    "Mallory \u202eevil\u202c \x1b[31mred",
)
"""Author names as git may hold them: markup, a Markdown link, a bidi override and a
terminal escape."""
LONG_NAME = (
    "Maximiliane Alexandra Konstantinopoulou-Wolfeschlegelsteinhausenberger von Hohenzollern"
)


def synthetic_history(releases: int = 9) -> dict[str, Any]:
    """A `history --json` document of `releases` windows with plausible numbers, people with
    hostile and very long names, several companies and architectures."""
    people = [
        ("Ada Lovelace", "ada@example.org"),
        ("Grace Hopper", "grace@example.org"),
        (HOSTILE_NAMES[0], "script@evil.example"),
        (HOSTILE_NAMES[1], "img@evil.example"),
        (HOSTILE_NAMES[2], "md@evil.example"),
        (HOSTILE_NAMES[3], "bidi@evil.example"),
        (LONG_NAME, "long@example.org"),
        ("Linus Torvalds", "torvalds@example.org"),
        ("Paolo Bonzini", "pbonzini@example.org"),
        ("Sean Christopherson", "seanjc@example.org"),
        ("Marc Zyngier", "maz@example.org"),
        ("Anup Patel", "anup@example.org"),
    ]
    companies = ["Red Hat", "Google", "Arm", "Intel", "<b>Evil</b> Corp", "(Unknown)"]
    arches = ["x86", "arm64", "riscv", "s390", "powerpc"]
    windows = []
    for i in range(releases):
        commits = 300 + 37 * i + (i % 3) * 40
        merges = 10 + i
        ranked = [
            {"name": name, "email": email, "count": max(1, 40 - 3 * k + (i + k) % 5)}
            for k, (name, email) in enumerate(people)
        ]
        windows.append(
            {
                "release": f"v1.{i}",
                "date": f"{2024 + (i * 3 + 1) // 12}-{(i * 3 + 1) % 12 + 1:02d}-15",
                "range": f"v1.{i - 1}..v1.{i}" if i else f"v1.{i}",
                "commits": commits,
                "merges": merges,
                "review_coverage": 0.4 + 0.03 * (i % 5),
                "trailers": {
                    "Reviewed-by": {"commits": commits // 2 + 5 * (i % 4), "lines": commits},
                    "Acked-by": {"commits": commits // 5 - 3 * (i % 3), "lines": commits // 4},
                    "Tested-by": {"commits": commits // 10, "lines": commits // 9},
                    "Fixes": {"commits": commits // 8 + (i % 2) * 9, "lines": commits // 7},
                },
                "row": {
                    "commits": commits,
                    "reviewed_share": 0.5 + 0.02 * (i % 4),
                    "acked_share": 0.2 - 0.01 * (i % 3),
                    "tested_share": 0.1,
                    "fixes_share": 0.12 + 0.01 * (i % 2),
                },
                "top_authors": ranked,
                "top_reviewers": ranked[::-1],
                "top_fixers": ranked[2:9],
                "companies": [
                    {"company": c, "commits": commits // (k + 2)} for k, c in enumerate(companies)
                ],
                "review_companies": [
                    {"company": c, "reviews": commits // (k + 3)}
                    for k, c in enumerate(reversed(companies))
                ],
                "architectures": [
                    {"name": a, "commits": commits // (k + 1) - 5 * i} for k, a in enumerate(arches)
                ],
            }
        )
    n = releases - 1
    ys = [w["commits"] for w in windows[1:]]
    mean_x, mean_y = (n - 1) / 2, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in range(n))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(range(n), ys, strict=True)) / sxx
    return {
        "windows": windows,
        "trend": {"slope": slope, "intercept": mean_y - slope * mean_x, "r2": 0.8, "n": n},
    }


def stress_slides() -> list[Slide]:
    """Slides at the edges of the layout: a title of four lines, a table longer than a
    slide, bullets that need two slides, a table with a long hostile name beside a chart,
    and links that must not become links."""
    everyone = tuple(
        (i, f"Contributor number {i} with a longer name than most", 1000 - 17 * i)
        for i in range(1, 41)
    )
    return [
        TableSlide(
            title="Forty people wrote at least one commit this year, and this title is long "
            "enough to wrap onto a second line and then a third one at the largest size",
            table=Table(columns=("#", "Author", "Commits"), rows=everyone),
            subtitle="Every author of the year, most commits first",
            notes=("Forty names: the table continues over several slides.",),
        ),
        TextSlide(
            title="Many points",
            bullets=tuple(
                f"Point {i}: a sentence long enough to take most of a line on a slide, "
                "so that the list must continue on a second slide."
                for i in range(1, 15)
            ),
        ),
        TwoPartSlide(
            title=f"{HOSTILE_NAMES[0]} and {HOSTILE_NAMES[1]} side by side",
            left=Table(
                columns=("Name", "Count"),
                rows=((LONG_NAME, 12), *((name, 3) for name in HOSTILE_NAMES)),
                heading="Hostile names",
                caption="Names shown exactly as git holds them.",
            ),
            right=Table(
                columns=("#", "Company", "Commits"),
                rows=tuple((i, f"Company {i}", 100 - i) for i in range(1, 30)),
                heading="A table cut to fit",
            ),
            notes=(f"Names such as {HOSTILE_NAMES[1]} stay text.",),
        ),
        TextSlide(
            title="Links",
            bullets=(
                Link("The site:", "https://example.org/report/"),
                Link("Not a link:", "javascript:alert(3)"),
                Link("Nor this:", 'https://example.org/" onmouseover="alert(4)'),
            ),
            notes=("Only the first address is a link.",),
        ),
    ]


def fixture_deck() -> Deck:
    """The sample deck of the synthetic history, with the stress slides before its end."""
    deck = sample_deck(synthetic_history(), f"{HOSTILE_NAMES[0]} project", cycles=2)
    slides = (*deck.slides[:-1], *stress_slides(), deck.slides[-1])
    return Deck(title=deck.title, subtitle=deck.subtitle, edition=deck.edition, slides=slides)


def history_json(argv: Sequence[str]) -> Doc:
    """`kvmstatus history --json ARGV...`, run as the user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "kvmstatus", "history", "--json", *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    doc: Doc = json.loads(proc.stdout)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, help="a saved `history --json` document")
    parser.add_argument("--fixture", action="store_true", help="the tests' made-up deck")
    parser.add_argument("--project", default="kvm-unit-tests")
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args, rest = parser.parse_known_args()
    from kvmstatus.deck.html_file import write_html
    from kvmstatus.deck.pptx_file import write_pptx

    if args.fixture:
        deck = fixture_deck()
    else:
        history = json.loads(args.history.read_text()) if args.history else history_json(rest)
        deck = sample_deck(history, args.project, args.cycles)
    args.out.mkdir(parents=True, exist_ok=True)
    print(write_pptx(deck, args.out / "deck.pptx"))
    print(write_html(deck, args.out / "deck.html"))


if __name__ == "__main__":
    main()
