"""The Hydra entry point: compose the config, validate it, run, write, print.

This is the only module that imports Hydra. It turns composed configs into plain
dicts, builds a typed :class:`~simulator.run.experiment.Experiment` (each scenario is the
base config composed again with the scenario's own overrides), and calls the plain
functions of the library, which tests call directly.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.run.build import experiment_from_dicts
from simulator.run.experiment import Experiment
from simulator.run.runner import RunInterrupted
from simulator.run.settings import runner_settings

PACKAGE_DIR = Path(__file__).resolve().parent
EXIT_CONFIG_ERROR = 2
EXIT_REPLICATION_FAILURES = 3
EXIT_INTERRUPTED = 130


def config_dir() -> Path:
    """Where the Hydra configs live: ``SALESIM_CONFIG_DIR``, else ``configs/`` beside the package."""
    override = os.environ.get("SALESIM_CONFIG_DIR")
    candidates = [Path(override)] if override else []
    candidates += [PACKAGE_DIR.parent / "configs", PACKAGE_DIR / "_configs"]
    for candidate in candidates:
        if (candidate / "config.yaml").is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"no salesim configs found in {[str(c) for c in candidates]}")


def _plain(cfg: DictConfig) -> dict[str, Any]:
    container = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(container, dict)
    container.pop("hydra", None)
    return {str(k): v for k, v in container.items()}


def _scenario_overrides(cfg: Mapping[str, Any]) -> dict[str, list[str]]:
    experiment = cfg.get("experiment") or {}
    scenarios = experiment.get("scenarios") if isinstance(experiment, Mapping) else None
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ConfigError.single("experiment.scenarios", scenarios, "must map scenario names to lists of overrides")
    result: dict[str, list[str]] = {}
    for name, overrides in scenarios.items():
        if overrides is None:
            overrides = []
        if not isinstance(overrides, list | tuple) or not all(isinstance(o, str) for o in overrides):
            raise ConfigError.single(
                f"experiment.scenarios.{name}", overrides, "must be a list of Hydra overrides like 'org=specialist'"
            )
        result[str(name)] = list(overrides)
    return result


def _merge_overrides(base: Sequence[str], scenario: Sequence[str]) -> list[str]:
    """Base overrides then the scenario's; a scenario override replaces a base one on the same key."""

    def key(override: str) -> str:
        return override.split("=", 1)[0].lstrip("+~")

    scenario_keys = {key(o) for o in scenario}
    return [o for o in base if key(o) not in scenario_keys and not key(o).startswith("hydra.")] + list(scenario)


def _compose_scenario(
    name: str, base_overrides: Sequence[str], overrides: Sequence[str], composer: Callable[[list[str]], DictConfig]
) -> DictConfig:
    """Compose one scenario: base overrides, then the scenario's own.

    A base override may not apply to every scenario (``org.teams.full_cycle.headcount=10``
    means nothing once a scenario swaps in the specialist org): such an override is
    skipped for that scenario, with a note. Every base override already applied to the
    base config, or Hydra would have refused it before the job started.
    """
    merged = _merge_overrides(base_overrides, overrides)
    try:
        return composer(merged)
    except Exception:
        pass
    kept: list[str] = []
    for override in merged[: len(merged) - len(overrides)]:  # the base overrides that were kept
        try:
            composer([*kept, override, *overrides])
            kept.append(override)
        except Exception:
            print(f"salesim: note: '{override}' does not apply to scenario {name}; skipped there", file=sys.stderr)
    return composer([*kept, *overrides])


def build_experiment(
    cfg: DictConfig, base_overrides: Sequence[str], composer: Callable[[list[str]], DictConfig]
) -> Experiment:
    """Compose every scenario of the experiment in ``cfg`` and build the typed experiment."""
    base = _plain(cfg)
    scenario_dicts: dict[str, dict[str, Any]] = {}
    issues: list[ConfigIssue] = []
    for name, overrides in _scenario_overrides(base).items():
        try:
            scenario_dicts[name] = _plain(_compose_scenario(name, base_overrides, overrides, composer))
        except Exception as error:
            issues.append(ConfigIssue(f"experiment.scenarios.{name}", overrides, f"could not be composed: {error}"))
    if issues:
        raise ConfigError(issues)
    return experiment_from_dicts(base, scenario_dicts)


