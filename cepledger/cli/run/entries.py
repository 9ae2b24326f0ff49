"""``cep add``, ``void``, ``import`` and ``reflect``: what they write, and the effect line after.

Every new entry is checked first (``entry_fields.build_entry``), checked again under the
write lock against the ledger as it is then (another writer may have changed it), appended
by ``ledger.write``, and described by ``effect_lines``: what it counted, what capped it,
and the period's new standing.
"""

from __future__ import annotations

from typing import Sequence

from cepledger.cli.env import Env
from cepledger.cli.run import entry_fields
from cepledger.cli.run.evaluation import load_member, member_programs
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member
from cepledger.model.results import ProgramResult
from cepledger.render import plain as render


def run_add(env: Env, member_id: str, activity: str, amount: str | None, *, when: str | None = None,
            title: str | None = None, item: str | None = None, course: str | None = None,
            cpsel: Sequence[str] = (), ratings: Sequence[str] = (), evidence: str | None = None,
            notes: str | None = None, date_format: str | None = None, with_: str | None = None) -> int:
    """Append one entry and print its effect (and how a duration was rounded, if it was)."""
    path, member = load_member(env, member_id, warn=False)
    rounded: list[str] = []
    fields = entry_fields.build_entry(
        member, member_programs(env, member), activity, amount, today=env.today, ledgers=env.ledgers,
        registry=env.registry(), when=when, title=title, item=item, course=course, cpsel=cpsel, ratings=ratings,
        evidence=evidence, notes=notes, date_format=date_format, notes_out=rounded, with_=with_)
    return _append_and_describe(env, path, fields, rounded)


def _append_and_describe(env: Env, path, fields: dict, notes: Sequence[str] = ()) -> int:
    """Append one entry (checked again under the lock) and print its effect, then ``notes``."""
    from cepledger.ledger import load as ledger_load
    from cepledger.ledger import write as ledger_write

    (entry,) = ledger_write.append_entries(path, [fields], validate=_revalidator(env, [fields]))  # as read back
    fresh = ledger_load.load_member(path)
    for line in effect_lines(fresh, member_programs(env, fresh), entry):
        env.out.write(line + "\n")
    for note in notes:
        env.out.write(f"  note: {note}\n")
    return 0


def _revalidator(env: Env, entries: list[dict]):
    """The check ``append_entries`` runs under the lock, on the ledger as it is then: another
    writer may have changed the member's programs since the entries were built."""
    def still_valid(fresh: Member) -> None:
        for fields in entries:
            entry_fields.targets(member_programs(env, fresh), fields["activity"])

    return still_valid


def run_void(env: Env, member_id: str, entry_id: str, reason: str) -> int:
    """Mark an entry void (it stays in the file) and print the period's new standing."""
    from cepledger.cli.run.amend import resolve_entry
    from cepledger.ledger import load as ledger_load
    from cepledger.ledger import write as ledger_write

    path, member = load_member(env, member_id, validate=False)  # voiding mends a ledger
    if not reason.strip():
        raise UsageError("--reason is empty; say why the entry no longer counts, e.g. --reason 'logged twice'")
    entry = resolve_entry(member, entry_id)  # an id, or L17: the line of a hand-written entry's header
    if entry.is_void:
        raise UsageError(f"entry {entry.id or entry_id} is already void ({entry.void})")
    ref = entry.id or f"L{entry.source.line}"
    voided = ledger_write.void_entry(path, ref, reason.strip())  # as read back from the file
    fresh = ledger_load.load_member(path)
    for line in effect_lines(fresh, member_programs(env, fresh), voided, verb="voided"):
        env.out.write(line + "\n")
    return 0


