"""Sensitivity's settings on the logit scale: written as plain numbers, moved by a fixed logit step.

The user's calibrated run read a product's conversion_shift as "9.41% / 11.76% / 14.12%" beside
another product's "-0.2145 / -0.1787 / -0.143" (one kind of lever in two units), moved each shift
by 20% of itself (meaningless on a logit: 0 cannot move, a negative base moves the other way) and
gave it an elasticity whose sign flipped with the base's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from plot_checks import collect

from simulator.analysis.question_words import format_setting, question_text
from simulator.config.errors import is_share_key

SHIFT = "market.products.GTX Plus Basic.conversion_shift"


def test_a_setting_on_the_logit_scale_reads_as_a_plain_number_everywhere() -> None:
    assert format_setting(SHIFT, 0.117633) == "0.1176"  # had read 11.76%
    assert format_setting("market.products.GTX Pro.conversion_shift", 0.016) == "0.016"  # had read 1.6%
    assert format_setting("market.products.MG Advanced.conversion_shift", -0.178734) == "-0.1787"
    logit_scale = (
        "pipelines.retention.renewal.size_logit",
        "effects.buying_circle.logit_per_person",
        "org.teams.ae.skill.mean",
        "market.sources.partner.conversion_lift",
        "org.teams.core_ae.specialist_uplift",
        "pipelines.prospecting.prm.conversion_lift",
    )
    for key in (*logit_scale, "pipeline.stages.0.no_decision_days"):  # days: 0.25 days, not 25%
        assert format_setting(key, 0.25) == "0.25", key
        assert not is_share_key(key), key  # nor told "35% is 0.35" when refused
    assert format_setting("pipeline.stages.0.conversion", 0.25) == "25%"  # a share still reads as one
    assert format_setting("pipeline.stages.0.no_decision", 0.1524) == "15.24%"


def test_the_sensitivity_table_the_tornado_and_a_question_write_a_shift_alike() -> None:
    import simulator
    from simulator.analysis.sensitivity import SENSITIVITY_COLUMNS
    from simulator.report.plot_tornado import _label
    from simulator.report.sensitivity_report import _table_rows

    row = {**dict.fromkeys(SENSITIVITY_COLUMNS, 0.0), "rank": 1, "parameter": SHIFT, "kpi": "bookings"}
    row.update(low=0.0941064, base=0.117633, high=0.1411596, clear=True)
    table = pd.DataFrame([row], columns=list(SENSITIVITY_COLUMNS))
    assert _table_rows(table)[0][2] == "0.094 / 0.118 / 0.141"
    assert _label(table.iloc[0]).endswith("(0.094 / 0.118 / 0.141)")
    asked = "experiment.question='Is a shift of {market.products.core.conversion_shift} worth it?'"
    experiment = simulator.load_experiment("plan_check", ["runs=2", asked])
    assert question_text(experiment) == "Is a shift of 0.1 worth it?"  # had read "of 10%"


def _products_experiment() -> Any:
    """One stage converting 60%, two products whose conversions differ by a logit shift of either sign."""
    from simulator.run.build import experiment_from_dict
    from tests.scenarios import single_stage_queue

    config: dict[str, Any] = single_stage_queue(6.0, 0.05, reps=8, horizon_days=40.0, conversion=0.6)
    config["market"]["products"] = {
        "basic": {"weight": 1.0, "conversion_shift": -0.18},
        "pro": {"weight": 1.0, "conversion_shift": 0.016},
        "new": {"weight": 1.0, "conversion_shift": 0.0},  # switched off: no lever unless named
    }
    config.update(seed=3, runs=4, experiment={"name": "shifts", "question": "What drives bookings?"})
    return experiment_from_dict(config)


BASIC, PRO, NEW = (f"market.products.{name}.conversion_shift" for name in ("basic", "pro", "new"))
ARRIVALS = "market.sources.arrivals.leads_per_month"


def test_a_logit_shift_moves_by_a_fixed_step_of_logits_whatever_its_sign() -> None:
    """A shift of -0.18 moved 20% 'down' to -0.2145 (up, on the logit) and 0.016 by 0.0032: no meaning."""
    from simulator.analysis.levers import find_levers, moved

    config = _products_experiment().resolved_config["scenarios"]["base"]
    levers = {lever.key: lever for lever in find_levers(config, 0.2)}
    assert (levers[BASIC].low, levers[BASIC].high) == pytest.approx((-0.38, 0.02)) and levers[BASIC].additive
    assert (levers[PRO].low, levers[PRO].high) == pytest.approx((-0.184, 0.216))
    assert NEW not in levers  # 0: off, left out as other zeros are
    (named,) = find_levers(config, 0.2, keys=[NEW])  # named, it moves (20% of 0 had been 0)
    assert (named.low, named.high) == pytest.approx((-0.2, 0.2))
    assert (levers[ARRIVALS].low, levers[ARRIVALS].high) == pytest.approx((96.0, 144.0))  # a rate: 20% of itself
    assert not levers[ARRIVALS].additive and moved(-0.5, 0.1, False, additive=True) == (-0.6, -0.4)
    from simulator.analysis.levers import is_logit_setting

    for key in (
        "pipelines.retention.renewal.size_logit",
        "effects.buying_circle.logit_per_person",
        "org.teams.ae.skill.mean",
    ):
        assert is_logit_setting(key), key
    assert not is_logit_setting("org.teams.ae.skill.sd") and not is_logit_setting("pipeline.stages.0.conversion")


def test_a_logit_shift_has_no_elasticity_and_the_report_says_why_once(tmp_path: Path) -> None:
    """MG Advanced's shift moved bookings by +$16.0k low to high and read an elasticity of -0.01."""
    from simulator.report.sensitivity_report import (
        answer_paragraph,
        run_sensitivity,
        sensitivity_markdown,
        write_sensitivity,
    )

    study = run_sensitivity(
        _products_experiment(), "base", "bookings", 0.2, 4, [BASIC, PRO, ARRIVALS], method="none", workers=1
    )
    table = study.table.set_index("parameter")
    assert table.loc[BASIC, "move"] == "-0.2 / +0.2 logit" and table.loc[ARRIVALS, "move"] == "-20% / +20%"
    for shift in (BASIC, PRO):
        assert table.loc[shift, ["elasticity", "elasticity_ci_low", "elasticity_ci_high"]].isna().all()
    assert math.isfinite(table.loc[ARRIVALS, "elasticity"])  # a rate keeps its elasticity
    text = sensitivity_markdown(study, tmp_path, {})
    assert text.count("it has no relative move, so no elasticity") == 1  # the reason, said once under the table
    shift_row = next(line for line in text.splitlines() if line.startswith("| ") and f"`{BASIC}`" in line)
    assert shift_row.endswith(" | - |") and "-0.38 / -0.18 / 0.02" in shift_row
    assert "a shift or logit by ±0.2 logit: the table gives each lever's levels" in answer_paragraph(study)
    assert "a shift or logit (added to a conversion's logit) by ±0.2 logit." in text  # how it was run
    assert "sensitivity.csv`." not in text  # the table lists every lever
    # crm-maven's 33 levers: the table's 30 rows had said nothing of the 3 below them
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("simulator.report.sensitivity_report.TABLE_ROWS", 2)
        short = sensitivity_markdown(study, tmp_path, {})
    assert "\nThe other lever, with a smaller swing, is in `sensitivity.csv`.\n" in short
    assert sum(line.startswith("| ") and "`" in line for line in short.splitlines()) == 2
    problems: list[str] = []
    with collect(problems, []):
        write_sensitivity(study, tmp_path)  # the tornado's title says the step on a line of its own
    assert not problems, problems


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ((0.45, 0.3, 0.6), "+0.45 (+0.30 to +0.60)"),
        ((-0.0031, -0.0045, -0.0017), "-0.0031 (-0.0045 to -0.0017)"),  # had read -0.00 (-0.00 to -0.00)
        ((0.05, 0.01, 0.09), "+0.050 (+0.010 to +0.090)"),
        ((1.234, math.nan, math.nan), "+1.23"),
        # pipelines.partner.stages.1.effort_hours.mean, a clear swing: had read -0.27 (-0.54 to -0.00)
        ((-0.2688, -0.535086, -0.002307), "-0.27 (-0.54 to -0.002)"),
        ((0.0, -0.1, 0.0), "+0.00 (-0.10 to +0.00)"),  # a bound at 0 itself reads 0
    ],
)
def test_an_elasticity_reads_two_significant_figures(values: tuple[float, float, float], words: str) -> None:
    from simulator.report.sensitivity_words import elasticity_words

    row = pd.Series(dict(zip(("elasticity", "elasticity_ci_low", "elasticity_ci_high"), values, strict=True)))
    assert elasticity_words(row) == words


