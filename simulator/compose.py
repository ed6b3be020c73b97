"""Composing an experiment's scenarios with Hydra: the experiment, the user's overrides, the scenario's.

Each scenario of an experiment is a list of Hydra overrides (``org=specialist``,
``org.teams.sdr.headcount=2``). A scenario's config is composed in three layers, each
winning over the one before:

1. the experiment's base: ``configs/config.yaml`` with its groups, then the experiment
   file (its seed, runs and any other value it sets);
2. the user's overrides, from the command line or a notebook (:mod:`simulator.notebook_loader`);
3. the scenario's own overrides, which define it: a scenario's value on the same key
   replaces the user's, with a one-line note.

A user's override that names a key a scenario does not have (a team only some scenarios
have) is skipped for that scenario, with a note; one that exists in no scenario at all is
a :class:`ConfigError` naming the key, the value, what exists there and the closest key.

A distribution given whole on the command line or in a scenario
(``market.deal_value={dist:gamma,mean:30000,cv:0.8}``, or a bare number for a constant)
replaces the distribution there rather than being merged into it key by key.

:mod:`simulator.command_line` brings the command line to Hydra, and
:mod:`simulator.scenario_layers` composes one scenario's layers. These modules, with
:mod:`simulator.cli`, are the only ones that import Hydra.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from omegaconf import DictConfig

from simulator.analysis.composed_checks import decision_name_issues, target_kpi_issues
from simulator.analysis.question_words import repeated_figures
from simulator.command_line import UNKNOWN_KEY
from simulator.config.composed import ExperimentFile
from simulator.config.errors import ConfigError, ConfigIssue, shown, with_more
from simulator.config.fed_sources import rate_notes_and_issues, unfed_notes
from simulator.config.key_suggestions import ABSENT, no_such_key, node_at, schema_default
from simulator.config.measured_only import measured_only_notes
from simulator.config.question import SETTING, shown_words
from simulator.config.schema import ScenarioConfig
from simulator.config.workforce import hires_beyond_horizon, unread_role_fields
from simulator.decision_overrides import drop_stale_target
from simulator.mapping_overrides import adds_for_entries_elsewhere, new_scenario_hint
from simulator.override_shapes import scenario_owned
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import (
    COMPARISON_NOTES,
    COMPOSITION_NOTES,
    REPLACED_OVERRIDES,
    SKIPPED_OVERRIDES,
    Experiment,
    ScenarioSpec,
)
from simulator.scenario_layers import Composed, Composer, compose_layers, plain
from simulator.user_overrides import UserOverride, classify


def _scenario_overrides(base: Mapping[str, Any]) -> dict[str, list[str]]:
    experiment = base.get("experiment") or {}
    scenarios = experiment.get("scenarios") if isinstance(experiment, Mapping) else None
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ConfigError.single("experiment.scenarios", scenarios, "must map scenario names to lists of overrides")
    result: dict[str, list[str]] = {}
    for name, overrides in scenarios.items():
        if overrides is None:
            overrides = []
        if isinstance(overrides, str):  # five: org=specialist, the list's brackets left out
            raise ConfigError.single(
                f"experiment.scenarios.{name}", overrides, f"must be a list of Hydra overrides: write [{overrides}]"
            )
        if not isinstance(overrides, list | tuple) or not all(isinstance(o, str) for o in overrides):
            raise ConfigError.single(
                f"experiment.scenarios.{name}", overrides, "must be a list of Hydra overrides like 'org=specialist'"
            )
        result[str(name)] = list(overrides)
    return result


def compose_experiment(
    overrides: Sequence[str],
    composer: Composer,
    groups: Collection[str],
    base_checks: Callable[[Mapping[str, Any]], list[ConfigIssue]] | None = None,
) -> tuple[Experiment, list[str]]:
    """Compose the base and every scenario of the experiment the overrides select.

    Args:
        overrides: The user's overrides (``experiment=NAME`` among them, if any).
        composer: Composes the primary config with a list of overrides (Hydra's
            ``compose``, inside a job or a notebook).
        groups: The names of the config groups (``org``, ``market``, ``experiment`` ...).
        base_checks: Further checks of the composed base whose issues are reported with
            the scenarios' own when those fail (a file the config names that is missing),
            so that one run names every fault.

    Returns:
        The typed experiment and the notes for the user (an override a scenario replaces
        or does not have).

    Raises:
        ConfigError: A scenario that cannot be composed, an override whose key exists in
            no scenario, or any issue of the scenarios' parsing.
    """
    user = classify(overrides, groups)
    composer = _remembering(composer)
    base = compose_layers(user, [], composer, "overrides", [u.line for u in user]).config
    stale = drop_stale_target(user, base, composer)
    try:
        experiment, notes = _compose_scenarios(user, base, composer, groups)
    except ConfigError as error:  # a misspelt decision KPI is checked after a good build: say it now too
        further = base_checks(base) if base_checks is not None else []
        further += target_kpi_issues(base, error.issues)
        # hires.0.count=2 on hiring_plan, whose scenarios add the hires themselves: said so, not "check its spelling"
        issues = scenario_owned(error.issues, UNKNOWN_KEY, lambda: _scenario_overrides(base))
        raise ConfigError(issues + decision_name_issues(base, error.issues) + further) from None
    refills = (team.refill_note(n) for spec in experiment.scenarios for n, team in spec.config.org.teams.items())
    notes = [*stale, *notes, *dict.fromkeys(note for note in refills if note), *_emptied_scenarios(user)]
    experiment.resolved_config[COMPOSITION_NOTES] = list(notes)
    return experiment, notes


def _emptied_scenarios(user: Sequence[UserOverride]) -> list[str]:
    """A note per scenario the command line set to null: it runs the base config.

    A user who meant to leave it out would not expect that (handoff_quality's playbook=null
    then asked about "5% to 5%" and compared the generalists with the specialists).
    """
    prefix = "experiment.scenarios."
    return [
        f"{u.line} runs the experiment's base config as scenario {u.key.removeprefix(prefix)}; to leave it "
        f"out, give ~{u.key}"
        for u in user
        if u.kind == "value" and u.key.startswith(prefix) and u.key.count(".") == 2 and u.value is None
    ]


def _compose_scenarios(
    user: list[UserOverride], base: dict[str, Any], composer: Composer, groups: Collection[str]
) -> tuple[Experiment, list[str]]:
    """Compose every scenario on ``base`` and build the typed experiment (see :func:`compose_experiment`)."""
    composed: dict[str, Composed] = {}
    issues: list[ConfigIssue] = []
    scenarios = _scenario_overrides(base)
    elsewhere, issues, told = adds_for_entries_elsewhere(user, scenarios, lambda lines: plain(composer(lines)))
    user = [u for u in user if not any(u is t for t in told)]
    for name, own in scenarios.items():
        try:
            here = [u for u in user if not any(u is a for a in elsewhere.get(name, []))]
            composed[name] = compose_layers(here, own, composer, f"experiment.scenarios.{name}", own, groups)
            composed[name].skipped.extend(elsewhere.get(name, []))
        except ConfigError as error:
            issues.extend(i for i in error.issues if i not in issues)  # a user's key refused in each scenario: once
    if issues:
        if composed:  # the scenarios that did compose are checked too: every problem in one message
            try:
                experiment_from_dicts(base, {name: c.config for name, c in composed.items()})
            except ConfigError as error:
                issues.extend(error.issues)
        raise ConfigError(issues)
    notes, issues = _notes_and_issues(user, composed, str((base.get("experiment") or {}).get("name", "")))
    rate_notes, rate_issues = rate_notes_and_issues(
        [(u.line, u.key, u.value) for u in user if u.kind in ("value", "add")],
        {
            n: [(o.line, o.key, o.value) for o in classify(own, groups) if o.kind in ("value", "add")]
            for n, own in scenarios.items()
        },
        {name: c.config for name, c in composed.items()},
    )
    notes, issues = notes + rate_notes, issues + rate_issues
    if issues:  # what the composed scenarios hold wrong besides: every problem in one message
        try:
            experiment_from_dicts(base, {name: c.config for name, c in composed.items()})
        except ConfigError as error:
            known = {(i.key, repr(i.value)) for i in issues}
            issues.extend(i for i in error.issues if (i.key, repr(i.value)) not in known)
        raise ConfigError(issues)
    by_user = any(_sets_clock(u.key) for u in user)
    shifted = [n for n, own in scenarios.items() if by_user or any(_sets_clock(o.key) for o in classify(own, groups))]
    experiment = experiment_from_dicts(base, {name: c.config for name, c in composed.items()}, shifted)
    vacuous = _alike(composed) + _unread_roles(experiment) + repeated_figures(experiment)
    vacuous += unfed_notes({name: c.config for name, c in composed.items()})
    vacuous += measured_only_notes({name: c.config for name, c in composed.items()}, experiment.baseline)
    notes += _hires_left_out(experiment) + _question_words(experiment) + vacuous
    # kept with the run (config.yaml, the report; not the resume fingerprint): a sweep's report names them
    experiment.resolved_config[REPLACED_OVERRIDES] = {
        name: {u.key: line for u, line in c.hidden} for name, c in composed.items() if c.hidden
    }
    experiment.resolved_config[SKIPPED_OVERRIDES] = {
        name: sorted({u.key for u in c.skipped}) for name, c in composed.items() if c.skipped
    }
    experiment.resolved_config[COMPOSITION_NOTES] = list(notes)
    experiment.resolved_config[COMPARISON_NOTES] = list(vacuous)
    return experiment, notes


def _alike(composed: Mapping[str, Composed]) -> list[str]:
    """A note for each group of scenarios whose configs came out the same: comparing them tells nothing."""
    groups: list[list[str]] = []
    for name, c in composed.items():
        group = next((g for g in groups if composed[g[0]].config == c.config), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    return [
        f"scenarios {', '.join(group)} are the same once composed (an override set what tells them apart?): "
        "their comparison can show no difference"
        for group in groups
        if len(group) > 1
    ]


def _unread_roles(experiment: Experiment) -> list[str]:
    """A note for each scenario whose workforce settings of a role differ from the baseline's where no team reads them.

    ``rep_attrition`` with ``org=specialist`` had compared three turnover rates of the
    full-cycle role with no full-cycle team: identical in every run, with no word on why.
    """
    specs = {spec.name: spec for spec in experiment.scenarios}
    baseline = specs.get(experiment.baseline)
    if baseline is None:
        return []

    def roles(spec: ScenarioSpec) -> dict[str, str]:
        return {name: team.role for name, team in spec.config.org.teams.items()}

    notes = []
    for spec in experiment.scenarios:
        if spec is baseline:
            continue
        here = unread_role_fields(spec.config.workforce, baseline.config.workforce, roles(spec))
        there = unread_role_fields(baseline.config.workforce, spec.config.workforce, roles(baseline))
        for role, why in here.items():
            if role in there:
                notes.append(
                    f"scenario {spec.name}: workforce.roles.{role} differs from the baseline {baseline.name}'s, but "
                    f"no team reads it ({why}): the difference changes nothing in this run"
                )
    return notes


def _question_words(experiment: Experiment) -> list[str]:
    """A note for each setting the question shows in its own words: the baseline lacks it here."""
    baseline = next((s for s in experiment.scenarios if s.name == experiment.baseline), None)
    if baseline is None or not experiment.question:
        return []
    scenarios = {s.name: s.config for s in experiment.scenarios}
    return [
        f"the question's {typed} {_read_from(typed, baseline.name, scenarios)}: the question shows the "
        f"experiment's words '{words}' in its place"
        for typed, words in shown_words(experiment.question, baseline.config, scenarios)
    ]


def _read_from(typed: str, baseline: str, scenarios: Mapping[str, Any]) -> str:
    """Why a question's placeholder has no value, in words: the scenario it reads lacks the setting, or is not run."""
    match = SETTING.fullmatch(typed)
    scenario = match.group("scenario") if match else None
    if scenario and scenario not in scenarios:
        return f"names the scenario {scenario}, which this run does not have"
    where = f"scenario {scenario}" if scenario else f"baseline scenario {baseline}"
    return f"has no value in the {where} as composed here"


