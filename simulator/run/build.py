"""Build a typed :class:`Experiment` from plain dicts (no Hydra needed).

Two doors lead here: the Hydra entry point, which composes every scenario into a full
dict, and notebooks, which pass one base dict and small per-scenario patches that are
deep-merged into it.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Collection, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic import ValidationError

from simulator.config.composed import parse_composed
from simulator.config.decision import DecisionSettings
from simulator.config.errors import (
    ConfigError,
    ConfigIssue,
    issues_from_validation_error,
    merge_scenario_issues,
    with_more,
)
from simulator.config.question import question_settings
from simulator.config.runner_settings import PRECISION_ALLOWED
from simulator.config.schema import ScenarioConfig
from simulator.config.validation import validate_scenario
from simulator.run.experiment import Experiment, PrecisionGoal, ScenarioSpec

AUTO_RUNS = "auto"


class BaselineWarning(UserWarning):
    """An experiment of several scenarios names no baseline: the first one is used."""


GOAL_DEFAULTS = {"target_kpi": "bookings", "target_precision": 0.02, "max_runs": 2000, "pilot_runs": 20}


def package_version() -> str:
    """The installed salesim version, or ``unknown`` when run from a bare checkout."""
    try:
        return version("salesim")
    except PackageNotFoundError:
        return "unknown"


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``patch`` merged in: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _whole_number(base: Mapping[str, Any], key: str, default: int, issues: list[ConfigIssue]) -> int:
    value = base.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        issues.append(ConfigIssue(key, value, "must be a whole number"))
        return default
    return value


def _precision_goal(base: Mapping[str, Any], issues: list[ConfigIssue]) -> PrecisionGoal | None:
    """The goal of ``runs=auto``, read from the ``runner`` group (types only; ranges are validated later)."""
    runner = base.get("runner") or {}
    if not isinstance(runner, Mapping):
        runner = {}
    values = {key: runner.get(key, default) for key, default in GOAL_DEFAULTS.items()}
    precision = values["target_precision"]
    if isinstance(precision, bool) or not isinstance(precision, int | float):
        issues.append(ConfigIssue("runner.target_precision", precision, PRECISION_ALLOWED))
        return None
    counts: dict[str, int] = {}
    for key in ("max_runs", "pilot_runs"):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int):
            issues.append(ConfigIssue(f"runner.{key}", value, "must be a whole number"))
            return None
        counts[key] = value
    return PrecisionGoal(str(values["target_kpi"]), float(precision), counts["max_runs"], counts["pilot_runs"])


def _decision(meta: Mapping[str, Any], issues: list[ConfigIssue]) -> DecisionSettings | None:
    """``experiment.decision``, typed (its KPI names are checked against the KPI table before a run)."""
    data = meta.get("decision")
    if data is None:
        return None
    try:
        return DecisionSettings.model_validate(data)
    except ValidationError as error:
        issues.extend(issues_from_validation_error(error, "experiment.decision"))
        return None


def _runs(base: Mapping[str, Any], issues: list[ConfigIssue]) -> tuple[int, PrecisionGoal | None]:
    """``runs``: a whole number, or ``auto`` for as many as the precision goal needs."""
    if base.get("runs") == AUTO_RUNS:
        goal = _precision_goal(base, issues)
        return (goal.max_runs if goal else 0), goal
    runs = base.get("runs", 100)
    if isinstance(runs, bool) or not isinstance(runs, int):
        issues.append(ConfigIssue("runs", runs, "must be a whole number, or auto"))
        return 100, None
    return runs, None


def _question_issues(meta: Mapping[str, Any], specs: list[ScenarioSpec], names: list[str]) -> list[ConfigIssue]:
    """The question's ``{key}`` placeholders, checked on the baseline when it parsed though another scenario did not.

    A bad scenario must not hide the question's problem until it is fixed: every problem in one message.
    """
    baseline = meta.get("baseline", names[0] if names else "")
    spec = next((s for s in specs if s.name == baseline), None)
    if spec is None:
        return []
    parsed = {s.name: s.config for s in specs}
    scenarios = {name: parsed.get(name) for name in names}  # None: a scenario that did not parse, not checked
    return question_settings(str(meta.get("question", "")), spec.config, scenarios)[1]


def _scenario_checks(data: Mapping[str, Any], horizon_shifted: bool) -> list[ConfigIssue]:
    """The whole-scenario checks of a scenario whose own sections parse, though its ``runs`` or ``runner`` did not.

    A bad ``runs=abc`` must not hide a team's unknown role until it is fixed: every problem in
    one message. The size budget is checked as if ``runner.allow_large`` were set (it may be
    the key that failed): only the hard limits, so no size is refused that the runner allows.
    """
    sections = {k: v for k, v in data.items() if k in ScenarioConfig.model_fields}
    try:
        config = ScenarioConfig.model_validate(sections)
        with warnings.catch_warnings():  # a refusal's message holds problems; the shape warnings come on a run
            warnings.simplefilter("ignore")
            validate_scenario(config, allow_large=True, horizon_shifted=horizon_shifted)
    except ValidationError:
        return []  # the scenario's own sections failed too: their field errors are already reported
    except ConfigError as error:
        return error.issues
    return []


def experiment_from_dicts(
    base: Mapping[str, Any], scenarios: Mapping[str, Mapping[str, Any]], horizon_shifted: Collection[str] = ()
) -> Experiment:
    """An experiment whose scenarios are already full config dicts.

    Args:
        base: The composed base config: ``seed``, ``runs``, ``experiment`` (name,
            question, baseline) and the scenario sections.
        scenarios: Scenario name -> full config dict (market, pipeline, org, ...), each
            validated whole (:func:`~simulator.config.composed.parse_composed`), top level
            included.
        horizon_shifted: Scenarios whose horizon an override set (see
            :class:`~simulator.run.experiment.ScenarioSpec`).

    Raises:
        ConfigError: With every parse issue of every scenario; an issue every scenario
            shares is reported once.
    """
    meta = base.get("experiment") or {}
    if not isinstance(meta, Mapping):
        raise ConfigError.single("experiment", meta, "must be a mapping with name, question, baseline, scenarios")
    specs: list[ScenarioSpec] = []
    found: dict[str, list[ConfigIssue]] = {}
    for name, data in scenarios.items():
        try:
            composed = parse_composed(data)
        except ConfigError as error:
            found[str(name)] = with_more(error.issues, _scenario_checks(data, name in horizon_shifted))
            continue
        config = composed.scenario()
        description = config.org.description or config.org.name
        specs.append(
            ScenarioSpec(
                name=str(name),
                config=config,
                description=description,
                horizon_shifted=name in horizon_shifted,
                allow_large=composed.runner.allow_large,
            )
        )
    issues = merge_scenario_issues(found, len(scenarios))
    if issues:  # the base's seed and runs are in every scenario: reported there
        raise ConfigError(issues + _question_issues(meta, specs, list(scenarios)))
    seed = _whole_number(base, "seed", 0, issues)
    runs, goal = _runs(base, issues)
    decision = _decision(meta, issues)
    names = list(scenarios)
    baseline = meta.get("baseline", names[0] if names else "")
    if "baseline" not in meta and len(names) > 1:
        warnings.warn(
            f"experiment.baseline is not set: the first scenario, {names[0]}, is the baseline the others are "
            f"compared with (set experiment.baseline to one of {', '.join(names)} to choose)",
            BaselineWarning,
            stacklevel=2,
        )
    if issues:
        raise ConfigError(issues)
    resolved = {
        "salesim_version": package_version(),
        "seed": seed,
        "runs": AUTO_RUNS if goal else runs,
        "experiment": dict(meta),
        "base": dict(base),
        "scenarios": {name: dict(data) for name, data in scenarios.items()},
    }
    return Experiment(
        name=str(meta.get("name", "experiment")),
        scenarios=tuple(specs),
        baseline=str(baseline),
        seed=seed,
        runs=runs,
        question=str(meta.get("question", "")),
        resolved_config=resolved,
        precision=goal,
        decision=decision,
    )


def experiment_from_dict(
    config: Mapping[str, Any], scenarios: Mapping[str, Mapping[str, Any]] | None = None
) -> Experiment:
    """An experiment from one base config dict and per-scenario patches (for notebooks).

    Args:
        config: A full config dict: market, pipeline, org (and optionally effects,
            clock), plus ``seed``, ``runs`` and an ``experiment`` mapping with a name,
            question and baseline.
        scenarios: Scenario name -> a patch deep-merged into ``config``; ``None`` (the default): one
            scenario called ``base`` with no patch. A patch may add what the base lacks
            (``{"org": {"teams": {"ae": {...}}}}`` adds a team, routed by its role).

    Raises:
        ConfigError: A scenario's config is invalid, a patch is not a mapping, or ``config``'s own
            baseline (a shipped config's ``generalist``) is not among ``scenarios``.
    """
    if not isinstance(config, Mapping):
        raise ConfigError.single("config", config, "must be a mapping of config sections (market, pipeline, org, ...)")
    if scenarios is None:
        scenarios = {"base": {}}
    elif not isinstance(scenarios, Mapping):
        raise ConfigError.single("scenarios", scenarios, "must be a mapping of scenario name -> patch")
    elif not scenarios:  # {} had quietly become one scenario called base
        raise ConfigError.single("scenarios", {}, "names no scenario: give at least one, or None for one called base")
    not_patches = [  # {"x": 5} had raised AttributeError: 'int' object has no attribute 'items'
        ConfigIssue(f"experiment.scenarios.{name}", patch, "must be a patch: a mapping deep-merged into the config")
        for name, patch in scenarios.items()
        if not isinstance(patch, Mapping)
    ]
    if not_patches:
        raise ConfigError(not_patches)
    full = {name: deep_merge(config, patch) for name, patch in scenarios.items()}
    base = dict(config)
    meta = dict(base.get("experiment") or {})
    meta.setdefault("baseline", next(iter(scenarios)))
    base["experiment"] = meta
    if meta["baseline"] not in scenarios:  # a shipped config's baseline (generalist) beside scenarios of one's own
        raise ConfigError.single(
            "experiment.baseline",
            meta["baseline"],
            f"must be one of the scenarios: {', '.join(map(str, scenarios))} (set config['experiment']['baseline'])",
        )
    return experiment_from_dicts(base, full)
