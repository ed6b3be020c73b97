"""One-at-a-time sensitivity: which levers move a KPI most, with CIs, on common random numbers.

Each lever (:mod:`simulator.analysis.levers`) is set low, then high, with everything else
as in the scenario; every moved scenario replays the baseline's leads with the same luck,
so run *r* of "low" minus run *r* of the baseline isolates the lever's effect. Per lever:
the paired difference to the baseline at each side with its 95% CI (from
:func:`simulator.analysis.comparison.compare`), and the *swing*, high minus low, paired run
by run, with its Student t interval (over the refits' means when a calibrated company's runs
outnumber its refits: runs on one refit share its parameters). Levers are ranked by the size of the swing; a lever
whose swing CI includes zero has no clear effect at this number of runs. The elasticity
is the swing relative to the baseline's mean over the lever's relative move, with the
swing's interval scaled alike: an unclear swing has an elasticity whose CI includes zero.
A setting on the logit scale (``Lever.additive``: a shift, moved by a fixed number of logit
units) has no relative move, so no elasticity (NaN; the report writes "-" and says why):
its base may be 0, and a negative base would flip the elasticity's sign.

Two levers can be one: a team's hours a day and its selling share both set its selling
hours, so 20% less of either runs the very same runs. Where two levers' low runs and high
runs are identical, replication by replication on every KPI (and not all the baseline's),
the lower-ranked one's ``same_as`` names the first (:func:`same_runs`): the CSV keeps both
rows, and the report counts them once.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.comparison import compare
from simulator.analysis.levers import BASELINE, Lever, scenario_name
from simulator.analysis.statistics import kpi_interval, mean_interval

SENSITIVITY_COLUMNS = (
    "rank",
    "parameter",
    "base",
    "low",
    "high",
    "move",
    "kpi",
    "baseline_mean",
    "low_mean",
    "low_diff",
    "low_ci_low",
    "low_ci_high",
    "high_mean",
    "high_diff",
    "high_ci_low",
    "high_ci_high",
    "swing",
    "swing_ci_low",
    "swing_ci_high",
    "clear",
    "elasticity",
    "elasticity_ci_low",
    "elasticity_ci_high",
    "n_pairs",
    "same_as",
)


def _side(comparison: pd.DataFrame, scenario: str, kpi: str) -> dict[str, float]:
    rows = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
    if rows.empty:
        return {"mean": math.nan, "diff": 0.0, "low": math.nan, "high": math.nan}
    row = rows.iloc[0]
    return {
        "mean": float(row["scenario_mean"]),
        "diff": float(row["mean_diff"]),
        "low": float(row["ci_low"]),
        "high": float(row["ci_high"]),
    }


def _paired(runs: pd.DataFrame, a: str, b: str, kpi: str) -> tuple[np.ndarray, np.ndarray]:
    """Per replication, ``a`` minus ``b`` (replications both have), and those replications' indices."""
    table = runs[runs["scenario"].isin([a, b])].pivot_table(
        index="replication", columns="scenario", values=kpi, aggfunc="first"
    )
    if a not in table.columns or b not in table.columns:
        return np.array([]), np.array([], dtype=np.int64)
    both = table[[a, b]].dropna()
    return (both[a] - both[b]).to_numpy(dtype=float), both.index.to_numpy(dtype=np.int64)


def _share(move: float) -> str:
    """``-17%``, ``+11%``: a relative move at whole percents, more decimals only where those read 0%."""
    decimals = 0
    while decimals < 3 and round(abs(move) * 100, decimals) == 0 and move != 0:
        decimals += 1
    return f"{move:+.{decimals}%}"


def move_words(lever: Lever) -> str:
    """How the lever actually moved, for the table's ``move`` column: each side's move from its base.

    ``-20% / +20%``; ``-20% / +11%`` where a probability was held at 1; ``-17% / +17%`` for a
    headcount of 12 moved by whole reps; ``+100% (no lower value)`` where one side cannot run;
    ``-0.2 / +0.2 logit`` for a setting on the logit scale (moved by logit units, not a share).
    """
    sides = [(side, value) for side, value in (("lower", lever.low), ("higher", lever.high)) if value is not None]
    if lever.additive:
        moves = [f"{value - lever.base:+.3g}" for _, value in sides]
        unit = " logit"
    else:
        moves = [_share((value - lever.base) / lever.base) for _, value in sides]
        unit = ""
    if len(moves) == 2:
        return f"{moves[0]} / {moves[1]}{unit}"
    if len(moves) == 1:
        missing = "higher" if sides[0][0] == "lower" else "lower"
        return f"{moves[0]}{unit} (no {missing} value)"
    return "not moved"


