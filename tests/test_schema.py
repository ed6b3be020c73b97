"""The pydantic schema from outside: JSON Schemas for editors, new sections, the composed top level."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel, ValidationError

import simulator
from simulator.config import json_schemas
from simulator.config.composed import ComposedConfig, parse_composed
from simulator.config.distributions import Distribution, DistributionField
from simulator.config.errors import ConfigError, issues_from_validation_error
from simulator.config.fields import ConfigModel, Probability
from simulator.config.schema import EXPERIMENT_KEYS, ScenarioConfig, parse_scenario
from tests.scenarios import ROOT, shipped

SCHEMAS = ROOT / "schemas"
SHIPPED_YAML = sorted(p for p in (ROOT / "configs").rglob("*.yaml") if "experiment" not in p.parts) + sorted(
    (ROOT / "experiments").glob("*.yaml")
)
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def group_of(path: Path) -> str:
    if path.parent.name == "experiments":
        return "experiment"
    return "config" if path.name == "config.yaml" and path.parent.name == "configs" else path.parent.name


def validator(group: str) -> jsonschema.Draft202012Validator:
    path = SCHEMAS / json_schemas.schema_file_name(group)
    assert path.is_file(), f"no schema for group {group}: add it to json_schemas.GROUPS, run salesim-schema schemas"
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schemas_are_what_the_models_generate() -> None:
    expected = {json_schemas.schema_file_name(group) for group in json_schemas.GROUPS}
    assert {p.name for p in SCHEMAS.glob("*.json")} == expected
    for group in json_schemas.GROUPS:
        committed = (SCHEMAS / json_schemas.schema_file_name(group)).read_text()
        assert committed == json_schemas.schema_text(group), f"schemas/ is stale: run salesim-schema schemas ({group})"


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_yaml_names_its_schema_and_follows_it(path: Path) -> None:
    lines = path.read_text().splitlines()
    # Hydra reads '# @package' only from the file's first lines: the modeline comes right after it.
    first = lines[1] if lines[0].startswith("# @package") else lines[0]
    match = SCHEMA_LINE.match(first)
    assert match, f"{path.relative_to(ROOT)} must start with '# yaml-language-server: $schema=...'"
    target = (path.parent / match.group(1)).resolve()
    assert target == (SCHEMAS / json_schemas.schema_file_name(group_of(path))).resolve()
    errors = [e.message for e in validator(group_of(path)).iter_errors(yaml.safe_load(path.read_text()))]
    assert not errors, errors


def test_the_schemas_catch_what_an_editor_should_flag() -> None:
    market = validator("market")
    good = shipped()["market"]
    assert market.is_valid(good)
    assert not market.is_valid({**good, "sourcs": {}})  # an unknown key
    assert not market.is_valid({**good, "deal_value": {"dist": "weibull", "shape": 2}})
    assert not market.is_valid({**good, "deal_value": {"dist": "lognormal", "median": 2, "p90": 5, "cv": 1}})
    assert not market.is_valid({**good, "deal_value": {"dist": "exponential", "mean": -1}})
    assert market.is_valid({**good, "deal_value": 30000})  # a bare number is a constant
    assert not validator("clock").is_valid({"horizon_days": 0})
    org = shipped("specialist")["org"]
    assert validator("org").is_valid(org)
    org["teams"]["ae"]["assignment"] = "lottery"
    assert not validator("org").is_valid(org)


def test_salesim_schema_writes_one_schema_per_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert json_schemas.main([str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{g}.schema.json" for g in json_schemas.GROUPS)
    assert {"market", "pipeline", "org", "effects", "clock", "runner", "experiment", "config"} <= set(
        json_schemas.GROUPS
    )
    assert "market.schema.json" in capsys.readouterr().out


class _Probe(ConfigModel):
    """A section as another module would add it."""

    delay: DistributionField
    share: Probability = 0.5
    extra_delay: DistributionField = Distribution.constant(0.0)


def test_a_new_section_gets_distributions_messages_and_json_schema_for_free() -> None:
    probe = _Probe.model_validate({"delay": {"dist": "Gamma", "mean": 2, "cv": 0.5}})
    assert probe.delay.kind == "gamma" and probe.delay.mean == pytest.approx(2.0)
    assert _Probe.model_validate({"delay": 3}).delay == Distribution.constant(3.0)
    assert _Probe.model_validate(probe.model_dump()) == probe  # dumps back to the canonical spec
    with pytest.raises(ValidationError) as info:
        _Probe.model_validate({"delay": {"dist": "lognormal", "median": 2, "p90": 1}, "share": 2, "shear": 1})
    issues = {str(i) for i in issues_from_validation_error(info.value, prefix="probe")}
    assert issues == {
        "probe.delay.p90 = 1: must be greater than median (2)",
        "probe.share = 2: must be a probability between 0 and 1 (2% is 0.02)",
        "probe.shear = 1: unknown key (known: delay, extra_delay, share); did you mean 'share'?",
    }
    schema = json.dumps(_Probe.model_json_schema())
    assert '"propertyName": "dist"' in schema and "LognormalSpec" in schema and '"maximum": 1' in schema


def test_the_composed_top_level_refuses_unknown_keys() -> None:
    config = {**shipped(), "seed": 1, "runs": 2, "experiment": {"name": "x"}, "runner": {"workers": 1}}
    assert parse_composed(config).runs == 2
    with pytest.raises(ConfigError) as info:
        parse_composed({**config, "no_such_key": 1, "rnus": 3})
    text = str(info.value)
    assert (
        "no_such_key = 1: unknown key (known: clock, economics, effects, experiment, forecast, initial_pipeline, "
        "market, org, parameter_draws, pipeline, pipelines, plan, runner, runs, seed, sla, workforce)" in text
    )
    assert "rnus = 3: unknown key" in text and "did you mean 'runs'?" in text
    with pytest.raises(ConfigError, match="no_such_key = 1: unknown key"):
        simulator.experiment_from_dict({**config, "no_such_key": 1}, {"a": {}, "b": {}})
    with pytest.raises(ConfigError, match="pipline = "):  # a scenario on its own refuses it too
        parse_scenario({**shipped(), "pipline": {}})


def test_experiment_keys_are_the_composed_fields_beyond_the_scenario() -> None:
    beyond = set(ComposedConfig.model_fields) - set(ScenarioConfig.model_fields)
    assert beyond == set(EXPERIMENT_KEYS) - {"hydra"}


def test_an_issue_every_scenario_shares_is_reported_once() -> None:
    config: dict[str, Any] = {**shipped(), "runs": "many", "experiment": {"name": "x"}}
    with pytest.raises(ConfigError) as info:
        simulator.experiment_from_dict(config, {"a": {}, "b": {"org": {"teams": {"full_cycle": {"headcount": 0}}}}})
    assert [str(i) for i in info.value.issues] == [
        "runs = 'many': must be a whole number from 1 to 1,000,000 (replications per scenario), or auto",
        "[scenario b] org.teams.full_cycle.headcount = 0: must be a whole number >= 1",
    ]


def test_more_runs_than_could_ever_finish_are_refused_before_anything_is_held_for_them() -> None:
    """runs=10**12 once listed every missing replication: 24 GB in two minutes, then the machine's memory ran out."""
    base: dict[str, Any] = {**shipped(), "experiment": {"name": "x"}}
    simulator.experiment_from_dict({**base, "runs": 1_000_000}, {"a": {}})  # the largest that runs
    for key, value, rule in (
        ("runs", 1_000_001, "must be a whole number from 1 to 1,000,000 (replications per scenario), or auto"),
        ("runner.max_runs", 10**12, "must be a whole number from 2 to 1,000,000"),
        ("runner.pilot_runs", 10**12, "must be a whole number from 2 to 1,000,000"),
    ):
        section, _, name = key.rpartition(".")
        config = {**base, section: {name: value}} if section else {**base, key: value}
        with pytest.raises(ConfigError) as info:
            simulator.experiment_from_dict(config, {"a": {}})
        assert f"{key} = {value}: {rule}" in [str(i) for i in info.value.issues], info.value.issues


