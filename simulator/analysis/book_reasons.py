"""Why a customer book's figures read above their published ranges when the book itself is typical.

Two figures of the shipped company read above their published ranges for a reason that
lies in the book, not in a wrong input, and the words here say so beside them:

- **Expansion's share of new ARR** (published ~40%, over 50% only above $50M of ARR,
  Benchmarkit 2025). Over a window, net revenue retention at 100% or more means the
  expansions at least replace the churned ARR; when the new customers' bookings do not
  exceed the churned ARR either (a book that is not growing), expansion is at least as
  large as new business, so at least half of new ARR. The published ~40% is of growing
  companies, whose new customers outpace their churn.
- **Customer ARR per CSM** (published ~$1.7M with ~104 accounts per CSM, ClientSuccess,
  second-hand: ~$16k an account). A team carrying a typical number of accounts (half to
  twice the 104) reads above the ARR band when its accounts are larger than the survey's;
  its load in accounts, not the dollars, is what the published figure measures.

A figure above its range for another cause (a book growing faster, too many accounts per
CSM) gets no such words: the checks here must not hide it.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.formatting import format_money
from simulator.analysis.published_ranges import (
    ACCOUNTS_PER_CSM,
    ARR_PER_ACCOUNT_OWNER,
    ARR_PER_CSM,
    ARR_PER_CSM_ALLOWANCE,
    EXPANSION_SHARE_SMALLER_BOOK,
)
from simulator.analysis.tables import summary_row


def _mean(summary: pd.DataFrame, scenario: str, kpi: str) -> float:
    row = summary_row(summary, scenario, kpi)
    return float(row["mean"]) if row is not None else math.nan


def steady_book_words(summary: pd.DataFrame, scenario: str) -> str:
    """Why expansion is at least half of new ARR: NRR at 100% or more and new bookings not above churned ARR.

    Args:
        summary: The summary table (``bookings``, ``churned_arr`` in $ over the window;
            ``net_revenue_retention`` as a ratio over the window).
        scenario: The scenario.

    Returns:
        The words, or ``""`` when either condition fails or a figure is missing.
    """
    bookings, churned = _mean(summary, scenario, "bookings"), _mean(summary, scenario, "churned_arr")
    retention = _mean(summary, scenario, "net_revenue_retention")
    if not (math.isfinite(bookings) and math.isfinite(churned) and math.isfinite(retention)):
        return ""
    if retention < 1.0 or bookings > churned or churned <= 0.0:
        return ""
    return (
        f"new customers' {format_money(bookings)} of bookings do not outgrow the {format_money(churned)} of "
        f"churned ARR and net revenue retention is {retention:.1%}: in a book that is not growing, expansion is "
        "half of new ARR or more; the published ~40% is of growing companies"
    )


def account_size_words(summary: pd.DataFrame, scenario: str, team: str) -> str:
    """Why ``team``'s customer ARR per rep reads high: a typical number of accounts each, but larger accounts.

    Args:
        summary: The summary table (``customers_active``, ``customer_arr`` and
            ``customer_arr_per_rep_<team>``: the book at the window's end, $).
        scenario: The scenario.
        team: The team owning customer accounts.

    Returns:
        The words, or ``""`` when the team carries more or fewer accounts than half to
        twice the survey's ~104 (then the load itself is the cause), its accounts are no
        larger than the survey's, or a figure is missing.
    """
    accounts, book = _mean(summary, scenario, "customers_active"), _mean(summary, scenario, "customer_arr")
    per_rep = _mean(summary, scenario, f"{ARR_PER_ACCOUNT_OWNER}{team}")
    if not (math.isfinite(accounts) and math.isfinite(book) and math.isfinite(per_rep)) or accounts <= 0 or book <= 0:
        return ""
    per_account = book / accounts
    load = per_rep / per_account
    survey = ARR_PER_CSM / ACCOUNTS_PER_CSM
    typical = ACCOUNTS_PER_CSM / ARR_PER_CSM_ALLOWANCE <= load <= ACCOUNTS_PER_CSM * ARR_PER_CSM_ALLOWANCE
    if not typical or per_account <= survey:
        return ""
    return (
        f"{load:.0f} accounts per rep, near the survey's ~{ACCOUNTS_PER_CSM:.0f} per CSM, at "
        f"{format_money(per_account)} of ARR each, where the survey's ~{format_money(ARR_PER_CSM)} over "
        f"~{ACCOUNTS_PER_CSM:.0f} accounts is ~{format_money(survey)} an account: larger accounts, a typical load"
    )


def book_reasons(summary: pd.DataFrame, scenario: str) -> dict[str, str]:
    """KPI -> why ``scenario``'s figure reads above its range for a cause in the book (see the module)."""
    reasons = {}
    steady = steady_book_words(summary, scenario)
    if steady:
        reasons[EXPANSION_SHARE_SMALLER_BOOK] = steady
    owners = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(ARR_PER_ACCOUNT_OWNER)]
    for kpi in owners["kpi"]:
        words = account_size_words(summary, scenario, str(kpi).removeprefix(ARR_PER_ACCOUNT_OWNER))
        if words:
            reasons[ARR_PER_ACCOUNT_OWNER] = words
    return reasons
