"""--format md for status and summary: Markdown tables to paste into an email or a wiki."""

from __future__ import annotations

import subprocess
import sys

from cli_helpers import JDOE, MLEE, cep, make_ledgers


def test_status_md(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE.replace('title = "Reading"', 'title = "Read | write"'))
    r = cep(ledgers, "status", "jdoe", "--format", "md")
    assert r.exit_code == 0, r.stderr
    assert "### CASS Continuing Education Program (`cass-cep`) 2025-26: **short**" in r.stdout
    assert "| annual-credits | 30 credits | 27.5 | 2.5 | 2026-08-31 | no |" in r.stdout
    assert "| live-webinar | 4 | 3 |" in r.stdout
    assert "\x1b[" not in r.stdout


def test_status_md_check_exit_code(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    assert cep(ledgers, "status", "jdoe", "-f", "md", "--check").exit_code == 1


def test_summary_md(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)
    r = cep(ledgers, "summary", "--format", "md")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "| member | program | period | status | not met |"
    assert lines[2] == ("| jdoe | cass-cep | 2025-26 | **short** | annual-credits 2.5 credits short, due 2026-08-31; "
                        "cep-courses 4 courses short, due 2026-08-31 |")
    assert "2 member-programs, 2 short." in r.stdout


def test_md_is_refused_where_it_does_not_apply(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    assert cep(ledgers, "log", "jdoe", "--format", "md").exit_code == 2


def test_help_does_not_import_the_new_modules():
    code = ("import sys; from cepledger.cli.app import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('rich', 'cepledger.cli.run.advice', 'cepledger.calc.plan', 'cepledger.calc.explain',"
            " 'cepledger.render.report', 'cepledger.ledger.importer') if m in sys.modules]\n"
            "print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out
