"""An experiment's decision KPIs, checked against the KPI table before anything runs.

``experiment.decision`` (:class:`~simulator.config.decision.DecisionSettings`) names a
primary KPI, its guardrails and an optional rule. Its form is checked when the config is
parsed; here its names are checked against :data:`simulator.analysis.quantities.KPI_KINDS`
(a misspelt KPI would otherwise give an answer about nothing) and its directions of good
(a primary KPI must have one: "better" has to mean something). An experiment without a
decision is read on bookings, guarded by cost of sales.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from simulator.analysis.kpi_names import KPI_LABELS, POOLED_ATTAINMENT, kpi_unit
from simulator.analysis.published_ranges import SALES_AND_MARKETING_PER_NEW_ARR
from simulator.analysis.quantities import KPI_KINDS, direction, is_share, kpi_range, kpi_row
from simulator.analysis.wording import join_words
from simulator.config.decision import DecisionSettings
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import DOLLAR_SLIP, dollar_forms
from simulator.run.experiment import Experiment

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario

DEFAULT_DECISION = DecisionSettings(primary="bookings", guardrails=["cost_of_sales"])
"""What an experiment that names no decision KPIs is read on."""


RATE_TARGET_CEILING = 10.0
"""A target above this (1,000%) for a ratio shown in % (net revenue retention) is a percentage typed as one: 105."""


def decision_of(experiment: Experiment) -> DecisionSettings:
    """The experiment's decision KPIs, or :data:`DEFAULT_DECISION` when it names none."""
    return experiment.decision or DEFAULT_DECISION


def decision_kpis(decision: DecisionSettings) -> list[str]:
    """The primary KPI, then the guardrails, each once."""
    return list(dict.fromkeys([decision.primary, *decision.guardrails]))


def _known_names() -> list[str]:
    return sorted({*KPI_LABELS, *(row.prefix.rstrip("_") for row in KPI_KINDS)})


def _named_by_the_table(kpi: str) -> bool:
    """A row of the KPI table names ``kpi``: its prefix, or its prefix then ``_`` and a name (not ``bookingss``)."""
    row = kpi_row(kpi)
    return row is not None and (row.prefix.endswith("_") or kpi == row.prefix or kpi.startswith(f"{row.prefix}_"))


def _near_miss(kpi: str) -> str | None:
    """A KPI name ``kpi`` misses by a letter or two at its end (``cost_of_sale``), which a family would take in.

    ``cost_of_sale`` reads as the cost of a team called ``of_sale`` (``cost_<team>``) and
    passed until a run showed no such team. A name that adds ``_`` and a word
    (``leads_partner``) is a family member, not a near miss.
    """
    for name in KPI_LABELS:
        longer, shorter = (name, kpi) if len(name) > len(kpi) else (kpi, name)
        extra = longer[len(shorter) :]
        if longer.startswith(shorter) and 0 < len(extra) <= 2 and not extra.startswith("_"):
            return name
    return None


POOLED_FIGURES = {POOLED_ATTAINMENT: "quota_attainment_p50", SALES_AND_MARKETING_PER_NEW_ARR: "cost_of_sales"}
"""The figures summary.csv holds of every run pooled, and the KPI of each run nearest each."""