def _remembering(composer: Composer) -> Composer:
    """``composer`` composing each list of overrides once (a scenario without overrides of its own is the base)."""
    done: dict[tuple[str, ...], DictConfig] = {}

    def compose_once(overrides: list[str]) -> DictConfig:
        key = tuple(overrides)
        if key not in done:
            done[key] = composer(overrides)
        return done[key]

    return compose_once


def _sets_clock(key: str) -> bool:
    """An override of the clock group or one of its keys (the horizon among them)."""
    return key == "clock" or key.startswith("clock.")


def _hires_left_out(experiment: Experiment) -> list[str]:
    """Notes on planned hires beyond a horizon an override set: left out of the run, not refused."""
    notes = []
    for spec in experiment.scenarios:
        if spec.horizon_shifted:
            clock = spec.config.clock
            for issue in hires_beyond_horizon(
                spec.config.workforce, clock.calendar(), clock.horizon_days, clock.warmup_days
            ):
                notes.append(
                    f"scenario {spec.name}: {issue.key} = {shown(issue.value)} starts after the horizon set by an "
                    f"override (clock.horizon_days = {clock.horizon_days:g}); that hire is left out of this run"
                )
    return notes


def _known_setting(override: UserOverride, configs: Sequence[Mapping[str, Any]]) -> str:
    """A hint for a key the config files leave out but salesim knows (with its default): add it with a leading +.

    Only where the key's parent is in some scenario's config (a ``+`` setting of a team applies
    only to the scenarios that have the team: see :func:`~simulator.mapping_overrides.adds_for_entries_elsewhere`).
    """
    parent = override.key.split(".")[:-1]
    section = parent[:1]  # plan.bookings on a calibrated company's folder, whose config has no plan
    missing = not any(isinstance(node_at(config, section), Mapping) for config in configs) and len(parent) == 1
    if not missing and not any(isinstance(node_at(config, parent), Mapping) for config in configs):
        return ""
    default = schema_default(override.key, ScenarioConfig.model_json_schema())
    if default is ABSENT:  # an experiment's own setting (experiment.decision.rule)
        default = schema_default(override.key, ExperimentFile.model_json_schema())
    if default is ABSENT:
        return ""
    leaves = f"of a {section[0]} section this config leaves out" if missing else "the config files leave out"
    added = shlex.quote("+" + override.line)
    return f"; it is a setting {leaves} (default {shown(default)}): add it with a leading +, {added}"


