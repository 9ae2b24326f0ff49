#!/usr/bin/env python3
"""cepledger benchmark: whole-process wall time and peak memory against hledger and ledger.

Run it with ``make bench`` (``.venv/bin/python bench/bench.py``); ``--quick`` cuts the
repeats and skips the 100k-entry set; ``--help`` lists the other options.

What it does (see issue 5 for the targets):

* generates its data sets under ``.bench/data`` (reused while the generator and the
  sizes are unchanged): one CASS member with 1k, 10k and 100k entries dated 2015-2026,
  a 10-entry and a 10k-entry ledger for ``add``, a ledgers folder of 1,000 members x
  200 entries (CASS and CASC members), and for each single-member set the equivalent
  journal for hledger/ledger (one transaction per entry);
* runs every command as a whole process several times, alternating cepledger with the
  comparison commands in the same loop, after one untimed warm-up round;
* prints medians, ratios and peak RSS measured in the same run, a PASS/FAIL per target
  and the machine; writes ``.bench/results.json`` and ``.bench/results.md``.

Peak RSS is the child's ``ru_maxrss`` as returned by ``os.wait4`` (the peak of the
largest single process in the child's tree, not a sum). "First run" means the
cepledger state folder ``<ledgers>/.cepledger`` removed before the sample; "repeated
run" means the same command again right after, with whatever that run left behind.

Nothing here imports cepledger: the commands are measured as users run them. The pure
helpers (generator, ``median``, formatting, ``judge``) are tested by
``tests/test_bench_smoke.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 3  # bump when the generated data changes, so cached sets are rebuilt

YEAR = 2025  # the reported year: 2025-09-01 .. 2026-08-31
YEAR_START = date(YEAR, 9, 1)
YEAR_END = date(YEAR + 1, 8, 31)
PERIOD_ARGS = ["-b", YEAR_START.isoformat(), "-e", (YEAR_END + timedelta(days=1)).isoformat()]
CASS_SINCE = date(2015, 9, 1)
DATA_END = date(2026, 8, 31)

# ---------------------------------------------------------------------------------------
# pure helpers (tested)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence (mean of the two middle values when even)."""
    if not values:
        raise ValueError("median of no values")
    s = sorted(values)
    n = len(s)
    mid = n // 2
    return float(s[mid]) if n % 2 else (s[mid - 1] + s[mid]) / 2


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, or None when either side is missing or ``b`` is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r: float | None) -> str:
    """``0.4567`` -> ``"0.46×"``; None -> ``"—"``."""
    if r is None:
        return "—"
    return f"{r:.2f}×"


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
    if kb is None:
        return "—"
    return f"{kb / 1024:.0f} MB"


def judge(value: float | None, limit: float | None) -> str:
    """``PASS`` when value <= limit, ``FAIL`` otherwise, ``n/a`` when either is missing."""
    if value is None or limit is None:
        return "n/a"
    return "PASS" if value <= limit else "FAIL"


def fmt_decimal(d: Decimal) -> str:
    """A Decimal as plain TOML/journal text: ``Decimal("2.50")`` -> ``"2.5"``, ``4`` -> ``"4"``."""
    s = format(d.normalize(), "f")
    return s


