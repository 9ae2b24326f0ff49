"""Rule files: the packaged programs, extra folders, overrides and ``extends``.

The problems a bad rule file gives (each at its path:line) are in test_rules_problems.py,
unsafe files (FIFO, links, huge files) in test_rules_files.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cepledger.model.errors import UsageError
from cepledger.rules.fields import BUILTIN_ACTIVITIES
from cepledger.rules.load import PACKAGE_PROGRAMS, load_registry
from rules_helpers import GOOD, load, write


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
