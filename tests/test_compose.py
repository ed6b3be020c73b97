"""What-ifs that do what they say: experiments' own seed and runs, overrides that reach every scenario,
``--describe`` and the report's table of differences, experiments of your own.

Each point is checked through the Python API and through the command line.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import simulator
from simulator.command_line import prepare_command_line, restore_overrides
from simulator.config.errors import ConfigError
from simulator.config.fed_sources import rate_notes_and_issues
from simulator.run.build import BaselineWarning, experiment_from_dicts
from simulator.run.differences import MISSING, difference_rows, format_setting, scenario_differences
from tests.forked_cli import ForkedCommandLine, forked_command_line
from tests.scenarios import CONFIGS, ROOT

EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
QUICK = ["runs=2", "clock.horizon_days=40", "clock.warmup_days=0", "runner.workers=1", "runner.progress=false"]

USER_EXPERIMENT = """\
# @package _global_
# Question: does a fifth SDR pay for itself?
experiment:  # the question, its scenarios and the baseline
  name: bigger_desk  # names the output folder
  question: Does a fifth SDR pay for itself?  # shown in the report
  baseline: four  # today's desk
  scenarios:  # scenario name -> Hydra overrides applied on top of the base config
    four: [org=specialist]  # 4 SDRs + 8 AEs
    five: [org=specialist, org.teams.sdr.headcount=5]  # one more SDR
seed: 99  # root seed shared by every scenario
runs: 3  # replications per scenario
clock:  # any other value an experiment sets is honoured too
  horizon_days: 30  # a short horizon for a quick look
  warmup_days: 0  # and no run-in
