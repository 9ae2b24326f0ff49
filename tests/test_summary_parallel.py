"""``summary`` over many ledgers in several processes: the same bytes as one process.

``CEPLEDGER_JOBS`` sets the number of processes (``cli/run/reports.summary_jobs``); from
``PARALLEL_FROM`` ledgers the default is one per CPU. Each worker renders its ledgers in
order, with their warnings and problems, so nothing may differ but the time taken.
"""

from __future__ import annotations

import pytest

from cli_helpers import JDOE, MLEE, cep, make_ledgers

from cepledger.cli.run.reports import PARALLEL_FROM, summary_jobs
from cepledger.model.errors import UsageError

WARNED = JDOE.replace('[member]\nid = "jdoe"', '[member]\nid = "wary"') + '\n[[entries]]\ndate = 2025-10-01\nactivity = "live-webinar"\nhours = 1\nsurprise = 1\n'


@pytest.fixture
def folder(tmp_path):
    ledgers = {f"m{i:02d}": (JDOE if i % 2 else MLEE).replace('id = "jdoe"', f'id = "m{i:02d}"')
               .replace('id = "mlee"', f'id = "m{i:02d}"') for i in range(9)}
    ledgers["wary"] = WARNED
    folder = make_ledgers(tmp_path, **ledgers)
    (folder / "broken.toml").write_text("schema = 1\n[member\n")
    return folder


@pytest.mark.parametrize("fmt", ["json", "csv", "ndjson", "table", "md"])
def test_several_processes_print_what_one_prints(folder, fmt) -> None:
    one = cep(folder, "summary", "--year", "2025", "--format", fmt, env={"CEPLEDGER_JOBS": "1"})
    three = cep(folder, "summary", "--year", "2025", "--format", fmt, env={"CEPLEDGER_JOBS": "3"})
    assert one.exit_code == 3 and "broken.toml:2" in one.stderr and "unknown key(s) surprise" in one.stderr
    assert (three.exit_code, three.stdout, three.stderr) == (one.exit_code, one.stdout, one.stderr)
    assert "m08" in one.stdout and "wary" in one.stdout


def test_how_many_processes() -> None:
    assert summary_jobs(PARALLEL_FROM - 1, {}) == 1
    assert 1 <= summary_jobs(PARALLEL_FROM, {}) <= 4
    assert summary_jobs(3, {"CEPLEDGER_JOBS": "2"}) == 2
    for bad in ("0", "two", "-1"):
        with pytest.raises(UsageError, match="bad CEPLEDGER_JOBS"):
            summary_jobs(100, {"CEPLEDGER_JOBS": bad})
