"""Commands that report: status, summary, log, check, programs."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_helpers import DONE, JDOE, MLEE, cep, make_ledgers, snapshot

STATUS_HEADER = "member,program,period,requirement,required,earned,shortfall,met,due"


@pytest.fixture
def ledgers(tmp_path):
    return make_ledgers(tmp_path)


# ------------------------------------------------------------------ status


def test_status_json_is_the_spec_shape(ledgers):
    r = cep(ledgers, "status", "jdoe", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "member": "jdoe",
        "name": "Jane Doe",
        "programs": [
            {
                "program": "cass-cep",
                "period": {"label": "2025-26", "start": "2025-09-01", "end": "2026-08-31", "program_year": None},
                "met": False,
                "requirements": [
                    {"id": "annual-credits", "required": 30, "earned": 27.5, "shortfall": 2.5, "met": False,
                     "due": "2026-08-31"},
                    {"id": "cep-courses", "required": 5, "earned": 1, "shortfall": 4, "met": False,
                     "due": "2026-08-31"},
                ],
                "activities": [
                    {"activity": "cass-conference", "claimed": 12, "counted": 10},
                    {"activity": "live-webinar", "claimed": 4, "counted": 3},
                    {"activity": "research-report", "claimed": 2.5, "counted": 2.5},
                    {"activity": "unverifiable-self-directed", "claimed": 2, "counted": 2},
                    {"activity": "cep-course", "claimed": 10, "counted": 10},
                ],
            }
        ],
    }
    assert '"earned": 27.5,' in r.stdout  # a JSON number, exact
    assert "\x1b" not in r.stdout


def test_status_json_casc_has_program_year_and_missing(ledgers):
    r = cep(ledgers, "status", "mlee", "--format", "json")
    prog = json.loads(r.stdout)["programs"][0]
    # enrolled 2025-09-03: year 1 is a year of enrolment, not the reporting year 2025-26
    assert prog["period"] == {"label": "year 1", "start": "2025-09-03", "end": "2026-09-02", "program_year": 1}
    reqs = {q["id"]: q for q in prog["requirements"]}
    assert reqs["coaching-hours"]["earned"] == 0.3  # 0.1 + 0.2, exactly
    assert reqs["coaching-hours"]["shortfall"] == 79.7  # 80 h in the program (Butte)
    assert reqs["coaching-hours"]["due"] == "2027-09-02"
    assert reqs["coaching-weeks"] == {"id": "coaching-weeks", "required": 40, "earned": 2, "shortfall": 38,
                                      "met": False, "due": "2026-09-02"}
    assert reqs["iip"]["missing"] == ["3"]
    assert reqs["cpsel-proficiency"]["missing"] == ["1", "2", "3", "4", "5", "6"]
    assert "missing" not in reqs["coaching-hours"]


def test_status_year_option(ledgers):
    r = cep(ledgers, "status", "mlee", "--year", "2026-27", "--format", "json")
    assert json.loads(r.stdout)["programs"][0]["period"]["program_year"] == 2
    r = cep(ledgers, "status", "mlee", "--year", "2027", "--format", "json")
    assert json.loads(r.stdout)["programs"][0]["period"]["program_year"] == 2  # 2 days, no other year has more
    r = cep(ledgers, "status", "mlee", "--year", "2028", "--format", "json")
    assert json.loads(r.stdout)["programs"] == []  # the program is over
    r = cep(ledgers, "status", "jdoe", "--year", "2024", "--format", "csv")
    assert ",2024-25,annual-credits,30,0,30,false,2025-08-31" in r.stdout


@pytest.mark.parametrize("year", ["25", "2025-27", "last", "2025/2027"])
def test_status_bad_year_exits_2(ledgers, year):
    r = cep(ledgers, "status", "jdoe", "--year", year)
    assert r.exit_code == 2
    assert f"bad year '{year}'" in r.stderr


def test_status_csv(ledgers):
    r = cep(ledgers, "status", "jdoe", "--format", "csv")
    assert r.exit_code == 0
    assert r.stdout == (
        f"{STATUS_HEADER}\n"
        "jdoe,cass-cep,2025-26,annual-credits,30,27.5,2.5,false,2026-08-31\n"
        "jdoe,cass-cep,2025-26,cep-courses,5,1,4,false,2026-08-31\n"
    )


def test_status_check_exit_codes(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, done=DONE)
    r = cep(ledgers, "status", "jdoe", "--check", "--format", "json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["programs"][0]["met"] is False  # still printed
    r = cep(ledgers, "status", "done", "--check")
    assert r.exit_code == 0, r.output
    r = cep(ledgers, "status", "jdoe")
    assert r.exit_code == 0  # without --check a shortfall is not an error


def test_status_check_counts_only_what_is_due_in_the_period(tmp_path):
    # Year 1 of a two-year program: the program-end requirements are not yet due.
    # 40 weeks with a meeting (2025-09-10, 09-17, then 38 more), 20 h of learning, the IIP on 1-3
    from datetime import date, timedelta

    weekly = "".join(f"\n[[entries]]\ndate = {date(2025, 9, 24) + timedelta(days=7 * k)}\nactivity = \"coaching\"\n"
                     "hours = 1\n" for k in range(38))
    met_year_1 = MLEE.replace("hours = 3.5", "hours = 20").replace(
        'cpsel = [1, "2A"]', 'cpsel = [1, "2A", 3]') + weekly + "\n[[entries]]\ndate = 2025-09-06\nactivity = \"assurances\"\n"
    ledgers = make_ledgers(tmp_path, mlee=met_year_1)
    r = cep(ledgers, "status", "mlee", "--check", "--format", "json", today="2026-08-01")
    prog = json.loads(r.stdout)["programs"][0]
    unmet = [q["id"] for q in prog["requirements"] if not q["met"]]
    # coaching-hours (38.3 of 80) is due at program end, like the other four
    assert unmet == ["coaching-hours", "self-assessments", "culminating-event", "cpsel-proficiency",
                     "employment-verification"]
    assert prog["met"] is True
    assert r.exit_code == 0


def test_status_as_of(ledgers):
    r = cep(ledgers, "status", "jdoe", "--as-of", "2025-11-30", "--format", "csv")
    assert "jdoe,cass-cep,2025-26,annual-credits,30,23,7,false" in r.stdout
    r = cep(ledgers, "status", "jdoe", "--as-of", "whenever")
    assert r.exit_code == 2 and "bad date 'whenever'" in r.stderr


def test_status_program_filter(tmp_path):
    both = JDOE.replace("[[entries]]", "[programs.casc-rossier]\nsince = 2025-09-15\n\n[[entries]]", 1)
    ledgers = make_ledgers(tmp_path, jdoe=both)
    r = cep(ledgers, "status", "jdoe", "--format", "json")
    assert [p["program"] for p in json.loads(r.stdout)["programs"]] == ["cass-cep", "casc-rossier"]
    r = cep(ledgers, "status", "jdoe", "--program", "casc-rossier", "--format", "json")
    assert [p["program"] for p in json.loads(r.stdout)["programs"]] == ["casc-rossier"]
    r = cep(ledgers, "status", "jdoe", "--program", "casc-butte")
    assert r.exit_code == 2
    assert "jdoe is not enrolled in casc-butte (enrolled in: cass-cep, casc-rossier)" in r.stderr
    r = cep(ledgers, "status", "jdoe", "--program", "nope")
    assert r.exit_code == 2
    assert "unknown program 'nope'; choose one of: casc-butte, casc-monterey, casc-rossier, cass-cep" in r.stderr


def test_status_table(ledgers):
    r = cep(ledgers, "status", "jdoe")
    assert r.exit_code == 0
    out = r.stdout
    for text in ["Jane Doe (jdoe)", "cass-cep", "2025-26", "annual-credits", "27.5", "cep-courses",
                 "live-webinar: at most 3 per webinar", "169 days left in 2025-26", "at this pace"]:
        assert text in out, text
    assert "\x1b" not in out  # not a terminal: no colour


def test_status_table_casc_two_year_view(ledgers):
    r = cep(ledgers, "status", "mlee")
    assert r.exit_code == 0, r.output
    out = r.stdout
    for text in ["program year 1 (2025-09-03 to 2026-09-02): not met", "year 1 from 2025-09-03 *",
                 "year 2 from 2026-09-03", "the whole program", "milestones",
                 "✓ orientation (year 1): 2025-09-05", "✗ assurances (year 1): not yet", "CPSEL standards",
                 "iip (year 1)", "cpsel-proficiency"]:
        assert text in out, text


def test_status_table_fits_a_narrow_terminal(ledgers):
    for member in ("jdoe", "mlee"):
        r = cep(ledgers, "status", member, env={"COLUMNS": "40"})
        assert r.exit_code == 0
        assert all(len(line) <= 40 for line in r.stdout.splitlines()), r.stdout


def test_status_colour_on_a_terminal_unless_no_color(ledgers):
    r = cep(ledgers, "status", "jdoe", env={"FORCE_COLOR": "1"})
    assert "\x1b[1;31m" in r.stdout  # the shortfall in bold red
    r = cep(ledgers, "status", "jdoe", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert r.exit_code == 0
    assert "\x1b[31" not in r.stdout and "\x1b[1;31" not in r.stdout
    r = cep(ledgers, "status", "jdoe", "--format", "json", env={"FORCE_COLOR": "1"})
    assert "\x1b" not in r.stdout  # json never has colour


def test_status_when_not_in_any_program_that_year(ledgers):
    r = cep(ledgers, "status", "mlee", "--year", "2024")
    assert r.exit_code == 0
    assert "not in any program in 2024-25" in r.stdout
    r = cep(ledgers, "status", "mlee", "--as-of", "2025-09-02")  # the day before enrolment
    assert r.exit_code == 0
    assert "not in any program on 2025-09-02" in r.stdout


# ------------------------------------------------------------------ summary


def test_summary_json_and_csv(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE, done=DONE)
    r = cep(ledgers, "summary", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert [(p["member"], p["program"]) for p in data] == [
        ("done", "cass-cep"), ("jdoe", "cass-cep"), ("mlee", "casc-butte")]
    assert list(data[0])[:3] == ["member", "program", "period"]
    assert data[1]["requirements"][0] == {"id": "annual-credits", "required": 30, "earned": 27.5,
                                          "shortfall": 2.5, "met": False, "due": "2026-08-31"}
    r = cep(ledgers, "summary", "--format", "csv", "--program", "cass-cep")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert ",".join(rows[0]) == STATUS_HEADER
    assert rows[1:] == [
        ["done", "cass-cep", "2025-26", "annual-credits", "30", "50", "0", "true", "2026-08-31"],
        ["done", "cass-cep", "2025-26", "cep-courses", "5", "5", "0", "true", "2030-08-31"],
        ["jdoe", "cass-cep", "2025-26", "annual-credits", "30", "27.5", "2.5", "false", "2026-08-31"],
        ["jdoe", "cass-cep", "2025-26", "cep-courses", "5", "1", "4", "false", "2026-08-31"],
    ]


def test_summary_table_and_check(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, done=DONE)
    r = cep(ledgers, "summary", "--check")
    assert r.exit_code == 1
    assert "jdoe" in r.stdout and "short" in r.stdout and "annual-credits 2.5 credits" in r.stdout
    r = cep(ledgers, "summary", "--check", "--program", "cass-cep", "--year", "2025")
    assert r.exit_code == 1
    only_done = make_ledgers(tmp_path / "b", done=DONE) if (tmp_path / "b").mkdir() is None else None
    r = cep(only_done, "summary", "--check")
    assert r.exit_code == 0, r.output


def test_summary_reports_a_broken_file_prints_the_others_and_exits_3(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, bad="schema = 1\n[member\n")
    before = snapshot(ledgers)
    r = cep(ledgers, "summary", "--format", "csv")
    assert r.exit_code == 3
    assert "jdoe,cass-cep" in r.stdout
    assert "bad.toml:" in r.stderr
    assert snapshot(ledgers) == before


def test_summary_unknown_program_exits_2(ledgers):
    r = cep(ledgers, "summary", "--program", "cass")
    assert r.exit_code == 2 and "unknown program 'cass'" in r.stderr


# ------------------------------------------------------------------ log


def test_log_json(ledgers):
    r = cep(ledgers, "log", "jdoe", "--format", "json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert rows[0] == {"id": "a00001", "date": "2025-10-03", "activity": "cass-conference",
                       "title": "Fall Conference 2025", "item": "fall-conference-2025", "claimed": 12,
                       "counted": 10, "void": None, "line": 10}
    assert rows[-1]["void"] == "logged twice" and rows[-1]["counted"] == 0
    assert [r["id"] for r in rows] == ["a00001", "a00002", "a00003", "a00004", None, "a00006"]


def test_log_csv_and_filters(ledgers):
    r = cep(ledgers, "log", "jdoe", "--format", "csv", "--activity", "live-webinar")
    assert r.stdout == (
        "id,date,activity,title,item,claimed,counted,void,line\n"
        "a00002,2025-11-12,live-webinar,,webinar-1,4,3,,18\n"
        "a00006,2026-02-02,live-webinar,,webinar-2,1,0,logged twice,44\n"
    )
    r = cep(ledgers, "log", "jdoe", "--format", "csv", "--year", "2024")
    assert r.stdout == "id,date,activity,title,item,claimed,counted,void,line\n"
    r = cep(ledgers, "log", "jdoe", "--activity", "webinar")
    assert r.exit_code == 2 and "did you mean 'live-webinar'?" in r.stderr


def test_log_table_marks_void_entries(ledgers):
    r = cep(ledgers, "log", "jdoe")
    assert r.exit_code == 0
    assert "VOID (logged twice)" in r.stdout
    assert "Fall Conference 2025" in r.stdout


def test_log_counts_per_program_when_the_member_is_in_several(tmp_path):
    both = MLEE.replace("[[entries]]", "[programs.casc-rossier]\nsince = 2025-09-15\n\n[[entries]]", 1)
    ledgers = make_ledgers(tmp_path, mlee=both + '\n[[entries]]\nid = "w1"\ndate = 2025-12-01\n'
                                                  'activity = "workshop"\nhours = 2\n')
    r = cep(ledgers, "log", "mlee", env={"COLUMNS": "100"})
    assert r.exit_code == 0
    assert "counted per program: casc-butte, casc-rossier" in r.stdout
    workshop = next(line for line in r.stdout.splitlines() if "workshop" in line)
    assert workshop.split()[-3:] == ["2", "-", "2"]  # claimed; not a casc-butte activity; counted by rossier
    r = cep(ledgers, "log", "mlee", "--format", "json")
    assert json.loads(r.stdout)[-1]["counted"] == 2  # json: the first program that counts it


@pytest.mark.parametrize("width", ["40", "60", "80"])
def test_log_and_summary_tables_fit_narrow_terminals(ledgers, width):
    for args in (["log", "jdoe"], ["log", "mlee"], ["summary"], ["member", "list"], ["programs", "cass-cep"]):
        r = cep(ledgers, *args, env={"COLUMNS": width})
        assert r.exit_code == 0, args
        assert all(len(line) <= int(width) for line in r.stdout.splitlines()), (args, r.stdout)


# ------------------------------------------------------------------ check


def test_check_clean(ledgers):
    r = cep(ledgers, "check")
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("files checked, no problems\n")


def test_check_errors_exit_3_with_path_line_message(tmp_path):
    broken = JDOE.replace('activity = "research-report"', 'activity = "research-paper"')
    ledgers = make_ledgers(tmp_path, jdoe=broken, mlee=MLEE)
    before = snapshot(ledgers)
    r = cep(ledgers, "check")
    assert r.exit_code == 3
    lines = broken.splitlines()
    at = lines.index('activity = "research-paper"')
    header = max(i for i in range(at) if lines[i] == "[[entries]]") + 1  # problems point at the entry
    assert f"jdoe.toml:{header}: unknown activity 'research-paper'" in r.stdout
    assert "1 error" in r.stdout
    r = cep(ledgers, "check", "--format", "json")
    assert r.exit_code == 3
    problems = json.loads(r.stdout)
    assert set(problems[0]) == {"path", "line", "code", "severity", "message"}
    r = cep(ledgers, "check", "--format", "csv")
    assert r.stdout.startswith("path,line,code,severity,message\n")
    assert snapshot(ledgers) == before


def test_check_warnings_fail_only_with_strict(tmp_path):
    warned = JDOE + '\n[[entries]]\ndate = 2026-02-03\nactivity = "verifiable-self-directed"\nhours = 2\n'
    ledgers = make_ledgers(tmp_path, jdoe=warned)
    r = cep(ledgers, "check")
    assert r.exit_code == 0
    assert "warning: " in r.stdout
    r = cep(ledgers, "check", "--strict")
    assert r.exit_code == 3


def test_check_reports_a_broken_rule_file(tmp_path):
    ledgers = make_ledgers(tmp_path)
    (ledgers / "programs").mkdir()
    (ledgers / "programs" / "mine.toml").write_text('format = 1\nid = "mine"\nunit = "parsecs"\n')
    r = cep(ledgers, "check")
    assert r.exit_code == 3
    assert "mine.toml:3: " in r.stdout
    r = cep(ledgers, "status", "jdoe")  # every other command refuses to work with broken rules
    assert r.exit_code == 3 and "mine.toml:3: " in r.stderr


# ------------------------------------------------------------------ programs


def test_programs_list(ledgers):
    r = cep(ledgers, "programs", "--format", "csv")
    assert r.stdout.splitlines()[0] == "id,name,unit,period"
    assert [line.split(",")[0] for line in r.stdout.splitlines()[1:]] == [
        "casc-butte", "casc-monterey", "casc-rossier", "cass-cep"]
    r = cep(ledgers, "programs")
    assert r.exit_code == 0 and "CASS Continuing Education Program" in r.stdout


def test_programs_show_one(ledgers):
    r = cep(ledgers, "programs", "cass-cep")
    assert r.exit_code == 0
    for text in ["A4", "live-webinar", "at most 3 per webinar", "10 per entry (fixed)", "annual-credits",
                 "cass-conference + conference-presenter", "at most 15 per conference"]:
        assert text in r.stdout, text
    data = json.loads(cep(ledgers, "programs", "cass-cep", "--format", "json").stdout)
    webinar = next(a for a in data["activities"] if a["id"] == "live-webinar")
    assert webinar == {"id": "live-webinar", "code": "A4", "name": "CASS live webinar", "amount": "hours",
                       "credits": None, "cap": 3, "per": "item", "item_noun": "webinar"}
    assert [q["id"] for q in data["requirements"]] == ["annual-credits", "cep-courses"]
    r = cep(ledgers, "programs", "casc-butte", "--format", "csv")
    assert r.stdout.startswith("program,activity,code,amount,credits,cap,per,name\n")


def test_programs_unknown_exits_2(ledgers):
    r = cep(ledgers, "programs", "cass")
    assert r.exit_code == 2
    assert "unknown program 'cass'; choose one of: casc-butte, casc-monterey, casc-rossier, cass-cep" in r.stderr
