"""The text of a change: new TOML fragments rendered by tomlkit, spliced into old bytes.

Nothing here reads or writes a file (``write`` does, under the lock, and re-parses the
result before replacing the ledger). Only the new fragment is ever rendered: the old
bytes are kept as they are, so an append leaves them as an exact prefix, a CRLF file
stays CRLF, and ``void``/``enrol`` insert whole lines and move nothing else.

Strings are tomlkit's single-line basic strings; on top of tomlkit's escapes, every
character that could hide or reorder text in an editor (C1 controls, bidi overrides,
zero-width and other format characters, line/paragraph separators, private-use and
unassigned code points) is written as ``\\uXXXX``, so no value can break out of its
quotes or look like something else. Amounts are written exactly as the ``Decimal``
says (``1.5``, ``12``, never an exponent); dates as TOML dates.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Float, Item, Trivia, Whitespace

from cepledger.ledger.schema import ENTRY_KEYS, check_enrolment_fields, check_entry_fields
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member

__all__ = ["render_entry", "render_key", "render_program", "render_member_file", "normalise_entry", "check_program",
           "text_ok", "with_ids", "entry_to_void", "find_entries", "line_ref", "new_id", "insert_after_line", "eol_of", "as_eol", "padded", "append_block", "insert_line",
           "insert_table"]

_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_ENTRY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})
_PLAIN_RE = re.compile(r"[\n -~]*")  # printable ASCII (and the fragment's line breaks)


# ----------------------------------------------------------------- values -> tomlkit items


def _number(d: Decimal) -> Item:
    if not d.is_finite():
        raise UsageError("amounts must be ordinary numbers, not nan or inf.")
    text = format(d, "f")  # never an exponent: 1E+1 -> "10"
    if "." not in text:
        return tomlkit.integer(int(text))
    return Float(float(d), Trivia(), text)  # tomlkit writes the raw text, so 1.50 stays 1.50


def _inline_table(values: dict[Any, Any]) -> Item:
    table = tomlkit.inline_table()
    for i, (k, x) in enumerate(values.items()):
        item = _item(x)
        if i == 0:
            item.trivia.indent = " "  # `{ 1 = "meets", 2 = "exemplifies" }`, as SPEC.md writes it
        table.append(str(k), item)
    if values:
        table.append(None, Whitespace(" "))
    return table


def _item(v: Any) -> Item:
    """The tomlkit item for one entry value (what ``check_entry_fields`` accepts)."""
    if isinstance(v, bool):
        return tomlkit.boolean("true" if v else "false")
    if isinstance(v, int):
        return tomlkit.integer(v)
    if isinstance(v, Decimal):
        return _number(v)
    if isinstance(v, str):
        return tomlkit.string(v)
    if type(v) is date:
        return tomlkit.date(v.isoformat())
    if isinstance(v, (list, tuple)):
        array = tomlkit.array()
        array.extend(_item(x) for x in v)
        return array
    if isinstance(v, dict):
        return _inline_table(v)
    raise UsageError(f"cannot write a value of type {type(v).__name__} to a ledger.")


def _unhide(text: str) -> str:
    """Write each hidden character of a rendered fragment as its ``\\u`` escape.

    Safe anywhere in the fragment: outside its line breaks, such a character can only
    stand inside a basic string (keys here are bare), where the escape means the same.
    """
    if _PLAIN_RE.fullmatch(text):
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if ch != "\n" and (o < 0x20 or 0x7F <= o <= 0x9F or (o > 0x9F and unicodedata.category(ch) in _HIDDEN_CATEGORIES)):
            out.append(f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
        else:
            out.append(ch)
    return "".join(out)


def _dumps(doc: tomlkit.TOMLDocument) -> str:
    return _unhide(tomlkit.dumps(doc))


# ----------------------------------------------------------------- fragments


def render_entry(fields: dict[str, Any]) -> str:
    """The TOML text of one ``[[entries]]`` table, ending with a newline.

    Keys come in a fixed order (id, date, activity, hours, course, title, item, with,
    cpsel, ratings, evidence, evidence_sha256, notes, verified, replaces, void); ``None`` values are left
    out. Raises ``UsageError`` for an unknown key or a value TOML cannot hold.
    """
    unknown = [k for k in fields if k not in ENTRY_KEYS]
    if unknown:
        raise UsageError(f"unknown entry field {unknown[0]!r}; the fields are: {', '.join(ENTRY_KEYS)}.")
    table = tomlkit.table()
    for key in ENTRY_KEYS:
        v = fields.get(key)
        if v is not None:
            table.append(key, _item(v))
    doc = tomlkit.document()
    doc.append("entries", tomlkit.aot())
    doc["entries"].append(table)
    return _dumps(doc)


def render_key(key: str, value: str) -> str:
    """``key = "value"`` (one line, no line break)."""
    doc = tomlkit.document()
    doc.append(key, tomlkit.string(value))
    return _dumps(doc).rstrip("\n")


def _program_table(program: str, since: date, employed_since: date | None) -> tomlkit.items.Table:
    table = tomlkit.table()
    table.append("since", tomlkit.date(since.isoformat()))
    if employed_since is not None:
        table.append("employed_since", tomlkit.date(employed_since.isoformat()))
    programs = tomlkit.table(is_super_table=True)  # written as [programs.<id>] alone
    programs.append(program, table)
    return programs


def render_program(program: str, since: date, employed_since: date | None) -> str:
    """``[programs.<id>]`` with ``since`` (and ``employed_since``), ending with a newline."""
    doc = tomlkit.document()
    doc.append("programs", _program_table(program, since, employed_since))
    return _dumps(doc)


def render_member_file(member_id: str, name: str, program: str, since: date,
                       employed_since: date | None) -> str:
    """The whole text of a new ledger: schema, ``[member]`` and one ``[programs.<id>]``."""
    doc = tomlkit.document()
    doc.append("schema", 1)
    doc.append(None, tomlkit.nl())
    member = tomlkit.table()
    member.append("id", tomlkit.string(member_id))
    member.append("name", tomlkit.string(name))
    doc.append("member", member)
    doc.append("programs", _program_table(program, since, employed_since))
    return _dumps(doc)


# ----------------------------------------------------------------- input checks


def text_ok(v: str, what: str) -> None:
    """``UsageError`` when ``v`` holds lone surrogates (bytes that were not UTF-8)."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"the {what} contains bytes that are not valid UTF-8; retype it and try again.") from None