def _notes_and_issues(
    user: Sequence[UserOverride], composed: Mapping[str, Composed], experiment: str
) -> tuple[list[str], list[ConfigIssue]]:
    notes: list[str] = []
    issues: list[ConfigIssue] = []
    for override in user:
        hidden_in = [(name, line) for name, c in composed.items() for u, line in c.hidden if u is override]
        notes += [f"scenario {name} sets {line}, which replaces your {override.line} there" for name, line in hidden_in]
        skipped_in = [name for name, c in composed.items() if override in c.skipped]
        wrong = [i for c in composed.values() for u, found in c.strays if u is override for i in found]
        # a key some scenario has (a team only it has) is not wrong: the mapping does not apply elsewhere
        wrong = [i for i in wrong if all(node_at(c.config, i.key.split(".")) is ABSENT for c in composed.values())]
        if skipped_in and len(skipped_in) == len(composed) and wrong:  # its key is there, not a key inside it
            first: dict[str, ConfigIssue] = {}  # each key once (scenarios' teams may list other keys)
            for i in wrong:
                first.setdefault(i.key, i)
            issues = with_more(issues, first.values())
        elif skipped_in and len(skipped_in) == len(composed):
            configs = [c.config for c in composed.values()]
            words = f"no scenario of {experiment or 'the experiment'} has this key"
            known = _known_setting(override, configs) if override.kind == "value" else ""
            new_scenario = new_scenario_hint(override.key, override.value)  # no close name for a scenario's own
            allowed = no_such_key(
                override.key, configs, words, suggest=not known and not new_scenario, value=override.value
            )
            allowed += known + new_scenario
            section = ".".join(override.key.split(".")[:2])
            if section == "experiment.decision" and not any("decision" in (c.get("experiment") or {}) for c in configs):
                allowed += (
                    "; this experiment has no decision section: add one with +experiment.decision.primary=KPI "
                    "(a decision needs its primary KPI; then +experiment.decision.guardrails=[KPI,...] if wanted; "
                    "a leading + adds a key the config lacks)"
                )
            issues.append(ConfigIssue(override.key, override.value, allowed))
        else:
            notes += [
                f"{override.line} does not apply to scenario {name} (no such key there); skipped there"
                for name in skipped_in
            ]
    return notes, issues
