"""A program as the calculator sees it: period rule, activities, caps, requirements.

``rules.load`` builds these from rule files (``rules.validate`` checks them on the
way); the calculator and the renderers only read them. ``Registry`` holds every known
program by id. No I/O.
"""

from decimal import Decimal
from typing import Any, NamedTuple

from cepledger.model.errors import Problem, UsageError
from cepledger.model.records import EMPTY_MAP


class PeriodRule(NamedTuple):
    """``[period]``: how a program's periods are cut, and what carries between them."""

    kind: str = "annual"
    years: int = 1
    years_of: str = "reporting-year"
    start_month: int = 9
    anchor: int | None = None
    carry_over_max: Decimal = Decimal(0)
    prorate_first_year: bool = False


class Activity(NamedTuple):
    """``[activities.ID]``: what one kind of entry counts, and its own cap."""

    id: str
    code: str = ""
    name: str = ""
    amount: str = "hours"
    credits: Decimal | None = None
    cap: Decimal | None = None
    per: str | None = None
    item_noun: str | None = None
    requires: tuple[str, ...] = ()
    plannable: bool = True
    catalogue: str | None = None
    evidence: str = "optional"
    tags: tuple[str, ...] = ()
    line: int = 0

    def cap_description(self) -> str:
        """``live-webinar: at most 3 per webinar``."""
        return f"{self.id}: at most {fmt_amount(self.cap)} per {self.item_noun or self.per}"


class Group(NamedTuple):
    """``[groups.ID]``: one cap shared by several activities."""

    id: str
    activities: tuple[str, ...]
    cap: Decimal
    per: str
    code: str = ""
    name: str = ""
    item_noun: str | None = None
    line: int = 0

    def cap_description(self) -> str:
        """``a + b: at most 5 per year``."""
        return f"{' + '.join(self.activities)}: at most {fmt_amount(self.cap)} per {self.item_noun or self.per}"


class Requirement(NamedTuple):
    """One ``[[requirements]]`` table: what is measured, over which entries, and the minimum."""

    id: str
    kind: str
    name: str = ""
    activities: tuple[str, ...] = ()
    min: Decimal = Decimal(0)
    scope: str = "period"
    window_years: int | None = None
    field: str | None = None
    cover: Any = None  # tuple[str, ...] | dict[int, tuple[str, ...]]
    standards: tuple[str, ...] = ()
    level: str | None = None
    max_days: int | None = None
    max_years: int | None = None
    unit: str = ""
    line: int = 0

    def cover_for(self, program_year: int | None) -> tuple[str, ...]:
        """The standards ``cover`` asks for in ``program_year`` (a plain list: every year)."""
        if isinstance(self.cover, dict):
            return self.cover.get(program_year or 1, ())
        return self.cover or ()


class Program(NamedTuple):
    """One program's rules after ``extends`` is resolved and the file validated."""

    id: str
    name: str
    unit: str
    period: PeriodRule
    activities: dict[str, Activity]
    groups: tuple[Group, ...]
    requirements: tuple[Requirement, ...]
    catalogues: dict[str, dict[str, str]] = EMPTY_MAP
    tags: dict[str, dict[str, Any]] = EMPTY_MAP
    levels: tuple[str, ...] = ()
    level_aliases: dict[str, str] = EMPTY_MAP
    path: str = ""
    jurisdiction: str = ""
    abstract: bool = False
    extends: str | None = None  # the program this file extends, as written
    source: bytes = b""  # the bytes of its own rule file, exactly as read and validated

    def resolve_course(self, value: int | str | None, catalogue: str | None = None) -> str | None:
        """The catalogue slug named by ``value`` (a number or a slug), or ``None``."""
        if value is None or isinstance(value, bool):
            return None
        names = [catalogue] if catalogue else list(self.catalogues)
        key = str(value).strip().lower()
        for name in names:
            cat = self.catalogues.get(name, {})
            if key in cat:
                return cat[key]
            if key in cat.values():
                return key
        return None

    def level_rank(self, level: str) -> int | None:
        """Position of a rating level (aliases accepted), lowest = 0; ``None`` if unknown."""
        level = str(level).strip().lower()
        level = self.level_aliases.get(level, level)
        try:
            return self.levels.index(level)
        except ValueError:
            return None

    def standard_of(self, tag: str | int, vocabulary: str = "cpsel") -> str | None:
        """The standard a tag names (``"2A"`` → ``"2"``, ``5`` → ``"5"``), or ``None`` if unknown."""
        vocab = self.tags.get(vocabulary)
        if vocab is None:
            return None
        text = str(tag).strip().upper()
        if text in vocab["standards"]:
            return text
        if text in vocab["elements"]:
            return vocab["element_standard"][text]
        return None


def fmt_amount(value: Decimal | None) -> str:
    """``3``, ``3.5``, ``0.25``: a Decimal without trailing zeros or exponent."""
    if value is None:
        return "-"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


class Registry:
    """Every known program by id, and the problems found while loading them.

    The one mutable record: ``rules.load`` fills it while it reads the rule files.
    """

    __slots__ = ("programs", "problems")

    def __init__(self, programs: dict[str, Program] | None = None, problems: list[Problem] | None = None):
        self.programs: dict[str, Program] = {} if programs is None else programs
        self.problems: list[Problem] = [] if problems is None else problems

    def get(self, program_id: str) -> Program:
        """The program a member may enrol in; ``UsageError`` naming the choices otherwise."""
        prog = self.programs.get(program_id)
        if prog is None or prog.abstract:
            raise UsageError(
                f"unknown program '{program_id}'; choose one of: {', '.join(self.enrollable())}"
            )
        return prog

    def enrollable(self) -> list[str]:
        """The ids of the programs that are not abstract, sorted."""
        return sorted(pid for pid, p in self.programs.items() if not p.abstract)

    def errors(self) -> list[Problem]:
        """The problems of severity error (warnings are left out)."""
        return [p for p in self.problems if p.severity == "error"]
