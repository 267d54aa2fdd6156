"""Markdown for the site: escaping of untrusted text, number formats, tables and links.

Every string that came from git (names, emails, subjects, tags, trailer values) goes through
`escape` (Markdown and HTML text), `html_text` (raw HTML content) or `attr` (an attribute):
each makes it inert, so `<script>` or `[x](javascript:...)` show as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kvmstatus.shared.numbers import percent_change
from kvmstatus.store.documents import Document

# Python-Markdown's escapable characters with the tables extension (`Markdown.ESCAPED_CHARS`);
# escaping anything else would leave a visible backslash.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
DASH = "\N{EN DASH}"  # what a table shows for "no value"


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


def fmt_int(value: object) -> str:
    return DASH if value is None else f"{value:,}"


def fmt_pct(value: object) -> str:
    return DASH if value is None else f"{float(str(value)) * 100:.1f}%"


def fmt_days(value: object) -> str:
    return DASH if value is None else f"{float(str(value)):.0f} days"


def change(new: object, old: object) -> str:
    """The percent change from `old` to `new`, signed (`+12.5%`), or a dash."""
    pct = percent_change(new, old)
    return DASH if pct is None else f"{pct:+.1f}%"


def table(head: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A Markdown table; cells are already escaped. `align` is one char per column (l/r)."""
    if not rows:
        return "*None in this period.*\n"
    marks = [":---" if (align[i : i + 1] or "l") == "l" else "---:" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def person(row: Document) -> str:
    name = row.get("name") or row["email"]
    return f'<span title="{attr(row["email"])}">{escape(name)}</span>'


def people_table(rows: Sequence[Document], title: str, top: int = 10) -> str:
    body = [[str(i), person(r), fmt_int(r["count"])] for i, r in enumerate(rows[:top], 1)]
    return table(["#", title, "count"], body, "llr")


def link(page_from: str, target: str, text: str) -> str:
    prefix = "../" * page_from.count("/")
    return f"[{text}]({prefix}{target})"
