"""Numbers and KPI names in words a sales leader reads: ``$1.23M``, ``23.4%``, ``Median sales cycle``.

The KPI vocabulary shared by the terminal table, ``report.md`` and the figures: which
KPIs are headline, their plain-words labels, their unit family (money, rate, days,
hours, count) and how a value or a difference of each is written. Nothing here knows
about an experiment; every function takes a KPI name and a number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.analysis.wording import sentence_start, team_label, words

if TYPE_CHECKING:
    import pandas as pd

# ---------------------------------------------------------------------------- KPI vocabulary

HEADLINE_KPIS = (
    "bookings",
    "deals_won",
    "win_rate",
    "cycle_time_days_p50",
    "first_touch_hours_mean",
    "deals_lost_leaked",
)
LOST_REASONS = ("disqualified", "leaked", "handoff", "reassignment", "no_decision")
"""Why a lead or deal was lost (``deals_lost_<reason>``): never shown as one total beside deals won."""
LOST_KPIS = tuple(f"deals_lost_{reason}" for reason in LOST_REASONS)
SUPPORTING_KPIS = ("leads_total", *LOST_KPIS, "lead_to_win_rate", "avg_deal_size", "open_pipeline_value")
# the other pipelines' headline figures, reported when present
PIPELINE_KPIS = (
    "meetings_booked",
    "partner_sourced_bookings",
    "partners_active",
    "renewals_due",
    "churned_accounts",
    "churned_arr",
    "expansion_bookings",
    "gross_revenue_retention",
    "net_revenue_retention",
)
UTILISATION_PREFIX = "utilisation_"
PIPELINE_SUFFIXES = ("_sales", "_prospecting", "_partner", "_renewal", "_expansion")


def team_utilisation_kpis(kpis: list[str]) -> list[str]:
    """The ``utilisation_<team>`` KPIs, without the per-pipeline ``utilisation_<team>_<pipeline>`` ones."""
    names = set(kpis)
    return [
        k
        for k in kpis
        if k.startswith(UTILISATION_PREFIX)
        and not any(k.endswith(x) and k.removesuffix(x) in names for x in PIPELINE_SUFFIXES)
    ]


STAGE_LEAKED_PREFIX = "stage_leaked_"
UTILISATION_CEILING = 0.85  # BENCHMARKS.md: plan with 70-85% utilisation of selling time
UTILISATION_FLOOR = 0.70

KPI_LABELS = {
    "bookings": "Bookings",
    "deals_won": "Deals won",
    "deals_lost": "Lost leads and deals, all reasons (disqualified leads included)",
    "deals_lost_disqualified": "Lost: disqualified (did not convert at a stage)",
    "deals_lost_leaked": "Lost: leaked (untouched past the wait limit)",
    "deals_lost_handoff": "Lost: at a hand-off",
    "deals_lost_reassignment": "Lost: when the owner left",
    "deals_lost_no_decision": "Lost: no decision",
    "deals_reassigned": "Deals re-dealt after a rep left",
    "win_rate": "Win rate",
    "lead_to_win_rate": "Lead-to-win rate (won of the leads that ended in the window)",
    "mql_to_sql_rate": "MQL to SQL (conversion at the first stage)",
    "sql_to_opportunity_rate": "SQL to opportunity (conversion at the second stage)",
    "avg_deal_size": "Average deal size",
    "leads_total": "Leads",
    "cycle_time_days_mean": "Mean sales cycle",
    "cycle_time_days_p50": "Median sales cycle",
    "cycle_time_days_p90": "Sales cycle, slowest 10%",
    "first_touch_hours_mean": "Mean time to first touch",
    "first_touch_hours_p90": "Time to first touch, slowest 10%",
    "open_pipeline_count": "Open deals at the end",
    "open_pipeline_value": "Open pipeline value at the end",
    "cost_of_sales": "Cost of sales",
    "cost_people_fixed": "Cost of people (fixed pay and on-costs)",
    "cost_commission": "Commission (new and expansion bookings)",
    "cost_commission_expansion": "Commission on expansions (in the cost of serving customers)",
    "cost_tools": "Tool seats",
    "cost_partner_fees": "Partner fees",
    "cost_hiring": "Hiring (recruiting and onboarding the reps who join)",
    "cost_marketing": "Cost of leads (marketing)",
    "cost_retention": "Cost of serving customers (time on renewals and expansions, expansion commission)",
    "cac": "Customer acquisition cost (winning new customers, leads included, per customer won)",
    "sales_efficiency": "Sales efficiency (new ARR per $ of sales and marketing on new customers)",
    "contribution": "Contribution (new bookings - the cost of winning them, leads included)",
    "bookings_per_rep": "Bookings per closing rep (SDRs not counted)",  # quota carriers; no quota: teams credited
    "bookings_per_head": "Bookings per head on new business",  # SDRs and partner managers in; CSMs out by their time
    "quota_attainment_p50": "Median quota attainment of a run's reps",  # each run's median, averaged over runs
    "reps_at_quota_share": "Reps at quota",
    "hit_plan": "Probability of hitting the plan",
    "plan_shortfall": "Shortfall against the plan",
    "forecast_mape": "Forecast error, next month (MAPE)",
    "forecast_bias": "Forecast bias, next month",
    "forecast_mape_quarter": "Forecast error, next quarter (MAPE)",
    "forecast_bias_quarter": "Forecast bias, next quarter",
    "forecast_wape": "Forecast error, next month (WAPE)",
    "forecast_wape_quarter": "Forecast error, next quarter (WAPE)",
    "forecast_mape_unscored": "Month ends MAPE could not score (nothing booked)",
    "forecast_mape_unscored_quarter": "Month ends MAPE could not score, next quarter (nothing booked)",
    "capacity_spreadsheet": "Capacity plan (seats x quota x attainment)",
    "meetings_booked": "Meetings booked",
    "partner_sourced_bookings": "Partner-sourced bookings",
    "partners_active": "Active partners at the end",
    "renewals_due": "Renewals due",
    "churned_accounts": "Churned accounts",
    "churned_arr": "Churned ARR",
    "expansion_bookings": "Expansion bookings",
    "customer_arr": "Customer ARR at the end",
    "expansion_share_of_new_arr": "Expansion share of new ARR",
    "gross_revenue_retention": "Gross revenue retention",
    "net_revenue_retention": "Net revenue retention",
}
# money and rate KPIs of the pipelines beside new business (see kpi_unit)
PIPELINE_MONEY = (
    "churned_arr",
    "expansion_bookings",
    "partner_sourced_bookings",
    "partner_margin_cost",
    "prm_tool_cost",
)
PIPELINE_RATES = ("gross_revenue_retention", "net_revenue_retention", "expansion_share_of_new_arr")
PIPELINE_WORK = {
    "sales": "new-business deals",
    "prospecting": "prospecting (fills idle time)",
    "partner": "partner work (fills idle time)",
    "renewal": "renewals",
    "expansion": "expansions",
}
"""What a team does in each pipeline, for ``utilisation_<team>_<pipeline>``."""
_PREFIX_LABELS = (
    ("first_touch_hours_mean_", "Mean time to first touch by the {} team"),
    ("utilisation_", "Utilisation of {}"),
    ("stage_entries_", "Leads entering {}"),
    ("stage_conversion_", "Conversion at {}"),
    ("stage_wait_days_", "Wait before work at {}"),
    ("stage_leaked_", "Leads leaked at {}"),
    ("leads_", "Leads from {}"),
    ("sla_breach_", "SLA breaches at {}"),
    ("hit_plan_", "Probability of hitting the plan in {}"),
    ("capacity_gap_", "Capacity lost to {}"),
    ("customer_arr_per_rep_", "Customer ARR per rep of the {} team"),
)
MONEY_KPI_PREFIXES = ("cac", "contribution", "plan_shortfall", "plan_target", "capacity_", "customer_arr")
RATE_KPI_PREFIXES = (
    "quota_attainment",
    "reps_at_quota",
    "hit_plan",
    "forecast_mape",
    "forecast_wape",
    "forecast_bias",
    "sla_breach",
)
COUNT_KPI_PREFIXES = ("forecast_mape_unscored",)  # counts whose names start like a rate's
UNIT_WORDS = {"money": "$", "rate": "%", "days": "working days", "hours": "hours", "count": ""}


# ---------------------------------------------------------------------------- labels and units


def kpi_unit(kpi: str) -> str:
    """Return the unit family of a KPI: ``money``, ``rate``, ``days``, ``hours`` or ``count``."""
    if kpi in ("bookings", "avg_deal_size", "open_pipeline_value") or kpi.startswith(("cost", "bookings")):
        return "money"
    if kpi.startswith(MONEY_KPI_PREFIXES):
        return "money"
    if kpi.startswith(COUNT_KPI_PREFIXES):
        return "count"
    if kpi.startswith(RATE_KPI_PREFIXES):
        return "rate"
    if kpi in PIPELINE_MONEY:
        return "money"
    if kpi.endswith("_rate") or kpi.startswith(("stage_conversion_", UTILISATION_PREFIX)) or kpi in PIPELINE_RATES:
        return "rate"
    if "_days" in kpi:
        return "days"
    if "_hours" in kpi:
        return "hours"
    return "count"


def _utilisation_label(name: str) -> str:
    """``full_cycle_prospecting`` -> ``Utilisation of full cycle: prospecting (fills idle time)``."""
    for pipeline, work in PIPELINE_WORK.items():
        if name.endswith(f"_{pipeline}"):
            return f"Utilisation of {team_label(name.removesuffix(f'_{pipeline}'))}: {work}"
    return f"Utilisation of {team_label(name)}, all selling time"


def kpi_label(kpi: str) -> str:
    """Return a plain-words name for a KPI (``cycle_time_days_p50`` -> ``Median sales cycle``)."""
    if kpi in KPI_LABELS:
        return KPI_LABELS[kpi]
    if kpi.startswith(UTILISATION_PREFIX):
        return _utilisation_label(kpi.removeprefix(UTILISATION_PREFIX))
    quarter = re.fullmatch(r"hit_plan_(y\d+|\d{4})_(q[1-4])", kpi)
    if quarter:  # the calendar's own label: Y2-Q1, 2028-Q1
        return f"Probability of hitting the plan in {quarter.group(1).upper()}-{quarter.group(2).upper()}"
    for prefix, template in _PREFIX_LABELS:
        if kpi.startswith(prefix):
            return template.format(words(kpi.removeprefix(prefix)))
    return sentence_start(words(kpi))


SENTENCE_WORDS = {
    "deals_lost": "lost leads and deals (all reasons)",
    "deals_lost_disqualified": "disqualified leads",
    "deals_lost_leaked": "leaked leads",
    "deals_lost_handoff": "deals lost at hand-offs",
    "deals_lost_reassignment": "deals lost when their owner left",
    "deals_lost_no_decision": "deals lost to no decision",
    "hit_plan": "the chance of hitting the plan",
}
"""KPIs whose table label does not read well inside a sentence."""


_PLURAL_HEADS = frozenset(
    {"bookings", "renewals", "accounts", "leads", "deals", "partners", "meetings", "customers", "reps", "hires"}
)


def kpi_verb(kpi: str) -> str:
    """``is`` or ``are`` for a KPI's name in a sentence: "renewals due are", "cost of sales is"."""
    words = kpi_words(kpi)
    if " of " in words:  # "cost of sales", "share of reps": the head comes first
        return "is"
    return "are" if _PLURAL_HEADS & set(words.replace("-", " ").split()) else "is"


