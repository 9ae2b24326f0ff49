"""cep report for an auditor: names beside ids, totals, file digests, attestation;
CASS course windows; CASC program years, milestones, CPSEL matrix and coaching log."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cli_helpers import JDOE, MLEE, cep, make_ledgers

import cepledger

COURSES = """\
schema = 1

[member]
id = "kim"
name = "Kim Ng"

[programs.cass-cep]
since = 2019-09-01

[[entries]]
id = "c00001"
date = 2020-07-14
activity = "cep-course"
course = 1
title = "Changing World"

[[entries]]
id = "c00002"
date = 2021-07-13
activity = "cep-course"
course = "changing-world"
title = "Changing World again"

[[entries]]
id = "c00003"
date = 2022-01-10
activity = "cep-course"
course = 2
void = "wrong member"

[[entries]]
id = "c00004"
date = 2025-10-01
activity = "cep-course"
course = 3
title = "Indigenous Student Success"
"""


@pytest.fixture
def ledgers(tmp_path):
    return make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE, kim=COURSES)


def test_report_without_output_writes_markdown_to_stdout(ledgers):
    r = cep(ledgers, "report", "jdoe", "--year", "2025")
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert text.startswith("# Continuing education report 2025-26: Jane Doe (jdoe)\n")
    # human names beside the ids, a totals row under the requirements and the entries
    assert "| CEP credits this year (annual-credits) | 30 | 27.5 | 2.5 | credits | 2026-08-31 | no |" in text
    assert "| **0 of 2 requirements met** |  |  |  |  |  | **period not met** |" in text
    assert "| **total** | **30.5** | **27.5** |" in text  # credits by activity
    assert "| **5 entries** |  |  |  | **30.5** | **27.5** |  |" in text  # the void entry counts nothing
    # where the report came from: the ledger's SHA-256 and the rule file's, with its format
    ledger_digest = hashlib.sha256((ledgers / "jdoe.toml").read_bytes()).hexdigest()
    rules = Path(cepledger.__file__).parent / "rules" / "programs" / "cass-cep.toml"
    assert f"| {ledgers / 'jdoe.toml'} | ledger |  | `{ledger_digest}` |" in text
    assert f"| {rules} | cass-cep | format 1 | `{hashlib.sha256(rules.read_bytes()).hexdigest()}` |" in text
    assert f"Prepared 2026-03-15 by cepledger {cepledger.__version__}." in text
    tail = text.split("## Attestation\n", 1)[1]
    assert tail.startswith("\nI certify that the activities recorded in this report took place as described")
    assert "Name: Jane Doe (jdoe)" in tail and "Date: ____" in tail and "Signature: ____" in tail


def test_html_report_has_totals_digests_attestation_and_print_css(ledgers, tmp_path):
    out = tmp_path / "r.html"
    assert cep(ledgers, "report", "jdoe", "--year", "2025", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<td>CEP credits this year (annual-credits)</td>" in page
    assert '<tfoot><tr class="total"><td>total</td><td class="n">30.5</td><td class="n">27.5</td></tr></tfoot>' in page
    assert hashlib.sha256((ledgers / "jdoe.toml").read_bytes()).hexdigest() in page
    assert '<div class="attest"><p>I certify that' in page and "<dt>Signature</dt>" in page
    print_css = page.split("@media print", 1)[1]
    assert "table, figure, .qa, .attest { break-inside: avoid; page-break-inside: avoid; }" in print_css


def test_cass_courses_say_which_count_and_why_not(ledgers):
    r = cep(ledgers, "report", "kim", "--year", "2025")
    assert r.exit_code == 0, r.stderr
    part = r.stdout.split("### CEP courses within 5 years of becoming a regulated member (cep-courses)\n", 1)[1]
    assert part.startswith("\nWindow: 2019-09-01 to 2024-08-31; 1 of 5 courses counted, 4 to go.\n")
    assert "| 2020-07-14 | `c00001` | changing-world | Changing World | yes |" in part
    assert ("| 2021-07-13 | `c00002` | changing-world | Changing World again | no: repeated: changing-world "
            "already counted on 2020-07-14 |") in part
    assert "| 2022-01-10 | `c00003` | developing-leadership-capacity |  | no: void: wrong member |" in part
    assert ("| 2025-10-01 | `c00004` | indigenous-student-success | Indigenous Student Success | no: outside the "
            "window 2019-09-01 to 2024-08-31 |") in part
    assert "| **4 entries** |  |  |  | **1 count** |" in part


def test_casc_report_has_program_years_milestones_matrix_and_coaching_log(ledgers):
    r = cep(ledgers, "report", "mlee", "--year", "2025")
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert "### Program year 1: 2025-09-03 to 2026-09-02" in text
    assert "Program year 2" not in text  # it has not begun on 2026-03-15
    assert "| Orientation at the start of each year (orientation) | yes | 2025-09-05 |" in text
    assert "| Assurances and agreement each year (assurances) | no | - |" in text
    log = text.split("#### Coaching log\n", 1)[1].split("####", 1)[0]
    assert log == ("\n| date | hours | title |\n|---|---:|---|\n| 2025-09-10 | 0.1 |  |\n| 2025-09-17 | 0.2 |  |\n"
                   "| **2 meetings** | **0.3** |  |\n\n")
    entries = text.split("#### Entries\n", 1)[1].split("###", 1)[0]
    assert "coaching |" not in entries and "**5 entries (2 in the coaching log)**" in entries
    matrix = text.split("### CPSEL matrix\n", 1)[1].split("##", 1)[0]
    assert "| 1 Shared Vision | not rated | - | no | 2025-10-01 b00004 |" in matrix
    assert "| 3 Management and Learning Environment | not rated | - | no | none |" in matrix
    assert "| **6 standards** |  |  | **0 proficient** | **2 covered** |" in matrix


def test_matrix_shows_the_latest_rating_with_its_date(ledgers):
    assert cep(ledgers, "add", "mlee", "cpsel-rating", "--date", "2026-01-10", "--rating", "1=approaches",
               "--rating", "2=meets").exit_code == 0
    assert cep(ledgers, "add", "mlee", "cpsel-rating", "--date", "2026-03-01", "--rating", "1=exemplifies").exit_code == 0
    text = cep(ledgers, "report", "mlee").stdout
    matrix = text.split("### CPSEL matrix\n", 1)[1].split("##", 1)[0]
    assert "| 1 Shared Vision | exemplifies | 2026-03-01 | yes | 2025-10-01 b00004 |" in matrix
    assert "| 2 Instructional Leadership | meets | 2026-01-10 | yes | 2025-10-01 b00004 |" in matrix


def test_report_options_are_checked(ledgers, tmp_path):
    r = cep(ledgers, "report")
    assert r.exit_code == 2 and "name a MEMBER" in r.stderr
    r = cep(ledgers, "report", "jdoe", "--all", "-o", str(tmp_path / "s"))
    assert r.exit_code == 2 and "either a MEMBER or --all" in r.stderr
    r = cep(ledgers, "report", "--all")
    assert r.exit_code == 2 and "-o DIR" in r.stderr