def toml_str(s: str) -> str:
    """A TOML basic string literal."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------------------------------
# data generator (pure: a seed and a size give the same bytes)

TOPICS = [
    "Assessment literacy", "Indigenous education", "Trauma-informed leadership",
    "School board governance", "Budget and finance", "Mental health in schools",
    "AI in the classroom", "Rural school leadership", "Teacher growth plans",
    "Inclusive education", "Francophone education", "Literacy and numeracy",
    "Collective bargaining", "Capital planning", "Wellness for system leaders",
    "Truth and Reconciliation in practice", "Métis education", "Data-informed decisions",
]
CONFERENCES = [  # (months, slug, title) - the conference held in those months
    ((9, 10, 11, 12), "fall-conference", "Fall Conference"),
    ((1, 2, 3), "fnmi-gathering", "First Nations, Métis and Inuit Education Gathering"),
    ((4, 5, 6), "annual-learning", "Annual Learning Conference"),
    ((7, 8), "summer-learning", "Summer Learning Conference"),
]
CEP_COURSE_SLUGS = {
    1: "changing-world", 2: "developing-leadership-capacity", 3: "indigenous-student-success",
    4: "leading-learning", 5: "leading-effective-governance", 6: "managing-school-authority-operations",
    7: "modelling-commitment", 8: "instructional-leadership", 9: "relational-leadership",
    10: "stone-keepers-wisdom", 11: "governance-hacks-heuristics", 12: "visionary-leadership",
}
CEP_COURSE_CREDITS = Decimal(10)

# activity -> (weight, hour choices or None for cep-course)
CASS_MIX: dict[str, tuple[int, tuple[str, ...] | None]] = {
    "live-webinar": (20, ("1", "1.5", "2", "1.25")),
    "cass-conference": (7, ("6", "7.5", "10", "12")),
    "conference-presenter": (4, ("1", "1.5", "2")),
    "cass-event": (6, ("3", "4.5", "6")),
    "mentee": (5, ("1", "1.5", "2")),
    "mentor": (3, ("1", "2", "2.5")),
    "cep-course": (3, None),
    "recorded-webinar-guide": (6, ("1", "1.5", "2.25")),
    "eleadership-guide": (4, ("2", "2.5", "4")),
    "research-report": (4, ("1.5", "2.5", "3")),
    "lqs-course": (1, ("15", "22.5", "30")),
    "webinar-presenter": (2, ("1", "1.5")),
    "committee-member": (4, ("2", "2.5", "3")),
    "working-group": (3, ("1.5", "2")),
    "develop-learning": (2, ("4", "6", "7.5")),
    "verifiable-self-directed": (8, ("1.5", "3", "3.5", "6")),
    "unverifiable-self-directed": (10, ("0.5", "0.75", "1", "1.25")),
}


def _random_dates(rng: random.Random, n: int, start: date, end: date) -> list[date]:
    span = (end - start).days
    days = sorted(rng.randrange(span + 1) for _ in range(n))
    out = [start + timedelta(days=d) for d in days]
    # Real ledgers are mostly chronological with some entries logged late.
    for _ in range(n // 100):
        i = rng.randrange(n)
        j = min(n - 1, i + rng.randrange(1, 6))
        out[i], out[j] = out[j], out[i]
    return out


def _unique_ids(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        eid = f"{rng.getrandbits(24):06x}"
        if eid not in seen:
            seen.add(eid)
            out.append(eid)
    return out


def cass_entries(n: int, seed: int = 1, start: date = CASS_SINCE, end: date = DATA_END) -> list[dict[str, Any]]:
    """``n`` realistic cass-cep entries dated ``start .. end`` (mostly in date order).

    Each entry is a dict with the TOML keys of SPEC.md (``hours`` a Decimal, absent for
    ``cep-course`` which is worth a fixed 10 credits). Titles carry a running number so
    no two entries are identical (``cep check`` would warn about a repeat).
    """
    rng = random.Random(f"cass-{seed}-{n}")
    names = list(CASS_MIX)
    weights = [CASS_MIX[a][0] for a in names]
    activities = rng.choices(names, weights, k=n)
    dates = _random_dates(rng, n, start, end)
    ids = _unique_ids(rng, n)
    per_year = max(1, n * 365 // max(1, (end - start).days + 1))
    n_items = max(4, per_year // 12)  # how many distinct webinars/guides/events a year
    out: list[dict[str, Any]] = []
    for k, (activity, d) in enumerate(zip(activities, dates), 1):
        topic = rng.choice(TOPICS)
        ry = d.year if d.month >= 9 else d.year - 1  # reporting year
        e: dict[str, Any] = {"id": ids[k - 1], "date": d, "activity": activity}
        hours = CASS_MIX[activity][1]
        if hours is not None:
            e["hours"] = Decimal(rng.choice(hours))
        num = f"{k:06d}"
        if activity in ("live-webinar", "recorded-webinar-guide", "webinar-presenter"):
            w = rng.randrange(n_items)
            kind = {"live-webinar": "Live webinar", "recorded-webinar-guide": "Recorded webinar guide",
                    "webinar-presenter": "Presenting webinar"}[activity]
            e["title"] = f"{kind} #{num}: {topic}"
            e["item"] = f"webinar-{ry}-{w:03d}"
        elif activity in ("cass-conference", "conference-presenter"):
            slug, title = next((s, t) for months, s, t in CONFERENCES if d.month in months)
            e["item"] = f"{slug}-{d.year}"
            if activity == "cass-conference":
                e["title"] = f"{title} {d.year} (#{num})"
                if rng.random() < 0.5:
                    e["evidence"] = f"certificates/{slug}-{d.year}-{num}.pdf"
            else:
                e["title"] = f"Session at the {title} {d.year}: {topic} (#{num})"
        elif activity == "cass-event":
            e["title"] = f"CASS pre-conference #{num}: {topic}"
            e["item"] = f"event-{ry}-{rng.randrange(n_items):03d}"
        elif activity == "cep-course":
            course = rng.randint(1, 12)
            e["course"] = course if rng.random() < 0.6 else CEP_COURSE_SLUGS[course]
            e["title"] = f"CEP course {course}: {CEP_COURSE_SLUGS[course].replace('-', ' ')} (#{num})"
            e["evidence"] = f"certificates/cep-{course:02d}-{num}.pdf"
        elif activity in ("eleadership-guide", "research-report"):
            kind = "eLeadership guide" if activity == "eleadership-guide" else "Research report"
            e["title"] = f"{kind} #{num}: {topic}"
            e["item"] = f"{activity}-{ry}-{rng.randrange(n_items):03d}"
        elif activity == "lqs-course":
            e["title"] = f"LQS course #{num}: {topic}"
            e["item"] = f"lqs-{ry}-{rng.randrange(n_items):03d}"
        elif activity == "verifiable-self-directed":
            e["title"] = f"Graduate seminar #{num}: {topic}"
            e["evidence"] = f"evidence/self-directed-{num}.pdf"
        elif activity == "unverifiable-self-directed":
            e["title"] = f"Reading #{num}: {topic}"
            if rng.random() < 0.2:
                e["notes"] = f"Read \"{topic}\" with the leadership team; discussed next steps."
        else:  # mentee, mentor, committee-member, working-group, develop-learning
            e["title"] = f"{activity.replace('-', ' ').capitalize()} #{num}: {topic}"
        out.append(e)
    return out


CASC_PROGRAMS = ("casc-butte", "casc-monterey", "casc-rossier")
CULMINATING = {"casc-butte": "exit-interview", "casc-monterey": "colloquium",
               "casc-rossier": "portfolio-presentation"}
CPSEL_TAGS = ["1", "2", "3", "4", "5", "6", "1A", "1B", "2A", "2C", "3B", "3D", "4A", "5B", "6C"]


def casc_entries(n: int, program: str, since: date, seed: int = 1, end: date = DATA_END) -> list[dict[str, Any]]:
    """``n`` entries of a two-year CASC induction starting ``since``: milestones of each
    program year, then coaching meetings and professional learning to fill ``n``."""
    rng = random.Random(f"casc-{program}-{seed}-{n}-{since}")
    y1 = since.year if since.month >= 9 else since.year - 1
    stop = min(end, date(y1 + 2, 8, 31))
    out: list[dict[str, Any]] = []

    def add(d: date, activity: str, **kw: Any) -> None:
        out.append({"date": min(max(d, since), stop), "activity": activity, **kw})

    for py in (1, 2):
        start_y = date(y1 + py - 1, 9, 1)
        if start_y > stop:
            break
        add(start_y + timedelta(days=20), "orientation", title=f"Orientation, program year {py}")
        add(start_y + timedelta(days=25), "iip", title=f"Individual Induction Plan, year {py}",
            cpsel=["1", "2", "3"] if py == 1 else ["4", "5", "6"])
        if program == "casc-butte":
            add(start_y + timedelta(days=22), "assurances", title=f"Assurances, year {py}")
            add(start_y + timedelta(days=30 + 120 * py), "self-assessment", title=f"CPSEL self-assessment {py}",
                ratings={str(s): rng.choice(["approaches", "meets"]) for s in range(1, 7)})
        if program == "casc-monterey":
            if py == 1:
                add(start_y + timedelta(days=15), "initial-interview", title="Initial interview")
            add(start_y + timedelta(days=140), "mid-year-meeting", title=f"Mid-year meeting, year {py}")
            add(start_y + timedelta(days=200), "site-visit", title=f"Site visit, year {py}")
    if date(y1 + 2, 6, 1) <= stop:
        add(date(y1 + 2, 5, 20), CULMINATING[program], title="Culminating event")
        add(date(y1 + 2, 5, 25), "employment-verification", title="Employment verification letter",
            evidence="letters/employment.pdf")
        add(date(y1 + 2, 6, 1), "cpsel-rating", title="Summative CPSEL rating",
            ratings={str(s): rng.choice(["meets", "exemplifies", "proficient"]) for s in range(1, 7)})
    filler = n - len(out)
    dates = _random_dates(rng, max(0, filler), since, stop)
    for k, d in enumerate(dates, 1):
        r = rng.random()
        if r < 0.55:
            add(d, "coaching", hours=Decimal(rng.choice(["1", "1.5", "0.75", "1.25"])),
                title=f"Coaching meeting #{k:04d}")
        elif program == "casc-rossier" and r < 0.75:
            add(d, "workshop", hours=Decimal(rng.choice(["3", "4.5", "6"])),
                title=f"Job-aligned workshop #{k:04d}: {rng.choice(TOPICS)}",
                cpsel=rng.sample(CPSEL_TAGS, 2))
        else:
            add(d, "professional-learning", hours=Decimal(rng.choice(["1.5", "2", "3", "6", "2.25"])),
                title=f"Professional learning #{k:04d}: {rng.choice(TOPICS)}",
                cpsel=rng.sample(CPSEL_TAGS, rng.randint(1, 2)))
    out.sort(key=lambda e: e["date"])
    for e, eid in zip(out, _unique_ids(rng, len(out))):
        e["id"] = eid
    return out[:n]


_KEY_ORDER = ("id", "date", "activity", "hours", "course", "title", "item", "cpsel", "ratings",
              "evidence", "notes")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return fmt_decimal(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {v!r}")


def render_ledger(member_id: str, name: str, programs: dict[str, dict[str, date]],
                  entries: Iterable[dict[str, Any]], comment: str = "") -> str:
    """A member ledger in the SPEC.md format."""
    parts = []
    if comment:
        parts.append("".join(f"# {line}\n" for line in comment.splitlines()))
    parts.append(f'schema = 1\n\n[member]\nid = {toml_str(member_id)}\nname = {toml_str(name)}\n')
    for pid, fields in programs.items():
        parts.append(f"\n[programs.{pid}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in fields.items()))
    for e in entries:
        lines = ["\n[[entries]]\n"]
        for key in _KEY_ORDER:
            if key in e:
                lines.append(f"{key} = {_toml_value(e[key])}\n")
        parts.append("".join(lines))
    return "".join(parts)


def claimed(entry: dict[str, Any]) -> Decimal:
    """What an entry claims: its hours, or the fixed 10 of a CEP course."""
    if entry["activity"] == "cep-course":
        return CEP_COURSE_CREDITS
    return entry.get("hours") or Decimal(0)


def render_journal(entries: Iterable[dict[str, Any]]) -> str:
    """The hledger/ledger journal equivalent to ``entries``: one transaction per entry,
    the claimed amount on ``cep:<activity>`` balanced by ``cep:claimed``."""
    out = []
    for e in entries:
        desc = (e.get("title") or e["activity"]).replace(";", ",")
        out.append(f"{e['date'].isoformat()} {desc}\n"
                   f"    cep:{e['activity']}  {fmt_decimal(claimed(e))}\n"
                   f"    cep:claimed\n\n")
    return "".join(out)


def expected_claimed(entries: Iterable[dict[str, Any]], start: date = YEAR_START,
                     end: date = YEAR_END) -> dict[str, Decimal]:
    """Claimed amount per activity for entries dated ``start .. end`` (inclusive)."""
    totals: dict[str, Decimal] = {}
    for e in entries:
        if start <= e["date"] <= end:
            totals[e["activity"]] = totals.get(e["activity"], Decimal(0)) + claimed(e)
    return totals


def write_single_member(folder: Path, n: int, member_id: str = "bench-member", seed: int = 1) -> dict[str, Any]:
    """``folder/ledgers/<member_id>.toml`` with ``n`` cass-cep entries and ``folder/journal.ledger``.

    Returns a description (paths, counts, the expected 2025-26 claimed totals).
    """
    entries = cass_entries(n, seed=seed)
    ledgers = folder / "ledgers"
    ledgers.mkdir(parents=True, exist_ok=True)
    text = render_ledger(member_id, f"Bench Member ({n} entries)", {"cass-cep": {"since": CASS_SINCE}}, entries,
                         comment=f"Generated by bench/bench.py (generator v{GENERATOR_VERSION}): {n} entries.")
    (ledgers / f"{member_id}.toml").write_text(text, encoding="utf-8")
    journal = folder / "journal.ledger"
    journal.write_text(render_journal(entries), encoding="utf-8")
    return {
        "ledgers": str(ledgers), "member": member_id, "journal": str(journal), "entries": n,
        "bytes": len(text.encode("utf-8")),
        "expected_claimed": {k: str(v) for k, v in sorted(expected_claimed(entries).items())},
    }


def write_many_members(folder: Path, members: int, entries_each: int, seed: int = 1) -> dict[str, Any]:
    """``folder/ledgers`` with ``members`` ledgers of ``entries_each`` entries; every fifth
    member is a CASC candidate (Butte, Monterey, Rossier in turn), the rest CASS members."""
    ledgers = folder / "ledgers"
    ledgers.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(members):
        mid = f"member-{i:04d}"
        rng = random.Random(f"many-{seed}-{i}")
        if i % 5 == 4:
            program = CASC_PROGRAMS[(i // 5) % 3]
            since = date(2024 + (i // 15) % 2, 9, 2) + timedelta(days=rng.randrange(40))
            employed = since - timedelta(days=rng.randrange(10, 200))
            entries = casc_entries(entries_each, program, since, seed=seed * 100003 + i)
            programs = {program: {"since": since, "employed_since": employed}}
        else:
            since = date(2015 + rng.randrange(10), 9, 1)
            entries = cass_entries(entries_each, seed=seed * 100003 + i, start=since)
            programs = {"cass-cep": {"since": since}}
        total += len(entries)
        text = render_ledger(mid, f"Member {i:04d}", programs, entries)
        (ledgers / f"{mid}.toml").write_text(text, encoding="utf-8")
    return {"ledgers": str(ledgers), "members": members, "entries": total}


def dataset_plan(quick: bool) -> dict[str, dict[str, Any]]:
    """Which data sets a run needs: name -> generator parameters."""
    plan: dict[str, dict[str, Any]] = {
        "status-1k": {"group": "status", "kind": "single", "n": 1_000},
        "status-10k": {"group": "status", "kind": "single", "n": 10_000},
        "add-10": {"group": "add", "kind": "single", "n": 10, "member": "bench-add"},
        "add-10k": {"group": "add", "kind": "single", "n": 10_000, "member": "bench-add"},
        "many": {"group": "summary", "kind": "many", "members": 1_000, "entries_each": 200},
    }
    if not quick:
        plan["status-100k"] = {"group": "status", "kind": "single", "n": 100_000}
    return plan


def ensure_dataset(root: Path, name: str, params: dict[str, Any], regenerate: bool = False) -> dict[str, Any]:
    """Generate ``root/name`` unless a complete copy from the same generator is there."""
    folder = root / name
    stamp = folder / "dataset.json"
    key = {"generator": GENERATOR_VERSION, **params}
    if not regenerate and stamp.exists():
        try:
            meta = json.loads(stamp.read_text())
            if meta.get("key") == key:
                return meta
        except (OSError, ValueError):
            pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    if params["kind"] == "single":
        meta = write_single_member(folder, params["n"], params.get("member", "bench-member"))
    else:
        meta = write_many_members(folder, params["members"], params["entries_each"])
    meta["key"] = key
    meta["generated_in_s"] = round(time.perf_counter() - t0, 2)
    stamp.write_text(json.dumps(meta, indent=1))
    return meta


# ---------------------------------------------------------------------------------------
# running commands


@dataclass
class Sample:
    wall: float
    maxrss_kb: int
    rc: int


@dataclass
class Series:
    """The timed samples of one command (and the outputs of its untimed warm-up)."""

    name: str
    argv: list[str]
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_output: bytes = b""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.errors

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    def median(self) -> float | None:
        return median(self.walls) if self.ok else None

    def peak_rss(self) -> int | None:
        return max(s.maxrss_kb for s in self.samples) if self.ok else None

    def as_json(self) -> dict[str, Any]:
        return {
            "argv": self.argv, "n": len(self.samples), "median_s": self.median(),
            "min_s": min(self.walls) if self.samples else None,
            "max_s": max(self.walls) if self.samples else None,
            "peak_rss_kb": self.peak_rss(), "samples_s": [round(w, 5) for w in self.walls],
            "errors": self.errors,
        }


# Each command is started by this small launcher rather than by the benchmark itself: a
# child's ru_maxrss starts at the high-water mark of the process it was forked from
# (Linux keeps it across exec), so a child of the benchmark process would inherit its
# tens of MB. The launcher is a bare `python -I -S` (about 8 MB, see "rss_floor_kb");
# it also times the child itself, so its own start-up is not counted.
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


def run_process(argv: Sequence[str], env: dict[str, str], timeout: float = 300.0,
                python: str = sys.executable) -> tuple[Sample, bytes, bytes]:
    """Run ``argv`` to completion through the launcher; return its Sample (wall time,
    ru_maxrss in KiB, exit code), stdout and stderr.

    Output goes to temporary files (not pipes) so nothing but the child runs meanwhile.
    """
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
        if p.returncode != 0 and not text:
            return Sample(0.0, 0, p.returncode or 127), stdout, stderr
        wall, rss, rc = float(text[0]), int(text[1]), int(text[2])
        return Sample(wall, rss, rc), stdout, stderr
    finally:
        os.unlink(result)


@dataclass
class Step:
    """One command of a unit: ``before`` runs untimed first (remove a cache, copy a ledger)."""

    series: Series
    before: Callable[[], None] | None = None
    check: Callable[[bytes], str | None] | None = None  # returns a problem or None
    env: dict[str, str] | None = None  # extra environment for this command only


class Runner:
    def __init__(self, env: dict[str, str], verbose: bool = False, timeout: float = 300.0):
        self.env = env
        self.verbose = verbose
        self.timeout = timeout

    def _one(self, step: Step, timed: bool) -> None:
        s = step.series
        if s.errors:  # a command that failed is not run again
            return
        try:
            if step.before:
                step.before()
            env = {**self.env, **step.env} if step.env else self.env
            sample, out, err = run_process(s.argv, env, self.timeout)
        except OSError as e:
            s.errors.append(f"could not run {s.argv[0]}: {e}")
            return
        if sample.rc != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            s.errors.append(f"exit {sample.rc}: {msg[-1] if msg else '(no message)'}")
            return
        if step.check:
            problem = step.check(out)
            if problem:
                s.errors.append(problem)
                return
        if not s.first_output:
            s.first_output = out  # the first output, for the consistency checks
        if timed:
            s.samples.append(sample)
            if self.verbose:
                print(f"    {s.name:<34} {fmt_seconds(sample.wall):>9} {fmt_kb(sample.maxrss_kb):>7}", flush=True)

    def alternate(self, units: list[list[Step]], repeats: int, warmup: bool = True) -> None:
        """Run the units in turn ``repeats`` times (order reversed every other round so no
        command always follows the same one); the steps of a unit run back to back."""
        if warmup:
            for unit in units:
                for step in unit:
                    self._one(step, timed=False)
        for i in range(repeats):
            order = units if i % 2 == 0 else units[::-1]
            for unit in order:
                for step in unit:
                    self._one(step, timed=True)


def clear_state(ledgers: Path) -> None:
    """Remove cepledger's state (``.cepledger/``) and any other hidden entry from a
    benchmark ledgers folder, which holds nothing else hidden of its own, and the report
    cache, which lives in the (benchmark's own) user cache directory."""
    if os.environ.get("XDG_CACHE_HOME"):
        shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "cepledger", ignore_errors=True)
    for entry in os.scandir(ledgers):
        if entry.name.startswith("."):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def remove_state(ledgers: Path) -> Callable[[], None]:
    """A ``before`` hook: ``clear_state`` for a first run."""
    return lambda: clear_state(ledgers)


