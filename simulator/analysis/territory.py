"""A prospecting territory running out: the other way a measured year can fail to be a steady state.

A finite territory (``pipelines.prospecting.target_accounts``) is worked account by
account; once few fresh accounts are left, prospecting books fewer meetings month by
month, whatever the warm-up.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from simulator.run.experiment import Experiment

TERRITORY_WORKED = 0.9
"""A territory this much worked by the end of the run is running out of fresh accounts."""


def depleting_territories(replications: pd.DataFrame, territory: Mapping[str, int | None]) -> list[str]:
    """Scenarios whose prospecting territory is nearly used up by the end of the run, in words.

    A finite territory (``pipelines.prospecting.target_accounts``) is worked account by
    account; once few fresh accounts are left, prospecting books fewer meetings month by
    month, so the measured year is no steady state. ``replications`` needs the
    ``target_accounts_used`` KPI (worked by the end of the run, the warm-up's included);
    ``territory`` maps a scenario to its number of target accounts (None: no prospecting).
    """
    if replications.empty or "target_accounts_used" not in replications.columns:
        return []
    lines = []
    grouped = replications.groupby("scenario", sort=False)
    worked = grouped["target_accounts_used"].mean()
    # accounts first worked inside the measured window: none means the warm-up used the territory up
    in_window = grouped["target_accounts_worked"].mean() if "target_accounts_worked" in replications else None
    for scenario, mean_worked in worked.items():
        accounts = territory.get(str(scenario))
        if accounts and mean_worked >= TERRITORY_WORKED * accounts:
            fresh = float(in_window.get(scenario, float("nan"))) if in_window is not None else float("nan")
            course = (
                "the warm-up used it up: prospecting works no fresh account and books no new meeting in the "
                "measured window"
                if fresh == 0.0
                else "prospecting runs out of fresh accounts, so its meetings fall as the run goes on"
            )
            lines.append(
                f"{scenario}: {mean_worked / accounts:.0%} of the {accounts:,} target accounts are worked by the end "
                f"of the run: {course}; raise pipelines.prospecting.target_accounts to the territory the reps "
                "really have"
            )
    return lines


def territories(experiment: Experiment) -> dict[str, int | None]:
    """Each scenario's number of prospecting target accounts (None: no prospecting pipeline)."""
    out: dict[str, int | None] = {}
    for spec in experiment.scenarios:
        prospecting = spec.config.pipelines.prospecting
        out[spec.name] = None if prospecting is None else int(prospecting.target_accounts)
    return out
