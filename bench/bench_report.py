"""The benchmark's results: rows judged against the targets, tables, and the machine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench_measure import Spread, median, run_process


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, or None when either side is missing or ``b`` is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r: float | None) -> str:
    """``0.4567`` -> ``"0.46×"``; None -> ``"—"``."""
    return "—" if r is None else f"{r:.2f}×"


def fmt_seconds(s: float | None) -> str:
    """Wall time for humans: ``"8.4 ms"``, ``"412 ms"``, ``"2.35 s"``; None -> ``"—"``."""
    if s is None:
        return "—"
    if s < 0.01:
        return f"{s * 1000:.1f} ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    return f"{s:.2f} s"


def fmt_kb(kb: float | None) -> str:
    """Peak RSS in KiB (as ``ru_maxrss`` on Linux) -> ``"58 MB"`` (MiB, rounded)."""
    return "—" if kb is None else f"{kb / 1024:.0f} MB"


def _bare(text: str) -> str:
    """``"412 ms"`` -> ``"412"``, for the low end of a range that shares the unit."""
    return text.rsplit(" ", 1)[0] if " " in text else text


def fmt_spread(s: Spread | None, unit: str = "s") -> str:
    """``"412 ms (398–455)"``: the median and the min–max of the samples."""
    if s is None:
        return "—"
    fmt = fmt_kb if unit == "kb" else fmt_seconds
    if s.n < 2:
        return fmt(s.median)
    low, high = fmt(s.low), fmt(s.high)
    same_unit = low.split(" ")[-1] == high.split(" ")[-1]
    return f"{fmt(s.median)} ({_bare(low) if same_unit else low}–{_bare(high) if same_unit else high})"


def judge(value: float | None, limit: float | None) -> str:
    """``PASS`` when value <= limit, ``FAIL`` otherwise, ``n/a`` when either is missing."""
    if value is None or limit is None:
        return "n/a"
    return "PASS" if value <= limit else "FAIL"


@dataclass
class Row:
    """One line of the results: a cepledger figure, what it is compared with, the target."""

    case: str
    who: str                      # which cepledger: "after" (this checkout) or "before"
    value: Spread | None          # seconds, or KiB when unit == "kb"
    vs: str = ""                  # the comparison's name; "" for a figure on its own
    cmp: Spread | None = None
    limit: float | None = None    # the most the ratio may be; None: shown, not judged
    ratios: list[float] = field(default_factory=list)  # per round, for the spread
    unit: str = "s"
    error: bool = False           # a command failed or printed something wrong

    @property
    def ratio(self) -> float | None:
        """The ratio of the medians."""
        return ratio(self.value and self.value.median, self.cmp and self.cmp.median)

    @property
    def target(self) -> str:
        return "" if self.limit is None else f"≤ {self.limit:g}× {self.vs}"

    @property
    def result(self) -> str:
        if self.limit is None:
            return ""
        return "ERROR" if self.error else judge(self.ratio, self.limit)

    def ratio_text(self) -> str:
        if not self.vs:
            return ""
        text = fmt_ratio(self.ratio)
        if len(self.ratios) >= 2 and self.ratio is not None:
            text += f" ({min(self.ratios):.2f}–{max(self.ratios):.2f})"
        return text

    def cells(self) -> list[str]:
        comparison = f"{self.vs} {fmt_spread(self.cmp, self.unit)}" if self.vs else ""
        return [self.case, self.who, fmt_spread(self.value, self.unit), comparison, self.ratio_text(),
                self.target, self.result]

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "who": self.who, "value": self.value and self.value.__dict__,
                "vs": self.vs or None, "comparison": self.cmp and self.cmp.__dict__, "ratio": self.ratio,
                "ratios_per_round": [round(r, 4) for r in self.ratios], "unit": self.unit,
                "target": self.target or None, "result": self.result or None}


HEADERS = ["case", "code", "cepledger: median (min–max)", "compared with", "ratio (per-round min–max)",
           "target", "result"]


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    def esc(c: str) -> str:
        return str(c).replace("|", "\\|")
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return "\n".join(out + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows])


# ---------------------------------------------------------------------------- the machine


def tool_version(argv: list[str]) -> str | None:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = (p.stdout or p.stderr).strip().splitlines()
    return first[0] if first else None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_versions(python: str) -> dict[str, str]:
    code = ("import importlib.metadata as m, json\nout = {}\n"
            "for n in ('cepledger', 'typer', 'rich', 'tomli', 'tomlkit', 'platformdirs'):\n"
            "    try: out[n] = m.version(n)\n    except Exception: pass\nprint(json.dumps(out))")
    try:
        p = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, timeout=30)
        return json.loads(p.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def git_commit(folder: Path) -> str | None:
    """The checkout's commit, with ``+changes`` when its code (``cepledger/``,
    ``pyproject.toml``) has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "cepledger",
                                "pyproject.toml"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return f"{head}{' +changes' if dirty else ''}" if head else None


