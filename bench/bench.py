#!/usr/bin/env python3
"""cepledger benchmark: whole-process wall time and peak memory against hledger and ledger.

Run it with ``make bench`` (``.venv/bin/python bench/bench.py``); ``--quick`` for a short
run while developing, ``--before PATH`` to measure another cepledger (an older checkout's
``.venv/bin/cep``) side by side in the same rounds, ``--help`` for the rest.
``bench/README.md`` says what each case measures; the targets are those of the issue
"One house" (Performance). Nothing here imports cepledger: the commands are measured as
users run them. ``tests/test_bench_smoke.py`` tests the data generator and the helpers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from bench_cases import CASES, Code, Context
from bench_data import PERIOD_ARGS, YEAR, dataset_plan, ensure_dataset
from bench_measure import Runner, run_process
from bench_report import (COMMAND_HEADERS, HEADERS, command_cells, loadavg, machine_info, machine_lines,
                          text_table, write_results)

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-09-30"  # "today" for every measured command: after the last generated entry
INSTALL_HINT = "install with `apt-get update && apt-get install -y hledger ledger` (Debian/Ubuntu, as root)"
DATA_OF = {"report-all": "organisation"}  # a case measured on another case's data set
FULL_ROUNDS = {"small": 11, "organisation": 5, "large": 3}
QUICK_ROUNDS = {"small": 3, "organisation": 1, "large": 1}


def code_of(name: str, cep: str) -> Code | None:
    """The cepledger behind the ``cep`` command ``cep``: its Python and its checkout.

    Compiles its bytecode first, as ``pip install`` does for a regular install: an
    editable install leaves that to the first import, which writes nothing when
    PYTHONDONTWRITEBYTECODE is set, and every run would then compile every module again.
    """
    path = Path(cep)
    if not path.exists():
        return None
    python = path.parent / "python"
    python_s = str(python) if python.exists() else sys.executable
    code = ("import compileall, os, cepledger; d = os.path.dirname(cepledger.__file__); "
            "compileall.compile_dir(d, quiet=1); print(os.path.dirname(d))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([python_s, "-I", "-c", code], env=env, capture_output=True, text=True)
    source = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    return Code(name, [str(path)], python_s, source)


def measured_env(out_dir: Path) -> dict[str, str]:
    """The environment of every measured command: no cepledger or ledger settings of the
    user's, a fixed locale, width and "today", and a cache folder of the benchmark's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEPLEDGER", "_CEP_", "_TYPER_", "LEDGER_"))}
    env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLUMNS": "100", "NO_COLOR": "1",
                "CEPLEDGER_TODAY": TODAY, "XDG_CACHE_HOME": str(out_dir / "cache")})
    return env


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.out_dir = Path(args.out_dir)
        self.notes: list[str] = []
        self.codes = [c for c in (code_of("after", args.cep), args.before and code_of("before", args.before)) if c]
        for name, given in (("after", args.cep), ("before", args.before)):
            if given and not any(c.name == name for c in self.codes):
                self.notes.append(f"{given} was not found: the `{name}` figures are missing "
                                  "(run `make install` in that checkout).")
        self.hledger = None if args.no_compare else shutil.which("hledger")
        self.ledger = None if args.no_compare else shutil.which("ledger")
        for tool, found in (("hledger", self.hledger), ("ledger", self.ledger)):
            if not found and not args.no_compare:
                self.notes.append(f"{tool} is not installed, so its comparisons are missing: {INSTALL_HINT}.")
                print(f"{tool} is not installed: {INSTALL_HINT}", file=sys.stderr)
        self.env = measured_env(self.out_dir)

    def rounds(self, size: str) -> int:
        if self.args.rounds:
            return self.args.rounds
        return (QUICK_ROUNDS if self.args.quick else FULL_ROUNDS)[size]

    def warmup(self, size: str) -> bool:
        """A warm-up round costs as much as a timed one; with 3 or more rounds of a costly
        case the median absorbs a first run's page-cache misses."""
        return self.rounds(size) < 3

    def prepare(self) -> dict[str, dict[str, Any]]:
        datasets = {}
        print(f"data sets in {self.out_dir / 'data'} ...", flush=True)
        groups = {DATA_OF.get(case, case) for case in self.args.only or ()}
        for name, params in dataset_plan(self.args.quick).items():
            if self.args.only and params["group"] not in groups:
                continue
            meta = ensure_dataset(self.out_dir / "data", name, params, regenerate=self.args.regenerate)
            datasets[name] = meta
            how = f"generated in {meta['generated_in_s']} s" if meta.get("generated_in_s") is not None else "kept"
            print(f"  {name:<14} {meta['entries']:>7} entries  {how}", flush=True)
        for code in list(self.codes):
            sample, _, err = run_process([*code.argv, "--version"], self.env)
            if sample.rc != 0:
                self.notes.append(f"`{code.argv[0]} --version` failed (exit {sample.rc}): "
                                  f"{err.decode('utf-8', 'replace').strip()[-200:]}")
                self.codes.remove(code)
        return datasets

    def run(self) -> int:
        t0 = time.perf_counter()
        machine = machine_info({c.name: {"argv": c.argv, "python": c.python, "source": c.source}
                                for c in self.codes}, self.hledger, self.ledger)
        ctx = Context(Runner(self.env, verbose=self.args.verbose), self.prepare(), self.codes, self.hledger,
                      self.ledger, self.args.python, self.out_dir / "cache", self.rounds, self.warmup)
        for name in self.args.only or list(CASES):
            if ctx.codes:
                CASES[name](ctx)
        machine["load_after"] = loadavg()
        for s in ctx.series.values():
            self.notes += [f"{s.name}: {e}" for e in s.errors]
        self.report(ctx, machine, time.perf_counter() - t0)
        return 1 if any(r.result == "ERROR" for r in ctx.rows) else 0

    def report(self, ctx: Context, machine: dict[str, Any], elapsed: float) -> None:
        mode = "quick" if self.args.quick else "full"
        lines = machine_lines(machine, mode, elapsed)
        rows = [r.cells() for r in ctx.rows]
        commands = [command_cells(s.name, s.time(), s.memory(), bool(s.errors)) for s in ctx.series.values()]
        print("\n" + "\n".join(lines) + "\n")
        print(text_table(HEADERS, rows) + "\n")
        print(text_table(COMMAND_HEADERS, commands))
        if self.notes:
            print("\nnotes:\n" + "\n".join(f"  - {n}" for n in self.notes))
        results = {"machine": machine, "mode": mode, "elapsed_s": round(elapsed, 1), "year": YEAR,
                   "period_args": PERIOD_ARGS, "today": TODAY,
                   "datasets": {k: {kk: vv for kk, vv in v.items() if kk != "expected_claimed"}
                                for k, v in ctx.datasets.items()},
                   "rows": [r.as_json() for r in ctx.rows],
                   "commands": {name: s.as_json() for name, s in ctx.series.items()}, "notes": self.notes}
        write_results(self.out_dir, results, lines, ctx.rows, commands, self.notes)
        print(f"\nwritten: {self.out_dir / 'results.json'}, {self.out_dir / 'results.md'}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark cepledger against hledger and ledger (make bench).")
    p.add_argument("--quick", action="store_true", help="fewer rounds, no 100,000-entry ledger")
    p.add_argument("--rounds", type=int, default=0, help="timed rounds per case (default: by size)")
    p.add_argument("--only", nargs="+", choices=list(CASES), help="run only these cases")
    p.add_argument("--cep", default=str(REPO / ".venv" / "bin" / "cep"),
                   help="the cepledger to measure (default: this checkout's .venv/bin/cep)")
    p.add_argument("--before", help="another cepledger's cep (an older checkout's .venv/bin/cep), measured "
                                    "side by side in the same rounds")
    p.add_argument("--python", default=sys.executable, help="the Python of the `python -c pass` floor")
    p.add_argument("--out-dir", default=str(REPO / ".bench"), help="data and results (default: .bench)")
    p.add_argument("--no-compare", action="store_true", help="do not run hledger/ledger even if installed")
    p.add_argument("--regenerate", action="store_true", help="rebuild the data sets")
    p.add_argument("-v", "--verbose", action="store_true", help="print every sample")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return Bench(parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
