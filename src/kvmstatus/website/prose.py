"""A maintainer's plain-text message (a merge tag's summary) as readable HTML.

Maintainers write pull requests as plain text wrapped at about 75 columns: paragraphs,
bullet lists (`-`, `*`, `+`, `1.`), nested by indentation, and now and then a listing (a
shortlog, the files of a conflict) whose line breaks mean something. `summary_html` keeps
that structure: paragraphs become `<p>`, lists `<ul>`/`<ol>`, wrapped lines are joined again,
and a line break the author meant (a short line, a line after a colon, a commit subject)
stays a `<br>`. Every character of the message goes through `markdown.html_text`, so the
result is inert whatever the message says; the HTML has no blank line, so Markdown leaves
the block alone. A long message shows its first blocks and folds the rest behind a
`<details>` element.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kvmstatus.website.markdown import html_text

FOLD_AFTER = 12
"""Source lines shown before the rest of a message is folded behind "details"."""

_BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-*+\u2022]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_RULE = re.compile(r"^\s*(?:={4,}|-{4,}|_{4,})\s*$")
# A line that starts like a commit subject (`KVM: x86: ...`, `arm64/mm: ...`) is an entry
# of its own, never the continuation of the line before.
_SUBJECT = re.compile(r"^[\w./+-]+: \S")
_QUOTE = re.compile(r"^[:>](?: |$)")


@dataclass
class _Item:
    indent: int
    lines: list[str] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)


@dataclass
class _Block:
    kind: str
    """`p` (a paragraph), `ul` or `ol` (a list), `hr` (a separator line)."""
    lines: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    indent: int = 0
    source_lines: int = 0
    start: int = 1
    """The number of an `ol`'s first item (a list cut by the fold goes on counting)."""


def _width(lines: Sequence[str]) -> int:
    """The width the message was wrapped at: its longest line, at least 60."""
    return max([60, *(len(line) for line in lines)])


def _joined(lines: Sequence[str], width: int) -> list[list[str]]:
    """`lines` (stripped) as runs of words to join: a line starts a new run when the author
    broke it on purpose, that is when the next line's first word would have fitted. Lines
    quoted with `: ` or `> ` (a cover letter inside a merge message) run among themselves,
    without the marker; a marker alone (`:`, `: .`) only breaks the run."""
    runs: list[list[str]] = []
    previous: str | None = None
    quoted_before = False
    for line in lines:
        text = line.strip()
        quote = _QUOTE.match(text)
        if quote is not None:
            text = text[quote.end() :].strip()
            if text in ("", "."):
                previous = None
                continue
        if previous is None or quoted_before != (quote is not None):
            runs.append([text])
        else:
            word = text.split(" ", 1)[0]
            meant = (
                previous.rstrip().endswith(":")
                or _SUBJECT.match(text) is not None
                or text in ("...", "\u2026")  # git's "and more" after a shortlog
                or len(previous) + 1 + len(word) <= 0.75 * width
            )
            if meant:
                runs.append([text])
            else:
                runs[-1].append(text)
        previous = line
        quoted_before = quote is not None
    return runs


def _inline(lines: Sequence[str], width: int) -> tuple[str, str]:
    """The lines as text (wrapped lines joined, the author's breaks kept as `<br>`) and, when
    they end in a run of commit subjects (a shortlog, at least three), that run as a list."""
    runs = [html_text(" ".join(run)) for run in _joined(lines, width)]
    split = next((i for i, run in enumerate(runs) if _SUBJECT.match(html.unescape(run))), None)
    if split is not None:
        subjects = runs[split:]
        listed = sum(1 for run in subjects if _SUBJECT.match(html.unescape(run)))
        if len(subjects) >= 3 and listed * 3 >= len(subjects) * 2:
            items = "".join(f"<li>{run}</li>" for run in subjects)
            return "<br>".join(runs[:split]), f'<ul class="kvm-shortlog">{items}</ul>'
    return "<br>".join(runs), ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _parse(lines: list[str]) -> list[_Block]:
    """The message's blocks, top level first; list items hold their own blocks (a nested
    list, a paragraph after a blank line indented past the item's marker)."""
    blocks: list[_Block] = []
    stack: list[_Block] = []  # the open lists, innermost last
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _RULE.match(line):
            stack.clear()
            blocks.append(_Block("hr", source_lines=1))
            i += 1
            continue
        bullet = _BULLET.match(line)
        indent = _indent(line)
        kind = "p" if bullet is None else "ol" if bullet["mark"][0].isdigit() else "ul"
        # Close the lists this line is not inside of: a list item takes the lines indented
        # past its marker; a marker at the same indent continues a list of its kind.
        while stack and (
            stack[-1].indent > indent
            or (stack[-1].indent == indent and (bullet is None or stack[-1].kind != kind))
        ):
            stack.pop()
        target = stack[-1].items[-1].children if stack else blocks
        if bullet is None:
            paragraph = _Block("p", indent=indent)
            while i < len(lines) and lines[i].strip() and not _RULE.match(lines[i]):
                if paragraph.lines and _BULLET.match(lines[i]):
                    break
                paragraph.lines.append(lines[i])
                i += 1
            paragraph.source_lines = len(paragraph.lines)
            target.append(paragraph)
            continue
        if stack and stack[-1].indent == indent:
            block = stack[-1]
        else:
            block = _Block(kind, indent=indent)
            target.append(block)
            stack.append(block)
        item = _Item(indent=indent, lines=[bullet["text"]])
        block.items.append(item)
        block.source_lines += 1
        i += 1
        # Its continuation: the lines right below it, indented past its marker.
        while i < len(lines) and lines[i].strip() and not _RULE.match(lines[i]):
            if _BULLET.match(lines[i]) or _indent(lines[i]) <= indent:
                break
            item.lines.append(lines[i])
            block.source_lines += 1
            i += 1
    return blocks


