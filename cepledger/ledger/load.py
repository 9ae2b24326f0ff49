"""Reading member ledgers: safe file access, fast TOML parsing, schema checks.

The read path is the hot path (every report reads every ledger), so it uses the
compiled ``tomli`` wheel when available (stdlib ``tomllib`` otherwise) and never
imports tomlkit. Amounts are parsed straight to ``Decimal``; line numbers come from
one regex pass over the text instead of a round-trip parser.

Every problem found in a file is collected (with a stable code) before one
``DataError`` is raised, so ``cep check`` can show them all at once.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from typing import Any

from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.ids import is_valid_member_id, validate_member_id
from cepledger.model.records import Entry, Enrolment, Member, Source
from cepledger.ledger.files import MAX_LEDGER_BYTES, ledger_path, member_files, read_ledger_bytes  # noqa: F401 (re-exported)

try:  # the compiled wheel is ~3x faster than the pure-Python stdlib parser
    import tomli as _toml
except ImportError:  # pragma: no cover - depends on the environment
    import tomllib as _toml  # type: ignore[no-redef]


from cepledger.ledger import fastread


def _toml_loads(text: str) -> dict[str, Any]:
    return _toml.loads(text, parse_float=Decimal)


def _fast_loads(text: str) -> dict[str, Any] | None:
    """``fastread.loads`` (the usual layout, exactly as the TOML parser reads it), or None.

    Remembers the header line of every entry for ``_entry_lines``.
    """
    global _LINES_MEMO
    found = fastread.loads(text, _toml_loads)
    if found is None:
        return None
    doc, lines = found
    _LINES_MEMO = (text, len(lines), lines)
    return doc

__all__ = [
    "MAX_LEDGER_BYTES",
    "MAX_HOURS",
    "ENTRY_KEYS",
    "ledger_path",
    "member_files",
    "load_member",
    "parse_member",
    "inspect_member",
    "inspect_file",
    "read_ledger_bytes",
    "parse_toml",
    "check_entry_fields",
    "check_enrolment_fields",
]

MAX_HOURS = Decimal(1000)
SCHEMA_VERSION = 1

# Order in which the writer renders an entry's keys (and the set of known keys).
ENTRY_KEYS = (
    "id", "date", "activity", "hours", "course", "title", "item", "cpsel", "ratings",
    "evidence", "evidence_sha256", "notes", "verified", "void",
)
_KNOWN_ENTRY_KEYS = frozenset(ENTRY_KEYS)
_STRING_KEYS = ("id", "title", "item", "evidence", "notes", "void")

_UTF8_BOM = b"\xef\xbb\xbf"

# `[[entries]]` array-of-tables header on a line of its own (optionally quoted key,
# spaces, trailing comment). Headers inside multi-line strings also match; the
# caller detects that by a count mismatch and falls back.
_ENTRIES_HEADER_RE = re.compile(
    r"""^[ \t]*\[\[[ \t]*(?:entries|"entries"|'entries')[ \t]*\]\][ \t]*(?:\#[^\n]*)?\r?$""",
    re.M,
)
_PROGRAM_HEADER_RE = re.compile(
    r"""^[ \t]*\[[ \t]*(?:programs|"programs"|'programs')[ \t]*\.[ \t]*"""
    r"""(?:"([^"\\\n]*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))[ \t]*\][ \t]*(?:\#[^\n]*)?\r?$""",
    re.M,
)
_ANY_HEADER_RE = re.compile(r"^[ \t]*\[")
_POSITION_RE = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")
_DATE_TEXT_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
_BIG_NUMBER_RE = re.compile(r"[0-9_]{1000,}")
_BRACKET_RE = re.compile(r"[\[\]{}]")


def _missing_member(path: Path) -> UsageError:
    folder = path.parent
    stem = path.name[:-5] if path.name.endswith(".toml") else path.name
    try:
        known = [p.name[:-5] for p in member_files(folder)]
    except UsageError:
        return UsageError(
            f"no member {stem!r}: the ledgers folder {folder} does not exist; create it with `cep init {folder}`."
        )
    if known:
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        listing = f"known members: {shown}"
    else:
        listing = "it has no members yet"
    return UsageError(
        f"no member {stem!r} in {folder}; {listing}; add one with "
        f"`cep member add {stem} --name NAME --program PROGRAM --since DATE`."
    )


