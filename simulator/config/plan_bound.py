"""The most a year of a calibrated company's leads could book: the bound a plan without quotas is read against.

A plan with no quotas to read it against is refused as a slip of units only past 100 times
this figure (:mod:`simulator.config.validation`), so the figure must be a real upper bound:
no plan a company can reach is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.config.schema import MarketConfig, ScenarioConfig


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
    Each is won at the mean value of the dearest product mix a segment draws (:func:`richest_mix`).
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
    dearest = richest_mix(market)
    start = sum(config.initial_pipeline.amount) if config.initial_pipeline is not None else 0.0
    retention = pipelines.retention
    book = retention.initial_customers * retention.initial_arr.mean if retention is not None else 0.0
    return leads * market.deal_value.mean * dearest + start + book


def richest_mix(market: MarketConfig) -> float:
    """The largest mean deal-value multiplier of the product mix any drawn segment's leads ask for.

    A deal's value is the drawn value times its product's multiplier, the product drawn by the
    lead's segment's mix (its own ``segment_mix`` products, else the market's weights). Every lead
    was counted at the dearest product's value, a product no mix may favour: crm-maven's GTK 500
    ($25.6k, under 2% of its leads, where its mean deal is $2.4k) lifted the bound tenfold, to
    $249M, so a $3.5B yearly plan, 123 times what its leads could book at their own mix, ran.
    The segment with the dearest mix, all leads counted as its own, keeps the bound above what
    any year can book, however the segments are drawn.
    """
    if not market.products:
        return 1.0
    attributes = market.attributes
    means = []
    for segment, share in market.segments.items():
        weights = attributes.weights("product", segment)
        total = sum(weights.values())
        if share > 0 and total > 0:
            products = market.products
            means.append(sum(w * products[name].deal_value_multiplier for name, w in weights.items()) / total)
    return max(means, default=max(p.deal_value_multiplier for p in market.products.values()))
