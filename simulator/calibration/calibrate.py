"""Calibrate: an export and its mapping in, every fit and the scenario sections a config folder holds out.

:func:`calibrate` reads the export (:mod:`simulator.calibration.shapes`), fits it as of a
date (nothing after it is used) and returns a :class:`Calibration`; :func:`fit` does the
fitting alone, so a bootstrap can refit resampled rows; :func:`scenario_sections` turns a
calibration into the config sections the schema accepts (market, pipeline, org, effects,
clock, initial_pipeline). :mod:`simulator.calibration.folder` writes them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.calibration.as_of import check_as_of, check_deal_values, check_outcomes, check_window
from simulator.calibration.dates import parse_date
from simulator.calibration.errors import CalibrationError
from simulator.calibration.estimates import Estimate, working_days
from simulator.calibration.export import Export
from simulator.calibration.fit_arrivals import ArrivalFit, fit_arrivals
from simulator.calibration.fit_outcomes import (
    OutcomeFit,
    cohort_no_decision,
    fit_outcomes,
    period_stall_spread,
    period_win_spread,
)
from simulator.calibration.fit_people import PeopleFit, fit_people
from simulator.calibration.fit_values import ValueFit, fit_quarter_end, fit_values, mix
from simulator.calibration.mapping import MappingFile, load_mapping
from simulator.calibration.shapes import load_export
from simulator.calibration.thin_cohorts import pooled_cohorts, thin_creation_months, without_thin
from simulator.calibration.unit_intervals import outcomes_over_months

STAGE = "opportunity"
ROLE = "agent"
SOURCE = "crm"
QUARTER_WINDOW_DAYS = 21.0


@dataclass
class Calibration:
    """Every fit of one export as of one date, and what the run starts from."""

    mapping: MappingFile
    export: Export
    as_of: np.datetime64
    until: np.datetime64
    outcomes: OutcomeFit
    arrivals: ArrivalFit
    people: PeopleFit
    values: ValueFit
    quarter_end: Estimate
    product_mix: dict[str, Estimate]
    open_deals: pd.DataFrame
    cohort_no_decision: dict[str, Estimate] = field(default_factory=dict)
    period_win_sd: Estimate = field(default_factory=lambda: Estimate(0.0, 0.0, 0.0, 0))
    win_shift: float = 0.0  # a logit shift of the win rate for the simulated period (a bootstrap draw; 0 fitted)
    period_stall_sd: Estimate = field(default_factory=lambda: Estimate(0.0, 0.0, 0.0, 0))
    stall_shift: float = 0.0  # a shift of new deals' no-decision share for the simulated period (a bootstrap draw)
    unfitted: list[str] = field(default_factory=list)
    mix_dispersion: float = 1.0  # the recent months' over-dispersion of the product mix (fit_values.mix)
    thin_months: list[str] = field(default_factory=list)  # creation months left out of the pooled fits

    @property
    def start(self) -> np.datetime64:
        """Day 0 of the run: the day after the as-of date."""
        return self.as_of + np.timedelta64(1, "D")

    @property
    def horizon_days(self) -> float:
        """Working days from the day after the as-of date to ``until``, both included."""
        days = working_days(np.array([self.start]), np.array([self.until + np.timedelta64(1, "D")]), self.holidays)
        return float(days[0])

    @property
    def holidays(self) -> list[str]:
        """Public holidays of the calendar (an assumption of the mapping)."""
        return list(self.mapping.assumptions.holidays)


def quarter_after(day: np.datetime64) -> np.datetime64:
    """The last day of the calendar quarter after the one holding ``day``."""
    period = pd.Period(str(day), freq="Q") + 1
    return np.datetime64(str(period.end_time.date()), "D")


def calibrate(mapping_path: str | Path, as_of: str, until: str | None = None) -> Calibration:
    """Read the export a mapping file names and fit it as of ``as_of`` (to ``until``: default, the next quarter's end).

    Raises:
        CalibrationError: A bad mapping or export (file, column, row), or dates out of order.
    """
    day = parse_date(as_of, "--as-of")
    end = parse_date(until, "--until") if until else quarter_after(day)
    if end <= day:
        raise CalibrationError(f"--until {end} must come after --as-of {day}")
    mapping = load_mapping(mapping_path)
    check_window(day, end, list(mapping.assumptions.holidays))
    export = load_export(mapping)
    check_as_of(export, day, mapping.assumptions.recent_months)
    amount = mapping.opportunities.columns.amount or (mapping.won_deals.columns.amount if mapping.won_deals else None)
    calibration = fit(export, mapping, day, end)
    check_outcomes(export, day)
    check_deal_values(export, day, amount, mapping.assumptions.deal_value)
    return calibration


def fit(
    export: Export,
    mapping: MappingFile,
    as_of: np.datetime64,
    until: np.datetime64,
    variance: bool = True,
    fallback: OutcomeFit | None = None,
    thin: list[str] | None = None,
) -> Calibration:
    """Every fit of ``export`` as of ``as_of`` (its frame may be a bootstrap resample).

    ``fallback``: the outcome fit (a refit's: the point fit's) whose durations by month of
    the quarter, and whose outcome shares past the frame's longest follow-up, stand in for
    what a resample is followed too briefly to show (:func:`fit_outcomes`). ``thin``: the
    under-recorded creation months left out of the pooled fits (a refit's: the point
    fit's); None: those the thinning test finds in the arrival series
    (:mod:`simulator.calibration.thin_cohorts`).
    """
    frame = export.frame
    holidays = list(mapping.assumptions.holidays)
    recent = mapping.assumptions.recent_months
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    # The export records nothing after its last date: follow-up ends there, not at a later
    # as-of date (an open deal is not known to be open after it, a month then not known to
    # win nothing); the recent months end at its last creation (months after it are not
    # months with no new deals).
    last_created, export_date = export.covered()
    seen = min(as_of, export_date)
    anchor = min(as_of, last_created)
    # Cohorts created before closes begin hold only their deals that closed late (mostly wins):
    # delayed entry would be exact only if hazards never changed with the calendar, so the
    # outcome fit uses the cohorts the export shows whole.
    whole = frame if export.close_start is None else frame[created >= export.close_start]
    arrivals = fit_arrivals(created, as_of, until, export.close_start, recent, last_created)
    thin = thin_creation_months(arrivals.history) if thin is None else thin
    pooled = pooled_cohorts(whole, thin)  # an under-recorded month's deals are mostly those already closed
    outcomes = fit_outcomes(pooled, seen, None, holidays, variance, fallback)
    people = fit_people(frame, export.roster, as_of, recent, variance, recent_end=anchor)
    values = fit_values(frame, export.prices, seen, mapping.assumptions.deal_value)
    first = export.close_start if export.close_start is not None else created.min()
    quarter = fit_quarter_end(frame, first, seen)
    since = (pd.Period(str(anchor)[:7], freq="M") - recent + 1).start_time.to_datetime64().astype("datetime64[D]")
    in_recent = (created <= as_of) & (created >= since)
    product_mix, mix_dispersion = mix(frame["product"][in_recent], created[in_recent].astype("datetime64[M]"))
    calibration = Calibration(
        mapping=mapping,
        export=export,
        as_of=as_of,
        until=until,
        outcomes=outcomes,
        arrivals=arrivals,
        people=people,
        values=values,
        quarter_end=quarter,
        product_mix=product_mix,
        mix_dispersion=mix_dispersion,
        open_deals=_open_deals(frame, as_of, holidays),
        cohort_no_decision=cohort_no_decision(whole, outcomes, seen, export.close_start, holidays),
        period_win_sd=period_win_spread(pooled, seen),
        thin_months=thin,
    )
    calibration.period_stall_sd = period_stall_spread(without_thin(calibration.cohort_no_decision, thin), seen)
    # the outcome shares' CIs counted over creation months, which they wander between beyond chance
    calibration.outcomes = outcomes_over_months(outcomes, calibration.period_win_sd, calibration.period_stall_sd)
    calibration.unfitted = _unfitted(calibration)
    return calibration


def _open_deals(frame: pd.DataFrame, as_of: np.datetime64, holidays: list[str]) -> pd.DataFrame:
    """Deals open at the end of ``as_of``: created by then, not closed by then."""
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    is_open = (created <= as_of) & (np.isnat(closed) | (closed > as_of))
    deals = frame[is_open].copy()
    start = np.full(len(deals), as_of + np.timedelta64(1, "D"))
    deals["age_days"] = working_days(deals["created"].to_numpy(dtype="datetime64[D]"), start, holidays)
    return deals.reset_index(drop=True)


def cycle_median_days(durations: tuple[np.ndarray, np.ndarray]) -> float:
    """A fitted cycle's median in working days, from its (values, weights) (the won or the lost one)."""
    values, weights = durations
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][int(np.searchsorted(cumulative, 0.5 * cumulative[-1]))])


