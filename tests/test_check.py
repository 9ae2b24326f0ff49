"""check.py: every problem code, its severity and the line it points at.

Members are built from the model (calc_helpers); entry ``i`` sits at line 100 + 10 i and
enrolment ``n`` at line 5 + n, so each problem's place is known exactly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc_helpers import PATH, e, member, registry
from cepledger.check import check_duplicates, ensure_valid, member_problems
from cepledger.model.errors import DataError

CASS = {"cass-cep": "2021-09-01"}
BUTTE = {"casc-butte": ("2024-09-03", "2024-07-01")}
BOTH = {**CASS, **BUTTE}


def problems(m):
    return [(p.code, p.severity, p.line) for p in member_problems(m, registry())]


def test_a_clean_member_has_no_problems():
    m = member(
        e("2025-10-01", "cass-conference", "12", item="fall"),
        e("2025-10-02", "cep-course", course="leading-learning"),
        e("2025-10-03", "verifiable-self-directed", "3", evidence="cert.pdf"),
        e("2024-10-01", "professional-learning", "2", cpsel=["2A", "5"]),
        e("2025-06-01", "cpsel-rating", ratings={"1": "meets", "2": "proficient", "3": "Advanced"}),
        e("2024-09-10", "orientation"),
        programs=BOTH,
    )
    assert problems(m) == []
    assert ensure_valid(m, registry()) is m


ONE_ENTRY = [
    # (entry, programs, code, severity)
    (e("2025-10-01", "coaching", "1"), CASS, "unknown-activity", "error"),
    (e("2025-10-01", "yoga", "1"), CASS, "unknown-activity", "error"),
    (e("2025-10-01", "live-webinar"), CASS, "missing-hours", "error"),
    (e("2024-10-01", "coaching"), BUTTE, "missing-hours", "error"),
    (e("2025-10-01", "live-webinar", "0"), CASS, "zero-amount", "error"),
    (e("2025-10-01", "live-webinar", "0.00"), CASS, "zero-amount", "error"),
    (e("2025-10-01", "live-webinar", "-1"), CASS, "bad-amount", "error"),
    (e("2025-10-01", "live-webinar", "1000.01"), CASS, "bad-amount", "error"),
    (e("2025-10-01", "live-webinar", "NaN"), CASS, "bad-amount", "error"),
    (e("2025-10-01", "live-webinar", "Infinity"), CASS, "bad-amount", "error"),
    (e("2025-10-01", "live-webinar", "-Infinity"), CASS, "bad-amount", "error"),
    (e("2024-10-01", "orientation", "2"), BUTTE, "milestone-hours", "error"),
    (e("2025-10-01", "cep-course", course=13), CASS, "unknown-course", "error"),
    (e("2025-10-01", "cep-course", course="leading"), CASS, "unknown-course", "error"),
    (e("2025-10-01", "cep-course"), CASS, "missing-field", "error"),
    (e("2024-10-01", "cpsel-rating"), BUTTE, "missing-field", "error"),
    (e("2025-10-01", "verifiable-self-directed", "3"), CASS, "missing-evidence", "warning"),
    (e("2024-10-01", "professional-learning", "2", cpsel=["7"]), BUTTE, "unknown-cpsel", "error"),
    (e("2024-10-01", "professional-learning", "2", cpsel=["2D"]), BUTTE, "unknown-cpsel", "error"),
    (e("2025-10-01", "cass-event", "2", cpsel=["2"]), CASS, "unknown-cpsel", "error"),
    (e("2024-10-01", "cpsel-rating", ratings={"1": "excellent"}), BUTTE, "unknown-level", "error"),
    (e("2024-10-01", "cpsel-rating", ratings={"9": "meets"}), BUTTE, "unknown-standard", "error"),
    (e("2024-10-01", "cpsel-rating", ratings={"2A": "meets"}), BUTTE, "unknown-standard", "error"),
    (e("2024-10-01", "coaching", "1", extra=("colour",)), BUTTE, "unknown-key", "warning"),
    (e("2021-08-31", "cass-event", "1"), CASS, "outside-periods", "warning"),
    (e("2026-09-03", "coaching", "1"), BUTTE, "outside-periods", "warning"),  # after year 2 (to 2026-09-02)
    (e("2024-09-02", "coaching", "1"), BUTTE, "outside-periods", "warning"),  # the day before enrolment
]


@pytest.mark.parametrize("entry,programs,code,severity", ONE_ENTRY,
                         ids=[f"{c}-{x.activity}-{x.hours}" for x, _, c, _ in ONE_ENTRY])
def test_each_entry_problem(entry, programs, code, severity):
    m = member(entry, programs=programs)
    assert problems(m) == [(code, severity, 100)]
    (p,) = member_problems(m, registry())
    assert str(p).startswith(f"{PATH}:100: ")
    if severity == "error":
        with pytest.raises(DataError):
            ensure_valid(m, registry())
    else:
        assert ensure_valid(m, registry()) is m


def test_entries_inside_the_periods_are_not_outside():
    m = member(e("2020-09-01", "cass-event", "1"), e("2024-09-03", "coaching", "1"),
               e("2026-09-02", "coaching", "1"), programs={"cass-cep": "2021-08-31", **BUTTE})
    assert problems(m) == []


def test_an_activity_of_another_program_names_that_program():
    (p,) = member_problems(member(e("2025-10-01", "workshop", "1"), programs=BOTH), registry())
    assert p.code == "unknown-activity" and "casc-rossier" in p.message


def test_an_unknown_activity_names_the_choices():
    (p,) = member_problems(member(e("2025-10-01", "webinar", "1"), programs=CASS), registry())
    assert "live-webinar" in p.message


def test_an_entry_is_checked_against_every_program_defining_it():
    # hours are fine for cass, and coaching is a CASC activity: both accepted in a two-program member
    m = member(e("2025-10-01", "cass-event", "2"), e("2024-10-01", "coaching", "1"), programs=BOTH)
    assert problems(m) == []


def test_amount_at_the_edges_is_accepted():
    m = member(e("2025-10-01", "live-webinar", "1000"), e("2025-10-02", "live-webinar", "0.01"), programs=CASS)
    assert problems(m) == []


def test_hours_on_a_fixed_activity_are_allowed():
    assert problems(member(e("2025-10-01", "cep-course", "3", course=1), programs=CASS)) == []


def test_void_entries_are_still_checked():
    m = member(e("2025-10-01", "live-webinar", "0", void="typo"), programs=CASS)
    assert problems(m) == [("zero-amount", "error", 100)]


def test_duplicate_id():
    m = member(e("2025-10-01", "cass-event", "1", id="abc123"), e("2025-10-02", "cass-event", "2", id="abc123"),
               e("2025-10-03", "cass-event", "3", id="other1"), programs=CASS)
    assert problems(m) == [("duplicate-id", "warning", 100), ("duplicate-id", "warning", 110)]


def test_same_entry_twice():
    row = dict(item="fall", title="Fall")
    m = member(e("2025-10-01", "cass-event", "2", **row), e("2025-10-01", "cass-event", "2", **row),
               e("2025-10-01", "cass-event", "3", **row), programs=CASS)
    assert problems(m) == [("same-entry-twice", "warning", 110)]
    (p,) = member_problems(m, registry())
    assert "line 100" in p.message


def test_same_entry_twice_ignores_voided_copies():
    m = member(e("2025-10-01", "cass-event", "2"), e("2025-10-01", "cass-event", "2", void="twice"), programs=CASS)
    assert list(check_duplicates(m)) == []


def test_employed_after_since_is_valid():
    # Monterey admits on a verified offer of employment (RULES.md): no problem, and the
    # enrolment deadline is met (tests/test_calc_casc.py)
    m = member(programs={"casc-butte": ("2024-09-03", "2024-09-04")})
    assert problems(m) == []
    ok = member(programs={"casc-butte": ("2024-09-03", "2024-09-03")})
    assert problems(ok) == []


def test_unknown_program_and_abstract_program():
    assert problems(member(programs={"nope": "2024-01-01"})) == [("unknown-program", "error", 5)]
    assert problems(member(programs={"casc-base": "2024-01-01"})) == [("unknown-program", "error", 5)]


def test_no_program_is_a_warning():
    assert problems(member(programs={})) == [("no-program", "warning", 1)]


def test_problems_come_in_file_order():
    m = member(e("2025-10-01", "live-webinar", "0"), e("2025-10-01", "yoga", "1"),
               e("2025-10-01", "verifiable-self-directed", "2"), programs={"cass-cep": "2021-09-01"})
    assert [p.line for p in member_problems(m, registry())] == [100, 110, 120]


def test_amounts_are_decimal_not_float():
    m = member(e("2025-10-01", "live-webinar", "0.1"), programs=CASS)
    assert m.entries[0].hours == Decimal("0.1")
    assert problems(m) == []


def test_messages_name_the_choices_from_the_rules():
    m = member(e("2024-10-01", "professional-learning", "2", cpsel=["7"]),
               e("2024-10-02", "cpsel-rating", ratings={"9": "excellent"}), programs=BUTTE)
    msgs = [p.message for p in member_problems(m, registry())]
    assert msgs == [
        "'7' is not a CPSEL standard (1, 2, 3, 4, 5, 6) or element (1A ... 6C)",
        "rating for unknown standard '9'; use one of: 1, 2, 3, 4, 5, 6",
        "unknown rating level 'excellent'; choose one of: directed-toward, approaches, meets, exemplifies"
        " (or proficient, advanced)",
    ]
