"""The benchmark's data: realistic ledgers and the equivalent hledger/ledger journals.

Pure and deterministic: a seed and a size give the same bytes, so a data set is
generated once under ``.bench/data`` and reused until the generator changes. Nothing
here imports cepledger (``tests/test_bench_smoke.py`` checks the output with it).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

GENERATOR_VERSION = 5  # bump when the generated data changes, so stored sets are rebuilt

YEAR = 2025  # the reported year: 2025-09-01 .. 2026-08-31
YEAR_START = date(YEAR, 9, 1)
YEAR_END = date(YEAR + 1, 8, 31)
PERIOD_ARGS = ["-b", YEAR_START.isoformat(), "-e", (YEAR_END + timedelta(days=1)).isoformat()]
CASS_SINCE = date(2015, 9, 1)
DATA_END = date(2026, 8, 31)
MEMBER_SINCE = date(2021, 9, 1)  # the realistic member: five reporting years, 2021-22 .. 2025-26

# Every generated ledger and journal starts with this fixed-width line. Rewriting it
# (``mark_changed``) changes the content, the size staying the same, so no cache keyed
# by content can answer a "cold" run.
REVISION = "# bench revision {:06d}\n"

TOPICS = [
    "Assessment literacy", "Indigenous education", "Trauma-informed leadership",
    "School board governance", "Budget and finance", "Mental health in schools",
    "AI in the classroom", "Rural school leadership", "Teacher growth plans",
    "Inclusive education", "Francophone education", "Literacy and numeracy",
    "Collective bargaining", "Capital planning", "Wellness for system leaders",
    "Truth and Reconciliation in practice", "Métis education", "Data-informed decisions",
]
CONFERENCES = [  # (months, slug, title): the conference held in those months
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

# activity -> (weight, hour choices, or None for cep-course, worth a fixed 10)
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
ITEM_PREFIX = {"live-webinar": "webinar", "recorded-webinar-guide": "webinar", "webinar-presenter": "webinar",
               "cass-event": "event", "eleadership-guide": "eleadership-guide",
               "research-report": "research-report", "lqs-course": "lqs"}


def fmt_decimal(d: Decimal) -> str:
    """A Decimal as plain TOML/journal text: ``Decimal("2.50")`` -> ``"2.5"``."""
    return format(d.normalize(), "f")


def toml_str(s: str) -> str:
    """A TOML basic string literal (control characters as ``\\uXXXX``)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _random_dates(rng: random.Random, n: int, start: date, end: date) -> list[date]:
    days = sorted(rng.randrange((end - start).days + 1) for _ in range(n))
    out = [start + timedelta(days=d) for d in days]
    for _ in range(n // 100):  # real ledgers are mostly chronological, some entries logged late
        i = rng.randrange(n)
        j = min(n - 1, i + rng.randrange(1, 6))
        out[i], out[j] = out[j], out[i]
    return out


def _unique_ids(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add(f"{rng.getrandbits(24):06x}")
    return rng.sample(sorted(seen), n)


def _cass_details(rng: random.Random, activity: str, d: date, num: str, n_items: int) -> dict[str, Any]:
    """Title, item, course, evidence and notes of one cass-cep entry. Titles are short, as
    people write them, and carry the entry's number so that no two entries are identical
    (``cep check`` warns about a repeated entry)."""
    topic = rng.choice(TOPICS)
    ry = d.year if d.month >= 9 else d.year - 1  # reporting year: items are per year
    e: dict[str, Any] = {"title": f"{topic} #{num}"}
    if activity in ("cass-conference", "conference-presenter"):
        slug, title = next((s, t) for months, s, t in CONFERENCES if d.month in months)
        e["item"] = f"{slug}-{d.year}"
        if activity == "cass-conference":
            e["title"] = f"{title} {d.year} #{num}"
            if rng.random() < 0.5:
                e["evidence"] = f"certificates/{slug}-{d.year}-{num}.pdf"
    elif activity == "cep-course":
        course = rng.randint(1, 12)
        e["course"] = course if rng.random() < 0.6 else CEP_COURSE_SLUGS[course]
        e["title"] = f"CEP course {course} #{num}"
        e["evidence"] = f"certificates/cep-{course:02d}-{num}.pdf"
    elif activity in ITEM_PREFIX:
        e["item"] = f"{ITEM_PREFIX[activity]}-{ry}-{rng.randrange(n_items):03d}"
    elif activity == "verifiable-self-directed":
        e["evidence"] = f"evidence/self-directed-{num}.pdf"
    elif activity == "unverifiable-self-directed" and rng.random() < 0.2:
        e["notes"] = f"Read \"{topic}\" with the leadership team; discussed next steps."
    return e


def cass_entries(n: int, seed: int = 1, start: date = CASS_SINCE, end: date = DATA_END) -> list[dict[str, Any]]:
    """``n`` realistic cass-cep entries dated ``start .. end`` (mostly in date order).

    Each entry is a dict with the TOML keys of the contract (``hours`` a Decimal, absent
    for ``cep-course``, worth a fixed 10 credits). Titles carry a running number so no two
    entries are identical (``cep check`` would warn about a repeat).
    """
    rng = random.Random(f"cass-{seed}-{n}-{start}")
    names = list(CASS_MIX)
    activities = rng.choices(names, [CASS_MIX[a][0] for a in names], k=n)
    dates = _random_dates(rng, n, start, end)
    ids = _unique_ids(rng, n)
    per_year = max(1, n * 365 // max(1, (end - start).days + 1))
    n_items = max(4, per_year // 12)  # how many distinct webinars, guides, events a year
    out: list[dict[str, Any]] = []
    for k, (activity, d) in enumerate(zip(activities, dates), 1):
        e: dict[str, Any] = {"id": ids[k - 1], "date": d, "activity": activity}
        hours = CASS_MIX[activity][1]
        if hours is not None:
            e["hours"] = Decimal(rng.choice(hours))
        e.update(_cass_details(rng, activity, d, str(k), n_items))
        out.append(e)
    return out


CASC_PROGRAMS = ("casc-butte", "casc-monterey", "casc-rossier")
CULMINATING = {"casc-butte": "exit-interview", "casc-monterey": "colloquium",
               "casc-rossier": "portfolio-presentation"}
CPSEL_TAGS = ["1", "2", "3", "4", "5", "6", "1A", "1B", "2A", "2C", "3B", "3D", "4A", "5B", "6C"]


def _casc_milestones(rng: random.Random, program: str, y1: int, stop: date) -> list[tuple[date, str, dict]]:
    """The milestones of a two-year induction whose first program year starts in ``y1``."""
    out: list[tuple[date, str, dict]] = []
    for py in (1, 2):
        start = date(y1 + py - 1, 9, 1)
        if start > stop:
            break
        out.append((start + timedelta(days=20), "orientation", {"title": f"Orientation, program year {py}"}))
        out.append((start + timedelta(days=25), "iip", {"title": f"Individual Induction Plan, year {py}",
                                                        "cpsel": ["1", "2", "3"] if py == 1 else ["4", "5", "6"]}))
        if program == "casc-butte":
            out.append((start + timedelta(days=22), "assurances", {"title": f"Assurances, year {py}"}))
            out.append((start + timedelta(days=30 + 120 * py), "self-assessment", {
                "title": f"CPSEL self-assessment {py}",
                "ratings": {str(s): rng.choice(["approaches", "meets"]) for s in range(1, 7)}}))
        if program == "casc-monterey":
            if py == 1:
                out.append((start + timedelta(days=15), "initial-interview", {"title": "Initial interview"}))
            out.append((start + timedelta(days=140), "mid-year-meeting", {"title": f"Mid-year meeting, year {py}"}))
            out.append((start + timedelta(days=200), "site-visit", {"title": f"Site visit, year {py}"}))
    if date(y1 + 2, 6, 1) <= stop:
        out.append((date(y1 + 2, 5, 20), CULMINATING[program], {"title": "Culminating event"}))
        out.append((date(y1 + 2, 5, 25), "employment-verification", {
            "title": "Employment verification letter", "evidence": "letters/employment.pdf"}))
        out.append((date(y1 + 2, 6, 1), "cpsel-rating", {
            "title": "Summative CPSEL rating",
            "ratings": {str(s): rng.choice(["meets", "exemplifies", "proficient"]) for s in range(1, 7)}}))
    return out


def _casc_session(rng: random.Random, program: str, k: int) -> tuple[str, dict]:
    """One coaching meeting, workshop or professional learning session."""
    r = rng.random()
    if r < 0.55:
        return "coaching", {"hours": Decimal(rng.choice(["1", "1.5", "0.75", "1.25"])),
                            "title": f"Coaching meeting #{k:04d}"}
    if program == "casc-rossier" and r < 0.75:
        return "workshop", {"hours": Decimal(rng.choice(["3", "4.5", "6"])),
                            "title": f"Job-aligned workshop #{k:04d}: {rng.choice(TOPICS)}",
                            "cpsel": rng.sample(CPSEL_TAGS, 2)}
    return "professional-learning", {"hours": Decimal(rng.choice(["1.5", "2", "3", "6", "2.25"])),
                                     "title": f"Professional learning #{k:04d}: {rng.choice(TOPICS)}",
                                     "cpsel": rng.sample(CPSEL_TAGS, rng.randint(1, 2))}


def casc_entries(n: int, program: str, since: date, seed: int = 1, end: date = DATA_END) -> list[dict[str, Any]]:
    """``n`` entries of a two-year CASC induction starting ``since``: the milestones of
    each program year, then coaching meetings and professional learning to fill ``n``."""
    rng = random.Random(f"casc-{program}-{seed}-{n}-{since}")
    y1 = since.year if since.month >= 9 else since.year - 1
    stop = min(end, date(y1 + 2, 8, 31))
    found = _casc_milestones(rng, program, y1, stop)
    for k, d in enumerate(_random_dates(rng, max(0, n - len(found)), since, stop), 1):
        found.append((d, *_casc_session(rng, program, k)))
    out = [{"date": min(max(d, since), stop), "activity": a, **kw} for d, a, kw in found]
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
    """A member ledger in the contract's format, starting with the revision line."""
    parts = [REVISION.format(0), "".join(f"# {line}\n" for line in comment.splitlines()),
             f"schema = 1\n\n[member]\nid = {toml_str(member_id)}\nname = {toml_str(name)}\n"]
    for pid, fields in programs.items():
        parts.append(f"\n[programs.{pid}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in fields.items()))
    for e in entries:
        parts.append("\n[[entries]]\n" + "".join(f"{k} = {_toml_value(e[k])}\n" for k in _KEY_ORDER if k in e))
    return "".join(parts)


def claimed(entry: dict[str, Any]) -> Decimal:
    """What an entry claims: its hours, the fixed 10 of a CEP course, 0 for a milestone."""
    if entry["activity"] == "cep-course":
        return CEP_COURSE_CREDITS
    return entry.get("hours") or Decimal(0)


def render_journal(entries: Iterable[dict[str, Any]], account: str = "cep") -> str:
    """The hledger/ledger journal equivalent to ``entries``: one transaction per entry,
    the claimed amount on ``<account>:<activity>`` balanced by ``<account>:claimed``."""
    out = []
    for e in entries:
        desc = (e.get("title") or e["activity"]).replace(";", ",")
        out.append(f"{e['date'].isoformat()} {desc}\n"
                   f"    {account}:{e['activity']}  {fmt_decimal(claimed(e))}\n"
                   f"    {account}:claimed\n\n")
    return "".join(out)


def expected_claimed(entries: Iterable[dict[str, Any]], start: date = YEAR_START,
                     end: date = YEAR_END) -> dict[str, Decimal]:
    """Claimed amount per activity of the entries dated ``start .. end`` (inclusive)."""
    totals: dict[str, Decimal] = {}
    for e in entries:
        if start <= e["date"] <= end:
            totals[e["activity"]] = totals.get(e["activity"], Decimal(0)) + claimed(e)
    return totals


def write_single_member(folder: Path, n: int, member_id: str = "bench-member", seed: int = 1,
                        since: date = CASS_SINCE) -> dict[str, Any]:
    """``folder/ledgers/<member_id>.toml`` with ``n`` cass-cep entries dated ``since`` ..
    2026-08-31, and the same entries as ``folder/journal.ledger``.

    Returns a description: paths, counts, bytes, the expected 2025-26 claimed totals.
    """
    entries = cass_entries(n, seed=seed, start=since)
    ledgers = folder / "ledgers"
    ledgers.mkdir(parents=True, exist_ok=True)
    text = render_ledger(member_id, f"Bench Member ({n} entries)", {"cass-cep": {"since": since}}, entries,
                         comment=f"Generated by bench/bench_data.py (v{GENERATOR_VERSION}): {n} entries.")
    path = ledgers / f"{member_id}.toml"
    path.write_text(text, encoding="utf-8")
    journal = folder / "journal.ledger"
    journal.write_text(REVISION.format(0) + render_journal(entries), encoding="utf-8")
    return {
        "ledgers": str(ledgers), "member": member_id, "journal": str(journal), "entries": n,
        "bytes": path.stat().st_size,
        "expected_claimed": {k: str(v) for k, v in sorted(expected_claimed(entries).items())},
    }


def organisation_member(i: int, entries_each: int, seed: int = 1) -> tuple[str, dict, list[dict[str, Any]]]:
    """Member ``i`` of an organisation: ``(id, programs, entries)``. Every fifth member is
    a CASC candidate (Butte, Monterey, Rossier in turn), the others CASS members."""
    mid = f"member-{i:04d}"
    rng = random.Random(f"many-{seed}-{i}")
    if i % 5 == 4:
        program = CASC_PROGRAMS[(i // 5) % 3]
        since = date(2024 + (i // 15) % 2, 9, 2) + timedelta(days=rng.randrange(40))
        employed = since - timedelta(days=rng.randrange(10, 200))
        entries = casc_entries(entries_each, program, since, seed=seed * 100003 + i)
        return mid, {program: {"since": since, "employed_since": employed}}, entries
    since = date(2015 + rng.randrange(10), 9, 1)
    return mid, {"cass-cep": {"since": since}}, cass_entries(entries_each, seed=seed * 100003 + i, start=since)


def write_organisation(folder: Path, members: int, entries_each: int, seed: int = 1) -> dict[str, Any]:
    """``folder/ledgers`` with ``members`` ledgers of ``entries_each`` entries, and one
    journal ``folder/journal.ledger`` holding every member's entries (accounts
    ``<member>:<activity>``, so a balance is per member, as ``summary`` is)."""
    ledgers = folder / "ledgers"
    ledgers.mkdir(parents=True, exist_ok=True)
    journal = [REVISION.format(0)]
    total = 0
    for i in range(members):
        mid, programs, entries = organisation_member(i, entries_each, seed)
        total += len(entries)
        (ledgers / f"{mid}.toml").write_text(render_ledger(mid, f"Member {i:04d}", programs, entries),
                                             encoding="utf-8")
        journal.append(render_journal(entries, account=mid))
    (folder / "journal.ledger").write_text("".join(journal), encoding="utf-8")
    return {"ledgers": str(ledgers), "journal": str(folder / "journal.ledger"), "members": members,
            "entries": total, "bytes": sum(p.stat().st_size for p in ledgers.glob("*.toml"))}


def mark_changed(path: Path, revision: int) -> None:
    """Rewrite the revision line of a generated file in place: new content, same size."""
    line = REVISION.format(revision % 1_000_000).encode()
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, line, 0)
    finally:
        os.close(fd)


def dataset_plan(quick: bool) -> dict[str, dict[str, Any]]:
    """The data sets a run needs: name -> generator parameters (``group`` is the case group)."""
    plan: dict[str, dict[str, Any]] = {
        "member-200": {"group": "member", "kind": "single", "n": 200, "since": MEMBER_SINCE.isoformat()},
        "organisation": {"group": "organisation", "kind": "organisation", "members": 500, "entries_each": 150},
        "add-10": {"group": "add", "kind": "single", "n": 10, "member": "bench-add"},
        "add-10k": {"group": "add", "kind": "single", "n": 10_000, "member": "bench-add"},
    }
    if not quick:
        plan["large-100k"] = {"group": "large", "kind": "single", "n": 100_000}
    return plan


def _generate(folder: Path, params: dict[str, Any]) -> dict[str, Any]:
    if params["kind"] == "single":
        since = date.fromisoformat(params["since"]) if "since" in params else CASS_SINCE
        return write_single_member(folder, params["n"], params.get("member", "bench-member"), since=since)
    return write_organisation(folder, params["members"], params["entries_each"])


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
    meta = _generate(folder, params)
    meta["key"] = key
    meta["generated_in_s"] = round(time.perf_counter() - t0, 2)
    stamp.write_text(json.dumps(meta, indent=1))
    return meta
