"""The branches of the calculator that the behaviour tests do not reach (branch
coverage gate, docs/testing.md), on a small rule file written here; numbers by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from calc_helpers import D, e, member, nurse_registry, req, status
from cepledger.calc.evaluate import evaluate_member, evaluate_program
from cepledger.calc.explain import explain_entry
from cepledger.calc.plan import suggest, weekly_pace
from cepledger.calc.report import build_report
from cepledger.model.errors import DataError
from cepledger.model.periods import program_period
from cepledger.rules.load import load_registry

COV = """\
format = 1
id = "cov"
name = "Coverage program"

[activities.talk]
cap = 5
per = "period"

[activities.badge]
amount = "fixed"
credits = 2

[activities.milestone]
amount = "none"

[activities.open]

[[requirements]]
id = "talk-hours"
kind = "total"
min = 12
activities = ["talk"]

[[requirements]]
id = "since-enrolment"
kind = "total"
min = 3
scope = "enrolment"

[[requirements]]
id = "topics"
kind = "distinct"
field = "item"
min = 2
activities = ["open"]

[[requirements]]
id = "topics-ever"
kind = "distinct"
field = "item"
min = 1
scope = "enrolment"
activities = ["open"]

[[requirements]]
id = "topics-window"
kind = "distinct"
field = "item"
min = 1
scope = "window"
window_years = 5
activities = ["open"]
"""


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cov-programs")
    (folder / "cov.toml").write_text(COV, encoding="utf-8")
    registry = load_registry([folder])
    assert registry.problems == []
    return registry


def cov_member(*entries):
    return member(*entries, programs={"cov": "2025-09-01"})


def test_requirements_scoped_to_the_enrolment_and_distinct_items(reg) -> None:
    m = cov_member(e("2025-10-01", "talk", "4"), e("2025-10-02", "talk", "3"),
                   e("2025-10-03", "open", "1", item="a"), e("2025-10-04", "open", "1"),
                   e("2025-10-05", "open", "1", item="a"))
    pr = status(m, "cov", 2025, reg=reg)
    assert req(pr, "talk-hours").earned == D(5)  # 4 + 3 clipped to the period cap of 5
    assert req(pr, "since-enrolment").earned == D(8)  # 5 + 3 open hours
    topics = req(pr, "topics")
    assert topics.earned == D(1) and topics.detail == "a"  # one item, twice; an entry without one


def test_a_suggestion_stops_when_the_period_cap_is_used_up(reg) -> None:
    m = cov_member(e("2025-10-01", "talk", "2"))
    pr = status(m, "cov", 2025, reg=reg)
    r = req(pr, "talk-hours")
    assert r.shortfall == D(10)
    steps = suggest(reg.programs["cov"], pr, r, date(2026, 3, 1))
    assert [(s.activity, s.credits, s.room) for s in steps] == [("talk", D(3), D(3))]


def test_the_explanations_of_fixed_milestone_outside_and_foreign_entries(reg) -> None:
    m = cov_member(e("2025-10-01", "badge", "7", id="b1"), e("2025-10-02", "milestone", id="m1"),
                   e("2024-10-01", "open", "1", id="o1"), e("2025-10-03", "talk", "4", id="t1"),
                   e("2025-10-04", "talk", "4", id="t2"))
    programs = [reg.programs["cov"], reg.programs["cass-cep"]]
    (b,) = explain_entry(m, programs, "b1")
    assert (b.counted, b.note) == (D(2), "a fixed 2 per entry, whatever the hours say")
    (ms,) = explain_entry(m, programs, "m1")
    assert ms.note == "a milestone: it counts toward its requirement, not toward any total"
    (o,) = explain_entry(m, programs, "o1")  # cass-cep has no "open": left out
    assert o.counted == 0 and o.note == "not counted: 2024-10-01 is outside the member's time in cov"
    m2 = cov_member(e("2025-10-05", "open", "1", id="o2"))
    (o2,) = explain_entry(m2, programs, "o2")
    assert (o2.counted, o2.note) == (D(1), "no cap applies to this activity")
    (t2,) = explain_entry(m, programs, "t2")
    assert t2.counted == D(1) and [s.used_before for s in t2.steps] == [D(4)]  # same period: shares the cap


def test_a_per_year_cap_inside_a_cycle_is_not_shared_across_years() -> None:
    reg = nurse_registry()
    prog = reg.programs["nurse-cycle"]
    capped = next(a for a in prog.activities.values() if a.per == "year")
    m = member(e("2025-04-01", capped.id, "1", id="y1", item="i"), e("2025-10-01", capped.id, "1", id="y2", item="i"),
               programs={"nurse-cycle": "2025-03-01"})
    (x,) = explain_entry(m, [prog], "y2")
    assert x.counted == D(1) and all(s.used_before == 0 for s in x.steps if s.per == "year")


def test_not_enrolled_unknown_programs_and_years_before_the_enrolment(reg) -> None:
    m = cov_member(e("2025-10-01", "talk", "1"))
    period = program_period(reg.programs["cov"].period, m.enrolment("cov"), 2025)
    with pytest.raises(ValueError, match="not enrolled in cass-cep"):
        evaluate_program(m, reg.programs["cass-cep"], period)
    with pytest.raises(DataError, match="unknown program 'cov'"):
        evaluate_member(m, load_registry(), 2025)
    report = build_report(m, [reg.programs["cov"]], 2020, [], date(2026, 3, 1))
    assert report.programs == []


def test_no_weekly_pace_once_the_due_date_has_passed() -> None:
    assert weekly_pace(D(5), date(2026, 3, 1), date(2026, 2, 1)) is None
    assert weekly_pace(D(5), date(2026, 3, 1), date(2026, 3, 1)) == D(5)


def test_a_tag_that_names_no_standard_covers_nothing() -> None:
    m = member(e("2025-10-01", "iip", cpsel=["9Z", "1"]), programs={"casc-butte": ("2025-09-03", "2025-07-01")})
    pr = status(m, "casc-butte", 2025)
    cov = next(r for r in pr.requirements if r.kind == "coverage")
    assert cov.missing == ("2", "3") and cov.earned == D(1)


FIXED2 = """\
format = 1
id = "fixed2"
name = "Two program years counted in reporting years"

