"""The exceptions the CLI prints as one line (exit status 1): a user mistake, a failed git;
and how such a line names what the user typed (`quoted`, `Origin`)."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """A problem with the user's input (repository, range, files) rather than a bug.

    The message is a single line that says what is wrong and what to do about it.
    """


class GitFailure(Exception):
    """A git command exited non-zero; `stderr` is git's own message."""

    # Not a frozen dataclass: raising sets __traceback__ on the instance.
    def __init__(self, args_: tuple[str, ...], returncode: int, stderr: str) -> None:
        super().__init__(args_, returncode, stderr)
        self.args_ = args_
        self.returncode = returncode
        self.stderr = stderr

    def __str__(self) -> str:
        first = self.stderr.strip().splitlines()[0] if self.stderr.strip() else "(no message)"
        return f"git {' '.join(self.args_[:3])} failed: {first}"


def quoted(text: str) -> str:
    """`text` in single quotes as the user typed it: a regex `^v\\d+` stays `'^v\\d+'`, where
    `repr` would double every backslash."""
    return f"'{text}'"


# How each project setting is spelled on the command line (the configuration's key names
# are the canonical ones).
_FLAGS = {"release_pattern": "--pattern", "since": "--since", "paths": "--paths"}


@dataclass(frozen=True)
class Origin:
    """Where a project's settings were written, so that an error names what the user typed:
    `--since` on the command line, `project[0].since` in a configuration file."""

    table: str | None = None
    """`project[N]` for a configuration file; None for the command line."""

    def key(self, name: str) -> str:
        """The setting `name` (a configuration key) as the user wrote it."""
        if self.table is None:
            return _FLAGS.get(name, "--" + name.replace("_", "-"))
        return f"{self.table}.{name}"

    @property
    def verb(self) -> str:
        """What the user does to a setting: pass a flag, set a key."""
        return "pass" if self.table is None else "set"

    def setting(self, name: str, value: str | list[str]) -> str:
        """How to give setting `name` the value `value`: `--paths .`, `paths = ["."]`."""
        if self.table is None:
            shown = " ".join(value) if isinstance(value, list) else value
            return f"{self.key(name)} {shown}"
        if isinstance(value, list):
            shown = "[" + ", ".join(f'"{v}"' for v in value) + "]"
        else:
            shown = quoted(value)
        return f"{self.key(name)} = {shown}"


COMMAND_LINE = Origin()
