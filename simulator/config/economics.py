"""The money side of a scenario: what reps, tools, leads and partners cost, and quotas.

Modelling assumptions (defaults from ``BENCHMARKS.md``; see ``configs/economics/default.yaml``):
- A rep's *fully loaded* cost at target is its on-target earnings (base salary plus
  on-target variable pay) divided by ``pay_share``, the share of the full cost that is
  pay (salary is 60-80% of a rep's full cost, SBI). The rest (benefits, taxes, equipment,
  management) is a fixed cost per day employed, like the base salary.
- Variable pay is commission on the bookings credited to the rep at ``commission_rate``
  (by default on-target variable / quota, so a rep at quota earns exactly its on-target
  variable pay). A role with no commission (an SDR paid on meetings) is paid its
  on-target variable as a fixed amount per day employed.
- Tools are a cost per seat and year for teams with PRM automation.
- Leads cost ``cost_per_lead`` by source; a source's ``margin`` is the share of its
  bookings paid out (a partner's referral fee).
"""

from __future__ import annotations

from pydantic import Field

from simulator.config.fields import ConfigModel


class RoleEconomics(ConfigModel):
    """Pay, quota and ramp threshold of one role."""

    base_salary: float = Field(default=101_600.0, ge=0, description="base salary per year ($)")
    on_target_variable: float = Field(default=54_700.0, ge=0, description="variable pay per year at 100% of quota ($)")
    pay_share: float = Field(default=0.7, gt=0, le=1, description="share of the fully loaded cost that is pay")
    commission_rate: float | None = Field(
        default=None, ge=0, le=1, description="commission on credited bookings; None: on_target_variable / quota"
    )
    quota: float = Field(default=750_000.0, ge=0, description="bookings quota per year ($); 0: no bookings quota")
    ramp_months: float = Field(
        default=0.0, ge=0, description="months of tenure before a rep counts as ramped for quota attainment"
    )
    hiring_cost: float = Field(
        default=0.0,
        ge=0,
        description="one-off cost per rep who joins after day 0 (recruiting, onboarding), $; the sales lost while "
        "a seat is empty or ramping are simulated, not counted here",
    )

    def effective_commission_rate(self) -> float:
        """The commission rate actually paid on credited bookings."""
        if self.commission_rate is not None:
            return self.commission_rate
        return self.on_target_variable / self.quota if self.quota > 0 else 0.0

    def fixed_cost_per_year(self) -> float:
        """Cost per year employed that does not depend on bookings: base, on-costs, fixed variable."""
        on_target = self.base_salary + self.on_target_variable
        on_costs = on_target * (1.0 / self.pay_share - 1.0)
        fixed_variable = self.on_target_variable if self.effective_commission_rate() == 0.0 else 0.0
        return self.base_salary + on_costs + fixed_variable

    def fully_loaded_cost(self) -> float:
        """Cost per year of a rep at target: on-target earnings over the pay share."""
        return (self.base_salary + self.on_target_variable) / self.pay_share


class SourceEconomics(ConfigModel):
    """What a lead source costs."""

    cost_per_lead: float = Field(default=0.0, ge=0, description="marketing cost per lead ($)")
    margin: float = Field(
        default=0.0, ge=0, le=1, description="share of this source's bookings paid out (referral fee)"
    )


class EconomicsConfig(ConfigModel):
    """Costs and quotas; roles not listed use ``default_role``, sources not listed cost nothing."""

    roles: dict[str, RoleEconomics] = Field(default_factory=dict, description="role -> pay and quota")
    default_role: RoleEconomics = Field(default_factory=RoleEconomics, description="for roles not listed")
    tool_cost_per_seat_year: float = Field(
        default=888.0, ge=0, description="PRM seat per year ($), for teams with prm_automation"
    )
    sources: dict[str, SourceEconomics] = Field(
        default_factory=dict, description="source -> cost; sources absent from the market are ignored"
    )

    def role(self, name: str) -> RoleEconomics:
        """The economics of role ``name``."""
        return self.roles.get(name, self.default_role)
