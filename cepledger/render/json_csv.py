"""JSON and CSV: what scripts read (SPEC.md's objects and columns).

Nothing here imports rich (it costs ~40 ms and ``--format json`` is a fast path); the
tables for people are in ``render.tables`` and ``render.status_view``. Numbers are
written by ``words.num``: exact to two decimals.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, NamedTuple, Sequence, TextIO

from cepledger.model.errors import Problem
from cepledger.model.records import EMPTY_MAP, Entry, Member, Period
from cepledger.model.results import ProgramResult, RequirementResult
from cepledger.render.words import num, num_text, period_words
from cepledger.rules.model import Program

STATUS_CSV_HEADER = ("member", "program", "period", "requirement", "required", "earned", "shortfall", "met", "due")
LOG_FIELDS = ("id", "date", "activity", "title", "item", "claimed", "counted", "void", "line")
PROBLEM_FIELDS = ("path", "line", "code", "severity", "message")
MEMBER_CSV_HEADER = ("id", "name", "programs")
PROGRAM_CSV_HEADER = ("id", "name", "unit", "period")
ACTIVITY_CSV_HEADER = ("program", "activity", "code", "amount", "credits", "cap", "per", "name")


def _cell(value: Any) -> str:
    """A CSV cell: numbers as in JSON, booleans ``true``/``false``, dates ISO, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return num_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_json(obj: Any, out: TextIO) -> None:
    """``obj`` as indented JSON (UTF-8 kept as is) and a final newline."""
    out.write(json.dumps(obj, indent=2, ensure_ascii=False))
    out.write("\n")


def write_json_line(obj: Any, out: TextIO) -> None:
    """``obj`` as one line of compact JSON (NDJSON / JSON Lines), UTF-8 kept as is."""
    out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    """A header line, then one line per row; cells as ``_cell`` writes them, LF line ends."""
    import csv  # only for --format csv

    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])


# ------------------------------------------------------------------ status and summary


def period_json(period: Period) -> dict:
    """SPEC.md's period object: label, start, end, program_year."""
    return {
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "program_year": period.program_year,
    }


def requirement_json(r: RequirementResult) -> dict:
    """SPEC.md's requirement object; ``missing`` only for kinds that list standards."""
    out = {
        "id": r.id,
        "required": num(r.required),
        "earned": num(r.earned),
        "shortfall": num(r.shortfall),
        "met": r.met,
        "due": r.due.isoformat(),
    }
    if r.missing is not None:
        out["missing"] = list(r.missing)
    return out


def program_json(pr: ProgramResult, member: str | None = None) -> dict:
    """SPEC.md's program object; with ``member`` first (the ``summary`` form)."""
    out: dict[str, Any] = {"member": member} if member is not None else {}
    out.update(
        program=pr.program,
        period=period_json(pr.period),
        met=pr.met,
        requirements=[requirement_json(r) for r in pr.requirements],
        activities=[
            {"activity": a.activity, "claimed": num(a.claimed), "counted": num(a.counted)} for a in pr.activities
        ],
    )
    return out


def status_json(member: Member, programs: Sequence[ProgramResult]) -> dict:
    """The ``cep status --format json`` object."""
    return {"member": member.id, "name": member.name, "programs": [program_json(p) for p in programs]}


def requirement_rows(member_id: str, pr: ProgramResult) -> list[list[Any]]:
    """One CSV row per requirement (``STATUS_CSV_HEADER``)."""
    return [
        [member_id, pr.program, pr.period.label, r.id, r.required, r.earned, r.shortfall, r.met, r.due]
        for r in pr.requirements
    ]


# ------------------------------------------------------------------ log


class LogRow(NamedTuple):
    """One entry as ``cep log`` shows it: claimed and counted per program that counts it."""

    entry: Entry
    claimed: Decimal | None
    counted: dict[str, Decimal] = EMPTY_MAP

    @property
    def first_counted(self) -> Decimal | None:
        """What counted in the first of the member's programs that defines the activity."""
        return next(iter(self.counted.values()), None)

    def values(self) -> list[Any]:
        """The entry as one CSV row, in ``LOG_FIELDS`` order."""
        e = self.entry
        return [e.id, e.date, e.activity, e.title, e.item, self.claimed, self.first_counted, e.void, e.source.line]


def log_json(rows: Sequence[LogRow]) -> list[dict]:
    """The ``cep log --format json`` array: one object per entry (``LOG_FIELDS``)."""
    out = []
    for row in rows:
        v = dict(zip(LOG_FIELDS, row.values()))
        v["date"] = v["date"].isoformat()
        v["claimed"] = num(v["claimed"])
        v["counted"] = num(v["counted"])
        for key, value in (("with", row.entry.with_), ("replaces", row.entry.replaces)):
            if value is not None:  # only where set: rows of other entries keep their shape
                v[key] = value
        out.append(v)
    return out


# ------------------------------------------------------------------ members


def member_json(m: Member) -> dict:
    """One member as ``cep members --format json`` lists it."""
    return {
        "id": m.id,
        "name": m.name,
        "programs": [
            {
                "program": e.program,
                "since": e.since.isoformat(),
                "employed_since": e.employed_since.isoformat() if e.employed_since else None,
            }
            for e in m.enrolments
        ],
    }


def member_row(m: Member) -> list[str]:
    """One CSV row per member (``MEMBER_CSV_HEADER``)."""
    return [m.id, m.name, " ".join(e.program for e in m.enrolments)]


# ------------------------------------------------------------------ problems (cep check)




def problem_json(p: Problem) -> dict:
    """One problem as ``cep check --format json`` lists it."""
    return {"path": p.path, "line": p.line, "code": p.code, "severity": p.severity, "message": p.message}


def problem_row(p: Problem) -> list[Any]:
    """One CSV row per problem (``PROBLEM_FIELDS``)."""
    return [p.path, p.line, p.code, p.severity, p.message]


# ------------------------------------------------------------------ programs


def program_summary_json(program: Program) -> dict:
    """One program as ``cep programs --format json`` lists it."""
    rule = program.period
    return {
        "id": program.id,
        "name": program.name,
        "unit": program.unit,
        "period": {"kind": rule.kind, "years": rule.years, "start_month": rule.start_month},
    }


def program_detail_json(program: Program) -> dict:
    """Everything ``cep programs ID`` shows: activities with caps, groups, requirements."""
    out = program_summary_json(program)
    out["activities"] = [
        {
            "id": a.id,
            "code": a.code,
            "name": a.name,
            "amount": a.amount,
            "credits": num(a.credits),
            "cap": num(a.cap),
            "per": a.per,
            "item_noun": a.item_noun,
        }
        for a in program.activities.values()
    ]
    out["groups"] = [
        {"id": g.id, "code": g.code, "name": g.name, "activities": list(g.activities), "cap": num(g.cap), "per": g.per}
        for g in program.groups
    ]
    out["requirements"] = [
        {
            "id": r.id,
            "name": r.name,
            "kind": r.kind,
            "min": num(r.min),
            "scope": r.scope,
            "activities": list(r.activities),
        }
        for r in program.requirements
    ]
    return out


def program_row(program: Program) -> list[Any]:
    """One CSV row per program (``PROGRAM_CSV_HEADER``)."""
    return [program.id, program.name, program.unit, period_words(program.period)]


def activity_rows(program: Program) -> list[list[Any]]:
    """One CSV row per activity of ``program`` (``ACTIVITY_CSV_HEADER``)."""
    return [
        [program.id, a.id, a.code, a.amount, a.credits, a.cap, a.per, a.name] for a in program.activities.values()
    ]
