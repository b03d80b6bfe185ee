"""One error type for everything a user can fix. The CLI turns any KbError into its message on
stderr and its exit code; nothing else in the package prints or exits."""

from contextlib import contextmanager

EXIT_INVALID = 1
EXIT_USAGE = 2


class KbError(Exception):
    """A problem the user can fix: invalid input, a missing file, a taken name."""

    exit_code = EXIT_INVALID
    problems = ()  # validation problems to list before the message, each printed on its own line


class UsageError(KbError):
    """A command used in a way it cannot work: the wrong folder, an argument it refuses."""

    exit_code = EXIT_USAGE


@contextmanager
def reraised(error_type, *foreign):
    """Re-raise foreign exceptions (of a module whose errors are not KbErrors yet) as error_type,
    keeping their message."""
    try:
        yield
    except foreign as error:
        raise error_type(str(error)) from error
