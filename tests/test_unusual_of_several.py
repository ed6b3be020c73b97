"""What looks unusual: words written of one scenario's figure, said of several, name each, not "its"."""

from __future__ import annotations

import pandas as pd

from simulator.analysis.unusual_words import unusual_lines


def _summary(rates: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"scenario": name, "kpi": "lead_to_win_rate", "mean": rate, "ci_low": rate * 0.9, "ci_high": rate * 1.1}
            for name, rate in rates.items()
        ]
    )


def test_a_reason_opening_with_the_scenario_s_its_said_of_several_names_each() -> None:
    """ramp_and_coaching read "Median quota attainment of ramped reps 54.8% in coaching and 57.4% in
    fast_ramp_and_coaching; published 43–54% (...; its 12 full cycle reps carry a $560.0k quota each, ...)":
    whose reps? Each scenario's."""
    quota = "its 12 full cycle reps carry a $560.0k quota each, $6.72M in all, and book {} between them"
    reasons = {name: {"lead_to_win_rate": quota.format(booked)} for name, booked in (("a", "$3.96M"), ("b", "$4.12M"))}
    (line,) = unusual_lines(_summary({"a": 0.08, "b": 0.09}), ["a", "b"], reasons=reasons)
    assert "; each scenario's 12 full cycle reps carry a $560.0k quota each" in line.sentence, line.sentence
    assert "its 12" not in line.sentence
    reasons["c"] = {"lead_to_win_rate": "partner referrals bring 40% of the leads"}
    (line,) = unusual_lines(_summary({"a": 0.08, "b": 0.09, "c": 0.085}), ["a", "b", "c"], reasons=reasons)
    assert line.reasons[0] == ("a and b", "each scenario's" + quota.format("$3.96M–$4.12M").removeprefix("its"))
    (alone,) = unusual_lines(_summary({"a": 0.08}), ["a"], reasons=reasons)
    assert quota.format("$3.96M") in alone.sentence  # said of one scenario: as written


def test_a_shared_doubt_s_runs_are_each_one_s() -> None:
    """A calibrated company's runs share refits: two scenarios' CIs reaching the range had read "each one's 95% CI
    reaches the range: its runs share 40 refits of the export", one "its" for two scenarios' runs."""
    floors = {name: {"bookings": 1.0} for name in "abc"}  # the refits' floor of some other KPI: this one's unknown
    (line,) = unusual_lines(_summary({"a": 0.052, "b": 0.052, "c": 0.08}), ["a", "b", "c"], floors=floors, refits=40)
    assert "(each one's 95% CI reaches the range: each one's runs share 40 refits of the export" in line.sentence
    (line,) = unusual_lines(_summary({"a": 0.052, "b": 0.08}), ["a", "b"], floors=floors, refits=40)
    assert "in a (its 95% CI reaches the range: its runs share 40 refits of the export" in line.sentence
