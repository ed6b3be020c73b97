"""The top level of a composed config: the experiment's own keys, the runner and the scenario sections.

Hydra composes ``configs/config.yaml``, its groups and an experiment overlay into one
mapping; every scenario of the experiment is such a mapping. :class:`ComposedConfig`
validates one: the scenario sections of :class:`~simulator.config.schema.ScenarioConfig`
(it inherits them, so a section added there is known here too) plus ``seed``, ``runs``,
``experiment`` and ``runner``. Any other top-level key, such as ``+no_such_key=1`` on
the command line, is refused like an unknown key anywhere else.

:class:`ExperimentFile` and :class:`PrimaryConfig` describe the files as users write
them (an experiment overlay, ``configs/config.yaml``) for the JSON Schemas editors read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator, create_model

from simulator.config.decision import DecisionSettings
from simulator.config.errors import ConfigError, boolean_hint, decimal_hint, issues_from_validation_error
from simulator.config.fields import ConfigModel, Text, WholeNumber, explained, salesim_error
from simulator.config.runner_settings import MAX_RUNS, RUNS_RULE, RunnerSettings
from simulator.config.schema import ScenarioConfig

MAX_SEED = 2**63 - 1
"""Largest root seed: the keyed (counter-based) draws hash it as a 64-bit signed integer."""
SEED_RULE = f"must be a whole number from 0 to {MAX_SEED} (2^63 - 1)"
Seed = Annotated[WholeNumber, Field(ge=0, le=MAX_SEED), explained(SEED_RULE)]
Runs = Annotated[WholeNumber, Field(ge=1, le=MAX_RUNS), explained(RUNS_RULE)]


def _runs_or_auto(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """``runs``: a whole number from 1 to :data:`MAX_RUNS`, or ``auto`` (as many as the target precision needs)."""
    if value == "auto":
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RUNS:
        raise salesim_error(f"{RUNS_RULE}, or auto{decimal_hint(value)}{boolean_hint(value)}")
    return value


RunsOrAuto = Annotated[Runs | Literal["auto"], WrapValidator(_runs_or_auto)]
PartialSection = dict[str, Any] | None


_FOLDER_NAME = re.compile(r"^\w[\w.-]*$")


def folder_name(name: str) -> str:
    """``experiment.name``: one safe folder name (it names ``outputs/<name>/``).

    Also the rule of a CRM mapping's ``name`` (:mod:`simulator.calibration.mapping`), which
    becomes ``<name>_forecast`` and ``<name>_org_question``.

    Raises:
        PydanticCustomError: A name with a slash, backslash, colon, space or '..', empty, or not starting
            with a letter or digit.
    """
    if not _FOLDER_NAME.match(name) or ".." in name:
        raise salesim_error(
            "must be a safe folder name (it names outputs/<name>/): letters, digits, _, - and ., "
            "starting with a letter or digit; no /, \\, :, spaces or '..'"
        )
    return name


class ExperimentSettings(ConfigModel):
    """The question an experiment asks, the scenarios that answer it and the baseline."""

    name: Annotated[Text, AfterValidator(folder_name)] = "experiment"
    """Names the output folder (letters, digits, ``_``, ``-`` and ``.``)."""
    question: Text = ""
    """Shown in the report. A setting named between braces (``{plan.bookings}``) is written in place, as the
    baseline scenario has it (``$4.00M``), so the question follows overrides."""
    baseline: Text | None = None
    """The scenario the others are compared against (default: the first)."""
    scenarios: dict[str, list[Text] | None] = Field(default_factory=dict)
    """Scenario name -> Hydra overrides applied on top of the base config (e.g. ``org=specialist``)."""
    decision: DecisionSettings | None = None
    """The decision KPIs (a primary KPI and its guardrails) and an optional rule; the report opens on them."""
    caveats: list[Text] = Field(default_factory=list)
    """What a reader must know before trusting the answer, said beside it in the report and on the terminal
    (``salesim calibrate`` writes the export's warnings here: thin last months, little history)."""


class ComposedConfig(ScenarioConfig):
    """One fully composed config: a scenario plus the experiment's own settings."""

    seed: Seed = 0
    """Root seed shared by every scenario (common random numbers)."""
    runs: RunsOrAuto = 100
    """Replications per scenario."""
    experiment: ExperimentSettings = ExperimentSettings()
    """The question, its scenarios and the baseline."""
    runner: RunnerSettings = RunnerSettings()
    """Where replications run."""
    parameter_draws: Text | None = None
    """Bootstrap refits of a calibrated company (a file beside the folder's ``config.yaml``, written by
    ``salesim calibrate``): replication r runs on draw r mod their number, so bands carry the parameters'
    uncertainty. None: the fitted parameters are taken as known."""

    def scenario(self) -> ScenarioConfig:
        """The scenario sections alone."""
        return ScenarioConfig.model_construct(**{name: getattr(self, name) for name in ScenarioConfig.model_fields})


def parse_composed(data: Mapping[str, Any]) -> ComposedConfig:
    """Validate a composed config (Hydra's ``hydra`` key, if still there, is ignored).

    Raises:
        ConfigError: With every unknown, missing, mistyped or out-of-range key found.
    """
    if not isinstance(data, Mapping):
        raise ConfigError.single("<root>", data, "must be a mapping of keys to values")
    try:
        return ComposedConfig.model_validate({k: v for k, v in data.items() if k != "hydra"})
    except ValidationError as error:
        raise ConfigError(issues_from_validation_error(error)) from None


# Changes a file may make to each config group (every scenario section, and the runner),
# checked once everything is composed. Built from ScenarioConfig's fields, so a section
# added there is accepted in experiment files and configs/config.yaml without more code.
if TYPE_CHECKING:
    _GroupChanges = ConfigModel
else:
    _GroupChanges = create_model(
        "_GroupChanges",
        __base__=ConfigModel,
        __doc__="Changes a file may make to the config groups, checked once everything is composed.",
        **{
            name: (PartialSection, Field(default=None, description=f"Changes to {name}; checked once composed."))
            for name in [*ScenarioConfig.model_fields, "runner"]
        },
    )


class ExperimentFile(_GroupChanges):
    """An experiment overlay (``experiments/*.yaml``, Hydra package ``_global_``): one question, its scenarios.

    Changes to a config group made here apply to every scenario; a scenario's own changes
    are its list of overrides in ``experiment.scenarios``.
    """

    defaults: list[Text | dict[str, Text | None]] | None = None
    """Hydra defaults list of the overlay (e.g. ``override /org: specialist``)."""
    experiment: ExperimentSettings
    """The question, its scenarios and the baseline."""
    seed: Seed = 0
    """Root seed shared by every scenario (common random numbers)."""
    runs: RunsOrAuto = 100
    """Replications per scenario."""


class PrimaryConfig(_GroupChanges):
    """The primary config (``configs/config.yaml``): the groups composed by default, seed and runs."""

    defaults: list[Text | dict[str, Text | None]]
    """The config groups composed into the base scenario, in order."""
    seed: Seed = 0
    """Root seed; replication r uses SeedSequence(seed, spawn_key=(r,))."""
    runs: RunsOrAuto = 100
    """Replications per scenario."""
    hydra: dict[str, Any] | None = None
    """Hydra's own settings (see Hydra's documentation)."""
    parameter_draws: Text | None = None
    """Bootstrap refits of a calibrated company, a file beside this ``config.yaml`` (``salesim calibrate``)."""
    experiment: PartialSection = None
    """Changes to the experiment; checked once composed."""
