"""Commands that write: add, void, member add / enrol, init."""

from __future__ import annotations

import hashlib
import re

import pytest

from cli_helpers import JDOE, MLEE, cep, make_ledgers, snapshot

from cepledger.ledger import write as ledger_write
from cepledger.model.errors import WriteError


@pytest.fixture
def ledgers(tmp_path):
    return make_ledgers(tmp_path)


def added_id(stdout: str) -> str:
    m = re.match(r"added ([0-9a-f]{6})", stdout)
    assert m, stdout
    return m.group(1)


# ------------------------------------------------------------------ add: what it writes and prints


def test_add_appends_and_prints_what_counted_and_the_standing(ledgers):
    path = ledgers / "jdoe.toml"
    before = path.read_bytes()
    r = cep(ledgers, "add", "jdoe", "live-webinar", "1.5", "--item", "webinar-3", "--title", "Budget season",
            "--date", "2026-03-01")
    assert r.exit_code == 0, r.output
    eid = added_id(r.stdout)
    assert r.stdout == f"added {eid}: counted 1.5 of 1.5; 2025-26: 29 of 30 credits\n"
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode() == (
        f"\n[[entries]]\nid = \"{eid}\"\ndate = 2026-03-01\nactivity = \"live-webinar\"\nhours = 1.5\n"
        "title = \"Budget season\"\nitem = \"webinar-3\"\n"
    )


def test_add_names_the_cap_that_clipped(ledgers):
    r = cep(ledgers, "add", "jdoe", "live-webinar", "4", "--item", "webinar-9", "--date", "2026-03-02")
    assert r.exit_code == 0, r.output
    eid = added_id(r.stdout)
    assert r.stdout == (f"added {eid}: counted 3 of 4 (live-webinar: at most 3 per webinar); "
                        "2025-26: 30.5 of 30 credits (met)\n")


def test_add_defaults_to_today_and_reads_yesterday(ledgers):
    r = cep(ledgers, "add", "jdoe", "research-report", "1", "--item", "r2")
    assert r.exit_code == 0, r.output
    assert "date = 2026-03-15\n" in (ledgers / "jdoe.toml").read_text()
    r = cep(ledgers, "add", "jdoe", "research-report", "1", "--item", "r3", "--date", "yesterday")
    assert r.exit_code == 0, r.output
    assert "date = 2026-03-14\n" in (ledgers / "jdoe.toml").read_text()
    r = cep(ledgers, "add", "jdoe", "research-report", "1", "--item", "r4", "--date", "2026-3-1")
    assert "date = 2026-03-01\n" in (ledgers / "jdoe.toml").read_text()


def test_add_a_cep_course_by_number_or_name(ledgers):
    r = cep(ledgers, "add", "jdoe", "cep-course", "--course", "8", "--date", "2026-03-01")
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith(": counted 10 of 10; 2025-26: 37.5 of 30 credits (met)\n")
    assert "course = 8\n" in (ledgers / "jdoe.toml").read_text()
    r = cep(ledgers, "add", "jdoe", "cep-course", "--course", "relational-leadership", "--date", "2026-03-02")
    assert r.exit_code == 0, r.output
    assert 'course = "relational-leadership"\n' in (ledgers / "jdoe.toml").read_text()


def test_add_a_milestone_and_cpsel_tags_and_ratings(ledgers):
    r = cep(ledgers, "add", "mlee", "assurances", "--date", "2025-09-20")
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith(": assurances recorded; program year 1: assurances 1 of 1 (met)\n")

    r = cep(ledgers, "add", "mlee", "professional-learning", "2", "--cpsel", "2a,5", "--cpsel", "6C",
            "--date", "2025-12-01")
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("program year 1: 5.5 of 20 hours\n")
    assert 'cpsel = ["2A", 5, "6C"]\n' in (ledgers / "mlee.toml").read_text()

    r = cep(ledgers, "add", "mlee", "cpsel-rating", "--rating", "1=meets", "--rating", "2=Proficient,3=advanced",
            "--date", "2026-01-10")
    assert r.exit_code == 0, r.output
    assert 'ratings = { 1 = "meets", 2 = "proficient", 3 = "advanced" }\n' in (ledgers / "mlee.toml").read_text()


