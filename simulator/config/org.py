"""The org design of a scenario: teams of reps, their skill and sharing of work, hand-offs, and routing.

``org:`` of a scenario config (:class:`OrgConfig`): each team a pool of reps with one role
(:class:`TeamConfig`), stages routed to teams by name, else by role, else to the default
team; :class:`HandoffConfig` is what passing a lead between reps costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Protocol, get_args

from pydantic import Field, model_validator

from simulator.config.distributions import Distribution, DistributionField
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import AtLeastOne, ConfigModel, Flag, NonNegative, Number, Probability, Text, explained
from simulator.config.lead_attributes import Weight
from simulator.config.pipelines import TimeAllocationConfig
from simulator.config.pods import OverflowConfig, ServesConfig, TeamPodConfig

AssignmentPolicy = Literal["pooled", "round_robin", "least_loaded", "by_share"]
PriorityRule = Literal["fifo", "closest_to_close"]
ASSIGNMENT_POLICIES: tuple[str, ...] = get_args(AssignmentPolicy)
PRIORITY_RULES: tuple[str, ...] = get_args(PriorityRule)


class RoutedStage(Protocol):
    """What routing reads of a stage of any pipeline: its name and role."""

    @property
    def name(self) -> str:
        """The stage's name (routing's key)."""
        ...

    @property
    def role(self) -> str:
        """The role of the team that works it, unless routed by name."""
        ...


class SkillConfig(ConfigModel):
    """Rep skill as a normal shift on the logit of conversion."""

    mean: Number = 0.0
    """Mean skill of the team's reps."""
    sd: NonNegative = 0.0
    """Spread of skill between reps."""


class TeamConfig(ConfigModel):
    """A pool of reps with one role and one way of sharing work."""

    role: Text = ""
    """What the team does: it works the stages with this role (default: the team's name)."""
    headcount: AtLeastOne
    """Number of reps."""
    hours_per_day: Annotated[Number, Field(gt=0, le=24), explained("must be in (0, 24]")] = 8.0
    """Working hours per day."""
    selling_fraction: Annotated[Number, Field(gt=0, le=1), explained("must be in (0, 1]")] = 0.4
    """Share of hours spent selling."""
    skill: SkillConfig = SkillConfig()
    """Rep skill, drawn once per rep."""
    assignment: AssignmentPolicy = "round_robin"
    """How new leads are shared: pooled (next free rep), round_robin, least_loaded or by_share (owners)."""
    reps: dict[str, Weight | None] = Field(default_factory=dict)
    """Named reps -> their relative share of the team's new leads (``by_share``); reps beyond
    the named ones (headcount, hires) take the mean share. A rep set to null has left before
    day 0 (``org.teams.Central.reps.agent_11=null``): not counted in headcount, no leads, and
    the starting deals it owned are dealt by the team's rule, as a leaver's are."""
    priority: PriorityRule = "closest_to_close"
    """Which queued lead a rep works first: the oldest (fifo), or the one at the latest stage (closest_to_close)."""
    newest_first: Flag = False
    """Within the priority rule, the most recently queued item first instead of the oldest: a rep short of
    time answers the freshest leads, whose speed-to-lead odds are best, and the stale ones wait or leak."""
    prm_automation: Flag = False
    """The team's reps have PRM (sales-engagement) seats: a tool cost per seat."""
    serves: ServesConfig = ServesConfig()
    """The slice of leads this team serves, by segment, sector, geography or product (a pod)."""
    specialist_uplift: Number = 0.0
    """Logit added when this team, serving only some products, works one of them (neutral: 0)."""
    overflow: OverflowConfig | None = None
    """This team's overflow rule (else ``org.overflow``)."""
    time_allocation: TimeAllocationConfig = TimeAllocationConfig()
    """How the team shares its hours across pipelines: priority, reserved hours, idle work."""

    @property
    def staying(self) -> dict[str, float]:
        """The named reps who work on day 0 and their shares (those set to null have left)."""
        return {name: share for name, share in self.reps.items() if share is not None}

    def refill_note(self, name: str) -> str | None:
        """A note when reps set to null left while the headcount keeps their seats: unnamed reps fill them."""
        left = [rep for rep, share in self.reps.items() if share is None]
        unnamed = self.headcount - len(self.staying)
        if not left or unnamed <= 0:
            return None
        return (
            f"org.teams.{name}: {', '.join(left)} left (null), and its headcount of {self.headcount} keeps "
            f"{unnamed} unnamed seat{'s' if unnamed > 1 else ''} at the named reps' mean share of leads; to cut "
            f"the seat{'s' if unnamed > 1 else ''}, set org.teams.{name}.headcount={len(self.staying)}"
        )

    @model_validator(mode="after")
    def _named_reps(self) -> TeamConfig:
        staying = self.staying
        if len(staying) > self.headcount:
            raise ConfigError.single(
                "reps",
                list(staying),
                f"names {len(staying)} reps, more than headcount ({self.headcount}): to cut the team, set each rep who "
                "leaves to null "
                "(org.teams.<team>.reps.<rep>=null: its open deals are dealt to the others by the team's rule), "
                f"or raise headcount to {len(staying)}",
            )
        if self.assignment == "by_share" and staying and sum(staying.values()) <= 0:
            raise ConfigError.single("reps", dict(self.reps), "shares must add up to more than 0")
        return self

    @property
    def pod(self) -> TeamPodConfig:
        """The team's pod settings, as routing and overflow read them."""
        return TeamPodConfig(serves=self.serves, specialist_uplift=self.specialist_uplift, overflow=self.overflow)


