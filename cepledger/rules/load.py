"""Program rules as data: load, merge (``extends``) and validate rule files.

A program is one TOML file (``cepledger/programs/<id>.toml``, or ``<ledgers>/programs/``
to add or override one). Every field a rule file may hold is described once, in the
field tables below: the loader validates against them, ``docs/rules-format.md``
documents them, and ``cep programs`` shows the result. Problems are returned as
values (``Problem`` with path, line and a stable code), never printed here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from typing import Any

from cepledger.model.errors import DataError, Problem, UsageError
from dataclasses import dataclass, field

PACKAGE_PROGRAMS = Path(__file__).with_name("programs")
FORMAT_VERSION = 1

AMOUNT_KINDS = ("hours", "fixed", "none")
CAP_UNITS = ("entry", "item", "year", "period")
PERIOD_KINDS = ("annual", "program")
REQUIREMENT_KINDS = ("total", "count", "distinct", "coverage", "ratings", "deadline")
SCOPES = ("period", "program", "window", "enrolment")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One allowed key of a rule-file table: its type, whether required, and what it means."""

    type: str  # str | int | number | bool | list[str] | table | enum
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


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
    "min": FieldSpec("number", "the least that meets it (total, count, distinct); default 0"),
    "scope": FieldSpec("enum", "which entries count and when it is due (see scopes); default period (enrolment for deadline)", choices=SCOPES),
    "window_years": FieldSpec("int", "length of the window for scope = window"),
    "field": FieldSpec("str", "entry key counted by distinct (course) or coverage (cpsel)"),
    "cover": FieldSpec("any", "coverage: the standards to cover, a list or a table { program_year = [...] }"),
    "standards": FieldSpec("list[str]", "ratings: the standards that must be proficient; default every standard of the cpsel vocabulary"),
    "level": FieldSpec("str", "ratings: the lowest proficient level; default the second-highest level"),
    "max_days": FieldSpec("int", "deadline: most days from employed_since to since"),
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


# ------------------------------------------------------------------ the model of a program


@dataclass(frozen=True, slots=True)
class PeriodRule:
    kind: str = "annual"
    years: int = 1
    start_month: int = 9
    anchor: int | None = None
    carry_over_max: Decimal = Decimal(0)
    prorate_first_year: bool = False


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    code: str = ""
    name: str = ""
    amount: str = "hours"
    credits: Decimal | None = None
    cap: Decimal | None = None
    per: str | None = None
    item_noun: str | None = None
    requires: tuple[str, ...] = ()
    catalogue: str | None = None
    evidence: str = "optional"
    tags: tuple[str, ...] = ()
    line: int = 0

    def cap_description(self) -> str:
        """``live-webinar: at most 3 per webinar``."""
        return f"{self.id}: at most {fmt_amount(self.cap)} per {self.item_noun or self.per}"


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    activities: tuple[str, ...]
    cap: Decimal
    per: str
    code: str = ""
    name: str = ""
    item_noun: str | None = None
    line: int = 0

    def cap_description(self) -> str:
        return f"{' + '.join(self.activities)}: at most {fmt_amount(self.cap)} per {self.item_noun or self.per}"


@dataclass(frozen=True, slots=True)
class Requirement:
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
    unit: str = ""
    line: int = 0

    def cover_for(self, program_year: int | None) -> tuple[str, ...]:
        if isinstance(self.cover, dict):
            return self.cover.get(program_year or 1, ())
        return self.cover or ()


@dataclass(frozen=True, slots=True)
class Program:
    id: str
    name: str
    unit: str
    period: PeriodRule
    activities: dict[str, Activity]
    groups: tuple[Group, ...]
    requirements: tuple[Requirement, ...]
    catalogues: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    level_aliases: dict[str, str] = field(default_factory=dict)
    path: str = ""
    jurisdiction: str = ""
    abstract: bool = False

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


# ------------------------------------------------------------------ registry


