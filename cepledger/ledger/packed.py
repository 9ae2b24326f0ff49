"""A parsed member as the parse cache stores it, and entries built only when used.

The ``p-`` record (``cache.py``) holds a member as primitives ``marshal`` can write:
dates as day ordinals, Decimals as text. Its entries are packed in columns, so that
reading the record back creates a handful of objects instead of a few per entry:

* ``rows``: each entry's primitive tuple (``entry_prim``), marshalled on its own and
  laid end to end, with ``offsets`` (an ``array('q')`` of n + 1 positions) to find
  row ``i`` without decoding the others;
* ``by_date``: the entry numbers sorted by (date, number), and ``dates`` the matching
  ordinals, so the entries of a period are found by bisection;
* ``codes``: each entry's activity as a number into ``activities``;
* ``ids``: every entry's id joined with line breaks, ``""`` for none (or, when an id
  is empty or holds a line break, as a tuple).

``CachedEntries`` stands for the tuple of ``Entry`` these describe. Every reader can
use it as that tuple (length, iteration, indexing, slicing, ``+``, equality, hashing,
pickling as a tuple; iterating builds them all once), while ``select`` (the entries
of a period, ``Member.select``) and ``ids`` answer from the columns: ``add`` on a
long history builds only the entries of the year it reports.
"""

from __future__ import annotations

import gc
import marshal
from array import array
from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Decimal
from itertools import accumulate

from cepledger.model.records import Enrolment, Entry, Member, Source, new_entry, new_source, select_entries

TYPE_CHECKING = False  # annotations only
if TYPE_CHECKING:
    from typing import Any


def entry_prim(e: Entry) -> tuple:
    return (e.index, e.date.toordinal(), e.activity, e.source.line, e.id, None if e.hours is None else str(e.hours),
            e.title, e.item, e.course, e.cpsel, e.ratings, e.evidence, e.evidence_sha256, e.notes, e.verified,
            e.void, e.extra)


def build_entries(prims, path: str) -> list[Entry]:
    """``Entry`` objects from ``entry_prim`` tuples (values checked when first read)."""
    fromordinal = date.fromordinal
    dec = Decimal
    make, src = new_entry, new_source
    return [
        make(index, fromordinal(day), activity, src(path, line), eid, None if hours is None else dec(hours),
             *rest)
        for index, day, activity, line, eid, hours, *rest in prims
    ]


# ----------------------------------------------------------------- packing


def pack_entries(prims: tuple | list) -> tuple:
    """The column form of a sequence of ``entry_prim`` tuples (see the module docstring)."""
    blobs = list(map(marshal.dumps, prims))
    offsets = array("q", accumulate(map(len, blobs), initial=0))
    days = [p[1] for p in prims]
    by_date = sorted(range(len(prims)), key=days.__getitem__)  # stable: ties stay in file order
    activities: dict[str, int] = {}
    codes = array("l", [activities.setdefault(p[2], len(activities)) for p in prims])
    ids: str | tuple = "\n".join(["" if p[4] is None else p[4] for p in prims])
    if any(p[4] == "" or (p[4] is not None and "\n" in p[4]) for p in prims):
        ids = tuple(p[4] for p in prims)  # an odd id the joined form cannot hold
    return (len(prims), b"".join(blobs), offsets.tobytes(), array("l", by_date).tobytes(),
            array("l", [days[i] for i in by_date]).tobytes(), tuple(activities), codes.tobytes(), ids)


class _Columns:
    """The unpacked columns of ``pack_entries`` (checked for consistent lengths)."""

    __slots__ = ("packed", "n", "rows", "offsets", "by_date", "dates", "activities", "codes", "ids")

    def __init__(self, packed: tuple):
        self.packed = packed  # as stored: written again as it is while nothing is appended
        n, rows, offsets, by_date, dates, activities, codes, ids = packed
        self.n, self.rows, self.activities, self.ids = n, rows, activities, ids
        self.offsets, self.by_date, self.dates, self.codes = (
            array("q", offsets), array("l", by_date), array("l", dates), array("l", codes))
        if not (type(n) is int and type(rows) is bytes and type(activities) is tuple and type(ids) in (str, tuple)
                and len(self.offsets) == n + 1 and len(self.by_date) == len(self.dates) == len(self.codes) == n
                and self.offsets[-1] == len(rows)):
            raise ValueError("inconsistent entry columns")

    def prim(self, i: int) -> tuple:
        o = self.offsets
        return marshal.loads(memoryview(self.rows)[o[i]:o[i + 1]])

    def prims(self) -> list[tuple]:
        loads, o, view = marshal.loads, self.offsets, memoryview(self.rows)
        return [loads(view[o[i]:o[i + 1]]) for i in range(self.n)]


def pack_member(member: Member, appendable: bool) -> tuple:
    """``member`` as primitives for the parse cache (see ``unpack_member``)."""
    enrolments = tuple(
        (e.program, e.since.toordinal(), e.source.line, None if e.employed_since is None else e.employed_since.toordinal())
        for e in member.enrolments
    )
    entries = member.entries
    packed = entries.packed() if isinstance(entries, CachedEntries) else pack_entries(list(map(entry_prim, entries)))
    return (member.id, member.name, member.schema, member.extra, appendable, enrolments, packed)


