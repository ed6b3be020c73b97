"""A scenario's org design in words, where its teams' assignment contradicts the design's own description.

An org config's ``description`` is written for the assignment it ships with ("full-cycle reps,
each owning leads from first touch to close"; "SDRs (pooled desk) qualify"). An override that
turns a team into one shared queue, or a shared queue into owners, keeps the description:
``lead_assignment``'s shared_queue (``org.teams.full_cycle.assignment=pooled``) read "full-cycle
reps, each owning leads from first touch to close" beside its own "no lead has an owner to re-deal
in this scenario (its sales teams work one shared queue)". :func:`design_words` says the change.
"""

from __future__ import annotations

from simulator.analysis.wording import join_words, team_label
from simulator.config.org import OrgConfig

POOLED = "pooled"
"""The assignment with no owner: the next free rep of the team takes each stage."""

OWNER_WORDS = {
    "round_robin": "dealt in turn",
    "least_loaded": "dealt to the rep with the fewest open deals",
    "by_share": "dealt by each rep's share",
}
"""How an owner is chosen, by assignment policy."""


def design_words(description: str, org: OrgConfig, baseline_org: OrgConfig, baseline_description: str) -> str:
    """``description``, or the baseline's design with the change its words no longer hold.

    Only a scenario on the baseline's design (the same description) is compared: a team of the
    same name whose assignment goes from owners to one shared queue, or back, is named.
    """
    if description != baseline_description:
        return description
    changes = []
    for name, team in org.teams.items():
        base = baseline_org.teams.get(name)
        if base is None or (team.assignment == POOLED) == (base.assignment == POOLED):
            continue
        label = team_label(name)
        changes.append(
            f"its {label} team works one shared queue (the next free rep takes each stage, so no rep owns a lead)"
            if team.assignment == POOLED
            else f"its {label} team gives each lead an owner ({OWNER_WORDS.get(team.assignment, team.assignment)}) "
            "rather than one shared queue"
        )
    if not changes:
        return description
    count = "one change" if len(changes) == 1 else f"{len(changes)} changes"
    return f"the baseline's design ({description}) with {count}: {join_words(changes)}"
