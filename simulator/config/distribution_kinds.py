"""The distribution kinds a config may name: one pydantic model per kind, each with its forms.

constant, exponential, lognormal, gamma, triangular, pert, uniform and empirical (the table
in :mod:`simulator.config.distribution_specs`). A parameter's own range is a field
constraint (``mean > 0``); relations between parameters (``p90 > median``) are checked
after the fields; each model's :meth:`canonical` gives the canonical parameters.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.config.distribution_forms import (
    DEFAULT_PERT_LAMBDA,
    MAX_PERT_LAMBDA,
    Z90,
    CanonicalSpec,
    NonNegativeParam,
    NumberList,
    PositiveParam,
    SpecForm,
    SpecModel,
)
from simulator.config.errors import (
    ConfigError,
    ConfigIssue,
    shown,
)
from simulator.config.fields import Number


class ConstantSpec(SpecModel):
    """Always the same value (a bare number means the same)."""

    forms = (SpecForm(("value",)),)
    dist: Literal["constant"]
    value: Number
    """The value."""

    def canonical(self) -> CanonicalSpec:
        """``(value,)``."""
        return CanonicalSpec("constant", (self.value,))


class ExponentialSpec(SpecModel):
    """Memoryless waiting times."""

    forms = (SpecForm(("mean",)),)
    dist: Literal["exponential"]
    mean: PositiveParam
    """The mean."""

    def canonical(self) -> CanonicalSpec:
        """``(mean,)``."""
        return CanonicalSpec("exponential", (self.mean,))


class LognormalSpec(SpecModel):
    """Right-skewed positive values: from median + p90, mean + cv, or mu + sigma of the log."""

    forms = (SpecForm(("median", "p90")), SpecForm(("mean", "cv")), SpecForm(("mu", "sigma")))
    dist: Literal["lognormal"]
    median: PositiveParam | None = None
    """The median (half the values lie below)."""
    p90: Number | None = None
    """The 90th percentile; above the median."""
    mean: PositiveParam | None = None
    """The mean."""
    cv: NonNegativeParam | None = None
    """Coefficient of variation: standard deviation / mean."""
    mu: Number | None = None
    """Mean of the logarithm."""
    sigma: NonNegativeParam | None = None
    """Standard deviation of the logarithm."""

    @model_validator(mode="after")
    def _p90_above_median(self) -> LognormalSpec:
        if self.median is not None and self.p90 is not None and not self.p90 > self.median:
            raise ConfigError.single("p90", self.p90, f"must be greater than median ({shown(self.median)})")
        return self

    def canonical(self) -> CanonicalSpec:
        """``(mu, sigma)`` of the underlying normal."""
        if self.median is not None and self.p90 is not None:
            return CanonicalSpec("lognormal", (math.log(self.median), math.log(self.p90 / self.median) / Z90))
        if self.mean is not None and self.cv is not None:
            sigma2 = math.log1p(self.cv * self.cv)
            return CanonicalSpec("lognormal", (math.log(self.mean) - sigma2 / 2.0, math.sqrt(sigma2)))
        assert self.mu is not None and self.sigma is not None
        return CanonicalSpec("lognormal", (self.mu, self.sigma))


class GammaSpec(SpecModel):
    """Positive values, less skewed than a lognormal: from mean + cv or shape + scale."""

    forms = (SpecForm(("mean", "cv")), SpecForm(("shape", "scale")))
    dist: Literal["gamma"]
    mean: PositiveParam | None = None
    """The mean."""
    cv: PositiveParam | None = None
    """Coefficient of variation: standard deviation / mean."""
    shape: PositiveParam | None = None
    """Shape parameter k."""
    scale: PositiveParam | None = None
    """Scale parameter theta (mean = shape x scale)."""

    def canonical(self) -> CanonicalSpec:
        """``(shape, scale)``."""
        if self.mean is not None and self.cv is not None:
            return CanonicalSpec("gamma", (1.0 / (self.cv * self.cv), self.mean * self.cv * self.cv))
        assert self.shape is not None and self.scale is not None
        return CanonicalSpec("gamma", (self.shape, self.scale))


def _range_issues(low: float, mode: float, high: float) -> list[ConfigIssue]:
    """Issues unless ``low <= mode <= high``."""
    issues = []
    if not low <= high:
        issues.append(ConfigIssue("high", high, f"must be at least low ({shown(low)})"))
    if not low <= mode <= high:
        issues.append(ConfigIssue("mode", mode, f"must lie within [low, high] = [{shown(low)}, {shown(high)}]"))
    return issues


class _ThreePointSpec(SpecModel):
    """A three-point estimate: lowest, most likely and highest value."""

    low: Number
    """The lowest value."""
    mode: Number
    """The most likely value."""
    high: Number
    """The highest value."""

    @model_validator(mode="after")
    def _ordered(self) -> _ThreePointSpec:
        if issues := _range_issues(self.low, self.mode, self.high):
            raise ConfigError(issues)
        return self


class TriangularSpec(_ThreePointSpec):
    """A three-point estimate: lowest, most likely, highest."""

    forms = (SpecForm(("low", "mode", "high")),)
    dist: Literal["triangular"]

    def canonical(self) -> CanonicalSpec:
        """``(low, mode, high)``."""
        return CanonicalSpec("triangular", (self.low, self.mode, self.high))


class PertSpec(_ThreePointSpec):
    """A three-point estimate weighted towards the most likely value (a scaled Beta)."""

    forms = (SpecForm(("low", "mode", "high"), ("lamb",)),)
    dist: Literal["pert"]
    lamb: Annotated[Number, Field(ge=0, le=MAX_PERT_LAMBDA)] = DEFAULT_PERT_LAMBDA
    """Weight on the mode (4 in classic PERT; at most 10,000, where the draw is the mode to 4 digits)."""

    def canonical(self) -> CanonicalSpec:
        """``(low, mode, high, lamb)``."""
        return CanonicalSpec("pert", (self.low, self.mode, self.high, self.lamb))


class UniformSpec(SpecModel):
    """Every value between low and high equally likely."""

    forms = (SpecForm(("low", "high")),)
    dist: Literal["uniform"]
    low: Number
    """The lowest value."""
    high: Number
    """The highest value."""

    @model_validator(mode="after")
    def _ordered(self) -> UniformSpec:
        if not self.low <= self.high:
            raise ConfigError.single("high", self.high, f"must be at least low ({shown(self.low)})")
        return self

    def canonical(self) -> CanonicalSpec:
        """``(low, high)``."""
        return CanonicalSpec("uniform", (self.low, self.high))


class EmpiricalSpec(SpecModel):
    """Observed values, drawn with the given weights."""

    forms = (SpecForm(("values",), ("weights",)),)
    dist: Literal["empirical"]
    values: NumberList
    """The values that can come out."""
    weights: tuple[NonNegativeParam, ...] | None = None
    """Relative weight of each value, in order (default: equal)."""

    @model_validator(mode="after")
    def _one_weight_per_value(self) -> EmpiricalSpec:
        if self.weights is None:
            return self
        if len(self.weights) != len(self.values):
            raise ConfigError.single(
                "weights", list(self.weights), f"must have one weight per value ({len(self.values)})"
            )
        if not sum(self.weights) > 0:
            raise ConfigError.single("weights", list(self.weights), "must have a positive sum")
        return self

    def canonical(self) -> CanonicalSpec:
        """No params; the values and their weights."""
        weights = self.weights if self.weights is not None else (1.0,) * len(self.values)
        return CanonicalSpec("empirical", (), self.values, weights)
