"""What a user is told when bzf cannot do what was asked: the one place exit codes are decided.

Ledger problems are ``Diagnostic`` values (``ledger/diagnostics.py``): located, collected, all
of them reported. Everything else that stops a command is a ``BzfError``: a Chinese message,
an optional hint, optional located diagnostics, and an exit code fixed by its kind. Code raises
the kind that fits; ``cli/runtime.guard`` turns any of them into output and an exit status.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from baozufang_cli.ledger.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """Exit codes of every bzf command (documented in docs/errors.md)."""

    OK = 0
    LEDGER_ERRORS = 1  # the ledger has errors (check), or a report refused to run on them
    USAGE = 2  # bad option or argument, no ledger found, a name that matches nothing
    WRITE_REFUSED = 3  # nothing was written: an edit or import was refused, a file could not be written
    INTERNAL = 70  # a bug in bzf (never expected; the message asks for a report)


class BzfError(Exception):
    """A failure the user can act on. ``line()`` is what is printed after ``bzf：``."""

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE
    shown_diagnostics: ClassVar[int | None] = None  # print at most this many located problems

    def __init__(self, message: str, hint: str = "", diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostics = list(diagnostics)

    def line(self) -> str:
        return self.message + (f"，{self.hint}" if self.hint else "")


class UsageError(BzfError):
    """The command line asks for something that cannot be: a bad value, an unknown name, no ledger."""

    exit_code = ExitCode.USAGE


class LedgerError(BzfError):
    """The ledger itself stops the command (targets.yaml or criteria.yaml broken)."""

    exit_code = ExitCode.LEDGER_ERRORS
    shown_diagnostics = 20


class WriteRefused(BzfError):
    """Nothing was written: an edit or import was refused, or the output could not be written."""

    exit_code = ExitCode.WRITE_REFUSED
