"""TOML 1.0 exactly, whatever parser is installed: the toml-test corpus through ``loads_toml``.

A ledger (and a rule file) is TOML 1.0 (SPEC.md "Files"): every valid document of the
corpus's 1.0 list reads as its expected value, every invalid one is refused with a
located problem, and a document that only TOML 1.1 allows (``\\x41`` and ``\\e`` escapes,
inline tables over several lines or with a trailing comma, times without seconds) is
refused. The corpus is copied in ``tests/toml-test/`` (see its README).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.ledger import parse
from cepledger.ledger.parse import choose_parser, loads_toml, parse_toml
from cepledger.model.errors import DataError

CORPUS = Path(__file__).parent / "toml-test"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "toml-test" / "tests"


def listed(version: str) -> set[str]:
    return {n for n in (CORPUS / f"files-toml-{version}").read_text().split() if n.endswith(".toml")}


V10, V11 = listed("1.0.0"), listed("1.1.0")

# The valid documents of the 1.1 list that are not TOML 1.0, and the addition each uses.
# Every other file of the 1.1 list that the 1.0 list lacks is a TOML 1.0 document too.
TOML11_ADDITIONS = {
    "valid/datetime/no-seconds.toml": "times without seconds",
    "valid/inline-table/newline-comment.toml": "inline table over several lines",
    "valid/inline-table/newline.toml": "inline table over several lines",
    "valid/key/empty-05.toml": "inline table over several lines",
    "valid/spec-1.1.0/common-12.toml": "\\x escape",
    "valid/spec-1.1.0/common-29.toml": "times without seconds",
    "valid/spec-1.1.0/common-31.toml": "times without seconds",
    "valid/spec-1.1.0/common-34.toml": "times without seconds",
    "valid/spec-1.1.0/common-47.toml": "inline table over several lines",
    "valid/string/escape-esc.toml": "\\e escape",
    "valid/string/hex-escape.toml": "\\x escape",
}


def typed(v: object) -> object:
    """A parsed value in toml-test's typed JSON form."""
    if isinstance(v, dict):
        return {k: typed(x) for k, x in v.items()}
    if isinstance(v, list):
        return [typed(x) for x in v]
    for kind, name in ((bool, "bool"), (int, "integer"), (Decimal, "float"), (str, "string")):
        if isinstance(v, kind):
            text = ("true" if v else "false") if kind is bool else str(v)
            return {"type": name, "value": text}
    if isinstance(v, datetime):
        return {"type": "datetime" if v.tzinfo else "datetime-local", "value": v}
    if isinstance(v, date):
        return {"type": "date-local", "value": v}
    if isinstance(v, time):
        return {"type": "time-local", "value": v}
    raise TypeError(type(v))


def _when(text: str) -> str:
    """RFC 3339 as ``fromisoformat`` reads it: T, Z, at most microseconds."""
    text = text.upper().replace(" ", "T").replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        rest = rest[:min(digits, 6)] + rest[digits:]
    return head + dot + rest


def equal(got: object, want: object) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(equal, got, want))
    if isinstance(want, dict) and set(want) != {"type", "value"}:
        return isinstance(got, dict) and got.keys() == want.keys() and all(equal(got[k], want[k]) for k in want)
    if not (isinstance(want, dict) and isinstance(got, dict) and got["type"] == want["type"]):
        return False
    kind, g, w = want["type"], got["value"], want["value"]
    if kind == "float":
        gf, wf = float(g), float(w)
        return (math.isnan(gf) and math.isnan(wf)) or (Decimal(g) == Decimal(w) if math.isfinite(wf) else gf == wf)
    if kind == "integer":
        return int(g) == int(w)
    if kind in ("datetime", "datetime-local"):
        return g == datetime.fromisoformat(_when(w))
    if kind == "date-local":
        return g == date.fromisoformat(w)
    if kind == "time-local":
        return g == time.fromisoformat(_when(w))
    return g == w


