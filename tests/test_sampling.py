"""Tests for the Numba sampling kernels in :mod:`simulator.model.sampling`.

Each kernel is checked against NumPy's own Generator methods with the same seed
(Numba ports NumPy's algorithms, so draws match exactly), plus a moment check
and a Kolmogorov-Smirnov test against SciPy so a mismatch in *both* places
(e.g. a wrong parameterisation) is still caught. The whole module also runs
with ``NUMBA_DISABLE_JIT=1`` in a subprocess, so the pure-Python path the
kernels fall back to under a debugger stays correct; that run uses a smaller
sample size to stay fast.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from simulator.model import sampling

JIT_DISABLED = os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")
N = 20_000 if JIT_DISABLED else 200_000
SEED = 20240611
KS_ALPHA = 1e-3

FloatArray = npt.NDArray[np.float64]


def rng(seed: int = SEED) -> np.random.Generator:
    """Fresh Generator; every test builds its own so tests stay order-independent."""
    return np.random.default_rng(seed)


def assert_mean_close(sample: FloatArray, mean: float, variance: float) -> None:
    """Sample mean within 4 standard errors of the analytic mean."""
    se = math.sqrt(variance / sample.size)
    assert abs(sample.mean() - mean) <= 4 * se + 1e-12, (sample.mean(), mean, se)


def assert_ks(sample: FloatArray, frozen: Any) -> None:
    """KS test does not reject the reference distribution at level KS_ALPHA."""
    result = stats.kstest(sample, frozen.cdf)
    assert result.pvalue > KS_ALPHA, result


# ---------------------------------------------------------------- exact match with NumPy


EXACT_CASES: list[
    tuple[str, Callable[[np.random.Generator], FloatArray], Callable[[np.random.Generator], FloatArray]]
] = [
    (
        "exponential",
        lambda g: sampling.draw_exponential(g, 2.5, N),
        lambda g: g.exponential(2.5, N),
    ),
    (
        "lognormal",
        lambda g: sampling.draw_lognormal(g, 0.7, 0.4, N),
        lambda g: g.lognormal(0.7, 0.4, N),
    ),
    ("gamma", lambda g: sampling.draw_gamma(g, 2.5, 1.5, N), lambda g: g.gamma(2.5, 1.5, N)),
    (
        "gamma_small_shape",
        lambda g: sampling.draw_gamma(g, 0.4, 3.0, N),
        lambda g: g.gamma(0.4, 3.0, N),
    ),
    (
        "triangular",
        lambda g: sampling.draw_triangular(g, 1.0, 2.0, 6.0, N),
        lambda g: g.triangular(1.0, 2.0, 6.0, N),
    ),
    (
        "pert",
        lambda g: sampling.draw_pert(g, 1.0, 2.0, 6.0, 4.0, N),
        lambda g: 1.0 + 5.0 * g.beta(1.0 + 4.0 * 1.0 / 5.0, 1.0 + 4.0 * 4.0 / 5.0, N),
    ),
    ("uniform", lambda g: sampling.draw_uniform(g, -2.0, 3.0, N), lambda g: g.uniform(-2.0, 3.0, N)),
    ("uniforms", lambda g: sampling.uniforms(g, N), lambda g: g.random(N)),
]


@pytest.mark.parametrize(("name", "kernel", "reference"), EXACT_CASES, ids=[c[0] for c in EXACT_CASES])
def test_kernel_matches_numpy_generator(
    name: str,
    kernel: Callable[[np.random.Generator], FloatArray],
    reference: Callable[[np.random.Generator], FloatArray],
) -> None:
    """Same seed gives the same draws as NumPy and leaves the Generator in the same state."""
    gen_kernel, gen_reference = rng(), rng()
    got = kernel(gen_kernel)
    expected = reference(gen_reference)
    assert got.dtype == np.float64
    assert got.shape == (N,)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    assert gen_kernel.random() == gen_reference.random()


def test_empirical_matches_searchsorted_reference() -> None:
    """Empirical draws equal a plain NumPy searchsorted over the same uniforms."""
    values = np.array([10.0, 20.0, 30.0, 40.0])
    cum_weights = np.array([0.1, 0.1, 0.6, 1.0])
    got = sampling.draw_empirical(rng(), values, cum_weights, N)
    u = rng().random(N)
    expected = values[np.minimum(np.searchsorted(cum_weights, u, side="right"), values.size - 1)]
    np.testing.assert_array_equal(got, expected)


def test_poisson_counts_match_numpy() -> None:
    """Arrival counts equal NumPy's vectorised Poisson draws, including a zero mean."""
    means = np.tile(np.array([0.0, 0.3, 2.0, 15.0, 250.0]), 200)
    got = sampling.poisson_counts(rng(), means)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, rng().poisson(means))


