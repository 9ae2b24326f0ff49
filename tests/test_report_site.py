"""cep report --all -o DIR: a static folder with an index of the roster and a page per member."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import JDOE, MLEE, cep, make_ledgers

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(|@import""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    r = cep(ROOT / "ledgers", "report", "--all", "--year", "2025", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"wrote {out / 'index.html'} and 6 member pages (6 programs)\n"
    return out


def rows_of(index: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<tr data-standing="\w+"><td data-v="[^"]*"><a href="members/'
                                                         r'([a-z0-9-]+)\.html">.*?</tr>', index)}


def test_index_has_every_member_with_standing_shortfall_and_next_due(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    rows = rows_of(index)
    assert sorted(rows) == sorted(p.stem for p in (ROOT / "ledgers").glob("*.toml"))
    brian = rows["brian-tallman"]
    assert '<tr data-standing="short">' in brian and '<td data-v="short" class="standing-short">short</td>' in brian
    assert "22 / 30 credits" in brian and "annual-credits 8 credits; cep-courses 2 courses" in brian
    assert '<td data-v="2026-08-31">2026-08-31<code>annual-credits</code></td>' in brian
    assert '<td data-v="met" class="standing-met">met</td>' in rows["amelia-okafor"]
    assert "<td data-v=\"9999-12-31\">-</td>" in rows["amelia-okafor"]  # nothing due: sorts last
    assert "year 1" in rows["eli-nakamura"] and "casc-monterey" in rows["eli-nakamura"]
    assert "6 members, 6 programs: 4 met, 2 short, 0 overdue." in index
    assert index.count('<svg class="bar"') == 6  # a bar per member: earned vs required
    assert '<input id="q" type="search"' in index and '<select id="standing"' in index


def test_every_page_is_self_contained_and_linked_relatively(site):
    pages = [site / "index.html", *sorted((site / "members").glob("*.html"))]
    assert len(pages) == 7
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text.replace('href="members/', "").replace('href="../index.html"', "")), page
        assert "<link" not in text and "<img" not in text and "<iframe" not in text
        assert "http" not in text, page  # no address of any kind: nothing to fetch
    index = pages[0].read_text(encoding="utf-8")
    for link in re.findall(r'href="(members/[^"]+)"', index):
        assert (site / link).is_file()
    page = (site / "members" / "brian-tallman.html").read_text(encoding="utf-8")
    assert '<nav><a href="../index.html">' in page
    assert "<h1>Continuing education report 2025-26: Brian Tallman (brian-tallman)</h1>" in page
    assert '<svg class="chart"' in page and "<title>credits by activity: claimed and counted</title>" in page


def test_pages_of_members_who_left_are_removed_and_a_bad_ledger_is_reported(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)
    out = tmp_path / "site"
    assert cep(ledgers, "report", "--all", "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in (out / "members").iterdir()) == ["jdoe.html", "mlee.html"]
    (ledgers / "mlee.toml").unlink()
    (ledgers / "zed.toml").write_text('schema = 1\n[member]\nid = "zed"\nname = \n', encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    r = cep(ledgers, "report", "--all", "-o", str(out))
    assert r.exit_code == 3 and "zed.toml:4" in r.stderr
    assert sorted(p.name for p in (out / "members").iterdir()) == ["jdoe.html"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # only stale member pages go
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "members/jdoe.html" in index and "mlee" not in index


def test_output_that_is_a_file_is_refused(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    (tmp_path / "f").write_text("x", encoding="utf-8")
    r = cep(ledgers, "report", "--all", "-o", str(tmp_path / "f"))
    assert r.exit_code == 2 and "is a file" in r.stderr
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_roster_standing_short_met_and_overdue():
    from calc_helpers import e, member, registry
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.calc.roster import roster_row
    from cepledger.model.periods import program_period

    prog = registry().programs["cass-cep"]
    m = member(e("2025-10-01", "live-webinar", "2", item="w"))
    pr = evaluate_program(m, prog, program_period(prog.period, m.enrolment("cass-cep"), 2025))
    row = roster_row(m, pr, date(2026, 3, 15))
    assert (row.standing, row.next_due, row.next_requirement.id) == ("short", date(2026, 8, 31), "annual-credits")
    assert (row.earned, row.required, row.shortfall) == (2, 30, 28)
    late = roster_row(m, pr, date(2026, 9, 1))
    assert late.standing == "overdue" and late.next_due == date(2026, 8, 31)


def test_report_all_draws_a_progress_bar_on_a_terminal_only(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    members = {f"m{i:02d}": JDOE.replace('id = "jdoe"', f'id = "m{i:02d}"') for i in range(25)}
    ledgers = make_ledgers(tmp_path, **members)
    env = {**os.environ, "CEPLEDGER_TODAY": "2026-03-15", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    argv = [sys.executable, "-m", "cepledger", "--ledgers", str(ledgers), "report", "--all", "-o"]
    main, child = pty.openpty()
    try:
        done = subprocess.run([*argv, str(tmp_path / "a")], env=env, stdout=subprocess.PIPE, stderr=child, timeout=120)
        os.close(child)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main)
    assert done.returncode == 0 and done.stdout.endswith(b"and 25 member pages (25 programs)\n")
    assert "\rreport ".encode() in seen and "25/25".encode() in seen  # drawn on the terminal, then erased
    piped = subprocess.run([*argv, str(tmp_path / "b")], env=env, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""  # nothing extra when stderr is not a terminal


def test_several_processes_write_what_one_writes(tmp_path):
    """``CEPLEDGER_JOBS``: the pages are rendered in several processes, the same bytes and
    messages as in one (a broken ledger and a member in no program among them)."""
    ledgers = make_ledgers(tmp_path, **{f"m{i:02d}": JDOE.replace('id = "jdoe"', f'id = "m{i:02d}"') for i in range(7)},
                           mlee=MLEE)
    (ledgers / "broken.toml").write_text("schema = 1\n[member\n")
    (ledgers / "idle.toml").write_text('schema = 1\n[member]\nid = "idle"\nname = "Idle Member"\n')
    runs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"site{jobs}"
        r = cep(ledgers, "report", "--all", "--year", "2025", "-o", str(out), env={"CEPLEDGER_JOBS": jobs})
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        runs.append((r.exit_code, r.stdout.replace(str(out), "OUT"), r.stderr, files))
    assert runs[0] == runs[1]
    code, stdout, stderr, files = runs[0]
    assert code == 3 and "broken.toml:2" in stderr and "idle.toml" in stderr
    assert stdout == "wrote OUT/index.html and 8 member pages (8 programs)\n"
    assert sorted(files) == ["index.html", *(f"members/m{i:02d}.html" for i in range(7)), "members/mlee.html"]
