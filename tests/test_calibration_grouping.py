"""Thousands grouped by a space, a narrow no-break space or an apostrophe, and every grouping mark checked to group.

A French Excel writes ``1 054,50`` (a no-break space), a Swiss one ``1'054.50``: the
apostrophe had been refused as "not an amount" though it reads one way only. A space, or
a comma after four digits, that groups no thousands had been read as if it did, a
thousand times off without a word: ``1054,555`` in a ';' file (one point zero five five
five, with a decimal comma) as 1,054,555, ``1 05,50`` as 105.50, ``12 34`` as 1,234.
"""

from __future__ import annotations

import pytest

from tests.test_calibration_decimal_commas import read, refusal


@pytest.mark.parametrize(
    ("cells", "separator", "values"),
    [
        (["1'054.50", "12'500", "99.5"], ";", [1054.5, 12500.0, 99.5]),  # Swiss Excel: ';' and decimal points
        (["1\u2019054.50", "CHF 1'054'500.00"], ";", [1054.5, 1054500.0]),  # a typographic apostrophe too
        (["1'054.50", "$2'000"], ",", [1054.5, 2000.0]),
        (["1 054,50 €", "1\u00a0054,50\u00a0€", "1\u202f054\u202f500,00 €"], ";", [1054.5, 1054.5, 1054500.0]),
        (["1 054.50", "12 500"], ",", [1054.5, 12500.0]),
        (["1054,555", "99,5"], ";", [1054.555, 99.5]),
        (["1054,555"], ";", [1054.555]),  # no thousands comma follows four digits: a decimal comma
        (["1054.555", "1,054"], ";", [1054.555, 1054.0]),  # and no thousands point: a decimal point
        (["1,00,000", "1,054"], ",", [100000.0, 1054.0]),  # lakh grouping keeps reading
    ],
)
def test_thousands_grouped_by_a_space_or_an_apostrophe_read_as_their_number(
    cells: list[str], separator: str, values: list[float]
) -> None:
    assert read(cells, separator) == pytest.approx(values)


@pytest.mark.parametrize(
    ("cells", "separator", "value"),
    [
        (["1 05,50", "2,00"], ";", "1 05,50"),
        (["1 0545", "2,00"], ";", "1 0545"),
        (["12 34"], ",", "12 34"),
        (["1054 500,00"], ";", "1054 500,00"),
        (["1'05.50"], ";", "1'05.50"),
        (["1'0545.50"], ",", "1'0545.50"),
        (["'1054"], ",", "'1054"),
    ],
)
def test_a_space_or_an_apostrophe_that_groups_no_thousands_is_refused(
    cells: list[str], separator: str, value: str
) -> None:
    message = refusal(cells, separator)
    where = "column 'Amount', row 1 (line 2 of the file, after its header): "
    assert f"{where}'{value}' has a space or an apostrophe that groups no thousands" in message
    assert "three digits after each (1 054,50, 1'054.50)" in message


@pytest.mark.parametrize("separator", [",", ""])
def test_a_comma_after_four_digits_is_refused_where_decimal_commas_are_not_read(separator: str) -> None:
    message = refusal(["1054,555", "99.50"], separator)
    assert "'1054,555' has a comma that groups no thousands" in message


def test_a_comma_after_four_digits_beside_a_decimal_point_is_refused() -> None:
    message = refusal(["1054,555", "99.50"])
    where = "row 1 (line 2 of the file, after its header)"
    assert f"'99.50' writes a decimal point where {where} writes a decimal comma" in message
    assert "('1054,555')" in message
