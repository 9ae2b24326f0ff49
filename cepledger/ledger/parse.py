"""TOML text -> document, and where its tables and keys are written.

``loads_toml`` is the one TOML parser call of the project (ledgers here, rule files in
``cepledger.rules``): TOML 1.0 exactly, floats as ``Decimal``, every failure a located
``DataError``. ``Layout`` finds the line numbers the parser does not give: the header of
each ``[[entries]]`` table, of each ``[programs.<id>]`` table, of a key inside a table.

TOML 1.0, whichever parser is installed: tomli reads TOML 1.1 from 2.4.0 on (``"\\x41"``
escapes, inline tables over several lines, times without seconds), so the dependency is
``tomli<2.4`` (the compiled 2.2/2.3 wheels); if a newer tomli is installed anyway, the
stdlib's ``tomllib`` is used instead while it is still TOML 1.0 (Python < 3.15).
``tests/test_ledger_toml10.py`` runs the toml-test corpus through ``loads_toml``.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from typing import Any, Iterator

from cepledger.model.errors import DataError, Problem

__all__ = ["loads_toml", "decode", "parse_toml", "Layout", "header_lines", "header_keys", "choose_parser",
           "ENTRIES_HEADER_RE"]

_UTF8_BOM = b"\xef\xbb\xbf"
_POSITION_RE = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")
_BIG_NUMBER_RE = re.compile(r"[0-9_]{1000,}")
_BRACKET_RE = re.compile(r"[\[\]{}]")
TOML11_TOMLI = (2, 4)  # the first tomli release that reads TOML 1.1


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def choose_parser(tomli_version: str | None, python: tuple[int, int]) -> str:
    """``"tomli"`` or ``"tomllib"``: the TOML 1.0 parser to use; RuntimeError when none is.

    ``tomli_version`` is the installed tomli's ``__version__`` (None: not installed).
    """
    if tomli_version is not None and _version(tomli_version) < TOML11_TOMLI:
        return "tomli"
    if python < (3, 15):  # tomllib reads TOML 1.1 from Python 3.15 on
        return "tomllib"
    raise RuntimeError(f"tomli {tomli_version} reads TOML 1.1 and this Python's tomllib does too; "
                       "install a TOML 1.0 parser with: pip install 'tomli<2.4'")


def _load_parser():
    try:
        import tomli
    except ImportError:  # pragma: no cover - tomli is a dependency
        tomli = None
    if choose_parser(getattr(tomli, "__version__", None), sys.version_info[:2]) == "tomli":
        return tomli
    import tomllib

    return tomllib


_toml = _load_parser()


def loads_toml(text: str, path: str) -> dict[str, Any]:
    """Parse TOML 1.0 text; return the document (floats as ``Decimal``).

    The contract every caller relies on (ledgers and rule files alike):

    - exactly TOML 1.0, whatever tomli version is installed: a document valid only in
      TOML 1.1 is refused like any invalid one;
    - a leading byte-order mark is ignored; floats (``1.5``, ``inf``, ``nan``) become
      ``Decimal``, integers stay ``int``, dates ``datetime.date``;
    - every failure is a ``DataError`` holding one ``Problem(path, line, code, message)``
      with code ``toml-syntax`` (the parser's message, its line), ``too-deep`` (hundreds of
      nested brackets) or ``bad-number`` (an integer of thousands of digits); nothing else
      escapes, so callers print ``path:line: message`` and exit 3.
    """
    return _loads(text[1:] if text.startswith("\ufeff") else text, path)


def _loads(text: str, path: str) -> dict[str, Any]:
    try:
        return _toml.loads(text, parse_float=Decimal)
    except _toml.TOMLDecodeError as e:
        raise DataError(_syntax_problem(e, text, path)) from None
    except RecursionError:
        raise DataError(Problem(path, _deep_line(text), "too-deep",
                                "values are nested too deeply (hundreds of [ or {); "
                                "a file like this never needs that, so remove them.")) from None
    except ValueError:
        # CPython refuses int() on more than 4300 digits (CVE-2020-10735) and the
        # parser lets that ValueError escape.
        m = _BIG_NUMBER_RE.search(text)
        line = text.count("\n", 0, m.start()) + 1 if m else 0
        raise DataError(Problem(path, line, "bad-number",
                                "a number here has thousands of digits; write an ordinary amount.")) from None


def _syntax_problem(e: Exception, text: str, path: str) -> Problem:
    raw = e.args[0] if e.args and isinstance(e.args[0], str) else str(e)
    msg = getattr(e, "msg", None) or _POSITION_RE.sub("", raw)
    line = getattr(e, "lineno", None)
    if not line:  # parsers before tomli 2.1 / Python 3.14 give the position in the text only
        m = _POSITION_RE.search(raw)
        line = int(m.group(1)) if m and m.group(1) else text.count("\n") + 1
    hint = ""
    if "Cannot overwrite" in msg or "twice" in msg:
        hint = " (a key or table is defined twice; keep one of them)"
    return Problem(path, line, "toml-syntax", f"invalid TOML: {msg}{hint}.")


def _deep_line(text: str) -> int:
    """Line where bracket nesting first passes 100 (error path only; strings ignored)."""
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > 100:
            return text.count("\n", 0, m.start()) + 1
    return 0


def decode(data: bytes, path: str) -> str:
    """UTF-8 bytes -> text without the byte-order mark, if any; ``DataError`` code ``not-utf8``."""
    if data.startswith(_UTF8_BOM):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DataError(Problem(path, line, "not-utf8",
                                f"the file is not valid UTF-8 (line {line}); save it as UTF-8.")) from None


def parse_toml(data: bytes, path: str) -> tuple[str, dict[str, Any]]:
    """``decode`` then ``loads_toml``: return ``(text, document)``."""
    text = decode(data, path)
    return text, _loads(text, path)  # one byte-order mark only: decode removed it


# ----------------------------------------------------------------- where things are written

# `[[entries]]` on a line of its own (optionally quoted, spaced, with a comment).
ENTRIES_HEADER_RE = re.compile(
    r"""^[ \t]*\[\[[ \t]*(?:entries|"entries"|'entries')[ \t]*\]\][ \t]*(?:\#[^\n]*)?\r?$""", re.M)
_HEADER_START_RE = re.compile(r"^[ \t]*\[")
_TOKEN_RE = re.compile(r"""\"\"\"|'''|["'#\[\]{}]""")


class Layout:
    """Line numbers in one parsed text (``doc`` is its document), found on demand.

    The usual case costs one regex pass: the lines that look like ``[[entries]]``
    headers are the real ones when there are as many as entries and the text before
    the first one parses without defining ``entries`` (a look-alike inside a string or
    an array would cut that text in the middle of a value). Anything else takes
    ``header_lines``, a small lexer that skips strings, comments and values.
    """

    def __init__(self, text: str, doc: dict[str, Any]):
        self.text = text
        self.doc = doc
        self._lines: list[str] | None = None
        self._headers: list[int] | None = None
        # (entry header lines, offset of the first one when the scan proved them, else -1)
        self._entries: tuple[list[int] | None, int] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def header_lines(self) -> list[int]:
        """1-based line of every real table header (``[x]`` and ``[[x]]``)."""
        if self._headers is None:
            self._headers = list(header_lines(self.lines))
        return self._headers

    # --- entries

    def entry_lines(self) -> list[int] | None:
        """The header line of each entry; None when they are not all ``[[entries]]``
        tables (an inline ``entries = [...]`` list)."""
        return self._scan_entries()[0]

    def appendable(self) -> bool:
        """True when ``[[entries]]`` tables written after the last line add entries at the
        end of the list and change nothing else: there are no entries, or they are all
        ``[[entries]]`` tables, proved by the one-pass scan."""
        entries = self.doc.get("entries")
        if entries is None:
            return True
        lines, head_end = self._scan_entries()
        return type(entries) is list and lines is not None and head_end >= 0

    def _scan_entries(self) -> tuple[list[int] | None, int]:
        if self._entries is None:
            entries = self.doc.get("entries")
            n = len(entries) if type(entries) is list else 0
            self._entries = self._find_entries(n) if n else (None, -1)
        return self._entries

    def _find_entries(self, n: int) -> tuple[list[int] | None, int]:
        text = self.text
        starts = [m.start() for m in ENTRIES_HEADER_RE.finditer(text)]
        if len(starts) == n and _head_is_clean(text[:starts[0]]):
            lines, pos, line = [], 0, 1
            count = text.count
            for start in starts:
                line += count("\n", pos, start)
                pos = start
                lines.append(line)
            return lines, starts[0]
        text_lines = self.lines
        found = [ln for ln in self.header_lines() if ENTRIES_HEADER_RE.match(text_lines[ln - 1])]
        return (found if len(found) == n else None), -1

    # --- other tables and keys

    def program_lines(self) -> dict[str, int]:
        """Header line of each ``[programs.<id>]`` table (ids written inline are left out)."""
        programs = self.doc.get("programs")
        if type(programs) is not dict:
            return {}
        _, head_end = self._scan_entries()
        if head_end >= 0:  # usually all of them come before the entries: look there first
            head = self.text[:head_end].split("\n")
            out = _program_headers(head, header_lines(head), programs)
            if len(out) == len(programs):
                return out
        return _program_headers(self.lines, iter(self.header_lines()), programs)

    def key(self, key: str, start: int = 0) -> int:
        """Line of ``key =`` in the table whose header is on line ``start`` (0: the root);
        ``start`` itself when not found (inline tables). For messages only."""
        lines = self.lines
        pat = re.compile(r"[ \t]*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\"|'"
                         + re.escape(key) + r"')[ \t]*[=.]")
        for i in range(start, len(lines)):  # index ``start`` is the first line after the header
            if _HEADER_START_RE.match(lines[i]):
                break
            if pat.match(lines[i]):
                return i + 1
        return start

    def header(self, *keys: str) -> int:
        """Line of the first real header whose key path starts with ``keys``; 0 if none."""
        lines = self.lines
        for ln in header_lines(lines):
            if header_keys(lines[ln - 1])[:len(keys)] == keys:
                return ln
        return 0

    def table_end(self, header: int) -> int:
        """The 1-based line of the next real header after the one on line ``header``
        (``len(lines) + 1`` when there is none): where that table's lines end."""
        lines = self.lines
        return next(header_lines(lines, header), len(lines) + 1)


def _head_is_clean(head: str) -> bool:
    """The text before the first ``[[entries]]`` look-alike parses and defines no entries."""
    try:
        return "entries" not in loads_toml(head, "")
    except DataError:
        return False


def _program_headers(lines: list[str], candidates: Iterator[int], programs: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ln in candidates:
        line = lines[ln - 1]
        if "programs" not in line:
            continue
        keys = header_keys(line)
        if len(keys) == 2 and keys[0] == "programs" and keys[1] in programs:
            out.setdefault(keys[1], ln)
    return out


def header_keys(line: str) -> tuple[str, ...]:
    """The key path of one table header line (``[programs."casc-butte"]`` ->
    ``("programs", "casc-butte")``), read by the TOML parser itself; () when the line
    does not parse alone. Given a ``key = value`` line, the path of the key."""
    try:
        doc: Any = loads_toml(line.strip() + "\n", "")
    except DataError:
        return ()
    keys = []
    while isinstance(doc, (dict, list)) and doc:
        if isinstance(doc, list):
            doc = doc[-1]
            continue
        (key, doc), = doc.items()
        keys.append(key)
    return tuple(keys)


def header_lines(lines: list[str], start: int = 0) -> Iterator[int]:
    """1-based lines of the table headers in ``lines[start:]``, skipping strings,
    comments and values; ``lines[start]`` must begin a statement (as the line after a
    header does). A line is a header when it starts with ``[`` while no array, inline
    table or multi-line string is open."""
    depth = 0  # open [ and { of values
    delim: str | None = None  # the multi-line string we are inside, if any
    for number in range(start, len(lines)):
        line = lines[number]
        if delim is None and depth == 0 and line.lstrip(" \t").startswith("["):
            yield number + 1
            continue  # the rest of a header line can only be a comment
        depth, delim = _lex_line(line, depth, delim)


def _lex_line(line: str, depth: int, delim: str | None) -> tuple[int, str | None]:
    """The bracket depth and open multi-line string after one line of values."""
    i, size = 0, len(line)
    while i < size:
        if delim is not None:
            j = line.find(delim, i)
            if j < 0:
                break
            if delim == '"""' and _escaped(line, j):
                i = j + 1
                continue
            i = j + 3
            while i < size and line[i] == delim[0]:  # up to two more quotes may close the string
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
        if tok in ('"""', "'''"):
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
    return depth, delim


def _escaped(line: str, j: int) -> bool:
    k = j - 1
    while k >= 0 and line[k] == "\\":
        k -= 1
    return (j - 1 - k) % 2 == 1
