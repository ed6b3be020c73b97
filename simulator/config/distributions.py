"""User-facing random distribution specs, parsed from YAML configs.

A :class:`Distribution` is a validated distribution in canonical parameters, as the
Numba kernels in :mod:`simulator.model.sampling` consume it, with its analytic mean,
variance and quantiles. :meth:`Distribution.from_spec` parses a config entry (a
bare number or a mapping such as ``{dist: lognormal, median: 2, p90: 5}``) through
:mod:`simulator.config.distribution_specs`, which documents every accepted form;
:meth:`Distribution.to_spec` writes the canonical form back out, so a resolved
config re-parses to an identical :class:`Distribution`.

In a config model, a distribution is a field of type :data:`DistributionField`::

    class StageConfig(ConfigModel):
        effort_hours: DistributionField
        delay_days: DistributionField = Distribution.constant(0.0)

It accepts a bare number or a ``{dist: ...}`` mapping, validates it through the union
of spec models discriminated on ``dist``, yields a :class:`Distribution`, dumps back to
the canonical mapping, and shows in the JSON Schema as "a number or one of the specs".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import GetCoreSchemaHandler, ValidatorFunctionWrapHandler
from pydantic_core import CoreSchema, core_schema

from simulator.config.distribution_forms import DEFAULT_PERT_LAMBDA, MISSING, Z90
from simulator.config.distribution_specs import (
    FORMS,
    KINDS,
    OVERFLOW,
    DistributionSpec,
    canonical_names,
    parse_spec,
)
from simulator.config.errors import ConfigError

__all__ = [
    "DEFAULT_PERT_LAMBDA",
    "FORMS",
    "KERNEL_CODES",
    "KINDS",
    "MISSING",
    "Z90",
    "Distribution",
    "DistributionField",
]

# The kernel code of each kind: the contract with the Numba kernels of
# :mod:`simulator.model.sampling`, which take these codes (a test checks they agree).
KERNEL_CODES: dict[str, int] = {
    "constant": 0,
    "exponential": 1,
    "lognormal": 2,
    "gamma": 3,
    "triangular": 4,
    "pert": 5,
    "uniform": 6,
    "empirical": 7,
}


@dataclass(frozen=True, slots=True)
class Distribution:
    """A validated distribution in canonical parameters.

    Attributes:
        kind: One of :data:`KINDS`.
        params: Canonical parameters for ``kind`` (see the table in :mod:`simulator.config.distribution_specs`).
        values: Support points of an empirical distribution; empty otherwise.
        weights: Unnormalised non-negative weights of ``values``; empty otherwise.
        written: The config entry it was parsed from, as the user wrote it (None when built
            in code); left out of equality and hashing.
    """

    kind: str
    params: tuple[float, ...]
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()
    written: Any = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | float | Distribution, key: str) -> Distribution:
        """Parse a config entry into a Distribution.

        Args:
            spec: A bare number (constant), a mapping with a ``dist`` key, or an
                already parsed Distribution (returned unchanged).
            key: Dotted config path of ``spec``, used to name offending keys.

        Returns:
            The validated distribution.

        Raises:
            ConfigError: With one issue per problem found.
        """
        if isinstance(spec, Distribution):
            return spec
        canonical = parse_spec(spec, key)
        written = dict(spec) if isinstance(spec, Mapping) else spec
        parsed = cls(canonical.kind, canonical.params, canonical.values, canonical.weights, written)
        try:
            moments = (parsed.mean, parsed.variance)
        except (ArithmeticError, ValueError):
            moments = (math.nan, math.nan)
        if not all(math.isfinite(m) for m in moments):
            raise ConfigError.single(key, dict(spec) if isinstance(spec, Mapping) else spec, OVERFLOW)
        return parsed

    @classmethod
    def constant(cls, value: float) -> Distribution:
        """Always ``value`` (a handy field default)."""
        return cls("constant", (float(value),))

    def kernel_code(self) -> int:
        """Return the :mod:`simulator.model.sampling` code for :func:`simulator.model.sampling.draw`."""
        return KERNEL_CODES[self.kind]

    def kernel_params(self) -> npt.NDArray[np.float64]:
        """Return the float64 parameter array in the layout :func:`simulator.model.sampling.draw` expects."""
        if self.kind != "empirical":
            return np.array(self.params, dtype=np.float64)
        k = len(self.values)
        return np.concatenate(([float(k)], np.array(self.values, dtype=np.float64), self._cum_probs()))

    @property
    def mean(self) -> float:
        """Analytic mean."""
        return _MEAN[self.kind](self)

    @property
    def variance(self) -> float:
        """Analytic variance."""
        return _VARIANCE[self.kind](self)

    @property
    def std(self) -> float:
        """Analytic standard deviation."""
        return math.sqrt(self.variance)

    def quantile(self, q: float) -> float:
        """Return the ``q``-quantile (inverse CDF; the smallest value with CDF >= q for empirical).

        Raises:
            ValueError: If ``q`` is outside ``[0, 1]``.
        """
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile level q = {q!r}: must be within [0, 1]")
        return _QUANTILE[self.kind](self, float(q))

    def to_spec(self) -> dict[str, Any]:
        """Return the canonical config mapping; ``from_spec`` of it gives back an equal Distribution."""
        if self.kind == "empirical":
            return {"dist": "empirical", "values": list(self.values), "weights": list(self.weights)}
        return {"dist": self.kind, **dict(zip(canonical_names(self.kind), self.params, strict=True))}

    def as_written(self) -> Any:
        """The config entry as the user wrote it (``{dist: lognormal, median: 20, p90: 500}``), for messages.

        The canonical mapping (:meth:`to_spec`) when the distribution was built in code.
        """
        return self.to_spec() if self.written is None else self.written

    def _probs(self) -> npt.NDArray[np.float64]:
        """Normalised empirical probabilities."""
        weights = np.array(self.weights, dtype=np.float64)
        probs: npt.NDArray[np.float64] = weights / weights.sum()
        return probs

    def _cum_probs(self) -> npt.NDArray[np.float64]:
        """Cumulative empirical probabilities, forced to end at exactly 1.0."""
        cum = np.cumsum(np.array(self.weights, dtype=np.float64))
        probs: npt.NDArray[np.float64] = cum / cum[-1]
        probs[-1] = 1.0
        return probs


class _AsDistribution:
    """Pydantic glue of :data:`DistributionField`: validate a spec, yield a Distribution, dump the canonical spec."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Validated by Distribution.from_spec; the JSON Schema shows a number or one of the spec models.
        spec_schema = handler.generate_schema(float | DistributionSpec)
        return core_schema.no_info_wrap_validator_function(
            _validate,
            spec_schema,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.to_spec()),
        )


