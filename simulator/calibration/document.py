"""calibration.md: every fitted number with n and CI, the data problems counted, the assumptions made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from simulator.calibration.calibrate import Calibration, cycle_median_days, effort_hours
from simulator.calibration.cautions import calibration_cautions
from simulator.calibration.counted import counted_win_rate_words, pooled_product_rows
from simulator.calibration.estimates import Estimate, median_of
from simulator.calibration.fit_arrivals import ArrivalFit
from simulator.calibration.run_rate import quarters_words, recent_quarters
from simulator.calibration.thin_cohorts import thin_words


def data_problem_rows(cal: Calibration) -> list[tuple[str, str, str]]:
    """The rows of calibration.md's data problems table: (problem, rows, what was done), none when none was found.

    The export's own problems, then what the fit left out (incomplete months, months after
    the export's last creation, owners with no recent deal). The terminal counts these rows:
    it had said "4 kinds of data problem counted" beside a table of 5, the incomplete months
    left out of the arrivals not counted.
    """
    arr, people = cal.arrivals, cal.people
    rows = [(p, f"{n:,}", action) for p, n, action in cal.export.problems.items]
    if arr.left_out:
        rows.append(
            ("months not used for arrivals (incomplete)", f"{sum(arr.left_out.values()):,}", ", ".join(arr.left_out))
        )
    if arr.after_export:
        rows.append(
            (
                f"months after the export's last created date ({cal.export.covered()[0]}), to the as-of date",
                f"{len(arr.after_export):,} months",
                "left out of the arrival series, not counted as months with no new opportunities "
                f"({', '.join(arr.after_export)})",
            )
        )
    if people.inactive:
        rows.append(("owners with no new deal in the recent months", f"{len(people.inactive)}", "no seat"))
    return rows


def calibration_markdown(cal: Calibration, draws: Mapping[str, Any] | None = None) -> str:
    """The calibration report of ``cal`` as Markdown; with ``draws`` (the parameter draws file), their spread."""
    out, arr, people, assumptions = cal.outcomes, cal.arrivals, cal.people, cal.mapping.assumptions
    counted = counted_win_rate_words(cal.export.frame, cal.as_of, cal.export.close_start, cal.thin_months)
    lines = [
        f"# Calibration of {cal.mapping.name} as of {cal.as_of}",
        "",
        f"Export: `{cal.export.file}` ({len(cal.export.frame):,} opportunities kept; export date "
        f"{cal.export.export_date}). Nothing after {cal.as_of} is used"
        + (
            f"; the export records nothing after {cal.export.export_date}, so deals open then are taken to be "
            f"open on {cal.as_of}"
            if cal.as_of > cal.export.export_date
            else ""
        )
        + f". The run starts on {cal.start} from the "
        f"{len(cal.open_deals):,} deal{'' if len(cal.open_deals) == 1 else 's'} open then "
        f"and simulates {cal.horizon_days:.0f} working days to {cal.until} "
        "(Monday to Friday"
        + (f" less {len(cal.holidays)} holidays" if cal.holidays else ", no public holidays")
        + ").",
        "",
        "## Fitted numbers (95% CI, n)",
        "",
        "| what | value | how |",
        "|---|---|---|",
        f"| won by the end of follow-up (cumulative incidence) | {_monthly(out.won, 'won deal', out.months)} | "
        f"Aalen–Johansen, open deals censored ({out.n_open:,}); cohorts the export shows whole"
        f"{_months_words(out.won)} |",
        f"| lost | {_monthly(out.lost, 'lost deal', out.months)} | the same |",
        f"| no decision (neither, at {out.tau:.0f} working days) | {_monthly(out.no_decision, 'deal', out.months)} "
        "| 1 − won − lost |",
        f"| win rate of decided deals | {_monthly(out.win_rate, 'decided deal', out.months)} "
        f"| won / (won + lost) incidences{counted} |",
        f"| won cycle, median | {cycle_median_days(out.won_days):.0f} working days "
        f"({_calendar_words(cycle_median_days(out.won_days), out.won_median_calendar_days, out.n_open)}) "
        "| incidence increments "
        f"(empirical, {out.won_days[0].size} points) |",
        f"| lost cycle, median | {cycle_median_days(out.lost_days):.0f} working days "
        f"({_calendar_words(cycle_median_days(out.lost_days), out.lost_median_calendar_days, out.n_open)}) | the same "
        f"({out.lost_days[0].size} points) |",
        *(
            f"| won / lost cycle, median, deals created in month {m + 1} of a quarter | "
            f"{cycle_median_days(won):.0f} / {cycle_median_days(lost):.0f} working days, n = {n:,} closed | "
            "incidence increments of that month's deals |"
            for m, (won, lost, n) in enumerate(out.by_quarter_month or [])
        ),
        f"| new opportunities a month (level) | {arr.level.text(4)} | median of the last "
        f"{arr.level.n} usable month{'' if arr.level.n == 1 else 's'}"
        f"{_extremes_words(arr)} |",
        "| month-to-month swing of new opportunities (CV beyond Poisson) | "
        f"{arr.swing.text(percent=True, rows='month')} | "
        f"squared deviations from the forecast rule, less Poisson's share, over {_swing_months(arr)}; each month "
        "of the run draws a gamma factor of this CV (`month_cv`) |",
        f"| trend a month | {arr.trend_per_month.text(3, rows='month')} | least squares on "
        f"{_months(len(arr.history))}; "
        f"{'applied' if arr.trend_applied else 'not applied (CI holds 0 or < 12 months)'} |",
        f"| rep skill spread (logit sd) | {people.skill_sd.text(3)} owners | over-dispersion of win rates; chi-square "
        f"test of equal rates p = {people.chi_square_p:.3f} |",
        f"| win rate's wander between creation months (logit sd, beyond chance) | {cal.period_win_sd.value:.3f}, "
        f"{cal.period_win_sd.n} months | method of moments; drawn per refit (parameter draws) and per replication in a "
        "back-test |",
        f"| stall rate's wander between creation months (sd, beyond error) | {cal.period_stall_sd.value:.3f}, "
        f"{cal.period_stall_sd.n} months | spread of the months' no-decision shares; drawn per refit (parameter "
        "draws) and per replication in a back-test |",
        f"| quarter-end pull (share of next month's wins) | {_quarter_text(cal.quarter_end)} | last month of a "
        f"quarter against the next quarter's first{_quarter_words(cal.quarter_end)} |",
    ]
    for product, estimate in sorted(cal.values.product_median.items()):
        if estimate.n == 0:  # no won deal of the product has a value (fit_values)
            lines.append(
                f"| deal value, {product} (list price) | {estimate.value:,.0f} | no won deal valued: not fitted |"
            )
        else:
            how = "one won deal: no CI" if estimate.n == 1 else "order-statistic CI"
            lines.append(f"| deal value, {product} (median won) | {estimate.text(4)} | {how} |")
    for product, estimate in sorted(out.product_win_rate.items()):
        lines.append(
            f"| win rate, {product} | {_monthly(estimate, 'decided deal', out.months)} "
            "| per product (≥ 100 decided deals) |"
        )
    lines += pooled_product_rows(
        cal.export.frame, cal.as_of, cal.export.close_start, set(out.product_win_rate), f"{out.win_rate.value:.1%}"
    )
    for product, estimate in sorted(cal.product_mix.items()):
        lines.append(
            f"| share of new opportunities, {product} | {estimate.text(percent=True)} | recent months"
            f"{_mix_words(cal.mix_dispersion)} |"
        )
    for team, owners in sorted(people.teams.items()):
        lines.append(
            f"| {team}: reps and share of new opportunities | {len(owners)} reps, {100 * sum(owners.values()):.1f}% "
            f"| owners given deals in the last {assumptions.recent_months} months |"
        )
    pooled = f"{100 * cal.outcomes.no_decision.value:.1f}%"
    for month, estimate in sorted(cal.cohort_no_decision.items()):
        lines.append(
            f"| no decision, deals created in {month} | {estimate.text(percent=True)} deals | closes by the as-of date "
            f"against the pooled fit's expectation, shrunk toward the pooled share ({pooled}, of the cohorts the "
            "export shows whole: a month can sit well away from it) |"
        )
    lines += [
        "",
        f"Deals per owner created up to {cal.as_of}: {people.deals_per_owner[0]:,} to {people.deals_per_owner[1]:,}.",
        "",
        "Monthly new opportunities used: "
        + ", ".join(f"{k}: {v:,}" for k, v in arr.history.items())
        + (
            f" ({', '.join(arr.after_export)}: after the export's last created date, left out, not zero)."
            if arr.after_export
            else "."
        ),
        "",
        "**Forecast rule**: the level above, flat unless the trend's 95% CI excludes 0 with at least 12 months; "
        "seasonality only with 24 months or more. Forecast: "
        + ", ".join(f"{k}: {v:,.0f}" for k, v in arr.forecast.items())
        + ".",
        "",
        *_run_rate_lines(cal),
        *([thin_words(cal.thin_months, arr.history), ""] if cal.thin_months else []),
        "## Data problems (counted, never dropped silently)",
        "",
        "| problem | rows | what was done |",
        "|---|---|---|",
    ]
    lines += [f"| {p} | {n} | {action} |" for p, n, action in data_problem_rows(cal) or [("none found", "0", "")]]
    lines += [
        "",
        "## Assumptions (what the export cannot identify)",
        "",
        f"- Rep effort per deal: {effort_hours(cal):.2f} hours"
        + (
            " (set in the mapping)"
            if assumptions.effort_hours is not None
            else f" (set so the busiest owner spends {100 * assumptions.busiest_utilisation:.0f}% of its selling "
            "hours on deals)"
        )
        + f"; {assumptions.hours_per_day:g} hours a day, selling fraction {assumptions.selling_fraction:g}.",
        f"- A stalled deal is never written off inside the run (no decision after {assumptions.no_decision_days:g} "
        "working days): the export keeps such deals open, so the open pipeline is counted as the CRM counts it.",
        "- The outcome of a deal is settled when its rep's work ends and announced after the buyer's delay "
        "(`decide_after_delay`), each outcome with its own delay (competing risks).",
        "- Open deals at the as-of date are valued at their product's median won value (their final amount is "
        "not known then).",
        "- A new rep (a hire in an org question) takes its team's mean share of new opportunities.",
        *(
            [
                f"- Deal value: ${assumptions.deal_value:,.0f} a won deal where no won deal has an amount (set in the "
                "mapping)."
            ]
            if assumptions.deal_value is not None
            else []
        ),
        (
            f"- Quota: ${assumptions.quota:,.0f} a rep a year (set in the mapping)."
            if assumptions.quota
            else "- Quota: none (not in the export; set `assumptions.quota` in the mapping for attainment figures)."
        ),
        "- Pay: not in the export; each rep costs salesim's default role pay (base salary, on-target variable "
        "pay, on-costs), so cost of sales, contribution and cost per $ of bookings are illustrations until "
        "`economics/calibrated.yaml` in this folder holds the company's own figures.",
        "",
        *draws_lines(draws),
        "## Not fitted",
        "",
        *[f"- {note}" for note in cal.unfitted],
        "",
        f"Median age of the open deals: {median_of(cal.open_deals['age_days'].to_numpy(dtype=float)).value:.0f} "
        "working days.",
        "",
    ]
    return "\n".join(lines)


def _drawn_figures(fit: Mapping[str, Any]) -> dict[str, tuple[float, bool]]:
    """The figures of one fit's drawn sections a forecast rests on: label -> (value, is a share)."""
    sources = fit["market"]["sources"].values()
    figures = {"new opportunities a month": (sum(s["leads_per_month"] for s in sources), False)}
    swings = [float(s["month_cv"]) for s in sources if "month_cv" in s]
    if swings:  # refits of a folder written before the swing was fitted have none
        figures["month-to-month swing of new opportunities"] = (max(swings), True)
    pull = (fit["pipeline"].get("quarter_end") or {}).get("share")
    if pull is not None:  # a refit moves the wins about the few quarter ends it rests on
        figures["quarter-end pull (share of next month's wins)"] = (float(pull), True)
    for stage in fit["pipeline"]["stages"]:
        for key, what in (("conversion", "conversion of decided deals"), ("no_decision", "no decision")):
            if key in stage:
                figures[f"stage {stage['name']}: {what}"] = (float(stage[key]), True)
    skill = max((team.get("skill") or {}).get("sd", 0.0) for team in fit["org"]["teams"].values())
    figures["rep skill spread (logit sd)"] = (float(skill), False)
    return figures


