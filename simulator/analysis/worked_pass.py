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
less its leaked leads) for the note to say which it is. :func:`ramp_reason` gives the other cause
the model has for worked leads passing less often in a scenario that changes only its reps'
turnover, ramp or coaching: less ramped headcount (a rep in its first months converts less).
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.formatting import digits_apart, format_signed_amount, format_value
from simulator.analysis.intervals import t_half_width
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row, summary_mean, summary_of
from simulator.analysis.wording import stage_label
from simulator.run.differences import scenario_differences
from simulator.run.experiment import ExperimentResult

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


def _listed(items: list[str]) -> str:
    """``a; b; and c``: items that hold commas of their own."""
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def _worked(runs: pd.DataFrame | None, stages: list[str], scenario: str, baseline: str) -> tuple[set[int], str]:
    """The signs and words (``need specified 36.25% against 36.26% of them, ...``) of the worked leads' pass rates.

    (set(), '') without ``runs`` or a stage's columns (:mod:`.worked_pass`).
    """
    rows = [(stage, worked_pass(runs, scenario, baseline, stage)) for stage in stages] if runs is not None else []
    found = [(stage, row) for stage, row in rows if row is not None]
    if not found or len(found) < len(stages):
        return set(), ""
    items = []
    for stage, row in found:
        kpi = CONVERSION + stage
        ours, theirs = (float(row[k]) for k in ("scenario_mean", "baseline_mean"))
        extra = digits_apart(kpi, ours, theirs)
        figures = (
            f"{format_value(kpi, ours, extra_digits=extra)} against {format_value(kpi, theirs, extra_digits=extra)}"
        )
        signed = format_signed_amount(kpi, float(row["mean_diff"]), row_digits(row, kpi))
        items.append(f"{stage_label(stage)} {figures} of them, {signed}, {interval_words(row, kpi)}")
    return {worked_sign(row) for _, row in found}, _listed(items)


def leaks_whole_words(runs: pd.DataFrame | None, stages: list[str], scenario: str, baseline: str, sign: int) -> str:
    """``the leads worked there pass as often (need specified 36.3% against 36.3% of them, ...)``: the leaks are all.

    '' without ``runs`` or where the worked leads' share passing moved clearly with the factor at some stage.
    """
    signs, items = _worked(runs, stages, scenario, baseline)
    if not items or sign in signs:
        return ""
    how = "as often" if signs == {0} else "more often" if signs == {1} else "less often" if signs == {-1} else "alike"
    change = "fall" if sign < 0 else "rise"
    whole = "more than the whole" if signs == {-sign} else "the whole"  # blocks_6h's worked leads pass more often
    return f"the leads worked there pass {how} ({items}), so the leaked leads are {whole} {change}"


def leaks_part_words(runs: pd.DataFrame | None, stages: list[str], scenario: str, baseline: str, sign: int) -> str:
    """``; the leads worked there pass more often too (...), so the leaks are not the whole rise`` ('' when not so)."""
    signs, items = _worked(runs, stages, scenario, baseline)
    if not items or signs != {sign}:
        return ""
    how, change = ("more", "rise") if sign > 0 else ("less", "fall")
    return f"; the leads worked there pass {how} often too ({items}), so the leaks are not the whole {change}"


RAMPED = "ramped_fte_mean"
"""The reps' ramp levels summed over the employed, the window's mean: a rep in its first months converts less."""


def ramp_words(summary: pd.DataFrame, comparison: pd.DataFrame, scenario: str, baseline: str, sign: int) -> str:
    """``; and it has less ramped headcount (22.09 against 22.69 fully ramped reps' worth ...): ...`` ('' when not so).

    rep_attrition's turnover_50 gave speed to lead as the one cause of its leads passing less often,
    though its runs show 0.59 fewer ramped reps on average (95% CI -0.69 to -0.50), and a rep in its
    first months converts less (the ramp curve's skill shift): said where the ramped headcount moved
    clearly with the stages' conversion.
    """
    row = comparison_row(comparison, scenario, RAMPED)
    if row is None or clear_sign(comparison, scenario, RAMPED) != sign:
        return ""
    ours, theirs = summary_mean(summary, scenario, RAMPED), summary_mean(summary, baseline, RAMPED)
    extra = max(row_digits(row, RAMPED) or 0, digits_apart(RAMPED, ours, theirs))
    figures = (
        f"{format_value(RAMPED, ours, extra_digits=extra)} against {format_value(RAMPED, theirs, extra_digits=extra)}"
    )
    signed = format_signed_amount(RAMPED, float(row["mean_diff"]), row_digits(row, RAMPED))
    return (
        f"; and it has {'more' if sign > 0 else 'less'} ramped headcount ({figures} fully ramped reps' worth "
        f"across all teams on average, {signed}, {interval_words(row, RAMPED)}): a rep in its first months also "
        "converts less (docs/MODEL.md, Workforce: ramp curve)"
    )


RAMP_KEYS = ("attrition", "ramp", "coaching")
"""Settings that change how much of the time a team's reps are ramped, its headcount the same."""


def ramp_reason(result: ExperimentResult, scenario: str) -> str:
    """The ramped headcount's words where the scenario changes only its reps' turnover, ramp or coaching ('' if not).

    A scenario that hires more or fewer reps moves the ramped headcount with the headcount: no_hires
    has less of it for its 12 reps, not for more of them ramping.
    """
    keys = [d.key for d in scenario_differences(result.experiment) if d.scenario == scenario]
    if not keys or not all(k.startswith("workforce.") and any(w in k for w in RAMP_KEYS) for k in keys):
        return ""
    sign = clear_sign(comparison_of(result), scenario, "opportunities_decided")
    return ramp_words(summary_of(result), comparison_of(result), scenario, result.experiment.baseline, sign)
