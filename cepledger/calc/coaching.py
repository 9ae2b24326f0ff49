"""The coaching log a CASC program reviews: each meeting, who it was with, and the weeks it counts.

``coaching_log`` groups a member's entries of one activity by the program year that holds
them (the program's own periods, ``model.periods.period_on``: years of enrolment for CASC) and marks, for each
meeting, whether it is the first of its week (Monday to Sunday) in that year: the weeks
that count toward "meet weekly ... 40 weeks during each year" (RULES.md). Void entries
count for nothing and are left out. Pure: no files, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Sequence

from cepledger.model.periods import period_on
from cepledger.model.records import ZERO, Entry, Member, Period
from cepledger.rules.model import Program

COACHING_ACTIVITY = "coaching"  # `cep log --activity coaching --format csv|md` is the coaching log


@dataclass(frozen=True, slots=True)
class CoachingRow:
    """One meeting; ``new_week`` when it is the first of its Monday-to-Sunday week in the year."""

    entry: Entry
    new_week: bool


@dataclass(frozen=True, slots=True)
class CoachingYear:
    """The meetings of one program year (``period`` None: outside the member's program years)."""

    period: Period | None
    rows: tuple[CoachingRow, ...]

    @property
    def hours(self) -> Decimal:
        return sum((r.entry.hours or ZERO for r in self.rows), ZERO)

    @property
    def weeks(self) -> int:
        return sum(r.new_week for r in self.rows)


def week_of(e: Entry):
    """The Monday of the entry's week."""
    return e.date - timedelta(days=e.date.weekday())


def coaching_log(member: Member, program: Program | None, entries: Sequence[Entry]) -> list[CoachingYear]:
    """``entries`` (of the coaching activity) by program year of ``program``, in date order."""
    enrolment = member.enrolment(program.id) if program is not None else None
    groups: dict[Period | None, list[Entry]] = {}
    for e in sorted((e for e in entries if not e.is_void), key=lambda e: (e.date, e.index)):
        period = None
        if program is not None and enrolment is not None:
            period = period_on(program.period, enrolment, e.date)
        groups.setdefault(period, []).append(e)
    out = []
    for period, group in groups.items():
        seen = set()
        rows = []
        for e in group:
            week = week_of(e)
            rows.append(CoachingRow(e, period is not None and week not in seen))
            seen.add(week)
        out.append(CoachingYear(period, tuple(rows)))
    return sorted(out, key=lambda y: (y.period is None, y.period.start if y.period else None))
