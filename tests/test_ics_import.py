"""``cep import MEMBER FILE.ics --activity A``: calendar events as entries, all or nothing."""

from __future__ import annotations

import textwrap

import pytest

from cli_helpers import cep, make_ledgers, snapshot

LEDGER = """\
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"

[programs.cass-cep]
since = 2021-09-01
"""

SERIES = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:webinar-series@example.org
DTSTAMP:20250101T000000Z
DTSTART:20260203T160000Z
DTEND:20260203T173000Z
RRULE:FREQ=WEEKLY;COUNT=8
EXDATE:20260210T160000Z
SUMMARY:Leading Learning webinar
END:VEVENT
BEGIN:VEVENT
UID:one-off@example.org
DTSTAMP:20250101T000000Z
DTSTART:20251020T090000
DURATION:PT2H20M
SUMMARY:Board session
END:VEVENT
BEGIN:VEVENT
UID:last-year@example.org
DTSTAMP:20250101T000000Z
DTSTART:20250320T090000
DTEND:20250320T100000
SUMMARY:Last year's event
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def folder(tmp_path):
    return make_ledgers(tmp_path, jdoe=LEDGER)


def write_ics(tmp_path, text: str, name: str = "events.ics"):
    p = tmp_path / name
    p.write_bytes(text.replace("\n", "\r\n").encode())
    return str(p)


def test_a_recurring_series_is_expanded_within_the_year(folder, tmp_path) -> None:
    ics = write_ics(tmp_path, SERIES)
    r = cep(folder, "import", "jdoe", ics, "--activity", "live-webinar", "--year", "2025", "--item-from", "summary")
    assert r.exit_code == 0, r.stderr
    # today is 2026-03-15: Feb 3, (not Feb 10: EXDATE), 17, 24, Mar 3, 10 are past; Mar 17, 24 still to come
    assert r.stdout.endswith(", 0 skipped as duplicates, 2 future events left out\n")
    text = (folder / "jdoe.toml").read_text()
    assert text.startswith(LEDGER)
    assert text.count("[[entries]]") == 6
    assert 'date = 2025-10-20\nactivity = "live-webinar"\nhours = 2.33\ntitle = "Board session"\n' \
           'item = "Board session"\n' in text
    for day in ("2026-02-03", "2026-02-17", "2026-02-24", "2026-03-03", "2026-03-10"):
        assert f'date = {day}\nactivity = "live-webinar"\nhours = 1.5\ntitle = "Leading Learning webinar"\n' in text
    assert "2026-02-10" not in text and "2025-03-20" not in text  # an exception, and another year


def test_importing_again_adds_nothing(folder, tmp_path) -> None:
    ics = write_ics(tmp_path, SERIES)
    assert cep(folder, "import", "jdoe", ics, "--activity", "live-webinar").exit_code == 0
    before = snapshot(folder)
    r = cep(folder, "import", "jdoe", ics, "--activity", "live-webinar")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[-1] == ("0 entries to add, 6 skipped as duplicates, 2 future events left out; "
                                         "nothing was written")
    assert snapshot(folder) == before


def test_item_from_uid_is_the_default(folder, tmp_path) -> None:
    ics = write_ics(tmp_path, SERIES)
    assert cep(folder, "import", "jdoe", ics, "--activity", "live-webinar").exit_code == 0
    text = (folder / "jdoe.toml").read_text()
    assert text.count('item = "webinar-series@example.org"') == 5 and 'item = "one-off@example.org"' in text


def test_dry_run_writes_nothing(folder, tmp_path) -> None:
    ics = write_ics(tmp_path, SERIES)
    before = snapshot(folder)
    r = cep(folder, "import", "jdoe", ics, "--activity", "live-webinar", "--dry-run")
    assert r.exit_code == 0 and "would add line 13: 2025-10-20 live-webinar 2.33 Board session" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("dry run: 6 entries would be added")
    assert snapshot(folder) == before


BROKEN = """\
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:x
DTSTART:20251020T090000
this line is not a property
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(("text", "line", "message"), [
    (BROKEN, 6, "cannot read this line as NAME:VALUE"),
    (BROKEN.replace("END:VEVENT\n", "").replace("this line is not a property\n", ""), 6, "END:VCALENDAR does not close what is open (expected END:VEVENT)"),
    ("hello\n", 1, "this is not an iCalendar file"),
    (SERIES.replace("DURATION:PT2H20M\n", ""), 13, "event 'Board session' on 2025-10-20 has no duration"),
    (SERIES.replace("DTSTART:20251020T090000\nDURATION:PT2H20M", "DTSTART;VALUE=DATE:20251020"), 13,
     "event 'Board session' on 2025-10-20 is an all-day event"),
])
def test_bad_calendars_change_nothing(folder, tmp_path, text, line, message) -> None:
    ics = write_ics(tmp_path, text)
    before = snapshot(folder)
    r = cep(folder, "import", "jdoe", ics, "--activity", "live-webinar")
    assert r.exit_code == 3, r.stdout
    assert f"{ics}:{line}: {message}" in r.stderr
    assert snapshot(folder) == before


def test_an_event_the_activity_refuses_stops_the_import(folder, tmp_path) -> None:
    long = SERIES.replace("DURATION:PT2H20M", "DURATION:PT1200H")  # more than 1000 hours
    ics = write_ics(tmp_path, long)
    before = snapshot(folder)
    r = cep(folder, "import", "jdoe", ics, "--activity", "live-webinar")
    assert r.exit_code == 3 and f"{ics}:13: event 'Board session' on 2025-10-20: the amount 1200 is more" in r.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize(("args", "message"), [
    ((), "an .ics import needs --activity"),
    (("--activity", "live-webinr"), "unknown activity 'live-webinr'"),
    (("--activity", "live-webinar", "--item-from", "title"), "--item-from title is not one of: uid, summary"),
])
def test_bad_options(folder, tmp_path, args, message) -> None:
    ics = write_ics(tmp_path, SERIES)
    r = cep(folder, "import", "jdoe", ics, *args)
    assert r.exit_code == 2 and message in r.stderr


def test_ics_options_are_refused_for_csv(folder, tmp_path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("date,activity,amount\n2025-10-01,cass-event,1\n")
    r = cep(folder, "import", "jdoe", str(csv), "--activity", "cass-event")
    assert r.exit_code == 2 and "--activity, --item-from and --year are for .ics calendar files" in r.stderr


def test_a_missing_calendar_file(folder, tmp_path) -> None:
    r = cep(folder, "import", "jdoe", str(tmp_path / "nope.ics"), "--activity", "live-webinar")
    assert r.exit_code == 2 and "no file" in r.stderr


def test_undo_takes_back_an_ics_import(folder, tmp_path) -> None:
    ics = write_ics(tmp_path, SERIES)
    assert cep(folder, "import", "jdoe", ics, "--activity", "live-webinar").exit_code == 0
    r = cep(folder, "undo", "jdoe")
    assert r.exit_code == 0 and "import of 6 entries" in r.stdout
    assert (folder / "jdoe.toml").read_text() == LEDGER
