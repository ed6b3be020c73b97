"""The currency an amount cell is written in, and the rule of one currency for every amount of an export.

A cell may name its currency by a sign (``$``, ``€``, ``US$``) or an ISO 4217 code in any
case (``USD 1,054``, ``usd 1,054``, ``1,054 Eur``), read as the upper-case code. Split from
:mod:`simulator.calibration.amounts`, which reads the number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.errors import row_words
from simulator.calibration.readers import refuse_first_cell

SIGNS = re.escape("".join(c for c in map(chr, range(0x10000)) if unicodedata.category(c) == "Sc"))
"""Every currency sign of Unicode's first plane ($, €, £, ¥, ₹, ...; the whole of Unicode took 0.3 s to list)."""

LEAD_MARK = rf"(?:[A-Za-z]{{1,3}})?[{SIGNS}]|[A-Za-z]{{3}}(?![A-Za-z])"
TRAIL_MARK = rf"(?:[A-Za-z]{{1,3}})?[{SIGNS}]|(?<![A-Za-z])[A-Za-z]{{3}}"
"""A currency sign (``$``, ``US$``, ``R$``) or a three-letter code (``USD``, ``eur``), before or after the number."""

AMOUNT = re.compile(
    rf"^(?P<sign>[+-]?)\s*(?P<lead>{LEAD_MARK})?\s*(?P<body>.*?)\s*(?P<trail>{TRAIL_MARK})?$", re.DOTALL
)
"""A cell as its sign, its currency written before or after, and the number between."""

ACCOUNTING = r"^\s*\(\s*([^()]*?)\s*\)\s*$"
"""A cell in brackets, as accountants write a negative amount."""

ISO_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XDR XOF XPF YER ZAR ZMW ZWG ZWL
    BYR CYP EEK HRK LTL LVL MRO MTL SIT SKK STD VEF ZMK
    """.split()  # noqa: SIM905 (174 codes read better as a block than as a list literal)
)
"""ISO 4217's currency codes (its funds, metals and test codes left out), and those withdrawn since 2007 (HRK, ...).

A three-letter word beside a number that is none of them (``100 PCS``, ``1,054 ABC``) is
refused: it had been taken for a currency and its number read as an amount."""

ALIASES = {"RMB": "CNY", "NIS": "ILS"}
"""Common names of a currency that are not its ISO code (renminbi, new shekel)."""

SAME_CURRENCY = {"US$": "$", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
"""Codes and signs that name one currency, so that a column of ``$`` and ``USD`` is one currency."""


def accounting(values: pd.Series) -> pd.Series:
    """Cells in accounting brackets, ``(1,054)`` or ``($1,054)``, as the negative amounts they are.

    They had been refused as "not an amount" where ``-1,054`` is refused as negative, with why.
    """
    return values.str.replace(ACCOUNTING, r"-\1", regex=True)


def amount_parts(values: pd.Series) -> pd.DataFrame:
    """Each cell's ``sign``, ``lead`` and ``trail`` currency marks as written, and the ``body`` (the number)."""
    return accounting(values).str.extract(AMOUNT)


def _marks(values: pd.Series) -> pd.Series:
    """Each cell's currency mark in upper case, as written otherwise ('' for none)."""
    parts = amount_parts(values)
    return (parts["lead"].fillna("") + parts["trail"].fillna("")).str.upper()


def currencies(values: pd.Series) -> pd.Series:
    """Each cell's currency ('' for none; any case of a code, ``usd``; ``USD`` and ``US$`` read as ``$``).

    ``RMB`` reads as ``CNY`` (:data:`ALIASES`), and a code and the sign of one currency as
    one (:data:`SAME_CURRENCY`).
    """
    return _marks(values).map(_one_name)


def _one_name(mark: str) -> str:
    """A currency mark as the one name of its currency (``usd``, ``US$`` and ``$``: ``$``)."""
    code = ALIASES.get(mark, mark)
    return SAME_CURRENCY.get(code, code)


def check_currencies(values: pd.Series, path: Path, name: str) -> pd.Series:
    """Each cell's currency (:func:`currencies`), every code a known one and every cell in the column's first.

    Raises:
        CalibrationError: Naming the first cell whose three letters are no currency code
            (:data:`ISO_CODES`), or, else, the first written in another currency than the
            column's first: a column of ``$1,000`` and ``€1,000`` had been read as two
            amounts of 1,000 and booked together.
    """
    marks = _marks(values)
    number = amount_parts(values)["body"].str.contains(r"\d", regex=True)  # 'ABC' alone: not an amount, said later
    unknown = number & marks.str.fullmatch("[A-Z]{3}") & ~marks.isin(ISO_CODES | ALIASES.keys())
    refuse_first_cell(
        unknown,
        values,
        path,
        name,
        f"names '{marks[unknown].iloc[0] if unknown.any() else ''}', no currency code of ISO 4217: write an "
        "amount as a number with its currency's code or sign if any (1,054, USD 1,054, 1,054 eur, $1,054); is the "
        "mapping's column the right one?",
    )
    currency = currencies(values)
    marked = currency[currency != ""]
    if not marked.empty:
        first = int(np.flatnonzero((currency != "").to_numpy())[0])
        refuse_first_cell(
            (currency != "") & (currency != marked.iloc[0]),
            values,
            path,
            name,
            f"is in another currency than row {first + 1}'s '{values.iloc[first]}': salesim adds a column's amounts "
            "as one currency; convert them to one (and say which in the mapping's name or notes)",
        )
    return currency


@dataclass(frozen=True)
class AmountColumn:
    """A mapped column of amounts: what it holds (``the leads' amounts``), its cells, file and name.

    ``why``: how its amounts meet the earlier columns' (``a won deal's amount replaces its lead's``).
    """

    what: str
    values: pd.Series
    path: Path
    name: str
    why: str = ""


def refuse_other_currencies(columns: Sequence[AmountColumn]) -> str:
    """The export's currency (``''``: none written): refused when its amount columns are written in two.

    A won deal's amount replaces its lead's, and a list price stands in for a product's
    deal value, so the leads' amounts, the won deals' and the price list's are added
    together: a won-deals table in € beside leads in $ had been booked as dollars. Each
    column is first checked alone (:func:`check_currencies`); a column with no currency
    written (``1054``) agrees with any. The currency returned is :func:`currencies`' (``€``
    for ``EUR``).

    Raises:
        CalibrationError: Naming the later column's file, column and first cell in another
            currency, and the earlier column's file, column, row and currency.
    """
    first: tuple[AmountColumn, int, str] | None = None
    for amounts in columns:
        currency = check_currencies(amounts.values, amounts.path, amounts.name)
        marked = np.flatnonzero((currency != "").to_numpy())
        if not marked.size:
            continue
        if first is None:
            first = (amounts, int(marked[0]), str(currency.iloc[marked[0]]))
            continue
        ours, row, code = first
        refuse_first_cell(
            (currency != "") & (currency != code),
            amounts.values,
            amounts.path,
            amounts.name,
            f"is in another currency than {ours.what} ({code}: file {ours.path}, column '{ours.name}', "
            f"{row_words(str(ours.path), row + 1)}, '{ours.values.iloc[row]}'): {amounts.why}, so salesim reads "
            "both as one currency; convert one table to the other's currency (and say which in the mapping's name "
            "or notes)",
        )
    return first[2] if first is not None else ""
