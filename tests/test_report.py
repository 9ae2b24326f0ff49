"""cep report: an audit-ready annual report in Markdown or one self-contained HTML file."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

from browser_helpers import INSTALL_HINT, find_chromium
from cli_helpers import JDOE, MLEE, cep, make_ledgers


@pytest.fixture
def ledgers(tmp_path):
    folder = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)
    (folder / "certs").mkdir()
    (folder / "certs" / "fall.pdf").write_bytes(b"fall certificate")
    assert cep(folder, "add", "jdoe", "verifiable-self-directed", "2", "--evidence", "certs/fall.pdf",
               "--date", "2026-01-02").exit_code == 0
    assert cep(folder, "reflect", "jdoe", "-a", "Peer cohorts", "-a", "Coaching", "-a", "Small wins <b>",
               "-a", "Outside experts").exit_code == 0
    return folder


def test_markdown_report_has_every_part(ledgers, tmp_path):
    out = tmp_path / "r.md"
    r = cep(ledgers, "report", "jdoe", "--year", "2025", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "Jane Doe (jdoe)" in text and "`cass-cep`" in text and "2025-09-01 to 2026-08-31" in text
    assert "| 2025-11-12 | `a00002` | live-webinar | webinar-1 | 4 | 3 | A4 live-webinar: at most 3 per webinar (clipped 1) |" in text
    assert "| CEP credits this year (annual-credits) | 30 | 29.5 | 0.5 | credits | 2026-08-31 | no |" in text
    assert hashlib.sha256(b"fall certificate").hexdigest() in text
    assert "Peer cohorts" in text and "theory of change" in text


def test_html_report_is_self_contained_and_escaped(ledgers, tmp_path):
    out = tmp_path / "r.html"
    assert cep(ledgers, "report", "jdoe", "--year", "2025-26", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "@media print" in page
    assert not re.search(r"(src|href)=\"?https?:", page) and "<script" not in page and "<link" not in page
    assert hashlib.sha256(b"fall certificate").hexdigest() in page
    assert "Small wins &lt;b&gt;" in page
    assert "A4 live-webinar" in page


def test_casc_report_and_bad_suffix(ledgers, tmp_path):
    out = tmp_path / "m.html"
    assert cep(ledgers, "report", "mlee", "--year", "2025", "-o", str(out)).exit_code == 0
    assert "coaching-hours" in out.read_text(encoding="utf-8")
    r = cep(ledgers, "report", "mlee", "--year", "2025", "-o", str(tmp_path / "m.pdf"))
    assert r.exit_code == 2 and ".html or .md" in r.stderr


CHROMIUM = find_chromium()


def test_the_html_renders_in_a_real_browser(ledgers, tmp_path):
    if CHROMIUM is None:
        message = f"Chromium is not installed, so the report was not rendered in a browser: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path / "r.html"
    assert cep(ledgers, "report", "jdoe", "--year", "2025", "-o", str(out)).exit_code == 0
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1000,1400",
                    out.as_uri()], check=True, timeout=120, capture_output=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


# ------------------------------------------------------------------ the report's data, without files


def test_build_report_takes_the_evidence_checks_it_is_given():
    from dataclasses import dataclass
    from datetime import date

    from calc_helpers import e, member, registry
    from cepledger.calc.report import build_report
    from cepledger.render.report import render_markdown

    @dataclass(frozen=True)
    class Check:  # what ledger.evidence.verify_member returns, without reading a file
        entry: object
        state: str
        actual: str | None

    m = member(e("2024-10-01", "live-webinar", "2", item="w0", evidence="old.pdf"),
               e("2025-10-01", "live-webinar", "4", item="w1", evidence="a.pdf", evidence_sha256="ab" * 32),
               e("2025-11-01", "reflection", notes="thinking it over"),
               e("2025-12-01", "reflection", notes="voided", void="twice"))
    checks = [Check(m.entries[0], "missing", None), Check(m.entries[1], "changed", "cd" * 32)]
    report = build_report(m, [registry().programs["cass-cep"]], 2025, checks, date(2026, 3, 15))
    assert report.year_label == "2025-26"
    assert [(r.entry.id, r.entry.evidence, r.state, r.recorded, r.actual) for r in report.evidence] == [
        (None, "a.pdf", "changed", "ab" * 32, "cd" * 32)]  # 2024-10-01 is outside 2025-26
    assert [(x.notes, qa) for x, qa in report.reflections] == [("thinking it over", [])]
    (section,) = report.programs
    assert [r.counted for r in section.entries] == [3, 0, 0]  # a 4 h webinar counts 3; reflections 0
    text = render_markdown(report)
    assert f"| 2025-10-01 |  | a.pdf | `{'ab' * 32}` | changed since recorded |" in text
    assert "thinking it over" in text and "voided" not in text.split("## Reflections")[1]
