"""Sensitivity's levers in the reader's units: a setting on the logit scale reads as a plain number.

(The user's calibrated run read a product's conversion_shift as "9.41% / 11.76% / 14.12%" beside
another product's "-0.2145 / -0.1787 / -0.143": one kind of lever in two units.)
"""

from __future__ import annotations

import pandas as pd

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
    assert _table_rows(table)[0][2] == "0.09411 / 0.1176 / 0.1412"
    assert _label(table.iloc[0]).endswith("(0.09411 / 0.1176 / 0.1412)")
    asked = "experiment.question='Is a shift of {market.products.core.conversion_shift} worth it?'"
    experiment = simulator.load_experiment("plan_check", ["runs=2", asked])
    assert question_text(experiment) == "Is a shift of 0.1 worth it?"  # had read "of 10%"
