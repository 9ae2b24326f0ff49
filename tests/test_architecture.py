"""Which package may import which: the data flows files -> model -> rules/calc -> render -> cli.

The tables below are the rule, written once as data (docs/ARCHITECTURE.md quotes them).
A "package" is a folder under ``cepledger/`` (``model``, ``rules`` ...) or a top-level
module (``check``, ``cache``); an entry like ``ledger.files`` allows that one module of
a package. Every import counts, also one inside a function. The test reads the source
with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

# package -> the other cepledger packages (or single modules) it may import
ALLOWED_IMPORTS: dict[str, frozenset[str]] = {
    "model": frozenset(),
    # ledger.files and ledger.parse: rule files get the ledger's file safety and its TOML 1.0 parser call
    "rules": frozenset({"model", "ledger.files", "ledger.parse"}),
    "calc": frozenset({"model", "rules"}),
    "render": frozenset({"model", "rules", "calc"}),
    "ledger": frozenset({"model"}),
    "check": frozenset({"model", "rules", "ledger"}),
    "cli": frozenset({"model", "rules", "calc", "render", "ledger", "check"}),
    "__main__": frozenset({"cli"}),
}

# third-party packages -> the only cepledger packages that may import them
ONLY_IN: dict[str, frozenset[str]] = {
    "typer": frozenset({"cli"}),
    "click": frozenset({"cli"}),
}

# packages that read no files and no clock: what they need is passed in
NO_FILES = frozenset({"model", "calc", "render"})
NO_CLOCK = frozenset({"model", "rules", "calc", "render"})
FILE_MODULES = frozenset({"os", "pathlib", "shutil", "tempfile", "glob", "io", "subprocess", "socket"})
FILE_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open", "iterdir", "glob",
                          "rglob", "mkdir", "unlink", "rmdir", "touch", "exists", "is_file", "is_dir", "stat",
                          "lstat"})
CLOCK_MODULES = frozenset({"time"})
CLOCK_METHODS = frozenset({"today", "now", "utcnow"})

# Imports that break the table today, in code this branch does not own; each must still
# occur (remove it here once it is fixed), and nothing else may.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    target: str  # the cepledger package or module imported, or the module / call that broke a rule
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def package_of(rel: Path) -> str:
    """``calc`` for ``calc/caps.py``; ``check`` for ``check.py``; ``""`` for ``__init__.py``."""
    if len(rel.parts) > 1:
        return rel.parts[0]
    return "" if rel.stem == "__init__" else rel.stem


def _target(source_root: Path, dotted: str) -> str:
    """``ledger.files`` for ``cepledger.ledger.files.read``: the package, and its module when there is one."""
    parts = dotted.split(".")[1:]  # without "cepledger"
    if not parts:
        return ""
    if (source_root / parts[0]).is_dir() and len(parts) > 1 and (source_root / parts[0] / f"{parts[1]}.py").exists():
        return f"{parts[0]}.{parts[1]}"
    if (source_root / parts[0]).is_dir() or (source_root / f"{parts[0]}.py").exists():
        return parts[0]
    return ""  # a name of the root package (__version__)


def cepledger_imports(source_root: Path, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, target) of every import of a cepledger package or module in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, _target(source_root, a.name)) for a in node.names
                      if a.name.split(".")[0] == "cepledger"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "cepledger":
            found += [(node.lineno, _target(source_root, f"{node.module}.{a.name}")) for a in node.names]
    return [(line, t) for line, t in found if t]


def _allowed(package: str, target: str) -> bool:
    head = target.split(".")[0]
    if head == package:
        return True
    allowed = ALLOWED_IMPORTS.get(package, frozenset())
    return target in allowed or head in allowed


def _third_party(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name.split(".")[0] for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def _io_and_clock(package: str, rel: str, tree: ast.AST) -> list[Violation]:
    """File access and clock reads in a package that must get them passed in."""
    out = []
    for node in ast.walk(tree):
        for mod in _third_party(node):
            if package in NO_FILES and mod in FILE_MODULES:
                out.append(Violation(rel, node.lineno, mod, f"{package} reads no files: it may not import {mod}"))
            if package in NO_CLOCK and mod in CLOCK_MODULES:
                out.append(Violation(rel, node.lineno, mod, f"{package} reads no clock: it may not import {mod}"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if package in NO_FILES and isinstance(func, ast.Name) and func.id == "open":
            out.append(Violation(rel, node.lineno, "open()", f"{package} reads no files: open() is not allowed"))
        if isinstance(func, ast.Attribute):
            if package in NO_FILES and func.attr in FILE_METHODS:
                out.append(Violation(rel, node.lineno, f".{func.attr}()",
                                     f"{package} reads no files: .{func.attr}() is not allowed"))
            if package in NO_CLOCK and func.attr in CLOCK_METHODS:
                out.append(Violation(rel, node.lineno, f".{func.attr}()",
                                     f"{package} reads no clock: .{func.attr}() is not allowed (pass today in)"))
    return out


def violations(source_root: Path) -> list[Violation]:
    """Every import or call in ``source_root`` (a ``cepledger/`` folder) that breaks the tables above."""
    out = []
    for path in sorted(source_root.rglob("*.py")):
        rel_path = path.relative_to(source_root)
        rel = f"cepledger/{rel_path.as_posix()}"
        package = package_of(rel_path)
        if not package:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target in cepledger_imports(source_root, tree):
            if not _allowed(package, target):
                allowed = ", ".join(sorted(ALLOWED_IMPORTS.get(package, ()))) or "no other cepledger package"
                out.append(Violation(rel, line, target.split(".")[0],
                                     f"{package} may not import {target} (allowed: {allowed})"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                out.append(Violation(rel, node.lineno, "relative", "imports are absolute (from cepledger.x import y)"))
            for mod in _third_party(node):
                if mod in ONLY_IN and package not in ONLY_IN[mod]:
                    out.append(Violation(rel, node.lineno, mod,
                                         f"only {', '.join(sorted(ONLY_IN[mod]))} may import {mod}"))
        out += _io_and_clock(package, rel, tree)
    return out


def test_every_package_of_the_tree_is_in_the_table():
    source = ROOT / "cepledger"
    packages = {package_of(p.relative_to(source)) for p in source.rglob("*.py")} - {""}
    assert packages == set(ALLOWED_IMPORTS)


def test_imports_follow_the_data_flow():
    found = violations(ROOT / "cepledger")
    unexpected = [v for v in found if (v.path, v.target) not in KNOWN_EXCEPTIONS]
    assert unexpected == [], "\n".join(map(str, unexpected))
    stale = set(KNOWN_EXCEPTIONS) - {(v.path, v.target) for v in found}
    assert stale == set(), f"fixed, so remove from KNOWN_EXCEPTIONS: {sorted(stale)}"


# ------------------------------------------------------------------ the checker itself


def fake_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A ``cepledger/`` folder with the usual packages and the given files."""
    root = tmp_path / "cepledger"
    for package in ("model", "rules", "calc", "render", "ledger", "cli"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "ledger" / "files.py").write_text("")
    (root / "ledger" / "write.py").write_text("")
    (root / "model" / "records.py").write_text("")
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