def _unfitted(cal: Calibration) -> list[str]:
    frame = cal.export.frame
    notes = [
        "rep effort per deal (hours) and the selling fraction: set by assumption (mapping.assumptions)",
        "the buyer's delay before a stalled deal is written off: never in this export (no_decision_days)",
        "speed to lead and buying-circle effects: no first-touch times or stakeholders in the export (switched off)",
    ]
    if (frame["segment"] == "").all():
        notes.append("segments: none in the export (one segment, 'all')")
    if (frame["source"] == "").all():
        notes.append("lead sources: none in the export (one source, 'crm')")
    if (frame["qualifier"] == "").all():
        notes.append("hand-offs: the export names one owner per deal, no qualifier and closer (none modelled)")
    if cal.export.roster is None or cal.export.roster["start"].isna().all():
        notes.append("hiring, ramp and attrition: no start or end dates in the roster (a static workforce)")
    if len(cal.arrivals.history) < 24:
        notes.append(f"arrival seasonality: {len(cal.arrivals.history)} usable months, 24 needed (flat forecast)")
    return notes


def _base_logit(p: float, sd: float) -> float:
    """The logit ``b`` with ``E[logistic(b + sd Z)] = p`` for a standard normal ``Z`` (Gauss–Hermite)."""
    from scipy.optimize import brentq

    if not 0.0 < p < 1.0:
        return math.inf if p >= 1 else -math.inf
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()

    def gap(b: float) -> float:
        return float((weights / (1 + np.exp(-(b + sd * nodes)))).sum() - p)

    return float(brentq(gap, -30, 30))


