"""The most a year of a calibrated company's leads could book: the bound a plan without quotas is read against.

A plan with no quotas to read it against is refused as a slip of units only past 100 times
this figure (:mod:`simulator.config.validation`), so the figure must be a real upper bound:
no plan a company can reach is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.config.schema import ScenarioConfig


def most_booked(config: ScenarioConfig) -> float:
    """More than a year can book ($): every lead a year can bring won, plus the open deals and the book's ARR.

    A calibrated company's plan of $3.5B (no quotas to read it against) had run against its
    ~$12M a year: hit in no run, every coverage figure hundreds of times low. Every lead is
    counted as won, so the figure is an upper bound however few convert; and only leads the
    model makes are counted, each source at its most: a drawn source at its busiest month
    (rate x the top seasonality, or its dated series' top month) twelve times; the source a
    pipeline feeds (:mod:`simulator.config.fed_sources`) not at its ``leads_per_month``, which
    the pipeline replaces, but at that pipeline's most: a booked meeting per target account
    (one an account, in the whole run), every candidate partner referring at the top rate.
    Each is won at the dearest product's mean value.
    """
    market, pipelines = config.market, config.pipelines
    fed: dict[str, float] = {}
    if pipelines.partner is not None:
        referral = pipelines.partner.referral
        top = max(referral.max_leads_per_month, referral.base_leads_per_month)
        fed[pipelines.partner.source] = 12 * pipelines.partner.prospects * top
    if pipelines.prospecting is not None:
        fed[pipelines.prospecting.source] = fed.get(pipelines.prospecting.source, 0.0) + float(
            pipelines.prospecting.target_accounts
        )
    busiest = max(market.seasonality)
    leads = sum(
        fed[name] if name in fed else 12 * max([source.leads_per_month * busiest, *source.leads_by_month.values()])
        for name, source in market.sources.items()
    )
    # any product may be drawn (a segment's own mix can pick one the market weighs at 0): the dearest
    dearest = max((p.deal_value_multiplier for p in market.products.values()), default=1.0)
    start = sum(config.initial_pipeline.amount) if config.initial_pipeline is not None else 0.0
    retention = pipelines.retention
    book = retention.initial_customers * retention.initial_arr.mean if retention is not None else 0.0
    return leads * market.deal_value.mean * dearest + start + book
