"""Spec forms of user-facing distributions: validate a YAML entry, return canonical parameters.

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

:meth:`~simulator.config.distributions.Distribution.to_spec` writes the canonical form back out
(:func:`canonical_names` gives its keys), so a resolved config re-parses to an identical
Distribution. This module knows nothing of :class:`~simulator.config.distributions.Distribution`, so the
two modules import in one direction only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.config.errors import ConfigError, ConfigIssue

Z90 = 1.2815515655446004
"""Standard normal 90th percentile; links a lognormal's median and p90."""

DEFAULT_PERT_LAMBDA = 4.0
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


FORMS: dict[str, tuple[_Form, ...]] = {
    "constant": (_Form(("value",)),),
    "exponential": (_Form(("mean",)),),
    "lognormal": (_Form(("median", "p90")), _Form(("mean", "cv")), _Form(("mu", "sigma"))),
    "gamma": (_Form(("mean", "cv")), _Form(("shape", "scale"))),
    "triangular": (_Form(("low", "mode", "high")),),
    "pert": (_Form(("low", "mode", "high"), ("lamb",)),),
    "uniform": (_Form(("low", "high")),),
    "empirical": (_Form(("values",), ("weights",)),),
}
"""Accepted parameter forms per distribution kind; the first form is the default for error messages."""

KINDS: tuple[str, ...] = tuple(FORMS)


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


def parse_spec(spec: Mapping[str, Any] | float, key: str) -> CanonicalSpec:
    """Validate a config entry and return its canonical parameters.

    Args:
        spec: A bare number (constant) or a mapping with a ``dist`` key.
        key: Dotted config path of ``spec``, used to name offending keys.

    Returns:
        The canonical form of the spec.

    Raises:
        ConfigError: With one issue per problem found.
    """
    if _is_number(spec):
        issues: list[ConfigIssue] = []
        value = _finite_number(spec, key, issues)
        if value is None:
            raise ConfigError(issues)
        return CanonicalSpec("constant", (value,))
    if not isinstance(spec, Mapping):
        raise ConfigError.single(key, spec, f"a number or a mapping with 'dist' set to one of {_kinds()}")
    return _parse_mapping(spec, key)


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


def _is_number(value: Any) -> bool:
    """Tell whether ``value`` is an int/float or NumPy scalar, excluding bools (YAML's yes/no)."""
    is_bool = isinstance(value, (bool, np.bool_))
    return isinstance(value, (int, float, np.integer, np.floating)) and not is_bool


def _finite_number(value: Any, key: str, issues: list[ConfigIssue]) -> float | None:
    """Return ``value`` as a finite float, or record an issue and return None."""
    if _is_number(value) and math.isfinite(float(value)):
        return float(value)
    allowed = "must be a finite number"
    if isinstance(value, str) and _parses_as_float(value):
        allowed += " (it was read as text; write e.g. 1.0e3 rather than 1e3 so YAML reads a number)"
    issues.append(ConfigIssue(key, value, allowed))
    return None


def _parses_as_float(text: str) -> bool:
    """Tell whether ``text`` is a number that a YAML 1.1 loader kept as a string (e.g. ``1e3``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_mapping(spec: Mapping[str, Any], key: str) -> CanonicalSpec:
    """Parse ``{dist: ..., <params>}``, collecting every issue before raising."""
    kind = _parse_kind(spec, key)
    params = {str(name): value for name, value in spec.items() if name != "dist"}
    issues: list[ConfigIssue] = []
    form = _match_form(kind, params, key, issues)
    if issues:
        raise ConfigError(issues)
    dist = _BUILDERS[kind](form, params, key, issues)
    if issues or dist is None:
        raise ConfigError(issues)
    return dist


def _parse_kind(spec: Mapping[str, Any], key: str) -> str:
    """Return the normalised ``dist`` name or raise naming the allowed ones."""
    if "dist" not in spec:
        raise ConfigError.single(f"{key}.dist", MISSING, f"required; one of {_kinds()}")
    raw = spec["dist"]
    kind = raw.strip().lower() if isinstance(raw, str) else None
    if kind not in FORMS:
        raise ConfigError.single(f"{key}.dist", raw, f"unknown distribution; allowed: {_kinds()}")
    return kind


def _match_form(kind: str, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]) -> _Form:
    """Pick the form the user meant and record unknown, mixed and missing keys."""
    forms = FORMS[kind]
    given = set(params)
    form = max(forms, key=lambda f: (len(given & f.keys), -len(set(f.required) - given)))
    known = frozenset().union(*(f.keys for f in forms))
    for name in sorted(given - known):
        issues.append(ConfigIssue(f"{key}.{name}", params[name], f"not a parameter of {kind}; {_accepted(kind)}"))
    for name in sorted((given & known) - form.keys):
        issues.append(
            ConfigIssue(f"{key}.{name}", params[name], f"cannot be combined with {form.describe()}; {_accepted(kind)}")
        )
    for name in form.required:
        if name not in given:
            issues.append(ConfigIssue(f"{key}.{name}", MISSING, f"required; {_accepted(kind)}"))
    return form


def _numbers(params: Mapping[str, Any], names: Sequence[str], key: str, issues: list[ConfigIssue]) -> list[float]:
    """Convert the named parameters to floats; returns [] if any is not a finite number."""
    out = [_finite_number(params[name], f"{key}.{name}", issues) for name in names]
    return [value for value in out if value is not None] if all(v is not None for v in out) else []


def _check(ok: bool, key: str, value: float, allowed: str, issues: list[ConfigIssue]) -> None:
    """Record an issue unless ``ok``."""
    if not ok:
        issues.append(ConfigIssue(key, value, allowed))


_Builder = Callable[[_Form, Mapping[str, Any], str, list[ConfigIssue]], CanonicalSpec | None]


def _build_constant(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> CanonicalSpec | None:
    """``{dist: constant, value: v}``."""
    nums = _numbers(params, ("value",), key, issues)
    return CanonicalSpec("constant", (nums[0],)) if nums else None


def _build_exponential(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> CanonicalSpec | None:
    """``{dist: exponential, mean: m}`` with ``m > 0``."""
    nums = _numbers(params, ("mean",), key, issues)
    if not nums:
        return None
    _check(nums[0] > 0, f"{key}.mean", nums[0], "must be greater than 0", issues)
    return CanonicalSpec("exponential", (nums[0],))


def _build_lognormal(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> CanonicalSpec | None:
    """Lognormal from median + p90, mean + cv, or mu + sigma."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    a, b = nums
    if form.required == ("median", "p90"):
        _check(a > 0, f"{key}.median", a, "must be greater than 0", issues)
        _check(b > a, f"{key}.p90", b, f"must be greater than median ({a!r})", issues)
        return CanonicalSpec("lognormal", (math.log(a), math.log(b / a) / Z90)) if not issues else None
    if form.required == ("mean", "cv"):
        _check(a > 0, f"{key}.mean", a, "must be greater than 0", issues)
        _check(b >= 0, f"{key}.cv", b, "must be 0 or greater", issues)
        if issues:
            return None
        sigma2 = math.log1p(b * b)
        return CanonicalSpec("lognormal", (math.log(a) - sigma2 / 2.0, math.sqrt(sigma2)))
    _check(b >= 0, f"{key}.sigma", b, "must be 0 or greater", issues)
    return CanonicalSpec("lognormal", (a, b))


