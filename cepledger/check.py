"""Validations: small functions, each returning ``Problem``s with a stable code.

``member_problems`` checks one parsed ledger against the program rules (errors make
the data invalid: exit 3; warnings fail only ``check --strict``). ``check_ledgers``
runs everything over a ledgers folder and reports every problem of every file at once.
``ensure_valid`` / ``verdict`` are the same checks for the commands that read one ledger
(``status``, ``summary``, ``log``, ``explain``, ``plan``, ``add`` ...): whatever ``check``
calls an error makes them exit 3 with the same ``path:line: message``, and its warnings
are theirs to print (SPEC.md, "Exit codes").
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable

from cepledger.model.amounts import MAX_AMOUNT
from cepledger.model.dates import future_message
from cepledger.model.errors import DataError, Problem
from cepledger.model.records import Entry, Member
from cepledger.model.periods import program_span
from cepledger.rules.model import Program, Registry



def _p(entry: Entry, code: str, message: str, severity: str = "error") -> Problem:
    return Problem(entry.source.path, entry.source.line, code, message, severity)


def _programs_of(member: Member, registry: Registry) -> list[Program]:
    return [registry.programs[e.program] for e in member.enrolments if e.program in registry.programs]


def check_enrolments(member: Member, registry: Registry) -> Iterable[Problem]:
    for e in member.enrolments:
        prog = registry.programs.get(e.program)
        if prog is None or prog.abstract:
            yield Problem(e.source.path, e.source.line, "unknown-program",
                          f"unknown program '{e.program}'; choose one of: {', '.join(registry.enrollable())}")
    if not member.enrolments:
        yield Problem(member.path, 1, "no-program",
                      "the member is enrolled in no program; add one with `cep member enrol`", "warning")


def check_entry(entry: Entry, programs: list[Program], registry: Registry,
                defining: list[Program] | None = None) -> Iterable[Problem]:
    """One entry against the rules of the member's programs (``defining``: those of them
    that define its activity, when the caller has them already)."""
    if defining is None:
        defining = [p for p in programs if entry.activity in p.activities]
    if not defining:
        known = sorted({a for p in programs for a in p.activities})
        elsewhere = [pid for pid, p in registry.programs.items() if entry.activity in p.activities and not p.abstract]
        hint = (f"it belongs to {', '.join(elsewhere)}, which the member is not enrolled in" if elsewhere
                else f"choose one of: {', '.join(known)}")
        yield _p(entry, "unknown-activity", f"unknown activity '{entry.activity}'; {hint}")
        return
    prog = defining[0]
    activity = prog.activities[entry.activity]
    if activity.amount == "hours":
        if entry.hours is None:
            yield _p(entry, "missing-hours", f"a {entry.activity} entry needs hours, e.g. hours = 1.5")
        elif entry.hours == 0:
            yield _p(entry, "zero-amount", f"a {entry.activity} entry of 0 hours counts nothing; give its hours or void it")
    elif activity.amount == "none" and entry.hours is not None:
        yield _p(entry, "milestone-hours",
                 f"{entry.activity} is a milestone and takes no hours; remove hours = {entry.hours}")
    # is_finite first: ordering a NaN raises InvalidOperation
    if entry.hours is not None and (not entry.hours.is_finite() or entry.hours < 0 or entry.hours > MAX_AMOUNT):
        yield _p(entry, "bad-amount", f"hours = {entry.hours} is not a sensible amount (0 to 1000)")
    for key in activity.requires:
        if getattr(entry, key, None) in (None, (), ""):
            yield _p(entry, "missing-field", f"a {entry.activity} entry needs {key}")
    if activity.catalogue and entry.course is not None and prog.resolve_course(entry.course, activity.catalogue) is None:
        choices = ", ".join(f"{k} {v}" for k, v in prog.catalogues[activity.catalogue].items())
        yield _p(entry, "unknown-course", f"unknown course '{entry.course}'; choose a number or slug: {choices}")
    if activity.evidence == "expected" and not entry.evidence:
        yield _p(entry, "missing-evidence",
                 f"a {entry.activity} entry should name its evidence (certificate, report, publication)", "warning")
    if entry.cpsel or entry.ratings:
        yield from _check_standards(entry, defining)
    if entry.extra:
        yield _p(entry, "unknown-key", f"unknown key(s) {', '.join(entry.extra)}; check the spelling", "warning")


def _check_standards(entry: Entry, defining: list[Program]) -> Iterable[Problem]:
    """An entry's CPSEL tags and ratings against the vocabulary of the programs defining its activity."""
    vocab = next((p.tags["cpsel"] for p in defining if "cpsel" in p.tags), None)
    standards = ", ".join(vocab["standards"]) if vocab else "none"
    if entry.cpsel and vocab is None:
        yield _p(entry, "unknown-cpsel", f"{entry.activity} entries take no cpsel tags here; remove cpsel")
    elif entry.cpsel:
        for tag in entry.cpsel:
            if not any(p.standard_of(tag) for p in defining):
                elements = f" or element ({vocab['elements'][0]} ... {vocab['elements'][-1]})" if vocab and vocab["elements"] else ""
                yield _p(entry, "unknown-cpsel", f"'{tag}' is not a CPSEL standard ({standards}){elements}")
    for std, level in entry.ratings:
        # ratings are on whole standards: an element ("2A") names no rating the rules read
        if not any(p.standard_of(std) == str(std).strip().upper() for p in defining if p.tags):
            yield _p(entry, "unknown-standard", f"rating for unknown standard '{std}'; use one of: {standards}")
        if not any(p.level_rank(level) is not None for p in defining if p.levels):
            rated = next((p for p in defining if p.levels), None)
            levels = ", ".join(rated.levels) if rated else "none"
            aliases = f" (or {', '.join(rated.level_aliases)})" if rated and rated.level_aliases else ""
            yield _p(entry, "unknown-level", f"unknown rating level '{level}'; choose one of: {levels}{aliases}")


