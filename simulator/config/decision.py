"""The decision an experiment informs: its decision KPIs and, optionally, a rule to choose by.

An experiment answers a question; the answer is read on a few KPIs, not on all of them.
``experiment.decision`` names them:

- ``primary``: the KPI the question is about (``net_revenue_retention`` for CSM coverage,
  ``hit_plan`` for a plan check);
- ``guardrails``: KPIs that must not get worse for the answer to hold (cost of sales,
  churned ARR, cycle time);
- ``scenarios_are``: ``options`` (the default), choices the organisation makes, so the
  answer names the one to choose or to keep; or ``conditions`` it meets rather than picks
  (a turnover rate, a market), so the answer compares them and names none: "Keep
  turnover_35" had answered what rep turnover costs;
- ``rule`` (optional): how to choose. ``target`` is a value the primary KPI must reach
  (at least, for a KPI where higher is better; at most, where lower is better), in the
  KPI's own unit (0.8 for an 80% probability, dollars for money); ``max_worsening``
  limits how much each guardrail may get worse against the baseline (mean paired
  difference, in the KPI's unit: dollars, days, 0.02 for two points of a share).

The names are checked against the KPI table (:mod:`simulator.analysis.quantities`) before
anything runs; this module checks only their form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from simulator.config.fields import ConfigModel, NonNegative, Number, Text


class DecisionRule(ConfigModel):
    """How to choose among the scenarios once the runs are made."""

    target: Number | None = None
    """The value the primary KPI must reach, in its unit (at least if higher is better, at most if lower is)."""
    max_worsening: dict[Text, NonNegative] = Field(default_factory=dict)
    """Guardrail KPI -> the most it may get worse against the baseline (mean paired difference, in its unit)."""


class DecisionSettings(ConfigModel):
    """The decision KPIs of an experiment: the primary one, its guardrails and an optional rule."""

    primary: Text
    """The KPI the question is about; the report's answer and ranking are on it."""
    guardrails: list[Text] = Field(default_factory=list)
    """KPIs that must not get worse for the answer to hold (cost of sales, churn, cycle time)."""
    scenarios_are: Literal["options", "conditions"] = "options"
    """options: choices to make (the answer names one); conditions: circumstances met, not chosen (it names none)."""
    rule: DecisionRule | None = None
    """Optional: a target for the primary KPI and limits on how much each guardrail may worsen."""
