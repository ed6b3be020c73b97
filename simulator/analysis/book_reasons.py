"""Why a customer book's figures read above their published ranges when the book is what salesim ships.

Two figures of the shipped company read above their published ranges for a cause in the
book, not a wrong input, and the words here say so beside them:

- **Expansion's share of new ARR** (published ~40%, over 50% only above $50M of ARR,
  Benchmarkit 2025). Over a window, net revenue retention at 100% or more means the
  expansions at least replace the churned ARR; when the new customers' bookings are no
  more than the churned ARR (new customers only replace those lost, so the count of
  accounts holds steady; the book's ARR still grows with expansion), expansion is at
  least as large as new business, so at least half of new ARR. The published ~40% is of
  companies whose new customers outpace their churn.
- **Customer ARR per CSM** (published ~$1.7M with ~104 accounts per CSM, ClientSuccess,
  second-hand: ~$16k an account). A team carrying about the survey's number of accounts
  (within a quarter of 104) and not saturated (busy at most 85% of its time, the top of
  the planning range) reads above the ARR band when its accounts are larger than the
  survey's: its load in accounts, which the published figure stands for, is typical.

A figure above its range for another cause (new customers outpacing churn, a CSM team
carrying many more or fewer accounts, or saturated, small accounts) gets no such words:
the checks here must not hide it.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.formatting import format_money, format_percent
from simulator.analysis.kpi_names import UTILISATION_PREFIX
from simulator.analysis.published_ranges import (
    ACCOUNTS_PER_CSM,
    ARR_PER_ACCOUNT_OWNER,
    ARR_PER_CSM,
    EXPANSION_SHARE_SMALLER_BOOK,
    team_key,
)
from simulator.analysis.tables import summary_mean

NEAR_SURVEY_LOAD = 0.25
"""Accounts per rep within this share of the survey's ~104 count as its load (78 to 130)."""
SATURATED = 0.85
"""A team busier than this share of its time is not at a typical load (the top of the 70–85% planning range)."""


def steady_book_words(summary: pd.DataFrame, scenario: str) -> str:
    """Why expansion is at least half of new ARR: NRR at 100% or more and new bookings not above churned ARR.

    Args:
        summary: The summary table (``bookings``, ``churned_arr`` in $ over the window;
            ``net_revenue_retention`` as a ratio over the window).
        scenario: The scenario.

    Returns:
        The words, or ``""`` when either condition fails or a figure is missing. New bookings up to
        :data:`ABOUT_CHURN` above the churned ARR, with expansion bookings above them, are said too.
    """
    bookings, churned = summary_mean(summary, scenario, "bookings"), summary_mean(summary, scenario, "churned_arr")
    retention = summary_mean(summary, scenario, "net_revenue_retention")
    if not (math.isfinite(bookings) and math.isfinite(churned) and math.isfinite(retention)):
        return ""
    if retention < 1.0 or churned <= 0.0:
        return ""
    if bookings > churned:
        return _about_churn_words(summary, scenario, bookings, churned, retention)
    return (
        f"new customers' {format_money(bookings)} of bookings are no more than the {format_money(churned)} of "
        f"churned ARR, and with net revenue retention at {retention:.1%} expansion more than replaces the churn, "
        "so it is at least as large as new business: half of new ARR or more; the published ~40% is of "
        "companies whose new customers outpace their churn"
    )


ABOUT_CHURN = 0.10
"""New customers' bookings at most this share above the churned ARR only about replace it (ramp_and_coaching: 0.2%)."""


