"""How big one replication is, estimated from the config before anything runs, and the budget it must fit.

Each source of work gives a :class:`Load`: the entities it holds in memory at once
(leads, target accounts, candidate partners, referral slots, customers, reps) and the
model events it costs (stage visits, check-in wake-ups, renewals, enablement sessions,
a rep's working days), with the config key that drives it. A replication whose
estimate exceeds :data:`EVENT_BUDGET` or :data:`ENTITY_BUDGET` is refused, naming the
key of the largest load, unless ``runner.allow_large`` is true; beyond the hard limits
(:data:`~simulator.config.clock.MAX_HORIZON_DAYS`, checked as the clock is read,
:data:`MAX_LEADS_PER_REPLICATION`, :data:`MAX_REPS`,
:data:`MAX_EVENTS`, :data:`MAX_ENTITIES`) nothing runs.

The weights are calibrated on the SimPy engine on this project's 2-core machine (see
``docs/BAD_INPUT.md``), where about 400,000 estimated events ran per second: check-ins
every 0.01 days for ~800 customers (12.6 million) took 17 s a replication, every 0.001
days (124 million) 259 s and 5 GB; 2,000 reps (5.2 million) 12 s; a target account held
about 1 KB (``target_accounts = 10**6`` peaked at 1 GB). They are upper bounds: work the
reps never get to is counted as if done.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from simulator.config.errors import ConfigIssue
from simulator.config.schema import ScenarioConfig

EVENT_BUDGET = 10_000_000
"""Estimated model events per replication above which a run needs ``runner.allow_large=true`` (~25 s each)."""

ENTITY_BUDGET = 2_000_000
"""Entities held at once per replication above which a run needs ``runner.allow_large=true`` (~2 GB per worker)."""

MAX_EVENTS = 100 * EVENT_BUDGET
"""Estimated model events per replication beyond which nothing runs, whatever the flag (~40 min per replication)."""

MAX_ENTITIES = 5 * ENTITY_BUDGET
"""Entities held at once beyond which nothing runs, whatever the flag (~8 GB per worker)."""

MAX_LEADS_PER_REPLICATION = 10_000_000
"""Expected arrivals in one replication beyond which a run cannot finish (memory and hours per replication)."""

MAX_REPS = 100_000
"""Reps in one replication (headcount and hires) beyond which a run cannot finish."""


EVENTS_PER_STAGE_VISIT = 3  # arrival in the queue, the work, the buyer's delay
EVENTS_PER_REP_DAY = 10  # a rep's daily work loop, time allocation and workforce clock
EVENTS_PER_CUSTOMER_YEAR = 20  # a customer's life process, its check-ins worked and its renewal


@dataclass(frozen=True, slots=True)
class Load:
    """One source of work in a replication.

    Attributes:
        what: Plain words (``check-ins``, ``target accounts``).
        key: The dotted config key that drives it.
        value: That key's value.
        entities: Entities held in memory at once.
        events: Model events over the replication.
        detail: How the figure was estimated, for the message.
        fix: What lowers it.
    """

    what: str
    key: str
    value: Any
    entities: float
    events: float
    detail: str
    fix: str


def _amount(count: float) -> str:
    """A count in a message: whole with thousands separators, or in powers of ten from a trillion (1e+302)."""
    return f"{count:,.0f}" if count < 1e12 else f"{count:.2g}"


def expected_leads(config: ScenarioConfig) -> float:
    """Expected leads in one replication: monthly rates x mean seasonality x months simulated.

    The months a dated series (``leads_by_month``) lists inside the horizon count at its
    value instead, in proportion to their working days simulated; the open deals of the
    starting pipeline count as leads too.
    """
    seasonality = config.market.seasonality
    mean_season = sum(seasonality) / len(seasonality)
    months = _months(config)
    dated = any(source.leads_by_month for source in config.market.sources.values())
    parts = (
        config.clock.calendar().slices("month", 0.0, config.clock.horizon_days)
        if dated and config.clock.start_date is not None
        else []
    )
    total = 0.0
    for source in config.market.sources.values():
        total += source.leads_per_month * mean_season * months
        if source.leads_by_month:
            for part in parts:
                if part.label in source.leads_by_month:
                    total += (source.leads_by_month[part.label] - source.leads_per_month * mean_season) * part.share
    start = config.initial_pipeline
    return max(total, 0.0) + (start.size if start is not None else 0)


def _months(config: ScenarioConfig) -> float:
    """Months simulated: twelfths of the calendar's year (a dated calendar counts its own working days)."""
    return 12.0 * config.clock.horizon_days / _days_per_year(config)


def _days_per_year(config: ScenarioConfig) -> float:
    return float(config.clock.calendar().days_per_year)


