"""Check one rule document against the field tables and build its ``Program``.

``validate_program`` takes the document as ``rules.load`` merged it (``extends``
resolved) and returns the ``Program``, or ``None`` when it has errors. Problems are
appended to the caller's list as values (``Problem`` with path, line and a stable
code), never printed here. No I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cepledger.model.errors import Problem
from cepledger.rules.fields import (
    ACTIVITY_FIELDS,
    BUILTIN_ACTIVITIES,
    FORMAT_VERSION,
    GROUP_FIELDS,
    PERIOD_FIELDS,
    PROGRAM_FIELDS,
    REQUIREMENT_FIELDS,
    FieldSpec,
)
from cepledger.rules.model import Activity, Group, PeriodRule, Program, Requirement


class _Checker:
    """Collects problems while converting one rule document into a ``Program``."""

    def __init__(self, path: str, lines: dict[str, int], problems: list[Problem]):
        self.path, self.lines, self.problems = path, lines, problems
        self.ok = True

    def add(self, where: str, code: str, message: str, severity: str = "error") -> None:
        """One problem at the line of ``where`` (a dotted key), else of its table, else line 1."""
        line = self.lines.get(where, 0)
        if not line and "." in where:
            line = self.lines.get(where.rsplit(".", 1)[0], 0)
        self.problems.append(Problem(self.path, line or 1, code, message, severity))
        if severity == "error":
            self.ok = False

    def table(self, where: str, value: Any, spec: dict[str, FieldSpec], what: str) -> dict:
        """Check a table against its field table: unknown keys, required keys, types."""
        if not isinstance(value, dict):
            self.add(where, "rule-type", f"{what} must be a table")
            return {}
        for key in value:
            if key not in spec:
                self.add(f"{where}.{key}" if where else key, "rule-unknown-field",
                         f"unknown field '{key}' in {what}; allowed: {', '.join(spec)}")
        out = {}
        for key, fs in spec.items():
            if key not in value:
                if fs.required:
                    self.add(where, "rule-missing-field", f"{what} needs '{key}' ({fs.doc})")
                continue
            v = value[key]
            loc = f"{where}.{key}" if where else key
            if not fs.accepts(v):
                choices = f" (one of: {', '.join(fs.choices)})" if fs.choices else ""
                self.add(loc, "rule-type", f"'{key}' in {what} must be {fs.type_words()}{choices}")
                continue
            if fs.type in ("number", "int") and v < 0:
                self.add(loc, "rule-negative", f"'{key}' in {what} must not be negative")
                continue
            out[key] = v
        return out


def validate_program(pid: str, doc: dict, path: str, lines: dict[str, int], problems: list[Problem],
                     own: dict | None = None) -> Program | None:
    """Check the (merged) document ``doc`` of the file at ``path`` and build its ``Program``.

    ``own`` is the file's own document (``doc`` minus what ``extends`` brought in): its
    requirements are the ones whose lines ``lines`` knows. ``None`` when there are errors.
    """
    ck = _Checker(path, lines, problems)
    top = ck.table("", doc, PROGRAM_FIELDS, "a program")
    if top.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        ck.add("format", "rule-format", f"unsupported rule format {top.get('format')}; this version reads format = 1")
    period = _period(ck, top)
    catalogues = _catalogues(ck, top)
    tags = _tags(ck, top)
    levels, aliases = _levels(ck, top)
    activities = _activities(ck, top, catalogues, tags)
    groups = _groups(ck, top, activities)
    own_reqs = (own if own is not None else doc).get("requirements")
    requirements = _requirements(ck, top.get("requirements") or [], own_reqs, activities, period, levels)
    if not ck.ok:
        return None
    return Program(
        id=pid, name=top.get("name", pid), unit=top.get("unit", "credits"), period=period,
        activities=activities, groups=tuple(groups), requirements=tuple(requirements),
        catalogues=catalogues, tags=tags, levels=levels, level_aliases=aliases, path=path,
        jurisdiction=top.get("jurisdiction", ""), abstract=bool(doc.get("abstract", False)),
    )


def _period(ck: _Checker, top: dict) -> PeriodRule:
    p = ck.table("period", top.get("period", {}), PERIOD_FIELDS, "[period]")
    period = PeriodRule(
        kind=p.get("kind", "annual"),
        years=p.get("years", 1),
        years_of=p.get("years_of", "reporting-year"),
        start_month=p.get("start_month", 9),
        anchor=p.get("anchor"),
        carry_over_max=Decimal(p.get("carry_over_max", 0)),
        prorate_first_year=p.get("prorate_first_year", False),
    )
    if not 1 <= period.start_month <= 12:
        ck.add("period.start_month", "rule-range", "start_month must be 1 to 12")
    if period.years < 1:
        ck.add("period.years", "rule-range", "years must be at least 1")
    if period.years_of == "enrolment" and period.kind != "program":
        ck.add("period.years_of", "rule-scope", 'years_of = "enrolment" needs kind = "program"')
    return period


def _catalogues(ck: _Checker, top: dict) -> dict[str, dict[str, str]]:
    """``[catalogues.ID]``: number (lower-cased text) -> slug."""
    catalogues: dict[str, dict[str, str]] = {}
    for cid, cat in (top.get("catalogues") or {}).items():
        if not isinstance(cat, dict) or not all(isinstance(v, str) for v in cat.values()):
            ck.add(f"catalogues.{cid}", "rule-type", f"catalogue '{cid}' must map numbers to slugs")
            continue
        catalogues[cid] = {str(k).lower(): v for k, v in cat.items()}
    return catalogues


def _tags(ck: _Checker, top: dict) -> dict[str, dict[str, Any]]:
    """``[tags.ID]``: standards, elements, and the standard each element belongs to."""
    tags: dict[str, dict[str, Any]] = {}
    for tid, vocab in (top.get("tags") or {}).items():
        stds = vocab.get("standards") if isinstance(vocab, dict) else None
        elems = vocab.get("elements", []) if isinstance(vocab, dict) else None
        if not isinstance(stds, dict) or not isinstance(elems, list):
            ck.add(f"tags.{tid}", "rule-type", f"tags '{tid}' needs standards = {{ n = name }} and elements = [...]")
            continue
        std_keys = {str(k).upper(): str(v) for k, v in stds.items()}
        elem_std = {}
        for e in elems:
            e = str(e).upper()
            # the longest standard first, so "10A" belongs to "10", not "1"
            owner = next((s for s in sorted(std_keys, key=len, reverse=True) if e.startswith(s)), None)
            if owner is None:
                ck.add(f"tags.{tid}", "rule-tag", f"element '{e}' does not start with one of the standards")
                continue
            elem_std[e] = owner
        tags[tid] = {"standards": std_keys, "elements": tuple(elem_std), "element_standard": elem_std}
    return tags


def _levels(ck: _Checker, top: dict) -> tuple[tuple[str, ...], dict[str, str]]:
    """``[levels]``: the rating levels lowest first, and alias -> level."""
    lv = top.get("levels") or {}
    order, alias_table = lv.get("order", []), lv.get("aliases", {})
    if (not isinstance(order, list) or not all(isinstance(x, str) for x in order)
            or not isinstance(alias_table, dict) or not all(isinstance(x, str) for x in alias_table.values())):
        ck.add("levels", "rule-type", "[levels] needs order = [\"lowest\", ..., \"highest\"] and aliases = { alias = \"level\" }")
        order, alias_table = [], {}
    levels = tuple(x.strip().lower() for x in order)
    aliases = {str(k).strip().lower(): v.strip().lower() for k, v in alias_table.items()}
    for alias, target in aliases.items():
        if target not in levels:
            ck.add("levels.aliases", "rule-level", f"level alias '{alias}' names an unknown level '{target}'")
    return levels, aliases


def _activities(ck: _Checker, top: dict, catalogues: dict, tags: dict) -> dict[str, Activity]:
    """The program's activities, then the built-in ones it does not define itself."""
    activities: dict[str, Activity] = {}
    own_activities = top.get("activities") or {}
    builtins = {aid: table for aid, table in BUILTIN_ACTIVITIES.items() if aid not in own_activities}
    for aid, araw in {**own_activities, **builtins}.items():
        where = f"activities.{aid}"
        a = ck.table(where, araw, ACTIVITY_FIELDS, f"activity '{aid}'")
        amount = a.get("amount", "hours")
        if amount == "fixed" and "credits" not in a:
            ck.add(where, "rule-missing-field", f"activity '{aid}' has amount = \"fixed\" but no credits")
        if isinstance(araw, dict) and ("cap" in araw) != ("per" in araw):
            ck.add(where, "rule-cap", f"activity '{aid}' needs both cap and per, or neither")
        if a.get("catalogue") and a["catalogue"] not in catalogues:
            ck.add(f"{where}.catalogue", "rule-catalogue", f"activity '{aid}' names an unknown catalogue '{a['catalogue']}'")
        for t in a.get("tags", []):
            if t not in tags:
                ck.add(f"{where}.tags", "rule-tag", f"activity '{aid}' names an unknown tag vocabulary '{t}'")
        activities[aid] = Activity(
            id=aid, code=a.get("code", ""), name=a.get("name", aid), amount=amount,
            credits=Decimal(a["credits"]) if "credits" in a else None,
            cap=Decimal(a["cap"]) if "cap" in a else None, per=a.get("per"),
            item_noun=a.get("item_noun"), requires=tuple(a.get("requires", ())),
            plannable=a.get("plannable", True), catalogue=a.get("catalogue"), evidence=a.get("evidence", "optional"),
            tags=tuple(a.get("tags", ())), line=ck.lines.get(where, 0),
        )
    return activities


