"""A lever's swing on a calibrated company's runs: over its refits' means once the runs outnumber the refits.

Run *r* of every scenario is on refit *r* mod *n*, so runs on one refit share its parameters,
and a swing that varies from refit to refit varies alike in every run on that refit. The study
took each run as independent: 40 runs on 4 refits read a swing as clear whose refits disagree
on its sign.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.analysis.levers import BASELINE, Lever, scenario_name
from simulator.analysis.sensitivity import sensitivity_table

REFITS, RUNS = 4, 40
EFFECT = np.array([1.0, -0.2, 1.5, -0.5])  # the lever's effect on each refit: the sign is not settled


def _runs() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    replication = np.arange(RUNS)
    base = 100.0 + 5.0 * EFFECT[replication % REFITS] + rng.normal(0.0, 0.1, RUNS)
    swing = EFFECT[replication % REFITS] + rng.normal(0.0, 0.1, RUNS)
    rows = {BASELINE: base, scenario_name(0, "low"): base - swing / 2, scenario_name(0, "high"): base + swing / 2}
    return pd.DataFrame(
        [{"scenario": s, "replication": r, "bookings": float(v[r])} for s, v in rows.items() for r in replication]
    )


def test_a_swing_on_shared_refits_is_read_over_the_refits_means() -> None:
    runs = _runs()
    lever = Lever("market.sources.inbound.leads_per_month", 10.0, 8.0, 12.0, False)
    alone = sensitivity_table(runs, [lever], "bookings").iloc[0]
    assert alone["clear"]  # 40 runs taken as independent: a clear swing
    row = sensitivity_table(runs, [lever], "bookings", draws=REFITS).iloc[0]
    wide = runs.pivot(index="replication", columns="scenario", values="bookings")
    swing = (wide[scenario_name(0, "high")] - wide[scenario_name(0, "low")]).to_numpy()
    means = swing.reshape(RUNS // REFITS, REFITS).mean(axis=0)  # refit k's mean over its 10 runs
    half = stats.t.ppf(0.975, REFITS - 1) * means.std(ddof=1) / np.sqrt(REFITS)
    assert row["swing"] == pytest.approx(means.mean(), rel=1e-12)
    assert (row["swing_ci_low"], row["swing_ci_high"]) == pytest.approx((means.mean() - half, means.mean() + half))
    assert not row["clear"] and row["n_pairs"] == RUNS
    assert row["high_ci_high"] - row["high_ci_low"] > 3 * (alone["high_ci_high"] - alone["high_ci_low"])
    # no more runs than refits: every run on its own refit, the runs are the unit
    few = runs[runs["replication"] < REFITS]
    assert sensitivity_table(few, [lever], "bookings", draws=REFITS).equals(sensitivity_table(few, [lever], "bookings"))
