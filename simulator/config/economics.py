"""The money side of a scenario: what reps, tools, leads and partners cost, and quotas.

Modelling assumptions (defaults from ``BENCHMARKS.md``; see ``configs/economics/default.yaml``):
- A rep's *fully loaded* cost at target is its on-target earnings (base salary plus
  on-target variable pay) divided by ``pay_share``, the share of the full cost that is
  pay (salary is 60-80% of a rep's full cost, SBI). The rest (benefits, taxes, equipment,
  management) is a fixed cost per day employed, like the base salary.
- Variable pay is commission on the new-business bookings credited to the rep at
  ``commission_rate`` (by default on-target variable / quota, so a rep at quota earns
  exactly its on-target variable pay), and on the expansion bookings (upsells) it closes
  at ``expansion_commission_rate``: published plans pay upsells at a rate of their own,
  median 8% on upsells against 2% on renewals (Pacific Crest 2016, BENCHMARKS.md, Pay,
  quota and unit economics); unset (None), it is the role's new-business rate, so a role
  paid no commission (a CSM paid at target) still earns none on upsells. A role with no
  commission on either (an SDR paid on meetings) is paid its on-target variable as a
  fixed amount per day employed.
- ``expansion_quota_credit``: whether those expansion bookings count towards the closing
  rep's quota attainment (true by default: plans that pay commission on upsells credit
  them to the rep's number, often at a separate rate, as above; BENCHMARKS.md gives the
  rates, not a share of plans, so this default is an assumption). A role without a
  bookings quota has no attainment either way.
- Tools are a cost per seat and year for teams with PRM automation.
- Leads cost ``cost_per_lead`` by source; a source's ``margin`` is the share of its
  bookings paid out (a partner's referral fee).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from simulator.config.fields import (
    ConfigModel,
    Flag,
    HireDollars,
    LeadDollars,
    Number,
    PayDollars,
    QuotaDollars,
    SeatYearDollars,
    explained,
)

CommissionRate = Annotated[
    Number,
    Field(ge=0, le=1),
    explained("must be a share of the bookings between 0 and 1 (8% is 0.08), or null", types_too=True),
]
"""A commission rate: the share of the credited bookings paid out (null: the key's default rule)."""


class RoleEconomics(ConfigModel):
    """Pay, quota and ramp threshold of one role."""

    base_salary: PayDollars = Field(default=101_600.0, description="base salary per year ($)")
    on_target_variable: PayDollars = Field(default=54_700.0, description="variable pay per year at 100% of quota ($)")
    pay_share: float = Field(default=0.7, gt=0, le=1, description="share of the fully loaded cost that is pay")
    commission_rate: CommissionRate | None = Field(
        default=None, description="commission on credited new-business bookings; None: on_target_variable / quota"
    )
    expansion_commission_rate: CommissionRate | None = Field(
        default=None,
        description="commission on the expansion bookings (upsells) the rep closes; None: the new-business rate "
        "(effective commission_rate); median 8% on upsells (Pacific Crest 2016)",
    )
    quota: QuotaDollars = Field(default=750_000.0, description="bookings quota per year ($); 0: no bookings quota")
    expansion_quota_credit: Flag = Field(
        default=True,
        description="expansion bookings the rep closes count towards its quota attainment (as new bookings do)",
    )
    ramp_months: float = Field(
        default=0.0, ge=0, description="months of tenure before a rep counts as ramped for quota attainment"
    )
    hiring_cost: HireDollars = Field(
        default=0.0,
        description="one-off cost per rep who joins after day 0 (recruiting, onboarding), $; the sales lost while "
        "a seat is empty or ramping are simulated, not counted here",
    )

    def effective_commission_rate(self) -> float:
        """The commission rate actually paid on credited bookings."""
        if self.commission_rate is not None:
            return self.commission_rate
        return self.on_target_variable / self.quota if self.quota > 0 else 0.0

    def effective_expansion_commission_rate(self) -> float:
        """The commission rate actually paid on the expansion bookings the rep closes."""
        if self.expansion_commission_rate is not None:
            return self.expansion_commission_rate
        return self.effective_commission_rate()

    def fixed_cost_per_year(self) -> float:
        """Cost per year employed that does not depend on bookings: base, on-costs, fixed variable.

        On-target variable pay is a fixed cost only for a role paid no commission at all
        (neither on new business nor on expansions).
        """
        on_target = self.base_salary + self.on_target_variable
        on_costs = on_target * (1.0 / self.pay_share - 1.0)
        commissioned = self.effective_commission_rate() > 0.0 or self.effective_expansion_commission_rate() > 0.0
        fixed_variable = 0.0 if commissioned else self.on_target_variable
        return self.base_salary + on_costs + fixed_variable

    def fully_loaded_cost(self) -> float:
        """Cost per year of a rep at target: on-target earnings over the pay share."""
        return (self.base_salary + self.on_target_variable) / self.pay_share


class SourceEconomics(ConfigModel):
    """What a lead source costs."""

    cost_per_lead: LeadDollars = Field(default=0.0, description="marketing cost per lead ($)")
    margin: float = Field(
        default=0.0, ge=0, le=1, description="share of this source's bookings paid out (referral fee)"
    )


class EconomicsConfig(ConfigModel):
    """Costs and quotas; roles not listed use ``default_role``, sources not listed cost nothing."""

    roles: dict[str, RoleEconomics] = Field(default_factory=dict, description="role -> pay and quota")
    default_role: RoleEconomics = Field(default_factory=RoleEconomics, description="for roles not listed")
    tool_cost_per_seat_year: SeatYearDollars = Field(
        default=888.0, description="PRM seat per year ($), for teams with prm_automation"
    )
    sources: dict[str, SourceEconomics] = Field(
        default_factory=dict, description="source -> cost; sources absent from the market are ignored"
    )

    def role(self, name: str) -> RoleEconomics:
        """The economics of role ``name``."""
        return self.roles.get(name, self.default_role)
