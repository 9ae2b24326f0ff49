"""The measured cases, each with its targets (issue "One house", Performance).

Every case runs all its commands in one loop of rounds (``Runner.alternate``), so the
ratios compare commands measured side by side; "cold" means no cache anywhere (the
ledgers folder's ``.cepledger/`` and the user cache directory emptied) and the content
of every input changed since the previous run, so no cache keyed by content can answer.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from bench_checks import (Check, check_appended, check_balance, check_contains, check_status_json,
                          check_summary_json)
from bench_data import PERIOD_ARGS, YEAR, mark_changed
from bench_measure import Runner, Series, Spread, Step, paired_ratios
from bench_report import Row


@dataclass(frozen=True)
class Code:
    """One cepledger to measure: ``after`` (this checkout) and optionally ``before``."""

    name: str
    argv: list[str]
    python: str
    source: Path | None = None


@dataclass
class Context:
    """What the cases share: the runner, the data, the tools, and the results so far."""

    runner: Runner
    datasets: dict[str, dict[str, Any]]
    codes: list[Code]
    hledger: str | None
    ledger: str | None
    python: str
    cache_dir: Path                      # XDG_CACHE_HOME of every measured command
    rounds: Callable[[str], int]
    warmup: Callable[[str], bool]
    series: dict[str, Series] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    revision: int = 0

    def s(self, name: str, argv: list[str]) -> Series:
        return self.series.setdefault(name, Series(name, argv))

    def cold(self, ledgers: Path | None, files: list[Path]) -> Callable[[], None]:
        """A ``before`` hook: no cache anywhere, and new content in every file."""
        def hook() -> None:
            if ledgers is not None:
                clear_state(ledgers)
            shutil.rmtree(self.cache_dir, ignore_errors=True)
            self.revision += 1
            for path in files:
                mark_changed(path, self.revision)
        return hook

    def row(self, case: str, who: str, a: Series, vs: str = "", b: Series | None = None,
            limit: float | None = None, memory: bool = False) -> None:
        """Add a result row comparing ``a`` with ``b`` (time, or peak RSS when ``memory``)."""
        pick = (lambda s: s.memory()) if memory else (lambda s: s.time())
        values = (lambda s: s.rss()) if memory else (lambda s: s.walls())
        ratios = paired_ratios(values(a), values(b)) if b is not None and b.ok and a.ok else []
        self.rows.append(Row(case, who, pick(a), vs if b is not None else "", pick(b) if b is not None else None,
                             limit if b is not None else None, ratios, "kb" if memory else "s",
                             error=bool(a.errors or (b is not None and b.errors))))

    def comparisons(self, label: str, journal: str) -> tuple[Series | None, Series | None]:
        """The series of ``hledger bal`` and ``ledger bal --flat`` on ``journal`` (None: not installed)."""
        out: list[Series | None] = []
        for tool, extra in ((self.hledger, []), (self.ledger, ["--flat"])):
            out.append(self.s(f"{Path(tool).name} bal, {label}", [tool, "-f", journal, "bal", *extra, *PERIOD_ARGS])
                       if tool else None)
        return out[0], out[1]


def clear_state(ledgers: Path) -> None:
    """Remove cepledger's state (``.cepledger/``) and any other hidden entry from a
    benchmark ledgers folder, which holds nothing hidden of its own."""
    for entry in ledgers.iterdir():
        if entry.name.startswith("."):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()


def same_output_as(reference: Series, check: Check) -> Check:
    """``check``, then the bytes of ``reference``'s first output (a cached run prints
    exactly what a cold run prints)."""
    def inner(out: bytes) -> str | None:
        problem = check(out)
        if problem:
            return problem
        if reference.first_output and out != reference.first_output:
            return "the repeated run printed different bytes from the cold run"
        return None
    return inner


def _tool_units(ctx: Context, tools: tuple[Series | None, ...], journal: Path, check: Check) -> list[list[Step]]:
    return [[Step(s, ctx.cold(None, [journal]), check)] for s in tools if s is not None]


def _tool_rows(ctx: Context, case: str, code: Code, a: Series, tools: tuple[Series | None, ...],
               limit: float | None) -> None:
    hl, lg = tools
    if hl is not None:
        ctx.row(case, code.name, a, "hledger", hl, limit)
    if lg is not None:
        ctx.row(case, code.name, a, "ledger", lg, None)


def _before_after(ctx: Context, case: str, after: Series, before: Series | None, limit: float | None = None) -> None:
    if before is not None:
        ctx.row(case, "after", after, "before", before, limit)


def case_member(ctx: Context) -> None:
    """A realistic member (200 entries over 5 years): cold ``status`` as JSON and as a table."""
    meta = ctx.datasets.get("member-200")
    if not meta:
        return
    ledgers, member, journal = Path(meta["ledgers"]), meta["member"], Path(meta["journal"])
    path = ledgers / f"{member}.toml"
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    rounds = ctx.rounds("small")
    print(f"\nmember: {meta['entries']} entries, {meta['bytes'] / 1024:.0f} KiB ({rounds} rounds)", flush=True)
    units: list[list[Step]] = []
    found: dict[str, tuple[Series, Series, Series]] = {}
    for code in ctx.codes:
        argv = [*code.argv, "--ledgers", str(ledgers), "status", member, "--year", str(YEAR)]
        check = check_status_json(member, expected)
        cold = ctx.s(f"status {member} json, cold [{code.name}]", [*argv, "--format", "json"])
        again = ctx.s(f"status {member} json, repeated [{code.name}]", [*argv, "--format", "json"])
        table = ctx.s(f"status {member} table, cold [{code.name}]", argv)
        units.append([Step(cold, ctx.cold(ledgers, [path]), check), Step(again, None, same_output_as(cold, check))])
        units.append([Step(table, ctx.cold(ledgers, [path]), check_contains("annual-credits"))])
        found[code.name] = (cold, again, table)
    tools = ctx.comparisons("member 200", str(journal))
    units += _tool_units(ctx, tools, journal, check_balance(expected))
    floor = ctx.s("python -c pass", [ctx.python, "-c", "pass"])
    libraries = ctx.s("python -c 'import tomli, decimal, datetime, json'", [ctx.codes[0].python, "-c", LIBRARIES])
    shared = ctx.s(f"python -c '{SHARED}'", [ctx.codes[0].python, "-c", SHARED])
    rich = ctx.s(f"python -c '{SHARED}; {RICH}'", [ctx.codes[0].python, "-c", f"{SHARED}; {RICH}"])
    units += [[Step(floor)], [Step(libraries)], [Step(shared)], [Step(rich)]]
    ctx.runner.alternate(units, rounds)
    for code in ctx.codes:
        cold, again, table = found[code.name]
        _tool_rows(ctx, "member 200: `status --format json`, cold", code, cold, tools, 1.0)
        ctx.row("member 200: `status` table, cold", code.name, table, "json", cold, 1.5)
        ctx.row("member 200: `status --format json`, repeated", code.name, again, "cold", cold)
    if "before" in found:
        _before_after(ctx, "member 200: `status --format json`, cold", found["after"][0], found["before"][0], 1.0)
        _before_after(ctx, "member 200: `status` table, cold", found["after"][2], found["before"][2])
    ctx.row("`python -c pass` (the floor)", "", floor)
    if tools[0] is not None:  # what no Python implementation of the design can go under
        ctx.row("member 200: floor: Python importing the TOML parser, decimal, datetime and json", "",
                libraries, "hledger", tools[0])
    _table_bound_row(ctx, found[ctx.codes[0].name][0], rich, shared)


def case_organisation(ctx: Context) -> None:
    """An organisation (500 members x 150 entries): cold ``summary`` as JSON and as a table,
    against hledger over one journal of the same 75,000 entries."""
    meta = ctx.datasets.get("organisation")
    if not meta:
        return
    ledgers, journal = Path(meta["ledgers"]), Path(meta["journal"])
    files = sorted(ledgers.glob("*.toml"))
    rounds = ctx.rounds("organisation")
    print(f"\norganisation: {meta['members']} members, {meta['entries']} entries ({rounds} rounds)", flush=True)
    units: list[list[Step]] = []
    found: dict[str, tuple[Series, Series]] = {}
    cache: dict[str, tuple[Series, Series]] = {}
    for code in ctx.codes:
        argv = [*code.argv, "--ledgers", str(ledgers), "summary", "--year", str(YEAR)]
        check = check_summary_json(meta["members"])
        js = ctx.s(f"summary json, cold [{code.name}]", [*argv, "--format", "json"])
        again = ctx.s(f"summary json, repeated [{code.name}]", [*argv, "--format", "json"])
        table = ctx.s(f"summary table, cold [{code.name}]", argv)
        # the cost of the cache on a miss: the same cold run with the cache turned off
        # (started through env(1), about 1 ms more)
        off = ctx.s(f"summary json, cold, cache off [{code.name}]",
                    ["env", f"{CACHE_OFF}=1", *argv, "--format", "json"])
        units.append([Step(js, ctx.cold(ledgers, files), check), Step(again, None, same_output_as(js, check))])
        units.append([Step(off, ctx.cold(ledgers, files), same_output_as(js, check))])
        units.append([Step(table, ctx.cold(ledgers, files), check_contains("member-0000"))])
        found[code.name] = (js, table)
        cache[code.name] = (again, off)
    tools = ctx.comparisons("organisation", str(journal))
    units += _tool_units(ctx, tools, journal, check_contains("member-0000:"))
    ctx.runner.alternate(units, rounds, warmup=ctx.warmup("organisation"))
    for code in ctx.codes:
        js, table = found[code.name]
        _tool_rows(ctx, "organisation 500×150: `summary --format json`, cold", code, js, tools, 0.35)
        _tool_rows(ctx, "organisation 500×150: `summary` table, cold", code, table, tools, 0.5)
        again, off = cache[code.name]
        # the one cache (cli/report_cache.py) stays only where this shows it pays
        ctx.row("organisation 500×150: `summary --format json`, repeated (the report cache)", code.name, again,
                "cold", js, 1.0)
        ctx.row("organisation 500×150: `summary --format json`, cold (a miss)", code.name, js, "cache off", off)
    if "before" in found:
        _before_after(ctx, "organisation 500×150: `summary --format json`, cold", found["after"][0],
                      found["before"][0])
        _before_after(ctx, "organisation 500×150: `summary` table, cold", found["after"][1], found["before"][1])


def case_large(ctx: Context) -> None:
    """One ledger of 100,000 entries: cold ``status``, time and peak memory."""
    meta = ctx.datasets.get("large-100k")
    if not meta:
        return
    ledgers, member, journal = Path(meta["ledgers"]), meta["member"], Path(meta["journal"])
    path = ledgers / f"{member}.toml"
    expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
    rounds = ctx.rounds("large")
    print(f"\nlarge: {meta['entries']} entries, {meta['bytes'] / 2**20:.1f} MiB ({rounds} rounds)", flush=True)
    units: list[list[Step]] = []
    found: dict[str, tuple[Series, Series]] = {}
    for code in ctx.codes:
        argv = [*code.argv, "--ledgers", str(ledgers), "status", member, "--year", str(YEAR)]
        js = ctx.s(f"status 100k json, cold [{code.name}]", [*argv, "--format", "json"])
        table = ctx.s(f"status 100k table, cold [{code.name}]", argv)
        units.append([Step(js, ctx.cold(ledgers, [path]), check_status_json(member, expected))])
        units.append([Step(table, ctx.cold(ledgers, [path]), check_contains("annual-credits"))])
        found[code.name] = (js, table)
    tools = ctx.comparisons("100k", str(journal))
    units += _tool_units(ctx, tools, journal, check_balance(expected))
    parse = ctx.s("one tomli parse of the 100k ledger", parse_argv(ctx, path))
    units.append([Step(parse)])
    ctx.runner.alternate(units, rounds, warmup=ctx.warmup("large"))
    hl = tools[0]
    if hl is not None:
        ctx.row("100k entries: floor: one whole process parsing the file with tomli", "", parse, "hledger", hl)
    for code in ctx.codes:
        js, table = found[code.name]
        _tool_rows(ctx, "100k entries: `status --format json`, cold", code, js, tools, 0.35)
        if hl is not None:
            ctx.row("100k entries: `status --format json`, cold, peak RSS", code.name, js, "hledger", hl, 0.5,
                    memory=True)
        _tool_rows(ctx, "100k entries: `status` table, cold", code, table, tools, None)
    if "before" in found:
        _before_after(ctx, "100k entries: `status --format json`, cold", found["after"][0], found["before"][0])
        ctx.row("100k entries: `status --format json`, cold, peak RSS", "after", found["after"][0], "before",
                found["before"][0], memory=True)


def _add_step(ctx: Context, code: Code, label: str, meta: dict[str, Any]) -> Step:
    """``add`` on a fresh copy of a generated ledger (no cache, new content every time)."""
    ledgers, member = Path(meta["ledgers"]), meta["member"]
    path = ledgers / f"{member}.toml"
    pristine = ledgers.parent / "pristine.toml"
    if not pristine.exists():
        shutil.copyfile(path, pristine)
    cold = ctx.cold(ledgers, [path])
    seen: list[bytes] = [b""]

    def fresh() -> None:
        shutil.copyfile(pristine, path)
        cold()
        seen[0] = path.read_bytes()

    argv = [*code.argv, "--ledgers", str(ledgers), "add", member, "live-webinar", "1.5", "--date", "2025-10-03",
            "--title", "Bench webinar", "--item", "bench-webinar-2025"]
    series = ctx.s(f"add on {label} entries [{code.name}]", argv)
    return Step(series, fresh, check_appended(path, lambda: seen[0]))


def case_add(ctx: Context) -> None:
    """``add`` on a 10,000-entry ledger against ``add`` on a 10-entry one."""
    small, large = ctx.datasets.get("add-10"), ctx.datasets.get("add-10k")
    if not (small and large):
        return
    rounds = ctx.rounds("small")
    print(f"\nadd: on 10 and on 10,000 entries ({rounds} rounds)", flush=True)
    found: dict[str, tuple[Series, Series]] = {}
    units = []
    for code in ctx.codes:
        a, b = _add_step(ctx, code, "10", small), _add_step(ctx, code, "10k", large)
        units += [[a], [b]]
        found[code.name] = (a.series, b.series)
    parses = [ctx.s(f"one tomli parse of the {label} ledger", parse_argv(ctx, Path(meta["ledgers"]).parent / "pristine.toml"))
              for label, meta in (("10-entry", small), ("10k", large))]
    units += [[Step(p)] for p in parses]
    ctx.runner.alternate(units, rounds)
    for code in ctx.codes:
        a, b = found[code.name]
        ctx.row("`add` on 10,000 entries", code.name, b, "add on 10", a, 1.5)
    _parse_bound_row(ctx, found[ctx.codes[0].name][0], *parses)
    if "before" in found:
        _before_after(ctx, "`add` on 10,000 entries", found["after"][1], found["before"][1])


LIBRARIES = "import tomli, decimal, datetime, json"  # the design's TOML parser, amounts, dates and JSON
# What the status table adds to the JSON run: rich's console and table (render/status_view.py),
# on top of the modules the JSON run has loaded already (SHARED), which rich needs too.
SHARED = "import tomli, decimal, datetime, json, typing, pathlib, re"
RICH = "import rich.console, rich.table"
# turns the report cache off: cepledger.cli.report_cache.DISABLE_ENV, spelt out because
# nothing here imports cepledger (tests/test_bench_smoke.py keeps the two the same)
CACHE_OFF = "CEPLEDGER_NO_CACHE"
PARSE = ("import sys, tomli; from decimal import Decimal; "
         "tomli.loads(open(sys.argv[1], encoding='utf-8').read(), parse_float=Decimal)")


def parse_argv(ctx: Context, path: Path) -> list[str]:
    """A whole process that only parses ``path`` with tomli, as the reader does."""
    return [ctx.codes[0].python, "-c", PARSE, str(path)]


def _bound_row(ctx: Context, case: str, base: Series, plus: Series, minus: Series, vs: str) -> None:
    """A floor row: per round, ``base + plus - minus`` against ``base`` (rounds where all
    three ran). ``plus - minus`` is what a command must pay beyond ``base`` whatever its
    code: the parse of more entries (``add``), importing rich (the table)."""
    a, p, m = base.walls(), plus.walls(), minus.walls()
    rounds = [r for r in a if r in p and r in m and a[r] > 0]
    if not rounds:
        return
    bound = {r: a[r] + p[r] - m[r] for r in rounds}
    ctx.rows.append(Row(case, "", Spread.of(list(bound.values())), vs, base.time(), None,
                        paired_ratios(bound, a), "s"))


def _parse_bound_row(ctx: Context, add10: Series, parse10: Series, parse10k: Series) -> None:
    """The least ``add`` on 10,000 entries can take against ``add`` on 10, from the parse
    alone: per round, (add on 10 + parse of 10,000 entries - parse of 10) / add on 10.
    Every ``add`` parses the ledger it appends to (the design's one reader)."""
    _bound_row(ctx, "`add` on 10,000 entries: floor: add on 10 plus the parse of 9,990 more entries",
               add10, parse10k, parse10, "add on 10")


def _table_bound_row(ctx: Context, json_cold: Series, rich: Series, shared: Series) -> None:
    """The least the table can take against the JSON: per round, the JSON run plus what
    importing rich's console and table adds to a process that has the JSON run's own
    libraries loaded already (``SHARED; RICH`` - ``SHARED``)."""
    _bound_row(ctx, "member 200: floor: the JSON run plus importing rich (the table)", json_cold, rich, shared,
               "json")


REPORT_ALL_SECONDS = 5.0  # issue "Reports an auditor and a program director want": < 5 s cold


def case_report_all(ctx: Context) -> None:
    """``report --all -o DIR`` over the organisation (500 members x 150 entries), cold:
    500 member pages and the index, against an absolute target of 5 s."""
    meta = ctx.datasets.get("organisation")
    if not meta:
        return
    ledgers = Path(meta["ledgers"])
    files = sorted(ledgers.glob("*.toml"))
    site = ledgers.parent / "site"
    rounds = ctx.rounds("organisation")
    print(f"\nreport --all: {meta['members']} members, {meta['entries']} entries ({rounds} rounds)", flush=True)
    cold = ctx.cold(ledgers, files)

    def fresh() -> None:
        shutil.rmtree(site, ignore_errors=True)
        cold()

    found: dict[str, Series] = {}
    units = []
    for code in ctx.codes:
        argv = [*code.argv, "--ledgers", str(ledgers), "report", "--all", "--year", str(YEAR), "-o", str(site)]
        series = ctx.s(f"report --all, cold [{code.name}]", argv)
        units.append([Step(series, fresh, check_contains(f"and {meta['members']} member pages"))])
        found[code.name] = series
    ctx.runner.alternate(units, rounds, warmup=ctx.warmup("organisation"))
    target = Spread.of([REPORT_ALL_SECONDS])
    for code in ctx.codes:
        a = found[code.name]
        ctx.rows.append(Row("organisation 500×150: `report --all -o DIR`, cold", code.name, a.time(),
                            f"{REPORT_ALL_SECONDS:g} s", target, 1.0, [], "s", error=bool(a.errors)))
    if "before" in found:
        _before_after(ctx, "organisation 500×150: `report --all -o DIR`, cold", found["after"], found["before"])


CASES: dict[str, Callable[[Context], None]] = {
    "member": case_member, "organisation": case_organisation, "large": case_large, "add": case_add,
    "report-all": case_report_all,
}