def kpi_words(kpi: str) -> str:
    """A KPI's name inside a sentence (``churned ARR``, ``contribution``, ``leaked leads``).

    Its label without the explanation in brackets, with a small first letter unless it is a code.
    """
    if kpi in SENTENCE_WORDS:
        return SENTENCE_WORDS[kpi]
    label = kpi_label(kpi)
    if label.endswith(")") and " (" in label:
        label = label[: label.rindex(" (")]
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def kpi_axis_label(kpi: str) -> str:
    """Return a KPI's name with its unit in brackets, for an axis or a table row."""
    unit = UNIT_WORDS[kpi_unit(kpi)]
    return f"{kpi_label(kpi)} ({unit})" if unit else kpi_label(kpi)


def kpi_difference_label(kpi: str) -> str:
    """Return a KPI's name with the unit of its differences: a rate's differ in percentage points."""
    if kpi_unit(kpi) == "rate":
        return f"{kpi_label(kpi)} (percentage points)"
    return kpi_axis_label(kpi)


def format_money(value: float, signed: bool = False, extra_digits: int = 0) -> str:
    """Format an amount of money compactly: ``$1.23M``, ``$45.6k``, ``$950`` (``extra_digits`` more decimals)."""
    if not math.isfinite(value):
        return "n/a"
    if round(value) == 0:
        value = 0.0
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    size = abs(value)
    # the unit is chosen on the rounded figure: $999,999 is $1.00M, not $1000.0k
    more = extra_digits
    if round(size / 1e6, 2) >= 1e3:
        body = f"{size / 1e9:.{2 + more}f}B"
    elif round(size / 1e3, 1) >= 1e3:
        body = f"{size / 1e6:.{2 + more}f}M"
    elif round(size) >= 1e3:
        body = f"{size / 1e3:.{1 + more}f}k"
    else:
        body = f"{size:.{more}f}"
    return f"{sign}${body}"


