"""SPEC.md: `status` agrees with `check`. For generated hand-written ledgers, `check` finds
an error exactly when `status` exits 3, and then `status` prints exactly check's errors
(`path:line: message`); otherwise it prints exactly check's warnings on stderr."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import cep

HEAD = """\
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"

[programs.{program}]
since = 2024-09-03
"""

ACTIVITIES = {  # per program: activities it defines, and one it does not
    "cass-cep": ["live-webinar", "cass-conference", "research-report", "unverifiable-self-directed", "coaching"],
    "casc-butte": ["coaching", "professional-learning", "cpsel-rating", "orientation", "live-webinar"],
}
DATES = ["2024-09-10", "2025-10-03", "2026-03-15", "2026-03-16", "2027-01-01", "2023-01-01"]  # today: 2026-03-15
HOURS = [None, "1", "2.5", "1.55", "1.555", "0", "-1", "1001", '"3"']
RATINGS = [None, '{ 1 = "meets" }', '{ 1A = "meets" }', '{ 2 = "great" }']
EXTRAS = [None, 'colour = "red"', 'void = "logged twice"', 'item = "w1"', 'evidence = "cert.pdf"', 'cpsel = ["2A"]']


@st.composite
def entries(draw, program: str) -> str:
    lines = ["", "[[entries]]", f"date = {draw(st.sampled_from(DATES))}",
             f'activity = "{draw(st.sampled_from(ACTIVITIES[program]))}"']
    hours = draw(st.sampled_from(HOURS))
    if hours is not None:
        lines.append(f"hours = {hours}")
    ratings = draw(st.sampled_from(RATINGS))
    if ratings is not None:
        lines.append(f"ratings = {ratings}")
    lines.extend(x for x in draw(st.lists(st.sampled_from(EXTRAS), max_size=2, unique=True)) if x)
    return "\n".join(lines) + "\n"


@st.composite
def ledgers(draw) -> str:
    program = draw(st.sampled_from(sorted(ACTIVITIES)))
    text = HEAD.format(program=program) + "".join(draw(st.lists(entries(program), max_size=5)))
    if draw(st.booleans()) and draw(st.booleans()):
        text += '\n[[entires]]\ndate = 2025-10-03\nactivity = "live-webinar"\nhours = 1\n'
    return text


def lines_of(problems: list[dict], severity: str) -> Counter:
    tag = "warning: " if severity == "warning" else ""
    return Counter(f"{p['path']}:{p['line']}: {tag}{p['message']}" for p in problems if p["severity"] == severity)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ledgers())
def test_status_exits_3_exactly_when_check_finds_an_error_with_the_same_messages(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "ledgers"
        folder.mkdir()
        path = folder / "jdoe.toml"
        path.write_text(text, encoding="utf-8")
        before = path.read_bytes()
        checked = cep(folder, "check", "--format", "json")
        problems = json.loads(checked.stdout)
        status = cep(folder, "status", "jdoe", "--format", "json")
        errors = lines_of(problems, "error")
        assert (checked.exit_code == 3) == bool(errors)
        assert (status.exit_code == 3) == bool(errors), (text, status.stderr)
        if errors:
            assert status.stdout == ""
            assert Counter(status.stderr.splitlines()) == errors
        else:
            assert status.exit_code == 0, status.stderr
            json.loads(status.stdout)
            assert Counter(status.stderr.splitlines()) == lines_of(problems, "warning")
        assert path.read_bytes() == before
