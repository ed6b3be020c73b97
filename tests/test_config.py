"""Configs: parsing errors and semantic validation name the key, the value and what is allowed."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest

import simulator
from simulator.config.errors import ConfigError, ConfigIssue, merge_scenario_issues
from simulator.config.schema import parse_scenario
from simulator.config.validation import _SHAPES_WARNED, PipelineShapeWarning, validate_scenario
from tests.scenarios import shipped


def problems(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as info:
        validate_scenario(parse_scenario(data))
    return str(info.value)


@pytest.fixture
def base() -> dict[str, Any]:
    return copy.deepcopy(shipped("specialist"))


def test_shipped_configs_are_valid() -> None:
    for org in ("generalist", "specialist"):
        validate_scenario(parse_scenario(shipped(org)))


def test_probability_outside_unit_interval(base: dict[str, Any]) -> None:
    base["pipeline"]["stages"][2]["conversion"] = 1.5
    message = problems(base)
    assert "pipeline.stages.2.conversion = 1.5" in message
    assert "between 0 and 1" in message


def test_negative_headcount(base: dict[str, Any]) -> None:
    base["org"]["teams"]["ae"]["headcount"] = -3
    message = problems(base)
    assert "org.teams.ae.headcount = -3" in message and ">= 1" in message


def test_a_delay_that_can_go_negative_is_refused_with_its_lowest_value(base: dict[str, Any]) -> None:
    base["pipeline"]["stages"][1]["delay_days"] = {"dist": "pert", "low": -1, "mode": 2, "high": 6}
    message = problems(base)
    assert "pipeline.stages.1.delay_days" in message
    assert "cannot be negative (its lowest value is -1)" in message


def test_stage_routed_to_missing_team(base: dict[str, Any]) -> None:
    base["org"]["routing"]["awareness"] = "bdr"
    message = problems(base)
    assert "org.routing.awareness = 'bdr'" in message
    assert "sdr, ae" in message


def test_unknown_policy_and_priority(base: dict[str, Any]) -> None:
    base["org"]["teams"]["sdr"]["assignment"] = "random"
    base["org"]["teams"]["sdr"]["priority"] = "lifo"
    message = problems(base)
    assert "org.teams.sdr.assignment = 'random'" in message and "round_robin" in message
    assert "org.teams.sdr.priority = 'lifo'" in message and "closest_to_close" in message


def test_unknown_distribution_and_bad_p90(base: dict[str, Any]) -> None:
    base["market"]["deal_value"] = {"dist": "lognormal", "median": 25000, "p90": 9000}
    base["pipeline"]["stages"][0]["effort_hours"] = {"dist": "weibull", "shape": 2}
    message = problems(base)
    assert "market.deal_value.p90 = 9000" in message
    assert "pipeline.stages.0.effort_hours" in message and "weibull" in message


def test_an_enterprise_deal_value_whose_wide_tail_lifts_the_mean_over_10m_runs_where_a_unit_slip_is_refused(
    base: dict[str, Any],
) -> None:
    """median 2000000 beside p90 20000000 (mean $10.2M, every figure in whole dollars) had been refused with "give a
    narrower spread"; a median in $k beside a p90 in $, or a median over $10M, is still a unit slip."""
    base["market"]["deal_value"] = {"dist": "lognormal", "median": 2_000_000, "p90": 20_000_000}
    config = parse_scenario(base)
    assert config.market.mean_deal_value() > 10e6
    for spec in ({"median": 25, "p90": 80_000}, {"median": 25_000_000, "p90": 80_000_000}):
        base["market"]["deal_value"] = {"dist": "lognormal", **spec}
        assert "over the $10M a year" in problems(base)


def test_unknown_key_gets_a_suggestion(base: dict[str, Any]) -> None:
    base["org"]["teams"]["ae"]["headcont"] = 8
    message = problems(base)
    assert "org.teams.ae.headcont" in message and "did you mean 'headcount'" in message