"""


def salesim(*args: str, cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [python, "-m", "simulator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def command_line() -> Iterator[ForkedCommandLine]:
    """``python -m simulator`` for the commands below that run nothing (a refusal, --describe): each a process of
    its own forked from one that loaded the app once (:mod:`tests.forked_cli`); a command that runs is a subprocess."""
    with forked_command_line() as server:
        yield server


def runs_nothing(server: ForkedCommandLine, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m simulator ARGS`` in ``cwd``, as :func:`salesim`, for a command that is refused or only prints."""
    return server.run(*args, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


def user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my_experiments"
    (folder / "experiment").mkdir(parents=True)
    (folder / "experiment" / "bigger_desk.yaml").write_text(USER_EXPERIMENT)
    return folder


# ---------------------------------------------------------------------------- 1. the experiment's own values


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_shipped_experiment_keeps_its_own_seed_and_runs(name: str) -> None:
    declared = yaml.safe_load((ROOT / "experiments" / f"{name}.yaml").read_text())
    experiment = simulator.load_experiment(name)
    assert (experiment.seed, experiment.runs) == (declared["seed"], declared["runs"])


def test_the_command_line_still_wins_over_the_experiment() -> None:
    experiment = simulator.load_experiment("sdr_headcount", ["seed=3"])
    assert (experiment.seed, experiment.runs) == (3, 100)  # through the CLI: test_describe_prints_...


# ---------------------------------------------------------------------------- 2. overrides reach every scenario


def test_an_override_only_the_scenarios_have_reaches_them(capsys: pytest.CaptureFixture[str]) -> None:
    experiment = simulator.load_experiment("sdr_headcount", ["org.teams.sdr.headcount=5"])
    headcounts = {s.name: s.config.org.teams["sdr"].headcount for s in experiment.scenarios}
    assert headcounts == {"sdr_2": 2, "sdr_3": 3, "sdr_4": 5, "sdr_6": 6}  # a scenario's own value wins
    err = capsys.readouterr().err
    assert "scenario sdr_2 sets org.teams.sdr.headcount=2, which replaces your org.teams.sdr.headcount=5" in err
    assert "sdr_4 sets" not in err


def test_a_key_only_the_scenarios_lists_add_is_told_to_go_in_a_scenarios_list() -> None:
    """hires.0.count=2 on hiring_plan was told "no such key: check its spelling"; the scenarios add the hires."""
    with pytest.raises(ConfigError) as caught:
        simulator.load_experiment("hiring_plan", ["workforce.teams.full_cycle.hires.0.count=2"])
    (issue,) = caught.value.issues
    assert issue.allowed.startswith(
        "the experiment's base config has no workforce.teams.full_cycle.hires: scenarios spread_evenly, all_in_january "
        "set it in their own list, which replaces it whole there; change it in a scenario's own list"
    )
    typed = issue.allowed.split('as in "', 1)[1].split('" with your change', 1)[0]
    changed = typed.replace("{month:1,count:1}", "{month:1,count:2}", 1)
    spec = simulator.load_experiment("hiring_plan", [changed, "runs=2"]).scenarios[0]
    assert spec.name == "spread_evenly" and spec.config.workforce is not None
    assert [h.count for h in spec.config.workforce.teams["full_cycle"].hires] == [2, 1, 1, 1]  # as it says
    with pytest.raises(ConfigError) as typo:  # a real typo is still one
        simulator.load_experiment("hiring_plan", ["workforce.teams.full_cycle.hirse.0.count=2"])
    assert "the experiment's base config has no" not in str(typo.value)


def test_an_override_some_scenarios_lack_is_skipped_there(capsys: pytest.CaptureFixture[str]) -> None:
    experiment = simulator.load_experiment("generalist_vs_specialist", ["org.teams.full_cycle.headcount=10"])
    assert experiment.scenario("generalist").config.org.teams["full_cycle"].headcount == 10
    assert "full_cycle" not in experiment.scenario("specialist").config.org.teams
    assert "does not apply to scenario specialist (no such key there); skipped there" in capsys.readouterr().err


def test_a_fed_sources_lead_rate_is_refused_where_it_acts_nowhere_and_noted_where_it_acts_somewhere() -> None:
    fed = {
        "market": {"sources": {"outbound": {"leads_per_month": 70}}},
        "pipelines": {"prospecting": {"source": "outbound"}},
    }
    drawn = {"market": {"sources": {"outbound": {"leads_per_month": 70}}}, "pipelines": {"prospecting": None}}
    rate = ("market.sources.outbound.leads_per_month=700", "market.sources.outbound.leads_per_month", 700)
    notes, issues = rate_notes_and_issues([rate], {}, {"a": fed, "b": fed})
    assert not notes and [i.key for i in issues] == ["market.sources.outbound.leads_per_month"]
    assert "pipelines.prospecting=null" in issues[0].allowed
    notes, issues = rate_notes_and_issues([rate], {}, {"a": fed, "b": drawn})
    assert not issues and notes == [
        f"{rate[0]} has no effect in scenario a: a pipeline books that source's leads there"
    ]
    notes, issues = rate_notes_and_issues([], {"a": [rate], "b": [rate]}, {"a": fed, "b": drawn})
    assert [i.key for i in issues] == ["experiment.scenarios.a: market.sources.outbound.leads_per_month"]
    inbound = ("market.sources.inbound.leads_per_month=9", "market.sources.inbound.leads_per_month", 9)
    assert rate_notes_and_issues([inbound], {}, {"a": fed}) == ([], [])


def test_a_fed_sources_lead_rate_on_the_command_line_is_refused_before_anything_runs() -> None:
    with pytest.raises(ConfigError, match=r"leads_per_month = 700: has no effect: the outbound source"):
        simulator.load_experiment(None, ["market.sources.outbound.leads_per_month=700"])
    experiment = simulator.load_experiment(
        None, ["pipelines.prospecting=null", "market.sources.outbound.leads_per_month=7"]
    )
    assert experiment.scenarios[0].config.market.sources["outbound"].leads_per_month == 7


def test_a_group_override_applies_where_the_scenario_does_not_pick_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    experiment = simulator.load_experiment("generalist_vs_specialist", ["org=solution_engineers"])
    assert experiment.scenario("generalist").config.org.name == "solution_engineers"
    assert experiment.scenario("specialist").config.org.name == "specialist"
    assert "scenario specialist sets org=specialist, which replaces your org=solution_engineers" in (
        capsys.readouterr().err
    )


def test_a_key_no_scenario_has_is_a_config_error_in_salesim_words() -> None:
    with pytest.raises(ConfigError) as raised:
        simulator.load_experiment("sdr_headcount", ["org.teams.sdr.headcont=5"])
    (issue,) = raised.value.issues
    assert (issue.key, issue.value) == ("org.teams.sdr.headcont", 5)
    assert "no scenario of sdr_headcount has this key" in issue.allowed
    assert "org.teams.sdr has: assignment, headcount" in issue.allowed
    assert "did you mean 'org.teams.sdr.headcount'?" in issue.allowed
    with pytest.raises(ConfigError, match="did you mean 'runs'"):
        simulator.load_experiment(overrides=["rusn=3"])
    with pytest.raises(ConfigError, match="experiment = 'nonexistent': no such config in experiment/"):
        simulator.load_experiment("nonexistent")


def test_the_command_line_runs_an_override_only_the_scenarios_have(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = salesim(
        "experiment=sdr_headcount", "org.teams.sdr.headcount=5", *QUICK, f"hydra.run.dir={out}", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "which replaces your org.teams.sdr.headcount=5" in done.stderr
    resolved = yaml.safe_load((out / "config.yaml").read_text())
    assert resolved["scenarios"]["sdr_4"]["org"]["teams"]["sdr"]["headcount"] == 5
    assert resolved["scenarios"]["sdr_2"]["org"]["teams"]["sdr"]["headcount"] == 2
    assert "org.teams.sdr.headcount=5" in resolved["command_line_overrides"]  # as typed, without Hydra's ++
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    report = (out / "report.md").read_text()
    assert "### What each scenario changes" in report
    assert "| sdr_2 | org.teams.sdr.headcount | 5 | 2 |" in report
    # the note the terminal printed stays with the run: in the report and, for a sweep's report, in config.yaml
    assert "- **Note**: scenario sdr_2 sets org.teams.sdr.headcount=2, which replaces your org.teams.sdr." in report
    assert resolved["overrides_replaced"]["sdr_3"] == {"org.teams.sdr.headcount": "org.teams.sdr.headcount=3"}
    assert "sdr_4" not in resolved["overrides_replaced"]


def test_the_command_line_refuses_a_key_no_scenario_has_in_salesim_words(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    done = runs_nothing(command_line, "experiment=sdr_headcount", "org.teams.sdr.headcont=5", *QUICK, cwd=tmp_path)
    assert done.returncode == 2
    assert "org.teams.sdr.headcont = 5: no scenario of sdr_headcount has this key" in done.stderr
    assert "did you mean 'org.teams.sdr.headcount'?" in done.stderr
    assert "Could not override" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "outputs").exists()


def test_value_overrides_reach_hydra_as_add_or_override_and_come_back_as_typed() -> None:
    args = ["-m", "experiment=sdr_headcount", "org.teams.sdr.headcount=5,6", "hydra/launcher=basic"]
    args += ["hydra.run.dir=x", "+org.teams.ae.extra=1", "seed=4", "org=specialist"]
    rewritten, keys = prepare_command_line(args, [CONFIGS])
    assert rewritten == [
        "-m",
        "experiment=sdr_headcount",
        "++org.teams.sdr.headcount=5,6",
        "hydra/launcher=basic",
        "hydra.run.dir=x",
        "+org.teams.ae.extra=1",
        "++seed=4",
        "org=specialist",
    ]
    assert keys == ["org.teams.sdr.headcount", "seed"]
    job = ["experiment=sdr_headcount", "++org.teams.sdr.headcount=5", "+org.teams.ae.extra=1", "++seed=4"]
    assert restore_overrides(job, keys) == [
        "experiment=sdr_headcount",
        "org.teams.sdr.headcount=5",
        "+org.teams.ae.extra=1",
        "seed=4",
    ]
    assert prepare_command_line(["--cfg", "job", "seed=4"], [CONFIGS]) == (["--cfg", "job", "seed=4"], [])


# ---------------------------------------------------------------------------- 3. what each scenario changes


def test_differences_are_the_resolved_settings_that_differ() -> None:
    sdr = simulator.load_experiment("sdr_headcount")
    assert [(d.scenario, d.key, d.baseline, d.value) for d in scenario_differences(sdr)] == [
        ("sdr_2", "org.teams.sdr.headcount", 4, 2),
        ("sdr_3", "org.teams.sdr.headcount", 4, 3),
        ("sdr_6", "org.teams.sdr.headcount", 4, 6),
    ]
    org = {d.key: (d.baseline, d.value) for d in scenario_differences(simulator.load_experiment())}
    assert set(org) == {"org.name", "org.description", "org.teams.full_cycle", "org.teams.sdr", "org.teams.ae"} | {
        "org.routing.awareness",
        "org.default_team",
    }  # a team only one side has is one row; market, pipeline, seed, runs and runner are the same
    assert org["org.teams.full_cycle"][0]["headcount"] == 12 and org["org.teams.full_cycle"][1] is MISSING
    assert org["org.teams.sdr"][0] is MISSING and org["org.teams.sdr"][1]["headcount"] == 4
    assert format_setting({"headcount": 4, "skill": {"mean": 0.0}}) == "{headcount: 4, skill: {mean: 0.0}}"
    header, rows = difference_rows(simulator.load_experiment("handoff_quality"))
    assert header == ["Scenario", "Setting", "today (baseline)", "Scenario's value"]
    assert rows == [
        ["playbook", "org.handoff.delay_days", "triangular(low=0.5, mode=1, high=3)",
         "triangular(low=0.1, mode=0.25, high=1)"],
        ["playbook", "org.handoff.loss_probability", "0.05", "0.01"],
    ]  # fmt: skip
    assert format_setting(MISSING) == "—" and format_setting([1, None, True]) == "[1, null, true]"


def test_a_scenario_identical_to_the_baseline_says_so() -> None:
    config = simulator.load_experiment().resolved_config["scenarios"]["generalist"]
    experiment = simulator.experiment_from_dict(
        {**config, "experiment": {"name": "same"}}, {"a": {}, "b": {}, "c": {"clock": {"horizon_days": 600}}}
    )
    _, rows = difference_rows(experiment)
    assert rows == [["b", "(none: same settings as the baseline)", "", ""], ["c", "clock.horizon_days", "500", "600"]]


def test_a_setting_the_baseline_leaves_out_shows_its_default() -> None:
    """A key only the scenario sets read "—" on the baseline's side, as if the baseline had no such thing."""
    config = simulator.load_experiment().resolved_config["scenarios"]["generalist"]
    swinging = copy.deepcopy(config)
    swinging["market"]["sources"]["inbound"]["month_cv"] = 0.3
    zero = copy.deepcopy(config)
    zero["market"]["sources"]["inbound"]["month_cv"] = 0.0
    experiment = simulator.experiment_from_dict(
        {**config, "experiment": {"name": "swings"}}, {"a": {}, "b": swinging, "c": zero}
    )
    _, rows = difference_rows(experiment)
    assert rows == [
        ["b", "market.sources.inbound.month_cv", "0 (default)", "0.3"],
        ["c", "(none: same settings as the baseline)", "", ""],
    ]


def test_a_setting_the_files_leave_out_is_refused_with_the_plus_that_adds_it() -> None:
    """``org.overflow=null`` read "no scenario has this key", though --describe showed it at its default."""
    from simulator.config.key_suggestions import ABSENT, schema_default
    from simulator.config.schema import ScenarioConfig

    for override, default in (("org.overflow=null", "null"), ("market.sources.inbound.month_cv=0.2", "0")):
        with pytest.raises(ConfigError) as caught:
            simulator.load_experiment(overrides=[override])
        (issue,) = caught.value.issues
        assert issue.allowed.endswith(
            f"it is a setting the config files leave out (default {default}): add it with a leading +, +{override}"
        ), issue
    with pytest.raises(ConfigError) as caught:  # a known setting is no typo: no 'did you mean delay_days'
        simulator.load_experiment(overrides=["pipeline.stages.0.lost_delay_days=5"])
    assert "+pipeline.stages.0.lost_delay_days=5" in str(caught.value) and "did you mean" not in str(caught.value)
    # a team only the specialists have: the + applies there (no one-setting sdr team made in generalist)
    with pytest.raises(ConfigError) as caught:
        simulator.load_experiment(overrides=["org.teams.sdr.specialist_uplift=0.1"])
    assert str(caught.value).endswith("add it with a leading +, +org.teams.sdr.specialist_uplift=0.1")
    generalist, specialist = simulator.load_experiment(overrides=["+org.teams.sdr.specialist_uplift=0.1"]).scenarios
    assert "sdr" not in generalist.config.org.teams and specialist.config.org.teams["sdr"].specialist_uplift == 0.1
    for override in ("market.sources.inbound.nothing=1", "org.teams.xyz.hours_per_day=8"):  # unknown; no such team
        with pytest.raises(ConfigError) as caught:
            simulator.load_experiment(overrides=[override])
        assert "leading +" not in str(caught.value), caught.value
    schema = ScenarioConfig.model_json_schema()
    assert schema_default("market.sources.any.month_cv", schema) == 0.0
    assert schema_default("pipeline.stages.3.max_wait_days", schema) is None
    assert schema_default("org.teams.x.headcount", schema) is ABSENT  # required: no default
    assert schema_default("market.nothing", schema) is ABSENT


def test_an_experiment_naming_no_baseline_is_told_which_scenario_is_one() -> None:
    """An experiment file without ``baseline`` compared every scenario with the first, without a word."""
    config = simulator.load_experiment().resolved_config["scenarios"]["generalist"]
    scenarios = {"b": config, "a": {**config, "runs": 7}}
    with pytest.warns(BaselineWarning, match=r"the first scenario, b, is the baseline .*one of b, a to choose"):
        experiment = experiment_from_dicts({**config, "experiment": {"name": "x"}}, scenarios)
    assert experiment.baseline == "b"
    with warnings.catch_warnings():
        warnings.simplefilter("error", BaselineWarning)
        assert (
            experiment_from_dicts({**config, "experiment": {"name": "x", "baseline": "a"}}, scenarios).baseline == "a"
        )
        assert experiment_from_dicts({**config, "experiment": {"name": "x"}}, {"b": config}).baseline == "b"


def test_the_shipped_questions_state_the_headcounts_the_run_uses(capsys: pytest.CaptureFixture[str]) -> None:
    """The default question said '12 full-cycle reps' over a run of 14 (org.teams.full_cycle.headcount=14)."""
    from simulator.analysis.question_words import question_text

    assert "Should our 12 full-cycle reps" in question_text(simulator.load_experiment())
    changed = simulator.load_experiment(overrides=["org.teams.full_cycle.headcount=14", "org.teams.csm.headcount=9"])
    assert "Should our 14 full-cycle reps" in question_text(changed) and "(9 CSMs" in question_text(changed)
    desk = simulator.load_experiment("sdr_headcount", ["org.teams.sdr.headcount=5", "org.teams.ae.headcount=10"])
    assert question_text(desk).startswith("With 10 AEs closing, how many SDRs should qualify the leads - 2, 3, 5 (")
    # an org with no full-cycle team (every scenario specialist) shows the shipped words, and is no error
    capsys.readouterr()
    pods = simulator.load_experiment(overrides=["org=specialist"])
    assert "Should our 12 full-cycle reps" in question_text(pods)
    told = capsys.readouterr().err
    words = "note: the question's {org.teams.full_cycle.headcount|12} has no value in the baseline scenario generalist"
    assert words in told
    # both scenarios specialist now: a comparison of two equal configs was run with no word on it
    assert "note: scenarios generalist, specialist are the same once composed" in told
    simulator.load_experiment()
    assert "are the same once composed" not in capsys.readouterr().err


def test_a_question_reads_a_scenarios_own_setting_and_never_states_one_its_scenarios_do_not_run() -> None:
    """handoff_quality read "cuts hand-off losses from 0.01% to 1%" under org.handoff.loss_probability=0.0001.

    The "to 1%" was typed, and "cuts" a fixed verb: the scenario's own 1% now comes from its
    config ({playbook:key}) and the verb is neutral; the counts in other questions likewise.
    """
    from simulator.analysis.question_words import question_text

    shipped = question_text(simulator.load_experiment("handoff_quality"))
    assert "takes hand-off losses from 5% to 1% " in shipped, shipped
    raised = question_text(simulator.load_experiment("handoff_quality", ["org.handoff.loss_probability=0.0001"]))
    assert "takes hand-off losses from 0.01% to 1% " in raised and "cuts" not in raised
    own = ["experiment.scenarios.playbook=['org=specialist','org.handoff.loss_probability=0.02']"]
    changed = question_text(simulator.load_experiment("handoff_quality", own))
    assert "from 5% to 2% " in changed and "the AE's catch-up from 1.5 to 1.5 working days on average" in changed
    # ... and that "from 1.5 to 1.5" is said beside the answer, not left to the reader
    from simulator.analysis.question_words import repeated_figures

    (note,) = repeated_figures(simulator.load_experiment("handoff_quality", own))
    assert note.startswith("the question's 'from 1.5 to 1.5' shows no change: {org.handoff.delay_days|1.5} and ")
    assert repeated_figures(simulator.load_experiment("handoff_quality")) == []
    assert "the AE's catch-up from 1.5 to 0.45 working days on average" in shipped  # each triangular delay's mean
    csm = question_text(
        simulator.load_experiment("csm_coverage", ["experiment.scenarios.csm_7=['org.teams.csm.headcount=6']"])
    )
    assert "what do 6, 11 (today) or 15 CSMs do" in csm, csm
    assert "split into 5 SDRs who qualify and prospect and 7 AEs" in question_text(
        simulator.load_experiment(
            overrides=[
                "experiment.scenarios.specialist=['org=specialist','org.teams.sdr.headcount=5','org.teams.ae.headcount=7']"
            ]
        )
    )
    assert "Would 15 reps make it safe?" in question_text(
        simulator.load_experiment(
            "plan_check", ["experiment.scenarios.two_more_reps=['org=generalist','org.teams.full_cycle.headcount=15']"]
        )
    )
    # a scenario the experiment does not have is refused with the close name; a scenario's own typo too
    with pytest.raises(ConfigError) as error:
        simulator.load_experiment(
            "csm_coverage", ["experiment.question='{csm7:org.teams.csm.headcount} or {csm_15:org.teams.csm.headcont}?'"]
        ).validate()
    said = [(str(issue.value), issue.allowed) for issue in error.value.issues]
    assert said[0][0] == "{csm7:org.teams.csm.headcount}" and "did you mean csm_7?" in said[0][1]
    assert "the scenarios are csm_7, csm_11, csm_15" in said[0][1]
    assert "did you mean {csm_15:org.teams.csm.headcount}?" in said[1][1] and "scenario csm_15" in said[1][1]
    # a scenario's name typed in capitals is offered as typed in the experiment; a suggestion is itself a setting
    for typed, hint in (
        ("{CSM_7:org.teams.csm.headcount}", "did you mean csm_7?"),
        ("{csm_7:economics.cost_per_lead.inbound}", ""),
    ):
        with pytest.raises(ConfigError) as error:
            simulator.load_experiment("csm_coverage", [f"experiment.question='{typed}'"]).validate()
        allowed = error.value.issues[0].allowed
        assert (hint in allowed) if hint else ("did you mean" not in allowed), allowed
    # a scenario set to null runs the base config: said, with how to leave it out
    import contextlib
    import io

    told = io.StringIO()
    with contextlib.redirect_stderr(told):
        simulator.load_experiment("handoff_quality", ["experiment.scenarios.playbook=null"])
    assert (
        "experiment.scenarios.playbook=null runs the experiment's base config as scenario playbook; to leave it "
        in (told.getvalue())
        and "out, give ~experiment.scenarios.playbook" in told.getvalue()
    )
    # a run of the baseline alone shows the words of the scenarios it left out, with a note
    alone = simulator.load_experiment("handoff_quality", ["~experiment.scenarios", "+experiment.scenarios={today:[]}"])
    alone.validate()
    assert "takes hand-off losses from 5% to 1% " in question_text(alone)
    # the studies made from an experiment (its scenarios renamed) carry its question in words
    from simulator.analysis.levers import Lever, lever_experiment

    study, _ = lever_experiment(
        simulator.load_experiment("csm_coverage", ["runs=2"]),
        "csm_11",
        [Lever("org.teams.csm.headcount", 11.0, 9.0, 13.0, True)],
        runs=2,
        notes=[],
    )
    assert study.question.startswith("With 1,050 customers at the start, what do 7, 11 (today) or 15 CSMs do")


def test_a_question_s_sellers_book_and_refill_follow_the_run() -> None:
    """org_structures said "With the same 12 people" over 10 generalists and 12 specialists (a headcount override);
    csm_coverage "~1,050 customers" and rep_attrition "refilled after 4-10 weeks" were typed, not read."""
    from simulator.analysis.question_words import question_text

    shipped = question_text(simulator.load_experiment("org_structures"))
    assert shipped.startswith("Should our 12 sellers work as full-cycle generalists, SDR/AE specialists (12), pods by")
    moved = question_text(simulator.load_experiment("org_structures", ["org.teams.full_cycle.headcount=10"]))
    assert moved.startswith("Should our 10 sellers work as full-cycle generalists, SDR/AE specialists (12), pods by")
    # the CSMs and the partner manager sell no new business; a solution engineer's seat does
    assert question_text(simulator.load_experiment("solution_engineers", ["org.teams.csm.headcount=20"])).startswith(
        "With 12 seats, is 4 SDRs + 8 AEs better than"
    )
    book = question_text(simulator.load_experiment("csm_coverage", ["pipelines.retention.initial_customers=400"]))
    assert book.startswith("With 400 customers at the start, what do 7, 11 (today) or 15 CSMs do")
    refill = ["workforce.roles.full_cycle.backfill_days={dist:constant,value:20}"]
    assert question_text(simulator.load_experiment("rep_attrition")).endswith(
        "when each seat is refilled after 34.3 working days on average?"
    )
    assert question_text(simulator.load_experiment("rep_attrition", refill)).endswith(
        "refilled after 20 working days on average?"
    )


def test_a_role_setting_no_team_reads_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    """rep_attrition with org=specialist compared three full-cycle turnover rates with no full-cycle team, unnoted."""
    capsys.readouterr()
    simulator.load_experiment("rep_attrition", ["org=specialist"])
    told = capsys.readouterr().err
    for name in ("turnover_20", "turnover_50"):
        assert (
            f"note: scenario {name}: workforce.roles.full_cycle differs from the baseline turnover_35's, but no team "
            "reads it (no team has the role full_cycle, only ae, csm, partner_manager, sdr): the difference changes "
            "nothing in this run"
        ) in told, told
    # said beside the answer too, not only in How it was run (it had read "keep turnover_35" as a finding)
    from types import SimpleNamespace

    from simulator.report.answer_section import comparison_notes

    specialist = simulator.load_experiment("rep_attrition", ["org=specialist"])
    said = comparison_notes(SimpleNamespace(experiment=specialist))  # type: ignore[arg-type]
    assert len(said) == 2 and all("no team reads it" in note for note in said)
    capsys.readouterr()
    plain = simulator.load_experiment("rep_attrition")  # the full-cycle team reads it: no note
    assert "no team reads it" not in capsys.readouterr().err
    assert comparison_notes(SimpleNamespace(experiment=plain)) == []  # type: ignore[arg-type]
    # a team setting the field itself reads none of its role's; one it leaves unset, it reads
    own = ["+workforce.teams.full_cycle.attrition_rate=0.3"]
    simulator.load_experiment("rep_attrition", own)
    assert "its teams set attrition_rate themselves (workforce.teams.full_cycle)" in capsys.readouterr().err
    simulator.load_experiment("rep_attrition", ["+workforce.teams.full_cycle.coaching_rate=0.1"])
    assert "no team reads it" not in capsys.readouterr().err


def test_describe_prints_the_table_and_runs_nothing(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    done = runs_nothing(command_line, "experiment=sdr_headcount", "runs=40", "--describe", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "sdr_headcount: With 8 AEs closing" in lines[0]
    assert "seed 7, 40 runs each" in lines[1]  # the experiment's seed, the command line's runs
    assert lines[2].startswith("Decision KPIs: primary bookings; guardrails first_touch_hours_mean")
    # runs=auto: how it starts and how far it may go, not the cap alone as "2,000 runs each"
    from simulator.report.terminal_tables import describe_experiment

    auto = describe_experiment(simulator.load_experiment("sdr_headcount", ["runs=auto", "runner.max_runs=40"]))
    assert "seed 7, runs=auto: 20 runs each first, then more until the 95% CI of bookings is within ±2.0% of its " in (
        auto
    ), auto
    assert "at most 40." in auto
    # a dated calendar's window that is not a calendar year, and the plan held over it, are said before the run
    dated = describe_experiment(simulator.load_experiment("plan_check", ["clock.start_date=2027-01-04"]))
    assert "Note: the measured window (working days 250 to 500 from 2027-01-04) is not whole calendar years" in dated
    assert "the run holds the same figure each year, $3.85M in all" in dated, dated
    assert "Note:" not in describe_experiment(simulator.load_experiment("plan_check"))
    assert any(line.split() == ["sdr_6", "org.teams.sdr.headcount", "4", "6"] for line in lines)
    assert "runs in" not in done.stdout + done.stderr
    assert not (tmp_path / "outputs").exists()


# ---------------------------------------------------------------------------- 4. experiments of your own


def test_an_experiment_of_your_own_through_the_python_api(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    experiment = simulator.load_experiment("bigger_desk", [f"hydra.searchpath=[file://{folder}]"])
    assert (experiment.name, experiment.seed, experiment.runs) == ("bigger_desk", 99, 3)
    assert experiment.scenarios[0].config.clock.horizon_days == 30
    assert [(d.key, d.value) for d in scenario_differences(experiment)] == [("org.teams.sdr.headcount", 5)]


def test_a_scenario_s_own_key_that_does_not_exist_is_named_in_salesim_words(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    path = folder / "experiment" / "bigger_desk.yaml"
    path.write_text(path.read_text().replace("org.teams.sdr.headcount=5", "org.teams.sdr.headcont=5"))
    with pytest.raises(ConfigError) as raised:
        simulator.load_experiment("bigger_desk", [f"hydra.searchpath=[file://{folder}]"])
    (issue,) = raised.value.issues
    assert (issue.key, issue.value) == ("[scenario five] org.teams.sdr.headcont", 5)
    assert issue.allowed.startswith("scenario five has no such key; org.teams.sdr has: assignment")
    assert issue.allowed.endswith("did you mean 'org.teams.sdr.headcount'?")


def test_a_key_inside_a_scenario_s_mapping_that_does_not_exist_is_named(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    path = folder / "experiment" / "bigger_desk.yaml"
    path.write_text(path.read_text().replace("org.teams.sdr.headcount=5", "'org.teams.sdr.skill={mean:0,sdd:1}'"))
    with pytest.raises(ConfigError) as raised:
        simulator.load_experiment("bigger_desk", [f"hydra.searchpath=[file://{folder}]"])
    (issue,) = raised.value.issues
    assert (issue.key, issue.value) == ("[scenario five] org.teams.sdr.skill.sdd", 1)
    assert issue.allowed == (
        "no such key in the config; org.teams.sdr.skill has: mean, sd; did you mean 'org.teams.sdr.skill.sd'?"
    )


def test_each_config_file_is_parsed_once_and_an_edited_one_again(tmp_path: Path) -> None:
    from simulator.config_files import parsed_files

    folder = user_folder(tmp_path)
    overrides = [f"hydra.searchpath=[file://{folder}]"]
    simulator.load_experiment("bigger_desk", overrides)
    parsed = parsed_files()
    again = simulator.load_experiment("bigger_desk", overrides)  # composes 3 times again: no file parsed anew
    assert parsed_files() == parsed and again.scenarios[1].config.org.teams["sdr"].headcount == 5
    path = folder / "experiment" / "bigger_desk.yaml"
    stat = path.stat()
    path.write_text(path.read_text().replace("org.teams.sdr.headcount=5", "org.teams.sdr.headcount=6"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the text tells
    edited = simulator.load_experiment("bigger_desk", overrides)
    assert parsed_files() == parsed + 1 and edited.scenarios[1].config.org.teams["sdr"].headcount == 6


def test_hydras_own_config_is_composed_again_only_when_a_config_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_experiment reads the config groups and folders from Hydra's own config: composed once for a folder and
    searchpath (a third of a two-scenario load), again once a .yaml file there is edited, added or removed."""
    from simulator import notebook_loader

    folder = user_folder(tmp_path)
    overrides = [f"hydra.searchpath=[file://{folder}]"]
    composed: list[list[str]] = []
    real = notebook_loader.compose

    def counted(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("return_hydra_config"):
            composed.append(list(kwargs["overrides"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(notebook_loader, "compose", counted)
    simulator.load_experiment("bigger_desk", overrides)
    simulator.load_experiment("bigger_desk", [*overrides, "runs=4"])
    assert composed == [overrides]
    path = folder / "experiment" / "bigger_desk.yaml"
    stat = path.stat()
    path.write_text(path.read_text().replace("org.teams.sdr.headcount=5", "org.teams.sdr.headcount=6"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the text tells
    assert simulator.load_experiment("bigger_desk", overrides).scenarios[1].config.org.teams["sdr"].headcount == 6
    assert len(composed) == 2
    (folder / "experiment" / "another.yaml").write_text(USER_EXPERIMENT)
    simulator.load_experiment("another", overrides)
    assert len(composed) == 3
    (folder / "experiment" / "another.yaml").unlink()
    with pytest.raises(ConfigError, match="another"):
        simulator.load_experiment("another", overrides)
    assert len(composed) == 4
    # a linked folder is read through (the shipped configs/experiment links to experiments/), a link back up once
    linked = tmp_path / "linked"
    (linked / "real").mkdir(parents=True)
    (linked / "real" / "a.yaml").write_text("x: 1\n")
    (linked / "top").mkdir()
    (linked / "top" / "experiment").symlink_to(linked / "real")
    (linked / "top" / "loop").symlink_to(linked / "top")
    before = notebook_loader._fingerprint([linked / "top"])
    (linked / "real" / "a.yaml").write_text("x: 2\n")
    assert notebook_loader._fingerprint([linked / "top"]) != before


def test_a_mapping_override_merges_into_the_mapping_there_and_every_wrong_key_in_it_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the base (generalist) has no routing for awareness; every scenario of sdr_headcount has
    experiment = simulator.load_experiment("sdr_headcount", ["org.routing={awareness:sdr}"])
    assert all(spec.config.org.routing["awareness"] == "sdr" for spec in experiment.scenarios)
    # the scenarios' own values win over a mapping merged after Hydra's composition, with a note each
    experiment = simulator.load_experiment(
        "sdr_headcount", ["org.teams.sdr={headcount:5}", "org.handoff={delay_days:{dist:gamma,mean:2,cv:0.5}}"]
    )
    assert [spec.config.org.teams["sdr"].headcount for spec in experiment.scenarios] == [2, 3, 5, 6]
    assert "scenario sdr_2 sets org.teams.sdr.headcount=2, which replaces your org.teams.sdr={headcount:5}" in (
        capsys.readouterr().err
    )
    experiment = simulator.load_experiment("hiring_plan", ["workforce.teams.full_cycle={hires:[{month:2,count:2}]}"])
    hires = {s.name: s.config.workforce.teams["full_cycle"].hires for s in experiment.scenarios[:2]}
    assert [h.count for h in hires["all_in_january"]] == [4]  # a scenario's own + setting wins too
    assert [h.month for h in hires["spread_evenly"]] == [1, 4, 7, 10]
    # a distribution inside the mapping replaces the one there whole (its keys are not mixed with the old ones)
    experiment = simulator.load_experiment(None, ["org.handoff={delay_days:{dist:gamma,mean:2,cv:0.5}}"])
    delay = experiment.scenarios[0].config.org.handoff.delay_days
    assert delay.kind == "gamma" and delay.mean == pytest.approx(2.0)
    with pytest.raises(ConfigError) as raised:
        simulator.load_experiment(
            None,
            [
                "org.teams.full_cycle.skill={mean:0,sdd:1}",
                "org.teams.sdr.skill={mean:0,sdd:1}",
                "org.teams.full_cycle.headcont=3",
                "org.teams.full_cycle.hours_per_day=inf",
            ],
        )
    with pytest.raises(ConfigError, match=r"pipeline\.stages is a list, not a mapping"):  # not an AttributeError
        simulator.load_experiment(None, ["pipeline.stages={a:1}"])
    keys = [issue.key for issue in raised.value.issues]
    assert keys == [
        "org.teams.full_cycle.skill.sdd",
        "org.teams.sdr.skill.sdd",
        "org.teams.full_cycle.headcont",
        "[scenario generalist] org.teams.full_cycle.hours_per_day",
    ], keys


def test_a_plus_setting_of_a_team_applies_where_the_team_is_and_a_new_entry_everywhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "org.teams.full_cycle.time_allocation.reserved_hours_per_week"
    experiment = simulator.load_experiment(None, [f"+{key}.partner=1"])
    generalist, specialist = (spec.config.org.teams for spec in experiment.scenarios)
    assert generalist["full_cycle"].time_allocation.reserved_hours_per_week["partner"] == 1
    assert "full_cycle" not in specialist  # no team of one setting made there
    assert f"+{key}.partner=1 does not apply to scenario specialist" in capsys.readouterr().err
    with pytest.raises(ConfigError) as raised:  # the same inside a mapping, without +: the + is offered
        simulator.load_experiment(None, [f"{key}={{prospecting:2,partner:1}}"])
    (issue,) = raised.value.issues
    assert issue.key == f"{key}.partner" and issue.allowed.endswith(f"add it with a leading +, +{key}.partner=1")
    experiment = simulator.load_experiment(None, ["+market.sources.events={leads_per_month:10}"])
    assert all("events" in spec.config.market.sources for spec in experiment.scenarios)  # no scenario had it
    # a team's hires where the org has the team; a + inside an entry named like one there is a typo
    generalist, specialist = simulator.load_experiment(
        None, ["+workforce.teams.full_cycle.hires=[{month:3,count:1}]"]
    ).scenarios
    assert (
        generalist.config.workforce.teams["full_cycle"].hires and "full_cycle" not in specialist.config.workforce.teams
    )
    with pytest.raises(ConfigError) as raised:  # a + distribution over one there would mix their keys
        simulator.load_experiment(None, ["+market.deal_value={dist:gamma,mean:1,cv:1}"])
    assert [str(i) for i in raised.value.issues] == [
        "market.deal_value = {dist: gamma, mean: 1, cv: 1}: is already in the config: set it without the +, "
        "'market.deal_value={dist:gamma,mean:1,cv:1}'"
    ]
    with pytest.raises(ConfigError) as raised:  # once, not once a scenario
        simulator.load_experiment(None, ["+workforce.teams.aee.hires=[{month:3,count:1}]"])
    assert [str(i) for i in raised.value.issues] == [
        "workforce.teams.aee.hires = [{month: 3, count: 1}]: no scenario's org has team aee; did you mean "
        "'workforce.teams.ae'?"
    ]
    with pytest.raises(ConfigError) as raised:
        simulator.load_experiment(None, ["+org.teams.sdrr.specialist_uplift=0.1"])
    assert [str(i) for i in raised.value.issues] == [
        "org.teams.sdrr.specialist_uplift = 0.1: no scenario has org.teams.sdrr, and this + would make it from this "
        "one setting; did you mean 'org.teams.sdr'?"
    ]


def test_an_experiment_of_your_own_from_an_installed_wheel(tmp_path: Path) -> None:
    """Build the wheel, install it (not editable) in a fresh venv and run a user experiment from a folder.

    The fresh venv has no packages of its own: a ``.pth`` line lends it this environment's
    site-packages for the dependencies (a plain path line, so this environment's editable
    hook is not run and ``simulator`` can only come from the installed wheel).
    """
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (pip install -e '.[dev]')")
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels)]
    subprocess.run([*build, str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("salesim-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (Path(site) / "salesim_test_deps.pth").write_text("\n".join(ours) + "\n")
    install = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SALESIM_CONFIG_DIR")}
    folder, out = user_folder(tmp_path), tmp_path / "run"
    script = (
        "import simulator as ss, simulator.config_search as c\n"
        "print(ss.__file__, c.config_dir())\n"
        f"e = ss.load_experiment('bigger_desk', ['hydra.searchpath=[file://{folder}]'])\n"
        "print(e.seed, e.runs)\n"
    )
    api = subprocess.run([python, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert api.returncode == 0, api.stderr
    where, seed_runs = api.stdout.splitlines()
    assert all(Path(p).is_relative_to(venv) for p in where.split()), where  # the wheel, not this checkout
    assert (Path(where.split()[1]) / "experiment" / "sdr_headcount.yaml").is_file()  # shipped experiments packaged
    assert seed_runs == "99 3"
    command = [python, "-m", "simulator", "--config-dir", str(folder), "experiment=bigger_desk", f"hydra.run.dir={out}"]
    done = subprocess.run(  # the SimPy engine: the compiled one would compile from cold for this venv (~2 minutes)
        [*command, "runner.workers=1", "runner.progress=false", "runner.engine=simpy"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["seed"], summary["runs"]) == (99, 3)
    assert "| five | org.teams.sdr.headcount | 4 | 5 |" in (out / "report.md").read_text()


def test_problems_of_different_scenarios_are_reported_in_one_message(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    """A key typo in one scenario hid another scenario's bad value until the next run."""
    folder = tmp_path / "mine" / "experiment"
    folder.mkdir(parents=True)
    (folder / "two.yaml").write_text(
        "# @package _global_\n"
        "experiment:\n  name: two\n  baseline: a\n  scenarios:\n    a: []\n"
        "    b: [org.teams.full_cycle.headcont=13]\n    c: [pipelines.retention.renewal.size_logit=-2]\n"
    )
    done = runs_nothing(
        command_line, "--config-dir", str(tmp_path / "mine"), "experiment=two", "--describe", cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert "invalid configuration (2 problems)" in done.stderr
    assert "[scenario b] org.teams.full_cycle.headcont = 13" in done.stderr
    assert "[scenario c] pipelines.retention.renewal.size_logit = -2: must be 0 or greater" in done.stderr


def test_a_rate_every_month_of_a_dated_series_replaces_is_refused_and_one_with_months_left_is_not() -> None:
    """leads_per_month=500 on a calibrated company changed nothing: its leads_by_month gives every month."""
    from simulator.config.fed_sources import ignored_rate

    config = {
        "clock": {"start_date": "2017-10-01", "horizon_days": 65},
        "market": {"sources": {"crm": {"leads_per_month": 792, "leads_by_month": {"2017-10": 792, "2017-11": 792}}}},
    }
    key = "market.sources.crm.leads_per_month"
    assert ignored_rate(config, key) is None  # December is not in the series: the rate acts there
    config["market"]["sources"]["crm"]["leads_by_month"]["2017-12"] = 792
    reason = ignored_rate(config, key)
    assert reason is not None and "gives every month of the run (2017-10 to 2017-12)" in reason
    assert "leads_by_month={2017-10:N,2017-11:N,2017-12:N}" in reason and "~market.sources.crm.leads_by_month" in reason
    notes, issues = rate_notes_and_issues([(f"{key}=500", key, 500)], {}, {"as_is": config})
    assert [issue.key for issue in issues] == [key] and not notes


def test_a_feeding_pipeline_switched_off_says_its_source_now_draws_at_the_markets_rate() -> None:
    """pipelines.partner=null had turned ~33 referrals a year into 300 steady partner leads: +31% bookings, no word."""
    from simulator.run.experiment import COMPARISON_NOTES

    off = simulator.load_experiment(None, ["pipelines.partner=null"])
    (note,) = off.resolved_config[COMPARISON_NOTES]  # said beside the answer, not only before the runs
    assert note.startswith(
        "pipelines.partner is off: the partner source's leads are then no partner referrals but a steady 25 a month "
        "(market.sources.partner.leads_per_month, about 300 a year)"
    )
    assert "set market.sources.partner.leads_per_month=0 too" in note
    silent = simulator.load_experiment(None, ["pipelines.partner=null", "market.sources.partner.leads_per_month=0"])
    assert silent.resolved_config[COMPARISON_NOTES] == []
    assert simulator.load_experiment(None).resolved_config[COMPARISON_NOTES] == []
    one = simulator.load_experiment(
        None, ["experiment.scenarios.specialist=['org=specialist','pipelines.prospecting=null']"]
    )
    (note,) = one.resolved_config[COMPARISON_NOTES]
    assert note.startswith("pipelines.prospecting is off in scenario specialist: the outbound source's leads are then")


def test_the_pipeline_off_note_gives_each_scenarios_own_rate_and_costs() -> None:
    """Two scenarios at 10 and 40 partner leads a month, $0 and $30 a lead, had both been told 40 and $30."""
    from simulator.config.fed_sources import unfed_notes

    def off(rate: float, per_lead: float, margin: float) -> dict[str, object]:
        sources = {"partner": {"leads_per_month": rate}}
        costs = {"partner": {"cost_per_lead": per_lead, "margin": margin}}
        return {"pipelines": {"prospecting": {}}, "market": {"sources": sources}, "economics": {"sources": costs}}

    on = {"pipelines": {"prospecting": {}, "partner": {"source": "partner"}}}
    (note,) = unfed_notes({"base": on, "low": off(10, 0, 0.2), "high": off(40, 30, 0.15)})
    assert note.startswith("pipelines.partner is off in scenarios low, high: ")
    assert "(market.sources.partner.leads_per_month: 10 in low, 40 in high)" in note
    assert (
        "; in low, paying economics.sources.partner.margin (20%) of their bookings in fees; in high, each costing "
        in (note)
    )
    assert "cost_per_lead ($30), paying economics.sources.partner.margin (15%)" in note


def test_a_scenario_changing_only_what_runs_are_measured_against_is_noted_and_its_runs_are_the_same() -> None:
    """A 4-hour service level at first touch read 'the same in every run' on bookings and 'no clear difference'
    elsewhere, with no word that a service level is only measured: no rep works to it."""
    from simulator.config.measured_only import measured_only_notes
    from simulator.run.experiment import COMPARISON_NOTES

    overrides = [
        '+experiment.scenarios.sla_4h=["+sla.stages.awareness=0.17"]',
        '+experiment.scenarios.plan_5m=["plan.bookings=5000000"]',
        '+experiment.scenarios.both=["+sla.stages.awareness=0.17","plan.bookings=5000000"]',
        '+experiment.scenarios.bigger=["+sla.stages.awareness=0.17","org.teams.full_cycle.headcount=14"]',
        "~experiment.scenarios.specialist",
        "runs=3",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiment = simulator.load_experiment(overrides=overrides)
    notes = [n for n in experiment.resolved_config[COMPARISON_NOTES] if "differs from the baseline" in n]
    assert [n.split(" differs")[0] for n in notes] == ["scenario sla_4h", "scenario plan_5m", "scenario both"]
    assert "only in sla: the service levels (sla.stages) only count breaches" in notes[0]
    assert "only in plan, sla:" in notes[2]  # a headcount beside it moves the runs: no note for 'bigger'
    # what the note says holds: the runs are the same but for the measured KPIs
    result = simulator.run_experiment(experiment, workers=1)
    runs = result.replications.set_index(["scenario", "replication"])
    base, sla = runs.loc["generalist"], runs.loc["sla_4h"]
    moved = [k for k in base.columns if not base[k].equals(sla[k])]
    # the breaches and the visits they are over (those whose SLA fell due in the window) move with the SLA
    assert moved and all(k.startswith(("sla_breach_", "sla_visits_")) for k in moved), moved
    assert measured_only_notes({"a": {"sla": {}}}, "missing") == []


def test_the_plan_s_note_names_every_kpi_a_plan_alone_moves() -> None:
    """A scenario changing plan.assumed_attainment alone was told 'the plan only sets what hit_plan compares bookings
    with ... every other KPI is the same in every run', its capacity_spreadsheet and capacity_gap_coverage, _ramp and
    _attrition differing in every run (and plan.bookings moves plan_shortfall and pipeline_coverage too)."""
    from simulator.config.measured_only import measured_only_notes

    notes = measured_only_notes(
        {"a": {"plan": {"assumed_attainment": 0.5}}, "b": {"plan": {"assumed_attainment": 0.8}}}, "a"
    )
    assert len(notes) == 1
    for kpi in ("hit_plan", "plan_shortfall", "pipeline_coverage", "capacity_spreadsheet", "capacity_gap_*"):
        assert kpi in notes[0], notes[0]
