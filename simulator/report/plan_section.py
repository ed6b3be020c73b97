"""The report's planning sections: the plan, its cost, the capacity bridge, forecasts, bottlenecks.

Each section is skipped when its KPIs are absent (a result without a plan has no probability of hitting it).
Numbers are means over runs with their 95% interval; the probability of hitting the plan uses Wilson's
interval (see :mod:`simulator.analysis.statistics`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from simulator.analysis.carrier_reasons import carrier_lines, carrier_notes
from simulator.analysis.draw_means import shares_draws
from simulator.analysis.formatting import format_money
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label
from simulator.analysis.mean_cells import format_mean_cis
from simulator.analysis.plan_window import QuarterPlan, plan_window_notes, quarter_plans
from simulator.analysis.planning import NO_BOTTLENECK_DAYS, bottlenecks, capacity_bridge, plan_figure
from simulator.analysis.tables import period_words, present_kpis, scenario_names, summary_of, summary_row
from simulator.analysis.wording import stage_label, team_label
from simulator.report.forecast_section import forecast_section
from simulator.report.markdown import NO_QUOTA_CAPTION, figure_lines, md_table
from simulator.report.plan_words import plan_reading_lines
from simulator.run.experiment import ExperimentResult

COST_KPIS = (
    "cost_of_sales",
    "cost_hiring",
    "cost_marketing",
    "cost_retention",
    "cost_commission_expansion",
    "cac",
    "sales_efficiency",
    "contribution",
    "bookings_per_rep",
    "bookings_per_head",
    "quota_attainment_p50",
    "reps_at_quota_share",
)
OMITTED_WHEN_ZERO = frozenset({"cost_commission_expansion"})
"""Cost rows left out of the table when no scenario has any (the shipped CSMs earn no commission on upsells)."""
QUARTER_PLAN_KPI = re.compile(r"hit_plan_\w+_q[1-4]")
"""A quarter's plan KPI: ``hit_plan_y2_q1`` (abstract calendar), ``hit_plan_2028_q1`` (dated)."""


def _plan_section(result: ExperimentResult, summary: pd.DataFrame, names: list[str]) -> list[str]:
    if not present_kpis(summary, ["hit_plan"]):
        return []
    rows = []
    hits = format_mean_cis([summary_row(summary, name, "hit_plan") for name in names], "hit_plan")
    for name, hit in zip(names, hits, strict=True):
        short = summary_row(summary, name, "plan_shortfall")
        plan = plan_figure(result, name)
        spread = "-"
        if short is not None and math.isfinite(float(short["p50"])):
            spread = " / ".join(format_money(float(short[q])) for q in ("p10", "p50", "p90"))
        rows.append(
            [
                f"**{name}**",
                format_money(plan) if plan is not None else "-",
                hit,
                spread,
                _coverage_cell(summary_row(summary, name, "pipeline_coverage")),
            ]
        )
    quarters = [str(k) for k in pd.unique(summary["kpi"]) if QUARTER_PLAN_KPI.fullmatch(str(k))]  # in time order
    plan_header = f"Plan ({period_words(result).strip()})"
    lines = [
        "## The plan",
        "",
        _hit_words(result)
        + "The shortfall is what was missing in a run (zero when the plan was hit): P10 / P50 / P90 over runs. "
        "Pipeline coverage: the value of the opportunities open on a quarter's first day over the quarter's plan, "
        "the mean over the window's whole quarters (95% CI); 3–5× is the usual rule.",
        "",
        *[f"*Note: {note}.*\n" for note in plan_window_notes(result.experiment)],
        *md_table(
            ["Scenario", plan_header, "Probability of hitting it", "Shortfall P10 / P50 / P90", "Pipeline coverage"],
            rows,
        ),
        "",
        *plan_reading_lines(result, summary, names),
    ]
    if quarters:
        lines += ["", *_quarter_table(result, summary, names, quarters)]
    return [*lines, ""]


