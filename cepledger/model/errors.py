"""Errors as values with a place, and the one exception family the CLI maps to exit codes.

Library code raises these; only ``cli.py`` turns them into an exit code and a sentence
on stderr (SPEC.md, "Exit codes").
"""

from typing import NamedTuple


class Problem(NamedTuple):
    """One finding about a data file: ``path:line: message`` with a stable code.

    ``severity`` is ``"error"`` (the data is invalid: exit 3) or ``"warning"``
    (usable, but ``check --strict`` fails on it).
    """

    path: str
    line: int
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class CepError(Exception):
    """Base of every error the CLI reports as one plain sentence."""

    exit_code = 1


class UsageError(CepError):
    """Bad command-line input: unknown member, activity, option value, bad date (exit 2)."""

    exit_code = 2


class DataError(CepError):
    """A ledger or rule file that does not parse or breaks the schema (exit 3)."""

    exit_code = 3

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, str):
            problems = [Problem(path="", line=0, code="data", message=problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class WriteError(CepError):
    """The ledger could not be written: lock timeout, disk full, permission (exit 4)."""

    exit_code = 4


class UndoNotRecorded(UserWarning):
    """A change was written, but the undo journal could not keep it (``cep undo`` cannot
    take it back). Raised as a warning by ``ledger.write``; the CLI prints it on stderr."""
