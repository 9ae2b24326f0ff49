"""A new entry's fields, checked against the member's programs before anything is written.

``build_entry`` checks every option ``cep add`` (and ``import``, ``reflect``, ``plan
--what-if``) was given against the rules of the member's programs (the activity, amount,
course, CPSEL tags, ratings, evidence) and returns the entry's TOML keys for
``ledger.write.append_entries``. Nothing here reads the clock or writes a file; ``today``
and the ledgers folder are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from cepledger.cli.suggest import choices_hint
from cepledger.model.errors import UsageError
from cepledger.model.records import Member


@dataclass(frozen=True, slots=True)
class Target:
    """One program that counts a new entry: the program and its rules for the activity."""

    program: Any
    activity: Any


def targets(programs: Sequence, activity: str, registry=None) -> list[Target]:
    """The member's programs that define ``activity``; UsageError naming the valid ones if none.

    With the ``registry``, the message also says which other programs define it.
    """
    found = [Target(p, p.activities[activity]) for p in programs if activity in p.activities]
    if not found:
        known = sorted({a for p in programs for a in p.activities})
        names = " and ".join(p.id for p in programs) or "no program"
        elsewhere = sorted(pid for pid, p in (registry.programs.items() if registry else ())
                           if activity in p.activities and not p.abstract)
        where = f" (it belongs to {', '.join(elsewhere)}, which the member is not enrolled in)" if elsewhere else ""
        raise UsageError(f"unknown activity '{activity}' for {names}{where}; {choices_hint(activity, known)}")
    return found


def build_entry(member: Member, programs: Sequence, activity: str, amount: str | None, *, today: date,
                ledgers: Path, registry=None, when: str | None = None, title: str | None = None, item: str | None = None,
                course: str | None = None, cpsel: Sequence[str] = (), ratings: Sequence[str] = (),
                evidence: str | None = None, notes: str | None = None, date_format: str | None = None,
                notes_out: list[str] | None = None, with_: str | None = None) -> dict[str, Any]:
    """Validate everything ``cep add`` was given; return the new entry's TOML keys.

    ``date_format`` says how a numeric date with slashes or dots is read (``model.dates``);
    a duration rounded to two decimals is said in ``notes_out``, for the effect line.
    """
    from cepledger.model.dates import entry_date

    found = targets(programs, activity, registry)
    day = entry_date(when, today, date_format)  # never in the future
    _check_in_program(member, found, day)
    fields: dict[str, Any] = {"date": day, "activity": activity}
    fields.update(_amount_field(member, found, activity, amount, notes_out))
    for key, value in (("title", title), ("item", item), ("with", with_), ("notes", notes)):
        if value is not None:
            if not value.strip():
                raise UsageError(f"--{key} is empty; leave it out or give some text")
            fields[key] = value.strip()
    if course is not None:
        fields["course"] = _course_value(found, activity, course)
    tags = [t.strip().upper() for raw in cpsel for t in raw.split(",") if t.strip()]
    if tags:
        fields["cpsel"] = _cpsel_value(found, activity, tags)
    if ratings:
        fields["ratings"] = _ratings_value(found, activity, ratings)
    if evidence is not None:
        fields.update(_evidence_fields(ledgers, evidence))
    _check_required(found, activity, fields)
    return fields


def _check_in_program(member: Member, found: list[Target], day: date) -> None:
    """Refuse a date outside every program that would count the entry (a likely typo)."""
    from cepledger.model.periods import program_span

    spans = []
    for t in found:
        start, end = program_span(t.program.period, member.enrolment(t.program.id))
        if start <= day and (end is None or day <= end):
            return
        spans.append(f"{t.program.id} runs " + (f"{start} to {end}" if end else f"from {start}"))
    raise UsageError(f"the date {day} is outside the member's programs ({'; '.join(spans)}); "
                     "check --date, or enrol the member with `cep member enrol`")


def _amount_field(member: Member, found: list[Target], activity: str, amount: str | None,
                  notes_out: list[str] | None = None) -> dict[str, Any]:
    from cepledger.model.amounts import parse_amount as read

    kinds = {t.activity.amount for t in found}
    if amount is None:
        if "hours" in kinds or any("hours" in t.activity.requires for t in found):
            raise UsageError(f"{activity} is counted in hours: give them, e.g. `cep add {member.id} {activity} 1.5`")
        return {}
    parsed = read(amount, durations=kinds <= {"hours"})  # a duration only for an activity counted in hours
    value = parsed.value
    if parsed.note and notes_out is not None:
        notes_out.append(parsed.note)
    if "none" in kinds:
        raise UsageError(f"{activity} is a milestone and takes no amount; drop '{amount}'")
    if value == 0 and "hours" in kinds:
        raise UsageError(f"an amount of 0 counts nothing; give the {activity} hours, like 1.5")
    # ``3`` for a whole number, else without trailing zeros (``1.5``)
    return {"hours": int(value) if value == value.to_integral_value() else value.normalize()}


def _course_value(found: list[Target], activity: str, course: str) -> int | str:
    """The course as the user named it: its number, or its catalogue slug."""
    catalogued = [t for t in found if t.activity.catalogue]
    if not catalogued:
        raise UsageError(f"--course is only for activities with a course catalogue; {activity} has none")
    t = catalogued[0]
    slug = t.program.resolve_course(course, t.activity.catalogue)
    if slug is None:
        cat = t.program.catalogues.get(t.activity.catalogue, {})
        listing = ", ".join(f"{k} {v}" for k, v in cat.items())
        raise UsageError(f"unknown course '{course}' for {t.program.id}; choose a number or name: {listing}")
    return int(course) if course.strip().isdigit() else slug


def _cpsel_value(found: list[Target], activity: str, tags: list[str]) -> list[int | str]:
    """``["2A", 5]``: elements as text, standards as numbers (the form SPEC.md shows)."""
    tagged = [t for t in found if "cpsel" in t.activity.tags]
    if not tagged:
        allowed = sorted({a.id for t in found for a in t.program.activities.values() if "cpsel" in a.tags})
        raise UsageError(f"--cpsel does not apply to {activity}; it is for: {', '.join(allowed) or 'no activity'}")
    prog = tagged[0].program
    vocab = prog.tags.get("cpsel", {})
    for tag in tags:
        if prog.standard_of(tag) is None:
            choices = ", ".join([*vocab.get("standards", {}), *vocab.get("elements", ())])
            raise UsageError(f"unknown CPSEL standard or element '{tag}'; choose from: {choices}")
    return [int(t) if t.isdigit() else t for t in dict.fromkeys(tags)]


def _ratings_value(found: list[Target], activity: str, ratings: Sequence[str]) -> dict[str, str]:
    """``--rating 3=meets`` (repeatable, or comma-separated) → ``{"3": "meets"}``."""
    rated = [t for t in found if t.program.levels]
    if not rated:
        raise UsageError(f"--rating does not apply to {activity}: {found[0].program.id} has no rating levels")
    prog = rated[0].program
    table: dict[str, str] = {}
    for raw in ratings:
        for part in raw.split(","):
            if not part.strip():
                continue
            std, sep, level = part.partition("=")
            std, level = std.strip().upper(), level.strip().lower()
            if not sep or not std or not level:
                raise UsageError(f"bad rating '{part.strip()}': write STANDARD=LEVEL, like 3=meets")
            if prog.standard_of(std) != std:
                standards = ", ".join(prog.tags.get("cpsel", {}).get("standards", {}))
                raise UsageError(f"unknown standard '{std}' in --rating; choose one of: {standards}")
            if prog.level_rank(level) is None:
                levels = [*prog.levels, *prog.level_aliases]
                raise UsageError(f"unknown rating level '{level}'; choose one of: {', '.join(levels)}")
            if std in table:
                raise UsageError(f"standard {std} is rated twice; give one --rating per standard")
            table[std] = level
    return dict(sorted(table.items()))


def _evidence_fields(ledgers: Path, evidence: str) -> dict[str, str]:
    """The path as given, and the file's SHA-256 when it exists (under the ledgers folder, then here)."""
    if not evidence.strip():
        raise UsageError("--evidence is empty; give the path of the certificate or report")
    fields = {"evidence": evidence}
    p = Path(evidence).expanduser()
    found = next((c for c in ([p] if p.is_absolute() else [ledgers / p, p]) if c.is_file()), None)
    if found is not None:
        try:
            fields["evidence_sha256"] = _sha256(found)
        except OSError as exc:
            raise UsageError(f"cannot read the evidence file {found}: {exc.strerror}") from None
    return fields


def _sha256(path: Path) -> str:
    from cepledger.ledger.evidence import sha256_file  # the one hashing routine, shared with `cep verify`

    return sha256_file(path)


_OPTION_OF = {"hours": "an amount", "ratings": "--rating STANDARD=LEVEL"}


def _check_required(found: list[Target], activity: str, fields: dict[str, Any]) -> None:
    """Whatever the rules require of this activity (``requires = ["course"]``) must be given."""
    for t in found:
        for key in t.activity.requires:
            if key not in fields:
                raise UsageError(f"{activity} needs {_OPTION_OF.get(key, f'--{key}')}")
