"""Shared fixtures for the store tests: real temp folders, exact bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# A small hand-written ledger, the shape SPEC.md shows.
SAMPLE = """\
schema = 1

[member]
id = "jdoe"            # equals the file name
name = "Jane Doe"

[programs.cass-cep]
since = 2021-09-01     # regulated member since

[[entries]]
id = "7f3a2c"
date = 2025-10-03
activity = "cass-conference"
hours = 12
title = "Fall Conference 2025"
"""


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The report cache of every command a test runs (in process or not) goes to a fresh
    temp folder, never the user's own cache directory."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The undo journal of every command a test runs goes to a fresh temp folder, never
    the user's own state directory."""
    folder = tmp_path_factory.mktemp("xdg-state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.fixture
def ledgers(tmp_path: Path) -> Path:
    """An empty ledgers folder."""
    d = tmp_path / "ledgers"
    d.mkdir()
    return d


@pytest.fixture
def write_ledger(ledgers: Path):
    """Write ``<ledgers>/<member>.toml`` from text (LF as given) or bytes; return its path."""

    def _write(content: str | bytes = SAMPLE, member: str = "jdoe") -> Path:
        p = ledgers / f"{member}.toml"
        p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return p

    return _write


def run_python(code: str, *, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with the repo importable."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("CEPLEDGER_FAULT", None)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def py():
    """``run_python`` as a fixture."""
    return run_python
