"""The conclusion of an experiment in plain words, one sentence per finding.

For each scenario against the baseline: the paired difference on each decision KPI (see
:mod:`simulator.analysis.decision`) with its 95% confidence interval and the share of
paired runs in which the scenario did better, then the other headline KPIs that clearly
differ; then the busiest team (its queued work, flagged past the 85% planning ceiling)
and the stage that leaks the most leads. Every figure is drawn from the result tables,
never hard-coded, so the sentences say what the runs say.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.assumed import assumed_figures, effort_paced_kpis
from simulator.analysis.attribution import prospecting_sentences, source_sentence
from simulator.analysis.decision import decision_kpis, decision_of
from simulator.analysis.formatting import (
    difference_digits,
    format_amount,
    format_share,
    format_signed_amount,
    format_signed_interval,
    format_signed_range,
    hours_words,
    ties_words,
)
from simulator.analysis.kpi_names import (
    HEADLINE_KPIS,
    PIPELINE_KPIS,
    UTILISATION_CEILING,
    UTILISATION_FLOOR,
    kpi_label,
    kpi_verb,
    kpi_words,
)
from simulator.analysis.leak_words import leakage_sentence, opportunity_stages, stage_teams
from simulator.analysis.relative_words import relative_words
from simulator.analysis.tables import (
    comparison_of,
    comparison_row,
    period_words,
    scenario_names,
    summary_of,
    tied_in_every_run,
)
from simulator.analysis.untouched_leads import untouched_sentences
from simulator.analysis.utilisation import TeamLoad, queued_words, reserved_shares, selling_time_words, team_loads
from simulator.analysis.wording import join_words, possessive, team_label
from simulator.run.experiment import ExperimentResult

# Sentence templates for some KPIs: text, the words for (higher, lower), whether the
# amount is per period (a flow) and so takes "per year". ``{s}``/``{b}`` are the scenario
# and the baseline as typed; ``{s_}``/``{b_}`` their possessives.
_PHRASES: dict[str, tuple[str, tuple[str, str], bool]] = {
    "bookings": ("{s} books {amount} {word} than {b}{period}", ("more", "less"), True),
    "deals_won": ("{s} wins {amount} {word} deals than {b}{period}", ("more", "fewer"), True),
    "cycle_time_days_p50": ("{s_} median sales cycle is {amount} {word} than {b_}", ("longer", "shorter"), False),
    "first_touch_hours_mean": (
        "{s} makes the first touch on a new lead {amount} {word} than {b} on average",
        ("later", "sooner"),
        False,
    ),
    "untouched_lead_share": (
        "{s} leaves a share of its new leads never touched {amount} {word} than {b}",
        ("higher", "lower"),
        False,
    ),
    "deals_lost_leaked": (
        "{s} lets {amount} {word} leads leak (lost waiting for a rep past their wait limit, at any stage) than "
        "{b}{period}",
        ("more", "fewer"),
        True,
    ),
    "deals_lost_handoff": (
        "{s} loses {amount} {word} leads and deals at hand-offs than {b}{period}",
        ("more", "fewer"),
        True,
    ),
    "deals_lost_reassignment": (
        "{s} loses {amount} {word} deals when their owner leaves than {b}{period}",
        ("more", "fewer"),
        True,
    ),
    "deals_lost_no_decision": (
        "{s} loses {amount} {word} deals to no decision than {b}{period}",
        ("more", "fewer"),
        True,
    ),
    "deals_lost_disqualified": (
        "{s} has {amount} {word} leads and deals that do not convert at a stage than {b}{period}",
        ("more", "fewer"),
        True,
    ),
    "meetings_booked": ("{s} books {amount} {word} meetings than {b}{period}", ("more", "fewer"), True),
    "churned_accounts": ("{s} loses {amount} {word} accounts to churn than {b}{period}", ("more", "fewer"), True),
    "hit_plan": ("{s} has a chance of hitting the plan {amount} {word} than {b}", ("higher", "lower"), False),
}
OTHER_KPIS = (*HEADLINE_KPIS, *PIPELINE_KPIS, "cost_of_sales", "contribution", "hit_plan")
"""KPIs beyond the decision KPIs that "What it means" names when they clearly differ."""
MORE_SHOWN = 5
"""At most this many other KPIs get a sentence per scenario (the largest relative changes)."""


def difference_sentence(row: pd.Series, period: str = " per year") -> str:
    """Put one paired comparison (a row of the comparison table) into plain words.

    Args:
        row: A row of :func:`simulator.analysis.comparison.compare`'s table.
        period: Words for the measurement window, appended to flow KPIs.

    Returns:
        A sentence giving the difference with its 95% CI in the KPI's own unit (points
        for shares, dollars, days, ...) and the share of paired runs in which the
        scenario did better, or saying there is no clear difference when the CI includes
        zero; for amounts that cannot be negative, rates aside, a second sentence gives the relative
        difference with its own interval (a ratio of means, never below -100%). Each
        figure and its interval share one unit.
    """
    kpi, s, b = str(row["kpi"]), str(row["scenario"]), str(row["baseline"])
    if int(row["n_pairs"]) < 2 or not math.isfinite(float(row["mean_diff"])):
        return f"{kpi_label(kpi)}: not enough paired runs to compare {s} with {b}."
    if tied_in_every_run(row):  # a share at 0 in every run of both: tied, yet its CI has width (Newcombe's)
        unknown = float(row["ci_high"]) > float(row["ci_low"])
        within = f" (the 95% CI of the difference, {interval_words(row)}, includes zero)" if unknown else ""
        return f"{kpi_label(kpi)}: the same in every run of {s} and {b}{within}."
    if not bool(row["significant"]):
        return (
            f"{kpi_label(kpi)}: no clear difference between {s} and {b} "
            f"(mean difference {_signed(row)}; "
            f"the 95% CI, {interval_words(row)}, includes zero)."
        )
    low, high = float(row["ci_low"]), float(row["ci_high"])
    # every pair differs by the same (4 CSMs' pay), as the answer says it: "(95% CI -$571.4k to -$571.4k)" had read
    # as an interval
    same = math.isfinite(low) and math.isclose(low, high, rel_tol=1e-6, abs_tol=1e-9)
    ci = "the same in every run" if same else f"95% CI {interval_words(row)}"
    sentence = f"{_difference_phrase(row, period)} ({ci}), {_share_words(row)}."
    relative = relative_words(row)
    if relative:  # none for a rate: its change is in points
        sentence += f" Relative to {b}: {relative}."
    return sentence


def _difference_phrase(row: pd.Series, period: str) -> str:
    kpi, diff = str(row["kpi"]), float(row["mean_diff"])
    s, b = str(row["scenario"]), str(row["baseline"])
    template, (higher, lower), is_flow = _PHRASES.get(
        kpi, ("{s_} " + kpi_words(kpi) + f" {kpi_verb(kpi)} " + "{amount} {word} than {b_}", ("higher", "lower"), False)
    )
    word = higher if diff > 0 else lower
    amount = format_amount(kpi, diff, _digits(row))
    return template.format(
        s=s, b=b, s_=possessive(s), b_=possessive(b), amount=amount, word=word, period=period if is_flow else ""
    )


def _digits(row: pd.Series) -> int | None:
    kpi, diff = str(row["kpi"]), float(row["mean_diff"])
    return difference_digits(kpi, diff, float(row["ci_low"]), float(row["ci_high"]))


def _signed(row: pd.Series) -> str:
    return format_signed_amount(str(row["kpi"]), float(row["mean_diff"]), _digits(row))


def interval_words(row: pd.Series, compact: bool = False) -> str:
    """Return the 95% CI of a paired difference in the KPI's own unit (``+$66.2k to +$990.0k``).

    ``compact`` writes the bounds as a table cell does (``+1.2 pts``, days without their
    unit, which the row's label carries); otherwise as a sentence does (``+1.2 points``).
    """
    kpi = str(row["kpi"])
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    extra = difference_digits(kpi, float(row.get("mean_diff", math.nan)), low, high)  # the difference's precision
    if compact:
        return format_signed_interval(kpi, low, high, extra)
    return format_signed_range(kpi, low, high, extra)


def _share_words(row: pd.Series) -> str:
    # the scenario is named again where the sentence's subject was the KPI ("specialist's renewals due
    # are lower ..., and specialist does better ..."); where it was the scenario, "and does better"
    kpi = str(row["kpi"])
    share, ties = float(row["share_better"]), ties_words(row)
    who = "" if _PHRASES.get(kpi, ("{s_}",))[0].startswith("{s} ") else f"{row['scenario']} "
    if int(row["direction"]) == 0:
        words = f"and {kpi_verb(kpi)} higher in {format_share(share)} of paired runs"
        return f"{words}, lower in {format_share(float(row['share_worse']))} ({ties})" if ties else words
    if share == 1.0:
        return f"and {who}does better in every paired run"
    if ties:  # many runs tie: "only 26%" would read as "worse in 74%"
        better = "none of the" if share == 0.0 else f"{format_share(share)} of"
        worse = format_share(float(row["share_worse"]))
        return f"and {who}does better in {better} paired runs, worse in {worse} ({ties})"
    if share == 0.0:
        return f"and {who}does better in none of the paired runs"
    only = "only " if share < 0.5 else ""
    return f"and {who}does better in {only}{format_share(share)} of paired runs"


def scenario_loads(result: ExperimentResult, scenario: str) -> list[TeamLoad]:
    """Each team's load in ``scenario``, a team's reserved prospecting hours taken off its selling time."""
    teams = result.experiment.scenario(scenario).config.org.teams
    draws = result.experiment.parameter_draw_count
    return team_loads(result.replications, scenario, draws, reserved_shares(teams))


def bottleneck_sentence(loads: list[TeamLoad], scenario: str, assumed: str = "") -> str | None:
    """Name the busiest team of a scenario and say whether its load is past the 85% planning ceiling.

    The load is queued work (deals, renewals, expansions; see
    :mod:`simulator.analysis.utilisation`): the prospecting and partner work that fills
    idle time does not make a team a bottleneck. ``assumed``: why the scenario's load follows
    from assumed effort (a calibrated company, :mod:`simulator.analysis.assumed`); the load is
    then said to follow from it, not judged against the planning range.

    Returns:
        A sentence, or None when the scenario reports no utilisation.
    """
    if not loads:
        return None
    busiest = max(loads, key=lambda load: load.load)
    team = team_label(busiest.team)
    ci = (
        f" (95% CI {busiest.load_low:.1%} to {busiest.load_high:.1%})"
        if math.isfinite(busiest.load_low) and math.isfinite(busiest.load_high)
        else ""
    )
    work = (  # the work it did: csm_coverage's full cycle team had read "with deals, renewals and expansions"
        f" with {queued_words(busiest)} (prospecting and partner work fill the rest)"
        if busiest.has_filler and not busiest.reserved
        else ""
    )
    time = selling_time_words(busiest)
    head = f"In {scenario}, the busiest team is the {team} team, busy {busiest.load:.1%} of {time}{work}{ci}"
    if assumed:
        return f"{head}: this {assumed}."
    shown = round(busiest.load, 3)  # judged as shown, as "What looks unusual" does: 85.0% is not above 85%
    if shown > UTILISATION_CEILING:
        ceiling = f"above the {UTILISATION_CEILING:.0%} planning ceiling"
        return f"{head}: {ceiling}, so it is the bottleneck and work queues for it."
    if shown >= UTILISATION_FLOOR and round(busiest.load_high, 3) > UTILISATION_CEILING:
        # sdr_headcount's sdr_3 AEs, 85.0% (83.4% to 86.4%), leaking 86 leads a run waiting for them, had read
        # "so no team is overloaded"
        return (
            f"{head}: within the 70-85% planning range, but at its {UTILISATION_CEILING:.0%} ceiling, which the "
            "95% CI reaches past: the team is as busy as planning allows, and work may queue for it."
        )
    if shown >= UTILISATION_FLOOR:
        return f"{head}: within the 70-85% planning range, so no team is overloaded."
    return f"{head}: below the 70-85% planning range, so every team has spare capacity."


def _stage_descriptions(result: ExperimentResult, scenario: str) -> dict[str, str]:
    stages = result.experiment.scenario(scenario).config.pipeline.stages
    return {stage.name: stage.description for stage in stages}


def _scenario_sentences(result: ExperimentResult, scenario: str, kpis: list[str], period: str) -> list[str]:
    """The decision KPIs always; other KPIs only when clearly different, the largest changes first."""
    comparison = comparison_of(result)
    sentences = [
        difference_sentence(row, period) for k in kpis if (row := comparison_row(comparison, scenario, k)) is not None
    ]
    clear: list[pd.Series] = []
    unclear: list[pd.Series] = []
    for kpi in effort_paced_kpis(result, [k for k in dict.fromkeys(OTHER_KPIS) if k not in kpis]):
        row = comparison_row(comparison, scenario, kpi)
        if row is None or int(row["n_pairs"]) < 2:
            continue
        (clear if bool(row["significant"]) else unclear).append(row)
    clear.sort(key=lambda r: -abs(float(r["relative_diff"])) if math.isfinite(float(r["relative_diff"])) else 0.0)
    sentences += [difference_sentence(row, period) for row in clear[:MORE_SHOWN]]
    if len(clear) > MORE_SHOWN:  # smaller, but clear: named, not left out
        rest = join_words([f"{kpi_words(str(r['kpi']))} ({_signed(r)})" for r in clear[MORE_SHOWN:]])
        sentences.append(f"{scenario} also differs clearly from {clear[0]['baseline']} in {rest}.")
    sources = source_sentence(result, scenario)
    sentences += [*([sources] if sources else []), *prospecting_sentences(result, scenario)]
    if unclear:
        names = join_words([kpi_words(str(r["kpi"])) for r in unclear])
        sentences.append(f"No clear difference between {scenario} and {unclear[0]['baseline']} in {names}.")
    return sentences


def _once(per_scenario: dict[str, str | None], names: list[str]) -> list[str]:
    """One sentence per scenario, or one for all when they say the same (the name aside)."""
    found = {n: s for n, s in per_scenario.items() if s}
    if len(found) == len(names) > 1:
        shapes = {s.replace(f"In {n},", "In {}", 1) for n, s in found.items()}
        if len(shapes) == 1:
            return [shapes.pop().replace("In {}", "In every scenario", 1)]
    return [found[n] for n in names if n in found]


def conclusion(result: ExperimentResult) -> list[str]:
    """Say in plain words what the experiment found, drawing every figure from the result.

    For each non-baseline scenario: a sentence per decision KPI (the primary, then the
    guardrails) with the paired difference, its 95% CI and the share of paired runs it did
    better in; sentences for the other headline KPIs only where they clearly differ (the
    largest changes, at most :data:`MORE_SHOWN`), and one sentence naming the rest. Then
    the busiest team and the leakiest stage, once when every scenario says the same.

    Returns:
        The sentences, in reading order.
    """
    summary, period = summary_of(result), period_words(result)
    names = scenario_names(result)
    kpis = decision_kpis(decision_of(result.experiment))
    sentences: list[str] = []
    for scenario in names[1:]:
        sentences += _scenario_sentences(result, scenario, kpis, period)
    loads = {n: scenario_loads(result, n) for n in names}
    assumed = assumed_figures(result)
    busiest = {n: bottleneck_sentence(loads[n], n, assumed.get(n, "")) for n in names}
    leakiest = {
        n: leakage_sentence(
            summary,
            n,
            _stage_descriptions(result, n),
            period,
            stage_teams(result, n),
            loads[n],
            opportunity_stages(result, n),
        )
        for n in names
    }
    said = [
        difference_sentence(row, period)
        for n in names[1:]
        if (row := comparison_row(comparison_of(result), n, "first_touch_hours_mean")) is not None
    ]
    shown = [sentences.index(x) for x in said if x in sentences]  # a decision KPI, or a clear change among the rest
    touches = first_touch_by_team(summary, names) if shown else None
    if touches:  # right after the first mean it splits: read late, the mean had stood alone as both teams' figure
        sentences.insert(min(shown) + 1, touches)
    untouched = untouched_sentences(result, names) if any(k.startswith("first_touch_") for k in kpis) else []
    return [*sentences, *untouched, *_once(busiest, names), *_once(leakiest, names)]


def first_touch_by_team(summary: pd.DataFrame, names: list[str]) -> str | None:
    """Each scenario's mean time to first touch by the team that made it, when some scenario has two such teams.

    The KPI averages an SDR desk answering in minutes with AEs taking days to first touch the
    meetings and digital-first leads that skip the SDRs: 35.8 hours that fit neither team,
    beside "the SDR team first touches its leads 0.4 hours after they arrive".
    """
    prefix = "first_touch_hours_mean_"
    parts, split = [], False
    for name in names:
        rows = summary[(summary["scenario"] == name) & summary["kpi"].str.startswith(prefix)]
        rows = rows[np.isfinite(rows["mean"].to_numpy(dtype=float))]
        split = split or len(rows) > 1
        teams = [
            f"{team_label(str(k).removeprefix(prefix))} {f'{m:,.1f}' if m >= 0.1 else hours_words(float(m))}"
            for k, m in zip(rows["kpi"], rows["mean"], strict=True)
        ]
        if teams:
            parts.append(f"{name}: {', '.join(teams)}")
    if not split:
        return None
    return (
        "Mean time to first touch by the team that made it, in hours of working days (the mean above mixes them): "
        f"{'; '.join(parts)}."
    )
