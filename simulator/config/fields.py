"""Building blocks of every config model: the :class:`ConfigModel` base and salesim's field types.

A config section is a :class:`ConfigModel`: frozen, unknown keys refused (naming the
known keys and the closest one), and attribute docstrings become the descriptions an
editor shows from the JSON Schema. Its fields use the types below rather than bare
``float``/``int``/``str``/``bool``, so that YAML's loose values are refused the way a
user expects (``"12"`` is not a number, ``yes`` is not a headcount) and every message
is worded as the rest of salesim words it.

Ranges are pydantic field constraints (``Field(ge=0, le=1)``), visible in the JSON
Schema; :func:`explained` replaces pydantic's wording of a broken constraint with a
sentence of ours, e.g. ``must be a probability between 0 and 1``.

Whatever a field's annotation (a bare ``float`` too, inside lists, tuples, mappings and
optional values), :class:`ConfigModel` validates every number, whole number, flag and
string of its schema strictly: ``true`` is never a number, ``"12"`` never a number,
``1`` never a flag, and NaN or infinity never a value (no config key uses infinity for
"unlimited": those keys take ``null``). This is done once, on the model's core schema
(:func:`strict_scalars`), so a field added later gets it without asking.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Annotated, Any, get_args

import numpy as np
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from simulator.config.errors import SALESIM_ERROR, boolean_hint, decimal_hint

_LENGTHS = frozenset({"too_short", "too_long", "string_too_short", "string_too_long"})
_CONSTRAINTS = _LENGTHS | {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
_BUILTIN_ERRORS = frozenset(get_args(ErrorType))


def salesim_error(allowed: str) -> PydanticCustomError:
    """A pydantic error whose message is ``allowed``, reported as is (``key = value: allowed``)."""
    return PydanticCustomError(SALESIM_ERROR, allowed)


_STRICT_SCALARS = frozenset({"float", "int", "bool", "str"})


def strict_scalars(schema: Any) -> Any:
    """A copy of a pydantic core schema whose numbers, flags and strings validate strictly.

    Every ``float`` node also refuses NaN and infinity. Strict numbers still take whole
    numbers where a number is expected (``3`` for ``3.0``), never booleans or text.
    """
    if isinstance(schema, dict):
        copied = {key: strict_scalars(value) for key, value in schema.items()}
        if copied.get("type") in _STRICT_SCALARS:
            copied["strict"] = True
            if copied["type"] == "float":
                copied["allow_inf_nan"] = False
        return copied
    if isinstance(schema, list):
        return [strict_scalars(item) for item in schema]
    return schema


class ConfigModel(BaseModel):
    """Base of every config model: frozen, no unknown keys, docstrings as descriptions, strict scalars."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[BaseModel], handler: GetCoreSchemaHandler) -> CoreSchema:
        """The model's schema with every number, flag and string strict and every number finite."""
        schema: CoreSchema = strict_scalars(handler(source))
        return schema

    @model_validator(mode="wrap")
    @classmethod
    def _name_unknown_keys(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Word an unknown key of this model with the known keys and the closest match."""
        try:
            return handler(data)
        except ValidationError as error:
            details = error.errors(include_url=False)
            if not any(d["type"] == "extra_forbidden" and len(d["loc"]) == 1 for d in details):
                raise
            known = sorted(cls.model_fields)
            rewritten: list[InitErrorDetails] = []
            for d in details:
                if d["type"] == "extra_forbidden" and len(d["loc"]) == 1:
                    close = difflib.get_close_matches(str(d["loc"][0]), known, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    allowed = f"unknown key (known: {', '.join(known)}){hint}"
                    rewritten.append({"type": salesim_error(allowed), "loc": d["loc"], "input": d["input"]})
                else:
                    rewritten.append(_again(d))
            raise ValidationError.from_exception_data(error.title, rewritten) from None


def _again(detail: Any) -> InitErrorDetails:
    """An error of ``ValidationError.errors()`` as it can be raised again."""
    kind = detail["type"]
    if kind in _BUILTIN_ERRORS:
        again: InitErrorDetails = {"type": kind, "loc": detail["loc"], "input": detail["input"]}
        if "ctx" in detail:
            again["ctx"] = detail["ctx"]
        return again
    return {"type": PydanticCustomError(kind, detail["msg"]), "loc": detail["loc"], "input": detail["input"]}


def explained(allowed: str, types_too: bool = False) -> WrapValidator:
    """Word a broken range or length constraint of the field as ``allowed``.

    Put it last in ``Annotated[...]``, after the constraints it explains. A type error
    keeps its own words unless ``types_too``; errors inside a list or mapping keep
    theirs, and a length error that only follows from them is dropped.
    """

    def reword(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            details = error.errors(include_url=False)
            own = [d for d in details if d["loc"] == ()]
            inner = [d for d in details if d["loc"] != ()]
            if inner and all(d["type"] in _LENGTHS for d in own):
                raise ValidationError.from_exception_data(error.title, [_again(d) for d in inner]) from None
            if own and not inner and (types_too or all(d["type"] in _CONSTRAINTS for d in own)):
                raise salesim_error(allowed) from None
            if own and not inner and _whole_number_rule(value, allowed, own):
                raise salesim_error(allowed + decimal_hint(value) + boolean_hint(value)) from None
            raise

    return WrapValidator(reword)


def _whole_number_rule(value: Any, allowed: str, errors: list[Any]) -> bool:
    """Whether a value that is no whole number is told the field's whole rule (``must be a whole number >= 1``).

    ``headcount=abc`` had read "must be a whole number" where ``headcount=-3`` reads "must be a whole number >= 1",
    and so had ``seed=1.5``, ``headcount=2.5`` or ``seed=true``: each is told the rule, a decimal with the decimal
    hint (``12.0``: write 12), a boolean with its own (true/false is not a number), null alike.
    """
    whole = all(d["type"] in ("int_type", "int_parsing", "int_from_float") for d in errors)
    return whole and isinstance(value, str | float | bool | None) and allowed.startswith("must be a whole number")


def is_number(value: Any) -> bool:
    """Tell whether ``value`` is an int/float or NumPy scalar, excluding bools (YAML's yes/no)."""
    is_bool = isinstance(value, bool | np.bool_)
    return isinstance(value, int | float | np.integer | np.floating) and not is_bool


Number = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite number; ints are welcome, text and booleans are not."""

WholeNumber = Annotated[int, Strict()]
"""A whole number; text, booleans and floats are refused."""

Text = Annotated[str, Strict()]
"""A string, never a number turned into one."""

Flag = Annotated[bool, Strict()]
"""``true`` or ``false``, never 0/1 or ``"yes"``."""

Probability = Annotated[Number, Field(ge=0, le=1), explained("must be a probability between 0 and 1")]
NonNegative = Annotated[Number, Field(ge=0), explained("must be a finite number >= 0")]
Positive = Annotated[Number, Field(gt=0), explained("must be a finite number > 0")]
AtLeastOne = Annotated[WholeNumber, Field(ge=1), explained("must be a whole number >= 1")]

DOLLAR_SLIP = 1_000.0
"""A yearly amount of a company's sales money below this (and above 0) is a unit slip: ``4`` typed for $4M."""


def dollars_words(amount: float) -> str:
    """An amount of whole dollars as a reader says it: ``$4B``, ``$4M``, ``$750k``, ``$84``."""
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    if size >= 1e12:  # 1e15 had read "$1e+06B"
        return f"{sign}${size / 1e12:,.6g}T" if size < 1e18 else f"{sign}${size:.3g}"
    if size >= 1e9:
        return f"{sign}${size / 1e9:g}B"
    if size >= 1e6:
        return f"{sign}${size / 1e6:g}M"
    return f"{sign}${size / 1e3:g}k" if size >= 1e3 else f"{sign}${size:g}"


def _readings(value: float, floor: float, millions: bool, ceiling: float = math.inf) -> list[tuple[str, float]]:
    """(``millions`` or ``thousands``, the whole dollars) of each reading of ``value``, the likelier first.

    Thousands are likelier from 10 up (a quota of 90 is $90k), millions below (a plan of 4 is
    $4M); none under ``floor``.
    """
    found = [("millions", value * 1e6)] if millions and floor <= abs(value) * 1e6 <= ceiling else []
    found += [("thousands", value * 1e3)] if abs(value) * 1e3 >= floor else []
    return found[::-1] if abs(value) >= 10 else found


def dollar_forms(value: float, floor: float, millions: bool = True) -> list[str]:
    """The whole dollars ``value`` may have meant (``4000000 for $4M``), the likelier first, none under ``floor``."""
    return [f"{x:.0f} for {dollars_words(x)}" for _, x in _readings(value, floor, millions)]


def dollar_slip_words(
    value: float,
    per: str = "a year",
    floor: float = DOLLAR_SLIP,
    millions: bool = True,
    zero: bool = True,
    ceiling: float = math.inf,
) -> str:
    """What to write for an amount typed in millions or thousands: ``4`` -> 4000000 or 4000.

    Only the forms at or above ``floor`` are offered (``0.9`` for a quota: 900000, not 900),
    and millions only for a company's yearly figures (``millions``; not for a hire's cost);
    ``zero``: 0 is allowed too (no quota), and said so.
    """
    readings = _readings(value, floor, millions and floor >= DOLLAR_SLIP, ceiling)
    if not readings:  # a plan of 1e-9 had been offered "0 for $0.001": no reading in thousands or millions fits
        return f"is ${value:g} {per}: give whole dollars" + (" (0: none)" if zero else "")
    unit = " or ".join(kind for kind, _ in readings)
    forms = " or ".join(f"{x:.0f} for {dollars_words(x)}" for _, x in readings)
    return f"is ${value:g} {per}, surely typed in {unit}: give whole dollars, {forms}" + (" (0: none)" if zero else "")


DEAL_SLIP = 100.0
"""A deal's or an account's mean yearly value below this (and above 0) is a unit slip: ``median: 25`` for $25k.

A B2B deal of under $100 a year is a consumer's purchase; crm-maven's cheapest product is
$55, but its deals average $2.4k, so the floor is on the mean, not on a single deal.
"""


_AMOUNTS = frozenset({"value", "mean", "median", "p90", "low", "mode", "high", "scale", "values"})
"""The keys of a distribution's spec that are amounts in its unit (not a shape: cv, sigma, lamb, weights)."""


def _plain(value: Any) -> str:
    """A spec's value as YAML types it: ``25000``, ``0.8``, ``[550, 1096]``, ``lognormal``."""
    if isinstance(value, list | tuple):
        return f"[{', '.join(_plain(v) for v in value)}]"
    return f"{value:.10g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _scaled_spec(words: str, written: Any, factor: float) -> str:
    """``words`` and, when ``written`` gives amounts by keys of :data:`_AMOUNTS`, the spec with each x ``factor``."""
    if isinstance(written, int | float) and not isinstance(written, bool):  # a constant
        return f"{words}: {_plain(written * factor)}"
    if not isinstance(written, Mapping) or "mu" in written:  # a log-scale location is no amount
        return words
    scaled = {
        k: ([v * factor for v in x] if isinstance(x, list | tuple) else x * factor) if k in _AMOUNTS else x
        for k, x in written.items()
    }
    text = ", ".join(f"{k}: {_plain(x)}" for k, x in scaled.items())
    return f"{words}: {{{text}}}"


def deal_slip_words(mean: float, written: Any, per: str = "a deal") -> str:
    """What to write for a money distribution whose amounts were typed in thousands: each of them x 1,000.

    ``written`` is the spec as typed (``Distribution.as_written()``); when it gives its
    amounts by keys of :data:`_AMOUNTS` only (besides shape keys), the spec to write is
    shown: ``{dist: lognormal, median: 25000, p90: 80000}``.
    """
    words = f"has a mean of ${mean:,.4g} {per}, surely typed in thousands: give whole dollars, each amount x 1,000"
    return _scaled_spec(words, written, 1e3)


DEAL_CEILING = 10_000_000.0
"""A deal's or an account's mean yearly value above this is a unit slip: cents, three zeros too many, mixed units.

A rep's quota is at most $100M (:data:`QuotaDollars`); a company whose deals average over
$10M a year closes a handful a year, no sales organisation to simulate by the thousand. A
lognormal typed ``median: 25`` beside ``p90: 80000`` (the median in $k) has a mean of $10B.
"""


def deal_excess_words(mean: float, written: Any, per: str = "a deal", median: float = math.nan) -> str | None:
    """What to write for a money distribution whose mean is above :data:`DEAL_CEILING`: its amounts in whole dollars.

    Amounts of one spec a thousandfold apart or more (``median: 25, p90: 80000``) are said to
    mix units; otherwise each is shown divided by 1,000. None (no slip: the config runs) when
    ``median`` is within the ceiling and the amounts are not a thousandfold apart: an
    enterprise company's $2M median beside a $20M p90 has a mean of $10.2M from its wide tail,
    its own figures in whole dollars.
    """
    words = (
        f"has a mean of {dollars_words(float(f'{mean:.3g}'))} {per}, over the {dollars_words(DEAL_CEILING)} a year "
        "salesim takes as the most a B2B deal or account is worth"
    )
    amounts = {k: x for k, x in written.items() if k in _AMOUNTS} if isinstance(written, Mapping) else {}
    sizes = [abs(x) for x in amounts.values() if isinstance(x, int | float) and not isinstance(x, bool) and x]
    if "mu" not in amounts and len(sizes) >= 2 and max(sizes) >= 1e3 * min(sizes):
        parts = ", ".join(f"{k}: {_plain(x)}" for k, x in amounts.items())
        return (
            f"{words}: its amounts ({parts}) lie {max(sizes) / min(sizes):,.0f} times apart, surely one typed in "
            "thousands or the other with three zeros too many: give each in whole dollars"
        )
    if written is None:  # the products' multipliers carry the dollars (a calibrated company's)
        return f"{words}: give the deal values in whole dollars"
    if median <= DEAL_CEILING:  # median 2000000, p90 20000000: a wide tail lifts the mean, no zeros too many
        return None
    words += ": surely typed with three zeros too many: give whole dollars, each amount / 1,000"
    return _scaled_spec(words, written, 1e-3)


def dollar_excess_words(value: float, per: str, ceiling: float, what: str) -> str:
    """What to write for an amount typed with three zeros too many, or in cents: ``75800000`` -> 75800 or 758000."""
    forms = [f"{x:.0f} for {dollars_words(x)}" for x in (value / 1e3, value / 1e2) if x <= ceiling]
    return (
        f"is {dollars_words(value)} {per}, above any {what} ({dollars_words(ceiling)} at most): surely typed with "
        f"three zeros too many, or in cents: give whole dollars, {' or '.join(forms)}"
    )


def _dollars_at_least(
    floor: float, per: str, millions: bool = True, ceiling: float = math.inf, what: str = "", zero: bool = True
) -> AfterValidator:
    def whole_dollars(value: float) -> float:
        if 0 < value < floor:
            raise salesim_error(dollar_slip_words(value, per, floor, millions, zero, ceiling))
        if value > ceiling:
            raise salesim_error(dollar_excess_words(value, per, ceiling, what))
        return value

    return AfterValidator(whole_dollars)


PayDollars = Annotated[
    float, Field(ge=0), _dollars_at_least(DOLLAR_SLIP, "a year", ceiling=5e6, what="rep's yearly pay")
]
"""A rep's yearly pay in whole dollars: 0, or $1,000 to $5M.

Below $1,000 it is refused as typed in millions or thousands (``101.6`` for $101.6k), above
$5M as typed with three zeros too many or in cents (``75800000`` for $75.8k): the run would
read either as dollars.
"""

QUOTA_SLIP = 10_000.0
"""A yearly quota below this (and above 0) is a unit slip: ``1200`` typed for $1.2M.

A quota is several times a rep's pay (4-6 times OTE, BENCHMARKS.md); under $10k its
commission rate (on-target variable over quota) would pass 100% of bookings for any rep
paid $10k of variable pay: a quota of 1,200 had run at 4,558%, $163M of cost of sales.
"""

QuotaDollars = Annotated[
    float, Field(ge=0), _dollars_at_least(QUOTA_SLIP, "a year", ceiling=1e8, what="rep's yearly quota")
]
"""A rep's yearly bookings quota in whole dollars: 0, or $10,000 to $100M (enterprise quotas run to a few $M)."""

HireDollars = Annotated[
    float, Field(ge=0), _dollars_at_least(100.0, "a hire", millions=False, ceiling=1e6, what="cost of a hire")
]
"""A one-off cost per hire in whole dollars: 0, or $100 to $1M (recruiting and onboarding cost thousands)."""

LeadDollars = Annotated[float, Field(ge=0), _dollars_at_least(1.0, "a lead", ceiling=5e4, what="cost of a lead")]
"""A cost per lead in whole dollars: 0, or $1 to $50k (``0.084`` is $84 typed in thousands)."""

DealDollars = Annotated[float, Field(gt=0), _dollars_at_least(DEAL_SLIP, "a deal", millions=False, zero=False)]
"""A deal's value in whole dollars: $100 and more (``25`` is $25k typed in thousands)."""

SeatYearDollars = Annotated[
    float, Field(ge=0), _dollars_at_least(1.0, "a seat a year", ceiling=1e5, what="tool's seat a year")
]
"""A tool's cost per seat a year in whole dollars: 0, or $1 to $100k (``0.888`` is $888 typed in thousands)."""
