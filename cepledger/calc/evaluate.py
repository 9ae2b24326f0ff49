"""The calculator's entry points: member + program + period -> results.

``evaluate_program`` gives one program's standing for one period (every requirement,
the per-activity totals and the per-entry allocation); ``evaluate_member`` does it for
every program a member is in during a reporting year. How caps apply is in
``calc.caps``; how each requirement kind is measured in ``calc.requirements``. Pure
functions: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date

from cepledger.calc.caps import activity_totals
from cepledger.calc.requirements import EVALUATORS, Context
from cepledger.model.errors import DataError, Problem
from cepledger.calc.views import select_period
from cepledger.model.records import ZERO, Member, Period
from cepledger.model.results import MemberStatus, ProgramResult
from cepledger.rules.model import Program, Registry


def evaluate_program(member: Member, program: Program, period: Period, *, as_of: date | None = None) -> ProgramResult:
    """One program's standing for one period: requirements, per-activity totals, per-entry results."""
    if member.enrolment(program.id) is None:
        raise ValueError(f"{member.id} is not enrolled in {program.id}")
    ctx = Context(member, program, period, as_of)
    reqs = tuple(EVALUATORS[r.kind](ctx, r) for r in program.requirements)
    met = all(r.met for r in reqs if period.start <= r.due <= period.end)
    return ProgramResult(
        program=program.id, program_name=program.name, unit=program.unit, period=period, met=met,
        requirements=reqs, activities=activity_totals(ctx.results, program), entries=tuple(ctx.results),
        carried_in=next(iter(ctx.carried.values()), ZERO),
    )


def evaluate_member(member: Member, registry: Registry, year: int | None = None, *,
                    program_year: int | None = None, as_of: date | None = None, today: date | None = None,
                    program: str | None = None) -> MemberStatus:
    """Every program the member is in during the period asked for (or just ``program``).

    The period is ``calc.views.select_period``'s: reporting year ``year``, program year
    ``program_year``, else the one in effect on ``as_of`` (else ``today``).
    """
    on = as_of or today
    if on is None and year is None and program_year is None:
        raise ValueError("evaluate_member needs year, program_year, as_of or today")
    results = []
    for enrolment in member.enrolments:
        if program is not None and enrolment.program != program:
            continue
        prog = registry.programs.get(enrolment.program)
        if prog is None or prog.abstract:
            raise DataError(Problem(enrolment.source.path, enrolment.source.line, "unknown-program",
                                    f"unknown program '{enrolment.program}'; known: {', '.join(registry.enrollable())}"))
        period = select_period(prog, enrolment, on=on or enrolment.since, year=year, program_year=program_year)
        if period is None:
            continue
        results.append(evaluate_program(member, prog, period, as_of=as_of))
    return MemberStatus(member, tuple(results))