def _hit_words(result: ExperimentResult) -> str:
    """How the probability of hitting the plan is counted: the runs' share, or the refits' mean share.

    On a calibrated company's refits, with more runs than refits, each refit's runs give
    a share and the refits weigh the same (:mod:`simulator.analysis.draw_means`): 3 of 100
    runs on 40 refits, all three on one refit of three runs, read 2.5%, where "the share
    of runs that booked at least the plan" promised 3.0%.
    """
    draws = result.experiment.parameter_draw_count
    runs = result.replications
    if draws > 0 and "replication" in runs.columns and shares_draws(runs["replication"].to_numpy(), draws):
        return (
            f"The probability of hitting the plan is the share of runs that booked at least it, taken on each of "
            f"the {draws} refits of the export the runs are on and averaged with every refit weighing the same "
            f"(so it can differ a little from the share of all runs; 95% Wilson interval over the refits). "
        )
    return "The share of runs that booked at least the plan is the probability of hitting it (95% Wilson interval). "


def _coverage_cell(row: pd.Series | None) -> str:
    """``1.2× (1.0× to 1.3×)``; ``-`` without a whole quarter in the window."""
    if row is None or not math.isfinite(float(row["mean"])):
        return "-"
    low, high = float(row["ci_low"]), float(row["ci_high"])
    mean = f"{float(row['mean']):.1f}×"
    return f"{mean} ({low:.1f}× to {high:.1f}×)" if math.isfinite(low) and math.isfinite(high) else mean


def _quarter_table(result: ExperimentResult, summary: pd.DataFrame, names: list[str], quarters: list[str]) -> list[str]:
    """Each quarter's chance beside the figure it is held to; a quarter the window cuts is labelled a part quarter.

    2027-Q4's 10 working days inside a window had read "Probability of hitting the plan in
    2027-Q4 (%) 18.7%", as if held to the whole quarter's $1.5M, not its $227.3k.
    """
    plans = {s.name: {q.kpi: q for q in quarter_plans(s.config)} for s in result.experiment.scenarios}
    rows = []
    for kpi in quarters:
        held = {n: plans.get(n, {}).get(kpi) for n in names}
        found = [q for q in held.values() if q is not None]
        label = kpi_axis_label(kpi)
        if found and found[0].part:
            label += f", a part quarter: {found[0].days:g} of its {found[0].length:g} working days inside the window"
        figures = list(dict.fromkeys(_held_words(q) for q in found))
        shown = figures[0] if len(figures) == 1 else "; ".join(f"{n} {_held_words(q)}" for n, q in held.items() if q)
        rows.append([label, shown or "-", *_quarter_cells(summary, names, kpi)])
    return [
        "Quarter by quarter: each quarter's bookings against its own figure; a quarter the measured window holds "
        "only part of is held to its share of that figure, by working days:",
        "",
        *md_table(["Quarter", "Held to", *names], rows),
    ]


def _held_words(quarter: QuarterPlan) -> str:
    """``$227.3k (of $1.50M)`` for a part quarter, ``$1.50M`` for a whole one."""
    held = format_money(quarter.held)
    return f"{held} (of {format_money(quarter.figure)})" if quarter.part else held


def _quarter_cells(summary: pd.DataFrame, names: list[str], kpi: str) -> list[str]:
    """Each scenario's chance of a quarter's plan; "no plan ($0)" for a quarter planned at nothing (no run has one)."""
    rows = [summary_row(summary, n, kpi) for n in names]
    texts = format_mean_cis(rows, kpi)
    unplanned = [row is not None and int(row["n"]) == 0 for row in rows]
    return ["no plan ($0)" if none else text for none, text in zip(unplanned, texts, strict=True)]


def _any_nonzero(summary: pd.DataFrame, kpi: str) -> bool:
    """Whether any scenario's mean of ``kpi`` is other than zero."""
    means = summary.loc[summary["kpi"] == kpi, "mean"]
    return bool((means.fillna(0.0) != 0.0).any())


