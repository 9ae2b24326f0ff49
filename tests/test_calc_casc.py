"""The three CASC induction programs: every requirement met exactly, then one short.

A "complete" member meets every requirement of RULES.md at exactly its minimum (40
coaching meetings of 1 hour, 20 hours of professional learning ...). Each row of
``SHORT`` takes one small thing away and expects exactly that requirement to fail, in
exactly that program year, with every other requirement due in the period still met.
Activity-by-activity cases (coaching, IIP, CPSEL, milestones) are in
test_calc_casc_activities.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from calc_helpers import (
    ALL_MEET,
    END,
    PROGRAMS,
    SINCE,
    YEAR,
    D,
    casc,
    d,
    e,
    registry,
    req,
    start,
    status,
)
from cepledger.calc.evaluate import evaluate_member
from cepledger.model.periods import program_period


# RULES.md's table: requirement id -> when it is due ("year": end of each program year,
# "program": end of year 2, "since": the enrolment date).
REQUIREMENTS = {
    "casc-butte": {
        "coaching-hours": "year", "coaching-sessions": "year", "professional-learning-hours": "year",
        "orientation": "year", "assurances": "year", "iip": "year", "self-assessments": "program",
        "culminating-event": "program", "cpsel-proficiency": "program", "employment-verification": "program",
        "enrolment-deadline": "since",
    },
    "casc-monterey": {
        "coaching-hours": "year", "professional-learning-hours": "year", "orientation": "program",
        "iip": "year", "initial-interview": "program", "mid-year-meeting": "year", "site-visit": "year",
        "culminating-event": "program", "cpsel-proficiency": "program", "employment-verification": "program",
        "enrolment-deadline": "since",
    },
    "casc-rossier": {
        "coaching-hours": "year", "professional-learning-hours": "year", "workshop-hours": "year",
        "iip": "year", "culminating-event": "program", "cpsel-proficiency": "program",
        "employment-verification": "program",
    },
}
CULMINATING = {"casc-butte": "exit-interview", "casc-monterey": "colloquium", "casc-rossier": "portfolio-presentation"}


def year_entries(program: str, y: int) -> list:
    """Everything one program year needs, at exactly the minimum."""
    s = start(y)
    out = [e(s + timedelta(days=7 * k), "coaching", "1") for k in range(40)]  # 40 meetings, 40 h
    if program == "casc-rossier":
        out += [e(s + timedelta(days=10), "professional-learning", "14", cpsel=["1"]) for _ in range(3)]
        out += [e(s + timedelta(days=20), "workshop", "9", cpsel=["2A"]) for _ in range(2)]  # 42 + 18 = 60
        out += [e(s + timedelta(days=30), "iip", cpsel=["1", "2"])]
    else:
        out += [e(s + timedelta(days=10), "professional-learning", "10", cpsel=["3"]) for _ in range(2)]
    if program == "casc-butte":
        out += [e(s, "orientation"), e(s + timedelta(days=1), "assurances"),
                e(s + timedelta(days=30), "iip", cpsel=["1A", "2", "3D"] if y == 1 else ["4", "5B", "6C"])]
    if program == "casc-monterey":
        out += [e(s + timedelta(days=30), "iip", cpsel=["1"]), e(s + timedelta(days=120), "mid-year-meeting"),
                e(s + timedelta(days=150), "site-visit")]
    return out


def program_entries(program: str) -> list:
    """What the program needs once (culminating event, ratings, verification ...)."""
    out = [e("2024-10-01", "employment-verification"), e("2026-05-15", CULMINATING[program]),
           e("2026-06-01", "cpsel-rating", ratings=ALL_MEET)]
    if program == "casc-butte":
        out += [e("2024-09-20", "self-assessment"), e("2025-05-20", "self-assessment"),
                e("2026-05-01", "self-assessment")]
    if program == "casc-monterey":
        out += [e("2024-09-05", "orientation"), e("2024-09-10", "initial-interview")]
    return out


def complete(program: str) -> list:
    return year_entries(program, 1) + year_entries(program, 2) + program_entries(program)


# ---------------------------------------------------------------- mutations: one thing short


def _in_year(x, y):
    return start(y) <= x.date <= END[y]


def drop(activity, y=None, n=1):
    """Remove the first ``n`` entries of ``activity`` (in program year ``y``)."""
    def f(entries):
        out, left = [], n
        for x in entries:
            if left and x.activity == activity and (y is None or _in_year(x, y)):
                left -= 1
                continue
            out.append(x)
        return out
    return f


def change(activity, y, **fields):
    """Change the first entry of ``activity`` in program year ``y``."""
    def f(entries):
        out, done = [], False
        for x in entries:
            if not done and x.activity == activity and _in_year(x, y):
                fields2 = {k: (D(v) if k == "hours" else v) for k, v in fields.items()}
                x, done = x._replace(**fields2), True
            out.append(x)
        return out
    return f


def both(*fs):
    def f(entries):
        for g in fs:
            entries = g(entries)
        return entries
    return f


SHORT = [
    # program, requirement that fails, program year it fails in, the change
    ("casc-butte", "coaching-hours", 2, change("coaching", 2, hours="0.99")),
    ("casc-butte", "coaching-sessions", 1, both(drop("coaching", 1), change("coaching", 1, hours="2"))),
    ("casc-butte", "professional-learning-hours", 1, change("professional-learning", 1, hours="9.99")),
    ("casc-butte", "orientation", 2, drop("orientation", 2)),
    ("casc-butte", "assurances", 1, drop("assurances", 1)),
    ("casc-butte", "iip", 2, change("iip", 2, cpsel=("4", "5B"))),
    ("casc-butte", "iip", 1, change("iip", 1, cpsel=("4", "5", "6"))),
    ("casc-butte", "self-assessments", 2, drop("self-assessment")),
    ("casc-butte", "culminating-event", 2, drop("exit-interview")),
    ("casc-butte", "cpsel-proficiency", 2, change("cpsel-rating", 2, ratings=tuple({**ALL_MEET, "6": "approaches"}.items()))),
    ("casc-butte", "employment-verification", 2, drop("employment-verification")),
    ("casc-monterey", "coaching-hours", 1, change("coaching", 1, hours="0.99")),
    ("casc-monterey", "professional-learning-hours", 2, change("professional-learning", 2, hours="9.99")),
    ("casc-monterey", "orientation", 2, drop("orientation")),
    ("casc-monterey", "iip", 1, drop("iip", 1)),
    ("casc-monterey", "initial-interview", 2, drop("initial-interview")),
    ("casc-monterey", "mid-year-meeting", 1, drop("mid-year-meeting", 1)),
    ("casc-monterey", "site-visit", 2, drop("site-visit", 2)),
    ("casc-monterey", "culminating-event", 2, drop("colloquium")),
    ("casc-monterey", "cpsel-proficiency", 2, change("cpsel-rating", 2, ratings=tuple({**ALL_MEET, "1": "directed-toward"}.items()))),
    ("casc-monterey", "employment-verification", 2, drop("employment-verification")),
    ("casc-rossier", "coaching-hours", 2, change("coaching", 2, hours="0.99")),
    ("casc-rossier", "professional-learning-hours", 1, change("professional-learning", 1, hours="13.99")),
    ("casc-rossier", "workshop-hours", 2, both(change("workshop", 2, hours="8.99"),
                                               change("professional-learning", 2, hours="14.01"))),
    ("casc-rossier", "iip", 2, drop("iip", 2)),
    ("casc-rossier", "culminating-event", 2, drop("portfolio-presentation")),
    ("casc-rossier", "cpsel-proficiency", 2, drop("cpsel-rating")),
    ("casc-rossier", "employment-verification", 2, drop("employment-verification")),
]


def due_in(res):
    return [r for r in res.requirements if res.period.start <= r.due <= res.period.end]


# ---------------------------------------------------------------- the rule files = RULES.md


@pytest.mark.parametrize("program", PROGRAMS)
def test_requirement_ids_and_due_dates_are_as_rules_md_says(program):
    res = status(casc(program, []), program, 2024)
    expected_due = {"year": END[1], "program": END[2], "since": SINCE}
    assert {r.id: r.due for r in res.requirements} == {
        rid: expected_due[when] for rid, when in REQUIREMENTS[program].items()}


@pytest.mark.parametrize("program,rid,minimum", [
    ("casc-butte", "coaching-hours", 40), ("casc-butte", "coaching-sessions", 40),
    ("casc-butte", "professional-learning-hours", 20), ("casc-butte", "self-assessments", 3),
    ("casc-monterey", "coaching-hours", 40), ("casc-monterey", "professional-learning-hours", 20),
    ("casc-rossier", "coaching-hours", 40), ("casc-rossier", "professional-learning-hours", 60),
    ("casc-rossier", "workshop-hours", 18),
])
def test_minimums_are_as_rules_md_says(program, rid, minimum):
    assert req(status(casc(program, []), program, 2024), rid).required == D(minimum)


# ---------------------------------------------------------------- met exactly / one short


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_requirement_met_exactly(program):
    m = casc(program, complete(program))
    y1, y2 = status(m, program, 2024), status(m, program, 2025)
    assert y1.met and y2.met
    assert all(r.met for r in y2.requirements), [r.id for r in y2.requirements if not r.met]
    assert req(y2, "coaching-hours").earned == D(40)
    assert req(y1, "coaching-hours").earned == D(40)  # hours above a minimum stay in their year
    assert req(y2, "cpsel-proficiency").missing == ()


@pytest.mark.parametrize("program,rid,year,mutate", SHORT,
                         ids=[f"{p}-{r}-y{y}" for p, r, y, _ in SHORT])
def test_one_short_fails_exactly_that_requirement(program, rid, year, mutate):
    m = casc(program, mutate(complete(program)))
    res = status(m, program, YEAR[year])
    assert req(res, rid).met is False
    assert [r.id for r in due_in(res) if not r.met] == [rid]
    assert res.met is False
    other = status(m, program, YEAR[3 - year])
    assert other.met is True


@pytest.mark.parametrize("program", ["casc-butte", "casc-monterey"])
@pytest.mark.parametrize("days,met", [(364, True), (365, True), (366, False)])
def test_enrolment_deadline_365_days(program, days, met):
    m = casc(program, complete(program), employed=SINCE - timedelta(days=days))
    y1 = status(m, program, 2024)
    r = req(y1, "enrolment-deadline")
    assert (r.met, r.due) == (met, SINCE)
    assert y1.met is met
    assert status(m, program, 2025).met is True  # due at `since`: not in year 2


def test_enrolment_deadline_without_employed_since_is_not_met():
    m = casc("casc-butte", [], employed=None)
    r = req(status(m, "casc-butte", 2024), "enrolment-deadline")
    assert r.met is False
    assert "employed_since" in r.detail


def test_rossier_has_no_enrolment_deadline():
    m = casc("casc-rossier", complete("casc-rossier"), employed=SINCE - timedelta(days=5000))
    assert status(m, "casc-rossier", 2024).met


@pytest.mark.parametrize("program", PROGRAMS)
def test_met_in_year_1_ignores_program_end_requirements(program):
    m = casc(program, year_entries(program, 1) + (
        [e("2024-09-05", "orientation"), e("2024-09-10", "initial-interview")] if program == "casc-monterey" else []))
    y1 = status(m, program, 2024)
    assert y1.met is True
    assert not req(y1, "culminating-event").met and not req(y1, "cpsel-proficiency").met
    assert status(m, program, 2025).met is False


# ---------------------------------------------------------------- program years


@pytest.mark.parametrize("since,year,expected", [
    ("2024-09-03", 2023, None),
    ("2024-09-03", 2024, ("2024-25", "2024-09-01", "2025-08-31", 1)),
    ("2024-09-03", 2025, ("2025-26", "2025-09-01", "2026-08-31", 2)),
    ("2024-09-03", 2026, None),
    ("2024-08-31", 2023, ("2023-24", "2023-09-01", "2024-08-31", 1)),
    ("2024-08-31", 2024, ("2024-25", "2024-09-01", "2025-08-31", 2)),
    ("2024-08-31", 2025, None),
    ("2024-09-01", 2024, ("2024-25", "2024-09-01", "2025-08-31", 1)),
    ("2024-09-01", 2025, ("2025-26", "2025-09-01", "2026-08-31", 2)),
])
@pytest.mark.parametrize("program", PROGRAMS)
def test_program_years(program, since, year, expected):
    m = casc(program, [], since=d(since), employed=d(since))
    p = program_period(registry().programs[program].period, m.enrolment(program), year)
    got = None if p is None else (p.label, str(p.start), str(p.end), p.program_year)
    assert got == expected
    in_status = [x.program for x in evaluate_member(m, registry(), year).programs]
    assert in_status == ([] if expected is None else [program])


def test_program_end_is_end_of_year_2_whatever_since():
    m = casc("casc-butte", [], since=d("2024-08-31"), employed=d("2024-08-01"))
    r = req(status(m, "casc-butte", 2023), "cpsel-proficiency")
    assert r.due == d("2025-08-31")