# ---------------------------------------------------------------------------------------
# machine description


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
            "for n in ('cepledger', 'typer', 'rich', 'tomli', 'tomlkit'):\n"
            "    try: out[n] = m.version(n)\n    except Exception: pass\nprint(json.dumps(out))")
    try:
        p = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=30)
        return json.loads(p.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def _loadavg() -> str | None:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return None


def machine_info(python: str, hledger: str | None, ledger: str | None) -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    py = tool_version([python, "-c", "import sys, platform; print(platform.python_implementation(), sys.version.split()[0])"])
    true = shutil.which("true")
    floor = run_process([true], dict(os.environ))[0].maxrss_kb if true else None
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rss_floor_kb": floor, "load_before": _loadavg(),
        "nproc": usable, "cpu": cpu_model(), "os": platform.platform(),
        "python": py, "packages": package_versions(python),
        "hledger": tool_version([hledger, "--version"]) if hledger else None,
        "ledger": tool_version([ledger, "--version"]) if ledger else None,
    }


# ---------------------------------------------------------------------------------------
# output checks


def _json_numbers(out: bytes) -> Any:
    return json.loads(out, parse_float=Decimal, parse_int=Decimal)


def check_status_json(member: str) -> Callable[[bytes], str | None]:
    def check(out: bytes) -> str | None:
        try:
            doc = _json_numbers(out)
        except ValueError as e:
            return f"status --format json did not print JSON: {e}"
        if not isinstance(doc, dict) or doc.get("member") != member:
            return "status --format json printed JSON without the member"
        return None
    return check


