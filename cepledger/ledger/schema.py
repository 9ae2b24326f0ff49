"""The ledger schema: a parsed TOML document -> ``Member`` plus every ``Problem``.

The one place each field of a ledger is checked (SPEC.md "Files"), used by the reader
(``load``), by ``cep check`` through it, and by the writer (``check_entry_fields`` on the
entry it is about to write), so what one accepts the others accept. Problems carry a
stable code and the line they are about; the rule checks (activities, caps, courses)
come later, in ``cepledger.check``.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable, NamedTuple

from cepledger.ledger.parse import Layout
from cepledger.model.amounts import plain
from cepledger.model.errors import Problem
from cepledger.model.ids import is_valid_member_id
from cepledger.model.records import Entry, Enrolment, Member, Source

__all__ = ["build_member", "check_entry_fields", "check_enrolment_fields", "check_date", "type_name", "Bad",
           "ENTRY_KEYS", "MAX_HOURS", "SCHEMA_VERSION", "STANDARDS", "TOP_LEVEL"]

SCHEMA_VERSION = 1
MAX_HOURS = Decimal(1000)
CENT = Decimal("0.01")
TOP_LEVEL = ("schema", "member", "programs", "entries")
STANDARDS = ("1", "2", "3", "4", "5", "6")  # ratings are keyed by CPSEL standard (RULES.md)

# The order in which the writer renders an entry's keys, and the keys the schema knows.
ENTRY_KEYS = (
    "id", "date", "activity", "hours", "course", "title", "item", "with", "cpsel", "ratings",
    "evidence", "evidence_sha256", "notes", "verified", "replaces", "void",
)
# TOML keys whose ``Entry`` field is spelt differently (``with`` is a Python keyword)
ENTRY_FIELD_NAMES = {"with": "with_"}

_DATE_TEXT_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")


class Bad(NamedTuple):
    """Why one value is wrong: a problem code and the sentence to show."""

    code: str
    message: str


FieldError = tuple[str, str, str]  # (key, code, message); key "" for the table itself


def type_name(v: object) -> str:
    """How a value is named in messages ("a number", "text", "a date" ...)."""
    for kind, name in ((bool, "true/false"), ((int, Decimal), "a number"), (str, "text"),
                       (datetime, "a date and time"), (date, "a date"), (time, "a time"),
                       (list, "a list"), (dict, "a table")):
        if isinstance(v, kind):
            return name
    return type(v).__name__


# ----------------------------------------------------------------- one value


def check_date(key: str, v: object) -> Bad | None:
    """(code, message) when ``v`` is not a plain TOML date."""
    if type(v) is date:
        return None
    if isinstance(v, datetime):
        return Bad("bad-date", f"{key} must be a date like 2025-10-03, not a date and time; drop the time part.")
    if isinstance(v, str) and _DATE_TEXT_RE.fullmatch(v.strip()):
        return Bad("bad-date", f"{key} is written as text \"{v}\"; write the date without quotes: {key} = {v.strip()}.")
    return Bad("bad-date", f"{key} must be a date like 2025-10-03, not {type_name(v)}.")


def _hours(_key: str, v: object) -> Decimal | Bad:
    t = type(v)
    if t is Decimal:
        d: Decimal = v  # type: ignore[assignment]
    elif t is int:
        d = Decimal(v)  # type: ignore[arg-type]
    elif isinstance(v, str):
        try:
            Decimal(v.strip())
        except InvalidOperation:
            return Bad("bad-type", "hours must be a number such as 3 or 1.5.")
        return Bad("bad-type", f"hours is written as text \"{v}\"; write the number without quotes: hours = {v.strip()}.")
    else:
        return Bad("bad-type", f"hours must be a number such as 3 or 1.5, not {type_name(v)}.")
    if not d.is_finite():
        return Bad("bad-amount", "hours must be an ordinary number, not nan or inf.")
    if d < 0:
        return Bad("bad-amount", f"hours {v} is negative; write the hours as a positive number "
                                 "(to cancel an entry, void it with `cep void`).")
    if d > MAX_HOURS:
        return Bad("bad-amount", f"hours {v} is more than 1000 for one entry; check the number.")
    if d != d.quantize(CENT):  # RULES.md: at most two decimals, never rounded silently
        places = -d.normalize().as_tuple().exponent  # finite, so an int
        return Bad("bad-amount", f"hours = {v} has {places} decimal places; amounts take at most 2: "
                                 f"write hours = {plain(d.quantize(CENT, rounding=ROUND_HALF_UP))}.")
    return d


def _date(key: str, v: object) -> object:
    return check_date(key, v) or v


def _text(key: str, v: object) -> object:
    return v if type(v) is str else Bad("bad-type", f"{key} must be text in quotes, not {type_name(v)}.")


def _activity(_key: str, v: object) -> object:
    if type(v) is str and v.strip():
        return v
    return Bad("bad-type", "activity must be the activity's name as text, e.g. activity = \"cass-conference\".")


def _course(_key: str, v: object) -> object:
    if type(v) is int or (type(v) is str and v.strip()):
        return v
    return Bad("bad-type", "course must be a course number such as 4 or a name such as \"leading-learning\".")


def _cpsel(_key: str, v: object) -> object:
    if type(v) is list and all((type(t) is str and t.strip()) or type(t) is int for t in v):
        return tuple(str(t).strip().upper() for t in v)
    return Bad("bad-type", "cpsel must be a list of standards such as [\"2A\", 5].")


def _ratings(_key: str, v: object) -> object:
    if type(v) is not dict or not all(type(x) is str for x in v.values()):
        return Bad("bad-type", "ratings must be a table of standard = \"level\", "
                               "e.g. ratings = { 1 = \"meets\", 2 = \"exemplifies\" }.")
    for std in v:
        if std not in STANDARDS:
            # An element ("1A") is not rated on its own: a summative rating is per standard.
            return Bad("unknown-standard", f"ratings are keyed by standard (1 to 6), not {std!r}; "
                                           "rate the standard itself, e.g. ratings = { 1 = \"meets\" }.")
    return tuple(v.items())


def _sha256(key: str, v: object) -> object:
    if type(v) is str and _SHA256_RE.fullmatch(v):
        return v.lower()
    return Bad("bad-type", "evidence_sha256 must be the 64 hexadecimal digits of a SHA-256 checksum.")


def _verified(_key: str, v: object) -> object:
    return v if type(v) is bool else Bad("bad-type", "verified must be true or false (without quotes).")


# key -> check returning the clean value, or ``Bad`` when it is wrong
_ENTRY_CHECKS: dict[str, Callable[[str, object], object]] = {
    "id": _text, "date": _date, "activity": _activity, "hours": _hours, "course": _course,
    "title": _text, "item": _text, "with": _text, "cpsel": _cpsel, "ratings": _ratings, "evidence": _text,
    "evidence_sha256": _sha256, "notes": _text, "verified": _verified, "replaces": _text, "void": _text,
}
assert tuple(_ENTRY_CHECKS) == ENTRY_KEYS


# ----------------------------------------------------------------- one table


def check_entry_fields(raw: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Check one entry table; return ``(clean values, [(key, code, message), ...])``.

    Shared by the reader (TOML tables) and the writer (entry dicts from the CLI), so an
    entry the writer accepts is exactly one the reader accepts. The clean values are
    keyed by ``Entry`` field (``with`` -> ``with_``). Unknown keys are
    returned under ``"extra"`` as a tuple of names (``check`` warns about them).
    """
    out: dict[str, Any] = {}
    errs: list[FieldError] = []
    extra: list[str] = []
    checks = _ENTRY_CHECKS
    for key, v in raw.items():
        check = checks.get(key)
        if check is None:
            extra.append(key)
            continue
        value = check(key, v)
        if type(value) is Bad:
            errs.append((key, value.code, value.message))
        else:
            out[ENTRY_FIELD_NAMES.get(key, key)] = value
    if "date" not in raw:
        errs.append(("", "missing-key", "the entry has no date; add a line like date = 2025-10-03."))
    if "activity" not in raw:
        errs.append(("", "missing-key", "the entry has no activity; add a line like activity = \"cass-conference\"."))
    if extra:
        out["extra"] = tuple(extra)
    return out, errs


