"""Scenarios computed by hand from RULES.md, run through the command line.

CASC program years are years of enrolment (year 1 from `since` for one calendar year),
the period a report shows (default: in effect today or on --as-of; --program-year N;
--year Y = the program year with the most days in Y), Butte's 80 h in the program and
40 weeks a year, the one-year enrolment deadline, --as-of in "left" and "overdue",
summary's overdue rows and the sentence for a period that closed short.
"""

from __future__ import annotations

import json

import pytest

from cli_helpers import JDOE, cep, make_ledgers, snapshot


def ledger(program: str, since: str, employed: str | None, entries: list[tuple]) -> str:
    """A one-program ledger; ``entries`` are (date, activity, hours or None)."""
    text = f'schema = 1\n\n[member]\nid = "x"\nname = "X"\n\n[programs.{program}]\nsince = {since}\n'
    if employed:
        text += f"employed_since = {employed}\n"
    for when, activity, hours in entries:
        text += f'\n[[entries]]\ndate = {when}\nactivity = "{activity}"\n'
        if hours is not None:
            text += f"hours = {hours}\n"
    return text


def status_json(ledgers, *args, today="2026-11-23") -> dict:
    r = cep(ledgers, "status", "x", *args, "--format", "json", today=today)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def reqs(program: dict) -> dict:
    return {q["id"]: q for q in program["programs"][0]["requirements"]} if "programs" in program else {
        q["id"]: q for q in program["requirements"]}


# An August enrolment: year 1 is 2024-08-20 .. 2025-08-19, not twelve days of 2023-24.
AUGUST_ENTRIES = [
    ("2024-08-19", "coaching", 5),        # before `since`: counts for nothing
    ("2024-08-20", "coaching", 1),        # Tuesday: week of 2024-08-19
    ("2024-08-25", "coaching", 2),        # Sunday, the same week: still one week
    ("2024-08-26", "coaching", 1.5),      # Monday: a new week
    ("2025-08-19", "coaching", 1),        # the last day of year 1
    ("2025-08-20", "coaching", 3),        # the first day of year 2
    ("2024-09-10", "orientation", None),
]
AUGUST = ledger("casc-butte", "2024-08-20", "2024-02-29", AUGUST_ENTRIES)


def august_up_to(today: str) -> str:
    """AUGUST as written by ``today``: an entry is never dated in the future (RULES.md "Dates")."""
    return ledger("casc-butte", "2024-08-20", "2024-02-29", [e for e in AUGUST_ENTRIES if e[0] <= today])

YEAR_1 = {"label": "year 1", "start": "2024-08-20", "end": "2025-08-19", "program_year": 1}
YEAR_2 = {"label": "year 2", "start": "2025-08-20", "end": "2026-08-19", "program_year": 2}


@pytest.fixture
def august(tmp_path):
    return make_ledgers(tmp_path, x=AUGUST)


def test_an_august_enrolment_has_a_whole_year_1(august):
    doc = status_json(august, "--program-year", "1")
    prog = doc["programs"][0]
    assert prog["period"] == YEAR_1
    r = reqs(prog)
    # 1 + 2 + 1.5 + 1 = 5.5 h of the 80 in the program (the 5 h of 2024-08-19 are before `since`)
    assert r["coaching-hours"] == {"id": "coaching-hours", "required": 80, "earned": 5.5, "shortfall": 74.5,
                                   "met": False, "due": "2026-08-19"}
    # weeks of 2024-08-19, 2024-08-26 and 2025-08-18: two meetings in one week are one week
    assert r["coaching-weeks"] == {"id": "coaching-weeks", "required": 40, "earned": 3, "shortfall": 37,
                                   "met": False, "due": "2025-08-19"}
    assert r["orientation"]["due"] == r["iip"]["due"] == "2025-08-19"
    # employed 2024-02-29: enrol by 2025-02-28; enrolled 2024-08-20
    assert r["enrolment-deadline"] == {"id": "enrolment-deadline", "required": 1, "earned": 1, "shortfall": 0,
                                       "met": True, "due": "2024-08-20"}
    assert prog["activities"] == [{"activity": "coaching", "claimed": 5.5, "counted": 5.5}]


