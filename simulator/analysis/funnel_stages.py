"""The funnel stages behind a clear change in opportunities or win rate, and where speed to lead can act.

Read by :mod:`simulator.analysis.bookings_factors`: the stages before the opportunity (or from it
on), two scenarios' means at the decimals that tell them apart, the stages where a lead the
speed-to-lead decay applies to is first touched, and the words for a first stage's loss that its
source's bookings do not show (sdr_headcount's sdr_2).
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.formatting import digits_apart, format_signed_amount, format_value
from simulator.analysis.tables import clear_sign, comparison_row, summary_mean
from simulator.analysis.wording import join_words, stage_label
from simulator.config.schema import ScenarioConfig

BOOKED = "bookings"
OPPORTUNITIES = "opportunities_decided"
CONVERSION = "stage_conversion_"
"""A stage's share of leads that pass it (``stage_conversion_awareness``)."""


def stages_behind(config: ScenarioConfig, kpi: str) -> list[str]:
    """The stages behind a factor: before the opportunity stage for opportunities, from it on for the win rate."""
    names = [stage.name for stage in config.pipeline.stages]
    chosen = config.pipeline.opportunity_stage
    at = names.index(chosen) if chosen in names else min(1, len(names) - 1)
    return names[:at] if kpi == OPPORTUNITIES else names[at:]


def levels_apart(summary: pd.DataFrame, kpi: str, scenario: str, baseline: str, least: int = 0) -> tuple[str, str]:
    """Two scenarios' means of ``kpi`` with the decimals that tell them apart (``least`` more at least)."""
    ours, theirs = summary_mean(summary, scenario, kpi), summary_mean(summary, baseline, kpi)
    extra = max(least, digits_apart(kpi, ours, theirs))
    return format_value(kpi, ours, extra_digits=extra), format_value(kpi, theirs, extra_digits=extra)


def first_touch_sources(config: ScenarioConfig) -> dict[str, set[str]]:
    """Source -> the stages where its leads are first touched, for each source the speed-to-lead decay applies to.

    A source's entry stage (the first stage where it names none, a digital-first share's own),
    for each source with ``speed_to_lead``, but prospecting's: a booked meeting's booking call
    was its first touch. Without a digital-first share, need specified is no lead's first
    worked stage (booked meetings arrive touched, referrals free of the decay), and a fall
    there had been put down to speed to lead all the same.
    """
    names = [stage.name for stage in config.pipeline.stages]
    pipelines = config.pipelines
    booked = pipelines.prospecting.source if pipelines.prospecting is not None else None
    digital = pipelines.digital_first
    found: dict[str, set[str]] = {}
    for name, source in config.market.sources.items():
        if not source.speed_to_lead or name == booked or not names:
            continue
        found[name] = {source.entry_stage or names[0]}
        if digital is not None and digital.source == name and digital.share > 0:
            found[name].add(digital.entry_stage)
    return found


def first_touch_stages(config: ScenarioConfig) -> set[str]:
    """The stages where some lead the speed-to-lead decay applies to is first touched (the decay acts there alone)."""
    return set().union(*first_touch_sources(config).values())


def unreached_words(
    summary: pd.DataFrame,
    comparison: pd.DataFrame,
    config: ScenarioConfig,
    names: tuple[str, str],
    sign: int,
    touched: list[str],
) -> str:
    """``; yet its inbound bookings show no clear change (...): the runs do not show that loss in its bookings``.

    sdr_headcount's sdr_2 read "fewer of its leads pass ... awareness 23.3% against 41.7%" with
    speed to lead as the cause, while its inbound bookings, whose leads start at awareness, did
    not clearly move (+$25.0k, 95% CI -$73.0k to +$123.0k): the AE team, less loaded, let 178
    fewer leak at need specified. Said for a source first worked at ``touched`` whose bookings
    do not clearly move with the opportunities, with the stages before the opportunity that moved
    the other way ('' when there is none).
    """
    scenario, baseline = names
    said = []
    for source, stages in first_touch_sources(config).items():
        kpi = f"{BOOKED}_{source}"
        row = comparison_row(comparison, scenario, kpi)
        if row is None or not stages & set(touched) or (moved := clear_sign(comparison, scenario, kpi)) == sign:
            continue
        verb = "show no clear change" if not moved else ("rise" if moved > 0 else "fall")
        amount = format_signed_amount(BOOKED, float(row["mean_diff"]), row_digits(row, BOOKED))
        said.append(f"its {source} bookings {verb} ({amount}, {interval_words(row, BOOKED)})")
    if not said:
        return ""
    text = f"; yet {join_words(said)}: the runs do not show that {'loss' if sign < 0 else 'gain'} in its bookings"
    against = []
    for stage in stages_behind(config, OPPORTUNITIES):
        row = comparison_row(comparison, scenario, CONVERSION + stage)
        if row is not None and clear_sign(comparison, scenario, CONVERSION + stage) == -sign:
            ours, theirs = levels_apart(summary, CONVERSION + stage, scenario, baseline)
            kpi = CONVERSION + stage
            amount = format_signed_amount(kpi, float(row["mean_diff"]), row_digits(row, kpi))
            against.append(f"{stage_label(stage)} ({ours} against {theirs}, {amount}, {interval_words(row, kpi)})")
    if against:
        text += f", as {'more of its leads' if sign < 0 else 'fewer'} pass {join_words(against)}"
    return text