def draws_lines(draws: Mapping[str, Any] | None) -> list[str]:
    """The "Parameter draws" section: how far the refits move the figures a forecast rests on (P10 to P90)."""
    if not draws:
        return []
    point = _drawn_figures(draws["point"])
    refits = [_drawn_figures(draw) for draw in draws["draws"]]
    rows = []
    for label, (value, share) in point.items():
        low, high = np.quantile([refit[label][0] for refit in refits], [0.1, 0.9])
        shown = [f"{100 * v:.1f}%" if share else f"{v:,.3g}" for v in (value, float(low), float(high))]
        rows.append(f"| {label} | {shown[0]} | {shown[1]} to {shown[2]} |")
    count = len(refits)
    return [
        "## Parameter draws",
        "",
        f"`parameter_draws.json` holds {count} bootstrap refits of the export: creation months drawn whole with "
        "replacement (deals of one month share its conditions) and every figure fitted again, the arrival level on "
        "a resample of rows, and for each refit the simulated period's own shift of the win rate and of the "
        "no-decision share, drawn from their wander between creation months (the rows above). Run *r* of every "
        f"scenario runs on refit *r* mod {count}, so the forecast band carries what the export cannot pin down as "
        "well as the period's luck, and the mean of the runs is the refits' average, which can differ a little "
        "from the point fit's: the refits' figures are skewed about it (the arrival level a median of resampled "
        "months, the quarter-end pull never below 0; docs/MODEL.md, Calibration, measures it on the shared export: "
        "+1.5% on a quarter's bookings, the refits' median figures +0.4%). A value you set in this folder or on the "
        "command line stays in every refit; "
        "`parameter_draws=null` runs on the point fit alone. What the refits move (the period's own shifts "
        "included, which the CIs above, of the pooled figures, leave out):",
        "",
        "| figure | point fit | refits, P10 to P90 |",
        "|---|---|---|",
        *rows,
        "",
    ]


