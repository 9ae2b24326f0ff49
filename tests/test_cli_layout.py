"""The shape of cepledger/cli: small modules, short functions, Typer only where it belongs,
and each command importing only what it uses (help and completion stay light)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import JDOE, MLEE, make_ledgers

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "cepledger"
CLI = PACKAGE / "cli"
# What runs without Typer: the work of every command, and the script-output path.
TYPER_FREE = [*sorted((CLI / "run").glob("*.py")), *(CLI / f"{name}.py" for name in (
    "env", "options", "script_output", "report_cache", "complete", "suggest", "exit_codes"))]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module]
    return []


@pytest.mark.parametrize("path", sorted(CLI.rglob("*.py")), ids=lambda p: str(p.relative_to(CLI)))
def test_modules_are_small_and_functions_short(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{path.name}: {node.name}"


def test_only_the_cli_imports_typer() -> None:
    for path in PACKAGE.rglob("*.py"):
        if CLI in path.parents:
            continue
        for node in ast.walk(_tree(path)):
            assert not any(m.split(".")[0] in ("typer", "click") for m in _imported(node)), path


@pytest.mark.parametrize("path", TYPER_FREE, ids=lambda p: str(p.relative_to(CLI)))
def test_the_work_and_the_script_path_never_import_typer_when_loaded(path: Path) -> None:
    top_level = [m for node in _tree(path).body for m in _imported(node)]
    assert not any(m.split(".")[0] in ("typer", "click") for m in top_level)
    assert not any(m.startswith(("cepledger.cli.app", "cepledger.cli.typer_params")) for m in top_level)


HEAVY = ("rich", "cepledger.calc", "cepledger.ledger.load", "cepledger.rules.load", "cepledger.render.tables")
_SHOW_MODULES = ("import atexit, sys\n"
                 "atexit.register(lambda: sys.stderr.write('LOADED ' + ' '.join(sorted(m for m in sys.modules "
                 f"if m.startswith({HEAVY!r})))))\n"
                 "from cepledger.__main__ import main\nsys.argv[0] = 'cep'\nmain()\n")


def _loaded(args: list[str], **env: str) -> tuple[str, list[str]]:
    """What ``cep args`` printed, and which heavy modules it had imported."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    full.update(PYTHONPATH=str(REPO), **env)
    r = subprocess.run([sys.executable, "-c", _SHOW_MODULES, *args], capture_output=True, text=True, env=full)
    assert "LOADED" in r.stderr, r.stderr
    return r.stdout, r.stderr.split("LOADED", 1)[1].split()


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["member", "add", "--help"], ["--version"]])
def test_help_imports_no_rich_calculator_or_reader(args: list[str]) -> None:
    out, loaded = _loaded(args)
    assert out and loaded == []


def test_completion_imports_no_rich_calculator_or_reader(tmp_path: Path) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)
    out, loaded = _loaded([], _CEP_COMPLETE="complete_bash", COMP_WORDS="cep sta", COMP_CWORD="1")
    assert "status" in out and loaded == []
    out, loaded = _loaded([], _CEP_COMPLETE="complete_bash", COMP_WORDS=f"cep --ledgers {ledgers} status j",
                          COMP_CWORD="4")
    assert "jdoe" in out and loaded == []
