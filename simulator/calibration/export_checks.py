"""Checks of an export once read: spellings made one, deal values far from their product's, closes that start late.

Each adds to the export's data problems (or refuses a mapped column that is plainly
another's); :func:`simulator.calibration.shapes.load_export` runs them in this order.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError, row_words
from simulator.calibration.export import Export
from simulator.calibration.mapping import DealColumns, MappingFile


def unify_spellings(export: Export, mapping: MappingFile) -> None:
    """Product (and other) spellings made one: the mapping's aliases, then the price list's own spelling."""
    frame = export.frame
    for field_name, aliases in mapping.aliases.items():
        if field_name in frame:
            changed = frame[field_name].isin(list(aliases))
            export.problems.add(f"{field_name} spellings mapped by aliases", int(changed.sum()), "renamed")
            frame[field_name] = frame[field_name].map(lambda v, a=aliases: a.get(v, v))
    if export.prices:
        canonical = {spelling_key(p): p for p in export.prices}
        respelled = frame["product"].map(lambda v: canonical.get(spelling_key(v), v))
        changed = (respelled != frame["product"]) & (frame["product"] != "")
        variants = sorted(set(frame.loc[changed, "product"]))
        export.problems.add(
            "product names spelled unlike the price list", int(changed.sum()), f"respelled ({', '.join(variants)})"
        )
        frame["product"] = respelled
        unpriced = (frame["product"] != "") & ~frame["product"].isin(list(export.prices))
        named = frame["product"] != ""
        if not named.any() and mapping.prices is not None:
            # no product to match a price to: the calibrated market had every product at weight 0 and was
            # refused as "market.products = {...}: weights for segment all must add up to more than 0"
            column = mapping.opportunities.columns.product
            given = f"'{column}' names none on any row" if column is not None else "null (not in the export)"
            raise CalibrationError(
                f"prices.file = '{mapping.prices.file}' is given, but opportunities.columns.product is {given}: "
                "a list price is matched to a deal by its product; map the column naming what each deal sells, "
                "or leave the price list out",
                file=export.file,
                column=column or "",
            )
        if named.any() and bool(unpriced[named].all()) and mapping.prices is not None:
            # none priced: a mapped column that is not the products' ('product: account' made 85 customers
            # products, each valued from its own wins, with exit 0)
            column = mapping.opportunities.columns.product
            seen = sorted(set(frame.loc[named, "product"]))
            examples = ", ".join(seen[:3])
            raise CalibrationError(
                f"opportunities.columns.product = '{column}': none of its {len(seen):,} products ({examples}, "
                f"...) is in the price list {mapping.path(mapping.prices.file)} (prices.columns.product = "
                f"'{mapping.prices.columns.product}': {', '.join(sorted(export.prices)[:3])}, ...): is the mapping's "
                "column the right one? Map the column naming what each deal sells, as the price list spells it",
                file=export.file,
                column=column or "",
            )
        export.problems.add("products missing from the price list", int(unpriced.sum()), "kept, without a list price")


def spelling_key(name: str) -> str:
    """A name as spellings compare it: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


FAR_FROM_MEDIAN = 100.0
"""A won amount this many times its product's median (or under its 1/100th) is worth a look."""


def check_values(export: Export) -> None:
    """Count as data problems the won deals with no value and those far from their product's median."""
    frame = export.frame
    won = frame["outcome"] == "won"
    zero = won & (frame["amount"].fillna(0.0) <= 0.0)
    export.problems.add(
        "won deals with no or zero value",
        int(zero.sum()),
        "left out of the deal-value fit (the run values its wins by their product's); a back-test's actual bookings "
        "count them at $0",
    )
    valued = frame[won & ~zero]
    medians = valued.groupby("product")["amount"].transform("median")
    ratio = valued["amount"] / medians
    far = (ratio > FAR_FROM_MEDIAN) | (ratio < 1.0 / FAR_FROM_MEDIAN)
    export.problems.add(
        f"won deals over {FAR_FROM_MEDIAN:.0f} times their product's median value or under a {FAR_FROM_MEDIAN:.0f}th "
        "of it",
        int(far.sum()),
        "kept (the deal-value fit uses medians and inner quantiles, which they hardly move; a back-test's actual "
        "bookings count them in full): check them for a unit or typing error",
    )


