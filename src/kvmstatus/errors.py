"""The one exception type for user mistakes: the CLI prints it as one line and exits 1."""


class UserError(Exception):
    """A problem with the user's input (repository, range, files) rather than a bug.

    The message is a single line that says what is wrong and what to do about it.
    """