def test_all_problems_reported_together(base: dict[str, Any]) -> None:
    base["pipeline"]["stages"][0]["conversion"] = -0.1
    base["org"]["teams"]["sdr"]["selling_fraction"] = 2
    base["org"]["handoff"]["loss_probability"] = 7
    with pytest.raises(ConfigError) as info:
        validate_scenario(parse_scenario(base))
    assert len(info.value.issues) == 3


def test_entry_stage_must_exist(base: dict[str, Any]) -> None:
    base["market"]["sources"]["partner"]["entry_stage"] = "demo"
    assert "market.sources.partner.entry_stage = 'demo'" in problems(base)


def test_zero_stages_refused_and_unusual_count_warns(base: dict[str, Any]) -> None:
    empty = copy.deepcopy(base)
    empty["pipeline"]["stages"] = []
    assert "pipeline.stages" in problems(empty)
    short = copy.deepcopy(base)
    short["pipeline"]["stages"] = short["pipeline"]["stages"][:2]
    short["pipeline"]["opportunity_stage"] = "need_specified"
    short["org"]["routing"] = {"awareness": "sdr"}
    short["market"]["sources"]["partner"]["entry_stage"] = None
    _SHAPES_WARNED.clear()  # once a process per shape: an earlier test may have warned it
    with pytest.warns(PipelineShapeWarning, match="2 stages"):
        validate_scenario(parse_scenario(short))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PipelineShapeWarning)
        validate_scenario(parse_scenario(short))  # validated again (as the runner does): not warned twice
    _SHAPES_WARNED.clear()
    short["pipeline"]["fitted_from"] = "crm-export.csv"  # a calibrated pipeline has the export's stages
    with warnings.catch_warnings():
        warnings.simplefilter("error", PipelineShapeWarning)
        validate_scenario(parse_scenario(short))


def test_wrong_types_are_named(base: dict[str, Any]) -> None:
    base["market"]["sources"]["inbound"]["leads_per_month"] = "lots"
    with pytest.raises(ConfigError, match=r"market.sources.inbound.leads_per_month = 'lots': must be a number"):
        parse_scenario(base)


def test_missing_section() -> None:
    with pytest.raises(ConfigError, match="org = null: is required"):
        parse_scenario({"market": {}, "pipeline": {}})


def test_opportunity_stage_must_exist(base: dict[str, Any]) -> None:
    base["pipeline"]["opportunity_stage"] = "demo"
    message = problems(base)
    assert "pipeline.opportunity_stage = 'demo'" in message and "awareness" in message


def test_stages_go_to_the_team_with_their_role(base: dict[str, Any]) -> None:
    from simulator.model.scenario import compile_scenario

    base["org"]["routing"] = {}
    base["org"]["default_team"] = None
    scenario = compile_scenario(parse_scenario(base))
    sdr, ae = scenario.team_names.index("sdr"), scenario.team_names.index("ae")
    assert scenario.routing[0].tolist() == [sdr] * scenario.routing.shape[1]
    assert (scenario.routing[1:] == ae).all()


def test_stage_without_team_names_its_role(base: dict[str, Any]) -> None:
    base["org"]["routing"] = {}
    base["org"]["default_team"] = None
    base["org"]["teams"]["ae"]["role"] = "closer"
    message = problems(base)
    assert "org.routing.need_specified = null" in message and "role ae" in message
    assert "closer, csm, partner_manager, sdr" in message


def test_more_leads_than_can_run_are_refused_with_the_estimate(base: dict[str, Any]) -> None:
    base["market"]["sources"]["inbound"]["leads_per_month"] = 1_000_000
    message = problems(base)
    assert "market.sources = {inbound: 1000000," in message
    assert "about 24,002,280 leads expected per replication (1,000,095 a month" in message
    assert "at most 10,000,000 can run" in message


def test_more_reps_than_can_run_are_refused_across_teams(base: dict[str, Any]) -> None:
    base["org"]["teams"]["sdr"]["headcount"] = 60_000
    base["org"]["teams"]["ae"]["headcount"] = 50_000
    message = problems(base)
    assert "org.teams = {sdr: 60000, ae: 50000, csm: " in message  # no team alone is too large
    assert "reps in one replication (headcount and hires); at most 100,000 can run" in message