def _validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Distribution:
    """Parse ``value`` with :meth:`Distribution.from_spec`; its ConfigError names keys relative to the field."""
    return Distribution.from_spec(value, "")


DistributionField = Annotated[Distribution, _AsDistribution()]
"""A config field holding a distribution: a bare number or a ``{dist: ...}`` mapping in, a Distribution out."""


# --------------------------------------------------------------------------- moments


def _pert_shapes(d: Distribution) -> tuple[float, float]:
    """Beta shape parameters ``(alpha, beta)`` of a non-degenerate PERT."""
    low, mode, high, lamb = d.params
    width = high - low
    return 1.0 + lamb * (mode - low) / width, 1.0 + lamb * (high - mode) / width


def _pert_mean(d: Distribution) -> float:
    """PERT mean ``low + width * alpha / (alpha + beta)``."""
    low, _, high, _ = d.params
    if high == low:
        return low
    a, b = _pert_shapes(d)
    return low + (high - low) * a / (a + b)


def _pert_variance(d: Distribution) -> float:
    """PERT variance, the scaled Beta variance."""
    low, _, high, _ = d.params
    if high == low:
        return 0.0
    a, b = _pert_shapes(d)
    return (high - low) ** 2 * a * b / ((a + b) ** 2 * (a + b + 1.0))


def _triangular_variance(d: Distribution) -> float:
    """Triangular variance ``(a^2 + b^2 + c^2 - ab - ac - bc) / 18``."""
    a, c, b = d.params
    return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0


def _empirical_mean(d: Distribution) -> float:
    """Probability-weighted mean of the support points."""
    return float(np.dot(d._probs(), np.array(d.values)))


def _empirical_variance(d: Distribution) -> float:
    """Probability-weighted variance of the support points."""
    deviations = np.array(d.values) - _empirical_mean(d)
    return float(np.dot(d._probs(), deviations * deviations))