def _build_gamma(form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]) -> CanonicalSpec | None:
    """Gamma from mean + cv or shape + scale."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    a, b = nums
    for name, value in zip(form.required, nums, strict=True):
        _check(value > 0, f"{key}.{name}", value, "must be greater than 0", issues)
    if issues:
        return None
    if form.required == ("mean", "cv"):
        return CanonicalSpec("gamma", (1.0 / (b * b), a * b * b))
    return CanonicalSpec("gamma", (a, b))


def _check_range(nums: Sequence[float], key: str, issues: list[ConfigIssue]) -> None:
    """Require ``low <= mode <= high`` for ``nums = (low, mode, high, ...)``."""
    low, mode, high = nums[:3]
    _check(low <= high, f"{key}.high", high, f"must be at least low ({low!r})", issues)
    _check(low <= mode <= high, f"{key}.mode", mode, f"must lie within [low, high] = [{low!r}, {high!r}]", issues)


def _build_triangular(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> CanonicalSpec | None:
    """``{dist: triangular, low, mode, high}``."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    _check_range(nums, key, issues)
    return CanonicalSpec("triangular", tuple(nums))


def _build_pert(form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]) -> CanonicalSpec | None:
    """``{dist: pert, low, mode, high}`` with optional ``lamb`` (default 4)."""
    full = {"lamb": DEFAULT_PERT_LAMBDA, **params}
    nums = _numbers(full, ("low", "mode", "high", "lamb"), key, issues)
    if not nums:
        return None
    _check_range(nums, key, issues)
    _check(nums[3] >= 0, f"{key}.lamb", nums[3], "must be 0 or greater", issues)
    return CanonicalSpec("pert", tuple(nums))


def _build_uniform(form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]) -> CanonicalSpec | None:
    """``{dist: uniform, low, high}`` with ``low <= high``."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    _check(nums[0] <= nums[1], f"{key}.high", nums[1], f"must be at least low ({nums[0]!r})", issues)
    return CanonicalSpec("uniform", tuple(nums))


def _number_list(raw: Any, key: str, issues: list[ConfigIssue]) -> list[float] | None:
    """Parse a non-empty list of finite numbers, recording an issue per bad element."""
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) == 0:
        issues.append(ConfigIssue(key, raw, "must be a non-empty list of numbers"))
        return None
    out = [_finite_number(item, f"{key}.{i}", issues) for i, item in enumerate(raw)]
    return [v for v in out if v is not None] if all(v is not None for v in out) else None


def _build_empirical(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> CanonicalSpec | None:
    """``{dist: empirical, values: [...], weights: [...]}``; weights default to equal."""
    values = _number_list(params["values"], f"{key}.values", issues)
    if "weights" not in params:
        return CanonicalSpec("empirical", (), tuple(values), (1.0,) * len(values)) if values else None
    weights = _number_list(params["weights"], f"{key}.weights", issues)
    if values is None or weights is None:
        return None
    if len(weights) != len(values):
        issues.append(
            ConfigIssue(f"{key}.weights", params["weights"], f"must have one weight per value ({len(values)})")
        )
        return None
    for i, weight in enumerate(weights):
        _check(weight >= 0, f"{key}.weights.{i}", weight, "must be 0 or greater", issues)
    _check(sum(weights) > 0, f"{key}.weights", params["weights"], "must have a positive sum", issues)
    return None if issues else CanonicalSpec("empirical", (), tuple(values), tuple(weights))


_BUILDERS: dict[str, _Builder] = {
    "constant": _build_constant,
    "exponential": _build_exponential,
    "lognormal": _build_lognormal,
    "gamma": _build_gamma,
    "triangular": _build_triangular,
    "pert": _build_pert,
    "uniform": _build_uniform,
    "empirical": _build_empirical,
}