def _lead_load(config: ScenarioConfig) -> Load:
    leads = expected_leads(config)
    stages = len(config.pipeline.stages)
    rates = {name: source.leads_per_month for name, source in config.market.sources.items()}
    return Load(
        "sales leads",
        "market.sources",
        rates,
        leads,
        leads * stages * EVENTS_PER_STAGE_VISIT,
        f"{_amount(leads)} leads x {stages} stages",
        "lower the arrival rates or shorten clock.horizon_days",
    )


def rep_counts(config: ScenarioConfig) -> dict[str, tuple[str, int]]:
    """Team -> (the key that sizes it, reps it ever has: headcount plus planned hires)."""
    counts: dict[str, tuple[str, int]] = {}
    for name, team in config.org.teams.items():
        hires = sum(h.count for h in config.workforce.teams[name].hires) if name in config.workforce.teams else 0
        key = f"workforce.teams.{name}.hires" if hires > team.headcount else f"org.teams.{name}.headcount"
        counts[name] = (key, team.headcount + hires)
    return counts


def _rep_key_value(config: ScenarioConfig, team: str, key: str) -> Any:
    """The value shown for a team's size: its headcount, or its hiring plan."""
    if key.endswith("headcount"):
        return config.org.teams[team].headcount
    return [hire.model_dump(exclude_none=True) for hire in config.workforce.teams[team].hires]


def _rep_load(config: ScenarioConfig) -> Load:
    counts = rep_counts(config)
    reps = sum(n for _, n in counts.values())
    largest = max(counts, key=lambda name: counts[name][1])
    key, _ = counts[largest]
    days = config.clock.horizon_days
    return Load(
        "reps",
        key,
        _rep_key_value(config, largest, key),
        reps,
        reps * days * EVENTS_PER_REP_DAY,
        f"{_amount(reps)} reps (headcount and hires) x {_amount(days)} working days",
        "lower the headcount or the hires",
    )


def _prospecting_loads(config: ScenarioConfig) -> list[Load]:
    prospecting = config.pipelines.prospecting
    if prospecting is None:
        return []
    accounts = prospecting.target_accounts
    return [
        Load(
            "target accounts",
            "pipelines.prospecting.target_accounts",
            accounts,
            accounts,
            accounts,
            f"{_amount(accounts)} accounts drawn (reps work only those their hours allow)",
            "lower the accounts in the territory",
        )
    ]


def _partner_loads(config: ScenarioConfig) -> list[Load]:
    partner = config.pipelines.partner
    if partner is None:
        return []
    months = _months(config)
    referral = partner.referral
    top = max(referral.max_leads_per_month, referral.base_leads_per_month)
    slots = partner.prospects * top * months
    per_partner = config.clock.horizon_days / partner.enablement.interval_days
    sessions = partner.prospects * per_partner
    key = "pipelines.partner.referral.max_leads_per_month"
    return [
        Load(
            "candidate partners",
            "pipelines.partner.prospects",
            partner.prospects,
            partner.prospects,
            partner.prospects * len(partner.stages) * EVENTS_PER_STAGE_VISIT,
            f"{_amount(partner.prospects)} candidates x {len(partner.stages)} stages",
            "lower the candidate partners",
        ),
        Load(
            "partner referrals",
            key if top > 10 else "pipelines.partner.prospects",
            top if top > 10 else partner.prospects,
            slots,
            slots * len(config.pipeline.stages) * EVENTS_PER_STAGE_VISIT,
            f"up to {_amount(partner.prospects)} partners x {top:,g} referrals a month x {_amount(months)} months",
            "lower the referral rate or the candidate partners",
        ),
        Load(
            "enablement sessions",
            "pipelines.partner.enablement.interval_days",
            partner.enablement.interval_days,
            0.0,
            sessions,
            f"up to {_amount(partner.prospects)} partners x {_amount(per_partner)} sessions each",
            "lengthen the interval between sessions",
        ),
    ]


def expected_customers(config: ScenarioConfig) -> float:
    """Customers over a replication: the initial book plus the leads expected to be won."""
    retention = config.pipelines.retention
    if retention is None:
        return 0.0
    win_rate = math.prod(stage.conversion for stage in config.pipeline.stages)
    return retention.initial_customers + expected_leads(config) * win_rate