def effort_hours(cal: Calibration) -> float:
    """Rep hours per deal: the mapping's, or the effort that keeps the busiest owner busy ``busiest_utilisation``.

    That is, the busiest owner spends that share of its selling hours on its deals (an
    assumption: no export records effort).
    """
    assumptions = cal.mapping.assumptions
    if assumptions.effort_hours is not None:
        return float(assumptions.effort_hours)
    busiest = max((s for owners in cal.people.teams.values() for s in owners.values()), default=1.0)
    per_day = busiest * cal.arrivals.level.value / (365.25 / 12 * 5 / 7)
    return (
        assumptions.busiest_utilisation * assumptions.hours_per_day * assumptions.selling_fraction / max(per_day, 1e-9)
    )


def _empirical(values: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    return {"dist": "empirical", "values": [float(v) for v in values], "weights": [float(round(w, 8)) for w in weights]}


def scenario_sections(cal: Calibration) -> dict[str, Any]:
    """The config sections of the calibrated company (what ``parse_scenario`` accepts)."""
    out, assumptions = cal.outcomes, cal.mapping.assumptions
    sd = cal.people.skill_sd.value
    win = cal.outcomes.win_rate.value
    base = _base_logit(win, sd) + cal.win_shift
    conversion = float(1 / (1 + math.exp(-base)))
    products: dict[str, Any] = {}
    names = sorted((set(cal.values.product_median) | set(cal.product_mix) | set(cal.open_deals["product"])) - {""})
    for product in names:
        median = cal.values.product_median.get(product)
        rate = out.product_win_rate.get(product)
        shift = _base_logit(rate.value, sd) + cal.win_shift - base if rate is not None else 0.0
        products[product] = {
            "weight": float(cal.product_mix[product].value) if product in cal.product_mix else 0.0,
            "deal_value_multiplier": float(median.value) if median is not None else cal.values.fallback,
            "conversion_shift": round(float(shift), 6),
        }
    teams, geographies = {}, {}
    for team, owners in sorted(cal.people.teams.items()):
        teams[team] = {
            "role": ROLE,
            "headcount": len(owners),
            "hours_per_day": assumptions.hours_per_day,
            "selling_fraction": assumptions.selling_fraction,
            "skill": {"mean": 0.0, "sd": round(sd, 6)},
            "assignment": "by_share",
            "reps": {o: round(s, 8) for o, s in sorted(owners.items())},
            "serves": {"geography": [team]},
        }
        geographies[team] = round(sum(owners.values()), 8)
    market: dict[str, Any] = {
        "name": cal.mapping.name,
        "sources": {
            SOURCE: {
                "leads_per_month": round(cal.arrivals.level.value, 4),
                "leads_by_month": {k: round(v, 4) for k, v in cal.arrivals.forecast.items()},
                "month_cv": round(min(cal.arrivals.swing.value, 2.0), 6),
            }
        },
        "deal_value": _empirical(
            cal.values.spread if products else cal.values.spread * cal.values.fallback, np.ones(cal.values.spread.size)
        ),
        "geographies": geographies,
    }
    if products:
        market["products"] = products
    stage = {
        "name": STAGE,
        "role": ROLE,
        "effort_hours": round(effort_hours(cal), 6),
        "delay_days": _empirical(*out.won_days),
        "conversion": round(conversion, 8),
        "decide_after_delay": True,
        "lost_delay_days": _empirical(*out.lost_days),
        "no_decision": round(min(max(out.no_decision.value + cal.stall_shift, 0.0), 0.95), 8),
        "no_decision_days": assumptions.no_decision_days,
        **(
            {
                "delays_by_quarter_month": [
                    {"delay_days": _empirical(*won), "lost_delay_days": _empirical(*lost)}
                    for won, lost, _ in out.by_quarter_month
                ]
            }
            if out.by_quarter_month
            else {}
        ),
        "description": "an opportunity from creation to its decision (fitted from the CRM export)",
    }
    pipeline = {
        "name": cal.mapping.name,
        "stages": [stage],
        "opportunity_stage": STAGE,
        "fitted_from": Path(cal.export.file).name,
        "fitted_figures": {
            "win_rate": round(float(out.win_rate.value), 6),
            "cycle_time_days_p50": round(cycle_median_days(out.won_days), 3),
        },
        "quarter_end": {
            "share": round(cal.quarter_end.value, 6),
            "window_days": QUARTER_WINDOW_DAYS,
            "lookahead_days": QUARTER_WINDOW_DAYS,
        },
    }
    team_of = {o: t for t, owners in cal.people.teams.items() for o in owners}
    deals = cal.open_deals
    deal_owners = [o if o in team_of else "" for o in deals["owner"]]
    amounts = [
        float(cal.values.product_median[p].value) if p and p in cal.values.product_median else cal.values.fallback
        for p in deals["product"]
    ]
    initial: dict[str, list[Any]] = {
        "stage": [STAGE] * len(deals),
        "age_days": [float(a) for a in deals["age_days"]],
        "amount": [round(a, 2) for a in amounts],
        "owner": deal_owners,
        "geography": [team_of.get(o, "") for o in deal_owners],
        "no_decision": [
            round(cal.cohort_no_decision[m].value if m in cal.cohort_no_decision else out.no_decision.value, 6)
            for m in pd.PeriodIndex(deals["created"].to_numpy(dtype="datetime64[D]").astype(str), freq="M").astype(str)
        ],
    }
    if products:
        initial["product"] = [p if p in products else "" for p in deals["product"]]
    return {
        "market": market,
        "pipeline": pipeline,
        "org": {"name": f"{cal.mapping.name} as of {cal.as_of}", "teams": teams},
        "effects": {"speed_to_lead": {"exponent": 0.0}, "buying_circle": {"logit_per_person": 0.0}},
        "clock": {
            "start_date": str(cal.start),
            "horizon_days": cal.horizon_days,
            "warmup_days": 0.0,
            "holidays": list(cal.holidays),
        },
        "initial_pipeline": initial,
        # Pay is no part of a CRM export: the role's pay stays salesim's default (said in
        # calibration.md); the quota is the mapping's, or none.
        "economics": {"roles": {ROLE: {"quota": float(assumptions.quota or 0.0)}}},
    }
