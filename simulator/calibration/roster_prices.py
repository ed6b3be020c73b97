"""The roster and the price list of an export: who sells in which team, and each product's list price.

Both are optional tables of the mapping. A rep or a product listed twice with different
values is refused (which row is right cannot be told); listed twice the same, it is kept
once and counted, as are reps in the roster without deals and owners of deals missing
from it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.date_order import table_dates
from simulator.calibration.errors import CalibrationError, DataProblems, row_words, some_of
from simulator.calibration.export_checks import spelling_key
from simulator.calibration.mapping import MappingFile
from simulator.calibration.readers import column, number_columns, separator_of


def roster_and_prices(
    owners: set[str], problems: DataProblems, mapping: MappingFile, tables: Mapping[str, pd.DataFrame]
) -> tuple[pd.DataFrame | None, dict[str, float]]:
    """The roster (owner -> team, manager, office, dates) and the price list, each problem counted in ``problems``.

    Args:
        owners: The owners of the export's deals (to count roster reps without deals, and owners missing from it).
        problems: Where the problems found are counted.
        mapping: The mapping (its ``roster`` and ``prices`` tables, either may be absent).
        tables: The tables read, by mapping key.

    Returns:
        The roster, one row per owner (None without one), and product -> list price ($; empty without a price list).

    Raises:
        CalibrationError: An empty roster, or an owner or product listed twice with different values.
    """
    found_roster: pd.DataFrame | None = None
    found_prices: dict[str, float] = {}
    if mapping.roster is not None:
        path = mapping.path(mapping.roster.file)
        raw = tables["roster"]
        cols = mapping.roster.columns
        if raw.empty:  # every owner would fall in a team of its own, 'other', as if the roster were not given
            raise CalibrationError(
                "holds no rows, only a header: list one row per rep, or leave the roster out", file=str(path)
            )
        roster = pd.DataFrame({"owner": column(raw, cols.owner, path)})
        for key in ("team", "manager", "office"):
            series = column(raw, getattr(cols, key), path)
            roster[key] = series.to_numpy() if series is not None else ""
        spans = {str(getattr(cols, key)): column(raw, getattr(cols, key), path) for key in ("start", "end")}
        # a rep who started decades before most deals is no error
        read = table_dates(spans, mapping.roster, path, "roster", problems, deal_dates=False)
        for key in ("start", "end"):
            roster[key] = read[str(getattr(cols, key))]
        one_row_each(roster, "owner", {k: getattr(cols, k) for k in ("team", "office", "manager")}, path)
        repeated = roster["owner"].duplicated() & (roster["owner"] != "")
        problems.add("owners listed twice in the roster (the same team)", int(repeated.sum()), "one row kept")
        # a row naming no rep (a line of bare commas below the table) had been an owner '' with no deals
        unnamed = roster["owner"] == ""
        problems.add("roster rows with no owner", int(unnamed.sum()), "left out (they seat no one)")
        found_roster = roster[~unnamed].drop_duplicates("owner").reset_index(drop=True)
        idle = [o for o in found_roster["owner"] if o not in owners]
        problems.add("owners in the roster with no deals", len(idle), f"no seat in the company ({some_of(idle, 8)})")
        unknown = sorted(o for o in owners - set(found_roster["owner"]) if o)
        named = sorted(o for o in owners if o)
        if named and len(unknown) == len(named):
            _no_owner_in_roster(named, found_roster["owner"].tolist(), mapping, str(path), cols.owner)
        problems.add("owners with deals but not in the roster", len(unknown), "put in a team of their own: 'other'")
        _case_only(unknown, found_roster["owner"].tolist(), problems)
        if cols.team is not None or cols.office is not None:  # a team column is mapped: an empty cell is a gap
            no_team = (found_roster["team"] == "") & (found_roster["office"] == "") & found_roster["owner"].isin(owners)
            found_roster.loc[no_team, "team"] = "other"  # as an owner missing from the roster (was a team 'reps')
            problems.add(
                "owners with deals whose team in the roster is empty",
                int(no_team.sum()),
                "put in a team of their own: 'other'",
            )
    if mapping.prices is not None:
        path = mapping.path(mapping.prices.file)
        raw = tables["prices"]
        products = column(raw, mapping.prices.columns.product, path)
        prices = column(raw, mapping.prices.columns.price, path)
        assert products is not None and prices is not None
        name = mapping.prices.columns.price
        numbers = name in number_columns(raw)  # an Excel or Parquet column of number cells
        values = parse_amounts(
            prices,
            path,
            name,
            price=True,
            separator=separator_of(raw),
            numbers=numbers,
            decimal_mark=mapping.prices.decimal_mark,
            mark_key="prices.decimal_mark",
        )
        table = pd.DataFrame({"product": products.to_numpy(), "price": values})
        one_row_each(table, "product", {"price": mapping.prices.columns.price}, path)
        repeated = table["product"].duplicated()
        problems.add("products listed twice in the price list (the same price)", int(repeated.sum()), "one kept")
        unnamed = table["product"] == ""
        problems.add("price list rows with no product name", int(unnamed.sum()), "left out (they price no deal)")
        found_prices = {p: v for p, v in zip(products.tolist(), values.tolist(), strict=True) if p}
        for spelling in _other_spellings(table, path, mapping.prices.columns.price, problems):
            del found_prices[spelling]
    return found_roster, found_prices


def _other_spellings(table: pd.DataFrame, path: object, column_name: str, problems: DataProblems) -> list[str]:
    """The price list's second spellings of a product (GTXPro beside GTX Pro): counted, the first one kept.

    Deals were respelled to whichever spelling came last, and the other stayed a product
    no deal sells; at two prices, which one priced the deals was not said.

    Raises:
        CalibrationError: Two spellings of one product at different prices (both rows and values named).
    """
    rows = table.assign(row=np.arange(1, len(table) + 1))  # 1-based, after the header
    rows = rows[rows["product"] != ""].drop_duplicates("product")
    dropped: list[str] = []
    for _, group in rows.groupby(rows["product"].map(spelling_key), sort=False):
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if other["price"] != first["price"]:
                raise CalibrationError(
                    f"product '{first['product']}' ({row_words(str(path), int(first['row']))}, "
                    f"{first['price']:g}) and '{other['product']}' ({row_words(str(path), int(other['row']))}, "
                    f"{other['price']:g}) are one product spelt two ways at two prices: keep one row per product",
                    file=str(path),
                    column=column_name,
                )
            dropped.append(str(other["product"]))
    problems.add(
        "products listed twice in the price list under two spellings (the same price)",
        len(dropped),
        f"one kept ({', '.join(dropped)} read as the first spelling)",
    )
    return dropped


def _case_only(unknown: list[str], listed: list[str], problems: DataProblems) -> None:
    """Count the owners missing from the roster that it lists in another case (agent_01 / Agent_01).

    Those owners are put in a team 'other' and their roster rows seat no one: when every
    owner differs so the deals are refused (:func:`_no_owner_in_roster`); when only some
    do, calibrate had counted them as missing from the roster with no word of the case.
    """
    folded = {name.casefold(): name for name in listed if name}
    alike = [(owner, folded[owner.casefold()]) for owner in unknown if owner.casefold() in folded]
    shown = some_of([f"{owner} / {roster}" for owner, roster in alike], 4)
    problems.add(
        "owners with deals spelt as a roster rep only in another case",
        len(alike),
        f"put in a team 'other', not the roster's ({shown}): write them as the roster spells them",
    )


def _no_owner_in_roster(owners: list[str], listed: list[str], mapping: MappingFile, roster: str, column: str) -> None:
    """Refuse deals none of whose owners is in the roster: a mapped column not the owners' (or the wrong roster).

    ``owner: account`` in crm-maven's mapping wrote a company of 85 "reps" named after its
    customers, all in a team 'other', and the roster's 35 agents without a seat, with exit 0.

    Raises:
        CalibrationError: Naming the opportunities' owner column, a few of its values and the roster's.
    """
    where = mapping.opportunities.columns.owner
    key = f"opportunities.columns.owner = '{where}'" if where is not None else "the deals' owner column"
    folded = {name.casefold(): name for name in listed}
    alike = [(owner, folded[owner.casefold()]) for owner in owners if owner.casefold() in folded]
    if len(alike) * 2 > len(owners):  # the right column, spelt in another case than the roster's
        advice = (
            f"they differ from the roster's only in upper and lower case ({alike[0][0]} / {alike[0][1]}): write "
            "the owners as the roster spells them, or the roster as the deals do"
        )
    else:
        advice = "is the mapping's column the right one? Map the column naming the rep who owns each deal, as the "
        advice += "roster spells it"
    raise CalibrationError(
        f"{key}: none of its {len(owners):,} owners ({', '.join(owners[:3])}, ...) is in the roster {roster} "
        f"(roster.columns.owner = '{column}': {', '.join(listed[:3])}, ...): {advice}",
        file=str(mapping.path(mapping.opportunities.file)),
        column=where or "",
    )


def one_row_each(table: pd.DataFrame, key: str, fields: dict[str, str | None], path: object) -> None:
    """Refuse a ``key`` (an owner, a product) listed twice with different values of a mapped field.

    Which row is right cannot be told (first-row-wins put a rep in a team at random), so
    the user settles it; rows that agree are kept once (counted by the caller).

    Raises:
        CalibrationError: Naming the file, the column, the key, both rows and both values.
    """
    for name, column_name in fields.items():
        if column_name is None:
            continue
        values = table[name].astype(str)
        first_value = values.groupby(table[key]).transform("first")
        clash = (values != first_value) & (table[key] != "")
        if clash.any():
            second = int(np.flatnonzero(clash.to_numpy())[0])
            item = table[key].iloc[second]
            first = int(np.flatnonzero((table[key] == item).to_numpy())[0])
            raise CalibrationError(
                f"{key} '{item}' is listed twice with different values: {row_words(str(path), first + 1)} "
                f"'{values.iloc[first]}', {row_words(str(path), second + 1)} '{values.iloc[second]}': keep "
                f"one row per {key} (a first-row-wins choice would be silent)",
                file=str(path),
                column=column_name,
            )
