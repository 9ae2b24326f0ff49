"""rules.py: loading, validating and merging rule files; every problem has path:line.

Each bad file is written to a real temp folder; the expected line is the line of the
offending key in that text (counted from 1, the text starts on line 1).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.model.errors import DataError, UsageError
from cepledger.rules.fields import BUILTIN_ACTIVITIES
from cepledger.rules.load import PACKAGE_PROGRAMS, load_registry

GOOD = """\
format = 1
id = "{id}"
name = "A small program"

[activities.talk]
cap = 5
per = "item"

[[requirements]]
id = "hours"
kind = "total"
min = 10
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(folder: Path):
    return load_registry([folder], strict=False)


def line_of(text: str, needle: str) -> int:
    for n, line in enumerate(textwrap.dedent(text).splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def only_problem(reg, code=None):
    assert len(reg.problems) == 1, [str(p) for p in reg.problems]
    (p,) = reg.problems
    if code:
        assert p.code == code, str(p)
    return p


# ---------------------------------------------------------------- the packaged programs


def test_packaged_programs_load_without_problems():
    reg = load_registry()
    assert reg.problems == []
    assert reg.enrollable() == ["casc-butte", "casc-monterey", "casc-rossier", "cass-cep"]
    assert reg.programs["casc-base"].abstract
    assert {p.stem for p in PACKAGE_PROGRAMS.glob("*.toml")} == set(reg.programs)


def test_get_names_the_choices_and_refuses_abstract_programs():
    reg = load_registry()
    assert reg.get("cass-cep").id == "cass-cep"
    for bad in ("nope", "casc-base"):
        with pytest.raises(UsageError, match="casc-butte, casc-monterey, casc-rossier, cass-cep"):
            reg.get(bad)


def test_casc_programs_inherit_the_shared_vocabulary():
    reg = load_registry()
    for pid in ("casc-butte", "casc-monterey", "casc-rossier"):
        prog = reg.programs[pid]
        assert not prog.abstract
        assert prog.period.kind == "program" and prog.period.years == 2
        assert {"coaching", "professional-learning", "iip", "cpsel-rating"} <= set(prog.activities)
        assert prog.levels == ("directed-toward", "approaches", "meets", "exemplifies")
    assert "workshop" in reg.programs["casc-rossier"].activities
    assert "workshop" not in reg.programs["casc-butte"].activities
    assert reg.programs["casc-butte"].path.endswith("casc-butte.toml")


@pytest.mark.parametrize("value,slug", [
    (4, "leading-learning"), ("4", "leading-learning"), ("leading-learning", "leading-learning"),
    ("Leading-Learning", "leading-learning"), (" 12 ", "visionary-leadership"), (12, "visionary-leadership"),
    (13, None), (0, None), ("leading", None), (True, None), (None, None),
])
def test_resolve_course_by_number_or_slug(value, slug):
    assert load_registry().programs["cass-cep"].resolve_course(value) == slug


@pytest.mark.parametrize("level,rank", [
    ("directed-toward", 0), ("approaches", 1), ("meets", 2), ("proficient", 2), ("exemplifies", 3),
    ("advanced", 3), ("Meets", 2), ("excellent", None),
])
def test_level_rank_with_aliases(level, rank):
    assert load_registry().programs["casc-butte"].level_rank(level) == rank


@pytest.mark.parametrize("tag,standard", [("2A", "2"), ("2a", "2"), (5, "5"), ("6C", "6"), ("3D", "3"),
                                         ("7", None), ("2D", None), ("A", None)])
def test_standard_of_a_cpsel_tag(tag, standard):
    assert load_registry().programs["casc-butte"].standard_of(tag) == standard


# ---------------------------------------------------------------- a good file in an extra folder


def test_an_extra_folder_adds_a_program(tmp_path):
    write(tmp_path, "small", GOOD.format(id="small"))
    reg = load(tmp_path)
    assert reg.problems == []
    prog = reg.get("small")
    assert prog.activities["talk"].cap == Decimal(5)
    assert prog.requirements[0].min == Decimal(10)
    assert prog.period.kind == "annual" and prog.period.years == 1 and prog.period.start_month == 9
    assert prog.unit == "credits"


def test_a_file_in_an_extra_folder_overrides_a_packaged_program(tmp_path):
    path = write(tmp_path, "cass-cep", GOOD.format(id="cass-cep"))
    reg = load(tmp_path)
    assert reg.problems == []
    prog = reg.get("cass-cep")
    assert prog.path == str(path)
    assert set(prog.activities) - set(BUILTIN_ACTIVITIES) == {"talk"}
    assert load_registry().programs["cass-cep"].path != str(path)  # only where the folder is given


def test_an_override_can_extend_the_packaged_program(tmp_path):
    text = """\
    format = 1
    id = "cass-cep2"
    extends = "cass-cep"
    remove_activities = ["mentee"]

    [activities.live-webinar]
    cap = 4

    [[requirements]]
    id = "annual-credits"
    kind = "total"
    min = 40
    """
    write(tmp_path, "cass-cep2", text)
    reg = load(tmp_path)
    assert reg.problems == []
    prog = reg.get("cass-cep2")
    assert "mentee" not in prog.activities and len(set(prog.activities) - set(BUILTIN_ACTIVITIES)) == 23
    web = prog.activities["live-webinar"]
    assert (web.cap, web.per, web.code) == (Decimal(4), "item", "A4")  # tables merge key by key
    assert [(r.id, r.min) for r in prog.requirements] == [("annual-credits", Decimal(40)), ("cep-courses", Decimal(5))]
    assert prog.groups and prog.catalogues["cep-courses"]["4"] == "leading-learning"


def test_extends_chain_removals_and_abstract(tmp_path):
    write(tmp_path, "base", """\
    format = 1
    id = "base"
    abstract = true
    [activities.a]
    [activities.b]
    [activities.c]
    [[requirements]]
    id = "ra"
    kind = "count"
    activities = ["a"]
    min = 1
    [[requirements]]
    id = "rb"
    kind = "count"
    activities = ["b"]
    min = 1
    """)
    write(tmp_path, "middle", """\
    format = 1
    id = "middle"
    extends = "base"
    remove_activities = ["b"]
    remove_requirements = ["rb"]
    """)
    write(tmp_path, "leaf", """\
    format = 1
    id = "leaf"
    extends = "middle"
    remove_activities = ["c"]
    [activities.d]
    """)
    reg = load(tmp_path)
    assert reg.problems == []
    assert reg.programs["base"].abstract and not reg.programs["middle"].abstract
    assert set(reg.programs["middle"].activities) - set(BUILTIN_ACTIVITIES) == {"a", "c"}
    assert set(reg.programs["leaf"].activities) - set(BUILTIN_ACTIVITIES) == {"a", "d"}  # middle's removal stays removed
    assert [r.id for r in reg.programs["leaf"].requirements] == ["ra"]
    assert reg.enrollable()[-2:] == ["leaf", "middle"] and "base" not in reg.enrollable()


def test_a_child_may_define_again_what_its_parent_removed(tmp_path):
    write(tmp_path, "p1", GOOD.format(id="p1"))
    write(tmp_path, "p2", 'format = 1\nid = "p2"\nextends = "p1"\nremove_activities = ["talk"]\n'
                          'remove_requirements = ["hours"]\n')
    write(tmp_path, "p3", 'format = 1\nid = "p3"\nextends = "p2"\n[activities.talk]\ncap = 2\nper = "entry"\n')
    reg = load(tmp_path)
    assert reg.problems == []
    assert reg.programs["p3"].activities["talk"].cap == Decimal(2)


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
        """, 'kind = "sum"', "rule-type", "total, count, distinct, coverage, ratings, deadline", id="bad-requirement-kind"),
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
