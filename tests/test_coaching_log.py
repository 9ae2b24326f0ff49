"""``cep log MEMBER --activity coaching --format csv|md``: the coaching log a CASC program reviews."""

from __future__ import annotations

import pytest

from cli_helpers import cep as cep_on, make_ledgers

TODAY = "2026-11-30"  # after the last meeting: entries are never in the future


def cep(folder, *args):
    return cep_on(folder, *args, today=TODAY)

LEDGER = """\
schema = 1

[member]
id = "mlee"
name = "Min Lee"

[programs.casc-butte]
since = 2025-09-03
employed_since = 2025-07-01

[[entries]]
id = "c1"
date = 2025-09-08
activity = "coaching"
hours = 1.5
with = "Dr. Ana Ruiz"
title = "Goal setting"

[[entries]]
id = "c2"
date = 2025-09-12
activity = "coaching"
hours = 0.5
with = "Dr. Ana Ruiz"

[[entries]]
date = 2025-09-15
activity = "coaching"
hours = 1
with = "Ms. Kim"

[[entries]]
id = "c4"
date = 2025-09-22
activity = "coaching"
hours = 2
void = "logged twice"

[[entries]]
id = "c5"
date = 2026-09-07
activity = "coaching"
hours = 1
with = "Dr. Ana Ruiz"

[[entries]]
id = "p1"
date = 2025-10-01
activity = "professional-learning"
hours = 3
"""


@pytest.fixture
def folder(tmp_path):
    return make_ledgers(tmp_path, mlee=LEDGER)


def test_coaching_log_csv(folder) -> None:
    r = cep(folder, "log", "mlee", "--activity", "coaching", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "program_year,date,id,with,hours,weeks_counted,title,cpsel",
        "program year 1,2025-09-08,c1,Dr. Ana Ruiz,1.5,1,Goal setting,",
        "program year 1,2025-09-12,c2,Dr. Ana Ruiz,0.5,0,,",  # same week as c1
        "program year 1,2025-09-15,L26,Ms. Kim,1,1,,",  # named by its line
        "program year 1,,total,,3,2,3 meetings,",  # the void entry is left out
        "program year 2,2026-09-07,c5,Dr. Ana Ruiz,1,1,,",
        "program year 2,,total,,1,1,1 meetings,",
    ]


def test_coaching_log_markdown(folder) -> None:
    r = cep(folder, "log", "mlee", "--activity", "coaching", "--format", "md")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "## Coaching log: Min Lee (mlee)"
    assert "### program year 1" in lines and "### program year 2" in lines
    assert "| 2025-09-08 | Dr. Ana Ruiz | 1.5 | yes | Goal setting |  |" in lines
    assert "| 2025-09-12 | Dr. Ana Ruiz | 0.5 |  |  |  |" in lines
    assert "**Total:** 3 hours in 3 meetings, 2 weeks counted." in lines


def test_coaching_log_of_one_year(folder) -> None:
    r = cep(folder, "log", "mlee", "--activity", "coaching", "--format", "csv", "--year", "2026")
    assert r.stdout.splitlines()[1:] == ["program year 2,2026-09-07,c5,Dr. Ana Ruiz,1,1,,",
                                         "program year 2,,total,,1,1,1 meetings,"]


def test_md_log_needs_the_coaching_activity(folder) -> None:
    r = cep(folder, "log", "mlee", "--format", "md")
    assert r.exit_code == 2 and "give --activity coaching" in r.stderr


def test_other_activities_keep_the_usual_csv(folder) -> None:
    r = cep(folder, "log", "mlee", "--activity", "professional-learning", "--format", "csv")
    assert r.stdout.splitlines()[0] == "id,date,activity,title,item,claimed,counted,void,line"
