"""Creation months the calibration judges under-recorded are left out of every fit that pools creation months.

An export that stops recording before its end keeps, of its last months' deals, mostly those
that already closed: the shared export as of 2017-12-31 records 283 deals created in November
2017 (about 790 a month before), whose 157 wins closed in a median of 10 working days. Pooled
into the outcome fit, they pulled the won cycle of deals created in a quarter's second month
to 34 working days (57 as of 2017-09-30; May's and August's own wins 55 and 57). The months
the thinning warning names (one test decides both) are now left out of the outcome fit and of
the months' wander; their open deals still start the run, and calibration.md says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calibration.bootstrap import refit
from simulator.calibration.calibrate import calibrate, cycle_median_days, fit
from simulator.calibration.document import calibration_markdown
from tests.crm_copies import SHARED, SYNTHETIC_MAPPING, maven_mapping

ROOT = Path(__file__).resolve().parents[1]
END = np.datetime64("2022-12-31")
STALL = 0.2


def export(folder: Path, thin: bool = True, per_month: int = 400, seed: int = 3) -> Path:
    """Deals created April to December 2022, decided 3 to 20 calendar days later (a quarter of them) or 40
    to 130 (won 60%) unless they stall (20%); the export ends on 2022-12-31. With ``thin``, November and
    December are recorded thinly: a deal closed by the end is kept 80% of the time, one still open 2%."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(3, 12):
        first = (np.datetime64("2022-01", "M") + np.timedelta64(m, "M")).astype("datetime64[D]")
        created = first + rng.integers(0, 28, per_month).astype("timedelta64[D]")
        quick = rng.random(per_month) < 0.25
        days = np.where(quick, rng.integers(3, 21, per_month), rng.integers(40, 131, per_month))
        closed = created + days.astype("timedelta64[D]")
        decided = (closed <= END) & (rng.random(per_month) >= STALL)
        won = rng.random(per_month) < 0.6
        keep = np.ones(per_month, dtype=bool)
        if thin and m >= 10:
            keep = rng.random(per_month) < np.where(decided, 0.8, 0.02)
        for c, d, dec, w in zip(created[keep], closed[keep], decided[keep], won[keep], strict=True):
            rows.append((c, d if dec else "", ("Won" if w else "Lost") if dec else "Open", "1000" if dec and w else ""))
    table = pd.DataFrame(rows, columns=["created", "closed", "status", "amount"])
    table.insert(0, "id", [f"D{i:05d}" for i in range(len(table))])
    table["owner"] = rng.choice(["ann", "bob", "cat"], len(table))
    table.to_csv(folder / "opportunities.csv", index=False)
    (folder / "mapping.yaml").write_text(SYNTHETIC_MAPPING)
    return folder / "mapping.yaml"


def test_thin_last_months_are_left_out_of_the_pooled_fits_and_said_so(tmp_path: Path) -> None:
    cal = calibrate(export(tmp_path), str(END))
    assert cal.thin_months == ["2022-11", "2022-12"]  # the months the thinning warning names
    pooled_in = fit(cal.export, cal.mapping, cal.as_of, cal.until, thin=[])  # as the fit was before
    before = fit(cal.export, cal.mapping, np.datetime64("2022-10-31"), cal.until).outcomes  # no month thin yet
    assert before.by_quarter_month is not None
    won = cycle_median_days(cal.outcomes.won_days)
    assert abs(won - cycle_median_days(before.won_days)) <= 3
    assert cycle_median_days(pooled_in.outcomes.won_days) < won - 2  # their quick closes had pulled it short
    assert abs(cal.outcomes.no_decision.value - STALL) < 0.03
    assert cal.outcomes.months == 7 and pooled_in.outcomes.months == 9
    assert cal.outcomes.by_quarter_month is not None and pooled_in.outcomes.by_quarter_month is not None
    second = cycle_median_days(cal.outcomes.by_quarter_month[1][0])  # May and August (November left out)
    assert second > cycle_median_days(pooled_in.outcomes.by_quarter_month[1][0]) + 4
    assert abs(second - cycle_median_days(before.by_quarter_month[1][0])) <= 3
    # their open deals still start the run, each month with a no-decision share of its own
    created = cal.open_deals["created"].dt.strftime("%Y-%m")
    assert (created == "2022-11").any() and {"2022-11", "2022-12"} <= set(cal.cohort_no_decision)
    text = calibration_markdown(cal)
    assert "**Left out of the pooled fits**: the creation months 2022-11 and 2022-12" in text
    assert "the won and lost cycles, pooled and by month of the quarter" in text
    assert "created in 2022-11 and 2022-12 among them, left out of the fit: thinly recorded)" in text


def test_an_export_without_thin_months_fits_as_before_and_a_refit_keeps_the_point_fits_months(tmp_path: Path) -> None:
    (tmp_path / "whole").mkdir()
    cal = calibrate(export(tmp_path / "whole", thin=False), str(END))
    assert cal.thin_months == []
    same = fit(cal.export, cal.mapping, cal.as_of, cal.until, thin=[])
    assert cycle_median_days(same.outcomes.won_days) == cycle_median_days(cal.outcomes.won_days)
    assert same.outcomes.no_decision.value == cal.outcomes.no_decision.value
    assert "Left out of the pooled fits" not in calibration_markdown(cal)
    (tmp_path / "thin").mkdir()
    thin = calibrate(export(tmp_path / "thin"), str(END))
    draw = refit(thin, np.random.default_rng(5))
    assert draw.thin_months == thin.thin_months  # a resample's counts do not decide it
    assert draw.outcomes.months <= 10


@pytest.mark.skipif(SHARED is None, reason="the shared crm-maven export is not here")
def test_the_shared_exports_second_month_of_a_quarter_fits_as_its_own_cohorts_take(tmp_path: Path) -> None:
    assert SHARED is not None
    mapping = maven_mapping(tmp_path)
    late = calibrate(mapping, "2017-12-31")
    assert late.thin_months == ["2017-11", "2017-12"]
    assert late.outcomes.by_quarter_month is not None
    medians = [cycle_median_days(won) for won, _, _ in late.outcomes.by_quarter_month]
    assert medians == [7, 56, 48]  # 7, 34 and 46 with November and December pooled in
    assert cycle_median_days(late.outcomes.won_days) == 34  # 26 before
    early = calibrate(mapping, "2017-09-30")  # no thin month: as it was
    assert early.thin_months == []
    assert early.outcomes.by_quarter_month is not None
    assert [cycle_median_days(won) for won, _, _ in early.outcomes.by_quarter_month] == [9, 57, 49]
