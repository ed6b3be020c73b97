"""A decision rule's target left behind by a command line that changes the primary KPI.

``experiment.decision.rule.target`` is a value of the primary KPI, in its unit: plan_check's
0.8 is an 80% chance of hitting the plan. A user who reads the same experiment on another
KPI (``experiment.decision.primary=win_rate``) and gives no target of their own had that
0.8 judged against the new KPI: "No scenario reaches the target of 80.0% for win rate", or
"the target of 0.8 hours of working days for mean time to first touch", or a refusal of a
target they never wrote ("bookings is in dollars: give 800000 for $800k"). The target
belongs to the KPI it was written for, so it is left out, with a note naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.scenario_layers import Composer, plain
from simulator.user_overrides import UserOverride

PRIMARY = "experiment.decision.primary"
RULE_KEYS = ("experiment.decision", "experiment.decision.rule", "experiment.decision.rule.target")
"""Keys whose override sets the target itself (or the whole rule): the user's own target then stands."""


def drop_stale_target(user: Sequence[UserOverride], base: dict[str, Any], composer: Composer) -> list[str]:
    """Leave out of ``base`` a rule's target written for a primary KPI the user's overrides replaced.

    Args:
        user: The user's overrides (see :func:`simulator.user_overrides.classify`).
        base: The composed base config with those overrides; its
            ``experiment.decision.rule.target`` is set to None when it was meant for another KPI.
        composer: Composes the primary config with a list of overrides.

    Returns:
        The note for the user (none when nothing was left out).
    """
    if not any(u.key == PRIMARY and u.kind in ("value", "add") for u in user):
        return []
    if any(u.key in RULE_KEYS for u in user):
        return []
    rule = _rule(base)
    if rule is None or rule.get("target") is None:
        return []
    primary = str(base["experiment"]["decision"].get("primary"))
    try:
        before = plain(composer([u.line for u in user if u.key != PRIMARY]))
    except Exception:  # the overrides' own fault is told by the composition that follows
        return []
    written = ((before.get("experiment") or {}).get("decision") or {}) if isinstance(before, dict) else {}
    was = written.get("primary") if isinstance(written, dict) else None
    kept = _rule(before)
    if was is None or str(was) == primary or kept is None or kept.get("target") != rule.get("target"):
        return []
    target = rule["target"]
    rule["target"] = None
    return [
        f"{PRIMARY}={primary}: the decision rule's target (experiment.decision.rule.target = {target}) was written "
        f"for {was}, not for {primary}, so no target is used; give experiment.decision.rule.target=VALUE, in "
        f"the unit of {primary}, to set one"
    ]


def _rule(config: dict[str, Any]) -> dict[str, Any] | None:
    experiment = config.get("experiment")
    decision = experiment.get("decision") if isinstance(experiment, dict) else None
    rule = decision.get("rule") if isinstance(decision, dict) else None
    return rule if isinstance(rule, dict) else None
