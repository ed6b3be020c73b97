"""What kind of quantity each KPI is, and so which values its interval may take.

One table, :data:`KPI_KINDS`, maps every KPI (by name prefix, first match wins) to its
kind; the summary, the paired comparison, the sentences, the terminal table, the plots
and the range checks all read it through :func:`kpi_kind`, so a KPI is never a share in
one place and an amount in another. The kinds:

- ``event``: 0 or 1 in each run (``hit_plan``); its mean is a probability in [0, 1];
- ``proportion``: a share in [0, 1] in each run (win rate, conversion, utilisation,
  SLA breaches, reps at quota, renewal rate, overflow, gross revenue retention);
- ``non-negative``: counts, money that cannot be negative, days, hours and ratios of
  non-negative amounts (CAC, sales efficiency, attainment, net revenue retention, MAPE);
- ``ratio``: a ratio of two non-negative amounts minus one, a relative change, at
  least -100% (``forecast_bias``: forecast over actual, minus one);
- ``signed``: amounts that can take either sign (contribution, the capacity bridge's gaps).

A KPI no row names is ``signed`` (an unrestricted Student t interval), the safe default;
``tests/test_intervals.py`` checks that every KPI a shipped configuration produces is
named by a row, so a new KPI cannot fall through unnoticed.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Kind(StrEnum):
    """The kind of quantity a KPI is (see the module docstring)."""

    EVENT = "event"
    PROPORTION = "proportion"
    NON_NEGATIVE = "non-negative"
    RATIO = "ratio"
    SIGNED = "signed"


# (name prefix, kind): the first row whose prefix starts the KPI's name decides its kind.
KPI_KINDS: tuple[tuple[str, Kind], ...] = (
    ("hit_plan", Kind.EVENT),
    ("win_rate", Kind.PROPORTION),  # also win_rate_product_<p>
    ("lead_to_win_rate", Kind.PROPORTION),
    ("no_decision_rate", Kind.PROPORTION),  # closed opportunities that ended with no decision
    ("stage_conversion_", Kind.PROPORTION),
    ("sla_breach_", Kind.PROPORTION),
    ("reps_at_quota_share", Kind.PROPORTION),
    ("utilisation_", Kind.PROPORTION),
    ("renewal_rate", Kind.PROPORTION),
    ("overflow_share_", Kind.PROPORTION),
    ("gross_revenue_retention", Kind.PROPORTION),  # ARR kept (no expansion) over ARR at the start
    ("forecast_bias", Kind.RATIO),
    ("contribution", Kind.SIGNED),
    ("capacity_gap_", Kind.SIGNED),  # a cause can add to bookings as well as take away
    ("leads_", Kind.NON_NEGATIVE),
    ("deals_", Kind.NON_NEGATIVE),
    ("bookings", Kind.NON_NEGATIVE),  # also bookings_<source>, bookings_product_<p>, bookings_per_rep
    ("avg_deal_size", Kind.NON_NEGATIVE),
    ("cycle_time_days_", Kind.NON_NEGATIVE),
    ("first_touch_hours_", Kind.NON_NEGATIVE),
    ("stage_entries_", Kind.NON_NEGATIVE),
    ("stage_wait_days_", Kind.NON_NEGATIVE),
    ("stage_leaked_", Kind.NON_NEGATIVE),
    ("reps_hired", Kind.NON_NEGATIVE),
    ("reps_left", Kind.NON_NEGATIVE),
    ("ramped_fte_", Kind.NON_NEGATIVE),
    ("open_pipeline_", Kind.NON_NEGATIVE),
    ("cost_", Kind.NON_NEGATIVE),
    ("cac", Kind.NON_NEGATIVE),
    ("sales_efficiency", Kind.NON_NEGATIVE),
    ("quota_attainment", Kind.NON_NEGATIVE),
    ("capacity_spreadsheet", Kind.NON_NEGATIVE),
    ("plan_shortfall", Kind.NON_NEGATIVE),
    ("plan_target", Kind.NON_NEGATIVE),
    ("forecast_mape", Kind.NON_NEGATIVE),  # also forecast_mape_unscored (a count of periods)
    ("forecast_wape", Kind.NON_NEGATIVE),
    ("meetings_booked", Kind.NON_NEGATIVE),
    ("target_accounts_worked", Kind.NON_NEGATIVE),
    ("prm_tool_cost", Kind.NON_NEGATIVE),
    ("partners_active", Kind.NON_NEGATIVE),
    ("partner_referrals", Kind.NON_NEGATIVE),
    ("partner_sourced_bookings", Kind.NON_NEGATIVE),
    ("partner_margin_cost", Kind.NON_NEGATIVE),
    ("renewals_", Kind.NON_NEGATIVE),
    ("churned_", Kind.NON_NEGATIVE),
    ("expansion_bookings", Kind.NON_NEGATIVE),
    ("expansions_won", Kind.NON_NEGATIVE),
    ("customers_active", Kind.NON_NEGATIVE),
    ("net_revenue_retention", Kind.NON_NEGATIVE),  # ARR kept plus expansion over ARR at the start
)

_RANGES = {
    Kind.EVENT: (0.0, 1.0),
    Kind.PROPORTION: (0.0, 1.0),
    Kind.NON_NEGATIVE: (0.0, math.inf),
    Kind.RATIO: (-1.0, math.inf),
    Kind.SIGNED: (-math.inf, math.inf),
}


def named_kind(kpi: str) -> Kind | None:
    """The kind of ``kpi`` from :data:`KPI_KINDS`, or None when no row names it."""
    for prefix, kind in KPI_KINDS:
        if kpi.startswith(prefix):
            return kind
    return None


def kpi_kind(kpi: str) -> Kind:
    """The kind of ``kpi``; ``signed`` (no restriction) when no row of :data:`KPI_KINDS` names it."""
    return named_kind(kpi) or Kind.SIGNED


def value_range(kind: Kind) -> tuple[float, float]:
    """``(lowest, highest)`` value a quantity of this kind can take (infinite when unbounded)."""
    return _RANGES[kind]


def kpi_range(kpi: str) -> tuple[float, float]:
    """``(lowest, highest)`` value the mean of ``kpi`` can take, and so its interval."""
    return value_range(kpi_kind(kpi))


def is_share(kpi: str) -> bool:
    """True for KPIs whose values are shares in [0, 1] (``event`` and ``proportion`` kinds)."""
    return kpi_kind(kpi) in (Kind.EVENT, Kind.PROPORTION)


def has_relative_difference(kpi: str) -> bool:
    """True when a scenario's change of ``kpi`` can be read as a ratio of means (a % of the baseline).

    Only quantities that cannot be negative have one: for a signed amount (contribution
    going from +$100k to -$50k) or a relative bias, "% of the baseline" has no meaning.
    """
    return kpi_kind(kpi) in (Kind.EVENT, Kind.PROPORTION, Kind.NON_NEGATIVE)
