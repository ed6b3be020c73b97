"""What looks unusual: headline figures against published ranges (issue 13, item 8).

A synthetic summary table puts some figures outside their range and some inside; the
section must name exactly the ones outside, with the distance in the reader's unit.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from reporting_fixtures import make_result
from unusual_said import said_of

import simulator
from simulator.analysis.benchmarks import benchmark_checks, range_words
from simulator.analysis.published_ranges import (
    ARR_PER_ACCOUNT_OWNER,
    BENCHMARKS,
    EXPANSION_SHARE_SMALLER_BOOK,
    WORKING_DAYS_PER_CALENDAR_DAY,
    on_calendar,
)
from simulator.analysis.unusual_words import unusual_lines, unusual_sentence, window_length
from simulator.config.clock import ClockConfig
from simulator.report.document import write_report
from simulator.report.unusual_section import report_unusual_section, unusual_section, unusual_summary

MEANS = {
    "quota_attainment_p50": 0.30,  # below 43-54%
    "reps_at_quota_share": 0.0,  # below 20-28%
    "win_rate": 0.25,  # inside 20-35%
    "cycle_time_days_p50": 70.0,  # above 41.1-57.5 working days
    "net_revenue_retention": 1.05,  # inside 100-110%
    "gross_revenue_retention": 0.95,  # above 90-93%
    "forecast_wape_quarter": 0.05,  # below 10%: more accurate than 93% of organisations
    "utilisation_ae": 0.90,  # no idle-time work: above 70-85%
    "utilisation_csm": 0.60,  # no idle-time work: below 70-85%
    "utilisation_sdr": 1.0,  # idle time goes to prospecting ...
    "utilisation_sdr_sales": 0.4,
    "utilisation_sdr_prospecting": 0.6,  # ... so its queued work, 40%, is checked against the 85% ceiling only
    "cost_of_sales": 1_500_000.0,
    "cost_marketing": 300_000.0,
    "bookings": 1_000_000.0,  # $1.80 of sales and marketing per $1 of bookings: inside $1.13-$2.00
}


def summary(means: dict[str, float], scenario: str = "today") -> pd.DataFrame:
    return pd.DataFrame(
        [{"scenario": scenario, "kpi": k, "mean": v, "ci_low": v * 0.9, "ci_high": v * 1.1} for k, v in means.items()]
    )


def test_the_table_holds_each_published_range_with_its_source() -> None:
    assert len({b.kpi for b in BENCHMARKS}) == len(BENCHMARKS)
    for benchmark in BENCHMARKS:
        assert benchmark.low <= benchmark.high and benchmark.source and "{value}" in benchmark.phrase
    cycle = next(b for b in BENCHMARKS if b.kpi == "cycle_time_days_p50")
    assert abs(WORKING_DAYS_PER_CALENDAR_DAY - 250 / 365) < 1e-15
    assert (cycle.low, cycle.high) == pytest.approx((41.0959, 57.5342), abs=1e-4)  # 60 and 84 calendar days
    assert "250 working days = 365 calendar days" in cycle.source
    assert range_words(next(b for b in BENCHMARKS if b.kpi == "reps_at_quota_share")) == "20–28%"


def test_figures_outside_are_named_with_how_far_and_inside_ones_are_not() -> None:
    checks = {(c.benchmark.kpi, c.team): c for c in benchmark_checks(summary(MEANS), "today")}
    sides = {key: c.side for key, c in checks.items()}
    assert sides == {
        ("quota_attainment_p50", ""): -1,
        ("reps_at_quota_share", ""): -1,
        ("win_rate", ""): 0,
        ("cycle_time_days_p50", ""): 1,
        ("net_revenue_retention", ""): 0,
        ("gross_revenue_retention", ""): 1,
        ("forecast_wape_quarter", ""): -1,
        ("utilisation (team)", "ae"): 1,
        ("utilisation (team)", "csm"): -1,
        ("utilisation (queued work)", "sdr"): 0,
        ("sales_marketing_per_new_arr", ""): 0,
    }
    assert checks[("sales_marketing_per_new_arr", "")].value == pytest.approx(1.80)
    serving = benchmark_checks(summary({**MEANS, "cost_retention": 700_000.0}), "today")
    per_new = next(c for c in serving if c.benchmark.kpi == "sales_marketing_per_new_arr")
    assert per_new.value == pytest.approx(1.10) and per_new.side == -1  # the CSMs' cost wins no new customer
    assert unusual_sentence(per_new) == (
        "$1.10 of sales and marketing cost per $1 of new bookings; published $1.13–$2.00 ($0.03 below; the reps, "
        "their tools and hiring, partner fees and leads only: managers, marketing staff and overheads are not "
        "modelled)"
    )
    assert checks[("cycle_time_days_p50", "")].distance == pytest.approx(70.0 - 84 * 250 / 365)
    sentences = {key: unusual_sentence(c) for key, c in checks.items()}
    assert sentences[("reps_at_quota_share", "")] == "0.0% of reps at quota; published 20–28% (20.0 points below)"
    assert sentences[("quota_attainment_p50", "")] == (
        "median quota attainment of ramped reps 30.0%; published 43–54% (13.0 points below)"
    )
    assert sentences[("cycle_time_days_p50", "")] == (
        "median sales cycle 70.0 working days; published 41.1–57.5 working days (12.5 working days above)"
    )
    assert sentences[("utilisation (team)", "ae")] == (  # its CI, 81-99%, reaches the range
        "the AE team busy 90.0% of its selling time; published 70–85% (5.0 points above; "
        "its 95% CI reaches the range: more runs would tell)"
    )
    assert checks[("quota_attainment_p50", "")].clear and not checks[("utilisation (team)", "ae")].clear
    assert sentences[("forecast_wape_quarter", "")].endswith("published 10.0% or more (5.0 points below)")


def test_terminal_lines_and_report_section_name_only_the_figures_outside() -> None:
    table = summary(MEANS)
    lines = unusual_lines(table, ["today"])
    assert len(lines) == 7 and all(line.who == "today" and not line.reasons for line in lines)
    text = " ".join(line.sentence for line in lines)
    assert "win rate" not in text and "net revenue retention" not in text and "SDR" not in text
    section = unusual_section(table, ["today"])
    assert section[0] == "## What looks unusual"
    assert "- **today**: 0.0% of reps at quota; published 20–28% (20.0 points below)." in section
    rows = [line for line in section if line.startswith("| ")][1:]
    assert len(rows) == 11  # every benchmarked figure, inside ones included, each with its source
    assert any(r.startswith("| Opportunity win rate | 20–35% | 25.0% (22.5% to 27.5%), inside |") for r in rows)
    assert any("BenchSights" in r for r in rows)


def test_a_rate_whose_interval_is_narrower_than_its_decimal_shows_it_apart() -> None:
    """A win rate of 100% in every run, over its 15,024 opportunities 99.97% to 100%, read "100.0% (100.0% to
    100.0%)", as if known exactly (it had read 90.7% to 100% over the 40 runs as trials)."""
    table = pd.DataFrame(
        [
            {"scenario": "today", "kpi": "win_rate", "mean": 1.0, "ci_low": 0.999728, "ci_high": 1.0},
            {"scenario": "today", "kpi": "reps_at_quota_share", "mean": 0.25, "ci_low": 0.2, "ci_high": 0.3},
        ]
    )
    rows = [line for line in unusual_section(table, ["today"]) if line.startswith("| ")]
    assert any(r.startswith("| Opportunity win rate | 20–35% | 100.00% (99.97% to 100.00%), above |") for r in rows)
    assert any("| 25.0% (20.0% to 30.0%), inside |" in r for r in rows)  # an interval that shows: as before


def test_scenarios_alike_in_every_figure_are_said_once() -> None:
    """rep_attrition with org=specialist: three scenarios alike in every run printed the same 7 lines each (21)."""
    figures = {"win_rate": 0.10, "reps_at_quota_share": 0.05, "cycle_time_days_p50": 200.0}
    table = pd.concat([summary(figures, name) for name in ("a", "b")], ignore_index=True)
    lines = unusual_lines(table, ["a", "b"])
    assert len(lines) == 3 and all(line.scenarios == ("a", "b") and not line.who for line in lines)
    assert lines[1].sentence == "opportunity win rate 10.0% in a and b; published 20–35% (10.0 points below)"
    other = pd.concat([summary(figures, "a"), summary({**figures, "win_rate": 0.11}, "b")], ignore_index=True)
    apart = unusual_lines(other, ["a", "b"])
    assert len(apart) == 3  # a figure apart: each value said, the figure once
    assert (
        apart[1].sentence
        == "opportunity win rate 10.0% in a and 11.0% in b; published 20–35% (10.0 and 9.0 points below)"
    )


HIRING = ["spread_evenly", "all_in_january", "no_hires"]


def _lead_to_customer(rates: dict[str, float]) -> pd.DataFrame:
    return pd.concat([summary({"lead_to_win_rate": rate}, name) for name, rate in rates.items()], ignore_index=True)


def test_a_figure_outside_in_several_scenarios_is_said_once_with_each_scenario_s_value() -> None:
    """hiring_plan's three scenarios had three lines "lead to customer 5.2% ...; published 1–5% (0.2 points above;
    inbound leads, 80% of the leads, bring 53% of the bookings: ...)", the range and the long reason each time,
    only the numbers apart: the figure once, each scenario's value, the reason once."""
    table = _lead_to_customer({"spread_evenly": 0.08, "all_in_january": 0.09, "no_hires": 0.085})
    shares = {"spread_evenly": (80, 53), "all_in_january": (77, 49), "no_hires": (95, 49)}
    reasons = {
        name: {"lead_to_win_rate": f"inbound leads, {leads}% of the leads, bring {booked}% of the bookings: about 3.4%"}
        for name, (leads, booked) in shares.items()
    }
    (line,) = unusual_lines(table, HIRING, reasons=reasons)
    assert line.who == "" and line.scenarios == tuple(HIRING) and not line.reasons
    assert line.sentence == (
        "lead to customer 8.0% of the leads that ended in the window in spread_evenly, 9.0% in all_in_january and "
        "8.5% in no_hires; published 1–5% (3.0, 4.0 and 3.5 points above; inbound leads, 77–95% of the leads, bring "
        "49–53% of the bookings: about 3.4%)"
    )
    section = unusual_section(table, HIRING, reasons=reasons)
    said = [text for text in section if text.startswith("- ")]
    assert said == [f"- L{line.sentence[1:]}."]  # one bullet, a sentence: its first letter a capital
    assert "said once, with each scenario's value" in section[2]  # the reader is told how to read it
    assert "as the range they span (77–95%)" in section[2]  # with the run's own first range as the example
    assert "said once" not in unusual_section(table, HIRING[:1], reasons=reasons)[2]  # not where no line has several
    assert line.spans == ("77–95%", "49–53%")
    alike = {name: {"lead_to_win_rate": "inbound leads bring most bookings"} for name in HIRING}
    plain = unusual_section(table, HIRING, reasons=alike)[2]  # said once, no number differs: no range to explain
    assert "said once, with each scenario's value" in plain and "range they span" not in plain