@pytest.mark.parametrize(
    ("base", "low", "high", "whole", "additive", "words"),
    [
        (0.9, 0.72, 1.0, False, False, "-20% / +11%"),  # pipeline.stages.5.conversion: held at 1
        (1.0, None, 2.0, True, False, "+100% (no lower value)"),  # partner_manager.headcount: 0 cannot run
        (12.0, 10.0, 14.0, True, False, "-17% / +17%"),  # a headcount moved by whole reps
        (0.45, 0.36000000000000004, 0.54, False, False, "-20% / +20%"),
        (0.9, 0.72, None, False, False, "-20% (no higher value)"),
        (1000.0, 999.0, 1001.0, True, False, "-0.1% / +0.1%"),  # not "-0% / +0%"
        (-0.18, -0.38, 0.020000000000000018, False, True, "-0.2 / +0.2 logit"),
        (0.1, None, 0.30000000000000004, False, True, "+0.2 logit (no lower value)"),
    ],
)
def test_the_move_column_gives_each_lever_s_actual_moves(
    base: float, low: float | None, high: float | None, whole: bool, additive: bool, words: str
) -> None:
    """It had said the --delta asked ("±20%") for levers that moved 11%, 100% or 16.7%."""
    from simulator.analysis.levers import Lever
    from simulator.analysis.sensitivity import move_words

    assert move_words(Lever("a.b", base, low, high, whole, additive)) == words


def test_the_logit_step_is_read_from_a_lever_s_levels_whatever_its_move_words() -> None:
    from simulator.report.sensitivity_words import logit_step

    one_side = pd.DataFrame(
        {"parameter": ["s"], "base": [0.1], "low": [math.nan], "high": [0.3], "move": ["+0.2 logit (no lower value)"]}
    )
    assert logit_step(one_side) == "±0.2 logit"
    assert logit_step(one_side.assign(move="-20% / +20%")) is None
