"""Single levers beside their combination: the answer says which lever alone is worth more.

ramp_and_coaching asks "ramp or coaching?" and runs both levers and their combination. Its
answer chose fast_ramp_and_coaching and never said that fast_ramp (+$94k of bookings
against today, 100 runs) and coaching (+$91k) could not be told apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from reporting_fixtures import BASELINE, make_result, scenario_config

from simulator.analysis.answer import answer
from simulator.analysis.comparison import compare
from simulator.analysis.lever_pairs import combinations, lever_words
from simulator.analysis.statistics import summarise
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import Experiment, ExperimentResult, ScenarioSpec
from simulator.run.table_source import FrameTable

RUNS = 100


def _config(full_cycle: int = 0, csm: int = 0, warmup: float = 0.0) -> ScenarioConfig:
    """The fixture's generalists with more full-cycle reps, more CSMs and another warm-up, each by the given step."""
    data: dict[str, Any] = scenario_config(BASELINE).model_dump()
    data["org"]["teams"]["full_cycle"]["headcount"] += full_cycle
    data["org"]["teams"]["csm"]["headcount"] += csm
    data["clock"]["warmup_days"] += warmup
    return ScenarioConfig.model_validate(data)


def _result(gains: dict[str, float], spread: dict[str, float], both: ScenarioConfig | None = None) -> ExperimentResult:
    """today, reps, csms and reps_and_csms: bookings paired on shared luck, each scenario's own gain and noise."""
    configs = {
        "today": _config(),
        "reps": _config(full_cycle=2),
        "csms": _config(csm=2),
        "reps_and_csms": both or _config(full_cycle=2, csm=2),
    }
    rng = np.random.default_rng(3)
    luck = rng.standard_normal(RUNS)
    frames = []
    for name in configs:
        own = spread.get(name, 0.0) * rng.standard_normal(RUNS)
        bookings = 3.97e6 + 0.9e6 * luck + gains.get(name, 0.0) + own
        frames.append(pd.DataFrame({"scenario": name, "replication": np.arange(RUNS), "bookings": bookings}))
    runs = pd.concat(frames, ignore_index=True)
    experiment = Experiment(
        name="reps_or_csms",
        scenarios=tuple(ScenarioSpec(n, c) for n, c in configs.items()),
        baseline="today",
        seed=1,
        runs=RUNS,
        question="Are two more reps or two more CSMs worth more?",
    )
    return ExperimentResult(
        experiment=experiment,
        replications=runs,
        monthly_table=FrameTable(pd.DataFrame()),
        summary=summarise(runs),
        comparison=compare(runs, "today"),
        failures=[],
        wall_seconds=1.0,
        workers=1,
    )


def test_levers_as_good_as_each_other_are_said_so_with_their_paired_interval() -> None:
    result = _result({"reps": 94e3, "csms": 91e3, "reps_and_csms": 252e3}, {"reps": 3e5, "csms": 3e5})
    assert combinations(result) == {"reps_and_csms": ["reps", "csms"]}
    paragraph = answer(result).paragraph
    assert "Of the levers reps_and_csms combines, reps and csms cannot be told apart on bookings" in paragraph
    assert "against today): reps less csms is +$" in paragraph and "(95% CI -$" in paragraph, paragraph
    assert "so neither alone is clearly worth more than the other" in paragraph


def test_a_lever_clearly_worth_more_is_named() -> None:
    result = _result({"reps": 40e3, "csms": 300e3, "reps_and_csms": 350e3}, {"reps": 1e4, "csms": 1e4})
    words = lever_words(result, "bookings")
    assert words.startswith("Of the levers reps_and_csms combines, csms is worth more than reps on bookings"), words
    assert "csms less reps is +$259" in words and "csms better in 100% of paired runs" in words, words


def test_levers_practically_equal_are_said_so() -> None:
    result = _result({"reps": 94e3, "csms": 93e3, "reps_and_csms": 190e3}, {"reps": 100.0, "csms": 100.0})
    assert "reps and csms are practically equal on bookings" in lever_words(result, "bookings")


def test_no_lever_sentence_without_a_combination_of_exactly_those_levers() -> None:
    extra = _config(full_cycle=2, csm=2, warmup=10.0)  # the "combination" changes a third setting too
    result = _result({"reps": 94e3, "csms": 91e3, "reps_and_csms": 252e3}, {"reps": 3e5}, both=extra)
    assert combinations(result) == {} and "Of the levers" not in answer(result).paragraph
    two = make_result(runs=20)  # generalist against specialist: nothing combines
    assert combinations(two) == {} and lever_words(two, "bookings") == ""
