"""What each command does, as plain functions: ``run_<command>(env, ...) -> exit code``.

``cli.py`` parses the command line with Typer and calls these; they take an ``Env``
(ledgers folder, today, output streams) and plain Python values, raise ``CepError``
for anything the user must fix, and never import Typer. rich is imported only inside
the table branches (``render_rich``), so ``--format json|csv`` stays fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Sequence, TextIO

from . import render
from .errors import CepError, DataError, Problem, UsageError
from .model import Member, ProgramResult

FORMATS = ("table", "json", "csv")
MAX_AMOUNT = Decimal(1000)


@dataclass
class Env:
    """What every command needs from the outside world, passed in (never read deeper)."""

    ledgers: Path
    today: date
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    debug: bool = False
    width: int | None = None  # table width; None = the terminal's
    _registry: Any = field(default=None, repr=False)

    def registry(self):
        """Packaged programs plus ``<ledgers>/programs/*.toml`` (DataError on a broken rule file)."""
        if self._registry is None:
            from .rules import load_registry

            self._registry = load_registry([self.ledgers / "programs"])
        return self._registry

    def console(self):
        from .render_rich import make_console

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
    from . import store

    path = store.ledger_path(env.ledgers, member_id)
    return path, store.load_member(path)


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


def choices_hint(value: str, choices: Sequence[str]) -> str:
    """``choose one of: a, b, c`` (with a ``did you mean`` when one is close)."""
    import difflib

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"{hint}choose one of: {', '.join(choices)}"


def year_for(program, year: int | None, today: date) -> int:
    """``--year`` if given, else the program's reporting year containing today."""
    from .periods import reporting_year

    return year if year is not None else reporting_year(today, program.period.start_month)


def parse_year_option(text: str | None) -> int | None:
    from .periods import parse_year

    return None if text is None else parse_year(text)


def evaluate(env: Env, member: Member, year: int | None, *, program: str | None = None,
             as_of: date | None = None) -> list[ProgramResult]:
    """The member's programs during ``year`` (each program's own year containing today if None)."""
    from .calc import evaluate_program
    from .periods import program_period

    results = []
    for prog in member_programs(env, member):
        if program is not None and prog.id != program:
            continue
        period = program_period(prog.period, member.enrolment(prog.id), year_for(prog, year, env.today))
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
                from .errors import WriteError

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
    from . import store
    from .dates import parse_date
    from .ids import validate_member_id

    member_id = validate_member_id(member_id)
    prog = env.registry().get(program)
    since_d = parse_date(since, env.today)
    employed_d = parse_date(employed_since, env.today) if employed_since else None
    _check_enrolment_dates(since_d, employed_d)
    if not name.strip():
        raise UsageError("--name is empty; give the member's name, e.g. --name 'Jane Doe'")
    _ledgers_exist(env)
    path = store.ledger_path(env.ledgers, member_id)
    if path.exists():
        raise UsageError(f"member '{member_id}' already exists ({path}); "
                         f"to add a program use `cep member enrol {member_id} PROGRAM --since DATE`")
    store.create_member(path, member_id, name.strip(), prog.id, since_d, employed_d)
    env.out.write(f"created {path}: {name.strip()} in {prog.id} since {since_d}\n")
    _note_employed_since(env, prog, employed_d)
    return 0


def run_member_enrol(env: Env, member_id: str, program: str, since: str, employed_since: str | None) -> int:
    from . import store
    from .dates import parse_date

    path, member = load_member(env, member_id)
    prog = env.registry().get(program)
    if member.enrolment(prog.id) is not None:
        raise UsageError(f"{member.id} is already enrolled in {prog.id} (since {member.enrolment(prog.id).since})")
    since_d = parse_date(since, env.today)
    employed_d = parse_date(employed_since, env.today) if employed_since else None
    _check_enrolment_dates(since_d, employed_d)
    store.add_enrolment(path, prog.id, since_d, employed_d)
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
    from . import store

    check_format(fmt)
    members, problems = [], []
    for path in store.member_files(env.ledgers):
        try:
            members.append(store.load_member(path))
        except DataError as exc:
            problems.extend(exc.problems)
    if fmt == "json":
        render.write_json([render.member_json(m) for m in members], env.out)
    elif fmt == "csv":
        render.write_csv(render.MEMBER_CSV_HEADER, [render.member_row(m) for m in members], env.out)
    else:
        from .render_rich import members_table

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


@dataclass
class _Target:
    """One program that counts a new entry: the program and its activity rules."""

    program: Any
    activity: Any


def parse_amount(text: str) -> Decimal:
    """An amount typed on the command line: a finite, non-negative number up to 1000."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise UsageError(f"bad amount '{text}': give a number of hours or credits, like 3 or 1.5") from None
    if not value.is_finite():
        raise UsageError(f"bad amount '{text}': give an ordinary number, like 3 or 1.5")
    if value < 0:
        raise UsageError(f"the amount {text} is negative; to cancel an entry, void it with `cep void`")
    if value > MAX_AMOUNT:
        raise UsageError(f"the amount {text} is more than 1000 for one entry (a typo?); split it or check the number")
    return value


def _toml_number(value: Decimal) -> int | Decimal:
    """``3`` for a whole number, else the Decimal without trailing zeros (``1.5``)."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def _targets(programs: list, activity: str) -> list[_Target]:
    targets = [_Target(p, p.activities[activity]) for p in programs if activity in p.activities]
    if not targets:
        known = sorted({a for p in programs for a in p.activities})
        names = " and ".join(p.id for p in programs) or "no program"
        raise UsageError(f"unknown activity '{activity}' for {names}; {choices_hint(activity, known)}")
    return targets


def _check_in_program(member: Member, targets: list[_Target], day: date) -> None:
    """Refuse a date outside every program that would count the entry (a likely typo)."""
    from .periods import program_span

    spans = []
    for t in targets:
        start, end = program_span(t.program.period, member.enrolment(t.program.id))
        if start <= day and (end is None or day <= end):
            return
        spans.append(f"{t.program.id} runs " + (f"{start} to {end}" if end else f"from {start}"))
    raise UsageError(f"the date {day} is outside the member's programs ({'; '.join(spans)}); "
                     "check --date, or enrol the member with `cep member enrol`")


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _evidence_file(env: Env, evidence: str) -> Path | None:
    """The evidence file, relative to the ledgers folder first, then the working folder."""
    p = Path(evidence).expanduser()
    for candidate in ([p] if p.is_absolute() else [env.ledgers / p, p]):
        if candidate.is_file():
            return candidate
    return None


def build_entry(env: Env, member: Member, activity: str, amount: str | None, *, when: str | None = None,
                title: str | None = None, item: str | None = None, course: str | None = None,
                cpsel: Sequence[str] = (), ratings: Sequence[str] = (), evidence: str | None = None,
                notes: str | None = None) -> dict[str, Any]:
    """Validate everything ``cep add`` was given; return the new entry's TOML keys."""
    from .dates import parse_date

    targets = _targets(member_programs(env, member), activity)
    kinds = {t.activity.amount for t in targets}
    day = parse_date(when, env.today) if when else env.today
    _check_in_program(member, targets, day)
    fields: dict[str, Any] = {"date": day, "activity": activity}

    # amount
    if amount is not None:
        value = parse_amount(amount)
        if "none" in kinds:
            raise UsageError(f"{activity} is a milestone and takes no amount; drop '{amount}'")
        if value == 0 and "hours" in kinds:
            raise UsageError(f"an amount of 0 counts nothing; give the {activity} hours, like 1.5")
        fields["hours"] = _toml_number(value)
    elif "hours" in kinds or any("hours" in t.activity.requires for t in targets):
        raise UsageError(f"{activity} is counted in hours: give them, e.g. `cep add {member.id} {activity} 1.5`")

    for key, value in (("title", title), ("item", item), ("notes", notes)):
        if value is not None:
            if not value.strip():
                raise UsageError(f"--{key} is empty; leave it out or give some text")
            fields[key] = value.strip()

    # course
    catalogued = [t for t in targets if t.activity.catalogue]
    if course is not None:
        if not catalogued:
            raise UsageError(f"--course is only for activities with a course catalogue; {activity} has none")
        t = catalogued[0]
        slug = t.program.resolve_course(course, t.activity.catalogue)
        if slug is None:
            cat = t.program.catalogues.get(t.activity.catalogue, {})
            listing = ", ".join(f"{k} {v}" for k, v in cat.items())
            raise UsageError(f"unknown course '{course}' for {t.program.id}; choose a number or name: {listing}")
        fields["course"] = int(course) if course.strip().isdigit() else slug

    # cpsel tags
    tags = [t.strip().upper() for raw in cpsel for t in raw.split(",") if t.strip()]
    if tags:
        tagged = [t for t in targets if "cpsel" in t.activity.tags]
        if not tagged:
            allowed = sorted({a.id for t in targets for a in t.program.activities.values() if "cpsel" in a.tags})
            raise UsageError(f"--cpsel does not apply to {activity}; it is for: {', '.join(allowed) or 'no activity'}")
        prog = tagged[0].program
        vocab = prog.tags.get("cpsel", {})
        for tag in tags:
            if prog.standard_of(tag) is None:
                choices = ", ".join([*vocab.get("standards", {}), *vocab.get("elements", ())])
                raise UsageError(f"unknown CPSEL standard or element '{tag}'; choose from: {choices}")
        unique = list(dict.fromkeys(tags))
        fields["cpsel"] = [int(t) if t.isdigit() else t for t in unique]

    # ratings
    if ratings:
        rated = [t for t in targets if t.program.levels]
        if not rated:
            raise UsageError(f"--rating does not apply to {activity}: {targets[0].program.id} has no rating levels")
        prog = rated[0].program
        table: dict[str, str] = {}
        for raw in ratings:
            for part in raw.split(","):
                if not part.strip():
                    continue
                std, sep, level = part.partition("=")
                std, level = std.strip().upper(), level.strip().lower()
                if not sep or not std or not level:
                    raise UsageError(f"bad rating '{part.strip()}': write STANDARD=LEVEL, like 3=meets")
                if prog.standard_of(std) != std:
                    standards = ", ".join(prog.tags.get("cpsel", {}).get("standards", {}))
                    raise UsageError(f"unknown standard '{std}' in --rating; choose one of: {standards}")
                if prog.level_rank(level) is None:
                    levels = [*prog.levels, *prog.level_aliases]
                    raise UsageError(f"unknown rating level '{level}'; choose one of: {', '.join(levels)}")
                if std in table:
                    raise UsageError(f"standard {std} is rated twice; give one --rating per standard")
                table[std] = level
        fields["ratings"] = dict(sorted(table.items()))

    # evidence
    if evidence is not None:
        if not evidence.strip():
            raise UsageError("--evidence is empty; give the path of the certificate or report")
        fields["evidence"] = evidence
        found = _evidence_file(env, evidence)
        if found is not None:
            try:
                fields["evidence_sha256"] = _sha256(found)
            except OSError as exc:
                raise UsageError(f"cannot read the evidence file {found}: {exc.strerror}") from None

    # whatever the rules require of this activity
    given = {"hours": "hours" in fields, "course": "course" in fields, "cpsel": "cpsel" in fields,
             "ratings": "ratings" in fields, "evidence": "evidence" in fields, "title": "title" in fields,
             "item": "item" in fields, "notes": "notes" in fields}
    for t in targets:
        for key in t.activity.requires:
            if not given.get(key, True):
                option = {"hours": "an amount", "ratings": "--rating STANDARD=LEVEL"}.get(key, f"--{key}")
                raise UsageError(f"{activity} needs {option}")
    return fields


def run_add(env: Env, member_id: str, activity: str, amount: str | None, *, when: str | None = None,
            title: str | None = None, item: str | None = None, course: str | None = None,
            cpsel: Sequence[str] = (), ratings: Sequence[str] = (), evidence: str | None = None,
            notes: str | None = None) -> int:
    from . import store

    path, member = load_member(env, member_id)
    fields = build_entry(env, member, activity, amount, when=when, title=title, item=item, course=course,
                         cpsel=cpsel, ratings=ratings, evidence=evidence, notes=notes)

    def still_valid(fresh: Member) -> None:
        # Runs under the lock on the ledger as it is now: another writer may have changed it.
        _targets(member_programs(env, fresh), activity)

    (entry,) = store.append_entries(path, [fields], validate=still_valid)
    fresh = store.load_member(path)
    new = fresh.entry(entry.id) if entry.id else None
    if new is None:
        new = next((e for e in reversed(fresh.entries) if e.index == entry.index), entry)
    for line in effect_lines(env, fresh, new):
        env.out.write(line + "\n")
    return 0


def effect_lines(env: Env, member: Member, entry, verb: str = "added") -> list[str]:
    """``added 7f3a2c: counted 3 of 4 (cap); 2025-26: 27 of 30 credits``, per program counting it.

    With ``verb="voided"`` only the new standing follows the id.
    """
    from .calc import evaluate_program
    from .periods import program_period, reporting_year

    label = f"{verb} {entry.id or f'the entry at line {entry.source.line}'}"
    parts = []
    for prog in member_programs(env, member):
        if entry.activity not in prog.activities:
            continue
        enrolment = member.enrolment(prog.id)
        period = program_period(prog.period, enrolment, reporting_year(entry.date, prog.period.start_month))
        if period is None or not period.contains(entry.date):
            parts.append((prog.id, f"not counted: {entry.date} is outside {prog.id} "
                                   f"(enrolled since {enrolment.since})"))
            continue
        pr = evaluate_program(member, prog, period)
        er = None if entry.is_void else next((r for r in pr.entries if r.entry.index == entry.index), None)
        parts.append((prog.id, _effect_text(prog, pr, er, entry)))
    if not parts:
        return [label]
    if len(parts) == 1:
        return [f"{label}: {parts[0][1]}"]
    return [f"{label}:"] + [f"  {pid}: {text}" for pid, text in parts]


def _effect_text(prog, pr: ProgramResult, er, entry) -> str:
    """What one entry did in one program's period, then the period's standing."""
    period = pr.period
    where = period.label if period.program_year is None else f"{period.label} (program year {period.program_year})"
    activity = prog.activities[entry.activity]
    if entry.is_void:
        head = ""
    elif er is not None and activity.amount != "none":
        head = f"counted {render.num_text(er.counted)} of {render.num_text(er.claimed)}"
        if er.clips:
            head += f" ({'; '.join(c.description for c in er.clips)})"
    else:
        head = f"{entry.activity} recorded"
    standing = _standing_requirement(prog, pr, entry.activity)
    if standing is None:
        return head or where
    unit = "" if standing.unit == "times" else (standing.unit or pr.unit)
    text = f"{head}; {where}: " if head else f"{where}: "
    if standing.kind != "total":
        text += f"{standing.id} "
    text += f"{render.num_text(standing.earned)} of {render.num_text(standing.required)} {unit}".rstrip()
    return text + (" (met)" if standing.met else "")


def _standing_requirement(prog, pr: ProgramResult, activity: str):
    """The requirement that shows the year's standing after an entry of ``activity``.

    The first ``total`` requirement the activity counts toward (the first ``total`` of
    all when none names it); for a milestone, the first requirement that names it.
    """
    by_id = {r.id: r for r in pr.requirements}
    rules = list(prog.requirements)
    if prog.activities[activity].amount != "none":
        totals = [r for r in rules if r.kind == "total"]
        hit = next((r for r in totals if not r.activities or activity in r.activities), None)
        if hit is None and totals:
            hit = totals[0]
    else:
        hit = next((r for r in rules if activity in r.activities), None)
    return by_id.get(hit.id) if hit is not None else None


# ------------------------------------------------------------------ void


def run_void(env: Env, member_id: str, entry_id: str, reason: str) -> int:
    from . import store

    path, member = load_member(env, member_id)
    if not reason.strip():
        raise UsageError("--reason is empty; say why the entry no longer counts, e.g. --reason 'logged twice'")
    entry = member.entry(entry_id)
    if entry is None:
        import difflib

        ids = [e.id for e in member.entries if e.id]
        close = difflib.get_close_matches(entry_id, ids, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError(f"no entry '{entry_id}' in {member.id}'s ledger; {hint}`cep log {member.id}` lists the entry ids")
    if entry.is_void:
        raise UsageError(f"entry {entry_id} is already void ({entry.void})")
    voided = store.void_entry(path, entry_id, reason.strip())
    fresh = store.load_member(path)
    for line in effect_lines(env, fresh, fresh.entry(entry_id) or voided, verb="voided"):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ log


def log_rows(env: Env, member: Member, year: int | None, activity: str | None) -> list[render.LogRow]:
    """Every entry (of one year / one activity) with claimed and counted per program."""
    from .calc import claimed_amount, evaluate_program
    from .periods import program_period, reporting_year

    programs = member_programs(env, member)
    if activity is not None:
        known = sorted({a for p in programs for a in p.activities} | {e.activity for e in member.entries})
        if activity not in known:
            raise UsageError(f"unknown activity '{activity}' for {member.id}; {choices_hint(activity, known)}")
    start_month = programs[0].period.start_month if programs else 9
    entries = [
        e for e in sorted(member.entries, key=lambda e: (e.date, e.index))
        if (year is None or reporting_year(e.date, start_month) == year)
        and (activity is None or e.activity == activity)
    ]
    counted: dict[int, dict[str, Any]] = {e.index: {} for e in entries}
    claimed: dict[int, Decimal] = {}
    for prog in programs:
        enrolment = member.enrolment(prog.id)
        periods = {}
        for e in entries:
            if e.activity not in prog.activities:
                continue
            if e.index not in claimed:
                claimed[e.index] = claimed_amount(e, prog.activities[e.activity])
            period = program_period(prog.period, enrolment, reporting_year(e.date, prog.period.start_month))
            if period is not None and period.contains(e.date):
                periods[period.start] = period
        for period in periods.values():
            for r in evaluate_program(member, prog, period).entries:
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
        from .render_rich import log_table

        programs = [p.id for p in member_programs(env, member)]
        log_table(env.console(), member, rows, programs)
    return 0


# ------------------------------------------------------------------ status


def run_status(env: Env, member_id: str, year: str | None = None, program: str | None = None,
               as_of: str | None = None, check: bool = False, fmt: str = "table") -> int:
    from .dates import parse_date

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
        from .render_rich import status_view

        others = {pr.program: _other_program_year(env, member, pr, as_of_d) for pr in results}
        status_view(env.console(), member, results, others, rules=env.registry().programs, today=env.today,
                    as_of=as_of_d, year=year_n)
    return 1 if check and not all(pr.met for pr in results) else 0


def _other_program_year(env: Env, member: Member, pr: ProgramResult, as_of: date | None) -> ProgramResult | None:
    """For a two-year program: the other program year, for the side-by-side view."""
    from .calc import evaluate_program
    from .periods import program_period

    if pr.period.program_year is None:
        return None
    prog = env.registry().get(pr.program)
    if prog.period.years != 2:
        return None
    # A program year starts on day 1 of start_month of the year that names it.
    other_year = pr.period.start.year + (1 if pr.period.program_year == 1 else -1)
    period = program_period(prog.period, member.enrolment(prog.id), other_year)
    if period is None:
        return None
    return evaluate_program(member, prog, period, as_of=as_of)


# ------------------------------------------------------------------ summary


def run_summary(env: Env, year: str | None = None, program: str | None = None, check: bool = False,
                fmt: str = "table") -> int:
    from . import store

    check_format(fmt)
    year_n = parse_year_option(year)
    check_program_filter(env, None, program)
    rows: list[tuple[Member, ProgramResult]] = []
    problems: list[Problem] = []
    for path in store.member_files(env.ledgers):
        try:
            member = store.load_member(path)
            results = evaluate(env, member, year_n, program=program)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        rows.extend((member, pr) for pr in results)
    if fmt == "json":
        render.write_json([render.program_json(pr, member=m.id) for m, pr in rows], env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER,
                         [row for m, pr in rows for row in render.requirement_rows(m.id, pr)], env.out)
    else:
        from .render_rich import summary_table

        summary_table(env.console(), rows, today=env.today)
    short = check and not all(pr.met for _, pr in rows)
    return _report_problems(env, problems, 1 if short else 0)


# ------------------------------------------------------------------ check


def run_check(env: Env, strict: bool = False, fmt: str = "table") -> int:
    from .check import check_ledgers
    from .rules import PACKAGE_PROGRAMS, load_registry
    from . import store

    check_format(fmt)
    registry = load_registry([env.ledgers / "programs"], strict=False)
    problems = check_ledgers(env.ledgers, registry)
    problems.sort(key=lambda p: (p.path, p.line))
    n_files = (len(store.member_files(env.ledgers)) + len(list(PACKAGE_PROGRAMS.glob("*.toml")))
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
            env.out.write(render.problem_line(p) + "\n")
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
            from .render_rich import programs_table

            programs_table(env.console(), progs)
        return 0
    prog = registry.get(program)
    if fmt == "json":
        render.write_json(render.program_detail_json(prog), env.out)
    elif fmt == "csv":
        render.write_csv(render.ACTIVITY_CSV_HEADER, render.activity_rows(prog), env.out)
    else:
        from .render_rich import program_view

        program_view(env.console(), prog)
    return 0


# ------------------------------------------------------------------ completion helpers (never raise)


def complete_members(ledgers: Path, incomplete: str) -> list[str]:
    try:
        from .ids import is_valid_member_id

        names = sorted(n[:-5] for n in os.listdir(ledgers) if n.endswith(".toml") and is_valid_member_id(n[:-5]))
        return [n for n in names if n.startswith(incomplete)]
    except Exception:
        return []


def complete_activities(ledgers: Path, member_id: str | None, incomplete: str) -> list[str]:
    try:
        from .rules import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        programs = None
        if member_id:
            try:
                from . import store

                member = store.load_member(store.ledger_path(ledgers, member_id))
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
        from .rules import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        return [p for p in registry.enrollable() if p.startswith(incomplete)]
    except Exception:
        return []
