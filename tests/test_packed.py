"""The parse cache's packed form of a member (cepledger/packed.py).

``CachedEntries`` must be, to every reader, exactly the tuple of entries it stands for;
``select`` and ``ids`` must answer what a scan of that tuple answers while building
only the entries they return.
"""

from __future__ import annotations

import marshal
import pickle
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cepledger.calc import evaluate as calc
from cepledger.rules import load as rules
from cepledger.ledger import read as store_read
from cepledger.model.records import Entry, Member, Source
from cepledger.ledger.packed import CachedEntries, _Columns, entry_prim, pack_entries, pack_member, unpack_member

PATH = "/ledgers/m.toml"
ACTIVITIES = ("mentee", "live-webinar", "cep-course", "conference", "other")


def make_entries(specs) -> list[Entry]:
    return [
        Entry(index=i, date=day, activity=act, source=Source(PATH, 10 + 6 * i), id=eid,
              hours=None if hours is None else Decimal(hours), title=f"entry {i}", item=None if i % 3 else f"item-{i}",
              course=4 if act == "cep-course" else None, cpsel=("2A",) if i % 4 == 0 else (),
              ratings=(("1", "meets"),) if i % 5 == 0 else (), verified=True if i % 2 else None,
              void="entered twice" if i % 11 == 10 else None, extra=("colour",) if i % 13 == 0 else ())
        for i, (day, act, eid, hours) in enumerate(specs)
    ]


def cached(entries: list[Entry], tail: tuple = ()) -> CachedEntries:
    packed = marshal.loads(marshal.dumps(pack_entries([entry_prim(e) for e in entries])))  # as stored
    return CachedEntries(_Columns(packed), PATH, tail)


def n_built(c: CachedEntries) -> int:
    return sum(e is not None for e in c._built)


BASE = date(2020, 9, 1)
spec = st.tuples(
    st.integers(0, 2000).map(lambda d: BASE + timedelta(days=d)),
    st.sampled_from(ACTIVITIES),
    st.one_of(st.none(), st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)),
    st.one_of(st.none(), st.sampled_from(["1", "1.5", "0.25", "12"])),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(spec, max_size=60), st.integers(0, 2000), st.integers(0, 800),
       st.sets(st.sampled_from(ACTIVITIES)), st.integers(0, 3))
def test_select_and_ids_answer_what_a_scan_answers(specs, from_day, length, wanted, n_tail) -> None:
    entries = make_entries(specs)
    split = max(0, len(entries) - n_tail)
    c = cached(entries[:split], tuple(entries[split:]))
    start, last = BASE + timedelta(days=from_day), BASE + timedelta(days=from_day + length)
    got = c.select(start, last, wanted)
    assert got == [e for e in entries if start <= e.date <= last and e.activity in wanted]
    assert n_built(c) == sum(1 for e in got if e.index < split)  # nothing else was built
    assert c.ids() == {e.id for e in entries if e.id is not None}
    assert c.activities_used() == {e.activity for e in entries}
    assert tuple(c) == tuple(entries)  # and built all of them the same way
    assert c.select(start, last, wanted) == got  # answered from the built tuple now


def test_cached_entries_are_the_tuple_they_stand_for() -> None:
    days = [date(2024, 9, 1) + timedelta(days=(7 * i) % 40) for i in range(12)]
    entries = make_entries([(d, ACTIVITIES[i % 5], f"e{i}", "1.5") for i, d in enumerate(days)])
    t = tuple(entries)
    c = cached(entries[:10], tuple(entries[10:]))
    assert len(c) == 12 and bool(c) and n_built(c) == 0
    assert c[3] == t[3] and c[-1] == t[-1] and c[-12] == t[0] and c[10] == t[10]
    assert n_built(c) == 2  # c[3] and c[-12]: indexing builds just that entry
    with pytest.raises(IndexError):
        c[12]
    with pytest.raises(IndexError):
        c[-13]
    assert c[2:5] == t[2:5] and c[::-3] == t[::-3] and c[-2:] == t[-2:]
    extra = make_entries([(date(2025, 1, 1), "mentee", "x", "2")])[0]
    longer = c + (extra,)
    assert isinstance(longer, CachedEntries) and len(longer) == 13 and longer == t + (extra,)
    assert () + c == t and c + () == t
    assert c == t and t == c and c == cached(entries[:10], tuple(entries[10:])) and c != t[:-1]
    assert hash(c) == hash(t) and t[4] in c and c.index(t[4]) == 4 and c.count(t[4]) == 1
    assert repr(c) == repr(t) and list(c) == entries
    assert pickle.loads(pickle.dumps(c)) == t and type(pickle.loads(pickle.dumps(c))) is tuple
    assert c + (extra,) == t + (extra,)  # once built, + gives a plain tuple
    assert type(c + (extra,)) is tuple
    empty = cached([])
    assert len(empty) == 0 and not empty and tuple(empty) == () and empty.ids() == set()


