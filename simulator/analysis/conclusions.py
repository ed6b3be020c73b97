"""The conclusion of an experiment in plain words, one sentence per finding.

For each scenario against the baseline: the paired difference on each headline KPI
with its 95% confidence interval and the share of paired runs in which the scenario did
better; then per scenario the busiest team (flagged past the 85% planning ceiling) and
the stage that leaks the most leads. Every figure is drawn from the result tables,
never hard-coded, so the sentences say what the runs say.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.formatting import (
    HEADLINE_KPIS,
    STAGE_LEAKED_PREFIX,
    UTILISATION_CEILING,
    UTILISATION_FLOOR,
    UTILISATION_PREFIX,
    format_amount,
    format_percent,
    format_signed_amount,
    format_signed_range,
    format_value,
    kpi_label,
    sentence_start,
    team_label,
)
from simulator.analysis.quantities import is_share
from simulator.analysis.tables import comparison_of, comparison_row, period_words, scenario_names, summary_of
from simulator.config.pipelines import PIPELINE_KEYS as PIPELINES
from simulator.run.experiment import ExperimentResult

# Sentence templates for headline KPIs: text, the words for (higher, lower), whether the
# amount is per period (a flow) and so takes "per year".
_PHRASES: dict[str, tuple[str, tuple[str, str], bool]] = {
    "bookings": ("{s} books {amount} {word} than {b}{period}", ("more", "less"), True),
    "deals_won": ("{s} wins {amount} {word} deals than {b}{period}", ("more", "fewer"), True),
    "win_rate": ("{s}'s win rate is {amount} {word} than {b}'s", ("higher", "lower"), False),
    "cycle_time_days_p50": (
        "{s}'s median sales cycle is {amount} {word} than {b}'s",
        ("longer", "shorter"),
        False,
    ),
    "first_touch_hours_mean": (
        "{s} makes the first touch on a new lead {amount} {word} than {b} on average",
        ("later", "sooner"),
        False,
    ),
    "deals_lost_leaked": (
        "{s} lets {amount} {word} leads leak (lost untouched past their wait limit) than {b}{period}",
        ("more", "fewer"),
        True,
    ),
}


def difference_sentence(row: pd.Series, period: str = " per year") -> str:
    """Put one paired comparison (a row of the comparison table) into plain words.

    Args:
        row: A row of :func:`simulator.analysis.statistics.compare`'s table.
        period: Words for the measurement window, appended to flow KPIs.

    Returns:
        A sentence giving the difference with its 95% CI in the KPI's own unit (points
        for shares, dollars, days, ...) and the share of paired runs in which the
        scenario did better, or saying there is no clear difference when the CI includes
        zero; for amounts that cannot be negative a second sentence gives the relative
        difference with its own interval (a ratio of means, never below -100%). Each
        figure and its interval share one unit.
    """
    kpi, s, b = str(row["kpi"]), str(row["scenario"]), str(row["baseline"])
    if int(row["n_pairs"]) < 2 or not math.isfinite(float(row["mean_diff"])):
        return f"{kpi_label(kpi)}: not enough paired runs to compare {s} with {b}."
    if not bool(row["significant"]):
        return (
            f"{kpi_label(kpi)}: no clear difference between {s} and {b} "
            f"(mean difference {format_signed_amount(kpi, float(row['mean_diff']))}; "
            f"the 95% CI, {interval_words(row)}, includes zero)."
        )
    sentence = f"{_difference_phrase(row, period)} (95% CI {interval_words(row)}), {_share_words(row)}."
    relative = relative_words(row)
    if relative and not is_share(kpi):
        sentence += f" Relative to {b}: {relative}."
    return sentence


def _difference_phrase(row: pd.Series, period: str) -> str:
    kpi, diff = str(row["kpi"]), float(row["mean_diff"])
    s, b = sentence_start(str(row["scenario"])), str(row["baseline"])
    template, (higher, lower), is_flow = _PHRASES.get(
        kpi,
        ("{s}'s " + kpi_label(kpi).lower() + " is {amount} {word} than {b}'s", ("higher", "lower"), False),
    )
    word = higher if diff > 0 else lower
    return template.format(s=s, b=b, amount=format_amount(kpi, diff), word=word, period=period if is_flow else "")


def interval_words(row: pd.Series, compact: bool = False) -> str:
    """Return the 95% CI of a paired difference in the KPI's own unit (``+$66.2k to +$990.0k``).

    ``compact`` writes the bounds as a table cell does (``+1.2 pts``, days without their
    unit, which the row's label carries); otherwise as a sentence does (``+1.2 points``).
    """
    kpi = str(row["kpi"])
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    if compact:
        return f"{format_value(kpi, low, signed=True)} to {format_value(kpi, high, signed=True)}"
    return format_signed_range(kpi, low, high)


def relative_interval_words(row: pd.Series) -> str | None:
    """Return the 95% CI of the relative difference (``+3.0% to +45.0%``), None when there is none."""
    low, high = float(row.get("relative_ci_low", math.nan)), float(row.get("relative_ci_high", math.nan))
    if math.isnan(low) or math.isnan(high):
        return None
    top = "no upper bound" if math.isinf(high) else format_percent(high)
    return f"{format_percent(low)} to {top}"


def relative_words(row: pd.Series) -> str | None:
    """The relative difference with its 95% CI (``+23.3% (95% CI +3.0% to +45.0%)``), None when undefined."""
    relative = float(row.get("relative_diff", math.nan))
    interval = relative_interval_words(row)
    if not math.isfinite(relative):
        return None
    return f"{format_percent(relative)} (95% CI {interval})" if interval else format_percent(relative)


def _share_words(row: pd.Series) -> str:
    share = float(row["share_better"])
    if int(row["direction"]) == 0:
        return f"and is higher in {share:.0%} of paired runs"
    if share == 0.0:
        return "and does better in none of the paired runs"
    if share == 1.0:
        return "and does better in every paired run"
    only = "only " if share < 0.5 else ""
    return f"and does better in {only}{share:.0%} of paired runs"


POOL_WORK = ("prospecting", "partner")  # pipelines whose work fills a rep's idle time


def queued_work(summary: pd.DataFrame, scenario: str) -> list[tuple[str, float, float, float, bool]]:
    """Per team: (team, mean, ci_low, ci_high, adjusted) of the time spent on queued work.

    Prospecting and partner work fill whatever time the queues leave (idle time turns into
    them), so a team doing them is always near 100% busy; its load is the rest. The CI is
    given only when nothing had to be taken off.
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(UTILISATION_PREFIX)]
    means = {str(r["kpi"]): r for _, r in rows[rows["mean"].notna()].iterrows()}
    teams = [k for k in means if not any(k.endswith(f"_{p}") and k.rsplit("_", 1)[0] in means for p in PIPELINES)]
    found = []
    for kpi in teams:
        row = means[kpi]
        pool = sum(float(means[f"{kpi}_{p}"]["mean"]) for p in POOL_WORK if f"{kpi}_{p}" in means)
        mean = float(row["mean"]) - pool
        found.append(
            (kpi.removeprefix(UTILISATION_PREFIX), mean, float(row["ci_low"]), float(row["ci_high"]), pool > 0)
        )
    return found


