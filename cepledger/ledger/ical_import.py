"""Entries from a calendar export (iCalendar, ``.ics``), all or nothing.

``plan_ics_import`` reads the calendar with the ``icalendar`` library and expands recurring
series (``recurring-ical-events``: RRULE, RDATE, EXDATE and moved occurrences) within the
reporting year it is given. Each event up to ``today`` becomes an entry of the activity
given: dated on its start, its duration as hours (to 0.01 h), its summary as title, and as
item its UID (``item_from="uid"``) or its summary. Events after ``today`` are left out and
counted. Like the CSV import, every event is checked (``build`` is ``cep add``'s check)
before anything is written, problems come back as ``path:line: message``, and an event
already in the ledger (same date, activity, hours, title and item: with items from UIDs,
the same occurrence of the same event) is skipped. Nothing here writes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable

from cepledger.ledger.files import read_regular_file
from cepledger.ledger.importer import dedupe_key
from cepledger.model.errors import CepError, DataError, Problem, UsageError
from cepledger.model.records import Member

__all__ = ["IcsPlan", "plan_ics_import", "read_ics", "ITEM_FROM"]

MAX_ICS_BYTES = 16 * 1024 * 1024
MAX_EVENTS = 20_000
ITEM_FROM = ("uid", "summary")
_CONTENT_LINE_RE = re.compile(r"[A-Za-z0-9-]+(?:;[^:]*)?:")


@dataclass(slots=True)
class IcsPlan:
    new: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line of the VEVENT, entry fields)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    future: int = 0  # events after today, left out
    problems: list[Problem] = field(default_factory=list)


def read_ics(path: Path) -> bytes:
    """The calendar file's bytes (a regular file of at most 16 MiB); UsageError when missing."""
    try:
        data, _ = read_regular_file(path, limit=MAX_ICS_BYTES, what="calendar file")
    except FileNotFoundError:
        raise UsageError(f"no file {path}; give the path of the .ics calendar export") from None
    return data


def _lines(text: str) -> list[tuple[int, str]]:
    """The content lines, unfolded, each with the line number it starts on."""
    out: list[tuple[int, str]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        if raw[:1] in (" ", "\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + raw[1:])
        elif raw.strip():
            out.append((n, raw))
    return out


def _structure(lines: list[tuple[int, str]], path: str) -> tuple[list[int], Problem | None]:
    """The line of each VEVENT, in order; or the first problem with the file's shape."""
    stack: list[tuple[str, int]] = []
    events: list[int] = []
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        n = lines[0][0] if lines else 1
        return [], Problem(path, n, "ics-parse", "this is not an iCalendar file: it must start with BEGIN:VCALENDAR")
    for n, line in lines:
        if not _CONTENT_LINE_RE.match(line):
            return [], Problem(path, n, "ics-parse", f"cannot read this line as NAME:VALUE: {line[:60]!r}")
        name, _, value = line.partition(":")
        name = name.split(";")[0].upper()
        if name == "BEGIN":
            stack.append((value.strip().upper(), n))
            if value.strip().upper() == "VEVENT":
                events.append(n)
        elif name == "END":
            if not stack or stack[-1][0] != value.strip().upper():
                want = f"END:{stack[-1][0]}" if stack else "nothing more"
                return [], Problem(path, n, "ics-parse", f"END:{value.strip()} does not close what is open "
                                                         f"(expected {want})")
            stack.pop()
    if stack:
        return [], Problem(path, stack[-1][1], "ics-parse", f"BEGIN:{stack[-1][0]} is never closed with END")
    return events, None


def _hours(start: Any, end: Any) -> Decimal | None:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):
        end = end.replace(tzinfo=start.tzinfo)
    seconds = Decimal((end - start).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()


def _calendar(data: bytes, path: str):
    import icalendar

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(Problem(path, 1, "ics-parse", "the calendar file is not UTF-8 text")) from None
    events, problem = _structure(_lines(text), path)
    if problem is not None:
        raise DataError(problem)
    try:
        cal = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise DataError(Problem(path, 1, "ics-parse", f"the calendar does not parse ({exc})")) from None
    return cal, events


def _occurrences(cal, year: tuple[date, date]):
    import recurring_ical_events

    try:
        return list(recurring_ical_events.of(cal).between(year[0], year[1] + timedelta(days=1)))
    except Exception as exc:  # noqa: BLE001 - the library's errors for a bad RRULE have no common base
        raise ValueError(str(exc)) from None


def plan_ics_import(member: Member, data: bytes, path: str, *, activity: str, year: tuple[date, date], today: date,
                    item_from: str, build: Callable[..., dict[str, Any]]) -> IcsPlan:
    """Check every event of the calendar within ``year`` (first, last day); see the module doc."""
    if item_from not in ITEM_FROM:
        raise UsageError(f"--item-from {item_from} is not one of: {', '.join(ITEM_FROM)}")
    cal, event_lines = _calendar(data, path)
    uid_lines = {str(ev.get("uid", "")): line for ev, line in zip(cal.walk("VEVENT"), event_lines)}
    plan = IcsPlan()
    try:
        occurrences = _occurrences(cal, year)
    except ValueError as exc:
        plan.problems.append(Problem(path, event_lines[0] if event_lines else 1, "ics-parse",
                                     f"a recurring event cannot be expanded ({exc})"))
        return plan
    seen = {dedupe_key(e.date, e.activity, e.hours, e.title, e.item, e.course) for e in member.entries
            if not e.is_void}
    for ev in sorted(occurrences[:MAX_EVENTS], key=lambda e: _start_date(e)):
        _plan_event(plan, ev, uid_lines.get(str(ev.get("uid", "")), 1), path, activity, today, item_from, build, seen)
    return plan


def _start_date(ev) -> date:
    start = ev.decoded("dtstart")
    return start.date() if isinstance(start, datetime) else start


def _plan_event(plan: IcsPlan, ev, line: int, path: str, activity: str, today: date, item_from: str,
                build: Callable[..., dict[str, Any]], seen: set) -> None:
    summary = str(ev.get("summary", "")).strip()
    uid = str(ev.get("uid", "")).strip()
    name = f"event '{summary or uid or '?'}'"
    start = ev.decoded("dtstart")
    day = _start_date(ev)
    if day > today:
        plan.future += 1
        return
    end = ev.decoded("dtend") if "dtend" in ev else (start + ev.decoded("duration") if "duration" in ev else None)
    hours = None if end is None else _hours(start, end)
    if hours is None or hours <= 0:
        why = "is an all-day event" if not isinstance(start, datetime) else "has no duration (no DTEND or DURATION)"
        plan.problems.append(Problem(path, line, "ics-event", f"{name} on {day} {why}, so its hours are unknown; "
                                                              "give it a start and end time, or add it with `cep add`"))
        return
    item = uid if item_from == "uid" else summary
    try:
        fields = build(activity, format(hours, "f"), when=day.isoformat(), title=summary or None,
                       item=item or None)
    except CepError as exc:
        plan.problems.append(Problem(path, line, "ics-event", f"{name} on {day}: {exc}"))
        return
    key = dedupe_key(fields["date"], fields["activity"], Decimal(str(fields.get("hours", 0))) if "hours" in fields
                     else None, fields.get("title"), fields.get("item"), fields.get("course"))
    if key in seen:
        plan.skipped.append((line, f"{day} {summary or uid} is already in the ledger"))
        return
    seen.add(key)
    plan.new.append((line, fields))
