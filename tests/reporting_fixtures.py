"""Synthetic experiment results for the analysis, plot and report tests.

The tables have the shape the runner produces (one row per scenario x replication,
one column per KPI; a monthly table) but the numbers are drawn here, so the tests
know the truth: the specialist scenario is better by a chosen relative ``effect`` on
every headline KPI, and runs share their luck across scenarios (common random numbers).
With ``effect=0`` the per-run differences are an antisymmetric set (d and -d), so the
mean difference is exactly zero and any CI of it contains zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simulator.analysis.comparison import compare
from simulator.analysis.statistics import summarise
from simulator.config.schema import ScenarioConfig, parse_scenario
from simulator.run.experiment import Experiment, ExperimentResult, ReplicationFailure, ScenarioSpec
from simulator.run.table_source import FrameTable

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "generalist"
CHALLENGER = "specialist"
STAGES = ("awareness", "need_specified", "evaluation", "probation", "reassurance", "close")
TEAMS = {BASELINE: ("full_cycle",), CHALLENGER: ("sdr", "ae")}
ALL_TEAMS = ("full_cycle", "sdr", "ae")
# Headline KPIs with their baseline level, run-to-run spread (shared luck) and the
# sign of "better" (bookings up is better, cycle time down is better).
HEADLINE = {
    "bookings": (12_000_000.0, 0.10, 1),
    "deals_won": (160.0, 0.10, 1),
    "win_rate": (0.25, 0.06, 1),
    "cycle_time_days_p50": (48.0, 0.08, -1),
    "first_touch_hours_mean": (20.0, 0.15, -1),
    "deals_lost_leaked": (300.0, 0.12, -1),
}
UTILISATION_LEVEL = {"full_cycle": 0.78, "sdr": 0.93, "ae": 0.72}
LEAK_SHARE = (0.5, 0.2, 0.12, 0.1, 0.05, 0.03)


def scenario_config(org: str) -> ScenarioConfig:
    """Parse the shipped YAML configs with the given org design."""
    files = {
        "market": "market/default.yaml",
        "pipeline": "pipeline/new_business.yaml",
        "org": f"org/{org}.yaml",
        "effects": "effects/default.yaml",
        "clock": "clock/year.yaml",
    }
    data = {key: yaml.safe_load((ROOT / "configs" / path).read_text()) for key, path in files.items()}
    return parse_scenario(data)


def make_experiment(runs: int, seed: int = 2024) -> Experiment:
    """Build the two-scenario experiment generalist (baseline) vs specialist."""
    specs = tuple(ScenarioSpec(name, scenario_config(name)) for name in (BASELINE, CHALLENGER))
    return Experiment(
        name="generalist_vs_specialist",
        scenarios=specs,
        baseline=BASELINE,
        seed=seed,
        runs=runs,
        question="Should we split our 12 full-cycle reps into 4 SDRs and 8 AEs?",
    )


def _shared_luck(runs: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(runs)


def _own_noise(runs: int, rng: np.random.Generator, antisymmetric: bool) -> np.ndarray:
    if not antisymmetric:
        return rng.standard_normal(runs)
    half = rng.standard_normal(runs // 2)
    noise = np.concatenate([half, -half, np.zeros(runs % 2)])
    return noise


def _scenario_table(
    name: str, luck: np.ndarray, effect: float, rng: np.random.Generator, antisymmetric: bool
) -> pd.DataFrame:
    """KPI columns of one scenario; ``effect`` is the relative improvement on headline KPIs."""
    runs = luck.size
    table: dict[str, np.ndarray] = {"replication": np.arange(runs)}
    for kpi, (level, spread, better) in HEADLINE.items():
        shared = level * (1.0 + spread * luck)
        own = 0.01 * level * _own_noise(runs, rng, antisymmetric) if name == CHALLENGER else 0.0
        table[kpi] = shared * (1.0 + better * effect) + own
    table["leads_total"] = 5000.0 + 300.0 * luck
    table["deals_lost"] = table["deals_won"] * 3.0
    table["avg_deal_size"] = table["bookings"] / table["deals_won"]
    leaked_total = table["deals_lost_leaked"]
    for stage, share in zip(STAGES, LEAK_SHARE, strict=True):
        entries = 5000.0 * 0.55 ** STAGES.index(stage) * (1.0 + 0.05 * luck)
        table[f"stage_entries_{stage}"] = entries
        table[f"stage_conversion_{stage}"] = np.clip(0.55 + 0.02 * luck, 0.0, 1.0)
        table[f"stage_leaked_{stage}"] = leaked_total * share
    for team in ALL_TEAMS:
        level = UTILISATION_LEVEL[team] if team in TEAMS[name] else np.nan
        table[f"utilisation_{team}"] = level + 0.03 * luck
    frame = pd.DataFrame(table)
    frame.insert(0, "scenario", name)
    return frame


def synthetic_replications(runs: int = 200, effect: float = 0.08, seed: int = 11) -> pd.DataFrame:
    """Build a replications table: generalist, then specialist better by ``effect``."""
    rng = np.random.default_rng(seed)
    luck = _shared_luck(runs, rng)
    antisymmetric = effect == 0.0
    frames = [
        _scenario_table(name, luck, effect if name == CHALLENGER else 0.0, rng, antisymmetric)
        for name in (BASELINE, CHALLENGER)
    ]
    return pd.concat(frames, ignore_index=True)


def synthetic_monthly(replications: pd.DataFrame, months: int = 12, seed: int = 5) -> pd.DataFrame:
    """Spread each run's bookings over ``months`` months, with cumulative bookings."""
    rng = np.random.default_rng(seed)
    rows = []
    for _, run in replications.iterrows():
        weights = rng.dirichlet(np.full(months, 8.0))
        bookings = run["bookings"] * weights
        deals = np.round(run["deals_won"] * weights)
        cumulative = np.cumsum(bookings)
        for month in range(months):
            rows.append(
                {
                    "scenario": run["scenario"],
                    "replication": int(run["replication"]),
                    "month": month,
                    "bookings": bookings[month],
                    "deals_won": deals[month],
                    "leads": run["leads_total"] / months,
                    "open_at_month_end": 80.0 + month,
                    "cumulative_bookings": cumulative[month],
                }
            )
    return pd.DataFrame(rows)