@pytest.mark.parametrize("rel,text,message", [
    ("calc/x.py", "from cepledger.ledger import files\n", "calc may not import ledger.files (allowed: model, rules)"),
    ("calc/x.py", "def f():\n    import cepledger.render.words\n", "calc may not import render (allowed: model, rules)"),
    ("render/x.py", "from cepledger.ledger.evidence import verify_member\n", "render may not import ledger (allowed: calc, model, rules)"),
    ("model/x.py", "from cepledger.rules.model import Program\n", "model may not import rules (allowed: no other cepledger package)"),
    ("rules/x.py", "from cepledger.ledger import write\n", "rules may not import ledger.write (allowed: ledger.files, ledger.parse, model)"),
    ("ledger/x.py", "from cepledger.render.json_csv import num\n", "ledger may not import render (allowed: model)"),
    ("render/x.py", "import typer\n", "only cli may import typer"),
    ("calc/x.py", "from click import echo\n", "only cli may import click"),
    ("render/x.py", "def f(p):\n    return open(p).read()\n", "render reads no files: open() is not allowed"),
    ("render/x.py", "def f(p):\n    return p.read_text()\n", "render reads no files: .read_text() is not allowed"),
    ("render/x.py", "import os\n", "render reads no files: it may not import os"),
    ("calc/x.py", "from pathlib import Path\n", "calc reads no files: it may not import pathlib"),
    ("calc/x.py", "from datetime import date\nx = date.today()\n", "calc reads no clock: .today() is not allowed (pass today in)"),
    ("render/x.py", "import time\n", "render reads no clock: it may not import time"),
    ("calc/x.py", "from . import caps\n", "imports are absolute (from cepledger.x import y)"),
])
def test_the_checker_finds_a_bad_import(tmp_path, rel, text, message):
    found = violations(fake_tree(tmp_path, {rel: text}))
    last_line = len(text.rstrip("\n").split("\n"))  # each fake file breaks the rule on its last line
    assert [str(v) for v in found] == [f"cepledger/{rel}:{last_line}: {message}"]


def test_the_checker_allows_what_the_table_allows(tmp_path):
    files = {
        "rules/x.py": "from cepledger.ledger.files import read_regular_file\nfrom cepledger.model import records\n",
        "calc/x.py": "from cepledger.rules.model import Program\nfrom cepledger.calc import caps\n",
        "render/x.py": "from cepledger.calc.report import Report\nfrom cepledger import __version__\n",
        "cli/x.py": "import typer\nfrom cepledger.ledger import write\nimport os\n",
        "ledger/x.py": "import os\nfrom cepledger.model.records import Entry\n",
    }
    assert violations(fake_tree(tmp_path, files)) == []
