"""User-facing random distribution specs, parsed from YAML configs.

Users write a distribution as a bare number (a constant) or as a small mapping
such as ``{dist: lognormal, median: 2, p90: 5}``. :meth:`Distribution.from_spec`
validates it, reporting every problem with its dotted config key, and converts
it to one canonical parameterisation per kind, which is what the Numba kernels
in :mod:`simulator.sampling` consume:

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

:meth:`Distribution.to_spec` writes the canonical form back out, so a resolved
config re-parses to an identical :class:`Distribution`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator import sampling
from simulator.errors import ConfigError, ConfigIssue

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

_CODES: dict[str, int] = {name: code for code, name in sampling.CODE_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Distribution:
    """A validated distribution in canonical parameters.

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
        if _is_number(spec):
            issues: list[ConfigIssue] = []
            value = _finite_number(spec, key, issues)
            if value is None:
                raise ConfigError(issues)
            return cls("constant", (value,))
        if not isinstance(spec, Mapping):
            raise ConfigError.single(key, spec, f"a number or a mapping with 'dist' set to one of {_kinds()}")
        return _parse_mapping(spec, key)

    def kernel_code(self) -> int:
        """Return the :mod:`simulator.sampling` code for :func:`simulator.sampling.draw`."""
        return _CODES[self.kind]

    def kernel_params(self) -> npt.NDArray[np.float64]:
        """Return the float64 parameter array in the layout :func:`simulator.sampling.draw` expects."""
        if self.kind != "empirical":
            return np.array(self.params, dtype=np.float64)
        k = len(self.values)
        return np.concatenate(([float(k)], np.array(self.values, dtype=np.float64), self._cum_probs()))

    def sample(self, gen: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """Draw ``n`` variates with the caller's Generator (whose state advances)."""
        draws: npt.NDArray[np.float64] = sampling.draw(gen, self.kernel_code(), self.kernel_params(), int(n))
        return draws

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
        names = FORMS[self.kind][-1].required + FORMS[self.kind][-1].optional
        return {"dist": self.kind, **dict(zip(names, self.params, strict=True))}

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


# --------------------------------------------------------------------------- parsing


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


def _parse_mapping(spec: Mapping[str, Any], key: str) -> Distribution:
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
        issues.append(
            ConfigIssue(f"{key}.{name}", params[name], f"not a parameter of {kind}; {_accepted(kind)}")
        )
    for name in sorted((given & known) - form.keys):
        issues.append(
            ConfigIssue(
                f"{key}.{name}", params[name], f"cannot be combined with {form.describe()}; {_accepted(kind)}"
            )
        )
    for name in form.required:
        if name not in given:
            issues.append(ConfigIssue(f"{key}.{name}", MISSING, f"required; {_accepted(kind)}"))
    return form


def _numbers(
    params: Mapping[str, Any], names: Sequence[str], key: str, issues: list[ConfigIssue]
) -> list[float]:
    """Convert the named parameters to floats; returns [] if any is not a finite number."""
    out = [_finite_number(params[name], f"{key}.{name}", issues) for name in names]
    return [value for value in out if value is not None] if all(v is not None for v in out) else []


def _check(ok: bool, key: str, value: float, allowed: str, issues: list[ConfigIssue]) -> None:
    """Record an issue unless ``ok``."""
    if not ok:
        issues.append(ConfigIssue(key, value, allowed))


_Builder = Callable[[_Form, Mapping[str, Any], str, list[ConfigIssue]], Distribution | None]


def _build_constant(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: constant, value: v}``."""
    nums = _numbers(params, ("value",), key, issues)
    return Distribution("constant", (nums[0],)) if nums else None


def _build_exponential(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: exponential, mean: m}`` with ``m > 0``."""
    nums = _numbers(params, ("mean",), key, issues)
    if not nums:
        return None
    _check(nums[0] > 0, f"{key}.mean", nums[0], "must be greater than 0", issues)
    return Distribution("exponential", (nums[0],))


def _build_lognormal(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """Lognormal from median + p90, mean + cv, or mu + sigma."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    a, b = nums
    if form.required == ("median", "p90"):
        _check(a > 0, f"{key}.median", a, "must be greater than 0", issues)
        _check(b > a, f"{key}.p90", b, f"must be greater than median ({a!r})", issues)
        return Distribution("lognormal", (math.log(a), math.log(b / a) / Z90)) if not issues else None
    if form.required == ("mean", "cv"):
        _check(a > 0, f"{key}.mean", a, "must be greater than 0", issues)
        _check(b >= 0, f"{key}.cv", b, "must be 0 or greater", issues)
        if issues:
            return None
        sigma2 = math.log1p(b * b)
        return Distribution("lognormal", (math.log(a) - sigma2 / 2.0, math.sqrt(sigma2)))
    _check(b >= 0, f"{key}.sigma", b, "must be 0 or greater", issues)
    return Distribution("lognormal", (a, b))


def _build_gamma(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
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
        return Distribution("gamma", (1.0 / (b * b), a * b * b))
    return Distribution("gamma", (a, b))


def _check_range(nums: Sequence[float], key: str, issues: list[ConfigIssue]) -> None:
    """Require ``low <= mode <= high`` for ``nums = (low, mode, high, ...)``."""
    low, mode, high = nums[:3]
    _check(low <= high, f"{key}.high", high, f"must be at least low ({low!r})", issues)
    _check(
        low <= mode <= high, f"{key}.mode", mode, f"must lie within [low, high] = [{low!r}, {high!r}]", issues
    )


def _build_triangular(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: triangular, low, mode, high}``."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    _check_range(nums, key, issues)
    return Distribution("triangular", tuple(nums))


def _build_pert(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: pert, low, mode, high}`` with optional ``lamb`` (default 4)."""
    full = {"lamb": DEFAULT_PERT_LAMBDA, **params}
    nums = _numbers(full, ("low", "mode", "high", "lamb"), key, issues)
    if not nums:
        return None
    _check_range(nums, key, issues)
    _check(nums[3] >= 0, f"{key}.lamb", nums[3], "must be 0 or greater", issues)
    return Distribution("pert", tuple(nums))


def _build_uniform(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: uniform, low, high}`` with ``low <= high``."""
    nums = _numbers(params, form.required, key, issues)
    if not nums:
        return None
    _check(nums[0] <= nums[1], f"{key}.high", nums[1], f"must be at least low ({nums[0]!r})", issues)
    return Distribution("uniform", tuple(nums))


def _number_list(raw: Any, key: str, issues: list[ConfigIssue]) -> list[float] | None:
    """Parse a non-empty list of finite numbers, recording an issue per bad element."""
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) == 0:
        issues.append(ConfigIssue(key, raw, "must be a non-empty list of numbers"))
        return None
    out = [_finite_number(item, f"{key}.{i}", issues) for i, item in enumerate(raw)]
    return [v for v in out if v is not None] if all(v is not None for v in out) else None


def _build_empirical(
    form: _Form, params: Mapping[str, Any], key: str, issues: list[ConfigIssue]
) -> Distribution | None:
    """``{dist: empirical, values: [...], weights: [...]}``; weights default to equal."""
    values = _number_list(params["values"], f"{key}.values", issues)
    if "weights" not in params:
        return Distribution("empirical", (), tuple(values), (1.0,) * len(values)) if values else None
    weights = _number_list(params["weights"], f"{key}.weights", issues)
    if values is None or weights is None:
        return None
    if len(weights) != len(values):
        issues.append(
            ConfigIssue(
                f"{key}.weights", params["weights"], f"must have one weight per value ({len(values)})"
            )
        )
        return None
    for i, weight in enumerate(weights):
        _check(weight >= 0, f"{key}.weights.{i}", weight, "must be 0 or greater", issues)
    _check(sum(weights) > 0, f"{key}.weights", params["weights"], "must have a positive sum", issues)
    return None if issues else Distribution("empirical", (), tuple(values), tuple(weights))


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
    """Gamma quantile via SciPy (imported lazily; only needed for reporting)."""
    from scipy import stats

    return float(stats.gamma.ppf(q, d.params[0], scale=d.params[1]))


def _pert_quantile(d: Distribution, q: float) -> float:
    """PERT quantile via SciPy's Beta inverse (imported lazily)."""
    from scipy import stats

    low, _, high, _ = d.params
    if high == low:
        return low
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
