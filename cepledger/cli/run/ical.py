"""``cep import MEMBER events.ics --activity A``: calendar events as entries, all or none."""

from __future__ import annotations

from pathlib import Path

from cepledger.cli.env import Env
from cepledger.cli.run import entry_fields
from cepledger.cli.run.evaluation import load_member, member_programs, parse_year_option, year_for
from cepledger.model.errors import DataError, UsageError
from cepledger.render import plain as render


def run_import_ics(env: Env, member_id: str, ics_path: str, *, activity: str | None, item_from: str = "uid",
                   year: str | None = None, dry_run: bool = False) -> int:
    """Every event of the reporting year up to today becomes an entry of ``activity``; any
    bad event stops the import (exit 3) and nothing is written."""
    from cepledger.cli.run.entries import _revalidator
    from cepledger.ledger import write as ledger_write
    from cepledger.ledger.ical_import import ITEM_FROM, plan_ics_import, read_ics
    from cepledger.model.periods import year_end, year_start

    if activity is None:
        raise UsageError("an .ics import needs --activity: the activity every event becomes, "
                         "e.g. --activity live-webinar")
    if item_from not in ITEM_FROM:
        raise UsageError(f"--item-from {item_from} is not one of: {', '.join(ITEM_FROM)}")
    path, member = load_member(env, member_id)
    programs = member_programs(env, member)
    targets = entry_fields.targets(programs, activity, env.registry())
    start_month = targets[0].program.period.start_month
    year_n = year_for(targets[0].program, parse_year_option(year), env.today)
    span = (year_start(year_n, start_month), year_end(year_n, start_month))
    data = read_ics(Path(ics_path))

    def build(activity, amount, **options):
        return entry_fields.build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
                                        registry=env.registry(), **options)

    plan = plan_ics_import(member, data, ics_path, activity=activity, year=span, today=env.today,
                           item_from=item_from, build=build)
    if plan.problems:
        n = len(plan.problems)
        env.err.write(f"nothing imported: {n} problem{'s' if n != 1 else ''} in the calendar file; "
                      "fix them and run the import again\n")
        raise DataError(plan.problems)
    for line, why in plan.skipped:
        env.out.write(f"skipped the event at line {line}: {why}\n")
    later = f", {plan.future} future event{'s' if plan.future != 1 else ''} left out" if plan.future else ""
    if dry_run or not plan.new:
        for line, fields in plan.new:
            env.out.write(f"would add line {line}: {fields['date']} {fields['activity']} "
                          f"{render.num_text(fields.get('hours'))} {fields.get('title') or ''}".rstrip() + "\n")
        what = "would be added" if dry_run else "to add"
        env.out.write(f"{'dry run: ' if dry_run else ''}{len(plan.new)} entries {what}, {len(plan.skipped)} "
                      f"skipped as duplicates{later}; nothing was written\n")
        return 0
    new = [fields for _, fields in plan.new]
    written = ledger_write.append_entries(path, new, validate=_revalidator(env, new), command_name="import")
    env.out.write(f"imported {len(written)} entries into {path}, {len(plan.skipped)} skipped as duplicates"
                  f"{later}\n")
    return 0


def refuse_ics_options(env: Env, file: str) -> int:
    """--activity, --item-from and --year are for calendar files only."""
    raise UsageError(f"--activity, --item-from and --year are for .ics calendar files; {file} is read as CSV "
                     "(give the activity in an 'activity' column)")
