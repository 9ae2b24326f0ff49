"""Program rules as data: find, read and parse rule files, resolve ``extends``, build the registry.

A program is one TOML file (``cepledger/rules/programs/<id>.toml``, or
``<ledgers>/programs/`` to add or override one). Each file is read with the ledger's
file safety (a regular file of at most ``MAX_RULE_FILE_BYTES``: never a symlink, FIFO
or device), parsed, merged over the program it ``extends`` and checked against the
field tables (``rules.fields``) by ``rules.validate``. Problems are returned as values
(``Problem`` with path, line and a stable code), never printed here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cepledger.ledger.files import read_regular_file
from cepledger.ledger.parse import loads_toml
from cepledger.model.errors import DataError, Problem
from cepledger.rules.model import Program, Registry
from cepledger.rules.validate import validate_program

PACKAGE_PROGRAMS = Path(__file__).with_name("programs")
MAX_RULE_FILE_BYTES = 1024 * 1024  # the packaged programs are under 10 KiB each

# (document, path, line of each table and key, the file's bytes) per program id, as read
RawPrograms = dict[str, tuple[dict, str, dict[str, int], bytes]]


def load_registry(extra_dirs: list[Path] | tuple[Path, ...] = (), *, strict: bool = True) -> Registry:
    """Load the packaged programs, then each extra folder's ``*.toml`` (adding or overriding by id).

    With ``strict`` a rule file with an error raises ``DataError`` (exit 3); without it
    the problems are kept in ``Registry.problems`` for ``cep check``.
    """
    problems: list[Problem] = []
    raw = _read_folders([PACKAGE_PROGRAMS, *[Path(d) for d in extra_dirs]], problems)
    registry = Registry(problems=problems)
    built: dict[str, tuple] = {}
    for pid in raw:
        prog = _build(pid, raw, problems, built)
        if prog is not None:
            registry.programs[pid] = prog
    if strict and registry.errors():
        raise DataError(registry.errors())
    return registry


def _read_folders(folders: list[Path], problems: list[Problem]) -> RawPrograms:
    """Every readable rule file of ``folders`` by program id; a later folder overrides an earlier one."""
    raw: RawPrograms = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            parsed = _read_rule_file(path, problems, packaged=folder == PACKAGE_PROGRAMS)
            if parsed is None:
                continue
            doc, lines, data = parsed
            pid = doc.get("id")
            if not isinstance(pid, str) or pid != path.stem:
                problems.append(Problem(str(path), lines.get("id", 1), "rule-id",
                                        f"the program id must equal the file name: write id = \"{path.stem}\""))
                continue
            raw[pid] = (doc, str(path), lines, data)
    return raw


def _read_rule_file(path: Path, problems: list[Problem], *,
                    packaged: bool = False) -> tuple[dict, dict[str, int], bytes] | None:
    """Parse one rule file; returns the document, the line of each table and top-level key, and its bytes."""
    try:
        data = _rule_file_bytes(path, packaged)
    except FileNotFoundError:  # removed since the folder was listed
        return None
    except DataError as exc:
        # The file layer names the path in its sentence; the problem already carries it.
        for p in exc.problems:
            message = p.message.removeprefix(f"{p.path} ")
            problems.append(Problem(str(path), 1, p.code, f"the file {message}" if message != p.message else message))
        return None
    except OSError as exc:
        problems.append(Problem(str(path), 1, "unreadable", f"cannot read the rule file: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, "not-utf8", "the rule file is not valid UTF-8; save it as UTF-8"))
        return None
    try:
        doc = loads_toml(text, str(path))  # the ledgers' parser call: TOML 1.0 exactly, floats as Decimal
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    return doc, _key_lines(text), data


def _rule_file_bytes(path: Path, packaged: bool) -> bytes:
    """The file's bytes: a user's folder gets the ledger's file safety (``read_regular_file``);
    the packaged programs are part of the installed program and are read as its modules
    are (an installer may hard-link or symlink them, which the file safety refuses)."""
    if packaged:
        return path.read_bytes()
    data, _ = read_regular_file(path, limit=MAX_RULE_FILE_BYTES, what="rule file")
    return data


_HEADER_RE = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each table header and key: ``{"activities.talk": 5, "activities.talk.cap": 6}``.

    The n-th ``[[requirements]]`` table is ``requirements.<n>`` (0-based), so problems
    in one requirement point at its own lines.
    """
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
    return lines


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


def _build(pid: str, raw: RawPrograms, problems: list[Problem], built: dict[str, tuple]) -> Program | None:
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
    doc, path, lines, data = raw[pid]
    merged = dict(doc)
    if doc.get("extends") is not None:
        inherited = _inherited(pid, raw, problems, built)
        if inherited is None:
            return None
        merged = _merge(inherited, doc)
    for rid in _str_list(doc.get("remove_requirements")):
        if isinstance(merged.get("requirements"), list):
            merged["requirements"] = [r for r in merged["requirements"] if not (isinstance(r, dict) and r.get("id") == rid)]
    for aid in _str_list(doc.get("remove_activities")):
        if isinstance(merged.get("activities"), dict):
            merged["activities"] = {k: v for k, v in merged["activities"].items() if k != aid}
    prog = validate_program(pid, merged, path, lines, problems, own=doc)
    if prog is not None:  # what a report's digest is of: the bytes validated, not a second read
        prog = prog._replace(source=data, extends=doc.get("extends"))
    built[pid] = (prog, merged)
    return prog


def _inherited(pid: str, raw: RawPrograms, problems: list[Problem], built: dict[str, tuple]) -> dict | None:
    """The effective document of the program ``pid`` extends, or ``None`` (with a problem) when it cannot be had."""
    doc, path, lines, _ = raw[pid]
    parent = doc["extends"]
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
    if _build(parent, raw, problems, built) is None:
        problems.append(Problem(path, where, "rule-extends-invalid",
                                f"extends '{parent}', which has errors; fix {raw[parent][1]} first"))
        return None
    return {k: v for k, v in built[parent][1].items() if k not in ("remove_activities", "remove_requirements")}


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
