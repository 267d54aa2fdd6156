"""A merge tag's summary as readable HTML: structure kept, every character escaped."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvmstatus.website.prose import summary_html

KVM_X86 = """\
KVM x86 changes for 6.12:

 - Add support for the new hardware feature, with selftests that cover the
   interesting corners.

 - Fix a long-standing bug.

* Generic:

  - Drop the old API.
  - Rename a thing
    - with a nested point

Conflicts:
\tarch/x86/kvm/x86.c
\tvirt/kvm/kvm_main.c
"""


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_paragraphs_and_lists_as_written() -> None:
    out = summary_html(KVM_X86, fold_after=100)
    assert out.startswith('<div class="kvm-summary">')
    assert out.endswith("</div>")
    assert '<p class="kvm-summary-head">KVM x86 changes for 6.12:</p>' in out
    # A wrapped item is one line again; the nesting follows the indentation.
    assert (
        "<li>Add support for the new hardware feature, with selftests that cover the "
        "interesting corners.</li><li>Fix a long-standing bug.</li></ul>"
    ) in out
    assert "<ul><li>Generic:<ul><li>Drop the old API.</li>" in out
    assert "<li>Rename a thing<ul><li>with a nested point</li></ul></li>" in out
    # The lines of a listing keep their breaks (each is shorter than the wrap width).
    assert "Conflicts:</p>" in out or "Conflicts:<br>" in out
    assert "arch/x86/kvm/x86.c<br>virt/kvm/kvm_main.c" in out
    assert "\n\n" not in out  # one HTML block for Markdown


def test_shortlog_and_quoted_cover_letter_keep_their_lines() -> None:
    message = (
        "* kvm-arm64/pkvm:\n"
        "  : .\n"
        "  : Add protected guests, with a cover letter long enough that it was wrapped\n"
        "  : by its author.\n"
        "  : .\n"
        "  KVM: arm64: Add a thing\n"
        "  KVM: arm64: Fix the other thing\n"
    )
    out = summary_html(message)
    assert (
        "<li>kvm-arm64/pkvm:<br>Add protected guests, with a cover letter long enough that it "
        "was wrapped by its author.<br>KVM: arm64: Add a thing<br>KVM: arm64: Fix the other "
        "thing</li>"
    ) in out


def test_linus_quotes_are_dropped() -> None:
    out = summary_html(
        'Pull kvm updates from Paolo:\n\n "ARM:\n\n   - one\n\n  x86:\n\n   - two"\n'
    )
    assert '"' not in html.unescape(re.sub(r'class="[^"]*"', "", out))
    assert text_of(out).split() == [
        "Pull",
        "kvm",
        "updates",
        "from",
        "Paolo:",
        "ARM:",
        "one",
        "x86:",
        "two",
    ]


def test_long_messages_fold_the_rest() -> None:
    message = "Summary line\n\n" + "".join(f" - item {i}\n" for i in range(30))
    out = summary_html(message, fold_after=6)
    shown, _, folded = out.partition("<details")
    assert shown.count("<li>") == 5  # the paragraph and five items fit in six lines
    assert folded.count("<li>") == 25
    assert "The rest of the message (25 more lines)" in folded
    assert summary_html("one line", fold_after=6).count("<details") == 0
    numbered = summary_html("".join(f"{i}. step {i}\n" for i in range(1, 9)), fold_after=3)
    assert '<ol start="4">' in numbered


HOSTILE = [
    "<script>alert(1)</script>",
    "- </li></ul><img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)',
    "&lt;already escaped&gt; & [x](javascript:alert(4)) **bold** `code`",
    "</div><details open><summary>x</summary>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_character_is_escaped(text: str) -> None:
    out = summary_html(f"Title\n\n{text}\n\n - {text}\n")
    rendered = markdown.Markdown(extensions=["md_in_html", "tables"]).convert(out)
    tags = set(re.findall(r"<(/?[a-z]+)", rendered))
    assert tags <= {"div", "/div", "p", "/p", "ul", "/ul", "li", "/li"}, rendered
    assert text.lstrip("- ").strip() in html.unescape(re.sub(r"<[^>]+>", "", rendered))


LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "  ", "    ", "\t"]),
        st.sampled_from(["", "- ", "* ", "+ ", ": ", "> ", '"']),
        # No digits: `1.` would be a list marker, and markers are not text.
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Nd")), max_size=90),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_nothing_is_lost_and_nothing_is_markup(lines: list[tuple[str, str, str]]) -> None:
    message = "\n".join(indent + mark + text for indent, mark, text in lines)
    out = summary_html(message, fold_after=10)
    assert re.fullmatch(r'<div class="kvm-summary">.*</div>', out, re.S)
    assert "\n\n" not in out
    tags = set(re.findall(r"<(/?[a-z]+)", out))
    assert tags <= {"div", "/div", "p", "/p", "ul", "/ul", "li", "/li", "br", "hr", "details"} | {
        "/details",
        "summary",
        "/summary",
    }
    inner = re.sub(r"<summary>.*?</summary>", "", out)
    # Every letter of the message is there, in order: only markers, quotes and rules go.
    shown = html.unescape(re.sub(r"<[^>]+>", " ", inner))
    assert [c for c in shown if c.isalnum()] == [c for c in message if c.isalnum()]


@pytest.mark.realdata
def test_real_merge_messages_read_as_lists(kut_repo: Path) -> None:
    """kvm-unit-tests' merges: every `- item` of a message is a list item, in order."""
    out = subprocess.run(
        ["git", "-C", str(kut_repo), "log", "--merges", "--format=%b%x00"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bodies = [b.strip("\n") for b in out.split("\0") if b.strip()]
    checked = 0
    for body in bodies:
        items = [
            line.strip()[2:].split()[0] for line in body.splitlines() if line.strip()[:2] == "- "
        ]
        rendered = summary_html(body, fold_after=1000)
        starts = [text_of(li).split()[0] for li in re.findall(r"<li>(.*?)(?:</li>|<ul>)", rendered)]
        assert starts == [html.unescape(i) for i in items] or not items, body
        checked += bool(items)
    assert checked >= 10


def test_a_shortlog_is_a_list_of_its_own() -> None:
    message = (
        "* tag 'kvm-x86-mmu-6.12' of https://github.com/kvm-x86/linux:\n"
        "  KVM: x86/mmu: Zap fewer sptes\n"
        "  KVM: x86/mmu: Drop a lock\n"
        "  KVM: x86/mmu: Rename a function that has a very long name indeed, it wraps\n"
        "  ...\n"
    )
    out = summary_html(message)
    assert out == (
        '<div class="kvm-summary"><ul><li>tag &#39;kvm-x86-mmu-6.12&#39; of '
        'https://github.com/kvm-x86/linux:<ul class="kvm-shortlog"><li>KVM: x86/mmu: Zap fewer '
        "sptes</li><li>KVM: x86/mmu: Drop a lock</li><li>KVM: x86/mmu: Rename a function that "
        "has a very long name indeed, it wraps</li><li>...</li></ul></li></ul></div>"
    )
    # Outside a list item too, and never inside a <p>.
    paragraph = summary_html("Shortlog:\n" + message.split("\n", 1)[1])
    assert '<p>Shortlog:</p><ul class="kvm-shortlog">' in paragraph
