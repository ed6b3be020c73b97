"""Numba kernels that draw batches of random numbers for the simulation engine.

Every kernel is a pure function: arrays and scalars in, a fresh array out. All
randomness comes from a :class:`numpy.random.Generator` that the caller passes
in, so a run is reproducible from its seed alone and parallel workers can hold
independent streams. Numba's Generator support ports NumPy's own algorithms, so
for the same seed these kernels return the same draws as the matching
``Generator`` methods and they advance the caller's Generator state exactly as
NumPy would.

Degenerate parameters (a zero-width triangle or PERT range, a lognormal with
``sigma == 0``) return the constant the distribution collapses to and consume no
random numbers, rather than raising inside compiled code.

Kernels are compiled with ``cache=True``; call :func:`warm_up` once in the parent
process so worker processes load the on-disk cache instead of each compiling.
Arguments should keep stable types (Python ``int`` or ``np.int64`` for counts
and codes, C-contiguous float64 arrays for parameters) so Numba reuses one
compiled specialisation.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

from simulator.config.distributions import Distribution

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CONSTANT = 0
EXPONENTIAL = 1
LOGNORMAL = 2
GAMMA = 3
TRIANGULAR = 4
PERT = 5
UNIFORM = 6
EMPIRICAL = 7

CODE_NAMES: dict[int, str] = {
    CONSTANT: "constant",
    EXPONENTIAL: "exponential",
    LOGNORMAL: "lognormal",
    GAMMA: "gamma",
    TRIANGULAR: "triangular",
    PERT: "pert",
    UNIFORM: "uniform",
    EMPIRICAL: "empirical",
}


@njit(cache=True)
def draw_constant(value: float, n: int) -> FloatArray:
    """Return ``n`` copies of ``value`` as float64; takes no Generator because it draws nothing."""
    return np.full(n, float(value), dtype=np.float64)


@njit(cache=True)
def draw_exponential(gen: np.random.Generator, mean: float, n: int) -> FloatArray:
    """Draw ``n`` exponential variates with the given mean (NumPy's ``scale``)."""
    return gen.exponential(mean, n)


@njit(cache=True)
def draw_lognormal(gen: np.random.Generator, mu: float, sigma: float, n: int) -> FloatArray:
    """Draw ``n`` lognormal variates; ``mu`` and ``sigma`` belong to the underlying normal.

    ``sigma == 0`` returns ``exp(mu)`` without consuming random numbers.
    """
    if sigma == 0.0:
        return draw_constant(np.exp(mu), n)
    return gen.lognormal(mu, sigma, n)


@njit(cache=True)
def draw_gamma(gen: np.random.Generator, shape: float, scale: float, n: int) -> FloatArray:
    """Draw ``n`` gamma variates with shape ``k`` and scale ``theta`` (mean ``k * theta``)."""
    return gen.gamma(shape, scale, n)


@njit(cache=True)
def draw_triangular(gen: np.random.Generator, low: float, mode: float, high: float, n: int) -> FloatArray:
    """Draw ``n`` triangular variates on ``[low, high]`` peaking at ``mode``.

    ``low == high`` returns the constant ``low`` (NumPy itself would raise).
    """
    if low == high:
        return draw_constant(low, n)
    return gen.triangular(low, mode, high, n)


@njit(cache=True)
def draw_pert(gen: np.random.Generator, low: float, mode: float, high: float, lamb: float, n: int) -> FloatArray:
    """Draw ``n`` PERT variates: a Beta scaled onto ``[low, high]``.

    The Beta shapes are ``alpha = 1 + lamb * (mode - low) / (high - low)`` and
    ``beta = 1 + lamb * (high - mode) / (high - low)``; ``lamb`` (classically 4)
    sets how strongly the mass concentrates around ``mode``. ``low == high``
    returns the constant ``low``.
    """
    width = high - low
    if width == 0.0:
        return draw_constant(low, n)
    alpha = 1.0 + lamb * (mode - low) / width
    beta = 1.0 + lamb * (high - mode) / width
    return low + width * gen.beta(alpha, beta, n)


@njit(cache=True)
def draw_uniform(gen: np.random.Generator, low: float, high: float, n: int) -> FloatArray:
    """Draw ``n`` uniform variates on ``[low, high)``."""
    return gen.uniform(low, high, n)


@njit(cache=True)
def draw_normal(gen: np.random.Generator, mean: float, sd: float, n: int) -> FloatArray:
    """Draw ``n`` normal variates (rep skill on the logit scale); ``sd == 0`` gives the mean."""
    if sd <= 0.0:
        return np.full(n, mean)
    return gen.normal(mean, sd, n)


@njit(cache=True)
def draw_empirical(gen: np.random.Generator, values: FloatArray, cum_weights: FloatArray, n: int) -> FloatArray:
    """Draw ``n`` values from a discrete distribution given by cumulative weights.

    ``cum_weights`` is non-decreasing and ends at 1.0; value ``i`` is drawn with
    probability ``cum_weights[i] - cum_weights[i - 1]``, so zero-weight values
    are never drawn. The index is clamped in case rounding leaves the last
    cumulative weight a hair below 1.0.
    """
    u = gen.random(n)
    idx = np.searchsorted(cum_weights, u, side="right")
    last = values.shape[0] - 1
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        out[i] = values[min(idx[i], last)]
    return out


@njit(cache=True)
def uniforms(gen: np.random.Generator, n: int) -> FloatArray:
    """Draw ``n`` standard uniforms on ``[0, 1)``, e.g. for Bernoulli stage conversions."""
    return gen.random(n)


@njit(cache=True)
def poisson_counts(gen: np.random.Generator, means: FloatArray) -> IntArray:
    """Draw one Poisson count per entry of ``means`` (e.g. lead arrivals per period), as int64."""
    out = np.empty(means.shape[0], dtype=np.int64)
    for i in range(means.shape[0]):
        out[i] = gen.poisson(means[i])
    return out


@njit(cache=True)
def _require(params: FloatArray, count: int) -> None:
    """Raise if ``params`` is shorter than the layout of the requested distribution."""
    if params.shape[0] < count:
        raise ValueError("sampling.draw: params array is too short for this distribution code")


@njit(cache=True)
def _draw_empirical_packed(gen: np.random.Generator, params: FloatArray, n: int) -> FloatArray:
    """Unpack ``[k, v1..vk, cw1..cwk]`` and draw from it."""
    _require(params, 1)
    k = int(params[0])
    if k < 1:
        raise ValueError("sampling.draw: empirical distribution needs at least one value")
    _require(params, 1 + 2 * k)
    values = params[1 : 1 + k].copy()
    cum_weights = params[1 + k : 1 + 2 * k].copy()
    return draw_empirical(gen, values, cum_weights, n)


@njit(cache=True)
def draw(gen: np.random.Generator, code: int, params: FloatArray, n: int) -> FloatArray:
    """Draw ``n`` variates of the distribution identified by ``code``.

    Args:
        gen: The caller's Generator; its state advances.
        code: One of the module's distribution codes.
        params: 1-D float64 array laid out per code: CONSTANT ``[value]``;
            EXPONENTIAL ``[mean]``; LOGNORMAL ``[mu, sigma]``; GAMMA ``[shape, scale]``;
            TRIANGULAR ``[low, mode, high]``; PERT ``[low, mode, high, lamb]``;
            UNIFORM ``[low, high]``; EMPIRICAL ``[k, v1..vk, cw1..cwk]``.
        n: Number of draws.

    Returns:
        A float64 array of ``n`` draws.

    Raises:
        ValueError: Unknown code or a params array too short for it.
    """
    if code == CONSTANT:
        _require(params, 1)
        return draw_constant(params[0], n)
    if code == EXPONENTIAL:
        _require(params, 1)
        return draw_exponential(gen, params[0], n)
    if code == LOGNORMAL:
        _require(params, 2)
        return draw_lognormal(gen, params[0], params[1], n)
    if code == GAMMA:
        _require(params, 2)
        return draw_gamma(gen, params[0], params[1], n)
    if code == TRIANGULAR:
        _require(params, 3)
        return draw_triangular(gen, params[0], params[1], params[2], n)
    if code == PERT:
        _require(params, 4)
        return draw_pert(gen, params[0], params[1], params[2], params[3], n)
    if code == UNIFORM:
        _require(params, 2)
        return draw_uniform(gen, params[0], params[1], n)
    if code == EMPIRICAL:
        return _draw_empirical_packed(gen, params, n)
    raise ValueError("sampling.draw: unknown distribution code")


def draw_array(gen: np.random.Generator, code: int, params: FloatArray, n: int) -> FloatArray:
    """The same ``n`` draws as :func:`draw`, made from Python by NumPy's own Generator methods.

    For batches drawn outside compiled code: a compiled call that takes a Generator
    spends about 15 microseconds unboxing it, more than a batch of a hundred draws
    costs. Bit-identical to :func:`draw` and leaves the Generator in the same state
    (``tests/test_sampling.py`` checks every code). Same layouts and errors as
    :func:`draw`.
    """
    minimum = {CONSTANT: 1, EXPONENTIAL: 1, LOGNORMAL: 2, GAMMA: 2, TRIANGULAR: 3, PERT: 4, UNIFORM: 2, EMPIRICAL: 1}
    if code not in minimum:
        raise ValueError("sampling.draw: unknown distribution code")
    if params.shape[0] < minimum[code]:
        raise ValueError("sampling.draw: params array is too short for this distribution code")
    if code == CONSTANT:
        return np.full(n, float(params[0]))
    if code == EXPONENTIAL:
        return gen.exponential(params[0], n)
    if code == LOGNORMAL:
        if params[1] == 0.0:
            return np.full(n, math.exp(params[0]))
        return gen.lognormal(params[0], params[1], n)
    if code == GAMMA:
        return gen.gamma(params[0], params[1], n)
    if code == TRIANGULAR:
        if params[0] == params[2]:
            return np.full(n, float(params[0]))
        return gen.triangular(params[0], params[1], params[2], n)
    if code == PERT:
        low, mode, high, lamb = (float(v) for v in params[:4])
        width = high - low
        if width == 0.0:
            return np.full(n, low)
        alpha = 1.0 + lamb * (mode - low) / width
        beta = 1.0 + lamb * (high - mode) / width
        return low + width * gen.beta(alpha, beta, n)
    if code == UNIFORM:
        return gen.uniform(params[0], params[1], n)
    k = int(params[0])
    if k < 1:
        raise ValueError("sampling.draw: empirical distribution needs at least one value")
    if params.shape[0] < 1 + 2 * k:
        raise ValueError("sampling.draw: params array is too short for this distribution code")
    values, cum_weights = params[1 : 1 + k], params[1 + k : 1 + 2 * k]
    index = np.minimum(np.searchsorted(cum_weights, gen.random(n), side="right"), k - 1)
    return values[index].astype(np.float64)


def uniform_array(gen: np.random.Generator, n: int) -> FloatArray:
    """The same ``n`` uniforms as :func:`uniforms`, drawn from Python (see :func:`draw_array`)."""
    result: FloatArray = gen.random(n)
    return result


_WARM_UP_PARAMS: dict[int, list[float]] = {
    CONSTANT: [1.0],
    EXPONENTIAL: [1.0],
    LOGNORMAL: [0.0, 0.5],
    GAMMA: [2.0, 1.0],
    TRIANGULAR: [0.0, 0.5, 1.0],
    PERT: [0.0, 0.5, 1.0, 4.0],
    UNIFORM: [0.0, 1.0],
    EMPIRICAL: [2.0, 1.0, 2.0, 0.5, 1.0],
}


def warm_up() -> None:
    """Compile (or load from cache) every kernel once on tiny inputs.

    Call in the parent process before starting workers, so workers find the
    on-disk cache populated instead of racing to compile the same kernels. Uses
    its own throwaway Generator; it does not touch any simulation stream.
    """
    gen = np.random.default_rng(0)
    n = 2
    draw_constant(1.0, n)
    draw_exponential(gen, 1.0, n)
    draw_lognormal(gen, 0.0, 0.5, n)
    draw_gamma(gen, 2.0, 1.0, n)
    draw_triangular(gen, 0.0, 0.5, 1.0, n)
    draw_pert(gen, 0.0, 0.5, 1.0, 4.0, n)
    draw_uniform(gen, 0.0, 1.0, n)
    draw_normal(gen, 0.0, 1.0, n)
    draw_empirical(gen, np.array([1.0, 2.0]), np.array([0.5, 1.0]), n)
    uniforms(gen, n)
    poisson_counts(gen, np.array([1.0, 2.0]))
    for code, params in _WARM_UP_PARAMS.items():
        draw(gen, code, np.array(params, dtype=np.float64), n)


def sample(distribution: Distribution, gen: np.random.Generator, n: int) -> FloatArray:
    """Draw ``n`` variates of a config :class:`Distribution` with the caller's Generator (whose state advances)."""
    return draw(gen, distribution.kernel_code(), distribution.kernel_params(), int(n))
