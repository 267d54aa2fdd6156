"""One project's data directory documents, assembled from its computed windows and periods:
the trend, the windows it is made of, each release against the ones before it, the yearly
comparison. The numbers are `analyse.periods`'; this only puts them together (the run's
aggregate step, `kvmstatus collect`, the tests and the benchmarks all use it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from kvmstatus.analyse.periods import (
    YearChoice,
    commits_trend,
    counted_windows,
    release_contexts,
    years_document,
)
from kvmstatus.model.documents import PeriodDocument, WindowDocument
from kvmstatus.store.documents import Dataset, project_document


def assemble(
    title: str,
    project: str,
    windows: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any],
    years: tuple[YearChoice, Sequence[PeriodDocument]] | None = None,
    synthetic: bool = False,
) -> Dataset:
    """The dataset of `windows` (oldest first, first-time authors filled in) and, when the
    project has them, its yearly `years` (the choice and the periods, newest first)."""
    docs = cast(list[WindowDocument], list(windows))
    count_initial = bool(settings.get("count_initial_window"))
    counted = [w["release"] for w in counted_windows(docs, count_initial)]
    summary = project_document(
        title, project, docs, settings, commits_trend(docs, count_initial), counted, synthetic
    )
    stored = None if years is None or not years[1] else years_document(*years)
    periods = list(years[1]) if stored is not None and years is not None else []
    releases = release_contexts(docs, counted, periods[0] if periods else None)
    return Dataset(summary, docs, stored, periods, {"releases": releases})
