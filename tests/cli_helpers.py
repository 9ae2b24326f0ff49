"""Shared by the CLI tests: inline ledgers in a real temp folder and a runner that pins today."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from cepledger.cli.app import app

TODAY = "2026-03-15"

# 2025-26 for cass-cep: conference 12 → 10 (cap 10 per conference), webinar 4 → 3 (cap 3
# per webinar), course 10, report 2.5, reading 2 → 27.5 of 30 (short 2.5); one course of 5.
JDOE = """\
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"

[programs.cass-cep]
since = 2021-09-01

[[entries]]
id = "a00001"
date = 2025-10-03
activity = "cass-conference"
hours = 12
title = "Fall Conference 2025"
item = "fall-conference-2025"

[[entries]]
id = "a00002"
date = 2025-11-12
activity = "live-webinar"
hours = 4
item = "webinar-1"

[[entries]]
id = "a00003"
date = 2025-11-20
activity = "cep-course"
course = 4

[[entries]]
id = "a00004"
date = 2026-01-10
activity = "research-report"
hours = 2.5
item = "report-1"

[[entries]]
date = 2026-02-01
activity = "unverifiable-self-directed"
hours = 2
title = "Reading"

[[entries]]
id = "a00006"
date = 2026-02-02
activity = "live-webinar"
hours = 1
item = "webinar-2"
void = "logged twice"
"""

# Program year 1 of casc-butte is 2025-26 (enrolled 2025-09-03).
MLEE = """\
schema = 1

[member]
id = "mlee"
name = "Min Lee"

[programs.casc-butte]
since = 2025-09-03
employed_since = 2025-07-01

[[entries]]
id = "b00001"
date = 2025-09-05
activity = "orientation"

[[entries]]
id = "b00002"
date = 2025-09-10
activity = "coaching"
hours = 0.1

[[entries]]
id = "b00003"
date = 2025-09-17
activity = "coaching"
hours = 0.2

[[entries]]
id = "b00004"
date = 2025-10-01
activity = "iip"
cpsel = [1, "2A"]

[[entries]]
id = "b00005"
date = 2025-11-20
activity = "professional-learning"
hours = 3.5
cpsel = ["2A", 5]
"""

# Everything met in 2025-26 (annual-credits 30, five courses within the window).
DONE = """\
schema = 1

[member]
id = "done"
name = "Dee One"

[programs.cass-cep]
since = 2025-09-01

[[entries]]
date = 2025-10-01
activity = "cep-course"
course = 1

[[entries]]
date = 2025-10-02
activity = "cep-course"
course = 2

[[entries]]
date = 2025-10-03
activity = "cep-course"
course = 3

[[entries]]
date = 2025-10-04
activity = "cep-course"
course = 4

[[entries]]
date = 2025-10-05
activity = "cep-course"
course = 5
"""


def make_ledgers(tmp_path: Path, **members: str) -> Path:
    """``<tmp>/ledgers`` holding ``<id>.toml`` for each keyword (default: jdoe and mlee)."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    for member_id, text in (members or {"jdoe": JDOE, "mlee": MLEE}).items():
        (folder / f"{member_id}.toml").write_text(text, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (lock files aside) by relative path → SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cepledger" not in p.parts
    }


def cep(ledgers: Path | None, *args: str, today: str = TODAY, env: dict | None = None):
    """Run ``cep [--ledgers DIR] args`` in-process; stdout and stderr kept apart."""
    full_env = {"CEPLEDGER_TODAY": today, "CEPLEDGER_DIR": None, "NO_COLOR": None, "COLUMNS": "100"}
    full_env.update(env or {})
    argv = (["--ledgers", str(ledgers)] if ledgers is not None else []) + list(args)
    return CliRunner().invoke(app, argv, env=full_env, catch_exceptions=False)
