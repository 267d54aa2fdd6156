"""Small wrong things a reader found on the pages, each kept fixed (issue 23's list): pages
rendered from hand-made documents and, where HTML matters, through Python-Markdown with the
site's extensions."""

from __future__ import annotations

import html as html_module
import re
from dataclasses import replace
from typing import Any

import markdown

from documents import project_doc, window_doc
from kvmstatus.shared.formats import fmt_days
from kvmstatus.store.documents import Dataset
from kvmstatus.website.pages import Context, build_plan
from kvmstatus.website.pages.common import ProjectReview
from kvmstatus.website.pages.review import render_review, reviewers_table

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]


def html(source: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(source)


def dataset(**settings: Any) -> Dataset:
    windows = [
        window_doc("v1.0", "2023-01-01", "v1.0", 10),
        window_doc("v1.1", "2023-03-01", "v1.0..v1.1", 20),
    ]
    project = project_doc(["v1.0", "v1.1"], ["v1.1"])
    project["settings"] |= settings
    return Dataset(project, windows)  # type: ignore[arg-type]


def test_bot_patterns_stay_code_not_emphasis() -> None:
    summary = {
        "archives": [],
        "bots": ["syzbot*@syzkaller.appspotmail.com", "*-bot@*"],
        "scope": "every patch message",
    }
    ctx = Context(dataset(), reviews=[ProjectReview("", "", summary)])  # type: ignore[arg-type]
    page = html(render_review(ctx, build_plan(Context(dataset()))))
    # A reader sees the patterns as written: `*` is not the start of emphasis.
    bots = page.split("Bots")[1]
    assert "<em>" not in bots
    text = html_module.unescape(re.sub(r"<[^>]+>", "", bots)).replace("\\", "")
    assert "syzbot*@syzkaller.appspotmail.com" in text
    assert "*-bot@*" in text


def test_list_reviewers_who_share_a_name_show_their_address() -> None:
    rows = [
        {"name": "Marc Zyngier", "email": "maz@kernel.org", "count": 9, "commit_tags": 3},
        {"name": "Marc Zyngier", "email": "marc.zyngier@arm.com", "count": 2},
    ]
    page = html(reviewers_table(rows))
    assert '<small class="kvm-email">maz@kernel.org</small>' in page
    assert '<small class="kvm-email">marc.zyngier@arm.com</small>' in page


def test_days_are_written_alike_in_text_and_charts() -> None:
    assert fmt_days(3547.2) == "3,547 days"  # the charts' ",.0f"


def test_creators_of_fixes_and_a_whole_project_test_suite() -> None:
    data = dataset(testing_paths=["**"], test_suite="kvm-unit-tests")
    plan = build_plan(Context(data))
    assert "Fixes: creators" not in "".join(plan.pages.values())
    assert "Creators of fixes" in plan.pages["releases/v1.1.md"]
    testing = plan.pages["testing.md"]
    # The whole project is its test suite: no second table that repeats the architectures.
    assert "test-suite commits" not in testing
    assert "Every commit is a test-suite commit here" in testing


def test_the_kernels_topic_example_only_for_the_kernel() -> None:
    kernel = build_plan(Context(dataset(selection={"paths": [], "subsystem": "KVM"})))
    other = build_plan(Context(dataset(selection={"paths": ["."], "subsystem": ""})))
    assert "KVM: x86/mmu:" in kernel.pages["releases/v1.1.md"]
    assert "KVM: x86/mmu:" not in other.pages["releases/v1.1.md"]


def test_fixes_lines_counted_once_in_words() -> None:
    data = dataset()
    period = data.windows[-1] | {
        "span": {
            "label": "this year",
            "kind": "calendar",
            "start": None,
            "end": "v1.1",
            "since": "2022-03-01T00:00:00+00:00",
            "until": "2023-03-01T00:00:00+00:00",
            "days": 365.0,
            "releases": ["v1.1"],
        }
    }
    period["fixes"] = period["fixes"] | {"lines": 12, "valid": 9, "invalid": 3, "resolved": 9}
    years = {
        "spans": [period["span"]],
        "rows": [period["row"]],
        "changes": {},
        "note": "",
        "topics": {},
    }
    plan = build_plan(Context(replace(data, years=years, periods=[period])))  # type: ignore[arg-type]
    fixes = plan.pages["fixes.md"]
    assert "12 `Fixes:` lines: 9 valid, 3 invalid, 9 traced to the commit they name" in fixes