def check_summary_json(out: bytes) -> str | None:
    try:
        doc = json.loads(out)
    except ValueError as e:
        return f"summary --format json did not print JSON: {e}"
    if not isinstance(doc, list) or not doc:
        return "summary --format json printed no rows"
    return None


def same_as(reference: "Series", check: Callable[[bytes], str | None]) -> Callable[[bytes], str | None]:
    """``check``, then the output must be byte-identical to ``reference``'s first output
    (a cached run must print exactly what a cold run prints)."""
    def inner(out: bytes) -> str | None:
        problem = check(out)
        if problem:
            return problem
        if reference.first_output and out != reference.first_output:
            return "the repeated (cached) run printed different bytes from the first (cold) run"
        return None
    return inner


def check_contains(word: str) -> Callable[[bytes], str | None]:
    def check(out: bytes) -> str | None:
        return None if word.encode() in out else f"the output does not contain {word!r}"
    return check


def status_claimed(out: bytes) -> dict[str, Decimal]:
    doc = _json_numbers(out)
    result: dict[str, Decimal] = {}
    for prog in doc.get("programs", []):
        if prog.get("program") == "cass-cep":
            for a in prog.get("activities", []):
                result[a["activity"]] = Decimal(a["claimed"])
    return result


_HLEDGER_LINE = re.compile(r"^\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s+cep:([a-z0-9-]+)\s*$")