[period]
kind = "program"
years = 2
start_month = 9

[activities.talk]

[[requirements]]
id = "enrol-in-time"
kind = "deadline"
max_days = 30
"""


@pytest.fixture(scope="module")
def fixed2(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixed2-programs")
    (folder / "fixed2.toml").write_text(FIXED2, encoding="utf-8")
    registry = load_registry([folder])
    assert registry.problems == []
    return registry


def test_program_years_counted_in_reporting_years_and_a_deadline_in_days(fixed2) -> None:
    from cepledger.calc.views import program_years, select_period

    prog = fixed2.programs["fixed2"]
    m = member(programs={"fixed2": ("2025-09-01", "2025-07-01"), "cass-cep": "2021-09-01"})
    enrolment = m.enrolment("fixed2")
    first = select_period(prog, enrolment, on=date(2026, 3, 1), program_year=1)
    second = select_period(prog, enrolment, on=date(2026, 3, 1), program_year=2)
    assert (first.start, first.end) == (date(2025, 9, 1), date(2026, 8, 31))
    assert second.start == date(2026, 9, 1)
    assert select_period(prog, enrolment, on=date(2026, 3, 1), program_year=3) is None
    assert program_years(prog, enrolment) == [first, second]
    assert program_years(fixed2.programs["cass-cep"], m.enrolment("cass-cep")) == []
    late = req(evaluate_program(m, prog, first), "enrol-in-time")
    assert late.earned == 0
    assert late.detail == "enrolled 62 days after starting as an administrator (at most 30)"


def test_a_member_status_needs_a_period() -> None:
    with pytest.raises(ValueError, match="needs year, program_year, as_of or today"):
        evaluate_member(member(), load_registry())


def test_weeks_remaining_once_the_due_date_has_passed() -> None:
    from cepledger.calc.plan import weeks_remaining

    assert weeks_remaining(date(2026, 3, 4), date(2026, 3, 1)) == 0
    assert weeks_remaining(date(2026, 3, 4), date(2026, 3, 8)) == 1  # Wednesday to Sunday: one week


def test_the_report_lists_every_candidate_of_a_distinct_count_and_why(reg) -> None:
    from cepledger.calc.report import course_sections, periods_shown, program_year_periods

    prog = reg.programs["cov"]
    m = cov_member(e("2025-10-01", "open", "1", item="a"), e("2025-10-02", "open", "1"),
                   e("2027-01-01", "open", "1", item="b"))
    pr = status(m, "cov", 2025, reg=reg)
    sections = {s.requirement.id: s for s in course_sections(m, prog, pr)}
    assert [r.reason for r in sections["topics-ever"].rows] == [
        "counts", "no known item", "outside the window 2025-09-01 to 2026-08-31"]
    window = sections["topics-window"]
    assert (window.start, window.end) == (date(2025, 9, 1), date(2030, 8, 31))
    assert [r.reason for r in window.rows] == ["counts", "no known item", "after the period shown"]
    assert program_year_periods(prog, m) == [] and program_year_periods(reg.programs["cass-cep"], m) == []
    assert periods_shown(reg.programs["cass-cep"], m, 2025, date(2026, 3, 1)) == []


def test_explaining_an_unknown_entry_and_coaching_outside_the_programs(reg) -> None:
    from cepledger.calc.coaching import coaching_log

    m = cov_member(e("2025-10-01", "coaching", "1", id="c1"))
    with pytest.raises(KeyError):
        explain_entry(m, [reg.programs["cov"]], "nope")
    (year,) = coaching_log(m, reg.programs["cass-cep"], m.entries)  # not enrolled: one group without a period
    assert year.period is None and [r.entry.id for r in year.rows] == ["c1"]


def test_due_rows_around_the_end_of_a_program() -> None:
    from cepledger.calc.due import _periods, missing_words

    butte = load_registry().programs["casc-butte"]
    m = member(programs={"casc-butte": ("2021-09-01", "2021-07-01")})
    assert _periods(butte, member(), date(2026, 3, 1)) == []  # not enrolled
    assert _periods(butte, m, date(2026, 3, 1)) == []  # long over
    (last,) = _periods(butte, m, date(2023, 10, 1))  # just over: its last year only
    assert last.start <= date(2023, 8, 31) <= last.end
    pr = evaluate_program(m, butte, last)
    r = pr.requirements[0]._replace(kind="deadline", missing=(), detail="")
    assert missing_words(r) == "not met"


def test_due_rows_leave_a_later_deadline_to_its_own_period() -> None:
    from cepledger.calc.due import due_rows

    butte = load_registry().programs["casc-butte"]
    m = member(programs={"casc-butte": ("2025-09-03", "2025-07-01")})
    rows = due_rows(m, [butte], date(2025, 10, 1), 3650)
    assert rows and all(r.period.start <= r.due <= r.period.end for r in rows)
    assert all(r.due <= date(2026, 9, 2) for r in rows)  # nothing of program year 2 from year 1's view