def test_reasons_that_differ_stay_with_their_scenarios() -> None:
    """A scenario's own cause is not said as every scenario's: a reason only some give is said under the line, after
    the scenarios whose it is (the same words with other numbers: said once for them)."""
    table = _lead_to_customer({"a": 0.08, "b": 0.09, "c": 0.085})
    reasons = {
        "a": {"lead_to_win_rate": "the SDR team first touches its leads 0.3 hours after they arrive"},
        "b": {"lead_to_win_rate": "partner referrals bring 40% of the leads"},
        "c": {"lead_to_win_rate": "partner referrals bring 45% of the leads"},
    }
    (line,) = unusual_lines(table, ["a", "b", "c"], reasons=reasons)
    assert line.sentence.endswith("; published 1–5% (3.0, 4.0 and 3.5 points above)")
    assert line.reasons == (
        ("a", "the SDR team first touches its leads 0.3 hours after they arrive"),
        ("b and c", "partner referrals bring 40–45% of the leads"),
    )
    # one word apart is another reason, however alike the rest: above too / inside
    moved = {
        "b": {"lead_to_win_rate": "a reads 8.0%, above too: this scenario's change moves it toward the range"},
        "c": {"lead_to_win_rate": "a reads 8.0%, inside: this scenario's change moves it"},
    }
    (line,) = unusual_lines(table, ["a", "b", "c"], reasons=moved)
    assert [whose for whose, _ in line.reasons] == ["b", "c"] and "a reads" not in line.sentence
    section = unusual_section(table, ["a", "b", "c"], reasons=reasons)
    start = section.index(next(text for text in section if text.startswith("- Lead to customer")))
    assert section[start + 1 : start + 3] == [
        "  - **a**: the SDR team first touches its leads 0.3 hours after they arrive.",
        "  - **b and c**: partner referrals bring 40–45% of the leads.",
    ]


def test_a_figure_outside_in_one_scenario_reads_as_it_does_alone() -> None:
    """One scenario of several outside: its line as in a run of that scenario alone, with its name before it."""
    table = _lead_to_customer({"a": 0.08, "b": 0.03})
    alone = unusual_lines(_lead_to_customer({"a": 0.08}), ["a"])
    lines = unusual_lines(table, ["a", "b"])
    assert [(line.who, line.sentence) for line in lines] == [
        ("a", alone[0].sentence),
        ("b", "every benchmarked figure lies inside its published range"),
    ]
    assert alone[0].sentence == (
        "lead to customer 8.0% of the leads that ended in the window; published 1–5% (3.0 points above)"
    )
    assert (
        "- **a**: lead to customer 8.0% of the leads that ended in the window; published 1–5% (3.0 points above)."
        in (unusual_section(table, ["a", "b"]))
    )


def test_a_doubt_stays_with_the_scenario_whose_ci_reaches_the_range() -> None:
    """A CI reaching the range is one scenario's doubt: said beside its value, or once for each when all share it."""
    (line,) = unusual_lines(_lead_to_customer({"a": 0.052, "b": 0.08}), ["a", "b"])  # a's CI: 4.7% to 5.7%
    assert line.sentence == (
        "lead to customer 5.2% of the leads that ended in the window in a (its 95% CI reaches the range: more runs "
        "would tell) and 8.0% in b; published 1–5% (0.2 and 3.0 points above)"
    )
    (line,) = unusual_lines(_lead_to_customer({"a": 0.052, "b": 0.052, "c": 0.08}), ["a", "b", "c"])
    assert (
        "5.2% of the leads that ended in the window in a and b (each one's 95% CI reaches" in line.sentence
    )  # not its
    (line,) = unusual_lines(_lead_to_customer({"a": 0.052, "b": 0.053}), ["a", "b"])
    assert line.sentence == (
        "lead to customer 5.2% of the leads that ended in the window in a and 5.3% in b; published 1–5% (0.2 and 0.3 "
        "points above; each one's 95% CI reaches the range: more runs would tell)"
    )


def test_scenarios_whose_values_read_the_same_are_said_together_with_one_distance() -> None:
    """org_structures read "$4.40M of customer ARR per rep in generalists and specialists, $4.45M in pods_by_segment,
    $4.40M in pods_by_product ... ($1.00M, $1.05M, $996.5k ...)": the distance, from the unrounded value, had split
    scenarios whose value reads the same. From the value as shown, $4.40M is $1.00M above $3.40M in each."""
    means = {"a": 4_401_000.0, "b": 4_450_000.0, "c": 4_396_500.0}
    table = pd.concat([summary({"customer_arr_per_rep_csm": v}, name) for name, v in means.items()], ignore_index=True)
    (line,) = unusual_lines(table, ["a", "b", "c"])
    assert line.sentence.startswith("the CSM team carrying $4.40M of customer ARR per rep in a and c, and $4.45M in b;")
    assert line.sentence.endswith("($1.00M and $1.05M above)")
    (alone,) = unusual_lines(table[table["scenario"] == "c"], ["c"])
    assert alone.sentence.endswith("($1.00M above)")  # $4.40M - $3.40M, as a reader subtracts it


def test_values_naming_several_scenarios_are_not_read_as_one_list() -> None:
    """hiring_plan read "$0.65 ... in spread_evenly and all_in_january and $0.57 in no_hires": a comma before the
    last value where a value names several scenarios."""
    (line,) = unusual_lines(_lead_to_customer({"a": 0.08, "b": 0.08, "c": 0.09}), ["a", "b", "c"])
    assert line.sentence.startswith(
        "lead to customer 8.0% of the leads that ended in the window in a and b, and 9.0% in c;"
    )
    (line,) = unusual_lines(_lead_to_customer({"a": 0.08, "b": 0.085, "c": 0.09}), ["a", "b", "c"])
    assert " in a, 8.5% in b and 9.0% in c;" in line.sentence  # one scenario a value: as before


def test_numbers_paired_in_each_scenario_s_reason_are_not_merged_into_ranges() -> None:
    """generalist_vs_specialist read "new customers' $3.44M–$3.94M of bookings are no more than the $3.90M–$3.94M of
    churned ARR": true of each scenario, false as ranges ($3.94M of bookings against $3.90M). A reason whose numbers
    compared within it overlap as ranges, or an interval's ends ("95% CI -$409.6k to -$355.8k to +$41.7k–$91.5k"),
    is said by each scenario as its own; numbers that do not overlap still merge."""
    table = _lead_to_customer({"a": 0.08, "b": 0.09})
    worded = "new customers' {} of bookings are no more than the {} of churned ARR"
    compared = {"a": worded.format("$3.94M", "$3.94M"), "b": worded.format("$3.44M", "$3.90M")}
    (line,) = unusual_lines(table, ["a", "b"], reasons={k: {"lead_to_win_rate": v} for k, v in compared.items()})
    assert line.sentence.endswith("(3.0 and 4.0 points above)") and line.reasons == tuple(compared.items())
    paired = "total bookings $3.65M, {} (95% CI {} to {}) paired run by run"
    interval = {
        "a": paired.format("+$175.4k", "-$215.4k", "+$566.1k"),
        "b": paired.format("-$48.7k", "-$377.6k", "+$280.2k"),
    }
    (line,) = unusual_lines(table, ["a", "b"], reasons={k: {"lead_to_win_rate": v} for k, v in interval.items()})
    assert line.reasons == tuple(interval.items())
    apart = {"a": worded.format("$3.44M", "$3.90M"), "b": worded.format("$3.70M", "$3.94M")}
    (line,) = unusual_lines(table, ["a", "b"], reasons={k: {"lead_to_win_rate": v} for k, v in apart.items()})
    assert line.sentence.endswith("$3.44M–$3.70M of bookings are no more than the $3.90M–$3.94M of churned ARR)")


def test_a_scenario_s_two_reasons_alike_but_for_their_numbers_are_both_said() -> None:
    """Keyed by their words with the numbers masked, a scenario's second such reason had replaced its first."""
    from simulator.analysis.unusual_finding import Finding
    from simulator.analysis.unusual_groups import figure_lines

    reasons = ("3 leads wait 2 days at awareness", "5 leads wait 7 days at awareness")
    found = [
        Finding(name, 0, "x {value}", value, "published 1–4%", distance, reasons=reasons)
        for name, value, distance in (("a", "5.0%", "1.0 points above"), ("b", "6.0%", "2.0 points above"))
    ]
    (line,) = figure_lines(found)
    assert line.sentence == (
        "x 5.0% in a and 6.0% in b; published 1–4% (1.0 and 2.0 points above; 3 leads wait 2 days at awareness; "
        "5 leads wait 7 days at awareness)"
    )


