"""Bad rule files: every problem has path:line and a stable code, and the good programs still load.

Each bad file is written to a real temp folder; the expected line is the line of the
offending key in that text (counted from 1, the text starts on line 1).
"""

from __future__ import annotations

import pytest

from cepledger.model.errors import DataError
from cepledger.rules.load import PACKAGE_PROGRAMS, load_registry
from rules_helpers import line_of, load, only_problem, write


# ---------------------------------------------------------------- bad files: path:line


BAD = [
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = 3
        per = "item"
        colour = "red"
        """, "colour", "rule-unknown-field", "unknown field 'colour'", id="unknown-activity-field"),
    pytest.param("""\
        format = 1
        id = "bad"
        colour = "red"
        """, "colour", "rule-unknown-field", "allowed: format, id", id="unknown-top-field"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        kind = "annual"
        length = 3
        """, "length", "rule-unknown-field", "[period]", id="unknown-period-field"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "total"
        min = 1
        step = 2
        """, "step", "rule-unknown-field", "requirement #1", id="unknown-requirement-field"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r1"
        kind = "count"
        activities = ["x"]
        [[requirements]]
        id = "r2"
        kind = "total"
        activities = ["x", "nope"]
        min = 3
        """, 'activities = ["x", "nope"]', "rule-unknown-activity", "unknown activity 'nope'", id="requirement-unknown-activity"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [groups.g]
        activities = ["x", "y"]
        cap = 3
        per = "item"
        """, "activities = ", "rule-unknown-activity", "group 'g' names an unknown activity 'y'", id="group-unknown-activity"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = -3
        per = "item"
        """, "cap = -3", "rule-negative", "'cap' in activity 'x' must not be negative", id="negative-cap"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [groups.g]
        activities = ["x"]
        cap = -0.5
        per = "item"
        """, "cap = -0.5", "rule-negative", "must not be negative", id="negative-group-cap"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "total"
        min = -1
        """, "min = -1", "rule-negative", "must not be negative", id="negative-min"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = "ten"
        per = "item"
        """, 'cap = "ten"', "rule-type", "must be a number", id="cap-not-a-number"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = 3
        per = "week"
        """, 'per = "week"', "rule-type", "entry, item, year, period", id="per-not-a-unit"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        years = "3"
        """, 'years = "3"', "rule-type", "a whole number", id="years-not-int"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        carry_over_max = inf
        """, "carry_over_max", "rule-type", "a number", id="infinite-carry-over"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        years_of = "enrolment"
        """, 'years_of = "enrolment"', "rule-scope", 'years_of = "enrolment" needs kind = "program"',
        id="years-of-enrolment-needs-a-program"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        kind = "program"
        years_of = "birthday"
        """, 'years_of = "birthday"', "rule-type", "reporting-year, enrolment", id="bad-years-of"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        plannable = "no"
        """, 'plannable = "no"', "rule-type", "true or false", id="plannable-not-a-bool"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "deadline"
        """, 4, "rule-missing-field", "needs max_days or max_years", id="deadline-without-a-limit"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        amount = "minutes"
        """, "amount", "rule-type", "hours, fixed, none", id="bad-amount-kind"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        requires = "course"
        """, "requires", "rule-type", "a list of strings", id="requires-not-a-list"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "sum"
        """, 'kind = "sum"', "rule-type", "total, count, distinct, weeks, coverage, ratings, deadline", id="bad-requirement-kind"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        per = "year"
        [activities.x.cap]
        """, "[activities.x.cap]", "rule-type", "'cap' in activity 'x' must be a number", id="cap-a-table"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = 3
        per = "item
        """, 'per = "item', "toml-syntax", "invalid TOML", id="bad-toml-string"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = 3
        cap = 4
        """, "cap = 4", "toml-syntax", "invalid TOML", id="bad-toml-duplicate-key"),
    pytest.param("""\
        format = 1
        id = "other"
        """, 'id = "other"', "rule-id", 'write id = "bad"', id="id-not-file-name"),
    pytest.param("""\
        format = 1
        name = "no id"
        """, 1, "rule-id", 'write id = "bad"', id="id-missing"),
    pytest.param("""\
        format = 1
        id = "bad"
        extends = "nowhere"
        """, "extends", "rule-extends-unknown", "unknown program 'nowhere'", id="extends-unknown"),
    pytest.param("""\
        format = 1
        id = "bad"
        extends = "bad"
        """, "extends", "rule-extends-cycle", "cycle", id="extends-itself"),
    pytest.param("""\
        format = 2
        id = "bad"
        """, "format", "rule-format", "format = 1", id="format-2"),
    pytest.param("""\
        id = "bad"
        """, 1, "rule-missing-field", "needs 'format'", id="format-missing"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        amount = "fixed"
        """, "[activities.x]", "rule-missing-field", "no credits", id="fixed-without-credits"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        cap = 3
        """, "[activities.x]", "rule-cap", "both cap and per", id="cap-without-per"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "distinct"
        min = 2
        """, "[[requirements]]", "rule-missing-field", "needs a field", id="distinct-without-field"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "count"
        scope = "program"
        """, "scope", "rule-scope", "not \"program\"", id="program-scope-in-annual"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "total"
        scope = "window"
        """, "[[requirements]]", "rule-missing-field", "window_years", id="window-without-years"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "deadline"
        """, "[[requirements]]", "rule-missing-field", "max_days", id="deadline-without-max-days"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "count"
        [[requirements]]
        id = "r"
        kind = "count"
        """, 7, "rule-duplicate", "appears twice", id="duplicate-requirement"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        start_month = 13
        """, "start_month", "rule-range", "1 to 12", id="start-month-13"),
    pytest.param("""\
        format = 1
        id = "bad"
        [period]
        years = 0
        """, "years", "rule-range", "at least 1", id="years-0"),
    pytest.param("""\
        format = 1
        id = "bad"
        activities = ["x"]
        """, "activities", "rule-type", "activities", id="activities-a-list"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "coverage"
        field = "cpsel"
        cover = { first = ["1"] }
        """, "cover = ", "rule-type", "cover", id="cover-bad-keys"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "deadline"
        max_days = -5
        """, "max_days", "rule-negative", "must not be negative", id="negative-max-days"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        catalogue = "courses"
        """, "catalogue", "rule-catalogue", "unknown catalogue 'courses'", id="unknown-catalogue"),
    pytest.param("""\
        format = 1
        id = "bad"
        [levels]
        order = ["low", "high"]
        aliases = { top = "highest" }
        """, "aliases", "rule-level", "unknown level 'highest'", id="alias-unknown-level"),
    pytest.param("""\
        format = 1
        id = "bad"
        [levels]
        order = "low, high"
        """, "[levels]", "rule-type", "[levels] needs order", id="levels-order-a-string"),
    pytest.param("""\
        format = 1
        id = "bad"
        [tags.cpsel]
        standards = { 1 = "One" }
        elements = ["1A", "2A"]
        """, "[tags.cpsel]", "rule-tag", "element '2A'", id="element-without-standard"),
    pytest.param("""\
        format = 1
        id = "bad"
        [activities.x]
        [[requirements]]
        id = "r"
        kind = "coverage"
        field = "cpsel"
        """, "[[requirements]]", "rule-missing-field", "needs cover", id="coverage-without-cover"),
]


@pytest.mark.parametrize("text,where,code,message", BAD)
def test_a_bad_rule_file_gives_one_problem_at_path_line(tmp_path, text, where, code, message):
    path = write(tmp_path, "bad", text)
    reg = load(tmp_path)
    p = only_problem(reg, code)
    expected_line = where if isinstance(where, int) else line_of(text, where)
    assert (p.path, p.line, p.severity) == (str(path), expected_line, "error")
    assert message in p.message
    assert str(p).startswith(f"{path}:{expected_line}: ")
    assert "bad" not in reg.programs
    assert "cass-cep" in reg.programs  # the good programs still load


def test_strict_loading_raises_data_error_with_every_problem(tmp_path):
    write(tmp_path, "bad", 'format = 1\nid = "bad"\n[activities.x]\ncap = -1\nper = "item"\nfoo = 1\n')
    write(tmp_path, "worse", "format = \n")
    with pytest.raises(DataError) as exc:
        load_registry([tmp_path])
    codes = sorted(p.code for p in exc.value.problems)
    assert codes == ["rule-negative", "rule-unknown-field", "toml-syntax"]
    assert exc.value.exit_code == 3


def test_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / "bad.toml").write_bytes(b'format = 1\nid = "bad"\nname = "\xff"\n')
    assert only_problem(load(tmp_path)).code == "not-utf8"


def test_extends_cycle_is_reported_at_each_file(tmp_path):
    a = write(tmp_path, "a", 'format = 1\nid = "a"\nextends = "b"\n')
    b = write(tmp_path, "b", 'format = 1\nid = "b"\nextends = "a"\n')
    c = write(tmp_path, "c", 'format = 1\nid = "c"\nextends = "a"\n')
    reg = load(tmp_path)
    found = sorted((p.path, p.line, p.code) for p in reg.problems)
    assert found == [(str(a), 3, "rule-extends-cycle"), (str(b), 3, "rule-extends-cycle"),
                     (str(c), 3, "rule-extends-invalid")]
    assert not {"a", "b", "c"} & set(reg.programs)


def test_a_parent_with_errors_is_reported_once_at_its_own_file(tmp_path):
    base_text = 'format = 1\nid = "base"\nabstract = true\n[activities.x]\ncap = -2\nper = "year"\n'
    base = write(tmp_path, "base", base_text)
    child = write(tmp_path, "child", 'format = 1\nid = "child"\n\nextends = "base"\n[activities.y]\n')
    reg = load(tmp_path)
    found = sorted((p.path, p.line, p.code) for p in reg.problems)
    assert found == [(str(base), 5, "rule-negative"), (str(child), 4, "rule-extends-invalid")]


def test_a_childs_own_problems_are_at_its_own_lines(tmp_path):
    text = """\
    format = 1
    id = "child"
    extends = "cass-cep"

    [activities.talk]
    size = 3

    [[requirements]]
    id = "talks"
    kind = "count"
    activities = ["talk", "walk"]
    """
    path = write(tmp_path, "child", text)
    reg = load(tmp_path)
    found = sorted((p.path, p.line, p.code) for p in reg.problems)
    assert found == [(str(path), 6, "rule-unknown-field"), (str(path), 11, "rule-unknown-activity")]


def test_removing_an_activity_that_a_requirement_uses_is_a_problem(tmp_path):
    path = write(tmp_path, "child", 'format = 1\nid = "child"\nextends = "cass-cep"\nremove_activities = ["cep-course"]\n')
    reg = load(tmp_path)
    p = only_problem(reg, "rule-unknown-activity")
    assert p.path == str(path) and "cep-course" in p.message


def test_a_broken_override_keeps_the_packaged_program(tmp_path):
    write(tmp_path, "cass-cep", "format = 1\nid = 'cass-cep'\n[activities.x\n")
    reg = load(tmp_path)
    assert only_problem(reg).code == "toml-syntax"
    assert reg.programs["cass-cep"].path.startswith(str(PACKAGE_PROGRAMS))


def test_missing_extra_folder_is_ignored(tmp_path):
    assert load_registry([tmp_path / "none"]).problems == []