def test_program_year_2_and_the_whole_program(august):
    prog = status_json(august, "--program-year", "2")["programs"][0]
    assert prog["period"] == YEAR_2
    r = reqs(prog)
    assert (r["coaching-hours"]["earned"], r["coaching-hours"]["due"]) == (8.5, "2026-08-19")  # 5.5 + 3
    assert r["coaching-weeks"]["earned"] == 1
    assert r["coaching-weeks"]["due"] == "2026-08-19"
    assert r["enrolment-deadline"]["met"] is True  # shown, but due in year 1: not in year 2's met


@pytest.mark.parametrize("year,period", [
    ("2023", YEAR_1),      # 12 days of 2023-24, and no other program year has more
    ("2024-25", YEAR_1),   # 353 days against 12
    ("2025", YEAR_2),
    ("2026", None),        # the program ended on 2026-08-19
    ("2022", None),
])
def test_year_is_the_program_year_with_the_most_days(august, year, period):
    doc = status_json(august, "--year", year)
    assert [p["period"] for p in doc["programs"]] == ([] if period is None else [period])


@pytest.mark.parametrize("today,period", [
    ("2024-08-19", None), ("2024-08-20", YEAR_1), ("2025-08-19", YEAR_1), ("2025-08-20", YEAR_2),
    ("2026-08-19", YEAR_2), ("2026-08-20", None),
])
def test_the_default_is_the_program_year_in_effect_today_or_on_as_of(august, today, period):
    (august / "x.toml").write_text(august_up_to(today))
    doc = status_json(august, today=today)
    assert [p["period"] for p in doc["programs"]] == ([] if period is None else [period])
    (august / "x.toml").write_text(AUGUST)
    doc = status_json(august, "--as-of", today, today="2026-11-23")
    assert [p["period"] for p in doc["programs"]] == ([] if period is None else [period])


def test_log_explain_plan_and_report_take_the_program_year(august, tmp_path):
    r = cep(august, "log", "x", "--program-year", "1", "--format", "json", today="2026-11-23")
    assert r.exit_code == 0, r.output
    assert [row["date"] for row in json.loads(r.stdout)] == [
        "2024-08-20", "2024-08-25", "2024-08-26", "2024-09-10", "2025-08-19"]
    r = cep(august, "log", "x", "--year", "2025", "--format", "json", today="2026-11-23")
    assert [row["date"] for row in json.loads(r.stdout)] == ["2025-08-20"]
    (tmp_path / "early").mkdir()
    early = make_ledgers(tmp_path / "early", x=august_up_to("2025-01-06"))  # no entry after that day
    r = cep(early, "plan", "x", "--program-year", "1", today="2025-01-06")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("casc-butte year 1 (2024-08-20 to 2025-08-19): still to do\n")
    # two weeks so far (2024-08-19 and 2024-08-26); 38 more in 33 weeks of time
    assert "coaching-weeks: 38 weeks left, due 2025-08-19 (225 days), 33 weeks to go; it can no longer be met" \
        in r.stdout
    out = tmp_path / "r.md"
    r = cep(august, "report", "x", "--program-year", "2", "-o", str(out), today="2026-11-23")
    assert r.exit_code == 0, r.output
    assert "program year 2" in r.stdout and "2025-08-20" in out.read_text()


@pytest.mark.parametrize("args,message", [
    (["--program-year", "3"], "bad program year 3: x's programs have years 1 to 2"),
    (["--program-year", "0"], "bad program year 0: x's programs have years 1 to 2"),
    (["--program-year", "one"], "bad program year 'one': give the number of the program year, like 1 or 2"),
    (["--program-year", "1", "--year", "2024"], "give --year or --program-year, not both"),
])
def test_bad_program_years_are_usage_errors(august, args, message):
    before = snapshot(august)
    for command in ("status", "log", "plan"):
        r = cep(august, command, "x", *args)
        assert r.exit_code == 2, (command, r.output)
        assert message in r.stderr
    assert snapshot(august) == before


