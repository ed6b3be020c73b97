"""The market: every lead of one replication, drawn up front in batches.

Arrivals are a Poisson process per source whose rate is constant within a month and
scaled by that month's seasonality multiplier (or, for the calendar months a source's
dated series lists, that month's mean prorated by the working days simulated), so counts per (source, month) are
Poisson and arrival times are uniform inside the month (exact for a piecewise-constant
rate). Each lead then gets its attributes and its *luck*: every variate its journey
could need (effort, buyer delay and a conversion draw at every stage, hand-off draws),
sampled in batches by the Numba core from streams that do not depend on the org design.
Two designs run on the same seed therefore meet the same leads with the same luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.model import sampling
from simulator.model.lead_attributes import apply_products, draw_lead_profile
from simulator.model.scenario import FloatArray, IntArray, Kernel, Scenario
from simulator.model.scenario_cache import per_scenario
from simulator.model.streams import Stream, stream


@dataclass(frozen=True, slots=True)
class LeadBook:
    """All leads of one replication in arrival order, with their attributes and luck.

    Per-lead arrays have shape (N,); luck arrays are stage-major, shape (S, N), so that
    each stage's batch of draws is one contiguous row.
    """

    arrival_day: FloatArray
    source: IntArray
    segment: IntArray
    deal_value: FloatArray
    buying_circle: IntArray
    effort_hours: FloatArray  # (S, N) rep effort if the lead is worked at that stage
    delay_days: FloatArray  # (S, N) buyer-side delay after that stage
    conversion_draw: FloatArray  # (S, N) uniform: converts if below the stage probability
    handoff_draw: FloatArray  # (S, N) uniform: lost at a hand-off into that stage if below the loss probability
    handoff_delay_days: FloatArray  # (S, N)
    handoff_extra_hours: FloatArray  # (S, N)
    sector: IntArray  # (N,) index into scenario.lead_profile.sector_names
    geography: IntArray  # (N,)
    product: IntArray  # (N,)
    slice: IntArray  # (N,) the attribute combination routing reads (the segment when nothing else is set)

    @property
    def size(self) -> int:
        """Number of leads."""
        return int(self.arrival_day.shape[0])


def draw_kernel(gen: np.random.Generator, kernel: Kernel, n: int) -> FloatArray:
    """``n`` draws of a compiled distribution with the caller's Generator."""
    result: FloatArray = sampling.draw_array(gen, kernel.code, kernel.params, n)
    return result


def segments_of(scenario: Scenario, uniforms: FloatArray) -> IntArray:
    """The segment index each uniform draw picks, by the scenario's segment weights."""
    cumulative = np.cumsum(scenario.segment_weights)
    cumulative[-1] = 1.0
    segment = np.searchsorted(cumulative, uniforms, side="right").astype(np.int64)
    return np.minimum(segment, len(scenario.segment_names) - 1)


def month_swings(month_cv: FloatArray, n_months: int, seed: int, replication: int) -> FloatArray:
    """(K, months) gamma factors of mean 1 and CV ``month_cv[k]`` (1 where it is 0) for each month's mean leads.

    Drawn from their own stream, so the arrival stream (and with it every lead's arrival
    offset) is the same with or without swings: a scenario that adds them keeps the rest
    of its luck. Source ``k``'s factors are drawn on its own key, whatever the others' CVs.
    """
    factors = np.ones((month_cv.shape[0], n_months))
    for k, cv in enumerate(month_cv):
        if cv > 0.0:
            shape = 1.0 / (cv * cv)
            factors[k] = stream(seed, replication, Stream.ARRIVAL_SWINGS, k).gamma(shape, 1.0 / shape, n_months)
    return factors


@dataclass(frozen=True, slots=True)
class _Months:
    """The months of a scenario's window and each source's mean leads in each: the scenario's alone."""

    start: FloatArray  # (months,)
    length: FloatArray  # (months,)
    means: FloatArray  # (K, months) before any month's swing
    source: IntArray  # (K * months,) the source of each (source, month) cell, source-major
    month: IntArray  # (K * months,) its month