@dataclass(slots=True)
class Registry:
    """Every known program by id, and the problems found while loading them."""

    programs: dict[str, Program] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, program_id: str) -> Program:
        prog = self.programs.get(program_id)
        if prog is None or prog.abstract:
            raise UsageError(
                f"unknown program '{program_id}'; choose one of: {', '.join(self.enrollable())}"
            )
        return prog

    def enrollable(self) -> list[str]:
        return sorted(pid for pid, p in self.programs.items() if not p.abstract)

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def load_registry(extra_dirs: list[Path] | tuple[Path, ...] = (), *, strict: bool = True) -> Registry:
    """Load the packaged programs, then each extra folder's ``*.toml`` (adding or overriding by id).

    With ``strict`` a rule file with an error raises ``DataError`` (exit 3); without it
    the problems are kept in ``Registry.problems`` for ``cep check``.
    """
    raw: dict[str, tuple[dict, str, dict[str, int]]] = {}
    problems: list[Problem] = []
    dirs = [PACKAGE_PROGRAMS, *[Path(d) for d in extra_dirs]]
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            parsed = _read_rule_file(path, problems)
            if parsed is None:
                continue
            doc, lines = parsed
            pid = doc.get("id")
            if not isinstance(pid, str) or pid != path.stem:
                problems.append(Problem(str(path), lines.get("id", 1), "rule-id",
                                        f"the program id must equal the file name: write id = \"{path.stem}\""))
                continue
            raw[pid] = (doc, str(path), lines)
    registry = Registry(problems=problems)
    built: dict[str, tuple] = {}
    for pid in raw:
        prog = _build(pid, raw, problems, built)
        if prog is not None:
            registry.programs[pid] = prog
    if strict and registry.errors():
        raise DataError(registry.errors())
    return registry


_HEADER_RE = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _parse_rules_toml(text: str) -> dict:
    """The compiled ``tomli`` wheel when installed (about 3x faster: every command reads
    the rule files); any failure is parsed again by ``tomllib`` for its usual message."""
    try:
        import tomli

        return tomli.loads(text, parse_float=Decimal)
    except Exception:  # noqa: BLE001 - the standard parser raises the error we report
        import tomllib

        return tomllib.loads(text, parse_float=Decimal)


