"""The numeric levers of a scenario, and scenarios with one lever moved low or high.

A *lever* is one number of the composed config that a sales leader or analyst could
change on its own: a lead rate, a conversion, a headcount, an effort, a delay, an
attrition rate, a price. :func:`find_levers` walks the scenario's sections (by default
market, pipeline, org, workforce and the other pipelines) and keeps every number except:

- numbers inside a list of numbers (seasonality profiles, ramp curves, buying-circle
  values and weights): they move together, not one by one;
- shares of a mix (segments, sectors, geographies, product weights and mixes, a
  ``by_share`` team's per-rep shares of new leads): moving one share alone changes the
  others' meaning;
- reference figures (``pipeline.fitted_figures``: the CRM export's own win rate and cycle,
  which only the report's words read): the runs never use them, so they move nothing;
- zero: "20% more than zero" is zero, so it has no one-at-a-time range; a setting on the
  logit scale at 0 is switched off and left out alike (named in ``keys``, it moves);
- the workforce settings of roles no team of the organisation has (they cannot act);
- the lead rate of a market source a pipeline feeds (prospecting's booked meetings, the
  partners' referrals: :mod:`simulator.config.fed_sources`), which the pipeline replaces.

Each lever moves by ``delta`` (a share of its value) down and up; counts (headcounts,
accounts, months: :data:`WHOLE_KEYS`) move to the nearest whole number, at least one
step, and another number the config needs whole is rounded the same way. A setting on the
logit scale (:func:`is_logit_setting`: a ``conversion_shift``, a ``*_logit``, a
``conversion_lift``, a team's ``skill.mean``) is added to a logit, so a share of itself
means nothing (0 would not move, and a negative shift would move "down" upwards): it
moves by ``delta`` logit units instead (±0.2 at the default), and has no elasticity. :func:`lever_experiment` builds one
experiment holding the baseline and every moved scenario, all sharing the seed, so the
runs are paired (common random numbers); under a calibrated company's parameter draws a
lever the refits fit moves each refit's own value, not the point fit's
(:mod:`simulator.analysis.refit_levers`). A moved value the config refuses (a
probability above 1) is clamped into [0, 1] when that makes it valid; a side that
still cannot run is left out, with a note saying why (the config's own refusal: a headcount
of 8 below the 10 reps a team names).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from simulator.analysis.lever_values import Lever, moved, runnable
from simulator.analysis.question_words import question_text
from simulator.analysis.refit_levers import RefitSide, levels, refit_bases, side_on_refits
from simulator.config.errors import LOGIT_ENDINGS, ConfigError, ConfigIssue
from simulator.config.fed_sources import ignored_rate
from simulator.config.key_suggestions import node_at
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import Experiment
from simulator.run.parameter_draws import drawn_configs, redrawn

LEVER_SECTIONS = ("market", "pipeline", "org", "workforce", "pipelines")
"""Sections searched by default; ``economics`` (pay, prices, costs) can be added."""
SEARCHABLE_SECTIONS = (*LEVER_SECTIONS, "economics", "effects", "plan", "forecast", "sla", "clock")
"""Every section of a scenario's config that ``--sections`` may name (configs/: all but runner and experiment)."""
MIX_KEYS = ("segments", "sectors", "geographies", "segment_mix", "weight", "weights", "values", "reps")
"""Keys whose numbers are shares of a mix (or a discrete law's values, or a ``by_share`` team's
per-rep shares of its new leads): never moved alone."""
REFERENCE_KEYS = ("fitted_figures",)
"""Keys whose numbers are figures to compare a run with, read by the report's words only: no lever."""
REFERENCE_WORDS = (
    "is a figure of the CRM export that the report compares the run with; the simulation never reads it, "
    "so moving it changes nothing"
)
BASELINE = "baseline"


