"""A quarterly plan: a quarter a zero off the others is said before the runs; part quarters read as such."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator.analysis.kpi_names import kpi_label
from simulator.config import validation
from simulator.config.errors import ConfigError
from simulator.config.plan_quarters import lopsided_quarters
from simulator.report.outputs import write_outputs


def _validated(bookings: str) -> None:
    simulator.load_experiment("plan_check", ["runs=2", f"plan.bookings={bookings}"]).validate()


@pytest.mark.parametrize(
    ("bookings", "words"),
    [
        (  # Q1 typed with a zero too many
            "[8000000,1000000,1200000,1500000]",
            "plan.bookings.0 = 8000000: is $8M for quarter 1, 6.7 times the other quarters' typical $1.2M (their "
            "median): a zero too many? 800000 ($800k) would be in line with them. A plan can be lopsided, so the "
            "runs go on with it",
        ),
        (  # Q4 likewise: an $18M plan for a $4.5M year
            "[800000,1000000,1200000,15000000]",
            "plan.bookings.3 = 15000000: is $15M for quarter 4, 15.0 times the other quarters' typical $1M (their "
            "median): a zero too many? 1500000 ($1.5M) would be in line with them.",
        ),
        (  # a zero dropped: $80k, over 1% of the others, so no refusal
            "[80000,1000000,1200000,1500000]",
            "plan.bookings.0 = 80000: is $80k for quarter 1, 7% of the other quarters' typical $1.2M (their "
            "median): a zero dropped? 800000 ($800k) would be in line with them.",
        ),
    ],
)
def test_a_quarter_a_zero_off_the_others_runs_with_a_word(
    monkeypatch: pytest.MonkeyPatch, bookings: str, words: str
) -> None:
    """The three plans had run with exit 0 and no word: only a quarter under 1% of the largest was questioned."""
    monkeypatch.setattr(validation, "_SHAPES_WARNED", set())  # once a process: this test's words, whatever ran before
    with pytest.warns(validation.PlanSizeWarning) as said:
        _validated(bookings)
    notes = [str(w.message) for w in said if "plan.bookings." in str(w.message)]
    assert len(notes) == 1 and notes[0].startswith(words), notes


def test_a_lopsided_plan_that_can_be_real_runs_without_a_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """All of it in Q4 (tests/test_calendar.py's plan), a seasonal plan, a plan with a $0 quarter: no note."""
    monkeypatch.setattr(validation, "_SHAPES_WARNED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error", validation.PlanSizeWarning)
        for bookings in ("[0,0,0,4000000]", "[500000,1000000,1500000,2500000]", "[1000000,0,1000000,2000000]"):
            _validated(bookings)
    assert lopsided_quarters([0, 0, 1e6, 1e7]) == []  # one other quarter above $0: which one slipped is not told
    assert lopsided_quarters([1e5, 5e6, 1e5, 1e5])[0].startswith(
        "plan.bookings.1 = 5000000: is $5M for quarter 2, 50.0 times the other quarters' typical $100k (their "
        "median): two zeros too many? 50000 ($50k)"
    )


def test_a_quarter_under_one_percent_of_the_quarters_median_is_still_refused() -> None:
    """The refusals stand: a quarter typed in thousands, or a digit lost, is no plan to run; at 1% of the median
    exactly it is a word, not a refusal, wherever the quarter sits ([1e4,1e6,1e6,2e6] was refused, held to the
    largest quarter, where [1e6,1e6,1e6,1e4] was not)."""
    with pytest.raises(
        ConfigError, match=r"plan\.bookings\.2 = 9000: .* under 1% of the quarters' median of \$1M: a digit lost\?"
    ):
        _validated("[1000000,1000000,9000,1200000]")
    for bookings in ("[10000,1000000,1000000,2000000]", "[1000000,1000000,1000000,10000]"):
        _validated(bookings)
    with pytest.raises(ConfigError, match=r"plan\.bookings\.3 = 500: .* surely typed in thousands"):
        _validated("[1000000,1000000,1000000,500]")


def test_a_part_quarter_is_labelled_and_each_quarter_shows_the_figure_it_is_held_to(tmp_path: Path) -> None:
    """2027-Q4's 10 working days read "Probability of hitting the plan in 2027-Q4 (%) 18.7%": held to $227k, unsaid."""
    overrides = [
        "runs=2",
        "clock.start_date=2027-01-04",
        "clock.horizon_days=330",
        "plan.bookings=[8e5,1e6,1.2e6,1.5e6]",
    ]
    result = simulator.run_experiment(simulator.load_experiment("plan_check", overrides), workers=1)
    summary = result.summary[result.summary["scenario"] == "today"].set_index("kpi")["mean"]
    # the warm-up ends 2027-12-20: 10 of 2027-Q4's 66 working days; 2028-Q1 whole; 5 of 2028-Q2's 65
    assert summary["plan_target_2027_q4"] == pytest.approx(1.5e6 * 10 / 66)
    assert summary["plan_target_2028_q1"] == pytest.approx(8e5)
    assert summary["plan_target_2028_q2"] == pytest.approx(1e6 * 5 / 65)
    write_outputs(result, tmp_path)
    table = (tmp_path / "report.md").read_text().split("Quarter by quarter: ", 1)[1].split("\n\n", 2)[1]
    rows = table.splitlines()
    assert rows[0] == "| Quarter | Held to | today | two_more_reps |"
    assert rows[2].startswith(
        "| Probability of hitting the plan in 2027-Q4 (%), a part quarter: 10 of its 66 working days inside the "
        "window | $227.3k (of $1.50M) | "
    )
    assert rows[3].startswith("| Probability of hitting the plan in 2028-Q1 (%) | $800.0k | ")
    assert rows[4].startswith("| Probability of hitting the plan in 2028-Q2 (%), a part quarter: 5 of its 65 working")
    assert "| $76.9k (of $1.00M) | " in rows[4]
    csv = pd.read_csv(tmp_path / "summary.csv")  # the CSV holds each quarter's figure beside its chance
    held = csv[(csv["scenario"] == "today") & (csv["kpi"] == "plan_target_2027_q4")]["mean"]
    assert held.tolist() == pytest.approx([1.5e6 * 10 / 66])
    assert kpi_label("plan_target_2027_q4") == "Plan for 2027-Q4's part of the window"