def test_program_year_for_an_annual_program_is_a_usage_error(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "status", "jdoe", "--program-year", "1")
    assert r.exit_code == 2
    assert "--program-year applies to programs of program years (CASC); jdoe is in cass-cep: use --year" in r.stderr


# ------------------------------------------------------------------ the enrolment deadline


@pytest.mark.parametrize("program", ["casc-butte", "casc-monterey", "casc-rossier"])
@pytest.mark.parametrize("employed,since,met", [
    ("2024-02-29", "2025-02-28", True),   # leap day + one calendar year
    ("2024-02-29", "2025-03-01", False),
    ("2025-10-01", "2025-09-15", True),   # an offer of employment: valid, and meets it
])
def test_enrolment_deadline_through_status_and_check(tmp_path, program, employed, since, met):
    ledgers = make_ledgers(tmp_path, x=ledger(program, since, employed, []))
    prog = status_json(ledgers, "--program-year", "1")["programs"][0]
    r = reqs(prog)["enrolment-deadline"]
    assert (r["met"], r["earned"], r["due"]) == (met, 1 if met else 0, since)
    assert prog["met"] is False  # year 1 has more to do either way
    check = cep(ledgers, "check")
    assert check.exit_code == 0, check.output  # employed after since is no longer an error


# ------------------------------------------------------------------ --as-of, overdue, closed short


def test_as_of_replaces_today_in_left_and_overdue(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "status", "jdoe", "--as-of", "2025-12-31", today="2026-11-23")
    assert r.exit_code == 0
    row = next(line for line in r.stdout.splitlines() if line.startswith("annual-credits "))
    assert "2026-08-31" in row and "243 days" in row and "overdue" not in row
    # as of 2025-12-31 the year before (2024-25, no entries) has closed short; 2025-26 has not
    assert "annual-credits: 2024-25 closed 30 credits short; it can no longer be made up" in r.stdout
    assert "2025-26 closed" not in r.stdout
    r = cep(ledgers, "status", "jdoe", "--year", "2025", today="2026-11-23")
    row = next(line for line in r.stdout.splitlines() if line.startswith("annual-credits "))
    assert "overdue" in row
    assert "annual-credits: 2025-26 closed 2.5 credits short; it can no longer be made up" in r.stdout


OLD_HAND = """\
schema = 1

[member]
id = "old"
name = "Old Hand"

[programs.cass-cep]
since = 2019-09-01

[[entries]]
date = 2025-10-01
activity = "cep-course"
course = 1
"""


def test_summary_lists_overdue_requirements_with_their_due_dates(tmp_path):
    # cep-courses: the window 2019-09-01 .. 2024-08-31 closed with 0 of 5 courses
    ledgers = make_ledgers(tmp_path, old=OLD_HAND)
    r = cep(ledgers, "summary", "--year", "2025", today="2026-03-15")
    assert r.exit_code == 0, r.output
    assert "annual-credits 20 credits short, due 2026-08-31" in r.stdout
    assert "cep-courses 5 courses short, overdue since 2024-08-31" in r.stdout
    r = cep(ledgers, "summary", "--year", "2025", "--format", "md", today="2026-03-15")
    assert ("| old | cass-cep | 2025-26 | **short** | annual-credits 20 credits short, due 2026-08-31; "
            "cep-courses 5 courses short, overdue since 2024-08-31 |") in r.stdout


MONTEREY = ledger("casc-monterey", "2024-09-05", "2024-08-01",
                  [(f"2024-{m:02d}-10", "coaching", 3) for m in range(10, 13)]
                  + [(f"2025-{m:02d}-10", "coaching", 3) for m in range(1, 9)] + [("2025-08-20", "coaching", 0.5)])


