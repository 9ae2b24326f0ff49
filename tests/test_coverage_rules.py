"""The branches of the rule loader and validator that the behaviour tests do not reach
(branch coverage gate, docs/testing.md): each is a real case, asserted exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.rules import load as rules_load
from cepledger.rules import validate
from cepledger.rules.model import fmt_amount
from rules_helpers import GOOD, load, write


def codes(reg) -> list[str]:
    return sorted(p.code for p in reg.problems)


def test_a_warning_leaves_the_program_valid() -> None:
    problems = []
    ck = validate._Checker("p.toml", {"a": 3}, problems)
    ck.add("a.b", "rule-note", "just so you know", severity="warning")
    assert ck.ok and [(p.line, p.severity) for p in problems] == [(3, "warning")]
    ck.add("zz", "rule-type", "bad")
    assert not ck.ok and problems[-1].line == 1


@pytest.mark.parametrize("extra,code", [
    ('[catalogues]\nbooks = 5\n', "rule-type"),
    ('[tags]\ncpsel = 5\n', "rule-type"),
    ('[activities.chat]\ntags = ["nope"]\n', "rule-tag"),
    ('[[requirements]]\nid = "late"\nkind = "deadline"\n', "rule-missing-field"),
    ('[[requirements]]\nid = "rated"\nkind = "ratings"\n', "rule-level"),
    ('[levels]\norder = ["low", "high"]\n[[requirements]]\nid = "rated"\nkind = "ratings"\nlevel = "top"\n',
     "rule-level"),
    ('[activities]\nchat = 5\n', "rule-type"),
    ('[activities.chat]\n[[requirements]]\nid = "cov"\nkind = "coverage"\nfield = "cpsel"\ncover = [true]\n', None),
    ('[activities.chat]\n[[requirements]]\nid = "cov"\nkind = "coverage"\nfield = "cpsel"\ncover = "all"\n', None),
])
def test_malformed_rule_tables_are_problems_not_crashes(tmp_path: Path, extra: str, code: str | None) -> None:
    write(tmp_path, "small", GOOD.format(id="small") + extra)
    reg = load(tmp_path)
    assert "small" not in reg.programs
    assert reg.problems
    if code:
        assert code in codes(reg), codes(reg)


def test_a_period_that_is_not_a_table(tmp_path: Path) -> None:
    write(tmp_path, "small", GOOD.format(id="small").replace('name = "A small program"\n',
                                                          'name = "A small program"\nperiod = 5\n'))
    reg = load(tmp_path)
    assert "small" not in reg.programs and "rule-type" in codes(reg)


def test_cover_forms() -> None:
    assert validate._cover(None) is None
    assert validate._cover(["1", 2]) == ("1", "2")
    assert validate._cover([True]) is False
    assert validate._cover({"1": ["1"], "2": [3]}) == {1: ("1",), 2: ("3",)}
    assert validate._cover({"x": ["1"]}) is False
    assert validate._cover("all") is False


def test_cover_by_program_year_and_unknown_vocabularies() -> None:
    reg = rules_load.load_registry()
    butte = reg.programs["casc-butte"]
    req = next(r for r in butte.requirements if isinstance(r.cover, dict))
    assert req.cover_for(None) == req.cover[1] and req.cover_for(99) == ()
    assert req._replace(cover=("1", "2")).cover_for(3) == ("1", "2") and req._replace(cover=None).cover_for(1) == ()
    assert butte.standard_of("2A", "no-such-vocabulary") is None
    assert fmt_amount(None) == "-" and fmt_amount(Decimal("2.50")) == "2.5"


def test_a_rule_file_removed_meanwhile_or_unreadable(tmp_path: Path, monkeypatch) -> None:
    problems = []
    assert rules_load._read_rule_file(tmp_path / "gone.toml", problems) is None and problems == []

    def refuse(path, packaged):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rules_load, "_rule_file_bytes", refuse)
    assert rules_load._read_rule_file(tmp_path / "locked.toml", problems) is None
    assert [(p.code, p.message) for p in problems] == [("unreadable", "cannot read the rule file: Permission denied")]


def test_merging_tables_over_a_parent() -> None:
    merged = rules_load._merge({"period": {"kind": "annual", "start_month": 9}, "abstract": True},
                               {"period": {"start_month": 7}, "abstract": False})
    assert merged == {"period": {"kind": "annual", "start_month": 7}, "abstract": False}
    assert "abstract" not in rules_load._merge({"abstract": True}, {"name": "x"})


def test_removing_what_a_program_does_not_have(tmp_path: Path) -> None:
    write(tmp_path, "bare", 'format = 1\nid = "bare"\nname = "Bare"\nremove_requirements = ["x"]\n'
                            'remove_activities = ["y"]\n')
    reg = load(tmp_path)
    assert reg.problems == []
    assert "y" not in reg.programs["bare"].activities and not reg.programs["bare"].requirements