def normalise_entry(fields: dict[str, Any]) -> dict[str, Any]:
    """Copy an entry dict into exactly the values its TOML will read back as, after the
    schema's checks (``UsageError`` with their messages)."""
    out: dict[str, Any] = {}
    for key, v in fields.items():
        if v is None:
            continue
        if key not in ENTRY_KEYS:
            raise UsageError(f"unknown entry field {key!r}; the fields are: {', '.join(ENTRY_KEYS)}.")
        if isinstance(v, float):
            v = Decimal(repr(v))
        elif key == "cpsel" and isinstance(v, tuple):
            v = list(v)
        elif key == "ratings" and isinstance(v, (tuple, list)):
            v = dict(v)
        if key == "ratings" and isinstance(v, dict):
            v = {str(k): x for k, x in v.items()}
            for k, x in v.items():
                text_ok(k, key)
                if isinstance(x, str):
                    text_ok(x, key)
        if isinstance(v, str):
            text_ok(v, key)
        out[key] = v
    _, errs = check_entry_fields(out)
    if errs:
        raise UsageError(" ".join(msg for _, _, msg in errs))
    return out


def check_program(program: str, since: date, employed_since: date | None) -> dict[str, date]:
    """The ``[programs.<id>]`` values to write, after checking the id and the dates."""
    if not isinstance(program, str) or not _BARE_KEY_RE.fullmatch(program) or len(program) > 64:
        raise UsageError(f"the program id {program!r} is not valid; program ids are letters, digits, '-' and '_' "
                         "(see `cep programs`).")
    fields = {"since": since} if employed_since is None else {"since": since, "employed_since": employed_since}
    _, errs = check_enrolment_fields(program, fields)
    if errs:
        raise UsageError(" ".join(m for _, _, m in errs))
    return fields


# ----------------------------------------------------------------- the entries a change is about


def with_ids(prepared: list[dict[str, Any]], taken: set[str], path: Path) -> list[dict[str, Any]]:
    """The entries with an id each: a new random one where none was given."""
    out = []
    for fields in prepared:
        eid = fields.get("id")
        if eid is None:
            while (eid := secrets.token_hex(3)) in taken:
                pass
            fields = {"id": eid, **fields}
        elif not isinstance(eid, str) or not _ENTRY_ID_RE.fullmatch(eid):
            raise UsageError(f"the entry id {eid!r} is not valid; use up to 64 letters, digits, '-' or '_'.")
        elif eid in taken:
            raise UsageError(f"the entry id {eid!r} is already used in {path}; choose another or leave it out.")
        taken.add(eid)
        out.append(fields)
    return out


_LINE_REF_RE = re.compile(r"[Ll@]([1-9][0-9]{0,8})")


def line_ref(ref: str) -> int | None:
    """17 for ``L17`` (or ``@17``): the line of an entry's ``[[entries]]`` header; else None."""
    m = _LINE_REF_RE.fullmatch(ref)
    return int(m.group(1)) if m else None


def find_entries(member: Member, ref: str) -> list[Entry]:
    """The entries ``ref`` names: by id, or by the line of their header (``L17``) when no
    entry has that id."""
    found = [e for e in member.entries if e.id == ref]
    line = line_ref(ref)
    if not found and line is not None:
        found = [e for e in member.entries if e.source.line == line]
    return found