def load_member(path: Path) -> Member:
    """Read and parse one ledger file.

    Raises ``UsageError`` when the file does not exist (naming the known members
    and how to add one) and ``DataError`` carrying every ``path:line`` problem when
    it is unsafe to read, not UTF-8, not TOML, or breaks the schema.
    """
    path = Path(path)
    try:
        data, _ = read_ledger_bytes(path)
    except FileNotFoundError:
        raise _missing_member(path) from None
    return parsed_member(data, str(path)).member


# ----------------------------------------------------------------- parsed ledgers: memo
#
# A parse is reused only for exactly the same bytes, the last one in this process
# (``add`` reads its ledger to build the entry, under the lock, and for the effect).


class Parsed:
    """A parsed ledger: its bytes, the ``Member``, and whether ``[[entries]]`` tables can
    be appended to its text with the meaning "these entries, after the others"."""

    __slots__ = ("data", "path", "member", "appendable")

    def __init__(self, data: bytes, path: str, member: Member, appendable: bool):
        self.data, self.path, self.member, self.appendable = data, path, member, appendable


_LAST: Parsed | None = None


def appendable(text: str, doc: dict[str, Any], n: int) -> bool:
    """True when the entries are exactly the document's ``[[entries]]`` tables.

    Then appending ``[[entries]]`` tables after the last line adds those entries at the
    end and changes nothing else (TOML forbids redefining anything, so the only other
    outcome would be a parse error). Without multi-line strings every line starting
    with ``[[`` is a real header, so ``n`` header lines for ``n`` entries means the
    array is made of them (an inline ``entries = [...]`` cannot coexist with headers).
    """
    if "entries" not in doc:
        return True
    if n == 0 or '"""' in text or "'''" in text or type(doc["entries"]) is not list:
        return False
    return _entry_lines(text, n) is not None


def remember(parsed: Parsed) -> None:
    global _LAST
    _LAST = parsed


def parsed_member(data: bytes, path: str) -> Parsed:
    """Parse ledger bytes (or reuse a parse of exactly these bytes); DataError as ``parse_member``."""
    global _LAST
    last = _LAST
    if last is not None and last.path == path and last.data == data:
        return last
    text, doc = parse_toml(data, path)
    member, problems = _build_member(text, doc, path)
    if member is None:
        raise DataError([p for p in problems if p.severity == "error"])
    parsed = Parsed(data, path, member, appendable(text, doc, len(member.entries)))
    _LAST = parsed
    return parsed


def inspect_file(path: Path) -> tuple[Member | None, list[Problem]]:
    """Like ``load_member`` but returns ``(member or None, problems)`` instead of raising.

    Problems include warnings (``duplicate-id``); for ``cep check``. A missing file
    still raises ``UsageError``.
    """
    path = Path(path)
    try:
        data, _ = read_ledger_bytes(path)
    except FileNotFoundError:
        raise _missing_member(path) from None
    except DataError as e:
        return None, e.problems
    return inspect_member(data, str(path))


# ----------------------------------------------------------------- parsing