# ---------------------------------------------------------------- moments and KS against SciPy


MOMENT_CASES: list[tuple[str, Callable[[np.random.Generator], FloatArray], Any]] = [
    ("exponential", lambda g: sampling.draw_exponential(g, 2.5, N), stats.expon(scale=2.5)),
    (
        "lognormal",
        lambda g: sampling.draw_lognormal(g, 0.7, 0.4, N),
        stats.lognorm(s=0.4, scale=math.exp(0.7)),
    ),
    ("gamma", lambda g: sampling.draw_gamma(g, 2.5, 1.5, N), stats.gamma(2.5, scale=1.5)),
    (
        "triangular",
        lambda g: sampling.draw_triangular(g, 1.0, 2.0, 6.0, N),
        stats.triang(c=0.2, loc=1.0, scale=5.0),
    ),
    (
        "pert",
        lambda g: sampling.draw_pert(g, 1.0, 2.0, 6.0, 4.0, N),
        stats.beta(1.8, 4.2, loc=1.0, scale=5.0),
    ),
    (
        "pert_lamb0_is_uniform",
        lambda g: sampling.draw_pert(g, 1.0, 2.0, 6.0, 0.0, N),
        stats.uniform(loc=1.0, scale=5.0),
    ),
    ("uniform", lambda g: sampling.draw_uniform(g, -2.0, 3.0, N), stats.uniform(loc=-2.0, scale=5.0)),
]


@pytest.mark.parametrize(("name", "kernel", "frozen"), MOMENT_CASES, ids=[c[0] for c in MOMENT_CASES])
def test_kernel_moments_and_ks(name: str, kernel: Callable[[np.random.Generator], FloatArray], frozen: Any) -> None:
    """Sample mean within 4 SE of the SciPy mean and KS does not reject SciPy's CDF."""
    sample = kernel(rng())
    assert_mean_close(sample, float(frozen.mean()), float(frozen.var()))
    assert_ks(sample, frozen)


def test_empirical_frequencies() -> None:
    """Each value's frequency is within 4 SE of its probability; zero-weight values never appear."""
    values = np.array([10.0, 20.0, 30.0, 40.0])
    probs = np.array([0.1, 0.0, 0.5, 0.4])
    sample = sampling.draw_empirical(rng(), values, np.cumsum(probs), N)
    for value, p in zip(values, probs, strict=True):
        freq = float(np.mean(sample == value))
        assert abs(freq - p) <= 4 * math.sqrt(p * (1 - p) / N) + 1e-12, (value, freq, p)


def test_empirical_clamps_cumulative_weights_below_one() -> None:
    """A last cumulative weight rounded below 1.0 never indexes past the last value."""
    values = np.array([1.0, 2.0])
    sample = sampling.draw_empirical(rng(), values, np.array([0.5, 0.5]), 1000)
    assert set(np.unique(sample)) <= {1.0, 2.0}
    assert np.any(sample == 2.0)


def test_poisson_counts_mean() -> None:
    """Mean Poisson count is within 4 SE of the requested mean."""
    counts = sampling.poisson_counts(rng(), np.full(N, 3.7))
    assert_mean_close(counts.astype(np.float64), 3.7, 3.7)


# ---------------------------------------------------------------- degenerate inputs