def _read_rule_file(path: Path, problems: list[Problem]) -> tuple[dict, dict[str, int]] | None:
    """Parse one rule file; returns the document and the line of each table and top-level key."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        doc = _parse_rules_toml(text)
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, "not-utf8", "the rule file is not valid UTF-8; save it as UTF-8"))
        return None
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else 1
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        problems.append(Problem(str(path), line, "toml-syntax", f"invalid TOML: {msg}"))
        return None
    except OSError as exc:
        problems.append(Problem(str(path), 0, "unreadable", f"cannot read the rule file: {exc.strerror}"))
        return None
    lines: dict[str, int] = {}
    table = ""
    req_n = -1
    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER_RE.match(line)
        if m:
            table = m.group(2).replace('"', "").replace("'", "").replace(" ", "")
            if m.group(1) and table == "requirements":
                req_n += 1
                table = f"requirements.{req_n}"
            lines.setdefault(table, n)
            continue
        k = _KEY_RE.match(line)
        if k:
            lines.setdefault(f"{table}.{k.group(1)}" if table else k.group(1), n)
    return doc, lines


def _merge(base: dict, child: dict) -> dict:
    """Child over base: tables merge key by key; requirements merge by id; the rest replaces."""
    out = dict(base)
    for key, value in child.items():
        if key in ("activities", "groups", "catalogues", "tags") and isinstance(value, dict):
            merged = dict(out.get(key, {}))
            for sub_id, sub in value.items():
                if isinstance(sub, dict) and isinstance(merged.get(sub_id), dict):
                    merged[sub_id] = {**merged[sub_id], **sub}
                else:
                    merged[sub_id] = sub
            out[key] = merged
        elif key in ("period", "levels") and isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        elif key == "requirements" and isinstance(value, list):
            reqs = list(out.get("requirements", []))
            index = {r.get("id"): i for i, r in enumerate(reqs) if isinstance(r, dict)}
            for r in value:
                rid = r.get("id") if isinstance(r, dict) else None
                if rid in index:
                    reqs[index[rid]] = r
                else:
                    reqs.append(r)
            out[key] = reqs
        else:
            out[key] = value
    if "abstract" not in child:
        out.pop("abstract", None)
    return out


def _build(pid: str, raw: dict, problems: list[Problem], built: dict[str, tuple]) -> Program | None:
    """Resolve ``extends`` (checking for unknown parents and cycles), then validate.

    A child starts from its parent's effective rules (the parent's own ``remove_*``
    already applied), merges its own tables over them and then applies its own
    ``remove_*``. Each file reports only its own problems: a program whose parent has
    errors gets one ``rule-extends-invalid`` problem at its ``extends`` line. ``built``
    memoises ``(program or None, effective document)`` by id.
    """
    if pid in built:
        return built[pid][0]
    built[pid] = (None, {})
    doc, path, lines = raw[pid]
    parent = doc.get("extends")
    merged = dict(doc)
    if parent is not None:
        where = lines.get("extends", 1)
        if not isinstance(parent, str) or parent not in raw:
            problems.append(Problem(path, where, "rule-extends-unknown",
                                    f"extends an unknown program '{parent}'; known: {', '.join(sorted(raw))}"))
            return None
        chain = [pid, parent]
        while isinstance(up := raw[chain[-1]][0].get("extends"), str) and up in raw:
            if up in chain:
                if up == pid:
                    problems.append(Problem(path, where, "rule-extends-cycle",
                                            f"'extends = \"{parent}\"' makes a cycle "
                                            f"({' -> '.join([*chain, up])}); remove it"))
                    return None
                break  # a cycle further up: reported by the files in it
            chain.append(up)
        base = _build(parent, raw, problems, built)
        if base is None:
            problems.append(Problem(path, where, "rule-extends-invalid",
                                    f"extends '{parent}', which has errors; fix {raw[parent][1]} first"))
            return None
        inherited = {k: v for k, v in built[parent][1].items() if k not in ("remove_activities", "remove_requirements")}
        merged = _merge(inherited, doc)
    for rid in _str_list(doc.get("remove_requirements")):
        if isinstance(merged.get("requirements"), list):
            merged["requirements"] = [r for r in merged["requirements"] if not (isinstance(r, dict) and r.get("id") == rid)]
    for aid in _str_list(doc.get("remove_activities")):
        if isinstance(merged.get("activities"), dict):
            merged["activities"] = {k: v for k, v in merged["activities"].items() if k != aid}
    prog = _validate(pid, merged, path, lines, problems, own=doc)
    built[pid] = (prog, merged)
    return prog


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Checker:
    """Collects problems while converting one rule document into a ``Program``."""

    def __init__(self, path: str, lines: dict[str, int], problems: list[Problem]):
        self.path, self.lines, self.problems = path, lines, problems
        self.ok = True

    def add(self, where: str, code: str, message: str, severity: str = "error") -> None:
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
            if not self._type_ok(fs, v):
                choices = f" (one of: {', '.join(fs.choices)})" if fs.choices else ""
                self.add(loc, "rule-type", f"'{key}' in {what} must be {_type_words(fs.type)}{choices}")
                continue
            if fs.type in ("number", "int") and v < 0:
                self.add(loc, "rule-negative", f"'{key}' in {what} must not be negative")
                continue
            out[key] = v
        return out

    @staticmethod
    def _type_ok(fs: FieldSpec, v: Any) -> bool:
        t = fs.type
        if t == "str":
            return isinstance(v, str)
        if t == "int":
            return isinstance(v, int) and not isinstance(v, bool)
        if t == "number":
            return isinstance(v, (int, Decimal)) and not isinstance(v, bool) and Decimal(v).is_finite()
        if t == "bool":
            return isinstance(v, bool)
        if t == "list[str]":
            return isinstance(v, list) and all(isinstance(x, str) for x in v)
        if t == "enum":
            return isinstance(v, str) and v in fs.choices
        if t == "table":
            return isinstance(v, dict)
        if t == "list":
            return isinstance(v, list)
        return True


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


def _type_words(t: str) -> str:
    return {"str": "a string", "int": "a whole number", "number": "a number", "bool": "true or false",
            "list[str]": "a list of strings", "enum": "one of the listed words", "table": "a table",
            "list": "an array of tables"}.get(t, t)


def _validate(pid: str, doc: dict, path: str, lines: dict[str, int], problems: list[Problem],
              own: dict | None = None) -> Program | None:
    """Check the (merged) document ``doc`` of the file at ``path`` and build its ``Program``.

    ``own`` is the file's own document (``doc`` minus what ``extends`` brought in): its
    requirements are the ones whose lines ``lines`` knows.
    """
    ck = _Checker(path, lines, problems)
    top = ck.table("", doc, PROGRAM_FIELDS, "a program")
    if top.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        ck.add("format", "rule-format", f"unsupported rule format {top.get('format')}; this version reads format = 1")
    p = ck.table("period", top.get("period", {}), PERIOD_FIELDS, "[period]")
    period = PeriodRule(
        kind=p.get("kind", "annual"),
        years=p.get("years", 1),
        start_month=p.get("start_month", 9),
        anchor=p.get("anchor"),
        carry_over_max=Decimal(p.get("carry_over_max", 0)),
        prorate_first_year=p.get("prorate_first_year", False),
    )
    if not 1 <= period.start_month <= 12:
        ck.add("period.start_month", "rule-range", "start_month must be 1 to 12")
    if period.years < 1:
        ck.add("period.years", "rule-range", "years must be at least 1")

    catalogues: dict[str, dict[str, str]] = {}
    for cid, cat in (top.get("catalogues") or {}).items():
        if not isinstance(cat, dict) or not all(isinstance(v, str) for v in cat.values()):
            ck.add(f"catalogues.{cid}", "rule-type", f"catalogue '{cid}' must map numbers to slugs")
            continue
        catalogues[cid] = {str(k).lower(): v for k, v in cat.items()}

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
            owner = next((s for s in sorted(std_keys, key=len, reverse=True) if e.startswith(s)), None)
            if owner is None:
                ck.add(f"tags.{tid}", "rule-tag", f"element '{e}' does not start with one of the standards")
                continue
            elem_std[e] = owner
        tags[tid] = {"standards": std_keys, "elements": tuple(elem_std), "element_standard": elem_std}

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
            catalogue=a.get("catalogue"), evidence=a.get("evidence", "optional"),
            tags=tuple(a.get("tags", ())), line=lines.get(where, 0),
        )

    groups = []
    for gid, graw in (top.get("groups") or {}).items():
        where = f"groups.{gid}"
        g = ck.table(where, graw, GROUP_FIELDS, f"group '{gid}'")
        for aid in g.get("activities", []):
            if aid not in activities:
                ck.add(f"{where}.activities", "rule-unknown-activity", f"group '{gid}' names an unknown activity '{aid}'")
        if {"activities", "cap", "per"} <= g.keys():
            groups.append(Group(gid, tuple(g["activities"]), Decimal(g["cap"]), g["per"], g.get("code", ""),
                                g.get("name", gid), g.get("item_noun"), lines.get(where, 0)))

    requirements = []
    seen_ids: set[str] = set()
    reqs = top.get("requirements") or []
    own_reqs = (own if own is not None else doc).get("requirements")
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
        for aid in r.get("activities", []):
            if aid not in activities:
                ck.add(f"{where}.activities", "rule-unknown-activity",
                       f"requirement '{rid}' names an unknown activity '{aid}'; define it under [activities.{aid}]")
        scope = r.get("scope", "enrolment" if kind == "deadline" else "period")
        if scope == "program" and period.kind != "program":
            ck.add(f"{where}.scope", "rule-scope", f"requirement '{rid}' has scope = \"program\" but the period kind is not \"program\"")
        given = rraw  # presence checks look at what was written, so a bad value is reported once
        if scope == "window" and not given.get("window_years"):
            ck.add(where, "rule-missing-field", f"requirement '{rid}' has scope = \"window\" but no window_years")
        if kind in ("distinct", "coverage") and not given.get("field"):
            ck.add(where, "rule-missing-field", f"requirement '{rid}' of kind {kind} needs a field")
        if kind == "deadline" and given.get("max_days") is None:
            ck.add(where, "rule-missing-field", f"requirement '{rid}' of kind deadline needs max_days")
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
        requirements.append(Requirement(
            id=rid, kind=kind, name=r.get("name", rid), activities=tuple(r.get("activities", ())),
            min=Decimal(r.get("min", 0)), scope=scope, window_years=r.get("window_years"),
            field=r.get("field"), cover=cover, standards=tuple(str(s).upper() for s in r.get("standards", ())),
            level=r.get("level"), max_days=r.get("max_days"), unit=r.get("unit", ""), line=lines.get(where, 0),
        ))
    if not ck.ok:
        return None
    return Program(
        id=pid, name=top.get("name", pid), unit=top.get("unit", "credits"), period=period,
        activities=activities, groups=tuple(groups), requirements=tuple(requirements),
        catalogues=catalogues, tags=tags, levels=levels, level_aliases=aliases, path=path,
        jurisdiction=top.get("jurisdiction", ""), abstract=bool(doc.get("abstract", False)),
    )