def test_more_workers_than_cores_run_as_many_as_the_cores_and_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.config.runner_settings import RunnerSettings
    from simulator.report.session import _announce
    from simulator.run.workers import available_workers, resolve_workers

    cores = available_workers()
    assert resolve_workers(10**9) == resolve_workers(0) == cores and resolve_workers(1) == 1
    experiment = simulator.experiment_from_dict({**shipped(), "runs": 2, "experiment": {"name": "x"}}, {"a": {}})
    _announce(experiment, RunnerSettings(workers=10**9))
    err = capsys.readouterr().err
    assert f"on {cores} worker" in err and f"runner.workers = 1000000000, but this machine has {cores} core" in err
    _announce(experiment, RunnerSettings(workers=1))
    assert "runner.workers =" not in capsys.readouterr().err
    from simulator.run.workers import workers_note

    assert workers_note("--workers", cores + 1) == (
        f"--workers = {cores + 1}, but this machine has {cores} core{'s' if cores > 1 else ''} for salesim: "
        f"running on {cores}"
    )
    assert workers_note("--workers", cores) is None and workers_note("--workers", 0) is None


def test_lenient_parse_drops_unknown_keys() -> None:
    data = shipped()
    data["org"]["teams"]["full_cycle"]["headcont"] = 3
    assert parse_scenario(data, strict=False).org.teams["full_cycle"].headcount == 12
    with pytest.raises(ConfigError, match="did you mean 'headcount'"):
        parse_scenario(data)


def test_basemodel_fields_are_the_attributes_the_model_reads() -> None:
    config = parse_scenario(shipped("specialist"))
    assert isinstance(config, BaseModel)
    assert config.org.team_for(config.pipeline.stages[0]) == "sdr"
    assert config.market.deal_value.kind == "lognormal" and config.clock.calendar().days_per_year == 250


def test_a_deal_value_typed_in_thousands_is_refused_but_a_calibrated_companys_cheap_product_is_not() -> None:
    """A $55 product selling alone (crm-maven's MG Special) had been refused as a deal value typed in thousands."""
    from pydantic import ValidationError

    from simulator.config.schema import MarketConfig

    good = shipped()["market"]
    slip = r"deal_value = .*: has a mean of \$37\.74 a deal, surely typed in thousands"
    with pytest.raises(ValidationError, match=slip):
        MarketConfig.model_validate({**good, "deal_value": {"dist": "lognormal", "median": 25, "p90": 80}})
    spread = {"dist": "empirical", "values": [0.9, 1.0, 1.1], "weights": [1, 1, 1]}  # a calibrated spread around 1
    products = {
        "MG Special": {"weight": 1.0, "deal_value_multiplier": 55.0},
        "GTK 500": {"weight": 0.0, "deal_value_multiplier": 26768.0},
    }
    calibrated = {**good, "deal_value": spread, "products": products, "segment_mix": {}}
    assert MarketConfig.model_validate(calibrated).deal_value.mean == pytest.approx(1.0)
