"""One colour per thing: the palette reads on both page schemes and on white, and colours
follow names (the same name the same colour on every chart, a chart never shows two series
in one colour, a newcomer leaves the others their colours)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvmstatus.analyse.architectures import load_arch_map
from kvmstatus.model.trailers import LIST_TAGS, TRAILERS
from kvmstatus.shared.labels import COMMON, UNKNOWN
from kvmstatus.website import charts, colours, review_charts
from kvmstatus.website.colours import FIXED, GREY, NEUTRAL, OTHER, PALETTE, SHAPES

WHITE, SLATE = "#ffffff", "#1e2129"  # Material's default and slate backgrounds


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour: str) -> float:
        r, g, b = _linear(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _lab(colour: str) -> tuple[float, float, float]:
    r, g, b = _linear(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(one: str, two: str) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation)."""
    (l1, a1, b1), (l2, a2, b2) = _lab(one), _lab(two)
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = (math.degrees(math.atan2(b, a)) % 360 for a, b in ((a1, b1), (a2, b2)))
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    r_c = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((mean_h - 275) / 25) ** 2)))) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def test_delta_e_matches_the_published_examples() -> None:
    # Two pairs of Sharma et al.'s test data, as sRGB: equal colours, and black to white.
    assert delta_e("#0072b2", "#0072b2") == 0
    assert delta_e("#000000", "#ffffff") == pytest.approx(100, abs=0.1)


def test_palette_reads_on_both_backgrounds_and_stays_apart() -> None:
    shown = [*PALETTE, GREY]
    for colour in shown:
        # WCAG's minimum for graphics, on the light and the dark (slate) page alike; the
        # files taken away are on white.
        assert contrast(colour, WHITE) >= 3, colour
        assert contrast(colour, SLATE) >= 3, colour
    closest = min((delta_e(a, b), a, b) for i, a in enumerate(shown) for b in shown[i + 1 :])
    assert closest[0] >= 16, closest
    assert len(set(SHAPES)) == len(SHAPES) == len(PALETTE) + 1
    assert len({colours.shape(c) for c in [*PALETTE, GREY]}) == len(PALETTE) + 1


def test_known_names_have_their_own_fixed_colours() -> None:
    linux = list(load_arch_map("linux-kvm").names)
    assert set(linux) - {COMMON} <= set(FIXED)
    book = colours.assign(linux)
    assert book[COMMON] == GREY
    named = [book[a] for a in linux if a != COMMON]
    assert len(set(named)) == len(named)
    assert all(book[a] == FIXED[a] for a in linux if a != COMMON)
    # Every trailer of the registry, and so every tag given on a list, in its own colour.
    keys = [k.key for k in TRAILERS]
    book = colours.assign(keys)
    assert len(set(book.values())) == len(keys)
    assert set(LIST_TAGS) <= set(FIXED)
    assert NEUTRAL[UNKNOWN] == GREY
    assert NEUTRAL[OTHER] != GREY  # both on one company chart, told apart


def test_a_name_is_its_own_colour_whatever_else_is_drawn() -> None:
    # Not by rank: the same colours in any order, and the first choice is the name's own.
    names = ["Red Hat", "Google", "Intel", "AMD"]
    assert colours.assign(names) == colours.assign(list(reversed(names)))
    assert colours.preference("Google") == colours.preference("Google")
    assert sorted(colours.preference("Google")) == sorted(PALETTE)
    alone = {n: colours.assign([n])[n] for n in names}
    assert alone == {n: colours.preference(n)[0] for n in names}


def test_collisions_go_to_the_name_first_in_the_alphabet() -> None:
    # Find two names whose first choices are the same colour.
    first = colours.preference("Alpha Corp")[0]
    other = next(f"Zed {i}" for i in range(1000) if colours.preference(f"Zed {i}")[0] == first)
    book = colours.assign([other, "Alpha Corp"])
    assert book["Alpha Corp"] == first
    assert book[other] == colours.preference(other)[1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=11, unique=True),
    st.text(min_size=1, max_size=12),
)
def test_a_newcomer_changes_no_colour_of_a_name_before_it(names: list[str], new: str) -> None:
    if new in names:
        return
    before, after = colours.assign(names), colours.assign([*names, new])
    key = colours._serving_order([*names, new])
    for name in names:
        if key.index(name) < key.index(new):
            assert before[name] == after[name]
    if after[new] not in before.values():
        assert before == {n: after[n] for n in names}
    # Never two names in one colour while the palette lasts.
    assert len(set(after.values())) == len(after)


