"""How and when a stage's decision takes effect: no decision, losses after the buyer's delay, quarter ends.

Three options of a stage (``pipeline.stages[i]``) and one of the pipeline, all off by
default (a config without them simulates exactly what it did before):

- ``decide_after_delay``: the rep's work ends in a decision (win, loss or no decision) that
  the buyer announces only after the buyer's delay; a lost deal closes after its own
  delay ``lost_delay_days`` (default: ``delay_days``), and on the last stage a won deal
  closes after ``delay_days``. Durations then differ by outcome, as competing risks with
  outcome-specific durations do (won deals of a CRM export take longer than lost ones).
- ``no_decision``: the share of decisions that end with no decision (the buyer stays
  with the status quo; CSO Insights 2018: about 21% of forecast deals), closed as
  ``no_decision`` after ``no_decision_days`` (default: ``delay_days``).
- ``delays_by_quarter_month``: three sets of delays (won, lost) for deals created in the
  first, second and third month of a calendar quarter (deals created early in a quarter
  are often pushed to close within it); needs ``decide_after_delay``.
- ``pipeline.quarter_end``: a share of the wins that would close within ``lookahead_days``
  after a calendar quarter's end is pulled into the last ``window_days`` of that quarter
  (reps and buyers closing for the quarter). Needs stages that decide after the delay
  (their close day is known in advance).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from simulator.config.distributions import DistributionField
from simulator.config.fields import ConfigModel, Positive, Probability, explained


class QuarterMonthDelays(ConfigModel):
    """The buyer's delays of deals created in one month of a calendar quarter (first, second or third)."""

    delay_days: DistributionField
    """Delay before a pass (a win on the last stage) takes effect, for deals created in this month of a quarter."""
    lost_delay_days: DistributionField | None = None
    """Delay before a loss closes (null: the stage's lost_delay_days)."""


class QuarterEndConfig(ConfigModel):
    """Wins pulled into the last working days of a calendar quarter (off when ``share`` is 0)."""

    share: Probability = 0.0
    """Share of the wins due within ``lookahead_days`` after a quarter's end that close before it instead."""
    window_days: Positive = 10.0
    """Working days before the quarter's end over which a pulled win lands (uniformly)."""
    lookahead_days: Annotated[Positive, Field(le=260), explained("must be a number of working days in (0, 260]")] = 21.0
    """Working days after a quarter's end within which a win can be pulled into it."""
