"""docs/rules-format.md cannot drift from the field tables in cepledger/rules/fields.py.

The doc's field tables sit between ``<!-- fields:NAME -->`` and ``<!-- /fields -->``
markers and are generated from ``rules.NAME``. After changing a field, regenerate them:

    .venv/bin/python tests/test_docs_rules.py --write
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cepledger.rules import fields as rules

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules-format.md"
TABLES = ["PROGRAM_FIELDS", "PERIOD_FIELDS", "ACTIVITY_FIELDS", "GROUP_FIELDS", "REQUIREMENT_FIELDS"]
TYPE_WORDS = {"str": "text", "int": "whole number", "number": "number", "bool": "true/false",
              "list[str]": "list of text", "table": "table", "list": "array of tables", "any": "list or table"}
BLOCK = re.compile(r"(<!-- fields:(\w+) -->\n)(.*?)(<!-- /fields -->)", re.DOTALL)


def field_table(name: str) -> str:
    """The markdown table of one field table of rules/fields.py."""
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for key, spec in getattr(rules, name).items():
        kind = " / ".join(f"`{c}`" for c in spec.choices) if spec.type == "enum" else TYPE_WORDS[spec.type]
        rows.append(f"| `{key}` | {kind} | {'yes' if spec.required else ''} | {spec.doc} |")
    return "\n".join(rows) + "\n"


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + field_table(m.group(2)) + m.group(4), text)


def test_every_field_table_has_a_block_in_the_doc():
    found = [m.group(2) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]
    assert found == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_every_field_appears_in_the_doc(name):
    text = DOC.read_text(encoding="utf-8")
    for key in getattr(rules, name):
        assert f"| `{key}` |" in text, f"{key} ({name}) is not documented in {DOC.name}"


def test_the_field_tables_are_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    assert regenerate(text) == text, "run: .venv/bin/python tests/test_docs_rules.py --write"


@pytest.mark.parametrize("word", [*rules.CAP_UNITS, *rules.AMOUNT_KINDS, *rules.REQUIREMENT_KINDS, *rules.SCOPES,
                                  *rules.PERIOD_KINDS])
def test_every_vocabulary_word_is_explained(word):
    assert f"`{word}`" in DOC.read_text(encoding="utf-8")


def test_every_rule_problem_code_is_listed():
    source = "".join(p.read_text(encoding="utf-8") for p in Path(rules.__file__).parent.glob("*.py"))
    codes = set(re.findall(r'"(rule-[a-z-]+|toml-syntax|not-utf8|unreadable)"', source))
    text = DOC.read_text(encoding="utf-8")
    assert {c for c in codes if f"`{c}`" not in text} == set()


def test_the_worked_example_is_the_test_program():
    example = (Path(__file__).with_name("programs") / "nurse-cycle.toml").read_text(encoding="utf-8")
    assert example.strip() in DOC.read_text(encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    DOC.write_text(regenerate(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOC}")
