"""KPI names in words a sales leader reads: ``Median sales cycle``, ``bookings``, the unit of each.

The KPI vocabulary shared by the terminal table, ``report.md`` and the figures: which
KPIs are headline, their plain-words labels and sentence words, and their unit family
(money, rate, days, hours, count). How a value of each is written is in
:mod:`simulator.analysis.formatting`. Nothing here knows about an experiment.
"""

from __future__ import annotations

import re

from simulator.analysis.quantities import Kind, is_share, kpi_kind
from simulator.analysis.wording import sentence_start, team_label, words

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
POOLED_ATTAINMENT = "quota_attainment_pooled_p50"
"""The median attainment of every counted rep of every run of a scenario, as a summary row (not a run's KPI)."""
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
    "deals_lost": "Lost leads and deals, all reasons (those not converting at a stage included)",
    "deals_lost_disqualified": "Lost: did not convert at a stage (disqualified, or a deal lost)",
    "deals_lost_leaked": "Lost: leaked (waited for a rep past the wait limit, at any stage)",
    "deals_lost_handoff": "Lost: at a hand-off",
    "deals_lost_reassignment": "Lost: when the owner left",
    "deals_lost_no_decision": "Lost: no decision",
    "deals_reassigned": "Deals re-dealt after a rep left",
    "win_rate": "Win rate",
    "opportunities_decided": "Opportunities won or lost in the window (what the win rate is a share of)",
    "opportunities_closed": "Opportunities closed in the window, no decisions in (what the no-decision rate is of)",
    "lead_to_win_rate": "Lead-to-win rate (won of the leads that ended in the window)",
    "mql_to_sql_rate": "MQL to SQL (conversion at the first stage)",
    "sql_to_opportunity_rate": "SQL to opportunity (conversion at the second stage)",
    "mql_to_sql_exits": "Leads passed on or lost at the first stage (what MQL to SQL is a share of)",
    "sql_to_opportunity_exits": "Leads passed on or lost at the second stage (what SQL to opportunity is a share of)",
    "avg_deal_size": "Average deal size",
    "leads_total": "Leads",
    "cycle_time_days_mean": "Mean sales cycle",
    "cycle_time_days_p50": "Median sales cycle",
    "cycle_time_days_p90": "Sales cycle, slowest 10%",
    "first_touch_hours_mean": "Mean time to first touch",
    "first_touch_hours_p90": "Time to first touch, slowest 10%",
    "untouched_lead_share": "New leads never touched (leaked before a first touch)",
    "touched_or_leaked_leads": "Leads first touched or leaked untouched in the window (what the untouched share is of)",
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
    # per deal won and new bookings: a one-off seller's deals are not each a new customer, nor its bookings ARR
    "cac": "Customer acquisition cost (winning new business, leads included, per new deal won)",
    "sales_efficiency": "Sales efficiency (new bookings per $ of sales and marketing on new business)",
    "contribution": "Contribution (new bookings - the cost of winning them, leads included)",
    # quota carriers; no quota: teams credited. "(SDRs not counted)" had read so beside partner_channel's full-cycle
    # reps, where no SDR is, and beside solution_engineers' 2 SEs, who are not counted either
    "bookings_per_rep": "Bookings per closing rep (quota carriers only)",
    "bookings_per_head": "Bookings per head on new business",  # SDRs and partner managers in; CSMs out by their time
    "quota_attainment_p50": "Median quota attainment of a run's reps",  # each run's median, averaged over runs
    "reps_at_quota_share": "Reps at quota",
    "reps_with_attainment": "Reps with a quota attainment (what the share at quota is of)",
    "hit_plan": "Probability of hitting the plan",
    "plan_shortfall": "Shortfall against the plan",
    "pipeline_coverage": "Pipeline coverage (open opportunities at a quarter's start over its plan, ×)",
    "opportunity_days_mean": "Opportunity open time, mean (from opportunity to won, lost or no decision)",
    "opened_in_quarter_share": "Bookings opened as opportunities within the quarter that won them",
    "opening_pipeline_won_share": "Pipeline open at a quarter's start won within the quarter (by value)",
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
    ("stage_exits_", "Leads passed on or lost at {} in the window (what its conversion is a share of)"),
    ("stage_wait_days_", "Wait before work at {}"),
    ("stage_leaked_", "Leads leaked at {}"),
    ("leads_", "Leads from {}"),
    ("sla_breach_", "SLA breaches at {}"),
    ("sla_visits_", "Leads at {} whose SLA fell due in the window (what its SLA breaches are a share of)"),
    ("overflow_visits_", "Stage visits routed to the {} team in the window (what its overflow share is of)"),
    ("opportunities_decided_product_", "Opportunities of {} won or lost in the window (what its win rate is of)"),
    ("hit_plan_", "Probability of hitting the plan in {}"),
    ("capacity_gap_", "Capacity lost to {}"),
    ("customer_arr_per_rep_", "Customer ARR per rep of the {} team"),
)
MONEY_KPI_PREFIXES = ("cac", "contribution", "plan_shortfall", "plan_target", "capacity_", "customer_arr")
RATE_KPI_PREFIXES = (
    "quota_attainment",
    "reps_at_quota",
    "untouched_lead_share",
    "hit_plan",
    "forecast_mape",
    "forecast_wape",
    "forecast_bias",
    "sla_breach",
)
COUNT_KPI_PREFIXES = ("forecast_mape_unscored",)  # counts whose names start like a rate's
UNIT_WORDS = {"money": "$", "rate": "%", "days": "working days", "hours": "hours of working days", "count": ""}
"""A unit family's words in a label. The model's clock runs on working days only (docs/MODEL.md, Time and effort): an
hour is a 24th of a working day, so a lead that came in on a Friday evening and was touched on Monday morning
waited a few hours, not 60; a mean in clock hours, weekends and holidays included, is about 365/250 times it."""


