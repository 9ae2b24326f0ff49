"""The audit report (``calc.report.Report``) as a list of blocks both writers share.

Headings, paragraphs, definition lists, tables (with a totals row), charts and the
attestation: ``render.report_md`` writes them as Markdown, ``render.report_html`` as
one self-contained HTML page, so the two always show the same things. Reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cepledger.calc.report import (CourseSection, ProgramSection, Report, StandardRow, Totals, YearView)
from cepledger.model.results import EntryResult, ProgramResult
from cepledger.render.words import cap_words, num_text, period_words
from cepledger.rules.model import Program

# ------------------------------------------------------------------ blocks


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    code: str = ""  # an id shown beside the text in code font


@dataclass(frozen=True)
class Para:
    text: str
    cls: str = ""


@dataclass(frozen=True)
class Pairs:
    rows: tuple[tuple[str, str], ...]
    cls: str = ""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    num: frozenset[int] = frozenset()  # right-aligned columns
    code: frozenset[int] = frozenset()  # columns in code font
    total: tuple[str, ...] | None = None
    classes: tuple[str, ...] = ()  # a class per row ("void", "met", "short", "")


@dataclass(frozen=True)
class Chart:
    rows: tuple[tuple[str, Decimal, Decimal], ...]  # (label, claimed, counted)
    unit: str


@dataclass(frozen=True)
class Attestation:
    statement: str
    name: str


@dataclass
class Section:
    """A top-level part of the report (a program, evidence, reflections, sources)."""

    blocks: list = field(default_factory=list)


ATTESTATION = ("I certify that the activities recorded in this report took place as described, that the "
               "amounts claimed are true to the best of my knowledge, and that the evidence listed is held "
               "and available on request.")

# ------------------------------------------------------------------ words


def rule_applied(er: EntryResult, program: Program) -> str:
    """``A4 live-webinar: at most 3 per webinar (clipped 1)``; the caps that clipped, else the rule."""
    a = program.activities.get(er.entry.activity)
    if er.entry.is_void:
        return f"void: {er.entry.void}"
    if er.clips:
        return "; ".join(f"{c.code} {c.description} (clipped {num_text(c.clipped)})".strip() for c in er.clips)
    if a is None:
        return ""
    return f"{a.code} {cap_words(a)}".strip()


def chart_data(result: ProgramResult, program: Program) -> list[tuple[str, Decimal, Decimal]]:
    """(label, claimed, counted) per activity that earned or claimed anything."""
    out = []
    for a in result.activities:
        if a.claimed > 0 or a.counted > 0:
            rule = program.activities.get(a.activity)
            label = f"{rule.code} {a.activity}".strip() if rule is not None else a.activity
            out.append((label, a.claimed, a.counted))
    return out


def amounts(er: EntryResult, program: Program) -> tuple[str, str]:
    """Claimed and counted as text; a milestone has none ("-")."""
    a = program.activities.get(er.entry.activity)
    if a is not None and a.amount == "none":
        return "-", "-"
    return num_text(er.claimed), num_text(er.counted)


def what(er: EntryResult) -> str:
    """The entry's title, else its item, else its course."""
    e = er.entry
    return e.title or e.item or (f"course {e.course}" if e.course is not None else "")


