"""Markdown for the site: escaping of untrusted text, number formats, tables and links.

Every string that came from git (names, emails, subjects, tags, trailer values) goes through
`escape` (Markdown and HTML text), `html_text` (raw HTML content) or `attr` (an attribute):
each makes it inert, so `<script>` or `[x](javascript:...)` show as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from kvmstatus.shared.formats import DASH, fmt_days, fmt_int, fmt_pct

# Python-Markdown's escapable characters with the tables extension (`Markdown.ESCAPED_CHARS`);
# escaping anything else would leave a visible backslash.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def escape(text: object) -> str:
    """`text` as literal characters in Markdown and in HTML (tables included).

    HTML metacharacters become entities, Markdown punctuation gets a backslash, and line
    breaks become spaces, so `<script>` or `[x](javascript:...)` show as typed.
    """
    plain = "".join(_HTML.get(c, c) for c in str(text))
    plain = plain.replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", plain)


def html_text(text: object) -> str:
    """`text` as the content of a raw HTML element (`<pre>`): entities, lines kept."""
    return "".join(_HTML.get(c, c) for c in str(text).replace("\r", ""))


def attr(text: object) -> str:
    """`text` for an HTML attribute inside raw HTML, which Markdown leaves alone."""
    return "".join(_HTML.get(c, c) for c in str(text).replace("\n", " "))


def table(head: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A Markdown table; cells are already escaped. `align` is one char per column (l/r)."""
    if not rows:
        return "*None in this period.*\n"
    marks = [":---" if (align[i : i + 1] or "l") == "l" else "---:" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def person(row: Mapping[str, Any], with_email: bool = False) -> str:
    """A person's name, their email on hover; `with_email` shows it too (for two rows that
    share a name: the same person under two addresses, or two people)."""
    name = row.get("name") or row["email"]
    shown = escape(name)
    if with_email and row.get("name"):
        shown += f' <small class="kvm-email">{escape(row["email"])}</small>'
    return f'<span title="{attr(row["email"])}">{shown}</span>'


def people(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """`person` for each row, with the email shown where a name occurs more than once."""
    names = Counter(str(r.get("name") or "").casefold() for r in rows if r.get("name"))
    return [person(r, names[str(r.get("name") or "").casefold()] > 1) for r in rows]


def people_table(rows: Sequence[Mapping[str, Any]], title: str, top: int = 10) -> str:
    shown = rows[:top]
    body = [
        [str(i), who, fmt_int(r["count"])]
        for i, (r, who) in enumerate(zip(shown, people(shown), strict=True), 1)
    ]
    return table(["#", title, "count"], body, "llr")


def link(page_from: str, target: str, text: str) -> str:
    prefix = "../" * page_from.count("/")
    return f"[{text}]({prefix}{target})"


__all__ = [
    "DASH",
    "attr",
    "escape",
    "fmt_days",
    "fmt_int",
    "fmt_pct",
    "html_text",
    "link",
    "people",
    "people_table",
    "person",
    "table",
]
