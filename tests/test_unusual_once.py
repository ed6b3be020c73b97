"""A reason one scenario gives under several figures is said in full once, and pointed back to after.

csm_coverage's 7 CSMs read "the CSM team carries 138 accounts per rep against the survey's
~104, busy 100% of its selling time: a coverage finding of the scenario; churn rises with
the load above 104 accounts (pipelines.retention.renewal.load_logit = 1, a parameter, not a
published figure)" under net revenue retention, gross revenue retention, ARR per rep and the
busy share: a leader read the same words four times, the busy share beside them as 100.0%.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from unusual_said import said_of

from simulator.analysis.unusual_finding import Finding
from simulator.analysis.unusual_groups import figure_lines
from simulator.analysis.unusual_once import SHORT, reference
from simulator.report.html import render_html
from simulator.report.unusual_section import report_unusual_section, unusual_summary
from simulator.run.experiment import ExperimentResult
from tests.scenarios import shipped_run

LOAD = (
    "the CSM team carries {} accounts per rep against the survey's ~104, busy {} of its selling time: a coverage "
    "finding of the scenario"
)
CHURN = (
    "churn rises with the load above 104 accounts (pipelines.retention.renewal.load_logit = 1, a parameter, not a "
    "published figure)"
)
HEAVY = f"{LOAD.format(138, '100.0%')}; {CHURN}"


def _found(scenario: str, rank: int, name: str, *reasons: str, value: str = "5.0%") -> Finding:
    return Finding(scenario, rank, f"{name} {{value}}", value, "published 1–4%", "1.0 points above", "", reasons, name)


def test_a_scenarios_reason_is_said_in_full_under_its_first_figure_and_pointed_back_to_after() -> None:
    expansions = "so busy, it closes $891.7k of expansions against csm_11's $5.38M: most of NRR's fall"
    found = [  # given out of order: the published ranges' order decides which is first
        _found("csm_7", 3, "the CSM team's busy share", HEAVY),
        _found("csm_7", 1, "gross revenue retention", HEAVY),
        _found("csm_7", 0, "net revenue retention", f"{LOAD.format(138, '100.0%')}; {expansions}; {CHURN}"),
    ]
    nrr, grr, busy = figure_lines(found)
    assert nrr.sentence.endswith(f"(1.0 points above; {LOAD.format(138, '100.0%')}; {expansions}; {CHURN})")
    pointer = "the CSM team carries 138 accounts per rep against the survey's ~104, as said under net revenue retention"
    assert grr.sentence.endswith(f"(1.0 points above; {pointer})") and busy.sentence.endswith(f"; {pointer})")
    assert HEAVY not in grr.sentence + busy.sentence
    # a clause new to the figure is said in full beside the pointer to the rest
    new = "the renewals wait 12.5 working days for a CSM, past the survey's 10"
    (_, mixed) = figure_lines([found[2], _found("csm_7", 1, "gross revenue retention", f"{HEAVY}; {new}")])
    assert mixed.sentence.endswith(f"(1.0 points above; {pointer}; {new})")


def test_a_short_reason_is_said_again_and_other_numbers_are_another_reason() -> None:
    short = "the export records no hours of work"
    assert len(short) < SHORT
    first, second = figure_lines([_found("a", 0, "win rate", short), _found("a", 1, "cycle", short)])
    assert first.sentence.endswith(f"; {short})") and second.sentence.endswith(f"; {short})")
    # the same words with the scenario's other numbers are another finding, said in full
    other = LOAD.format(139, "100.0%")
    first, second = figure_lines([_found("a", 0, "nrr", HEAVY), _found("a", 1, "grr", f"{other}; {CHURN}")])
    assert second.sentence.endswith(f"; {other}; churn rises with the load above 104 accounts, as said under nrr)")
    # another scenario's words are never pointed to: b says its own in full
    first, second = figure_lines([_found("a", 0, "nrr", HEAVY), _found("b", 1, "grr", HEAVY)])
    assert second.who == "b" and second.sentence.endswith(f"; {HEAVY})")


def test_a_reason_all_scenarios_of_a_line_give_is_pointed_back_to_once_for_them() -> None:
    load = "the leads wait 6.4 working days for an AE: the scenario gives the team more work than its reps can take"
    found = [
        _found(name, rank, figure, load, value=value)
        for rank, figure in ((0, "x"), (1, "y"))
        for name, value in (("a", "5.0%"), ("b", "6.0%"))
    ]
    first, second = figure_lines(found)
    assert first.sentence.endswith(f"; {load.replace('the scenario', 'each scenario')})") and not first.reasons
    assert second.sentence.endswith("; the leads wait 6.4 working days for an AE, as said under x)")
    assert not second.reasons  # alike in a and b: one pointer for both


def test_pointers_with_other_numbers_merge_as_the_reason_they_point_to_was_merged() -> None:
    """Kept apart, one line per scenario had quoted "carries 167 accounts" where the figure pointed to said 166–169.

    org_structures with 5 CSMs said the load once for four scenarios under net revenue
    retention ("166–169 accounts per rep") and then 15 pointers, one per scenario and figure.
    """
    light = LOAD.format(70, "57.7%")
    found = [
        _found(name, rank, figure, reason, value=value)
        for rank, figure in ((0, "x"), (1, "y"))
        for name, value, reason in (("csm_7", "5.0%", LOAD.format(138, "100.0%")), ("csm_15", "6.0%", light))
    ]
    first, second = figure_lines(found)
    assert "the CSM team carries 70–138 accounts per rep" in first.sentence  # said in full: a range of theirs
    pointer = "the CSM team carries 70–138 accounts per rep against the survey's ~104, as said under x"
    assert not second.reasons and second.sentence.endswith(f"; {pointer})"), second
    # a pointer alike in both (the same numbers) is said once for them
    found = [
        _found(name, rank, figure, LOAD.format(138, "100.0%"), value=value)
        for rank, figure in ((0, "x"), (1, "y"))
        for name, value in (("csm_7", "5.0%"), ("csm_8", "6.0%"))
    ]
    _, second = figure_lines(found)
    assert not second.reasons and second.sentence.endswith(f"; {reference(LOAD.format(138, '100.0%'), 'x')})")


def test_a_reason_said_under_a_line_for_one_scenario_is_pointed_back_to_on_its_own_line() -> None:
    found = [
        _found("a", 0, "x", HEAVY),
        _found("b", 0, "x", "partner referrals bring 40% of the leads", value="6.0%"),
        _found("a", 2, "z", HEAVY),
    ]
    grouped, alone = figure_lines(found)
    assert grouped.reasons == (("a", HEAVY), ("b", "partner referrals bring 40% of the leads"))
    assert alone.who == "a" and alone.sentence.endswith(f"; {reference(HEAVY, 'x')})")


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    return shipped_run("csm_coverage", tmp_path_factory.mktemp("csm_coverage"), 4)


def test_csm_coverage_says_the_seven_csms_load_once(coverage: ExperimentResult, tmp_path: Path) -> None:
    terminal = unusual_summary(coverage)
    heavy = re.compile(r"the CSM team carries (\d+) accounts per rep against the survey's ~104, busy ([\d.]+%)")
    (said,) = [found for found in heavy.finditer(terminal) if int(found.group(1)) > 104]  # csm_7's, in full once
    pointer = f"{said.group(0).split(', busy')[0]}, as said under net revenue retention"
    lines = [line for line in terminal.splitlines() if "csm_7" in line]
    assert sum(pointer in line for line in lines) >= 2, terminal  # GRR, ARR per rep, the busy share
    # the busy share reads as its figure does, in the figure and in the reason
    assert f"busy {said.group(2)} of its selling time in csm_7" in terminal, terminal
    assert not re.search(r"busy \d+% ", terminal), terminal
    # the reader still finds the reason beside each figure it moves
    assert said.group(0) in said_of(terminal, "csm_7", "gross revenue retention"), terminal
    # the report and its page say it in the same words
    markdown = "\n".join(report_unusual_section(coverage))
    assert markdown.count(pointer) == terminal.count(pointer) and markdown.count(said.group(0)) == 1
    page = html.unescape(render_html(f"# csm_coverage\n\n{markdown}", tmp_path))
    assert page.count(pointer) == terminal.count(pointer)


def test_a_calibrated_companys_assumed_effort_is_said_once_with_each_scenarios_figures() -> None:
    """A calibrated company's org question read the assumed effort's ~400 characters under as_is, plus_3_Central and
    pods_by_product alike, the East team's 16.7% busy said again in each."""
    import pandas as pd

    from simulator.analysis.assumed import assumed_effort_words
    from simulator.analysis.unusual_words import unusual_lines

    means = {"a": {"utilisation_ae": 0.24, "utilisation_csm": 0.167}, "b": {"utilisation_ae": 0.184}}
    means["b"]["utilisation_csm"] = 0.167
    rows = [
        {"scenario": name, "kpi": kpi, "n": 20, "mean": value, "ci_low": value * 0.9, "ci_high": value * 1.1}
        for name, figures in means.items()
        for kpi, value in figures.items()
    ]
    why = assumed_effort_words("sales_pipeline.csv")
    lines = unusual_lines(pd.DataFrame(rows), ["a", "b"], assumed=dict.fromkeys(("a", "b"), why))
    (said,) = [line for line in lines if why in line.sentence]
    assert said.who == "" and said.scenarios == ("a", "b")
    assert said.sentence == (
        "the AE team busy 24.0% of its selling time in a and 18.4% in b; the CSM team busy 16.7% of its selling time "
        f"in a and b: each {why}"
    )
    # one scenario's reads as it did
    (alone,) = [
        line for line in unusual_lines(pd.DataFrame(rows[:2]), ["a"], assumed={"a": why}) if why in line.sentence
    ]
    assert alone.who == "a" and alone.sentence.startswith("the AE team busy 24.0% of its selling time and the CSM")
