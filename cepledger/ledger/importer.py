"""Bulk entries from a spreadsheet export (CSV with a header row), all or nothing.

``plan_import`` reads the CSV, maps its columns to entry fields (by name, or through
``COL=field`` mappings), checks every row the way ``cep add`` checks its options, and
sorts the rows into new entries, duplicates of what the ledger (or an earlier row)
already holds, and problems (``path:line: message``). The caller writes the new entries
in one atomic append only when there is no problem. Nothing here writes a file or reads
the clock.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from cepledger.model.errors import CepError, Problem, UsageError
from cepledger.model.records import Entry, Member
from dataclasses import dataclass, field

FIELDS = ("date", "activity", "amount", "title", "item", "course", "cpsel", "evidence", "notes")
ALIASES = {"hours": "amount", "credits": "amount", "day": "date", "name": "title", "description": "title",
           "note": "notes", "comment": "notes", "certificate": "evidence", "event": "item"}
MAX_ROWS = 100_000


@dataclass(slots=True)
class ImportPlan:
    new: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (CSV line, entry fields)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (CSV line, why)
    problems: list[Problem] = field(default_factory=list)


def parse_maps(maps: Sequence[str]) -> dict[str, str]:
    """``["Event Date=date", "Credits=amount"]`` → {csv column (lower-case): field}."""
    out = {}
    for m in maps:
        col, sep, fld = m.partition("=")
        fld = fld.strip().lower()
        fld = ALIASES.get(fld, fld)
        if not sep or not col.strip() or fld not in FIELDS:
            raise UsageError(f"bad --map '{m}': write COLUMN=FIELD, FIELD one of: {', '.join(FIELDS)}")
        out[col.strip().lower()] = fld
    return out


def _columns(header: list[str], maps: dict[str, str]) -> dict[int, str]:
    cols = {}
    for i, name in enumerate(header):
        key = name.strip().lower()
        fld = maps.get(key) or (key if key in FIELDS else ALIASES.get(key))
        if fld is not None and fld not in cols.values():
            cols[i] = fld
    return cols


def dedupe_key(d: date, activity: str, hours: Decimal | None, title: str | None, item: str | None,
               course: int | str | None = None) -> tuple:
    """Same date, activity, amount, title and item (and course): the same entry."""
    amount = None if hours is None else Decimal(hours).normalize()
    return (d, activity, amount, (title or "").strip(), (item or "").strip(), str(course or "").strip().lower())


def _entry_key(e: Entry) -> tuple:
    return dedupe_key(e.date, e.activity, e.hours, e.title, e.item, e.course)


def plan_import(member: Member, text: str, path: str, maps: dict[str, str],
                build: Callable[..., dict[str, Any]], tick: Callable[[], None] | None = None) -> ImportPlan:
    """Check every row of the CSV ``text``; ``build(activity, amount, **options)`` is ``intake.build_entry``."""
    plan = ImportPlan()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        plan.problems.append(Problem(path, 1, "import-empty", "the CSV file is empty; it needs a header row"))
        return plan
    cols = _columns(header, maps)
    for col in maps:
        if col not in [h.strip().lower() for h in header]:
            plan.problems.append(Problem(path, 1, "import-column",
                                         f"--map names a column '{col}' that the header does not have; "
                                         f"the columns are: {', '.join(h.strip() for h in header)}"))
    for needed in ("date", "activity"):
        if needed not in cols.values():
            plan.problems.append(Problem(path, 1, "import-column",
                                         f"no '{needed}' column; name one '{needed}' or map it with "
                                         f"--map COLUMN={needed}"))
    if plan.problems:
        return plan
    seen = {_entry_key(e) for e in member.entries if not e.is_void}
    for n, row in enumerate(reader, 2):
        line = reader.line_num
        if tick is not None:
            tick()
        if n > MAX_ROWS:
            plan.problems.append(Problem(path, line, "import-size", f"more than {MAX_ROWS} rows; split the file"))
            break
        if not any(cell.strip() for cell in row):
            continue
        values = {fld: row[i].strip() for i, fld in cols.items() if i < len(row) and row[i].strip()}
        try:
            if "date" not in values or "activity" not in values:
                raise UsageError("the row needs a date and an activity")
            fields = build(values["activity"], values.get("amount"), when=values["date"],
                           title=values.get("title"), item=values.get("item"), course=values.get("course"),
                           cpsel=[values["cpsel"]] if "cpsel" in values else (),
                           evidence=values.get("evidence"), notes=values.get("notes"))
        except CepError as exc:
            plan.problems.append(Problem(path, line, "import-row", str(exc)))
            continue
        key = dedupe_key(fields["date"], fields["activity"],
                         Decimal(str(fields["hours"])) if "hours" in fields else None,
                         fields.get("title"), fields.get("item"), fields.get("course"))
        if key in seen:
            plan.skipped.append((line, f"{fields['date']} {fields['activity']} is already in the ledger"))
            continue
        seen.add(key)
        plan.new.append((line, fields))
    return plan


def read_csv_text(path: Path) -> str:
    """The CSV as text (UTF-8, a BOM from a spreadsheet allowed); UsageError if unreadable."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no file {path}; give the path of the CSV export") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; export the sheet as CSV UTF-8") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
