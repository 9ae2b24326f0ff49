"""Evidence: add records the SHA-256; cep verify reports missing and changed files."""

from __future__ import annotations

import hashlib
import json

from cli_helpers import JDOE, cep, make_ledgers


def test_add_records_the_hash_and_verify_passes_then_fails(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    (ledgers / "certs").mkdir()
    cert = ledgers / "certs" / "c.pdf"
    cert.write_bytes(b"%PDF certificate")
    r = cep(ledgers, "add", "jdoe", "verifiable-self-directed", "2", "--evidence", "certs/c.pdf", "--date", "2026-01-02")
    assert r.exit_code == 0, r.stderr
    assert hashlib.sha256(b"%PDF certificate").hexdigest() in (ledgers / "jdoe.toml").read_text()
    r = cep(ledgers, "verify", "jdoe")
    assert r.exit_code == 0 and "1 match, 0 missing or changed" in r.stdout

    cert.write_bytes(b"%PDF forged")
    r = cep(ledgers, "verify")
    assert r.exit_code == 1 and "changed: certs/c.pdf" in r.stdout
    cert.unlink()
    r = cep(ledgers, "verify", "jdoe", "--format", "json")
    assert r.exit_code == 1
    (row,) = json.loads(r.stdout)
    assert row["state"] == "missing" and row["evidence"] == "certs/c.pdf"


def test_no_evidence_is_fine(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "verify")
    assert r.exit_code == 0 and "0 evidence files" in r.stdout


def test_evidence_without_a_recorded_hash_is_noted_not_failed(tmp_path):
    text = JDOE + '\n[[entries]]\nid = "e1"\ndate = 2026-01-03\nactivity = "research-report"\nhours = 1\nevidence = "r.pdf"\n'
    ledgers = make_ledgers(tmp_path, jdoe=text)
    (ledgers / "r.pdf").write_bytes(b"x")
    r = cep(ledgers, "verify", "jdoe")
    assert r.exit_code == 0 and "no recorded SHA-256" in r.stdout
