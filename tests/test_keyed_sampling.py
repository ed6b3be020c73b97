"""Counter-based draws (model.keyed_sampling) follow their distributions, and neighbouring keys are independent.

Each check draws 20,000 values at consecutive keys of a fixed root: the Kolmogorov-Smirnov
test against scipy's CDF must not reject at 0.1% (a wrong transform, parameter or
degenerate case rejects at p < 1e-10 on this many draws); means and variances within 4
standard errors; neighbouring keys' uniforms uncorrelated within 4 standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simulator.model import keyed_sampling as keyed
from simulator.model.customer_luck import CustomerLuck, customer_draw, customer_kernels, luck_base
from simulator.model.sampling import CONSTANT, EMPIRICAL, EXPONENTIAL, GAMMA, LOGNORMAL, PERT, TRIANGULAR, UNIFORM

N = 20_000
ROOT = np.uint64(keyed.root_key(2026, 7, 5))


def _draws(code: int, params: list[float], root: np.uint64 = ROOT) -> np.ndarray:
    return keyed.values(code, np.asarray(params, dtype=np.float64), root, N)


def _pert(low: float, mode: float, high: float, lamb: float) -> stats.rv_continuous:
    width = high - low
    return stats.beta(1 + lamb * (mode - low) / width, 1 + lamb * (high - mode) / width, loc=low, scale=width)


@pytest.mark.parametrize(
    ("code", "params", "law"),
    [
        (EXPONENTIAL, [2.5], stats.expon(scale=2.5)),
        (LOGNORMAL, [0.3, 0.8], stats.lognorm(s=0.8, scale=np.exp(0.3))),
        (LOGNORMAL, [-1.0, 1.6], stats.lognorm(s=1.6, scale=np.exp(-1.0))),
        (GAMMA, [0.35, 2.0], stats.gamma(0.35, scale=2.0)),
        (GAMMA, [1.0, 3.0], stats.gamma(1.0, scale=3.0)),
        (GAMMA, [7.5, 0.4], stats.gamma(7.5, scale=0.4)),
        (TRIANGULAR, [1.0, 2.0, 5.0], stats.triang(c=0.25, loc=1.0, scale=4.0)),
        (TRIANGULAR, [0.0, 0.0, 3.0], stats.triang(c=0.0, loc=0.0, scale=3.0)),
        (PERT, [1.0, 2.0, 5.0, 4.0], _pert(1.0, 2.0, 5.0, 4.0)),
        (PERT, [0.0, 9.0, 10.0, 12.0], _pert(0.0, 9.0, 10.0, 12.0)),
        (UNIFORM, [-1.0, 3.0], stats.uniform(-1.0, 4.0)),
    ],
)
def test_each_distribution_follows_its_law(code: int, params: list[float], law: stats.rv_continuous) -> None:
    x = _draws(code, params)
    assert stats.kstest(x, law.cdf).pvalue > 1e-3
    se_mean = law.std() / np.sqrt(N)
    assert abs(x.mean() - law.mean()) < 4 * se_mean


def test_an_empirical_distribution_gives_its_values_at_their_weights() -> None:
    values, weights = [1.0, 5.0, 9.0], [0.2, 0.5, 0.3]
    x = _draws(EMPIRICAL, [3.0, *values, *np.cumsum(weights)])
    assert set(np.unique(x)) == set(values)
    for value, weight in zip(values, weights, strict=True):
        share = float(np.mean(x == value))
        assert abs(share - weight) < 4 * np.sqrt(weight * (1 - weight) / N)


@pytest.mark.parametrize(
    ("code", "params", "constant"),
    [
        (CONSTANT, [4.5], 4.5),
        (LOGNORMAL, [1.2, 0.0], float(np.exp(1.2))),
        (TRIANGULAR, [3.0, 3.0, 3.0], 3.0),
        (PERT, [2.0, 2.0, 2.0, 4.0], 2.0),
    ],
)
def test_degenerate_parameters_give_their_constant(code: int, params: list[float], constant: float) -> None:
    assert np.all(_draws(code, params)[:50] == constant)


def test_a_draw_is_a_pure_function_of_its_key() -> None:
    first = _draws(GAMMA, [2.0, 1.0])
    assert np.array_equal(first, _draws(GAMMA, [2.0, 1.0]))
    params = np.array([2.0, 1.0])
    reversed_order = [keyed.value(GAMMA, params, np.uint64(keyed.mix(ROOT, i))) for i in range(99, -1, -1)]
    assert np.array_equal(first[:100], np.array(reversed_order[::-1]))
    other_seed = _draws(GAMMA, [2.0, 1.0], np.uint64(keyed.root_key(2027, 7, 5)))
    assert not np.any(first[:100] == other_seed[:100])


def test_uniforms_fill_the_open_interval_and_neighbouring_keys_are_uncorrelated() -> None:
    u = _draws(UNIFORM, [0.0, 1.0])
    assert u.min() > 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    se = 1.0 / np.sqrt(N)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 4 * se  # consecutive rows of one quantity
    other = np.array([keyed.unit(np.uint64(keyed.mix(ROOT, i)), 1) for i in range(N)])
    assert abs(np.corrcoef(u, other)[0, 1]) < 4 * se  # two sub-draws of one key
    a = np.array([customer_draw(np.array([UNIFORM]), np.array([[0.0, 1.0]]), 99, 0, i, 0, 0) for i in range(N)])
    b = np.array([customer_draw(np.array([UNIFORM]), np.array([[0.0, 1.0]]), 99, 0, i + 1, 0, 0) for i in range(N)])
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 * se  # neighbouring customers


def test_a_customers_draws_do_not_depend_on_which_were_asked_for_before() -> None:
    import simulator

    scenario = simulator.load_experiment(overrides=["runs=2"]).scenarios[0].compile()
    tables = scenario.pipelines
    assert tables is not None and tables.retention
    kernels = customer_kernels(tables)
    assert kernels.codes.shape[0] == 2 * kernels.renewal_stages + 4 + 3 * kernels.expansion_stages
    luck = CustomerLuck(scenario, 11, 3)
    late = luck.of(0, 1234).expansion_effort(1, 40)  # a row no pre-drawn chunk held
    early = [luck.of(-1, 5).renewal_effort(0, t) for t in range(3)]
    assert luck.of(0, 1234).expansion_effort(1, 40) == late
    assert [CustomerLuck(scenario, 11, 3).of(-1, 5).renewal_effort(0, t) for t in range(3)] == early
    assert luck.base == luck_base(11, 3) != luck_base(11, 4)
    churn = np.array([luck.of(0, i).churn_draw(0) for i in range(4000)])
    assert stats.kstest(churn, "uniform").pvalue > 1e-3


CHECK_WARM_UP = """
import simulator
from simulator.engines.choice import warm_up
from simulator.model import customer_luck
scenarios = [spec.compile() for spec in simulator.load_experiment(overrides=["runs=2"]).scenarios]
assert not customer_luck.customer_draw.signatures
warm_up(scenarios, "simpy")
kernels = customer_luck.customer_kernels(scenarios[0].pipelines)
args = (kernels.codes, kernels.params, customer_luck.luck_base(1, 0), -1, 0, 1, 0)
types = tuple(customer_luck.customer_draw.typeof_pyval(a) for a in args)
print(types in customer_luck.customer_draw.signatures)
"""


def test_the_parent_compiles_the_keyed_draws_the_simpy_engine_calls_before_workers_start() -> None:
    import subprocess
    import sys

    found = subprocess.run([sys.executable, "-c", CHECK_WARM_UP], capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.strip() == "True"
