"""Tests for :mod:`simulator.config.distributions`: spec parsing, errors, moments and round-trips."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from simulator.config.distributions import DEFAULT_PERT_LAMBDA, KINDS, MISSING, Z90, Distribution
from simulator.config.errors import ConfigError, shown
from simulator.model import sampling

KEY = "pipeline.stages.1.effort_hours"
N = 200_000
SEED = 7


def parse(spec: Any) -> Distribution:
    """Parse ``spec`` under the standard test key."""
    return Distribution.from_spec(spec, KEY)


def errors_of(spec: Any) -> ConfigError:
    """Parse ``spec`` expecting failure and return the error."""
    with pytest.raises(ConfigError) as info:
        parse(spec)
    return info.value


def issue_for(error: ConfigError, key: str) -> str:
    """Rendered text of the single issue reported for ``key``."""
    matching = [str(issue) for issue in error.issues if issue.key == key]
    assert len(matching) == 1, [str(issue) for issue in error.issues]
    return matching[0]


# ---------------------------------------------------------------- parsing every form


@pytest.mark.parametrize("spec", [3, 3.0, np.float64(3.0), {"dist": "constant", "value": 3}])
def test_constant_forms(spec: Any) -> None:
    """A bare number and {dist: constant} both give a constant."""
    assert parse(spec) == Distribution("constant", (3.0,))


def test_exponential() -> None:
    """Exponential keeps its mean."""
    assert parse({"dist": "exponential", "mean": 4}) == Distribution("exponential", (4.0,))


def test_lognormal_median_p90() -> None:
    """median/p90 map to mu = ln(median), sigma = ln(p90/median)/z90, and the quantiles come back."""
    d = parse({"dist": "lognormal", "median": 2.0, "p90": 5.0})
    assert d.kind == "lognormal"
    assert d.params == pytest.approx((math.log(2.0), math.log(2.5) / Z90))
    assert d.quantile(0.5) == pytest.approx(2.0)
    assert d.quantile(0.9) == pytest.approx(5.0)


def test_lognormal_mean_cv() -> None:
    """mean/cv give a lognormal whose analytic mean and cv are the inputs."""
    d = parse({"dist": "lognormal", "mean": 3.0, "cv": 0.8})
    assert d.mean == pytest.approx(3.0)
    assert d.std / d.mean == pytest.approx(0.8)


def test_lognormal_mean_cv_zero_is_degenerate() -> None:
    """cv = 0 is allowed and collapses to the mean."""
    d = parse({"dist": "lognormal", "mean": 3.0, "cv": 0})
    np.testing.assert_allclose(sampling.sample(d, np.random.default_rng(0), 4), 3.0)


def test_lognormal_mu_sigma() -> None:
    """The canonical mu/sigma form is accepted so resolved configs re-parse."""
    assert parse({"dist": "lognormal", "mu": 0.5, "sigma": 0.2}) == Distribution("lognormal", (0.5, 0.2))


def test_gamma_forms() -> None:
    """mean/cv becomes shape = 1/cv^2, scale = mean*cv^2; shape/scale passes through."""
    d = parse({"dist": "gamma", "mean": 6.0, "cv": 0.5})
    assert d.params == pytest.approx((4.0, 1.5))
    assert d.mean == pytest.approx(6.0)
    assert parse({"dist": "gamma", "shape": 2, "scale": 3}) == Distribution("gamma", (2.0, 3.0))


def test_triangular_pert_uniform() -> None:
    """Range distributions keep their bounds; PERT's lamb defaults to 4."""
    assert parse({"dist": "triangular", "low": 1, "mode": 2, "high": 6}).params == (1.0, 2.0, 6.0)
    assert parse({"dist": "pert", "low": 1, "mode": 2, "high": 6}).params == (
        1.0,
        2.0,
        6.0,
        DEFAULT_PERT_LAMBDA,
    )
    assert parse({"dist": "pert", "low": 1, "mode": 2, "high": 6, "lamb": 2}).params == (1.0, 2.0, 6.0, 2.0)
    assert parse({"dist": "uniform", "low": -1, "high": 1}).params == (-1.0, 1.0)


def test_empirical_forms() -> None:
    """Weights default to equal; given weights are kept unnormalised."""
    d = parse({"dist": "empirical", "values": [1, 2, 3]})
    assert d.values == (1.0, 2.0, 3.0)
    assert d.weights == (1.0, 1.0, 1.0)
    d = parse({"dist": "empirical", "values": [1, 2, 3], "weights": [2, 0, 6]})
    assert d.weights == (2.0, 0.0, 6.0)
    np.testing.assert_allclose(d.kernel_params(), [3.0, 1.0, 2.0, 3.0, 0.25, 0.25, 1.0])