def hledger_claimed(out: bytes) -> dict[str, Decimal]:
    """Per-activity totals from ``hledger bal`` (flat) output."""
    result = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = _HLEDGER_LINE.match(line)
        if m and m.group(2) != "claimed":
            result[m.group(2)] = Decimal(m.group(1).replace(",", ""))
    return result


def compare_totals(expected: dict[str, Decimal], got: dict[str, Decimal]) -> list[str]:
    """Activities whose totals differ (a missing activity counts as 0)."""
    diffs = []
    for act in sorted(set(expected) | set(got)):
        e, g = expected.get(act, Decimal(0)), got.get(act, Decimal(0))
        if e != g:
            diffs.append(f"{act}: expected {e}, got {g}")
    return diffs


# ---------------------------------------------------------------------------------------
# the benchmark


@dataclass
class Row:
    case: str
    cep: float | None            # seconds, or KiB when unit == "kb"
    vs: str = ""                 # comparison name ("" for an absolute target)
    cmp: float | None = None
    limit: float | None = None   # ratio limit, or absolute seconds when vs == ""
    unit: str = "s"
    error: bool = False          # the cepledger command failed

    @property
    def ratio(self) -> float | None:
        return ratio(self.cep, self.cmp) if self.vs else None

    @property
    def target(self) -> str:
        if self.limit is None:
            return ""
        limit = f"{self.limit:.2f}".rstrip("0")
        limit = limit + "0" if limit.endswith(".") else limit
        return f"≤ {limit}× {self.vs}" if self.vs else f"≤ {limit} s"

    @property
    def result(self) -> str:
        if self.limit is None:
            return ""
        if self.error:
            return "ERROR"
        return judge(self.ratio if self.vs else self.cep, self.limit)

    def cells(self) -> list[str]:
        fmt = fmt_kb if self.unit == "kb" else fmt_seconds
        comparison = f"{self.vs} {fmt(self.cmp)}" if self.vs else ""
        return [self.case, fmt(self.cep), comparison, fmt_ratio(self.ratio) if self.vs else "",
                self.target, self.result]

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "cepledger": self.cep, "vs": self.vs or None, "comparison": self.cmp,
                "ratio": self.ratio, "unit": self.unit, "target": self.target or None,
                "result": self.result or None}


