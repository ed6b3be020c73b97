"""What kind of quantity each KPI is, and so which values its interval may take.

One table, :data:`KPI_KINDS`, maps every KPI (by name prefix, first match wins) to its
kind and its direction of good (higher, lower or neither); the summary, the paired
comparison, the sentences, the terminal table, the plots, the answer and the range checks
all read it through :func:`kpi_kind` and :func:`direction`, so a KPI is never a share in
one place and an amount in another, nor better higher in one place and lower in another. The kinds:

- ``event``: 0 or 1 in each run (``hit_plan``); its mean is a probability in [0, 1];
- ``proportion``: a share in [0, 1] in each run (win rate, conversion, SLA breaches,
  reps at quota, renewal rate, overflow, gross revenue retention);
- ``time share``: a share of time in [0, 1] in each run (utilisation): a team busy all its
  selling time in every run is measured at 100%, not sampled from a few trials;
- ``non-negative``: counts, money that cannot be negative, days, hours and ratios of
  non-negative amounts (CAC, sales efficiency, attainment, net revenue retention, MAPE);
- ``non-positive``: amounts that cannot be above zero (the capacity bridge's carry-in
  line: minus the expected value of the deals open when the window starts);
- ``ratio``: a ratio of two non-negative amounts minus one, a relative change, at
  least -100% (``forecast_bias``: forecast over actual, minus one);
- ``signed``: amounts that can take either sign (contribution, the capacity bridge's
  coverage line, its residual).

The capacity bridge's other lines are ``non-negative``: seats left empty (the spreadsheet
counts every seat filled all window), selling time ramping reps lacked (productivity is
at most 1), and the expected value of deals lost, queued or still in the cycle.

A share's *trials* (:func:`trial_columns`) are the columns of a run's row whose sum is its
denominator, where the row records one: the interval of a share at 0 (or 1) in every run
is over them (:mod:`simulator.analysis.intervals`). ``sla_visits_<stage>``,
``stage_exits_<stage>``, ``opportunities_decided[_product_<p>]``, ``opportunities_closed``,
``touched_or_leaked_leads``, ``reps_with_attainment``, ``overflow_visits_<team>`` and
``mql_to_sql_exits``/``sql_to_opportunity_exits`` are such columns, counts of their own
(``non-negative``, no direction), recorded for that; ``renewals_due`` and ``deals_won`` +
``deals_lost`` already were.

A KPI no row names is ``signed`` (an unrestricted Student t interval), the safe default;
``tests/test_intervals.py`` checks that every KPI a shipped configuration produces is
named by a row, so a new KPI cannot fall through unnoticed.
"""

from __future__ import annotations

import math
from enum import IntEnum, StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """The kind of quantity a KPI is (see the module docstring)."""

    EVENT = "event"
    PROPORTION = "proportion"
    TIME_SHARE = "time share"
    NON_NEGATIVE = "non-negative"
    NON_POSITIVE = "non-positive"
    RATIO = "ratio"
    SIGNED = "signed"


class Good(IntEnum):
    """Which way a KPI is better: +1 higher, -1 lower, 0 neither (a count of leads, a utilisation)."""

    HIGHER = 1
    LOWER = -1
    NONE = 0


class KpiRow(NamedTuple):
    """One row of :data:`KPI_KINDS`: a name prefix, the kind of quantity and its direction of good."""

    prefix: str
    kind: Kind
    good: Good


_E, _P, _N, _R, _S = Kind.EVENT, Kind.PROPORTION, Kind.NON_NEGATIVE, Kind.RATIO, Kind.SIGNED
_NP = Kind.NON_POSITIVE
_UP, _DOWN, _NONE = Good.HIGHER, Good.LOWER, Good.NONE

