"""Arguments of the wrong kind to the Python API are refused naming what it takes.

A notebook user passed ``load_experiment(name, "runs=5")`` and was told the override
``'r'`` was not valid Hydra syntax; ``run_replication(experiment.scenarios[0], ...)``
(a ScenarioSpec, not compiled) raised ``AttributeError: ... 'for_replication'``.
"""

from __future__ import annotations

import pytest

import simulator as ss
from simulator.run.settings import RunnerSettings


def test_overrides_given_as_one_string_are_refused_naming_the_list_they_should_be() -> None:
    with pytest.raises(TypeError, match=r"overrides must be a list of Hydra overrides, e\.g\. \['runs=5'\]"):
        ss.load_experiment("generalist_vs_specialist", "runs=5")


def test_run_replication_of_a_scenario_spec_says_to_compile_it() -> None:
    spec = ss.load_experiment("generalist_vs_specialist", ["runs=2"]).scenarios[0]
    with pytest.raises(TypeError, match=r"compiled Scenario, not a ScenarioSpec: call its compile\(\) first"):
        ss.run_replication(spec, seed=1, replication=0)  # type: ignore[arg-type]


def test_a_scenario_patch_that_is_not_a_mapping_is_refused_naming_the_scenario() -> None:
    """``experiment_from_dict(cfg, {"x": 5})`` had raised ``AttributeError: 'int' object has no attribute 'items'``."""
    config = ss.load_experiment("generalist_vs_specialist", ["runs=2"]).resolved_config["base"]
    with pytest.raises(ss.ConfigError) as refused:
        ss.experiment_from_dict(config, {"generalist": {}, "x": 5, "y": "org=specialist"})
    assert [str(issue) for issue in refused.value.issues] == [
        "experiment.scenarios.x = 5: must be a patch: a mapping deep-merged into the config",
        "experiment.scenarios.y = 'org=specialist': must be a patch: a mapping deep-merged into the config",
    ]


def test_an_empty_scenarios_mapping_is_refused_not_read_as_one_base_scenario() -> None:
    config = ss.load_experiment("generalist_vs_specialist", ["runs=2"]).resolved_config["base"]
    with pytest.raises(ss.ConfigError, match=r"scenarios = \{\}: names no scenario: give at least one, or None"):
        ss.experiment_from_dict(config, {})


def test_a_resume_without_a_run_directory_names_the_argument_to_give() -> None:
    experiment = ss.load_experiment("generalist_vs_specialist", ["runs=2"])
    with pytest.raises(ss.ConfigError, match=r"runner\.resume = true: needs the run directory.*give it as store_dir"):
        ss.run_experiment(experiment, settings=RunnerSettings(workers=1, resume=True))
