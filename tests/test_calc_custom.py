"""A program the code has never heard of: tests/programs/nurse-cycle.toml.

Three-year cycles, pro-rating of the first cycle, carry-over between cycles, a per-year
cap inside a cycle and a combined cap per cycle: all from the rule file alone (RULES.md,
"Beyond the seeds"). The numbers are worked out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc_helpers import D, TEST_PROGRAMS, counted, d, e, member, nurse_registry, req
from cepledger.calc.caps import allocate
from cepledger.calc.evaluate import evaluate_member, evaluate_program
from cepledger.model.periods import program_period

NURSE = "nurse-cycle"


def prog():
    return nurse_registry().programs[NURSE]


def nurse(*entries, since="2025-03-01"):
    return member(*entries, programs={NURSE: since})


def cycle(m, year):
    period = program_period(prog().period, m.enrolment(NURSE), year)
    return None if period is None else evaluate_program(m, prog(), period)


def hours(m, year):
    return req(cycle(m, year), "cycle-hours")


def test_the_file_loads_without_problems_and_next_to_the_packaged_programs():
    reg = nurse_registry()
    assert reg.problems == []
    assert {"cass-cep", "casc-butte", NURSE} <= set(reg.programs)
    assert reg.programs[NURSE].path.endswith("tests/programs/nurse-cycle.toml")
    assert TEST_PROGRAMS.is_dir()


# ---------------------------------------------------------------- cycles


@pytest.mark.parametrize("year,label", [
    (2023, None),
    (2024, "2024-27"), (2025, "2024-27"), (2026, "2024-27"),
    (2027, "2027-30"), (2028, "2027-30"), (2029, "2027-30"),
    (2030, "2030-33"),
])
def test_three_year_cycles_from_the_first_reporting_year(year, label):
    m = nurse()  # since 2025-03-01: first reporting year 2024-25
    p = program_period(prog().period, m.enrolment(NURSE), year)
    assert (p and p.label) == label
    if label:
        first = int(label[:4])
        assert (p.start, p.end, p.program_year) == (d(f"{first}-09-01"), d(f"{first + 3}-08-31"), None)


def test_any_year_of_the_cycle_gives_the_same_status():
    m = nurse(e("2025-05-01", "conference", "20"), e("2026-10-01", "conference", "20"), e("2027-01-01", "cpr"))
    results = [evaluate_member(m, nurse_registry(), y).programs[0] for y in (2024, 2025, 2026)]
    assert results[0] == results[1] == results[2]
    assert req(results[0], "cycle-hours").earned == D(40)
    assert req(results[0], "cycle-hours").due == d("2027-08-31")
    assert req(results[0], "cpr").met


def test_entries_on_the_cycle_boundary():
    m = nurse(e("2027-08-31", "conference", "3"), e("2027-09-01", "conference", "4"))
    assert hours(m, 2026).earned == D(3)
    assert hours(m, 2027).earned == D(4)


# ---------------------------------------------------------------- pro-rating


@pytest.mark.parametrize("since,required", [
    ("2024-09-01", "45"),      # the cycle's first day: nothing to pro-rate
    ("2024-09-02", "44.96"),   # 45 * 1094 / 1095 = 44.9589
    ("2025-03-01", "37.56"),   # 45 * 914 / 1095 = 37.5616 (914 days 2025-03-01..2027-08-31)
    ("2025-08-31", "30.04"),   # 45 * 731 / 1095 = 30.0411
    ("2025-09-01", "45"),      # first reporting year 2025-26: the cycle 2025-28 starts that day
])
def test_first_cycle_is_pro_rated_by_the_days_after_since(since, required):
    m = nurse(since=since)
    first_year = int(since[:4]) - (0 if since[5:] >= "09-01" else 1)
    r = hours(m, first_year)
    assert r.required == Decimal(required)
    assert hours(m, first_year + 3).required == D(45)  # later cycles: the full minimum


def test_count_requirements_are_not_pro_rated():
    assert req(cycle(nurse(), 2024), "cpr").required == D(1)


# ---------------------------------------------------------------- carry-over


@pytest.mark.parametrize("first,second,carried,earned,met", [
    ("50", "35", "10", "45", True),          # 50 - 37.56 = 12.44 over, at most 10 carried
    ("40", "42.56", "2.44", "45.00", True),  # 40 - 37.56 = 2.44 carried
    ("40", "42.55", "2.44", "44.99", False),
    ("37.56", "44", "0", "44", False),        # exactly the minimum: nothing over
    ("30", "45", "0", "45", True),            # short: nothing carried (and no debt)
])
def test_surplus_over_the_minimum_moves_to_the_next_cycle(first, second, carried, earned, met):
    m = nurse(e("2025-05-01", "conference", first), e("2028-05-01", "conference", second), e("2028-05-02", "cpr"))
    r = hours(m, 2027)
    assert (r.earned, r.met) == (D(earned), met)
    res = cycle(m, 2027)
    assert res.carried_in == D(carried)
    assert ("carried over" in r.detail) is (D(carried) > 0)
    assert cycle(m, 2024).carried_in == D(0)  # the first cycle has nothing before it


@pytest.mark.parametrize("second,third_carried", [("40", "0"), ("60", "10"), ("52", "7")])
def test_carry_over_does_not_chain(second, third_carried):
    # cycle 1: 50 own (10 carried into cycle 2); what cycle 3 gets depends on cycle 2's own hours only
    m = nurse(e("2025-05-01", "conference", "50"), e("2028-05-01", "conference", second))
    assert cycle(m, 2027).carried_in == D(10)
    r = hours(m, 2030)
    assert cycle(m, 2030).carried_in == D(third_carried)
    assert r.earned == D(third_carried)


def test_surplus_is_what_counted_after_caps():
    # reading 20 counts 5 (per-year cap); 5 + 40 = 45 - 37.56 = 7.44 over
    m = nurse(e("2025-04-01", "reading", "20"), e("2025-05-01", "conference", "40"))
    assert cycle(m, 2027).carried_in == D("7.44")


def test_void_entries_carry_nothing():
    m = nurse(e("2025-05-01", "conference", "50", void="not mine"))
    assert cycle(m, 2027).carried_in == D(0)


# ---------------------------------------------------------------- caps inside a cycle


def test_per_year_cap_resets_each_reporting_year_of_the_cycle():
    m = nurse(e("2024-10-01", "reading", "6"), e("2025-10-01", "reading", "6"), since="2024-09-01")
    assert counted(cycle(m, 2024)) == [D(5), D(5)]


def test_group_cap_applies_per_cycle():
    m = nurse(
        e("2024-10-01", "reading", "5"), e("2025-10-01", "reading", "5"), e("2026-10-01", "reading", "5"),
        e("2027-10-01", "reading", "5"), since="2024-09-01",
    )
    assert counted(cycle(m, 2024)) == [D(5), D(5), D(2)]  # reading + journal club: 12 a cycle
    assert counted(cycle(m, 2027)) == [D(5)]
    # one allocation over two cycles keeps one group cap per cycle
    both = allocate(m, prog(), d("2024-09-01"), d("2030-08-31"))
    assert [r.counted for r in both] == [D(5), D(5), D(2), D(5)]


def test_group_cap_combines_its_activities():
    m = nurse(e("2024-11-01", "journal-club", "10"), e("2024-12-01", "reading", "5"),
              e("2025-01-01", "conference", "8"), since="2024-09-01")
    res = cycle(m, 2024)
    assert counted(res) == [D(10), D(2), D(8)]
    (clip,) = res.entries[1].clips
    assert (clip.scope, clip.cap, clip.used_before) == ("group", D(12), D(10))
    assert hours(m, 2024).earned == D(20)


def test_item_caps_are_per_reporting_year_inside_a_cycle():
    m = nurse(e("2024-10-01", "course", "25", item="x"), e("2025-10-01", "course", "10", item="x"),
              e("2025-11-01", "course", "15", item="x"), since="2024-09-01")
    assert counted(cycle(m, 2024)) == [D(20), D(10), D(10)]


def test_programs_outside_the_member_are_not_evaluated():
    m = member(e("2025-05-01", "conference", "10"), programs={"cass-cep": "2021-09-01"})
    st = evaluate_member(m, nurse_registry(), 2025)
    assert [p.program for p in st.programs] == ["cass-cep"]
    assert st.programs[0].entries == ()


# ---------------------------------------------------------------- years of enrolment, weeks: a file of its own

MENTOR = """\
format = 1
id = "mentor-3y"
name = "A three-year mentoring licence"
unit = "hours"

