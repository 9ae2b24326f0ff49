"""What falls due: every requirement not yet met whose due date is within a horizon, or past.

``due_rows`` evaluates each of a member's programs for the period that holds ``today``
and for the one before it (whose unmet requirements are overdue), with the calculator's
public ``evaluate_program``, and keeps each requirement result that is not met and is due
on or before ``today + within`` days. The due dates are the requirement results' own, so
whatever the rules say a period is, the deadlines follow. Pure: ``today`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

from cepledger.calc.evaluate import evaluate_program
from cepledger.calc.views import program_years, select_period
from cepledger.model.periods import previous_period
from cepledger.model.records import Member, Period
from cepledger.model.results import RequirementResult
from cepledger.rules.model import Program


@dataclass(frozen=True, slots=True)
class DueRow:
    """One requirement of one member's program that is not met and falls due soon (or did)."""

    member: str
    name: str
    program: str
    period: Period
    requirement: RequirementResult
    days: int  # days from today to the due date; negative when overdue

    @property
    def due(self) -> date:
        return self.requirement.due

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def missing(self) -> str:
        """``12 hours``, ``3 weeks``, ``CPSEL 4, 5``: what is left to meet the requirement."""
        return missing_words(self.requirement)


def missing_words(r: RequirementResult) -> str:
    """What is still missing of one requirement, in a few words."""
    if r.missing:
        unit = r.unit if r.unit not in ("", "times") else "standards"
        return f"{unit if len(r.missing) > 1 else unit.removesuffix('s')} {', '.join(r.missing)}"
    if r.kind == "deadline":
        return r.detail or "not met"
    amount = _text(r.shortfall)
    if r.unit in ("", "times"):
        return f"{amount} more time{'' if r.shortfall == 1 else 's'}"
    return f"{amount} {r.unit}"


def _text(d: Decimal) -> str:
    s = format(d.quantize(Decimal("0.01")).normalize(), "f")
    return s


def _periods(program: Program, member: Member, today: date) -> list[Period]:
    """The period holding ``today`` and the one before it (for what is overdue). After the
    program's end, for as long as one more year of it would have lasted, its last year
    (whose unmet requirements are overdue), as the year before shows during a year; before
    its start, and long after its end, nothing."""
    enrolment = member.enrolment(program.id)
    if enrolment is None:
        return []
    current = select_period(program, enrolment, on=today)  # the period in effect today, as `status` shows it
    if current is None:
        years = program_years(program, enrolment)
        last = years[-1] if years else None
        ended = last is not None and last.end < today <= last.end + (last.end - last.start) + timedelta(days=1)
        return [last] if ended else []
    before = previous_period(program.period, enrolment, current)
    return [current] if before is None else [current, before]


def due_rows(member: Member, programs: Sequence[Program], today: date, within: int) -> list[DueRow]:
    """The member's unmet requirements due on or before ``today + within`` days, soonest first."""
    horizon = today + timedelta(days=within)
    rows: dict[tuple[str, str, date], DueRow] = {}
    for prog in programs:
        for period in _periods(prog, member, today):
            pr = evaluate_program(member, prog, period)
            for r in pr.requirements:
                key = (prog.id, r.id, r.due)
                if r.met or r.due > horizon or key in rows:  # the later period's view of a shared deadline wins
                    continue
                if not (period.start <= r.due <= period.end) and r.due >= today:
                    continue  # due in another period: that period's own evaluation answers for it
                rows[key] = DueRow(member.id, member.name, prog.id, period, r, (r.due - today).days)
    return sorted(rows.values(), key=lambda x: (x.due, x.member, x.program, x.requirement.id))
