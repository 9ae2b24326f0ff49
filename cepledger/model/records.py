"""The records a ledger holds: a member, their enrolments and entries, and periods.

Amounts are ``Decimal``; dates are ``datetime.date``; every entry carries the
``Source`` (path, line) it was read from so any problem can be reported in place.
Records are ``typing.NamedTuple``s (immutable; ``_replace`` makes a changed copy).
What the calculator makes of them is in ``model.results``. Nothing here does I/O or
reads the clock.
"""

from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

ZERO = Decimal(0)
EMPTY_MAP = MappingProxyType({})  # the default of a mapping field: read-only, so it can be shared


class Source(NamedTuple):
    """Where a record was read from (1-based line; 0 when unknown)."""

    path: str
    line: int = 0


class Entry(NamedTuple):
    """One ``[[entries]]`` table of a member ledger.

    ``index`` is the entry's position in the file (0-based): the tie-breaker after
    ``date`` in the counting order. ``course`` keeps what the file says (int or slug);
    the rules resolve it. ``cpsel`` keeps each tag as written, upper-cased (``"2A"``,
    ``"5"``). ``ratings`` maps standard (``"1"``..``"6"``) to the level as written.
    ``extra`` holds keys the schema does not know (``check --strict`` warns on them).
    """

    index: int
    date: date
    activity: str
    source: Source
    id: str | None = None
    hours: Decimal | None = None
    title: str | None = None
    item: str | None = None
    course: int | str | None = None
    cpsel: tuple[str, ...] = ()
    ratings: tuple[tuple[str, str], ...] = ()
    evidence: str | None = None
    evidence_sha256: str | None = None
    notes: str | None = None
    verified: bool | None = None
    void: str | None = None
    with_: str | None = None  # TOML key ``with``: who the activity was with (the coach)
    replaces: str | None = None  # the id of the entry this one corrects (``cep amend``)
    extra: tuple[str, ...] = ()

    @property
    def is_void(self) -> bool:
        """True when the entry has a ``void`` reason: it counts for nothing."""
        return self.void is not None

    @property
    def ratings_map(self) -> dict[str, str]:
        """``ratings`` as standard -> level."""
        return dict(self.ratings)


class Enrolment(NamedTuple):
    """``[programs.<id>]``: when the member entered a program."""

    program: str
    since: date
    source: Source
    employed_since: date | None = None


def select_entries(entries, start: date, last: date, activities) -> list[Entry]:
    """The entries dated ``start``..``last`` (inclusive) whose activity is ``in activities``."""
    return [e for e in entries if start <= e.date <= last and e.activity in activities]


class Member(NamedTuple):
    """A parsed member ledger: identity, enrolments and entries in file order."""

    id: str
    name: str
    path: str
    enrolments: tuple[Enrolment, ...] = ()
    entries: tuple[Entry, ...] = ()
    schema: int = 1
    extra: tuple[str, ...] = ()

    def enrolment(self, program: str) -> Enrolment | None:
        """The member's enrolment in ``program``, or ``None``."""
        for e in self.enrolments:
            if e.program == program:
                return e
        return None

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with id ``entry_id``, or ``None``."""
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None

    def select(self, start: date, last: date, activities) -> list[Entry]:
        """The entries dated ``start``..``last`` (inclusive) whose activity is ``in activities``, in file order."""
        return select_entries(self.entries, start, last, activities)

    def activities_used(self) -> set[str]:
        """The activity ids the entries name."""
        return {e.activity for e in self.entries}

    def entry_ids(self) -> set[str]:
        """The ids the entries use."""
        return {e.id for e in self.entries if e.id is not None}


class Period(NamedTuple):
    """A reporting period: inclusive ``start``..``end``.

    ``label`` is ``"2025-26"`` for a Sept-Aug year (``"2024-27"`` for a 3-year cycle);
    ``program_year`` is 1 or 2 inside a fixed-length program (CASC), else ``None``.
    """

    label: str
    start: date
    end: date
    program_year: int | None = None

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls in the period (both ends included)."""
        return self.start <= d <= self.end
