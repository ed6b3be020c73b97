"""A figure the same in every run is not said to need more runs: its CI is the bound of no spread.

``python -m simulator experiment=csm_coverage runs=5`` with 3 CSMs (a saturated team) read
expansion "0.0% in csm_3 ... (20.0 points below; ... 95% CI reaches the range: more runs
would tell ...; so busy, it closes no expansions)": the share was 0 in all 5 runs, and its
CI, 0.0% to 60.7%, is Wilson's over the 5 runs as its trials (a share of money records no
trials of its own), not a spread between runs.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.benchmarks import BenchmarkCheck, benchmark_checks
from simulator.analysis.statistics import summarise
from simulator.analysis.unusual_words import finding, unusual_lines


def _runs(shares: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"scenario": scenario, "replication": run, "expansion_share_of_new_arr": share, "customer_arr": 22.5e6 + run}
        for scenario, values in shares.items()
        for run, share in enumerate(values)
    ]
    return pd.DataFrame(rows)


def _expansion(summary: pd.DataFrame, scenario: str) -> BenchmarkCheck:
    (check,) = [c for c in benchmark_checks(summary, scenario) if c.benchmark.kpi.startswith("expansion")]
    return check


def test_a_share_at_zero_in_every_run_is_not_said_to_need_more_runs() -> None:
    summary = summarise(_runs({"csm_3": [0.0] * 5, "csm_7": [0.0, 0.05, 0.3, 0.1, 0.0]}))
    saturated = _expansion(summary, "csm_3")
    assert saturated.side == -1 and not saturated.clear and saturated.spread == 0.0
    assert round(saturated.ci_high, 3) == 0.607  # the runs as trials: 0 of 5
    doubt = finding(saturated, "csm_3").doubt
    assert "more runs" not in doubt, doubt
    assert doubt == (
        "its 95% CI reaches the range: only as the bound a share at 0.0% in all 5 runs allows, the runs not differing"
    )
    # a share that varies between runs still has a spread more runs would narrow
    varying = _expansion(summary, "csm_7")
    assert varying.side == -1 and not varying.clear and varying.spread > 0.0
    assert finding(varying, "csm_7").doubt == "its 95% CI reaches the range: more runs would tell"
    sentences = " ".join(line.sentence for line in unusual_lines(summary, ["csm_3", "csm_7"]))
    assert "in csm_3 (its 95% CI reaches the range: only as the bound" in sentences, sentences
    assert sentences.count("more runs would tell") == 1, sentences