def test_dist_name_is_case_insensitive() -> None:
    """'LogNormal' reads as lognormal."""
    assert parse({"dist": "LogNormal", "mu": 0, "sigma": 1}).kind == "lognormal"


def test_from_spec_passes_distribution_through() -> None:
    """An already parsed Distribution is returned unchanged."""
    d = Distribution("constant", (1.0,))
    assert Distribution.from_spec(d, KEY) is d


# ---------------------------------------------------------------- errors


def test_p90_not_above_median_message() -> None:
    """The documented example message, verbatim."""
    error = errors_of({"dist": "lognormal", "median": 2.0, "p90": 1.0})
    assert "pipeline.stages.1.effort_hours.p90 = 1: must be greater than median (2)" in str(error)
    error = errors_of({"dist": "lognormal", "median": 2.0, "p90": 2.0})
    assert "p90 = 2: must be greater than median (2)" in issue_for(error, f"{KEY}.p90")


def test_unknown_dist_lists_allowed_names() -> None:
    """An unknown name is echoed and every allowed name is listed."""
    text = issue_for(errors_of({"dist": "lognorm", "median": 1, "p90": 2}), f"{KEY}.dist")
    assert "'lognorm'" in text
    for kind in KINDS:
        assert kind in text


@pytest.mark.parametrize("spec", [{"mean": 1.0}, {}])
def test_missing_dist(spec: dict[str, Any]) -> None:
    """A mapping without 'dist' says it is required and what it may be."""
    text = issue_for(errors_of(spec), f"{KEY}.dist")
    assert "<missing>" in text and "required" in text and "lognormal" in text


@pytest.mark.parametrize("spec", ["fast", True, None, [1, 2]])
def test_non_number_non_mapping_spec(spec: Any) -> None:
    """Strings, booleans, None and lists are rejected at the key itself."""
    text = issue_for(errors_of(spec), KEY)
    assert f" = {shown(spec)}: " in text and "a number or a mapping" in text  # null and true, as YAML writes them


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_constant(value: float) -> None:
    """NaN and infinity are not usable constants."""
    assert "must be a finite number" in issue_for(errors_of(value), KEY)


def test_unknown_parameter_names_accepted_keys() -> None:
    """An unknown key names the distribution and every form it accepts."""
    text = issue_for(errors_of({"dist": "exponential", "mean": 1, "rate": 2}), f"{KEY}.rate")
    assert "= 2" in text and "not a parameter of exponential" in text and "mean" in text


def test_missing_parameter_names_required_keys() -> None:
    """Missing keys are reported one by one with the accepted forms."""
    error = errors_of({"dist": "lognormal", "median": 2.0})
    text = issue_for(error, f"{KEY}.p90")
    assert "<missing>" in text and "required" in text
    assert "median + p90" in text and "mean + cv" in text


def test_empty_mapping_reports_first_form() -> None:
    """With no parameters at all, the first form's keys are reported missing."""
    error = errors_of({"dist": "triangular"})
    assert {issue.key for issue in error.issues} == {f"{KEY}.low", f"{KEY}.mode", f"{KEY}.high"}
    assert all(issue.value is MISSING for issue in error.issues)


def test_mixed_forms_are_rejected() -> None:
    """Keys from two parameterisations cannot be combined."""
    error = errors_of({"dist": "lognormal", "median": 2.0, "p90": 5.0, "cv": 0.3})
    text = issue_for(error, f"{KEY}.cv")
    assert "cannot be combined with median + p90" in text


def test_non_numeric_values() -> None:
    """Each non-numeric parameter gets its own issue naming key and value."""
    error = errors_of({"dist": "triangular", "low": "one", "mode": True, "high": 3})
    assert "'one'" in issue_for(error, f"{KEY}.low")
    assert "must be a finite number" in issue_for(error, f"{KEY}.mode")


def test_yaml_exponent_string_hint() -> None:
    """'1e3' (a string under YAML 1.1) gets a hint on how to write it."""
    text = issue_for(errors_of({"dist": "exponential", "mean": "1e3"}), f"{KEY}.mean")
    assert "'1e3'" in text and "1.0e3" in text


