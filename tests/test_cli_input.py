"""What `add` and `import` take: amounts of at most two decimals or durations, dates never
in the future, numeric dates only with --date-format; and the same verdict on a
hand-written ledger from `check` and every command that reads it (RULES.md, SPEC.md)."""

from __future__ import annotations

import json

import pytest

from cli_helpers import JDOE, cep, make_ledgers, snapshot

FORMS = ("YYYY-MM-DD (2025-10-03, also 2025-10-3 or 20251003), a month name (3 Oct 2025, Oct 3 2025, Oct 3), "
         "'today' or 'yesterday'")
COMMANDS = (("status", "jdoe"), ("status", "jdoe", "--format", "json"), ("summary",), ("summary", "--format", "csv"),
            ("log", "jdoe"), ("log", "jdoe", "--format", "json"), ("plan", "jdoe"), ("explain", "jdoe", "a00001"))


@pytest.fixture
def ledgers(tmp_path):
    return make_ledgers(tmp_path, jdoe=JDOE)


def new_entry(ledgers, eid: str) -> str:
    text = (ledgers / "jdoe.toml").read_text()
    return text[text.index(f'id = "{eid}"'):]


def assert_no_report(r, args) -> None:
    """A member's command prints nothing; ``summary`` reports the other members (here: none)."""
    if args[0] != "summary":
        assert r.stdout == "", args
    else:
        assert r.stdout in ("no member is in a program during this period\n", "[]\n",
                            "member,program,period,requirement,required,earned,shortfall,met,due\n"), args
        assert r.stderr.endswith("some ledgers could not be read; fix them and run `cep check`\n"), args


def added(stdout: str) -> str:
    assert stdout.startswith("added "), stdout
    return stdout[6:12]


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize("spelling", ["1h30m", "90m", "1:30", "1.5"])
def test_add_takes_a_duration_as_hours(ledgers, spelling):
    r = cep(ledgers, "add", "jdoe", "live-webinar", spelling, "--item", "w3", "--date", "2026-03-01")
    assert r.exit_code == 0, r.stderr
    eid = added(r.stdout)
    assert r.stdout == f"added {eid}: counted 1.5 of 1.5; 2025-26: 29 of 30 credits\n"
    assert new_entry(ledgers, eid) == (f'id = "{eid}"\ndate = 2026-03-01\nactivity = "live-webinar"\n'
                                       'hours = 1.5\nitem = "w3"\n')


def test_a_duration_rounded_to_two_decimals_is_said_on_the_effect_line(ledgers):
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1h20m", "--item", "w3", "--date", "2026-03-01")
    assert r.exit_code == 0, r.stderr
    eid = added(r.stdout)
    assert r.stdout == (f"added {eid}: counted 1.33 of 1.33; 2025-26: 28.83 of 30 credits\n"
                        "  note: 1h20m is 1.3333... h, recorded as 1.33 h (two decimals)\n")
    assert "hours = 1.33\n" in new_entry(ledgers, eid)


def test_a_duration_for_an_activity_not_counted_in_hours_is_refused(tmp_path):
    from cli_helpers import MLEE

    ledgers = make_ledgers(tmp_path, mlee=MLEE)
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "mlee", "orientation", "1h")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == ("error: '1h' is a duration, but this activity is not counted in hours; "
                        "give its amount as a number like 3 or 1.5\n")
    assert snapshot(ledgers) == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [("1.555", "the amount 1.555 has 3 decimal places; amounts take at most 2: say 1.56"),
     ("2.005", "the amount 2.005 has 3 decimal places; amounts take at most 2: say 2.01"),
     ("1h75m", "bad duration '1h75m': the minutes must be below 60 (write 2h15m, or 135m)")],
)
def test_add_refuses_more_than_two_decimals_and_writes_nothing(ledgers, amount, message):
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "live-webinar", amount, "--item", "w3")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"error: {message}\n")
    assert snapshot(ledgers) == before


def test_two_decimals_are_kept_exactly(ledgers):
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1.55", "--item", "w3", "--date", "2026-03-01")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.endswith(": counted 1.55 of 1.55; 2025-26: 29.05 of 30 credits\n")


HAND_WRITTEN = JDOE + '\n[[entries]]\ndate = 2026-01-20\nactivity = "live-webinar"\nhours = {hours}\nitem = "w9"\n'


