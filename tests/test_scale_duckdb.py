"""docs/scale.md: its DuckDB queries, run as written over the ndjson of the shipped
examples (split into two organisations), give the totals of ``summary --format json``."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from cli_helpers import cep

duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", DOC, re.S)
TODAY = "2026-11-30"  # on or after the last entry of the shipped ledgers (entries are never in the future)


def test_the_doc_has_the_queries():
    assert len(QUERIES) == 8
    assert QUERIES[0].lstrip().startswith("CREATE TABLE programs AS")


def test_ndjson_is_the_json_summary_one_object_per_line(tmp_path):
    ledgers = ROOT / "ledgers"
    js = cep(ledgers, "summary", "--year", "2025", "--format", "json", today=TODAY)
    nd = cep(ledgers, "summary", "--year", "2025", "--format", "ndjson", today=TODAY)
    assert js.exit_code == nd.exit_code == 0
    lines = nd.stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(js.stdout)
    assert all(line.startswith('{"member":"') and "\n" not in line for line in lines)


@pytest.fixture
def exports(tmp_path, monkeypatch):
    """Two organisations' exports (the shipped ledgers split in two) and their json summaries."""
    files = sorted((ROOT / "ledgers").glob("*.toml"))
    summaries = {}
    (tmp_path / "exports").mkdir()
    for org, part in (("org-a", files[::2]), ("org-b", files[1::2])):
        folder = tmp_path / org
        folder.mkdir()
        for f in part:
            shutil.copyfile(f, folder / f.name)
        nd = cep(folder, "summary", "--year", "2025", "--format", "ndjson", today=TODAY)
        js = cep(folder, "summary", "--year", "2025", "--format", "json", today=TODAY)
        assert nd.exit_code == js.exit_code == 0, nd.stderr
        (tmp_path / "exports" / f"{org}.ndjson").write_text(nd.stdout, encoding="utf-8")
        summaries[org] = json.loads(js.stdout, parse_float=Decimal, parse_int=Decimal)
    monkeypatch.chdir(tmp_path)
    return summaries


def _results(con):
    out = []
    for q in QUERIES:
        rel = con.sql(q)
        out.append(rel.fetchall() if rel is not None else None)
    return out


def test_duckdb_totals_equal_the_json_summary(exports):
    _, _, _, programs, requirements, per_org, short, activities = _results(duckdb.connect())
    objects = [(org, o) for org, objs in exports.items() for o in objs]
    assert len(objects) == 6

    want_programs = defaultdict(lambda: [0, 0])
    want_reqs = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    want_org = defaultdict(lambda: [set(), set(), Decimal(0)])
    want_acts = defaultdict(lambda: [Decimal(0), Decimal(0)])
    want_short = []
    for org, o in objects:
        want_programs[o["program"]][0] += 1
        want_programs[o["program"]][1] += o["met"]
        for r in o["requirements"]:
            w = want_reqs[(o["program"], r["id"])]
            w[0] += 1
            w[1] += r["met"]
            w[2] += r["earned"]
            w[3] += r["shortfall"]
            g = want_org[(org, o["program"])]
            g[0].add(o["member"])
            if not r["met"]:
                g[1].add(o["member"])
                want_short.append((org, o["member"], o["program"], r["id"], r["shortfall"], r["due"]))
            g[2] += r["shortfall"]
        for a in o["activities"]:
            want_acts[(o["program"], a["activity"])][0] += a["claimed"]
            want_acts[(o["program"], a["activity"])][1] += a["counted"]

    assert programs == [(p, n, m) for p, (n, m) in sorted(want_programs.items())]
    assert requirements == [(p, r, n, m, e, s) for (p, r), (n, m, e, s) in sorted(want_reqs.items())]
    assert per_org == [(o, p, len(ms), len(sh), s) for (o, p), (ms, sh, s) in sorted(want_org.items())]
    assert activities == [(p, a, c, k) for (p, a), (c, k) in sorted(want_acts.items())]
    assert sorted((o, m, p, r, s, d.isoformat()) for o, m, p, r, s, d in short) == sorted(want_short)
    assert [row[5] for row in short] == sorted(row[5] for row in short)  # soonest due first
    assert all(isinstance(row[4], Decimal) for row in requirements)  # exact decimals, never floats
