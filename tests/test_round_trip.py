"""Round trip: an export that salesim writes from a known config is calibrated back to that
config's parameters: each within 4 standard errors of its fit (the standard error read
from the fitted 95% CI), so the test has no false alarm one time in twenty per figure."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator.analysis.synthetic_export import export_frame
from simulator.calibration.calibrate import calibrate, effort_hours
from simulator.engines.simpy import simulate
from tests.scenarios import compiled

SHARES = {"ann": 0.1, "bob": 0.15, "cat": 0.2, "dan": 0.25, "eve": 0.3}
TRUTH = {"leads_per_month": 300.0, "win": 0.6, "no_decision": 0.2}


def known_company() -> dict:
    return {
        "market": {
            "sources": {"crm": {"leads_per_month": TRUTH["leads_per_month"]}},
            "deal_value": {"dist": "constant", "value": 1000.0},
        },
        "pipeline": {
            "stages": [
                {
                    "name": "opportunity",
                    "role": "agent",
                    "effort_hours": 0.25,
                    "delay_days": {"dist": "empirical", "values": [10, 40], "weights": [1, 1]},  # two-peaked
                    "conversion": TRUTH["win"],
                    "decide_after_delay": True,
                    "lost_delay_days": 8.0,
                    "no_decision": TRUTH["no_decision"],
                    "no_decision_days": 10000.0,  # a stalled deal stays open in the CRM
                }
            ],
            "opportunity_stage": "opportunity",
        },
        "org": {
            "teams": {
                "agents": {
                    "role": "agent",
                    "headcount": 5,
                    "assignment": "by_share",
                    "reps": SHARES,
                    "selling_fraction": 1.0,
                }
            }
        },
        "effects": {"speed_to_lead": {"exponent": 0.0}},
        "clock": {"start_date": "2022-01-03", "horizon_days": 390},
    }


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("round_trip")
    run = simulate(compiled(known_company()), 17, 0)
    frame = export_frame(run)
    frame.to_csv(folder / "export.csv", index=False)
    (folder / "mapping.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "synthetic",
                "opportunities": {
                    "file": "export.csv",
                    "columns": {
                        "id": "opportunity_id",
                        "created": "created",
                        "closed": "closed",
                        "outcome": "status",
                        "amount": "amount",
                        "owner": "owner",
                        "product": "product",
                    },
                    "outcomes": {"Won": "won", "Lost": "lost", "No decision": "no_decision", "Open": "open"},
                },
            }
        )
    )
    as_of = str(frame["created"].max())
    return calibrate(folder / "mapping.yaml", as_of), frame


def test_the_synthetic_export_holds_every_opportunity(calibrated) -> None:  # type: ignore[no-untyped-def]
    cal, frame = calibrated
    assert len(frame) > 4000
    assert set(frame["status"]) == {"Won", "Lost", "Open"}
    assert cal.export.problems.items == []


def within(estimate, truth: float) -> bool:  # type: ignore[no-untyped-def]
    se = (estimate.high - estimate.low) / (2 * 1.959963984540054)
    return abs(estimate.value - truth) < 4 * se


def test_win_rate_and_no_decision_come_back_inside_their_cis(calibrated) -> None:  # type: ignore[no-untyped-def]
    cal, _ = calibrated
    out = cal.outcomes
    assert within(out.win_rate, TRUTH["win"])
    assert within(out.no_decision, TRUTH["no_decision"])
    assert out.win_rate.high - out.win_rate.low < 0.05  # and the CI is tight enough to mean something


def test_the_arrival_level_comes_back_inside_its_ci(calibrated) -> None:  # type: ignore[no-untyped-def]
    cal, _ = calibrated
    level = cal.arrivals.level
    assert level.low <= TRUTH["leads_per_month"] <= level.high


def test_the_two_peaked_won_duration_comes_back(calibrated) -> None:  # type: ignore[no-untyped-def]
    cal, _ = calibrated
    values, weights = cal.outcomes.won_days
    short = float(weights[values <= 25].sum())  # the peak at 10 working days (plus the wait and the work)
    n = cal.outcomes.won.n
    assert abs(short - 0.5) < 4 * math.sqrt(0.25 / n)
    assert 8 <= float(values[weights.argmax()]) <= 12 or 38 <= float(values[weights.argmax()]) <= 42
    lost_values, lost_weights = cal.outcomes.lost_days
    assert float((lost_weights * lost_values).sum()) == pytest.approx(8.0, abs=1.5)


def test_skill_spread_and_shares_come_back(calibrated) -> None:  # type: ignore[no-untyped-def]
    cal, _ = calibrated
    skill = cal.people.skill_sd
    assert skill.low <= 0.0 <= skill.high  # the known company's reps are alike
    shares = {o: s for team in cal.people.teams.values() for o, s in team.items()}
    recent = cal.arrivals.level.value * cal.mapping.assumptions.recent_months  # the recent months' new deals
    for owner, share in SHARES.items():
        assert abs(shares[owner] - share) < 4 * math.sqrt(share * (1 - share) / recent)
    assert effort_hours(cal) > 0
    assert np.isfinite(cal.quarter_end.value)