def _groups(ck: _Checker, top: dict, activities: dict[str, Activity]) -> list[Group]:
    groups = []
    for gid, graw in (top.get("groups") or {}).items():
        where = f"groups.{gid}"
        g = ck.table(where, graw, GROUP_FIELDS, f"group '{gid}'")
        for aid in g.get("activities", []):
            if aid not in activities:
                ck.add(f"{where}.activities", "rule-unknown-activity", f"group '{gid}' names an unknown activity '{aid}'")
        if {"activities", "cap", "per"} <= g.keys():
            groups.append(Group(gid, tuple(g["activities"]), Decimal(g["cap"]), g["per"], g.get("code", ""),
                                g.get("name", gid), g.get("item_noun"), ck.lines.get(where, 0)))
    return groups


def _requirements(ck: _Checker, reqs: list, own_reqs: Any, activities: dict[str, Activity],
                  period: PeriodRule, levels: tuple[str, ...]) -> list[Requirement]:
    requirements = []
    seen_ids: set[str] = set()
    own_index = {id(r): i for i, r in enumerate(own_reqs)} if isinstance(own_reqs, list) else {}
    for n, rraw in enumerate(reqs):
        # lines are known for the file's own [[requirements]] only (inherited ones: line 1)
        where = f"requirements.{own_index[id(rraw)]}" if id(rraw) in own_index else f"inherited-requirement.{n}"
        r = ck.table(where, rraw, REQUIREMENT_FIELDS, f"requirement #{n + 1}")
        rid, kind = r.get("id"), r.get("kind")
        if rid is None or kind is None:
            continue
        if rid in seen_ids:
            ck.add(where, "rule-duplicate", f"requirement id '{rid}' appears twice")
        seen_ids.add(rid)
        requirements.append(_requirement(ck, where, r, rraw, activities, period, levels))
    return requirements