def check_enrolment_fields(program: str, raw: object) -> tuple[dict[str, Any], list[FieldError]]:
    """Check one ``[programs.<id>]`` table; return ``(clean values, [(key, code, message)])``."""
    if type(raw) is not dict:
        return {}, [("", "bad-type", f"programs.{program} must be a table with a since date, e.g. "
                                     f"[programs.{program}] then since = 2024-09-01.")]
    out: dict[str, Any] = {}
    errs: list[FieldError] = []
    extra = []
    for key, v in raw.items():
        if key in ("since", "employed_since"):
            bad = check_date(key, v)
            if bad:
                errs.append((key, bad.code, bad.message))
            else:
                out[key] = v
        else:
            extra.append(key)
    if "since" not in raw:
        errs.append(("", "missing-key", f"programs.{program} has no since date; add since = YYYY-MM-DD "
                                        "(the day the member entered the program)."))
    if extra:
        out["extra"] = tuple(extra)
    return out, errs


# ----------------------------------------------------------------- the document

Report = Callable[[int, str, str], None]  # (line, code, message)


def build_member(layout: Layout, path: str) -> tuple[Member | None, list[Problem]]:
    """Check a parsed ledger (``layout.doc``, read from ``layout.text``); return
    ``(member, [])`` or ``(None, problems)``, every problem an error at its line.

    ``path`` names the file in problems and sources; when it ends in ``.toml`` its stem
    must equal the member id.
    """
    problems: list[Problem] = []

    def err(line: int, code: str, message: str) -> None:
        problems.append(Problem(path, line, code, message))

    _check_root(layout, err)
    member_id, name, extra = _check_member(layout, path, err)
    enrolments = _check_programs(layout, path, err, extra)
    entries = _check_entries(layout, path, err)
    if problems:
        return None, problems
    return Member(id=member_id, name=name, path=path, enrolments=tuple(enrolments), entries=tuple(entries),
                  schema=SCHEMA_VERSION, extra=tuple(extra)), problems


