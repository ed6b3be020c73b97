"""A quarterly plan: a quarter a zero off the others is said before the runs; part quarters read as such."""

from __future__ import annotations

import warnings

import pytest

import simulator
from simulator.config import validation
from simulator.config.errors import ConfigError
from simulator.config.plan_quarters import lopsided_quarters


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


def test_a_quarter_under_one_percent_of_the_largest_is_still_refused() -> None:
    """The refusals stand: a quarter typed in thousands, or a digit lost, is no plan to run."""
    with pytest.raises(ConfigError, match=r"plan\.bookings\.2 = 10000: .* under 1% of them: a digit lost\?"):
        _validated("[1000000,1000000,10000,1200000]")
    with pytest.raises(ConfigError, match=r"plan\.bookings\.3 = 500: .* surely typed in thousands"):
        _validated("[1000000,1000000,1000000,500]")
