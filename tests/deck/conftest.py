"""The deck tests' fixtures: the made-up deck of `deck_sample` (every slide kind, hostile
names, layout edge cases) and its two files, written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from deck_sample import fixture_deck
from kvmstatus.deck.html_file import write_html
from kvmstatus.deck.layout import Page, plan
from kvmstatus.deck.model import Deck
from kvmstatus.deck.pptx_file import write_pptx


@pytest.fixture(scope="session")
def deck() -> Deck:
    return fixture_deck()


@pytest.fixture(scope="session")
def pages(deck: Deck) -> tuple[Page, ...]:
    return plan(deck)


@pytest.fixture(scope="session")
def deck_files(deck: Deck, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deck")
    write_pptx(deck, folder / "deck.pptx")
    write_html(deck, folder / "deck.html")
    return folder