@pytest.mark.parametrize(
    ("spec", "bad_key", "fragment"),
    [
        ({"dist": "exponential", "mean": -1}, "mean", "must be greater than 0"),
        ({"dist": "exponential", "mean": 0}, "mean", "must be greater than 0"),
        ({"dist": "lognormal", "median": -1, "p90": 2}, "median", "must be greater than 0"),
        ({"dist": "lognormal", "mean": -2, "cv": 0.5}, "mean", "must be greater than 0"),
        ({"dist": "lognormal", "mean": 2, "cv": -0.5}, "cv", "must be 0 or greater"),
        ({"dist": "lognormal", "mu": 0, "sigma": -1}, "sigma", "must be 0 or greater"),
        ({"dist": "gamma", "mean": -2, "cv": 0.5}, "mean", "must be greater than 0"),
        ({"dist": "gamma", "mean": 2, "cv": 0}, "cv", "must be greater than 0"),
        ({"dist": "gamma", "shape": 0, "scale": 1}, "shape", "must be greater than 0"),
        ({"dist": "triangular", "low": 1, "mode": 5, "high": 3}, "mode", "must lie within [low, high]"),
        ({"dist": "triangular", "low": 4, "mode": 4, "high": 3}, "high", "must be at least low (4)"),
        ({"dist": "pert", "low": 1, "mode": 2, "high": 3, "lamb": -1}, "lamb", "must be 0 or greater"),
        ({"dist": "uniform", "low": 2, "high": 1}, "high", "must be at least low (2)"),
        ({"dist": "empirical", "values": []}, "values", "non-empty list of numbers"),
        ({"dist": "empirical", "values": "1,2"}, "values", "non-empty list of numbers"),
        ({"dist": "empirical", "values": [1, "x"]}, "values.1", "must be a finite number"),
        ({"dist": "empirical", "values": [1, 2], "weights": [1]}, "weights", "one weight per value (2)"),
        ({"dist": "empirical", "values": [1, 2], "weights": [1, -1]}, "weights.1", "must be 0 or greater"),
        ({"dist": "empirical", "values": [1, 2], "weights": [0, 0]}, "weights", "must have a positive sum"),
    ],
)
def test_value_errors_name_key_value_and_rule(spec: dict[str, Any], bad_key: str, fragment: str) -> None:
    """Every domain check names the full key, the offending value and the rule."""
    error = errors_of(spec)
    text = issue_for(error, f"{KEY}.{bad_key}")
    assert text.startswith(f"{KEY}.{bad_key} = ")
    assert fragment in text
    assert KEY in str(error)


def test_all_issues_reported_together() -> None:
    """Several problems in one spec come back in one ConfigError."""
    error = errors_of({"dist": "triangular", "low": 5, "mode": 1, "high": 2, "peak": 3})
    assert f"{KEY}.peak" in {issue.key for issue in error.issues}
    error = errors_of({"dist": "triangular", "low": 5, "mode": 1, "high": 2})
    assert {issue.key for issue in error.issues} == {f"{KEY}.high", f"{KEY}.mode"}
    assert "2 problems" in str(error)


# ---------------------------------------------------------------- moments, quantiles, kernels