def unpack_member(prim: tuple, path: str, appended: tuple = ()) -> tuple[Member, bool]:
    """``(member, appendable)`` from ``pack_member``'s tuple plus the ``entry_prim`` tuples
    ``appended`` after it (an append record); ValueError/TypeError when malformed."""
    mid, name, schema, extra, can_append, enrolments, packed = prim
    fromordinal = date.fromordinal
    enrols = tuple(
        Enrolment(program=prog, since=fromordinal(since), source=Source(path, line),
                  employed_since=None if emp is None else fromordinal(emp))
        for prog, since, line, emp in enrolments
    )
    entries = CachedEntries(_Columns(packed), path, tuple(build_entries(appended, path)))
    member = Member(id=mid, name=name, path=path, enrolments=enrols, entries=entries, schema=schema,
                    extra=tuple(extra))
    return member, bool(can_append)


# ----------------------------------------------------------------- lazy entries


class CachedEntries:
    """The entries of a member read from the parse cache, each built when first used.

    ``tail``: entries already built that follow the packed ones (appended by ``add``).
    """

    __slots__ = ("_cols", "_path", "_built", "_tail", "_all")

    def __init__(self, cols: _Columns, path: str, tail: tuple = (), built: list | None = None):
        self._cols, self._path, self._tail = cols, path, tail
        self._built: list = built if built is not None else [None] * cols.n  # shared with extensions
        self._all: tuple | None = None

    def _fill(self, numbers) -> None:
        """Build the packed entries ``numbers`` that are not built yet."""
        built, cols = self._built, self._cols
        missing = [i for i in numbers if built[i] is None]
        if not missing:
            return
        # As when a ledger is read (store_read.parsed_member): these objects live as long
        # as the member, so the collector would only walk them again and again.
        pause = gc.isenabled()
        if pause:
            gc.disable()
        try:
            prims = cols.prims() if len(missing) == cols.n else [cols.prim(i) for i in missing]
            for i, e in zip(missing, build_entries(prims, self._path)):
                built[i] = e
        finally:
            if pause:
                gc.enable()

    def _tuple(self) -> tuple:
        if self._all is None:
            self._fill(range(self._cols.n))
            self._all = tuple(self._built) + self._tail
        return self._all

    def select(self, start: date, last: date, activities) -> list[Entry]:
        """``Member.select``: the entries dated ``start``..``last`` whose activity is ``in activities``."""
        if self._all is not None:
            return select_entries(self._all, start, last, activities)
        cols = self._cols
        codes = {c for c, a in enumerate(cols.activities) if a in activities}
        lo = bisect_left(cols.dates, start.toordinal())
        hi = bisect_right(cols.dates, last.toordinal())
        code_of = cols.codes
        numbers = sorted(i for i in cols.by_date[lo:hi] if code_of[i] in codes)
        self._fill(numbers)
        built = self._built
        out = [built[i] for i in numbers]
        out += select_entries(self._tail, start, last, activities)
        return out

    def activities_used(self) -> set[str]:
        return set(self._cols.activities).union(e.activity for e in self._tail)

    def ids(self) -> set[str]:
        ids = self._cols.ids
        if type(ids) is str:
            found = set(ids.split("\n"))
            found.discard("")
        else:
            found = {i for i in ids if i is not None}
        found.update(e.id for e in self._tail if e.id is not None)
        return found

    def packed(self) -> tuple:
        """``pack_entries`` of every entry: the columns as read while nothing follows them."""
        if not self._tail:
            return self._cols.packed
        return pack_entries(self._cols.prims() + [entry_prim(e) for e in self._tail])

    def __len__(self) -> int:
        return self._cols.n + len(self._tail)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        return iter(self._tuple())

    def __getitem__(self, key: Any):
        if self._all is not None:
            return self._all[key]
        n, size = self._cols.n, len(self)
        if isinstance(key, slice):
            return tuple(self[i] for i in range(*key.indices(size)))
        i = key.__index__()
        if i < 0:
            i += size
        if not 0 <= i < size:
            raise IndexError("tuple index out of range")
        if i >= n:
            return self._tail[i - n]
        self._fill((i,))
        return self._built[i]

    def __add__(self, other: Any):
        if type(other) is tuple:
            if self._all is not None:
                return self._all + other
            return CachedEntries(self._cols, self._path, self._tail + other, self._built)
        if isinstance(other, CachedEntries):
            return self._tuple() + other._tuple()
        return NotImplemented

    def __radd__(self, other: Any):
        return other + self._tuple() if type(other) is tuple else NotImplemented

    def __eq__(self, other: Any):
        if isinstance(other, CachedEntries):
            other = other._tuple()
        return self._tuple() == other if type(other) is tuple else NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __contains__(self, value: Any) -> bool:
        return value in self._tuple()

    def index(self, *args: Any) -> int:
        return self._tuple().index(*args)

    def count(self, value: Any) -> int:
        return self._tuple().count(value)

    def __repr__(self) -> str:
        return repr(self._tuple())

    def __reduce__(self):
        return tuple, (self._tuple(),)