def test_a_reason_written_of_one_scenario_said_of_several_names_each() -> None:
    """org_structures read "The core AE team busy 91.8% ... in pods_by_product and 92.3% in pods_by_product_uplift; ...:
    the scenario gives the team more work than its reps can take": which scenario? Each."""
    table = _lead_to_customer({"a": 0.08, "b": 0.09, "c": 0.085})
    busy = "the leads wait {} working days: the scenario gives the team more work than its reps can take"
    reasons = {name: {"lead_to_win_rate": busy.format(days)} for name, days in (("a", 6.4), ("b", 6.5), ("c", 6.5))}
    (line,) = unusual_lines(table, ["a", "b", "c"], reasons=reasons)
    assert line.sentence.endswith(
        "(3.0, 4.0 and 3.5 points above; " + busy.format("6.4–6.5").replace("the s", "each s") + ")"
    )
    moved = "base reads 4.0%, above too: this scenario's change moves it toward the range"
    reasons = {"a": {"lead_to_win_rate": "partner referrals bring 40% of the leads"}}
    reasons |= {name: {"lead_to_win_rate": moved} for name in ("b", "c")}
    (line,) = unusual_lines(table, ["a", "b", "c"], reasons=reasons)
    assert line.reasons[1] == ("b and c", moved.replace("this", "each"))
    (alone,) = unusual_lines(table[table["scenario"] == "b"], ["b"], reasons=reasons)
    assert moved in alone.sentence  # said of one scenario: as written


def test_a_setting_s_value_is_not_merged_into_a_range() -> None:
    """prospecting_time read "this scenario's own change (...reserved_hours_per_week.prospecting=3–6) moves it": a
    setting no config holds. Each scenario's change is its own."""
    table = _lead_to_customer({"a": 0.08, "b": 0.09})
    moved = "base reads 4.0%, inside: this scenario's own change (org.teams.ae.prospecting={}) moves it"
    reasons = {name: {"lead_to_win_rate": moved.format(hours)} for name, hours in (("a", 3), ("b", 6))}
    (line,) = unusual_lines(table, ["a", "b"], reasons=reasons)
    assert line.reasons == (("a", moved.format(3)), ("b", moved.format(6)))


def test_the_terminal_says_a_figure_outside_in_both_scenarios_once() -> None:
    result = make_result(runs=20, effect=0.05)
    table = result.summary.copy()
    table.loc[table["kpi"] == "win_rate", ["mean", "ci_low", "ci_high"]] = [0.5, 0.45, 0.55]
    lines = unusual_summary(replace(result, summary=table)).splitlines()
    said = [line for line in lines if "win rate" in line]
    assert said == ["  Opportunity win rate 50.0% in generalist and specialist; published 20–35% (15.0 points above)"]
    assert lines[0] == "What looks unusual (against published ranges; sources in report.md):"  # no range said here
    assert any(line.startswith("  specialist: the SDR team busy") for line in lines)  # outside in one: as before


def test_the_terminal_explains_a_range_in_a_reason_with_the_run_s_own_range_and_only_where_one_is() -> None:
    """The heading had said "a range ... 78–80%, spans their own numbers, not a CI" in every run with a line naming
    several scenarios, a calibrated company's org_question too, where no reason had a range: a reader looked for a
    78–80% the run never showed."""
    result = make_result(runs=20, effect=0.05)
    table = result.summary.copy()
    table.loc[table["kpi"] == "win_rate", ["mean", "ci_low", "ci_high"]] = [0.5, 0.45, 0.55]
    plain = unusual_summary(replace(result, summary=table)).splitlines()[0]
    assert "not a CI" not in plain and "78–80%" not in plain
    lines = unusual_lines(_lead_to_customer({"a": 0.08, "b": 0.09}), ["a", "b"], reasons={
        name: {"lead_to_win_rate": f"inbound leads, {share}% of the leads"} for name, share in (("a", 78), ("b", 80))
    })  # fmt: skip
    assert [line.spans for line in lines] == [("78–80%",)]


def test_a_count_s_range_in_the_heading_says_what_is_counted() -> None:
    """org_structures with 5 CSMs read "a range ... such as 166–169, spans their own numbers": 166–169 of what?"""
    from simulator.analysis.unusual_groups import UnusualLine
    from simulator.report.unusual_section import first_span

    load = "the CSM team carries 166–169 accounts per rep against the survey's ~104"
    lines = [UnusualLine("", f"NRR 83.4% in a and 83.6% in b; published 100–110% (16.6 points below; {load})")]
    assert first_span([replace(lines[0], spans=("166–169",))]) == "166–169 accounts"
    under = UnusualLine("", "x in a and b; published 1–4% (1.0 points above)", ("a", "b"), (("a and b", load),))
    assert first_span([replace(under, spans=("166–169",))]) == "166–169 accounts"  # a sub-line's reason
    assert first_span([replace(lines[0], spans=("78–80%",))]) == "78–80%"  # a unit of its own
    assert first_span([replace(lines[0], spans=("1,166–1,169",))]) == "1,166–1,169"  # not in the words: alone
    assert first_span([replace(lines[0], sentence="b has 2–4 and c", spans=("2–4",))]) == "2–4"  # no noun after it
    assert first_span(lines) == ""


def test_a_reason_s_numbers_are_masked_to_compare_it_and_merged_to_say_it_once() -> None:
    from simulator.analysis.reason_numbers import merged_reason, reason_key, span_words

    one = "95 accounts per rep, busy 78% of its selling time, at $47.0k of ARR an account, -$144.1k, 1,639 leads"
    other = "96 accounts per rep, busy 78% of its selling time, at $47.2k of ARR an account, $81.5k, 1,435 leads"
    assert reason_key(one) == reason_key(other)
    assert merged_reason([one, other]) == (
        "95–96 accounts per rep, busy 78% of its selling time, at $47.0k–$47.2k of ARR an account, -$144.1k to "
        "$81.5k, 1,435–1,639 leads"
    )
    # digits in a name are part of it, not a number: sdr_2 and sdr_3 are other teams
    assert reason_key("the sdr_2 team, Q1") != reason_key("the sdr_3 team, Q1")
    assert reason_key("1 rep") != reason_key("2 reps")
    assert span_words(["$950.0k", "$1.20M"]) == "$950.0k–$1.20M" and span_words(["3.0×", "4.5×"]) == "3.0–4.5×"
    with pytest.raises(ValueError, match="not the same reason"):
        merged_reason(["busy 78%, above", "busy 79%, below"])


def test_a_scenario_inside_every_range_says_so() -> None:
    inside = {
        "win_rate": 0.25,
        "net_revenue_retention": 1.02,
        "quota_attainment_p50": 0.5,
        "reps_at_quota_share": 0.25,
    }
    assert [(line.who, line.sentence) for line in unusual_lines(summary(inside), ["today"])] == [
        ("today", "every benchmarked figure lies inside its published range")
    ]
    assert unusual_lines(summary({"leads_total": 10.0}), ["today"]) == []  # nothing benchmarked, nothing said
    assert unusual_section(summary({"leads_total": 10.0}), ["today"]) == []


def test_missing_or_undefined_figures_are_left_out() -> None:
    means = {"win_rate": math.nan, "cost_of_sales": 1.0, "cost_marketing": 1.0, "bookings": 0.0}
    assert benchmark_checks(summary(means), "today") == []


def test_report_and_terminal_carry_the_section(tmp_path: Path) -> None:
    result = make_result(runs=20, effect=0.05)
    text = write_report(result, tmp_path, []).read_text()
    assert text.index("## What looks unusual") < text.index("## What it means")
    terminal = unusual_summary(result)
    assert terminal.startswith("What looks unusual") and "generalist:" in terminal


def test_retention_over_a_window_other_than_a_year_is_compared_as_a_year() -> None:
    # Two years keeping 81% of ARR is 90% a year: inside 90-93%, though 81% is far below it.
    means = {"gross_revenue_retention": 0.81, "net_revenue_retention": 1.21, "win_rate": 0.25}
    checks = {c.benchmark.kpi: c for c in benchmark_checks(summary(means), "today", window_years=2.0)}
    grr, nrr = checks["gross_revenue_retention"], checks["net_revenue_retention"]
    assert grr.value == pytest.approx(0.9) and grr.side == 0 and grr.window_value == 0.81
    assert (grr.ci_low, grr.ci_high) == pytest.approx((0.729**0.5, 0.891**0.5))  # the CI converted with it
    assert nrr.value == pytest.approx(1.1) and nrr.side == 0
    assert checks["win_rate"].value == 0.25 and checks["win_rate"].window_years == 1.0  # not a yearly ratio
    # over one year nothing is converted; over half a year 95% is 90.25% a year
    one_year = {c.benchmark.kpi: c for c in benchmark_checks(summary(means), "today")}
    assert one_year["gross_revenue_retention"].value == 0.81 and one_year["gross_revenue_retention"].side < 0
    half = {c.benchmark.kpi: c for c in benchmark_checks(summary({"gross_revenue_retention": 0.95}), "today", 0.5)}
    assert half["gross_revenue_retention"].value == pytest.approx(0.9025)
    below = summary({"gross_revenue_retention": 0.64})  # 80% a year over two: 10 points below 90%
    lines = [(line.who, line.sentence) for line in unusual_lines(below, ["today"], {"today": 2.0})]
    assert lines == [
        (
            "today",
            "gross revenue retention 80.0% a year (64.0% over the run's 24-month window); published 90–93% "
            "(10.0 points below)",
        )
    ]
    row = next(line for line in unusual_section(below, ["today"], {"today": 2.0}) if "Gross revenue" in line)
    assert "80.0% (75.9% to 83.9%) a year (64.0% over the 24-month window), below" in row  # sqrt(57.6%), sqrt(70.4%)
    assert [window_length(y) for y in (0.02, 0.5, 2.0, 4.0)] == ["0.24-month", "6-month", "24-month", "4.0-year"]
    with pytest.raises(ValueError, match="window_years"):
        benchmark_checks(below, "today", 0.0)


def test_a_window_of_part_months_is_named_with_its_decimal() -> None:
    """A dated calendar's 250 working days are 11.5 of its months: its retention had read "over the 12-month window"."""
    window = 250 / 260.5  # a warm-up ending 2027-12-20: the figures use 11.52 months, the words rounded to 12
    assert window_length(window) == "11.5-month"
    row = next(
        line
        for line in unusual_section(summary({"net_revenue_retention": 1.029}), ["today"], {"today": window})
        if "Net revenue" in line
    )
    assert "over the 11.5-month window)" in row and "12-month" not in row
    (line,) = unusual_lines(summary({"gross_revenue_retention": 0.8}), ["today"], {"today": window})
    assert "over the run's 11.5-month window" in line.sentence
    # a whole number of months, or within 0.05 of one (as "over 6 months" reads), keeps no decimal
    assert [window_length(y) for y in (1.0, 0.999, 0.25, 1.5)] == ["12-month", "12-month", "3-month", "18-month"]


