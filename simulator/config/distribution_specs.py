"""Spec forms of user-facing distributions: one pydantic model per kind, a union discriminated on ``dist``.

Users write a distribution as a bare number (a constant) or as a small mapping
such as ``{dist: lognormal, median: 2, p90: 5}``. :func:`parse_spec` validates it,
reporting every problem with its dotted config key, and converts it to one
canonical parameterisation per kind (a :class:`CanonicalSpec`), from which
:meth:`simulator.config.distributions.Distribution.from_spec` builds a Distribution:

============  ==========================  ===========================================
kind          canonical ``params``        accepted spec forms
============  ==========================  ===========================================
constant      ``(value,)``                bare number; ``value``
exponential   ``(mean,)``                 ``mean``
lognormal     ``(mu, sigma)`` of the      ``median`` + ``p90``; ``mean`` + ``cv``;
              underlying normal           ``mu`` + ``sigma``
gamma         ``(shape, scale)``          ``mean`` + ``cv``; ``shape`` + ``scale``
triangular    ``(low, mode, high)``       ``low`` + ``mode`` + ``high``
pert          ``(low, mode, high, lamb)`` ``low`` + ``mode`` + ``high`` [+ ``lamb``, default 4]
uniform       ``(low, high)``             ``low`` + ``high``
empirical     ``()``; data in ``values``  ``values`` [+ ``weights``, default equal]
              and ``weights``
============  ==========================  ===========================================

Each kind is a model (:class:`LognormalSpec`, ...) whose ``dist`` is a ``Literal`` tag;
:data:`DistributionSpec` is their union, discriminated on ``dist``. A parameter's own
range is a field constraint (``mean > 0``); which keys go together (a *form*) is checked
before the fields, and relations between parameters (``p90 > median``) after them.

:meth:`~simulator.config.distributions.Distribution.to_spec` writes the canonical form back out
(:func:`canonical_names` gives its keys), so a resolved config re-parses to an identical
Distribution. This module knows nothing of :class:`~simulator.config.distributions.Distribution`, so the
two modules import in one direction only.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from simulator.config.errors import (
    ConfigError,
    ConfigIssue,
    boolean_hint,
    issues_from_error_detail,
    join_key,
    read_as_text_hint,
    shown,
)
from simulator.config.fields import Number, is_number

Z90 = 1.2815515655446004
"""Standard normal 90th percentile; links a lognormal's median and p90."""

DEFAULT_PERT_LAMBDA = 4.0
MAX_PERT_LAMBDA = 1e4
"""Classic PERT weight on the mode."""


class _Missing:
    """Stands in for the value of a required key that was not given."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class _Form:
    """One accepted way of writing a distribution's parameters."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Every key this form understands."""
        return frozenset(self.required + self.optional)

    def describe(self) -> str:
        """Human-readable key list, e.g. ``low + mode + high [+ lamb]``."""
        text = " + ".join(self.required)
        return text + "".join(f" [+ {key}]" for key in self.optional)


@dataclass(frozen=True, slots=True)
class CanonicalSpec:
    """A validated distribution spec in canonical parameters (the fields of a Distribution).

    Attributes:
        kind: One of :data:`KINDS`.
        params: Canonical parameters for ``kind`` (see the module table).
        values: Support points of an empirical distribution; empty otherwise.
        weights: Unnormalised non-negative weights of ``values``; empty otherwise.
    """

    kind: str
    params: tuple[float, ...]
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()


PositiveParam = Annotated[Number, Field(gt=0)]
NonNegativeParam = Annotated[Number, Field(ge=0)]
NumberList = Annotated[tuple[Number, ...], Field(min_length=1)]


def _forms_in_json_schema(schema: dict[str, Any], cls: type[Any]) -> None:
    """Tell editors which keys go together: each form requires its keys and excludes the others'."""
    forms: tuple[_Form, ...] = cls.forms
    if len(forms) > 1:
        every = frozenset().union(*(form.keys for form in forms))
        schema["oneOf"] = [
            {"required": list(form.required), "properties": {key: False for key in sorted(every - form.keys)}}
            for form in forms
        ]


