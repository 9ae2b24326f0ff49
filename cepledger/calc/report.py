"""What the audit report shows, as data: one member, one reporting year.

``build_report`` gathers what an auditor asks for: each program's period and result
(for a fixed-length program, one view per program year), every entry with claimed and
counted and the totals, the evidence checks of the year's entries, the member's
reflections, and where the ledger and the rules came from (SHA-256 of each file). For a
distinct-count requirement (CASS CEP courses) it says which entries counted and why the
others did not; for a program with rated standards (CASC CPSEL) it gives the matrix of
latest ratings and the plans covering each standard; for each program year the
milestone checklist and the coaching log. Pure: the evidence checks and the file
digests are passed in (``cli`` reads the files), and so is ``today``; ``render.report_md``
and ``render.report_html`` turn the result into Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Protocol, Sequence

from cepledger.calc.coaching import COACHING_ACTIVITY as COACHING  # the one name of the coaching log's activity
from cepledger.calc.evaluate import evaluate_program
from cepledger.calc.views import program_years, select_period
from cepledger.model.periods import program_span, reporting_year, window_end, year_label
from cepledger.model.records import ZERO, Entry, Member, Period
from cepledger.model.reflection import answers_of, is_reflection
from cepledger.model.results import EntryResult, ProgramResult, RequirementResult
from cepledger.rules.model import Program, Requirement


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
class FileDigest:
    """A file the report was made from: what it is, where, its SHA-256 and its version."""

    what: str  # "ledger" or the program id of a rule file
    path: str
    sha256: str
    version: str = ""  # "format 1" for a rule file


@dataclass(frozen=True, slots=True)
class Totals:
    """The totals row of an entries table (milestones carry no amount)."""

    entries: int
    claimed: Decimal
    counted: Decimal


@dataclass(frozen=True, slots=True)
class CourseRow:
    """One entry of a distinct-count requirement: did it count, and if not, why."""

    entry: Entry
    value: str | None  # the course slug (or the field's value)
    counts: bool
    reason: str  # "counts" or why not: outside the window, repeated, void


@dataclass(frozen=True, slots=True)
class CourseSection:
    """A distinct-count requirement (CEP courses) with its window and every candidate entry."""

    requirement: RequirementResult
    start: date
    end: date
    rows: tuple[CourseRow, ...]


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """One milestone requirement of a program year: done or not, and when."""

    requirement: RequirementResult
    dates: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class CoachingRow:
    """One coaching meeting: date, hours, title, and who it was with (when recorded)."""

    entry: Entry
    hours: Decimal
    title: str
    with_: str | None


@dataclass(frozen=True, slots=True)
class StandardRow:
    """One standard of the matrix: its latest rating (with the date) and the plans that cover it."""

    standard: str
    name: str
    level: str | None
    rated_on: date | None
    proficient: bool
    plans: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class YearView:
    """One period of a program (a reporting year, or one program year) with its checklists."""

    result: ProgramResult
    totals: Totals
    checklist: tuple[ChecklistRow, ...] = ()
    coaching: tuple[CoachingRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgramSection:
    """One program of the report: its rules, one view per period shown, courses and matrix."""

    rules: Program
    views: tuple[YearView, ...]
    courses: tuple[CourseSection, ...] = ()
    matrix: tuple[StandardRow, ...] = ()

    @property
    def result(self) -> ProgramResult:
        """The result of the latest period shown."""
        return self.views[-1].result

    @property
    def entries(self) -> tuple[EntryResult, ...]:
        """The entries of the latest period shown."""
        return self.result.entries


@dataclass(slots=True)
class Report:
    """Everything the annual report shows, ready to render."""

    member: Member
    year_label: str
    today: date
    programs: list[ProgramSection] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    reflections: list[tuple[Entry, list[tuple[str, str]]]] = field(default_factory=list)
    files: tuple[FileDigest, ...] = ()
    version: str = ""


def build_report(member: Member, programs: Sequence[Program], year: int | None, evidence: Iterable[EvidenceCheck],
                 today: date, files: Sequence[FileDigest] = (), version: str = "", *,
                 program_year: int | None = None) -> Report:
    """Everything the report shows for reporting year ``year``.

    ``evidence`` is the check of every entry with evidence (``verify_member``); the
    report keeps those of entries dated in one of the periods shown. ``files`` are the
    digests of the ledger and rule files, ``version`` the tool's.
    """
    # the periods are calc.views.select_period's: reporting year ``year``, program year
    # ``program_year``, else those in effect on ``today`` (every program year begun so far)
    label = (f"program year {program_year}" if program_year is not None
             else year_label(year if year is not None else reporting_year(today)))
    report = Report(member, label, today, files=tuple(files), version=version)
    spans: list[Period] = []
    for prog in programs:
        periods = periods_shown(prog, member, year, today, program_year)
        if not periods:
            continue
        views = tuple(year_view(member, prog, p) for p in periods)
        report.programs.append(ProgramSection(prog, views, course_sections(member, prog, views[-1].result),
                                              standards_matrix(member, prog, periods[-1])))
        spans.extend(periods)

    def in_year(e: Entry) -> bool:
        return any(p.contains(e.date) for p in spans)

    for c in evidence:
        if in_year(c.entry):
            report.evidence.append(EvidenceRow(c.entry, c.state, c.entry.evidence_sha256, c.actual))
    for e in sorted(member.entries, key=lambda e: (e.date, e.index)):
        if is_reflection(e) and not e.is_void and in_year(e):
            report.reflections.append((e, answers_of(e)))
    return report


# ------------------------------------------------------------------ periods


def program_year_periods(program: Program, member: Member) -> list[Period]:
    """Every program year of a fixed-length program for the member's enrolment, in order
    (``calc.views.program_years``: years of enrolment where the rule file says so)."""
    enrolment = member.enrolment(program.id)
    return program_years(program, enrolment) if enrolment is not None else []


def periods_shown(program: Program, member: Member, year: int | None, today: date,
                  program_year: int | None = None) -> list[Period]:
    """The periods a report shows: the one ``--year`` or ``--program-year`` names, else
    every program year begun by ``today`` (at least the first) for a fixed-length program,
    and the period in effect on ``today`` for an annual one."""
    enrolment = member.enrolment(program.id)
    if enrolment is None:
        return []
    if year is None and program_year is None and program.period.kind == "program":
        years = program_years(program, enrolment)
        begun = [p for p in years if p.start <= today]
        return begun or years[:1]
    period = select_period(program, enrolment, on=today, year=year, program_year=program_year)
    return [period] if period is not None else []


def year_view(member: Member, program: Program, period: Period) -> YearView:
    """One period evaluated, with its totals, milestone checklist and coaching log."""
    result = evaluate_program(member, program, period)
    return YearView(result, totals_of(result, program), checklist(result, program), coaching_log(result))


def totals_of(result: ProgramResult, program: Program) -> Totals:
    """How many entries, and what they claimed and counted in all (milestones add nothing)."""
    rows = [er for er in result.entries if not er.entry.is_void]
    amounts = [er for er in rows if _has_amount(er, program)]
    return Totals(len(rows), sum((er.claimed for er in amounts), ZERO), sum((er.counted for er in amounts), ZERO))


def _has_amount(er: EntryResult, program: Program) -> bool:
    a = program.activities.get(er.entry.activity)
    return a is not None and a.amount != "none"


def _is_milestone(req: Requirement, program: Program) -> bool:
    acts = [program.activities.get(a) for a in req.activities]
    return bool(acts) and req.kind in ("count", "coverage") and all(a is not None and a.amount == "none" for a in acts)


def checklist(result: ProgramResult, program: Program) -> tuple[ChecklistRow, ...]:
    """The milestone requirements due in this period (counts of milestone activities, and
    plans covering standards), each with the dates it was done on."""
    rules = {r.id: r for r in program.requirements}
    p = result.period
    out = []
    for r in result.requirements:
        rule = rules.get(r.id)
        if rule is not None and _is_milestone(rule, program) and p.start <= r.due <= p.end:
            out.append(ChecklistRow(r, tuple(d for d in r.dates if p.start <= d <= p.end) or r.dates))
    return tuple(out)


def coaching_log(result: ProgramResult) -> tuple[CoachingRow, ...]:
    """The period's coaching meetings in date order (none when the program has no coaching)."""
    out = []
    for er in result.entries:
        e = er.entry
        if e.activity == COACHING and not e.is_void:
            out.append(CoachingRow(e, e.hours or ZERO, e.title or e.item or "", e.with_))
    return tuple(out)