def _monthly(estimate: Estimate, rows: str, months: int) -> str:
    """A share fitted from deals, and when its CI is counted over creation months, how many of theirs it counts.

    ``n = 2,334 won deals from 7 creation months; CI over 5 of them``: the deals of every
    creation month fitted (``months``), the CI over the months old enough to show their
    rates (:func:`.unit_intervals.outcomes_over_months`). It had read ``n = 5 creation months
    (2,334 won deals)``, while those deals came from 7.
    """
    if not estimate.units:
        return estimate.text(percent=True, rows=rows)
    deals = Estimate(estimate.value, estimate.low, estimate.high, estimate.n).text(percent=True, rows=rows)
    return f"{deals} from {months} creation month{'s' if months != 1 else ''}; CI over {estimate.units} of them"


def _months_words(estimate: Estimate) -> str:
    """What the outcome shares' CIs count, said once (:func:`.unit_intervals.outcomes_over_months`)."""
    if not estimate.units:
        return ""
    return (
        "; the outcome CIs (these four rows and each product's win rate) count the creation months the rates "
        "wander between, not the deals alone: only the months old enough to measure that wander (the wander rows: "
        "the win rate's over the months whose deals had time to close, the stall rate's over its own; won and lost "
        "over the fewer of the two), with t on one degree of freedom fewer than the months each row counts"
    )


