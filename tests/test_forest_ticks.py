"""The forest plot's x ticks fit its panel: a narrow panel draws fewer ticks, none running into another."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from plot_checks import collect

from simulator.report.plot_differences import plot_paired_differences

COLUMNS = [
    *("kpi", "mean_diff", "ci_low", "ci_high", "relative_diff", "relative_ci_low", "relative_ci_high"),
    *("share_better", "share_worse", "direction"),
]
NAN = math.nan
# prm_automation, 100 runs (seed 23): prm_tools against manual
ROWS = [
    ("meetings_booked", 217.11, 199.61, 234.61, 0.6643, 0.6446, 0.684, 1.0, 0.0, 1),
    ("bookings", -60903.4, -167003.9, 45197.0, -0.0177, -0.0477, 0.0134, 0.45, 0.55, 1),
    ("prm_tool_cost", 3463.6, 3450.4, 3476.8, NAN, NAN, NAN, 0.0, 1.0, -1),
    ("contribution", -51244.3, -148624.4, 46135.8, NAN, NAN, NAN, 0.46, 0.54, 1),
    ("deals_won", -0.62, -2.33, 1.09, -0.0063, -0.0236, 0.0112, 0.48, 0.47, 1),
    ("win_rate", -0.0113, -0.0157, -0.0070, -0.0483, -0.0663, -0.0300, 0.32, 0.68, 1),
    ("deals_lost_leaked", 162.28, 139.16, 185.40, 0.8031, 0.7382, 0.8768, 0.01, 0.99, -1),
]


def test_a_narrow_forest_panel_draws_no_tick_labels_that_run_into_each_other(tmp_path: Path) -> None:
    """prm_automation's win-rate panel, squeezed by long names and notes, drew "-2.0 pts-1.5 pts-1.0 pts..."."""
    comparison = pd.DataFrame(ROWS, columns=COLUMNS)
    comparison.insert(0, "scenario", "prm_tools")
    comparison.insert(1, "baseline", "manual")
    comparison["significant"] = [True, False, True, False, False, True, True]
    problems: list[str] = []
    saved: list[str] = []
    with collect(problems, saved):
        plot_paired_differences(comparison, [str(k) for k in comparison["kpi"]], tmp_path)
    assert saved and not problems, "\n".join(problems)


def test_a_long_panel_title_is_wrapped_to_the_panel_as_laid_out(tmp_path: Path) -> None:
    """ramp_and_coaching's "fast_ramp_and_coaching against the baseline, paired run by run: rates, in
    percentage points" ran off the figure: its panel is narrower than panel_title's estimate."""
    comparison = pd.DataFrame(ROWS, columns=COLUMNS)
    comparison.insert(0, "scenario", "fast_ramp_and_coaching")
    comparison.insert(1, "baseline", "today")
    comparison["significant"] = [True, False, True, False, False, True, True]
    problems: list[str] = []
    saved: list[str] = []
    with collect(problems, saved):
        plot_paired_differences(comparison, ["deals_lost_leaked", "win_rate"], tmp_path)
    assert saved and not problems, "\n".join(problems)