def _retention_loads(config: ScenarioConfig) -> list[Load]:
    retention = config.pipelines.retention
    if retention is None:
        return []
    customers = expected_customers(config)
    days = config.clock.horizon_days
    renewal = retention.renewal
    per_customer = days / renewal.checkin_interval_days + 2
    interval_drives = per_customer >= customers
    terms = 12.0 * days / (retention.contract_months * _days_per_year(config)) + 1
    years = _months(config) / 12.0
    renewal_events = customers * (
        terms * len(renewal.stages) * EVENTS_PER_STAGE_VISIT + years * EVENTS_PER_CUSTOMER_YEAR
    )
    loads = [
        Load(
            "customers",
            "pipelines.retention.initial_customers",
            retention.initial_customers,
            customers,
            renewal_events,
            f"{_amount(customers)} customers (initial and won) over {years:,.1f} years",
            "lower the initial customers",
        ),
        Load(
            "check-ins",
            "pipelines.retention.renewal.checkin_interval_days"
            if interval_drives
            else "pipelines.retention.initial_customers",
            renewal.checkin_interval_days if interval_drives else retention.initial_customers,
            0.0,
            customers * per_customer,
            f"{_amount(customers)} customers x {_amount(per_customer)} check-ins each",
            "lengthen the check-in interval" if interval_drives else "lower the initial customers",
        ),
    ]
    expansion = retention.expansion
    if expansion is not None:
        opportunities = customers * expansion.per_account_per_year * years
        loads.append(
            Load(
                "expansions",
                "pipelines.retention.expansion.per_account_per_year",
                expansion.per_account_per_year,
                opportunities,
                opportunities * len(expansion.stages) * EVENTS_PER_STAGE_VISIT,
                f"{_amount(customers)} customers x {expansion.per_account_per_year:g} a year x {years:,.1f} years",
                "lower the expansion rate",
            )
        )
    return loads


def replication_loads(config: ScenarioConfig) -> list[Load]:
    """Every source of work of one replication, with its entities and events."""
    return [
        _lead_load(config),
        _rep_load(config),
        *_prospecting_loads(config),
        *_partner_loads(config),
        *_retention_loads(config),
    ]


def _over(loads: list[Load], total: float, measure: str, budget: float, allow_large: bool) -> ConfigIssue:
    """The issue of a replication over ``budget`` in ``measure`` (events or entities), keyed by its largest load."""
    largest = max(loads, key=lambda load: float(getattr(load, measure)))
    unit = "events" if measure == "events" else "entities held at once"
    if allow_large:
        limit = f"at most {_amount(budget)} can run, even with runner.allow_large=true: {largest.fix}"
    else:
        limit = f"the budget is {_amount(budget)}: {largest.fix}, or set runner.allow_large=true to run it anyway"
    allowed = f"about {_amount(total)} {unit} per replication, mostly {largest.what} ({largest.detail}); {limit}"
    return ConfigIssue(largest.key, largest.value, allowed)


def check_size(config: ScenarioConfig, allow_large: bool = False) -> list[ConfigIssue]:
    """Refuse horizons, lead counts, headcounts and workloads that cannot run, stating the estimate.

    Args:
        config: The parsed scenario.
        allow_large: ``runner.allow_large``: lift the budgets (the hard limits stay).

    Returns:
        What is too large: at most one issue per hard limit, else one for the budget.
    """
    issues: list[ConfigIssue] = []
    leads = expected_leads(config)
    if leads > MAX_LEADS_PER_REPLICATION:
        per_month = sum(source.leads_per_month for source in config.market.sources.values())
        allowed = (
            f"about {_amount(leads)} leads expected per replication ({_amount(per_month)} a month before seasonality, "
            f"over {_amount(_months(config))} months); at most "
            f"{MAX_LEADS_PER_REPLICATION:,} can run: lower the arrival rates or shorten clock.horizon_days"
            + (
                f" (it holds the warm-up's clock.warmup_days = {config.clock.warmup_days:g})"
                if config.clock.warmup_days > 0
                else ""
            )
        )
        rates = {name: source.leads_per_month for name, source in config.market.sources.items()}
        issues.append(ConfigIssue("market.sources", rates, allowed))
    counts = rep_counts(config)
    reps = sum(n for _, n in counts.values())
    if reps > MAX_REPS:
        allowed = f"{_amount(reps)} reps in one replication (headcount and hires); at most {MAX_REPS:,} can run"
        largest = max(counts, key=lambda name: counts[name][1])
        key, n = counts[largest]
        if n > MAX_REPS:
            issues.append(ConfigIssue(key, _rep_key_value(config, largest, key), allowed))
        else:
            issues.append(ConfigIssue("org.teams", {name: n for name, (_, n) in counts.items()}, allowed))
    if issues:
        return issues  # the estimate below would only repeat what is already too large
    loads = replication_loads(config)
    events = sum(load.events for load in loads)
    entities = sum(load.entities for load in loads)
    event_limit = MAX_EVENTS if allow_large else EVENT_BUDGET
    entity_limit = MAX_ENTITIES if allow_large else ENTITY_BUDGET
    if events / event_limit > max(1.0, entities / entity_limit):
        issues.append(_over(loads, events, "events", event_limit, allow_large))
    elif entities > entity_limit:
        issues.append(_over(loads, entities, "entities", entity_limit, allow_large))
    return issues
