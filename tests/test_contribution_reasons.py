"""partner_channel's answer said "Keep no_channel: partner_manager is clearly worse on contribution" with no reason.

The runs hold one: bookings rise less than the cost of winning them (the partner manager's pay,
partners' fees, commission), and the partners' bookings are partly the reps' own outbound
bookings lost. The note beside the answer now says so, every figure read back from the
paired comparison it came from (the experiment's 100 paired runs a scenario, the compiled engine).
"""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.analysis.answer import answer
from simulator.analysis.answer_words import interval_words, row_digits
from simulator.analysis.contribution_reasons import COST_PARTS, SERVING, contribution_notes, contribution_words
from simulator.analysis.formatting import format_amount, format_money
from simulator.analysis.tables import comparison_of
from simulator.report.answer_section import comparison_notes
from simulator.run.experiment import ExperimentResult
from tests.scenarios import shipped_run


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    # its own 100 runs: 40 leave contribution unclear
    return shipped_run("partner_channel", tmp_path_factory.mktemp("partner_channel"))


def _row(comparison: pd.DataFrame, kpi: str) -> pd.Series:
    return comparison[(comparison["scenario"] == "partner_manager") & (comparison["kpi"] == kpi)].iloc[0]


def test_a_contribution_that_falls_is_split_into_bookings_and_their_cost(partner: ExperimentResult) -> None:
    comparison = comparison_of(partner)
    change, booked = _row(comparison, "contribution"), _row(comparison, "bookings")
    assert bool(change["significant"]) and float(change["mean_diff"]) < 0 < float(booked["mean_diff"])
    cost = float(booked["mean_diff"]) - float(change["mean_diff"])
    parts = sum(float(_row(comparison, k)["mean_diff"]) for k in COST_PARTS) - float(
        _row(comparison, SERVING)["mean_diff"]
    )
    assert parts == pytest.approx(cost, rel=1e-6, abs=1.0)  # contribution = bookings - the cost of winning them
    note = contribution_words(partner, comparison, "partner_manager")
    assert note in comparison_notes(partner) and contribution_notes(partner) == [note]
    amount = format_amount("contribution", float(change["mean_diff"]), row_digits(change, "contribution"))
    assert note.startswith(f"partner_manager's contribution (new bookings less the cost of winning them) is {amount} ")
    rise = format_amount("bookings", float(booked["mean_diff"]), row_digits(booked, "bookings"))
    said = answer(partner).paragraph  # the answer gave both intervals: the note does not say them again
    for kpi, row in (("contribution", change), ("bookings", booked)):
        assert f"({interval_words(row, kpi)}" in said and interval_words(row, kpi) not in note, note
    assert f"than no_channel's: its bookings rise by {rise} and that cost rises by " in note
    assert f"and that cost rises by {format_money(abs(cost))}: " in note
    pay = format_money(float(_row(comparison, "cost_people_fixed")["mean_diff"]), signed=True)
    fees = format_money(float(_row(comparison, "cost_partner_fees")["mean_diff"]), signed=True)
    assert f"pay and on-costs {pay} (its partner manager team of 1, which no_channel does not have)" in note
    assert f"partners' fees {fees}" in note
    partner_sourced = format_money(float(_row(comparison, "bookings_partner")["mean_diff"]), signed=True)
    assert f"by lead source: partner {partner_sourced}, outbound " in note, note  # its CI is the answer's already
    assert "partner-sourced bookings rise by " in said and note.count("95% CI") == 3, note
    assert "tool seats" not in note and "hiring" not in note  # parts that did not move are not named


def test_a_contribution_the_runs_do_not_tell_apart_gets_no_note(partner: ExperimentResult) -> None:
    unclear = comparison_of(partner).copy()
    unclear.loc[unclear["kpi"] == "contribution", "significant"] = False
    assert contribution_words(partner, unclear, "partner_manager") == ""


def test_a_contribution_note_is_the_scenarios_reason_and_no_bookings_split_clashes_with_it(
    partner: ExperimentResult,
) -> None:
    """The contribution note starts with the possessive ("partner_manager's"): it still counts as its reason."""
    from simulator.analysis.bookings_factors import bookings_factor_notes

    split = bookings_factor_notes(partner)  # with no reason given, partner_manager's clear bookings rise is split
    assert [note for note in split if note.startswith("partner_manager's bookings")]
    notes = comparison_notes(partner)
    assert contribution_notes(partner)[0] in notes
    assert not [note for note in notes if note.startswith("partner_manager's bookings")]
