"""cep import: every row checked first, one atomic append or nothing; duplicates skipped."""

from __future__ import annotations

from cli_helpers import JDOE, cep, make_ledgers, snapshot

from cepledger.ledger.load import load_member

GOOD = """\
Event Date,activity,Credits,title,item
2026-01-05,live-webinar,2,Webinar A,web-a
2026-01-06,cep-course,,Course 5,
2025-11-12,live-webinar,4,,webinar-1
2026-01-05,live-webinar,2,Webinar A,web-a
"""


def test_all_rows_are_written_in_one_append_and_duplicates_are_skipped(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "in.csv"
    csv.write_text(GOOD.replace("cep-course,,Course 5,", "research-report,1.5,Report B,"), encoding="utf-8")
    before = (ledgers / "jdoe.toml").read_bytes()
    r = cep(ledgers, "import", "jdoe", str(csv), "--map", "Event Date=date", "--map", "Credits=amount")
    assert r.exit_code == 0, r.stderr
    # line 4 repeats a00002 of the ledger; line 5 repeats line 2 of the file
    assert "skipped line 4" in r.stdout and "skipped line 5" in r.stdout
    assert "imported 2 entries" in r.stdout
    after = (ledgers / "jdoe.toml").read_bytes()
    assert after.startswith(before)
    member = load_member(ledgers / "jdoe.toml")
    assert [e.title for e in member.entries[-2:]] == ["Webinar A", "Report B"]
    # importing again adds nothing
    r = cep(ledgers, "import", "jdoe", str(csv), "--map", "Event Date=date", "--map", "Credits=amount")
    assert r.exit_code == 0 and "nothing to import" in r.stdout
    assert (ledgers / "jdoe.toml").read_bytes() == after


def test_one_bad_row_writes_nothing_and_names_every_bad_line(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "in.csv"
    csv.write_text("date,activity,hours\n2026-01-05,live-webinar,2\n2026-01-06,bogus,1\n"
                   "2026-01-07,live-webinar,-1\n", encoding="utf-8")
    before = snapshot(ledgers)
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert r.exit_code == 3
    assert f"{csv}:3:" in r.stderr and f"{csv}:4:" in r.stderr and "nothing imported" in r.stderr
    assert snapshot(ledgers) == before


def test_dry_run_writes_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "in.csv"
    csv.write_text("date,activity,hours\n2026-01-05,live-webinar,2\n", encoding="utf-8")
    before = snapshot(ledgers)
    r = cep(ledgers, "import", "jdoe", str(csv), "--dry-run")
    assert r.exit_code == 0 and "would add line 2: 2026-01-05 live-webinar 2" in r.stdout
    assert snapshot(ledgers) == before


def test_a_missing_column_or_bad_map_is_reported(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "in.csv"
    csv.write_text("when,what\n2026-01-05,live-webinar\n", encoding="utf-8")
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert r.exit_code == 3 and "no 'date' column" in r.stderr
    r = cep(ledgers, "import", "jdoe", str(csv), "--map", "when=colour")
    assert r.exit_code == 2 and "bad --map" in r.stderr


def test_two_courses_on_one_day_are_not_duplicates(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "in.csv"
    csv.write_text("date,activity,course\n2026-01-05,cep-course,1\n2026-01-05,cep-course,2\n"
                   "2025-11-20,cep-course,4\n", encoding="utf-8")
    r = cep(ledgers, "import", "jdoe", str(csv))
    assert r.exit_code == 0, r.stderr
    assert "imported 2 entries" in r.stdout and "skipped line 4" in r.stdout
