"""The exceptions the CLI prints as one line (exit status 1): a user mistake, a failed git."""


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
