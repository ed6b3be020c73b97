"""The share of new leads never touched, a decision KPI of the default experiment, against what is published.

generalist_vs_specialist's answer and tables read "New leads never touched 3.3%" and "3.6%",
while BENCHMARKS.md (Speed to lead; Funnel) reports more than 30% of leads never contacted
(Oldroyd), 23% of firms never answering (HBR) and ~80% of marketing leads never worked
(MarketingSherpa): a leader questions that figure first, and "What looks unusual" let it
pass unflagged. It is now set against the published range and said below it, with why.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.published_ranges import BENCHMARKS
from simulator.analysis.unusual_words import unusual_lines


def _summary(share: float) -> pd.DataFrame:
    row = {"scenario": "generalist", "kpi": "untouched_lead_share", "mean": share}
    return pd.DataFrame([row | {"ci_low": share * 0.95, "ci_high": share * 1.05}])


def test_a_few_percent_never_touched_is_flagged_below_the_published_range_with_why() -> None:
    (benchmark,) = [b for b in BENCHMARKS if b.kpi == "untouched_lead_share"]
    assert benchmark.low == 0.30 and "Oldroyd" in benchmark.source and "MarketingSherpa" in benchmark.source
    (line,) = unusual_lines(_summary(0.0332), ["generalist"])
    scenario, sentence = line.who, line.sentence
    assert scenario == "generalist" and line.scenarios == ("generalist",) and not line.reasons
    assert sentence.startswith("3.3% of new leads never touched (leaked before a first touch); published 30.0% or more")
    assert "26.7 points below" in sentence and "salesim's reps work every new lead unless it waits past" in sentence


def test_a_share_within_the_published_range_is_not_flagged() -> None:
    assert [(line.who, line.sentence) for line in unusual_lines(_summary(0.45), ["generalist"])] == [
        ("generalist", "every benchmarked figure lies inside its published range")
    ]
