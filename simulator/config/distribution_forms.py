"""What every distribution kind's spec shares: its forms, its canonical result and the model it is.

A *form* (:class:`SpecForm`) is one accepted way of writing a kind's parameters
(``median + p90`` or ``mean + cv`` for a lognormal); :func:`form_issues` picks the form a
user meant and names unknown, mixed and missing keys. :class:`SpecModel` is the pydantic
model of one kind, which checks its form before its fields; :class:`CanonicalSpec` is what
it validates to. The kinds are :mod:`simulator.config.distribution_kinds`; parsing a
config entry is :func:`simulator.config.distribution_specs.parse_spec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulator.config.errors import (
    ConfigError,
    ConfigIssue,
)
from simulator.config.fields import Number

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
class SpecForm:
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
    forms: tuple[SpecForm, ...] = cls.forms
    if len(forms) > 1:
        every = frozenset().union(*(form.keys for form in forms))
        schema["oneOf"] = [
            {"required": list(form.required), "properties": {key: False for key in sorted(every - form.keys)}}
            for form in forms
        ]


class SpecModel(BaseModel):
    """One distribution kind: its ``dist`` tag, its parameters and the forms they may take."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, json_schema_extra=_forms_in_json_schema
    )
    forms: ClassVar[tuple[SpecForm, ...]]

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
        if issues := form_issues(cls.kind(), cls.forms, params, nulls):
            raise ConfigError(issues)
        return {"dist": data.get("dist"), **params}

    def canonical(self) -> CanonicalSpec:
        """The canonical parameters of this spec."""
        raise NotImplementedError


def accepted_words(kind: str, forms: tuple[SpecForm, ...]) -> str:
    """Describe every form ``kind`` accepts, e.g. ``median + p90, or mean + cv``."""
    return f"{kind} accepts " + ", or ".join(form.describe() for form in forms)


def form_issues(
    kind: str, forms: tuple[SpecForm, ...], params: Mapping[str, Any], nulls: frozenset[str] = frozenset()
) -> list[ConfigIssue]:
    """Pick the form the user meant and report unknown, mixed and missing keys (keys relative to the spec).

    ``nulls``: keys given as null (not given, but shown as the null the user wrote).
    """
    given = set(params)
    form = max(forms, key=lambda f: (len(given & f.keys), -len(set(f.required) - given)))
    known = frozenset().union(*(f.keys for f in forms))
    issues = [
        ConfigIssue(name, params[name], f"not a parameter of {kind}; {accepted_words(kind, forms)}")
        for name in sorted(given - known)
    ]
    issues += [
        ConfigIssue(name, params[name], f"cannot be combined with {form.describe()}; {accepted_words(kind, forms)}")
        for name in sorted((given & known) - form.keys)
    ]
    issues += [
        ConfigIssue(name, None if name in nulls else MISSING, f"required; {accepted_words(kind, forms)}")
        for name in form.required
        if name not in given
    ]
    return issues