def test_add_records_the_evidence_checksum(ledgers, tmp_path, monkeypatch):
    cert = ledgers / "certificates" / "c.pdf"
    cert.parent.mkdir()
    cert.write_bytes(b"%PDF-1.4 certificate")
    r = cep(ledgers, "add", "jdoe", "verifiable-self-directed", "6", "--evidence", "certificates/c.pdf",
            "--date", "2026-03-01")
    assert r.exit_code == 0, r.output
    text = (ledgers / "jdoe.toml").read_text()
    assert 'evidence = "certificates/c.pdf"\n' in text
    assert f'evidence_sha256 = "{hashlib.sha256(cert.read_bytes()).hexdigest()}"\n' in text

    # relative to the working folder when not under the ledgers folder; absent file: path only
    monkeypatch.chdir(tmp_path)
    (tmp_path / "here.pdf").write_bytes(b"here")
    r = cep(ledgers, "add", "jdoe", "verifiable-self-directed", "1", "--evidence", "here.pdf", "--date", "2026-03-02")
    assert hashlib.sha256(b"here").hexdigest() in (ledgers / "jdoe.toml").read_text()
    r = cep(ledgers, "add", "jdoe", "verifiable-self-directed", "1", "--evidence", "missing.pdf",
            "--date", "2026-03-03")
    assert r.exit_code == 0
    assert (ledgers / "jdoe.toml").read_text().endswith('evidence = "missing.pdf"\n')


def test_decimal_amounts_stay_exact(ledgers):
    r = cep(ledgers, "status", "mlee", "--format", "json")
    coaching = next(a for a in r.stdout.split("{") if '"activity": "coaching"' in a)
    assert '"claimed": 0.3' in coaching


# ------------------------------------------------------------------ add: refused, file untouched


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jdoe", "webinar", "1"], "unknown activity 'webinar' for cass-cep; did you mean 'live-webinar'? "
                                   "choose one of: board-member, cass-conference, cass-event,"),
        (["jdoe", "coaching", "1"], "unknown activity 'coaching' for cass-cep (it belongs to casc-butte, "
                                    "casc-monterey, casc-rossier, which the member is not enrolled in)"),
        (["jdoe", "live-webinar", "--", "-1"], "the amount -1 is negative"),
        (["jdoe", "live-webinar", "0"], "an amount of 0 counts nothing"),
        (["jdoe", "live-webinar", "nan"], "bad amount 'nan'"),
        (["jdoe", "live-webinar", "inf"], "bad amount 'inf'"),
        (["jdoe", "live-webinar", "1e400"], "bad amount '1e400': give a number like 3 or 1.5 (at most two decimals), "
                                             "or a duration like 1h30m, 90m or 1:30"),
        (["jdoe", "live-webinar", "1.555"], "the amount 1.555 has 3 decimal places; amounts take at most 2: say 1.56"),
        (["jdoe", "live-webinar", "1h75m"], "bad duration '1h75m': the minutes must be below 60"),
        (["jdoe", "live-webinar", "1", "--date", "tomorrow"], "the date 2026-03-16 is in the future"),
        (["jdoe", "live-webinar", "1000.01"], "more than 1000"),
        (["jdoe", "live-webinar", "three"], "bad amount 'three'"),
        (["jdoe", "live-webinar"], "live-webinar is counted in hours"),
        (["jdoe", "live-webinar", "1", "--date", "2026-02-30"],
         "bad date '2026-02-30': there is no such day; use YYYY-MM-DD (2025-10-03, also 2025-10-3 or 20251003), "
         "a month name (3 Oct 2025, Oct 3 2025, Oct 3), 'today' or 'yesterday'; a date with slashes or dots "
         "(03/10/2025) needs --date-format DMY, MDY or YMD (or a pattern such as %d/%m/%Y)"),
        (["jdoe", "live-webinar", "1", "--date", "2021-08-31"], "outside the member's programs"),
        (["jdoe", "cep-course"], "cep-course needs --course"),
        (["jdoe", "cep-course", "--course", "13"], "unknown course '13' for cass-cep; choose a number or name: "
                                                   "1 changing-world"),
        (["jdoe", "live-webinar", "1", "--course", "4"], "--course is only for activities with a course catalogue"),
        (["jdoe", "live-webinar", "1", "--cpsel", "2A"], "--cpsel does not apply to live-webinar"),
        (["jdoe", "live-webinar", "1", "--title", " "], "--title is empty"),
        (["mlee", "orientation", "1"], "orientation is a milestone and takes no amount"),
        (["mlee", "professional-learning", "1", "--cpsel", "7"], "unknown CPSEL standard or element '7'"),
        (["mlee", "professional-learning", "1", "--cpsel", "2D"], "unknown CPSEL standard or element '2D'"),
        (["mlee", "cpsel-rating", "--rating", "3=great"], "unknown rating level 'great'; choose one of: "
                                                          "directed-toward, approaches, meets, exemplifies"),
        (["mlee", "cpsel-rating", "--rating", "7=meets"], "unknown standard '7'"),
        (["mlee", "cpsel-rating", "--rating", "3"], "bad rating '3': write STANDARD=LEVEL"),
        (["mlee", "cpsel-rating", "--rating", "3=meets", "--rating", "3=approaches"], "standard 3 is rated twice"),
        (["mlee", "cpsel-rating"], "cpsel-rating needs --rating"),
        (["mlee", "coaching", "1", "--date", "2025-09-02"], "casc-butte runs 2025-09-03 to 2027-09-02"),
        (["nobody", "coaching", "1"], "no member 'nobody'"),
    ],
)
def test_add_refuses_bad_input_with_exit_2_and_touches_nothing(ledgers, args, message):
    before = snapshot(ledgers)
    r = cep(ledgers, "add", *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.output
    assert snapshot(ledgers) == before


def test_add_to_a_broken_ledger_exits_3_and_touches_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE + "\n[[entries]]\ndate = 2026-01-01\nactivity = \"mentor\"\nhours = -3\n")
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "mentor", "1")
    assert r.exit_code == 3
    assert re.search(r"jdoe\.toml:\d+: ", r.stderr)
    assert snapshot(ledgers) == before