# What makes two entries the same one logged twice (``id``, notes and evidence aside)
_SAME = attrgetter("date", "activity", "hours", "title", "item", "course", "cpsel", "ratings", "void")


def check_duplicates(member: Member) -> Iterable[Problem]:
    entries = member.entries
    given = [e.id for e in entries if e.id]
    if len(set(given)) < len(given):  # else no id is used twice
        ids = Counter(given)
        for e in entries:
            if e.id and ids[e.id] > 1:
                yield _p(e, "duplicate-id", f"entry id '{e.id}' is used more than once; give each entry its own id",
                         "warning")
    keys = list(map(_SAME, entries))
    if len(set(keys)) == len(keys):  # no entry repeats another
        return
    seen: dict[tuple, Entry] = {}
    for e, key in zip(entries, keys):
        if key in seen and not e.is_void:
            yield _p(e, "same-entry-twice",
                     f"this entry repeats the one at line {seen[key].source.line}; void one of them if it was logged twice",
                     "warning")
        seen.setdefault(key, e)


def check_entries(member: Member, registry: Registry) -> Iterable[Problem]:
    """Every entry against the rules of the member's programs (found once per activity)."""
    programs = _programs_of(member, registry)
    defining = {a: [p for p in programs if a in p.activities] for a in member.activities_used()}
    for e in member.entries:
        yield from check_entry(e, programs, registry, defining[e.activity])


def check_periods(member: Member, registry: Registry) -> Iterable[Problem]:
    programs = _programs_of(member, registry)
    spans = {p.id: program_span(p.period, member.enrolment(p.id)) for p in programs}
    owners = {a: [spans[p.id] for p in programs if a in p.activities] for a in member.activities_used()}
    for e in member.entries:
        spans_of = owners[e.activity]
        if not spans_of:
            continue
        d = e.date
        for start, end in spans_of:
            if d >= start and (end is None or d <= end):
                break
        else:
            yield _p(e, "outside-periods", f"the entry dated {e.date} falls outside every program period of the member",
                     "warning")


def check_dates(member: Member, today: date) -> Iterable[Problem]:
    """No entry is dated after ``today`` (RULES.md "Dates"); a void one counts for nothing and is let be."""
    for e in member.entries:
        if e.date > today and not e.is_void:
            yield _p(e, "future-date", f"the entry is dated {e.date}, in the future; {future_message(today)}: "
                                       "correct the date, or void the entry")


CHECKS: list[Callable[[Member, Registry], Iterable[Problem]]] = [
    check_enrolments,
    check_entries,
    lambda m, r: check_duplicates(m),
    check_periods,
]


def member_problems(member: Member, registry: Registry, today: date | None = None) -> list[Problem]:
    """Every problem of one parsed ledger, in file order; with ``today``, future dates too."""
    problems = [p for check in CHECKS for p in check(member, registry)]
    if today is not None:
        problems.extend(check_dates(member, today))
    return sorted(problems, key=lambda p: p.line)


def verdict(member: Member, registry: Registry, today: date | None = None) -> list[Problem]:
    """``check``'s verdict on one ledger for a command that reads it: raise ``DataError``
    with every error (exit 3, the same ``path:line: message`` as ``check``); else return
    the warnings, for the command to print."""
    problems = member_problems(member, registry, today)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return problems


def ensure_valid(member: Member, registry: Registry, today: date | None = None) -> Member:
    """Raise ``DataError`` if the ledger has errors (warnings pass); return it otherwise."""
    verdict(member, registry, today)
    return member


def check_ledgers(ledgers: Path, registry: Registry, *, today: date | None = None,
                  progress: Callable[[Path], None] | None = None) -> list[Problem]:
    """Every problem of every rule file and ledger under ``ledgers``, reported together.

    A ledger is read by ``ledger.load.inspect_file``, the reader every command uses, so
    its schema problems are word for word what ``status`` or ``log`` would refuse it with;
    the rule checks above run on the ledgers that read.
    """
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load

    problems = list(registry.problems)
    for path in ledger_files.member_files(ledgers):
        if progress:
            progress(path)
        member, found = ledger_load.inspect_file(path)
        problems.extend(found)
        if member is not None:
            problems.extend(member_problems(member, registry, today))
    return problems
