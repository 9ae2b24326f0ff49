"""Reading member ledgers: the one read path, bytes -> TOML -> schema -> ``Member``.

``files`` refuses anything but a plain, small file; ``parse`` turns the bytes into a
TOML 1.0 document and finds its line numbers; ``schema`` checks every field once and
builds the ``Member``. Every problem of a file is collected (each with a stable code and
its line) before one ``DataError`` is raised, so ``cep check`` shows them all at once and
every command that reads a ledger refuses exactly what ``check`` reports.

Reading never imports tomlkit or filelock (the write half).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from cepledger.ledger.files import member_files, read_ledger_bytes
from cepledger.ledger.parse import Layout, parse_toml
from cepledger.ledger.schema import build_member
from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.records import Member

__all__ = ["load_member", "inspect_file", "parse_member", "inspect_member", "parsed_member", "Parsed",
           "remember", "missing_member"]


def missing_member(path: Path) -> UsageError:
    """The ``UsageError`` for a ledger file that does not exist: names the known members
    and how to add one."""
    folder = path.parent
    stem = path.name[:-5] if path.name.endswith(".toml") else path.name
    try:
        known = [p.name[:-5] for p in member_files(folder)]
    except UsageError:
        return UsageError(
            f"no member {stem!r}: the ledgers folder {folder} does not exist; create it with `cep init {folder}`."
        )
    if known:
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        listing = f"known members: {shown}"
    else:
        listing = "it has no members yet"
    return UsageError(
        f"no member {stem!r} in {folder}; {listing}; add one with "
        f"`cep member add {stem} --name NAME --program PROGRAM --since DATE`."
    )


def _read(path: Path) -> bytes:
    try:
        data, _ = read_ledger_bytes(path)
    except FileNotFoundError:
        raise missing_member(path) from None
    return data


def load_member(path: Path) -> Member:
    """Read and parse one ledger file.

    Raises ``UsageError`` when the file does not exist (naming the known members and
    how to add one) and ``DataError`` carrying every ``path:line`` problem when it is
    unsafe to read, not UTF-8, not TOML 1.0, or breaks the schema.
    """
    path = Path(path)
    return parsed_member(_read(path), str(path)).member


def inspect_file(path: Path) -> tuple[Member | None, list[Problem]]:
    """Like ``load_member`` but returns ``(member or None, problems)`` instead of raising
    ``DataError`` (for ``cep check``). A missing file still raises ``UsageError``."""
    path = Path(path)
    try:
        data = _read(path)
    except DataError as e:
        return None, e.problems
    return inspect_member(data, str(path))


def inspect_member(data: bytes, path: str) -> tuple[Member | None, list[Problem]]:
    """Parse ledger bytes; return ``(member, [])`` or ``(None, problems)`` without raising
    for bad data. ``path`` names the file in problems (its stem must be the member id)."""
    try:
        return Parsed.of(data, path).member, []
    except DataError as e:
        return None, e.problems


def parse_member(data: bytes, path: str) -> Member:
    """Parse ledger bytes into a ``Member``; raise ``DataError`` listing every problem."""
    return Parsed.of(data, path).member


# ----------------------------------------------------------------- the last parse, remembered
#
# A parse is reused only for exactly the same bytes and path, the last one in this process:
# `add` reads its ledger to build the entry, again under the lock, and once more for the effect.


class Parsed(NamedTuple):
    """A parsed ledger: its bytes, the ``Member``, and whether ``[[entries]]`` tables can
    be appended to its text meaning "these entries, after the others" (``Layout.appendable``)."""

    data: bytes
    path: str
    member: Member
    appendable: bool

    @classmethod
    def of(cls, data: bytes, path: str) -> Parsed:
        """Parse ``data`` (no memo); ``DataError`` with every problem."""
        text, doc = parse_toml(data, path)
        layout = Layout(text, doc)
        member, problems = build_member(layout, path)
        if member is None:
            raise DataError(problems)
        return cls(data, path, member, layout.appendable())


_LAST: Parsed | None = None


def remember(parsed: Parsed | None) -> None:
    """Make ``parsed`` the parse ``parsed_member`` reuses (None forgets it)."""
    global _LAST
    _LAST = parsed


def parsed_member(data: bytes, path: str) -> Parsed:
    """Parse ledger bytes, or reuse the last parse when it was of exactly these bytes."""
    last = _LAST
    if last is not None and last.path == path and last.data == data:
        return last
    parsed = Parsed.of(data, path)
    remember(parsed)
    return parsed
