"""A currency code in any case read as its upper-case code; a word that is no currency, or two currencies across the
export's tables, refused naming the cell.

``usd 1,054``, ``Usd 1,054`` and ``1,054 eur`` had been refused as no amount where ``USD
1,054`` was read; ``1,054 ABC`` and ``100 PCS`` had been read as amounts in currencies
"ABC" and "PCS"; a won-deals table in € beside leads in $ had been added up as one currency.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.calibrate import calibrate
from simulator.calibration.errors import CalibrationError
from simulator.crm_commands import backtest_main, calibrate_main

FILE = Path("deals.csv")
SHAPE_D = Path(__file__).resolve().parent / "fixtures" / "crm" / "d_leads_deals"


def read(*cells: str) -> list[float]:
    return parse_amounts(pd.Series([*cells, "100", "200"]), FILE, "Amount").tolist()[: len(cells)]


def refusal(*cells: str) -> str:
    with pytest.raises(CalibrationError) as raised:
        read(*cells)
    return str(raised.value)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("usd 1,054", 1054.0),
        ("Usd 1,054", 1054.0),
        ("1,054 eur", 1054.0),
        ("1,054 Eur", 1054.0),
        ("us$1,054", 1054.0),
        ("gbp1,054.50", 1054.5),
        ("-0 chf", 0.0),
        ("RMB 1,054", 1054.0),
    ],
)
def test_a_currency_code_in_any_case_reads_as_its_number(cell: str, value: float) -> None:
    assert read(cell) == [value]


def test_a_code_in_any_case_is_the_currency_of_its_upper_case_code() -> None:
    assert read("USD 1,000", "usd 2,000", "$3,000", "Us$4,000") == [1000.0, 2000.0, 3000.0, 4000.0]
    assert read("1,000 eur", "€2,000", "EUR 3,000") == [1000.0, 2000.0, 3000.0]
    assert read("rmb 1,000", "CNY 2,000") == [1000.0, 2000.0]


@pytest.mark.parametrize(
    ("cells", "row", "words"),
    [
        (["USD 1,000", "eur 1,000"], 2, "'eur 1,000' is in another currency than row 1's 'USD 1,000'"),
        (["$1,000", "1,000 Gbp"], 2, "'1,000 Gbp' is in another currency than row 1's '$1,000'"),
        (["1,054 ABC"], 1, "'1,054 ABC' names 'ABC', no currency code of ISO 4217"),
        (["100 pcs"], 1, "'100 pcs' names 'PCS', no currency code of ISO 4217"),
        (["$100", "100 PCS"], 2, "'100 PCS' names 'PCS', no currency code of ISO 4217"),
        (["usd"], 1, "'usd' is not an amount"),
        (["1,054 euro"], 1, "'1,054 euro' is not an amount"),
    ],
)
def test_a_word_that_is_no_currency_or_a_second_currency_is_refused(cells: list[str], row: int, words: str) -> None:
    assert f"file deals.csv, column 'Amount', row {row} (line {row + 1} of the file, after its header): {words}" in (
        refusal(*cells)
    )


def shape_d(tmp_path: Path, lead_amounts: list[str] | None, deal_amounts: list[str], product: bool = False) -> Path:
    """The shape (d) fixture, its leads given an ``amount`` column (None: none) and its won deals these amounts.

    ``product``: its leads sell product ``Basic``, a column ``product``.
    """
    folder = tmp_path / "export"
    shutil.copytree(SHAPE_D, folder)
    deals = folder / "deals.csv"
    lines = deals.read_text(encoding="utf-8").splitlines()
    rows = [line.rsplit(",", 1)[0] + f',"{amount}"' for line, amount in zip(lines[1:], deal_amounts, strict=True)]
    deals.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    mapping = folder / "mapping.yaml"
    if lead_amounts is not None:
        leads = folder / "leads.csv"
        lines = leads.read_text(encoding="utf-8").splitlines()
        rows = [f'{line},"{amount}"' for line, amount in zip(lines[1:], lead_amounts, strict=True)]
        leads.write_text("\n".join([lines[0] + ",amount", *rows]) + "\n", encoding="utf-8")
        text = mapping.read_text(encoding="utf-8").replace("owner: owner}", "owner: owner, amount: amount}")
        mapping.write_text(text, encoding="utf-8")
    if product:
        leads = folder / "leads.csv"
        lines = leads.read_text(encoding="utf-8").splitlines()
        leads.write_text("\n".join([lines[0] + ",product", *(f"{line},Basic" for line in lines[1:])]) + "\n")
        text = mapping.read_text(encoding="utf-8").replace("owner: owner}", "owner: owner, product: product}")
        mapping.write_text(text, encoding="utf-8")
    return mapping


LEADS = ["$2,000", "$2,100", "", "", "", "", "", "", "", ""]
WON_IN_EUROS = ["€3,050", "€3,060", "€3,070", "€3,080", "€3,090"]


def test_won_deals_in_another_currency_than_the_leads_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The won deals' amounts replace their leads' and the open leads' stay: both were booked as one currency."""
    same = shape_d(tmp_path / "same", LEADS, ["USD 3,050", "US$3,060", "3070", "$3,080", "3,090"])
    frame = calibrate(str(same), "2023-03-31").export.frame
    assert frame.loc[frame["outcome"] == "won", "amount"].sum() == 15350.0
    mapping = shape_d(tmp_path / "other", LEADS, WON_IN_EUROS)
    leads, deals = mapping.parent / "leads.csv", mapping.parent / "deals.csv"
    out = tmp_path / "out"
    assert calibrate_main([str(mapping), "--as-of", "2023-03-31", "--out", str(out), "--draws", "0"]) == 2
    assert not out.exists()
    assert capsys.readouterr().err == (
        f"salesim: calibrate: file {deals}, column 'amount', row 1 (line 2 of the file, after its header): '€3,050' "
        f"is in another currency than the leads' amounts ($: file {leads}, column 'amount', row 1 (line 2 of the "
        "file, after its header), '$2,000'): a won deal's amount replaces its lead's, and the open leads' amounts "
        "stay, so salesim reads both as one currency; convert one table to the other's currency (and say which in "
        "the mapping's name or notes)\n"
    )
    backtest = tmp_path / "backtest"
    assert backtest_main([str(mapping), "--as-of", "2023-02-28", "--until", "2023-03-31", "--out", str(backtest)]) == 2
    assert not backtest.exists()
    assert "'€3,050' is in another currency than the leads' amounts ($: file" in capsys.readouterr().err


