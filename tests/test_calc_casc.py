"""The three CASC induction programs: every requirement met exactly, then one short.

A "complete" member meets every requirement of RULES.md at exactly its minimum (40
coaching meetings of 1 hour, 20 hours of professional learning ...). Each row of
``SHORT`` takes one small thing away and expects exactly that requirement to fail, in
exactly that program year, with every other requirement due in the period still met.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from calc_helpers import D, counted, d, e, member, registry, req, status
from cepledger.calc.evaluate import evaluate_member
from cepledger.model.periods import program_period

SINCE = d("2024-09-03")  # program year 1 = 2024-25 (reporting year 2024), year 2 = 2025-26
EMPLOYED = SINCE - timedelta(days=365)
YEAR = {1: 2024, 2: 2025}
END = {1: d("2025-08-31"), 2: d("2026-08-31")}
PROGRAMS = ["casc-butte", "casc-monterey", "casc-rossier"]

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
ALL_MEET = {str(n): "meets" for n in range(1, 7)}


def start(year: int) -> date:
    return SINCE if year == 1 else d("2025-09-02")


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


def casc(program: str, entries, *, since=SINCE, employed=EMPLOYED):
    return member(*entries, programs={program: (since, employed)})


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
                x, done = replace(x, **fields2), True
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


# ---------------------------------------------------------------- coaching, professional learning


@pytest.mark.parametrize("hours,sessions,hours_met,sessions_met", [
    (["1"] * 40, 40, True, True),
    (["1"] * 39 + ["0.99"], 40, False, True),
    (["1"] * 38 + ["2"], 39, True, False),
    (["0.5"] * 80, 80, True, True),
    (["20", "20"], 2, True, False),
])
def test_butte_coaching_hours_and_sessions(hours, sessions, hours_met, sessions_met):
    m = casc("casc-butte", [e(SINCE + timedelta(days=k % 300), "coaching", h) for k, h in enumerate(hours)])
    res = status(m, "casc-butte", 2024)
    assert req(res, "coaching-sessions").earned == D(sessions)
    assert req(res, "coaching-hours").met is hours_met
    assert req(res, "coaching-sessions").met is sessions_met


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
    assert [p.program for p in evaluate_member(m, registry(), 2026).programs] == ["cass-cep"]



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
