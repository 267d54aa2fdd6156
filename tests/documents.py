"""Hand-made documents of every shape the site reads (`kvmstatus.model.documents`), for tests
that render pages from data no analysis produced: whatever the site prints must then be what
these documents say."""

from __future__ import annotations

from typing import Any

from kvmstatus.model.trailers import REPORTED_TRAILERS, ROW_TRAILERS

ARCHES = ["x86", "arm64", "riscv", "common"]


def person(name: str, count: int) -> dict[str, Any]:
    return {"name": name, "email": f"{name.split()[0].lower()}@example.com", "count": count}


def window_doc(release: str, date: str, range_: str, commits: int, **row: Any) -> dict[str, Any]:
    """A complete window document: `commits` non-merge commits, one architecture, round
    numbers elsewhere; `row` overrides metrics of its row."""
    trailers = {k: {"commits": commits // 2, "lines": commits // 2} for k in REPORTED_TRAILERS}
    base_row: dict[str, Any] = {
        "release": release,
        "date": date,
        "range": range_,
        "commits": commits,
        "merges": 2,
        "merge_share": 0.02,
        "mainline_merges": 1,
        "authors": 7,
        "first_time_authors": 1,
        "review_coverage": 0.5,
        "companies": 2,
        "unknown_company_share": 0.1,
        "unknown_reviewer_company_share": 0.1,
        "fixes_lines": 1,
        "fixes_invalid": 0,
        "fixes_same_release": 0,
        "fixes_median_lifetime_days": 10.0,
        "fixes_p90_lifetime_days": 20.0,
        "applied_by_others_share": 0.5,
        "malformed_trailers": 0,
        "bot_reported_syzbot": 0,
        "bot_reported_kernel_test_robot": 0,
    }
    for kind in ROW_TRAILERS:
        base_row[f"{kind.row}_commits"] = commits // 2
        base_row[f"{kind.row}_share"] = 0.5
    base_row |= row
    people = [person("Ada Author", 3), person("Bo Builder", 2)]
    return {
        "release": release,
        "date": date,
        "range": range_,
        "paths": ["virt/kvm/"],
        "commits": base_row["commits"],
        "merges": base_row["merges"],
        "authors": base_row["authors"],
        "trailers": trailers,
        "row": base_row,
        "review_coverage": base_row["review_coverage"],
        "first_time_authors": base_row["first_time_authors"],
        "top_first_time_authors": people[:1],
        "top_authors": people,
        "top_reviewers": [person("Rita Reviewer", 4)],
        "top_ackers": [person("Al Acker", 1)],
        "top_testers": [],
        "top_fixers": [person("Fay Fixer", 1)],
        "top_committers": [person("Paolo Maintainer", commits)],
        "bot_reported": {},
        "architectures": [
            {
                "name": "x86",
                "commits": commits,
                "authors": 2,
                "trailers": trailers,
                "top_authors": people,
            }
        ],
        "companies": [{"company": "Red Hat", "commits": commits}],
        "review_companies": [{"company": "Red Hat", "reviews": 1}],
        "unknown_company_share": base_row["unknown_company_share"],
        "fixes": {
            "lines": 1,
            "valid": 1,
            "invalid": 0,
            "problems": [],
            "resolved": 1,
            "in_selection": 1,
            "same_release": 0,
            "median_lifetime_days": base_row["fixes_median_lifetime_days"],
            "p90_lifetime_days": base_row["fixes_p90_lifetime_days"],
            "introduced_in": [["v1.0", 1]],
            "top_fixers": [],
            "top_fixed_authors": [],
        },
        "invalid_fixes": [],
        "fix_findings": [],
        "malformed_trailers": [],
        "undecodable_commits": [],
        "testing": {"x86": 1},
        "topics": [{"topic": "mmu", "commits": commits}],
        "arch_topics": {"x86": [{"topic": "mmu", "commits": commits}]},
        "pulls": [],
        "trees": [],
        "applied_by_others": commits // 2,
    }


def span_doc(label: str, start: str, end: str, since: str, until: str) -> dict[str, Any]:
    return {
        "label": label,
        "kind": "releases",
        "start": start,
        "end": end,
        "since": since,
        "until": until,
        "days": 365.0,
        "releases": [end],
    }


def project_doc(releases: list[str], counted: list[str], **trend: Any) -> dict[str, Any]:
    return {
        "schema": 1,
        "title": "Hand-made status report",
        "project": "Hand-made KVM",
        "releases": releases,
        "as_of": "2024-12-01",
        "trend": trend or None,
        "counted": counted,
        "settings": {
            "repository": "/nowhere",
            "pattern": r"^v\d+\.\d+$",
            "windows": "tags",
            "since": None,
            "selection": {"paths": ["virt/kvm/"], "subsystem": ""},
            "arch_map": "linux-kvm",
            "architectures": ARCHES,
            "testing_paths": ["tools/testing/selftests/kvm/**"],
            "test_suite": "KVM selftests",
            "stable_lists": [],
            "count_initial_window": False,
        },
        "synthetic": False,
    }


def release_context(release: str, previous: str | None, **fields: Any) -> dict[str, Any]:
    """A complete release context (`releases.json`); `fields` override."""
    return {
        "release": release,
        "previous": previous,
        "previous_commits": None,
        "days": None,
        "per_month": None,
        "vs_previous": {},
        "year_average": {},
        "vs_year": {},
        "year_per_month": None,
        "year_dates": None,
        "uneven": False,
        "topics": {},
    } | fields