def test_a_chart_never_shows_two_series_in_one_colour() -> None:
    many = [f"company {i}" for i in range(len(PALETTE) + 4)]
    book = colours.assign(many)  # past the palette, names share colours in the book
    assert len(set(book.values())) == len(PALETTE)
    chosen = many[-len(PALETTE) :]
    drawn = colours.distinct(chosen, book)
    assert len(set(drawn)) == len(drawn)


def _window(i: int, companies: list[tuple[str, int]], reviews: list[tuple[str, int]]) -> Any:
    return {
        "release": f"v{i}",
        "date": f"202{i}-01-01",
        "range": f"v{i - 1}..v{i}",
        "commits": 10,
        "companies": [{"company": c, "commits": n} for c, n in companies],
        "review_companies": [{"company": c, "reviews": n} for c, n in reviews],
        "architectures": [
            {"name": "x86", "commits": 5, "authors": 2},
            {"name": "riscv", "commits": i, "authors": 1},
            {"name": "s390", "commits": 3, "authors": 1},
        ],
        "testing": {"riscv": 2, "s390": 1},
        "row": {},
    }


def _colours_of(chart: Any, field: str = "series") -> dict[str, str]:
    doc = charts.spec(chart)
    found: dict[str, str] = {}
    for unit in _units(doc):
        colour = unit.get("encoding", {}).get("color")
        if colour and colour.get("field") == field:
            scale = colour["scale"]
            found |= dict(zip(scale["domain"], scale["range"], strict=True))
    return found


def _units(doc: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("layer", "concat"):
        if key in doc:
            return [u for sub in doc[key] for u in _units(sub)]
    return [doc]


def test_same_company_same_colour_on_the_commits_and_the_reviews_chart() -> None:
    # Google is 2nd by commits and 3rd by reviews: by rank, it would change colour.
    windows = [
        _window(
            i,
            [("Red Hat", 50), ("Google", 30), ("Intel", 20), (UNKNOWN, 3)],
            [("Red Hat", 40), ("IBM", 30), ("Google", 10), ("Oracle", 5)],
        )
        for i in (1, 2, 3)
    ]
    commits = _colours_of(charts.company_shares(windows, "commits"), "company")
    reviews = _colours_of(charts.company_shares(windows, "reviews"), "company")
    for name in set(commits) & set(reviews):
        assert commits[name] == reviews[name], name
    assert commits[UNKNOWN] == GREY
    # Another company joining the reviews chart (sorting after the others) leaves every
    # company its colour on the commits chart.
    more = [
        w | {"review_companies": [*w["review_companies"], {"company": "Zz Co", "reviews": 1}]}
        for w in windows
    ]
    assert _colours_of(charts.company_shares(more, "commits"), "company") == commits


def test_same_architecture_same_colour_on_every_chart() -> None:
    arches = ["x86", "arm64", "riscv", "s390", "ia64", COMMON]
    windows = [_window(i, [("A", 1)], [("A", 1)]) for i in (1, 2, 3)]
    reviews = {
        w["release"]: {
            "coverage": "full",
            "architectures": [
                {"name": a, "series": 2, "reviewed_series": 1, "reviewed_share": 0.5}
                for a in ("riscv", "s390")
            ],
        }
        for w in windows
    }
    seen = [
        _colours_of(charts.arch_commits(windows, arches)),
        _colours_of(charts.arch_commits(windows[:1], arches)),
        _colours_of(charts.testing_activity(windows, arches, None)),
        _colours_of(
            review_charts.architectures(windows, reviews, ["riscv", "s390"], mapping=arches)
        ),
    ]
    for name in ("riscv", "s390"):
        assert {found[name] for found in seen} == {FIXED[name]}
    (bars,) = _units(charts.spec(charts.arch_trend(windows, "riscv", arch_names=arches)))
    assert bars["mark"]["color"] == FIXED["riscv"]
    # The tags given on the list keep their trailers' colours.
    tags = _colours_of(review_charts.tags(windows, reviews), "tag")
    shares = _colours_of(charts.trailer_shares(windows))
    for key in LIST_TAGS:
        assert tags[key] == shares[key] == FIXED[key]


def test_an_unknown_architecture_keeps_its_colour_when_another_appears() -> None:
    before = colours.assign(["x86", "sparc"])
    after = colours.assign(["x86", "sparc", "alpha"])
    assert before["x86"] == after["x86"] == FIXED["x86"]
    # alpha is served before sparc: sparc moves only if alpha wanted the same colour.
    moved = before["sparc"] != after["sparc"]
    assert moved == (after["alpha"] == before["sparc"])
