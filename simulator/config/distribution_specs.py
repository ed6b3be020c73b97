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

Each kind is a model (:class:`~simulator.config.distribution_kinds.LognormalSpec`, ...,
in :mod:`simulator.config.distribution_kinds`, on the shared machinery of
:mod:`simulator.config.distribution_forms`) whose ``dist`` is a ``Literal`` tag;
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
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from simulator.config.distribution_forms import MISSING, CanonicalSpec, SpecForm, SpecModel
from simulator.config.distribution_kinds import (
    ConstantSpec,
    EmpiricalSpec,
    ExponentialSpec,
    GammaSpec,
    LognormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)
from simulator.config.errors import (
    ConfigError,
    ConfigIssue,
    boolean_hint,
    issues_from_error_detail,
    join_key,
    read_as_text_hint,
)
from simulator.config.fields import is_number

SPEC_MODELS: tuple[type[SpecModel], ...] = (
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

FORMS: dict[str, tuple[SpecForm, ...]] = {model.kind(): model.forms for model in SPEC_MODELS}
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
        model: SpecModel = _SPEC_ADAPTER.validate_python({**spec, "dist": kind})
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