def loadavg() -> str | None:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return None


def machine_info(ceps: dict[str, dict[str, Any]], hledger: str | None, ledger: str | None) -> dict[str, Any]:
    """Where and when the figures were measured; ``ceps`` is code name -> {python, source}."""
    true = shutil.which("true")
    floors = [run_process([true], dict(os.environ))[0].maxrss_kb for _ in range(3)] if true else []
    info = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rss_floor_kb": median(floors) if floors else None, "load_before": loadavg(),
        "nproc": len(os.sched_getaffinity(0)), "cpu": cpu_model(), "os": platform.platform(),
        "hledger": tool_version([hledger, "--version"]) if hledger else None,
        "ledger": tool_version([ledger, "--version"]) if ledger else None, "code": {},
    }
    for name, cep in ceps.items():
        info["code"][name] = {
            "python": tool_version([cep["python"], "-c", "import sys, platform; "
                                    "print(platform.python_implementation(), sys.version.split()[0])"]),
            "packages": package_versions(cep["python"]),
            "commit": git_commit(cep["source"]) if cep.get("source") else None,
            "cep": cep["argv"][0],
        }
    return info


def machine_lines(m: dict[str, Any], mode: str, elapsed: float) -> list[str]:
    lines = [f"machine: {m['nproc']} CPU(s), {m['cpu']}; {m['os']}"]
    for name, code in m["code"].items():
        pk = ", ".join(f"{k} {v}" for k, v in code["packages"].items())
        lines.append(f"{name}: {code['cep']} (commit {code['commit'] or '?'}); {code['python']} ({pk})")
    lines += [
        f"hledger: {m['hledger'] or 'not installed'}; ledger: {m['ledger'] or 'not installed'}",
        f"load average (1/5/15 min) before: {m['load_before']}, after: {m.get('load_after')}; "
        f"peak RSS includes the launcher's floor of {fmt_kb(m['rss_floor_kb'])}",
        f"run: {m['date']}, {mode} mode, {elapsed:.0f} s; whole-process wall time, medians with min–max; "
        "cold = no cache and the content changed since the last run",
    ]
    return lines


def write_results(out_dir: Path, results: dict[str, Any], lines: list[str], rows: list[Row],
                  commands: list[list[str]], notes: list[str]) -> None:
    """``results.json`` (every sample) and ``results.md`` (the tables for docs/performance.md)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    md = ["\n".join(f"- {line}" for line in lines), "", md_table(HEADERS, [r.cells() for r in rows]), "",
          md_table(COMMAND_HEADERS, commands)]
    if notes:
        md += ["", *(f"- {n}" for n in notes)]
    (out_dir / "results.md").write_text("\n".join(md) + "\n")


COMMAND_HEADERS = ["command", "n", "median", "IQR", "min–max", "peak RSS (median)", ""]


def command_cells(name: str, t: Spread | None, m: Spread | None, error: bool) -> list[str]:
    """One line of the per-command table."""
    iqr = f"{fmt_seconds(t.q1)}–{fmt_seconds(t.q3)}" if t else "—"
    span = f"{fmt_seconds(t.low)}–{fmt_seconds(t.high)}" if t else "—"
    return [name, str(t.n if t else 0), fmt_seconds(t and t.median), iqr, span, fmt_kb(m and m.median),
            "ERROR" if error else ""]