def _cost_section(
    summary: pd.DataFrame,
    names: list[str],
    out_dir: Path | None,
    figure: Path | None,
    notes: Mapping[str, str] | None = None,
) -> list[str]:
    """``## What it costs``; ``notes``: scenario -> why its attainment and bookings per rep move (under the table)."""
    kpis = [k for k in present_kpis(summary, COST_KPIS) if k not in OMITTED_WHEN_ZERO or _any_nonzero(summary, k)]
    if not kpis:
        return []
    carried = summary.loc[summary["kpi"] == "reps_at_quota_share", "mean"].notna().any()  # none: say so, as the figure
    shown = figure_lines(figure, out_dir, instead=None if carried else NO_QUOTA_CAPTION) if out_dir is not None else []
    rows = [[_cost_label(summary, k), *format_mean_cis([summary_row(summary, n, k) for n in names], k)] for k in kpis]
    # a calibrated company without quotas pays every rep its variable at target: no commission to describe
    paid = "cost_commission" not in set(summary["kpi"]) or _any_nonzero(summary, "cost_commission")
    pay = (
        "pay and on-costs for the days employed, commission on the new-business and expansion bookings credited to "
        "the closing reps"
        if paid
        else "pay and on-costs for the days employed, variable pay at target included: no role here is paid "
        "commission (`economics.roles.<role>.commission_rate` or a quota sets it)"
    )
    upsells = " and the commission on expansions" if paid else ""
    return [
        "## What it costs",
        "",
        f"Cost of sales is people ({pay}), tool seats, partner fees and hiring (recruiting and "
        "onboarding each rep who joins: backfills and planned hires). CAC is what winning new customers cost (the "
        f"cost of sales less the cost of serving customers: the time spent on renewals and expansions{upsells}; "
        "plus the cost of leads) per new deal won; sales efficiency is new bookings per "
        "$1 of that same cost (the inverse of the sales and marketing cost per $1 of new bookings) and contribution "
        "is new bookings less it. "
        "Mean over runs (95% CI); CAC and sales efficiency are each run's ratio averaged over runs, so they differ a "
        "little from the ratio of the mean costs and counts beside them:",
        "",
        *md_table(["KPI", *names], rows),
        "",
        *([*carrier_lines(notes), ""] if notes else []),
        *shown,
    ]


NO_QUOTA_PER_REP = "Bookings per closing rep (every rep of the teams that closed deals: no team carries a quota)"
"""The per-rep row where no team carries a quota: the model then counts the teams credited with a deal
(model.economics), and "quota carriers only" had stood above "No team carries a quota" (a calibrated export)."""


def _cost_label(summary: pd.DataFrame, kpi: str) -> str:
    """The cost table's label of ``kpi``: bookings per rep says whose, without quotas, as the model counts them."""
    if kpi == "bookings_per_rep" and not _any_nonzero(summary, "capacity_spreadsheet"):
        sheet = summary.loc[summary["kpi"] == "capacity_spreadsheet", "mean"]
        if len(sheet) and bool((sheet.astype(float) == 0.0).all()):  # seats x quota is $0 in every scenario
            return kpi_axis_label(kpi).replace(kpi_label(kpi), NO_QUOTA_PER_REP, 1)
    return kpi_axis_label(kpi)


NO_QUOTA = (
    "No team carries a quota (`economics.roles.<role>.quota` is 0, as in a folder calibrated from an export "
    "without quotas), so there is no capacity plan to compare the simulation with; set the quotas to see "
    "what takes the bookings away from seats x quota x assumed attainment."
)


