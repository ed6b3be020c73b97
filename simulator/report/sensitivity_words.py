"""The words of a sensitivity report about how its levers moved: the moves asked, and an elasticity.

A lever moves by a share of itself (``--delta``); whole numbers move by at least one step, a
probability is held within 0-100%, and a setting on the logit scale (a shift or logit) moves
by ``--delta`` logit units and has no elasticity: the report says so once, with the step.
Under a calibrated company's parameter draws a lever moves each refit's own value
(:mod:`simulator.analysis.refit_levers`), and the levels the table shows are the point fit's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from simulator.analysis.formatting import reads_zero
from simulator.analysis.levers import LEVER_SECTIONS
from simulator.analysis.refit_floor import DRAWS_OPTION
from simulator.analysis.wording import count_of, join_words

MOVES = "whole numbers by at least one step, a probability held within 0-100%: the table gives each lever's levels"
"""How a lever's levels can differ from the share asked: a headcount of 12 moves to 10 and 14, 16.7%."""
NO_ELASTICITY = (
    "a setting on the logit scale (a shift or logit) moves by a fixed step of logit units, not by a share of "
    "itself: it has no relative move, so no elasticity (its base may be 0, and a negative one would flip the sign)"
)
"""Why an additive lever's elasticity reads "-", said once under the table."""


def logit_step(table: pd.DataFrame) -> str | None:
    """``±0.2 logit``: the step of the table's levers on the logit scale (``move`` in logits); None when it has none."""
    if "move" not in table.columns:
        return None
    for _, row in table[table["move"].astype(str).str.contains(" logit")].iterrows():
        base = float(row["base"])
        steps = [abs(float(row[side]) - base) for side in ("low", "high") if math.isfinite(float(row[side]))]
        if steps:
            return f"±{max(steps):.3g} logit"
    return None


def moves_words(table: pd.DataFrame) -> str:
    """:data:`MOVES`, with the logit step when the table has a setting on the logit scale."""
    step = logit_step(table)
    if step is None:
        return MOVES
    return MOVES.replace(": the table", f", a shift or logit by {step}: the table")


def elasticity_words(row: pd.Series) -> str:
    """``+0.45 (+0.30 to +0.60)``; the interval is what tells an unclear lever's elasticity (it includes zero)."""
    elasticity = float(row["elasticity"])
    if not math.isfinite(elasticity):
        return "-"
    low, high = float(row.get("elasticity_ci_low", math.nan)), float(row.get("elasticity_ci_high", math.nan))
    shown = [v for v in (elasticity, low, high) if math.isfinite(v)]
    # two significant figures of the largest, at least two decimals: -0.00 (-0.00 to -0.00) had told nothing
    largest = max(abs(v) for v in shown)
    decimals = 2 if largest == 0.0 else min(4, max(2, 1 - math.floor(math.log10(largest))))
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        return f"{elasticity:+.{decimals}f}"
    # a bound that is not 0 never reads 0: a clear lever's "-0.27 (-0.54 to -0.00)" looked as if its CI reached zero
    bounds = [_nonzero(value, decimals) for value in (low, high)]
    return f"{elasticity:+.{decimals}f} ({bounds[0]} to {bounds[1]})"


def _nonzero(value: float, decimals: int) -> str:
    """``value`` signed with ``decimals``, or up to 3 more where it would read 0 though it is not (``-0.002``)."""
    text = f"{value:+.{decimals}f}"
    for extra in range(1, 4):
        if value == 0.0 or not reads_zero(text):
            break
        text = f"{value:+.{decimals + extra}f}"
    return text


ON_REFITS = (
    "under the refits, each refit's own value is moved so (the table shows the point fit's levels; a lever no "
    "refit changes, a headcount say, is set to them in every run)"
)
"""How a lever moved under a calibrated company's parameter draws, said beside the move asked."""


def draws_words(draws: int, runs: int) -> str:
    """The report's note on a study run under ``draws`` parameter draws, ``runs`` runs a scenario ('' for none)."""
    if not draws:
        return ""
    words = (
        f"*Every run of every lever is on one of the calibrated company's {draws} parameter draws (run *r* on refit "
        f"*r* mod {draws}), as the company's own runs are; a lever the refits fit moves each refit's own value, so "
        "its low and high runs differ from the baseline's by the lever's move alone."
    )
    if runs > draws:
        words += (
            f" With {runs} runs a scenario on {draws} refits, runs on one refit share its parameters: every "
            f"interval is over the refits' means, and past a point only more refits ({DRAWS_OPTION}), not more "
            "runs, narrow it."
        )
    return words + "*"


def set_words(delta: float, table: pd.DataFrame, scenario: str, draws: int) -> str:
    """How each lever was set, opening the table's paragraph: the move asked, and under draws on what."""
    refits = f"; {ON_REFITS}" if draws else ""
    return (
        f"Each lever set {delta:.0%} lower and higher than its value ({moves_words(table)}), everything else as in "
        f"{scenario}{refits}; "
    )


SELLING_HOURS = ("hours_per_day", "selling_fraction")
"""A team's settings whose product is its selling hours: moved alike, they run the very same runs."""


def same_lever_words(keys: list[str]) -> str:
    """Why levers whose runs are identical are one lever: ``both set the full cycle team's selling hours``."""
    heads = {key.rsplit(".", 1)[0] for key in keys}
    tails = {key.rsplit(".", 1)[-1] for key in keys}
    head = next(iter(heads))
    if len(heads) == 1 and tails <= set(SELLING_HOURS) and head.startswith("org.teams."):
        team = head.split(".")[2].replace("_", " ")
        return f"both set the {team} team's selling hours"
    who = "both" if len(keys) == 2 else f"all {len(keys)}"
    return f"{who} ran the very same low runs and high runs, replication by replication"


def scenarios_words(table: pd.DataFrame) -> str:
    """``274 scenarios (the baseline, and each lever low and high; 1 side could not run)``: the count run."""
    if not {"low", "high"} <= set(table.columns):
        return f"{len(table) * 2 + 1} scenarios at most (the baseline, and each lever low and high)"
    missing = int(table["low"].isna().sum() + table["high"].isna().sum())
    ran = len(table) * 2 + 1 - missing
    left = f"; {count_of(missing, 'side')} could not run, see the notes" if missing else ""
    return f"{count_of(ran, 'scenario')} (the baseline, and each lever low and high{left})"


def levers_searched(keys: Sequence[str] | None, sections: Sequence[str]) -> str:
    """Where a study's levers came from: the keys --params named, or the numbers of its --sections."""
    if keys:
        return f"the {count_of(len(keys), 'key')} given with --params"
    names = [("the other pipelines" if s == "pipelines" else s) for s in sections]
    chosen = "" if tuple(sections) == LEVER_SECTIONS else " (--sections)"
    return (
        f"every number of {join_words(names)}{chosen}, except numbers in "
        "lists (profiles, curves), shares of a mix (segments, sectors, geographies, products' weights, a "
        "by_share team's per-rep shares of its new leads), the figures of a CRM export a calibration keeps for "
        "the report's words (pipeline.fitted_figures: no run reads them), zeros, roles no team has and the lead "
        "rate of a source a pipeline feeds (its leads are that pipeline's meetings or referrals)"
    )