class HandoffConfig(ConfigModel):
    """What passing a lead to another rep costs."""

    delay_days: DistributionField = Distribution.constant(0.0)
    """Working days until the receiving rep has the context."""
    loss_probability: Probability = 0.0
    """Chance the lead is dropped at the hand-off."""
    extra_effort_hours: DistributionField = Distribution.constant(0.0)
    """Hours the receiving rep spends catching up."""

    @model_validator(mode="after")
    def _not_negative(self) -> HandoffConfig:
        issues = [
            ConfigIssue(name, value.as_written(), "cannot be negative")
            for name, value in (("delay_days", self.delay_days), ("extra_effort_hours", self.extra_effort_hours))
            if value.quantile(0.0) < 0
        ]
        if issues:
            raise ConfigError(issues)
        return self


class OrgConfig(ConfigModel):
    """An org design: teams, and the routing of stages to teams.

    A stage goes to the team named in ``routing``; failing that, to the first team whose
    ``role`` is the stage's role; failing that, to ``default_team``.
    """

    name: Text = "org"
    """Org design name shown in reports."""
    teams: Annotated[dict[str, TeamConfig], Field(min_length=1), explained("needs at least one team")]
    """Teams by name."""
    routing: dict[str, Annotated[Text, explained("must be a team name", types_too=True)]] = Field(default_factory=dict)
    """Stage name -> team name, for stages not worked by the team with their role."""
    default_team: Text | None = None
    """Team for every stage that neither routing nor a role assigns."""
    handoff: HandoffConfig = HandoffConfig()
    """Cost of passing a lead between reps."""
    description: Text = ""
    """Shown in reports."""
    overflow: OverflowConfig | None = None
    """The pods' overflow rule: when a pod passes new work on, and to whom (a team's own rule wins)."""

    @model_validator(mode="before")
    @classmethod
    def _role_defaults_to_team_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("teams"), Mapping):
            teams = {
                name: {"role": str(name), **spec} if isinstance(spec, Mapping) and "role" not in spec else spec
                for name, spec in data["teams"].items()
            }
            return {**data, "teams": teams}
        return data

    @model_validator(mode="after")
    def _teams_exist(self) -> OrgConfig:
        allowed = f"must name a team of the org: {', '.join(self.teams)}"
        issues = [
            ConfigIssue(f"routing.{stage}", team, allowed)
            for stage, team in self.routing.items()
            if team not in self.teams
        ]
        if self.default_team is not None and self.default_team not in self.teams:
            issues.append(ConfigIssue("default_team", self.default_team, allowed))
        if issues:
            raise ConfigError(issues)
        return self

    def team_for(self, stage: RoutedStage) -> str | None:
        """The team that works ``stage`` (None if nothing routes it)."""
        if stage.name in self.routing:
            return self.routing[stage.name]
        for name, team in self.teams.items():
            if team.role == stage.role:
                return name
        return self.default_team