def capacity_section(
    summary: pd.DataFrame, names: list[str], attainments: Mapping[str, float] | None = None
) -> list[str]:
    """The markdown lines of "The capacity plan against the simulation", from the summary table.

    A scenario whose capacity plan is $0 (no quota) gets a sentence saying why instead of
    a bridge from $0; none when no scenario has the capacity KPIs. ``attainments``: each
    scenario's assumed attainment (``plan.assumed_attainment``), to read the bridge's residual
    (pipeline coverage and attainment, the rest) as the attainment the runs reached.
    """
    bridges = {n: capacity_bridge(summary, n) for n in names}
    without_quota = [n for n, b in bridges.items() if b and b[0][1] == 0.0]
    bridges = {n: (None if n in without_quota else b) for n, b in bridges.items()}
    if not any(bridges.values()):
        if without_quota:
            return ["## The capacity plan against the simulation", "", NO_QUOTA, ""]
        return []
    names = [n for n in names if n not in without_quota]
    first = next(b for b in bridges.values() if b)
    rows = []
    for i, (words, _) in enumerate(first):
        cells = []
        for n in names:
            bridge = bridges[n]
            value = bridge[i][1] if bridge else math.nan
            cells.append(format_money(value, signed=0 < i < len(first) - 1))
        rows.append([words, *cells])
    lines = [
        "## The capacity plan against the simulation",
        "",
        "A capacity planner's spreadsheet multiplies seats (today's headcount and the hiring plan) by quota "
        "and an assumed attainment. The simulation books a different amount; reading down, each line is what "
        "one cause took away (or, when positive, added), measured from the run's own records: the ramp line "
        "follows the planner's convention that a ramping rep carries quota x its ramp productivity, with the "
        "productivity of the workforce's ramp curve. Means over runs:",
        "",
        *md_table(["", *names], rows),
        "",
    ]
    for n in names:
        bridge = bridges[n]
        if not bridge:
            continue
        gaps = [(words, -value) for words, value in bridge[1:-1] if math.isfinite(value)]
        words, size = max(gaps, key=lambda g: abs(g[1]))
        verb = "costs" if size > 0 else "adds"
        line = f"- **{n}**: the largest difference is {words.split(':')[0]}, which {verb} {format_money(abs(size))}"
        assumed = (attainments or {}).get(n, math.nan)
        rest, capacity, booked = -gaps[-1][1], bridge[0][1], bridge[-1][1]
        # the residual: say what it means; "the plan" is the bookings plan, never the quota arithmetic
        if words == gaps[-1][0] and math.isfinite(assumed) and capacity > 0:
            line += f": after every loss above, the leads and win rates booked {format_money(abs(rest))} " + (
                f"more than seats x quota x the assumed {assumed:.0%} attainment; this pipeline converts more "
                "than that quota arithmetic counts on, " + _net_words(booked, capacity)
                if rest > 0
                else f"less than seats x quota x the assumed {assumed:.0%} attainment: the leads did not fill "
                "the capacity that quota arithmetic counts"
            )
        line += _mirror_words(words, gaps)
        lines.append(line + ".")
    if without_quota:
        lines.append(f"- **{', '.join(without_quota)}**: not shown. {NO_QUOTA}")
    return [*lines, ""]


def _net_words(booked: float, capacity: float) -> str:
    """Whether the quota arithmetic under- or overstates what the seats book, once the losses above are counted.

    prospecting_time's blocks_3h read "so the arithmetic understates what these seats book" beside
    $2.86M simulated against the arithmetic's $3.00M: a rest that adds says the leads converted more
    than the arithmetic counts, not that the seats booked more than it, when the losses above take more.
    """
    if format_money(booked) == format_money(capacity):  # $3.00M against $3.00M: neither side
        return f"and with the losses above these seats book about what the arithmetic counts, {format_money(booked)}"
    if booked > capacity:
        return "so the arithmetic understates what these seats book"
    return (
        f"though the losses above take more: these seats book {format_money(booked)}, less than the "
        f"{format_money(capacity)} the arithmetic counts"
    )


