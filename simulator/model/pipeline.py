"""Stage conversion: the base probability of a stage shifted by effects in logit space.

Modelling assumptions (see the README's model page):
- Effects add on the logit scale, so they compose without leaving [0, 1] and a stage
  with conversion exactly 0 or 1 is not moved by any effect.
- Speed to lead acts on the lead's first worked stage only: the odds of converting are
  multiplied by ``(1 + t / scale_hours) ** -exponent`` where ``t`` is the time to first
  touch in elapsed hours (a working day counts as 24 buyer hours, since buyers' patience
  runs on the wall clock). The default exponent 1.62 with a 1-hour scale makes the odds
  at 24 hours 1/60 of those at 1 hour (HBR 2011, "The Short Life of Online Sales Leads").
- Rep skill shifts the logit by ``skill_weight * skill`` at every stage the rep works.
- On circle-sensitive stages (evaluation, proof, negotiation), each stakeholder beyond
  the reference size lowers the logit by ``logit_per_person``: consensus is harder.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.model.odds import logit, probability

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario

__all__ = ["HOURS_PER_ELAPSED_DAY", "conversion_logit", "logit", "probability", "speed_to_lead_shift"]

HOURS_PER_ELAPSED_DAY = 24.0


def speed_to_lead_shift(scenario: Scenario, first_touch_hours: float) -> float:
    """Logit shift of the first stage for a lead first touched after ``first_touch_hours``."""
    return -scenario.speed_exponent * math.log1p(max(first_touch_hours, 0.0) / scenario.speed_scale_hours)


def conversion_logit(
    scenario: Scenario,
    stage: int,
    source: int,
    buying_circle: int,
    skill: float,
    first_touch_hours: float | None,
    shift: float = 0.0,
) -> float:
    """Logit of the probability that a worked lead passes ``stage``.

    ``shift`` is the lead's product shift plus the working pod's specialist uplift
    (``scenario.pods.team_logit``).
    """
    z = float(scenario.stage_base_logit[stage])
    if math.isinf(z):
        return z
    z += float(scenario.source_logit_lift[source]) + scenario.skill_weight * skill + shift
    if scenario.stage_circle_sensitive[stage]:
        z -= scenario.circle_logit_per_person * (buying_circle - scenario.circle_reference_size)
    if first_touch_hours is not None and scenario.source_speed_to_lead[source]:
        z += speed_to_lead_shift(scenario, first_touch_hours)
    return z
