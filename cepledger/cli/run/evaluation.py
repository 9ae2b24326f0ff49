"""Members and their programs, loaded, and evaluated for a year: the steps most commands share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cepledger.cli.env import Env
from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render import plain as render


def load_member(env: Env, member_id: str, *, validate: bool = True, warn: bool = True) -> tuple[Path, Member]:
    """The member's ledger path and parsed ledger (UsageError naming the known members),
    held to ``check``'s verdict (``checked``) unless ``validate`` is False (``void`` and
    ``member enrol``, the commands that mend a ledger, and ``verify``); ``warn=False``
    (the commands that write) keeps check's warnings to ``check`` and the reports."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    path = ledger_files.ledger_path(env.ledgers, member_id)
    member = ledger_load.load_member(path)
    return path, checked(env, member, warn=warn) if validate else member


def checked(env: Env, member: Member, *, warn: bool = True) -> Member:
    """``member`` if ``cep check`` finds no error in it, its warnings printed on stderr as
    ``check`` prints them; else ``DataError`` with check's own ``path:line: message`` (exit 3).
    The one call by which every report agrees with ``check`` (SPEC.md, "Exit codes")."""
    from cepledger.check import verdict

    for p in verdict(member, env.registry(), env.today):
        if warn:
            env.err.write(render.problem_line(p) + "\n")
    return member


def load_all_members(env: Env, *, validate: bool = False) -> tuple[list[Member], list[Problem]]:
    """Every ledger in the folder that loads, and the problems of those that do not.

    ``validate=True`` (a report across members) holds each to ``check``'s verdict too
    (``checked``): one with an error is left out and its problems returned."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    members, problems = [], []
    for path in ledger_files.member_files(env.ledgers):
        try:
            member = ledger_load.load_member(path)
            members.append(checked(env, member) if validate else member)
        except DataError as exc:
            problems.extend(exc.problems)
    return members, problems


def report_problems(env: Env, problems: list[Problem], code: int = 0) -> int:
    """Print load problems on stderr; exit 3 when there are any, else ``code``."""
    for p in problems:
        env.err.write(render.problem_line(p) + "\n")
    if problems:
        env.err.write("some ledgers could not be read; fix them and run `cep check`\n")
        return 3
    return code


def member_programs(env: Env, member: Member) -> list:
    """The rules of every program the member is enrolled in, in file order."""
    registry = env.registry()
    out = []
    for e in member.enrolments:
        prog = registry.programs.get(e.program)
        if prog is None or prog.abstract:
            raise DataError(Problem(e.source.path, e.source.line, "unknown-program",
                                    f"unknown program '{e.program}'; choose one of: {', '.join(registry.enrollable())}"))
        out.append(prog)
    return out


def parse_year_option(text: str | None) -> int | None:
    """``--year 2025`` or ``--year 2025-26`` as the year it starts in; None when not given."""
    from cepledger.model.periods import parse_year

    return None if text is None else parse_year(text)


def parse_program_year_option(text: str | None) -> int | None:
    """``--program-year 2`` as 2; None when not given."""
    if text is None:
        return None
    if not text.strip().isdigit():
        raise UsageError(f"bad program year '{text}': give the number of the program year, like 1 or 2")
    return int(text)


def year_for(program, year: int | None, today: date) -> int:
    """``--year`` if given, else the program's reporting year containing today."""
    from cepledger.model.periods import reporting_year

    return year if year is not None else reporting_year(today, program.period.start_month)


def evaluate(env: Env, member: Member, year: int | None, *, program: str | None = None,
             as_of: date | None = None, program_year: int | None = None,
             one_member: bool = True) -> list[ProgramResult]:
    """The member's programs in the period asked for (``calc.views.select_period``).

    With ``one_member`` (not for ``summary``), ``--program-year`` must fit the member's programs.
    """
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.calc.views import check_program_year, select_period

    results = []
    programs = member_programs(env, member)
    if one_member:
        check_program_year(programs, member, year, program_year)
    for prog in programs:
        if program is not None and prog.id != program:
            continue
        # `--as-of D` without `--year` asks about the period in effect on D, not today's
        period = select_period(prog, member.enrolment(prog.id), on=as_of or env.today, year=year,
                               program_year=program_year)
        if period is not None:
            results.append(evaluate_program(member, prog, period, as_of=as_of))
    return results


def check_program_filter(env: Env, member: Member | None, program: str | None) -> None:
    """``--program P``: a known program (and one the member is in, when there is one)."""
    if program is None:
        return
    env.registry().get(program)  # UsageError naming the programs
    if member is not None and member.enrolment(program) is None:
        enrolled = ", ".join(e.program for e in member.enrolments) or "no program"
        raise UsageError(f"{member.id} is not enrolled in {program} (enrolled in: {enrolled}); "
                         f"enrol with `cep member enrol {member.id} {program} --since DATE`")