def test_a_price_list_in_another_currency_than_the_won_deals_is_refused(tmp_path: Path) -> None:
    """With no amount on the leads, the won deals' currency is the deals': a price list was checked against none."""
    mapping = shape_d(tmp_path, None, WON_IN_EUROS, product=True)
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text + "prices: {file: prices.csv, columns: {product: product, price: price}}\n")
    prices = mapping.parent / "prices.csv"
    prices.write_text("product,price\nBasic,1000\nPro,EUR 5000\n", encoding="utf-8")
    calibrate(str(mapping), "2023-03-31")  # one currency, or none written: read
    prices.write_text("product,price\nBasic,1000\nPro,$5000\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as raised:
        calibrate(str(mapping), "2023-03-31")
    assert str(raised.value).startswith(
        f"file {prices}, column 'price', row 2 (line 3 of the file, after its header): '$5000' is in another currency "
        f"than the won deals' amounts (€: file {mapping.parent / 'deals.csv'}, column 'amount', row 1"
    )


def priced_in(tmp_path: Path, mark: str) -> Path:
    """The shape (a) fixture copied into ``tmp_path/export``, each amount written after ``mark`` (``EUR ``)."""
    folder = tmp_path / "export"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "crm" / "a_opportunities", folder)
    table = folder / "opportunities.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    frame["Amount"] = [f"{mark}{cell}" if cell else "" for cell in frame["Amount"]]
    frame.to_csv(table, index=False)
    return folder


@pytest.mark.parametrize(("mark", "warned"), [("EUR ", "€"), ("chf ", "CHF"), ("$", ""), ("", "")])
def test_amounts_in_another_currency_than_the_dollar_are_warned_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mark: str, warned: str
) -> None:
    """An export in € had its bookings set against salesim's default pay, in dollars, with nothing said."""
    folder = priced_in(tmp_path, mark)
    out = tmp_path / "out"
    assert (
        calibrate_main([str(folder / "mapping.yaml"), "--as-of", "2023-04-28", "--out", str(out), "--draws", "0"]) == 0
    )
    err, report = capsys.readouterr().err, (out / "calibration.md").read_text(encoding="utf-8")
    words = (
        f"the export's amounts are in {warned}: salesim writes every amount with $ (read it as {warned}), and costs "
        "each rep at its default role pay, in dollars, so cost of sales, contribution and cost per $ of bookings mix "
        f"the two until economics/calibrated.yaml holds the company's own pay in {warned}"
    )
    assert (f"salesim: calibrate: warning: {words}" in err) == bool(warned)
    assert (f"**Warning**: {words}" in report) == bool(warned)
    assert ("the export's amounts are in" in err + report) == bool(warned)


def test_a_back_test_says_the_cautions_of_its_calibrations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A back-test of an export in € had been scored with none of calibrate's cautions said, anywhere."""
    folder = priced_in(tmp_path, "EUR ")
    out = tmp_path / "bt"
    origins = ["--as-of", "2023-02-28,2023-03-10", "--until", "2023-04-28", "--uncertainty", "none"]
    code = backtest_main([str(folder / "mapping.yaml"), *origins, "--runs", "20", "--workers", "1", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    said = [line for line in err.splitlines() if line.startswith("salesim: backtest: warning: ")]
    euro = [line for line in said if "the export's amounts are in €" in line]
    assert len(euro) == 1, said  # both origins' caution, said once
    assert "(as of" not in euro[0]
    report = (out / "backtest.md").read_text(encoding="utf-8")
    assert "## Cautions" in report
    assert f"- {euro[0].removeprefix('salesim: backtest: warning: ')}" in report
