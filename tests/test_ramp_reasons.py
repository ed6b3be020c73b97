"""rep_attrition's notes gave speed to lead as the one cause of its leads passing less often with 50% turnover.

Its runs show a second the model has: 0.59 fewer reps' worth of ramped headcount on average
(95% CI -0.69 to -0.50, pandas, paired), and a rep in its first months converts less (the
ramp curve's skill shift). The note now says it, for a scenario that changes only its reps'
turnover, ramp or coaching (a scenario that hires fewer reps has less ramped headcount for
fewer reps, not for more of them ramping).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simulator.analysis.answer_words import row_digits
from simulator.analysis.bookings_factors import factor_words
from simulator.analysis.formatting import format_signed_amount
from simulator.analysis.tables import comparison_of, comparison_row
from simulator.run.experiment import ExperimentResult
from tests.scenarios import shipped_run


@pytest.fixture(scope="module")
def attrition(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    return shipped_run("rep_attrition", tmp_path_factory.mktemp("rep_attrition"), 60)


def test_less_ramped_headcount_is_said_beside_speed_to_lead(attrition: ExperimentResult) -> None:
    runs = attrition.replications
    sides = [
        runs[runs["scenario"] == s].set_index("replication")["ramped_fte_mean"] for s in ("turnover_50", "turnover_35")
    ]
    diff = sides[0] - sides[1]
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() + half < 0  # by hand: clearly less ramped headcount with 50% turnover
    row = comparison_row(comparison_of(attrition), "turnover_50", "ramped_fte_mean")
    assert row is not None and np.isclose(float(row["mean_diff"]), diff.mean())
    note = factor_words(attrition, "turnover_50")
    signed = format_signed_amount("ramped_fte_mean", float(row["mean_diff"]), row_digits(row, "ramped_fte_mean"))
    assert "; and it has less ramped headcount (" in note, note
    assert f"fully ramped reps' worth across all teams on average, {signed}, 95% CI " in note, note
    assert note.endswith("a rep in its first months also converts less (docs/MODEL.md, Workforce: ramp curve)")
