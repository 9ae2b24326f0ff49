"""A reader for the usual ledger layout that gives exactly what the TOML parser gives, or None.

Ledgers written by ``cep`` (and most written by hand) are a short head (``schema``,
``[member]``, ``[programs.*]``) followed by nothing but ``[[entries]]`` tables whose
lines are ``key = value`` with a plain string, integer, decimal, date or boolean. For
that layout this module is several times faster than the compiled TOML parser, because
it handles one kind of line with a few string operations instead of a general grammar.

It never decides anything the TOML parser would decide differently:

- the head (everything before the first line that is exactly ``[[entries]]``) is
  parsed by the TOML parser itself, and must not define ``entries``;
- after it, every line must be blank, a comment, exactly ``[[entries]]``, or
  ``bare-key = value``; the file must hold no control character other than tab
  (so no CR: CRLF files take the general parser);
- a value is decoded here only in its simplest spelling (``"text"`` without quotes
  or backslashes inside, ``0``/``123``, ``1.25``, ``2025-09-01``, ``true``/``false``,
  and arrays of such texts and integers written ``["1", "2A"]``);
  any other value on such a line (inline tables, other arrays, escapes, comments after the value,
  negative numbers, date-times...) is handed, with its key, to the TOML parser on its
  own, which is exact because a single-line value means the same wherever it stands;
- anything else, and every error (a repeated key, an impossible date, a line the
  parser rejects), gives None, and the caller parses the whole text the usual way,
  which then reports the problem with its line.

``tests/test_fastread.py`` checks on generated texts that whenever this returns a
document it equals the TOML parser's, and that it returns None whenever that parser
fails.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

HEADER = "[[entries]]"
_FIRST = "\n" + HEADER + "\n"
# ASCII control characters TOML refuses outside multi-line strings (tab is allowed; CR is refused here)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")


def loads(text: str, toml_loads) -> tuple[dict, list[int]] | None:
    """``(document, header line of each entry)`` for the usual layout, or None.

    ``toml_loads(text)`` is the general parser (floats as ``Decimal``); it parses the
    head and the rare values this module does not decode itself.
    """
    if text.startswith(HEADER + "\n"):
        start = 0
    else:
        start = text.find(_FIRST) + 1
        if start <= 0:
            return None
    tail = text[start:]
    if _CONTROL_RE.search(tail) is not None:
        return None
    try:
        doc = toml_loads(text[:start])
    except Exception:  # noqa: BLE001 - the general parse reports it
        return None
    if "entries" in doc:
        return None
    entries: list[dict] = []
    lines: list[int] = []
    add_entry, add_line = entries.append, lines.append
    known: set[str] = set()
    fromiso = date.fromisoformat
    dec = Decimal
    number = text.count("\n", 0, start)
    cur: dict = {}
    for line in tail.split("\n"):
        number += 1
        if not line:
            continue
        c = line[0]
        if c == "[":
            if line != HEADER:
                return None
            cur = {}
            add_entry(cur)
            add_line(number)
            continue
        if c == " " or c == "\t":
            line = line.lstrip(" \t")
            if not line:
                continue
            c = line[0]
        if c == "#":
            continue
        key, sep, val = line.partition(" = ")
        if not sep or not val:
            return None
        if key not in known:
            if _BARE_KEY_RE.fullmatch(key) is None:
                return None
            known.add(key)
        if key in cur:
            return None  # a key defined twice: the general parser says where
        c = val[0]
        if c == '"':
            if len(val) > 1 and val[-1] == '"':
                inner = val[1:-1]
                if '"' not in inner and "\\" not in inner:
                    cur[key] = inner
                    continue
        elif "0" <= c <= "9":
            if val.isascii():
                if val.isdigit():
                    if (c != "0" or len(val) == 1) and len(val) < 19:
                        cur[key] = int(val)
                        continue
                elif len(val) == 10 and val[4] == "-" and val[7] == "-":
                    if val[:4].isdigit() and val[5:7].isdigit() and val[8:].isdigit():
                        try:
                            cur[key] = fromiso(val)
                        except ValueError:
                            return None
                        continue
                else:
                    whole, dot, frac = val.partition(".")
                    if dot and whole.isdigit() and frac.isdigit() and (whole[0] != "0" or len(whole) == 1):
                        cur[key] = dec(val)
                        continue
        elif c == "[":
            items = _simple_array(val)
            if items is not None:
                cur[key] = items
                continue
        elif val == "true":
            cur[key] = True
            continue
        elif val == "false":
            cur[key] = False
            continue
        try:
            one = toml_loads(line)
        except Exception:  # noqa: BLE001 - the general parse reports it
            return None
        if len(one) != 1 or key not in one:
            return None
        cur[key] = one[key]
    doc["entries"] = entries
    return doc, lines


def _simple_array(val: str) -> list | None:
    """``["1", "2A"]``, ``[1, 5]`` or ``[]`` (items as above, ", " between them), else None."""
    if val[-1] != "]":
        return None
    inner = val[1:-1]
    if not inner:
        return [] if val == "[]" else None
    out: list = []
    for item in inner.split(", "):
        if not item:
            return None
        c = item[0]
        if c == '"':
            text = item[1:-1]
            if len(item) < 2 or item[-1] != '"' or '"' in text or "\\" in text:
                return None
            out.append(text)
        elif "0" <= c <= "9" and item.isascii() and item.isdigit() and (c != "0" or len(item) == 1) and len(item) < 19:
            out.append(int(item))
        else:
            return None
    return out
