"""A ``--multirun`` sweep gathered: one tidy table, a heatmap of a KPI with its CI, and a report.

Each job of a sweep is a whole experiment in its own folder (``0/``, ``1/``, ...) with
its ``summary.csv`` and ``config.yaml``; jobs share the seed, so cell *r* of every job
replays the same leads with the same luck. :func:`simulator.report.sweep_jobs.gather` reads
them into one table, one row per job (point) x scenario x KPI, with a column per swept
parameter (the overrides whose value differs between jobs). :func:`write_sweep` writes ``sweep_summary.csv``,
``heatmap.png`` (one or two swept parameters) and ``report.md``/``report.html`` opening
with the answer: the best cell of the KPI (the experiment's primary decision KPI), with
its CI and the probability that it is truly the best cell (from the paired runs, :mod:`simulator.analysis.ranking`).
It reads only files, so it works whatever launcher ran the jobs (basic or joblib).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.analysis.assumed import assumed_study_words
from simulator.analysis.comparison import compare
from simulator.analysis.equivalence import equal_words, paired_practically_equal, tied_with
from simulator.analysis.formatting import (
    difference_digits,
    format_chance,
    format_money,
    format_nonzero_value,
    format_signed_amount,
    format_signed_range,
    format_value,
    level_unit,
)
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label, kpi_words
from simulator.analysis.ranking import MIN_RUNS_FOR_BEST, probability_best
from simulator.analysis.wording import count_of, join_words
from simulator.io.atomic import atomic_write
from simulator.report.html import write_html
from simulator.report.layouts import SUMMARY_NAME
from simulator.report.markdown import figure_lines, md_table
from simulator.report.plot_heatmap import MAX_PANELS, best_cell, plan_groups, plot_heatmap
from simulator.report.sweep_jobs import (
    Sweep,
    cell_words,
    failed_words,
    gather,
    job_runs,
    missing_words,
    pair_runs,
    read_on_moved,
    setting_words,
    with_missing,
)
from simulator.report.sweep_others import other_scenarios_words, unmoved_words
from simulator.report.sweep_target import target_words


def _targets(sweep: Sweep) -> list[str]:
    """Swept settings of the plan itself: a lower target is easier to hit, so no cell is 'best' across them."""
    return [p for p in sweep.params if p.startswith("plan.")]


PLAN_CHANCE = "hit_plan"
"""Shown beside the primary KPI wherever the jobs have a plan: the figure a plan's sweep is run for."""


def _context_kpis(sweep: Sweep) -> list[str]:
    """KPIs shown beside the primary and the guardrails: the chance of hitting the plan, when there is one."""
    have = set(sweep.table["kpi"])
    return [k for k in (PLAN_CHANCE,) if k in have and k != sweep.kpi and k not in sweep.guardrails]


def _baseline_cell(sweep: Sweep, job: object, kpi: str) -> pd.Series | None:
    """The baseline's summary row of ``kpi`` at ``job`` (mean, CI, ...); None when the job does not report it."""
    t = sweep.table
    row = t[(t["kpi"] == kpi) & (t["scenario"] == sweep.baseline) & (t["job"].astype(str) == str(job))]
    return row.iloc[0] if len(row) and math.isfinite(float(row.iloc[0]["mean"])) else None


def _interval(kpi: str, cell: pd.Series) -> str:
    return f"{format_value(kpi, float(cell['ci_low']))} to {format_value(kpi, float(cell['ci_high']))}"


def _plan_chance_words(sweep: Sweep, job: object) -> str:
    """``; the plan is hit in 95% of runs (95% CI 76% to 99%)`` for the baseline's ``job``; '' without a plan."""
    cell = _baseline_cell(sweep, job, PLAN_CHANCE) if PLAN_CHANCE in _context_kpis(sweep) else None
    if cell is None:
        return ""
    chance = format_value(PLAN_CHANCE, float(cell["mean"]))
    # a yearly plan is held prorated to the runs' window: $12M a year is $3M over a quarter's run
    target = _baseline_cell(sweep, job, "plan_target")
    held = f" held over the runs' window, {format_money(float(target['mean']))}," if target is not None else ""
    return f"; the plan{held} is hit in {chance} of runs (95% CI {_interval(PLAN_CHANCE, cell)})"