def make_result(
    runs: int = 200, effect: float = 0.08, seed: int = 11, failures: list[ReplicationFailure] | None = None
) -> ExperimentResult:
    """Build a full ExperimentResult around synthetic tables (summary and comparison included)."""
    replications = synthetic_replications(runs, effect, seed)
    return ExperimentResult(
        experiment=make_experiment(runs),
        replications=replications,
        monthly_table=FrameTable(synthetic_monthly(replications.groupby("scenario").head(20))),
        summary=summarise(replications),
        comparison=compare(replications, BASELINE),
        failures=failures or [],
        wall_seconds=12.5,
        workers=4,
    )


def renamed(result: ExperimentResult, names: dict[str, str]) -> ExperimentResult:
    """The same result with scenarios renamed (``names``: old -> new), in every table and the experiment."""
    import dataclasses

    def rename(table: pd.DataFrame) -> pd.DataFrame:
        table = table.copy()
        for column in ("scenario", "baseline"):
            if column in table.columns:
                table[column] = table[column].replace(names)
        return table

    experiment = dataclasses.replace(
        result.experiment,
        scenarios=tuple(dataclasses.replace(s, name=names.get(s.name, s.name)) for s in result.experiment.scenarios),
        baseline=names.get(result.experiment.baseline, result.experiment.baseline),
    )
    return dataclasses.replace(
        result,
        experiment=experiment,
        replications=rename(result.replications),
        monthly_table=FrameTable(rename(result.monthly)),
        summary=rename(result.summary),
        comparison=rename(result.comparison),
    )
