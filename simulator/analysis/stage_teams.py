"""The teams that work a stage of a pipeline, read from the org config alone (no results, no tables)."""

from __future__ import annotations

from simulator.config.org import OrgConfig


def working_teams(org: OrgConfig, stage: str, role: str) -> list[str]:
    """The teams that work ``stage`` for some lead: the routed team's pods, else the role's, else the default's.

    Pods (teams of one role serving slices of the leads) share a stage; a default team
    works only the stages no routing or role gives to another.
    """

    def pods_of(team: str) -> list[str]:
        wanted = org.teams[team].role
        return [name for name, spec in org.teams.items() if spec.role == wanted]

    if stage in org.routing and org.routing[stage] in org.teams:
        return pods_of(org.routing[stage])
    by_role = [name for name, spec in org.teams.items() if spec.role == role]
    if by_role:
        return by_role
    return pods_of(org.default_team) if org.default_team in org.teams else []
