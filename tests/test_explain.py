"""cep explain: the chain of caps from claimed to counted, against hand-computed cases."""

from __future__ import annotations

import json

from cli_helpers import JDOE, cep, make_ledgers

# Two sessions and attendance at one conference: attendance 12 -> 10 (A2, per conference),
# session 1: 6 -> 5 (B4, per session); session 2: 5, but the group cap (B4, 15 per
# conference for attendance + presenting) had 10 + 5 = 15 used before it -> 0.
PRESENTER = """\
schema = 1

[member]
id = "pres"
name = "Pat Presenter"

[programs.cass-cep]
since = 2021-09-01

[[entries]]
id = "c1"
date = 2025-10-03
activity = "cass-conference"
hours = 12
item = "fall-2025"

[[entries]]
id = "s1"
date = 2025-10-03
activity = "conference-presenter"
hours = 6
item = "fall-2025"

[[entries]]
id = "s2"
date = 2025-10-04
activity = "conference-presenter"
hours = 5
item = "fall-2025"

[[entries]]
id = "m1"
date = 2025-11-01
activity = "mentee"
hours = 9

[[entries]]
id = "m2"
date = 2026-01-01
activity = "mentee"
hours = 9
"""


def explain(tmp_path, member, text, entry):
    ledgers = make_ledgers(tmp_path, **{member: text})
    r = cep(ledgers, "explain", member, entry, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["programs"][0]


def test_a_per_item_cap_clips_and_names_its_rule_code(tmp_path):
    p = explain(tmp_path, "jdoe", JDOE, "a00002")
    assert (p["claimed"], p["counted"]) == (4, 3)
    (cap,) = p["caps"]
    assert cap["code"] == "A4" and cap["scope"] == "item"
    assert (cap["cap"], cap["used_before"], cap["room"], cap["clipped"]) == (3, 0, 3, 1)


def test_a_cap_that_applied_without_clipping_is_listed_with_its_room(tmp_path):
    p = explain(tmp_path, "pres", PRESENTER, "c1")
    a2, group = p["caps"]
    assert (a2["code"], a2["clipped"]) == ("A2", 2)
    assert (group["code"], group["scope"], group["room"], group["clipped"]) == ("B4", "group", 15, 0)


def test_the_combined_group_clips_after_earlier_entries_used_it(tmp_path):
    p = explain(tmp_path, "pres", PRESENTER, "s2")
    own, group = p["caps"]
    assert (own["code"], own["scope"], own["used_before"], own["clipped"]) == ("B4", "entry", 0, 0)
    assert (group["cap"], group["used_before"], group["room"], group["clipped"]) == (15, 15, 0, 5)
    assert [e["id"] for e in group["earlier"]] == ["c1", "s1"]
    assert (p["claimed"], p["counted"]) == (5, 0)


def test_a_year_cap_counts_what_earlier_entries_of_the_year_used(tmp_path):
    p = explain(tmp_path, "pres", PRESENTER, "m2")
    (cap,) = p["caps"]
    assert (cap["code"], cap["scope"], cap["used_before"], cap["room"], cap["clipped"]) == ("A3", "year", 9, 6, 3)
    assert p["counted"] == 6


def test_fixed_credits_and_void_entries_are_explained(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    course = json.loads(cep(ledgers, "explain", "jdoe", "a00003", "-f", "json").stdout)["programs"][0]
    assert course["counted"] == 10 and course["caps"] == [] and "fixed" in course["note"]
    void = json.loads(cep(ledgers, "explain", "jdoe", "a00006", "-f", "json").stdout)["programs"][0]
    assert void["counted"] == 0 and "void" in void["note"]


def test_the_table_shows_the_chain(tmp_path):
    ledgers = make_ledgers(tmp_path, pres=PRESENTER)
    r = cep(ledgers, "explain", "pres", "s2")
    assert r.exit_code == 0
    assert "B4 cass-conference + conference-presenter: at most 15 per conference: earlier entries used 15" in r.stdout
    assert "clipped 5, 0 left" in r.stdout and "counted 0 credits" in r.stdout


def test_an_unknown_entry_is_a_usage_error(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(ledgers, "explain", "jdoe", "a0000x")
    assert r.exit_code == 2 and "cep log jdoe" in r.stderr


def test_an_entry_without_an_id_is_found_by_its_line(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    lines = JDOE.splitlines()
    header = lines.index('title = "Reading"') - 4  # 0-based index of that entry's [[entries]] line
    assert lines[header] == "[[entries]]"
    r = cep(ledgers, "explain", "jdoe", f"@{header + 1}", "--format", "json")
    assert r.exit_code == 0, r.stderr
    p = json.loads(r.stdout)["programs"][0]
    assert p["caps"][0]["code"] == "F" and p["counted"] == 2