def parse_toml(data: bytes, path: str) -> tuple[str, dict[str, Any]]:
    """Decode and parse ledger bytes; return ``(text, document)``.

    Accepts a UTF-8 BOM; floats become ``Decimal``. Raises ``DataError`` (codes
    ``not-utf8``, ``toml-syntax``, ``too-deep``, ``bad-number``) with a line number.
    """
    if data.startswith(_UTF8_BOM):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DataError(Problem(path, line, "not-utf8",
                                f"the file is not valid UTF-8 (line {line}); save it as UTF-8.")) from None
    doc = _fast_loads(text)
    if doc is not None:
        return text, doc
    try:
        doc = _toml_loads(text)
    except _toml.TOMLDecodeError as e:
        raw = e.args[0] if e.args and isinstance(e.args[0], str) else str(e)
        msg = getattr(e, "msg", None) or _POSITION_RE.sub("", raw)
        line = getattr(e, "lineno", None)
        if not line:
            m = _POSITION_RE.search(raw)
            line = int(m.group(1)) if m and m.group(1) else text.count("\n") + 1
        hint = ""
        if "Cannot overwrite" in msg or "twice" in msg:
            hint = " (a key or table is defined twice; keep one of them)"
        raise DataError(Problem(path, line, "toml-syntax", f"invalid TOML: {msg}{hint}.")) from None
    except RecursionError:
        line = _deep_line(text)
        raise DataError(Problem(path, line, "too-deep",
                                "values are nested too deeply (hundreds of [ or {); "
                                "a ledger never needs that, so remove them.")) from None
    except ValueError:
        # CPython refuses int() on more than 4300 digits (CVE-2020-10735) and
        # the parser lets that ValueError escape.
        m = _BIG_NUMBER_RE.search(text)
        line = text.count("\n", 0, m.start()) + 1 if m else 0
        raise DataError(Problem(path, line, "bad-number",
                                "a number here has thousands of digits; write an ordinary amount.")) from None
    return text, doc


def _deep_line(text: str) -> int:
    """Line where bracket nesting first passes 100 (error path only; strings ignored)."""
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > 100:
            return text.count("\n", 0, m.start()) + 1
    return 0


class _Lines:
    """Line lookups for error messages, computed only when a problem is found."""

    __slots__ = ("text", "_lines")

    def __init__(self, text: str):
        self.text = text
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def key(self, key: str, start: int = 0) -> int:
        """Line of ``key =`` in the table whose header is on line ``start`` (0: root).

        Falls back to ``start`` itself when the key is not found (e.g. inline tables).
        """
        lines = self.lines
        pat = re.compile(r"[ \t]*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\")[ \t]*[=.]")
        # ``start`` is 1-based, so index ``start`` is the first line after the header.
        for i in range(start, len(lines)):
            if _ANY_HEADER_RE.match(lines[i]):
                break
            if pat.match(lines[i]):
                return i + 1
        return start

    def header(self, regex: str) -> int:
        m = re.search(regex, self.text, re.M)
        return self.text.count("\n", 0, m.start()) + 1 if m else 0


def _type_name(v: object) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, Decimal)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, datetime):
        return "a date and time"
    if isinstance(v, date):
        return "a date"
    if isinstance(v, time):
        return "a time"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


def _check_date(key: str, v: object) -> tuple[str, str] | None:
    """Return (code, message) when ``v`` is not a plain TOML date."""
    if type(v) is date:
        return None
    if isinstance(v, datetime):
        return "bad-date", f"{key} must be a date like 2025-10-03, not a date and time; drop the time part."
    if isinstance(v, str) and _DATE_TEXT_RE.fullmatch(v.strip()):
        return "bad-date", f"{key} is written as text \"{v}\"; write the date without quotes: {key} = {v.strip()}."
    return "bad-date", f"{key} must be a date like 2025-10-03, not {_type_name(v)}."


def _check_hours(v: object) -> tuple[Decimal | None, tuple[str, str] | None]:
    t = type(v)
    if t is Decimal:
        d = v
    elif t is int:
        d = Decimal(v)  # type: ignore[arg-type]
    elif isinstance(v, bool):
        return None, ("bad-type", "hours must be a number such as 3 or 1.5, not true/false.")
    elif isinstance(v, str):
        try:
            Decimal(v.strip())
            return None, ("bad-type", f"hours is written as text \"{v}\"; write the number without quotes: hours = {v.strip()}.")
        except InvalidOperation:
            return None, ("bad-type", "hours must be a number such as 3 or 1.5.")
    else:
        return None, ("bad-type", f"hours must be a number such as 3 or 1.5, not {_type_name(v)}.")
    if not d.is_finite():
        return None, ("bad-amount", "hours must be an ordinary number, not nan or inf.")
    if d < 0:
        return None, ("bad-amount", f"hours {v} is negative; write the hours as a positive number "
                                    "(to cancel an entry, void it with `cep void`).")
    if d > MAX_HOURS:
        return None, ("bad-amount", f"hours {v} is more than 1000 for one entry; check the number.")
    return d, None


