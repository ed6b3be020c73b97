"""A clear change in bookings, split into opportunities decided x win rate x average deal size beside the answer.

``speed_to_lead``'s answer read "oldest_first clearly lowers bookings ... -$308.7k ...: its
inbound bookings -$319.6k", and not why. :mod:`simulator.analysis.bookings_factors` says
which factor moved (each paired run by run, with its CI), the funnel stages behind the
bigger funnel factor, and the product mix beside a clear change in deal size. Synthetic
results (the truth known) check each branch; one shipped run checks the words against its
own replications, recomputed by hand.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.analysis.answer import answer
from simulator.analysis.answer_words import difference_words, interval_words, row_digits
from simulator.analysis.bookings_factors import SPEED_TO_LEAD, bookings_factor_notes, factor_words, funnel_words
from simulator.analysis.comparison import compare
from simulator.analysis.formatting import format_amount, format_value
from simulator.analysis.relative_words import relative_words
from simulator.analysis.statistics import summarise
from simulator.analysis.tables import comparison_of, comparison_row, summary_mean, summary_of
from simulator.config.decision import DecisionSettings
from simulator.report.answer_section import answer_text, comparison_notes
from simulator.run.experiment import ExperimentResult
from simulator.run.table_source import FrameTable
from tests.reporting_fixtures import BASELINE, CHALLENGER, make_experiment
from tests.scenarios import shipped_run

RUNS = 120
STAGE_LEVELS = {"awareness": 0.15, "need_specified": 0.40, "evaluation": 0.57, "probation": 0.65, "close": 0.9}
WAIT_LEVELS = {"awareness": 1.14, "need_specified": 0.88, "evaluation": 0.84, "probation": 0.58, "close": 0.43}


def _result(
    opportunities: float = -0.05,
    win: float = 0.0,
    size: float = 0.0,
    qualify: float = -0.015,
    wait: float = -0.1,
    platform: float = 0.0,
    leak: float = 0.0,
    seed: int = 3,
    at: tuple[str, ...] = ("need_specified",),
    inbound_held: bool = False,
    meetings: float = 0.0,
) -> ExperimentResult:
    """Two scenarios whose every run books opportunities x win rate x deal size; the challenger moved as asked.

    ``opportunities``, ``size``: relative changes; ``win``, ``qualify`` (at need specified), ``platform``
    (its share of deals won): in points; ``wait``: working days at the stages before the opportunity;
    ``leak``: leads a run leaked; ``at``: the stages ``qualify`` and ``leak`` move (need specified, the
    shipped config's stage where booked meetings and referrals enter, no lead's first touch there);
    ``inbound_held``: the challenger's inbound bookings (55% of the baseline's) do not move;
    ``meetings``: the challenger's extra booked meetings (outbound leads) a run.
    """
    rng = np.random.default_rng(seed)
    luck = rng.standard_normal(RUNS)
    held = 0.55 * 430.0 * (1.0 + 0.05 * luck) * (0.24 + 0.01 * luck) * 35_000.0 * (1.0 + 0.03 * luck)
    frames = []
    for name in (BASELINE, CHALLENGER):
        moved = name == CHALLENGER

        def noise(scale: float, moved: bool = moved) -> np.ndarray:
            return rng.standard_normal(RUNS) * scale if moved else np.zeros(RUNS)

        opps = 430.0 * (1.0 + 0.05 * luck) * (1.0 + (opportunities if moved else 0.0)) + noise(3.0)
        rate = 0.24 + 0.01 * luck + (win if moved else 0.0) + noise(0.004)
        deal = 35_000.0 * (1.0 + 0.03 * luck) * (1.0 + (size if moved else 0.0)) + noise(300.0)
        share = 0.25 + 0.01 * luck + (platform if moved else 0.0) + noise(0.004)
        table: dict[str, np.ndarray] = {
            "replication": np.arange(RUNS),
            "opportunities_decided": opps,
            "win_rate": rate,
            "avg_deal_size": deal,
            "deals_won": opps * rate,
            "bookings": opps * rate * deal,
            "bookings_inbound": held + noise(2_000.0) if moved and inbound_held else 0.55 * opps * rate * deal,
            "leads_inbound": np.full(RUNS, 1_800.0),
            "leads_partner": np.full(RUNS, 33.0),
            "leads_outbound": 330.0 + 20.0 * luck + (meetings + noise(5.0) if moved else 0.0),
            "opportunities_decided_product_core": opps * (1.0 - share),
            "opportunities_decided_product_platform": opps * share,
            "win_rate_product_core": rate,
            "win_rate_product_platform": rate,
        }
        for stage, level in STAGE_LEVELS.items():
            drop = qualify if moved and stage in at else 0.0
            table[f"stage_conversion_{stage}"] = level + 0.01 * luck + drop + noise(0.003)
            before = stage in ("awareness", "need_specified")
            table[f"stage_wait_days_{stage}"] = WAIT_LEVELS[stage] + (wait if moved and before else 0.0) + noise(0.02)
            more = leak if moved and stage in at else 0.0
            table[f"stage_leaked_{stage}"] = 10.0 + 2.0 * luck + more + noise(1.0)
        table["leads_total"] = table["leads_inbound"] + table["leads_partner"] + table["leads_outbound"]
        frame = pd.DataFrame(table)
        frame.insert(0, "scenario", name)
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    return ExperimentResult(
        experiment=make_experiment(RUNS),
        replications=runs,
        monthly_table=FrameTable(pd.DataFrame()),
        summary=summarise(runs),
        comparison=compare(runs, BASELINE),
        failures=[],
        wall_seconds=1.0,
        workers=1,
    )


def _by_hand(
    result: ExperimentResult, kpi: str, scenario: str = CHALLENGER, baseline: str = BASELINE
) -> tuple[float, float, float]:
    """The paired mean difference of ``kpi`` and its 95% Student t CI, from the replications with pandas."""
    runs = result.replications
    sides = [runs[runs["scenario"] == name].set_index("replication")[kpi] for name in (scenario, baseline)]
    diff = sides[0] - sides[1]
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return float(diff.mean()), float(diff.mean() - half), float(diff.mean() + half)


def _row(result: ExperimentResult, kpi: str) -> pd.Series:
    row = comparison_row(comparison_of(result), CHALLENGER, kpi)
    assert row is not None
    return row


def test_fewer_opportunities_are_said_with_the_stages_that_qualified_fewer() -> None:
    """The answer said by how much bookings fell and from which source, never through which factor or stage."""
    result = _result(at=("awareness",))  # the inbound leads' first worked stage: speed to lead acts there
    (note,) = bookings_factor_notes(result)
    booked, opps = _row(result, "bookings"), _row(result, "opportunities_decided")
    mean, low, high = _by_hand(result, "opportunities_decided")  # the figure said, recomputed by hand
    fewer = format_amount("opportunities_decided", mean, row_digits(opps, "opportunities_decided"))
    assert np.isclose(float(opps["mean_diff"]), mean) and np.isclose(float(opps["ci_low"]), low)
    assert np.isclose(float(opps["ci_high"]), high) and high < 0
    change = str(relative_words(booked)).split(" (95% CI")[0]  # the answer gives bookings' CI: said once
    assert note.startswith(
        f"{CHALLENGER}'s bookings, {change} against {BASELINE}'s, are the opportunities it decides x "
        f"its win rate x its average deal size: {fewer} fewer opportunities "
        f"decided, {relative_words(opps)}; and no clear change in its win rate ("
    ), note
    assert " or its average deal size (" in note  # "no clear change in its" said once for both (it was twice)
    assert note.count("no clear change") == 1, note
    summary = summary_of(result)
    kpi = "stage_conversion_awareness"
    rates = [format_value("win_rate", summary_mean(summary, s, kpi)) for s in (CHALLENGER, BASELINE)]
    qualify = _row(result, kpi)
    assert (
        f". Fewer of its leads pass the stages before the opportunity: awareness {rates[0]} against {rates[1]}, "
        f"{difference_words(qualify, kpi)}"
    ) in note, note
    assert "need specified" not in note  # not moved: not named
    assert ", though its leads wait less there before work on average (" in note
    assert SPEED_TO_LEAD.format(ratio="1/60") in note  # the shipped effect: odds at 24 hours 1/60 of those at 1 hour
    assert "deals won" not in note  # the deal size did not move: no product mix
    assert "leak" not in note  # nor did the leaked leads
    assert note.rstrip(".") in comparison_notes(result)  # beside the answer, in the report and on the terminal
    assert "Note: " + note.split(" ")[0] in answer_text(result, answer(result))


def test_the_bookings_change_the_answer_gives_with_its_ci_is_not_given_a_second_interval() -> None:
    """speed_to_lead's answer said oldest_first's "-$308.7k (95% CI -$426.5k to -$191.0k)" and its note, beneath,
    "-8.2% (95% CI -11.1% to -5.2%)": one change, two intervals. With bookings the primary KPI the note gives the
    relative change alone; with another primary (plan_check's hit_plan) the answer gives no bookings: the CI stays."""
    result = _result(at=("awareness",))
    booked = _row(result, "bookings")
    note = factor_words(result, CHALLENGER)
    point = str(relative_words(booked)).split(" (95% CI")[0]
    assert note.startswith(f"{CHALLENGER}'s bookings, {point} against {BASELINE}'s, are ")
    assert difference_words(booked, "bookings") in answer(result).paragraph  # the CI the answer gives
    planned = dataclasses.replace(
        result, experiment=dataclasses.replace(result.experiment, decision=DecisionSettings(primary="hit_plan"))
    )
    assert factor_words(planned, CHALLENGER).startswith(f"{CHALLENGER}'s bookings, {relative_words(booked)} against ")


def test_fewer_leads_of_one_source_are_named_by_that_source() -> None:
    """sdr_headcount's sdr_2 "gets 253 fewer leads": every one a meeting its SDRs did not book, marketing's the same."""
    result = _result(at=("awareness",), meetings=-60.0)
    note = factor_words(result, CHALLENGER)
    leads = _row(result, "leads_total")
    mean = _by_hand(result, "leads_total")[0]
    assert np.isclose(mean, _by_hand(result, "leads_outbound")[0])  # the outbound leads alone moved
    fewer = format_amount("leads_total", mean, row_digits(leads, "leads_total"))
    outbound = _row(result, "leads_outbound")
    assert f"It gets {fewer} fewer outbound leads, {relative_words(outbound)}, and " in note, note
    # (the fixture's outbound leads arrive on their own; with prospecting on, "its reps book ... fewer meetings")
    both = _result(at=("awareness",), meetings=-60.0)
    both.replications.loc[both.replications["scenario"] == CHALLENGER, "leads_inbound"] -= 0.4 * np.arange(RUNS) % 3
    both = dataclasses.replace(both, comparison=compare(both.replications, BASELINE))
    named = factor_words(both, CHALLENGER)
    assert "fewer leads, " in named and "outbound leads" not in named  # marketing's leads moved too: no one source


def test_speed_to_lead_is_no_reason_at_a_stage_where_no_lead_is_first_touched() -> None:
    """Without a digital-first share no lead is first touched at need specified (inbound leads are at awareness,
    booked meetings arrive touched, referrals carry no decay), yet a fall there was put down to speed to lead."""
    note = factor_words(_result(), CHALLENGER)  # need specified alone qualifies fewer, its leads waiting less
    assert ". Fewer of its leads pass the stages before the opportunity: need specified " in note, note
    assert "speed to lead" not in note and "first touch" not in note, note
    both = factor_words(_result(at=("need_specified", "awareness")), CHALLENGER)
    waited = both.split("wait less there before work on average (")[1].split(")")[0]
    assert "at awareness" in waited and "need specified" not in waited, both  # the wait of the stage it acts at
    assert SPEED_TO_LEAD.format(ratio="1/60") in both
    assert both.endswith(
        "; speed to lead is not the cause at need specified, where none of the leads it slows is first touched"
    ), both


def test_no_factors_without_a_clear_change_in_bookings_or_where_a_reason_is_given() -> None:
    """Bookings the runs do not tell apart have no factors to split; a scenario another note explains gets none."""
    same = _result(opportunities=0.0, qualify=0.0, wait=0.0, seed=5)
    assert not bool(_row(same, "bookings")["significant"])
    assert bookings_factor_notes(same) == [] and factor_words(same, CHALLENGER) == ""
    result = _result()
    assert bookings_factor_notes(result, explained={CHALLENGER}) == []  # e.g. hand-off losses said already
    missing = _result()
    missing.replications.drop(columns="opportunities_decided", inplace=True)
    kept = missing.comparison["kpi"] != "opportunities_decided"
    missing = dataclasses.replace(missing, comparison=missing.comparison[kept])
    assert bookings_factor_notes(missing) == []  # a factor the runs do not report: no split


def test_a_lower_win_rate_and_smaller_deals_are_said_with_the_product_mix() -> None:
    """The win rate the bigger funnel factor: the stages from the opportunity on; a smaller deal: the product mix."""
    result = _result(opportunities=0.0, win=-0.02, size=-0.05, qualify=0.0, wait=0.0, platform=-0.03)
    note = factor_words(result, CHALLENGER)
    size = _row(result, "avg_deal_size")
    amount = format_amount("avg_deal_size", float(size["mean_diff"]), row_digits(size, "avg_deal_size"))
    assert f"; an average deal {amount} smaller, " in note
    assert f"a win rate lower by {difference_words(_row(result, 'win_rate'), 'win_rate').lstrip('-')}" in note
    assert "; and no clear change in its opportunities decided (" in note  # the unclear factor last
    assert "before the opportunity" not in note and "speed to lead" not in note
    assert ". Fewer of its deals won are platform, the product of the larger deals (platform " in note, note
    # the mix unmoved: said so, with the model's reason that nothing else sets a deal's value
    unmoved = factor_words(_result(opportunities=0.0, size=-0.05, qualify=0.0, wait=0.0), CHALLENGER)
    assert ". The products' shares of its deals won show no clear shift (platform " in unmoved, unmoved
    assert (  # a leader had read "the runs show no cause for the change in deal size but which leads were won"
        "a lead's deal value is drawn when it arrives, the same in both designs, and scaled by its product alone "
        "(docs/MODEL.md, Leads; Products and pods): its smaller average deal comes from which leads it won, not from "
        "anything the design does to a deal's value"
    ) in unmoved, unmoved
    assert "of deals won, +0.06 points, 95% CI -0.01 to +0.13 points)" in unmoved  # one level of parentheses


def test_longer_waits_before_fewer_qualified_leads_are_said_as_such() -> None:
    """Leads waiting longer at the stages that qualified fewer: the wait is named, and no puzzle to resolve."""
    result = _result(wait=0.3, leak=20.0, at=("awareness",))
    note = factor_words(result, CHALLENGER)
    assert ", its leads waiting longer there before work (" in note, note
    leaked = _row(result, "stage_leaked_awareness")
    kpi = "stage_leaked_awareness"
    amount = format_amount(kpi, float(leaked["mean_diff"]), row_digits(leaked, kpi))
    assert (
        f" and more of them leak ({amount} a run at awareness, {interval_words(leaked, kpi)}), a leaked lead "
        "counting as not passed; speed to lead"
    ) in note, note
    assert "; speed to lead, one cause the model gives, lowers a lead's odds at its first worked stage" in note
    assert "so a shorter mean wait" not in note


def test_a_first_stage_loss_that_does_not_reach_its_sources_bookings_is_said_so() -> None:
    """sdr_headcount's sdr_2: awareness 23.3% against 41.7%, speed to lead its cause, while its inbound bookings, whose
    leads start at awareness, did not clearly move: more passed need specified. The note now says so."""
    result = _result(at=("awareness",), inbound_held=True)
    inbound = _row(result, "bookings_inbound")
    assert not bool(inbound["significant"]) and bool(_row(result, "bookings")["significant"])
    mean, low, high = _by_hand(result, "bookings_inbound")
    assert np.isclose(float(inbound["mean_diff"]), mean) and np.isclose(float(inbound["ci_low"]), low)
    assert np.isclose(float(inbound["ci_high"]), high) and low < 0 < high
    note = factor_words(result, CHALLENGER)
    assert "; yet its inbound bookings show no clear change (" in note, note
    assert note.count("(95% CI") == note.split("; yet")[0].count("(95% CI")  # one level of parentheses after it
    assert f", {interval_words(inbound, 'bookings')}): the runs do not show that loss in its bookings" in note, note
    moved = factor_words(_result(at=("awareness",)), CHALLENGER)  # inbound bookings fall with the rest: no words
    assert "yet its inbound" not in moved and SPEED_TO_LEAD.format(ratio="1/60") in moved


@pytest.fixture(scope="module")
def speed(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    return shipped_run("speed_to_lead", tmp_path_factory.mktemp("speed_to_lead"), 40)


def test_oldest_first_books_less_for_fewer_opportunities_qualified(speed: ExperimentResult) -> None:
    """speed_to_lead: oldest_first's bookings fall with its opportunities (fewer pass need specified and awareness),
    though its leads wait less there on average; every figure read back from the runs by hand."""
    notes = [n for n in comparison_notes(speed) if n.startswith("oldest_first's bookings")]
    assert len(notes) == 1, comparison_notes(speed)
    note = notes[0]
    runs = speed.replications
    for kpi in ("opportunities_decided", "stage_conversion_need_specified"):
        mean, low, high = _by_hand(speed, kpi, "oldest_first", "closest_to_close")
        row = comparison_row(comparison_of(speed), "oldest_first", kpi)
        assert row is not None and high < 0
        assert np.isclose(float(row["mean_diff"]), mean) and np.isclose(float(row["ci_low"]), low)
    base = runs[runs["scenario"] == "closest_to_close"]["stage_conversion_need_specified"].mean()
    ours = runs[runs["scenario"] == "oldest_first"]["stage_conversion_need_specified"].mean()
    assert f"need specified {format_value('win_rate', ours)} against {format_value('win_rate', base)}, " in note
    opps = runs.groupby("scenario")["opportunities_decided"].mean()
    row = comparison_row(comparison_of(speed), "oldest_first", "opportunities_decided")
    assert row is not None
    digits = row_digits(row, "opportunities_decided")
    paired = _by_hand(speed, "opportunities_decided", "oldest_first", "closest_to_close")[0]
    assert np.isclose(paired, float(opps["oldest_first"] - opps["closest_to_close"]))  # the same runs in both
    fewer = format_amount("opportunities_decided", paired, digits)
    assert f"x its win rate x its average deal size: {fewer} fewer opportunities decided, " in note
    assert "though its leads wait less there before work on average" in note and "1/60" in note
    assert "working days at need specified" in note  # digital-first inbound leads are first touched there
    assert " and fewer of them leak (" in note and " a run at awareness, 95% CI -" in note  # the leads it works late
    assert not any(n.startswith("newest_first's bookings") for n in comparison_notes(speed))  # no clear change


def _with_leads(result: ExperimentResult, source: str, meetings: bool) -> ExperimentResult:
    """``result`` with leads a run by source, the challenger's ``source`` alone 5% fewer (its meetings if asked)."""
    runs = result.replications.copy()
    moved = runs["scenario"] == CHALLENGER
    rng = np.random.default_rng(11)
    base = {"inbound": 1800.0, "outbound": 420.0, "partner": 60.0}
    for name, level in base.items():
        drop = np.where(moved, -0.05 * level + rng.standard_normal(len(runs)), 0.0) if name == source else 0.0
        runs[f"leads_{name}"] = level + drop
    runs["leads_total"] = sum(runs[f"leads_{name}"] for name in base)
    runs["meetings_booked"] = runs["leads_outbound"] if meetings else 300.0
    return dataclasses.replace(result, replications=runs, summary=summarise(runs), comparison=compare(runs, BASELINE))


def test_leads_the_reps_book_prospecting_are_named_as_their_meetings() -> None:
    """hiring_plan read "It gets 73.8 more leads", all of them the meetings its reps booked prospecting (pandas:
    leads_outbound and meetings_booked +73.8, leads_inbound the same in every run): a leader read marketing."""
    result = _with_leads(_result(), "outbound", meetings=True)
    note = factor_words(result, CHALLENGER)
    meetings = _row(result, "meetings_booked")
    mean, low, high = _by_hand(result, "meetings_booked")
    assert np.isclose(float(meetings["ci_low"]), low)
    assert np.isclose(float(meetings["mean_diff"]), mean) and high < 0
    fewer = format_amount("meetings_booked", mean, row_digits(meetings, "meetings_booked"))
    assert f". Its reps book {fewer} fewer meetings prospecting, {relative_words(meetings)}, and fewer" in note, note
    assert "It gets" not in note
    partner = factor_words(_with_leads(_result(), "partner", meetings=False), CHALLENGER)
    assert " fewer partner-referred leads, " in partner and "meetings" not in partner, partner
    inbound = factor_words(_with_leads(_result(), "inbound", meetings=False), CHALLENGER)
    assert " fewer inbound (marketing) leads, " in inbound, inbound


def _leaks_only(leak: float, worked: float, wait: float = 0.3) -> ExperimentResult:
    """The challenger leaks ``leak`` more leads a run at need specified; those worked pass ``worked`` apart."""
    result = _result(wait=wait, leak=leak)
    runs = result.replications.copy()
    rng = np.random.default_rng(7)
    moved = (runs["scenario"] == CHALLENGER).to_numpy()
    runs["stage_entries_need_specified"] = 1100.0
    rate = 0.36 + rng.standard_normal(len(runs)) * 0.002 + np.where(moved, worked, 0.0)
    leaked = runs["stage_leaked_need_specified"]
    runs["stage_conversion_need_specified"] = rate * (1100.0 - leaked) / 1100.0
    return dataclasses.replace(result, replications=runs, summary=summarise(runs), comparison=compare(runs, BASELINE))


def test_leaks_that_are_the_whole_fall_are_said_without_speed_to_lead() -> None:
    """prospecting_time's blocks_3h: need specified 23.2% against 30.9%, "speed to lead, one cause the model gives",
    though the leads its AEs worked there passed 36.25% against 36.26% of the time (pandas, paired): the 367 more
    leaked leads were the whole fall. The note now says so, and gives speed to lead only where the worked fall."""
    result = _leaks_only(leak=60.0, worked=0.0)
    note = factor_words(result, CHALLENGER)
    assert bool(_row(result, "stage_conversion_need_specified")["significant"])
    runs = result.replications
    shares = [
        runs[runs["scenario"] == s]
        .set_index("replication")
        .eval(
            "stage_entries_need_specified * stage_conversion_need_specified"
            " / (stage_entries_need_specified - stage_leaked_need_specified)"
        )
        for s in (CHALLENGER, BASELINE)
    ]
    diff = shares[0] - shares[1]
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() - half < 0 < diff.mean() + half  # by hand: the worked leads pass as often
    assert ", a leaked lead counting as not passed: the leads worked there pass as often (need specified " in note, note
    assert note.endswith("so the leaked leads are the whole fall"), note
    assert "speed to lead" not in note and "its leads waiting longer there before work (" in note
    better = factor_words(_leaks_only(leak=60.0, worked=0.02), CHALLENGER)  # blocks_6h: worked leads pass more often
    assert ": the leads worked there pass more often (need specified " in better, better
    assert better.endswith("so the leaked leads are more than the whole fall"), better
    slower = factor_words(_leaks_only(leak=60.0, worked=-0.03), CHALLENGER)  # the worked leads pass less often too
    assert slower.endswith("so the leaks are not the whole fall"), slower
    # no lead of this set-up is first touched at need specified (no digital-first share): speed to lead is no cause
    assert "speed to lead" not in slower, slower


def test_a_few_leaks_beside_worked_leads_that_pass_less_often_are_not_the_reason() -> None:
    """ramp_and_coaching's fast_ramp_and_coaching read "+1.2 points ..., and fewer of them leak (0.9 a run ...), a
    leaked lead counting as not passed" as its only mechanism, though the leads its reps worked passed 41.6% against
    40.5% (pandas, paired: +1.2 points): 0.9 leads of some 1,100 is under 0.1 point. The note now says the worked
    leads moved too, and that the leaks are not the whole change."""
    result = _leaks_only(leak=8.0, worked=-0.03, wait=0.0)
    note = factor_words(result, CHALLENGER)
    assert ", a leaked lead counting as not passed; the leads worked there pass less often too (need specified " in note
    assert note.endswith("so the leaks are not the whole fall"), note
    assert "speed to lead" not in note  # the waits did not move


def test_a_loss_its_bookings_do_not_show_is_said_before_the_ramped_headcount() -> None:
    """The merge put the ramped headcount between the stages and "yet its inbound bookings show no clear change (...):
    the runs do not show that gain in its bookings" (ramp_and_coaching's fast_ramp_and_coaching), so "that gain" read
    as the ramped headcount's, under an answer whose bookings rose. The bookings words follow the stages they
    qualify, in every branch that gives the ramped headcount; the ramped headcount comes last."""
    ramp = "; and it has less ramped headcount (RAMPED): a rep in its first months also converts less"
    for result in (
        _result(at=("awareness",), inbound_held=True),  # less wait, fewer pass: speed to lead's puzzle
        _result(at=("awareness",), inbound_held=True, wait=0.3),  # longer waits, fewer pass
        _result(at=("awareness",), inbound_held=True, wait=0.0),  # no wait moved: the stages alone
    ):
        summary, comparison = summary_of(result), comparison_of(result)
        config = result.experiment.scenario(CHALLENGER).config
        note = funnel_words(summary, comparison, config, CHALLENGER, BASELINE, "opportunities_decided", None, ramp)
        assert "; yet its inbound bookings show no clear change (" in note, note
        assert note.index("the runs do not show that loss in its bookings") < note.index(ramp), note
        assert note.endswith(ramp), note


def test_leaks_another_scenario_lets_in_the_answer_are_not_said_as_the_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the answer gave the leaked leads was read as "<scenario> lets " anywhere in it: coaching's note took
    "fast_ramp_and_coaching lets 60 more leads leak" for its own and said "more of them leak, as the answer says"."""
    result = _leaks_only(leak=60.0, worked=0.0)

    def said(paragraph: str) -> str:
        monkeypatch.setattr(
            "simulator.analysis.bookings_factors.answer",
            lambda _result: dataclasses.replace(answer(result), paragraph=paragraph),
        )
        return factor_words(result, CHALLENGER)

    other = said(f"Choose fast_{CHALLENGER}. fast_{CHALLENGER} lets 60 more leads leak than {BASELINE} (95% CI ...).")
    assert "as the answer says" not in other and " and more of them leak (60" in other, other
    own = said(f"Choose {CHALLENGER}. {CHALLENGER} lets 60 more leads leak than {BASELINE} (95% CI ...).")
    assert " and more of them leak, as the answer says, " in own, own