EXAMPLES: list[dict[str, Any]] = [
    {"dist": "constant", "value": 2.5},
    {"dist": "exponential", "mean": 3.0},
    {"dist": "lognormal", "median": 2.0, "p90": 4.0},
    {"dist": "lognormal", "mean": 5.0, "cv": 0.4},
    {"dist": "gamma", "mean": 6.0, "cv": 0.5},
    {"dist": "gamma", "shape": 0.5, "scale": 2.0},
    {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
    {"dist": "triangular", "low": 1.0, "mode": 1.0, "high": 6.0},
    {"dist": "pert", "low": 1.0, "mode": 2.0, "high": 6.0},
    {"dist": "pert", "low": 3.0, "mode": 3.0, "high": 3.0},
    {"dist": "uniform", "low": -1.0, "high": 3.0},
    {"dist": "empirical", "values": [1.0, 5.0, 9.0], "weights": [3.0, 1.0, 1.0]},
]


def example_id(spec: dict[str, Any]) -> str:
    """Readable test id such as ``lognormal-median-p90``."""
    return "-".join([str(spec["dist"]), *[k for k in spec if k != "dist"][:2]])


@pytest.mark.parametrize("spec", EXAMPLES, ids=example_id)
def test_sample_moments_match_analytic(spec: dict[str, Any]) -> None:
    """Sample mean within 4 SE of ``mean``; sample variance within 5 SE of ``variance``."""
    d = parse(spec)
    sample = sampling.sample(d, np.random.default_rng(SEED), N)
    assert sample.shape == (N,)
    se_mean = math.sqrt(d.variance / N)
    assert abs(sample.mean() - d.mean) <= 4 * se_mean + 1e-9
    centred = sample - d.mean
    se_var = math.sqrt(max(float(np.mean(centred**4)) - d.variance**2, 0.0) / N)
    assert abs(float(np.mean(centred**2)) - d.variance) <= 5 * se_var + 1e-9


SCIPY_REFERENCE: list[tuple[dict[str, Any], Any]] = [
    ({"dist": "exponential", "mean": 3.0}, stats.expon(scale=3.0)),
    ({"dist": "lognormal", "mu": 0.3, "sigma": 0.6}, stats.lognorm(s=0.6, scale=math.exp(0.3))),
    ({"dist": "gamma", "shape": 2.0, "scale": 1.5}, stats.gamma(2.0, scale=1.5)),
    ({"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0}, stats.triang(0.2, loc=1.0, scale=5.0)),
    ({"dist": "pert", "low": 1.0, "mode": 2.0, "high": 6.0}, stats.beta(1.8, 4.2, loc=1.0, scale=5.0)),
    ({"dist": "uniform", "low": -1.0, "high": 3.0}, stats.uniform(loc=-1.0, scale=4.0)),
]


@pytest.mark.parametrize(("spec", "frozen"), SCIPY_REFERENCE, ids=[s["dist"] for s, _ in SCIPY_REFERENCE])
def test_moments_and_quantiles_match_scipy(spec: dict[str, Any], frozen: Any) -> None:
    """Analytic mean, variance and quantiles agree with SciPy's implementation."""
    d = parse(spec)
    assert d.mean == pytest.approx(frozen.mean())
    assert d.variance == pytest.approx(frozen.var())
    for q in (0.0, 0.01, 0.25, 0.5, 0.9, 0.999, 1.0):  # the ends in closed form (no SciPy import)
        assert d.quantile(q) == pytest.approx(frozen.ppf(q), rel=1e-9, abs=1e-12)


def test_quantile_edge_cases() -> None:
    """Constants, degenerate ranges and empirical steps give sensible quantiles; bad q raises."""
    assert parse(4.0).quantile(0.3) == 4.0
    assert parse({"dist": "pert", "low": 2, "mode": 2, "high": 2}).quantile(0.7) == 2.0
    assert parse({"dist": "exponential", "mean": 1}).quantile(1.0) == math.inf
    emp = parse({"dist": "empirical", "values": [9, 1, 5], "weights": [1, 3, 0]})
    assert emp.quantile(0.0) == 1.0
    assert emp.quantile(0.75) == 1.0
    assert emp.quantile(0.76) == 9.0
    with pytest.raises(ValueError, match="within"):
        emp.quantile(1.5)


@pytest.mark.parametrize("spec", EXAMPLES, ids=example_id)
def test_to_spec_round_trips(spec: dict[str, Any]) -> None:
    """Writing the canonical spec and parsing it again gives an equal Distribution."""
    d = parse(spec)
    written = d.to_spec()
    assert written["dist"] == d.kind
    assert parse(written) == d


@pytest.mark.parametrize("spec", EXAMPLES, ids=example_id)
def test_kernel_interface(spec: dict[str, Any]) -> None:
    """kernel_code/kernel_params feed sampling.draw and sample() is exactly that call."""
    d = parse(spec)
    assert sampling.CODE_NAMES[d.kernel_code()] == d.kind
    params = d.kernel_params()
    assert params.dtype == np.float64 and params.ndim == 1
    direct = sampling.draw(np.random.default_rng(3), d.kernel_code(), params, 50)
    np.testing.assert_array_equal(sampling.sample(d, np.random.default_rng(3), 50), direct)


def test_distribution_is_frozen_and_hashable() -> None:
    """Distributions are immutable values usable as dict keys."""
    d = parse({"dist": "uniform", "low": 0, "high": 1})
    with pytest.raises(AttributeError):
        d.kind = "constant"  # type: ignore[misc]
    assert {d: 1}[parse({"dist": "uniform", "low": 0.0, "high": 1.0})] == 1


def test_config_kernel_codes_are_the_sampling_kernels_codes() -> None:
    """The kind -> code table of the config layer is the one the Numba kernels dispatch on."""
    from simulator.config.distributions import KERNEL_CODES

    assert {code: kind for kind, code in KERNEL_CODES.items()} == sampling.CODE_NAMES


def test_text_is_shown_as_yaml_reads_it_back() -> None:
    from simulator.config.errors import shown

    assert shown("C:\\tmp") == "'C:\\tmp'"  # one backslash, as written: not Python's 'C:\\\\tmp'
    assert shown("it's") == "'it''s'"
    assert shown({"product": ["cor", "null", "a b"]}) == "{product: [cor, 'null', 'a b']}"  # bare words bare
    assert shown({"to": "any_pod", "wait_days": 3.0}) == "{to: any_pod, wait_days: 3}"
    assert shown("plattform") == "'plattform'"  # alone, text stays quoted: it was read as text