def test_utilisation_from_assumed_effort_is_said_as_such_not_flagged() -> None:
    """A calibrated company's utilisation follows from the effort per deal calibrate assumed: no finding.

    Found by a fresh-user check: crm-maven calibrated, its teams busy 17-24% were listed as
    46-53 points below the published 70-85%, though the export records no hours per deal.
    """
    from simulator.analysis.assumed import assumed_effort_words
    from simulator.analysis.conclusions import bottleneck_sentence
    from simulator.analysis.utilisation import team_loads

    table = summary(MEANS)
    why = assumed_effort_words("sales_pipeline.csv")
    lines = [line.sentence for line in unusual_lines(table, ["today"], assumed={"today": why})]
    assert not any("busy" in line and "below" in line for line in lines)
    said = [line for line in lines if "follows from the effort per deal salesim calibrate assumed" in line]
    assert len(said) == 1 and "`pipeline.stages.<i>.effort_hours`" in said[0] and "selling_fraction" in said[0]
    assert "the CSM team busy 60.0%" in said[0]
    assert any("20–28%" in line for line in lines)  # the figures calibration did not assume are still judged
    section = "\n".join(unusual_section(table, ["today"], assumed={"today": why}))
    assert "from assumed effort" in section and "60.0% (54.0% to 66.0%), below" not in section
    # a run whose effort was not assumed by calibration: flagged as before
    flagged = [line.sentence for line in unusual_lines(table, ["today"])]
    assert any("the CSM team busy 60.0% of its selling time; published 70–85%" in line for line in flagged)
    result = make_result(runs=20)
    loads = team_loads(result.replications, result.experiment.baseline)
    if loads:
        assert "planning range" not in (bottleneck_sentence(loads, "today", why) or "")


def test_untouched_leads_from_assumed_effort_are_said_as_such_not_flagged() -> None:
    """A calibrated company's untouched leads follow from the assumed effort per deal, as its utilisation does.

    Found by a fresh-user check: crm-maven calibrated, the terminal said "Time to first touch
    and leads lost untouched are left out: sales_pipeline.csv records no first touch", then
    "What looks unusual" listed "0.0% of new leads never touched ...; published 30.0% or more
    (30.0 points below ...)" as a finding.
    """
    from simulator.analysis.assumed import assumed_effort_words

    table = summary({**MEANS, "untouched_lead_share": 0.0})
    why = assumed_effort_words("sales_pipeline.csv")
    lines = [line.sentence for line in unusual_lines(table, ["today"], assumed={"today": why})]
    assert not any("published 30.0% or more" in line for line in lines), lines
    said = [line for line in lines if "follows from the effort per deal salesim calibrate assumed" in line]
    assert len(said) == 1 and "0.0% of new leads never touched" in said[0]
    # a run whose effort was not assumed by calibration: flagged as before
    flagged = [line.sentence for line in unusual_lines(table, ["today"])]
    assert any("never touched" in line and "published 30.0% or more" in line for line in flagged)


def test_a_team_with_no_selling_duties_is_not_judged_on_selling_time() -> None:
    """F-h: partner managers busy 74.6% on partner work read "Utilisation of selling time 74.6%, inside 70–85%"
    beside How busy's "0.0% queued work, then 75% prospecting or partner work"."""
    partner_work = {
        "utilisation_partner_manager": 0.746,
        "utilisation_partner_manager_sales": 0.0,
        "utilisation_partner_manager_partner": 0.746,
        "utilisation_ae": 0.90,
    }
    teams = {c.team for c in benchmark_checks(summary(partner_work), "today")}
    assert teams == {"ae"}
    section = "\n".join(unusual_section(summary(partner_work), ["today"]))
    assert "partner manager" not in section
    # a team that works deals or prospects as well keeps its check
    selling = {**partner_work, "utilisation_partner_manager_sales": 0.3, "utilisation_partner_manager_partner": 0.446}
    assert {c.team for c in benchmark_checks(summary(selling), "today")} == {"ae", "partner_manager"}


def test_expansion_share_and_arr_per_account_owner_are_checked_against_their_published_figures() -> None:
    """F-g: expansion at 58.6% of new ARR and ~$4.2M of ARR per CSM went unflagged (BENCHMARKS.md: ~40%,
    over 50% above $50M ARR; ~$1.7M per CSM)."""
    book = {
        "customer_arr": 46_000_000.0,  # under $50M: expansion over 50% of new ARR is unusual
        "expansion_share_of_new_arr": 0.586,
        "customer_arr_per_rep_csm": 4_200_000.0,
    }
    checks = {(c.benchmark.kpi, c.team): c for c in benchmark_checks(summary(book), "today")}
    share = checks[("expansion share of new ARR (book under $50M)", "")]
    per_csm = checks[("customer_arr_per_rep_", "csm")]
    assert share.side == 1 and per_csm.side == 1 and per_csm.clear  # CI $3.78M-$4.62M wholly above $3.40M
    # neither range is published as such: each says what it is drawn from (a fresh user read "published $850k")
    assert unusual_sentence(share) == (
        "expansion 58.6% of new ARR (expansion plus new-customer bookings); drawn from the published ~40% (over 50% "
        "only above $50M of ARR; salesim flags under half of it): 20–50% (8.6 points above; a customer book of "
        "$46.00M, under $50M)"
    )  # the book chose the range: a scenario at $50.3M is held to 50% or more, and said so
    larger = {**book, "customer_arr": 50_300_000.0, "expansion_share_of_new_arr": 0.561}
    (check,) = [c for c in benchmark_checks(summary(larger), "today") if c.benchmark.kpi.startswith("expansion")]
    assert check.side == 0 and check.basis == "a customer book of $50.30M, at or above $50M"
    cells = [line for line in unusual_section(summary(larger), ["today"]) if line.startswith("| Expansion")]
    assert cells and "56.1% (50.5% to 61.7%), inside (a customer book of $50.30M, at or above $50M)" in cells[0]
    assert unusual_sentence(per_csm) == (
        "the CSM team carrying $4.20M of customer ARR per rep; salesim's band around the published ~$1.7M: "
        "$0.85M–$3.40M ($800.0k above)"
    )
    rows = [line for line in unusual_section(summary(book), ["today"]) if line.startswith("| ")]
    assert any(
        r.startswith("| Customer ARR per rep owning accounts, CSM team | $0.85M–$3.40M (salesim's, from a published")
        for r in rows
    )
    assert any("Benchmarkit 2025" in r for r in rows) and any("ClientSuccess" in r for r in rows)
    # a book of $50M or more: over 50% is typical there, and the all-company ~40% still usual; less is unusual
    large = {(c.benchmark.kpi, c.team): c for c in benchmark_checks(summary({**book, "customer_arr": 6e7}), "today")}
    assert ("expansion share of new ARR (book under $50M)", "") not in large
    assert large[("expansion share of new ARR (book of $50M or more)", "")].side == 0
    # a fresh user's run: a $51.54M book's 45.6% had read "published 50.0% or more (4.4 points below)"
    for share, side in ((0.456, 0), (0.30, -1)):
        at = {**book, "customer_arr": 51_540_000.0, "expansion_share_of_new_arr": share}
        (check,) = [c for c in benchmark_checks(summary(at), "today") if c.benchmark.kpi.startswith("expansion")]
        assert check.side == side, (share, check)
    assert unusual_sentence(check).startswith(
        "expansion 30.0% of new ARR (expansion plus new-customer bookings); drawn from the published ~40% (over 50% "
        "above $50M of ARR): 40.0% or more (10.0 points below"
    ), unusual_sentence(check)
    # a smaller book's share far under the published ~40% (a saturated account team's 0.0%) had read as inside
    for share, side in ((0.0, -1), (0.19, -1), (0.21, 0)):
        at = {**book, "expansion_share_of_new_arr": share}
        (check,) = [c for c in benchmark_checks(summary(at), "today") if c.benchmark.kpi.startswith("expansion")]
        assert check.side == side, (share, check)
    # inside: a CSM carrying $1.7M, expansion at 40% of new ARR
    usual = {**book, "expansion_share_of_new_arr": 0.40, "customer_arr_per_rep_csm": 1_700_000.0}
    assert [(line.who, line.sentence) for line in unusual_lines(summary(usual), ["today"])] == [
        ("today", "every benchmarked figure lies inside its published range")
    ]


def test_median_attainment_is_judged_on_every_runs_reps_pooled() -> None:
    """The default report read "median quota attainment 55.3%, above 43-54%": the mean of each run's median
    over ~10 ramped reps, which reads high for a right-skewed attainment; the reps of all runs together had 50.3%
    (a fresh user's check). The range is judged on the pooled reps, as a survey's median is of its reps."""
    import numpy as np

    from simulator.analysis.kpi_names import POOLED_ATTAINMENT
    from simulator.analysis.planning import pooled_attainment_rows
    from simulator.run.table_source import FrameTable

    result = make_result(runs=40, effect=0.05)
    generator = np.random.default_rng(7)
    rows = []
    for scenario in ("generalist", "specialist"):
        for run in range(40):
            attainment = generator.lognormal(np.log(0.5), 0.6, 10)  # right-skewed, population median 50%
            rows += [{"scenario": scenario, "replication": run, "quota_attainment": a} for a in attainment]
            rows.append({"scenario": scenario, "replication": run, "quota_attainment": np.nan})  # a CSM
    reps = pd.DataFrame(rows)
    result.table_sources = {"reps": FrameTable(reps)}
    pooled = pooled_attainment_rows(result).set_index("scenario")
    for scenario, frame in reps.groupby("scenario"):
        values = frame["quota_attainment"].dropna()
        per_run = frame.groupby("replication")["quota_attainment"].median().mean()
        row = pooled.loc[scenario]
        assert row["kpi"] == POOLED_ATTAINMENT and row["n"] == 40
        assert row["mean"] == pytest.approx(values.median())
        assert row["ci_low"] < row["mean"] < row["ci_high"] and row["ci_high"] - row["ci_low"] < 0.1
        assert per_run > values.median()  # the run medians read high
    means = {**MEANS, "quota_attainment_p50": 0.60}  # what the runs' medians say: above the range
    table = pd.concat([summary(means, "generalist"), pooled_attainment_rows(result)], ignore_index=True)
    (check,) = [c for c in benchmark_checks(table, "generalist") if c.benchmark.kpi == "quota_attainment_p50"]
    assert check.value == pytest.approx(pooled.loc["generalist", "mean"]) and check.side == 0
    assert "median quota attainment" not in unusual_summary(result).lower()