def _n(count: int, one: str, many: str | None = None) -> str:
    """``1 entry``, ``2 entries``."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def requirement_label(r) -> str:
    """``CEP credits this year (annual-credits)``: the human name beside the id."""
    return f"{r.name} ({r.id})" if r.name else r.id


def title_of(report: Report) -> str:
    m = report.member
    return f"Continuing education report {report.year_label}: {m.name} ({m.id})"


# ------------------------------------------------------------------ the document


def report_sections(report: Report) -> list[Section]:
    """Every part of the report in order."""
    out = [Section([Heading(1, title_of(report)),
                    Para(f"Prepared {report.today.isoformat()} by cepledger"
                         f"{' ' + report.version if report.version else ''}.", "meta")])]
    for sec in report.programs:
        out.append(Section(program_blocks(sec, report)))
    out += [Section(evidence_blocks(report)), Section(reflection_blocks(report)), Section(source_blocks(report)),
            Section([Heading(2, "Attestation"), Attestation(ATTESTATION, f"{report.member.name} ({report.member.id})")])]
    return out


def program_blocks(sec: ProgramSection, report: Report) -> list:
    prog, m = sec.rules, report.member
    enrolment = m.enrolment(prog.id)
    b: list = [Heading(2, prog.name, prog.id),
               Pairs((("Member", f"{m.name} ({m.id})"),
                      ("Enrolled since", f"{enrolment.since.isoformat()} ({period_words(prog.period)})"),
                      *((("First day as an administrator", enrolment.employed_since.isoformat()),)
                        if enrolment.employed_since else ())))]
    several = len(sec.views) > 1 or sec.views[0].result.period.program_year is not None
    for view in sec.views:
        b += view_blocks(view, prog, several)
    for course in sec.courses:
        b += course_blocks(course)
    if sec.matrix:
        b += matrix_blocks(sec.matrix)
    return b


def view_blocks(view: YearView, prog: Program, several: bool) -> list:
    pr = view.result
    p = pr.period
    level = 3
    span = f"{p.start.isoformat()} to {p.end.isoformat()}"
    standing = ("Standing", "all requirements due in the period are met" if pr.met else "NOT met")
    if several:
        b: list = [Heading(3, f"Program year {p.program_year}: {span}" if p.program_year else f"{p.label}: {span}"),
                   Pairs((standing,))]
        level = 4
    else:
        b = [Pairs((("Period", f"{p.label}: {span}"), standing))]
    b += [Heading(level, "Requirements"), requirements_table(pr)]
    if view.checklist:
        b += [Heading(level, "Milestones"), Table(
            ("milestone", "done", "on"),
            tuple((requirement_label(c.requirement), "yes" if c.requirement.met else "no",
                   ", ".join(d.isoformat() for d in c.dates) or "-") for c in view.checklist),
            classes=tuple("met" if c.requirement.met else "short" for c in view.checklist))]
    rows = chart_data(pr, prog)
    if rows:
        b += [Heading(level, f"{pr.unit.capitalize()} by activity"), Chart(tuple(rows), pr.unit),
              Table(("activity", "claimed", f"counted ({pr.unit})"),
                    tuple((label, num_text(c), num_text(k)) for label, c, k in rows), num=frozenset({1, 2}),
                    total=("total", num_text(sum((c for _, c, _ in rows), Decimal(0))),
                           num_text(sum((k for _, _, k in rows), Decimal(0)))))]
    if view.coaching:
        has_with = any(c.with_ for c in view.coaching)
        b += [Heading(level, "Coaching log"), Table(
            ("date", "hours", "title") + (("with",) if has_with else ()),
            tuple((c.entry.date.isoformat(), num_text(c.hours), c.title) + ((c.with_ or "",) if has_with else ())
                  for c in view.coaching),
            num=frozenset({1}),
            total=(_n(len(view.coaching), "meeting"), num_text(sum((c.hours for c in view.coaching), Decimal(0))), "")
            + (("",) if has_with else ()))]
    b += [Heading(level, "Entries"), entries_table(view, prog)]
    return b


def requirements_table(pr: ProgramResult) -> Table:
    rows, classes = [], []
    for r in pr.requirements:
        extra = f" (missing {', '.join(r.missing)})" if r.missing else ""
        rows.append((requirement_label(r), num_text(r.required), num_text(r.earned), num_text(r.shortfall) + extra,
                     r.unit, r.due.isoformat(), "yes" if r.met else "no"))
        classes.append("met" if r.met else "short")
    met = sum(1 for r in pr.requirements if r.met)
    return Table(("requirement", "required", "earned", "shortfall", "unit", "due", "met"), tuple(rows),
                 num=frozenset({1, 2, 3}), total=(f"{met} of {len(pr.requirements)} requirements met", "", "", "",
                                                   "", "", "period met" if pr.met else "period not met"), classes=tuple(classes))


def entries_table(view: YearView, prog: Program) -> Table:
    logged = {c.entry.index for c in view.coaching}
    rows, classes = [], []
    for er in view.result.entries:
        e = er.entry
        if e.index in logged:
            continue  # listed in the coaching log
        claimed, counted = amounts(er, prog)
        rows.append((e.date.isoformat(), e.id or "", e.activity, what(er), claimed, counted, rule_applied(er, prog)))
        classes.append("void" if e.is_void else "")
    t = view.totals
    note = _n(t.entries, "entry", "entries") + (f" ({len(logged)} in the coaching log)" if logged else "")
    return Table(("date", "id", "activity", "title / item", "claimed", "counted", "rule applied"), tuple(rows),
                 num=frozenset({4, 5}), code=frozenset({1}),
                 total=(note, "", "", "", num_text(t.claimed), num_text(t.counted), ""), classes=tuple(classes))


def course_blocks(course: CourseSection) -> list:
    r = course.requirement
    counted = sum(1 for row in course.rows if row.counts)
    return [Heading(3, f"{r.name or r.id} ({r.id})"),
            Para(f"Window: {course.start.isoformat()} to {course.end.isoformat()}; {num_text(r.earned)} of "
                 f"{num_text(r.required)} {r.unit} counted" + (", met." if r.met else f", {num_text(r.shortfall)} to go.")),
            Table(("date", "id", "course", "title", "counts toward the requirement"),
                  tuple((row.entry.date.isoformat(), row.entry.id or "", row.value or str(row.entry.course or ""),
                         row.entry.title or "", "yes" if row.counts else f"no: {row.reason}") for row in course.rows),
                  code=frozenset({1}), total=(_n(len(course.rows), "entry", "entries"), "", "", "", f"{counted} count"),
                  classes=tuple("met" if row.counts else "short" for row in course.rows))]


def matrix_blocks(matrix: tuple[StandardRow, ...]) -> list:
    rows = []
    for s in matrix:
        plans = "; ".join(f"{e.date.isoformat()} {e.title or e.id or ''}".strip() for e in s.plans) or "none"
        rows.append((f"{s.standard} {s.name}".strip(), s.level or "not rated",
                     s.rated_on.isoformat() if s.rated_on else "-", "yes" if s.proficient else "no", plans))
    proficient = sum(1 for s in matrix if s.proficient)
    return [Heading(3, "CPSEL matrix"),
            Table(("standard", "latest rating", "rated on", "proficient", "plans covering it"), tuple(rows),
                  total=(f"{len(matrix)} standards", "", "", f"{proficient} proficient",
                         f"{sum(1 for s in matrix if s.plans)} covered"),
                  classes=tuple("met" if s.proficient else "short" for s in matrix))]


_EVIDENCE_WORDS = {"ok": "matches", "missing": "missing", "changed": "changed since recorded",
                   "no-checksum": "no checksum recorded"}


def evidence_blocks(report: Report) -> list:
    b: list = [Heading(2, "Evidence")]
    if not report.evidence:
        return b + [Para("No evidence files are recorded for this year.")]
    rows = tuple((ev.entry.date.isoformat(), ev.entry.id or "", ev.entry.evidence or "",
                  ev.recorded or ev.actual or "-", _EVIDENCE_WORDS.get(ev.state, ev.state)) for ev in report.evidence)
    ok = sum(1 for ev in report.evidence if ev.state == "ok")
    return b + [Table(("date", "entry", "file", "SHA-256", "check"), rows, code=frozenset({1, 3}),
                      total=(_n(len(rows), "file"), "", "", "", f"{ok} match"),
                      classes=tuple("met" if ev.state == "ok" else "short" if ev.state in ("missing", "changed")
                                    else "" for ev in report.evidence))]


def reflection_blocks(report: Report) -> list:
    b: list = [Heading(2, "Reflections")]
    if not report.reflections:
        return b + [Para("No reflections recorded this year (`cep reflect` records one).")]
    for e, qa in report.reflections:
        b += [Heading(3, e.date.isoformat(), e.id or ""), Pairs(tuple((q, a.strip()) for q, a in qa)
                                                                or (("Notes", (e.notes or "").strip()),), "qa")]
    return b


def source_blocks(report: Report) -> list:
    b: list = [Heading(2, "Sources"),
               Para("The files this report was made from, with their SHA-256 at the time it was made: "
                    "`sha256sum FILE` shows whether one has changed since.")]
    if report.files:
        b.append(Table(("file", "what", "version", "SHA-256"),
                       tuple((f.path, f.what, f.version, f.sha256) for f in report.files), code=frozenset({3})))
    return b


def totals_text(t: Totals) -> str:
    return f"{t.entries} entries, claimed {num_text(t.claimed)}, counted {num_text(t.counted)}"
