"""``cep due``: what falls due across the roster, as a table, JSON, CSV and an iCalendar feed
parsed back with icalendar."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest

from cli_helpers import cep, make_ledgers, snapshot


@pytest.fixture
def folder(tmp_path):
    return make_ledgers(tmp_path)


def test_due_json_soonest_first_with_what_is_missing(folder) -> None:
    r = cep(folder, "due", "--within", "175", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [(x["member"], x["requirement"], x["due"], x["days"], x["missing"]) for x in rows] == [
        ("jdoe", "annual-credits", "2025-08-31", -196, "30 credits"),
        ("jdoe", "annual-credits", "2026-08-31", 169, "2.5 credits"),
        ("jdoe", "cep-courses", "2026-08-31", 169, "4 courses"),
        # mlee enrolled on 2025-09-03: program year 1 ends 2026-09-02 (years of enrolment);
        # coaching-hours (80 in the program) falls due at the program's end, 2027-09-02
        ("mlee", "assurances", "2026-09-02", 171, "1 more time"),
        ("mlee", "coaching-weeks", "2026-09-02", 171, "38 weeks"),
        ("mlee", "iip", "2026-09-02", 171, "standard 3"),
        ("mlee", "professional-learning-hours", "2026-09-02", 171, "16.5 hours"),
    ]
    first = rows[1]
    assert first == {"member": "jdoe", "name": "Jane Doe", "program": "cass-cep",
                     "period": {"label": "2025-26", "start": "2025-09-01", "end": "2026-08-31", "program_year": None},
                     "requirement": "annual-credits", "requirement_name": first["requirement_name"],
                     "due": "2026-08-31", "days": 169, "overdue": False, "required": 30, "earned": 27.5,
                     "shortfall": 2.5, "unit": "credits", "missing": "2.5 credits"}
    assert rows[0]["overdue"] is True


def test_the_default_horizon_is_60_days_and_overdue_always_shows(folder) -> None:
    rows = json.loads(cep(folder, "due", "--format", "json").stdout)
    assert [(x["member"], x["due"]) for x in rows] == [("jdoe", "2025-08-31")]
    rows = json.loads(cep(folder, "due", "--format", "json", today="2026-07-15").stdout)
    assert {x["due"] for x in rows} == {"2025-08-31", "2026-08-31", "2026-09-02"} and len(rows) == 7


def test_due_for_one_member_and_as_csv(folder) -> None:
    r = cep(folder, "due", "--member", "mlee", "--within", "175", "--format", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "member,program,period,requirement,due,days,required,earned,shortfall,unit,missing,overdue"
    assert lines[2] == "mlee,casc-butte,year 1,coaching-weeks,2026-09-02,171,40,2,38,weeks,38 weeks,false"
    assert len(lines) == 5


def test_due_table(folder) -> None:
    r = cep(folder, "due", "--within", "10")
    assert r.exit_code == 0
    assert "196 days overdue" in r.stdout and "30 credits" in r.stdout
    assert "1 deadline within 10 days, 1 overdue" in r.stdout


def test_due_ics_parses_back_field_by_field(folder) -> None:
    r = cep(folder, "due", "--within", "175", "--format", "ics")
    assert r.exit_code == 0
    cal = icalendar.Calendar.from_ical(r.stdout)
    assert str(cal["version"]) == "2.0" and str(cal["prodid"]) == "-//cepledger//cep due//EN"
    events = cal.walk("VEVENT")
    assert len(events) == 7
    ev = next(e for e in events if str(e["uid"]) == "mlee.casc-butte.year-1.professional-learning-hours@cepledger")
    assert ev.decoded("dtstart") == date(2026, 9, 2)  # all-day: a date, not a date-time
    assert ev.decoded("dtend") == date(2026, 9, 3)
    assert ev.decoded("dtstamp") == datetime(2026, 3, 15, tzinfo=timezone.utc)  # "today", not the clock
    assert str(ev["summary"]).startswith("Min Lee: ") and str(ev["summary"]).endswith("(16.5 hours missing)")
    assert "needs 20, has 3.5; missing 16.5 hours" in str(ev["description"])
    (alarm,) = ev.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == timedelta(days=-7)
    assert len({str(e["uid"]) for e in events}) == 7  # one UID per deadline
    assert b"\r\n" in r.stdout_bytes  # RFC 5545 lines end in CRLF


def test_due_ics_uids_are_stable(folder) -> None:
    a = icalendar.Calendar.from_ical(cep(folder, "due", "--within", "175", "--format", "ics").stdout)
    assert cep(folder, "add", "jdoe", "cass-event", "1", "--date", "2026-03-01").exit_code == 0
    b = icalendar.Calendar.from_ical(cep(folder, "due", "--within", "175", "--format", "ics",
                                         today="2026-03-20").stdout)
    assert [str(e["uid"]) for e in a.walk("VEVENT")] == [str(e["uid"]) for e in b.walk("VEVENT")]
    summaries = {str(e["uid"]): str(e["summary"]) for e in b.walk("VEVENT")}
    assert summaries["jdoe.cass-cep.2025-26.annual-credits@cepledger"].endswith("(1.5 credits missing)")


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--within", "-3"), 2, "--within -3 is negative"),
    (("--within", "soon"), 2, "--within soon is not a number of days"),
    (("--format", "xml"), 2, "unknown format 'xml'; choose one of: table, json, csv, ics"),
    (("--member", "jdo"), 2, "no member 'jdo'"),
])
def test_bad_due_input(folder, args, code, message) -> None:
    before = snapshot(folder)
    r = cep(folder, "due", *args)
    assert r.exit_code == code and message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert snapshot(folder) == before


def test_a_broken_ledger_is_reported_and_the_rest_still_shown(folder) -> None:
    (folder / "bad.toml").write_text("schema = 1\n[member\n")
    r = cep(folder, "due", "--format", "json")
    assert r.exit_code == 3 and "bad.toml:2" in r.stderr
    assert json.loads(r.stdout)[0]["member"] == "jdoe"


def test_due_follows_the_program_year_in_effect_today(tmp_path) -> None:
    """Enrolled 2025-03-15, on 2026-04-01 year 2 is in effect (status shows it), though
    year 1 has more days in 2025-26: year 2's deadlines are listed, year 1's are overdue."""
    folder = make_ledgers(tmp_path, eva='schema = 1\n\n[member]\nid = "eva"\nname = "Eva"\n\n'
                                          '[programs.casc-butte]\nsince = 2025-03-15\nemployed_since = 2025-01-10\n')
    rows = json.loads(cep(folder, "due", "--within", "400", "--format", "json", today="2026-04-01").stdout)
    by_year = {(x["period"]["label"], x["due"]) for x in rows}
    assert by_year == {("year 1", "2026-03-14"), ("year 2", "2027-03-14")}
    assert ("year 2", "coaching-hours") in {(x["period"]["label"], x["requirement"]) for x in rows}


def test_just_after_the_program_ends_its_last_year_is_overdue(tmp_path) -> None:
    """Enrolled 2023-03-15: year 2 (the last) ended 2025-03-14, and its unmet requirements
    are overdue for a year after it, as year 1's are during year 2. They were missed when the
    last year was looked up by reporting year (2024-25 minus one is 2023-24, whose most
    days are year 1's); long after the end nothing is listed."""
    folder = make_ledgers(tmp_path, eva='schema = 1\n\n[member]\nid = "eva"\nname = "Eva"\n\n'
                                          '[programs.casc-butte]\nsince = 2023-03-15\nemployed_since = 2023-01-10\n')
    rows = json.loads(cep(folder, "due", "--format", "json", today="2025-04-01").stdout)
    assert {(x["period"]["label"], x["due"]) for x in rows} == {("year 2", "2025-03-14")}
    assert all(x["overdue"] for x in rows)
    assert ("year 2", "assurances") in {(x["period"]["label"], x["requirement"]) for x in rows}
    assert json.loads(cep(folder, "due", "--format", "json", today="2026-03-15").stdout) == []


def test_before_the_program_starts_nothing_is_due(tmp_path) -> None:
    folder = make_ledgers(tmp_path, eva='schema = 1\n\n[member]\nid = "eva"\nname = "Eva"\n\n'
                                          '[programs.casc-butte]\nsince = 2023-03-15\nemployed_since = 2023-01-10\n')
    r = cep(folder, "due", "--format", "json", today="2023-01-01")
    assert (r.exit_code, json.loads(r.stdout)) == (0, [])
