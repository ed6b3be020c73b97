"""How precise the numbers of an experiment are, in plain words, for the "How precise is this" section.

Two figures, both computed from the runs with :mod:`simulator.analysis.statistics`:

* how many runs per scenario would pin the mean of the question's primary KPI (bookings
  when that is a yes/no outcome, or the ``runs=auto`` KPI) down to a 95% CI within
  ``±2%`` of the mean (:func:`simulator.analysis.run_counts.replications_needed`), and whether
  the runs made reach it;
* how closely each scenario's values of it follow the baseline's across paired runs
  (:func:`simulator.analysis.comparison.correlation_of_pairs`). With common random numbers the
  variance of a paired difference is ``var(a) + var(b) - 2 rho sd(a) sd(b)``, which for
  similar spreads is ``(1 - rho)`` times the variance of a difference of independent runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.comparison import correlation_of_pairs, paired_runs
from simulator.analysis.decision import decision_of
from simulator.analysis.kpi_names import kpi_label
from simulator.analysis.quantities import Kind, kpi_kind
from simulator.analysis.run_counts import draw_floors, replications_needed
from simulator.analysis.statistics import mean_interval, relative_half_width, scenario_order
from simulator.analysis.tables import scenario_names
from simulator.analysis.wording import count_of, is_plural, join_words
from simulator.calibration.draw_counts import MAX_DRAWS
from simulator.run.experiment import ExperimentResult

PRECISION_KPI = "bookings"
"""The KPI whose precision the report discusses."""

TARGET_PRECISION = 0.02
"""Target 95% CI half-width as a share of the mean (±2%); under ``runs=auto``, its own target."""

LITTLE_PAIRING = 0.2
"""Below this correlation of paired runs, pairing is said to gain little (under 20% less variance)."""


def runs_needed_sentence(
    scenario: str,
    runs_made: int,
    needed: int | None,
    half_width: float,
    kpi: str = PRECISION_KPI,
    precision: float = TARGET_PRECISION,
    floor: tuple[int, float] | None = None,
    draws: int = 0,
    kept: bool = False,
) -> str:
    """Say how many runs a scenario needs for a ±2% CI of the KPI's mean and whether it has them.

    Args:
        scenario: Name of the scenario.
        runs_made: Runs with a value of the KPI.
        needed: Runs needed (from :func:`simulator.analysis.run_counts.replications_needed`); None
            when no relative precision is reachable (fewer than two runs or a zero mean).
        half_width: Current CI half-width as a share of the mean (NaN when unknown).
        kpi: The KPI.
        precision: The target half-width as a share of the mean.
        floor: With runs sharing a calibrated company's parameter draws, the number of
            draws and the narrowest half-width they allow however many runs
            (:func:`simulator.analysis.run_counts.draw_floors`).
        draws: The parameter draws the runs cycle through: a count past them assumes
            independent runs, which runs sharing a refit are not, and says so.
        kept: Some runs were left out (a failed replication, and its partners in the
            other scenarios): the runs counted are those kept, not all that were made.

    Returns:
        One sentence, starting with the scenario's name in bold.
    """
    label = kpi_label(kpi).lower()
    target = f"±{precision:.1%}".replace(".0%", "%")
    if floor is not None and floor[1] > precision:
        now = f"±{half_width:.1%} with {runs_made:,} runs" if math.isfinite(half_width) else f"{runs_made:,} runs"
        refits = math.ceil(floor[0] * (floor[1] / precision) ** 2)  # the floor narrows as 1/sqrt(refits)
        more = (
            f"about {refits:,} refits (`salesim calibrate --draws {refits}`, with a few runs each) would narrow it "
            f"to {target}"
            if refits <= MAX_DRAWS
            else f"{target} would take about {refits:,} refits, more than calibrate stores ({MAX_DRAWS:,})"
        )
        return (
            f"**{scenario}**: the runs are on {floor[0]} bootstrap refits of the export, and the refits' own spread "
            f"holds the 95% CI of mean {label} to at least ±{floor[1]:.1%} however many runs each gets (now {now}): "
            f"{more}; more runs cannot."
        )
    if needed is None:
        return (
            f"**{scenario}**: with {count_of(runs_made, 'run')} and this mean, no run count can be given "
            f"for a 95% CI of mean {label} within {target}."
        )
    now = f" (now ±{half_width:.1%})" if math.isfinite(half_width) else ""
    made = "kept" if kept else "made"
    if draws and floor is None and needed > draws and runs_made < needed:
        # the count first, the caveat after, had read as a promise the refits' spread may not keep
        return (
            f"**{scenario}**: the {runs_made:,} runs {made} fall short of a 95% CI of mean {label} within {target}"
            f"{now}. Independent runs would reach it at about {needed:,}, but past {draws} runs they share the "
            f"{draws} bootstrap refits, whose own spread can hold the CI wider however many runs: {2 * draws:,} runs "
            "(two on each refit) show how far runs can narrow it."
        )
    head = f"**{scenario}**: {needed:,} runs give a 95% CI of mean {label} within {target} of the mean; "
    if runs_made >= needed:
        return head + f"the {runs_made:,} runs {made} reach it{now}."
    return head + f"the {runs_made:,} runs {made} fall short{now}, about {needed - runs_made:,} more are needed."


def pairing_sentence(
    scenario: str, baseline: str, rho: float, kpi: str = PRECISION_KPI, share: float = math.nan
) -> str:
    """Say how much common random numbers sharpen the paired comparison of a scenario with the baseline.

    Args:
        scenario: Name of the scenario.
        baseline: Name of the baseline.
        rho: Correlation of the KPI across paired runs (from
            :func:`simulator.analysis.comparison.correlation_of_pairs`).
        kpi: The KPI.
        share: The variance of the paired differences over the two sides' variances added
            (:func:`variance_share`), when measured: the sentence gives it rather than
            ``1 - rho``, which holds only for sides that vary alike (solution_engineers' with
            an SD 19% below the baseline's had read "1 - 0.784 = 0.216 ..., about 5 times smaller"
            where its runs measured 0.233, about 4 times).

    Returns:
        One sentence, starting with the pair's names in bold.
    """
    label = kpi_label(kpi).lower()
    have = "have" if is_plural(label) else "has"  # "net revenue retention has"
    head = f"**{scenario} vs {baseline}**: "
    if not math.isfinite(rho):
        return head + f"too few paired runs to measure how closely their {label} move together."
    measured = math.isfinite(share)
    if rho <= 0.0:
        if rho < 0.0 and measured and share > 1.0:  # opposite luck: the difference varies more than the two apart
            return (
                head + f"paired runs' {label} {have} a correlation of {rho:.3f}, so pairing gains nothing here: "
                f"the variance of their difference is {share:.3f} of what comparing independent runs would give "
                "(their two variances added), so the paired comparison is less precise than independent runs."
            )
        return (
            head + f"paired runs' {label} {have} a correlation of {rho:.3f}, so pairing gains nothing here: "
            "the paired comparison is no more precise than comparing independent runs."
        )
    if rho < LITTLE_PAIRING:
        # what pairing leaves as measured, where measured: 1 - rho holds only for sides that vary alike (a side
        # twice as spread as the other at rho 0.15 leaves 0.88 of their variance, not 0.85)
        left = share if measured else 1.0 - rho
        return (
            head + f"paired runs' {label} {have} a correlation of only {rho:.3f}: the two designs route the same "
            "leads so differently that their runs share little luck, so pairing makes the comparison hardly more "
            f"precise than independent runs (the variance of a difference about {left:.0%} of theirs)."
        )
    if measured and share == 0.0:  # csm_coverage's bookings: "0.000 of ..., so the paired comparison is that much"
        same, them = ("are", "them") if have == "have" else ("is", "it")
        return head + f"paired runs' {label} {same} the same in every run: {scenario} does not move {them}."
    shrink = share if measured else 1.0 - rho
    if shrink <= 0.0:
        times = ""
    elif 1.0 / shrink >= 2.0:
        times = f", about {1.0 / shrink:,.0f} times smaller"
    else:
        times = f", about {1.0 - shrink:.0%} smaller"
    if measured:
        return (
            head + f"paired runs' {label} {have} a correlation of {rho:.3f}; because both replay the same leads "
            f"with the same luck (common random numbers), the variance of their difference is {shrink:.3f} of "
            f"what comparing independent runs would give (their two variances added){times}, so the paired "
            "comparison is that much more precise."
        )
    return (
        head + f"paired runs' {label} {have} a correlation of {rho:.3f}; because both replay the same leads "
        f"with the same luck (common random numbers), the variance of their difference is about "
        f"1 - {rho:.3f} = {shrink:.3f} of what comparing independent runs would give{times} "
        "(when the two scenarios vary about as much), so the paired comparison is that much more precise."
    )


def variance_share(replications: pd.DataFrame, baseline: str, scenario: str, kpi: str) -> float:
    """``var(b - a) / (var(a) + var(b))`` over the complete pairs: what pairing leaves of the variance; NaN if none."""
    pairs = paired_runs(replications, baseline, scenario)[[f"{kpi}_scenario", f"{kpi}_baseline"]].dropna()
    if len(pairs) < 2:
        return math.nan
    b, a = (pairs.iloc[:, i].to_numpy(dtype=float) for i in (0, 1))
    both = float(np.var(a, ddof=1) + np.var(b, ddof=1))
    return float(np.var(b - a, ddof=1)) / both if both > 0.0 else math.nan


def auto_runs_words(result: ExperimentResult) -> list[str]:
    """Under ``runs=auto``, one line per scenario: the precision its runs reached, or that the run cap stopped it.

    Every scenario gets the runs the least precise one needed (they are compared run by
    run), so a line gives the precision reached, not a count each needed. The same words
    serve the terminal and ``report.md``, so the terminal never says a scenario reached
    the target when the cap stopped it short.
    """
    return [line for _, line, _ in _auto_runs(result)]


def short_of_precision(result: ExperimentResult) -> list[str]:
    """Under ``runs=auto``, the scenarios whose runs stopped short of the target (the cap, or a refits' floor)."""
    return [scenario for scenario, _, reached in _auto_runs(result) if not reached]


def _auto_runs(result: ExperimentResult) -> list[tuple[str, str, bool]]:
    """(scenario, its line of :func:`auto_runs_words`, whether it reached the target); none without ``runs=auto``."""
    goal = result.experiment.precision
    runs = result.replications
    if goal is None or "scenario" not in runs.columns or goal.kpi not in runs.columns:
        return []
    lines = []
    target = f"±{goal.relative_half_width:.1%}"
    draws = result.experiment.parameter_draw_count
    floors = draw_floors(runs, goal.kpi, draws) if draws else {}
    for scenario in scenario_names(result):
        made = result.runs_per_scenario.get(scenario, 0)
        mine = runs.loc[runs["scenario"] == scenario]
        width = relative_half_width(
            mine[goal.kpi], replications=mine["replication"].to_numpy(), draws=draws, kpi=goal.kpi
        )
        now = f"±{width:.1%}" if math.isfinite(width) else "no measurable precision"
        floor = floors.get(scenario, 0.0)
        reached = math.isfinite(width) and width <= goal.relative_half_width
        if reached:
            line = f"{scenario} reached {now} with {made:,} runs (target {target})."
        elif floor > goal.relative_half_width:
            line = (
                f"{scenario} stopped at {made:,} runs at {now}, short of the {target} target, which no number of "
                f"runs reaches: the runs are on {draws} bootstrap refits of the export, "
                f"whose own spread holds the CI to at least ±{floor:.1%} (more refits would: salesim calibrate "
                "--draws)."
            )
        else:
            line = (
                f"{scenario} was stopped by the cap of {goal.max_runs:,} runs at {now}, short of the {target} "
                f"target: its mean {goal.kpi} is less precise than asked (raise runner.max_runs)."
            )
        lines.append((scenario, line, reached))
    return lines


def auto_runs_lines(result: ExperimentResult) -> list[str]:
    """Say how many replications each scenario needed under ``runs=auto`` (no lines otherwise).

    Returns:
        Markdown lines: what ``runs=auto`` aimed at, then one bullet per scenario from
        :func:`auto_runs_words`.
    """
    goal = result.experiment.precision
    said = _auto_runs(result)
    if goal is None or not said:
        return []
    label = kpi_label(goal.kpi).lower()
    short = [scenario for scenario, _, reached in said if not reached]
    # the least precise scenario stopped short of the target did not get the runs it needed: say who, and what all got
    most = max(result.runs_per_scenario.values(), default=goal.max_runs)
    then = (
        "every scenario then got the runs the least precise one needed"
        if not short
        else f"{'every scenario' if len(short) == len(said) else join_words(short)} stopped short of it (below), and "
        f"every scenario then got the most runs any one was given, {most:,}"
    )
    lines = [
        f"Runs were added (runs=auto) until the 95% CI of the mean of `{goal.kpi}` ({label}) was within "
        f"±{goal.relative_half_width:.1%} of that mean, with at most {goal.max_runs:,} runs per scenario; "
        f"{then}, so that all are compared on the same runs:",
        "",
    ]
    return [*lines, *[f"- {line}" for _, line, _ in said], ""]


def precision_kpi(result: ExperimentResult) -> str:
    """The KPI "How precise is this" reads: the question's primary KPI, bookings for a yes/no one (hitting the plan).

    csm_coverage asks about net revenue retention, which 100 runs held to ±0.4%; its section said 680 more
    runs were needed for mean bookings within ±2%, bookings no CSM touches (the same in every scenario).
    """
    primary = decision_of(result.experiment).primary
    runs = result.replications
    usable = primary in runs.columns and kpi_kind(primary) is not Kind.EVENT
    return primary if usable else PRECISION_KPI


def precision_section(result: ExperimentResult, kpi: str | None = None) -> list[str]:
    """Build the "How precise is this" section of ``report.md`` (no lines when there are no runs).

    ``kpi``: the KPI to read; by default :func:`precision_kpi` (``runs=auto`` reads its own, always).

    Returns:
        Markdown lines: the heading, one bullet per scenario on the runs needed for a
        ±2% CI of the KPI's mean, and one per non-baseline scenario on the correlation
        of paired runs with the baseline.
    """
    runs = result.replications
    goal = result.experiment.precision
    target = TARGET_PRECISION if goal is None else goal.relative_half_width
    kpi = kpi or precision_kpi(result)
    if goal is not None and goal.kpi in runs.columns:  # runs=auto: its own KPI and target, never a second one
        kpi = goal.kpi
    if "scenario" not in runs.columns or kpi not in runs.columns:
        return []
    made = scenario_order(runs)
    draws = result.experiment.parameter_draw_count
    needed = replications_needed(runs, kpi, relative_precision=target, draws=draws, shown=True)
    floors = draw_floors(runs, kpi, draws) if draws else {}
    lines = ["## How precise is this", "", *auto_runs_lines(result)]
    kept = bool(result.failures) or result.partners_left_out > 0
    for scenario in [n for n in scenario_names(result) if n in made]:
        mine = runs.loc[runs["scenario"] == scenario]
        interval = mean_interval(mine[kpi], replications=mine["replication"].to_numpy(), draws=draws)
        half_width = relative_half_width(mine[kpi], replications=mine["replication"].to_numpy(), draws=draws, kpi=kpi)
        floor = (draws, floors[scenario]) if scenario in floors else None
        lines.append(
            "- "
            + runs_needed_sentence(
                scenario, interval.n, needed.get(scenario), half_width, kpi, target, floor, draws, kept
            )
        )
    baseline = result.experiment.baseline
    if baseline in made and len(made) > 1:
        correlations = correlation_of_pairs(runs, baseline, kpi)
        lines.extend(
            "- "
            + pairing_sentence(
                scenario, baseline, correlations[scenario], kpi, variance_share(runs, baseline, scenario, kpi)
            )
            for scenario in scenario_names(result)
            if scenario in correlations
        )
    return lines
