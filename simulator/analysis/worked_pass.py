"""Whether the leads a stage's reps do work pass it less often, or only more of its leads leak unworked.

``prospecting_time``'s note on blocks_3h read "need specified 23.2% against 30.9% ..., its
leads waiting longer there before work (10.37 against 6.86 working days) and more of them
leak (367 a run ...), a leaked lead counting as not passed; speed to lead, one cause the
model gives, lowers a lead's odds ... with every hour it waits". Its runs (100 a scenario,
seed of the experiment) show the leads the AEs worked at need specified passing as often
as without blocks: 36.25% against 36.26% of those worked, paired run by run. The leaked
leads are the whole fall; no slower touch cost the worked leads anything, so the
speed-to-lead reason was a mechanism the runs do not show. :func:`worked_pass` gives the
paired change in the share of worked leads that pass (a stage's passes over its entries
less its leaked leads) for the note to say which it is.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.intervals import t_half_width

ENTRIES, CONVERSION, LEAKED = "stage_entries_", "stage_conversion_", "stage_leaked_"


def _worked_share(runs: pd.DataFrame, stage: str) -> pd.Series:
    """Each run's passes at ``stage`` over the leads worked there (its entries less those that leaked waiting)."""
    entries = runs[f"{ENTRIES}{stage}"]
    worked = entries - runs[f"{LEAKED}{stage}"]
    return (entries * runs[f"{CONVERSION}{stage}"]) / worked.where(worked > 0)


def worked_pass(runs: pd.DataFrame, scenario: str, baseline: str, stage: str) -> pd.Series | None:
    """The paired change in the share of worked leads passing ``stage`` (a comparison-like row), None without it.

    The row holds ``mean_diff``, ``ci_low``, ``ci_high`` (95%, Student t over the paired runs),
    ``scenario_mean`` and ``baseline_mean``.
    """
    columns = [f"{prefix}{stage}" for prefix in (ENTRIES, CONVERSION, LEAKED)]
    if not set(columns) <= set(runs.columns):
        return None
    sides = [
        _worked_share(runs[runs["scenario"] == name].set_index("replication"), stage) for name in (scenario, baseline)
    ]
    diff = (sides[0] - sides[1]).dropna()
    if len(diff) < 2:
        return None
    mean, half = float(diff.mean()), t_half_width(float(diff.std(ddof=1)), len(diff))
    if not math.isfinite(half):
        return None
    return pd.Series(
        {
            "kpi": f"{CONVERSION}{stage}",
            "mean_diff": mean,
            "ci_low": mean - half,
            "ci_high": mean + half,
            "scenario_mean": float(sides[0].mean()),
            "baseline_mean": float(sides[1].mean()),
        }
    )


def worked_sign(row: pd.Series) -> int:
    """+1 or -1 when the worked leads clearly pass more or less often, else 0."""
    if float(row["ci_low"]) > 0:
        return 1
    return -1 if float(row["ci_high"]) < 0 else 0