def sensitivity_table(replications: pd.DataFrame, levers: Sequence[Lever], kpi: str, draws: int = 0) -> pd.DataFrame:
    """The levers ranked by the size of their swing on ``kpi`` (see the module docstring).

    Args:
        replications: The runs of :func:`simulator.analysis.levers.lever_experiment`'s experiment.
        levers: The levers as run, in the order their scenarios were named.
        kpi: The KPI.
        draws: A calibrated company's parameter draws the runs cycle through (run r on refit
            r mod draws; 0: none). With more runs than draws, runs on one refit are not
            independent: every mean, difference and swing and its interval is then over the
            refits' means (:mod:`simulator.analysis.draw_means`).

    Returns:
        One row per lever, columns :data:`SENSITIVITY_COLUMNS`, largest swing first. A side
        left out reads as the baseline (difference 0, no interval). ``move`` is each side's
        actual move from the base (:func:`move_words`), not the share asked.
    """
    if kpi not in replications.columns:
        raise KeyError(f"no run reports the KPI {kpi!r}")
    runs = replications[["scenario", "replication", kpi]]
    comparison = compare(replications, BASELINE, draws=draws, kpis=[kpi])  # identical runs: judged on every KPI
    base = runs.loc[runs["scenario"] == BASELINE]
    base_mean = kpi_interval(
        kpi, base[kpi].to_numpy(dtype=float), replications=base["replication"].to_numpy(), draws=draws
    ).mean
    rows = []
    for i, lever in enumerate(levers):
        low_name, high_name = scenario_name(i, "low"), scenario_name(i, "high")
        low = _side(comparison, low_name, kpi) if lever.low is not None else None
        high = _side(comparison, high_name, kpi) if lever.high is not None else None
        upper = high_name if high is not None else BASELINE
        lower = low_name if low is not None else BASELINE
        swing, paired = _paired(runs, upper, lower, kpi)
        n = int(swing.size)
        interval = mean_interval(swing, replications=paired, draws=draws)
        mean = interval.mean if n else math.nan
        half = (interval.ci_high - interval.ci_low) / 2 if n >= 2 else math.nan
        span = (lever.high if lever.high is not None else lever.base) - (
            lever.low if lever.low is not None else lever.base
        )
        relative = lever.base != 0 and not lever.additive  # a logit shift has no relative move
        per_swing = (lever.base / span) / base_mean if base_mean and span and relative else math.nan
        elasticity = mean * per_swing
        # the swing's interval scaled alike (the baseline's mean taken as known: its CI is far narrower)
        ends = sorted((float((mean - half) * per_swing), float((mean + half) * per_swing)))
        rows.append(
            {
                "parameter": lever.key,
                "base": lever.base,
                "low": lever.low if lever.low is not None else math.nan,
                "high": lever.high if lever.high is not None else math.nan,
                "move": move_words(lever),
                "kpi": kpi,
                "baseline_mean": base_mean,
                **_side_columns("low", low, base_mean),
                **_side_columns("high", high, base_mean),
                "swing": mean,
                "swing_ci_low": mean - half,
                "swing_ci_high": mean + half,
                "clear": bool(math.isfinite(half) and (mean - half > 0 or mean + half < 0)),
                "elasticity": elasticity,
                "elasticity_ci_low": ends[0],
                "elasticity_ci_high": ends[1],
                "n_pairs": n,
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in SENSITIVITY_COLUMNS if c != "rank"])
    order = table["swing"].abs().fillna(-1.0).sort_values(ascending=False, kind="stable").index
    table = table.loc[order].reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    same = same_runs(replications, levers)
    table["same_as"] = [""] * len(table)
    first: dict[str, str] = {}  # a group's representative: its first lever in rank order
    for i, key in enumerate(table["parameter"]):
        group = same.get(str(key))
        if group is None:
            continue
        if group in first:
            table.loc[i, "same_as"] = first[group]
        else:
            first[group] = str(key)
    return table


def same_runs(replications: pd.DataFrame, levers: Sequence[Lever]) -> dict[str, str]:
    """Levers that are one: their low runs identical, and their high runs, on every column, replication by replication.

    A lever whose runs are all the baseline's (it moves nothing) is no one's twin, and
    levers pair only when the same sides ran.

    Returns:
        Each lever with a twin -> a name shared by its group (levers alone are left out).
    """
    ordered = {
        str(name): group.drop(columns="scenario").sort_values("replication").reset_index(drop=True)
        for name, group in replications.groupby("scenario", sort=False)
    }

    def signature(name: str | None) -> str | None:
        if name is None or name not in ordered:
            return None
        frame = ordered[name]
        return hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()

    baseline = signature(BASELINE)
    groups: dict[tuple[str | None, str | None], list[int]] = {}
    for i, lever in enumerate(levers):
        low = signature(scenario_name(i, "low") if lever.low is not None else None)
        high = signature(scenario_name(i, "high") if lever.high is not None else None)
        if (low, high) == (None, None) or all(side in (None, baseline) for side in (low, high)):
            continue
        groups.setdefault((low, high), []).append(i)
    found: dict[str, str] = {}
    for members in groups.values():
        twins = [j for j in members[1:] if _identical(ordered, members[0], j, levers)]
        if twins:
            for j in (members[0], *twins):
                found[levers[j].key] = levers[members[0]].key
    return found


def _identical(ordered: dict[str, pd.DataFrame], a: int, b: int, levers: Sequence[Lever]) -> bool:
    """Whether levers ``a`` and ``b``'s sides ran the very same runs (the hashes agreed: checked value by value)."""
    for side in ("low", "high"):
        if (getattr(levers[a], side) is None) != (getattr(levers[b], side) is None):
            return False
        if getattr(levers[a], side) is not None:
            one, two = ordered.get(scenario_name(a, side)), ordered.get(scenario_name(b, side))
            if one is None or two is None or not one.equals(two):
                return False
    return True


def _side_columns(side: str, found: dict[str, float] | None, base_mean: float) -> dict[str, float]:
    if found is None:
        return {f"{side}_mean": base_mean, f"{side}_diff": 0.0, f"{side}_ci_low": math.nan, f"{side}_ci_high": math.nan}
    return {
        f"{side}_mean": found["mean"],
        f"{side}_diff": found["diff"],
        f"{side}_ci_low": found["low"],
        f"{side}_ci_high": found["high"],
    }