def refused(name: str) -> DataError:
    with pytest.raises(DataError) as exc:
        parse_toml((CORPUS / name).read_bytes(), name)
    (problem,) = exc.value.problems
    assert problem.path == name and problem.line >= 1
    assert problem.code in ("toml-syntax", "not-utf8", "too-deep", "bad-number")
    return exc.value


def test_the_corpus_is_complete() -> None:
    assert len(V10) > 700 and len(V11) > 700
    for name in V10 | V11:
        assert (CORPUS / name).is_file(), name
        if name.startswith("valid/"):
            assert (CORPUS / name).with_suffix(".json").is_file(), name
    assert set(TOML11_ADDITIONS) <= V11 - V10


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/toml-test beside the repository")
def test_the_copy_matches_the_shared_corpus() -> None:
    for name in ["files-toml-1.0.0", "files-toml-1.1.0", *sorted(V10 | V11)]:
        assert (CORPUS / name).read_bytes() == (SHARED / name).read_bytes(), name


@pytest.mark.parametrize("name", sorted(n for n in V10 if n.startswith("valid/")))
def test_valid_toml_10_reads_exactly(name: str) -> None:
    _, doc = parse_toml((CORPUS / name).read_bytes(), name)
    want = json.loads((CORPUS / name).with_suffix(".json").read_text(encoding="utf-8"))
    assert equal(typed(doc), want)


@pytest.mark.parametrize("name", sorted(n for n in V10 if n.startswith("invalid/")))
def test_invalid_toml_10_is_refused(name: str) -> None:
    refused(name)


@pytest.mark.parametrize("name", sorted(TOML11_ADDITIONS))
def test_toml_11_additions_are_refused(name: str) -> None:
    refused(name)


@pytest.mark.parametrize("name", sorted(n for n in V11 - V10 if n.startswith("valid/") and n not in TOML11_ADDITIONS))
def test_toml_11_documents_that_are_toml_10_read_exactly(name: str) -> None:
    test_valid_toml_10_reads_exactly(name)


@pytest.mark.parametrize("name", sorted(n for n in V11 - V10 if n.startswith("invalid/")))
def test_invalid_toml_11_is_refused(name: str) -> None:
    refused(name)


# ----------------------------------------------------------------- the contract of loads_toml


def test_a_hex_escape_is_refused_with_its_line() -> None:
    with pytest.raises(DataError) as exc:
        loads_toml('schema = 1\n\nnote = "\\x41"\n', "led/jdoe.toml")
    (p,) = exc.value.problems
    assert (p.path, p.line, p.code) == ("led/jdoe.toml", 3, "toml-syntax")
    assert str(p).startswith("led/jdoe.toml:3: invalid TOML: ")


def test_floats_are_decimal_and_a_bom_is_ignored() -> None:
    assert loads_toml("\ufeffa = 0.1\nb = 2\n", "x") == {"a": Decimal("0.1"), "b": 2}
    assert type(loads_toml("a = 0.1", "x")["a"]) is Decimal


@pytest.mark.parametrize(
    ("tomli", "python", "chosen"),
    [("2.2.1", (3, 11), "tomli"), ("2.3.2", (3, 14), "tomli"), ("2.4.0", (3, 11), "tomllib"),
     ("2.5.0", (3, 14), "tomllib"), (None, (3, 12), "tomllib")],
)
def test_the_parser_is_one_that_reads_toml_10(tomli: str | None, python: tuple[int, int], chosen: str) -> None:
    assert choose_parser(tomli, python) == chosen


def test_without_a_toml_10_parser_the_reader_says_how_to_get_one() -> None:
    with pytest.raises(RuntimeError, match=r"pip install 'tomli<2.4'"):
        choose_parser("2.5.0", (3, 15))


def test_the_installed_parser_is_toml_10() -> None:
    version = getattr(parse._toml, "__version__", None)
    assert parse._toml.__name__ == "tomllib" or parse._version(version) < parse.TOML11_TOMLI