def bottleneck_sentence(summary: pd.DataFrame, scenario: str) -> str | None:
    """Name the busiest team of a scenario and say whether it is past the 85% planning ceiling.

    Business is measured on queued work (deals, renewals, expansions); the prospecting and
    partner work that fills idle time does not make a team a bottleneck.

    Returns:
        A sentence, or None when the scenario reports no utilisation.
    """
    found = queued_work(summary, scenario)
    if not found:
        return None
    name, mean, low, high, adjusted = max(found, key=lambda item: item[1])
    team = team_label(name)
    ci = f" (95% CI {low:.1%} to {high:.1%})" if math.isfinite(low) and not adjusted else ""
    work = " with deals, renewals and expansions (prospecting and partner work fill the rest)" if adjusted else ""
    head = f"In {scenario}, the busiest team is the {team} team, busy {mean:.1%} of its selling time{work}{ci}"
    if mean > UTILISATION_CEILING:
        ceiling = f"above the {UTILISATION_CEILING:.0%} planning ceiling"
        return f"{head}: {ceiling}, so it is the bottleneck and leads queue for it."
    if mean >= UTILISATION_FLOOR:
        return f"{head}: within the 70-85% planning range, so no team is overloaded."
    return f"{head}: below the 70-85% planning range, so every team has spare capacity."


def leakage_sentence(
    summary: pd.DataFrame, scenario: str, stage_descriptions: dict[str, str], period: str = " per year"
) -> str | None:
    """Name the stage where a scenario loses the most leads to leakage (untouched too long).

    Returns:
        A sentence, or None when the scenario reports no leakage by stage.
    """
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(STAGE_LEAKED_PREFIX)]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    total = float(rows["mean"].sum())
    if total <= 0.0:
        return f"In {scenario}, no leads leak at any stage."
    top = rows.iloc[int(rows["mean"].to_numpy().argmax())]
    stage = str(top["kpi"]).removeprefix(STAGE_LEAKED_PREFIX)
    about = f" ({stage_descriptions[stage]})" if stage_descriptions.get(stage) else ""
    mean = float(top["mean"])
    return (
        f"In {scenario}, most leaked leads are lost at the {stage.replace('_', ' ')} stage{about}: "
        f"{mean:,.0f}{period} on average, {mean / total:.0%} of all leaked leads."
    )


def _stage_descriptions(result: ExperimentResult, scenario: str) -> dict[str, str]:
    stages = result.experiment.scenario(scenario).config.pipeline.stages
    return {stage.name: stage.description for stage in stages}


def conclusion(result: ExperimentResult) -> list[str]:
    """Say in plain words what the experiment found, drawing every figure from the result.

    For each non-baseline scenario and headline KPI, one sentence with the paired
    difference, its 95% CI and the share of paired runs it did better in; then, per
    scenario, the busiest team (flagged past 85% utilisation) and the leakiest stage.

    Returns:
        The sentences, in reading order.
    """
    summary, comparison, period = summary_of(result), comparison_of(result), period_words(result)
    names = scenario_names(result)
    sentences: list[str] = []
    for scenario in names[1:]:
        for kpi in HEADLINE_KPIS:
            row = comparison_row(comparison, scenario, kpi)
            if row is not None:
                sentences.append(difference_sentence(row, period))
    for scenario in names:
        sentences.extend(
            sentence
            for sentence in (
                bottleneck_sentence(summary, scenario),
                leakage_sentence(summary, scenario, _stage_descriptions(result, scenario), period),
            )
            if sentence
        )
    return sentences
