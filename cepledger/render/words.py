"""Numbers, rules and ledger text in words: the pieces every output format shares.

Numbers go out exact to two decimals: a ``Decimal`` is rounded half-up to cents and
written as an int when whole (``30``), else as the float whose repr is those digits
(``27.5``, never ``27.499999``); ``num_text`` is the same digits as text. Text from a
ledger is shown through ``shown`` so it cannot steer a terminal. No rich, no I/O.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from cepledger.model.errors import Problem
from cepledger.model.records import Period
from cepledger.model.results import ProgramResult, RequirementResult
from cepledger.rules.model import Activity, PeriodRule, Requirement

CENT = Decimal("0.01")


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


_UNSAFE = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09,)}
_UNSAFE.update({c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def shown(text: str | None) -> str:
    """Text from a ledger made safe for a terminal: control characters and bidi overrides escaped.

    The file keeps them as written; only what is shown to a person is escaped, so a
    title cannot recolour the terminal or reverse the text after it.
    """
    return "" if text is None else str(text).translate(_UNSAFE)


def problem_line(p: Problem) -> str:
    """``path:line: message``, warnings marked as such."""
    where = f"{p.path}:{p.line}" if p.line else p.path
    tag = "warning: " if p.severity == "warning" else ""
    return f"{where}: {tag}{p.message}" if where else f"{tag}{p.message}"


def period_words(rule: PeriodRule) -> str:
    """``annual``, ``3-year cycle``, ``2-year program``."""
    if rule.kind == "program" and rule.years_of == "enrolment":
        return f"{rule.years}-year program, years of enrolment"
    if rule.kind == "program":
        return f"{rule.years}-year program"
    if rule.years > 1:
        return f"{rule.years}-year cycle"
    return "annual"


def cap_words(a: Activity) -> str:
    """``at most 3 per webinar``, ``10 per entry (fixed)``, ``milestone``, ``no cap``."""
    if a.amount == "fixed":
        return f"{num_text(a.credits)} per entry (fixed)"
    if a.amount == "none":
        return "milestone"
    if a.cap is None:
        return "no cap"
    return f"at most {num_text(a.cap)} per {a.item_noun or a.per}"


def requirement_words(r: Requirement) -> str:
    """A requirement in a few words: ``at least 30 each period``, ``at least 5 within 5 years of since``."""
    minimum = f"at least {num_text(r.min)}" if r.kind in ("total", "count", "distinct") else ""
    if r.kind == "coverage":
        minimum = "cover " + (
            "; ".join(f"year {y}: {' '.join(v)}" for y, v in r.cover.items())
            if isinstance(r.cover, dict)
            else " ".join(r.cover or ())
        )
    elif r.kind == "ratings":
        minimum = f"{' '.join(r.standards) or 'every standard'} rated {r.level or 'proficient'} or higher"
    elif r.kind == "deadline" and r.max_years is not None:
        years = "a year" if r.max_years == 1 else f"{r.max_years} years"
        return f"enrol no later than {years} after starting the position (or before starting it)"
    elif r.kind == "deadline":
        minimum = f"enrol within {r.max_days} days of starting the position"
    elif r.kind == "weeks":
        minimum = f"at least {num_text(r.min)} weeks (Monday to Sunday) with an entry"
    scope = {
        "period": "each period",
        "program": "in the program",
        "window": f"within {r.window_years} years of since",
        "enrolment": "at enrolment",
    }.get(r.scope, r.scope)
    return f"{minimum} {scope}".strip()


# ------------------------------------------------------------------ shortfalls, one convention
# A shortfall is always a positive amount followed by "short" (never a minus sign), in
# every table, the Markdown and the sentences below; JSON has it as `shortfall`.


def unit_words(value: Decimal, unit: str) -> str:
    """``7 h``, ``2 credits``, ``1 week``, ``3`` (a bare count has no unit)."""
    n = num_text(value)
    if unit in ("times", ""):
        return n
    if unit == "hours":
        return f"{n} h"
    if value == 1 and unit.endswith("s"):
        return f"{n} {unit[:-1]}"
    return f"{n} {unit}"


def short_words(r: RequirementResult) -> str:
    """``7 h short``, ``2 standards short (missing 5, 6)``."""
    missing = f" (missing {', '.join(r.missing)})" if r.missing else ""
    return f"{unit_words(r.shortfall, r.unit)} short{missing}"


def due_gaps(pr: ProgramResult) -> list[RequirementResult]:
    """Every requirement not met that falls due in or before the period, overdue ones included."""
    return [r for r in pr.requirements if not r.met and r.due <= pr.period.end]


def gap_words(r: RequirementResult, today: date) -> str:
    """``cep-courses 2 courses short, due 2026-08-31`` (``overdue since …`` once past)."""
    when = f"overdue since {r.due}" if r.due < today else f"due {r.due}"
    return f"{r.id} {short_words(r)}, {when}"


def period_name(period: Period) -> str:
    """``year 1`` for a program year, else the period's label (``2024-25``)."""
    return f"year {period.program_year}" if period.program_year is not None else period.label


def closed_short_words(period: Period, r: RequirementResult) -> str:
    """``coaching-hours: year 1 closed 7 h short; it can no longer be made up``."""
    return f"{r.id}: {period_name(period)} closed {short_words(r)}; it can no longer be made up"


def closed_short(results: Sequence[ProgramResult], today: date) -> list[str]:
    """The sentences for every period among ``results`` that has closed (ended before
    ``today``) with a requirement due in it still short (deadlines are listed as overdue)."""
    out = []
    for pr in sorted(results, key=lambda x: x.period.start):
        if pr.period.end >= today:
            continue
        for r in pr.requirements:
            if not r.met and r.kind != "deadline" and pr.period.start <= r.due <= pr.period.end:
                out.append(closed_short_words(pr.period, r))
    return out
