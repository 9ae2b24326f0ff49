"""What a rule file may hold, declared once: every table's fields, their types and meaning.

The validator (``rules.validate``) checks rule files against these tables,
``docs/rules-format.md`` is generated from them (``tests/test_docs_rules.py``), and
``cep programs`` shows what they describe. Data only: no I/O.
"""

from decimal import Decimal
from typing import Any, NamedTuple

FORMAT_VERSION = 1

AMOUNT_KINDS = ("hours", "fixed", "none")
CAP_UNITS = ("entry", "item", "year", "period")
PERIOD_KINDS = ("annual", "program")
REQUIREMENT_KINDS = ("total", "count", "distinct", "weeks", "coverage", "ratings", "deadline")
YEARS_OF = ("reporting-year", "enrolment")
SCOPES = ("period", "program", "window", "enrolment")


class FieldSpec(NamedTuple):
    """One allowed key of a rule-file table: its type, whether required, and what it means."""

    type: str  # str | int | number | bool | list[str] | table | enum
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (as the TOML parser gave it) has this field's type."""
        t = self.type
        if t == "str":
            return isinstance(value, str)
        if t == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if t == "number":
            return (isinstance(value, (int, Decimal)) and not isinstance(value, bool)
                    and Decimal(value).is_finite())
        if t == "bool":
            return isinstance(value, bool)
        if t == "list[str]":
            return isinstance(value, list) and all(isinstance(x, str) for x in value)
        if t == "enum":
            return isinstance(value, str) and value in self.choices
        if t == "table":
            return isinstance(value, dict)
        if t == "list":
            return isinstance(value, list)
        return True  # "any": checked by the field's own rule (cover)

    def type_words(self) -> str:
        """The type in words for a problem message: ``a whole number``."""
        return TYPE_WORDS.get(self.type, self.type)


TYPE_WORDS = {"str": "a string", "int": "a whole number", "number": "a number", "bool": "true or false",
              "list[str]": "a list of strings", "enum": "one of the listed words", "table": "a table",
              "list": "an array of tables"}


PROGRAM_FIELDS: dict[str, FieldSpec] = {
    "format": FieldSpec("int", "rule-file format version; 1", required=True),
    "id": FieldSpec("str", "program id, equal to the file name without .toml", required=True),
    "name": FieldSpec("str", "full name shown in reports"),
    "jurisdiction": FieldSpec("str", "where the program applies"),
    "description": FieldSpec("str", "free text"),
    "source": FieldSpec("str", "where the rules come from"),
    "unit": FieldSpec("enum", "what amounts are called", choices=("credits", "hours")),
    "extends": FieldSpec("str", "id of a program whose rules this one starts from"),
    "abstract": FieldSpec("bool", "true for a base that members cannot enrol in"),
    "remove_activities": FieldSpec("list[str]", "activity ids inherited through `extends` to drop"),
    "remove_requirements": FieldSpec("list[str]", "requirement ids inherited through `extends` to drop"),
    "period": FieldSpec("table", "how periods are cut (see [period])"),
    "activities": FieldSpec("table", "activity id -> table (see [activities.ID])"),
    "groups": FieldSpec("table", "combined caps: group id -> table (see [groups.ID])"),
    "requirements": FieldSpec("list", "array of tables (see [[requirements]])"),
    "catalogues": FieldSpec("table", "catalogue id -> { number = slug }"),
    "tags": FieldSpec("table", "tag vocabularies: name -> { standards = {n = name}, elements = [...] }"),
    "levels": FieldSpec("table", "rating levels: { order = [lowest..highest], aliases = {alias = level} }"),
}

PERIOD_FIELDS: dict[str, FieldSpec] = {
    "kind": FieldSpec("enum", "annual: cycles of `years` reporting years, for as long as the member is in; program: one program of `years` program years; default annual", choices=PERIOD_KINDS),
    "years": FieldSpec("int", "cycle length (annual) or program length (program) in reporting years; default 1"),
    "years_of": FieldSpec("enum", "kind = program: reporting-year: program year 1 is the reporting year holding `since`; enrolment: program year 1 runs from `since` for one calendar year, year 2 the next (entries before `since` count for nothing); default reporting-year", choices=YEARS_OF),
    "start_month": FieldSpec("int", "month the reporting year starts; default 9 (September)"),
    "anchor": FieldSpec("int", "annual cycles longer than a year: the start year of one cycle; default the member's first year"),
    "carry_over_max": FieldSpec("number", "credits above a `total` requirement that move to the next period, at most this many; default 0"),
    "prorate_first_year": FieldSpec("bool", "scale `total` requirements of the member's first period by the share of it after `since`; default false"),
}