@pytest.mark.parametrize(
    ("name", "kernel", "expected"),
    [
        ("triangular_zero_width", lambda g: sampling.draw_triangular(g, 3.0, 3.0, 3.0, 5), 3.0),
        ("pert_zero_width", lambda g: sampling.draw_pert(g, 3.0, 3.0, 3.0, 4.0, 5), 3.0),
        ("lognormal_sigma0", lambda g: sampling.draw_lognormal(g, 0.5, 0.0, 5), math.exp(0.5)),
        ("constant", lambda g: sampling.draw_constant(7.0, 5), 7.0),
    ],
)
def test_degenerate_cases_return_constant(
    name: str, kernel: Callable[[np.random.Generator], FloatArray], expected: float
) -> None:
    """Collapsed distributions return their constant and consume no random numbers."""
    gen = rng()
    got = kernel(gen)
    np.testing.assert_array_equal(got, np.full(5, expected))
    assert gen.random() == rng().random()


def test_zero_draws_give_empty_arrays() -> None:
    """n == 0 is valid for every distribution code."""
    for code, params in sampling._WARM_UP_PARAMS.items():
        out = sampling.draw(rng(), code, np.array(params), 0)
        assert out.shape == (0,), sampling.CODE_NAMES[code]
    assert sampling.poisson_counts(rng(), np.empty(0)).shape == (0,)


# ---------------------------------------------------------------- dispatcher


DISPATCH_CASES: list[tuple[int, list[float], Callable[[np.random.Generator], FloatArray]]] = [
    (sampling.CONSTANT, [4.0], lambda g: sampling.draw_constant(4.0, 1000)),
    (sampling.EXPONENTIAL, [2.0], lambda g: sampling.draw_exponential(g, 2.0, 1000)),
    (sampling.LOGNORMAL, [0.1, 0.6], lambda g: sampling.draw_lognormal(g, 0.1, 0.6, 1000)),
    (sampling.GAMMA, [3.0, 0.5], lambda g: sampling.draw_gamma(g, 3.0, 0.5, 1000)),
    (sampling.TRIANGULAR, [0.0, 1.0, 4.0], lambda g: sampling.draw_triangular(g, 0.0, 1.0, 4.0, 1000)),
    (sampling.PERT, [0.0, 1.0, 4.0, 3.0], lambda g: sampling.draw_pert(g, 0.0, 1.0, 4.0, 3.0, 1000)),
    (sampling.UNIFORM, [1.0, 2.0], lambda g: sampling.draw_uniform(g, 1.0, 2.0, 1000)),
    (
        sampling.EMPIRICAL,
        [3.0, 5.0, 6.0, 7.0, 0.2, 0.7, 1.0],
        lambda g: sampling.draw_empirical(g, np.array([5.0, 6.0, 7.0]), np.array([0.2, 0.7, 1.0]), 1000),
    ),
]


@pytest.mark.parametrize(
    ("code", "params", "direct"), DISPATCH_CASES, ids=[sampling.CODE_NAMES[c[0]] for c in DISPATCH_CASES]
)
def test_draw_dispatches_to_kernel(
    code: int, params: list[float], direct: Callable[[np.random.Generator], FloatArray]
) -> None:
    """The generic dispatcher gives exactly the draws of the matching kernel."""
    got = sampling.draw(rng(), code, np.array(params, dtype=np.float64), 1000)
    np.testing.assert_array_equal(got, direct(rng()))


ARRAY_CASES: list[tuple[int, list[float]]] = [
    *[(code, params) for code, params, _ in DISPATCH_CASES],
    (sampling.LOGNORMAL, [2.3, 0.0]),  # degenerate: a constant, nothing drawn
    (sampling.LOGNORMAL, [-2.3, 1.9]),
    (sampling.GAMMA, [0.4, 2.0]),  # shape below 1: another branch of NumPy's algorithm
    (sampling.TRIANGULAR, [3.0, 3.0, 3.0]),
    (sampling.TRIANGULAR, [0.0, 0.0, 2.0]),
    (sampling.PERT, [5.0, 5.0, 5.0, 4.0]),
    (sampling.PERT, [0.0, 0.1, 9.0, 4.0]),
    (sampling.EMPIRICAL, [2.0, 1.0, 2.0, 0.5, 0.999999]),
]


