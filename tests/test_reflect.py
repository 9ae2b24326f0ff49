"""cep reflect: the four CASSA 2022 questions, stored as an entry that counts toward nothing."""

from __future__ import annotations

import json

from cli_helpers import JDOE, MLEE, cep, make_ledgers

from cepledger.model.reflection import QUESTIONS, answers_of
from cepledger.ledger.load import load_member


def status_json(ledgers, member):
    return json.loads(cep(ledgers, "status", member, "--format", "json").stdout)


def test_answers_asked_through_the_prompt_are_stored_and_count_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    before = status_json(ledgers, "jdoe")
    from typer.testing import CliRunner

    from cepledger.cli.app import app

    r = CliRunner().invoke(app, ["--ledgers", str(ledgers), "reflect", "jdoe"],
                           input="Cohort learning\nI coach new principals\nSmall wins\nUniversity partners\n",
                           env={"CEPLEDGER_TODAY": "2026-03-15"})
    assert r.exit_code == 0, r.output
    assert QUESTIONS[0][:40] in r.output and "reflection recorded" in r.output
    entry = load_member(ledgers / "jdoe.toml").entries[-1]
    assert entry.activity == "reflection"
    assert [a for _, a in answers_of(entry)] == ["Cohort learning", "I coach new principals", "Small wins",
                                                 "University partners"]
    assert status_json(ledgers, "jdoe")["programs"] == before["programs"]
    log = cep(ledgers, "log", "jdoe")
    assert "reflection" in log.stdout


def test_answer_options_for_a_casc_member_too(tmp_path):
    ledgers = make_ledgers(tmp_path, mlee=MLEE)
    r = cep(ledgers, "reflect", "mlee", "-a", "one", "-a", "two", "-a", "three", "-a", "four")
    assert r.exit_code == 0, r.stderr
    assert answers_of(load_member(ledgers / "mlee.toml").entries[-1])[3] == (QUESTIONS[3], "four")
    assert cep(ledgers, "check").exit_code == 0


def test_hours_under_an_earning_activity_count(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "reflect", "jdoe", "-a", "1", "-a", "2", "-a", "3", "-a", "4",
            "--activity", "unverifiable-self-directed", "--hours", "1")
    assert r.exit_code == 0, r.stderr
    assert "counted 1 of 1" in r.stdout


def test_three_answers_are_a_usage_error(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "reflect", "jdoe", "-a", "1", "-a", "2", "-a", "3")
    assert r.exit_code == 2 and "all 4 answers" in r.stderr