def test_a_horizon_of_fifty_years_runs_and_a_longer_one_does_not(base: dict[str, Any]) -> None:
    base["clock"]["horizon_days"] = 12_500
    validate_scenario(parse_scenario(base))
    base["clock"]["horizon_days"] = 12_501
    assert "clock.horizon_days = 12501: must be a finite number of working days > 0 and at most 12,500 (50 years" in (
        problems(base)
    )


def test_a_horizon_too_long_is_refused_before_any_calendar_is_built(
    base: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo such as 1e9 days once built a calendar of 48 million months (27 s) before the refusal."""
    import simulator.config.clock as clock

    def no_calendar(*args: object) -> None:
        raise AssertionError("a calendar was built for a horizon that cannot run")

    monkeypatch.setattr(clock, "abstract_calendar", no_calendar)
    monkeypatch.setattr(clock, "dated_calendar", no_calendar)
    for start in (None, "2027-01-04"):
        base["clock"].update(horizon_days=1e9, start_date=start)
        with pytest.raises(ConfigError, match=r"clock\.horizon_days = 1000000000: .* at most 12,500"):
            parse_scenario(base)


def test_an_absurd_estimate_is_written_in_powers_of_ten_not_three_hundred_digits(base: dict[str, Any]) -> None:
    base["market"]["sources"]["inbound"]["leads_per_month"] = 1e300
    message = problems(base)
    assert "about 2.4e+301 leads expected per replication" in message and len(message) < 2_000, message
    base["market"]["sources"]["inbound"]["leads_per_month"] = 150
    base["org"]["teams"]["ae"]["headcount"] = 10**300  # a whole number: echoed as typed, counted in powers of ten
    message = problems(base).split(": ", 1)[1]
    assert "1e+300 reps in one replication" in message and len(message) < 200, message


def test_a_whole_number_written_as_a_decimal_is_told_how_to_write_it(base: dict[str, Any]) -> None:
    base["org"]["teams"]["ae"]["headcount"] = 12.0
    assert "headcount = 12.0: must be a whole number >= 1 (it was read as the decimal 12.0: write 12," in problems(base)


def test_words_where_a_whole_number_goes_are_told_the_field_s_whole_rule(base: dict[str, Any]) -> None:
    """``headcount=abc`` read "must be a whole number" where ``-3`` reads "must be a whole number >= 1"."""
    base["org"]["teams"]["ae"]["headcount"] = "abc"
    assert "headcount = 'abc': must be a whole number >= 1" in problems(base)
    base["org"]["teams"]["ae"]["headcount"] = True  # a boolean is told the rule and its own hint
    assert "headcount = true: must be a whole number >= 1 (true/false is not a number)" in problems(base)


def test_a_decimal_where_a_whole_number_goes_is_told_the_field_s_whole_rule(base: dict[str, Any]) -> None:
    """``seed=1.5`` read "must be a whole number" where ``seed=xyz`` reads "... from 0 to 2^63 - 1"."""
    base["org"]["teams"]["ae"]["headcount"] = 2.5
    assert "headcount = 2.5: must be a whole number >= 1" in problems(base)
    for override, rule in (
        ("seed=1.5", "seed = 1.5: must be a whole number from 0 to 9223372036854775807 (2^63 - 1)"),
        ("runner.workers=1.5", "runner.workers = 1.5: must be a whole number >= 0 (0 = automatic)"),
        ("runner.max_runs=2.5", "runner.max_runs = 2.5: must be a whole number from 2 to 1,000,000"),
    ):
        with pytest.raises(ConfigError) as caught:
            simulator.load_experiment(overrides=["runs=auto", override])
        assert [str(issue) for issue in caught.value.issues] == [rule], caught.value


def test_a_dated_calendar_holds_the_fewest_whole_years_that_cover_the_horizon() -> None:
    import datetime as dt

    from simulator.config.calendar import dated_calendar

    for horizon, years in ((1, 1), (261, 1), (262, 2), (12_500, 48)):
        calendar = dated_calendar(dt.date(2027, 1, 1), horizon)
        assert calendar.month_start.size == 12 * years + 1
        assert calendar.month_start[-1] >= horizon > calendar.month_start[-13]
    with pytest.raises(ValueError, match="before 10000"):
        dated_calendar(dt.date(9990, 1, 1), 5_000)


def test_one_problem_gives_one_message(base: dict[str, Any]) -> None:
    base["market"]["seasonality"] = [1.0] * 11 + [-1]
    base["pipeline"]["stages"][0]["name"] = ""
    base["org"]["routing"]["awareness"] = 3
    with pytest.raises(ConfigError) as info:
        parse_scenario(base)
    assert sorted(str(i) for i in info.value.issues) == [
        "market.seasonality.11 = -1: must be a finite number >= 0",
        "org.routing.awareness = 3: must be a team name",
        "pipeline.stages.0.name = '': must be a non-empty stage name",
    ]


def test_a_sections_key_typed_alone_is_pointed_to_its_section_and_an_output_folder_to_hydra() -> None:
    """workers=2 was asked 'did you mean workforce?'; horizon_days=90 and output_dir=... got the top level only."""
    from simulator.config.key_suggestions import no_such_key

    config = {
        "runner": {"workers": 1},
        "workforce": {"teams": {}},
        "clock": {"horizon_days": 365},
        "org": {"teams": {"ae": {"headcount": 4}, "sdr": {"headcount": 2}}},
    }
    assert no_such_key("workers", [config], "no").endswith("; did you mean 'runner.workers'?")
    assert no_such_key("horizon_days", [config], "no").endswith("; did you mean 'clock.horizon_days'?")
    assert no_such_key("headcount", [config], "no").endswith(
        "; did you mean 'org.teams.ae.headcount' or 'org.teams.sdr.headcount'?"
    )
    assert no_such_key("output_dir", [config], "no").endswith("(a sweep's with hydra.sweep.dir=PATH)")
    assert no_such_key("workers", [config], "no", suggest=False).endswith("workforce")  # a known key: no guess


def test_no_message_ends_on_an_empty_list_of_what_is_allowed() -> None:
    """'must be one of the scenarios: []', 'market.segments has: ' told a user nothing: each says why none."""
    from simulator.config.errors import listed
    from simulator.config.key_suggestions import no_such_key
    from simulator.run.experiment import Experiment

    assert listed(["a", "b"], "none") == "a, b" and listed([], "there are none") == "there are none"
    words = no_such_key("market.segments.smb.x", [{"market": {"segments": {}}}], "unknown key")
    assert words == "unknown key; market.segments is empty"
    with pytest.raises(ConfigError) as caught:
        Experiment(name="e", scenarios=(), baseline="base", seed=1, runs=2).validate()
    baseline = next(i for i in caught.value.issues if i.key == "experiment.baseline")
    assert baseline.allowed == "must be one of the scenarios: there are none (experiment.scenarios is empty)"


def test_a_bad_scenario_does_not_hide_the_questions_or_the_decisions_problems() -> None:
    """A negative headcount in one scenario hid a bad {key} in the question: only one was reported."""
    from simulator.analysis.decision import check_experiment
    from simulator.run.build import experiment_from_dict

    base = shipped()
    base["experiment"] = {"name": "e", "question": "Will {org.teams.full_cycle.headcont} reps do?", "baseline": "a"}
    bad = {"org": {"teams": {"full_cycle": {"headcount": -5}}}}
    with pytest.raises(ConfigError) as caught:
        experiment_from_dict(base, {"a": {}, "b": bad})
    assert [issue.key for issue in caught.value.issues] == [
        "[scenario b] org.teams.full_cycle.headcount",
        "experiment.question",
    ]
    assert "did you mean {org.teams.full_cycle.headcount}?" in caught.value.issues[1].allowed
    # a scenario's problem found when validated, and a misspelt decision KPI: both at once
    base["experiment"] = {"name": "e", "question": "q", "baseline": "a", "decision": {"primary": "bokings"}}
    experiment = experiment_from_dict(base, {"a": {}, "b": {"org": {"routing": {"nowhere": "full_cycle"}}}})
    with pytest.raises(ConfigError) as caught:
        check_experiment(experiment)
    keys = [issue.key for issue in caught.value.issues]
    assert keys == ["[scenario b] org.routing.nowhere", "experiment.decision.primary"], keys


def test_an_issue_every_scenario_shares_is_given_once_even_for_nan() -> None:
    """``nan != nan``, yet a nan given to both scenarios is one problem, as 2.5 is; null reads as YAML writes it."""
    for value in ("nan", "2.5", "null"):
        with pytest.raises(ConfigError) as caught:
            simulator.load_experiment(overrides=[f"+market.sources.inbound.month_cv={value}"])
        assert len(caught.value.issues) == 1, caught.value
        assert str(caught.value.issues[0]).startswith(f"market.sources.inbound.month_cv = {value}: "), caught.value
    # shared by three of the five scenarios (those with SDRs): one problem naming them, not three
    with pytest.raises(ConfigError) as caught:
        simulator.load_experiment("org_structures", ["org.teams.sdr.headcount=nan"])
    assert [str(issue) for issue in caught.value.issues] == [
        "[scenarios specialists, pods_by_product, pods_by_product_uplift] org.teams.sdr.headcount = nan: "
        "must be a whole number >= 1"
    ]
    nan = float("nan")
    same = ConfigIssue("a.b", [nan, None, True], "must be x")
    merged = merge_scenario_issues({"s1": [same], "s2": [ConfigIssue("a.b", [nan, None, True], "must be x")]}, 2)
    assert [str(issue) for issue in merged] == ["a.b = [nan, null, true]: must be x"]


def test_must_be_one_of_lists_words_not_a_python_tuple() -> None:
    """Read "must be one of ('smb', 'mid_market', 'enterprise')" and "one of ('software', ...)"."""
    for experiment, override, expected in (
        (
            "org_structures",
            "org.teams.smb_pod.serves.segment=[foo]",
            "[scenario pods_by_segment] org.teams.smb_pod.serves.segment = 'foo': must be one of smb, mid_market, "
            "enterprise",
        ),
        (
            None,
            "+market.segment_mix.smb.sectors={softwar:1}",
            "market.segment_mix.smb.sectors.softwar = 1: must be one of software, financial_services, manufacturing, "
            "healthcare",
        ),
    ):
        with pytest.raises(ConfigError) as caught:  # as the command line validates it before any run
            simulator.load_experiment(experiment, [override]).validate()
        assert str(caught.value.issues[0]) == expected, caught.value


def test_a_suggested_key_no_override_can_name_says_where_to_set_it() -> None:
    """'did you mean market.products.GTX Pro.deal_value_multiplier?' offered a key no command line can type."""
    from simulator.config.key_suggestions import no_such_key

    config = {"market": {"products": {"GTX Pro": {"deal_value_multiplier": 4833.0}, "core": {"weight": 1.0}}}}
    words = no_such_key("market.products.GTX_Pro.deal_value_multiplier", [config], "no such key")
    assert "did you mean 'market.products.GTX Pro.deal_value_multiplier'? A key with a space" in words
    assert "cannot be typed as an override: set it in the config file that holds it" in words
    plain = no_such_key("market.products.cores.weight", [config], "no such key")
    assert plain.endswith("did you mean 'market.products.core.weight'?")


def test_a_key_in_an_emptied_section_is_not_offered_another_section_s_key() -> None:
    """rep_attrition with workforce=static read "workforce.roles is empty; did you mean
    'economics.roles.full_cycle.commission_rate'?" for its turnover rates."""
    from simulator.config.key_suggestions import no_such_key

    config = {"workforce": {"roles": {}}, "economics": {"roles": {"full_cycle": {"commission_rate": 0.07}}}}
    words = no_such_key("workforce.roles.full_cycle.attrition_rate", [config], "no such key")
    assert words == "no such key; workforce.roles is empty"
    typo = no_such_key("ecnomics.roles.full_cycle.commission_rate", [config], "no such key")
    assert typo.endswith("did you mean 'economics.roles.full_cycle.commission_rate'?")  # a section misspelt: offered
