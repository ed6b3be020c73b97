"""Where a clear change in bookings came from, in a clause the answer can carry beside it.

The answer named a scenario that clearly books less with its difference alone:
``sdr_headcount``'s "sdr_2 clearly lowers bookings, to $2.95M ..., a difference of -$475.6k"
and ``speed_to_lead``'s "oldest_first clearly lowers bookings ... -$308.7k", the reason
left to "What it means" sections below (sdr_2's outbound bookings -$546.4k, its SDR team
prospecting 26.2% of its selling time against 62.5%; oldest_first's inbound bookings
-$319.6k). :func:`source_clause` gives the lead source that moved most, clearly and the
same way, and for outbound leads the prospecting time behind them.
"""

from __future__ import annotations

from simulator.analysis.answer_words import difference_words
from simulator.analysis.formatting import format_value
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row, summary_mean, summary_of
from simulator.analysis.wording import team_label
from simulator.run.experiment import ExperimentResult

BOOKINGS = "bookings"
OUTBOUND = "outbound"
"""The source of the meetings prospecting books: its change follows the prospecting time."""


def source_clause(result: ExperimentResult, scenario: str) -> str:
    """``: its outbound bookings -$546.4k (95% CI ...), its SDR team prospecting 26.2% ... against 62.5%`` or ''.

    Said when ``scenario``'s bookings clearly differ from the baseline's and a lead source's
    bookings clearly moved the same way: the source that moved most.
    """
    comparison = comparison_of(result)
    sign = clear_sign(comparison, scenario, BOOKINGS)
    if not sign:
        return ""
    sources = list(result.experiment.scenario(scenario).config.market.sources)
    moved = [
        row
        for source in sources
        if clear_sign(comparison, scenario, f"{BOOKINGS}_{source}") == sign
        and (row := comparison_row(comparison, scenario, f"{BOOKINGS}_{source}")) is not None
    ]
    if len(sources) < 2 or not moved:
        return ""
    row = max(moved, key=lambda r: abs(float(r["mean_diff"])))
    kpi = str(row["kpi"])
    source = kpi.removeprefix(f"{BOOKINGS}_")
    text = f": its {source} bookings {difference_words(row, kpi)}"
    if source != OUTBOUND:
        return text
    summary, baseline = summary_of(result), result.experiment.baseline
    for team in result.experiment.scenario(scenario).config.org.teams:
        time = f"utilisation_{team}_prospecting"
        if clear_sign(comparison, scenario, time) == sign:
            ours, theirs = (format_value(time, summary_mean(summary, name, time)) for name in (scenario, baseline))
            return text + f", its {team_label(team)} team prospecting {ours} of its selling time against {theirs}"
    return text