# ---------------------------------------------------------------------------- labels and units


def kpi_unit(kpi: str) -> str:
    """Return the unit family of a KPI: ``money``, ``rate``, ``days``, ``hours`` or ``count``."""
    if kpi in ("bookings", "avg_deal_size", "open_pipeline_value") or kpi.startswith(("cost", "bookings")):
        return "money"
    if kpi.startswith(MONEY_KPI_PREFIXES):
        return "money"
    if kpi.startswith(COUNT_KPI_PREFIXES):
        return "count"
    if kpi.startswith(RATE_KPI_PREFIXES) or is_share(kpi):  # every share of quantities.KPI_KINDS is a rate
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
    quarter = re.fullmatch(r"(hit_plan|plan_target)_(y\d+|\d{4})_(q[1-4])", kpi)
    if quarter:  # the calendar's own label: Y2-Q1, 2028-Q1
        label = f"{quarter.group(2).upper()}-{quarter.group(3).upper()}"
        if quarter.group(1) == "plan_target":
            return f"Plan for {label}'s part of the window"
        return f"Probability of hitting the plan in {label}"
    for prefix, template in _PREFIX_LABELS:
        if kpi.startswith(prefix):
            return template.format(words(kpi.removeprefix(prefix)))
    return sentence_start(words(kpi))


SENTENCE_WORDS = {
    "deals_lost": "lost leads and deals (all reasons)",
    "deals_lost_disqualified": "leads and deals not converting at a stage",
    "deals_lost_leaked": "leaked leads",
    # most hand-offs pass a qualified lead to the AE before the opportunity stage (handoff_quality's 35 a year all
    # do): "deals lost at hand-offs" had called them deals, where the report's outcomes call them leads until then
    "deals_lost_handoff": "leads and deals lost at hand-offs",
    "deals_lost_reassignment": "deals lost when their owner left",
    "deals_lost_no_decision": "deals lost to no decision",
    "hit_plan": "the chance of hitting the plan",
    "untouched_lead_share": "the share of new leads never touched",
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


NOT_WHOLE_COUNTS = ("ramped_fte_", "pipeline_coverage", "sales_efficiency")
"""KPIs without a money, rate or time unit that are not counts of whole things: FTEs, ratios."""


def is_count(kpi: str) -> bool:
    """Whether ``kpi`` counts whole things in a run (deals, leads, leavers, hires): a count's unit and kind."""
    return kpi_unit(kpi) == "count" and kpi_kind(kpi) is Kind.NON_NEGATIVE and not kpi.startswith(NOT_WHOLE_COUNTS)


def reads_in_points(kpi: str) -> bool:
    """Whether a change of ``kpi`` is read in percentage points: a rate (a share, a retention, an attainment).

    Its change is said in points in words, tables and figures alike, never as a % of its own
    level: net revenue retention from 101.0% to 102.2% is "+1.2 points"; "+1.2%" of 101.0%
    beside it would be a second figure for the same change.
    """
    return kpi_unit(kpi) == "rate"


def kpi_difference_label(kpi: str) -> str:
    """Return a KPI's name with the unit of its differences: a rate's differ in percentage points."""
    if reads_in_points(kpi):
        return f"{kpi_label(kpi)} (percentage points)"
    return kpi_axis_label(kpi)
