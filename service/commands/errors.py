"""The command's top-level handler: every failure is one line on stderr and an exit code,
never a traceback (operators read the line; scripts read the code)."""

import sys
from collections.abc import Callable
from typing import NoReturn

import asyncpg

from service.ingest.errors import SeedError
from service.kit.errors import ProblemError

# sysexits.h: what a script calling `anju` may tell apart
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the database, a port or the data folder is in use
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class CommandError(Exception):
    """A refusal the command explains itself (an unknown region, a busy port …)."""

    def __init__(self, message: str, *, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _describe(error: BaseException) -> tuple[str, int]:
    if isinstance(error, CommandError):
        return str(error), error.exit_code
    if isinstance(error, ProblemError):
        return error.detail, EXIT_FAILURE
    if isinstance(error, SeedError):
        return str(error), EXIT_FAILURE
    if isinstance(error, asyncpg.PostgresError):
        return f"the database refused: {error}", EXIT_FAILURE
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or error}: {error.filename}", EXIT_FAILURE
    if isinstance(error, OSError):
        # connection refused, host unknown …: the one OSError without a file name we meet
        return f"cannot reach the database: {error.strerror or error}", EXIT_UNAVAILABLE
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text: {error.reason}", EXIT_FAILURE
    return f"unexpected {type(error).__name__}: {error}", EXIT_FAILURE


def fail(message: str, exit_code: int) -> NoReturn:
    print(f"anju: error: {message}", file=sys.stderr)
    raise SystemExit(exit_code)


def reporting(run: Callable[[], None]) -> None:
    """Run a command; turn whatever it raises into one line and an exit code."""
    try:
        run()
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    except Exception as error:
        message, code = _describe(error)
        fail(message.splitlines()[0] if message else type(error).__name__, code)