def _best_per_target(sweep: Sweep, rows: pd.DataFrame, targets: list[str], runs: pd.DataFrame | None) -> str:
    """For a sweep over the plan's own figures: the best cell at each plan, not across plans.

    ``runs`` (:func:`job_runs` of the baseline): cells tied with the best in every run are
    named with it; ``csm.headcount=9`` had been called the best where 11 gave the same runs.
    """
    kpi, parts = sweep.kpi, []
    for values, cells in rows.groupby(targets, sort=True):
        best = best_cell(cells, kpi)
        if best is None:
            continue
        values = values if isinstance(values, tuple) else (values,)
        at = ", ".join(f"{p}={setting_words(p, v)}" for p, v in zip(targets, values, strict=True))
        jobs = set(cells["job"].astype(str))
        tied = [j for j in tied_with(runs, kpi, str(best["job"])) if j in jobs] if runs is not None else []
        others = [j for j in cells["job"].astype(str) if j != str(best["job"])]
        # every cell within 0.5% of the best, run by run: named together, none preferred ($492 in $3.2M had crowned one)
        equal = not tied and runs is not None and paired_practically_equal(runs, kpi, [str(best["job"]), *others])
        alike = [best, *(cells[cells["job"].astype(str) == j].iloc[0] for j in (others if equal else tied))]
        levers = " or ".join(
            ", ".join(f"{p}={setting_words(p, cell[p])}" for p in sweep.params if p not in targets) for cell in alike
        )
        same = ", the same in every run" if tied else ", practically equal: none preferred" if equal else ""
        mean = format_value(kpi, float(best["mean"])) + level_unit(kpi)
        plan = _plan_chance_words(sweep, best["job"])
        parts.append(f"at {at}, {levers or 'job ' + str(best['job'])} ({mean}{same}{plan})")
    return (
        f"The sweep moves the plan itself ({', '.join(targets)}): a lower plan is easier to hit, so no cell is best "
        f"across plans. The best of {kpi_words(kpi)} for {sweep.baseline}: {'; '.join(parts)}."
    )


def alike_jobs(sweep: Sweep, runs: pd.DataFrame | None) -> list[str]:
    """The baseline's jobs practically equal to the best, run by run (at each plan when the plan is swept).

    The report names them "practically equal: none preferred"; the heatmap outlines them with the best.
    """
    if runs is None:
        return []
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == sweep.baseline)]
    alike: list[str] = []
    for cells in plan_groups(rows, sweep.params):
        best = best_cell(cells, sweep.kpi)
        others = [j for j in cells["job"].astype(str) if best is not None and j != str(best["job"])]
        if best is not None and others and paired_practically_equal(runs, sweep.kpi, [str(best["job"]), *others]):
            alike += others
    return alike


PRACTICALLY_EQUAL = -1.0
"""What :func:`best_cell_chance` returns when every cell is practically equal to the best: no preference."""


def best_cell_chance(sweep: Sweep, sweep_dir: Path, scenario: str, runs: pd.DataFrame | None = None) -> float:
    """The probability that the best cell is truly the best, from the jobs' paired runs; NaN if unknown.

    :data:`PRACTICALLY_EQUAL` when every cell's paired difference to the best has its 95%
    CI within 0.5% of the best's mean (:mod:`simulator.analysis.equivalence`). ``runs``:
    :func:`job_runs` of ``scenario`` when the caller has read them already.
    """
    runs = runs if runs is not None else job_runs(sweep, sweep_dir, scenario)
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == scenario)]
    best = best_cell(rows, sweep.kpi)
    if runs is None or best is None:
        return math.nan
    leader = str(best["job"])
    if paired_practically_equal(runs, sweep.kpi, [leader, *(j for j in sweep.jobs if j != leader)]):
        return PRACTICALLY_EQUAL
    chances = probability_best(runs, sweep.kpi, list(sweep.jobs))
    if not math.isfinite(chances.get(leader, math.nan)):
        return math.nan
    # cells tied with the best in every run share its draws: together they are the best
    return sum(chances.get(job, 0.0) for job in [leader, *tied_with(runs, sweep.kpi, leader)])