MIRRORS = {"carried in": "sales cycle", "sales cycle": "carried in"}
"""The two lines of one pipeline seen at the window's two ends: the deals it starts with and those it ends with."""


def _mirror_words(words: str, gaps: list[tuple[str, float]]) -> str:
    """``: the other side of the sales cycle line (-$412.5k): ...; together they add $91.4k`` for a mirrored line.

    speed_to_lead's oldest_first read "the largest difference is carried in, which adds $503.9k." and
    stopped: a planner reads deals carried in as a gift, where in a steady year they stand against the
    deals still open at the end (-$412.5k there), a net of +$91.4k.
    """
    key = words.split(":")[0]
    other = next((gap for line, gap in gaps if line.split(":")[0] == MIRRORS.get(key)), None)
    if other is None:
        return ""
    own = next(gap for line, gap in gaps if line == words)
    net = -(own + other)
    return (
        f": it is the other side of the {MIRRORS[key]} line ({format_money(-other, signed=True)}), the deals open "
        f"when the window starts and close inside it against those still open at its end; together they "
        f"{'add' if net >= 0 else 'take away'} {format_money(abs(net))}"
    )


def _bottleneck_section(result: ExperimentResult, summary: pd.DataFrame, names: list[str]) -> list[str]:
    table = bottlenecks(result)
    if table.empty:
        return []
    periods = list(dict.fromkeys(table["period"]))
    rows = []
    for name in names:
        cells = []
        for period in periods:
            hit = table[(table["scenario"] == name) & (table["period"] == period)]
            if hit.empty:
                cells.append("-")
                continue
            r = hit.iloc[0]
            if pd.isna(r["stage"]):
                cells.append(f"none (no mean wait reached {NO_BOTTLENECK_DAYS} working days)")
                continue
            cells.append(
                f"{stage_label(str(r['stage']))} at {team_label(str(r['team']))} "
                f"({float(r['wait_days']):.1f} working days wait, {float(r['queue_length']):.1f} in line)"
            )
        rows.append([f"**{name}**", *cells])
    header = ["Scenario", *["whole window" if p == "all" else p for p in periods]]
    lines = [
        "## Bottlenecks",
        "",
        "The stage and team where leads waited longest for a rep (mean wait of every visit, all runs, the whole "
        "wait of the leads that leaked untouched included: above the KPIs' wait before work, which counts the "
        "leads a rep took up), with the mean number of leads waiting there; per-month figures are in "
        "`monthly_queues.csv`.",
        "",
        *md_table(header, rows),
        "",
    ]
    breaches = [k for k in pd.unique(summary["kpi"]) if str(k).startswith("sla_breach_")]
    finite = [
        k
        for k in breaches
        if any((r := summary_row(summary, n, k)) is not None and math.isfinite(float(r["mean"])) for n in names)
    ]
    if finite:
        rows = [[kpi_axis_label(k), *format_mean_cis([summary_row(summary, n, k) for n in names], k)] for k in finite]
        lines += ["Share of leads that waited at least the stage's SLA:", "", *md_table(["Stage", *names], rows), ""]
    return lines


def planning_sections(
    result: ExperimentResult, out_dir: Path | None = None, attainment_figure: Path | None = None
) -> list[str]:
    """The planning sections of ``report.md``, each present only when its KPIs are.

    ``attainment_figure`` (linked relative to ``out_dir``) goes with the costs and quotas.
    """
    summary, names = summary_of(result), scenario_names(result)
    if summary.empty:
        return []
    attainments = {s.name: s.config.plan.assumed_attainment for s in result.experiment.scenarios}
    return [
        *_plan_section(result, summary, names),
        *_cost_section(summary, names, out_dir, attainment_figure, carrier_notes(result, summary)),
        *capacity_section(summary, names, attainments),
        *forecast_section(summary, names, result),
        *_bottleneck_section(result, summary, names),
    ]
