"""Every command is thin: its options turned into the values the library takes, the line a
stop prints, one call into the library, and what it prints (sqlite-utils: a command is a few
lines over the library). Read from the source of `kvmstatus.cli.commands`; a failure names
the command and the calls it makes."""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvmstatus.cli import commands
from kvmstatus.cli.parser import build_parser

INPUTS = {
    "open_repository",
    "Selection",
    "load_arch_map",
    "load_affiliations",
    "load_config",
    "run_config",
    "config_from_options",
    "demo_project",
}
"""What turns options into the values a call takes: a repository (cloned when it is a URL),
a selection, the mappings, a configuration (the demo's, once its synthetic history is built)."""
STOP_LINES = {"install", "describe_stop"}
"""What says which line a stop prints."""
OUTPUT = {"window_document"}
"""What turns a result into the JSON a command prints."""
LIBRARY = ("kvmstatus", "kvmstatus_flows")


def _library_names(scope: ast.AST) -> set[str]:
    """The names that imports in `scope` (its own statements, not nested functions) bind to
    the library, the CLI's own modules aside."""
    names = set()
    for node in _own_nodes(scope):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] in LIBRARY and not module.startswith("kvmstatus.cli"):
                names.update(a.asname or a.name for a in node.names)
    return names


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `scope`, without those of the functions handed to a call (lambdas), of
    nested definitions, and of `raise` statements (an error is not a call into the library)."""
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.Lambda | ast.FunctionDef | ast.Raise):
            continue
        yield child
        yield from _own_nodes(child)


def library_calls(function: ast.FunctionDef, module: ast.Module) -> list[str]:
    """The library functions `function` calls, by name, in order; a call of a helper of the
    same module counts as the calls the helper makes."""
    helpers = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    library = _library_names(module) | _library_names(function)
    found = []
    for node in _own_nodes(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in library:
            found.append(func.id)
        elif isinstance(func, ast.Name) and func.id in helpers:
            found += library_calls(helpers[func.id], module)
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in library  # a library module's function: `stopping.install`
        ):
            found.append(func.attr)
    return found


def work(function: ast.FunctionDef, module: ast.Module) -> list[str]:
    """The calls of `function` that do the command's work: neither inputs, nor stop lines,
    nor output."""
    allowed = INPUTS | STOP_LINES | OUTPUT
    return [name for name in library_calls(function, module) if name not in allowed]


SOURCE = ast.parse(Path(commands.__file__).read_text(encoding="utf-8"))


def _command_functions() -> dict[str, str]:
    """Each command of the parser and the name of the function that runs it."""
    parser = build_parser()
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: sub.get_default("func").__name__ for name, sub in found.choices.items()}


COMMANDS = _command_functions()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_makes_one_call_into_the_library(command: str) -> None:
    [function] = [
        n for n in SOURCE.body if isinstance(n, ast.FunctionDef) and n.name == COMMANDS[command]
    ]
    calls = work(function, SOURCE)
    assert len(calls) == 1, (
        f"`kvmstatus {command}` ({COMMANDS[command]} in {commands.__file__}) calls {calls}: "
        "move what it decides into the library and call that once"
    )


DECIDING = """
def run(args):
    from kvmstatus.jobs import steps
    from kvmstatus.jobs.edition import idle
    from kvmstatus.store.lock import run_lock
    from kvmstatus_flows.launch import run_flow

    config = _run_config(args)
    with run_lock(config.data_dir):
        steps.check_target(config, None)
        if idle(config, steps.fetch_policy(args.fetch, args.repo), None) is None:
            run_flow({}, args.task_runner)


def _run_config(args):
    from kvmstatus.jobs.config import run_config

    return run_config(args.config, args.repo, args.data)
"""


def test_the_count_sees_what_a_command_decides() -> None:
    # `run` as it was before issue 22: the lock, the target, the idle check, in the CLI.
    module = ast.parse(DECIDING)
    [run] = [n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "run"]
    assert library_calls(run, module) == [
        "run_config",
        "run_lock",
        "check_target",
        "idle",
        "fetch_policy",
        "run_flow",
    ]
    assert work(run, module) == ["run_lock", "check_target", "idle", "fetch_policy", "run_flow"]
