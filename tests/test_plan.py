"""cep plan: the fewest activities that close a shortfall, under the caps still open."""

from __future__ import annotations

import json
from decimal import Decimal

from cli_helpers import JDOE, MLEE, cep, make_ledgers, snapshot

# 2025-26: mentor 20 (B2, 20 a year: exhausted), president 30 (C1, 30 a year: exhausted),
# mentee 12 of 15 (A3: 3 left) -> 62 counted; nothing short. Then a 3-year program
# variant below reuses the same idea through a rule file.
BUSY = """\
schema = 1

[member]
id = "busy"
name = "Bea Busy"

[programs.cass-cep]
since = 2021-09-01

[[entries]]
date = 2025-10-01
activity = "mentor"
hours = 25

[[entries]]
date = 2025-10-02
activity = "board-member"
hours = 15

[[entries]]
date = 2025-10-03
activity = "mentee"
hours = 12
"""

# Only capped activities; 'talk' capped 4 a year (used), 'read' 2 per item, 'course' fixed 3.
RULES = """\
format = 1
id = "tiny"
unit = "credits"

[activities.talk]
code = "T"
cap = 4
per = "year"

[activities.read]
code = "R1"
cap = 2
per = "item"

[activities.course]
code = "K"
amount = "fixed"
credits = 3

[[requirements]]
id = "credits"
kind = "total"
min = 12
"""

TINY = """\
schema = 1

[member]
id = "tina"
name = "Tina Tiny"

[programs.tiny]
since = 2025-09-01

[[entries]]
date = 2025-10-01
activity = "talk"
hours = 6
"""


