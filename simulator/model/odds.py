"""Probabilities and their log-odds: stage conversions add their effects on the logit scale.

Effects (rep skill, speed to lead, buying circle, product and pod shifts) add in logit
space, so they compose without leaving [0, 1]; these two functions go there and back.
"""

from __future__ import annotations

import math

from numba import njit


def logit(p: float) -> float:
    """Log-odds of a probability: conversions add effects in logit space (+-inf for 1 and 0)."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


def probability(logit: float) -> float:
    """The logistic function, exact at +-infinity and safe for large |logit|."""
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    e = math.exp(logit)
    return e / (1.0 + e)


# The same function compiled, for the fast engine's loop (one formula for both engines).
compiled_probability = njit(cache=True)(probability)
