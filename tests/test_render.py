"""JSON/CSV writers (render.json_csv), numbers in words (render.words) and the rich tables (render.tables)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from cepledger.render import json_csv
from cepledger.render import words
from cepledger.model.results import ActivityTotal, ProgramResult, RequirementResult
from cepledger.model.records import Enrolment, Member, Period, Source

D = Decimal
PERIOD = Period("2025-26", date(2025, 9, 1), date(2026, 8, 31))


def req(rid, required, earned, *, due=date(2026, 8, 31), missing=None, kind="total", unit="credits", dates=()):
    return RequirementResult(rid, rid, kind, unit, D(required), D(earned), D(earned) >= D(required) and not missing,
                             due, missing, "", dates)


def result(period=PERIOD, reqs=None, activities=None, program="cass-cep"):
    reqs = reqs if reqs is not None else (req("annual-credits", "30", "27.5"), req("cep-courses", "5", "3"))
    acts = activities if activities is not None else (
        ActivityTotal("live-webinar", D("7"), D("6"), ("live-webinar: at most 3 per webinar",)),)
    return ProgramResult(program, "CASS Continuing Education Program", "credits", period,
                         all(r.met for r in reqs), tuple(reqs), tuple(acts))


MEMBER = Member("jdoe", "Jane Doe", "ledgers/jdoe.toml",
                (Enrolment("cass-cep", date(2021, 9, 1), Source("ledgers/jdoe.toml", 7)),))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("27.5"), 27.5),
        (D("27.50"), 27.5),
        (D("30"), 30),
        (D("30.00"), 30),
        (D("0.1") + D("0.2"), 0.3),
        (D("2.675"), 2.68),  # half-up, not banker's rounding
        (D("2.665"), 2.67),
        (D("0.005"), 0.01),
        (D("0.004"), 0),
        (D("1000"), 1000),
        (None, None),
    ],
)
def test_num_is_exact_to_two_decimals(value, expected):
    n = words.num(value)
    assert n == expected
    assert type(n) is type(expected)


def test_num_json_text_never_shows_binary_noise():
    values = [D("27.5") - D("0.01") * k for k in range(200)]
    text = json.dumps([words.num(v) for v in values])
    for v, shown in zip(values, json.loads(text)):
        assert D(repr(shown)) == v.quantize(D("0.01"))
    assert "27.499999" not in text and "e-" not in text


def test_status_json_has_the_spec_shape():
    data = json_csv.status_json(MEMBER, [result()])
    assert data == {
        "member": "jdoe",
        "name": "Jane Doe",
        "programs": [
            {
                "program": "cass-cep",
                "period": {"label": "2025-26", "start": "2025-09-01", "end": "2026-08-31", "program_year": None},
                "met": False,
                "requirements": [
                    {"id": "annual-credits", "required": 30, "earned": 27.5, "shortfall": 2.5, "met": False,
                     "due": "2026-08-31"},
                    {"id": "cep-courses", "required": 5, "earned": 3, "shortfall": 2, "met": False,
                     "due": "2026-08-31"},
                ],
                "activities": [{"activity": "live-webinar", "claimed": 7, "counted": 6}],
            }
        ],
    }
    out = io.StringIO()
    json_csv.write_json(data, out)
    assert '"earned": 27.5,' in out.getvalue()
    assert out.getvalue().endswith("}\n")


def test_a_set_requirement_lists_what_is_missing():
    r = req("cpsel-proficiency", "6", "4", missing=("5", "6"), kind="ratings", unit="standards")
    assert json_csv.requirement_json(r)["missing"] == ["5", "6"]
    assert "missing" not in json_csv.requirement_json(req("annual-credits", "30", "31"))


def test_summary_objects_start_with_the_member():
    data = json_csv.program_json(result(), member="jdoe")
    assert list(data)[:2] == ["member", "program"]


def test_status_csv_rows():
    out = io.StringIO()
    json_csv.write_csv(json_csv.STATUS_CSV_HEADER, json_csv.requirement_rows("jdoe", result()), out)
    assert out.getvalue() == (
        "member,program,period,requirement,required,earned,shortfall,met,due\n"
        "jdoe,cass-cep,2025-26,annual-credits,30,27.5,2.5,false,2026-08-31\n"
        "jdoe,cass-cep,2025-26,cep-courses,5,3,2,false,2026-08-31\n"
    )


def test_csv_quotes_commas_and_quotes():
    out = io.StringIO()
    json_csv.write_csv(("a", "b"), [['Hello, "world"', True]], out)
    assert out.getvalue() == 'a,b\n"Hello, ""world""",true\n'


