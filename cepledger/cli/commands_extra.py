"""The "beyond the peers" commands: explain, plan, verify, import, reflect, report.

Same shape as ``commands.py``: ``run_<command>(env, ...) -> exit code``, plain values in,
``CepError`` out for anything the user must fix; the domain logic lives in ``explain``,
``plan``, ``evidence``, ``importer``, ``reflect`` and ``report``, imported lazily.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Sequence

from cepledger.render import plain as render
from cepledger.cli.commands import Env, load_member, member_programs, parse_year_option, year_for
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member, Source
from dataclasses import replace

PLAIN_FORMATS = ("table", "json")


def _check_plain_format(fmt: str) -> str:
    if fmt not in PLAIN_FORMATS:
        raise UsageError(f"unknown format '{fmt}' for this command; choose one of: {', '.join(PLAIN_FORMATS)}")
    return fmt


# ------------------------------------------------------------------ explain


def run_explain(env: Env, member_id: str, entry_id: str, fmt: str = "table") -> int:
    from cepledger.calc.explain import explain_entry
    from cepledger.render.explain import explanation_json, explanation_lines
    from cepledger.cli.intake import did_you_mean

    _check_plain_format(fmt)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    try:
        explanations = explain_entry(member, programs, entry_id)
    except KeyError:
        hint = did_you_mean(entry_id, [e.id for e in member.entries if e.id], cutoff=0.5)
        raise UsageError(f"no entry '{entry_id}' in {member.id}'s ledger; {hint}"
                         f"`cep log {member.id}` lists the entry ids") from None
    if fmt == "json":
        render.write_json(explanation_json(member, explanations), env.out)
        return 0
    if not explanations:
        env.out.write(f"{entry_id}: its activity is in none of "
                      f"{member.id}'s programs, so it counts for nothing\n")
        return 0
    for line in explanation_lines(explanations):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ plan


def what_if_entry(env: Env, member: Member, programs: list, text: str) -> Entry:
    """``"live-webinar 4"``, ``"cep-course course=4 2026-03-01"``: a trial entry (never written).

    Words: the activity, then an amount, a date and ``key=value`` (item, title, course) in
    any order; the date defaults to today. Checked like ``cep add`` checks its options.
    """
    from cepledger.cli import intake

    words = text.split()
    if not words:
        raise UsageError("--what-if is empty; give an activity and an amount, like --what-if 'live-webinar 4'")
    activity, rest = words[0], words[1:]
    amount = when = None
    extra: dict[str, str] = {}
    for w in rest:
        key, sep, value = w.partition("=")
        if sep:
            if key not in ("item", "title", "course"):
                raise UsageError(f"unknown key '{key}' in --what-if; use item=, title= or course=")
            extra[key] = value
        elif amount is None and _is_number(w):
            amount = w
        elif when is None:
            when = w
        else:
            raise UsageError(f"cannot read '{w}' in --what-if; write 'ACTIVITY [AMOUNT] [DATE] [item=K]'")
    fields = intake.build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
                                registry=env.registry(), when=when, title=extra.get("title"),
                                item=extra.get("item"), course=extra.get("course"))
    return Entry(index=len(member.entries), date=fields["date"], activity=activity,
                 source=Source("what-if", 0), id="what-if",
                 hours=Decimal(str(fields["hours"])) if "hours" in fields else None,
                 title=fields.get("title"), item=fields.get("item"), course=fields.get("course"))


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def run_plan(env: Env, member_id: str, year: str | None = None, what_if: str | None = None,
             fmt: str = "table") -> int:
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import program_period
    from cepledger.render.plan import plan_json
    from cepledger.calc.plan import plan_program

    _check_plain_format(fmt)
    year_n = parse_year_option(year)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    trial = None
    if what_if is not None:
        trial = what_if_entry(env, member, programs, what_if)
        member = replace(member, entries=(*member.entries, trial))
    plans = []
    results = []
    for prog in programs:
        period = program_period(prog.period, member.enrolment(prog.id), year_for(prog, year_n, env.today))
        if period is None:
            continue
        pr = evaluate_program(member, prog, period)
        results.append(pr)
        plans.append((prog, pr, plan_program(prog, pr, env.today)))
    if fmt == "json":
        render.write_json(plan_json([(prog.id, steps) for prog, _, steps in plans]), env.out)
        return 0
    out = env.out
    if trial is not None:
        out.write(f"what if: {trial.activity} {render.num_text(trial.hours)} on {trial.date} "
                  "(nothing is written)\n".replace("  ", " "))
        for pr in results:
            er = next((r for r in pr.entries if r.entry.id == "what-if"), None)
            if er is not None:
                clip = f" ({'; '.join(c.description for c in er.clips)})" if er.clips else ""
                out.write(f"  {pr.program}: would count {render.num_text(er.counted)} of "
                          f"{render.num_text(er.claimed)}{clip}\n")
    if not plans:
        out.write(f"{member.id} is in no program during that year\n")
    for prog, pr, steps in plans:
        label = pr.period.label + (f" (program year {pr.period.program_year})" if pr.period.program_year else "")
        out.write(f"{prog.id} {label}: " + ("every requirement is met\n" if not steps else "still to do\n"))
        for s in steps:
            r = s.requirement
            left = (f"missing {', '.join(r.missing)}" if r.missing
                    else f"{render.num_text(s.left)} {'' if r.unit == 'times' else r.unit}".rstrip() + " left")
            when = (f"due {s.due} ({s.days_left} days)" if s.days_left >= 0 else f"was due {s.due} (overdue)")
            pace = (f", {render.num_text(s.weekly)} {'' if r.unit == 'times' else r.unit} a week".replace("  ", " ")
                    if s.weekly is not None and s.days_left > 7 and (r.kind == "total" or s.left > 1) else "")
            out.write(f"  {r.id}: {left}, {when}{pace}\n")
            if s.suggestions:
                total = sum((g.credits for g in s.suggestions), Decimal(0))
                out.write(f"    the fewest entries that close it ({len(s.suggestions)}, "
                          f"{render.num_text(total)} {pr.unit}):\n")
                for g in s.suggestions:
                    code = f"{g.code} " if g.code else ""
                    can = "no cap" if g.why == "no cap" else f"a new one can earn {render.num_text(g.room)}; {g.why}"
                    out.write(f"      {code}{g.activity}: {render.num_text(g.credits)} {pr.unit} ({can})\n")
            elif s.options:
                out.write(f"    not yet counted: {', '.join(s.options)}\n")
            elif r.kind == "total" and s.left > 0:
                out.write("    no open activity can close it this period: every cap on its activities is used\n")
    return 0


# ------------------------------------------------------------------ verify


def run_verify(env: Env, member_id: str | None = None, fmt: str = "table") -> int:
    """Exit 1 when an evidence file is missing or changed (like ``--check``), else 0."""
    from cepledger.cli.commands import load_all_members
    from cepledger.ledger.evidence import verify_member

    _check_plain_format(fmt)
    if member_id is not None:
        members = [load_member(env, member_id)[1]]
        problems = []
    else:
        members, problems = load_all_members(env)
    checks = [c for m in members for c in verify_member(m, env.ledgers)]
    if fmt == "json":
        render.write_json([
            {"member": c.member, "entry": c.entry.id, "date": c.entry.date.isoformat(), "evidence": c.entry.evidence,
             "state": c.state, "recorded_sha256": c.entry.evidence_sha256, "actual_sha256": c.actual,
             "line": c.entry.source.line}
            for c in checks
        ], env.out)
    else:
        for c in checks:
            where = f"{c.entry.source.path}:{c.entry.source.line}"
            if c.state == "missing":
                env.out.write(f"{where}: missing: {render.shown(c.entry.evidence)} (entry {c.entry.id or '-'})\n")
            elif c.state == "changed":
                env.out.write(f"{where}: changed: {render.shown(c.entry.evidence)} (entry {c.entry.id or '-'}): "
                              f"recorded {c.entry.evidence_sha256[:12]}…, now {c.actual[:12]}…\n")
            elif c.state == "no-checksum":
                env.out.write(f"{where}: note: {render.shown(c.entry.evidence)} has no recorded SHA-256 "
                              f"(now {c.actual[:12]}…)\n")
        bad = sum(c.bad for c in checks)
        ok = sum(c.state == "ok" for c in checks)
        env.out.write(f"{len(checks)} evidence files: {ok} match, {bad} missing or changed\n")
    for p in problems:
        env.err.write(render.problem_line(p) + "\n")
    if problems:
        return 3
    return 1 if any(c.bad for c in checks) else 0


# ------------------------------------------------------------------ import


def run_import(env: Env, member_id: str, csv_path: str, dry_run: bool = False, maps: Sequence[str] = ()) -> int:
    """All rows or none: any bad row stops the import (exit 3) and nothing is written."""
    from cepledger.cli import intake
    from cepledger.ledger import write as ledger_write
    from cepledger.model.errors import DataError
    from cepledger.ledger.importer import parse_maps, plan_import, read_csv_text

    mapping = parse_maps(maps)
    path, member = load_member(env, member_id)
    programs = member_programs(env, member)
    text = read_csv_text(Path(csv_path))

    def build(activity, amount, **options):
        return intake.build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
                                  registry=env.registry(), **options)

    from cepledger.render.progress import Progress

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

    def still_valid(fresh: Member) -> None:
        for _, fields in plan.new:
            intake.targets(member_programs(env, fresh), fields["activity"])

    written = ledger_write.append_entries(path, [fields for _, fields in plan.new], validate=still_valid)
    env.out.write(f"imported {len(written)} entries into {path}, {len(plan.skipped)} skipped as duplicates\n")
    return 0


# ------------------------------------------------------------------ reflect


def run_reflect(env: Env, member_id: str, answers: Sequence[str] = (), *, ask=None, when: str | None = None,
                activity: str | None = None, hours: str | None = None) -> int:
    """Store the four answers as a ``reflection`` entry (or under ``activity`` with ``hours``).

    ``ask(question) -> str`` asks for the answers when none are given (the CLI passes a prompt).
    """
    from cepledger.cli import intake
    from cepledger.ledger import load as ledger_load
    from cepledger.ledger import write as ledger_write
    from cepledger.model.reflection import ACTIVITY, QUESTIONS, TITLE, reflection_notes

    path, member = load_member(env, member_id)
    programs = member_programs(env, member)
    if answers and len(answers) != len(QUESTIONS):
        raise UsageError(f"give all {len(QUESTIONS)} answers (--answer once per question, in order), "
                         f"or none to be asked; got {len(answers)}")
    if (activity is None) != (hours is None) and activity is not None:
        raise UsageError("--activity needs --hours: the time spent reflecting, e.g. --hours 1")
    if not answers:
        if ask is None:
            raise UsageError(f"give the {len(QUESTIONS)} answers with --answer, or run on a terminal to be asked")
        answers = []
        for n, q in enumerate(QUESTIONS, 1):
            answers.append(ask(f"{n}/{len(QUESTIONS)} {q}"))
    empty = [n for n, a in enumerate(answers, 1) if not a.strip()]
    if empty:
        raise UsageError(f"answer {empty[0]} is empty; every question needs an answer in your own words")
    act = activity or ACTIVITY
    fields = intake.build_entry(member, programs, act, hours, today=env.today, ledgers=env.ledgers,
                                registry=env.registry(), when=when, title=TITLE)
    fields["notes"] = reflection_notes(answers)

    def still_valid(fresh: Member) -> None:
        intake.targets(member_programs(env, fresh), act)

    (entry,) = ledger_write.append_entries(path, [fields], validate=still_valid)
    fresh = ledger_load.load_member(path)
    for line in intake.effect_lines(fresh, member_programs(env, fresh), entry):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ report


def run_report(env: Env, member_id: str, year: str | None, output: str) -> int:
    import os
    import tempfile

    from cepledger.model.errors import WriteError
    from cepledger.calc.report import build_report
    from cepledger.ledger.evidence import verify_member
    from cepledger.render.report import render_html, render_markdown

    target = Path(output)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError(f"cannot tell the format of '{output}': name the file .html or .md")
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    if not programs:
        raise UsageError(f"{member.id} is in no program; enrol them with `cep member enrol`")
    year_n = parse_year_option(year)
    year_n = year_for(programs[0], year_n, env.today)
    report = build_report(member, programs, year_n, verify_member(member, env.ledgers), env.today)
    text = render_markdown(report) if suffix in (".md", ".markdown") else render_html(report)
    folder = target.parent if str(target.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cep-report-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file to share, not mkstemp's private 0600
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise WriteError(f"cannot write {target}: {exc.strerror}; check the folder exists and is writable") from None
    env.out.write(f"wrote {target}: {member.id} {report.year_label}, {len(report.evidence)} evidence files, "
                  f"{len(report.reflections)} reflections\n")
    return 0


# ------------------------------------------------------------------ --format md for status and summary


def run_status_md(env: Env, member_id: str, year: str | None = None, program: str | None = None,
                  as_of: str | None = None, check: bool = False) -> int:
    from cepledger.cli.commands import check_program_filter, evaluate
    from cepledger.model.dates import parse_date
    from cepledger.render.markdown import status_markdown

    year_n = parse_year_option(year)
    as_of_d = parse_date(as_of, env.today) if as_of else None
    _, member = load_member(env, member_id)
    check_program_filter(env, member, program)
    results = evaluate(env, member, year_n, program=program, as_of=as_of_d)
    env.out.write(status_markdown(member, results))
    return 1 if check and not all(pr.met for pr in results) else 0


def run_summary_md(env: Env, year: str | None = None, program: str | None = None, check: bool = False) -> int:
    from cepledger.ledger import files as ledger_files
    from cepledger.cli.commands import _report_problems, check_program_filter, summary_rows
    from cepledger.render.markdown import summary_markdown

    year_n = parse_year_option(year)
    check_program_filter(env, None, program)
    rows, problems = [], []
    summary_rows(env, ledger_files.member_files(env.ledgers), year_n, program, rows, problems)
    env.out.write(summary_markdown(rows))
    short = check and not all(pr.met for _, pr in rows)
    return _report_problems(env, problems, 1 if short else 0)


# ------------------------------------------------------------------ interactive add (terminal only)


def fill_add_arguments(env: Env, member_id: str | None, activity: str | None, amount: str | None,
                       when: str | None, ask, say) -> tuple[str, str, str | None, str | None]:
    """Ask for what ``cep add`` was not given: member, activity (with its caps), amount, date.

    ``ask(prompt, default) -> str`` and ``say(text)`` talk to the terminal; the CLI calls
    this only when stdin is a terminal. A wrong answer is asked again.
    """
    from cepledger.cli.commands import complete_members
    from cepledger.model.dates import parse_date
    from cepledger.cli.intake import choices_hint, parse_amount
    from cepledger.render.words import cap_words

    asked = member_id is None or activity is None
    if member_id is None:
        members = complete_members(env.ledgers, "")
        if not members:
            raise UsageError(f"no members in {env.ledgers}; add one with `cep member add`")
        say("members: " + ", ".join(members))
        while member_id not in members:
            if member_id is not None:
                say(choices_hint(member_id, members))
            member_id = ask("member", members[0] if len(members) == 1 else None).strip()
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    known: dict[str, object] = {}
    for prog in programs:
        for a in prog.activities.values():
            known.setdefault(a.id, a)
    if activity is None:
        for a in known.values():
            say(f"  {a.id:<28} {(a.code + ' ') if a.code else ''}{cap_words(a)}")
        while activity not in known:
            if activity is not None:
                say(choices_hint(activity, sorted(known)))
            activity = ask("activity", None).strip()
    chosen = known.get(activity)
    if amount is None and chosen is not None and chosen.amount == "hours":
        asked = True
        while True:
            amount = ask(f"{'credits' if programs and programs[0].unit == 'credits' else 'hours'}", None).strip()
            try:
                parse_amount(amount)
                break
            except UsageError as exc:
                say(str(exc))
    if when is None and asked:  # the date is asked with the rest, never alone
        while True:
            when = ask("date", env.today.isoformat()).strip()
            try:
                parse_date(when, env.today)
                break
            except UsageError as exc:
                say(str(exc))
    return member_id, activity, amount, when


def run_add_interactive(env: Env, member_id: str | None, activity: str | None, amount: str | None, *,
                        ask, say, when: str | None = None, **options) -> int:
    from cepledger.cli.commands import run_add

    member_id, activity, amount, when = fill_add_arguments(env, member_id, activity, amount, when, ask, say)
    if options.get("course") is None:
        options["course"] = _ask_course(env, member_id, activity, ask, say)
    return run_add(env, member_id, activity, amount, when=when, **options)


def _ask_course(env: Env, member_id: str, activity: str, ask, say) -> str | None:
    """An activity with a course catalogue (``cep-course``) needs a course: list them and ask."""
    _, member = load_member(env, member_id)
    for prog in member_programs(env, member):
        a = prog.activities.get(activity)
        if a is not None and a.catalogue and "course" in a.requires:
            cat = prog.catalogues.get(a.catalogue, {})
            for number, slug in cat.items():
                say(f"  {number:>3} {slug}")
            while True:
                answer = ask("course (number or name)", None).strip()
                if prog.resolve_course(answer, a.catalogue) is not None:
                    return answer
                say(f"unknown course '{answer}'; give one of the numbers or names above")
    return None