def test_a_hand_written_amount_of_three_decimals_is_invalid_data_for_every_command(tmp_path):
    text = HAND_WRITTEN.format(hours="1.555")
    ledgers = make_ledgers(tmp_path, jdoe=text)
    before = snapshot(ledgers)
    line = text.splitlines().index("hours = 1.555") + 1
    message = f"{ledgers / 'jdoe.toml'}:{line}: hours = 1.555 has 3 decimal places; amounts take at most 2: " \
              "write hours = 1.56."
    r = cep(ledgers, "check")
    assert r.exit_code == 3 and f"{message} [bad-amount]\n" in r.stdout
    for args in COMMANDS:
        r = cep(ledgers, *args)
        assert r.exit_code == 3, args
        assert_no_report(r, args)  # no JSON that says earned 30, shortfall 0, met false
        assert r.stderr.splitlines()[0] == message, args
    assert snapshot(ledgers) == before


def test_a_hand_written_amount_of_two_decimals_counts_exactly(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=HAND_WRITTEN.format(hours="1.55"))
    r = cep(ledgers, "status", "jdoe", "--format", "json")
    assert r.exit_code == 0, r.stderr
    (req, _) = json.loads(r.stdout)["programs"][0]["requirements"]
    assert (req["earned"], req["shortfall"], req["met"]) == (29.05, 0.95, False)


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(("when", "day"), [("tomorrow", "2026-03-16"), ("2030-01-01", "2030-01-01"),
                                           ("2026-03-16", "2026-03-16"), ("16 Mar 2026", "2026-03-16")])
def test_add_refuses_a_future_date(ledgers, when, day):
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--item", "w3", "--date", when)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"error: the date {day} is in the future; an activity is recorded once it has happened "
                        "(today is 2026-03-15)\n")
    assert snapshot(ledgers) == before


def test_add_takes_today(ledgers):
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--item", "w3", "--date", "2026-03-15")
    assert r.exit_code == 0, r.stderr
    assert "date = 2026-03-15\n" in new_entry(ledgers, added(r.stdout))


@pytest.mark.parametrize("when", ["01/02/2026", "01.02.2026", "1/2/2026"])
def test_add_refuses_a_numeric_date_as_ambiguous_with_both_readings(ledgers, when):
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--item", "w3", "--date", when)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"error: ambiguous date '{when}': day first (DMY, as in Alberta) it is 2026-02-01, "
                        "month first (MDY, as in California) 2026-01-02; say which with --date-format DMY or MDY, "
                        f"or use {FORMS}\n")
    assert snapshot(ledgers) == before


@pytest.mark.parametrize(("fmt", "day"), [("DMY", "2026-02-01"), ("MDY", "2026-01-02"), ("%d/%m/%Y", "2026-02-01"),
                                          ("%m/%d/%Y", "2026-01-02")])
def test_date_format_says_how_to_read_it(ledgers, fmt, day):
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--item", "w3", "--date", "01/02/2026", "--date-format", fmt)
    assert r.exit_code == 0, r.stderr
    assert f"date = {day}\n" in new_entry(ledgers, added(r.stdout))


def test_member_add_and_enrol_take_the_date_format_too(ledgers):
    before = snapshot(ledgers)
    r = cep(ledgers, "member", "add", "zz", "--name", "Z Z", "--program", "cass-cep", "--since", "01/02/2026")
    assert (r.exit_code, r.stdout) == (2, "") and r.stderr.startswith("error: ambiguous date '01/02/2026': ")
    assert snapshot(ledgers) == before
    r = cep(ledgers, "member", "add", "zz", "--name", "Z Z", "--program", "cass-cep", "--since", "01/02/2026",
            "--date-format", "DMY")
    assert r.exit_code == 0, r.stderr
    assert "[programs.cass-cep]\nsince = 2026-02-01\n" in (ledgers / "zz.toml").read_text()
    r = cep(ledgers, "member", "enrol", "zz", "casc-butte", "--since", "03/04/2025", "--employed-since", "02/04/2025",
            "--date-format", "MDY")
    assert r.exit_code == 0, r.stderr
    assert "[programs.casc-butte]\nsince = 2025-03-04\nemployed_since = 2025-02-04\n" in (ledgers / "zz.toml").read_text()


