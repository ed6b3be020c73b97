"""Market sources whose leads a pipeline makes: their own lead rate does nothing.

The prospecting pipeline's booked meetings are the leads of its ``source`` (outbound by
default) and the partner pipeline's referrals those of its ``source`` (partner): such a
*fed* source takes its entry stage and conversion lift from the market, but not its
``leads_per_month``, which the pipeline replaces. A user who sets that rate expects an
effect; :func:`ignored_rate` names why it has none, so that the composition refuses it
(or notes it, where another scenario does draw the source at its rate) and the
sensitivity study leaves it out of the levers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator.config.clock import ClockConfig
from simulator.config.errors import ConfigIssue

RATE_KEY = "leads_per_month"
SWING_KEY = "month_cv"  # the rate's month-to-month swing: nothing either where a pipeline makes the leads
FEEDING = {"prospecting": "booked meetings", "partner": "partner referrals"}
"""The pipelines that feed a market source, and what its leads are then."""


def fed_sources(config: Mapping[str, Any]) -> dict[str, str]:
    """Source name -> the pipeline (``prospecting``) whose leads it takes, in a composed config (plain dicts)."""
    pipelines = config.get("pipelines") or {}
    found: dict[str, str] = {}
    if not isinstance(pipelines, Mapping):
        return found
    for pipeline in FEEDING:
        section = pipelines.get(pipeline)
        if isinstance(section, Mapping) and isinstance(section.get("source"), str):
            found.setdefault(section["source"], pipeline)
    return found


def _dated_months(config: Mapping[str, Any], source: str) -> str | None:
    """Why the source's rate does nothing when its dated series (``leads_by_month``) gives every month of the run.

    A calibrated company's forecast months come from the export: ``leads_per_month=500``
    on such a folder changed nothing, silently.
    """
    series = ((config.get("market") or {}).get("sources") or {}).get(source) or {}
    by_month = series.get("leads_by_month") if isinstance(series, Mapping) else None
    if not by_month:
        return None
    try:
        clock = ClockConfig.model_validate(config.get("clock") or {})
        if clock.start_date is None:
            return None
        labels = [part.label for part in clock.calendar().slices("month", 0.0, clock.horizon_days)]
    except (ValueError, TypeError):  # a clock the validation refuses: its own issue says why
        return None
    if not labels or not set(labels) <= set(map(str, by_month)):
        return None
    return (
        f"has no effect: market.sources.{source}.leads_by_month gives every month of the run "
        f"({labels[0]} to {labels[-1]}), and a month it gives replaces this rate; set those months instead "
        f"(market.sources.{source}.leads_by_month={{{','.join(f'{label}:N' for label in labels[:3])}"
        f"{',...' if len(labels) > 3 else ''}}}), or drop the series (~market.sources.{source}.leads_by_month) to "
        "draw leads at this rate"
    )


def ignored_rate(config: Mapping[str, Any], key: str) -> str | None:
    """Why ``key`` does nothing in ``config``, or None if it is not a fed source's lead rate (or its swing).

    ``key`` is a dotted path such as ``market.sources.outbound.leads_per_month`` or ``...month_cv``.
    """
    parts = key.split(".")
    if len(parts) != 4 or parts[0] != "market" or parts[1] != "sources" or parts[3] not in (RATE_KEY, SWING_KEY):
        return None
    pipeline = fed_sources(config).get(parts[2])
    if pipeline is None:
        return _dated_months(config, parts[2]) if parts[3] == RATE_KEY else None
    what = "rate" if parts[3] == RATE_KEY else "rate's swing"
    return (
        f"has no effect: the {parts[2]} source's leads are pipelines.{pipeline}'s {FEEDING[pipeline]}, "
        f"so their number follows that pipeline (its headcount, time and conversions), not this {what}; "
        f"change pipelines.{pipeline} instead, or switch it off (pipelines.{pipeline}=null) to draw "
        f"{parts[2]} leads at {'this rate' if parts[3] == RATE_KEY else 'its own rate with this swing'}"
    )


def rate_notes_and_issues(
    user: Sequence[tuple[str, str, Any]],
    own: Mapping[str, Sequence[tuple[str, str, Any]]],
    configs: Mapping[str, Mapping[str, Any]],
) -> tuple[list[str], list[ConfigIssue]]:
    """The overrides of a fed source's lead rate: refused where they act nowhere, noted where somewhere.

    Args:
        user: The user's overrides as ``(line, key, value)``, applied to every scenario.
        own: Each scenario's own overrides, by scenario name, as ``(line, key, value)``.
        configs: Each scenario's composed config (plain dicts), by name.

    Returns:
        Notes for the user (a user's rate ignored by some scenarios but not all) and the
        issues (a user's rate every scenario ignores; a scenario's own rate it ignores).
    """
    notes: list[str] = []
    issues: list[ConfigIssue] = []
    for line, key, value in user:
        why = {name: ignored_rate(config, key) for name, config in configs.items()}
        ignoring = [name for name, reason in why.items() if reason is not None]
        if not ignoring:
            continue
        if len(ignoring) == len(configs):
            issues.append(ConfigIssue(key, value, str(why[ignoring[0]])))
        else:
            names = ", ".join(ignoring)
            notes.append(f"{line} has no effect in scenario {names}: a pipeline books that source's leads there")
    for name, overrides in own.items():
        for _line, key, value in overrides:
            reason = ignored_rate(configs.get(name, {}), key)
            if reason is not None:
                issues.append(ConfigIssue(f"experiment.scenarios.{name}: {key}", value, reason))
    return notes, issues


SHIPPED_SOURCE = {"prospecting": "outbound", "partner": "partner"}
"""The source each feeding pipeline fills in the shipped configs, for a scenario where no config names it."""
UNFED_COSTS = {
    "prospecting": "there is no prospecting time and no tool seats",
    "partner": "there are no partners or referrals (partner-sourced bookings read $0), and partner managers sit idle "
    "but paid",
}


def _source_costs(config: Mapping[str, Any], source: str) -> str:
    """What the source's leads cost then, in words: ``, each costing ...cost_per_lead ($220)`` and its fees."""
    costs = ((config.get("economics") or {}).get("sources") or {}).get(source) or {}
    words = ""
    per_lead, margin = costs.get("cost_per_lead"), costs.get("margin")
    if isinstance(per_lead, int | float) and per_lead > 0:
        words += f", each costing economics.sources.{source}.cost_per_lead (${per_lead:,.0f})"
    if isinstance(margin, int | float) and margin > 0:
        words += f", paying economics.sources.{source}.margin ({margin:.0%}) of their bookings in fees"
    return words


def unfed_notes(configs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A note for each feeding pipeline switched off while others run: its source's leads come at the market's rate.

    ``pipelines.partner=null`` had turned the channel's ~33 referrals a year into a steady
    25 partner leads a month (``market.sources.partner.leads_per_month``): +31% bookings and
    8.6 times the partner fees, with no word. Not where every pipeline is off (the
    single-pipeline model, whose sources are all Poisson by design).

    Args:
        configs: Each scenario's composed config (plain dicts), by name.
    """
    notes = []
    names = list(configs)
    fed_elsewhere = [fed_sources(c) for c in configs.values()]
    for pipeline, what in FEEDING.items():
        source = next((s for found in fed_elsewhere for s, p in found.items() if p == pipeline), None)
        source = source or SHIPPED_SOURCE[pipeline]
        off: list[str] = []
        rates: dict[str, float] = {}
        costs: dict[str, str] = {}
        for name, config in configs.items():
            pipelines = config.get("pipelines")
            if not isinstance(pipelines, Mapping) or not any(isinstance(v, Mapping) for v in pipelines.values()):
                continue  # the single-pipeline model
            if isinstance(pipelines.get(pipeline), Mapping):
                continue
            spec = ((config.get("market") or {}).get("sources") or {}).get(source)
            given = spec.get(RATE_KEY) if isinstance(spec, Mapping) else None
            if isinstance(given, int | float) and not isinstance(given, bool) and given > 0:
                off.append(name)
                rates[name], costs[name] = float(given), _source_costs(config, source)
        if not off:
            continue
        where = "" if len(off) == len(names) else f" in scenario{'s' if len(off) > 1 else ''} {', '.join(off)}"
        if len(set(rates.values())) == 1:
            rate = next(iter(rates.values()))
            steady = f"{rate:g} a month (market.sources.{source}.leads_per_month, about {12 * rate:,.0f} a year)"
        else:  # each scenario's own rate
            each = ", ".join(f"{r:g} in {name}" for name, r in rates.items())
            steady = f"number a month (market.sources.{source}.leads_per_month: {each})"
        if len(set(costs.values())) == 1:
            cost = next(iter(costs.values()))
        else:  # each scenario's own costs
            cost = "".join(f"; in {name}{words or ', costing nothing'}" for name, words in costs.items())
        notes.append(
            f"pipelines.{pipeline} is off{where}: the {source} source's leads are then no {what} but a steady "
            f"{steady}{cost}; "
            f"{UNFED_COSTS[pipeline]}; for no {source} leads, set market.sources.{source}.leads_per_month=0 too"
        )
    return notes
