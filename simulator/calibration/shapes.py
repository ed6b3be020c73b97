"""The four shapes of a CRM export, read into one table of opportunities.

(a) one row per opportunity with created and closed dates and a status; (b) a long
stage-history table (id, stage, date entered) whose final stage gives the outcome; (c) one
row per lead with a date column per funnel stage (a lead becomes an opportunity at
``created_stage``; won at ``won_stage``); (d) a leads table plus a won-deals table joined by
id (a lead without a deal is lost when it has a closed date or a lost outcome, else open).

The result, :class:`Export`, has one row per opportunity with ``id, created, closed,
outcome, amount, owner, product, segment, region, source, qualifier, row`` (``row``: the
1-based data row of the main table). Problems are counted in ``problems``, never dropped
silently; bad cells raise :class:`~simulator.calibration.errors.CalibrationError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulator.calibration.amounts import parse_amounts
from simulator.calibration.currency import refuse_other_currencies
from simulator.calibration.date_order import table_dates
from simulator.calibration.errors import CalibrationError, DataProblems, some_of
from simulator.calibration.export import Export
from simulator.calibration.export_checks import (
    check_values,
    find_left_truncation,
    refuse_conflicting_deals,
    refuse_conflicting_ids,
    unify_spellings,
)
from simulator.calibration.export_end import export_end
from simulator.calibration.export_tables import amount_columns, blank_missing_words, read_export_tables
from simulator.calibration.mapping import OUTCOMES, MappingFile
from simulator.calibration.outcome_spellings import read_outcomes, refuse_unmapped_endings, suggested_outcome
from simulator.calibration.readers import column, number_columns, separator_of
from simulator.calibration.roster_prices import roster_and_prices

TEXT_FIELDS = ("owner", "product", "segment", "region", "source", "qualifier")


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _outcomes(
    values: pd.Series, allowed: Mapping[str, str], path: str, name: str, problems: DataProblems
) -> np.ndarray:
    """Outcome of each row from its status through the mapping (or spelt so but for case, counted); else refused."""
    read = read_outcomes(values, allowed, problems, "opportunities.outcomes")
    unknown = (values != "") & read.isna()
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        status = values.iloc[row]
        known = ", ".join(f"{k} -> {v}" for k, v in allowed.items()) or "none"
        others = sorted(set(values[unknown]) - {status})
        also = f"; also not mapped: {some_of([repr(o) for o in others], 5)}" if others else ""
        absent = [k for k in allowed if not (values == k).any()]  # statuses of the mapping the file never has
        close = difflib.get_close_matches(status, absent, n=1, cutoff=0.6)
        fix = (
            f"the mapping's '{close[0]}' is in no row: write it '{status}'"
            if close
            else f"add it under opportunities.outcomes as one of {', '.join(OUTCOMES)} (e.g. {status}: "
            f"{suggested_outcome(status)})"
        ) + (f"; map {some_of([repr(o) for o in others], 5)} too" if others else "")
        raise CalibrationError(
            f"outcome '{status}' ({_rows(int((values == status).sum()))}) is not in the mapping's outcomes "
            f"({known}){also}: {fix}",
            file=path,
            column=name,
            row=row + 1,
        )
    return read.fillna("open").to_numpy(dtype=object)


def load_export(mapping: MappingFile) -> Export:
    """Read every table the mapping names and build the opportunity table.

    Raises:
        CalibrationError: A file or mapped column is missing, a date or amount cannot be
            parsed, a status is not in the mapping, or no deal has closed.
    """
    table = mapping.opportunities
    path = mapping.path(table.file)
    tables = read_export_tables(mapping)  # every table read, and its mapped columns checked, first
    problems = DataProblems()
    blank_missing_words(mapping, tables, problems)  # 'n/a', 'NULL' read as empty, and counted
    currency = refuse_other_currencies(amount_columns(mapping, tables))  # the tables' amounts are added as one
    raw = tables["opportunities"]
    cols, name = table.columns, str(path)
    n = len(raw)
    ids = column(raw, cols.id, path)
    assert ids is not None
    if n == 0:
        raise CalibrationError("holds no rows, only a header: nothing to calibrate on", file=name)
    out = pd.DataFrame({"id": ids.to_numpy(), "row": np.arange(1, n + 1)})
    for text in TEXT_FIELDS:
        series = column(raw, getattr(cols, text), path)
        out[text] = series.to_numpy() if series is not None else ""
    stage_columns = {name: column(raw, name, path) for name in table.stage_dates.values()}
    named = {str(cols.created): column(raw, cols.created, path), str(cols.closed): column(raw, cols.closed, path)}
    dates = table_dates({**named, **stage_columns}, table, path, "opportunities", problems)
    created, closed = dates[str(cols.created)], dates[str(cols.closed)]
    out["created"], out["closed"] = created, closed
    if created is None:
        out["created"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if closed is None:
        out["closed"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    amount = column(raw, cols.amount, path)
    separator = separator_of(raw)
    numbers = str(cols.amount) in number_columns(raw)  # an Excel or Parquet column of number cells
    out["amount"] = (
        parse_amounts(
            amount,
            path,
            str(cols.amount),
            separator=separator,
            numbers=numbers,
            decimal_mark=table.decimal_mark,
            mark_key="opportunities.decimal_mark",
        )
        if amount is not None
        else np.nan
    )
    status = column(raw, cols.outcome, path)
    out["outcome"] = (
        _outcomes(status, table.outcomes, name, str(cols.outcome), problems) if status is not None else "open"
    )
    leads_only = 0
    if table.stage_dates:  # shape (c)
        leads_only = _stage_columns({name: dates[name] for name in stage_columns}, out, mapping, status is not None)
    if mapping.stage_history is not None:  # shape (b)
        _history(out, mapping, tables["stage_history"], problems)
    if mapping.won_deals is not None:  # shape (d)
        _won_deals(out, mapping, tables["won_deals"], problems, status is not None)
    empty = (raw == "").all(axis=1).to_numpy()  # a line of bare separators (",,,,"), as Excel leaves below a table
    export = _finish(out, mapping, tables, problems, name, leads_only, empty)
    export.currency = currency
    return export


def _stage_columns(
    dates_by_column: Mapping[str, np.ndarray | None], out: pd.DataFrame, mapping: MappingFile, has_status: bool
) -> int:
    """Shape (c): dates per funnel stage (read, by column); the opportunity starts at ``created_stage``."""
    table = mapping.opportunities
    dates: dict[str, np.ndarray] = {}
    for stage, name in table.stage_dates.items():
        read = dates_by_column[name]
        assert read is not None  # a stage's mapped column is in the file (read_export_tables checked it)
        dates[stage] = read
    start = table.created_stage or next(iter(table.stage_dates))
    if start not in dates:
        raise CalibrationError(f"created_stage '{start}' is not a key of stage_dates", file=str(mapping.base))
    created = out["created"].to_numpy(dtype="datetime64[D]")
    out["created"] = np.where(np.isnat(created), dates[start], created)
    if table.won_stage is not None and not has_status:
        won = ~np.isnat(dates[table.won_stage])
        closed = out["closed"].to_numpy(dtype="datetime64[D]")
        out["closed"] = np.where(won & np.isnat(closed), dates[table.won_stage], closed)
        ended = ~np.isnat(out["closed"].to_numpy(dtype="datetime64[D]"))
        out["outcome"] = np.where(won, "won", np.where(ended, "lost", "open"))
    return int(np.isnat(out["created"].to_numpy(dtype="datetime64[D]")).sum())


def _history(out: pd.DataFrame, mapping: MappingFile, raw: pd.DataFrame, problems: DataProblems) -> None:
    """Shape (b): first stage date is the creation; the last stage entered gives the outcome and close."""
    history = mapping.stage_history
    assert history is not None
    path = mapping.path(history.file)
    cols = history.columns
    ids, stages, dates_text = (column(raw, c, path) for c in (cols.id, cols.stage, cols.date))
    assert ids is not None and stages is not None and dates_text is not None
    dates = table_dates({cols.date: dates_text}, history, path, "stage_history", problems)[cols.date]
    unknown = ~stages.isin(list(history.outcomes)) & (stages == "")
    problems.add("stage-history rows with no stage", int(unknown.sum()), "left out")
    long = pd.DataFrame({"id": ids.to_numpy(), "stage": stages.to_numpy(), "date": dates})
    problems.add("stage-history rows with no id", int((long["id"] == "").sum()), "left out (they join no opportunity)")
    long = long[long["id"] != ""]  # an empty id is no opportunity's: the opportunities with none would all join it
    long = long[~np.isnat(long["date"].to_numpy(dtype="datetime64[D]"))].sort_values(["id", "date"], kind="stable")
    first = long.groupby("id")["date"].min()
    last = long.groupby("id").tail(1).set_index("id")
    read = read_outcomes(last["stage"], history.outcomes, problems, "stage_history.outcomes")
    refuse_unmapped_endings(last["stage"], read, stages, str(path), cols.stage, "stage_history.outcomes")
    outcome = read.fillna("open")
    index = out["id"]
    created = out["created"].to_numpy(dtype="datetime64[D]")
    from_history = index.map(first).to_numpy(dtype="datetime64[D]")
    out["created"] = np.where(np.isnat(created), from_history, created)
    final = index.map(outcome).fillna("open").to_numpy(dtype=object)
    ended = final != "open"
    out["outcome"] = np.where(ended, final, out["outcome"].to_numpy(dtype=object))
    close_date = index.map(last["date"]).to_numpy(dtype="datetime64[D]")
    closed = out["closed"].to_numpy(dtype="datetime64[D]")
    out["closed"] = np.where(ended & np.isnat(closed), close_date, closed)
    missing = ~index.isin(first.index)
    problems.add("opportunities without any stage-history row", int(missing.sum()), "kept with their own columns")


def _won_deals(
    out: pd.DataFrame, mapping: MappingFile, raw: pd.DataFrame, problems: DataProblems, has_status: bool
) -> None:
    """Shape (d): a lead with a won deal is won on the deal's date; without one, lost if closed, else open."""
    deals = mapping.won_deals
    assert deals is not None
    path = mapping.path(deals.file)
    ids = column(raw, deals.columns.id, path)
    closed_text = column(raw, deals.columns.closed, path)
    assert ids is not None and closed_text is not None
    closed = pd.Series(
        table_dates({deals.columns.closed: closed_text}, deals, path, "won_deals", problems)[deals.columns.closed],
        index=ids.to_numpy(),
    )
    amount_text = column(raw, deals.columns.amount, path)
    amounts = pd.Series(
        parse_amounts(
            amount_text,
            path,
            str(deals.columns.amount),
            separator=separator_of(raw),
            numbers=str(deals.columns.amount) in number_columns(raw),
            decimal_mark=deals.decimal_mark,
            mark_key="won_deals.decimal_mark",
        )
        if amount_text is not None
        else np.nan,
        index=ids.to_numpy(),
    )
    unnamed = closed.index == ""  # an empty id is no lead's: every lead with none would have joined it
    problems.add("won deals with no lead id", int(unnamed.sum()), "left out (they join no lead)")
    closed, amounts = closed[~unnamed], amounts[~unnamed]
    refuse_conflicting_deals(closed, amounts, np.arange(1, unnamed.size + 1)[~unnamed], path, deals.columns)
    duplicated = closed.index.duplicated()
    problems.add("won deals listed twice for one lead (the same date and amount)", int(duplicated.sum()), "one kept")
    closed, amounts = closed[~duplicated], amounts[~duplicated]
    orphans = ~closed.index.isin(out["id"])
    problems.add("won deals whose lead is not in the leads table", int(orphans.sum()), "left out")
    won = out["id"].isin(closed.index).to_numpy()
    lead_closed = out["closed"].to_numpy(dtype="datetime64[D]")
    deal_closed = out["id"].map(closed).to_numpy(dtype="datetime64[D]")
    out["closed"] = np.where(won, deal_closed, lead_closed)
    out["amount"] = np.where(won, out["id"].map(amounts).to_numpy(dtype=np.float64), out["amount"].to_numpy())
    status = out["outcome"].to_numpy(dtype=object)
    lost = ~won & ((status == "lost") | (~has_status & ~np.isnat(lead_closed)))
    nodec = ~won & (status == "no_decision")
    out["outcome"] = np.where(won, "won", np.where(lost, "lost", np.where(nodec, "no_decision", "open")))
    out.loc[~won & ~lost & ~nodec, "closed"] = np.datetime64("NaT")