def delta_issue(delta: float) -> ConfigIssue | None:
    """The problem with a lever's move ``delta`` (a share of the lever, strictly between 0 and 1), or None."""
    if 0.0 < delta < 1.0:
        return None
    return ConfigIssue("--delta", delta, "must be above 0 and below 1 (0.2 = ±20%)")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))


def _walk(node: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(node, Mapping):
        found = []
        for key, value in node.items():
            if str(key) in MIX_KEYS or str(key) in REFERENCE_KEYS:
                continue
            found += _walk(value, (*path, str(key)))
        return found
    if isinstance(node, list):
        if all(_is_number(v) for v in node):
            return []  # a profile or curve moves as a whole
        return [item for i, value in enumerate(node) for item in _walk(value, (*path, str(i)))]
    return [(path, node)] if _is_number(node) else []


WHOLE_KEYS = frozenset(
    {
        "headcount",
        "prospects",
        "target_accounts",
        "block_accounts",
        "initial_customers",
        "max_partners_per_manager",
        "reference_touches",
        "contract_months",
        "count",
        "month",
    }
)
"""Numbers that count whole things (reps, accounts, months): they move by whole steps."""


def _is_whole(key: str, value: Any) -> bool:
    """A count moves by whole steps; any other number (an effort of 1 hour written as ``1``) moves by ``delta``."""
    return isinstance(value, int) and key.rsplit(".", 1)[-1] in WHOLE_KEYS


def _roles_in_use(config: Mapping[str, Any]) -> set[str]:
    teams = (config.get("org") or {}).get("teams") or {}
    return {str(team.get("role", name)) for name, team in teams.items() if isinstance(team, Mapping)}


def is_logit_setting(key: str) -> bool:
    """Whether a dotted key is added to a conversion's logit: a shift, a logit, a lift or a team's mean skill.

    ``market.products.core.conversion_shift``, ``pipelines.retention.renewal.size_logit``,
    ``effects.buying_circle.logit_per_person``, ``market.sources.partner.conversion_lift``,
    ``org.teams.ae.specialist_uplift``, ``org.teams.ae.skill.mean`` (skill is a normal
    shift on the logit). Its unit is the logit, any sign, 0 meaning no effect.
    """
    parts = key.lower().split(".")
    name = parts[-1]
    return name.endswith(LOGIT_ENDINGS) or name.startswith("logit_") or parts[-2:] == ["skill", "mean"]


def find_levers(
    config: Mapping[str, Any],
    delta: float = 0.2,
    sections: Sequence[str] = LEVER_SECTIONS,
    keys: Sequence[str] | None = None,
) -> list[Lever]:
    """The levers of a composed scenario config (see the module docstring).

    Args:
        config: One scenario's composed config (plain dicts).
        delta: How far each lever moves, as a share of its value (0.2 = ±20%); a setting on the
            logit scale moves by this many logit units (±0.2).
        sections: Top-level sections to search.
        keys: Only these dotted keys (each must be a number of ``config``); None for all.

    Raises:
        ConfigError: A key of ``keys`` that is not a number of the config.
    """
    issue = delta_issue(delta)
    if issue is not None:
        raise ConfigError([issue])
    roles = _roles_in_use(config)
    found: list[tuple[str, float, bool]] = []
    if keys is not None:
        for key in keys:
            value = node_at(config, key.split("."))
            if not _is_number(value):
                numbers = [".".join(path) for section in config for path, _ in _walk(config.get(section), (section,))]
                close = difflib.get_close_matches(key, numbers, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ConfigError.single("--params", key, f"must name a number of the scenario's config{hint}")
            ignored = ignored_rate(config, key)
            if ignored is not None:
                raise ConfigError.single("--params", key, ignored)
            if any(part in REFERENCE_KEYS for part in key.split(".")):
                raise ConfigError.single("--params", key, REFERENCE_WORDS)
            found.append((key, float(value), _is_whole(key, value)))
    else:
        for section in sections:
            for path, value in _walk(config.get(section), (section,)):
                if section == "workforce" and len(path) > 2 and path[1] == "roles" and path[2] not in roles:
                    continue
                if float(value) != 0.0 and ignored_rate(config, ".".join(path)) is None:
                    found.append((".".join(path), float(value), _is_whole(".".join(path), value)))
    levers = []
    for key, base, whole in found:
        additive = is_logit_setting(key)
        low, high = moved(base, delta, whole, additive)
        levers.append(Lever(key, base, low, high, whole, additive, delta))
    return levers


def scenario_name(index: int, side: str) -> str:
    """``p007_low``: the name of a moved scenario (the lever's key is in the tables beside it)."""
    return f"p{index:03d}_{side}"


def lever_experiment(
    experiment: Experiment, scenario: str, levers: Sequence[Lever], runs: int, notes: list[str]
) -> tuple[Experiment, list[Lever]]:
    """One experiment: ``baseline`` (the scenario as it is) and each lever's low and high scenario.

    Under a calibrated company's parameter draws, a lever whose value the refits fit moves
    each refit's own value (:mod:`simulator.analysis.refit_levers`): its scenarios run on
    refit k with refit k's value moved, and a side that some refit cannot run is left out.

    Args:
        experiment: The experiment the scenario comes from (its seed and draws are kept).
        scenario: The scenario whose levers move.
        levers: The levers.
        runs: Replications per scenario.
        notes: Receives a note for each side left out or clamped.

    Returns:
        The experiment and the levers as run (a side that cannot run set to None; a lever
        with neither side left out; under draws, each lever's levels on the refits in
        :attr:`Lever.refits`).
    """
    base_config = experiment.resolved_config["scenarios"][scenario]
    base = dict(experiment.resolved_config["base"])
    meta = dict(base.get("experiment") or {})
    # the question with its settings in words: the study's scenarios are not the ones it names
    meta.update(name=f"{experiment.name}_sensitivity", baseline=BASELINE, question=question_text(experiment))
    base.update(experiment=meta, runs=runs, seed=experiment.seed)
    study = {**base_config, "runs": runs, "experiment": meta}
    drawn = drawn_configs(experiment, study)  # the baseline under each refit; none without draws
    scenarios: dict[str, dict[str, Any]] = {BASELINE: study}
    given: dict[str, list[dict[str, Any]]] = {}
    kept: list[Lever] = []
    for lever in levers:
        bases = refit_bases(drawn, lever)
        sides: dict[str, float | None] = {"low": lever.low, "high": lever.high}
        on_refits: dict[str, RefitSide | None] = {"low": None, "high": None}
        for side, value in sides.items():
            if value is None:
                continue
            config, used, why = runnable(base_config, lever.key, lever.base, lever.whole, value)
            if config is None:
                notes.append(f"{lever.key}: the {side} value {value:g} cannot run ({why}); that side is left out")
                sides[side] = None
                continue
            found = side_on_refits(drawn, lever, side, bases) if bases is not None else None
            if found is not None and found.configs is None:
                notes.append(f"{lever.key}: the {side} value cannot run {found.refused}; that side is left out")
                sides[side] = None
                continue
            if used != value:
                notes.append(
                    f"{lever.key}: the {side} value {value:g} becomes {used:g}, the nearest the config accepts"
                )
                sides[side] = used
            name = scenario_name(len(kept), side)
            scenarios[name] = {**config, "runs": runs, "experiment": meta}
            if found is not None and found.configs is not None:
                given[name] = list(found.configs)
                on_refits[side] = found
                notes.extend([found.note] if found.note else [])
        if sides["low"] is None and sides["high"] is None:
            continue
        refits = levels(bases, on_refits["low"], on_refits["high"]) if bases is not None else ()
        kept.append(dataclasses.replace(lever, low=sides["low"], high=sides["high"], refits=refits))
    built = redrawn(experiment_from_dicts(base, scenarios), experiment, given)  # a calibrated company's refits
    return built, kept