def test_the_pooled_attainment_of_two_runs_is_not_read_as_clear_of_its_range() -> None:
    """Two runs' reps, all well below 43-54%, read "13.4 points below" as certain: a percentile bootstrap of 2 runs."""
    import numpy as np

    from simulator.analysis.planning import pooled_attainment_rows
    from simulator.run.table_source import FrameTable

    spread = np.random.default_rng(5).lognormal(0.0, 0.3, 11)
    spread /= np.median(spread)  # each run's reps' median is its level exactly
    rows = []
    for run, level in enumerate((0.28, 0.31)):
        attainment = level * spread
        rows += [{"scenario": "generalist", "replication": run, "quota_attainment": a} for a in attainment]
    result = make_result(runs=2)
    result.table_sources = {"reps": FrameTable(pd.DataFrame(rows))}
    row = pooled_attainment_rows(result).set_index("scenario").loc["generalist"]
    medians = [np.median([r["quota_attainment"] for r in rows if r["replication"] == k]) for k in (0, 1)]
    assert max(medians) < 0.43 and row["ci_high"] > 0.43  # the percentile interval stayed within the two runs
    assert row["ci_low"] >= 0.0
    table = pd.concat([summary(MEANS, "generalist"), pooled_attainment_rows(result)], ignore_index=True)
    (check,) = [c for c in benchmark_checks(table, "generalist") if c.benchmark.kpi == "quota_attainment_p50"]
    assert check.side == -1 and check.runs == 2 and not check.clear


def test_the_funnel_rates_are_checked_against_the_published_mql_and_sql_conversions() -> None:
    """The specialists' SDR desk qualified 41% of inbound leads (published 13–22%) and nothing said so."""
    checks = {c.benchmark.kpi: c for c in benchmark_checks(summary({"mql_to_sql_rate": 0.41}), "today")}
    assert checks["mql_to_sql_rate"].side == 1
    assert unusual_sentence(checks["mql_to_sql_rate"]) == (
        "MQL to SQL conversion 41.0%; published 13–22% (19.0 points above)"
    )
    inside = benchmark_checks(summary({"mql_to_sql_rate": 0.146, "sql_to_opportunity_rate": 0.388}), "today")
    assert [c.side for c in inside] == [0, 0]


def test_the_funnel_rates_are_the_first_two_stages_of_a_lead_sql_opportunity_funnel() -> None:
    import simulator
    from simulator.engines import fast
    from simulator.model.metrics import kpi_row

    spec = simulator.load_experiment(overrides=["clock.horizon_days=120", "clock.warmup_days=20", "runs=2"])
    row = kpi_row(fast.simulate(spec.scenarios[0].compile(), 3, 0))
    assert row["mql_to_sql_rate"] == row["stage_conversion_awareness"]
    assert row["sql_to_opportunity_rate"] == row["stage_conversion_need_specified"]
    one_stage = simulator.load_experiment(
        overrides=[
            "clock.horizon_days=120",
            "clock.warmup_days=20",
            "runs=2",
            "pipeline.opportunity_stage=need_specified",
        ]
    )
    row = kpi_row(fast.simulate(one_stage.scenarios[0].compile(), 3, 0))
    assert math.isnan(row["mql_to_sql_rate"]) and math.isnan(row["sql_to_opportunity_rate"])


