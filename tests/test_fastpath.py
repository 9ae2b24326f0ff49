"""The ledger reader's shortcut for plain entries (the script-output path and the report
cache are tested in test_cli_script_output.py and test_cli_report_cache.py)."""

from __future__ import annotations


# ------------------------------------------------------------------ the reader's shortcut for plain entries

from datetime import date as _date  # noqa: E402
from decimal import Decimal  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from cepledger.model.records import Entry, Source  # noqa: E402
from cepledger.ledger.load import _quick_entry, check_entry_fields  # noqa: E402

_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 2000), st.text(max_size=4), st.sampled_from(["", " ", "x", "4"]),
    st.dates(min_value=_date(2000, 1, 1), max_value=_date(2030, 1, 1)),
    st.sampled_from([Decimal("1.5"), Decimal("-1"), Decimal("1000"), Decimal("1000.01"), Decimal("nan"),
                     Decimal("inf"), Decimal("0"), Decimal("2.50")]),
    st.lists(st.integers(1, 6), max_size=2),
)
_keys = st.sampled_from(["id", "date", "activity", "hours", "course", "title", "item", "cpsel", "ratings",
                         "evidence", "evidence_sha256", "notes", "verified", "void", "other"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=8), st.dates(), st.text(min_size=1, max_size=3))
def test_quick_entry_agrees_with_the_full_checks(raw, when, activity) -> None:
    raw = {k: v for k, v in raw.items() if v is not None}
    for extra in ({}, {"date": when, "activity": activity}):
        table = {**raw, **extra}
        quick = _quick_entry(table, 3, "p.toml", 7)
        vals, errs = check_entry_fields(table)
        if quick is not None:
            assert not errs
            full = Entry(index=3, source=Source("p.toml", 7), **vals)
            assert quick == full and repr(quick) == repr(full) and type(quick) is Entry
            assert [type(getattr(quick, f)) for f in Entry.__slots__] == [type(getattr(full, f)) for f in Entry.__slots__]


