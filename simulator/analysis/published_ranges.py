"""The published ranges a run's headline figures are checked against, each with its source.

:data:`BENCHMARKS` is the one table of published ranges (the figures collected in the
project's ``BENCHMARKS.md``, which names where each comes from);
:mod:`simulator.analysis.benchmarks` reads a scenario's figures and checks them against it.

Conversions: the model counts working days, publications count calendar days; a year's
working days are taken as 365 calendar days, so a calendar figure is multiplied by 250/365
on the default calendar (a five-day week less holidays), and by the run's own working days
a year over 365 on another (:func:`on_calendar`: a dated calendar's 260 or so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

WORKING_DAYS_A_YEAR = 250.0
"""The working days of a year :data:`BENCHMARKS`' ranges in working days are converted at (the default calendar's)."""
WORKING_DAYS_PER_CALENDAR_DAY = WORKING_DAYS_A_YEAR / 365.0
"""250 working days make a year of 365 calendar days."""

RATE, WORKING_DAYS, DOLLARS_PER_DOLLAR, DOLLARS, TIMES = "rate", "working days", "$ per $", "$", "times"

TEAM_UTILISATION = "utilisation (team)"
"""Pseudo-KPI: each team's busy share of its selling time, for teams whose idle time stays idle."""
QUEUED_UTILISATION = "utilisation (queued work)"
"""Pseudo-KPI: the share of selling time on queued work (deals, renewals, expansions) of teams
whose idle time is filled by prospecting or partner work; only its ceiling applies."""
FILLED = 0.9
"""A team doing prospecting or partner work and this busy in total has its idle time filled by it (a team
can fall a little short of 100% when it runs out of fresh accounts between sittings); below it, as for a
partner manager who has reached its partner cap, the team's total is checked."""
SALES_AND_MARKETING_PER_NEW_ARR = "sales_marketing_per_new_arr"
"""Pseudo-KPI: (mean cost of sales + mean cost of leads) / mean bookings."""
LARGE_BOOK_ARR = 50_000_000.0
"""$ of customer ARR from which expansion is published at over 50% of new ARR (Benchmarkit 2025)."""
EXPANSION_SHARE_SMALLER_BOOK = "expansion share of new ARR (book under $50M)"
"""Pseudo-KPI: ``expansion_share_of_new_arr`` of a scenario whose ``customer_arr`` is under :data:`LARGE_BOOK_ARR`."""
EXPANSION_SHARE_LARGER_BOOK = "expansion share of new ARR (book of $50M or more)"
"""Pseudo-KPI: ``expansion_share_of_new_arr`` of a scenario whose ``customer_arr`` is :data:`LARGE_BOOK_ARR` or more."""
ARR_PER_ACCOUNT_OWNER = "customer_arr_per_rep_"
"""KPI prefix: the customer ARR per rep of the team owning customer accounts (its name follows)."""
ARR_PER_CSM = 1_700_000.0
"""$ of ARR per CSM, ~$1.7M (ClientSuccess survey of ~600 firms, second-hand; BENCHMARKS.md)."""
ARR_PER_CSM_ALLOWANCE = 2.0
"""salesim's allowance around that single survey median (no range is published): half to twice it."""
EXPANSION_SHARE = 0.40
"""Expansion's share of new ARR across companies, ~40% (Benchmarkit 2025, ~1,000 companies; BENCHMARKS.md)."""
EXPANSION_SHARE_ALLOWANCE = 2.0
"""salesim's allowance below that single median for a book under $50M (no low end is published): half of it,
as for ARR per CSM; the top of the range there is the published 50%."""
ACCOUNTS_PER_CSM = 104.0
"""Accounts per CSM, ~104, from the same survey (ClientSuccess, second-hand; BENCHMARKS.md): with its ~$1.7M,
~$16k of ARR an account."""


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A published range for one headline figure.

    Attributes:
        kpi: The KPI compared (a summary KPI, or :data:`TEAM_UTILISATION`,
            :data:`QUEUED_UTILISATION`, :data:`SALES_AND_MARKETING_PER_NEW_ARR`,
            :data:`EXPANSION_SHARE_SMALLER_BOOK`, :data:`EXPANSION_SHARE_LARGER_BOOK`, derived
            from the summary; or :data:`ARR_PER_ACCOUNT_OWNER`, a prefix the team's name follows).
        name: The figure's name, for a table row.
        phrase: The figure in words, ``{value}`` standing for the run's value.
        low: Low end of the published range, in ``unit``.
        high: High end (``inf`` when only a low end is published).
        unit: ``rate`` (a share, shown in %), ``working days``, ``$ per $``, ``$`` (shown as $4.20M) or
            ``times`` (a multiple, shown as 3.2x).
        source: Where the range comes from, and any conversion applied.
        yearly: The range is of a ratio over one year that compounds over a longer or
            shorter window (retention): a run's figure over another window is converted
            to its yearly equivalent before it is compared (:func:`per_year`).
        reads_low: Why salesim's figure is expected below the range (what it leaves out),
            said with the figure when it is below; empty when nothing is left out.
        range_label: How the range is named beside a figure: ``published``, or what it is
            when salesim draws it from a published figure that is not a range.
        preferred: A summary row read instead of ``kpi`` when the summary has it (a figure
            worked out over every run's reps rather than run by run); empty for none.
        published: For a range in working days, the published figures in calendar days
            (``source`` without its conversion), so that :func:`on_calendar` converts them
            at a run's own working days a year; empty for other ranges.
    """

    kpi: str
    name: str
    phrase: str
    low: float
    high: float
    unit: str
    source: str
    yearly: bool = False
    reads_low: str = ""
    range_label: str = "published"
    preferred: str = ""
    published: str = ""


def conversion_words(low_calendar: float, high_calendar: float, days_per_year: float) -> str:
    """How a range of calendar days becomes working days: ``calendar days x 250/365 (...): 41–58 working days``."""
    days = f"{round(days_per_year, 1):g}"
    factor = days_per_year / 365.0
    return (
        f"calendar days x {days}/365 ({days} working days = 365 calendar days): "
        f"{low_calendar * factor:.0f}–{high_calendar * factor:.0f} working days"
    )


def in_working_days(
    kpi: str, name: str, phrase: str, low_calendar: float, high_calendar: float, published: str
) -> Benchmark:
    """A range published in calendar days, in working days of the default calendar (:data:`WORKING_DAYS_A_YEAR`)."""
    low, high = low_calendar * WORKING_DAYS_PER_CALENDAR_DAY, high_calendar * WORKING_DAYS_PER_CALENDAR_DAY
    source = f"{published}; {conversion_words(low_calendar, high_calendar, WORKING_DAYS_A_YEAR)}"
    return Benchmark(kpi, name, phrase, low, high, WORKING_DAYS, source, published=published)


def on_calendar(benchmark: Benchmark, days_per_year: float) -> Benchmark:
    """The benchmark for a run whose year has ``days_per_year`` working days.

    A range in working days (:attr:`Benchmark.published`) is converted from its calendar
    days at that many working days a year (a dated calendar's 260 or so, less holidays),
    not the default calendar's 250: a 60-day cycle is 42.7 working days there, not 41.1.
    Every other benchmark is returned as it is.

    Raises:
        ValueError: If ``days_per_year`` is not positive.
    """
    if not days_per_year > 0.0:
        raise ValueError(f"days_per_year must be positive, got {days_per_year!r}")
    if not benchmark.published or abs(days_per_year - WORKING_DAYS_A_YEAR) < 1e-9:
        return benchmark
    low_calendar = benchmark.low / WORKING_DAYS_PER_CALENDAR_DAY
    high_calendar = benchmark.high / WORKING_DAYS_PER_CALENDAR_DAY
    factor = days_per_year / 365.0
    source = f"{benchmark.published}; {conversion_words(low_calendar, high_calendar, days_per_year)}"
    return replace(benchmark, low=low_calendar * factor, high=high_calendar * factor, source=source)


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "quota_attainment_p50",
        "Median quota attainment of ramped reps",
        "median quota attainment of ramped reps {value}",
        0.43,
        0.54,
        RATE,
        "median AE quota attainment 43–54% (BENCHMARKS.md, People; surveys, no single study named); salesim's "
        "figure is the median of every run's ramped reps pooled, as a survey's is of its reps (a run's own "
        "median over ~10 reps, the KPI quota_attainment_p50, reads a few points higher)",
        preferred="quota_attainment_pooled_p50",  # analysis.planning.POOLED_ATTAINMENT
    ),
    Benchmark(
        "reps_at_quota_share",
        "Reps at quota",
        "{value} of reps at quota",
        0.20,
        0.28,
        RATE,
        "20–28% of AEs reach quota (BenchSights, 83 companies, small sample); 22% in 2025 (Ebsta/Pavilion, "
        "vendor: 78% missed) and 16% (Salesforce State of Sales: 84% missed the year before); other surveys "
        "report up to ~50% (no study named)",
    ),
    Benchmark(
        "mql_to_sql_rate",
        "Lead qualification (MQL to SQL)",
        "MQL to SQL conversion {value}",
        0.13,
        0.22,
        RATE,
        "B2B MQL to SQL 13–22% (BENCHMARKS.md, Funnel); salesim's figure is the conversion at the first stage of "
        "a lead, SQL, opportunity funnel (a qualified lead passes it), fast touches included, of the leads reaching "
        "it (one that leaks there waiting for a rep counts as not passed): leads a source sends straight to a later "
        "stage (digital-first inbound, referrals) are not in it",
    ),
    Benchmark(
        "sql_to_opportunity_rate",
        "SQL to opportunity",
        "SQL to opportunity conversion {value}",
        0.30,
        0.50,
        RATE,
        "B2B SQL to opportunity 30–50% (BENCHMARKS.md, Funnel); salesim's figure is the conversion at the second "
        "stage of a lead, SQL, opportunity funnel (the discovery that specifies the need)",
    ),
    Benchmark(
        "win_rate",
        "Opportunity win rate",
        "opportunity win rate {value}",
        0.20,
        0.35,
        RATE,
        "B2B opportunity to won 20–35% (enterprise 10–20%); ~21% of all opportunities, ~29% of qualified ones "
        "(BENCHMARKS.md, Funnel)",
    ),
    Benchmark(
        "lead_to_win_rate",
        "Lead to customer",
        "lead to customer {value} of the leads that ended in the window",
        0.01,
        0.05,
        RATE,
        "overall B2B lead to customer 1–5% (BENCHMARKS.md, Funnel); salesim's figure is won over the leads that "
        "ended in the window (won, or lost for any reason, disqualified included), every source's: partner "
        "referrals and booked meetings convert more than marketing leads",
    ),
    Benchmark(
        "untouched_lead_share",
        "New leads never touched",
        "{value} of new leads never touched (leaked before a first touch)",
        0.30,
        math.inf,
        RATE,
        "more than 30% of leads are never contacted (Oldroyd, InsideSales/MIT 2007); 23% of firms never answered "
        "a web lead (HBR 2011); ~80% of marketing leads are never worked by sales (MarketingSherpa) (BENCHMARKS.md, "
        "Speed to lead; Funnel); salesim's figure is the new leads that waited past their wait limit before any rep "
        "worked them",
        reads_low="salesim's reps work every new lead unless it waits past its wait limit first, a touch being a "
        "rep's first work on it, not a conversation reached: the published figures count leads never reached or "
        "never worked by choice, which salesim does not model",
    ),
    in_working_days(
        "cycle_time_days_p50",
        "Median sales cycle",
        "median sales cycle {value}",
        60.0,
        84.0,
        "median cycle 60 days (Bridge Group 2017, SaaS AE, $25k ACV), 72 (inside-sales AE, $35k ASP), ~84 (Gong)",
    ),
    Benchmark(
        "net_revenue_retention",
        "Net revenue retention",
        "net revenue retention {value}",
        1.00,
        1.10,
        RATE,
        "median NRR 100–110% by contract size (SaaS Capital 2023, 1,500+ companies); 101% (Benchmarkit 2025)",
        yearly=True,
    ),
    Benchmark(
        "gross_revenue_retention",
        "Gross revenue retention",
        "gross revenue retention {value}",
        0.90,
        0.93,
        RATE,
        "median GRR 90–93% by contract size (SaaS Capital 2023)",
        yearly=True,
    ),
    Benchmark(
        "forecast_wape_quarter",
        "Next-quarter forecast error (WAPE)",
        "next-quarter forecast error (WAPE) {value}",
        0.10,
        math.inf,
        RATE,
        "79% of organisations miss their forecast by more than 10%, ~7% reach 90% accuracy; won deals land "
        "31% from the 90-day forecast on average (InsideSales Labs, 270,912 won opportunities; vendor)",
    ),
    Benchmark(
        EXPANSION_SHARE_SMALLER_BOOK,
        "Expansion share of new ARR",
        "expansion {value} of new ARR (expansion plus new-customer bookings)",
        EXPANSION_SHARE / EXPANSION_SHARE_ALLOWANCE,
        0.50,
        RATE,
        "expansion is ~40% of new ARR, over 50% only above $50M ARR (Benchmarkit 2025, ~1,000 companies): "
        "with a customer book under $50M, more than 50% is unusual; one median below it, no low end published: "
        "salesim flags under half of it",
        range_label="drawn from the published ~40% (over 50% only above $50M of ARR; salesim flags under half of it):",
    ),
    Benchmark(
        EXPANSION_SHARE_LARGER_BOOK,
        "Expansion share of new ARR",
        "expansion {value} of new ARR (expansion plus new-customer bookings)",
        EXPANSION_SHARE,
        math.inf,
        RATE,
        "expansion is ~40% of new ARR, over 50% above $50M ARR (Benchmarkit 2025, ~1,000 companies): the "
        "customer book is $50M or more, where over 50% is typical and the all-company ~40% still usual; below "
        "it is unusual (a cut-off at 50% would flag a $51M book's 46% that a $49M book's passes)",
        range_label="drawn from the published ~40% (over 50% above $50M of ARR):",
    ),
    Benchmark(
        ARR_PER_ACCOUNT_OWNER,
        "Customer ARR per rep owning accounts",
        "the {team} team carrying {value} of customer ARR per rep",
        ARR_PER_CSM / ARR_PER_CSM_ALLOWANCE,
        ARR_PER_CSM * ARR_PER_CSM_ALLOWANCE,
        DOLLARS,
        "~$1.7M ARR and ~104 accounts per CSM (ClientSuccess survey of ~600 firms, second-hand; BENCHMARKS.md, "
        "Retention and expansion); one median, no range published: salesim flags half to twice it. The ARR of "
        "the customers active at the window's end over the mean headcount of the team owning their accounts",
        range_label="salesim's band around the published ~$1.7M:",
    ),
    Benchmark(
        TEAM_UTILISATION,
        "Utilisation of selling time",
        "the {team} team busy {value} of its selling time",
        0.70,
        0.85,
        RATE,
        "plan with 70–85% utilisation of selling time; above 85% queues grow (BENCHMARKS.md, People)",
    ),
    Benchmark(
        QUEUED_UTILISATION,
        # queued work in general: a full-cycle team's is deals alone, a CSM team's renewals and expansions
        "Selling time on queued work: deals, renewals or expansions (the rest prospects)",
        "the {team} team busy {value} of its selling time on queued work (deals, renewals or expansions)",
        0.0,
        0.85,
        RATE,
        "above 85% of selling time on queued work, queues grow (BENCHMARKS.md, People: plan with 70–85%); "
        "a team whose idle time goes to prospecting or partners has no floor",
    ),
    Benchmark(
        SALES_AND_MARKETING_PER_NEW_ARR,
        "Sales and marketing cost per $1 of new bookings",
        "{value} of sales and marketing cost per $1 of new bookings",
        1.13,
        2.00,
        DOLLARS_PER_DOLLAR,
        "$1.76 (2023) and $2.00 (2024) of sales and marketing per $1 of new-customer ARR (Benchmarkit); $1.13 per "
        "$1 of new ARR (Pacific Crest 2016); a magic number of ~0.7 (KBCM 2024, second-hand) is $1.43. salesim "
        "counts the cost of sales less the time spent on renewals and expansions, and the cost of leads; it leaves "
        "out sales managers, "
        "marketing staff and programmes and overheads (docs/MODEL.md, Not modelled), so its figure reads low",
        reads_low="the reps, their tools and hiring, partner fees and leads only: managers, marketing staff "
        "and overheads are not modelled",
    ),
    Benchmark(
        "pipeline_coverage",
        "Pipeline coverage at a quarter's start",
        "{value} the quarter's plan in open opportunities at its start",
        3.0,
        5.0,
        TIMES,
        "pipeline coverage of 3–5× quota (BENCHMARKS.md, Cycle and pipeline); salesim holds the opportunities open "
        "on a quarter's first day against the quarter's plan, which quotas usually exceed by 10–30% (a rule of thumb, "
        "not a published figure)",
    ),
)


def team_key(kpi: str, team: str) -> str:
    """The key of a per-team figure's reason in a map of reasons: ``utilisation (team):ae``."""
    return f"{kpi}:{team}"


def below_key(key: str) -> str:
    """The key of the reason for a figure below its range (``key`` alone is for one above): ``...:below``."""
    return f"{key}:below"


ASSUMED_WITH_EFFORT = frozenset({TEAM_UTILISATION, QUEUED_UTILISATION, "untouched_lead_share"})
"""The figures that follow from the effort per deal: assumed, not found, where calibration assumed it.

The share of new leads never touched is paced by the reps' queues, as their utilisation is: a
calibrated crm-maven run said "Time to first touch and leads lost untouched are left out" beside
"0.0% of new leads never touched ...; published 30.0% or more" as a finding.
"""
