"""Members and their programs, loaded, and evaluated for a year: the steps most commands share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cepledger.cli.env import Env
from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render import plain as render


def load_member(env: Env, member_id: str) -> tuple[Path, Member]:
    """The member's ledger path and parsed ledger (UsageError naming the known members)."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    path = ledger_files.ledger_path(env.ledgers, member_id)
    return path, ledger_load.load_member(path)


def load_all_members(env: Env) -> tuple[list[Member], list[Problem]]:
    """Every ledger in the folder that loads, and the problems of those that do not."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    members, problems = [], []
    for path in ledger_files.member_files(env.ledgers):
        try:
            members.append(ledger_load.load_member(path))
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
    warn_uncounted(env, member, programs)
    for prog in programs:
        if program is not None and prog.id != program:
            continue
        # `--as-of D` without `--year` asks about the period in effect on D, not today's
        period = select_period(prog, member.enrolment(prog.id), on=as_of or env.today, year=year,
                               program_year=program_year)
        if period is not None:
            results.append(evaluate_program(member, prog, period, as_of=as_of))
    return results


def warn_uncounted(env: Env, member: Member, programs: list) -> None:
    """Say on stderr (without failing) which entries no enrolled program defines: they count for nothing."""
    known = {a for prog in programs for a in prog.activities}
    if member.activities_used() <= known:  # the usual case, answered without a pass over every entry
        return
    stray = [e for e in member.entries if e.activity not in known and not e.is_void]
    for e in stray[:3]:
        env.err.write(f"warning: {e.source.path}:{e.source.line}: activity '{e.activity}' is not in "
                      f"{', '.join(p.id for p in programs) or 'any program of the member'}, so it counts for "
                      "nothing; fix it or run `cep check`\n")
    if len(stray) > 3:
        env.err.write(f"warning: {len(stray) - 3} more such entries; run `cep check` to list them\n")


def check_program_filter(env: Env, member: Member | None, program: str | None) -> None:
    """``--program P``: a known program (and one the member is in, when there is one)."""
    if program is None:
        return
    env.registry().get(program)  # UsageError naming the programs
    if member is not None and member.enrolment(program) is None:
        enrolled = ", ".join(e.program for e in member.enrolments) or "no program"
        raise UsageError(f"{member.id} is not enrolled in {program} (enrolled in: {enrolled}); "
                         f"enrol with `cep member enrol {member.id} {program} --since DATE`")