def _about_churn_words(summary: pd.DataFrame, scenario: str, bookings: float, churned: float, retention: float) -> str:
    """Why expansion outweighs new business when new customers book a little more than the churn takes.

    ramp_and_coaching's today booked $3.968M of new customers against $3.96M of churned ARR: the
    share read 57.4%, "above" with no cause, where the default company's $3.58M against $3.87M had one.
    Said only where the runs' expansion bookings do outweigh the new customers' ($5.29M against $3.97M).
    """
    expansion = summary_mean(summary, scenario, "expansion_bookings")
    if not (math.isfinite(expansion) and expansion >= bookings and bookings <= churned * (1.0 + ABOUT_CHURN)):
        return ""
    return (
        f"new customers' {format_money(bookings)} of bookings about replace the {format_money(churned)} of churned "
        f"ARR ({bookings / churned - 1.0:.1%} more), and with net revenue retention at {retention:.1%} expansion "
        f"more than replaces the churn: the {format_money(expansion)} of expansion bookings outweigh new business, "
        "half of new ARR or more; the published ~40% is of companies whose new customers outpace their churn"
    )


def accounts_per_rep(summary: pd.DataFrame, scenario: str, team: str) -> float:
    """Customers active at the window's end over ``team``'s mean headcount (NaN when a figure is missing).

    ``customer_arr_per_rep_<team>`` over the book's ARR per account: the same headcount.
    """
    accounts, book = (
        summary_mean(summary, scenario, "customers_active"),
        summary_mean(summary, scenario, "customer_arr"),
    )
    per_rep = summary_mean(summary, scenario, f"{ARR_PER_ACCOUNT_OWNER}{team}")
    if not (math.isfinite(accounts) and math.isfinite(book) and math.isfinite(per_rep)) or accounts <= 0 or book <= 0:
        return math.nan
    return per_rep / (book / accounts)


def account_size_words(summary: pd.DataFrame, scenario: str, team: str) -> str:
    """Why ``team``'s customer ARR per rep reads high: a typical number of accounts each, but larger accounts.

    Args:
        summary: The summary table (``customers_active``, ``customer_arr`` and
            ``customer_arr_per_rep_<team>``: the book at the window's end, $).
        scenario: The scenario.
        team: The team owning customer accounts.

    Returns:
        The words, or ``""`` when the team carries more or fewer accounts than within a
        quarter of the survey's ~104, is busier than 85% of its time (``utilisation_<team>``;
        then the load itself is the cause), its accounts are no larger than the survey's,
        or a figure is missing.
    """
    load = accounts_per_rep(summary, scenario, team)
    busy = summary_mean(summary, scenario, f"{UTILISATION_PREFIX}{team}")
    if not math.isfinite(load):
        return ""
    per_account = summary_mean(summary, scenario, "customer_arr") / summary_mean(summary, scenario, "customers_active")
    survey = ARR_PER_CSM / ACCOUNTS_PER_CSM
    if abs(load / ACCOUNTS_PER_CSM - 1.0) > NEAR_SURVEY_LOAD or not busy <= SATURATED or per_account <= survey:
        return ""
    shown = format_percent(busy, signed=False)  # as the team's busy share reads beside it
    return (
        f"{load:,.0f} accounts per rep, near the survey's ~{ACCOUNTS_PER_CSM:.0f} per CSM, and busy {shown} of "
        f"its selling time, at {format_money(per_account)} of ARR an account where the survey's "
        f"~{format_money(ARR_PER_CSM)} over ~{ACCOUNTS_PER_CSM:.0f} accounts is ~{format_money(survey)}: larger "
        "accounts at a typical load"
    )


def book_reasons(summary: pd.DataFrame, scenario: str) -> dict[str, str]:
    """KPI (``kpi:team`` for a team's figure) -> why ``scenario``'s figure reads above its range, for a book's cause."""
    reasons = {}
    steady = steady_book_words(summary, scenario)
    if steady:
        reasons[EXPANSION_SHARE_SMALLER_BOOK] = steady
    owners = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(ARR_PER_ACCOUNT_OWNER)]
    for kpi in owners["kpi"]:
        team = str(kpi).removeprefix(ARR_PER_ACCOUNT_OWNER)
        words = account_size_words(summary, scenario, team)
        if words:
            reasons[team_key(ARR_PER_ACCOUNT_OWNER, team)] = words
    return reasons