def _runner_up_words(sweep: Sweep, sweep_dir: Path | None, best: pd.Series, runner_up: pd.Series) -> str:
    """The best cell against the next, paired run by run: the KPI's difference and each guardrail's, with CIs."""
    kpi = sweep.kpi
    text = f" Next is {cell_words(sweep, runner_up)} at {format_value(kpi, float(runner_up['mean']))}{level_unit(kpi)}"
    pair = pair_runs(sweep_dir, [str(best["job"]), str(runner_up["job"])], sweep.baseline) if sweep_dir else None
    if pair is None or kpi not in pair.columns:
        return text + "."
    rows = {str(r["kpi"]): r for _, r in compare(pair, str(runner_up["job"]), kpis=[kpi, *sweep.guardrails]).iterrows()}
    if kpi not in rows or int(float(rows[kpi]["n_pairs"])) < 2:
        return text + "."
    parts = [f"{kpi_words(kpi)} {_paired_words(rows[kpi], kpi)}"]
    parts += [f"{kpi_words(g)} {_paired_words(rows[g], g)}" for g in sweep.guardrails if g in rows]
    return text + f"; the best cell against it, run by run: {join_words(parts)}."


def _paired_words(row: pd.Series, kpi: str) -> str:
    low, high = float(row["ci_low"]), float(row["ci_high"])
    extra = difference_digits(kpi, float(row["mean_diff"]), low, high)
    diff = format_signed_amount(kpi, float(row["mean_diff"]), extra)
    if not (math.isfinite(low) and math.isfinite(high)):
        return diff
    if math.isclose(low, high, rel_tol=1e-6, abs_tol=1e-9):
        return f"{diff} in every run"
    # beside "truly the best with a probability of 94%"; a CI widened to reach zero (a yes/no KPI) is unclear too
    unclear = ", which includes zero: not clearly apart" if not bool(row["significant"]) else ""
    return f"{diff} (95% CI {format_signed_range(kpi, low, high, extra)}{unclear})"


