"""Running commands as whole processes: wall time, peak memory, and the statistics.

Each command is started by a small launcher rather than by the benchmark itself: a
child's ``ru_maxrss`` starts at the high-water mark of the process it was forked from
(Linux keeps it across ``exec``), so a child of the benchmark would inherit its tens of
MB. The launcher is a bare ``python -I -S`` (about 8 MB) that times the child itself,
so its own start-up is not counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

LAUNCHER = r"""
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
try:
    pid = os.posix_spawnp(argv[0], argv, os.environ)
except OSError as e:
    sys.stderr.write(f"cannot run {argv[0]}: {e}\n")
    sys.exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(result, "w") as f:
    f.write(f"{wall!r} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}\n")
"""


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence (mean of the two middle values when even)."""
    if not values:
        raise ValueError("median of no values")
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """First and third quartile (the medians of the lower and upper halves, Tukey's hinges)."""
    if not values:
        raise ValueError("quartiles of no values")
    s = sorted(values)
    half = (len(s) + 1) // 2
    return median(s[:half]), median(s[len(s) - half:])


@dataclass(frozen=True)
class Spread:
    """Median, min-max and inter-quartile range of some samples."""

    median: float
    low: float
    high: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread | None":
        if not values:
            return None
        q1, q3 = quartiles(values)
        return cls(median(values), min(values), max(values), q1, q3, len(values))


@dataclass(frozen=True)
class Sample:
    wall: float
    maxrss_kb: int
    rc: int


@dataclass
class Series:
    """The timed samples of one command, by round (and the output of its first run)."""

    name: str
    argv: list[str]
    samples: dict[int, Sample] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    first_output: bytes = b""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.errors

    def walls(self) -> dict[int, float]:
        return {r: s.wall for r, s in self.samples.items()}

    def rss(self) -> dict[int, float]:
        return {r: float(s.maxrss_kb) for r, s in self.samples.items()}

    def time(self) -> Spread | None:
        return Spread.of(list(self.walls().values())) if self.ok else None

    def memory(self) -> Spread | None:
        return Spread.of(list(self.rss().values())) if self.ok else None

    def as_json(self) -> dict[str, Any]:
        t, m = self.time(), self.memory()
        return {"argv": self.argv, "n": len(self.samples), "time_s": t and t.__dict__,
                "peak_rss_kb": m and m.__dict__, "samples_s": [round(w, 5) for w in self.walls().values()],
                "errors": self.errors}


def paired_ratios(a: dict[int, float], b: dict[int, float]) -> list[float]:
    """``a[r] / b[r]`` for every round measured on both sides (they ran back to back)."""
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r] > 0]


def run_process(argv: Sequence[str], env: dict[str, str], timeout: float = 600.0,
                python: str = sys.executable) -> tuple[Sample, bytes, bytes]:
    """Run ``argv`` to completion through the launcher: its Sample (wall time, ru_maxrss in
    KiB, exit code), stdout and stderr. Output goes to temporary files, not pipes, so
    nothing but the child runs meanwhile."""
    fd, result = tempfile.mkstemp(prefix="cep-bench-", suffix=".txt")
    os.close(fd)
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen([python, "-I", "-S", "-c", LAUNCHER, result, *argv], stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err, env=env, start_new_session=True)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait()
                return Sample(float(timeout), 0, -9), b"", f"timed out after {timeout:g} s".encode()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        text = Path(result).read_text().split()
        if not text:
            return Sample(0.0, 0, p.returncode or 127), stdout, stderr
        return Sample(float(text[0]), int(text[1]), int(text[2])), stdout, stderr
    finally:
        os.unlink(result)


@dataclass
class Step:
    """One command of a unit: ``before`` runs untimed first (make it cold, copy a ledger);
    ``check`` looks at the output and returns a problem, or None."""

    series: Series
    before: Callable[[], None] | None = None
    check: Callable[[bytes], str | None] | None = None


class Runner:
    """Runs units of steps in alternating order, recording one sample per step per round."""

    def __init__(self, env: dict[str, str], verbose: bool = False, timeout: float = 600.0):
        self.env, self.verbose, self.timeout = env, verbose, timeout

    def _one(self, step: Step, round_no: int | None) -> None:
        s = step.series
        if s.errors:  # a command that failed is not run again
            return
        try:
            if step.before:
                step.before()
            sample, out, err = run_process(s.argv, self.env, self.timeout)
        except OSError as e:
            s.errors.append(f"could not run {s.argv[0]}: {e}")
            return
        if sample.rc != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            s.errors.append(f"exit {sample.rc}: {msg[-1] if msg else '(no message)'}")
            return
        problem = step.check(out) if step.check else None
        if problem:
            s.errors.append(problem)
            return
        if not s.first_output:
            s.first_output = out
        if round_no is not None:
            s.samples[round_no] = sample
            if self.verbose:
                print(f"    {s.name:<46} {sample.wall * 1000:9.1f} ms {sample.maxrss_kb / 1024:6.0f} MB", flush=True)

    def alternate(self, units: list[list[Step]], rounds: int, warmup: bool = True) -> None:
        """Run every unit once per round, the order reversed every other round so that no
        command always follows the same one; the steps of a unit run back to back. An
        untimed warm-up round first fills the page cache and checks every output."""
        if warmup:
            for unit in units:
                for step in unit:
                    self._one(step, None)
        for r in range(rounds):
            for unit in (units if r % 2 == 0 else units[::-1]):
                for step in unit:
                    self._one(step, r)