@pytest.mark.parametrize(("code", "params"), ARRAY_CASES, ids=lambda c: str(c))
def test_draw_array_is_bit_identical_to_draw(code: int, params: list[float]) -> None:
    """The Python-side batch draws equal the compiled ones bit for bit and leave the same state."""
    for seed in range(20):
        compiled, python = np.random.default_rng(seed), np.random.default_rng(seed)
        for n in (0, 1, 7, 500):
            expected = sampling.draw(compiled, code, np.array(params, dtype=np.float64), n)
            got = sampling.draw_array(python, code, np.array(params, dtype=np.float64), n)
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got, expected)
        assert compiled.bit_generator.state == python.bit_generator.state


def test_draw_array_refuses_what_draw_refuses() -> None:
    """Unknown codes and short layouts raise the same errors as the compiled dispatcher."""
    with pytest.raises(ValueError, match="unknown distribution code"):
        sampling.draw_array(rng(), 99, np.array([1.0]), 3)
    with pytest.raises(ValueError, match="too short"):
        sampling.draw_array(rng(), sampling.PERT, np.array([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="too short"):
        sampling.draw_array(rng(), sampling.EMPIRICAL, np.array([3.0, 1.0, 2.0]), 3)


def test_code_names_cover_every_code() -> None:
    """CODE_NAMES maps the eight codes 0..7 to distinct names."""
    assert sorted(sampling.CODE_NAMES) == list(range(8))
    assert len(set(sampling.CODE_NAMES.values())) == 8


def test_draw_rejects_unknown_code() -> None:
    """An unknown code raises instead of silently returning garbage."""
    with pytest.raises(ValueError, match="unknown distribution code"):
        sampling.draw(rng(), 99, np.array([1.0]), 3)


def test_draw_rejects_short_params() -> None:
    """A params array shorter than the code's layout raises."""
    with pytest.raises(ValueError, match="too short"):
        sampling.draw(rng(), sampling.PERT, np.array([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="too short"):
        sampling.draw(rng(), sampling.EMPIRICAL, np.array([3.0, 1.0, 2.0]), 3)


# ---------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("code", sorted(sampling._WARM_UP_PARAMS), ids=lambda c: sampling.CODE_NAMES[c])
def test_same_seed_same_draws_different_seed_different_draws(code: int) -> None:
    """Draws are a pure function of the seed; consecutive calls advance the stream."""
    params = np.array(sampling._WARM_UP_PARAMS[code], dtype=np.float64)
    first = sampling.draw(rng(1), code, params, 500)
    np.testing.assert_array_equal(first, sampling.draw(rng(1), code, params, 500))
    if code == sampling.CONSTANT:
        return
    assert not np.array_equal(first, sampling.draw(rng(2), code, params, 500))
    gen = rng(1)
    sampling.draw(gen, code, params, 500)
    assert not np.array_equal(first, sampling.draw(gen, code, params, 500))


def test_poisson_and_uniforms_reproducible() -> None:
    """Arrival counts and uniforms also depend only on the seed."""
    means = np.full(300, 4.0)
    np.testing.assert_array_equal(sampling.poisson_counts(rng(1), means), sampling.poisson_counts(rng(1), means))
    assert not np.array_equal(sampling.poisson_counts(rng(1), means), sampling.poisson_counts(rng(2), means))
    np.testing.assert_array_equal(sampling.uniforms(rng(1), 300), sampling.uniforms(rng(1), 300))
    assert not np.array_equal(sampling.uniforms(rng(1), 300), sampling.uniforms(rng(2), 300))


def test_warm_up_runs() -> None:
    """warm_up compiles/loads every kernel without error."""
    sampling.warm_up()


# ---------------------------------------------------------------- pure-Python path


@pytest.mark.skipif(JIT_DISABLED, reason="already running with NUMBA_DISABLE_JIT; avoid recursion")
def test_module_passes_with_jit_disabled() -> None:
    """Re-run this module with NUMBA_DISABLE_JIT=1 so the interpreted fallback is tested too."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "pytest", str(Path(__file__).resolve()), "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_normal_kernel_matches_numpy() -> None:
    kernel = sampling.draw_normal(np.random.default_rng(42), 0.5, 0.3, 1000)
    reference = np.random.default_rng(42).normal(0.5, 0.3, 1000)
    np.testing.assert_array_equal(kernel, reference)
    np.testing.assert_array_equal(sampling.draw_normal(np.random.default_rng(1), 0.2, 0.0, 3), np.full(3, 0.2))