def _check_root(layout: Layout, err: Report) -> None:
    doc = layout.doc
    if "schema" not in doc:
        err(1, "schema-version", "the file has no schema line; add schema = 1 at the top.")
    elif type(doc["schema"]) is not int or doc["schema"] != SCHEMA_VERSION:
        err(layout.key("schema"), "schema-version",
            f"schema = {doc['schema']!r} is not supported; this version of cepledger reads schema = 1.")
    for name in doc:
        if name in TOP_LEVEL:
            continue
        line, kind = layout.header(name), "table"
        if not line:
            line, kind = layout.key(name), "key"
        import difflib  # only for a ledger with an unknown name (every read imports this module)

        close = difflib.get_close_matches(name.lower(), TOP_LEVEL, n=1, cutoff=0.6)
        if close:
            hint = f"did you mean '{close[0]}'?"
        else:
            hint = ("a ledger holds only schema, [member], [programs.<id>] and [[entries]]; "
                    "remove it or move it into one of them.")
        err(line, f"unknown-{kind}", f"unknown {kind} '{name}'; {hint}")


def _check_member(layout: Layout, path: str, err: Report) -> tuple[str, str, list[str]]:
    """(member id, name, unknown keys as ``member.<key>``) of the ``[member]`` table."""
    base = os.path.basename(path)
    stem = base[:-5] if base.endswith(".toml") else None
    table = layout.doc.get("member")
    if table is None:
        err(1, "missing-key", "the file has no [member] table; add [member] with id = \"...\" and name = \"...\".")
        return stem or "", "", []
    if type(table) is not dict:
        err(layout.key("member"), "bad-type", "member must be a table: [member] with id and name lines.")
        return stem or "", "", []
    errs: list[FieldError] = []
    mid, name = table.get("id"), table.get("name")
    if mid is None:
        errs.append(("", "missing-key", f"[member] has no id; add id = \"{stem or 'member-id'}\"."))
    elif type(mid) is not str:
        errs.append(("id", "bad-type", "member id must be text in quotes."))
    elif stem is not None and mid != stem:
        errs.append(("id", "member-id-mismatch",
                     f"member id {mid!r} does not match the file name {base!r}; make them the same."))
    elif not is_valid_member_id(mid):
        errs.append(("id", "bad-id", f"member id {mid!r} is not a valid id (lower-case letters, digits, "
                                     "'-' and '_', at most 64)."))
    if name is None:
        errs.append(("", "missing-key", "[member] has no name; add name = \"Full Name\"."))
    elif type(name) is not str or not name.strip():
        errs.append(("name", "bad-type", "member name must be non-empty text in quotes."))
    if errs:  # the header's line is looked for only when a message needs it
        head = layout.header("member")
        for key, code, msg in errs:
            err(layout.key(key, head) if key else head, code, msg)
        return stem or "", "", []
    return mid, name, [f"member.{k}" for k in table if k not in ("id", "name")]


def _check_programs(layout: Layout, path: str, err: Report, extra: list[str]) -> list[Enrolment]:
    progs = layout.doc.get("programs")
    if progs is None:
        return []
    if type(progs) is not dict:
        err(layout.key("programs"), "bad-type", "programs must be tables such as [programs.cass-cep].")
        return []
    lines = layout.program_lines()
    out = []
    for pid, raw in progs.items():
        line = lines.get(pid, 0)
        vals, errs = check_enrolment_fields(pid, raw)
        for key, code, msg in errs:
            err(layout.key(key, line) if key and line else line, code, msg)
        if not errs:
            out.append(Enrolment(program=pid, since=vals["since"], source=Source(path, line),
                                 employed_since=vals.get("employed_since")))
            extra.extend(f"programs.{pid}.{k}" for k in vals.get("extra", ()))
    return out


def _check_entries(layout: Layout, path: str, err: Report) -> list[Entry]:
    raw_entries = layout.doc.get("entries")
    if raw_entries is None:
        return []
    if type(raw_entries) is not list:
        err(layout.key("entries"), "bad-type", "entries must be [[entries]] tables.")
        return []
    lines = layout.entry_lines()
    if lines is None:
        # An inline `entries = [...]` list: every entry gets the line of its key.
        lines = [layout.key("entries")] * len(raw_entries)
    out = []
    for index, (raw, line) in enumerate(zip(raw_entries, lines)):
        if type(raw) is not dict:
            err(line, "bad-type", "each entry must be a table ([[entries]] or { date = ..., ... }).")
            continue
        vals, errs = check_entry_fields(raw)
        if errs:
            for key, code, msg in errs:
                err(layout.key(key, line) if key and line else line, code, msg)
            continue
        out.append(Entry(index=index, source=Source(path, line), **vals))
    return out
