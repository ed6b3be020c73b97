"""What one run brings beside the interval of the mean, in words: the band a forecast asks for.

A calibrated company's quarter read "$2.97M ($2.95M to $3.00M)" and booked $2.80M: the
interval was of the mean over runs, and one quarter spreads far wider. The words say
what the P10 to P90 carries (the period's luck, and the refits' uncertainty when the runs
are on a calibrated company's parameter draws) and what narrows the mean's interval.
"""

from __future__ import annotations

import math

from simulator.analysis.formatting import format_value, level_unit, same_value
from simulator.analysis.quantities import has_run_spread
from simulator.analysis.tables import summary_of, summary_row, window_words
from simulator.analysis.transient import starts_from_state
from simulator.run.experiment import ExperimentResult


def run_spread_words(result: ExperimentResult, scenario: str, kpi: str, phrase: str) -> str:
    """What one run of ``kpi`` (``phrase`` in a sentence) brings, its P10 to P90, beside the CI of the mean.

    A calibrated company's quarter read "$2.97M ($2.95M to $3.00M)" and booked $2.80M: the
    interval was of the mean over runs, and one quarter spreads far wider.
    """
    row = summary_row(summary_of(result), scenario, kpi)
    if row is None or not has_run_spread(kpi) or not {"p10", "p90", "n"} <= set(row.index):
        return ""
    low, high, runs = float(row["p10"]), float(row["p90"]), int(row["n"])
    if runs < 10 or not (math.isfinite(low) and math.isfinite(high)) or same_value(low, high):
        return ""
    mean_low, mean_high = float(row.get("ci_low", math.nan)), float(row.get("ci_high", math.nan))
    narrower = math.isfinite(mean_low) and math.isfinite(mean_high) and mean_high - mean_low < high - low
    words = (
        f" Run by run, {phrase} over {window_words(result)} range from {format_value(kpi, low)} to"
        f" {format_value(kpi, high)}{level_unit(kpi)} in 8 of 10 runs (P10 to P90); the interval above is of the"
        f" mean over {runs}" + (" runs, narrower than what a single run brings." if narrower else " runs.")
    )
    drawn = result.experiment.parameter_draw_count
    if drawn:
        words += (
            f" The runs carry the fitted parameters' uncertainty as well as the period's luck: each run is on one"
            f" of {drawn} bootstrap refits of the export (run r on refit r mod {drawn}), so the P10 to P90 is a"
            " forecast band."
        )
        if runs > drawn:
            words += (
                f" Runs on one refit share its parameters, so the interval of the mean is over the {drawn} refits'"
                " own means: more refits narrow it (`salesim calibrate --draws`), more runs alone only so far."
            )
    elif starts_from_state(result.experiment):
        overrides = result.experiment.resolved_config.get("command_line_overrides") or []
        dropped = any(str(o).lstrip("+~").startswith("parameter_draws=null") for o in overrides)
        words += (
            " Both take the fitted parameters as known: `salesim backtest` with its default bootstrap shows the"
            " wider range their uncertainty adds ("
            + (
                "run without parameter_draws=null to put the folder's refits into the runs)."
                if dropped
                else "`salesim calibrate --draws N` puts it into the runs)."
            )
        )
    return words
