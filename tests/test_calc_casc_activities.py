"""The CASC programs activity by activity: coaching and professional learning, the Butte
IIP coverage, CPSEL proficiency, milestones, and a member in two programs.

The whole-program cases (every requirement met exactly, then one short) are in
test_calc_casc.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from calc_helpers import (
    ALL_MEET,
    END,
    EMPLOYED,
    PROGRAMS,
    SINCE,
    YEAR,
    D,
    casc,
    counted,
    d,
    e,
    member,
    registry,
    req,
    start,
    status,
)
from cepledger.calc.evaluate import evaluate_member


# ---------------------------------------------------------------- coaching, professional learning


def weekly(first, n: int, hours: str) -> list:
    """``n`` coaching meetings of ``hours``, one a week from ``first`` (a Tuesday for SINCE)."""
    return [e(first + timedelta(days=7 * k), "coaching", hours) for k in range(n)]


Y2 = SINCE + timedelta(days=365)  # 2025-09-03, the first day of program year 2


@pytest.mark.parametrize("meetings,weeks,hours,hours_met", [
    # (year 1 meetings, year 2 meetings): weeks per year, hours in the program (year-2 view)
    ((weekly(SINCE, 40, "1"), weekly(Y2, 40, "1")), (40, 40), "80", True),
    ((weekly(SINCE, 40, "1.125"), weekly(Y2, 40, "0.875")), (40, 40), "80", True),  # 45 h + 35 h
    ((weekly(SINCE, 40, "1.125"), weekly(Y2, 39, "0.875") + [e(Y2 + timedelta(days=300), "coaching", "0.865")]),
     (40, 40), "79.99", False),  # 45 h + 34.99 h
    # two meetings in one week (Tuesday and Sunday) are one week
    ((weekly(SINCE, 40, "1") + [e(SINCE + timedelta(days=5), "coaching", "1")], weekly(Y2, 40, "1")),
     (40, 40), "81", True),
    ((weekly(SINCE, 39, "1") + [e(SINCE + timedelta(days=5), "coaching", "2")], weekly(Y2, 40, "1")),
     (39, 40), "81", True),
    ((weekly(SINCE, 40, "1"), weekly(Y2, 20, "2")), (40, 20), "80", True),
])
def test_butte_coaching_hours_in_the_program_and_weeks_per_year(meetings, weeks, hours, hours_met):
    m = casc("casc-butte", meetings[0] + meetings[1])
    y1, y2 = status(m, "casc-butte", 2024), status(m, "casc-butte", 2025)
    assert (req(y1, "coaching-weeks").earned, req(y2, "coaching-weeks").earned) == (D(weeks[0]), D(weeks[1]))
    assert [req(y, "coaching-weeks").met for y in (y1, y2)] == [weeks[0] >= 40, weeks[1] >= 40]
    r = req(y2, "coaching-hours")
    assert (r.earned, r.required, r.met, r.due) == (D(hours), D(80), hours_met, d("2026-09-02"))
    assert req(y1, "coaching-hours").due == d("2026-09-02")  # due at program end: not in year 1's met


def test_a_week_cut_by_the_year_boundary_counts_in_both_years():
    # 2025-09-02 (Tue, last day of year 1) and 2025-09-03 (Wed, first of year 2): one Monday-Sunday week
    m = casc("casc-butte", [e("2025-09-02", "coaching", "1"), e("2025-09-03", "coaching", "1")])
    y1, y2 = status(m, "casc-butte", 2024), status(m, "casc-butte", 2025)
    assert (req(y1, "coaching-weeks").earned, req(y2, "coaching-weeks").earned) == (D(1), D(1))


@pytest.mark.parametrize("pl,ws,pl_met,ws_met", [
    ("42", "18", True, True),
    ("41.99", "18", False, True),
    ("42.01", "17.99", True, False),
    ("0", "60", True, True),
    ("60", "0", True, False),
])
def test_rossier_professional_learning_includes_workshops(pl, ws, pl_met, ws_met):
    entries = [e("2024-10-01", "professional-learning", pl)] if D(pl) else []
    entries += [e("2024-10-02", "workshop", ws)] if D(ws) else []
    res = status(casc("casc-rossier", entries), "casc-rossier", 2024)
    assert req(res, "professional-learning-hours").earned == D(pl) + D(ws)
    assert req(res, "workshop-hours").earned == D(ws)
    assert (req(res, "professional-learning-hours").met, req(res, "workshop-hours").met) == (pl_met, ws_met)


def test_workshops_count_for_nothing_outside_rossier():
    m = casc("casc-butte", [e("2024-10-02", "workshop", "30"), e("2024-10-02", "professional-learning", "5")])
    assert req(status(m, "casc-butte", 2024), "professional-learning-hours").earned == D(5)


def test_hours_above_the_minimum_stay_in_their_year():
    m = casc("casc-monterey", [e("2024-10-01", "coaching", "80")])
    assert req(status(m, "casc-monterey", 2024), "coaching-hours").earned == D(80)
    assert req(status(m, "casc-monterey", 2025), "coaching-hours").earned == D(0)


# ---------------------------------------------------------------- Butte IIP coverage


@pytest.mark.parametrize("year,iips,missing", [
    (1, [["1", "2", "3"]], ()),
    (1, [["1A", "2A", "3D"]], ()),
    (1, [["1", "2"]], ("3",)),
    (1, [["1"], ["2C", "3"]], ()),
    (1, [["4", "5", "6"]], ("1", "2", "3")),
    (1, [], ("1", "2", "3")),
    (2, [["4", "5", "6"]], ()),
    (2, [["4A", "5C"], ["6B"]], ()),
    (2, [["1", "2", "3", "4"]], ("5", "6")),
    (2, [["4B"]], ("5", "6")),
])
def test_butte_iip_covers_1_to_3_in_year_1_and_4_to_6_in_year_2(year, iips, missing):
    s = start(year)
    m = casc("casc-butte", [e(s + timedelta(days=k), "iip", cpsel=tags) for k, tags in enumerate(iips)])
    r = req(status(m, "casc-butte", YEAR[year]), "iip")
    assert r.missing == missing
    assert (r.required, r.earned, r.met) == (D(3), D(3 - len(missing)), not missing)


def test_monterey_and_rossier_iip_is_a_count():
    for program in ("casc-monterey", "casc-rossier"):
        r = req(status(casc(program, [e("2024-10-01", "iip")]), program, 2024), "iip")
        assert (r.earned, r.met, r.missing) == (D(1), True, None)


def test_cpsel_tags_on_professional_learning_do_not_cover_the_iip():
    m = casc("casc-butte", [e("2024-10-01", "professional-learning", "3", cpsel=["1", "2", "3"])])
    assert req(status(m, "casc-butte", 2024), "iip").missing == ("1", "2", "3")


# ---------------------------------------------------------------- CPSEL proficiency


@pytest.mark.parametrize("ratings,missing", [
    ([ALL_MEET], ()),
    ([{**ALL_MEET, "3": "proficient", "5": "advanced", "6": "exemplifies"}], ()),
    ([{**ALL_MEET, "2": "approaches"}], ("2",)),
    ([{**ALL_MEET, "2": "directed-toward", "4": "approaches"}], ("2", "4")),
    ([{"1": "meets", "2": "meets"}], ("3", "4", "5", "6")),
    ([ALL_MEET, {"3": "approaches"}], ("3",)),                # a later 'approaches' undoes 'meets'
    ([ALL_MEET, {"3": "approaches"}, {"3": "meets"}], ()),     # and a later 'meets' restores it
    ([{**ALL_MEET, "4": "approaches"}, {"4": "proficient"}], ()),
    ([{"1": "meets", "2": "meets", "3": "meets"}, {"4": "meets", "5": "meets", "6": "meets"}], ()),
    ([], ("1", "2", "3", "4", "5", "6")),
])
def test_cpsel_proficiency_latest_rating_wins(ratings, missing):
    entries = [e(d("2025-01-10") + timedelta(days=60 * k), "cpsel-rating", ratings=r) for k, r in enumerate(ratings)]
    res = status(casc("casc-butte", entries), "casc-butte", 2025)
    r = req(res, "cpsel-proficiency")
    assert r.missing == missing
    assert (r.required, r.earned, r.met, r.due) == (D(6), D(6 - len(missing)), not missing, END[2])


def test_same_day_ratings_follow_file_order():
    entries = [e("2026-01-10", "cpsel-rating", ratings=ALL_MEET), e("2026-01-10", "cpsel-rating", ratings={"2": "approaches"})]
    assert req(status(casc("casc-rossier", entries), "casc-rossier", 2025), "cpsel-proficiency").missing == ("2",)
    entries.reverse()
    assert req(status(casc("casc-rossier", entries), "casc-rossier", 2025), "cpsel-proficiency").missing == ()


def test_ratings_of_year_1_count_in_year_2_and_self_assessment_ratings_do_not():
    entries = [e("2025-03-01", "cpsel-rating", ratings=ALL_MEET),
               e("2025-10-01", "self-assessment", ratings={"1": "approaches"})]
    assert req(status(casc("casc-butte", entries), "casc-butte", 2025), "cpsel-proficiency").met


def test_void_rating_does_not_count():
    entries = [e("2025-03-01", "cpsel-rating", ratings=ALL_MEET),
               e("2025-10-01", "cpsel-rating", ratings={"1": "approaches"}, void="typo")]
    assert req(status(casc("casc-butte", entries), "casc-butte", 2025), "cpsel-proficiency").met


# ---------------------------------------------------------------- milestones


@pytest.mark.parametrize("dates,y1,y2", [
    (["2024-09-03", "2025-09-03"], (1, True), (1, True)),
    (["2024-09-03", "2024-10-03"], (2, True), (0, False)),
    (["2025-09-03"], (0, False), (1, True)),
])
def test_butte_orientation_is_per_year(dates, y1, y2):
    m = casc("casc-butte", [e(x, "orientation") for x in dates])
    for year, (earned, met) in ((2024, y1), (2025, y2)):
        r = req(status(m, "casc-butte", year), "orientation")
        assert (r.earned, r.met) == (D(earned), met)


@pytest.mark.parametrize("dates,y1,y2", [
    (["2024-09-03"], 1, 1),
    (["2025-09-03"], 0, 1),
    ([], 0, 0),
])
def test_monterey_orientation_is_once_in_the_program(dates, y1, y2):
    m = casc("casc-monterey", [e(x, "orientation") for x in dates])
    assert req(status(m, "casc-monterey", 2024), "orientation").earned == D(y1)
    r2 = req(status(m, "casc-monterey", 2025), "orientation")
    assert (r2.earned, r2.met, r2.due) == (D(y2), y2 == 1, END[2])


@pytest.mark.parametrize("y1,y2,met", [(3, 0, True), (2, 1, True), (0, 3, True), (1, 1, False), (0, 2, False)])
def test_butte_three_self_assessments_over_the_program(y1, y2, met):
    entries = [e(SINCE + timedelta(days=k), "self-assessment") for k in range(y1)]
    entries += [e(start(2) + timedelta(days=k), "self-assessment") for k in range(y2)]
    m = casc("casc-butte", entries)
    assert req(status(m, "casc-butte", 2024), "self-assessments").earned == D(y1)
    r = req(status(m, "casc-butte", 2025), "self-assessments")
    assert (r.earned, r.met) == (D(y1 + y2), met)


def test_milestones_record_their_dates():
    m = casc("casc-monterey", [e("2024-09-05", "orientation"), e("2025-01-15", "mid-year-meeting")])
    res = status(m, "casc-monterey", 2024)
    assert req(res, "mid-year-meeting").dates == (d("2025-01-15"),)
    assert req(res, "orientation").dates == (d("2024-09-05"),)


@pytest.mark.parametrize("program", PROGRAMS)
def test_employment_verification_once_in_the_program(program):
    m = casc(program, [e("2025-12-01", "employment-verification")])
    assert not req(status(m, program, 2024), "employment-verification").met
    assert req(status(m, program, 2025), "employment-verification").met


def test_milestones_carry_no_amount():
    m = casc("casc-butte", [e("2024-10-01", "orientation"), e("2024-10-01", "coaching", "1.5")])
    res = status(m, "casc-butte", 2024)
    assert counted(res) == [D(0), D("1.5")]


# ---------------------------------------------------------------- member in two programs


def test_entries_count_only_toward_programs_defining_their_activity():
    m = member(
        e("2024-10-01", "cass-event", "8", item="fall"),
        e("2024-10-02", "professional-learning", "5", cpsel=["2"]),
        e("2024-10-03", "coaching", "1.5"),
        e("2024-10-04", "workshop", "6"),          # Rossier only: counts nowhere here
        e("2024-10-05", "cep-course", course=3),
        programs={"cass-cep": "2021-09-01", "casc-butte": (SINCE, EMPLOYED)},
    )
    st = evaluate_member(m, registry(), 2024)
    by_id = {p.program: p for p in st.programs}
    assert list(by_id) == ["cass-cep", "casc-butte"]
    cass, butte = by_id["cass-cep"], by_id["casc-butte"]
    assert req(cass, "annual-credits").earned == D(18)
    assert [a.activity for a in cass.activities] == ["cass-event", "cep-course"]
    assert req(butte, "professional-learning-hours").earned == D(5)
    assert req(butte, "coaching-hours").earned == D("1.5")
    assert [a.activity for a in butte.activities] == ["coaching", "professional-learning"]
    assert butte.period.program_year == 1 and cass.period.program_year is None
    only = evaluate_member(m, registry(), 2024, program="casc-butte")
    assert [p.program for p in only.programs] == ["casc-butte"]
    # after the two CASC years only CASS remains
    assert [p.program for p in evaluate_member(m, registry(), 2027).programs] == ["cass-cep"]



def test_milestones_are_requirements_not_amount_activities():
    m = member(
        e("2024-09-10", "orientation"),
        e("2024-09-12", "coaching", 1),
        e("2024-09-20", "iip", cpsel=("1", "2A", "3")),
        e("2024-09-26", "coaching", "1.5"),
        programs={"casc-butte": ("2024-09-03", "2024-07-01")},
    )
    result = status(m, "casc-butte", 2024)
    assert [(a.activity, a.claimed, a.counted) for a in result.activities] == [("coaching", D("2.5"), D("2.5"))]
    assert req(result, "orientation").earned == 1
    assert req(result, "iip").missing == ()
