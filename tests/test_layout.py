"""The layout is the data flow: git -> mine -> analyse -> store -> website, imports one way,
over the shapes they pass each other (`model`, at the bottom); no module, of kvmstatus or of
its Prefect flows, imports itself back.

Imports are read from the source (top level, inside functions and under `TYPE_CHECKING`
alike), so a wrong-way import fails here whether or not it ever runs. A failure names the
module and the import; `python -c "import ast"`-free to reproduce: read the file it names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kvmstatus.store.cache import (
    COMPUTING_MODULES,
    kvmstatus_imports,
    module_closure,
    module_file,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "kvmstatus"
FLOWS = Path(__file__).resolve().parents[1] / "flows" / "kvmstatus_flows"


def _modules() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules()


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _closure(module: str) -> set[str]:
    return module_closure([module]) - {module}


# The stages, in the order the data flows.
STAGES = [
    "shared",
    "model",
    "git",
    "mine",
    "analyse",
    "store",
    "story",
    "website",
    "deck",
    "jobs",
    "cli",
    "demo",
]

# stage -> stages (or single modules) its modules must never reach, directly or not
FORBIDDEN: dict[str, set[str]] = {
    "shared": set(STAGES) - {"shared"},  # what every stage may use reaches none of them
    "model": {"git", "mine", "analyse", "store", "story", "website", "deck", "jobs", "cli", "demo"},
    "story": {"git", "mine", "analyse", "store", "website", "deck", "jobs", "cli", "demo"},
    "git": {"mine", "analyse", "store", "story", "website", "deck", "jobs", "cli", "demo"},
    "mine": {"analyse", "store", "story", "website", "deck", "jobs", "cli", "demo"},
    "analyse": {"git", "mine", "store", "story", "website", "deck", "jobs", "cli", "demo"},
    "store": {"story", "website", "deck", "jobs", "cli", "demo"},
    "website": {"git", "mine", "analyse", "deck", "jobs", "cli", "demo", "store.results"},
    # The deck is a medium like the site: a plain description in (model's shapes), files
    # out; what the slides say is mapped from the report's data by jobs.
    "deck": {"git", "mine", "analyse", "store", "story", "website", "jobs", "cli", "demo"},
    "jobs": {"cli", "demo"},
    "demo": {"git", "mine", "analyse", "store", "website", "deck", "jobs", "cli"},
}


def _banned(module: str, other: str) -> bool:
    banned = FORBIDDEN.get(_stage(module), set())
    stage = _stage(other)
    if stage == _stage(module):
        return False
    return stage in banned or other.removeprefix("kvmstatus.") in banned


def _violations(module: str) -> list[str]:
    return [other for other in sorted(_closure(module)) if _banned(module, other)]


@pytest.mark.parametrize("module", MODULES)
def test_imports_go_one_way(module: str) -> None:
    wrong = _violations(module)
    assert not wrong, f"{module} reaches {', '.join(wrong)} (see FORBIDDEN in {__file__})"


def test_website_imports_only_the_store_the_model_the_story_and_the_helpers() -> None:
    allowed = {"website", "store", "model", "story", "shared", "errors"}
    for module in (m for m in MODULES if _stage(m) == "website"):
        direct = kvmstatus_imports(module)
        odd = [d for d in direct if _stage(d) not in allowed]
        assert not odd, f"{module} imports {odd}"


def test_deck_imports_only_the_model_and_the_helpers() -> None:
    allowed = {"deck", "model", "shared", "errors"}
    for module in (m for m in MODULES if _stage(m) == "deck"):
        direct = kvmstatus_imports(module)
        odd = [d for d in direct if _stage(d) not in allowed]
        assert not odd, f"{module} imports {odd}"


FLOW_MODULES = {
    "kvmstatus_flows" if p.stem == "__init__" else f"kvmstatus_flows.{p.stem}": p
    for p in sorted(FLOWS.glob("*.py"))
}


def _imported(path: Path, packages: tuple[str, ...]) -> set[str]:
    """The modules of `packages` the file at `path` imports anywhere."""
    known = {*MODULES, *FLOW_MODULES}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        assert not getattr(node, "level", 0), f"{path} imports relatively: name the package"
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in packages)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in packages:
            base = str(node.module)
            found.update(s if (s := f"{base}.{a.name}") in known else base for a in node.names)
    return found


def _import_graph() -> dict[str, set[str]]:
    """Every module of kvmstatus and of its flows, and the modules of either it imports."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        path = module_file(module)
        assert path is not None
        graph[module] = kvmstatus_imports(module) | _imported(path, ("kvmstatus_flows",))
    for module, path in FLOW_MODULES.items():
        graph[module] = _imported(path, ("kvmstatus", "kvmstatus_flows")) - {module}
    return graph


def test_no_import_cycle() -> None:
    # The flows count too: the CLI imports them, and they import each other and the jobs.
    graph = _import_graph()
    assert {"kvmstatus_flows.launch", "kvmstatus_flows.publish"} <= graph.keys()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_only_the_cli_starts_prefect() -> None:
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("cli/"):
            continue
        assert "kvmstatus_flows" not in text, f"{relative} imports the flows (only cli may)"
        assert "import prefect" not in text, relative
        assert "from prefect" not in text, relative


def test_the_cache_key_covers_computing_and_nothing_of_the_site() -> None:
    covered = module_closure(COMPUTING_MODULES)
    assert {"kvmstatus.mine.log", "kvmstatus.analyse.metrics", "kvmstatus.store.results"} <= covered
    assert not {m for m in covered if _stage(m) in {"website", "deck", "cli", "demo"}}
    assert "kvmstatus.jobs.steps" not in covered