# The first row whose prefix starts the KPI's name decides its kind and its direction of good.
# Direction NONE where more is neither better nor worse in itself: lead counts (fewer leads also
# means fewer disqualified), open pipeline (deals stuck in a queue raise it), utilisation (a
# planning range, not a goal), renewals due, headcount, the plan itself.
KPI_KINDS: tuple[KpiRow, ...] = tuple(
    KpiRow(prefix, kind, good)
    for prefix, kind, good in (
        ("hit_plan", _E, _UP),
        ("win_rate", _P, _UP),  # also win_rate_product_<p>
        ("opportunities_decided", _N, _NONE),  # win_rate's denominator (also ..._product_<p>): won or lost
        ("opportunities_closed", _N, _NONE),  # no_decision_rate's: won, lost or no decision
        ("lead_to_win_rate", _P, _UP),
        ("mql_to_sql_rate", _P, _UP),  # the first stage of a lead -> SQL -> opportunity funnel
        ("mql_to_sql_exits", _N, _NONE),  # its denominator, as stage_exits_<stage>
        ("sql_to_opportunity_rate", _P, _UP),  # its second
        ("sql_to_opportunity_exits", _N, _NONE),
        ("no_decision_rate", _P, _DOWN),  # closed opportunities that ended with no decision
        ("untouched_lead_share", _P, _DOWN),  # new leads that leaked before any touch
        ("touched_or_leaked_leads", _N, _NONE),  # its denominator
        ("stage_conversion_", _P, _UP),
        ("stage_exits_", _N, _NONE),  # stage_conversion_<stage>'s denominator: passed on or lost there
        ("sla_breach_", _P, _DOWN),
        ("sla_visits_", _N, _NONE),  # sla_breach_<stage>'s denominator: the visits whose SLA fell due in the window
        ("reps_at_quota_share", _P, _UP),
        ("reps_with_attainment", _N, _NONE),  # its denominator
        ("utilisation_", Kind.TIME_SHARE, _NONE),
        ("renewal_rate", _P, _UP),
        ("overflow_share_", _P, _NONE),
        ("overflow_visits_", _N, _NONE),  # its denominator: the stage visits routed to the pod
        ("gross_revenue_retention", _P, _UP),  # ARR kept (no expansion) over ARR at the start
        ("forecast_bias", _R, _NONE),  # too high and too low are both wrong: its size is scored by MAPE
        ("contribution", _S, _UP),
        ("capacity_gap_carry_in", _NP, _NONE),  # minus the value open at the window's start
        ("capacity_gap_coverage", _S, _NONE),  # the residual: negative when the pipeline offered more
        ("capacity_gap_", _N, _NONE),  # attrition, ramp, leakage, queueing, cycle: capacity lost
        ("leads_", _N, _NONE),  # leads by source: more is not better in itself
        ("deals_won", _N, _UP),
        ("deals_lost_disqualified", _N, _NONE),  # falls with fewer leads: neither good nor bad
        ("deals_lost_", _N, _DOWN),  # leaked, lost at hand-off, at reassignment, to no decision (the buyer's)
        ("deals_lost", _N, _NONE),  # all reasons together, disqualified leads included
        ("deals_", _N, _NONE),  # deals_reassigned: a consequence of attrition, shown for its cause
        ("bookings", _N, _UP),  # also bookings_<source>, bookings_product_<p>, bookings_per_rep, bookings_per_head
        ("avg_deal_size", _N, _UP),
        ("cycle_time_days_", _N, _DOWN),
        ("first_touch_hours_", _N, _DOWN),
        ("stage_entries_", _N, _NONE),
        ("stage_wait_days_", _N, _DOWN),
        ("stage_leaked_", _N, _DOWN),
        ("reps_hired", _N, _NONE),
        ("reps_left", _N, _DOWN),
        ("ramped_fte_", _N, _NONE),
        ("opportunity_days_mean", _N, _NONE),  # what the coverage a quarter starts with follows
        ("opened_in_quarter_share", _P, _NONE),  # bookings opened within their quarter: no opening pipeline holds them
        ("opening_pipeline_won_share", _P, _NONE),  # the 3-5x rule takes it for a third
        ("pipeline_coverage", _N, _NONE),  # 3-5x is the rule: far above it, deals stall in the pipeline
        ("open_pipeline_", _N, _NONE),  # deals stuck in a queue raise it as much as a healthy funnel
        ("cost_", _N, _DOWN),
        ("cac", _N, _DOWN),
        ("sales_efficiency", _N, _UP),
        ("quota_attainment", _N, _UP),
        ("capacity_spreadsheet", _N, _NONE),
        ("plan_shortfall", _N, _DOWN),
        ("plan_target", _N, _NONE),
        ("forecast_mape_unscored", _N, _NONE),  # a count of periods (also ..._quarter)
        ("forecast_mape", _N, _DOWN),
        ("forecast_wape", _N, _DOWN),
        ("meetings_booked", _N, _UP),
        ("target_accounts_worked", _N, _NONE),
        ("target_accounts_used", _N, _NONE),
        ("prm_tool_cost", _N, _DOWN),
        ("partners_active", _N, _UP),
        ("partner_referrals", _N, _UP),
        ("partner_sourced_bookings", _N, _UP),
        ("partner_margin_cost", _N, _DOWN),
        ("renewals_won", _N, _UP),
        ("renewals_", _N, _NONE),  # renewals_due: the size of the book coming up
        ("churned_", _N, _DOWN),
        ("expansion_bookings", _N, _UP),
        ("expansion_share_of_new_arr", _P, _NONE),  # a published share, neither goal nor harm in itself
        ("customer_arr_per_rep_", _N, _NONE),  # the book each owner carries: a planning figure
        ("customer_arr", _N, _UP),
        ("expansions_won", _N, _UP),
        ("customers_active", _N, _UP),
        ("net_revenue_retention", _N, _UP),  # ARR kept plus expansion over ARR at the start
    )
)

