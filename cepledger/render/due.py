"""``cep due`` output: the deadlines coming up, as a table, JSON, CSV or an iCalendar feed.

The ``ics`` calendar (RFC 5545, written with the ``icalendar`` library) has one all-day
event per requirement on its due date, with an alarm a week before. Its UIDs are built
from member, program, period and requirement, never from the date a run happened, so a
calendar that subscribes to the file (or imports it again) updates its events instead of
adding copies; ``DTSTAMP`` is the run's "today" (injected), so the same ledgers give the
same bytes. Nothing here reads a file or the clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Sequence, TextIO

from cepledger.calc.due import DueRow
from cepledger.render.json_csv import period_json, write_csv
from cepledger.render.words import num, shown

DUE_FIELDS = ("member", "program", "period", "requirement", "due", "days", "required", "earned", "shortfall",
              "unit", "missing", "overdue")
ALARM_DAYS = 7
PRODID = "-//cepledger//cep due//EN"


def due_json(rows: Sequence[DueRow]) -> list[dict[str, Any]]:
    """The ``cep due --format json`` array, soonest first."""
    return [{
        "member": r.member, "name": r.name, "program": r.program, "period": period_json(r.period),
        "requirement": r.requirement.id, "requirement_name": r.requirement.name, "due": r.due.isoformat(),
        "days": r.days, "overdue": r.overdue, "required": num(r.requirement.required),
        "earned": num(r.requirement.earned), "shortfall": num(r.requirement.shortfall), "unit": r.requirement.unit,
        "missing": r.missing,
    } for r in rows]


def write_due_csv(rows: Sequence[DueRow], out: TextIO) -> None:
    """One line per requirement (``DUE_FIELDS``)."""
    write_csv(DUE_FIELDS, ([r.member, r.program, r.period.label, r.requirement.id, r.due, r.days,
                            r.requirement.required, r.requirement.earned, r.requirement.shortfall,
                            r.requirement.unit, r.missing, "true" if r.overdue else "false"] for r in rows), out)


def when_words(days: int) -> str:
    """``in 12 days``, ``today``, ``3 days overdue``."""
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    return f"in {days} day{'s' if days != 1 else ''}"


def due_table(console, rows: Sequence[DueRow], within: int) -> None:
    """One row per deadline, soonest first (rich: imported for tables only)."""
    from rich.text import Text

    from cepledger.render.console import DIM, SHORT, new_table

    if not rows:
        console.print(f"nothing is due within {within} days and nothing is overdue")
        return
    t = new_table()
    for name, kw in (("due", {"no_wrap": True}), ("when", {"no_wrap": True}), ("member", {"overflow": "fold"}),
                     ("program", {"overflow": "fold"}), ("requirement", {"overflow": "fold"}),
                     ("missing", {"overflow": "fold"})):
        t.add_column(name, **kw)
    for r in rows:
        t.add_row(str(r.due), Text(when_words(r.days), style=SHORT if r.overdue else ""), Text(shown(r.member)),
                  Text(r.program), Text(r.requirement.id), Text(shown(r.missing)))
    console.print(t)
    overdue = sum(r.overdue for r in rows)
    console.print(Text(f"{len(rows)} deadline{'s' if len(rows) != 1 else ''} within {within} days"
                       f"{f', {overdue} overdue' if overdue else ''}", style=DIM))


def event_uid(r: DueRow) -> str:
    """The event's stable UID: the same requirement of the same period is the same event
    (``jdoe.cass-cep.2025-26.annual-credits@cepledger``, ``mlee.casc-butte.year-1.iip@cepledger``)."""
    label = r.period.label.replace(" ", "-")
    return f"{r.member}.{r.program}.{label}.{r.requirement.id}@cepledger"


def due_calendar(rows: Sequence[DueRow], today: date) -> bytes:
    """The deadlines as an RFC 5545 calendar (CRLF lines, as the standard wants)."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "cepledger deadlines")
    stamp = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    for r in rows:
        ev = Event()
        ev.add("uid", event_uid(r))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", r.due)
        ev.add("dtend", r.due + timedelta(days=1))
        ev.add("summary", f"{r.name}: {r.requirement.name or r.requirement.id} ({r.missing} missing)")
        ev.add("description", f"{r.member} in {r.program}, {r.period.label}: {r.requirement.id} needs "
                              f"{num(r.requirement.required)}, has {num(r.requirement.earned)}; missing {r.missing}.")
        ev.add("categories", [r.program])
        ev.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{r.member}: {r.requirement.id} is due in {ALARM_DAYS} days")
        alarm.add("trigger", timedelta(days=-ALARM_DAYS))
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
