"""Untrusted text made printable, widths in Arial's metrics, wrapping, number formats."""

from __future__ import annotations

import pytest

from kvmstatus.deck import text
from kvmstatus.deck.model import Unit


def test_clean_drops_what_would_hide_reorder_or_break_text() -> None:
    assert text.clean("Mallory \u202eevil\u202c \x1b[31mred\x00") == "Mallory evil [31mred"
    assert text.clean("two\nlines\tand  spaces") == "two lines and spaces"
    assert text.clean("x" * 10, limit=5) == "xxxx\N{HORIZONTAL ELLIPSIS}"
    assert text.clean(None) == ""
    # Markup is text: escaping is each writer's job.
    assert text.clean("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_widths_are_arials() -> None:
    # H 722, e 556, l 222, l 222, o 556 thousandths of an em.
    assert text.width("Hello", 10) == pytest.approx(22.78)
    assert text.width("Hello", 10, bold=True) > text.width("Hello", 10)
    assert text.width("é", 10) == text.width("e", 10)
    assert text.width("漢", 10) == 10


def test_wrap_breaks_at_spaces_then_after_a_range_then_anywhere() -> None:
    assert text.wrap("Reviewed-by up 24% on the year", 20, 150) == [
        "Reviewed-by up",
        "24% on the year",
    ]
    assert text.wrap("v2023-01-05..v2025-06-05", 20, 150) == ["v2023-01-05..", "v2025-06-05"]
    long = "x" * 40
    lines = text.wrap(long, 20, 100)
    assert "".join(lines) == long
    assert all(text.width(line, 20) <= 100 for line in lines)
    assert text.line_count("", 20, 100) == 1


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [
        (1234, "count", "1,234"),
        (None, "count", text.DASH),
        (0.3125, "share", "31.2%"),
        (2684.3, "days", "2,684 days"),
        (12.25, "count", "12.2"),
    ],
)
def test_values(number: float | None, unit: Unit, shown: str) -> None:
    assert text.value(number, unit) == shown


def test_changes_carry_an_arrow_and_a_sign() -> None:
    assert text.change(24.04) == "\N{BLACK UP-POINTING TRIANGLE} +24.0%"
    assert text.change(-12.5) == "\N{BLACK DOWN-POINTING TRIANGLE} -12.5%"
    assert text.change(0.04) == "0.0%"
    assert text.change(None) == text.DASH
    assert [text.direction(p) for p in (3.0, -0.2, 0.01, None)] == [1, -1, 0, 0]


def test_cells() -> None:
    assert [text.cell(c) for c in (1500, None, "a\nb", 2.5)] == ["1,500", text.DASH, "a b", "2.5"]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/report/", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ('https://example.org/" onmouseover="alert(1)', False),
        ("https://example.org/<script>", False),
    ],
)
def test_only_http_addresses_become_links(url: str, safe: bool) -> None:
    assert (text.safe_url(url) is not None) is safe
