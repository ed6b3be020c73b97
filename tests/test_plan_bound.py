"""A plan with no quotas to read it against is refused only past 100 times what a year of leads could book.

The bound had summed every source's ``leads_per_month``, the outbound and partner sources'
too, whose leads a prospecting or partner pipeline makes in place of that rate: a company
with no quotas, 0.01 inbound leads a month and its outbound meetings booked by its reps had
its $1M plan refused as "218 times the $4.59k of every lead the market sends in a year",
while its runs book $2.98M (96 deals) a year.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import simulator
from simulator.config.errors import ConfigError
from simulator.config.plan_bound import most_booked
from tests.scenarios import shipped


def _company(plan: float | None) -> dict[str, Any]:
    config = shipped("generalist", economics="default", pipelines="default", plan="default")
    config = copy.deepcopy(config)
    config.update(seed=5, runs=3, experiment={"name": "no_quotas", "question": "q?"})
    for role in config["economics"]["roles"].values():
        role["quota"] = 0
    sources = config["market"]["sources"]
    sources["inbound"]["leads_per_month"] = 0.01
    sources["outbound"]["leads_per_month"] = 0  # the prospecting pipeline's booked meetings: its rate does nothing
    sources["partner"]["leads_per_month"] = 0  # the partner pipeline's referrals
    config["pipelines"]["retention"] = None
    config["plan"]["bookings"] = plan
    return config


def test_a_plan_the_runs_reach_is_not_refused_and_the_bound_is_above_every_run() -> None:
    experiment = simulator.experiment_from_dict(_company(1_000_000.0), {"base": {}})
    result = simulator.run_experiment(experiment, workers=1)  # had been refused
    booked = result.replications["bookings"].to_numpy()
    assert booked.min() > 1_000_000.0 and result.replications["hit_plan"].min() == 1.0
    bound = most_booked(experiment.scenarios[0].config)
    assert bound > booked.max()  # every lead counted as won: more than any run books
    # a slip past 100 times it is still refused, with the whole-dollar reading offered
    slip = simulator.experiment_from_dict(_company(1e13), {"base": {}})  # $10T: over 100 times its $1.93B
    with pytest.raises(ConfigError, match=r"every lead a year can bring would book.*give whole dollars, 10000000000 "):
        simulator.run_experiment(slip, workers=1)


def test_each_source_counts_at_its_most() -> None:
    """A drawn source at its busiest month, its dated series' top month, and the dearest product."""
    config = _company(None)
    config["pipelines"].update(prospecting=None, partner=None)
    config["market"]["seasonality"] = [1.0] * 11 + [3.0]  # a December three times the other months
    config["market"]["sources"]["inbound"]["leads_per_month"] = 10.0
    config["market"]["products"] = {
        "core": {"weight": 1.0, "deal_value_multiplier": 1.0},
        "rare": {"weight": 0.0, "deal_value_multiplier": 4.0},  # a segment's own mix may still draw it
    }
    config["market"]["segments"] = {"smb": 0.9, "enterprise": 0.1}
    config["market"]["segment_mix"] = {"enterprise": {"products": {"core": 1.0, "rare": 3.0}}}
    scenario = simulator.experiment_from_dict(config, {"base": {}}).scenarios[0].config
    mean = scenario.market.deal_value.mean
    assert most_booked(scenario) == pytest.approx(12 * 30.0 * mean * (1.0 + 3.0 * 4.0) / 4.0)


def test_a_dear_product_few_leads_ask_for_counts_at_its_share() -> None:
    """A calibrated company's $3.5B plan had run: every lead was counted at its dearest product's value.

    crm-maven's GTK 500 ($25.6k a deal, under 2% of its leads, its mean deal $2.4k) lifted the bound
    tenfold, to $249M, so a $3.5B yearly plan was no slip past 100 times it. Each lead counts at the
    dearest mix a segment draws; a product no mix draws (weight 0) counts not at all.
    """
    config = _company(None)
    config["pipelines"].update(prospecting=None, partner=None)
    config["market"]["sources"]["inbound"]["leads_per_month"] = 10.0
    config["market"]["products"] = {
        "core": {"weight": 0.98, "deal_value_multiplier": 1.0},
        "dear": {"weight": 0.02, "deal_value_multiplier": 10.0},
        "unsold": {"weight": 0.0, "deal_value_multiplier": 50.0},
    }
    config["market"]["segment_mix"] = {}  # every segment asks for the market's mix
    scenario = simulator.experiment_from_dict(config, {"base": {}}).scenarios[0].config
    mean = scenario.market.deal_value.mean
    bound = 12 * 10.0 * max(scenario.market.seasonality) * mean * (0.98 + 0.02 * 10.0)
    assert most_booked(scenario) == pytest.approx(bound)
    config["plan"]["bookings"] = float(f"{150 * bound:.3g}")  # 150 times: refused (had been 23 times the old bound)
    with pytest.raises(ConfigError, match=r"times the .* every lead a year can bring would book, each won at the mean"):
        simulator.run_experiment(simulator.experiment_from_dict(config, {"base": {}}), workers=1)