def test_a_year_that_closed_short_says_so(tmp_path):
    # year 1 (2024-09-05 .. 2025-09-04): 11 meetings of 3 h + 0.5 = 33.5 of 40 coaching hours
    ledgers = make_ledgers(tmp_path, x=MONTEREY)
    r = cep(ledgers, "status", "x", today="2025-10-01")
    assert r.exit_code == 0, r.output
    assert "coaching-hours: year 1 closed 6.5 h short; it can no longer be made up" in r.stdout
    r = cep(ledgers, "summary", today="2025-10-01")
    assert "x casc-monterey:\n  coaching-hours: year 1 closed 6.5 h short; it can no longer be made up\n" in r.stdout
    # before the year ends it is only short, not closed
    r = cep(ledgers, "status", "x", today="2025-09-04")
    assert "closed" not in r.stdout
    assert "6.5 short" in r.stdout  # one sign convention: a positive amount, "short"
    assert " -6.5" not in r.stdout


def test_status_md_says_a_year_closed_short(tmp_path):
    ledgers = make_ledgers(tmp_path, x=MONTEREY)
    r = cep(ledgers, "status", "x", "--format", "md", today="2025-10-01")
    assert r.exit_code == 0, r.output
    assert "\n- coaching-hours: year 1 closed 6.5 h short; it can no longer be made up\n" in r.stdout
    assert "closed" not in cep(ledgers, "status", "x", "--format", "md", today="2025-09-04").stdout


def test_explain_takes_the_program_year(august):
    line = next(n for n, text in enumerate(AUGUST.splitlines(), 1) if text == "date = 2025-08-20") - 1
    r = cep(august, "explain", "x", f"@{line}", "--program-year", "2", "--format", "json", today="2026-11-23")
    assert r.exit_code == 0, r.output
    r = cep(august, "explain", "x", f"@{line}", "--program-year", "1", today="2026-11-23")
    assert r.exit_code == 2
    assert f"entry @{line} is not in program year 1 (casc-butte year 2)" in r.stderr


@pytest.mark.parametrize("columns", ["40", "60"])
def test_closed_short_lines_fit_a_narrow_terminal(tmp_path, columns):
    ledgers = make_ledgers(tmp_path, x=MONTEREY)
    for command in (["status", "x"], ["summary"]):
        r = cep(ledgers, *command, today="2025-10-01", env={"COLUMNS": columns})
        assert r.exit_code == 0, r.output
        assert all(len(line) <= int(columns) for line in r.stdout.splitlines()), r.stdout
        assert "year 1 closed 6.5 h short; it can no longer be made up" in " ".join(r.stdout.split())


def test_member_add_and_enrol_take_an_employment_after_enrolment(tmp_path):
    # Monterey admits on a verified offer of employment: employed_since may follow since
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "member", "add", "zed", "--name", "Zed", "--program", "casc-monterey", "--since", "2025-09-01",
            "--employed-since", "2025-10-01")
    assert r.exit_code == 0, r.output
    r = cep(ledgers, "member", "enrol", "jdoe", "casc-butte", "--since", "2025-09-01", "--employed-since", "2025-12-01")
    assert r.exit_code == 0, r.output
    assert "employed_since = 2025-12-01\n" in (ledgers / "jdoe.toml").read_text()
    doc = json.loads(cep(ledgers, "status", "zed", "--format", "json").stdout)
    deadline = reqs(doc)["enrolment-deadline"]
    assert (deadline["met"], deadline["due"]) == (True, "2025-09-01")
    assert cep(ledgers, "check").exit_code == 0


def test_no_pace_from_one_year_for_a_requirement_of_the_whole_program(august):
    # year 2 has 3 h so far but the program 8.5: a pace from year 2's days would say 141 of 80
    r = cep(august, "status", "x", today="2025-09-10")
    assert "343 days left in year 2" in r.stdout
    assert "coaching-hours at this pace" not in r.stdout
    assert "professional-learning-hours at this pace: 0 of 20 by 2026-08-19" in " ".join(r.stdout.split())
