"""What each command does, as plain functions: ``run_<command>(env, ...) -> exit code``.

``cli.py`` parses the command line with Typer and calls these; they take an ``Env``
(ledgers folder, today, output streams) and plain Python values, raise ``CepError``
for anything the user must fix, and never import Typer. rich is imported only inside
the table branches (``render_rich``), so ``--format json|csv`` stays fast.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from typing import Any, Sequence, TextIO

from cepledger.render import plain as render


class _Intake:
    """``intake`` (entry building, did-you-mean), imported on first use: reports never need it."""

    def __getattr__(self, name: str):
        from cepledger.cli import intake as module

        return getattr(module, name)


intake = _Intake()
from cepledger.model.errors import CepError, DataError, Problem, UsageError
from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from dataclasses import dataclass, field

FORMATS = ("table", "json", "csv")


@dataclass(slots=True)
class Env:
    """What every command needs from the outside world, passed in (never read deeper)."""

    ledgers: Path
    today: date
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    width: int | None = None  # table width; None = the terminal's
    _registry: Any = None

    def registry(self):
        """Packaged programs plus ``<ledgers>/programs/*.toml`` (DataError on a broken rule file)."""
        if self._registry is None:
            from cepledger.rules.load import load_registry

            self._registry = load_registry([self.ledgers / "programs"])
        return self._registry

    def console(self):
        from cepledger.render.console import make_console

        return make_console(self.out, width=self.width)


def today_from_env(environ=os.environ) -> date:
    """``$CEPLEDGER_TODAY`` (ISO date, for tests and reproducible scripts) else the clock.

    The only place cepledger reads the clock; everything else gets ``today`` passed in.
    """
    text = environ.get("CEPLEDGER_TODAY", "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"bad CEPLEDGER_TODAY '{text}': use YYYY-MM-DD or unset it") from None


def ledgers_from(option: str | Path | None, environ=os.environ) -> Path:
    """``--ledgers DIR``, else ``$CEPLEDGER_DIR``, else ``./ledgers``."""
    if option:
        return Path(option)
    return Path(environ.get("CEPLEDGER_DIR") or "ledgers")


# ------------------------------------------------------------------ shared helpers


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    return fmt


def load_member(env: Env, member_id: str) -> tuple[Path, Member]:
    """The member's ledger path and parsed ledger (UsageError naming the known members)."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    path = ledger_files.ledger_path(env.ledgers, member_id)
    return path, ledger_load.load_member(path)


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


def year_for(program, year: int | None, today: date) -> int:
    """``--year`` if given, else the program's reporting year containing today."""
    from cepledger.model.periods import reporting_year

    return year if year is not None else reporting_year(today, program.period.start_month)


def parse_year_option(text: str | None) -> int | None:
    from cepledger.model.periods import parse_year

    return None if text is None else parse_year(text)


def evaluate(env: Env, member: Member, year: int | None, *, program: str | None = None,
             as_of: date | None = None) -> list[ProgramResult]:
    """The member's programs during ``year`` (each program's own year containing today if None)."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import program_period

    results = []
    programs = member_programs(env, member)
    warn_uncounted(env, member, programs)
    for prog in programs:
        if program is not None and prog.id != program:
            continue
        # `--as-of D` without `--year` asks about the year containing D, not today's
        period = program_period(prog.period, member.enrolment(prog.id), year_for(prog, year, as_of or env.today))
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


# ------------------------------------------------------------------ init


def run_init(env: Env, directory: str | None) -> int:
    folder = Path(directory) if directory else env.ledgers
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder; choose another path")
    created = []
    for path in (folder, folder / "programs"):
        if not path.exists():
            try:
                path.mkdir(parents=True)
            except OSError as exc:
                from cepledger.model.errors import WriteError

                raise WriteError(f"cannot create {path}: {exc.strerror}") from None
            created.append(path)
    if created:
        env.out.write(f"created {', '.join(f'{p}/' for p in created)}\n")
        env.out.write(f"next: cep --ledgers {folder} member add ID --name NAME --program PROGRAM --since DATE\n")
    else:
        env.out.write(f"{folder}/ already exists; nothing changed\n")
    return 0


# ------------------------------------------------------------------ members


def run_member_add(env: Env, member_id: str, name: str, program: str, since: str,
                   employed_since: str | None) -> int:
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import write as ledger_write
    from cepledger.model.dates import parse_date
    from cepledger.model.ids import validate_member_id

    member_id = validate_member_id(member_id)
    prog = env.registry().get(program)
    since_d = parse_date(since, env.today)
    employed_d = parse_date(employed_since, env.today) if employed_since else None
    _check_enrolment_dates(since_d, employed_d)
    if not name.strip():
        raise UsageError("--name is empty; give the member's name, e.g. --name 'Jane Doe'")
    _ledgers_exist(env)
    path = ledger_files.ledger_path(env.ledgers, member_id)
    if path.exists():
        raise UsageError(f"member '{member_id}' already exists ({path}); "
                         f"to add a program use `cep member enrol {member_id} PROGRAM --since DATE`")
    ledger_write.create_member(path, member_id, name.strip(), prog.id, since_d, employed_d)
    env.out.write(f"created {path}: {name.strip()} in {prog.id} since {since_d}\n")
    _note_employed_since(env, prog, employed_d)
    return 0


def run_member_enrol(env: Env, member_id: str, program: str, since: str, employed_since: str | None) -> int:
    from cepledger.ledger import write as ledger_write
    from cepledger.model.dates import parse_date

    path, member = load_member(env, member_id)
    prog = env.registry().get(program)
    if member.enrolment(prog.id) is not None:
        raise UsageError(f"{member.id} is already enrolled in {prog.id} (since {member.enrolment(prog.id).since})")
    since_d = parse_date(since, env.today)
    employed_d = parse_date(employed_since, env.today) if employed_since else None
    _check_enrolment_dates(since_d, employed_d)
    ledger_write.add_enrolment(path, prog.id, since_d, employed_d)
    env.out.write(f"enrolled {member.id} in {prog.id} since {since_d}\n")
    _note_employed_since(env, prog, employed_d)
    return 0


def _check_enrolment_dates(since: date, employed: date | None) -> None:
    if employed is not None and employed > since:
        raise UsageError(f"--employed-since {employed} is after --since {since}; employed-since is the first day "
                         "as an administrator, on or before enrolment")


def _note_employed_since(env: Env, prog, employed: date | None) -> None:
    if employed is None and any(r.kind == "deadline" for r in prog.requirements):
        env.err.write(f"note: {prog.id} checks the enrolment date against the first day as an administrator; "
                      "without --employed-since that requirement shows as not met\n")


def _ledgers_exist(env: Env) -> None:
    if not env.ledgers.is_dir():
        raise UsageError(f"the ledgers folder {env.ledgers} does not exist; create it with `cep init {env.ledgers}` "
                         "or point --ledgers / CEPLEDGER_DIR at an existing one")


def run_member_list(env: Env, fmt: str) -> int:
    check_format(fmt)
    members, problems = load_all_members(env)
    if fmt == "json":
        render.write_json([render.member_json(m) for m in members], env.out)
    elif fmt == "csv":
        render.write_csv(render.MEMBER_CSV_HEADER, [render.member_row(m) for m in members], env.out)
    else:
        from cepledger.render.tables import members_table

        members_table(env.console(), members)
    return _report_problems(env, problems)


def _report_problems(env: Env, problems: list[Problem], code: int = 0) -> int:
    """Print load problems on stderr; exit 3 when there are any, else ``code``."""
    for p in problems:
        env.err.write(render.problem_line(p) + "\n")
    if problems:
        env.err.write("some ledgers could not be read; fix them and run `cep check`\n")
        return 3
    return code


# ------------------------------------------------------------------ add


def run_add(env: Env, member_id: str, activity: str, amount: str | None, *, when: str | None = None,
            title: str | None = None, item: str | None = None, course: str | None = None,
            cpsel: Sequence[str] = (), ratings: Sequence[str] = (), evidence: str | None = None,
            notes: str | None = None) -> int:
    from cepledger.ledger import load as ledger_load
    from cepledger.ledger import write as ledger_write

    path, member = load_member(env, member_id)
    fields = intake.build_entry(member, member_programs(env, member), activity, amount, today=env.today,
                                ledgers=env.ledgers, registry=env.registry(), when=when, title=title, item=item, course=course,
                                cpsel=cpsel, ratings=ratings, evidence=evidence, notes=notes)

    def still_valid(fresh: Member) -> None:
        # Runs under the lock on the ledger as it is now: another writer may have changed it.
        intake.targets(member_programs(env, fresh), activity)

    (entry,) = ledger_write.append_entries(path, [fields], validate=still_valid)  # as read back from the file
    fresh = ledger_load.load_member(path)
    for line in intake.effect_lines(fresh, member_programs(env, fresh), entry):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ void


def run_void(env: Env, member_id: str, entry_id: str, reason: str) -> int:
    from cepledger.ledger import load as ledger_load
    from cepledger.ledger import write as ledger_write

    path, member = load_member(env, member_id)
    if not reason.strip():
        raise UsageError("--reason is empty; say why the entry no longer counts, e.g. --reason 'logged twice'")
    entry = member.entry(entry_id)
    if entry is None:
        hint = intake.did_you_mean(entry_id, [e.id for e in member.entries if e.id], cutoff=0.5)
        raise UsageError(f"no entry '{entry_id}' in {member.id}'s ledger; {hint}`cep log {member.id}` lists the entry ids")
    if entry.is_void:
        raise UsageError(f"entry {entry_id} is already void ({entry.void})")
    voided = ledger_write.void_entry(path, entry_id, reason.strip())  # as read back from the file
    fresh = ledger_load.load_member(path)
    for line in intake.effect_lines(fresh, member_programs(env, fresh), voided, verb="voided"):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ log


def log_rows(env: Env, member: Member, year: int | None, activity: str | None) -> list[render.LogRow]:
    """Every entry (of one year / one activity) with claimed and counted per program."""
    from cepledger.calc.caps import allocate, claimed_amount
    from cepledger.model.periods import program_period, reporting_year

    programs = member_programs(env, member)
    if activity is not None:
        known = sorted({a for p in programs for a in p.activities} | {e.activity for e in member.entries})
        if activity not in known:
            raise UsageError(f"unknown activity '{activity}' for {member.id}; {intake.choices_hint(activity, known)}")
    start_month = programs[0].period.start_month if programs else 9
    entries = [
        e for e in sorted(member.entries, key=lambda e: (e.date, e.index))
        if (year is None or reporting_year(e.date, start_month) == year)
        and (activity is None or e.activity == activity)
    ]
    counted: dict[int, dict[str, Decimal]] = {e.index: {} for e in entries}
    claimed: dict[int, Decimal] = {}
    for prog in programs:
        enrolment = member.enrolment(prog.id)
        periods = {}
        for e in entries:
            if e.activity in prog.activities:
                claimed.setdefault(e.index, claimed_amount(e, prog.activities[e.activity]))
                period = program_period(prog.period, enrolment, reporting_year(e.date, prog.period.start_month))
                if period is not None and period.contains(e.date):
                    periods[period.start] = period
        for period in periods.values():
            for r in allocate(member, prog, period.start, period.end):
                if r.entry.index in counted:
                    counted[r.entry.index][prog.id] = r.counted
    return [render.LogRow(e, claimed.get(e.index, e.hours), counted[e.index]) for e in entries]


def run_log(env: Env, member_id: str, year: str | None, activity: str | None, fmt: str) -> int:
    check_format(fmt)
    year_n = parse_year_option(year)
    _, member = load_member(env, member_id)
    rows = log_rows(env, member, year_n, activity)
    if fmt == "json":
        render.write_json(render.log_json(rows), env.out)
    elif fmt == "csv":
        render.write_csv(render.LOG_FIELDS, [r.values() for r in rows], env.out)
    else:
        from cepledger.render.tables import log_table

        programs = [p.id for p in member_programs(env, member)]
        log_table(env.console(), member, rows, programs)
    return 0


# ------------------------------------------------------------------ status


def run_status(env: Env, member_id: str, year: str | None = None, program: str | None = None,
               as_of: str | None = None, check: bool = False, fmt: str = "table") -> int:
    from cepledger.model.dates import parse_date

    check_format(fmt)
    year_n = parse_year_option(year)
    as_of_d = parse_date(as_of, env.today) if as_of else None
    _, member = load_member(env, member_id)
    check_program_filter(env, member, program)
    results = evaluate(env, member, year_n, program=program, as_of=as_of_d)
    if fmt == "json":
        render.write_json(render.status_json(member, results), env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER,
                         [row for pr in results for row in render.requirement_rows(member.id, pr)], env.out)
    else:
        from cepledger.render.status_view import status_view

        years = {pr.program: _program_years(env, member, pr, as_of_d) for pr in results}
        status_view(env.console(), member, results, years, rules=env.registry().programs, today=env.today,
                    as_of=as_of_d, year=year_n)
    return 1 if check and not all(pr.met for pr in results) else 0


def _program_years(env: Env, member: Member, pr: ProgramResult, as_of: date | None) -> list[ProgramResult]:
    """Every year of a fixed-length program (``pr`` among them), for the side-by-side view."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import program_period

    if pr.period.program_year is None:
        return [pr]
    prog = env.registry().get(pr.program)
    first = pr.period.start.year - (pr.period.program_year - 1)  # a program year is named by its start year
    out = []
    for n in range(1, prog.period.years + 1):
        if n == pr.period.program_year:
            out.append(pr)
            continue
        period = program_period(prog.period, member.enrolment(prog.id), first + n - 1)
        if period is not None:
            out.append(evaluate_program(member, prog, period, as_of=as_of))
    return out


# ------------------------------------------------------------------ summary


def run_summary(env: Env, year: str | None = None, program: str | None = None, check: bool = False,
                fmt: str = "table") -> int:
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    check_format(fmt)
    year_n = parse_year_option(year)
    check_program_filter(env, None, program)
    rows: list[tuple[Member, ProgramResult]] = []
    problems: list[Problem] = []
    from cepledger.render.progress import track

    paths = ledger_files.member_files(env.ledgers)
    if fmt != "table":
        def one(path: Path) -> tuple[list[Problem], list[tuple[bool, Any]]]:
            try:
                member = ledger_load.load_member(path)
                results = evaluate(env, member, year_n, program=program)
            except DataError as exc:
                return exc.problems, []
            if fmt == "json":
                return [], [(pr.met, render.program_json(pr, member=member.id)) for pr in results]
            return [], [(pr.met, render.requirement_rows(member.id, pr)) for pr in results]

        done = [one(path) for path in track(paths, env.err, "summary")]
        items = [item for _, its in done for item in its]
        problems = [p for probs, _ in done for p in probs]
        if fmt == "json":
            render.write_json([obj for _, obj in items], env.out)
        else:
            render.write_csv(render.STATUS_CSV_HEADER, [row for _, rws in items for row in rws], env.out)
        short = check and not all(met for met, _ in items)
        return _report_problems(env, problems, 1 if short else 0)
    summary_rows(env, paths, year_n, program, rows, problems)
    if fmt == "json":
        render.write_json([render.program_json(pr, member=m.id) for m, pr in rows], env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER,
                         [row for m, pr in rows for row in render.requirement_rows(m.id, pr)], env.out)
    else:
        from cepledger.render.tables import summary_table

        summary_table(env.console(), rows)
    short = check and not all(pr.met for _, pr in rows)
    return _report_problems(env, problems, 1 if short else 0)


# ------------------------------------------------------------------ check


def run_check(env: Env, strict: bool = False, fmt: str = "table") -> int:
    from cepledger.check import check_ledgers
    from cepledger.rules.load import PACKAGE_PROGRAMS, load_registry
    from cepledger.ledger import files as ledger_files

    check_format(fmt)
    registry = load_registry([env.ledgers / "programs"], strict=False)
    from cepledger.render.progress import Progress

    with Progress(env.err, len(ledger_files.member_files(env.ledgers)), "checking") as bar:
        problems = check_ledgers(env.ledgers, registry, progress=lambda _path: bar.tick())
    problems.sort(key=lambda p: (p.path, p.line))
    n_files = (len(ledger_files.member_files(env.ledgers)) + len(list(PACKAGE_PROGRAMS.glob("*.toml")))
               + (len(list((env.ledgers / "programs").glob("*.toml"))) if (env.ledgers / "programs").is_dir() else 0))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "json":
        render.write_json([render.problem_json(p) for p in problems], env.out)
    elif fmt == "csv":
        render.write_csv(render.PROBLEM_FIELDS, [render.problem_row(p) for p in problems], env.out)
    else:
        last = None
        for p in problems:
            if p.path != last and last is not None:
                env.out.write("\n")
            last = p.path
            env.out.write(f"{render.problem_line(p)} [{p.code}]\n")
        if problems:
            env.out.write("\n")
    summary = f"{n_files} files checked, " + (
        "no problems" if not problems else f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    (env.err if fmt != "table" else env.out).write(summary + "\n")
    if errors or (strict and warnings):
        return 3
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------ programs


def run_programs(env: Env, program: str | None = None, fmt: str = "table") -> int:
    check_format(fmt)
    registry = env.registry()
    if program is None:
        progs = [registry.programs[pid] for pid in registry.enrollable()]
        if fmt == "json":
            render.write_json([render.program_summary_json(p) for p in progs], env.out)
        elif fmt == "csv":
            render.write_csv(render.PROGRAM_CSV_HEADER, [render.program_row(p) for p in progs], env.out)
        else:
            from cepledger.render.tables import programs_table

            programs_table(env.console(), progs)
        return 0
    prog = registry.get(program)
    if fmt == "json":
        render.write_json(render.program_detail_json(prog), env.out)
    elif fmt == "csv":
        render.write_csv(render.ACTIVITY_CSV_HEADER, render.activity_rows(prog), env.out)
    else:
        from cepledger.render.tables import program_view

        program_view(env.console(), prog)
    return 0


# ------------------------------------------------------------------ completion helpers (never raise)


def complete_members(ledgers: Path, incomplete: str) -> list[str]:
    try:
        from cepledger.model.ids import is_valid_member_id

        names = sorted(n[:-5] for n in os.listdir(ledgers) if n.endswith(".toml") and is_valid_member_id(n[:-5]))
        return [n for n in names if n.startswith(incomplete)]
    except Exception:
        return []


def complete_activities(ledgers: Path, member_id: str | None, incomplete: str) -> list[str]:
    try:
        from cepledger.rules.load import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        programs = None
        if member_id:
            try:
                from cepledger.ledger import files as ledger_files
                from cepledger.ledger import load as ledger_load
                from cepledger.ledger import write as ledger_write

                member = ledger_load.load_member(ledger_files.ledger_path(ledgers, member_id))
                programs = [registry.programs[e.program] for e in member.enrolments if e.program in registry.programs]
            except (CepError, OSError):
                programs = None
        if not programs:
            programs = [p for p in registry.programs.values() if not p.abstract]
        names = sorted({a for p in programs for a in p.activities})
        return [n for n in names if n.startswith(incomplete)]
    except Exception:
        return []


def complete_programs(ledgers: Path, incomplete: str) -> list[str]:
    try:
        from cepledger.rules.load import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        return [p for p in registry.enrollable() if p.startswith(incomplete)]
    except Exception:
        return []


def summary_rows(env: Env, paths, year: int | None, program: str | None,
                 rows: list, problems: list) -> None:
    """Evaluate each ledger in ``paths``: (member, result) pairs into ``rows``; load problems into ``problems``.

    A ledger that does not load is reported, not fatal: the others still count.
    """
    from cepledger.ledger import load as ledger_load
    from cepledger.render.progress import track

    for path in track(paths, env.err, "summary"):
        try:
            member = ledger_load.load_member(path)
            results = evaluate(env, member, year, program=program)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        rows.extend((member, pr) for pr in results)


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