def _render(block: _Block, width: int) -> str:
    if block.kind == "hr":
        return "<hr>"
    if block.kind == "p":
        text, shortlog = _inline(block.lines, width)
        single = len(block.lines) == 1 and len(block.lines[0].strip()) <= 60
        if single and block.lines[0].rstrip().endswith(":"):
            # "x86:", "* New features:": a heading in all but name.
            return f'<p class="kvm-summary-head">{text}</p>'
        return (f"<p>{text}</p>" if text else "") + shortlog
    items = []
    for item in block.items:
        text, shortlog = _inline(item.lines, width)
        inner = text + shortlog + "".join(_render(b, width) for b in item.children)
        items.append(f"<li>{inner}</li>")
    start = f' start="{block.start}"' if block.kind == "ol" and block.start != 1 else ""
    return f"<{block.kind}{start}>{''.join(items)}</{block.kind}>"


def _item_size(item: _Item) -> int:
    return len(item.lines) + sum(_size(child) for child in item.children)


def _size(block: _Block) -> int:
    if block.kind in ("ul", "ol"):
        return sum(_item_size(item) for item in block.items)
    return block.source_lines


def _split(blocks: Sequence[_Block], budget: int) -> tuple[list[_Block], list[_Block]]:
    """The blocks that fit in `budget` source lines (at least one), and the rest; a list
    that does not fit is cut between its items."""
    shown: list[_Block] = []
    used = 0
    for n, block in enumerate(blocks):
        size = _size(block)
        if used + size <= budget or (not shown and block.kind not in ("ul", "ol")):
            shown.append(block)
            used += size
            continue
        if block.kind in ("ul", "ol"):
            fits = 0
            while fits < len(block.items) and used + _item_size(block.items[fits]) <= budget:
                used += _item_size(block.items[fits])
                fits += 1
            fits = max(fits, 0 if shown else 1)
            if fits:
                head = _Block(block.kind, items=block.items[:fits], indent=block.indent)
                tail = _Block(block.kind, items=block.items[fits:], indent=block.indent)
                tail.start = fits + 1
                rest = [tail] if tail.items else []
                return [*shown, head], rest + list(blocks[n + 1 :])
        return shown, list(blocks[n:])
    return shown, []


def _unquoted(lines: list[str]) -> list[str]:
    """Linus's merges quote the pull request in double quotes: drop those two characters."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 2:
        return lines
    starts = [i for i in filled if lines[i].lstrip().startswith('"')]
    last = filled[-1]
    if not starts or not lines[last].rstrip().endswith('"') or starts[0] == last:
        return lines
    first = starts[0]
    out = list(lines)
    out[first] = out[first].replace('"', " ", 1)
    out[last] = out[last].rstrip()[:-1]
    return out


def summary_html(message: str, fold_after: int = FOLD_AFTER) -> str:
    """`message` as one HTML block (no blank line in it), escaped; what comes after the
    first `fold_after` source lines goes into a `<details>` element."""
    lines = _unquoted(message.replace("\r", "").replace("\t", "        ").splitlines())
    width = _width([line for line in lines if line.strip()])
    shown, folded = _split(_parse(lines), fold_after)
    body = "".join(_render(b, width) for b in shown)
    if folded:
        rest = sum(_size(b) for b in folded)
        noun = "line" if rest == 1 else "lines"
        body += (
            f'<details class="quote"><summary>The rest of the message ({rest} more {noun})'
            "</summary>"
            f"{''.join(_render(b, width) for b in folded)}</details>"
        )
    return f'<div class="kvm-summary">{body}</div>'