def find_left_truncation(export: Export) -> None:
    """Closes that begin only well after the first creation: the export starts its history there."""
    frame = export.frame
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    first_close, first_created = closed[~np.isnat(closed)].min(), created.min()
    ended = ~np.isnat(closed)
    spans = (closed[ended] - created[ended]).astype(int)
    p90 = int(np.quantile(spans, 0.9)) if spans.size else 0
    # A late first close alone is no sign (early deals may all still be open). Deals created
    # longer before it than most deals last, yet closed after it, are: the export holds only
    # the early deals that lasted until that date.
    early = created < first_close - np.timedelta64(p90, "D")
    closed_share = float((~np.isnat(closed[early])).mean()) if early.any() else 0.0
    if (first_close - first_created).astype(int) > 30 and closed_share >= 0.25:
        before = int((created < first_close).sum())
        export.close_start = first_close
        export.problems.add(
            f"closes that start only on {first_close} (deals created before it that closed earlier are missing)",
            before,
            "deals created before it are left out of the outcome fit and their months out of the arrival series "
            "(they show only the deals that closed late); they count in the open pipeline",
        )


DEAL_FIELDS = ("created", "closed", "outcome", "amount", "owner", "product", "segment", "region", "source", "qualifier")
"""The fields of an opportunity two rows of one id must agree on to be one deal listed twice."""

FIELD_WORDS = {"created": "created date", "closed": "close date"}


def refuse_conflicting_ids(out: pd.DataFrame, raw: pd.DataFrame, mapping: MappingFile, file: str) -> None:
    """Refuse an id on two rows that disagree on a mapped field (rows that agree are counted and kept once).

    First-row-wins had kept one of two different deals under one id silently (A011 won $5,000 by
    bob beside A011 won $1,000 by ann: the other's value and owner gone); an export of one row
    per product line or per contact repeats the opportunity's id with different amounts, and
    keeping the first row understates its bookings. Which row is right cannot be told.

    Raises:
        CalibrationError: Naming the file, the column that differs, both rows, the id and both values.
    """
    ids = out["id"].astype(str)
    repeated = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    if not repeated.any():
        return
    cols = mapping.opportunities.columns
    id_column = str(cols.id)
    for field in DEAL_FIELDS:
        if field not in out:
            continue
        shown = out[field].astype(str).where(out[field].notna(), "")
        first_value = shown.groupby(ids).transform("first")
        clash = repeated & (shown != first_value).to_numpy()
        if not clash.any():
            continue
        second = int(np.flatnonzero(clash)[0])
        item = ids.iloc[second]
        first = int(np.flatnonzero((ids == item).to_numpy() & repeated)[0])
        mapped = getattr(cols, field)
        column = str(mapped) if mapped is not None and str(mapped) in raw.columns else ""

        rows = out["row"].to_numpy()
        cells = [str(raw[column].iloc[int(rows[i]) - 1]) if column else str(shown.iloc[i]) for i in (first, second)]
        raise CalibrationError(
            f"id '{item}' ({id_column}) is on two rows that disagree on the {FIELD_WORDS.get(field, field)}: "
            f"{row_words(file, int(rows[first]))} '{cells[0]}', {row_words(file, int(rows[second]))} "
            f"'{cells[1]}': an opportunity is one row, so each id is allowed once (rows equal in every mapped "
            "column are counted and kept once); which row is right cannot be told, and keeping the first would be "
            "silent. An export of one row per product line or contact repeats the id: export one row per "
            "opportunity, or give each row its own id",
            file=file,
            column=column or id_column,
        )


def refuse_conflicting_deals(
    closed: pd.Series, amounts: pd.Series, rows: np.ndarray, path: object, columns: DealColumns
) -> None:
    """Refuse a lead with two won deals that differ in date or amount (the same twice is counted and kept once).

    The first had been kept and the other's bookings dropped, counted only in calibration.md.
    ``closed`` and ``amounts``: by lead id, in the table's row order (rows with no id left out);
    ``rows``: the 1-based data row of each.

    Raises:
        CalibrationError: Naming the file, the column that differs, both rows, the lead's id and both values.
    """
    ids = pd.Series(closed.index.astype(str))
    repeated = ids.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    for name, values in (("closed", closed), ("amount", amounts)):
        shown = pd.Series(values.to_numpy()).astype(str)
        clash = repeated & (shown != shown.groupby(ids).transform("first")).to_numpy()
        if not clash.any():
            continue
        second = int(np.flatnonzero(clash)[0])
        first = int(np.flatnonzero((ids == ids.iloc[second]).to_numpy())[0])
        column = str(getattr(columns, name))
        raise CalibrationError(
            f"lead '{ids.iloc[second]}' has two won deals that disagree on the {FIELD_WORDS.get(name, name)}: "
            f"{row_words(str(path), int(rows[first]))} '{shown.iloc[first]}', "
            f"{row_words(str(path), int(rows[second]))} '{shown.iloc[second]}': a lead is won once, so each lead "
            "id is allowed once in the won-deals table (rows that agree are counted and kept once); keeping the first "
            "would drop the other's bookings unsaid. Put one row per lead (the deal's date and its whole amount)",
            file=str(path),
            column=column,
        )