def test_render_does_not_import_rich():
    code = "import sys, cepledger.render.json_csv, cepledger.render.words, cepledger.cli.run.reports; print(any(m == 'rich' or m.startswith('rich.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ rich tables

rich = pytest.importorskip("rich")


def _console(width=80, **kw):
    from cepledger.render.console import make_console

    buf = io.StringIO()
    return make_console(buf, width=width, **kw), buf


def test_progress_bar_blocks():
    from cepledger.render.status_view import progress_bar

    assert progress_bar(D(0), D(30), 8) == " " * 8
    assert progress_bar(D(30), D(30), 8) == "█" * 8
    assert progress_bar(D(60), D(30), 8) == "█" * 8
    assert progress_bar(D(15), D(30), 8) == "████    "
    assert progress_bar(D("27.5"), D(30), 8) == "███████▍"
    assert progress_bar(D(1), D(0), 4) == "████"


def _status_text(width, today=date(2026, 3, 15)):
    from cepledger.render.status_view import status_view

    console, buf = _console(width)
    status_view(console, MEMBER, [result()], {}, rules={}, today=today)
    return buf.getvalue()


def test_status_table_shows_requirements_activities_and_pace():
    text = _status_text(100)
    assert "annual-credits" in text and "27.5" in text and "2.5" in text
    assert "live-webinar: at most 3 per webinar" in text
    assert "169 days left in 2025-26" in text
    # 27.5 earned in 196 of 365 days: about 51.2 by the end of the year
    assert "annual-credits at this pace: 51.2 of 30" in text


@pytest.mark.parametrize("width", [40, 60])
def test_narrow_terminals_do_not_break_tables(width):
    text = _status_text(width)
    assert all(len(line) <= width for line in text.splitlines())
    assert "annual-credits" in text.replace("\n", "") or "annual-cred" in text


COLOUR_SGR = re.compile(r"\x1b\[[0-9;]*?(?<![0-9])(?:3[0-9]|9[0-7])[;m]")


def _coloured_status(**kw) -> str:
    from cepledger.render.status_view import status_view

    console, buf = _console(100, force_terminal=True, color_system="standard", **kw)
    status_view(console, MEMBER, [result()], {}, rules={}, today=date(2026, 3, 15))
    return buf.getvalue()


def test_colour_on_a_terminal_marks_shortfalls(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = _coloured_status()
    assert "\x1b[1;31m" in text  # bold red
    assert COLOUR_SGR.search(text)


def test_no_color_means_no_colour_codes(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = _coloured_status()
    assert "annual-credits" in text
    assert not COLOUR_SGR.search(text)


def test_not_a_terminal_means_no_escape_codes(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b" not in _status_text(100)


def test_ledger_text_is_never_read_as_markup():
    from cepledger.render.tables import log_table
    from cepledger.model.records import Entry

    entry = Entry(0, date(2025, 10, 3), "live-webinar", Source("x", 9), id="a1", hours=D(1), title="[bold]x[/bold]")
    console, buf = _console(100)
    log_table(console, MEMBER, [json_csv.LogRow(entry, D(1), {"cass-cep": D(1)})], ["cass-cep"])
    assert "[bold]x[/bold]" in buf.getvalue()


def test_num_round_trips_every_cent_amount():
    from hypothesis import given, strategies as st

    @given(st.integers(min_value=-10**9, max_value=10**9))
    def check(cents):
        value = D(cents).scaleb(-2)
        text = json.dumps(words.num(value))
        assert D(text) == value
        assert words.num_text(value) == text

    check()


def test_terminal_output_escapes_control_and_bidi_characters():
    from cepledger.render.words import shown

    assert shown("evil\u202etxt.exe\x1b[31mred") == "evil\\u202etxt.exe\\x1b[31mred"
    assert shown("line\nbreak\ttab é ü 中") == "line\\x0abreak\ttab é ü 中"
    assert shown(None) == ""
