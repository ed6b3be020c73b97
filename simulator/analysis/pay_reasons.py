"""Why a cost figure reads as it does when the reps' pay is salesim's default, not the company's.

A calibrated company's export holds no pay: its ``economics/calibrated.yaml`` sets the
fitted role's quota only, so each rep costs the default role's pay (calibration.md says
so). The cost per $1 of new bookings then read "$0.55; published $1.13-$2.00" beside the
reasons any company's figure reads low, and not this one: the pay is an illustration.
The words here say it beside the figure, naming the roles whose pay no config sets.
"""

from __future__ import annotations

from simulator.analysis.published_ranges import SALES_AND_MARKETING_PER_NEW_ARR, below_key
from simulator.config.economics import EconomicsConfig
from simulator.run.experiment import ExperimentResult

PAY_FIELDS = ("base_salary", "on_target_variable")
"""A role's pay, which a config sets for the company's figures to be its own."""


def default_paid_roles(economics: EconomicsConfig, roles: list[str]) -> dict[str, list[str]]:
    """The roles of ``roles`` with a part of their pay no config sets, and those parts (``base_salary``, ...).

    A role of ``economics.roles`` whose pay fields were left out, or a role absent from it
    whose ``economics.default_role`` leaves them out: their reps cost salesim's default pay.
    """
    unset = {}
    for role in dict.fromkeys(roles):
        settings = economics.roles.get(role, economics.default_role)
        left = [field for field in PAY_FIELDS if field not in settings.model_fields_set]
        if left:
            unset[role] = left
    return unset


def pay_reasons(result: ExperimentResult) -> dict[str, dict[str, str]]:
    """Scenario -> {the cost per $1 of new bookings, above and below its range: words} where pay is the default."""
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        config = spec.config
        unset = default_paid_roles(config.economics, [team.role for team in config.org.teams.values()])
        if not unset:
            continue
        keys = ", ".join(f"economics.roles.{role}.{field}" for role, fields in unset.items() for field in fields)
        words = (
            f"the {', '.join(unset)} reps' pay is salesim's default role pay, not the company's (no config sets "
            f"{keys}): the cost is an illustration until economics holds the company's own pay"
        )
        key = SALES_AND_MARKETING_PER_NEW_ARR
        reasons[spec.name] = {key: words, below_key(key): words}
    return reasons
