"""What a deck says, independent of its medium: `Deck` and the slide kinds, as frozen
dataclasses that any stage can build and print.

Every slide has a message title (a sentence: "Reviewed-by up 24% on the year"), an optional
subtitle and speaker notes (sentences a speaker would say). The content slides hold the
parts a status report needs: a table of numbers against earlier periods (`NumbersSlide`), a
chart (`ChartSlide`), a ranked table (`TableSlide`), two of those side by side
(`TwoPartSlide`) and bullets (`TextSlide`). Numbers stay numbers here; `text` formats them
the same way for both media. Text is taken as given (it may hold anything git does); the
writers clean and escape it.

Constructors check shapes (a row with the wrong number of cells, a chart without alt text)
and raise `ValueError` naming the slide: that is a bug in whoever builds the deck, found by
its tests, not a user's mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Number = int | float
Cell = str | int | float | None
"""A table cell: text, or a number (formatted with separators, right-aligned), or None (a
dash)."""
Unit = Literal["count", "share", "days"]
"""How a metric's values read: `count` 1,234; `share` (a fraction) 31.3%; `days` 12 days."""


def _need(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise ValueError(f"{where}: {problem}")


@dataclass(frozen=True)
class Link:
    """A bullet that links somewhere (the site, the methodology): `text`, then the address.
    Only http(s) addresses become links; anything else is shown as text."""

    text: str
    url: str


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a Vega-Lite specification (the site's, as `website.charts.spec`
    makes it). The deck restyles it for a projector and sizes it to its box; the spec itself
    is never modified. `alt` describes the chart for readers who cannot see it; `heading`
    goes above it (useful on a two-part slide), `caption` is one short line below it;
    `show_title=False` leaves out the spec's own title and subtitle (when the slide's title
    or the heading already says what the chart is)."""

    spec: Mapping[str, Any]
    alt: str
    heading: str = ""
    caption: str = ""
    show_title: bool = True

    def __post_init__(self) -> None:
        _need(isinstance(self.spec, Mapping) and bool(self.spec), "chart", "the spec is empty")
        _need(bool(self.alt.strip()), f"chart {self.heading!r}", "alt text is required")


@dataclass(frozen=True)
class Table:
    """A native (editable) table: `columns` are the headings, `rows` the cells, in order.
    Columns whose cells are all numbers are right-aligned. A table too long for one slide
    continues on the next (on a two-part slide it is cut, with a last row saying how many
    rows were left out)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    heading: str = ""
    caption: str = ""

    def __post_init__(self) -> None:
        where = f"table {self.heading or self.columns!r}"
        _need(bool(self.columns), where, "no columns")
        for i, row in enumerate(self.rows):
            _need(
                len(row) == len(self.columns),
                where,
                f"row {i + 1} has {len(row)} cells for {len(self.columns)} columns",
            )


Part = Chart | Table


@dataclass(frozen=True)
class Period:
    """A column of a `NumbersSlide`: its name ("2025-26") and what it spans, shown under the
    name ("v6.10-rc1..v6.15-rc1", "2025-04-17..2026-04-17")."""

    label: str
    span: str = ""


@dataclass(frozen=True)
class Metric:
    """A row of a `NumbersSlide`: one value per period (None: no value) and one percent
    change per change column (None: no comparison, e.g. from zero)."""

    name: str
    values: tuple[Number | None, ...]
    changes: tuple[float | None, ...] = ()
    unit: Unit = "count"


@dataclass(frozen=True)
class TitleSlide:
    """The opening slide: the deck's title, a subtitle, a few short lines (the year's span,
    the edition date)."""

    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), "title slide", "the title is empty")


@dataclass(frozen=True)
class NumbersSlide:
    """Metrics (rows) against periods (columns), then the change columns named by
    `change_labels` ("vs 2024-25"), coloured by direction (up, down). Periods read in the
    order given: oldest first reads as time passing."""

    title: str
    periods: tuple[Period, ...]
    metrics: tuple[Metric, ...]
    change_labels: tuple[str, ...] = ()
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"slide {self.title!r}"
        _need(bool(self.title.strip()), where, "the title is empty")
        _need(bool(self.periods), where, "no periods")
        for metric in self.metrics:
            _need(
                len(metric.values) == len(self.periods),
                where,
                f"{metric.name!r} has {len(metric.values)} values for {len(self.periods)} periods",
            )
            _need(
                len(metric.changes) == len(self.change_labels),
                where,
                f"{metric.name!r} has {len(metric.changes)} changes for "
                f"{len(self.change_labels)} change columns",
            )


@dataclass(frozen=True)
class ChartSlide:
    """One chart filling the slide."""

    title: str
    chart: Chart
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), f"slide {self.title!r}", "the title is empty")


@dataclass(frozen=True)
class TableSlide:
    """One table (ranked people, companies): continued on further slides when long."""

    title: str
    table: Table
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), f"slide {self.title!r}", "the title is empty")


@dataclass(frozen=True)
class TwoPartSlide:
    """Two parts side by side, each a chart or a table (companies by commits and by
    reviews)."""

    title: str
    left: Part
    right: Part
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), f"slide {self.title!r}", "the title is empty")


@dataclass(frozen=True)
class TextSlide:
    """Bullets (a closing slide: where the site and the methodology are). Continued on
    further slides when they do not fit at the smallest body size."""

    title: str
    bullets: tuple[str | Link, ...]
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), f"slide {self.title!r}", "the title is empty")


Slide = TitleSlide | NumbersSlide | ChartSlide | TableSlide | TwoPartSlide | TextSlide
ContentSlide = NumbersSlide | ChartSlide | TableSlide | TwoPartSlide | TextSlide


@dataclass(frozen=True)
class Deck:
    """A talk: `title` and `subtitle` name it (the file's title, the page's description),
    `edition` is the date it was made (ISO, `2026-04-17`), `footer` the line at the bottom
    of every content slide (default: the title and the edition)."""

    title: str
    edition: str
    slides: tuple[Slide, ...]
    subtitle: str = ""
    footer: str = ""

    def __post_init__(self) -> None:
        _need(bool(self.title.strip()), "deck", "the title is empty")
        _need(bool(self.slides), f"deck {self.title!r}", "no slides")
        try:
            datetime.fromisoformat(self.edition)
        except ValueError:
            _need(False, f"deck {self.title!r}", f"edition {self.edition!r} is not an ISO date")

    @property
    def edition_time(self) -> datetime:
        """The edition as a naive UTC time (a date is its midnight)."""
        when = datetime.fromisoformat(self.edition)
        return when if when.tzinfo is None else when.astimezone(UTC).replace(tzinfo=None)

    @property
    def footer_text(self) -> str:
        return self.footer or f"{self.title} \N{MIDDLE DOT} {self.edition}"


def speaker_notes(slide: Slide) -> tuple[str, ...]:
    """What the speaker sees under the slide: its notes, or, when a content slide has none,
    its title (the message a speaker says in any case), so that no content slide goes
    without notes."""
    if isinstance(slide, TitleSlide):
        return slide.notes
    return slide.notes or (slide.title,)