def _lognormal_mean(d: Distribution) -> float:
    """``exp(mu + sigma^2 / 2)``."""
    mu, sigma = d.params
    return math.exp(mu + sigma * sigma / 2.0)


def _lognormal_variance(d: Distribution) -> float:
    """``(exp(sigma^2) - 1) * exp(2 mu + sigma^2)``."""
    mu, sigma = d.params
    return math.expm1(sigma * sigma) * math.exp(2.0 * mu + sigma * sigma)


_MEAN: dict[str, Callable[[Distribution], float]] = {
    "constant": lambda d: d.params[0],
    "exponential": lambda d: d.params[0],
    "lognormal": _lognormal_mean,
    "gamma": lambda d: d.params[0] * d.params[1],
    "triangular": lambda d: sum(d.params) / 3.0,
    "pert": _pert_mean,
    "uniform": lambda d: (d.params[0] + d.params[1]) / 2.0,
    "empirical": _empirical_mean,
}

_VARIANCE: dict[str, Callable[[Distribution], float]] = {
    "constant": lambda d: 0.0,
    "exponential": lambda d: d.params[0] ** 2,
    "lognormal": _lognormal_variance,
    "gamma": lambda d: d.params[0] * d.params[1] ** 2,
    "triangular": _triangular_variance,
    "pert": _pert_variance,
    "uniform": lambda d: (d.params[1] - d.params[0]) ** 2 / 12.0,
    "empirical": _empirical_variance,
}


# --------------------------------------------------------------------------- quantiles


def _exponential_quantile(d: Distribution, q: float) -> float:
    """``-mean * ln(1 - q)``."""
    return -d.params[0] * math.log1p(-q) if q < 1.0 else math.inf


def _lognormal_quantile(d: Distribution, q: float) -> float:
    """``exp(mu + sigma * z_q)``."""
    mu, sigma = d.params
    if sigma == 0.0:
        return math.exp(mu)
    if q in (0.0, 1.0):
        return 0.0 if q == 0.0 else math.inf
    return math.exp(mu + sigma * NormalDist().inv_cdf(q))


def _triangular_quantile(d: Distribution, q: float) -> float:
    """Closed-form inverse of the triangular CDF."""
    low, mode, high = d.params
    width = high - low
    if width == 0.0:
        return low
    if q < (mode - low) / width:
        return low + math.sqrt(q * width * (mode - low))
    return high - math.sqrt((1.0 - q) * width * (high - mode))


def _gamma_quantile(d: Distribution, q: float) -> float:
    """Gamma quantile via SciPy (imported lazily; only needed for reporting); its ends 0 and inf in closed form.

    Validation asks for the bottom of every delay's support: SciPy's import (~0.6 s) is
    left to what needs an inner quantile, not every command-line refusal.
    """
    if q in (0.0, 1.0):
        return 0.0 if q == 0.0 else math.inf
    from scipy import stats

    return float(stats.gamma.ppf(q, d.params[0], scale=d.params[1]))


def _pert_quantile(d: Distribution, q: float) -> float:
    """PERT quantile via SciPy's Beta inverse (imported lazily)."""
    low, _, high, _ = d.params
    if high == low or q in (0.0, 1.0):  # the ends of its support, without SciPy
        return high if q == 1.0 else low
    from scipy import stats

    a, b = _pert_shapes(d)
    return float(low + (high - low) * stats.beta.ppf(q, a, b))


def _empirical_quantile(d: Distribution, q: float) -> float:
    """Smallest support point whose cumulative probability reaches ``q``."""
    order = np.argsort(np.array(d.values), kind="stable")
    values = np.array(d.values)[order]
    cum = np.cumsum(np.array(d.weights)[order])
    cum = cum / cum[-1]
    idx = int(np.searchsorted(cum, q, side="left"))
    first_positive = int(np.argmax(np.array(d.weights)[order] > 0))
    return float(values[min(max(idx, first_positive), len(values) - 1)])


_QUANTILE: dict[str, Callable[[Distribution, float], float]] = {
    "constant": lambda d, q: d.params[0],
    "exponential": _exponential_quantile,
    "lognormal": _lognormal_quantile,
    "gamma": _gamma_quantile,
    "triangular": _triangular_quantile,
    "pert": _pert_quantile,
    "uniform": lambda d, q: d.params[0] + q * (d.params[1] - d.params[0]),
    "empirical": _empirical_quantile,
}
