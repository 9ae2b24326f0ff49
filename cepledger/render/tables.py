"""Tables for people: ``summary``, ``log``, ``members`` and ``programs``.

Imported only when a command prints a table (rich costs ~40 ms to import); the status
view is in ``render.status_view``. Every function takes a ``Console`` so tests can
render to a fixed width; text from ledgers goes in as ``Text``, never as markup.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from rich.console import Console
from rich.text import Text

from cepledger.model.records import Member
from cepledger.render.console import DIM, MET, SHORT, id_column, new_table
from cepledger.render.json_csv import LogRow
from cepledger.render.summary import SummaryRow
from cepledger.render.words import cap_words, num_text, period_words, requirement_words, shown
from cepledger.rules.model import Program


def _amount(value: Decimal, unit: str = "") -> str:
    """``2.5 credits``; a bare count (``times``) has no unit."""
    return f"{num_text(value)} {'' if unit == 'times' else unit}".rstrip()


# ------------------------------------------------------------------ summary


def summary_table(console: Console, rows: Sequence[SummaryRow]) -> None:
    """One row per member and program; every requirement not met that falls due in or
    before the period (overdue ones included) with its due date, and the periods that
    closed short (``render.summary.summary_row``)."""
    if not rows:
        console.print("no member is in a program during this period")
        return
    t = new_table()
    t.add_column("member", overflow="fold")
    t.add_column("program", overflow="fold")
    t.add_column("period", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("not met", overflow="fold")
    for row in rows:
        t.add_row(Text(row.member), Text(row.program), row.period,
                  Text("short" if row.gaps else "met", style=SHORT if row.gaps else MET),
                  Text("\n".join(row.gaps)))
    console.print(t)
    for row in rows:  # the sentence starts its own line, so it reads whole at 80 columns
        if row.closed:
            console.print(Text(f"{row.member} {row.program}:"))
            for line in row.closed:
                console.print(Text(f"  {line}", style=SHORT))
    short = sum(bool(row.gaps) for row in rows)
    console.print(Text(f"{len(rows)} member-programs, {short} short", style=DIM))


# ------------------------------------------------------------------ log


def log_table(console: Console, member: Member, rows: Sequence[LogRow], programs: Sequence[str]) -> None:
    """One row per entry: date, id, activity, title, claimed and counted (per program when several).

    On a narrow console the id goes under the date and the title under the activity.
    """
    console.print(Text(f"{shown(member.name)} ({member.id})", style="bold"))
    if not rows:
        console.print("no entries")
        return
    several = len(programs) > 1
    if several:
        console.print(Text(f"counted per program: {', '.join(programs)}", style=DIM))
    full = console.width >= 78 + 11 * (max(len(programs), 1) - 1)
    t = new_table()
    t.add_column("date" if full else "date / id", no_wrap=True)
    if full:
        t.add_column("id", no_wrap=True)
    id_column(t, "activity" if full else "activity / title", [r.entry.activity for r in rows], 16 if full else 10)
    if full:
        t.add_column("title / item", overflow="fold")
    t.add_column("claimed", justify="right", no_wrap=True)
    for pid in programs if several else ["counted"]:
        t.add_column(pid, justify="right", overflow="fold")
    for row in rows:
        e = row.entry
        style = "strike dim" if e.is_void else ""
        what = shown(e.title or e.item or "")
        if e.course is not None:
            what = f"course {shown(str(e.course))}" + (f": {what}" if what else "")
        if e.is_void:
            what = f"VOID ({shown(e.void)}) {what}".rstrip()
        if e.replaces:
            what = f"{what} (replaces {shown(e.replaces)})".lstrip()
        counted = [row.counted.get(pid) for pid in programs] if several else [row.first_counted]
        if full:
            cells = [str(e.date), shown(e.id or f"L{e.source.line}"), Text(shown(e.activity), style=style),
                     Text(what, style=style)]
        else:
            activity = Text(shown(e.activity), style=style)
            if what:
                activity.append("\n" + what, style="dim")
            cells = [f"{e.date}\n{shown(e.id or f'L{e.source.line}')}".rstrip(), activity]
        cells.append(Text(num_text(row.claimed), style=style))
        for c in counted:
            clipped = c is not None and row.claimed is not None and c < row.claimed and not e.is_void
            cells.append(Text("-" if c is None else num_text(c), style="yellow" if clipped else style))
        t.add_row(*cells)
    console.print(t)


# ------------------------------------------------------------------ members and programs


def members_table(console: Console, members: Sequence[Member]) -> None:
    """One row per member: id, name and programs (or how to add the first one)."""
    if not members:
        console.print("no members yet; add one with `cep member add ID --name NAME --program PROGRAM --since DATE`")
        return
    t = new_table()
    t.add_column("id", overflow="fold")
    t.add_column("name", overflow="fold")
    t.add_column("programs", overflow="fold")
    for m in members:
        t.add_row(Text(m.id), Text(shown(m.name)),
                  Text(", ".join(f"{e.program} (since {e.since})" for e in m.enrolments)))
    console.print(t)


def programs_table(console: Console, programs: Sequence[Program]) -> None:
    """One row per program: id, name, unit and period."""
    t = new_table()
    t.add_column("id", overflow="fold")
    t.add_column("name", overflow="fold")
    t.add_column("unit")
    t.add_column("period", overflow="fold")
    for p in programs:
        t.add_row(Text(p.id), Text(p.name), p.unit, period_words(p.period))
    console.print(t)


def program_view(console: Console, program: Program) -> None:
    """One program's rules: period, activities with their caps, combined caps, requirements."""
    console.print(Text(f"{program.id}", style="bold").append(f"  {program.name}", style=""))
    rule = program.period
    extras = ([f"up to {num_text(rule.carry_over_max)} carried over to the next period"] if rule.carry_over_max > 0 else []) + (
        ["the first period's minimum pro-rated from the start date"] if rule.prorate_first_year else [])
    console.print(f"unit: {program.unit}; period: {period_words(rule)}, starting month {rule.start_month}"
                  + "".join(f"; {x}" for x in extras))
    t = new_table("activities")
    t.add_column("code", no_wrap=True)
    t.add_column("activity", overflow="fold")
    t.add_column("counts", overflow="fold")
    for a in program.activities.values():
        t.add_row(a.code, Text(a.id), cap_words(a))
    console.print(t)
    if program.groups:
        g = new_table("combined caps")
        g.add_column("activities", overflow="fold")
        g.add_column("cap", overflow="fold")
        for grp in program.groups:
            g.add_row(Text(" + ".join(grp.activities)), f"at most {num_text(grp.cap)} per {grp.item_noun or grp.per}")
        console.print(g)
    r = new_table("requirements")
    r.add_column("id", overflow="fold")
    r.add_column("kind")
    r.add_column("rule", overflow="fold")
    for req in program.requirements:
        r.add_row(Text(req.id), req.kind, Text(requirement_words(req)))
    console.print(r)