HEADERS = ["case", "cepledger", "comparison", "ratio", "target", "result"]


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    def esc(c: str) -> str:
        return str(c).replace("|", "\\|")
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.quick = args.quick
        self.out_dir = Path(args.out_dir)
        self.data_dir = self.out_dir / "data"
        self.python = args.python
        self.cep = self._find_cep(args.cep)
        self.hledger = None if args.no_compare else shutil.which("hledger")
        self.ledger = None if args.no_compare else shutil.which("ledger")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CEPLEDGER", "_CEP_", "_TYPER_", "LEDGER_"))}
        env.pop("LEDGER_FILE", None)
        env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLUMNS": "100", "NO_COLOR": "1"})
        # The report cache lives in the user's cache directory: a private one, which
        # clear_state empties for every first run.
        env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"] = str(self.out_dir.resolve() / "xdg-cache")
        self.env = env
        self.runner = Runner(env, verbose=args.verbose)
        self.series: dict[str, Series] = {}
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.datasets: dict[str, dict[str, Any]] = {}

    # -- set-up

    def _find_cep(self, given: str | None) -> list[str] | None:
        if given:
            return given.split()
        for candidate in (Path(self.python).parent / "cep", REPO / ".venv" / "bin" / "cep"):
            if candidate.exists():
                return [str(candidate)]
        found = shutil.which("cep")
        return [found] if found else None

    def repeats(self, size: str) -> int:
        if self.args.repeat:
            return self.args.repeat
        full = {"small": 11, "10k": 5, "100k": 3, "summary": 3}[size]
        quick = {"small": 3, "10k": 3, "100k": 1, "summary": 1}[size]
        return quick if self.quick else full

    def s(self, name: str, argv: list[str]) -> Series:
        series = self.series.setdefault(name, Series(name, argv))
        return series

    def cep_argv(self, *args: str) -> list[str]:
        assert self.cep
        return [*self.cep, *args]

    def compile_bytecode(self) -> None:
        """Compile cepledger's bytecode, as ``pip install`` does for a regular install.

        An editable install leaves compiling to the first import, which writes nothing
        when PYTHONDONTWRITEBYTECODE is set: every run would then compile every module
        again (about 40 ms), which no installed copy ever does.
        """
        code = ("import compileall, os, cepledger; "
                "raise SystemExit(0 if compileall.compile_dir(os.path.dirname(cepledger.__file__), quiet=1) else 1)")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        done = subprocess.run([self.python, "-c", code], env=env, capture_output=True)
        if done.returncode != 0:
            self.notes.append("could not compile cepledger's bytecode; start-up figures include compiling")

    def prepare(self) -> None:
        self.compile_bytecode()
        plan = dataset_plan(self.quick)
        print(f"data sets in {self.data_dir} ...", flush=True)
        for name, params in plan.items():
            if self.args.only and params["group"] not in self.args.only:
                continue
            meta = ensure_dataset(self.data_dir, name, params, regenerate=self.args.regenerate)
            self.datasets[name] = meta
            how = f"generated in {meta['generated_in_s']} s" if meta.get("generated_in_s") is not None else ""
            print(f"  {name:<12} {meta['entries']:>7} entries  {how}", flush=True)
        if not self.cep:
            self.notes.append("cepledger's `cep` was not found (install with `make install`): "
                              "only the comparison commands and the Python floor were measured.")
        else:
            sample, out, err = run_process(self.cep_argv("--help"), self.env)
            if sample.rc != 0:
                self.notes.append(f"`cep --help` failed (exit {sample.rc}): "
                                  f"{err.decode('utf-8', 'replace').strip().splitlines()[-1:]}; "
                                  "cepledger's figures are missing.")
                self.cep = None
        for tool, path in (("hledger", self.hledger), ("ledger", self.ledger)):
            if not path:
                self.notes.append(f"{tool} is not installed (Debian package `{tool}`): "
                                  f"its comparisons are skipped.")

    # -- groups

    def group_status(self, size: str, label: str, repeats_key: str) -> None:
        meta = self.datasets.get(f"status-{size}")
        if not meta:
            return
        ledgers, member, journal = Path(meta["ledgers"]), meta["member"], meta["journal"]
        print(f"\nstatus on {label} entries ({self.repeats(repeats_key)} rounds)", flush=True)
        units: list[list[Step]] = []
        if self.cep:
            argv = self.cep_argv("--ledgers", str(ledgers), "status", member, "--format", "json", "--year", str(YEAR))
            check = check_status_json(member)
            first = self.s(f"status {label} first", argv)
            units.append([Step(first, remove_state(ledgers), check),
                          Step(self.s(f"status {label} repeated", argv), None, same_as(first, check))])
        if self.hledger:
            units.append([Step(self.s(f"hledger bal {label}", [self.hledger, "-f", journal, "bal", *PERIOD_ARGS]),
                               None, check_contains("cep:"))])
        if self.ledger:
            units.append([Step(self.s(f"ledger bal {label}", [self.ledger, "-f", journal, "bal", *PERIOD_ARGS]),
                               None, check_contains("cep"))])
        rounds = self.repeats(repeats_key)
        # A warm-up round costs as much as a timed one; at 100k a median of 3 absorbs it.
        self.runner.alternate(units, rounds, warmup=not (label == "100k" and rounds >= 3))

        expected = {k: Decimal(v) for k, v in meta["expected_claimed"].items()}
        first, rep = self.series.get(f"status {label} first"), self.series.get(f"status {label} repeated")
        if first and first.first_output:
            try:
                diffs = compare_totals(expected, status_claimed(first.first_output))
            except (ValueError, KeyError, TypeError) as e:
                diffs = [f"could not read the activities: {e}"]
            if diffs:
                self.notes.append(f"status {label}: claimed per activity differs from the generator's totals "
                                  f"({len(diffs)}): " + "; ".join(diffs[:3]))
        hl = self.series.get(f"hledger bal {label}")
        if hl and hl.first_output:
            diffs = compare_totals(expected, hledger_claimed(hl.first_output))
            if diffs:
                self.notes.append(f"hledger bal {label}: totals differ from the generator's ({len(diffs)}): "
                                  + "; ".join(diffs[:3]))

        c_first, c_rep = self.med(f"status {label} first"), self.med(f"status {label} repeated")
        h, l = self.med(f"hledger bal {label}"), self.med(f"ledger bal {label}")
        e_first, e_rep = self.failed(f"status {label} first"), self.failed(f"status {label} repeated")
        limits = {  # (first vs hledger, repeated vs hledger, repeated vs ledger)
            "1k": (1.0, 1.0, None), "10k": (0.5, None, 1.0), "100k": (0.35, None, 1.0),
        }[label]
        self.rows += [
            Row(f"status {label}, first run", c_first, "hledger", h, limits[0], error=e_first),
            Row(f"status {label}, first run", c_first, "ledger", l, None, error=e_first),
            Row(f"status {label}, repeated run", c_rep, "hledger", h, limits[1], error=e_rep),
            Row(f"status {label}, repeated run", c_rep, "ledger", l, limits[2], error=e_rep),
        ]
        if label == "100k":
            rss = {k: (self.series[k].peak_rss() if k in self.series else None)
                   for k in (f"status {label} first", f"status {label} repeated",
                             f"hledger bal {label}", f"ledger bal {label}")}
            self.rows += [
                Row(f"status {label}, first run, peak RSS", rss[f"status {label} first"], "hledger",
                    rss[f"hledger bal {label}"], 0.5, unit="kb", error=e_first),
                Row(f"status {label}, first run, peak RSS", rss[f"status {label} first"], "ledger",
                    rss[f"ledger bal {label}"], None, unit="kb", error=e_first),
                Row(f"status {label}, repeated run, peak RSS", rss[f"status {label} repeated"], "hledger",
                    rss[f"hledger bal {label}"], 0.5, unit="kb", error=e_rep),
            ]

    def med(self, name: str) -> float | None:
        s = self.series.get(name)
        return s.median() if s else None

    def failed(self, name: str) -> bool:
        s = self.series.get(name)
        return bool(s and s.errors)

    def group_add(self) -> None:
        small, large = self.datasets.get("add-10"), self.datasets.get("add-10k")
        if not (small and large) or not self.cep:
            return
        n = self.repeats("small")
        print(f"\nadd on a 10-entry and a 10k-entry ledger ({n} rounds)", flush=True)
        units = []
        for label, meta in (("10", small), ("10k", large)):
            ledgers, member = Path(meta["ledgers"]), meta["member"]
            path = ledgers / f"{member}.toml"
            pristine = ledgers.parent / "pristine.toml"
            if not pristine.exists():
                shutil.copyfile(path, pristine)
            argv = self.cep_argv("--ledgers", str(ledgers), "add", member, "live-webinar", "1.5",
                                 "--date", "2025-10-03", "--title", "Bench webinar", "--item", "bench-webinar-2025")
            status_argv = self.cep_argv("--ledgers", str(ledgers), "status", member, "--format", "json",
                                        "--year", str(YEAR))
            first_add = self.cep_argv("--ledgers", str(ledgers), "add", member, "mentee", "2", "--date",
                                      "2025-10-02", "--title", "Bench mentoring")

            def fresh(ledgers: Path = ledgers, path: Path = path, pristine: Path = pristine) -> None:
                clear_state(ledgers)
                path.unlink(missing_ok=True)
                shutil.copyfile(pristine, path)

            def fresh_warm(fresh: Callable[[], None] = fresh, status_argv: list[str] = status_argv) -> None:
                fresh()
                run_process(status_argv, self.env)  # leaves whatever cache `status` writes

            def after_add(fresh_warm: Callable[[], None] = fresh_warm, first_add: list[str] = first_add) -> None:
                fresh_warm()
                run_process(first_add, self.env)  # the steady state: logging one entry after another

            def appended(out: bytes, path: Path = path, pristine: Path = pristine) -> str | None:
                before, after = pristine.read_bytes(), path.read_bytes()
                if not after.startswith(before) or len(after) <= len(before):
                    return "add did not keep the ledger's bytes as a prefix of the new file"
                return None

            units.append([Step(self.s(f"add on {label} entries (no cache)", argv), fresh, appended)])
            units.append([Step(self.s(f"add on {label} entries (after status)", argv), fresh_warm, appended)])
            units.append([Step(self.s(f"add on {label} entries (after an add)", argv), after_add, appended)])
        self.runner.alternate(units, n)
        # The target is for a ledger cepledger has read before (any command leaves its parse
        # in the cache); the very first add in a fresh folder parses the whole history once.
        for kind, limit in (("no cache", None), ("after status", 1.5), ("after an add", 1.5)):
            a = self.series[f"add on 10 entries ({kind})"]
            b = self.series[f"add on 10k entries ({kind})"]
            self.rows.append(Row(f"add on 10k entries ({kind})", b.median(), "add on 10", a.median(), limit,
                                 error=bool(a.errors or b.errors)))

    def group_summary(self) -> None:
        meta = self.datasets.get("many")
        if not meta or not self.cep:
            return
        n = self.repeats("summary")
        ledgers = Path(meta["ledgers"])
        print(f"\nsummary over {meta['members']} members x {meta['entries'] // meta['members']} entries "
              f"({n} rounds)", flush=True)
        argv = self.cep_argv("--ledgers", str(ledgers), "summary", "--format", "json", "--year", str(YEAR))
        first = self.s("summary 1000x200 first", argv)
        rep = self.s("summary 1000x200 repeated", argv)
        self.runner.alternate([[Step(first, remove_state(ledgers), check_summary_json),
                                Step(rep, None, same_as(first, check_summary_json))]], n, warmup=n < 3)
        self.rows += [Row("summary 1000×200, first run", first.median(), "", None, 3.0, error=bool(first.errors)),
                      Row("summary 1000×200, repeated run", rep.median(), "", None, 1.0, error=bool(rep.errors))]

    def group_startup(self) -> None:
        n = self.repeats("small")
        print(f"\nstart-up: --help and completion vs `import typer` and `python -c pass` ({n} rounds)", flush=True)
        typer_s = self.s("python -c 'import typer'", [self.python, "-c", "import typer"])
        floor = self.s("python -c pass", [self.python, "-c", "pass"])
        units = [[Step(typer_s)], [Step(floor)]]
        help_s = comp = None
        if self.cep:
            help_s = self.s("cep --help", self.cep_argv("--help"))
            comp = self.s("cep completion (bash, 'cep st')", self.cep_argv())
            units = [[Step(help_s, None, check_contains("status"))],
                     [Step(comp, None, check_contains("status"), env=self._COMPLETION_ENV)], *units]
        self.runner.alternate(units, n)
        t, f = typer_s.median(), floor.median()
        self.rows += [
            Row("cep --help", help_s.median() if help_s else None, "import typer", t, 1.5,
                error=bool(help_s and help_s.errors)),
            Row("shell completion `cep st<TAB>`", comp.median() if comp else None, "import typer", t, 1.5,
                error=bool(comp and comp.errors)),
            Row("cep --help", help_s.median() if help_s else None, "python -c pass", f, None),
            Row("python -c 'import typer'", t, "python -c pass", f, None),
        ]

    # Typer's completion protocol (typer/_completion_classes.py BashComplete):
    # _<PROG>_COMPLETE=complete_bash with COMP_WORDS / COMP_CWORD, as its bash script sets.
    _COMPLETION_ENV = {"_CEP_COMPLETE": "complete_bash", "COMP_WORDS": "cep st", "COMP_CWORD": "1"}

    # -- report

    def run(self) -> int:
        t0 = time.perf_counter()
        self.machine = machine_info(self.python, self.hledger, self.ledger)
        self.prepare()
        groups = self.args.only or ["status", "add", "summary", "startup"]
        if "status" in groups:
            self.group_status("1k", "1k", "small")
            self.group_status("10k", "10k", "10k")
            if not self.quick:
                self.group_status("100k", "100k", "100k")
        if "add" in groups:
            self.group_add()
        if "summary" in groups:
            self.group_summary()
        if "startup" in groups:
            self.group_startup()
        self.elapsed = time.perf_counter() - t0
        self.machine["load_after"] = _loadavg()
        for s in self.series.values():
            for e in s.errors:
                self.notes.append(f"{s.name}: {e}")
        self.report()
        return 0

    def machine_lines(self) -> list[str]:
        m = self.machine
        pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        return [
            f"machine: {m['nproc']} CPU(s), {m['cpu']}; {m['os']}",
            f"python: {m['python']} ({pk})",
            f"hledger: {m['hledger'] or 'not installed'}; ledger: {m['ledger'] or 'not installed'}",
            f"load average (1/5/15 min) before: {m['load_before']}, after: {m.get('load_after')}; "
            f"peak RSS includes the launcher's floor of {fmt_kb(m['rss_floor_kb'])}",
            f"run: {m['date']}, {'quick' if self.quick else 'full'} mode, {self.elapsed:.0f} s; "
            "medians of whole-process wall time; first run = no cache, repeated = cache left by the first",
        ]

    def all_rows(self) -> list[list[str]]:
        out = []
        for s in self.series.values():
            w = s.walls
            out.append([s.name, str(len(w)), fmt_seconds(s.median()), fmt_seconds(min(w) if w else None),
                        fmt_seconds(max(w) if w else None), fmt_kb(s.peak_rss()),
                        "ERROR" if s.errors else ""])
        return out

    def report(self) -> None:
        rows = [r.cells() for r in self.rows]
        cmd_headers = ["command", "n", "median", "min", "max", "peak RSS", ""]
        print("\n" + "\n".join(self.machine_lines()) + "\n")
        print(text_table(HEADERS, rows))
        print()
        print(text_table(cmd_headers, self.all_rows()))
        if self.notes:
            print("\nnotes:")
            for n in self.notes:
                print(f"  - {n}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        results = {
            "machine": self.machine, "mode": "quick" if self.quick else "full", "elapsed_s": round(self.elapsed, 1),
            "year": YEAR, "period_args": PERIOD_ARGS,
            "datasets": {k: {kk: vv for kk, vv in v.items() if kk != "expected_claimed"}
                         for k, v in self.datasets.items()},
            "rows": [r.as_json() for r in self.rows],
            "commands": {name: s.as_json() for name, s in self.series.items()},
            "notes": self.notes,
        }
        (self.out_dir / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
        md = ["\n".join(f"- {line}" for line in self.machine_lines()), "", md_table(HEADERS, rows), "",
              md_table(cmd_headers[:-1], [r[:-1] for r in self.all_rows()])]
        if self.notes:
            md += ["", *(f"- {n}" for n in self.notes)]
        md += ["", "Reproduce with `make bench` (`.venv/bin/python bench/bench.py`; `--quick` for a short run)."]
        (self.out_dir / "results.md").write_text("\n".join(md) + "\n")
        print(f"\nwritten: {self.out_dir / 'results.json'}, {self.out_dir / 'results.md'}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark cepledger against hledger and ledger (issue 5).")
    p.add_argument("--quick", action="store_true", help="fewer repeats, no 100k-entry set")
    p.add_argument("--repeat", type=int, default=0, help="timed rounds per group (default: by size)")
    p.add_argument("--only", nargs="+", choices=["status", "add", "summary", "startup"],
                   help="run only these groups")
    p.add_argument("--out-dir", default=str(REPO / ".bench"), help="results and data (default: .bench)")
    p.add_argument("--python", default=sys.executable, help="the Python for the start-up floor")
    p.add_argument("--cep", help="the cepledger command (default: cep next to --python)")
    p.add_argument("--no-compare", action="store_true", help="do not run hledger/ledger even if installed")
    p.add_argument("--regenerate", action="store_true", help="rebuild the data sets")
    p.add_argument("-v", "--verbose", action="store_true", help="print every sample")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return Bench(parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