def test_a_locked_ledger_exits_4_and_touches_nothing(ledgers, monkeypatch):
    from filelock import FileLock

    real = ledger_write.append_entries
    monkeypatch.setattr(ledger_write, "append_entries", lambda *a, **kw: real(*a, **{**kw, "lock_timeout": 0.05}))
    path = ledgers / "jdoe.toml"
    cep(ledgers, "add", "jdoe", "mentor", "1")  # creates the lock folder
    before = snapshot(ledgers)
    holder = FileLock(str(ledger_write.lock_path(path)))
    with holder:
        r = cep(ledgers, "add", "jdoe", "mentor", "2")
    assert r.exit_code == 4, r.output
    assert "locked by another writer" in r.stderr
    assert r.stdout == ""
    assert snapshot(ledgers) == before


def test_a_write_error_exits_4(ledgers, monkeypatch):
    def full(*a, **kw):
        raise WriteError("could not write jdoe.toml: the disk is full; free some space and try again")

    monkeypatch.setattr(ledger_write, "append_entries", full)
    monkeypatch.setattr(ledger_write, "void_entry", full)
    before = snapshot(ledgers)
    r = cep(ledgers, "add", "jdoe", "mentor", "1")
    assert r.exit_code == 4
    assert r.stderr == "error: could not write jdoe.toml: the disk is full; free some space and try again\n"
    r = cep(ledgers, "void", "jdoe", "a00001", "--reason", "x")
    assert r.exit_code == 4
    assert snapshot(ledgers) == before


def test_validation_runs_again_under_the_lock(ledgers, monkeypatch):
    """Another writer may change the ledger between our read and our write."""
    real = ledger_write.append_entries

    def racing(path, entries, *, validate=None, **kw):
        text = path.read_text().replace("[programs.cass-cep]\nsince = 2021-09-01\n",
                                        "[programs.casc-butte]\nsince = 2025-09-01\n")
        path.write_text(text)
        return real(path, entries, validate=validate, **kw)

    monkeypatch.setattr(ledger_write, "append_entries", racing)
    r = cep(ledgers, "add", "jdoe", "mentor", "1")
    assert r.exit_code == 2
    assert "unknown activity 'mentor' for casc-butte" in r.stderr
    assert "mentor" not in (ledgers / "jdoe.toml").read_text().split("[[entries]]")[-1]


# ------------------------------------------------------------------ void