def load_experiment(name: str | None = None, overrides: Sequence[str] = ()) -> Experiment:
    """Compose an experiment from the shipped configs, for notebooks and scripts.

    Args:
        name: An experiment of ``experiments/`` (default: the one in ``configs/config.yaml``).
        overrides: Hydra overrides, e.g. ``["runs=50", "org.teams.ae.headcount=10"]``.
    """
    all_overrides = list(overrides) + ([f"experiment={name}"] if name else [])
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose(config_name="config", overrides=all_overrides)
        return build_experiment(cfg, all_overrides, lambda o: compose(config_name="config", overrides=o))


def _run_job(cfg: DictConfig) -> int:
    from simulator.report.session import run_and_write  # the library side of a job

    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    task_overrides = list(hydra_cfg.overrides.task)
    try:
        experiment = build_experiment(
            cfg, task_overrides, lambda o: compose(config_name=hydra_cfg.job.config_name or "config", overrides=o)
        )
        experiment.resolved_config["command_line_overrides"] = task_overrides
        settings = runner_settings(_plain(cfg).get("runner") or {})
        experiment.validate()
        result = run_and_write(
            experiment, out_dir, settings=settings, resume_command=_resume_command(task_overrides, out_dir)
        )
    except ConfigError as error:
        print(f"salesim: {error}", file=sys.stderr)
        print("salesim: nothing was run and no results were written.", file=sys.stderr)
        _remove_if_empty(out_dir)
        return EXIT_CONFIG_ERROR
    except RunInterrupted:
        return EXIT_INTERRUPTED
    return EXIT_REPLICATION_FAILURES if result.failures else 0


def _resume_command(task_overrides: Sequence[str], out_dir: Path) -> str:
    """The command that resumes this run: the same overrides, in the same run directory."""
    kept = [o for o in task_overrides if not o.lstrip("+~").startswith("runner.resume=")]
    words = ["python", "-m", "simulator", *kept, "runner.resume=true", f"hydra.run.dir={out_dir}"]
    return " ".join(shlex.quote(w) for w in words)


def _remove_if_empty(path: Path) -> None:
    """Hydra creates the run directory before the job starts; leave nothing behind on a config error."""
    try:
        path.rmdir()
        path.parent.rmdir()  # the per-experiment folder, if this run was its only one
    except OSError:
        pass


class SweepSummary(Callback):
    """After a ``--multirun`` sweep, gather every job's summary into ``sweep_summary.csv``.

    One row per job × scenario × KPI, with the job's number and overrides, so a sweep
    over, say, AE headcount reads as one table. The sweep exits non-zero if a job did.
    """

    def __init__(self, filename: str = "sweep_summary.csv") -> None:
        self.filename = filename
        self.exit_codes: list[int] = []

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        """Remember each job's exit code (jobs run in this process with the basic launcher)."""
        try:
            value = job_return.return_value
        except Exception:
            value = 1
        self.exit_codes.append(value if isinstance(value, int) else 0)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the gathered table in the sweep directory and set the exit status."""
        from simulator.io.atomic import atomic_write

        sweep_dir = Path(str(config.hydra.sweep.dir))
        tables = []
        for job_dir in sorted(p for p in sweep_dir.iterdir() if (p / "summary.csv").is_file()):
            summary = pd.read_csv(job_dir / "summary.csv")
            meta = yaml.safe_load((job_dir / "config.yaml").read_text()) or {}
            summary.insert(0, "overrides", " ".join(meta.get("command_line_overrides", [])))
            summary.insert(0, "job", job_dir.name)
            tables.append(summary)
        if tables:
            table = pd.concat(tables, ignore_index=True)
            path = atomic_write(sweep_dir / self.filename, lambda f: table.to_csv(f, index=False))
            print(f"salesim: sweep of {len(tables)} jobs gathered in {path}")
        worst = max(self.exit_codes, default=0)
        if worst:
            print(f"salesim: {sum(1 for c in self.exit_codes if c)} sweep jobs failed", file=sys.stderr)
            sys.exit(worst)


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> int:
    code = _run_job(cfg)
    mode = HydraConfig.get().mode
    if code == EXIT_INTERRUPTED or (code and (mode is None or mode.name != "MULTIRUN")):
        sys.exit(code)
    return code


def main() -> None:
    """Console entry point (``salesim`` and ``python -m simulator``)."""
    _hydra_main()