def test_a_bad_date_format_is_a_usage_error(ledgers):
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--date", "01/02/2026", "--date-format", "dd/mm")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == ("error: bad --date-format 'dd/mm': give DMY (day first), MDY (month first) or YMD, "
                        "or a pattern with %d, %m and %Y such as %d/%m/%Y\n")
    assert snapshot(ledgers) == before


def test_help_documents_the_forms(ledgers):
    r = cep(ledgers, "add", "--help", env={"COLUMNS": "200"})
    for text in ("1h30m, 90m or 1:30", "at most two decimals", "--date-format", "DMY", "MDY", "%d/%m/%Y",
                 "never in the future"):
        assert text in r.stdout, text
    r = cep(ledgers, "import", "--help", env={"COLUMNS": "200"})
    assert "--date-format" in r.stdout and "01/02/2026" in r.stdout


FUTURE = JDOE + '\n[[entries]]\nid = "f00001"\ndate = 2026-03-16\nactivity = "live-webinar"\nhours = 1\nitem = "w9"\n'


def test_a_hand_written_future_entry_is_the_error_future_date_everywhere(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=FUTURE)
    before = snapshot(ledgers)
    line = FUTURE.splitlines().index('id = "f00001"')  # the [[entries]] header above it, counted from 1
    message = (f"{ledgers / 'jdoe.toml'}:{line}: the entry is dated 2026-03-16, in the future; an activity is "
               "recorded once it has happened (today is 2026-03-15): correct the date, or void the entry")
    r = cep(ledgers, "check")
    assert r.exit_code == 3 and f"{message} [future-date]\n" in r.stdout
    for args in COMMANDS:
        r = cep(ledgers, *args)
        assert r.exit_code == 3, args
        assert_no_report(r, args)
        assert r.stderr.splitlines()[0] == message, args
    assert snapshot(ledgers) == before
    # on the day itself the entry is fine
    assert cep(ledgers, "status", "jdoe", today="2026-03-16").exit_code == 0
    assert cep(ledgers, "check", today="2026-03-16").exit_code == 0


def test_voiding_a_future_entry_mends_the_ledger(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=FUTURE)
    r = cep(ledgers, "void", "jdoe", "f00001", "--reason", "typo in the year")
    assert r.exit_code == 0, r.stderr
    assert cep(ledgers, "check").exit_code == 0
    assert cep(ledgers, "status", "jdoe").exit_code == 0


def test_add_to_a_ledger_check_calls_invalid_is_refused_and_writes_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=FUTURE)
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1", "--item", "w3")
    assert (r.exit_code, r.stdout) == (3, "")
    assert "in the future" in r.stderr
    assert snapshot(ledgers) == before


# ------------------------------------------------------------------ import


CSV = "date,activity,amount,item\n{d1},live-webinar,1,a\n2026-02-03,live-webinar,1.5,b\n"


def test_import_refuses_numeric_dates_without_a_format_and_writes_nothing(ledgers, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV.format(d1="01/02/2026"), encoding="utf-8")
    before = snapshot(ledgers)
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert (r.exit_code, r.stdout) == (3, "")
    assert r.stderr == ("nothing imported: 1 problem in the CSV file; fix them and run the import again\n"
                        f"{csv}:2: ambiguous date '01/02/2026': day first (DMY, as in Alberta) it is 2026-02-01, "
                        "month first (MDY, as in California) 2026-01-02; say which with --date-format DMY or MDY, "
                        f"or use {FORMS}\n")
    assert snapshot(ledgers) == before


@pytest.mark.parametrize(("fmt", "day"), [("DMY", "2026-02-01"), ("MDY", "2026-01-02"), ("%d/%m/%Y", "2026-02-01")])
def test_import_reads_numeric_dates_with_a_format(ledgers, tmp_path, fmt, day):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV.format(d1="01/02/2026"), encoding="utf-8")
    r = cep(ledgers, "import", "jdoe", str(csv), "--date-format", fmt)
    assert r.exit_code == 0, r.stderr
    text = (ledgers / "jdoe.toml").read_text()
    assert f'date = {day}\nactivity = "live-webinar"\nhours = 1\nitem = "a"\n' in text
    assert 'date = 2026-02-03\nactivity = "live-webinar"\nhours = 1.5\nitem = "b"\n' in text


