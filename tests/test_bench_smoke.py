"""The benchmark's data generator and pure helpers (bench/bench.py).

No timing here: the benchmark is its own command (`make bench`). These tests only make
sure it measures what it claims to: the generated ledgers are valid cepledger data of
the requested size, the journals hold the same amounts, and the statistics are right.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.check import member_problems
from cepledger.rules.load import load_registry
from cepledger.ledger.load import load_member

REPO = Path(__file__).resolve().parent.parent


def _load_bench():
    spec = importlib.util.spec_from_file_location("cep_bench", REPO / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cep_bench"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
def registry():
    return load_registry()


# ----------------------------------------------------------------- pure helpers


@pytest.mark.parametrize("values, expected", [
    ([5.0], 5.0),
    ([3.0, 1.0, 2.0], 2.0),
    ([4.0, 1.0, 3.0, 2.0], 2.5),
    ([0.2, 0.1, 0.1], 0.1),
])
def test_median(values, expected):
    assert bench.median(values) == pytest.approx(expected)


def test_median_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        bench.median([])


@pytest.mark.parametrize("a, b, expected", [
    (0.5, 1.0, "0.50×"), (1.0, 0.5, "2.00×"), (0.4567, 1.0, "0.46×"),
    (1.0, None, "—"), (None, 1.0, "—"), (1.0, 0.0, "—"),
])
def test_ratio_and_its_format(a, b, expected):
    assert bench.fmt_ratio(bench.ratio(a, b)) == expected


@pytest.mark.parametrize("seconds, text", [
    (0.0084, "8.4 ms"), (0.412, "412 ms"), (2.349, "2.35 s"), (None, "—"),
])
def test_fmt_seconds(seconds, text):
    assert bench.fmt_seconds(seconds) == text


def test_fmt_kb_and_judge():
    assert bench.fmt_kb(225 * 1024) == "225 MB"
    assert bench.fmt_kb(None) == "—"
    assert bench.judge(0.35, 0.35) == "PASS"
    assert bench.judge(0.36, 0.35) == "FAIL"
    assert bench.judge(None, 1.0) == "n/a"


def test_rows_judge_ratios_and_absolute_targets():
    assert bench.Row("x", 0.2, "hledger", 0.5, 0.5).result == "PASS"
    assert bench.Row("x", 0.3, "hledger", 0.5, 0.5).result == "FAIL"
    assert bench.Row("x", 0.3, "hledger", None, 0.5).result == "n/a"  # hledger absent
    assert bench.Row("x", 2.9, "", None, 3.0).result == "PASS"
    assert bench.Row("x", None, "hledger", 0.5, 0.5, error=True).result == "ERROR"
    assert bench.Row("x", 0.3, "ledger", 0.5, None).result == ""  # informational
    assert bench.Row("x", 0.3, "hledger", 0.5, 1.0).target == "≤ 1.0× hledger"
    assert bench.Row("x", 0.3, "hledger", 0.5, 0.35).target == "≤ 0.35× hledger"
    assert bench.Row("x", 0.3, "", None, 3.0).target == "≤ 3.0 s"


def test_toml_str_escapes():
    assert bench.toml_str('say "hi" \\ now\n') == '"say \\"hi\\" \\\\ now\\u000a"'


# ----------------------------------------------------------------- generator


def test_generation_is_deterministic():
    assert bench.cass_entries(50, seed=3) == bench.cass_entries(50, seed=3)
    assert bench.cass_entries(50, seed=3) != bench.cass_entries(50, seed=4)


def test_single_member_ledger_is_valid_and_of_the_requested_size(tmp_path, registry):
    meta = bench.write_single_member(tmp_path, 1000)
    member = load_member(Path(meta["ledgers"]) / "bench-member.toml")
    assert len(member.entries) == meta["entries"] == 1000
    assert [e.program for e in member.enrolments] == ["cass-cep"]
    assert member_problems(member, registry) == []  # no errors and no warnings either

    dates = [e.date for e in member.entries]
    assert min(dates) >= date(2015, 9, 1) and max(dates) <= date(2026, 8, 31)
    assert {d.year for d in dates} == set(range(2015, 2027))
    activities = {e.activity for e in member.entries}
    assert {"live-webinar", "cass-conference", "conference-presenter", "mentee", "cep-course",
            "unverifiable-self-directed"} <= activities
    assert any(e.hours is not None and e.hours != e.hours.to_integral_value() for e in member.entries)
    assert all(e.course is not None for e in member.entries if e.activity == "cep-course")
    assert all(e.item for e in member.entries if e.activity == "live-webinar")
    assert len({e.id for e in member.entries}) == 1000

    # The generator's expected totals are what the ledger holds for 2025-26.
    totals: dict[str, Decimal] = {}
    for e in member.entries:
        if date(2025, 9, 1) <= e.date <= date(2026, 8, 31):
            amount = Decimal(10) if e.activity == "cep-course" else e.hours
            totals[e.activity] = totals.get(e.activity, Decimal(0)) + amount
    assert {k: Decimal(v) for k, v in meta["expected_claimed"].items()} == totals


def _journal_totals(text: str) -> tuple[int, dict[str, Decimal]]:
    """Transactions in a generated journal, and the 2025-26 amount per cep: account."""
    count = 0
    totals: dict[str, Decimal] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^(\d{4}-\d{2}-\d{2}) \S", line)
        if m:
            count += 1
            current = date.fromisoformat(m.group(1))
            continue
        m = re.match(r"^    cep:([a-z0-9-]+)  (\S+)$", line)
        if m and date(2025, 9, 1) <= current <= date(2026, 8, 31):
            totals[m.group(1)] = totals.get(m.group(1), Decimal(0)) + Decimal(m.group(2))
    return count, totals


def test_journal_holds_the_same_amounts(tmp_path):
    meta = bench.write_single_member(tmp_path, 1000)
    count, totals = _journal_totals(Path(meta["journal"]).read_text(encoding="utf-8"))
    assert count == 1000
    assert totals == {k: Decimal(v) for k, v in meta["expected_claimed"].items()}


@pytest.mark.skipif(shutil.which("hledger") is None, reason="hledger is not installed")
def test_hledger_reads_the_journal_with_the_same_totals(tmp_path):
    meta = bench.write_single_member(tmp_path, 300)
    out = subprocess.run(["hledger", "-f", meta["journal"], "bal", *bench.PERIOD_ARGS],
                         capture_output=True, timeout=60, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                                                               "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    assert bench.compare_totals(expected, bench.hledger_claimed(out.stdout)) == []


@pytest.mark.skipif(shutil.which("ledger") is None, reason="ledger is not installed")
def test_ledger_reads_the_journal(tmp_path):
    meta = bench.write_single_member(tmp_path, 300)
    out = subprocess.run(["ledger", "-f", meta["journal"], "bal", "--flat", *bench.PERIOD_ARGS],
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    assert bench.compare_totals(expected, bench.hledger_claimed(out.stdout)) == []


def test_many_members_folder_is_valid(tmp_path, registry):
    meta = bench.write_many_members(tmp_path, 10, 200)
    files = sorted(Path(meta["ledgers"]).glob("*.toml"))
    assert len(files) == meta["members"] == 10
    programs = set()
    for path in files:
        member = load_member(path)
        assert len(member.entries) == 200, path
        assert member_problems(member, registry) == [], path
        programs.update(e.program for e in member.enrolments)
    assert {"cass-cep", "casc-butte", "casc-monterey"} <= programs
    assert meta["entries"] == 2000


def test_casc_member_covers_its_milestones(registry):
    entries = bench.casc_entries(200, "casc-rossier", date(2024, 9, 10))
    assert len(entries) == 200
    kinds = {e["activity"] for e in entries}
    assert {"coaching", "workshop", "professional-learning", "iip", "orientation",
            "portfolio-presentation", "employment-verification", "cpsel-rating"} <= kinds
    assert all(date(2024, 9, 10) <= e["date"] <= date(2026, 8, 31) for e in entries)


def test_dataset_cache_is_reused_until_the_parameters_change(tmp_path):
    params = {"group": "status", "kind": "single", "n": 20}
    first = bench.ensure_dataset(tmp_path, "s", params)
    path = Path(first["ledgers"]) / "bench-member.toml"
    stamp = path.stat().st_mtime_ns
    again = bench.ensure_dataset(tmp_path, "s", params)
    assert again["key"] == first["key"] and path.stat().st_mtime_ns == stamp
    bigger = bench.ensure_dataset(tmp_path, "s", {**params, "n": 30})
    assert bigger["entries"] == 30
    assert len(load_member(path).entries) == 30