def check_entry_fields(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Check one entry table; return ``(clean values, [(key, code, message), ...])``.

    Shared by the reader (TOML tables) and the writer (entry dicts from the CLI),
    so an entry the writer accepts is exactly one the reader accepts. Unknown keys
    are returned under ``"extra"`` as a tuple of names.
    """
    out: dict[str, Any] = {}
    errs: list[tuple[str, str, str]] = []
    extra: list[str] = []
    for key, v in raw.items():
        if key == "date":
            bad = _check_date("date", v)
            if bad:
                errs.append(("date", *bad))
            else:
                out["date"] = v
        elif key == "activity":
            if type(v) is str and v.strip():
                out["activity"] = v
            else:
                errs.append(("activity", "bad-type", "activity must be the activity's name as text, "
                                                     "e.g. activity = \"cass-conference\"."))
        elif key == "hours":
            d, bad = _check_hours(v)
            if bad:
                errs.append(("hours", *bad))
            else:
                out["hours"] = d
        elif key in _STRING_KEYS:
            if type(v) is str:
                out[key] = v
            else:
                errs.append((key, "bad-type", f"{key} must be text in quotes, not {_type_name(v)}."))
        elif key == "course":
            if (type(v) is int) or (type(v) is str and v.strip()):
                out["course"] = v
            else:
                errs.append(("course", "bad-type", "course must be a course number such as 4 or a name "
                                                   "such as \"leading-learning\"."))
        elif key == "cpsel":
            if type(v) is list and all((type(t) is str and t.strip()) or type(t) is int for t in v):
                out["cpsel"] = tuple(str(t).strip().upper() for t in v)
            else:
                errs.append(("cpsel", "bad-type", "cpsel must be a list of standards such as [\"2A\", 5]."))
        elif key == "ratings":
            if type(v) is dict and all(type(x) is str for x in v.values()):
                out["ratings"] = tuple(v.items())
            else:
                errs.append(("ratings", "bad-type", "ratings must be a table of standard = \"level\", "
                                                    "e.g. ratings = { 1 = \"meets\", 2 = \"exemplifies\" }."))
        elif key == "evidence_sha256":
            if type(v) is str and _SHA256_RE.fullmatch(v):
                out[key] = v.lower()
            else:
                errs.append((key, "bad-type", "evidence_sha256 must be the 64 hexadecimal digits of a SHA-256 checksum."))
        elif key == "verified":
            if type(v) is bool:
                out["verified"] = v
            else:
                errs.append(("verified", "bad-type", "verified must be true or false (without quotes)."))
        else:
            extra.append(key)
    if "date" not in raw:
        errs.append(("", "missing-key", "the entry has no date; add a line like date = 2025-10-03."))
    if "activity" not in raw:
        errs.append(("", "missing-key", "the entry has no activity; add a line like activity = \"cass-conference\"."))
    if extra:
        out["extra"] = tuple(extra)
    return out, errs


_QUICK_TEXT = {"id": 4, "title": 6, "item": 7, "evidence": 11, "notes": 13, "void": 15}  # Entry field positions
_ZERO = Decimal(0)


def _quick_entry(raw: dict[str, Any], index: int, path: str, line: int) -> Entry | None:
    """The ``Entry`` for a plain, valid entry table, or None to run ``check_entry_fields``.

    The read path's shortcut for the common case (known keys with the right types);
    for every key it handles it accepts exactly what ``check_entry_fields`` accepts and
    builds the same values, and it gives up on anything else (cpsel, ratings,
    evidence_sha256, unknown keys, any doubtful value), which then gets the full
    checks and their messages.
    """
    v = [index, None, None, None, None, None, None, None, None, (), (), None, None, None, None, None, ()]
    text = _QUICK_TEXT
    for key, x in raw.items():
        pos = text.get(key)
        if pos is not None:
            if type(x) is not str:
                return None
            v[pos] = x
        elif key == "date":
            if type(x) is not date:
                return None
            v[1] = x
        elif key == "activity":
            if type(x) is not str or not x.strip():
                return None
            v[2] = x
        elif key == "hours":
            t = type(x)
            if t is int:
                x = Decimal(x)
            elif t is not Decimal or not x.is_finite():
                return None
            if x < _ZERO or x > MAX_HOURS:
                return None
            v[5] = x
        elif key == "course":
            if not (type(x) is int or (type(x) is str and x.strip())):
                return None
            v[8] = x
        elif key == "verified":
            if type(x) is not bool:
                return None
            v[14] = x
        elif key == "cpsel":
            if type(x) is not list:
                return None
            tags = []
            for t in x:
                if type(t) is str:
                    t = t.strip()
                    if not t:
                        return None
                    tags.append(t.upper())
                elif type(t) is int:
                    tags.append(str(t))
                else:
                    return None
            v[9] = tuple(tags)
        elif key == "ratings":
            if type(x) is not dict:
                return None
            for level in x.values():
                if type(level) is not str:
                    return None
            v[10] = tuple(x.items())
        else:
            return None
    if v[1] is None or v[2] is None:
        return None
    v[3] = Source(path, line)
    return Entry(*v)


def check_enrolment_fields(program: str, raw: object) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Check one ``[programs.<id>]`` table; return ``(clean values, [(key, code, message)])``."""
    if type(raw) is not dict:
        return {}, [("", "bad-type", f"programs.{program} must be a table with a since date, e.g. "
                                     f"[programs.{program}] then since = 2024-09-01.")]
    out: dict[str, Any] = {}
    errs: list[tuple[str, str, str]] = []
    extra = []
    for key, v in raw.items():
        if key in ("since", "employed_since"):
            bad = _check_date(key, v)
            if bad:
                errs.append((key, *bad))
            else:
                out[key] = v
        else:
            extra.append(key)
    if "since" not in raw:
        errs.append(("", "missing-key", f"programs.{program} has no since date; add since = YYYY-MM-DD "
                                        "(the day the member entered the program)."))
    if "since" in out and "employed_since" in out and out["employed_since"] > out["since"]:
        errs.append(("employed_since", "bad-enrolment",
                     f"employed_since {out['employed_since']} is after since {out['since']} in programs.{program}; "
                     "employed_since is the first day in the role, which comes on or before enrolment."))
    if extra:
        out["extra"] = tuple(extra)
    return out, errs


_LINES_MEMO: tuple[str, int, list[int] | None] | None = None


def _entry_lines(text: str, n: int) -> list[int] | None:
    """``_scan_entry_lines``, remembered for the last text (the reader asks twice)."""
    global _LINES_MEMO
    memo = _LINES_MEMO
    if memo is not None and memo[0] is text and memo[1] == n:
        return None if memo[2] is None else list(memo[2])
    lines = _scan_entry_lines(text, n)
    _LINES_MEMO = (text, n, None if lines is None else list(lines))
    return lines


def _scan_entry_lines(text: str, n: int) -> list[int] | None:
    """1-based header line of each ``[[entries]]`` table, or None when unknown.

    The fast path is one regex pass; when its count disagrees with the parsed
    entries (a header look-alike inside a multi-line string), a small lexer that
    skips strings and comments tries again. None means "inline array or stranger".
    """
    lines: list[int] = []
    pos = 0
    line = 1
    count = text.count
    if count("[[") == n:
        # Fast scan of the usual layout: every "[[" in the text is a plain
        # `[[entries]]` line. Each regex match contains "[[", so the regex
        # would find exactly these lines; anything else takes the regex.
        find = text.find
        size = len(text)
        i = find("[[entries]]")
        while i >= 0:
            end = i + 11
            if (i and text[i - 1] != "\n") or not (end == size or text[end] == "\n" or text.startswith("\r\n", end)):
                break
            line += count("\n", pos, i)
            pos = i
            lines.append(line)
            i = find("[[entries]]", end)
        if len(lines) == n:
            return lines
        lines, pos, line = [], 0, 1
    for m in _ENTRIES_HEADER_RE.finditer(text):
        start = m.start()
        line += count("\n", pos, start)
        pos = start
        lines.append(line)
    if len(lines) == n:
        return lines
    if len(lines) < n:  # inline tables: no header to point at
        return None
    lines = _entry_lines_lexed(text)
    return lines if len(lines) == n else None


def _entry_lines_lexed(text: str) -> list[int]:
    """``[[entries]]`` header lines found outside strings and values (slow path)."""
    lines = text.split("\n")
    return [n for n in table_header_lines(text) if _ENTRIES_HEADER_RE.match(lines[n - 1])]


_TOKEN_RE = re.compile(r"""\"\"\"|'''|["'#\[\]{}]""")


def table_header_lines(text: str) -> list[int]:
    """1-based lines of every table header, skipping strings, comments and values.

    A small lexer: a line is a header when it starts with ``[`` while no array or
    inline table is open and no multi-line string is open. Used only when the fast
    regex is ambiguous, and by ``void`` to find where an entry ends.
    """
    out: list[int] = []
    depth = 0  # open [ and { of values
    delim: str | None = None  # the multi-line string we are inside, if any
    for number, line in enumerate(text.split("\n"), 1):
        i = 0
        size = len(line)
        if delim is None and depth == 0 and line.lstrip(" \t").startswith("["):
            out.append(number)
            continue  # the rest of a header line can only be a comment
        while i < size:
            if delim is not None:
                j = line.find(delim, i)
                if j < 0:
                    break
                if delim == '"""' and _escaped(line, j):
                    i = j + 1
                    continue
                i = j + 3
                while i < size and line[i] == delim[0]:  # up to two quotes may close the string
                    i += 1
                delim = None
                continue
            m = _TOKEN_RE.search(line, i)
            if m is None:
                break
            tok = m.group()
            i = m.end()
            if tok == "#":
                break
            if tok == '"""' or tok == "'''":
                delim = tok
            elif tok == '"':
                while i < size and (line[i] != '"' or _escaped(line, i)):
                    i += 1
                i += 1
            elif tok == "'":
                j = line.find("'", i)
                i = size if j < 0 else j + 1
            elif tok in "[{":
                depth += 1
            else:
                depth = max(0, depth - 1)
    return out


def _escaped(line: str, j: int) -> bool:
    k = j - 1
    while k >= 0 and line[k] == "\\":
        k -= 1
    return (j - 1 - k) % 2 == 1


def _program_lines(text: str) -> dict[str, int]:
    # Every header the regex matches contains "programs": look only at those lines
    # (the regex over a whole 100k-entry file costs more than the rest of the header work).
    out: dict[str, int] = {}
    find = text.find
    i = find("programs")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = find("\n", i)
        if end < 0:
            end = len(text)
        m = _PROGRAM_HEADER_RE.match(text, start, end + 1 if end < len(text) else end)
        if m is not None and m.start() == start:
            name = m.group(1) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
            out.setdefault(name, text.count("\n", 0, start) + 1)
        i = find("programs", end)
    return out


def inspect_member(data: bytes, path: str) -> tuple[Member | None, list[Problem]]:
    """Parse ledger bytes; return ``(member or None, problems)`` without raising for data.

    ``member`` is None when any problem has severity ``error``; warnings (such as
    ``duplicate-id``) come with a usable member.
    """
    try:
        text, doc = parse_toml(data, path)
    except DataError as e:
        return None, e.problems
    return _build_member(text, doc, path)


def parse_member(data: bytes, path: str) -> Member:
    """Parse ledger bytes into a ``Member``; raise ``DataError`` listing every error."""
    text, doc = parse_toml(data, path)
    member, problems = _build_member(text, doc, path)
    if member is None:
        raise DataError([p for p in problems if p.severity == "error"])
    return member


def _build_member(text: str, doc: dict[str, Any], path: str) -> tuple[Member | None, list[Problem]]:
    loc = _Lines(text)
    problems: list[Problem] = []

    def err(line: int, code: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, line, code, message, severity))

    extra: list[str] = []
    schema = doc.get("schema")
    if "schema" not in doc:
        err(1, "schema-version", "the file has no schema line; add schema = 1 at the top.")
    elif type(schema) is not int or schema != SCHEMA_VERSION:
        err(loc.key("schema"), "schema-version",
            f"schema = {schema!r} is not supported; this version of cepledger reads schema = 1.")

    # --- [member]
    name_base = os.path.basename(path)
    stem = name_base[:-5] if name_base.endswith(".toml") else None
    member_id = stem or ""
    name = ""
    mt = doc.get("member")
    mline = loc.header(r"^[ \t]*\[[ \t]*member[ \t]*\]") if "member" in doc else 0
    if mt is None:
        err(1, "missing-key", "the file has no [member] table; add [member] with id = \"...\" and name = \"...\".")
    elif type(mt) is not dict:
        err(loc.key("member"), "bad-type", "member must be a table: [member] with id and name lines.")
    else:
        mid = mt.get("id")
        if mid is None:
            err(mline, "missing-key", f"[member] has no id; add id = \"{stem or 'member-id'}\".")
        elif type(mid) is not str:
            err(loc.key("id", mline), "bad-type", "member id must be text in quotes.")
        elif stem is not None and mid != stem:
            err(loc.key("id", mline), "member-id-mismatch",
                f"member id {mid!r} does not match the file name {name_base!r}; make them the same.")
        elif not is_valid_member_id(mid):
            err(loc.key("id", mline), "bad-id", f"member id {mid!r} is not a valid id (lower-case letters, "
                                                "digits, '-' and '_', at most 64).")
        else:
            member_id = mid
        nm = mt.get("name")
        if nm is None:
            err(mline, "missing-key", "[member] has no name; add name = \"Full Name\".")
        elif type(nm) is not str or not nm.strip():
            err(loc.key("name", mline), "bad-type", "member name must be non-empty text in quotes.")
        else:
            name = nm
        extra.extend(f"member.{k}" for k in mt if k not in ("id", "name"))

    # --- [programs.*]
    enrolments: list[Enrolment] = []
    progs = doc.get("programs")
    if progs is not None:
        if type(progs) is not dict:
            err(loc.key("programs"), "bad-type", "programs must be tables such as [programs.cass-cep].")
        else:
            plines = _program_lines(text)
            for pid, raw in progs.items():
                pline = plines.get(pid, 0)
                vals, errs = check_enrolment_fields(pid, raw)
                for key, code, msg in errs:
                    err(loc.key(key, pline) if key and pline else pline, code, msg)
                if errs:
                    continue
                enrolments.append(Enrolment(program=pid, since=vals["since"],
                                            source=Source(path, pline),
                                            employed_since=vals.get("employed_since")))
                extra.extend(f"programs.{pid}.{k}" for k in vals.get("extra", ()))

    # --- [[entries]]
    entries: list[Entry] = []
    raw_entries = doc.get("entries")
    if raw_entries is not None:
        if type(raw_entries) is not list:
            err(loc.key("entries"), "bad-type", "entries must be [[entries]] tables.")
            raw_entries = []
        n = len(raw_entries)
        elines = _entry_lines(text, n)
        if elines is None:
            # Inline `entries = [...]` or a header look-alike inside a multi-line
            # string: every entry gets the line of the `entries` key (best effort).
            fallback = loc.key("entries") if n else 0
            elines = [fallback] * n
        seen: dict[str, int] = {}
        for index, (raw, line) in enumerate(zip(raw_entries, elines)):
            if type(raw) is not dict:
                err(line, "bad-type", "each entry must be a table ([[entries]] or { date = ..., ... }).")
                continue
            entry = _quick_entry(raw, index, path, line)
            if entry is None:  # anything unusual: the full checks, with their messages
                vals, errs = check_entry_fields(raw)
                if errs:
                    for key, code, msg in errs:
                        err(loc.key(key, line) if key and line else line, code, msg)
                    continue
                entry = Entry(index=index, source=Source(path, line), **vals)
            eid = entry.id
            if eid is not None:
                first = seen.get(eid)
                if first is not None:
                    err(line, "duplicate-id",
                        f"entry id {eid!r} is used again (first at line {first}); "
                        "give one of them a different id.", "warning")
                else:
                    seen[eid] = line
            entries.append(entry)

    extra.extend(k for k in doc if k not in ("schema", "member", "programs", "entries"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    member = Member(id=member_id, name=name, path=path, enrolments=tuple(enrolments),
                    entries=tuple(entries), schema=SCHEMA_VERSION, extra=tuple(extra))
    return member, problems
