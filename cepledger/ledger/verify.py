"""Proof that new ledger bytes hold the old data plus exactly the intended change.

``write`` reads the ledger under its lock (a ``Snapshot``), lets ``edit`` produce the
new bytes (a ``Plan``), and calls ``verify`` before anything touches the disk: the new
bytes are parsed by the one reader (tomli, then the schema), compared with the document
the change should give, and checked like any ledger. A change that would not read back
as intended is refused with the ledger left as it was.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, NamedTuple

from cepledger.ledger.load import Parsed
from cepledger.ledger.parse import Layout, parse_toml
from cepledger.ledger.schema import build_member, check_entry_fields
from cepledger.model.errors import DataError, WriteError
from cepledger.model.records import Entry, Member, Source

__all__ = ["Snapshot", "Plan", "verify", "same"]

_INLINE_ENTRIES_RE = re.compile(r"^[ \t]*(?:entries|\"entries\"|'entries')[ \t]*=", re.M)


@dataclass(slots=True)
class Snapshot:
    """The ledger as read under the lock. ``text``, ``doc`` and ``layout`` are computed
    on first use: an append needs none of them when the parse of these bytes is reused."""

    data: bytes
    stat: os.stat_result | None
    member: Member | None
    appendable: bool = False
    path: str = ""
    _parsed: tuple[str, dict[str, Any], Layout] | None = field(default=None, repr=False)

    def _parse(self) -> tuple[str, dict[str, Any], Layout]:
        if self._parsed is None:
            text, doc = parse_toml(self.data, self.path) if self.data else ("", {})
            self._parsed = (text, doc, Layout(text, doc))
        return self._parsed

    @property
    def text(self) -> str:
        return self._parse()[0]

    @property
    def doc(self) -> dict[str, Any]:
        return self._parse()[1]

    @property
    def layout(self) -> Layout:
        return self._parse()[2]


class Plan(NamedTuple):
    """The new bytes and what they must read back as."""

    new: bytes
    expected: dict[str, Any] | None  # the document the new bytes must equal (None: see appended)
    prefix: bool  # True: the old bytes must stay an exact prefix
    appended: tuple[int, list[dict[str, Any]]] | None = None  # (offset of the new block, its entries)


def same(a: Any, b: Any) -> bool:
    """Deep equality where NaN equals NaN (a file may hold `x = nan` in an extra key)."""
    if type(a) is dict:
        return type(b) is dict and a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return type(b) is list and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal) and a.is_nan():
        return isinstance(b, Decimal) and b.is_nan()
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return a == b  # hours = 12 parses as int 12, equal to Decimal("12")
    return type(a) is type(b) and a == b


def verify(path: Path, snap: Snapshot, plan: Plan) -> Parsed:
    """Parse the new bytes and prove they hold the old data plus exactly the change;
    return their parse. ``WriteError`` (nothing written) when they do not."""
    def unsafe(why: str) -> WriteError:
        if snap.data and _INLINE_ENTRIES_RE.search(snap.text):
            return WriteError(f"cannot change {path} safely because its entries are written as an inline "
                              "`entries = [...]` list; rewrite them as [[entries]] tables and try again.")
        return WriteError(f"cannot change {path} safely ({why}); the ledger was left unchanged, "
                          "so make the change by hand in an editor.")

    if plan.prefix and not plan.new.startswith(snap.data):
        raise unsafe("the existing text would change")
    if plan.appended is not None and snap.appendable and snap.member is not None:
        return Parsed(plan.new, str(path), _verify_append(path, snap, plan, unsafe), True)
    expected = plan.expected
    if expected is None:  # an append to a ledger whose entries are not plain [[entries]] tables
        assert plan.appended is not None
        expected = {**snap.doc, "entries": list(snap.doc.get("entries", [])) + plan.appended[1]}
    try:
        text, doc = parse_toml(plan.new, str(path))
    except DataError as e:
        raise unsafe(f"the result would not parse: {e.problems[0].message}") from None
    if not same(doc, expected):
        raise unsafe("the result would not read back as intended")
    layout = Layout(text, doc)
    member, problems = build_member(layout, str(path))
    if member is None:
        raise unsafe(problems[0].message)
    return Parsed(plan.new, str(path), member, layout.appendable())


def _verify_append(path: Path, snap: Snapshot, plan: Plan, unsafe: Callable[[str], WriteError]) -> Member:
    """Verify an append without parsing the history again.

    The old bytes parsed as a ledger whose entries are exactly its ``[[entries]]``
    tables (``Layout.appendable``) and stay an exact prefix ending with a line break;
    the new block alone must parse to exactly the intended entries and nothing else.
    TOML forbids redefining anything, so the whole new file then reads as the old
    document plus these entries at the end of the list; the entries are checked like
    any read entry and numbered on the lines where they are written.
    """
    assert snap.member is not None and plan.appended is not None
    start, intended = plan.appended
    if start < len(snap.data) or not plan.new[:start].endswith(b"\n"):
        raise unsafe("the new entries would not start on a line of their own")
    try:
        btext, bdoc = parse_toml(plan.new[start:], str(path))
    except DataError as e:
        raise unsafe(f"the result would not parse: {e.problems[0].message}") from None
    if not same(bdoc, {"entries": intended}):
        raise unsafe("the result would not read back as intended")
    lines = Layout(btext, bdoc).entry_lines()
    if lines is None:
        raise unsafe("the new entries would not be plain [[entries]] tables")
    old = snap.member
    n = len(old.entries)
    base = plan.new.count(b"\n", 0, start)
    added = []
    for i, (raw, line) in enumerate(zip(bdoc["entries"], lines)):
        vals, errs = check_entry_fields(raw)
        if errs:
            raise unsafe(errs[0][2])
        added.append(Entry(index=n + i, source=Source(str(path), base + line), **vals))
    return Member(id=old.id, name=old.name, path=old.path, enrolments=old.enrolments,
                  entries=old.entries + tuple(added), schema=old.schema, extra=old.extra)
