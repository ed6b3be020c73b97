"""Distributions conditioned on a duration already elapsed: survival and conditional quantiles.

A deal open for ``a`` days whose remaining time follows a duration ``D`` has
``P(D > a) = S(a)`` and remaining time ``D - a`` given ``D > a``, drawn by inversion as
``F^-1(F(a) + u (1 - F(a))) - a`` with one uniform ``u``. Exact for every kernel kind
(empirical and constant by their steps; the others by SciPy's distribution functions).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.model import sampling
from simulator.model.kernel import Kernel


def empirical_steps(params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An empirical kernel's values in increasing order and their cumulative probabilities."""
    k = int(params[0])
    values, cum = params[1 : 1 + k], params[1 + k : 1 + 2 * k]
    order = np.argsort(values, kind="stable")
    probs = np.diff(np.concatenate(([0.0], cum)))[order]
    return values[order], np.cumsum(probs)


def _scipy(kernel: Kernel) -> Any:
    from scipy import stats

    p = kernel.params
    code = kernel.code
    if code == sampling.EXPONENTIAL:
        return stats.expon(scale=p[0])
    if code == sampling.LOGNORMAL:
        return stats.lognorm(s=max(p[1], 1e-12), scale=math.exp(p[0]))
    if code == sampling.GAMMA:
        return stats.gamma(p[0], scale=p[1])
    if code == sampling.TRIANGULAR:
        width = p[2] - p[0]
        return stats.triang((p[1] - p[0]) / width if width > 0 else 0.5, loc=p[0], scale=max(width, 1e-12))
    if code == sampling.PERT:
        width = max(p[2] - p[0], 1e-12)
        a = 1.0 + p[3] * (p[1] - p[0]) / width
        b = 1.0 + p[3] * (p[2] - p[1]) / width
        return stats.beta(a, b, loc=p[0], scale=width)
    if code == sampling.UNIFORM:
        return stats.uniform(loc=p[0], scale=max(p[1] - p[0], 1e-12))
    raise ValueError(f"unknown distribution code {code}")


def survival(kernel: Kernel, age: float, scale: float = 1.0) -> float:
    """``P(scale * D > age)`` for ``D`` of the kernel's distribution."""
    a = age / scale
    if kernel.code == sampling.CONSTANT:
        return 1.0 if kernel.params[0] > a else 0.0
    if kernel.code == sampling.EMPIRICAL:
        values, cum = empirical_steps(kernel.params)
        i = int(np.searchsorted(values, a, side="right"))
        return float(1.0 - cum[i - 1]) if i > 0 else 1.0
    return float(_scipy(kernel).sf(a))


def remaining(kernel: Kernel, age: float, u: float, scale: float = 1.0, upper: float = math.inf) -> float:
    """Remaining time ``scale * D - age`` given ``age < scale * D <= upper``, by inversion of the uniform ``u``.

    When that interval has no probability the remaining time is 0 (or ``upper - age`` if finite).
    """
    a, b = age / scale, upper / scale
    if kernel.code == sampling.CONSTANT:
        return max(float(kernel.params[0]) * scale - age, 0.0)
    if kernel.code == sampling.EMPIRICAL:
        values, cum = empirical_steps(kernel.params)
        inside = (values > a) & (values <= b)
        if not inside.any():
            return 0.0 if math.isinf(upper) else max(upper - age, 0.0)
        first = int(np.argmax(inside))
        last = int(len(values) - 1 - np.argmax(inside[::-1]))
        lo = float(cum[first - 1]) if first > 0 else 0.0
        target = lo + u * (float(cum[last]) - lo)
        i = min(max(int(np.searchsorted(cum, target, side="right")), first), last)
        return float(values[i]) * scale - age
    dist = _scipy(kernel)
    f_lo = float(dist.cdf(a))
    f_hi = 1.0 if math.isinf(b) else float(dist.cdf(b))
    if f_hi <= f_lo:
        return 0.0 if math.isinf(upper) else max(upper - age, 0.0)
    return max(float(dist.ppf(f_lo + u * (f_hi - f_lo))) * scale - age, 0.0)