def test_a_member_from_its_packed_form_equals_the_member() -> None:
    text = ('schema = 1\n\n[member]\nid = "m"\nname = "M"\n\n[programs.cass-cep]\nsince = 2020-09-01\n'
            + "".join(f'\n[[entries]]\nid = "e{i}"\ndate = 202{1 + i % 4}-{1 + i % 12:02d}-0{1 + i % 9}\n'
                      f'activity = "{["mentee", "live-webinar", "cep-course"][i % 3]}"\n'
                      + ("course = 2\n" if i % 3 == 2 else f"hours = {1 + i % 4}.5\n") for i in range(40)))
    member = store_read.parse_member(text.encode(), PATH)
    prim = marshal.loads(marshal.dumps(pack_member(member, True)))
    again, appendable = unpack_member(prim, PATH)
    assert appendable is True and isinstance(again.entries, CachedEntries)
    registry = rules.load_registry()
    for year in range(2020, 2026):  # the calculator builds only what it selects, and agrees
        assert calc.evaluate_member(again, registry, year) == calc.evaluate_member(member, registry, year)
    assert again == member and again.entry_ids() == member.entry_ids()
    assert pack_member(again, True) == prim  # a member read back packs to the same record
    more = store_read.parse_member((text + '\n[[entries]]\nid = "z"\ndate = 2024-10-01\nactivity = "mentee"\n'
                                    'hours = 2\n').encode(), PATH)
    grown, _ = unpack_member(prim, PATH, (entry_prim(more.entries[-1]),))  # an append record's entries
    assert grown == more and grown.entries[-1].id == "z"
    assert unpack_member(pack_member(grown, True), PATH)[0] == more


def test_odd_ids_are_kept_exactly() -> None:
    entries = make_entries([(BASE, "mentee", eid, "1") for eid in ("", "a\nb", None, "c")])
    assert cached(entries).ids() == {"", "a\nb", "c"}
    plain = make_entries([(BASE, "mentee", eid, "1") for eid in ("a", None, "c")])
    assert type(pack_entries([entry_prim(e) for e in plain])[7]) is str and cached(plain).ids() == {"a", "c"}


def test_inconsistent_columns_are_refused() -> None:
    packed = pack_entries([entry_prim(e) for e in make_entries([(BASE, "mentee", "a", "1")] * 3)])
    with pytest.raises(ValueError):
        _Columns((4, *packed[1:]))
    with pytest.raises(ValueError):
        _Columns((*packed[:1], packed[1][:-1], *packed[2:]))
    with pytest.raises(ValueError):
        _Columns((*packed[:7], b"not text"))


def test_member_select_on_plain_tuples() -> None:
    entries = tuple(make_entries([(BASE + timedelta(days=d), "mentee", None, "1") for d in (5, 1, 3)]))
    m = Member(id="m", name="M", path=PATH, entries=entries)
    assert m.select(BASE + timedelta(days=2), BASE + timedelta(days=5), {"mentee"}) == [entries[0], entries[2]]
    assert m.select(BASE, BASE + timedelta(days=9), {"other"}) == [] and m.entry_ids() == set()
    assert m.activities_used() == {"mentee"}
    as_list = Member(id="m", name="M", path=PATH, entries=list(entries))  # type: ignore[arg-type]
    assert as_list.select(BASE, BASE + timedelta(days=9), {"mentee"}) == list(entries)
    assert as_list.entry_ids() == set() and as_list.activities_used() == {"mentee"}