class _Spec(BaseModel):
    """One distribution kind: its ``dist`` tag, its parameters and the forms they may take."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, json_schema_extra=_forms_in_json_schema
    )
    forms: ClassVar[tuple[_Form, ...]]

    @classmethod
    def kind(cls) -> str:
        """The ``dist`` tag of this kind."""
        return str(get_args(cls.model_fields["dist"].annotation)[0])

    @model_validator(mode="before")
    @classmethod
    def _one_form(cls, data: Any) -> Any:
        """Refuse unknown keys, keys of two forms at once and missing keys, naming every accepted form.

        A key set to null counts as not given.
        """
        if not isinstance(data, Mapping):
            return data
        params = {str(k): v for k, v in data.items() if k != "dist" and v is not None}
        nulls = frozenset(str(k) for k, v in data.items() if v is None)
        if issues := _form_issues(cls.kind(), cls.forms, params, nulls):
            raise ConfigError(issues)
        return {"dist": data.get("dist"), **params}

    def canonical(self) -> CanonicalSpec:
        """The canonical parameters of this spec."""
        raise NotImplementedError


class ConstantSpec(_Spec):
    """Always the same value (a bare number means the same)."""

    forms = (_Form(("value",)),)
    dist: Literal["constant"]
    value: Number
    """The value."""

    def canonical(self) -> CanonicalSpec:
        """``(value,)``."""
        return CanonicalSpec("constant", (self.value,))


class ExponentialSpec(_Spec):
    """Memoryless waiting times."""

    forms = (_Form(("mean",)),)
    dist: Literal["exponential"]
    mean: PositiveParam
    """The mean."""

    def canonical(self) -> CanonicalSpec:
        """``(mean,)``."""
        return CanonicalSpec("exponential", (self.mean,))


class LognormalSpec(_Spec):
    """Right-skewed positive values: from median + p90, mean + cv, or mu + sigma of the log."""

    forms = (_Form(("median", "p90")), _Form(("mean", "cv")), _Form(("mu", "sigma")))
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


class GammaSpec(_Spec):
    """Positive values, less skewed than a lognormal: from mean + cv or shape + scale."""

    forms = (_Form(("mean", "cv")), _Form(("shape", "scale")))
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


class _ThreePointSpec(_Spec):
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

    forms = (_Form(("low", "mode", "high")),)
    dist: Literal["triangular"]

    def canonical(self) -> CanonicalSpec:
        """``(low, mode, high)``."""
        return CanonicalSpec("triangular", (self.low, self.mode, self.high))


class PertSpec(_ThreePointSpec):
    """A three-point estimate weighted towards the most likely value (a scaled Beta)."""

    forms = (_Form(("low", "mode", "high"), ("lamb",)),)
    dist: Literal["pert"]
    lamb: Annotated[Number, Field(ge=0, le=MAX_PERT_LAMBDA)] = DEFAULT_PERT_LAMBDA
    """Weight on the mode (4 in classic PERT; at most 10,000, where the draw is the mode to 4 digits)."""

    def canonical(self) -> CanonicalSpec:
        """``(low, mode, high, lamb)``."""
        return CanonicalSpec("pert", (self.low, self.mode, self.high, self.lamb))


class UniformSpec(_Spec):
    """Every value between low and high equally likely."""

    forms = (_Form(("low", "high")),)
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


class EmpiricalSpec(_Spec):
    """Observed values, drawn with the given weights."""

    forms = (_Form(("values",), ("weights",)),)
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


SPEC_MODELS: tuple[type[_Spec], ...] = (
    ConstantSpec,
    ExponentialSpec,
    LognormalSpec,
    GammaSpec,
    TriangularSpec,
    PertSpec,
    UniformSpec,
    EmpiricalSpec,
)

DistributionSpec = Annotated[
    ConstantSpec
    | ExponentialSpec
    | LognormalSpec
    | GammaSpec
    | TriangularSpec
    | PertSpec
    | UniformSpec
    | EmpiricalSpec,
    Field(discriminator="dist"),
]
"""A distribution written as a mapping, the model chosen by its ``dist`` tag."""

FORMS: dict[str, tuple[_Form, ...]] = {model.kind(): model.forms for model in SPEC_MODELS}
"""Accepted parameter forms per distribution kind; the first form is the default for error messages."""

KINDS: tuple[str, ...] = tuple(FORMS)

_SPEC_ADAPTER: TypeAdapter[Any] = TypeAdapter(DistributionSpec)


def parse_spec(spec: Mapping[str, Any] | float, key: str) -> CanonicalSpec:
    """Validate a config entry and return its canonical parameters.

    Args:
        spec: A bare number (constant) or a mapping with a ``dist`` key (any case).
        key: Dotted config path of ``spec``, used to name offending keys (``""``: keys
            relative to the spec itself).

    Returns:
        The canonical form of the spec.

    Raises:
        ConfigError: With one issue per problem found.
    """
    if is_number(spec):
        value = float(spec)  # type: ignore[arg-type]
        if not math.isfinite(value):
            raise ConfigError.single(key, spec, "must be a finite number")
        return CanonicalSpec("constant", (value,))
    if not isinstance(spec, Mapping):
        allowed = f"a number or a mapping with 'dist' set to one of {_kinds()}" + read_as_text_hint(spec)
        raise ConfigError.single(key, spec, allowed)
    if "dist" not in spec:
        raise ConfigError.single(join_key(key, "dist"), MISSING, f"required; one of {_kinds()}")
    raw = spec["dist"]
    kind = raw.strip().lower() if isinstance(raw, str) else None
    if kind not in FORMS:
        close = difflib.get_close_matches(kind, list(FORMS), n=1, cutoff=0.6) if kind else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError.single(join_key(key, "dist"), raw, f"unknown distribution; allowed: {_kinds()}{hint}")
    try:
        model: _Spec = _SPEC_ADAPTER.validate_python({**spec, "dist": kind})
    except ValidationError as error:
        issues: list[ConfigIssue] = []
        for detail in error.errors(include_url=False):
            detail["loc"] = detail["loc"][1:]  # the union puts the tag first
            issues.extend(_spec_issue(detail, key))
        raise ConfigError(issues) from None
    try:
        return model.canonical()
    except ArithmeticError:  # e.g. a cv so small that its square is 0
        raise ConfigError.single(key, dict(spec), OVERFLOW) from None


OVERFLOW = "its parameters are too large or too small to compute with (a finite mean and variance are needed)"


def _spec_issue(detail: Any, key: str) -> list[ConfigIssue]:
    """A parameter error in the words of distributions: parameters are finite numbers or lists of them."""
    kind, value, loc = detail["type"], detail.get("input"), detail["loc"]
    if kind in ("float_type", "finite_number"):
        hints = read_as_text_hint(value) + boolean_hint(value)
        return [ConfigIssue(join_key(key, *loc), value, "must be a finite number" + hints)]
    if kind in ("tuple_type", "too_short"):
        return [ConfigIssue(join_key(key, *loc), value, "must be a non-empty list of numbers")]
    return issues_from_error_detail(detail, key)


def canonical_names(kind: str) -> tuple[str, ...]:
    """Return the spec keys of ``kind``'s canonical params, in order (its last form, e.g. ``mu, sigma``)."""
    form = FORMS[kind][-1]
    return form.required + form.optional


