"""`status` defaults a careful user expects: the year of --as-of, and no silently ignored entries."""

from __future__ import annotations

import json

from cli_helpers import JDOE, cep, make_ledgers, snapshot


def test_as_of_without_year_reports_the_year_containing_that_date(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    # today is in 2026-27; --as-of 2025-11-30 asks about 2025-26 up to that day:
    # conference 12 → 10, webinar 4 → 3, course 10 (Nov 20) = 23
    result = cep(ledgers, "status", "jdoe", "--as-of", "2025-11-30", "--format", "json", today="2026-11-23")
    assert result.exit_code == 0, result.stderr
    program = json.loads(result.stdout)["programs"][0]
    assert program["period"]["label"] == "2025-26"
    annual = program["requirements"][0]
    assert (annual["id"], annual["earned"], annual["shortfall"]) == ("annual-credits", 23, 7)


def test_explicit_year_wins_over_the_as_of_year(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    result = cep(ledgers, "status", "jdoe", "--year", "2024", "--as-of", "2025-11-30", "--format", "json")
    assert json.loads(result.stdout)["programs"][0]["period"]["label"] == "2024-25"


def test_an_entry_no_program_defines_is_an_error_as_in_check_not_silently_dropped(tmp_path):
    text = JDOE + '\n[[entries]]\ndate = 2025-12-01\nactivity = "coaching"\nhours = 1\n'
    ledgers = make_ledgers(tmp_path, jdoe=text)
    before = snapshot(ledgers)
    line = text.splitlines().index("[[entries]]", len(JDOE.splitlines())) + 1  # the new entry's header
    want = (f"{ledgers / 'jdoe.toml'}:{line}: unknown activity 'coaching'; it belongs to casc-butte, casc-monterey, "
            "casc-rossier, which the member is not enrolled in\n")
    result = cep(ledgers, "status", "jdoe", "--year", "2025", "--format", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", want)
    assert f"{want.rstrip()} [unknown-activity]" in cep(ledgers, "check").stdout
    assert snapshot(ledgers) == before


def test_log_shows_control_and_bidi_characters_escaped_and_keeps_the_file(tmp_path):
    text = JDOE + '\n[[entries]]\ndate = 2025-12-01\nactivity = "research-report"\nhours = 1\ntitle = "evil\\u202Etxt\\u001B[31m"\n'
    ledgers = make_ledgers(tmp_path, jdoe=text)
    before = snapshot(ledgers)
    result = cep(ledgers, "log", "jdoe", "--year", "2025")
    assert result.exit_code == 0, result.stderr
    assert "evil\\u202etxt\\x1b[31m" in result.stdout
    assert "\u202e" not in result.stdout and "\x1b" not in result.stdout
    assert snapshot(ledgers) == before