def new_id(taken: set[str]) -> str:
    """A random 6-hex-digit entry id not in ``taken`` (added to it)."""
    while (eid := secrets.token_hex(3)) in taken:
        pass
    taken.add(eid)
    return eid


def entry_to_void(member: Member, entry_id: str, path: Path) -> Entry:
    """The one entry ``entry_id`` (an id or ``L17``) names, when it may be voided
    (``UsageError`` otherwise)."""
    found = find_entries(member, entry_id)
    if not found and line_ref(entry_id) is not None:
        raise UsageError(f"no [[entries]] table starts on line {line_ref(entry_id)} of {path}; "
                         f"`cep log {path.name[:-5]}` lists the entries with their lines.")
    if not found:
        raise UsageError(f"there is no entry {entry_id!r} in {path}; "
                         f"`cep log {path.name[:-5]}` lists the entry ids.")
    if len(found) > 1:
        raise UsageError(f"the entry id {entry_id!r} is used {len(found)} times in {path}; "
                         "give one of them a different id by hand, then try again.")
    if found[0].void is not None:
        raise UsageError(f"entry {entry_id!r} is already void ({found[0].void}); nothing to do.")
    return found[0]


# ----------------------------------------------------------------- splicing bytes


def eol_of(data: bytes) -> bytes:
    """The line ending the file already uses (that of its last line), LF if none."""
    i = data.rfind(b"\n")
    return b"\r\n" if i > 0 and data[i - 1:i] == b"\r" else b"\n"


def as_eol(text: str, eol: bytes) -> bytes:
    """``text`` as UTF-8 with every line break written as ``eol``."""
    b = text.encode("utf-8")
    return b if eol == b"\n" else b.replace(b"\n", eol)


def padded(data: bytes, eol: bytes) -> bytes:
    """Old bytes + (a line ending if missing) + (a blank line if missing): still a prefix."""
    if not data:
        return data
    if not data.endswith(b"\n"):
        data += eol
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1:]  # the final line, with its ending
    if last.strip() != b"":
        data += eol
    return data


def append_block(old: bytes, entries: list[dict[str, Any]]) -> tuple[bytes, int]:
    """``(new bytes, offset of the new block)``: the entries' tables after the old bytes,
    one blank line before each, in the file's line ending."""
    eol = eol_of(old)
    head = padded(old, eol)
    block = "\n".join(render_entry(f) for f in entries)
    return head + as_eol(block, eol), len(head)


def insert_line(old: bytes, first: int, end: int, line_text: str) -> bytes | None:
    """Insert ``line_text`` after the last key line of the table on lines ``first`` (its
    header) .. ``end - 1`` (1-based), so comments after it stay after it; None when
    the table has no key line."""
    lines = old.split(b"\n")
    last = None
    for i in range(min(end, len(lines) + 1) - 2, first - 1, -1):
        s = lines[i].strip()
        if s and not s.startswith(b"#"):
            last = i
            break
    if last is None:
        return None
    offset = sum(len(line) + 1 for line in lines[:last]) + len(lines[last])
    eol = b"\n"
    if lines[last].endswith(b"\r"):
        offset -= 1
        eol = b"\r\n"
    elif last + 1 == len(lines):  # no final newline: follow the file's style
        eol = eol_of(old)
    return old[:offset] + eol + as_eol(line_text, eol) + old[offset:]


def insert_after_line(old: bytes, line: int, line_text: str) -> bytes:
    """Insert ``line_text`` as a new line right after line ``line`` (1-based), in that
    line's ending; every other byte stays."""
    lines = old.split(b"\n")
    if line >= len(lines):  # the last line, without a final newline
        eol = eol_of(old)
        return old + eol + as_eol(line_text, eol)
    offset = sum(len(x) + 1 for x in lines[:line])
    eol = b"\r\n" if lines[line - 1].endswith(b"\r") else b"\n"
    return old[:offset] + as_eol(line_text, eol) + eol + old[offset:]


def insert_table(old: bytes, before: int | None, table_text: str) -> bytes:
    """Insert a table before line ``before`` (1-based) and the comment lines right above
    it, or at the end when ``before`` is None; nothing else moves."""
    eol = eol_of(old)
    block = as_eol(table_text, eol)
    if before is None:
        return padded(old, eol) + block
    lines = old.split(b"\n")
    at = before - 1
    while at > 0 and lines[at - 1].lstrip().startswith(b"#"):
        at -= 1  # keep a comment with the table it describes
    offset = sum(len(line) + 1 for line in lines[:at])
    sep = b"" if at == 0 or lines[at - 1].strip() == b"" else eol
    return old[:offset] + sep + block + eol + old[offset:]
