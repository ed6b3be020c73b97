"""The bookings plan, the capacity planner's assumption and the forecasting method.

``plan.bookings`` is either one figure for a year or four, one per calendar quarter. It is
held over the measurement window to the day (:mod:`simulator.config.calendar`): a window
of d working days of one year is held to a yearly figure x d / the year's working days
(250 by default), and to each quarter's figure x the share of that quarter's working
days inside the window. ``plan.assumed_attainment`` is the quota attainment a capacity planner's
spreadsheet assumes (ramped FTE x quota x attainment).

``forecast.weights``: ``learned`` turns each month-end's open pipeline into a forecast
with the stage -> won-within-the-period rates observed at the earlier month ends of the
same run (months without such history are not forecast); ``configured`` uses the rates
given per stage in ``forecast.month`` and ``forecast.quarter``.
"""

from __future__ import annotations

import math
import statistics
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, ValidatorFunctionWrapHandler, WrapValidator, model_validator

from simulator.config.errors import ConfigError, ConfigIssue, read_as_text_hint
from simulator.config.fields import (
    DOLLAR_SLIP,
    ConfigModel,
    NonNegative,
    dollar_slip_words,
    dollars_words,
    explained,
    salesim_error,
)

Quarterly = Annotated[
    list[NonNegative],
    Field(min_length=4, max_length=4),
    explained("must be one yearly figure or a list of exactly 4 quarterly figures"),
]
_YEARLY: TypeAdapter[float] = TypeAdapter(NonNegative)
_QUARTERLY: TypeAdapter[list[float]] = TypeAdapter(Quarterly)


PLAN_FORMS = (
    "must be the yearly bookings plan in dollars, more than 0 (4000000 for $4M), four quarterly figures "
    "([1000000, 1000000, 1000000, 1000000]), or null: no plan"
)
"""What ``plan.bookings`` may be: "abc" had read "must be a number", -1 "must be a finite number >= 0"."""