[period]
kind = "program"
years = 3
years_of = "enrolment"

[activities.meeting]
name = "Mentoring meeting"

[activities.office]
name = "Chair of the licensing board"
plannable = false

[[requirements]]
id = "meeting-weeks"
kind = "weeks"
activities = ["meeting"]
min = 2
unit = "weeks"

[[requirements]]
id = "meeting-hours"
kind = "total"
activities = ["meeting"]
min = 10
scope = "program"
"""


def test_years_of_enrolment_and_weeks_from_a_rule_file_alone(tmp_path):
    from cepledger.rules.load import load_registry

    (tmp_path / "mentor-3y.toml").write_text(MENTOR, encoding="utf-8")
    reg = load_registry([tmp_path])
    assert not reg.errors(), reg.errors()
    rules = reg.programs["mentor-3y"]
    assert rules.activities["office"].plannable is False and rules.activities["meeting"].plannable is True
    m = member(e("2025-03-09", "meeting", "4"),   # a Sunday, the day before `since`: counts for nothing
               e("2025-03-10", "meeting", "1"),   # Monday
               e("2025-03-16", "meeting", "1"),   # Sunday, the same week
               e("2026-03-09", "meeting", "2"),   # Monday, the last day of year 1: a second week
               e("2027-03-10", "meeting", "3"),   # year 3 starts 2027-03-10
               programs={"mentor-3y": "2025-03-10"})
    years = [evaluate_member(m, reg, program_year=n).programs[0] for n in (1, 2, 3)]
    assert [(str(y.period.start), str(y.period.end)) for y in years] == [
        ("2025-03-10", "2026-03-09"), ("2026-03-10", "2027-03-09"), ("2027-03-10", "2028-03-09")]
    assert [req(y, "meeting-weeks").earned for y in years] == [D(2), D(0), D(1)]
    assert [req(y, "meeting-weeks").met for y in years] == [True, False, False]
    # program scope: earned up to the end of each view, due at the end of year 3
    assert [req(y, "meeting-hours").earned for y in years] == [D(4), D(4), D(7)]
    assert {str(req(y, "meeting-hours").due) for y in years} == {"2028-03-09"}
    assert evaluate_member(m, reg, 2026).programs[0].period.program_year == 2  # most days of 2026-27
