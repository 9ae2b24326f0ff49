"""A SIGKILL, and ENOSPC / EIO / EACCES, at every state-changing system call of every
writing command (tests/crash/harness.py; docs/testing.md).

``make test`` runs a sample of the points (the ledger's replace, the call before it and
a few chosen at random with a seed printed on failure); ``make crash-test`` sets
``CEP_CRASH_FULL=1`` and runs every point. ``CEP_CRASH_RECORD=FILE`` writes the outcome
of every point as JSON (the figures in docs/testing.md come from it).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "crash"))
import harness  # noqa: E402

FULL = os.environ.get("CEP_CRASH_FULL") == "1"
SEED = os.environ.get("CEP_CRASH_SEED") or time.strftime("%Y-%m-%d")
KILLS_SAMPLED = 3  # per command in `make test`
FAILURES_SAMPLED = 1  # per command and error in `make test`

if harness.strace_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("strace is missing: .ci/run installs it (apt-get install -y strace)")
    pytest.skip("strace is not installed (apt-get install -y strace)", allow_module_level=True)

AVAILABLE = [c for c in harness.COMMANDS if harness.command_available(c)]
RECORD: list[dict] = []


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    made: dict[str, harness.Sweep] = {}

    def get(cmd: harness.Command) -> harness.Sweep:
        if cmd.name not in made:
            root = tmp_path_factory.mktemp("crash-" + cmd.name.replace(" ", "-").replace("(", "").replace(")", ""))
            made[cmd.name] = harness.prepare(root, cmd)
        return made[cmd.name]

    yield get
    record = os.environ.get("CEP_CRASH_RECORD")
    if record:
        points = {name: [p.label for p in s.points] for name, s in made.items()}
        Path(record).write_text(json.dumps({"seed": SEED, "full": FULL, "points": points, "outcomes": RECORD},
                                           indent=1), encoding="utf-8")


def _ids(cmds):
    return [c.name for c in cmds]


@pytest.mark.parametrize("cmd", AVAILABLE, ids=_ids(AVAILABLE))
def test_a_kill_at_each_state_changing_call(sweeps, cmd: harness.Command) -> None:
    sweep = sweeps(cmd)
    assert any(p.commit for p in sweep.points) or cmd.cache_only
    points = sweep.points if FULL else harness.sample(sweep.points, KILLS_SAMPLED, SEED + cmd.name)
    for point in points:
        out = harness.check_kill(sweep, point, harness.fresh_case(sweep.start))
        RECORD.append(vars(out))
    states = {o["state"] for o in RECORD if o["command"] == cmd.name and o["action"] == "KILL"}
    assert states <= {"old", "new"}, f"seed {SEED}"


@pytest.mark.parametrize("errname", harness.ERRORS)
@pytest.mark.parametrize("cmd", AVAILABLE, ids=_ids(AVAILABLE))
def test_a_failure_at_each_state_changing_call(sweeps, cmd: harness.Command, errname: str) -> None:
    sweep = sweeps(cmd)
    candidates = harness.error_points(sweep.points)
    points = candidates if FULL else harness.sample(candidates, FAILURES_SAMPLED, SEED + cmd.name + errname)
    for point in points:
        out = harness.check_failure(sweep, point, errname, harness.fresh_case(sweep.start))
        RECORD.append(vars(out))


def test_the_command_list_is_complete() -> None:
    """Every writing command of the CLI is in the sweep (amend and undo once they exist)."""
    names = {c.name for c in harness.COMMANDS}
    assert {"add", "void", "import", "member add", "member enrol", "amend", "undo"} <= names
    for cmd in harness.COMMANDS:
        if cmd.needs is None:
            assert harness.command_available(cmd)
