"""A computed window as the document the data directory stores (`windows/<release>.json`)."""

from __future__ import annotations

from kvmstatus.analyse.window import WindowResult
from kvmstatus.model.records import FixesFinding
from kvmstatus.store.documents import Document, plain


def _finding(finding: FixesFinding) -> Document:
    target = finding.target
    return {
        "commit": finding.ref.commit,
        "author": finding.ref.author,
        "value": finding.ref.value,
        "problems": list(finding.problems),
        "fixed_commit": target.hash if target else None,
        "fixed_subject": target.subject if target else None,
        "fixed_author": target.author if target else None,
        "introduced_in": finding.introduced_in,
        "in_selection": target.in_selection if target else None,
        "lifetime_days": finding.lifetime_days,
        "releases_apart": finding.releases_apart,
        "same_release": finding.same_release,
    }


def window_document(result: WindowResult) -> Document:
    """One window's tables as JSON-ready data (the `stats --json` shape plus the row)."""
    stats = plain(result.stats)
    people = stats.pop("top_people")
    doc: Document = stats | {f"top_{name}": rows for name, rows in people.items()}
    doc.update(
        release=result.release,
        date=result.date,
        row=plain(result.row),
        review_coverage=result.row["review_coverage"],
        first_time_authors=result.row["first_time_authors"],
        top_first_time_authors=plain(result.first_time_authors),
        bot_reported=dict(result.bot_reported),
        architectures=plain(result.architectures),
        companies=[{"company": c, "commits": n} for c, n in result.companies],
        review_companies=[{"company": c, "reviews": n} for c, n in result.review_companies],
        unknown_company_share=result.row["unknown_company_share"],
        fixes=plain(result.fixes),
        invalid_fixes=plain(result.invalid_fixes),
        fix_findings=[_finding(f) for f in result.fix_findings],
    )
    doc.update(plain(result.tables))
    return doc