def _months(scenario: Scenario) -> _Months:
    """:class:`_Months` of ``scenario``, worked out once per scenario (read-only arrays)."""

    def compute() -> _Months:
        months = scenario.calendar.slices("month", 0.0, scenario.horizon_days)
        n_months, n_sources = len(months), len(scenario.source_names)
        month_start = np.array([m.start for m in months], dtype=np.float64)
        month_length = np.array([m.end - m.start for m in months], dtype=np.float64)
        season = scenario.seasonality[[m.of_year for m in months]]
        means = np.outer(scenario.source_leads_per_day, season * month_length)  # (K, months)
        if scenario.source_month_leads is not None:  # a dated series replaces rate x seasonality where given
            index = np.array([m.index for m in months], dtype=np.int64)
            share = month_length / np.array([m.length for m in months], dtype=np.float64)
            series = scenario.source_month_leads[:, index] * share
            means = np.where(np.isnan(series), means, series)
        found = _Months(
            month_start,
            month_length,
            means,
            np.repeat(np.arange(n_sources), n_months),
            np.tile(np.arange(n_months), n_sources),
        )
        for array in (found.start, found.length, found.means, found.source, found.month):
            array.flags.writeable = False
        return found

    return per_scenario(scenario, "market.months", compute)


def draw_arrivals(scenario: Scenario, seed: int, replication: int) -> tuple[FloatArray, IntArray]:
    """Arrival days and source index of every lead, sorted by arrival."""
    gen = stream(seed, replication, Stream.ARRIVALS)
    months = _months(scenario)
    means = months.means
    if scenario.source_month_cv is not None:
        means = means * month_swings(scenario.source_month_cv, means.shape[1], seed, replication)
    counts = gen.poisson(means.ravel()).astype(np.int64).reshape(means.shape)  # = sampling.poisson_counts
    total = int(counts.sum())
    offsets = sampling.uniform_array(gen, total)
    source = np.repeat(months.source, counts.ravel())
    month = np.repeat(months.month, counts.ravel())
    arrival = months.start[month] + offsets * months.length[month]
    order = np.argsort(arrival, kind="stable")
    return arrival[order], source[order].astype(np.int64)


def draw_leads(scenario: Scenario, seed: int, replication: int) -> LeadBook:
    """Draw every lead of one replication, with attributes and journey luck."""
    arrival, source = draw_arrivals(scenario, seed, replication)
    n, n_stages = arrival.shape[0], scenario.n_stages
    attributes = stream(seed, replication, Stream.LEAD_ATTRIBUTES)
    segment = segments_of(scenario, sampling.uniform_array(attributes, n))
    value = draw_kernel(attributes, scenario.deal_value, n)
    circle = np.maximum(1, np.rint(draw_kernel(attributes, scenario.buying_circle, n))).astype(np.int64)

    effort = np.empty((n_stages, n))
    delay = np.empty((n_stages, n))
    conversion = np.empty((n_stages, n))
    handoff = np.empty((n_stages, n))
    handoff_delay = np.empty((n_stages, n))
    handoff_extra = np.empty((n_stages, n))
    for s in range(n_stages):
        luck = stream(seed, replication, Stream.STAGE_LUCK, s)
        effort[s] = draw_kernel(luck, scenario.stage_effort_hours[s], n)
        delay[s] = draw_kernel(luck, scenario.stage_delay_days[s], n)
        conversion[s] = sampling.uniform_array(luck, n)
        passing = stream(seed, replication, Stream.HANDOFF_LUCK, s)
        handoff[s] = sampling.uniform_array(passing, n)
        handoff_delay[s] = draw_kernel(passing, scenario.handoff_delay_days, n)
        handoff_extra[s] = draw_kernel(passing, scenario.handoff_extra_effort_hours, n)
    profile = scenario.lead_profile
    sector, geography, product = draw_lead_profile(profile, segment, seed, replication)
    value = apply_products(profile, product, value, effort, delay)
    return LeadBook(
        arrival_day=arrival,
        source=source,
        segment=segment,
        deal_value=value,
        buying_circle=circle,
        effort_hours=effort,
        delay_days=delay,
        conversion_draw=conversion,
        handoff_draw=handoff,
        handoff_delay_days=handoff_delay,
        handoff_extra_hours=handoff_extra,
        sector=sector,
        geography=geography,
        product=product,
        slice=profile.slice_of(segment, sector, geography, product),
    )


def draw_rep_skills(scenario: Scenario, seed: int, replication: int) -> NDArray[np.float64]:
    """Skill (a logit shift) of every rep, team by team, from the workforce stream."""
    skills = np.empty(scenario.n_reps)
    start = 0
    for t in range(scenario.n_teams):
        gen = stream(seed, replication, Stream.WORKFORCE, t)
        count = int(scenario.team_headcount[t])
        mean, sd = float(scenario.team_skill_mean[t]), float(scenario.team_skill_sd[t])
        skills[start : start + count] = sampling.draw_normal(gen, mean, sd, count)
        start += count
    return skills