TWO_DECIMAL_KPIS = ("sales_efficiency",)  # $ of new ARR per $ of sales and marketing: 0.95 and 1.04 differ


def format_value(kpi: str, value: float, signed: bool = False, extra_digits: int = 0) -> str:
    """Format one value of a KPI for a table; rates as %, days and hours with 1 decimal.

    Args:
        kpi: Name of the KPI (decides the unit).
        value: The value.
        signed: Show a ``+`` on positive values and rates as percentage points
            (for differences).
        extra_digits: Decimals to show beyond the usual ones (to tell two close values apart).
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    unit = kpi_unit(kpi)
    if unit == "money":
        return format_money(value, signed, extra_digits)
    if unit == "rate" and signed:
        points = _no_negative_zero(value * 100, 1 + extra_digits)
        return f"{points:{'+' if points else ''}.{1 + extra_digits}f} pts"
    if unit == "rate":
        return f"{value:.{1 + extra_digits}%}"
    decimals = 1 if unit in ("days", "hours") or abs(value) < 100 else 0
    if kpi in TWO_DECIMAL_KPIS:
        decimals = 2
    decimals += extra_digits
    shown = _no_negative_zero(value, decimals)
    return f"{shown:{'+' if signed and shown else ''},.{decimals}f}"


def _no_negative_zero(value: float, decimals: int) -> float:
    """Return 0.0 for values that round to zero, so a table never shows ``-0.0`` or ``+0.0``."""
    return 0.0 if round(value, decimals) == 0 else value


def format_amount(kpi: str, value: float) -> str:
    """Format a size of difference for a sentence, with its unit (``3.4 days``, ``2.1 points``)."""
    unit = kpi_unit(kpi)
    size = abs(value)
    if unit == "money":
        return format_money(size)
    if unit == "rate":
        return f"{size * 100:.1f} points"
    if unit == "days":
        return f"{size:.1f} working days"
    if unit == "hours":
        return f"{size:.1f} hours"
    return f"{size:,.1f}" if size < 100 else f"{size:,.0f}"


def format_signed_amount(kpi: str, value: float) -> str:
    """Format a difference for a sentence with its sign and unit (``+3.4 working days``); no sign on zero."""
    text = format_amount(kpi, value)
    if text == format_amount(kpi, 0.0):
        return text
    return f"{'+' if value > 0 else '-'}{text}"


def _reads_zero(text: str) -> bool:
    return not any(c in "123456789" for c in text)


def _clear_of_zero(low: float, high: float, bounds: Callable[[int], tuple[str, str]]) -> tuple[str, str]:
    """The interval's bounds with the decimals (up to 3 more) that keep an interval clear of zero from reading 0.

    A clear difference whose CI reads ``0.0 to +1.6 points`` looks as if it included zero:
    one more decimal shows ``+0.04 to +1.62 points``.
    """
    shown = bounds(0)
    if low > 0 or high < 0:
        for extra in range(1, 4):
            if not any(_reads_zero(b) for b in shown):
                break
            shown = bounds(extra)
    return shown


def format_signed_range(kpi: str, low: float, high: float) -> str:
    """Format an interval of a difference for a sentence, the unit written once (``-4.0 to -3.8 working days``).

    A bound of an interval that excludes zero never reads as zero (see :func:`_clear_of_zero`).
    """
    unit = kpi_unit(kpi)
    if unit == "money":
        money = _clear_of_zero(
            low, high, lambda e: (format_money(low, signed=True, extra_digits=e), format_money(high, True, e))
        )
        return f"{money[0]} to {money[1]}"
    words = {"rate": " points", "days": " working days", "hours": " hours"}.get(unit, "")
    scale = 100.0 if unit == "rate" else 1.0
    decimals = 1 if unit != "count" or max(abs(low), abs(high)) < 100 else 0

    def bounds(extra: int) -> tuple[str, str]:
        texts = []
        for value in (low, high):
            shown = _no_negative_zero(value * scale, decimals + extra)
            texts.append(f"{shown:{'+' if shown else ''},.{decimals + extra}f}")
        return texts[0], texts[1]

    first, last = _clear_of_zero(low, high, bounds)
    return f"{first} to {last}{words}"


def signed_bounds(kpi: str, low: float, high: float) -> tuple[str, str]:
    """The bounds of an interval of a difference, signed, clear of zero when it is (``-9.4``, ``-0.03``)."""
    return _clear_of_zero(low, high, lambda e: (format_value(kpi, low, True, e), format_value(kpi, high, True, e)))


def format_signed_interval(kpi: str, low: float, high: float) -> str:
    """An interval of a difference as a table cell writes it (``+1.2 pts to +3.4 pts``), clear of zero when it is."""
    first, last = signed_bounds(kpi, low, high)
    return f"{first} to {last}"


def format_percent(value: float, signed: bool = True, decimals: int = 1) -> str:
    """Format a share as a percentage with ``decimals`` decimals (``+8.1%``); never ``-0.0%``."""
    if not math.isfinite(value):
        return "n/a"
    value = _no_negative_zero(value * 100, decimals) / 100
    sign = "+" if signed and value else ""
    return f"{value:{sign}.{decimals}%}"


def format_percent_range(low: float, high: float) -> tuple[str, str]:
    """An interval of relative changes (``+3.0%``, ``+45.0%``), clear of zero when it is (``-0.23%``, ``-0.01%``)."""
    return _clear_of_zero(
        low, high, lambda e: (format_percent(low, decimals=1 + e), format_percent(high, decimals=1 + e))
    )


def digits_apart(kpi: str, first: float, second: float, most: int = 3) -> int:
    """The extra decimals (0 to ``most``) that show two different values of ``kpi`` differently.

    ``$2.97M`` and ``$2.97M`` for $2,968k and $2,973k read as no change: one more decimal
    shows ``$2.968M`` and ``$2.973M``. Equal values, or values apart only beyond ``most``
    decimals, give 0.
    """
    if first == second or not (math.isfinite(first) and math.isfinite(second)):
        return 0
    for extra in range(most + 1):
        if format_value(kpi, first, extra_digits=extra) != format_value(kpi, second, extra_digits=extra):
            return extra
    return 0


def format_mean_ci(row: pd.Series | None, kpi: str, words: bool = True, extra_digits: int = 0) -> str:
    """A summary row's mean with its 95% CI: ``mean (low to high)`` for reports, ``mean [low, high]`` for terminals.

    A missing row or mean reads ``-`` (reports) or ``n/a`` (terminals); a mean without an
    interval (one run) reads as the mean alone. ``extra_digits``: as :func:`format_value`.
    """
    if row is None or not math.isfinite(float(row["mean"])):
        return "-" if words else "n/a"
    mean = format_value(kpi, float(row["mean"]), extra_digits=extra_digits)
    if not math.isfinite(float(row["ci_low"])):
        return mean
    low = format_value(kpi, float(row["ci_low"]), extra_digits=extra_digits)
    high = format_value(kpi, float(row["ci_high"]), extra_digits=extra_digits)
    return f"{mean} ({low} to {high})" if words else f"{mean} [{low}, {high}]"


TIES_SHOWN = 0.05
"""Paired runs with equal values (ties) are named once they are at least this share."""


def ties_words(row: pd.Series) -> str | None:
    """``equal in 70%`` of the paired runs, when that many tie (a yes/no or count KPI); else None.

    ``row`` is a comparison row with ``share_better`` and ``share_worse`` (runs better and
    worse than the baseline's); rows without ``share_worse`` (older tables) give None.
    """
    better, worse = float(row.get("share_better", math.nan)), float(row.get("share_worse", math.nan))
    ties = 1.0 - better - worse
    if not math.isfinite(ties) or ties < TIES_SHOWN:
        return None
    return f"equal in {format_share(ties)}"


def format_share(share: float) -> str:
    """A share of paired runs: ``26.5%``, ``4%`` (one decimal where the runs need it, so shares add up).

    ``26%`` and ``4%`` beside a difference of 23 points read as arithmetic gone wrong when
    the runs were 26.5% and 3.5%; with up to a thousand runs one decimal is exact.
    """
    if not math.isfinite(share):
        return "n/a"
    tenths = round(share * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"
