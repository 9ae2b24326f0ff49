"""``summary`` spread over two processes (cepledger/spread.py) gives exactly the plain loop's output."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cepledger import spread
from cepledger.cli.app import app

REPO = Path(__file__).resolve().parent.parent


def test_map_spread_keeps_order_and_values(monkeypatch) -> None:
    items = list(range(200))
    assert spread.worth_it(len(items)) == ((os.cpu_count() or 1) > 1 and hasattr(os, "fork"))
    assert spread.map_spread(lambda x: (x, str(x) * 2), items) == [(x, str(x) * 2) for x in items]
    assert spread.map_spread(lambda x: x, []) == []
    assert spread.map_spread(lambda x: x + 1, [1, 2]) == [2, 3]


def test_map_spread_raises_what_the_plain_loop_raises() -> None:
    def fn(x: int) -> int:
        if x in (150, 170):
            raise ValueError(f"bad {x}")
        return x

    with pytest.raises(ValueError, match="bad 150"):
        spread.map_spread(fn, list(range(200)))

    def early(x: int) -> int:
        if x in (10, 150):
            raise KeyError(x)
        return x

    with pytest.raises(KeyError, match="10"):
        spread.map_spread(early, list(range(200)))


def test_unpicklable_results_fall_back_to_the_parent() -> None:
    out = spread.map_spread(lambda x: (lambda: x), list(range(100)))
    assert [f() for f in out] == list(range(100))


@pytest.fixture
def many(tmp_path: Path) -> Path:
    d = tmp_path / "ledgers"
    d.mkdir()
    sources = sorted((REPO / "ledgers").glob("*.toml"))
    for n in range(spread.MIN_ITEMS + 6):
        src = sources[n % len(sources)]
        new_id = f"m{n:03d}-{src.stem}"
        text = src.read_text().replace(f'id = "{src.stem}"', f'id = "{new_id}"', 1)
        (d / f"{new_id}.toml").write_text(text)
    (d / "zzz-broken.toml").write_text("schema = 1\n[member\n")
    return d


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_spread_summary_is_identical_to_the_plain_loop(many: Path, fmt: str, monkeypatch) -> None:
    monkeypatch.setenv("CEPLEDGER_TODAY", "2026-03-15")
    monkeypatch.setenv("CEPLEDGER_NO_CACHE", "1")
    argv = ["--ledgers", str(many), "summary", "--format", fmt, "--year", "2025", "--check"]
    spread_run = CliRunner().invoke(app, argv)
    monkeypatch.setenv("CEPLEDGER_NO_SPREAD", "1")
    plain = CliRunner().invoke(app, argv)
    assert plain.exit_code == 3 and "zzz-broken.toml" in plain.stderr
    assert (spread_run.exit_code, spread_run.stdout, spread_run.stderr) == (plain.exit_code, plain.stdout, plain.stderr)
    assert plain.stdout.count("m0") > spread.MIN_ITEMS