def test_void_marks_the_entry_and_prints_the_new_standing(ledgers):
    path = ledgers / "jdoe.toml"
    r = cep(ledgers, "void", "jdoe", "a00004", "--reason", "wrong member")
    assert r.exit_code == 0, r.output
    assert r.stdout == "voided a00004: 2025-26: 25 of 30 credits\n"
    assert 'item = "report-1"\nvoid = "wrong member"\n' in path.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jdoe", "zzzzzz", "--reason", "x"], "no entry 'zzzzzz' in jdoe's ledger"),
        (["jdoe", "a00004x", "--reason", "x"], "did you mean 'a00004'?"),
        (["jdoe", "a00006", "--reason", "x"], "entry a00006 is already void (logged twice)"),
        (["jdoe", "a00001", "--reason", " "], "--reason is empty"),
        (["jdoe", "a00001"], "Missing option '--reason'"),
        (["nobody", "a00001", "--reason", "x"], "no member 'nobody'"),
    ],
)
def test_void_refuses_with_exit_2_and_touches_nothing(ledgers, args, message):
    before = snapshot(ledgers)
    r = cep(ledgers, "void", *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert snapshot(ledgers) == before


# ------------------------------------------------------------------ members and init


def test_member_add_creates_the_file(ledgers):
    r = cep(ledgers, "member", "add", "pat", "--name", "Pat Smith", "--program", "cass-cep", "--since", "2024-09-01")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"created {ledgers / 'pat.toml'}: Pat Smith in cass-cep since 2024-09-01\n"
    assert (ledgers / "pat.toml").read_text() == (
        'schema = 1\n\n[member]\nid = "pat"\nname = "Pat Smith"\n\n[programs.cass-cep]\nsince = 2024-09-01\n'
    )
    r = cep(ledgers, "status", "pat", "--format", "csv")
    assert r.exit_code == 0 and "pat,cass-cep,2025-26,annual-credits,30,0,30,false" in r.stdout


def test_member_add_with_employed_since_and_the_note_without(ledgers):
    r = cep(ledgers, "member", "add", "kim", "--name", "Kim", "--program", "casc-rossier", "--since", "2025-09-15",
            "--employed-since", "2025-08-01")
    assert r.exit_code == 0, r.output
    assert "employed_since = 2025-08-01\n" in (ledgers / "kim.toml").read_text()
    r = cep(ledgers, "member", "add", "lou", "--name", "Lou", "--program", "casc-butte", "--since", "2025-09-15")
    assert r.exit_code == 0
    assert "--employed-since" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jdoe", "--name", "J", "--program", "cass-cep", "--since", "2024-09-01"], "member 'jdoe' already exists"),
        (["Pat", "--name", "P", "--program", "cass-cep", "--since", "2024-09-01"], "upper-case"),
        (["../pat", "--name", "P", "--program", "cass-cep", "--since", "2024-09-01"], "not valid"),
        (["com1", "--name", "P", "--program", "cass-cep", "--since", "2024-09-01"], "reserved"),
        (["pat", "--name", "P", "--program", "cass", "--since", "2024-09-01"],
         "unknown program 'cass'; choose one of: casc-butte, casc-monterey, casc-rossier, cass-cep"),
        (["pat", "--name", "P", "--program", "casc-base", "--since", "2024-09-01"], "unknown program 'casc-base'"),
        (["pat", "--name", "P", "--program", "cass-cep", "--since", "soon"], "bad date 'soon'"),
        (["pat", "--name", " ", "--program", "cass-cep", "--since", "2024-09-01"], "--name is empty"),
        (["pat", "--name", "P", "--program", "cass-cep"], "Missing option '--since'"),
    ],
)
def test_member_add_refuses_with_exit_2(ledgers, args, message):
    before = snapshot(ledgers)
    r = cep(ledgers, "member", "add", *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert snapshot(ledgers) == before


def test_member_enrol(ledgers):
    r = cep(ledgers, "member", "enrol", "jdoe", "casc-monterey", "--since", "2025-09-08",
            "--employed-since", "2025-08-01")
    assert r.exit_code == 0, r.output
    assert r.stdout == "enrolled jdoe in casc-monterey since 2025-09-08\n"
    assert "[programs.casc-monterey]\nsince = 2025-09-08\nemployed_since = 2025-08-01\n" in (
        ledgers / "jdoe.toml").read_text()
    before = snapshot(ledgers)
    r = cep(ledgers, "member", "enrol", "jdoe", "casc-monterey", "--since", "2025-09-08")
    assert r.exit_code == 2 and "already enrolled in casc-monterey" in r.stderr
    r = cep(ledgers, "member", "enrol", "jdoe", "nope", "--since", "2025-09-08")
    assert r.exit_code == 2 and "unknown program 'nope'" in r.stderr
    assert snapshot(ledgers) == before


def test_member_list_formats(ledgers):
    r = cep(ledgers, "member", "list", "--format", "csv")
    assert r.stdout == "id,name,programs\njdoe,Jane Doe,cass-cep\nmlee,Min Lee,casc-butte\n"
    r = cep(ledgers, "member", "list", "--format", "json")
    assert '"employed_since": "2025-07-01"' in r.stdout
    r = cep(ledgers, "member", "list")
    assert "Jane Doe" in r.stdout and "casc-butte (since 2025-09-03)" in r.stdout


def test_init_creates_and_never_destroys(tmp_path):
    target = tmp_path / "new"
    r = cep(None, "init", str(target))
    assert r.exit_code == 0
    assert target.is_dir() and (target / "programs").is_dir()
    assert "created" in r.stdout
    (target / "x.toml").write_text(MLEE)
    r = cep(None, "init", str(target))
    assert r.exit_code == 0 and "nothing changed" in r.stdout
    assert (target / "x.toml").read_text() == MLEE
    f = tmp_path / "file"
    f.write_text("x")
    r = cep(None, "init", str(f))
    assert r.exit_code == 2 and "not a folder" in r.stderr
    assert f.read_text() == "x"


def test_init_defaults_to_the_ledgers_folder(tmp_path):
    r = cep(tmp_path / "L", "init")
    assert r.exit_code == 0
    assert (tmp_path / "L").is_dir()