def _quarter_text(pull: Estimate) -> str:
    """The pull with its CI and what it rests on: ``0.283 (0–0.583), n = 2 quarter ends (1,655 wins)``."""
    if pull.n == 0:
        return "0, n = 0 quarter ends"
    return pull.text(3, rows="win", unit="quarter end")


def _quarter_words(pull: Estimate) -> str:
    """How the pull's CI was counted (:func:`~simulator.calibration.unit_intervals.quarter_end_pull`)."""
    if pull.n == 0:
        return ": no quarter end the export shows whole before the as-of date has a win (no pull)"
    if pull.units < 2:
        return (
            ": one quarter end cannot tell the pull from that month's own swing, so the CI is its whole range; "
            "a later as-of date adds quarter ends"
        )
    return (
        f"; the CI counts the {pull.units} quarter ends, not their wins (t on {pull.units - 1} degree"
        f"{'s' if pull.units != 2 else ''} of freedom, never narrower than the wins alone give)"
    )


def _mix_words(dispersion: float) -> str:
    """The mix CIs' widening by the months' over-dispersion (:func:`~simulator.calibration.fit_values.mix`)."""
    return f"; CI widened by the months' over-dispersion (φ = {dispersion:.2f})" if dispersion > 1.0 else ""


def _swing_months(arr: ArrivalFit) -> str:
    """The months the swing rests on (its first ``n``): ``2017-03 to 2017-10 (2017-11 and 2017-12 thin, left out)``."""
    months = list(arr.history)
    used, thin = months[: arr.swing.n], months[arr.swing.n :]
    words = f"{used[0]} to {used[-1]}" if len(used) > 1 else (used[0] if used else "no month")
    return words + (f" ({' and '.join(thin)} thin, left out)" if thin else "")


