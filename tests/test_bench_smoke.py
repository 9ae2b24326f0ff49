"""The benchmark's data generator, output checks and statistics (bench/).

No timing here: the benchmark is its own command (``make bench``). These tests make
sure it measures what it claims to: the generated ledgers are valid cepledger data of
the requested size, the journals hold the same amounts, a "cold" run really meets new
content and no cache, the output checks accept cepledger's real output and refuse a
wrong one, and the statistics are right.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.check import member_problems
from cepledger.ledger.load import load_member
from cepledger.rules.load import load_registry

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))  # the benchmark's modules import each other by name

import bench_cases  # noqa: E402
import bench_checks  # noqa: E402
import bench_data  # noqa: E402
import bench_measure  # noqa: E402
import bench_report  # noqa: E402

CEP_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "CEPLEDGER_TODAY": "2026-09-30", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def cep(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**CEP_ENV, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "cepledger", *args], capture_output=True, env=env, timeout=60)


# ----------------------------------------------------------------- statistics and formatting


@pytest.mark.parametrize("values, expected", [
    ([5.0], 5.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5), ([0.2, 0.1, 0.1], 0.1),
])
def test_median(values, expected):
    assert bench_measure.median(values) == pytest.approx(expected)


def test_median_and_quartiles_of_nothing_are_errors():
    with pytest.raises(ValueError):
        bench_measure.median([])
    with pytest.raises(ValueError):
        bench_measure.quartiles([])


@pytest.mark.parametrize("values, q1, q3", [
    ([1.0, 2.0, 3.0, 4.0, 5.0], 2.0, 4.0), ([1.0, 2.0, 3.0, 4.0], 1.5, 3.5), ([7.0], 7.0, 7.0),
    ([9.0, 1.0, 5.0, 3.0, 7.0, 11.0, 13.0], 4.0, 10.0),
])
def test_quartiles_are_tukeys_hinges(values, q1, q3):
    assert bench_measure.quartiles(values) == (q1, q3)


def test_spread_of_samples():
    s = bench_measure.Spread.of([0.3, 0.1, 0.2, 0.5, 0.4])
    assert (s.median, s.low, s.high, s.q1, s.q3, s.n) == (0.3, 0.1, 0.5, 0.2, 0.4, 5)
    assert bench_measure.Spread.of([]) is None


def test_paired_ratios_use_the_rounds_both_sides_ran():
    assert bench_measure.paired_ratios({0: 2.0, 1: 3.0, 2: 4.0}, {0: 1.0, 2: 2.0}) == [2.0, 2.0]
    assert bench_measure.paired_ratios({0: 1.0}, {0: 0.0}) == []


@pytest.mark.parametrize("a, b, expected", [
    (0.5, 1.0, "0.50×"), (1.0, 0.5, "2.00×"), (0.4567, 1.0, "0.46×"),
    (1.0, None, "—"), (None, 1.0, "—"), (1.0, 0.0, "—"),
])
def test_ratio_and_its_format(a, b, expected):
    assert bench_report.fmt_ratio(bench_report.ratio(a, b)) == expected


@pytest.mark.parametrize("seconds, text", [(0.0084, "8.4 ms"), (0.412, "412 ms"), (2.349, "2.35 s"), (None, "—")])
def test_fmt_seconds(seconds, text):
    assert bench_report.fmt_seconds(seconds) == text


def test_fmt_spread_shares_the_unit_of_its_range():
    assert bench_report.fmt_spread(bench_measure.Spread.of([0.412, 0.398, 0.455])) == "412 ms (398–455)"
    assert bench_report.fmt_spread(bench_measure.Spread.of([0.9, 1.2, 1.0])) == "1.00 s (900 ms–1.20 s)"
    assert bench_report.fmt_spread(bench_measure.Spread.of([0.5])) == "500 ms"
    assert bench_report.fmt_spread(bench_measure.Spread.of([225 * 1024, 230 * 1024]), "kb") == "228 MB (225–230)"
    assert bench_report.fmt_spread(None) == "—"


def test_fmt_kb_and_judge():
    assert bench_report.fmt_kb(225 * 1024) == "225 MB"
    assert bench_report.fmt_kb(None) == "—"
    assert bench_report.judge(0.35, 0.35) == "PASS"
    assert bench_report.judge(0.36, 0.35) == "FAIL"
    assert bench_report.judge(None, 1.0) == "n/a"


def _row(a: list[float], b: list[float] | None, limit: float | None, **kw) -> bench_report.Row:
    spread = bench_measure.Spread.of
    ratios = bench_measure.paired_ratios(dict(enumerate(a)), dict(enumerate(b))) if b else []
    return bench_report.Row("case", "after", spread(a), "hledger" if b else "", spread(b) if b else None,
                            limit, ratios, **kw)


def test_rows_are_judged_on_the_ratio_of_medians_and_show_the_per_round_spread():
    row = _row([0.2, 0.3, 0.25], [1.0, 0.5, 0.8], 0.35)
    assert row.ratio == pytest.approx(0.25 / 0.8)
    assert (row.target, row.result) == ("≤ 0.35× hledger", "PASS")
    assert row.ratio_text() == "0.31× (0.20–0.60)"
    assert _row([0.3], [0.5], 0.5).result == "FAIL"
    assert _row([0.3], [0.5], 0.5).ratio_text() == "0.60×"
    assert _row([0.3], [0.5], 0.5, error=True).result == "ERROR"
    assert _row([0.3], [0.5], None).result == ""  # shown, not judged
    assert _row([0.3], None, None).cells()[3:] == ["", "", "", ""]
    missing = bench_report.Row("case", "after", None, "hledger", bench_measure.Spread.of([1.0]), 1.0)
    assert missing.result == "n/a"


def test_toml_str_escapes():
    assert bench_data.toml_str('say "hi" \\ now\n') == '"say \\"hi\\" \\\\ now\\u000a"'


# ----------------------------------------------------------------- running commands


def test_the_runner_alternates_and_records_a_sample_per_round():
    order = []
    a = bench_measure.Series("a", [shutil.which("true")])
    b = bench_measure.Series("b", [shutil.which("true")])
    failing = bench_measure.Series("c", [shutil.which("false")])
    units = [[bench_measure.Step(s, lambda s=s: order.append(s.name))] for s in (a, b, failing)]
    bench_measure.Runner(dict(os.environ)).alternate(units, rounds=3)
    # warm-up, then rounds 0-2, every other one reversed; a failed command is not run again
    assert "".join(order) == "abc" + "ab" + "ba" + "ab"
    assert sorted(a.samples) == sorted(b.samples) == [0, 1, 2] and a.ok
    assert all(s.maxrss_kb > 0 and s.wall > 0 for s in a.samples.values())
    assert failing.errors == ["exit 1: (no message)"] and not failing.ok and not failing.samples


def test_run_process_reports_the_exit_code_and_output():
    sample, out, err = bench_measure.run_process([sys.executable, "-c", "print('hi'); raise SystemExit(3)"],
                                                 dict(os.environ))
    assert (sample.rc, out) == (3, b"hi\n")


# ----------------------------------------------------------------- the generator


def test_generation_is_deterministic():
    assert bench_data.cass_entries(50, seed=3) == bench_data.cass_entries(50, seed=3)
    assert bench_data.cass_entries(50, seed=3) != bench_data.cass_entries(50, seed=4)


def test_single_member_ledger_is_valid_and_of_the_requested_size(tmp_path, registry):
    meta = bench_data.write_single_member(tmp_path, 1000)
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

    totals: dict[str, Decimal] = {}  # the generator's expected totals are what the ledger holds
    for e in member.entries:
        if date(2025, 9, 1) <= e.date <= date(2026, 8, 31):
            totals[e.activity] = totals.get(e.activity, Decimal(0)) + (Decimal(10) if e.activity == "cep-course"
                                                                      else e.hours)
    assert {k: Decimal(v) for k, v in meta["expected_claimed"].items()} == totals


def test_the_realistic_member_has_200_entries_over_five_years(tmp_path, registry):
    meta = bench_data.write_single_member(tmp_path, 200, since=bench_data.MEMBER_SINCE)
    member = load_member(Path(meta["ledgers"]) / "bench-member.toml")
    assert member_problems(member, registry) == []
    years = {e.date.year if e.date.month >= 9 else e.date.year - 1 for e in member.entries}
    assert years == {2021, 2022, 2023, 2024, 2025}
    assert 24_000 <= meta["bytes"] <= 32_000  # the "about 26 KB"


def _journal_totals(text: str, account: str = "cep") -> tuple[int, dict[str, Decimal]]:
    """Transactions in a generated journal, and the 2025-26 amount per activity."""
    count, totals, current = 0, {}, None
    for line in text.splitlines():
        m = re.match(r"^(\d{4}-\d{2}-\d{2}) \S", line)
        if m:
            count += 1
            current = date.fromisoformat(m.group(1))
            continue
        m = re.match(rf"^    {account}:([a-z0-9-]+)  (\S+)$", line)
        if m and date(2025, 9, 1) <= current <= date(2026, 8, 31):
            totals[m.group(1)] = totals.get(m.group(1), Decimal(0)) + Decimal(m.group(2))
    return count, totals


def test_journal_holds_the_same_amounts(tmp_path):
    meta = bench_data.write_single_member(tmp_path, 1000)
    count, totals = _journal_totals(Path(meta["journal"]).read_text(encoding="utf-8"))
    assert count == 1000
    assert totals == {k: Decimal(v) for k, v in meta["expected_claimed"].items()}


@pytest.mark.parametrize("tool, extra", [("hledger", []), ("ledger", ["--flat"])])
def test_hledger_and_ledger_read_the_journal_with_the_same_totals(tmp_path, tool, extra):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    meta = bench_data.write_single_member(tmp_path, 300)
    out = subprocess.run([tool, "-f", meta["journal"], "bal", *extra, *bench_data.PERIOD_ARGS],
                         capture_output=True, timeout=60, env={**CEP_ENV, "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    assert bench_checks.check_balance(expected)(out.stdout) is None
    assert bench_checks.check_balance({**expected, "mentee": Decimal("0.01")})(out.stdout) is not None


def test_organisation_folder_is_valid_and_its_journal_holds_every_entry(tmp_path, registry):
    meta = bench_data.write_organisation(tmp_path, 10, 150)
    files = sorted(Path(meta["ledgers"]).glob("*.toml"))
    assert len(files) == meta["members"] == 10
    programs = set()
    for path in files:
        member = load_member(path)
        assert len(member.entries) == 150, path
        assert member_problems(member, registry) == [], path
        programs.update(e.program for e in member.enrolments)
    assert {"cass-cep", "casc-butte", "casc-monterey"} <= programs
    assert meta["entries"] == 1500
    journal = Path(meta["journal"]).read_text(encoding="utf-8")
    assert len(re.findall(r"^\d{4}-\d{2}-\d{2} ", journal, re.M)) == 1500
    assert "    member-0004:coaching  " in journal  # one account per member and activity


def test_casc_member_covers_its_milestones():
    entries = bench_data.casc_entries(200, "casc-rossier", date(2024, 9, 10))
    assert len(entries) == 200
    kinds = {e["activity"] for e in entries}
    assert {"coaching", "workshop", "professional-learning", "iip", "orientation",
            "portfolio-presentation", "employment-verification", "cpsel-rating"} <= kinds
    assert all(date(2024, 9, 10) <= e["date"] <= date(2026, 8, 31) for e in entries)


def test_dataset_cache_is_reused_until_the_parameters_change(tmp_path):
    params = {"group": "member", "kind": "single", "n": 20}
    first = bench_data.ensure_dataset(tmp_path, "s", params)
    path = Path(first["ledgers"]) / "bench-member.toml"
    stamp = path.stat().st_mtime_ns
    again = bench_data.ensure_dataset(tmp_path, "s", params)
    assert again["key"] == first["key"] and path.stat().st_mtime_ns == stamp
    bigger = bench_data.ensure_dataset(tmp_path, "s", {**params, "n": 30})
    assert bigger["entries"] == 30
    assert len(load_member(path).entries) == 30


def test_a_cold_run_meets_new_content_and_no_cache(tmp_path):
    meta = bench_data.write_single_member(tmp_path, 20)
    ledgers = Path(meta["ledgers"])
    path = ledgers / "bench-member.toml"
    (ledgers / ".cepledger" / "cache").mkdir(parents=True)
    (tmp_path / "xdg" / "cepledger").mkdir(parents=True)
    old = path.read_bytes()
    ctx = bench_cases.Context(bench_measure.Runner({}), {}, [], None, None, sys.executable, tmp_path / "xdg",
                              lambda size: 1, lambda size: False)
    ctx.cold(ledgers, [path])()
    new = path.read_bytes()
    assert len(new) == len(old) and new != old and new.startswith(b"# bench revision 000001\n")
    assert new.split(b"\n", 1)[1] == old.split(b"\n", 1)[1]
    assert not (ledgers / ".cepledger").exists() and not (tmp_path / "xdg").exists()
    assert len(load_member(path).entries) == 20


# ----------------------------------------------------------------- output checks on real output


def test_the_status_check_accepts_cepledgers_output_and_refuses_other_totals(tmp_path):
    meta = bench_data.write_single_member(tmp_path, 200, since=bench_data.MEMBER_SINCE)
    done = cep("--ledgers", meta["ledgers"], "status", "bench-member", "--year", "2025", "--format", "json",
               cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    assert bench_checks.check_status_json("bench-member", expected)(done.stdout) is None
    wrong = {**expected, "live-webinar": expected["live-webinar"] + 1}
    assert "live-webinar" in bench_checks.check_status_json("bench-member", wrong)(done.stdout)
    assert bench_checks.check_status_json("someone-else")(done.stdout) is not None
    assert bench_checks.check_status_json("bench-member")(b"not json") is not None


def test_the_summary_check_counts_the_members(tmp_path):
    meta = bench_data.write_organisation(tmp_path, 10, 30)
    done = cep("--ledgers", meta["ledgers"], "summary", "--year", "2025", "--format", "json", cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    assert bench_checks.check_summary_json(10)(done.stdout) is None
    assert bench_checks.check_summary_json(11)(done.stdout) == "summary --format json named 10 members, not 11"


def test_the_add_check_wants_the_old_bytes_as_a_prefix(tmp_path):
    meta = bench_data.write_single_member(tmp_path, 10)
    path = Path(meta["ledgers"]) / "bench-member.toml"
    old = path.read_bytes()
    done = cep("--ledgers", meta["ledgers"], "add", "bench-member", "live-webinar", "1.5", "--date", "2025-10-03",
               cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert bench_checks.check_appended(path, lambda: old)(done.stdout) is None
    assert bench_checks.check_appended(path, lambda: old + b"x")(done.stdout) is not None


def _small_organisation(tmp_path):
    """(data set, context) of a 6-member organisation, measured once with this checkout's ``cep``."""
    meta = {**bench_data.write_organisation(tmp_path, 6, 20), "members": 6}
    code = bench_cases.Code("after", [str(REPO / ".venv" / "bin" / "cep")], sys.executable)
    env = {**CEP_ENV, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    ctx = bench_cases.Context(bench_measure.Runner(env), {"organisation": meta}, [code], None, None, sys.executable,
                              tmp_path / "xdg", lambda size: 1, lambda size: False)
    return meta, ctx


def test_the_report_all_case_writes_every_page_and_judges_the_5_s_target(tmp_path):
    meta, ctx = _small_organisation(tmp_path)
    bench_cases.case_report_all(ctx)
    (row,) = ctx.rows
    assert row.case == "organisation 500×150: `report --all -o DIR`, cold" and row.target == "≤ 1× 5 s"
    assert row.result == "PASS" and not row.error
    site = Path(meta["ledgers"]).parent / "site"
    assert len(list((site / "members").glob("*.html"))) == 6 and (site / "index.html").is_file()


def _series(name, walls):
    """A series whose per-round wall times are ``walls`` ({round: seconds})."""
    s = bench_measure.Series(name, ["x"])
    s.samples = {r: bench_measure.Sample(w, 1, 0) for r, w in walls.items()}
    return s


def _bare_context(tmp_path):
    return bench_cases.Context(bench_measure.Runner({}), {}, [], None, None, sys.executable, tmp_path / "xdg",
                               lambda size: 1, lambda size: False)


def test_the_add_floor_is_add_on_10_plus_the_extra_parse_per_round(tmp_path):
    ctx = _bare_context(tmp_path)
    add10 = _series("add10", {0: 0.20, 1: 0.30, 2: 0.25})
    parse10, parse10k = _series("p10", {0: 0.05, 1: 0.05}), _series("p10k", {0: 0.25, 1: 0.35})
    bench_cases._parse_bound_row(ctx, add10, parse10, parse10k)  # round 2 has no parse: left out
    (row,) = ctx.rows
    assert row.limit is None and row.vs == "add on 10" and row.value.n == 2
    assert row.ratios == pytest.approx([0.40 / 0.20, 0.60 / 0.30])
    bench_cases._parse_bound_row(ctx, add10, _series("none", {}), parse10k)
    assert len(ctx.rows) == 1


def test_the_table_floor_is_the_json_run_plus_what_rich_adds_per_round(tmp_path):
    ctx = _bare_context(tmp_path)
    json_run = _series("json", {0: 0.070, 1: 0.080})
    shared, rich = _series("shared", {0: 0.050, 1: 0.060}), _series("rich", {0: 0.090, 1: 0.110})
    bench_cases._table_bound_row(ctx, json_run, rich, shared)
    (row,) = ctx.rows
    assert row.case == "member 200: floor: the JSON run plus importing rich (the table)"
    assert row.vs == "json" and row.limit is None and row.value.n == 2
    assert row.ratios == pytest.approx([0.110 / 0.070, 0.130 / 0.080])


def test_the_bench_turns_the_cache_off_with_the_variable_cepledger_reads():
    from cepledger.cli import report_cache

    assert bench_cases.CACHE_OFF == report_cache.DISABLE_ENV


def test_the_organisation_case_shows_what_the_report_cache_buys_and_what_a_miss_costs(tmp_path):
    _, ctx = _small_organisation(tmp_path)
    bench_cases.case_organisation(ctx)
    rows = {row.case: row for row in ctx.rows}
    cached = rows["organisation 500×150: `summary --format json`, repeated (the report cache)"]
    miss = rows["organisation 500×150: `summary --format json`, cold (a miss)"]
    assert cached.vs == "cold" and cached.target == "≤ 1× cold" and miss.vs == "cache off"
    assert not cached.error and not miss.error  # the repeated and the cache-off runs printed the cold run's bytes
    assert ctx.series["summary json, repeated [after]"].first_output == ctx.series["summary json, cold [after]"].first_output