def kpi_name_issue(key: str, kpi: str, near_miss: bool = True) -> ConfigIssue | None:
    """The issue of a name that is no KPI salesim reports (with the closest name), None for a KPI name.

    ``near_miss``: refuse a name a letter or two off a KPI's that a family of the KPI
    table would take in (:func:`_near_miss`); without it, such a name is left to the check
    of what one run of each scenario reports (:func:`check_reported`), which names it
    beside every other name the runs lack.
    """
    if kpi in POOLED_FIGURES:  # in summary.csv, but of the runs pooled: no run has it to be paired or ranked on
        return ConfigIssue(
            key,
            kpi,
            f"is a figure of every run pooled, not of each run: a decision KPI must be one of each run's KPIs; did "
            f"you mean '{POOLED_FIGURES[kpi]}'?",
        )
    near = None if kpi in KPI_LABELS or not near_miss else _near_miss(kpi)
    if near is not None:
        return ConfigIssue(
            key, kpi, f"not a KPI salesim reports (see summary.csv for the names); did you mean '{near}'?"
        )
    if _named_by_the_table(kpi):
        return None
    close = difflib.get_close_matches(kpi.lower(), _known_names(), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return ConfigIssue(key, kpi, f"not a KPI salesim reports (see summary.csv for the names){hint}")


def _named(decision: DecisionSettings) -> list[tuple[str, str]]:
    """(config key, KPI) of the primary KPI and each guardrail."""
    key = "experiment.decision"
    return [(f"{key}.primary", decision.primary)] + [
        (f"{key}.guardrails.{i}", g) for i, g in enumerate(decision.guardrails)
    ]


def unreported_issues(decision: DecisionSettings | None, reported: Collection[str]) -> list[ConfigIssue]:
    """The decision KPIs no scenario reports, given the KPIs of one run of each scenario.

    The names a run reports depend on the scenario (its stages, teams, sources, products,
    the plan and its quarters), never on its luck, so one run of each tells. The KPI table
    accepts ``hit_plan_y2_q5`` or ``utilisation_sdr`` in any experiment; this does not.
    """
    if decision is None:
        return []
    issues = []
    for key, kpi in _named(decision):
        if kpi in reported:
            continue
        if kpi.startswith("hit_plan") and not any(k.startswith("hit_plan") for k in reported):
            allowed = "no scenario has a plan: set plan.bookings (a yearly figure or 4 quarterly ones) to ask about one"
        else:
            close = difflib.get_close_matches(kpi.lower(), sorted(reported), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            allowed = f"no scenario of this experiment reports it (see summary.csv for the names){hint}"
        issues.append(ConfigIssue(key, kpi, allowed))
    return issues


def _not_a_guardrail(kpi: str, guardrails: Sequence[str]) -> str:
    """What a ``rule.max_worsening`` key that names no guardrail is told: the guardrails, or that there are none."""
    where = "experiment.decision.guardrails"
    if guardrails:
        close = difflib.get_close_matches(kpi, guardrails, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; or add {kpi} to {where}"
        return f"must name one of the decision's guardrails: {', '.join(guardrails)}{hint}"
    close = difflib.get_close_matches(kpi.lower(), _known_names(), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close and close[0] != kpi else ""
    return (
        f"must name one of the decision's guardrails, and {where} names none{hint}: a rule limits how much a "
        f"guardrail may worsen, so list the KPI there too, e.g. guardrails: [{close[0] if close else kpi}]"
    )


def decision_issues(decision: DecisionSettings | None, near_misses: bool = True) -> list[ConfigIssue]:
    """Everything wrong with the names and directions of ``decision`` (none for ``None``).

    ``near_misses``: as :func:`kpi_name_issue`'s ``near_miss``; false where the runs' own
    names will be checked next (:func:`check_reported`).
    """
    if decision is None:
        return []
    key = "experiment.decision"
    issues = [i for i in [kpi_name_issue(f"{key}.primary", decision.primary, near_misses)] if i]
    if not issues and direction(decision.primary) == 0:
        issues.append(
            ConfigIssue(
                f"{key}.primary",
                decision.primary,
                "must be a KPI that is better higher or lower (bookings, hit_plan, net_revenue_retention, "
                "cost_of_sales, ...); this one is neither, so it can be a guardrail but not the primary KPI",
            )
        )
    for i, guardrail in enumerate(decision.guardrails):
        issue = kpi_name_issue(f"{key}.guardrails.{i}", guardrail, near_misses)
        if issue:
            issues.append(issue)
        elif guardrail == decision.primary:
            issues.append(ConfigIssue(f"{key}.guardrails.{i}", guardrail, "is the primary KPI: name it once"))
    if len(set(decision.guardrails)) != len(decision.guardrails):
        issues.append(ConfigIssue(f"{key}.guardrails", decision.guardrails, "names a KPI twice"))
    rule = decision.rule
    if rule is not None:
        for kpi in rule.max_worsening:
            where = f"{key}.rule.max_worsening.{kpi}"
            if kpi not in decision.guardrails:
                issues.append(ConfigIssue(where, rule.max_worsening[kpi], _not_a_guardrail(kpi, decision.guardrails)))
            elif direction(kpi) == 0:
                issues.append(ConfigIssue(where, rule.max_worsening[kpi], f"{kpi} is neither better higher nor lower"))
            elif kpi_unit(kpi) == "money" and 0 < rule.max_worsening[kpi] < money_floor(kpi):  # 0.3 for $0.3M
                issues.append(ConfigIssue(where, rule.max_worsening[kpi], money_slip(kpi, rule.max_worsening[kpi])))
        named = not any(i.key == f"{key}.primary" for i in issues)  # a misspelt primary is no share
        if rule.target is not None and named and is_share(decision.primary) and not 0 <= rule.target <= 1:
            issues.append(
                ConfigIssue(
                    f"{key}.rule.target", rule.target, f"{decision.primary} is a share: give 0 to 1 (0.8 = 80%)"
                )
            )
        elif rule.target is not None and named:
            low, high = kpi_range(decision.primary)  # a target no run can miss (or reach) decides nothing
            unit = kpi_unit(decision.primary)
            if unit == "rate" and rule.target > RATE_TARGET_CEILING:  # 105 meant as 105%
                issues.append(
                    ConfigIssue(
                        f"{key}.rule.target",
                        rule.target,
                        f"{decision.primary} is a ratio: give {rule.target / 100:g} for {rule.target:g}%",
                    )
                )
            elif (
                unit == "money" and 0 < abs(rule.target) < money_floor(decision.primary) and low <= rule.target <= high
            ):
                issues.append(ConfigIssue(f"{key}.rule.target", rule.target, money_slip(decision.primary, rule.target)))
            elif not low <= rule.target <= high:
                where = "at least 0" if low == 0.0 else f"between {low:g} and {high:g}"
                issues.append(
                    ConfigIssue(
                        f"{key}.rule.target",
                        rule.target,
                        f"must be {where}: {decision.primary} cannot be {rule.target:g}",
                    )
                )
    return issues


COMPANY_TOTALS = (
    "bookings",
    "contribution",
    "cost_of_sales",
    "churned_arr",
    "expansion_bookings",
    "customer_arr",
    "partner_sourced_bookings",
    "open_pipeline_value",
)
"""Money KPIs that are a company's totals over the window: under $1,000 no such target is meant as dollars.

Per-unit money KPIs (``cac``, ``avg_deal_size``, ``bookings_per_rep``) and small cost lines
may well be hundreds of dollars (a calibrated company's deals run from $55): only a figure
under $1 is read as a slip there.
"""


def money_floor(kpi: str) -> float:
    """The least a money KPI's target can mean as dollars: $1,000 for a company's totals, else $1."""
    total = kpi in COMPANY_TOTALS or (kpi.startswith("bookings_") and not kpi.endswith(("_per_rep", "_per_head")))
    return DOLLAR_SLIP if total else 1.0


def money_slip(kpi: str, value: float) -> str:
    """Why a money figure of ``kpi`` under its floor is refused, with the whole dollars to give."""
    forms = dollar_forms(value, money_floor(kpi), millions=money_floor(kpi) >= DOLLAR_SLIP)
    return f"{kpi} is in dollars: give {' or '.join(forms)}"


def check_decision(experiment: Experiment) -> None:
    """Raise one :class:`ConfigError` listing every problem of the experiment's decision KPIs."""
    issues = decision_issues(experiment.decision)
    if issues:
        raise ConfigError(issues)


PLAN_KPI_PREFIXES = ("hit_plan", "plan_")
"""The KPIs of a plan (``hit_plan``, ``hit_plan_<quarter>``, ``plan_shortfall``, ``plan_target``): none without one."""


def plan_needed_issues(experiment: Experiment) -> list[ConfigIssue]:
    """``plan.bookings = null`` when the decision names a plan's KPI and no scenario has a plan.

    ``experiment=plan_check plan.bookings=null`` had been refused on its question's
    ``{plan.bookings}`` alone ("is not set (null)"), not on the decision it cannot answer.
    """
    decision = experiment.decision
    named = [(key, kpi) for key, kpi in _named(decision) if kpi.startswith(PLAN_KPI_PREFIXES)] if decision else []
    if not named or any(spec.config.plan.bookings is not None for spec in experiment.scenarios):
        return []
    kpis = join_words([f"{kpi} ({key})" for key, kpi in named])
    return [
        ConfigIssue(
            "plan.bookings",
            None,
            f"the decision KPI{'s' if len(named) > 1 else ''} {kpis} need{'' if len(named) > 1 else 's'} a plan, "
            "and no scenario has one: give the bookings to hit in whole dollars, a yearly figure (4000000 for $4M) "
            "or four quarterly ones ([1000000,1000000,1000000,1000000]); or name a decision KPI that needs no plan "
            "(bookings)",
        )
    ]


def check_experiment(experiment: Experiment) -> None:
    """Raise one :class:`ConfigError` listing every problem of the experiment and of its decision KPIs.

    :meth:`Experiment.validate` and :func:`check_decision` together: a bad scenario does not
    hide a misspelt decision KPI until it is fixed (every problem in one message).
    """
    issues = plan_needed_issues(experiment)  # first: the question's {plan.bookings} is not set for the same reason
    try:
        experiment.validate()
    except ConfigError as error:
        issues += error.issues
    # a near miss (cost_of_sale) is named now, not after the engine loads (a first run's compile) for one run
    # of each scenario: no KPI a shipped scenario reports is a near miss of another
    issues += decision_issues(experiment.decision)
    if experiment.precision is not None:  # runs=auto's KPI: a typo is named before any run, with the closest name
        target = kpi_name_issue("runner.target_kpi", experiment.precision.kpi)
        issues += [target] if target is not None else []
    if issues:
        raise ConfigError(issues)


def check_reported(experiment: Experiment, scenarios: Sequence[Scenario], engine: str = "auto") -> None:
    """Refuse decision KPIs that none of ``scenarios`` (the experiment's, compiled) reports.

    Runs replication 0 of each scenario once, in this process, and keeps only the names
    of its KPIs (:func:`unreported_issues`); call it with the engine loaded, before the
    run starts, so that nothing is written. A scenario whose run fails is skipped: the
    run reports its failures replication by replication.

    Raises:
        ConfigError: Naming each decision KPI no scenario reports, with the closest names.
    """
    if experiment.decision is None:  # bookings and cost of sales: every run reports them
        return
    from simulator.run.replication import run_replication  # the engines: loaded only to run

    reported: set[str] = set()
    planned: set[str] = set()  # quarters some scenario plans above $0 (a $0 quarter's chance is empty, by design)
    for scenario in scenarios:
        try:
            kpis = run_replication(scenario, experiment.seed, 0, engine).kpis
        except Exception:
            continue
        reported.update(kpis)
        planned.update(k for k, v in kpis.items() if k.startswith("hit_plan_") and not math.isnan(v))
    issues = unreported_issues(experiment.decision, reported) if reported else []
    issues += [
        ConfigIssue(
            key,
            kpi,
            "that quarter is planned at $0 in every scenario, so there is nothing to hit: name a "
            "quarter with a plan, or hit_plan for the whole window",
        )
        for key, kpi in _named(experiment.decision)
        if kpi.startswith("hit_plan_") and kpi in reported and kpi not in planned
    ]
    if issues:
        raise ConfigError(issues)
