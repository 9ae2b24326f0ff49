"""Which period a report shows: the one selection every command shares.

``status``, ``summary``, ``log``, ``explain``, ``plan`` and ``report`` all ask
``select_period``: by default the period in effect on the day counted to (``--as-of``,
else today); ``--year Y`` the reporting year Y (for years of enrolment, the program year
with the most days in Y, ties to the earlier); ``--program-year N`` program year N of a
fixed-length program (annual programs have none and are left out). ``None`` means the
member is not in the program during that period, and the program is left out. Pure
functions: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date

from cepledger.model.errors import UsageError
from cepledger.model.periods import by_enrolment, enrolment_year, period_on, program_period, reporting_year
from cepledger.model.records import Enrolment, Member, Period
from cepledger.rules.model import Program


def select_period(program: Program, enrolment: Enrolment, *, on: date, year: int | None = None,
                  program_year: int | None = None) -> Period | None:
    """The period of ``program`` a report shows for this enrolment, or ``None`` (left out)."""
    rule = program.period
    if program_year is not None:
        if rule.kind != "program":
            return None
        if by_enrolment(rule):
            return enrolment_year(rule, enrolment, program_year)
        if not 1 <= program_year <= rule.years:
            return None
        first = reporting_year(enrolment.since, rule.start_month)
        return program_period(rule, enrolment, first + program_year - 1)
    if year is not None:
        return program_period(rule, enrolment, year)
    if by_enrolment(rule):
        return period_on(rule, enrolment, on)
    return program_period(rule, enrolment, reporting_year(on, rule.start_month))


def program_years(program: Program, enrolment: Enrolment) -> list[Period]:
    """Every program year of a fixed-length program, in order (empty for annual programs)."""
    rule = program.period
    if rule.kind != "program":
        return []
    periods = [select_period(program, enrolment, on=enrolment.since, program_year=n)
               for n in range(1, rule.years + 1)]
    return [p for p in periods if p is not None]


def check_program_year(programs: list[Program], member: Member, year: int | None,
                       program_year: int | None) -> None:
    """``--program-year N``: not with ``--year``, and a year one of the member's programs has."""
    if program_year is None:
        return
    if year is not None:
        raise UsageError("give --year or --program-year, not both")
    longest = max((p.period.years for p in programs if p.period.kind == "program"), default=0)
    if not longest:
        names = ", ".join(p.id for p in programs) or "no program"
        raise UsageError(f"--program-year applies to programs of program years (CASC); "
                         f"{member.id} is in {names}: use --year")
    if not 1 <= program_year <= longest:
        raise UsageError(f"bad program year {program_year}: {member.id}'s programs have years 1 to {longest}")