def plan_json(ledgers, member, *args):
    r = cep(ledgers, "plan", member, *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_one_webinar_closes_a_small_gap(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    plan = [p for p in plan_json(ledgers, "jdoe") if p["requirement"] == "annual-credits"]
    assert plan == [{"activity": "live-webinar", "credits": 2.5, "program": "cass-cep",
                     "requirement": "annual-credits", "code": "A4",
                     "limit": "live-webinar: at most 3 per webinar", "due": "2026-08-31"}]


def test_hand_computed_fewest_entries_and_an_exhausted_cap_is_never_suggested(tmp_path):
    # tiny: 4 of 12 counted (talk 6 -> 4, its year cap is used up); 8 short. Open: read 2
    # per new item, course 3 fixed. Fewest: course 3, course 3, then read 2 closes it.
    ledgers = make_ledgers(tmp_path, tina=TINY)
    (ledgers / "programs").mkdir()
    (ledgers / "programs" / "tiny.toml").write_text(RULES, encoding="utf-8")
    plan = plan_json(ledgers, "tina", "--year", "2025")
    assert [(p["activity"], p["credits"]) for p in plan] == [("course", 3), ("course", 3), ("read", 2)]
    assert sum(p["credits"] for p in plan) >= 8
    assert all(p["activity"] != "talk" for p in plan)


def test_year_caps_used_are_never_suggested_on_a_real_program(tmp_path):
    busy = BUSY.replace("hours = 12\n", "hours = 12\n") + (
        "\n[[entries]]\ndate = 2025-10-04\nactivity = \"president\"\nhours = 30\nvoid = \"not yet\"\n")
    ledgers = make_ledgers(tmp_path, busy=busy.replace("hours = 25", "hours = 2"))
    # counted: mentor 2, board 15, mentee 12 = 29 -> 1 short; every suggestion must have room
    plan = [p for p in plan_json(ledgers, "busy", "--year", "2025") if p["requirement"] == "annual-credits"]
    assert sum(Decimal(str(p["credits"])) for p in plan) >= 1
    assert len(plan) == 1 and plan[0]["activity"] not in ("board-member",)


def test_suggestions_close_a_large_gap_with_the_fewest_entries(tmp_path):
    ledgers = make_ledgers(tmp_path, busy=BUSY)
    # mentor 20 (B2 used up), board-member 15 (C2 used up), mentee 12: 47 counted, met.
    assert [p for p in plan_json(ledgers, "busy", "--year", "2025") if p["requirement"] == "annual-credits"] == []
    # 2026-27: nothing yet, 30 short. An office (president, 30 a year) is never planned:
    # teaching an LQS course (20 per course) and a CASS event (10 per event) close it
    plan = [p for p in plan_json(ledgers, "busy", "--year", "2026") if p["requirement"] == "annual-credits"]
    assert [(p["activity"], p["credits"]) for p in plan] == [("teach-lqs-course", 20), ("cass-event", 10)]


OFFICES = ("president", "board-member", "past-president", "zone-director", "committee-chair",
           "committee-member", "working-group")


def test_offices_c1_to_c7_are_never_planned(tmp_path):
    from cepledger.rules.load import load_registry

    prog = load_registry().programs["cass-cep"]
    assert sorted(a.code for a in prog.activities.values() if not a.plannable) == [f"C{n}" for n in range(1, 8)]
    assert {a.id for a in prog.activities.values() if not a.plannable} == set(OFFICES)
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    for year in ("2025", "2026", "2027"):
        plan = plan_json(ledgers, "jdoe", "--year", year)
        assert plan and not [p for p in plan if p["activity"] in OFFICES], plan
    r = cep(ledgers, "plan", "jdoe", "--year", "2027")
    assert r.exit_code == 0 and "C1" not in r.stdout and "president" not in r.stdout


def test_a_rule_file_marks_an_activity_not_plannable(tmp_path):
    ledgers = make_ledgers(tmp_path, tina=TINY)
    (ledgers / "programs").mkdir()
    (ledgers / "programs" / "tiny.toml").write_text(
        RULES.replace('[activities.course]\n', '[activities.course]\nplannable = false\n'), encoding="utf-8")
    plan = plan_json(ledgers, "tina", "--year", "2025")
    assert plan and all(p["activity"] != "course" for p in plan)


def test_mentee_room_left_in_the_year_is_what_is_offered(tmp_path):
    # A3 mentee 15 a year with 12 used leaves 3; board and mentor exhausted
    ledgers = make_ledgers(tmp_path, busy=BUSY.replace("hours = 25", "hours = 20"))
    from cepledger.calc.plan import open_room
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.rules.load import load_registry
    from cepledger.ledger.load import load_member
    from cepledger.model.periods import program_period
    from datetime import date

    prog = load_registry().programs["cass-cep"]
    member = load_member(ledgers / "busy.toml")
    period = program_period(prog.period, member.enrolment("cass-cep"), 2025)
    rooms = open_room(prog, evaluate_program(member, prog, period), date(2026, 3, 15))
    assert rooms["mentee"][0] == 3 and rooms["mentor"][0] == 0 and rooms["board-member"][0] == 0
    assert rooms["live-webinar"][0] == 3 and rooms["cep-course"][0] == 10


def test_casc_shows_hours_left_due_dates_and_weekly_pace(tmp_path):
    ledgers = make_ledgers(tmp_path, mlee=MLEE)
    r = cep(ledgers, "plan", "mlee")
    assert r.exit_code == 0
    # Butte: 80 - 0.3 = 79.7 hours in the program, by 2027-09-02 (536 days, 76.57 weeks) -> 1.1 a week
    assert "coaching-hours: 79.7 hours left, due 2027-09-02 (536 days), 1.1 hours a week" in r.stdout
    # 2 weeks with a meeting, 38 to go in year 1, but only 26 Monday-Sunday weeks are left in it
    assert ("coaching-weeks: 38 weeks left, due 2026-09-02 (171 days), 26 weeks to go; "
            "it can no longer be met\n") in r.stdout
    assert "iip: missing 3, due 2026-09-02" in r.stdout
    assert "culminating-event: 1 left, due 2027-09-02" in r.stdout


def test_what_if_shows_the_standing_and_writes_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    before = snapshot(ledgers)
    r = cep(ledgers, "plan", "jdoe", "--what-if", "live-webinar 4")
    assert r.exit_code == 0, r.stderr
    assert "would count 3 of 4 (live-webinar: at most 3 per webinar)" in r.stdout
    assert "annual-credits" not in r.stdout  # 27.5 + 3 = 30.5: met
    assert snapshot(ledgers) == before
    plan = plan_json(ledgers, "jdoe", "--what-if", "research-report 1 2026-03-01")
    assert [p["credits"] for p in plan if p["requirement"] == "annual-credits"] == [1.5]


def test_what_if_is_checked_like_add(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "plan", "jdoe", "--what-if", "live-webinr 4")
    assert r.exit_code == 2 and "did you mean 'live-webinar'" in r.stderr


def test_courses_left_name_the_courses_not_yet_taken(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    (courses,) = [p for p in plan_json(ledgers, "jdoe") if p["requirement"] == "cep-courses"]
    assert courses["left"] == 4 and courses["activity"] == "cep-course"
    assert "leading-learning" not in courses["options"] and len(courses["options"]) == 11
