"""The data files shipped inside the package (`src/kvmstatus/data/`): the architecture
mappings, the affiliation map, the list robots and the default configuration.

They are read from next to the code: the package is always installed as files (a wheel or
an editable install), and a path costs no import, where `importlib.resources` brings
`tempfile`, `shutil` and `zipfile` with it into every command's start-up.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def shipped(name: str) -> Path:
    """The shipped file or folder `name` (`architectures.toml`, `affiliations`, ...)."""
    return DATA / name