def test_the_pooled_attainment_resamples_draws_and_weighs_them_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs on one of a calibrated company's refits share its parameters: its reps are not independent."""
    import numpy as np

    from simulator.analysis.planning import pooled_attainment_rows
    from simulator.run.experiment import Experiment
    from simulator.run.table_source import FrameTable

    generator = np.random.default_rng(11)
    levels = np.where(np.arange(10) < 5, np.log(0.7), np.log(0.4)) + generator.normal(0, 0.1, 10)
    rows = []
    for run in range(65):  # draws 0-4 (high) carry seven runs, draws 5-9 (low) six
        attainment = generator.lognormal(levels[run % 10], 0.6, 10)
        rows += [{"scenario": "generalist", "replication": run, "quota_attainment": a} for a in attainment]
    reps = pd.DataFrame(rows)
    found = {}
    for draws in (0, 10):
        monkeypatch.setattr(Experiment, "parameter_draw_count", property(lambda self, n=draws: n))
        result = make_result(runs=65, effect=0.05)
        result.table_sources = {"reps": FrameTable(reps)}
        found[draws] = pooled_attainment_rows(result).set_index("scenario").loc["generalist"]
    values = reps["quota_attainment"].to_numpy()
    assert found[0]["mean"] == pytest.approx(np.median(values))  # no draws: the reps' own median
    weights = 1.0 / np.where(reps["replication"] % 10 < 5, 7, 6)  # each draw alike: its reps by 1 / its runs
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    assert found[10]["mean"] == pytest.approx(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    assert found[10]["mean"] < found[0]["mean"]  # the high draws' extra runs no longer pull it up
    width = {d: found[d]["ci_high"] - found[d]["ci_low"] for d in found}
    assert width[10] > 1.5 * width[0], width  # 10 draws, not 65 runs, are the independent units


def test_a_desk_answering_within_the_hour_is_named_beside_its_high_qualification_rate(tmp_path: Path) -> None:
    """An SDR desk qualified 41% of its leads, flagged against 13–22% with no word on why: it answers in minutes."""
    import simulator
    from simulator.analysis.fast_answers import fast_answer_words
    from simulator.run.settings import RunnerSettings

    fast = summary({"mql_to_sql_rate": 0.41, "first_touch_hours_mean_sdr": 0.34})
    words = fast_answer_words(fast, "today", ["sdr"])
    assert words.startswith(
        "the SDR team first touches its leads 0.3 hours of working days after they arrive on average"
    )
    assert "firms answering in 42 hours on average, about 29 hours of working days as salesim counts them (HBR" in words
    (check,) = [c for c in benchmark_checks(fast, "today", reasons={"mql_to_sql_rate": words}) if c.side]
    assert unusual_sentence(check) == f"MQL to SQL conversion 41.0%; published 13–22% (19.0 points above; {words})"
    minutes = fast_answer_words(
        summary({"mql_to_sql_rate": 0.44, "first_touch_hours_mean_sdr": 0.04}), "today", ["sdr"]
    )
    assert minutes.startswith("the SDR team first touches its leads 2 minutes after they arrive")  # not "0.0 hours"
    sooner = fast_answer_words(summary({"mql_to_sql_rate": 0.33, "first_touch_hours_mean_sdr": 4.1}), "today", ["sdr"])
    assert sooner.startswith(
        "the SDR team first touches its leads 4.1 hours of working days after they arrive on average, and "
    )
    # sdr_headcount's 3 SDRs had no reason
    assert "on average, and leads answered this soon qualify far more often" in sooner
    # not far sooner than 42 clock hours, 29 of working days: not hidden behind speed (10.5 had been the cut)
    slow = summary({"mql_to_sql_rate": 0.41, "first_touch_hours_mean_sdr": 7.5})
    assert fast_answer_words(slow, "today", ["sdr"]) == ""
    assert fast_answer_words(summary({"mql_to_sql_rate": 0.41}), "today", ["sdr"]) == ""
    # segment pods share the first stage: each is named with its figure, and one slow pod voids the reason
    pods = {
        "mql_to_sql_rate": 0.41,
        "first_touch_hours_mean_smb_pod": 0.5,
        "first_touch_hours_mean_enterprise_pod": 2.0,
    }
    both = fast_answer_words(summary(pods), "today", ["smb_pod", "enterprise_pod"])
    assert both.startswith(
        "the SMB pod and enterprise pod teams first touch their leads 0.5 and 2.0 hours of working days after they "
        "arrive on average, and leads answered this soon qualify"
    ), both
    one_slow = {**pods, "first_touch_hours_mean_enterprise_pod": 9.0}
    assert fast_answer_words(summary(one_slow), "today", ["smb_pod", "enterprise_pod"]) == ""
    # the shipped specialists' pooled desk, end to end (a short window: the desk answers in minutes from the start)
    experiment = simulator.load_experiment(overrides=["runs=3", "clock.horizon_days=140", "clock.warmup_days=40"])
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    text = unusual_summary(result)
    assert "the SDR team first touches its leads" in said_of(text, "specialist", "MQL to SQL"), text
    assert "first touches its leads" not in said_of(text, "generalist", "MQL to SQL")


def test_the_published_answer_time_is_put_in_the_run_calendars_own_working_hours(tmp_path: Path) -> None:
    """A dated calendar (261 working days a year) had still read HBR's 42 clock hours as "about 29 hours of working
    days", the default calendar's 42 x 250/365, beside a cycle range the same report converts at 261/365: 30 there."""
    from simulator.analysis.fast_answers import fast_answer_words, published_answer_working_hours
    from simulator.run.settings import RunnerSettings

    assert round(published_answer_working_hours(), 1) == 28.8  # 42 x 250/365
    assert round(published_answer_working_hours(261.0), 1) == 30.0  # 42 x 261/365
    fast = summary({"mql_to_sql_rate": 0.41, "first_touch_hours_mean_sdr": 0.34})
    assert "42 hours on average, about 29 hours of working days" in fast_answer_words(fast, "today", ["sdr"])
    dated = fast_answer_words(fast, "today", ["sdr"], 261.0)
    assert "42 hours on average, about 30 hours of working days as salesim counts them" in dated, dated
    # a dated calendar, end to end: the specialists' desk answers in minutes, its rate read against 42 x 261/365
    experiment = simulator.load_experiment(
        overrides=["runs=2", "clock.horizon_days=140", "clock.warmup_days=40", "clock.start_date=2025-01-06"]
    )
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    said = said_of(unusual_summary(result), "specialist", "MQL to SQL")
    assert "about 30 hours of working days as salesim counts them" in said, said


def test_a_team_busier_than_85_percent_is_named_with_the_queue_it_leaves(tmp_path: Path) -> None:
    """The specialist AE team read busy 90.8% against 70–85% with no word: 181 leads a year leaked waiting for it."""
    import simulator
    from simulator.analysis.busy_reasons import busy_reasons, queue_words
    from simulator.analysis.published_ranges import TEAM_UTILISATION, team_key
    from simulator.analysis.tables import summary_of
    from simulator.run.settings import RunnerSettings

    busy = {
        "utilisation_ae": 0.908,
        "stage_wait_days_need_specified": 6.2,
        "stage_leaked_need_specified": 180.6,
        "stage_entries_need_specified": 1352.4,
        "stage_wait_days_evaluation": 1.4,
        "stage_leaked_evaluation": 0.07,
    }
    words = queue_words(summary(busy), "today", "ae", ["need_specified", "evaluation", "close"])
    assert words == (
        "above 85% queues grow: the leads it takes up wait 6.2 working days for the AE team at the 'need specified' "
        "stage, and "
        "181 (13% of those reaching it) leak there before it takes them up in a run's 12-month window: the scenario "
        "gives the team more work than its reps can take, a finding about its headcount"
    )
    reasons = {team_key(TEAM_UTILISATION, "ae"): words}
    (check,) = [c for c in benchmark_checks(summary(busy), "today", reasons=reasons) if c.side]
    assert check.team == "ae" and unusual_sentence(check).endswith(f"; {words})")
    assert not benchmark_checks(summary(busy), "today", reasons={TEAM_UTILISATION: words})[0].reads_high
    # no queue to show (no leak, under a working day's wait): another cause, not hidden
    calm = {
        **busy,
        "stage_wait_days_need_specified": 0.6,
        "stage_leaked_need_specified": 0.0,
        "stage_wait_days_evaluation": 0.9,
    }
    assert queue_words(summary(calm), "today", "ae", ["need_specified", "evaluation"]) == ""
    assert queue_words(summary(busy), "today", "ae", ["close"]) == ""  # no figure of its stages
    # a long wait with no leak is still a queue; the run's window is named
    slow = {**calm, "stage_wait_days_evaluation": 2.5}
    assert "the leads it takes up wait 2.5 working days for the AE team at the 'evaluation' stage:" in queue_words(
        summary(slow), "today", "ae", ["need_specified", "evaluation"], window_years=0.5
    )
    # pods sharing the stage: its wait and leaks are the stage's, over both teams, not each team's own (org_structures'
    # core and platform AE lines each read "189–201 ... leak there before it takes them up": a reader added them up)
    pods = queue_words(
        summary(busy), "today", "core", ["need_specified"], sharing={"need_specified": ["core", "platform"]}
    )
    assert "the stage's leads wait" in pods and "the leads it takes up" not in pods, pods
    assert "leak there before one of those teams takes them up (a count over the teams together)" in pods, pods
    # the default experiment, end to end: the AE team works need specified and its queue is named
    experiment = simulator.load_experiment(overrides=["runs=3", "clock.horizon_days=140", "clock.warmup_days=40"])
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    found = busy_reasons(result, summary_of(result))
    ae = found["specialist"][team_key(TEAM_UTILISATION, "ae")]
    assert "for the AE team at the 'need specified' stage" in ae, ae
    assert "in a run's 4.8-month window" in ae, ae  # 100 of 250 days
    specialist = said_of(unusual_summary(result), "specialist", "the AE team busy")
    assert ae in specialist, specialist


def test_a_funnel_rate_below_its_range_is_said_with_the_leads_that_leak_at_its_stage() -> None:
    """sdr_headcount's 6 SDRs read "SQL to opportunity 26.5%, 3.5 points below" with no word: 381 leads a run
    (23%) leaked at need specified waiting for the AEs, and the rate counts them as not converted."""
    from simulator.analysis.busy_reasons import funnel_leak_reasons
    from simulator.analysis.published_ranges import below_key

    leaks = {"sql_to_opportunity_rate": 0.265, "stage_leaked_need_specified": 381.0}
    leaks |= {"stage_entries_need_specified": 1639.0, "stage_leaked_awareness": 0.0, "stage_entries_awareness": 4000.0}
    sharing = {"awareness": ["sdr"], "need_specified": ["ae"]}
    found = funnel_leak_reasons(summary(leaks), "today", ["awareness", "need_specified"], sharing)
    words = (
        "381 of the 1,639 leads reaching the 'need specified' stage (23%) leak there before the AE team takes them up, "
        "and the "
        "rate counts them as not converted"
    )
    assert found == {below_key("sql_to_opportunity_rate"): words}
    (check,) = [c for c in benchmark_checks(summary(leaks), "today", reasons=found) if c.side]
    assert unusual_sentence(check).endswith(f"; {words})")
    # a stage that leaks under 2% of its leads is not the rate's cause
    few = {**leaks, "stage_leaked_need_specified": 20.0}
    assert funnel_leak_reasons(summary(few), "today", ["awareness", "need_specified"], sharing) == {}


def test_pods_sharing_a_stage_each_get_its_queue() -> None:
    """org_structures' platform AE pod read busy 93.3% with no reason beside the core pod's: the stage went to one."""
    from simulator.analysis.busy_reasons import working_teams

    experiment = simulator.load_experiment("org_structures")
    pods = next(s for s in experiment.scenarios if s.name == "pods_by_product").config.org
    assert working_teams(pods, "need_specified", "ae") == ["core_ae", "platform_ae"]
    specialists = next(s for s in experiment.scenarios if s.name == "specialists").config.org
    assert working_teams(specialists, "need_specified", "ae") == ["ae"]
    assert working_teams(specialists, "awareness", "sdr") == ["sdr"]


def test_a_csm_team_far_from_the_surveys_load_is_named_beside_the_figures_it_moves(tmp_path: Path) -> None:
    """csm_coverage: 7 CSMs read busy 100%, NRR 90.5%, GRR 88.2% and $5.44M a rep with no reason; 15 read 57%."""
    from simulator.analysis.load_reasons import accounts_per_rep, load_words
    from simulator.analysis.published_ranges import QUEUED_UTILISATION, TEAM_UTILISATION, below_key, team_key
    from simulator.run.settings import RunnerSettings

    heavy = {
        "customer_arr": 47.0e6,
        "customers_active": 1000.0,
        "customer_arr_per_rep_csm": 47.0e6 / 7,
        "utilisation_csm": 1.0,
        "net_revenue_retention": 0.902,
        "gross_revenue_retention": 0.878,
    }
    load = accounts_per_rep(summary(heavy), "today", "csm")
    assert load == pytest.approx(1000 / 7)
    words, side = load_words(load, 1.0, "csm", load_logit=1.0, reference_load=104.0)
    assert side == 1 and words == (
        "the CSM team carries 143 accounts per rep against the survey's ~104, busy 100.0% of its selling time: a "
        "coverage finding of the scenario; churn rises with the load above 104 accounts "
        "(pipelines.retention.renewal.load_logit = 1, a parameter, not a published figure)"
    )
    reasons = {team_key(k, "csm"): words for k in (TEAM_UTILISATION, QUEUED_UTILISATION, "customer_arr_per_rep_")}
    reasons |= {below_key(k): words for k in ("net_revenue_retention", "gross_revenue_retention")}
    outside = {c.benchmark.kpi: unusual_sentence(c) for c in benchmark_checks(summary(heavy), "today", reasons=reasons)}
    for kpi in ("net_revenue_retention", "gross_revenue_retention", "customer_arr_per_rep_", TEAM_UTILISATION):
        assert outside[kpi].endswith(f"; {words})"), outside[kpi]
    # a reason for a figure below its range is never said beside one above, nor the other way
    high_nrr = benchmark_checks(summary({**heavy, "net_revenue_retention": 1.2}), "today", reasons=reasons)
    assert words not in unusual_sentence(next(c for c in high_nrr if c.benchmark.kpi == "net_revenue_retention"))
    # no load effect: no word on churn; a light load has time to spare; a typical load gets no words
    assert "churn" not in load_words(load, 1.0, "csm", load_logit=0.0, reference_load=104.0)[0]
    light, side = load_words(68.0, 0.571, "csm", load_logit=1.0, reference_load=104.0)
    assert side == -1
    assert "68 accounts per rep against the survey's ~104, busy 57.1% of its selling time: a team" in light
    assert load_words(95.0, 0.78, "csm", load_logit=1.0, reference_load=104.0) == ("", 0)
    assert load_words(math.nan, 0.78, "csm", load_logit=1.0, reference_load=104.0) == ("", 0)
    # the shipped experiment, end to end (a short window)
    experiment = simulator.load_experiment("csm_coverage", ["runs=3", "clock.horizon_days=140", "clock.warmup_days=40"])
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    text = unusual_summary(result)
    seven = said_of(text, "csm_7", "net revenue retention")
    assert "the CSM team carries 145 accounts per rep against the survey's ~104" in seven, text
    # NRR falls mostly with the expansions a saturated team does not get to, beside the baseline's: said too
    assert "; so busy, it closes $" in seven and " of expansions against csm_11's $" in seven, seven
    assert seven.count("busy") == 2 and seven.count("100.0%") == 1, seven  # the busy share said once
    assert seven.index("of expansions") < seven.index("churn rises")  # the larger cause first
    assert "of expansions against csm_11's $1.70M: most of NRR's fall; churn rises" in seven, seven
    assert "of expansions" not in said_of(text, "csm_7", "gross revenue retention")  # GRR counts no expansion
    fifteen = said_of(text, "csm_15", "the CSM team busy")
    assert "a team this large for its book has time to spare" in fifteen, text


def test_a_calibrated_companys_fitted_funnel_is_said_to_be_its_own() -> None:
    """The calibrated crm-maven company's 64.4% win rate read "29.4 points above" 20-35% with no word: it is the
    export's own (63.2% of its closed deals won)."""
    import dataclasses

    from simulator.analysis.fitted_reasons import fitted_reasons, fitted_words
    from simulator.analysis.published_ranges import below_key

    result = make_result(runs=20)
    first = result.experiment.scenarios[0]
    pipeline = first.config.pipeline.model_copy(update={"fitted_from": "sales_pipeline.csv"})
    fitted = dataclasses.replace(first, config=first.config.model_copy(update={"pipeline": pipeline}))
    result = dataclasses.replace(
        result, experiment=dataclasses.replace(result.experiment, scenarios=(fitted, *result.experiment.scenarios[1:]))
    )
    reasons = fitted_reasons(result)
    assert set(reasons) == {first.name}  # the scenario not fitted gets none
    words = fitted_words("sales_pipeline.csv")
    assert words.startswith("the stage conversions and delays were fitted from sales_pipeline.csv (calibration.md)")
    for kpi, value, side in (("win_rate", 0.644, 1), ("win_rate", 0.10, -1), ("cycle_time_days_p50", 200.0, 1)):
        (check,) = [
            c
            for c in benchmark_checks(summary({kpi: value}), "today", reasons=reasons[first.name])
            if c.benchmark.kpi == kpi
        ]
        assert check.side == side and unusual_sentence(check).endswith(f"; {words})")
    assert below_key("win_rate") in reasons[first.name]


def test_a_figure_a_what_if_moves_out_of_its_range_is_said_to_be_the_scenarios_doing(tmp_path: Path) -> None:
    """sdr_headcount: 2 SDRs' AE team at 65% and 6 SDRs' cycle of 58.6 days were flagged with no reason, where
    the baseline's 4 SDRs read 90% and 55.5 days: the scenario's own headcount moved them."""
    import dataclasses

    from simulator.analysis.moved_reasons import moved_reasons
    from simulator.analysis.published_ranges import below_key
    from simulator.run.settings import RunnerSettings

    overrides = ["runs=3", "clock.horizon_days=140", "clock.warmup_days=40"]
    experiment = simulator.load_experiment("sdr_headcount", overrides)
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    rows = []
    for name, cycle, busy in (("sdr_4", 55.5, 0.902), ("sdr_2", 56.0, 0.65), ("sdr_6", 58.6, 0.959)):
        for kpi, value in (("cycle_time_days_p50", cycle), ("utilisation_ae", busy)):
            rows.append({"scenario": name, "kpi": kpi, "n": 40, "mean": value, "ci_low": value, "ci_high": value})
    summary_table = pd.DataFrame(rows)
    windows = dict.fromkeys(("sdr_4", "sdr_2", "sdr_6", "sdr_3"), 1.0)
    pairs = [("sdr_6", "cycle_time_days_p50", True), ("sdr_2", "utilisation_ae", True)]
    pairs += [("sdr_6", "utilisation_ae", True), ("sdr_2", "cycle_time_days_p50", False)]
    clear = pd.DataFrame([{"scenario": n, "baseline": "sdr_4", "kpi": k, "significant": c} for n, k, c in pairs])
    result = dataclasses.replace(result, comparison=clear)
    found = moved_reasons(result, summary_table, windows, {})
    assert found["sdr_6"]["cycle_time_days_p50"] == (
        "sdr_4 reads 55.5 working days, inside: this scenario's own change (org.teams.sdr.headcount=6) moves it"
    )
    assert found["sdr_2"][below_key("utilisation (team):ae")].startswith("sdr_4 reads 90.2%, above: this scenario")
    # the same side as the baseline (6 SDRs' AE team busier still): the baseline's cause, not the scenario's, said
    # as such (it had read no cause at all: ramp_and_coaching's fast_ramp_and_coaching, attainment 59.4% beside
    # today's 59.0%), with whether the scenario's change moves it
    assert found["sdr_6"]["utilisation (team):ae"] == (
        "sdr_4 reads 90.2%, above too: this scenario's change moves it further from the range"
    )
    # a change the runs do not show is not blamed on the scenario (plan_check's attainment at 6 runs reversed at 40)
    noisy = dataclasses.replace(result, comparison=clear.assign(significant=False))
    assert moved_reasons(noisy, summary_table, windows, {}) == {
        "sdr_6": {
            "utilisation (team):ae": "sdr_4 reads 90.2%, above too: this scenario's change does not clearly move it"
        }
    }
    # a figure another reason explains keeps its own
    kept = moved_reasons(result, summary_table, windows, {"sdr_6": {"cycle_time_days_p50": "its own"}})
    assert "cycle_time_days_p50" not in kept.get("sdr_6", {})


def test_a_steady_book_and_larger_accounts_are_named_beside_the_figures_they_push_above_range() -> None:
    """The default company's expansion share (59%) and ARR per CSM ($4.46M) were flagged without a cause."""
    from simulator.analysis.book_reasons import account_size_words, book_reasons, steady_book_words

    book = {
        "bookings": 3.67e6,
        "churned_arr": 3.78e6,
        "net_revenue_retention": 1.029,
        "expansion_share_of_new_arr": 0.594,
        "customer_arr": 49.0e6,
        "customers_active": 1040.0,
        "customer_arr_per_rep_csm": 49.0e6 / 11,
        "utilisation_csm": 0.78,
    }
    words = steady_book_words(summary(book), "today")
    assert words.startswith("new customers' $3.67M of bookings are no more than the $3.78M of churned ARR, and ")
    assert "with net revenue retention at 102.9% expansion more than replaces the churn, so it is at least" in words
    assert "growing" not in words  # the book's ARR grows with expansion: only its count of accounts holds
    size = account_size_words(summary(book), "today", "csm")
    assert size.startswith("95 accounts per rep, near the survey's ~104 per CSM, and busy 78.0% of its selling "), size
    assert "at $47.1k of ARR an account where the survey's ~$1.70M over ~104 accounts is ~$16.3k" in size
    checks = benchmark_checks(summary(book), "today", reasons=book_reasons(summary(book), "today"))
    outside = {c.benchmark.kpi: unusual_sentence(c) for c in checks if c.side > 0}
    assert words in outside[EXPANSION_SHARE_SMALLER_BOOK] and size in outside[ARR_PER_ACCOUNT_OWNER]
    # other causes are not hidden: new customers outpacing churn, a shrinking book, a load far from the
    # survey's (csm_coverage's 7 CSMs carry 137 accounts), a saturated team, small accounts
    assert steady_book_words(summary({**book, "bookings": 5.0e6}), "today") == ""
    assert steady_book_words(summary({**book, "net_revenue_retention": 0.97}), "today") == ""
    for csms in (7, 20):
        assert account_size_words(summary({**book, "customer_arr_per_rep_csm": 49.0e6 / csms}), "today", "csm") == ""
    assert account_size_words(summary({**book, "utilisation_csm": 0.95}), "today", "csm") == ""
    assert account_size_words(summary({k: v for k, v in book.items() if k != "utilisation_csm"}), "today", "csm") == ""
    small = {**book, "customer_arr": 15.0e6, "customer_arr_per_rep_csm": 15.0e6 / 11}
    assert account_size_words(summary(small), "today", "csm") == ""
    assert book_reasons(summary({"bookings": 1.0}), "today") == {}


def test_a_figure_from_a_single_run_is_never_stated_as_certain() -> None:
    """A win rate of 0 from the one run of 20 that decided a deal read "20.0 points below", with no doubt."""
    table = summary(MEANS).assign(n=20)
    one = table["kpi"] == "win_rate"
    table.loc[one, ["mean", "ci_low", "ci_high", "n"]] = [0.0, math.nan, math.nan, 1]
    check = next(c for c in benchmark_checks(table, "today") if c.benchmark.kpi == "win_rate")
    assert check.runs == 1 and not check.clear
    assert unusual_sentence(check).endswith("(20.0 points below; from a single run, with no CI: more runs would tell)")
    from simulator.report.unusual_section import _cell

    assert _cell(check) == "0.0% (a single run, no CI), below"  # the table's row says it too
    cost = next(c for c in benchmark_checks(table, "today") if c.benchmark.kpi == "reps_at_quota_share")
    assert cost.runs == 20 and cost.clear  # the other figures rest on the 20 runs


def test_a_cost_figure_on_default_pay_says_the_pay_is_salesims() -> None:
    """A calibrated company's cost per $1 read low with no word that its reps cost salesim's default pay."""
    from simulator.analysis.pay_reasons import default_paid_roles
    from simulator.config.economics import EconomicsConfig

    calibrated = EconomicsConfig.model_validate({"roles": {"agent": {"quota": 0.0}}})
    assert default_paid_roles(calibrated, ["agent", "agent"]) == {"agent": ["base_salary", "on_target_variable"]}
    half = EconomicsConfig.model_validate({"roles": {"agent": {"quota": 0.0, "base_salary": 60000.0}}})
    assert default_paid_roles(half, ["agent"]) == {"agent": ["on_target_variable"]}  # its variable pay is still ours
    pay = {"quota": 0.0, "base_salary": 60000.0, "on_target_variable": 20000.0}
    assert default_paid_roles(EconomicsConfig.model_validate({"roles": {"agent": pay}}), ["agent"]) == {}
    for spec in simulator.load_experiment("org_structures").scenarios:  # every shipped role's pay is set
        economics, roles = spec.config.economics, [team.role for team in spec.config.org.teams.values()]
        assert default_paid_roles(economics, roles) == {}


def test_a_cycle_in_working_days_is_judged_at_the_scenario_s_own_working_days_a_year() -> None:
    # 60-84 calendar days are 41.1-57.5 working days at 250 a year, 42.9-60.1 at 2027's 261 weekdays
    cycle = next(b for b in BENCHMARKS if b.kpi == "cycle_time_days_p50")
    dated = on_calendar(cycle, 261.0)
    assert (dated.low, dated.high) == pytest.approx((60 * 261 / 365, 84 * 261 / 365))
    assert "261/365" in dated.source and "43–60 working days" in dated.source and dated.source.startswith("median")
    assert on_calendar(cycle, 250.0) is cycle
    win = next(b for b in BENCHMARKS if b.kpi == "win_rate")
    assert on_calendar(win, 261.0) is win  # a share has no days to convert
    with pytest.raises(ValueError, match="days_per_year must be positive"):
        on_calendar(cycle, 0.0)
    means = {"cycle_time_days_p50": 59.0}
    [default] = benchmark_checks(summary(means), "today")
    [on_dated] = benchmark_checks(summary(means), "today", days_per_year=261.0)
    assert default.side == 1 and on_dated.side == 0  # 59 working days: above 57.5, inside 60.1


def test_the_report_reads_a_dated_calendar_s_cycle_range(tmp_path: Path) -> None:
    result = make_result(runs=20, effect=0.05)
    clock = ClockConfig.model_validate({"start_date": "2027-01-04", "horizon_days": 261})
    specs = tuple(
        replace(spec, config=spec.config.model_copy(update={"clock": clock})) for spec in result.experiment.scenarios
    )
    table = result.summary.copy()
    cycle = table["kpi"] == "cycle_time_days_p50"
    table.loc[cycle, ["mean", "ci_low", "ci_high"]] = [59.0, 58.5, 59.5]
    dated = replace(result, experiment=replace(result.experiment, scenarios=specs), summary=table)
    [row] = [line for line in report_unusual_section(dated) if line.startswith("| Median sales cycle")]
    # the calendar holds 2027 and 2028 (261 and 260 weekdays): 260.5 working days a year
    assert "42.8–60.0 working days" in row and "260.5/365" in row and "inside" in row
    [row] = [
        line for line in report_unusual_section(replace(result, summary=table)) if line.startswith("| Median sales")
    ]
    assert "41.1–57.5 working days" in row and "above" in row
    assert "median sales cycle 59.0" not in unusual_summary(dated).lower()
    assert "median sales cycle 59.0" in unusual_summary(replace(result, summary=table)).lower()


def test_lead_to_customer_is_held_to_the_published_one_to_five_percent() -> None:
    """plan_check's 13 reps won 5.26% of their leads (5.09-5.43%), above the published 1-5%, and nothing said so."""
    [check] = benchmark_checks(summary({"lead_to_win_rate": 0.0526}), "today")
    assert check.side == 1 and unusual_sentence(check).startswith(
        "lead to customer 5.3% of the leads that ended in the window; published 1–5% (0.3 points above"
    )
    [inside] = benchmark_checks(summary({"lead_to_win_rate": 0.049}), "today")
    assert inside.side == 0


def test_a_scenario_without_changes_of_its_own_is_not_said_to_have_made_one() -> None:
    """hiring_plan's no_hires sets nothing: its figures move by what the baseline's hires add, not by its own change."""
    import types

    from simulator.analysis.benchmarks import BenchmarkCheck
    from simulator.analysis.moved_reasons import _changes, moved_words

    experiment = simulator.load_experiment("hiring_plan", ["runs=2"])
    changes = _changes(types.SimpleNamespace(experiment=experiment))  # type: ignore[arg-type]
    keys, own = changes["no_hires"]
    assert not own and keys and all(key.startswith("workforce.teams.full_cycle") for key in keys), keys
    written, own = changes["all_in_january"]
    assert own and written == ["+workforce.teams.full_cycle.hires=[{month:1,count:4}]"]
    check = benchmark_checks(summary(MEANS), "today")[0]
    assert isinstance(check, BenchmarkCheck)
    words = moved_words("spread_evenly", check, keys, own=False)
    assert ": what sets it apart from spread_evenly (workforce.teams.full_cycle" in words and "own change" not in words


def test_new_customers_that_only_about_replace_the_churn_still_explain_the_expansion_share() -> None:
    """ramp_and_coaching's today: $3.968M of new bookings against $3.96M churned, NRR 102.5%, expansion $5.29M,
    a 57.4% share flagged "above" with no cause, where org_structures' $3.58M against $3.87M had one."""
    from simulator.analysis.book_reasons import book_reasons, steady_book_words

    book = {
        "bookings": 3.968e6,
        "churned_arr": 3.96e6,
        "expansion_bookings": 5.29e6,
        "net_revenue_retention": 1.025,
        "expansion_share_of_new_arr": 0.574,
        "customer_arr": 49.57e6,
    }
    words = steady_book_words(summary(book), "today")
    assert words.startswith("new customers' $3.97M of bookings about replace the $3.96M of churned ARR (0.2% more)")
    # expansion's bookings, said so: rep_attrition's "turnover_20: new customers' $4.06M of bookings ...: its $5.32M
    # of bookings outweigh new business" read as a second figure for the scenario's own bookings
    assert "more than replaces the churn: the $5.29M of expansion bookings outweigh new business" in words, words
    checks = benchmark_checks(summary(book), "today", reasons=book_reasons(summary(book), "today"))
    outside = {c.benchmark.kpi: unusual_sentence(c) for c in checks if c.side > 0}
    assert words in outside[EXPANSION_SHARE_SMALLER_BOOK]
    # new customers well past the churn, or expansion below them, are other causes: not hidden
    assert steady_book_words(summary({**book, "bookings": 5.0e6}), "today") == ""
    assert steady_book_words(summary({**book, "expansion_bookings": 3.9e6}), "today") == ""


def test_lead_to_customer_above_its_range_names_the_mix_of_sources_that_lifts_it() -> None:
    """ramp_and_coaching's today read "lead to customer 5.2% ...; published 1–5% (0.2 points above)", no cause:
    inbound leads, 83% of the leads, bring 56% of the bookings; booked meetings and referrals convert more."""
    from simulator.analysis.mix_reasons import source_mix_reasons, source_mix_words

    mix = {
        "lead_to_win_rate": 0.0518,
        "leads_total": 2171.0,
        "leads_inbound": 1802.0,
        "bookings": 3.968e6,
        "bookings_inbound": 2.205e6,
    }
    words = source_mix_words(summary(mix), "today")
    assert words == (
        "inbound leads, 83% of the leads, bring 56% of the bookings: with deals of like size they convert at about "
        "3.5%, inside the range, and the booked meetings and partner referrals, which arrive further along, at "
        "about 14%"
    ), words
    checks = benchmark_checks(summary(mix), "today", reasons=source_mix_reasons(summary(mix), "today"))
    above = [unusual_sentence(c) for c in checks if c.side > 0 and c.benchmark.kpi == "lead_to_win_rate"]
    assert len(above) == 1 and words in above[0], above
    # where inbound leads alone would still read above the range, the mix is not the cause: nothing is said
    assert source_mix_words(summary({**mix, "bookings_inbound": 3.5e6}), "today") == ""
    # nor inside the range
    assert source_mix_words(summary({**mix, "lead_to_win_rate": 0.045}), "today") == ""
    # the report's unusual section says it beside the figure
    result = make_result(runs=20)
    rows = summary(mix, scenario=result.experiment.baseline).assign(n=20)
    table = pd.concat([result.summary[~result.summary["kpi"].isin(list(mix))], rows], ignore_index=True)
    section = "\n".join(report_unusual_section(replace(result, summary=table)))
    assert "lead to customer 5.2%" in section and "inbound leads, 83% of the leads, bring 56%" in section, section


def test_a_saturated_csm_teams_expansions_are_set_beside_the_baselines_only_where_the_baseline_closes_more() -> None:
    """A saturated baseline closing as little had read "closes $0 of expansions against generalists's $0"."""
    from simulator.analysis.load_reasons import expansion_words

    def summary(**closed: float) -> pd.DataFrame:
        rows = [(name, "expansion_bookings", value) for name, value in closed.items()]
        return pd.DataFrame(rows, columns=["scenario", "kpi", "mean"])

    both_none = expansion_words(summary(generalists=0.0, specialists=0.0), "specialists", "generalists", 1.0)
    assert both_none == "; so busy, it closes no expansions", both_none
    lost = expansion_words(summary(generalists=5.38e6, csm_7=891_700.0), "csm_7", "generalists", 1.0)
    assert lost == "; so busy, it closes $891.7k of expansions against generalists' $5.38M", lost
    more = expansion_words(summary(csm_11=100_000.0, csm_7=891_700.0), "csm_7", "csm_11", 1.0)
    assert more == "; so busy, it closes $891.7k of expansions", more
    assert expansion_words(summary(csm_11=5e6, csm_7=1e5), "csm_7", "csm_11", 0.80) == ""  # not saturated


def test_a_queues_leaked_leads_are_written_with_thousands_separators_as_the_funnel_reason_writes_them() -> None:
    """One block had said "322–1,135 of the ... leads" and "322–1135 (35–70% of those reaching it)"."""
    from simulator.analysis.busy_reasons import queue_words

    rows = [("s", "stage_wait_days_need", 9.0), ("s", "stage_leaked_need", 1135.0), ("s", "stage_entries_need", 1630.0)]
    words = queue_words(pd.DataFrame(rows, columns=["scenario", "kpi", "mean"]), "s", "ae", ["need"])
    assert "and 1,135 (70% of those reaching it) leak there" in words, words


def test_a_large_books_expansion_share_below_its_range_is_put_down_to_a_saturated_csm_team(tmp_path: Path) -> None:
    """csm_coverage on 2,000 customers flagged csm_11's "expansion 0.0% of new ARR" with no word of why, where the
    line above it said its CSM team, busy all its time, closes no expansions."""
    from simulator.run.settings import RunnerSettings

    overrides = ["runs=6", "pipelines.retention.initial_customers=2000"]
    experiment = simulator.load_experiment("csm_coverage", overrides)
    result = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1), store_dir=tmp_path / "store")
    text = unusual_summary(result)
    share = said_of(text, "csm_11", "expansion")
    assert share.startswith("csm_11: expansion 0.0% of new ARR"), text
    assert "as said under net revenue retention; so busy, it closes no expansions; a customer book of $" in share, text
