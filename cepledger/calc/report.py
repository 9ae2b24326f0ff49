"""What the annual audit report shows, as data: one member, one reporting year.

``build_report`` gathers what an auditor asks for: each program's period and result,
every entry with claimed and counted, the evidence checks of the year's entries and the
member's reflections. Pure: the evidence checks (``ledger.evidence.verify_member``,
which reads the files) and ``today`` are passed in; ``render.report`` turns the result
into Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Protocol, Sequence

from cepledger.calc.evaluate import evaluate_program
from cepledger.calc.views import select_period
from cepledger.model.periods import reporting_year, year_label
from cepledger.model.records import Entry, Member, Period
from cepledger.model.reflection import answers_of, is_reflection
from cepledger.model.results import EntryResult, ProgramResult
from cepledger.rules.model import Program


class EvidenceCheck(Protocol):
    """What the report needs of one evidence check (``ledger.evidence.EvidenceCheck``)."""

    entry: Entry
    state: str
    actual: str | None


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One entry's evidence file as the report lists it."""

    entry: Entry
    state: str  # ok | missing | changed | no-checksum
    recorded: str | None
    actual: str | None


@dataclass(frozen=True, slots=True)
class ProgramSection:
    """One program of the report: its result, its rules and the period's entries."""

    result: ProgramResult
    rules: Program
    entries: tuple[EntryResult, ...]


@dataclass(slots=True)
class Report:
    """Everything the annual report shows, ready to render."""

    member: Member
    year_label: str
    today: date
    programs: list[ProgramSection] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    reflections: list[tuple[Entry, list[tuple[str, str]]]] = field(default_factory=list)


def build_report(member: Member, programs: Sequence[Program], year: int | None, evidence: Iterable[EvidenceCheck],
                 today: date, *, program_year: int | None = None) -> Report:
    """Everything the report shows for reporting year ``year``.

    ``evidence`` is the check of every entry with evidence (``verify_member``); the
    report keeps those of entries dated in one of the year's periods.
    """
    # the period is calc.views.select_period's: reporting year ``year``, program year
    # ``program_year``, else the one in effect on ``today``
    label = (f"program year {program_year}" if program_year is not None
             else year_label(year if year is not None else reporting_year(today)))
    report = Report(member, label, today)
    spans: list[Period] = []
    for prog in programs:
        period = select_period(prog, member.enrolment(prog.id), on=today, year=year, program_year=program_year)
        if period is None:
            continue
        pr = evaluate_program(member, prog, period)
        report.programs.append(ProgramSection(pr, prog, pr.entries))
        spans.append(period)

    def in_year(e: Entry) -> bool:
        return any(p.contains(e.date) for p in spans)

    for c in evidence:
        if in_year(c.entry):
            report.evidence.append(EvidenceRow(c.entry, c.state, c.entry.evidence_sha256, c.actual))
    for e in sorted(member.entries, key=lambda e: (e.date, e.index)):
        if is_reflection(e) and not e.is_void and in_year(e):
            report.reflections.append((e, answers_of(e)))
    return report