@pytest.mark.parametrize(
    ("row", "message"),
    [("2026-03-16,live-webinar,1,c", "the date 2026-03-16 is in the future; an activity is recorded once it has "
                                     "happened (today is 2026-03-15)"),
     ("2026-02-04,live-webinar,1.555,c", "the amount 1.555 has 3 decimal places; amounts take at most 2: say 1.56")],
)
def test_import_refuses_future_dates_and_three_decimals(ledgers, tmp_path, row, message):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV.format(d1="2026-02-01") + row + "\n", encoding="utf-8")
    before = snapshot(ledgers)
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert (r.exit_code, r.stdout) == (3, "")
    assert r.stderr.splitlines()[1] == f"{csv}:4: {message}"
    assert snapshot(ledgers) == before


def test_import_takes_durations_and_says_how_one_was_rounded(ledgers, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text("date,activity,amount,item\n2026-02-01,live-webinar,1h30m,a\n2026-02-02,live-webinar,40m,b\n",
                   encoding="utf-8")
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.endswith("  note: 40m is 0.6667... h, recorded as 0.67 h (two decimals)\n")
    text = (ledgers / "jdoe.toml").read_text()
    assert "hours = 1.5\nitem = \"a\"\n" in text and "hours = 0.67\nitem = \"b\"\n" in text


def test_import_refuses_a_bad_date_format_before_reading(ledgers, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV.format(d1="01/02/2026"), encoding="utf-8")
    r = cep(ledgers, "import", "jdoe", str(csv), "--date-format", "Q")
    assert r.exit_code == 2 and "bad --date-format 'Q'" in r.stderr


# ------------------------------------------------------------------ the same verdict as check


STRAY = {
    "ratings-element": (JDOE + '\n[[entries]]\ndate = 2026-01-20\nactivity = "live-webinar"\nhours = 1\n'
                        'item = "w9"\nratings = { 1A = "meets" }\n', "unknown-standard"),
    "unknown-table": (JDOE + '\n[[entires]]\ndate = 2026-01-20\nactivity = "live-webinar"\nhours = 1\n',
                      "unknown-table"),
    "undefined-activity": (JDOE + '\n[[entries]]\ndate = 2026-01-20\nactivity = "coaching"\nhours = 1\n',
                           "unknown-activity"),
}


@pytest.mark.parametrize("case", sorted(STRAY))
def test_status_summary_log_plan_explain_give_checks_error_word_for_word(tmp_path, case):
    text, code = STRAY[case]
    ledgers = make_ledgers(tmp_path, jdoe=text)
    before = snapshot(ledgers)
    r = cep(ledgers, "check", "--format", "json")
    assert r.exit_code == 3
    (problem,) = json.loads(r.stdout)
    assert problem["code"] == code
    line = f"{problem['path']}:{problem['line']}: {problem['message']}"
    for args in COMMANDS:
        r = cep(ledgers, *args)
        assert r.exit_code == 3, args
        assert_no_report(r, args)
        assert r.stderr.splitlines()[0] == line, args
    assert snapshot(ledgers) == before


def test_checks_warnings_are_printed_by_status_summary_and_log(tmp_path):
    text = JDOE + '\n[[entries]]\ndate = 2026-01-20\nactivity = "live-webinar"\nhours = 1\nitem = "w9"\ncolour = "red"\n'
    ledgers = make_ledgers(tmp_path, jdoe=text)
    r = cep(ledgers, "check", "--format", "json")
    assert r.exit_code == 0
    (problem,) = json.loads(r.stdout)
    want = f"{problem['path']}:{problem['line']}: warning: {problem['message']}\n"
    for args in (("status", "jdoe", "--format", "json"), ("summary", "--format", "json"), ("log", "jdoe")):
        r = cep(ledgers, *args)
        assert (r.exit_code, r.stderr) == (0, want), args


def test_load_all_members_can_hold_every_ledger_to_checks_verdict(tmp_path):
    import io
    from datetime import date

    from cepledger.cli.env import Env
    from cepledger.cli.run.evaluation import load_all_members
    from cli_helpers import MLEE

    ledgers = make_ledgers(tmp_path, jdoe=FUTURE, mlee=MLEE)
    env = Env(ledgers, date(2026, 3, 15), out=io.StringIO(), err=io.StringIO())
    members, problems = load_all_members(env)
    assert sorted(m.id for m in members) == ["jdoe", "mlee"] and problems == []
    members, problems = load_all_members(env, validate=True)
    assert [m.id for m in members] == ["mlee"]
    assert [p.code for p in problems] == ["future-date"]