def _finish(
    out: pd.DataFrame,
    mapping: MappingFile,
    tables: Mapping[str, pd.DataFrame],
    problems: DataProblems,
    name: str,
    leads_only: int,
    empty: np.ndarray,
) -> Export:
    """Count and settle the problems of the opportunity table; read roster and prices.

    ``empty``: the rows of the table whose every cell is blank, left out and counted. A row
    with no id is no duplicate of another with none: it is kept and counted (empty rows and
    rows with a blank id had been counted as "duplicated ids", all but the first dropped).
    """
    created = out["created"].to_numpy(dtype="datetime64[D]")
    closed = out["closed"].to_numpy(dtype="datetime64[D]")
    all_dates = np.concatenate([created[~np.isnat(created)], closed[~np.isnat(closed)]])
    if all_dates.size == 0:
        raise CalibrationError("no dates at all: map the created and closed columns", file=name)
    problems.add("empty rows (every cell blank)", int(empty.sum()), "left out")
    no_id = (out["id"] == "").to_numpy() & ~empty
    problems.add(
        "opportunities with no id", int(no_id.sum()), "kept, each its own opportunity (none can be told a duplicate)"
    )
    duplicated = out["id"].duplicated().to_numpy() & ~no_id & ~empty
    # each its own id, so that nothing downstream reads them as copies of one deal (effective_trials would)
    out.loc[no_id, "id"] = [f"(no id: row {row})" for row in out.loc[no_id, "row"]]
    # most rows repeat an id: not an id column ('id: product' kept 7 rows)
    if 2 * int(duplicated.sum()) > int((~empty).sum()):
        column = mapping.opportunities.columns.id
        distinct = out["id"].drop_duplicates().astype(str).tolist()
        raise CalibrationError(
            f"opportunities.columns.id = '{column}': {int(duplicated.sum()):,} of its {len(out):,} rows repeat an "
            f"id ({len(distinct):,} distinct: {', '.join(distinct[:3])}, ...), and only one row per id is kept: is "
            "the mapping's column the right one? Map the column that names each opportunity once",
            file=name,
            column=column,
        )
    refuse_conflicting_ids(out[~empty & ~no_id], tables["opportunities"], mapping, name)
    problems.add("duplicated ids", int(duplicated.sum()), "rows equal in every mapped column: one kept")
    no_created = np.isnat(created) & ~duplicated & ~empty
    if leads_only:
        never = leads_only - int(empty.sum())  # an empty row has no date of any stage, and is counted as empty
        problems.add("leads that never became opportunities", never, "not opportunities: left out")
        no_created &= False
    problems.add(
        "rows with no created date", int(no_created.sum()), "left out of arrivals, outcomes and the open pipeline"
    )
    outcome = out["outcome"].to_numpy(dtype=object)
    ended = np.isin(outcome, ["won", "lost", "no_decision"])
    undated_close = ended & np.isnat(closed) & ~np.isnat(created)
    problems.add("closed outcomes with no close date", int(undated_close.sum()), "treated as open (censored)")
    outcome = np.where(undated_close, "open", outcome)
    open_with_date = (outcome == "open") & ~np.isnat(closed)
    problems.add("open rows with a close date", int(open_with_date.sum()), "close date ignored: open")
    closed = np.where(outcome == "open", np.datetime64("NaT"), closed)
    with np.errstate(invalid="ignore"):
        negative = ~np.isnat(closed) & ~np.isnat(created) & (closed < created)
    problems.add("negative durations (closed before created)", int(negative.sum()), "left out")
    dated = int((~np.isnat(closed) & ~np.isnat(created)).sum())
    if 2 * int(negative.sum()) > dated:  # most deals closed before they were created: the dates' columns swapped?
        columns = mapping.opportunities.columns
        swapped = (
            f" (opportunities.columns.created = '{columns.created}', closed = '{columns.closed}')"
            if columns.created is not None and columns.closed is not None
            else ""
        )
        raise CalibrationError(
            f"{int(negative.sum()):,} of the {dated:,} closed deals with both dates close before they were created: "
            f"are the created and closed columns swapped in the mapping?{swapped}",
            file=name,
        )
    keep = ~duplicated & ~np.isnat(created) & ~negative & ~empty
    frame = out.assign(created=created, closed=closed, outcome=outcome)[keep].reset_index(drop=True)
    owner_column = mapping.opportunities.columns.owner
    if owner_column is not None:  # mapped, yet empty on some rows: no one's deals
        problems.add(
            f"opportunities with no owner (column '{owner_column}' empty)",
            int((frame["owner"] == "").sum()),
            "kept in arrivals, outcomes and the open pipeline; left out of the owners' shares, the skill spread "
            "and deals per owner",
        )
    if frame.empty and len(out) and np.isnat(created).all():  # every row left out for want of a created date
        mapped = mapping.opportunities.columns.created
        where = f"column '{mapped}'" if mapped else "the created stage's column"
        raise CalibrationError(
            f"no row has a created date ({where} is empty in all {len(out):,}): nothing to fit on", file=name
        )
    if not np.isin(frame["outcome"], ["won", "lost", "no_decision"]).any():
        raise CalibrationError("no closed deal at all: nothing to fit outcomes or durations on", file=name)
    bad = ~np.isin(frame["outcome"], OUTCOMES)
    assert not bad.any()
    export = Export(
        frame=frame,
        export_date=export_end(frame, mapping, name),
        file=name,
        problems=problems,
        last_created=frame["created"].to_numpy(dtype="datetime64[D]").max(),
        leads_without_opportunity=leads_only,
    )
    export.roster, export.prices = roster_and_prices(set(export.frame["owner"]), problems, mapping, tables)
    unify_spellings(export, mapping)
    check_values(export)
    find_left_truncation(export)
    return export
