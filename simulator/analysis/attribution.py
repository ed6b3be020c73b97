"""Where a clear change in bookings came from: the lead sources, and the prospecting time behind them.

A scenario that clearly changes bookings against the baseline gets a sentence splitting
the paired difference by lead source (``bookings_<source>``, which add up to bookings run
by run), the largest first, and a sentence for each team whose share of selling time
spent prospecting clearly moved. Prospecting fills the time a team's queued work leaves
(DESIGN.md: four pipelines sharing people), so more leads of one source can crowd out
the meetings of another: twice the inbound leads cost 12 generalists outbound bookings
worth more than the inbound ones they won. Every figure comes from the result tables.
"""

from __future__ import annotations

import pandas as pd

from simulator.analysis.formatting import format_percent, format_signed_amount, format_signed_range
from simulator.analysis.tables import comparison_of, comparison_row, summary_of, summary_row
from simulator.analysis.utilisation import selling_hours_per_week
from simulator.analysis.wording import join_words, possessive, team_label
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import ExperimentResult

PROSPECTING_SHOWN = 0.01
"""A change in the share of time spent prospecting under 1 point is not named."""


def _clear(row: pd.Series | None) -> bool:
    return row is not None and int(row["n_pairs"]) >= 2 and bool(row["significant"])


def source_sentence(result: ExperimentResult, scenario: str) -> str | None:
    """``Of it, by lead source: outbound -$830.2k (95% CI ...), inbound +$454.0k (...).``; None when not clear.

    Only for a scenario whose bookings clearly differ from the baseline's, in a run with
    bookings by at least two sources.
    """
    comparison = comparison_of(result)
    if not _clear(comparison_row(comparison, scenario, "bookings")):
        return None
    sources = list(result.experiment.scenario(scenario).config.market.sources)
    rows = [row for s in sources if (row := comparison_row(comparison, scenario, f"bookings_{s}")) is not None]
    if len(rows) < 2:
        return None
    rows.sort(key=lambda r: -abs(float(r["mean_diff"])))
    parts = []
    for row in rows:
        kpi, source = str(row["kpi"]), str(row["kpi"]).removeprefix("bookings_")
        amount = format_signed_amount(kpi, float(row["mean_diff"]))
        interval = format_signed_range(kpi, float(row["ci_low"]), float(row["ci_high"]))
        shown = f"95% CI {interval}" if bool(row["significant"]) else f"no clear change: 95% CI {interval}"
        parts.append(f"{source} {amount} ({shown})")
    return f"Of {possessive(scenario)} difference in bookings, by lead source: {join_words(parts)}."


def _why_prospecting(name: str, config: ScenarioConfig, spent: float) -> str:
    """Why a team prospects: idle time, or hours it reserves first whatever waits in its queue.

    prospecting_time's AEs, with 6 hours a week blocked, read "prospecting fills the time its
    queued work leaves" while 53% of the leads reaching them leaked waiting. With 3 hours (16.7%
    of an AE's 18 selling hours) they spent 22.9% of their selling time prospecting (30 runs),
    said beside "3 hours a week are reserved for it" alone. The reserve is hours of work: a rep
    still ramping up works through it at its ramp's pace (17% in its first month), so it fills
    more of its time (19.0% without the AEs' ramp, 6 runs); the rest is sittings that run on
    past the reserve (a week's reserve is counted anew each week; follow-ups outside it are 0.4%
    of the AEs' prospecting hours in the SimPy engine, 2 runs).
    """
    team = config.org.teams[name]
    hours = team.time_allocation.reserved_hours_per_week.get("prospecting", 0.0)
    if hours <= 0:
        return "prospecting fills the time its queued work leaves"
    share = min(hours / selling_hours_per_week(team), 1.0)
    ramps = config.workforce.for_team(name, team.role).ramp is not None
    words = (
        f"{hours:g} hours a week ({format_percent(share, signed=False)} of {'a ramped rep' if ramps else 'a rep'}'s "
        "selling time) are reserved for it, taken first whatever waits in its queue"
    )
    if spent - share >= PROSPECTING_SHOWN:
        pace = "a rep still ramping up works through them at its ramp's pace and " if ramps else ""
        words += f"; it spends {(spent - share) * 100:.1f} points more, as {pace}a sitting can run on past them"
    return words


def prospecting_sentences(result: ExperimentResult, scenario: str) -> list[str]:
    """For each team whose share of selling time spent prospecting clearly moved: from what, to what."""
    comparison, summary = comparison_of(result), summary_of(result)
    baseline = result.experiment.baseline
    found = []
    config = result.experiment.scenario(scenario).config
    teams = config.org.teams
    for team in teams:
        kpi = f"utilisation_{team}_prospecting"
        row = comparison_row(comparison, scenario, kpi)
        if not _clear(row) or row is None or abs(float(row["mean_diff"])) < PROSPECTING_SHOWN:
            continue
        before, after = summary_row(summary, baseline, kpi), summary_row(summary, scenario, kpi)
        if before is None or after is None:
            continue
        verb = "rises" if float(row["mean_diff"]) > 0 else "falls"
        interval = format_signed_range(kpi, float(row["ci_low"]), float(row["ci_high"]))
        found.append(
            f"The {team_label(team)} team's time spent prospecting {verb} from "
            f"{format_percent(float(before['mean']), signed=False)} with {baseline} to "
            f"{format_percent(float(after['mean']), signed=False)} of its selling time (95% CI {interval}): "
            f"{_why_prospecting(team, config, float(after['mean']))}."
        )
    return found