_RANGES = {
    Kind.EVENT: (0.0, 1.0),
    Kind.PROPORTION: (0.0, 1.0),
    Kind.TIME_SHARE: (0.0, 1.0),
    Kind.NON_NEGATIVE: (0.0, math.inf),
    Kind.NON_POSITIVE: (-math.inf, 0.0),
    Kind.RATIO: (-1.0, math.inf),
    Kind.SIGNED: (-math.inf, math.inf),
}


def kpi_row(kpi: str) -> KpiRow | None:
    """The row of :data:`KPI_KINDS` that names ``kpi`` (the first whose prefix starts it), or None."""
    for row in KPI_KINDS:
        if kpi.startswith(row.prefix):
            return row
    return None


def named_kind(kpi: str) -> Kind | None:
    """The kind of ``kpi`` from :data:`KPI_KINDS`, or None when no row names it."""
    row = kpi_row(kpi)
    return row.kind if row else None


def direction(kpi: str) -> int:
    """+1 if a higher value of ``kpi`` is better, -1 if lower is better, 0 if neither (or unnamed)."""
    row = kpi_row(kpi)
    return int(row.good) if row else 0


def kpi_kind(kpi: str) -> Kind:
    """The kind of ``kpi``; ``signed`` (no restriction) when no row of :data:`KPI_KINDS` names it."""
    return named_kind(kpi) or Kind.SIGNED


_TRIALS_BY_PREFIX = (  # share prefix -> its denominator's, same suffix
    ("sla_breach_", "sla_visits_"),
    ("stage_conversion_", "stage_exits_"),
    ("overflow_share_", "overflow_visits_"),
    ("win_rate_product_", "opportunities_decided_product_"),
)
_TRIALS_BY_NAME = {
    "win_rate": ("opportunities_decided",),
    "no_decision_rate": ("opportunities_closed",),
    "lead_to_win_rate": ("deals_won", "deals_lost"),  # won over the leads that ended in the window
    "mql_to_sql_rate": ("mql_to_sql_exits",),
    "sql_to_opportunity_rate": ("sql_to_opportunity_exits",),
    "untouched_lead_share": ("touched_or_leaked_leads",),
    "reps_at_quota_share": ("reps_with_attainment",),
    "renewal_rate": ("renewals_due",),  # renewals_won / renewals_due
}


def trial_columns(kpi: str) -> tuple[str, ...]:
    """The KPI columns whose sum, run by run, is the denominator of the share ``kpi`` (its trials).

    Every share of a count has one. Empty for a share of money (gross revenue retention,
    expansion's share of new ARR), which has no count of trials, and for any other KPI.
    """
    for share, trials in _TRIALS_BY_PREFIX:
        if kpi.startswith(share):
            return (trials + kpi.removeprefix(share),)
    return _TRIALS_BY_NAME.get(kpi, ())


def value_range(kind: Kind) -> tuple[float, float]:
    """``(lowest, highest)`` value a quantity of this kind can take (infinite when unbounded)."""
    return _RANGES[kind]


def kpi_range(kpi: str) -> tuple[float, float]:
    """``(lowest, highest)`` value the mean of ``kpi`` can take, and so its interval."""
    return value_range(kpi_kind(kpi))


def is_share(kpi: str) -> bool:
    """True for KPIs whose values are shares in [0, 1] (``event``, ``proportion`` and ``time share`` kinds)."""
    return kpi_kind(kpi) in (Kind.EVENT, Kind.PROPORTION, Kind.TIME_SHARE)


def has_run_spread(kpi: str) -> bool:
    """False for an ``event`` KPI (0 or 1 in each run, such as ``hit_plan``): its P10 / P50 / P90 are 0 or 1.

    Shown as "a low, a typical and a high year", ``0.0% / 0.0% / 100.0%`` of "probability
    of hitting the plan" read as "a typical year has a 0% chance"; the share of years that
    hit the plan is its mean, shown with its interval. Tables and plots of single runs'
    spread leave such KPIs out, as they leave out ``share_better``.
    """
    return kpi_kind(kpi) is not Kind.EVENT


def has_relative_difference(kpi: str) -> bool:
    """True when a scenario's change of ``kpi`` can be read as a ratio of means (a % of the baseline).

    Only quantities that cannot be negative have one: for a signed amount (contribution
    going from +$100k to -$50k) or a relative bias, "% of the baseline" has no meaning.
    Nor has a probability (``hit_plan``): its change is read in points, and "+200% of a
    10% chance" would say less than "+20 points".
    """
    return kpi_kind(kpi) in (Kind.PROPORTION, Kind.TIME_SHARE, Kind.NON_NEGATIVE)
