"""A whole roster at a glance: one row per member and program, for ``report --all``.

Each row says where the member stands (met, short, overdue), what is still missing, the
next date something falls due, and the program's headline requirement (its first
``total``: credits or hours earned against required) for the index's bars. Built from
results already evaluated (``calc.report``); pure: ``today`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cepledger.model.records import Member
from cepledger.model.results import ProgramResult, RequirementResult

MET, SHORT, OVERDUE = "met", "short", "overdue"


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One member in one program."""

    member: Member
    result: ProgramResult
    standing: str  # met | short | overdue
    short: tuple[RequirementResult, ...]  # requirements not met (due in the period, later, or past)
    next_due: date | None
    next_requirement: RequirementResult | None
    headline: RequirementResult | None

    @property
    def earned(self) -> Decimal:
        return self.headline.earned if self.headline is not None else Decimal(0)

    @property
    def required(self) -> Decimal:
        return self.headline.required if self.headline is not None else Decimal(0)

    @property
    def shortfall(self) -> Decimal:
        """The headline requirement's shortfall (what the index sorts by)."""
        return self.headline.shortfall if self.headline is not None else Decimal(0)


def roster_row(member: Member, result: ProgramResult, today: date) -> RosterRow:
    """Where ``member`` stands in one program's period, as of ``today``."""
    short = tuple(r for r in result.requirements if not r.met)
    upcoming = sorted((r for r in short if r.due >= today), key=lambda r: (r.due, r.id))
    past = sorted((r for r in short if r.due < today), key=lambda r: (r.due, r.id))
    if result.met and not past:
        standing = MET
    elif past:
        standing = OVERDUE
    else:
        standing = SHORT
    nxt = upcoming[0] if upcoming else (past[0] if past else None)
    headline = next((r for r in result.requirements if r.kind == "total"), None)
    return RosterRow(member, result, standing, short, nxt.due if nxt else None, nxt, headline)


def roster(pairs, today: date) -> list[RosterRow]:
    """Rows for ``(member, result)`` pairs, by member id then program."""
    rows = [roster_row(m, pr, today) for m, pr in pairs]
    return sorted(rows, key=lambda r: (r.member.id, r.result.program))


@dataclass(frozen=True, slots=True)
class RosterTotals:
    members: int
    programs: int
    met: int
    short: int
    overdue: int


def roster_totals(rows: list[RosterRow]) -> RosterTotals:
    """How many members and rows, and how many rows in each standing."""
    return RosterTotals(len({r.member.id for r in rows}), len(rows), sum(r.standing == MET for r in rows),
                        sum(r.standing == SHORT for r in rows), sum(r.standing == OVERDUE for r in rows))
