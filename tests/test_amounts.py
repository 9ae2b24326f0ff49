"""Amounts as typed on the command line (cepledger.model.amounts): two decimals, durations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cepledger.model.amounts import is_duration, parse_amount, places_problem, plain
from cepledger.model.errors import UsageError


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", "3"), ("1.5", "1.5"), ("1.55", "1.55"), ("1.550", "1.55"), ("10.00", "10"), (".5", "0.5"),
     ("0", "0"), ("1000", "1000"), (" 2.25 ", "2.25"), ("+2", "2")],
)
def test_plain_numbers_with_at_most_two_decimals(text, value):
    amount = parse_amount(text)
    assert amount.value == Decimal(value) and amount.note is None and not amount.duration


@pytest.mark.parametrize(
    ("text", "value"),
    [("1h30m", "1.5"), ("1h 30m", "1.5"), ("90m", "1.5"), ("90min", "1.5"), ("1:30", "1.5"), ("2h", "2"),
     ("1.5h", "1.5"), ("0:45", "0.75"), ("45m", "0.75"), ("1h15m", "1.25"), ("135m", "2.25"), ("10:06", "10.1"),
     ("2H", "2"), ("1hr", "1"), ("3 hours", "3")],
)
def test_durations_are_hours_exactly(text, value):
    amount = parse_amount(text)
    assert amount.value == Decimal(value) and amount.note is None and amount.duration


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [("1h20m", "1.33", "1h20m is 1.3333... h, recorded as 1.33 h (two decimals)"),
     ("40m", "0.67", "40m is 0.6667... h, recorded as 0.67 h (two decimals)"),
     ("0:01", "0.02", "0:01 is 0.0167... h, recorded as 0.02 h (two decimals)")],
)
def test_a_duration_that_is_not_whole_hundredths_is_rounded_and_says_so(text, value, note):
    amount = parse_amount(text)
    assert (amount.value, amount.note) == (Decimal(value), note)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.555", "the amount 1.555 has 3 decimal places; amounts take at most 2: say 1.56"),
        ("1.554", "the amount 1.554 has 3 decimal places; amounts take at most 2: say 1.55"),
        ("0.001", "the amount 0.001 has 3 decimal places; amounts take at most 2: say 0"),
        ("2.12345", "the amount 2.12345 has 5 decimal places; amounts take at most 2: say 2.12"),
        ("-1", "the amount -1 is negative; to cancel an entry, void it with `cep void`"),
        ("1000.01", "the amount 1000.01 is more than 1000 for one entry (a typo?); split it or check the number"),
        ("1001h", "the amount 1001h is more than 1000 for one entry (a typo?); split it or check the number"),
        ("nan", "bad amount 'nan': give an ordinary number, like 3 or 1.5"),
        ("-inf", "bad amount '-inf': give an ordinary number, like 3 or 1.5"),
        ("1e3", "bad amount '1e3': give a number like 3 or 1.5 (at most two decimals), or a duration like "
                "1h30m, 90m or 1:30"),
        ("1,5", "bad amount '1,5': give a number like 3 or 1.5 (at most two decimals), or a duration like "
                "1h30m, 90m or 1:30"),
        ("three", "bad amount 'three': give a number like 3 or 1.5 (at most two decimals), or a duration like "
                  "1h30m, 90m or 1:30"),
        ("1h75m", "bad duration '1h75m': the minutes must be below 60 (write 2h15m, or 135m)"),
        ("1:75", "bad duration '1:75': the minutes must be below 60 (write 2h15m, or 135m)"),
        ("1.555h", "bad duration '1.555h': write the hours with at most two decimals, or as 1h30m"),
        ("h", "bad amount 'h': give a number like 3 or 1.5 (at most two decimals), or a duration like "
              "1h30m, 90m or 1:30"),
    ],
)
def test_refused_with_one_sentence(text, message):
    with pytest.raises(UsageError) as exc:
        parse_amount(text)
    assert str(exc.value) == message


def test_a_duration_is_refused_where_the_activity_is_not_counted_in_hours():
    with pytest.raises(UsageError) as exc:
        parse_amount("1h30m", durations=False)
    assert str(exc.value) == ("'1h30m' is a duration, but this activity is not counted in hours; "
                              "give its amount as a number like 3 or 1.5")
    assert parse_amount("1.5", durations=False).value == Decimal("1.5")


@pytest.mark.parametrize(("text", "yes"), [("1h30m", True), ("90m", True), ("1:30", True), ("1.5", False),
                                           ("", False), ("m", False), ("h", False)])
def test_is_duration(text, yes):
    assert is_duration(text) is yes


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
def test_every_two_decimal_amount_reads_back_exactly(value):
    assert places_problem(value) is None
    assert parse_amount(plain(value)).value == value
    assert parse_amount(str(value)).value == value


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=59))
def test_hours_and_minutes_agree_in_every_spelling(hours, minutes):
    a = parse_amount(f"{hours}h{minutes}m")
    assert parse_amount(f"{hours}:{minutes:02d}").value == a.value
    assert parse_amount(f"{hours * 60 + minutes}m").value == a.value
    assert abs(a.value - (Decimal(hours) + Decimal(minutes) / 60)) <= Decimal("0.005")
    assert (a.note is None) == (minutes * 100 % 60 == 0)