def _requirement(ck: _Checker, where: str, r: dict, given: dict, activities: dict[str, Activity],
                 period: PeriodRule, levels: tuple[str, ...]) -> Requirement:
    """One requirement's cross-checks (``r``: its checked fields; ``given``: what was written)."""
    rid, kind = r["id"], r["kind"]
    for aid in r.get("activities", []):
        if aid not in activities:
            ck.add(f"{where}.activities", "rule-unknown-activity",
                   f"requirement '{rid}' names an unknown activity '{aid}'; define it under [activities.{aid}]")
    scope = r.get("scope", "enrolment" if kind == "deadline" else "period")
    if scope == "program" and period.kind != "program":
        ck.add(f"{where}.scope", "rule-scope", f"requirement '{rid}' has scope = \"program\" but the period kind is not \"program\"")
    # presence checks look at what was written, so a bad value is reported once
    if scope == "window" and not given.get("window_years"):
        ck.add(where, "rule-missing-field", f"requirement '{rid}' has scope = \"window\" but no window_years")
    if kind in ("distinct", "coverage") and not given.get("field"):
        ck.add(where, "rule-missing-field", f"requirement '{rid}' of kind {kind} needs a field")
    if kind == "deadline" and given.get("max_days") is None and given.get("max_years") is None:
        ck.add(where, "rule-missing-field", f"requirement '{rid}' of kind deadline needs max_days or max_years")
    if kind == "ratings" and not levels:
        ck.add(where, "rule-level", f"requirement '{rid}' of kind ratings needs [levels] order = [...]")
    if kind == "ratings" and r.get("level") and r["level"] not in levels:
        ck.add(f"{where}.level", "rule-level", f"requirement '{rid}' names an unknown level '{r['level']}'")
    cover = _cover(r.get("cover"))
    if cover is False:
        ck.add(f"{where}.cover", "rule-type", f"requirement '{rid}': cover must be a list of standards, "
               "or a table of program year -> list, like { 1 = [\"1\", \"2\"], 2 = [\"3\"] }")
        cover = None
    elif kind == "coverage" and given.get("cover") is None:
        ck.add(where, "rule-missing-field", f"requirement '{rid}' of kind coverage needs cover = [...]")
    return Requirement(
        id=rid, kind=kind, name=r.get("name", rid), activities=tuple(r.get("activities", ())),
        min=Decimal(r.get("min", 0)), scope=scope, window_years=r.get("window_years"),
        field=r.get("field"), cover=cover, standards=tuple(str(s).upper() for s in r.get("standards", ())),
        level=r.get("level"), max_days=r.get("max_days"), max_years=r.get("max_years"), unit=r.get("unit", ""), line=ck.lines.get(where, 0),
    )


def _cover(value: Any) -> Any:
    """``cover`` as a tuple of standards or {program_year: tuple}; None if absent; False if malformed."""
    def std_list(v: Any) -> tuple[str, ...] | None:
        if isinstance(v, list) and all(isinstance(s, (str, int)) and not isinstance(s, bool) for s in v):
            return tuple(str(s).strip().upper() for s in v)
        return None

    if value is None:
        return None
    if isinstance(value, list):
        return std_list(value) if std_list(value) is not None else False
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not str(k).isdigit() or std_list(v) is None:
                return False
            out[int(k)] = std_list(v)
        return out
    return False