def run_import(env: Env, member_id: str, csv_path: str, dry_run: bool = False, maps: Sequence[str] = (),
               date_format: str | None = None) -> int:
    """All rows or none: any bad row stops the import (exit 3) and nothing is written.

    ``date_format`` (``DMY``, ``MDY``, ``YMD`` or a pattern such as ``%d/%m/%Y``) says how
    the date column's numeric dates with slashes or dots are read; without it they are refused."""
    from cepledger.model.dates import check_date_format

    from pathlib import Path

    from cepledger.ledger import write as ledger_write
    from cepledger.ledger.importer import parse_maps, plan_import, read_csv_text
    from cepledger.model.errors import DataError
    from cepledger.render.progress import Progress

    mapping = parse_maps(maps)
    date_format = check_date_format(date_format)  # a bad format is a usage error before any row is read
    path, member = load_member(env, member_id, warn=False)
    programs = member_programs(env, member)
    text = read_csv_text(Path(csv_path))

    rounded: list[str] = []  # durations such as 1h20m, rounded to two decimals

    def build(activity, amount, **options):
        return entry_fields.build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
                                        registry=env.registry(), date_format=date_format, notes_out=rounded,
                                        **options)

    with Progress(env.err, max(0, text.count("\n") - 1), "checking rows") as bar:
        plan = plan_import(member, text, csv_path, mapping, build, tick=bar.tick)
    if plan.problems:
        env.err.write(f"nothing imported: {len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''}"
                      " in the CSV file; fix them and run the import again\n")
        raise DataError(plan.problems)
    for line, why in plan.skipped:
        env.out.write(f"skipped line {line}: {why}\n")
    if not plan.new:
        env.out.write(f"nothing to import: every row is already in {member.id}'s ledger\n")
        return 0
    if dry_run:
        for line, fields in plan.new:
            env.out.write(f"would add line {line}: {fields['date']} {fields['activity']} "
                          f"{render.num_text(fields.get('hours'))}".rstrip() + "\n")
        env.out.write(f"dry run: {len(plan.new)} entries would be added, {len(plan.skipped)} skipped; "
                      "nothing was written\n")
        return 0

    new = [fields for _, fields in plan.new]
    written = ledger_write.append_entries(path, new, validate=_revalidator(env, new), command_name="import")
    env.out.write(f"imported {len(written)} entries into {path}, {len(plan.skipped)} skipped as duplicates\n")
    for note in rounded:
        env.out.write(f"  note: {note}\n")
    return 0


def run_reflect(env: Env, member_id: str, answers: Sequence[str] = (), *, ask=None, when: str | None = None,
                activity: str | None = None, hours: str | None = None) -> int:
    """Store the four answers as a ``reflection`` entry (or under ``activity`` with ``hours``).

    ``ask(question) -> str`` asks for the answers when none are given (the CLI passes a prompt).
    """
    from cepledger.model.reflection import ACTIVITY, QUESTIONS, TITLE, reflection_notes

    path, member = load_member(env, member_id, warn=False)
    programs = member_programs(env, member)
    if answers and len(answers) != len(QUESTIONS):
        raise UsageError(f"give all {len(QUESTIONS)} answers (--answer once per question, in order), "
                         f"or none to be asked; got {len(answers)}")
    if (activity is None) != (hours is None) and activity is not None:
        raise UsageError("--activity needs --hours: the time spent reflecting, e.g. --hours 1")
    if not answers:
        if ask is None:
            raise UsageError(f"give the {len(QUESTIONS)} answers with --answer, or run on a terminal to be asked")
        answers = [ask(f"{n}/{len(QUESTIONS)} {q}") for n, q in enumerate(QUESTIONS, 1)]
    empty = [n for n, a in enumerate(answers, 1) if not a.strip()]
    if empty:
        raise UsageError(f"answer {empty[0]} is empty; every question needs an answer in your own words")
    fields = entry_fields.build_entry(member, programs, activity or ACTIVITY, hours, today=env.today,
                                      ledgers=env.ledgers, registry=env.registry(), when=when, title=TITLE)
    fields["notes"] = reflection_notes(answers)
    return _append_and_describe(env, path, fields)


# ------------------------------------------------------------------ what an entry did


def effect_lines(member: Member, programs: Sequence, entry: Entry, verb: str = "added") -> list[str]:
    """``added 7f3a2c: counted 3 of 4 (cap); 2025-26: 27 of 30 credits``, per program counting it.

    With a void entry (``verb="voided"``) only the period's new standing follows the id.
    """
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import period_on

    label = f"{verb} {entry.id or f'the entry at line {entry.source.line}'}"
    parts = []
    for prog in programs:
        if entry.activity not in prog.activities:
            continue
        enrolment = member.enrolment(prog.id)
        period = period_on(prog.period, enrolment, entry.date)
        if period is None:
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


def _effect_text(prog, pr: ProgramResult, er, entry: Entry) -> str:
    """What one entry did in one program's period, then the period's standing."""
    period = pr.period
    where = (period.label if period.program_year is None else f"program year {period.program_year}"
             if period.label == f"year {period.program_year}" else f"{period.label} (program year {period.program_year})")
    if entry.is_void:
        head = ""
    elif er is not None and prog.activities[entry.activity].amount != "none":
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
    """The requirement that shows the period's standing after an entry of ``activity``.

    The first ``total`` requirement the activity counts toward (the first ``total`` of
    all when none names it); for a milestone, the first requirement that names it.
    """
    by_id = {r.id: r for r in pr.requirements}
    if prog.activities[activity].amount != "none":
        totals = [r for r in prog.requirements if r.kind == "total"]
        hit = next((r for r in totals if not r.activities or activity in r.activities), totals[0] if totals else None)
    else:
        hit = next((r for r in prog.requirements if activity in r.activities), None)
    return by_id.get(hit.id) if hit is not None else None