def answer_paragraph(
    sweep: Sweep, chance: float, sweep_dir: Path | None = None, runs: pd.DataFrame | None = None
) -> str:
    """The sweep report's opening: the best cell of the KPI for the baseline, with its CI.

    ``sweep_dir``: where the jobs' runs are, to compare the best cell with the next run by
    run (left out without it); ``runs``: :func:`job_runs` of the baseline, when read already.
    """
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == sweep.baseline)]
    best = best_cell(rows, sweep.kpi)
    if best is None:
        return f"No job of the sweep reports {kpi_words(sweep.kpi)}."
    kpi = sweep.kpi
    targets = _targets(sweep)
    if targets and len(targets) < len(sweep.params):
        if runs is None and sweep_dir is not None:
            runs = job_runs(sweep, sweep_dir, sweep.baseline)
        return _best_per_target(sweep, rows, targets, runs)
    grid_words = (
        " x ".join(f"{len(sweep.table[p].dropna().unique())} values of {p}" for p in sweep.params) or "the jobs"
    )
    low, high = format_value(kpi, float(best["ci_low"])), format_value(kpi, float(best["ci_high"]))
    mean = f"{format_value(kpi, float(best['mean']))}{level_unit(kpi)} (95% CI {low} to {high})"
    if len(sweep.jobs) == 1:  # one point (the others missing, or a sweep of one value): no best, no chance of it
        setting = str(best["overrides"]) or "the base config"
        text = (
            f"The sweep has one point with results, job {best['job']} ({setting}): {kpi_words(kpi)} of "
            f"{sweep.baseline} is {mean}, with no other point to compare it with."
        )
        return text + target_words(sweep, rows) + other_scenarios_words(sweep, sweep_dir)
    text = (
        f"Over {grid_words}, {kpi_words(kpi)} of {sweep.baseline} is practically the same at every point; its best "
        f"mean is at {cell_words(sweep, best)}: {mean}."
        if chance == PRACTICALLY_EQUAL  # "best at" beside "none is favoured" read as a choice
        else f"Over {grid_words}, {kpi_words(kpi)} of {sweep.baseline} is best at {cell_words(sweep, best)}: {mean}"
    )
    text = text.rstrip(".") + _plan_chance_words(sweep, best["job"]) + "."
    if sweep.experiment_baseline:  # the sweep moves nothing there: read on a scenario it moves (read_on_moved)
        text = (
            f"Read on {sweep.baseline}, as the sweep moves nothing in {sweep.experiment_baseline}, the baseline. "
            + text
        )
    if sweep.unmoved(sweep.baseline):  # its cells are one design run again: no best among them to name
        return (
            f"Over {grid_words}, the sweep moves nothing in {sweep.baseline}, the baseline."
            + "".join(unmoved_words(sweep, sweep.baseline))
            + other_scenarios_words(sweep, sweep_dir)
        )
    if runs is None and sweep_dir is not None:
        runs = job_runs(sweep, sweep_dir, sweep.baseline)
    tied = tied_with(runs, kpi, str(best["job"])) if runs is not None else []
    if len(rows) > 1 and set(tied) >= set(rows["job"].astype(str)) - {str(best["job"])}:
        # every point gives the same runs: no best to name (csm.headcount=9 read "best" beside 11 and 13)
        text = (
            f"Over {grid_words}, {kpi_words(kpi)} of {sweep.baseline} is the same in every run at every point, "
            f"{mean}: the swept setting does not move it."
        )
        return text + target_words(sweep, rows) + other_scenarios_words(sweep, sweep_dir)
    # the next is another design: a cell equal run by run (a key the baseline lacks) had read "$0 in every run"
    others = rows[(rows["job"] != best["job"]) & ~rows["job"].astype(str).isin(tied)]
    if len(others):
        runner_up = best_cell(others, kpi)
        if runner_up is not None:
            text += _runner_up_words(sweep, sweep_dir, best, runner_up)
    if chance == PRACTICALLY_EQUAL:
        text += (
            f" The cells are practically equal on {kpi_words(kpi)} ({equal_words('the best cell')}), so none is "
            "favoured."
        )
    elif math.isfinite(chance):
        if tied:
            cells = join_words([cell_words(sweep, rows[rows["job"] == job].iloc[0]) for job in tied])
            text += (
                f" The best cell ties with {cells} in every run (equal run by run): together "
                f"they are the best with a probability of {format_chance(chance)} (paired runs, common random numbers)."
            )
        else:
            text += (
                f" The best cell is truly the best with a probability of {format_chance(chance)} "
                "(paired runs, common random numbers)."
            )
    elif int(best["n"]) < MIN_RUNS_FOR_BEST:
        too_few = count_of(int(best["n"]), "run")
        verb = "is" if int(best["n"]) == 1 else "are"
        text += f" {too_few} a point {verb} too few to say how likely it is the best (that takes {MIN_RUNS_FOR_BEST})."
    text += target_words(sweep, rows)
    return text + "".join(unmoved_words(sweep, sweep.baseline)) + other_scenarios_words(sweep, sweep_dir)


def _assumed_words(sweep: Sweep) -> str:
    """A calibrated company's sweep of its org (headcounts): it rests on the effort per deal calibration assumed."""
    moves_org = any(p.startswith("org.") for p in sweep.params)
    return assumed_study_words(sweep.effort_from, "this sweep") if moves_org else ""


def _mean_and_interval(sweep: Sweep, job: object, kpi: str) -> str:
    """The baseline's mean of ``kpi`` at ``job`` with its 95% CI, as the table prints it."""
    cell = _baseline_cell(sweep, job, kpi)
    return "" if cell is None else f"{format_value(kpi, float(cell['mean']))} ({_interval(kpi, cell)})"


