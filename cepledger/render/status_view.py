"""``cep status`` for people: per program its requirements, activities and pace.

A fixed-length program (CASC: ``period.kind = "program"``) is shown as its program
years side by side, the program-wide requirements, the milestones with their dates and
the grid of CPSEL standards; an annual one as its period's requirements. Every
function takes a ``Console`` so tests can render to a fixed width.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cepledger.model.records import Member
from cepledger.model.results import ProgramResult, RequirementResult
from cepledger.render.console import DIM, MET, SHORT, id_column, new_table
from cepledger.render.words import closed_short, num_text, shown
from cepledger.rules.model import Program, Requirement

BAR_WIDTH = 8
_PARTIALS = " ▏▎▍▌▋▊▉"

# Below these console widths the tables drop columns instead of squeezing numbers to "…".
FULL_WIDTH = 72
MEDIUM_WIDTH = 52


def progress_bar(earned: Decimal, required: Decimal, width: int = BAR_WIDTH) -> str:
    """``██████▌   ``: earned as a share of required, in eighths of a block."""
    if required <= 0:
        share = 1.0
    else:
        share = max(0.0, min(1.0, float(earned / required)))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_PARTIALS[part] if part else "")
    return bar.ljust(width)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _left_text(due: date, today: date, met: bool) -> Text:
    """Days from today to ``due``: ``169 days``, ``today``, ``overdue`` (or ``-`` once past and met)."""
    delta = (due - today).days
    if delta > 0:
        return Text(_days(delta))
    if delta == 0:
        return Text("today", style="" if met else SHORT)
    return Text("-" if met else "overdue", style="" if met else SHORT)


def status_view(console: Console, member: Member, results: Sequence[ProgramResult],
                years: dict[str, Sequence[ProgramResult]], *, rules: dict[str, Program], today: date,
                as_of: date | None = None, year: int | None = None, program_year: int | None = None) -> None:
    """Per program: requirements with progress, then per activity claimed vs counted.

    ``years`` holds, per program, every year of a fixed-length program (CASC), shown
    side by side; annual programs show only the period asked for.
    """
    console.print(Text(f"{shown(member.name)} ({member.id})", style="bold"))
    if as_of is not None:
        console.print(Text(f"counting entries dated on or before {as_of}", style=DIM))
    if not results:
        enrolled = ", ".join(f"{e.program} from {e.since}" for e in member.enrolments) or "no program"
        which = (f"in {year}-{(year + 1) % 100:02d}" if year is not None
                 else f"in program year {program_year}" if program_year is not None
                 else f"on {as_of}" if as_of is not None else "today")
        console.print(f"not in any program {which} (enrolled: {enrolled})")
        return
    for pr in results:
        console.print()
        program = rules.get(pr.program)
        console.print(_heading(pr))
        for line in closed_short(years.get(pr.program) or [pr], today):
            console.print(Text(line, style=SHORT))
        if pr.period.program_year is not None and program is not None:
            _program_years_view(console, pr, years.get(pr.program) or [pr], program, today)
        else:
            console.print(_requirements_table(pr.requirements, today, console.width))
        _activities_table(console, pr, program)
        _pace(console, pr, today, program)


def _heading(pr: ProgramResult) -> Text:
    p = pr.period
    text = Text(f"{pr.program}", style="bold")
    if p.program_year is not None and p.label == f"year {p.program_year}":  # a year of enrolment
        text.append(f"  {pr.program_name}\nprogram year {p.program_year}")
    else:
        text.append(f"  {pr.program_name}\n{p.label}")
        if p.program_year is not None:
            text.append(f", program year {p.program_year}")
    text.append(f" ({p.start} to {p.end}): ")
    text.append("met" if pr.met else "not met", style=MET if pr.met else SHORT)
    return text


def _requirements_table(rows: Sequence[RequirementResult], today: date, width: int,
                        title: str | None = None) -> Table:
    """Requirement, required, earned, short; then (width allowing) progress, due, days left."""
    t = new_table(title)
    id_column(t, "requirement", [r.id for r in rows], 16 if width >= MEDIUM_WIDTH else 12)
    t.add_column("required", justify="right", no_wrap=True)
    t.add_column("earned", justify="right", no_wrap=True)
    t.add_column("short", justify="right", no_wrap=True)
    if width >= FULL_WIDTH:
        t.add_column("progress", no_wrap=True, overflow="crop")
    if width >= MEDIUM_WIDTH:
        t.add_column("due", no_wrap=True)
    if width >= FULL_WIDTH:
        t.add_column("left", no_wrap=True)
    for r in rows:
        short_style = SHORT if not r.met else ""
        cells = [Text(r.id), num_text(r.required), Text(num_text(r.earned), style=short_style),
                 Text(num_text(r.shortfall) if r.shortfall else "-", style=short_style)]
        if width >= FULL_WIDTH:
            cells.append(Text(progress_bar(r.earned, r.required), style=MET if r.met else "red"))
        if width >= MEDIUM_WIDTH:
            cells.append(str(r.due))
        if width >= FULL_WIDTH:
            cells.append(_left_text(r.due, today, r.met))
        t.add_row(*cells)
    return t


def _activities_table(console: Console, pr: ProgramResult, program: Program | None) -> None:
    """Claimed vs counted per activity and the caps that clipped (milestones are listed elsewhere)."""
    rows = [a for a in pr.activities
            if program is None or a.activity not in program.activities
            or program.activities[a.activity].amount != "none"]
    if not rows:
        if not pr.activities:
            console.print(Text("no entries in this period", style=DIM))
        return
    wide = console.width >= FULL_WIDTH
    t = new_table()
    id_column(t, "activity", [a.activity for a in rows])
    t.add_column("claimed", justify="right", no_wrap=True)
    t.add_column("counted", justify="right", no_wrap=True)
    if wide:
        t.add_column("capped by", overflow="fold")
    for a in rows:
        clipped = a.counted < a.claimed
        cells = [Text(a.activity), num_text(a.claimed), Text(num_text(a.counted), style="yellow" if clipped else "")]
        if wide:
            cells.append(Text("; ".join(a.clips), style=DIM))
        t.add_row(*cells)
    console.print()
    console.print(t)
    if not wide:
        for clip in dict.fromkeys(c for a in rows for c in a.clips):
            console.print(Text(f"capped: {clip}", style=DIM))


def _pace(console: Console, pr: ProgramResult, today: date, program: Program | None = None) -> None:
    """Days left in the period and, for the period's own totals, where the current pace ends up
    (a program-wide total has earned in earlier years too: no pace from this year's days)."""
    p = pr.period
    if not p.contains(today):
        return
    left = (p.end - today).days
    elapsed = (today - p.start).days + 1
    length = (p.end - p.start).days + 1
    line = Text(f"{_days(left)} left in {p.label}", style=DIM)
    for r in pr.requirements:
        if r.kind != "total" or r.due != p.end:
            continue
        rule = next((q for q in program.requirements if q.id == r.id), None) if program is not None else None
        if rule is not None and rule.scope != "period":
            continue
        projected = (r.earned * length / elapsed).quantize(Decimal("0.1"))
        line.append(f"; {r.id} at this pace: {num_text(projected)} of {num_text(r.required)} by {p.end}",
                    style=DIM if projected >= r.required else "yellow")
    console.print(line)


# ------------------------------------------------------------------ a fixed-length program's years


def _program_years_view(console: Console, pr: ProgramResult, years: Sequence[ProgramResult], program: Program,
                        today: date) -> None:
    """The program years side by side, program-wide requirements, milestones, CPSEL grid.

    Program-wide requirements come from ``pr`` (the period asked for): they count
    everything from the start of the program to the end of that period.
    """
    years = sorted(years, key=lambda x: x.period.program_year)
    rules = {r.id: r for r in program.requirements}
    yearly = [r.id for r in program.requirements if r.scope == "period"]
    if yearly:
        t = new_table("each program year")
        id_column(t, "requirement", yearly)
        for y in years:
            marker = " *" if y is pr else ""
            name = (f"year {y.period.program_year} from {y.period.start}" if y.period.label.startswith("year ")
                    else f"year {y.period.program_year} {y.period.label}")
            t.add_column(f"{name}{marker}", overflow="fold")
        for rid in yearly:
            cells: list = [Text(rid)]
            for y in years:
                r = next((x for x in y.requirements if x.id == rid), None)
                if r is None:
                    cells.append("")
                    continue
                text = Text(f"{num_text(r.earned)}/{num_text(r.required)} ")
                text.append(progress_bar(r.earned, r.required, 6), style=MET if r.met else "red")
                if not r.met:
                    text.append(f" {num_text(r.shortfall)} short", style=SHORT)
                cells.append(text)
            t.add_row(*cells)
        console.print(t)
    wide = [r for r in pr.requirements if rules.get(r.id) is not None and rules[r.id].scope != "period"]
    if wide:
        console.print()
        console.print(_requirements_table(wide, today, console.width, "the whole program"))
    _milestones(console, pr, years, program)
    _cpsel_grid(console, pr, years, program)


def _is_milestone(req: Requirement, program: Program) -> bool:
    return req.kind == "count" and bool(req.activities) and all(
        program.activities[a].amount == "none" for a in req.activities if a in program.activities)


def _checklist_line(lines: Text, r: RequirementResult, label: str) -> None:
    mark, style = ("✓", MET) if r.met else ("✗", SHORT)
    lines.append(f"{mark} ", style=style)
    lines.append(f"{label}: ")
    if r.dates:
        lines.append(", ".join(str(d) for d in r.dates))
    else:
        lines.append(f"not yet (due {r.due})", style=DIM)
    if r.required > 1:
        lines.append(f" ({num_text(r.earned)} of {num_text(r.required)})")
    lines.append("\n")


def _milestones(console: Console, pr: ProgramResult, years: list[ProgramResult], program: Program) -> None:
    """Each yearly milestone per program year, then the program-wide ones, with their dates."""
    rules = {r.id: r for r in program.requirements}
    lines = Text()
    for y in years:
        for r in y.requirements:
            rule = rules.get(r.id)
            if rule is not None and rule.scope == "period" and _is_milestone(rule, program):
                _checklist_line(lines, r, f"{r.id} (year {y.period.program_year})")
    for r in pr.requirements:
        rule = rules.get(r.id)
        if rule is not None and rule.scope != "period" and _is_milestone(rule, program):
            _checklist_line(lines, r, r.id)
    if lines:
        lines.rstrip()
        console.print()
        console.print(Text("milestones", style="bold"))
        console.print(lines)


def _cpsel_grid(console: Console, pr: ProgramResult, years: list[ProgramResult], program: Program) -> None:
    """The six standards as columns: ✓ covered / proficient, ✗ missing, · not asked for."""
    vocab = program.tags.get("cpsel")
    if not vocab:
        return
    standards = list(vocab["standards"])
    rules = {r.id: r for r in program.requirements}
    rows: list[tuple[str, RequirementResult, tuple[str, ...]]] = []
    for y in years:
        for r in y.requirements:
            rule = rules.get(r.id)
            if rule is not None and rule.scope == "period" and r.missing is not None:
                rows.append((f"{r.id} (year {y.period.program_year})", r, rule.cover_for(y.period.program_year)))
    for r in pr.requirements:
        rule = rules.get(r.id)
        if rule is not None and rule.scope != "period" and r.missing is not None:
            wanted = rule.standards or rule.cover_for(pr.period.program_year) or tuple(standards)
            rows.append((r.id, r, wanted))
    if not rows:
        return
    t = new_table("CPSEL standards")
    t.add_column("requirement", overflow="fold")
    for s in standards:
        t.add_column(s, justify="center", no_wrap=True)
    for label, r, wanted in rows:
        cells: list = [Text(label)]
        for s in standards:
            if s not in wanted:
                cells.append(Text("·", style=DIM))
            elif s in r.missing:
                cells.append(Text("✗", style=SHORT))
            else:
                cells.append(Text("✓", style=MET))
        t.add_row(*cells)
    console.print()
    console.print(t)