def _yearly_or_quarterly(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A list is the quarterly plan, anything else the yearly figure: each error names its own key."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return _QUARTERLY.validate_python(value)
    try:
        return _YEARLY.validate_python(value)
    except ValidationError:
        hint = " (true/false is not a number)" if isinstance(value, bool) else read_as_text_hint(value)
        raise salesim_error(PLAN_FORMS + hint) from None


PLAN_FLOOR = 100_000.0
"""The least yearly plan a slip's readings offer: 3.5 reads as $3.5M, not $3.5k."""

QUARTER_SLIP = 100.0
"""A quarter this many times under or over the quarters' median is a unit slip: 1,200 beside $1.1M for $1.2M."""
QUARTER_READING = 3.0
"""A slipped quarter's reading in thousands or millions is offered within this factor of the others (else none is)."""


def _slipped_quarters(quarters: list[float]) -> list[ConfigIssue]:
    """Each quarter a hundred times under or over the quarters' median, with the reading nearer the others.

    Held to the largest quarter, [1e6, 1e6, 1e6, 1e15] had blamed quarters 1 to 3 ("is $1e+06 for
    quarter 1 beside the others' 1,000,000,000,000,000 and more"), and [1e4, 1e6, 1e6, 2e6] was
    refused where [1e6, 1e6, 1e6, 1e4] was not; the median holds to what most quarters say.
    """
    median = statistics.median(quarters)
    if median <= 0:
        return []
    issues = []
    for k, q in enumerate(quarters):
        shifts: tuple[float, ...]
        if 0 < q < median / QUARTER_SLIP:
            shifts, how = (1e3, 1e6), "typed in {}"
        elif q > median * QUARTER_SLIP:
            shifts, how = (1e-3, 1e-6, 1e-9), "typed with {} too many"
        else:
            continue
        meant = min((q * f for f in shifts), key=lambda x: abs(math.log(x / median)))
        ratio = "under 1% of" if q < median else f"{q / median:,.0f} times"
        beside = f"is {dollars_words(q)} for quarter {k + 1}, {ratio} the quarters' median of {dollars_words(median)}"
        if abs(math.log(meant / median)) <= math.log(QUARTER_READING):
            unit = {1e3: "thousands", 1e6: "millions", 1e-3: "three zeros", 1e-6: "six zeros", 1e-9: "nine zeros"}
            words = (
                f"{beside}: surely {how.format(unit[round(meant / q, 9)])}: give whole dollars ({meant:.0f} for "
                f"{dollars_words(meant)})"
            )
        else:  # $10,000 beside $1M reads $10M in thousands: no reading lands near the others
            slip = "lost" if q < median else "too many"
            words = f"{beside}: a digit {slip}? give each quarter's bookings in whole dollars"
        issues.append(ConfigIssue(f"bookings.{k}", q, words))
    return issues


class PlanConfig(ConfigModel):
    """A bookings plan to be hit, and the planner's attainment assumption."""

    bookings: Annotated[NonNegative | Quarterly | None, WrapValidator(_yearly_or_quarterly)] = Field(
        default=None, description="yearly bookings plan ($), or four quarterly figures; None: no plan"
    )
    assumed_attainment: float = Field(
        default=0.5, gt=0, le=5, description="quota attainment the capacity planner assumes"
    )

    @model_validator(mode="after")
    def _a_plan_to_hit(self) -> PlanConfig:
        total = sum(self.bookings) if isinstance(self.bookings, list) else self.bookings
        if total is not None and total <= 0:  # every run "hits" it: a question with one answer
            raise ConfigError.single(
                "bookings",
                self.bookings,
                "a plan of $0 is hit in every run: give the bookings to hit in $ (4000000 = $4.0M), or null: no plan",
            )
        quarters = self.bookings if isinstance(self.bookings, list) else []
        if total is not None and total >= DOLLAR_SLIP and quarters:
            issues = _slipped_quarters(quarters)
            if issues:
                raise ConfigError(issues)
        if total is not None and total < DOLLAR_SLIP:  # a plan of $4 is hit in every run too
            words = dollar_slip_words(total, zero=False, floor=PLAN_FLOOR)  # a plan of $3.5k is no reading of 3.5
            if isinstance(self.bookings, list):
                listed = ", ".join(f"{q * 1e6:.0f}" for q in self.bookings)
                words = (
                    f"is ${total:g} a year, surely typed in millions: give each quarter in whole dollars, [{listed}]"
                )
            raise ConfigError.single("bookings", self.bookings, words)
        return self


class ForecastConfig(ConfigModel):
    """How month-end forecasts weight the open pipeline by stage."""

    weights: Literal["learned", "configured"] = Field(
        default="learned", description="learned in the run, or configured"
    )
    month: dict[str, float] = Field(default_factory=dict, description="stage -> share won within the next month")
    quarter: dict[str, float] = Field(default_factory=dict, description="stage -> share won within the next quarter")

    def check(self, stage_names: tuple[str, ...]) -> list[ConfigIssue]:
        """Cross-checks against the pipeline: stage names exist; configured weights cover every stage."""
        issues: list[ConfigIssue] = []
        for period in ("month", "quarter"):
            weights: dict[str, float] = getattr(self, period)
            for stage, weight in weights.items():
                if stage not in stage_names:
                    issues.append(
                        ConfigIssue(f"forecast.{period}.{stage}", weight, f"must be a stage: {', '.join(stage_names)}")
                    )
                if not 0.0 <= weight <= 1.0:
                    issues.append(ConfigIssue(f"forecast.{period}.{stage}", weight, "must be a share between 0 and 1"))
            missing = [s for s in stage_names if s not in weights]
            if self.weights == "configured" and missing:
                issues.append(
                    ConfigIssue(
                        f"forecast.{period}", weights, f"configured weights need every stage; missing {missing}"
                    )
                )
        return issues


class SlaConfig(ConfigModel):
    """Service levels: the wait before a rep works a lead at each stage."""

    stages: dict[str, float] = Field(
        default_factory=dict, description="stage -> SLA in working days; other stages use their max_wait_days"
    )

    def check(self, stage_names: tuple[str, ...]) -> list[ConfigIssue]:
        """Stage names exist and SLAs are positive."""
        issues: list[ConfigIssue] = []
        for stage, days in self.stages.items():
            if stage not in stage_names:
                issues.append(ConfigIssue(f"sla.stages.{stage}", days, f"must be a stage: {', '.join(stage_names)}"))
            if not days > 0:
                issues.append(ConfigIssue(f"sla.stages.{stage}", days, "must be a number of working days > 0"))
        return issues