def sweep_markdown(
    sweep: Sweep, sweep_dir: Path, figure: Path | None, chance: float, runs: pd.DataFrame | None = None
) -> str:
    """The text of the sweep's ``report.md``."""
    rows = sweep.table[(sweep.table["kpi"] == sweep.kpi) & (sweep.table["scenario"] == sweep.baseline)]
    means = sweep.table[sweep.table["scenario"] == sweep.baseline].set_index(["job", "kpi"])["mean"]
    context = _context_kpis(sweep)
    cells = [
        [
            str(r["job"]),
            *[setting_words(p, r[p]) for p in sweep.params],
            f"{format_value(sweep.kpi, float(r['mean']))} ({format_value(sweep.kpi, float(r['ci_low']))} to "
            f"{format_value(sweep.kpi, float(r['ci_high']))})",
            *[format_nonzero_value(g, float(means.get((r["job"], g), math.nan))) for g in sweep.guardrails],
            *[_mean_and_interval(sweep, r["job"], k) for k in _context_kpis(sweep)],
        ]
        for _, r in rows.iterrows()
    ]
    lines = [
        f"# Sweep of {sweep.experiment}: {kpi_label(sweep.kpi).lower()}",
        "",
        "## The answer",
        "",
        answer_paragraph(sweep, chance, sweep_dir, runs),
        "",
        *([f"*{missing}*", ""] if (missing := missing_words(sweep)) else []),
        *([f"*{failed}*", ""] if (failed := failed_words(sweep)) else []),
        *([f"*{caveat}*", ""] if (caveat := _assumed_words(sweep)) else []),
        f"## {kpi_label(sweep.kpi)} at every point ({sweep.baseline})",
        "",
        "Each point is a job of the sweep (its own folder), every job on the same seed. Mean over runs (95% CI)"
        + (", then the experiment's guardrails (mean)" if sweep.guardrails else "")
        + (", then the chance of hitting the plan (95% CI)" if context else "")
        + f"; `{SUMMARY_NAME}` has every KPI of every scenario at every point.",
        "",
        *md_table(
            ["Job", *sweep.params, *[kpi_axis_label(k) for k in [sweep.kpi, *sweep.guardrails, *context]]], cells
        ),
        "",
        *figure_lines(figure, sweep_dir),
        *(
            [
                "",
                f"The heatmap draws the first {MAX_PANELS} scenarios; {join_words(sweep.scenarios[MAX_PANELS:])} "
                f"{'is' if len(sweep.scenarios) == MAX_PANELS + 1 else 'are'} in `{SUMMARY_NAME}`.",
            ]
            if figure is not None and len(sweep.scenarios) > MAX_PANELS
            else []
        ),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_sweep(sweep_dir: Path, expected: Sequence[Sequence[str]] | None = None) -> list[Path]:
    """Gather the sweep in ``sweep_dir`` and write its table, heatmap and report (nothing when no job finished).

    ``expected``: every job's overrides, in job order, when the sweeper's jobs are known:
    only the folders of those jobs are gathered (not an earlier sweep's left in the folder),
    and the report names those with no results.
    """
    sweep = gather(sweep_dir, expected)
    if sweep is None:
        return []
    if expected:
        sweep = with_missing(sweep, expected)
    sweep = read_on_moved(sweep)
    written = [atomic_write(sweep_dir / SUMMARY_NAME, lambda f: sweep.table.to_csv(f, index=False))]
    figure = None
    runs = job_runs(sweep, sweep_dir, sweep.baseline)  # every job's runs, read once for the chance and the answer
    if 1 <= len(sweep.params) <= 2:
        alike = alike_jobs(sweep, runs)
        figure = plot_heatmap(
            sweep.table, sweep.kpi, sweep.params, sweep.scenarios, sweep_dir, sweep.fixed, alike, sweep.absent
        )
        written.append(figure)
    chance = best_cell_chance(sweep, sweep_dir, sweep.baseline, runs)
    text = sweep_markdown(sweep, sweep_dir, figure, chance, runs)
    written += [atomic_write(sweep_dir / "report.md", lambda f: f.write(text)), write_html(text, sweep_dir)]
    return written