def _kinds() -> str:
    """Comma-separated list of distribution names for messages."""
    return ", ".join(KINDS)


def _accepted(kind: str) -> str:
    """Describe every form ``kind`` accepts, e.g. ``median + p90, or mean + cv``."""
    return f"{kind} accepts " + ", or ".join(form.describe() for form in FORMS[kind])


def _form_issues(
    kind: str, forms: tuple[_Form, ...], params: Mapping[str, Any], nulls: frozenset[str] = frozenset()
) -> list[ConfigIssue]:
    """Pick the form the user meant and report unknown, mixed and missing keys (keys relative to the spec).

    ``nulls``: keys given as null (not given, but shown as the null the user wrote).
    """
    given = set(params)
    form = max(forms, key=lambda f: (len(given & f.keys), -len(set(f.required) - given)))
    known = frozenset().union(*(f.keys for f in forms))
    issues = [
        ConfigIssue(name, params[name], f"not a parameter of {kind}; {_accepted(kind)}")
        for name in sorted(given - known)
    ]
    issues += [
        ConfigIssue(name, params[name], f"cannot be combined with {form.describe()}; {_accepted(kind)}")
        for name in sorted((given & known) - form.keys)
    ]
    issues += [
        ConfigIssue(name, None if name in nulls else MISSING, f"required; {_accepted(kind)}")
        for name in form.required
        if name not in given
    ]
    return issues
