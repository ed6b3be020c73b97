"""Counter-based draws: each random number a pure function of its keys, computed where it is used.

Luck drawn in batches from a sequential stream must be drawn in full before any of it is
read: the customer book drew every row a customer might use (each renewal term, check-in
and expansion) for 128 customers at a time, most of it never read. Here a draw is
``value(code, params, key)``: the key is a 64-bit hash of whatever names the draw (seed,
replication, purpose, customer, quantity, stage, row), so any draw can be computed alone,
in any order, by either engine, and equals itself every time.

The hash chains SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
pseudorandom number generators", OOPSLA 2014), which passes BigCrush as a generator of a
counter; sub-draws of one value (the two uniforms of a Box-Muller normal, the tries of a
gamma's rejection) hash the value's key with their index. Each distribution code of
:mod:`simulator.model.sampling` is sampled with the same parameters and the same
degenerate cases (a zero-width triangle or PERT range, a lognormal with ``sigma == 0``
give their constant):

- exponential, triangular, uniform and empirical by the inverse of their CDF;
- lognormal through a Box-Muller normal;
- gamma by Marsaglia and Tsang's method ("A simple method for generating gamma
  variables", ACM TOMS 26(3), 2000), with ``U**(1/shape)`` boosting below shape 1;
- PERT as ``low + width * X / (X + Y)``, X and Y gammas of the PERT's beta shapes.

``tests/test_keyed_sampling.py`` checks every code against its distribution
(Kolmogorov-Smirnov, scipy's CDFs) and the independence of neighbouring keys.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, uint64

from simulator.model.sampling import CONSTANT, EMPIRICAL, EXPONENTIAL, GAMMA, LOGNORMAL, PERT, TRIANGULAR, UNIFORM

_GOLDEN = uint64(0x9E3779B97F4A7C15)
_M1 = uint64(0xBF58476D1CE4E5B9)
_M2 = uint64(0x94D049BB133111EB)
_TWO_53 = 1.0 / 9007199254740992.0


@njit(cache=True)
def _finalise(z: Any) -> int:
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


@njit(cache=True)
def mix(key: Any, word: int) -> int:
    """The key of ``word`` under ``key``: a new, well-mixed 64-bit key (``word`` any int64).

    ``key`` is cast to uint64 first: a key that passed through Python as an int below 2**63
    arrives typed int64, and int64 with uint64 arithmetic would give floats.
    """
    return _finalise(uint64(key) + _GOLDEN * (uint64(word) + uint64(1)))


@njit(cache=True)
def root_key(seed: int, replication: int, purpose: int) -> int:
    """The key of one purpose of one replication of an experiment."""
    return mix(mix(mix(_finalise(_GOLDEN), seed), replication), purpose)


@njit(cache=True)
def unit(key: int, index: int) -> float:
    """The ``index``-th uniform of ``key``, in (0, 1) (never 0 or 1: logs and inverses stay finite)."""
    return (float(mix(key, index) >> uint64(11)) + 0.5) * _TWO_53


@njit(cache=True)
def normal(key: int, index: int) -> float:
    """A standard normal from uniforms ``index`` and ``index + 1`` of ``key`` (Box-Muller)."""
    radius = math.sqrt(-2.0 * math.log(unit(key, index)))
    return radius * math.cos(2.0 * math.pi * unit(key, index + 1))


@njit(cache=True)
def gamma(key: int, shape: float) -> float:
    """A gamma variate of unit scale (Marsaglia and Tsang); ``shape`` > 0."""
    boost = 1.0
    if shape < 1.0:
        boost = unit(key, 0) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    index = 1
    while True:
        x = normal(key, index)
        v = 1.0 + c * x
        u = unit(key, index + 2)
        index += 3
        if v <= 0.0:
            continue
        v = v * v * v
        if u < 1.0 - 0.0331 * x**4 or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v * boost


@njit(cache=True, inline="always")
def value(code: int, params: np.ndarray, key: int) -> float:
    """One draw of the distribution ``code`` (layouts of :func:`simulator.model.sampling.draw`) at ``key``."""
    if code == CONSTANT:
        return params[0]
    if code == EXPONENTIAL:
        return -params[0] * math.log(unit(key, 0))
    if code == LOGNORMAL:
        if params[1] == 0.0:
            return math.exp(params[0])
        return math.exp(params[0] + params[1] * normal(key, 0))
    if code == GAMMA:
        return gamma(key, params[0]) * params[1]
    if code == TRIANGULAR:
        low, mode, high = params[0], params[1], params[2]
        if low == high:
            return low
        u = unit(key, 0)
        cut = (mode - low) / (high - low)
        if u <= cut:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))
    if code == PERT:
        low, mode, high, lamb = params[0], params[1], params[2], params[3]
        width = high - low
        if width == 0.0:
            return low
        x = gamma(mix(key, 1), 1.0 + lamb * (mode - low) / width)
        y = gamma(mix(key, 2), 1.0 + lamb * (high - mode) / width)
        return low + width * x / (x + y)
    if code == UNIFORM:
        return params[0] + (params[1] - params[0]) * unit(key, 0)
    if code == EMPIRICAL:
        k = int(params[0])
        u = unit(key, 0)
        index = int(np.searchsorted(params[1 + k : 1 + 2 * k], u, side="right"))
        return params[1 + min(index, k - 1)]
    raise ValueError("keyed_sampling.value: unknown distribution code")


@njit(cache=True)
def values(code: int, params: np.ndarray, key: int, n: int) -> np.ndarray:
    """Draws at the keys ``mix(key, 0) .. mix(key, n - 1)`` (for tests and batches)."""
    out = np.empty(n)
    for i in range(n):
        out[i] = value(code, params, mix(key, i))
    return out