# ------------------------------------------------------------------ courses


def course_sections(member: Member, program: Program, result: ProgramResult) -> tuple[CourseSection, ...]:
    """Each distinct-count requirement: every entry of its activities, counted or why not."""
    out = []
    by_id = {r.id: r for r in result.requirements}
    for req in program.requirements:
        if req.kind != "distinct" or req.id not in by_id:
            continue
        start, last, end = _scope(member, program, req, result)
        out.append(CourseSection(by_id[req.id], start, end, tuple(_course_rows(member, program, req, start, last, end))))
    return tuple(out)


def _scope(member: Member, program: Program, req: Requirement, result: ProgramResult) -> tuple[date, date, date]:
    """(first day, last day counted in this period, last day of the scope) of a requirement,
    as ``calc.requirements.Context.scope_range`` cuts them (without allocating again)."""
    period = result.period
    if req.scope == "window":
        since = member.enrolment(program.id).since
        last = window_end(since, req.window_years or 1)
        return since, min(last, period.end), last
    if req.scope in ("program", "enrolment"):
        start, end = program_span(program.period, member.enrolment(program.id))
        return start, period.end, end or period.end
    return period.start, period.end, period.end


def _course_rows(member: Member, program: Program, req: Requirement, start: date, last: date,
                 end: date) -> list[CourseRow]:
    seen: dict[str, Entry] = {}
    rows = []
    for e in sorted((e for e in member.entries if e.activity in req.activities), key=lambda e: (e.date, e.index)):
        value = getattr(e, req.field or "", None)
        if req.field == "course":
            value = program.resolve_course(value)
        value = None if value is None else str(value)
        if e.is_void:
            reason = f"void: {e.void}"
        elif not start <= e.date <= end:
            reason = f"outside the window {start.isoformat()} to {end.isoformat()}"
        elif e.date > last:
            reason = "after the period shown"
        elif value is None:
            reason = f"no known {req.field or 'value'}"
        elif value in seen:
            first = seen[value]
            reason = f"repeated: {value} already counted on {first.date.isoformat()}"
        else:
            seen[value] = e
            reason = "counts"
        rows.append(CourseRow(e, value, reason == "counts", reason))
    return rows