def _run_rate_lines(cal: Calibration) -> list[str]:
    """The export's last whole quarters, the run-rate to read a forecast against, and calibrate's every warning."""
    quarters = quarters_words(recent_quarters(cal))
    lines = [f"**The export's last quarters** (what a forecast is read against): {quarters}.", ""] if quarters else []
    warnings = calibration_cautions(cal, quarters=False)  # the quarters are listed just above
    return lines + [line for warning in warnings for line in (f"**Warning**: {warning}.", "")]


def _extremes_words(arr: ArrivalFit) -> str:
    """Said when the level's interval is its lowest and highest month, with what that range covers.

    From 6 to 8 months the median's distribution-free 95% CI is no narrower; below 6 no 95%
    CI exists, and the range covers the median with ``1 - 2 (1/2)^n`` only (87.5% at 4
    months, which had been called a 95% CI); one month gives no interval at all.
    """
    recent = list(arr.history.values())[-arr.level.n :]
    if not recent or (arr.level.low, arr.level.high) != (min(recent), max(recent)):
        return ""
    if arr.level.n == 1:
        return " (one month gives no CI: a median needs 6 months for a distribution-free 95% CI)"
    if arr.level.short:
        return " (a distribution-free 95% CI needs 6 months: the range given is their lowest to highest month)"
    return (
        f" (at {arr.level.n} months the median's distribution-free 95% CI runs from their lowest month to their "
        "highest)"
    )


def _calendar_words(working_days: float, closed_only: float, still_open: int) -> str:
    """The fitted median in calendar days (5 working days a week), beside the median of the deals already closed.

    The deals of the fitted cohorts closed by the as-of date alone give a median biased short
    (the long ones are still open); it is the figure a spreadsheet of those deals shows, so
    it is named as such rather than left to contradict the fitted one. The cohorts are
    named: all closed deals of the maven export read 57 days, those of the cohorts the fit
    uses (created from March 2017) 30. It is called short only when it is: at 2017-12-31 the
    maven export's lost deals already closed read 12 calendar days beside a fitted ≈11, which
    had been called "short by the long ones among the 1,319 still open".
    """
    calendar = working_days * 7 / 5
    fitted = f"≈{calendar:.0f} calendar days"
    words = f"{fitted}; the deals of those cohorts already closed, alone: {closed_only:.0f} calendar days"
    if not still_open:
        return words
    if round(closed_only) < round(calendar):
        return words + f", short by the long ones among the {still_open:,} still open"
    return words + f", not shorter than the fitted median, with {still_open:,} still open"


def _months(count: int) -> str:
    """``1 month``, ``7 months`` (a one-month export had read "the last 1 usable months")."""
    return f"{count} month{'' if count == 1 else 's'}"