ACTIVITY_FIELDS: dict[str, FieldSpec] = {
    "code": FieldSpec("str", "the source's code for the rule (A1, B4 ...)"),
    "name": FieldSpec("str", "what the activity is"),
    "amount": FieldSpec("enum", "hours: the entry's hours count; fixed: `credits` per entry; none: a milestone; default hours", choices=AMOUNT_KINDS),
    "credits": FieldSpec("number", "credits per entry for amount = fixed"),
    "cap": FieldSpec("number", "the most that counts per `per`"),
    "per": FieldSpec("enum", "what the cap applies to", choices=CAP_UNITS),
    "item_noun": FieldSpec("str", "what one item or entry is called in messages (webinar, session)"),
    "requires": FieldSpec("list[str]", "entry keys that must be present (course, ratings, evidence ...)"),
    "catalogue": FieldSpec("str", "catalogue that the entry's `course` must name"),
    "plannable": FieldSpec("bool", "false: `cep plan` never suggests it (an office one is elected or appointed to); default true"),
    "evidence": FieldSpec("enum", "expected: `cep check` warns on entries without evidence; default optional", choices=("optional", "expected")),
    "tags": FieldSpec("list[str]", "tag vocabularies the entry may use (e.g. cpsel)"),
}

GROUP_FIELDS: dict[str, FieldSpec] = {
    "code": FieldSpec("str", "the source's code for the rule"),
    "name": FieldSpec("str", "what the combined cap is about"),
    "activities": FieldSpec("list[str]", "activities capped together", required=True),
    "cap": FieldSpec("number", "the most the activities together count per `per`", required=True),
    "per": FieldSpec("enum", "what the cap applies to", required=True, choices=CAP_UNITS),
    "item_noun": FieldSpec("str", "what one item is called in messages"),
}

REQUIREMENT_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec("str", "requirement id (used in status output)", required=True),
    "name": FieldSpec("str", "what is required, in words"),
    "kind": FieldSpec("enum", "what is measured (see requirement kinds)", required=True, choices=REQUIREMENT_KINDS),
    "activities": FieldSpec("list[str]", "activities whose entries count; default every activity of the program"),
    "min": FieldSpec("number", "the least that meets it (total, count, distinct, weeks); default 0"),
    "scope": FieldSpec("enum", "which entries count and when it is due (see scopes); default period (enrolment for deadline)", choices=SCOPES),
    "window_years": FieldSpec("int", "length of the window for scope = window"),
    "field": FieldSpec("str", "entry key counted by distinct (course) or coverage (cpsel)"),
    "cover": FieldSpec("any", "coverage: the standards to cover, a list or a table { program_year = [...] }"),
    "standards": FieldSpec("list[str]", "ratings: the standards that must be proficient; default every standard of the cpsel vocabulary"),
    "level": FieldSpec("str", "ratings: the lowest proficient level; default the second-highest level"),
    "max_days": FieldSpec("int", "deadline: most days from employed_since to since"),
    "max_years": FieldSpec("int", "deadline: most calendar years from employed_since to since (employed 2024-02-29, 1 year: by 2025-02-28); an employed_since after since meets it"),
    "unit": FieldSpec("str", "what earned is counted in, for reports (credits, hours, sessions, courses, standards)"),
}


# Activities every program knows, as rule-file tables (a program may define its own under
# the same id instead). `reflection` is what `cep reflect` records: a milestone that no
# requirement names, so it counts toward nothing.
BUILTIN_ACTIVITIES: dict[str, dict[str, Any]] = {
    "reflection": {
        "code": "R",
        "name": "Reflection on one's own professional learning (cep reflect)",
        "amount": "none",
    },
}