# ------------------------------------------------------------------ standards


def standards_matrix(member: Member, program: Program, period: Period) -> tuple[StandardRow, ...]:
    """Per standard of a ``ratings`` requirement: the latest rating up to the end of
    ``period`` and its date, and every plan (entries of a ``coverage`` requirement) that
    names the standard or one of its elements. Empty for a program without ratings."""
    ratings = [r for r in program.requirements if r.kind == "ratings"]
    if not ratings:
        return ()
    req = ratings[0]
    vocab = program.tags.get(req.field or "cpsel", {})
    names = vocab.get("standards", {})
    standards = req.standards or tuple(names)
    threshold = program.level_rank(req.level) if req.level else len(program.levels) - 2
    live = sorted((e for e in member.entries if not e.is_void and e.date <= period.end),
                  key=lambda e: (e.date, e.index))
    latest: dict[str, tuple[str, date]] = {}
    for e in live:
        if e.activity in req.activities:
            for std, level in e.ratings:
                latest[str(std).upper()] = (level, e.date)
    plan_acts = {a for r in program.requirements if r.kind == "coverage" for a in r.activities}
    plans: dict[str, list[Entry]] = {s: [] for s in standards}
    for e in live:
        if e.activity in plan_acts:
            covered = {program.standard_of(t) for t in e.cpsel}
            for s in standards:
                if s in covered:
                    plans[s].append(e)
    out = []
    for s in standards:
        level, when = latest.get(s, (None, None))
        rank = program.level_rank(level) if level is not None else None
        out.append(StandardRow(s, str(names.get(s, "")), level, when, rank is not None and rank >= threshold,
                               tuple(plans[s])))
    return tuple(out)
