"""JSON, CSV and plain-text output: what scripts read.

Nothing here imports rich (it costs ~40 ms and ``--format json`` is a fast path); the
tables for people are in ``render_rich``. Numbers go out exact to two decimals: a
``Decimal`` is rounded half-up to cents and written as an int when whole (``30``), else
as the float whose repr is those digits (``27.5``, never ``27.499999``).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from typing import Any, Iterable, Sequence, TextIO

from cepledger.model.errors import Problem
from cepledger.model.records import Entry, Member, Period
from cepledger.model.results import ProgramResult, RequirementResult
from dataclasses import dataclass, field

CENT = Decimal("0.01")

STATUS_CSV_HEADER = ("member", "program", "period", "requirement", "required", "earned", "shortfall", "met", "due")
LOG_FIELDS = ("id", "date", "activity", "title", "item", "claimed", "counted", "void", "line")
PROBLEM_FIELDS = ("path", "line", "code", "severity", "message")
MEMBER_CSV_HEADER = ("id", "name", "programs")


# ------------------------------------------------------------------ numbers and scalars


def num(value: Decimal | int | None) -> int | float | None:
    """A JSON number exact to two decimals: ``Decimal("27.50")`` → ``27.5``, ``30.00`` → ``30``."""
    if value is None:
        return None
    q = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    if q == q.to_integral_value():
        return int(q)
    return float(q)  # a two-decimal value: its float repr is exactly these digits


def num_text(value: Decimal | int | None) -> str:
    """``30``, ``27.5``, ``0.25``: the same digits as ``num`` as text ('' for none)."""
    n = num(value)
    return "" if n is None else str(n)


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


_UNSAFE = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09,)}
_UNSAFE.update({c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def shown(text: str | None) -> str:
    """Text from a ledger made safe for a terminal: control characters and bidi overrides escaped.

    The file keeps them as written; only what is shown to a person is escaped, so a
    title cannot recolour the terminal or reverse the text after it.
    """
    return "" if text is None else str(text).translate(_UNSAFE)


def write_json(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, indent=2, ensure_ascii=False))
    out.write("\n")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    import csv  # only for --format csv

    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])


# ------------------------------------------------------------------ status and summary


def period_json(period: Period) -> dict:
    return {
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "program_year": period.program_year,
    }


def requirement_json(r: RequirementResult) -> dict:
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
    return {"member": member.id, "name": member.name, "programs": [program_json(p) for p in programs]}


def requirement_rows(member_id: str, pr: ProgramResult) -> list[list[Any]]:
    """One CSV row per requirement (``STATUS_CSV_HEADER``)."""
    return [
        [member_id, pr.program, pr.period.label, r.id, r.required, r.earned, r.shortfall, r.met, r.due]
        for r in pr.requirements
    ]


# ------------------------------------------------------------------ log


@dataclass(frozen=True, slots=True)
class LogRow:
    """One entry as ``cep log`` shows it: claimed and counted per program that counts it."""

    entry: Entry
    claimed: Decimal | None
    counted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def first_counted(self) -> Decimal | None:
        """What counted in the first of the member's programs that defines the activity."""
        return next(iter(self.counted.values()), None)

    def values(self) -> list[Any]:
        e = self.entry
        return [e.id, e.date, e.activity, e.title, e.item, self.claimed, self.first_counted, e.void, e.source.line]


def log_json(rows: Sequence[LogRow]) -> list[dict]:
    out = []
    for row in rows:
        v = dict(zip(LOG_FIELDS, row.values()))
        v["date"] = v["date"].isoformat()
        v["claimed"] = num(v["claimed"])
        v["counted"] = num(v["counted"])
        out.append(v)
    return out


# ------------------------------------------------------------------ members


def member_json(m: Member) -> dict:
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
    return [m.id, m.name, " ".join(e.program for e in m.enrolments)]


# ------------------------------------------------------------------ problems (cep check)


def problem_line(p: Problem) -> str:
    """``path:line: message``, warnings marked as such."""
    where = f"{p.path}:{p.line}" if p.line else p.path
    tag = "warning: " if p.severity == "warning" else ""
    return f"{where}: {tag}{p.message}" if where else f"{tag}{p.message}"


def problem_json(p: Problem) -> dict:
    return {"path": p.path, "line": p.line, "code": p.code, "severity": p.severity, "message": p.message}


def problem_row(p: Problem) -> list[Any]:
    return [p.path, p.line, p.code, p.severity, p.message]


# ------------------------------------------------------------------ programs


def program_summary_json(program) -> dict:
    rule = program.period
    return {
        "id": program.id,
        "name": program.name,
        "unit": program.unit,
        "period": {"kind": rule.kind, "years": rule.years, "start_month": rule.start_month},
    }


def program_detail_json(program) -> dict:
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


PROGRAM_CSV_HEADER = ("id", "name", "unit", "period")
ACTIVITY_CSV_HEADER = ("program", "activity", "code", "amount", "credits", "cap", "per", "name")


def program_row(program) -> list[Any]:
    return [program.id, program.name, program.unit, period_words(program.period)]


def activity_rows(program) -> list[list[Any]]:
    return [
        [program.id, a.id, a.code, a.amount, a.credits, a.cap, a.per, a.name] for a in program.activities.values()
    ]


def period_words(rule) -> str:
    """``annual (Sept-Aug)``, ``3-year cycle``, ``2-year program``."""
    if rule.kind == "program":
        return f"{rule.years}-year program"
    if rule.years > 1:
        return f"{rule.years}-year cycle"
    return "annual"


def cap_words(a) -> str:
    """``at most 3 per webinar``, ``10 per entry (fixed)``, ``milestone``, ``no cap``."""
    if a.amount == "fixed":
        return f"{num_text(a.credits)} per entry (fixed)"
    if a.amount == "none":
        return "milestone"
    if a.cap is None:
        return "no cap"
    return f"at most {num_text(a.cap)} per {a.item_noun or a.per}"


def requirement_words(r) -> str:
    """A requirement in a few words: ``≥ 30 per period``, ``≥ 5 in 5 years from since``."""
    minimum = f"at least {num_text(r.min)}" if r.kind in ("total", "count", "distinct") else ""
    if r.kind == "coverage":
        minimum = "cover " + (
            "; ".join(f"year {y}: {' '.join(v)}" for y, v in r.cover.items())
            if isinstance(r.cover, dict)
            else " ".join(r.cover or ())
        )
    elif r.kind == "ratings":
        minimum = f"{' '.join(r.standards) or 'every standard'} rated {r.level or 'proficient'} or higher"
    elif r.kind == "deadline":
        minimum = f"enrol within {r.max_days} days of starting the position"
    scope = {
        "period": "each period",
        "program": "in the program",
        "window": f"within {r.window_years} years of since",
        "enrolment": "at enrolment",
    }.get(r.scope, r.scope)
    return f"{minimum} {scope}".strip()
