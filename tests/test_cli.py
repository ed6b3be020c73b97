"""The main job end to end: composing every shipped config, the output contract, determinism, bad input."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator import cli, resume_commands, subcommands
from simulator.config.errors import ConfigError
from simulator.run import batch, local_backend
from simulator.run.experiment import ReplicationFailure
from tests.forked_cli import ForkedCommandLine, forked_command_line
from tests.scenarios import ROOT

EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
ORGS = sorted(p.stem for p in (ROOT / "configs" / "org").glob("*.yaml"))
SHORT = ["clock.horizon_days=60", "clock.warmup_days=0", "runner.progress=false"]
OUTPUTS = [
    "config.yaml",
    "replications.csv",
    "monthly.csv",
    "summary.csv",
    "summary.json",
    "comparison.csv",
    "report.md",
    "funnel.png",
    "kpi_distributions.png",
    "paired_differences.png",
    "bookings_fan.png",
    "utilisation.png",
]


def salesim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def command_line() -> Iterator[ForkedCommandLine]:
    """``python -m simulator`` for the commands that run nothing: each a process of its own, forked from one
    that loaded the app once (:mod:`tests.forked_cli`); a command that runs replications is a subprocess."""
    with forked_command_line() as server:
        yield server


def refused(server: ForkedCommandLine, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m simulator ARGS`` in ``cwd`` (as :func:`salesim`) for a command refused or printing only."""
    return server.run(*args, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_and_runs_small(name: str) -> None:
    experiment = simulator.load_experiment(name, ["runs=2", "clock.horizon_days=40", "clock.warmup_days=0"])
    assert experiment.baseline in [s.name for s in experiment.scenarios]
    assert experiment.question
    result = simulator.run_experiment(experiment, workers=1)
    assert not result.failures
    assert len(result.replications) == 2 * len(experiment.scenarios)
    others = {s.name for s in experiment.scenarios} - {experiment.baseline}
    assert set(result.comparison.scenario) == others
    assert (result.comparison.groupby("scenario").kpi.nunique() == result.comparison.kpi.nunique()).all()
    # the report opens with the answer, read on the experiment's own decision KPIs
    from simulator.analysis.answer_words import kpi_phrase
    from simulator.report.document import render_report

    decision = experiment.decision
    assert decision is not None, f"{name} names no decision KPIs (experiment.decision)"
    text = render_report(result, ROOT, [])
    first = text.split("## The answer\n\n", 1)[1].split("\n", 1)[0]
    assert text.split("\n## ")[1].startswith("The answer\n")  # the first section
    assert kpi_phrase(result, decision.primary) in first, (name, first)
    line = text.split("*Decision KPIs:* ", 1)[1].split("\n", 1)[0]
    assert all(f"`{k}`" in line for k in [decision.primary, *decision.guardrails]), line


@pytest.mark.parametrize("org", ORGS)
def test_every_org_design_composes(org: str) -> None:
    experiment = simulator.load_experiment(overrides=[f"org={org}", "runs=1"])
    for spec in experiment.scenarios:
        spec.compile()


def test_main_command_writes_the_output_contract(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = salesim("runs=4", "runner.workers=1", f"hydra.run.dir={out}", *SHORT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "generalist" in done.stdout and "specialist" in done.stdout and str(out) in done.stdout
    for name in OUTPUTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    replications = pd.read_csv(out / "replications.csv")
    assert list(replications.columns[:2]) == ["scenario", "replication"]
    assert len(replications) == 8 and {"bookings", "deals_won", "win_rate"} <= set(replications.columns)
    summary = pd.read_csv(out / "summary.csv")
    assert {"scenario", "kpi", "mean", "std", "ci_low", "ci_high", "p10", "p50", "p90"} <= set(summary.columns)
    finite = summary.dropna(subset=["ci_low", "ci_high"])
    assert ((finite.ci_low <= finite["mean"] + 1e-9) & (finite["mean"] <= finite.ci_high + 1e-9)).all()
    # the figures of the runs together the report cites are in the file too (they were in none)
    reps = pd.read_csv(out / "reps.csv")
    pooled = summary[summary.kpi == "quota_attainment_pooled_p50"].set_index("scenario")["mean"]
    medians = reps.dropna(subset=["quota_attainment"]).groupby("scenario")["quota_attainment"].median()
    assert set(pooled.index) == {"generalist", "specialist"}
    assert (pooled - medians[pooled.index]).abs().max() < 1e-6, (pooled, medians)
    assert set(summary[summary.kpi == "sales_marketing_per_new_arr"].scenario) == {"generalist", "specialist"}
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison.scenario) == {"specialist"} and set(comparison.baseline) == {"generalist"}
    assert comparison.kpi.is_unique
    meta = json.loads((out / "summary.json").read_text())
    assert meta["seed"] == 2026 and meta["runs"] == 4
    config = (out / "config.yaml").read_text()
    assert "salesim_version" in config and "seed: 2026" in config
    report = (out / "report.md").read_text()
    assert "specialist" in report and "funnel.png" in report


def test_same_seed_gives_byte_identical_replications(tmp_path: Path) -> None:
    args = ["runs=30", "seed=1", "clock.horizon_days=60", "clock.warmup_days=0", "runner.progress=false"]
    first = salesim(*args, "runner.workers=1", f"hydra.run.dir={tmp_path / 'a'}", cwd=tmp_path)
    second = salesim(*args, "runner.workers=2", f"hydra.run.dir={tmp_path / 'b'}", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    a = (tmp_path / "a" / "replications.csv").read_bytes()
    b = (tmp_path / "b" / "replications.csv").read_bytes()
    assert a == b


def test_results_do_not_depend_on_workers_or_batches() -> None:
    experiment = simulator.load_experiment(overrides=["runs=6", "clock.horizon_days=50", "clock.warmup_days=0"])
    one = simulator.run_experiment(experiment, workers=1)
    two = simulator.run_experiment(experiment, workers=2, batch_size=1)
    pd.testing.assert_frame_equal(one.replications, two.replications)
    pd.testing.assert_frame_equal(one.monthly, two.monthly)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("org.teams.full_cycle.headcount=-2", "org.teams.full_cycle.headcount = -2"),
        ("org.default_team=nobody", "org.default_team = 'nobody'"),
        ("pipeline.stages.1.conversion=1.4", "pipeline.stages.1.conversion = 1.4"),
        ("market.deal_value.p90=100", "market.deal_value.p90 = 100"),
        ("org.teams.full_cycle.assignment=lottery", "org.teams.full_cycle.assignment = 'lottery'"),
    ],
)
def test_bad_value_gives_one_clear_message_and_no_results(
    tmp_path: Path, override: str, named: str, command_line: ForkedCommandLine
) -> None:
    out = tmp_path / "outputs" / "run"
    done = refused(command_line, override, "runs=2", f"hydra.run.dir={out}", *SHORT, cwd=tmp_path)
    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_refused_run_removes_only_the_folders_it_created(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    mine = tmp_path / "mine"  # an empty folder of the user's, and the run folder inside it
    mine.mkdir()
    done = refused(command_line, "seed=-1", f"hydra.run.dir={mine / 'run'}", *SHORT, cwd=tmp_path)
    assert done.returncode == 2 and "seed = -1" in done.stderr
    assert mine.is_dir() and not (mine / "run").exists()
    inside = tmp_path / "new" / "deeper" / "run"  # every folder of it new: all go
    done = refused(command_line, "seed=-1", f"hydra.run.dir={inside}", *SHORT, cwd=tmp_path)
    assert done.returncode == 2 and not (tmp_path / "new").exists()
    launch = tmp_path / "launch"
    launch.mkdir()
    outside = tmp_path / "far" / "new2" / "new3"  # outside the launch folder, three new levels: all go
    done = refused(command_line, "seed=-1", f"hydra.run.dir={outside}", *SHORT, cwd=launch)
    assert done.returncode == 2 and not (tmp_path / "far").exists()
    (mine / "run").mkdir()  # the run folder itself is the user's: it and its parent stay
    done = refused(command_line, "seed=-1", f"hydra.run.dir={mine / 'run'}", *SHORT, cwd=tmp_path)
    assert done.returncode == 2 and (mine / "run").is_dir()
    done = refused(command_line, "--describe", f"hydra.run.dir={mine / 'run'}", *SHORT, cwd=tmp_path)
    assert done.returncode == 0 and (mine / "run").is_dir()


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("+no_such_key=1", "no_such_key = 1: unknown key (known: clock, economics, effects, experiment, forecast"),
        ("clock.horizon_days=1e9", "clock.horizon_days = 1000000000: must be a finite number of working days > 0"),
        ("market.sources.inbound.leads_per_month=1e9", "leads expected per replication"),
        ("org.teams.full_cycle.headcount=1000000", "reps in one replication (headcount and hires); at most 100,000"),
    ],
)
def test_unknown_top_level_key_and_sizes_that_cannot_run_are_refused_up_front(
    tmp_path: Path, override: str, named: str, command_line: ForkedCommandLine
) -> None:
    out = tmp_path / "outputs" / "run"
    done = refused(command_line, override, "runs=2", f"hydra.run.dir={out}", "runner.progress=false", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert named in done.stderr and "nothing was run" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_unknown_key_on_the_command_line_is_refused(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    done = refused(command_line, "org.teams.full_cycle.headcont=3", "runs=2", cwd=tmp_path)
    assert done.returncode != 0
    assert "headcont" in done.stderr
    assert not (tmp_path / "outputs").exists()


def test_a_plus_on_a_key_the_folder_has_is_told_with_what_its_value_would_meet(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    """+quota=600 was told to drop the +, and then, on the next run, that $600 a year is typed in thousands."""
    folder = tmp_path / "mine"
    (folder / "experiment").mkdir(parents=True)
    (folder / "experiment" / "mine.yaml").write_text((ROOT / "configs" / "experiment" / "plan_check.yaml").read_text())
    done = refused(
        command_line,
        "--config-dir",
        str(folder),
        "experiment=mine",
        "+economics.roles.full_cycle.quota=700",
        "runs=2",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "economics.roles.full_cycle.quota = 700: is already in the config: drop the +; and it is $700 a year, " in (
        done.stderr
    )
    assert not (tmp_path / "outputs").exists()
    fine = refused(
        command_line,
        "--config-dir",
        str(folder),
        "experiment=mine",
        "+economics.roles.full_cycle.quota=700000",
        cwd=tmp_path,
    )
    assert "set it without the +, economics.roles.full_cycle.quota=700000" in fine.stderr  # nothing else to say


def test_a_plus_refusal_quotes_the_other_overrides_as_typed(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """``+seed=5 org.teams.ae.role=wizard`` noted '++org.teams.ae.role=wizard does not apply ...'."""
    out = tmp_path / "out"
    done = refused(command_line, "+seed=5", "org.teams.ae.role=wizard", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "++" not in done.stderr, done.stderr
    assert "note: org.teams.ae.role=wizard does not apply to scenario generalist" in done.stderr, done.stderr
    assert "invalid configuration (2 problems)" in done.stderr and "[scenario specialist] org.teams.ae.role" in (
        done.stderr
    )
    assert not out.exists() and "Traceback" not in done.stderr


def test_a_failing_replication_does_not_lose_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    experiment = simulator.load_experiment(overrides=["runs=5", "clock.horizon_days=40", "clock.warmup_days=0"])
    real = batch.run_replication

    def flaky(
        scenario: simulator.Scenario, seed: int, replication: int, engine: str = "auto"
    ) -> simulator.ReplicationResult:
        if scenario.name == "specialist" and replication == 3:
            raise RuntimeError("boom")
        return real(scenario, seed, replication, engine)

    monkeypatch.setattr(batch, "run_replication", flaky)
    result = simulator.run_experiment(experiment, workers=1)
    assert result.failures == [
        ReplicationFailure("specialist", 3, experiment.seed, "RuntimeError: boom", result.failures[0].traceback)
    ]
    assert "boom" in result.failures[0].traceback
    # the others are kept; run 3 of the baseline is left out with it, so both are read over the same runs
    assert len(result.replications) == 8 and result.partners_left_out == 1
    assert set(result.replications["replication"]) == {0, 1, 2, 4}


def test_failures_in_worker_processes_are_reported() -> None:
    experiment = simulator.load_experiment(overrides=["runs=3", "clock.horizon_days=40", "clock.warmup_days=0"])
    broken = experiment.scenarios[1].compile()
    object.__setattr__(broken.deal_value, "code", 99)  # an unknown distribution code raises in every run
    scenarios = [experiment.scenarios[0].compile(), broken]
    outcomes: list[batch.Outcome] = []
    with local_backend.PoolBackend(scenarios, 1, 2, ["simpy", "simpy"]) as pool:
        pool.run(batch.plan_batches(2, 3, 2), lambda _batch, done: outcomes.extend(done))
    failed = [o for o in outcomes if isinstance(o, ReplicationFailure)]
    assert sorted(f.replication for f in failed) == [0, 1, 2]
    assert all(f.scenario == "specialist" and "Traceback" in f.traceback for f in failed)


def test_experiment_from_dict_for_notebooks() -> None:
    from tests.scenarios import shipped

    config = {**shipped("generalist"), "seed": 5, "runs": 2, "experiment": {"name": "nb", "question": "q?"}}
    config["clock"].update(horizon_days=40, warmup_days=0)
    experiment = simulator.experiment_from_dict(
        config, {"base": {}, "more_reps": {"org": {"teams": {"full_cycle": {"headcount": 16}}}}}
    )
    result = simulator.run_experiment(experiment, workers=1)
    assert list(result.comparison.scenario.unique()) == ["more_reps"]
    with pytest.raises(ConfigError, match="headcount"):
        simulator.run_experiment(
            simulator.experiment_from_dict(config, {"bad": {"org": {"teams": {"full_cycle": {"headcount": 0}}}}})
        )


def test_exit_status_says_when_replications_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator import cli

    real = batch.run_replication

    def flaky(
        scenario: simulator.Scenario, seed: int, replication: int, engine: str = "auto"
    ) -> simulator.ReplicationResult:
        if replication == 1:
            raise ValueError("bad luck")
        return real(scenario, seed, replication, engine)

    monkeypatch.setattr(batch, "run_replication", flaky)
    out = tmp_path / "run"
    argv = ["salesim", "runs=3", "runner.workers=1", f"hydra.run.dir={out}", *SHORT]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_REPLICATION_FAILURES
    failures = json.loads((out / "failures.json").read_text())
    assert {(f["scenario"], f["replication"]) for f in failures} == {("generalist", 1), ("specialist", 1)}
    assert all("bad luck" in f["traceback"] for f in failures)
    assert len(pd.read_csv(out / "replications.csv")) == 4
    assert "replication 1 of scenario generalist (seed 2026) failed" in capsys.readouterr().err


@pytest.mark.skipif(
    local_backend.START_METHOD != "fork", reason="the patched function reaches workers only when forked"
)
def test_a_dead_worker_is_replaced_and_its_batches_resubmitted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    experiment = simulator.load_experiment(overrides=["runs=4", "clock.horizon_days=40", "clock.warmup_days=0"])
    marker = tmp_path / "died-once"
    real = batch.run_replication

    def dies_once(
        scenario: simulator.Scenario, seed: int, replication: int, engine: str = "auto"
    ) -> simulator.ReplicationResult:
        if replication == 2 and not marker.exists():
            marker.touch()
            os._exit(1)  # the worker process dies without a word
        return real(scenario, seed, replication, engine)

    monkeypatch.setattr(batch, "run_replication", dies_once)
    result = simulator.run_experiment(experiment, workers=2, batch_size=1)
    assert marker.exists()
    assert not result.failures
    assert len(result.replications) == 8
    monkeypatch.setattr(batch, "run_replication", real)
    clean = simulator.run_experiment(experiment, workers=1)
    pd.testing.assert_frame_equal(result.replications, clean.replications)


def test_multirun_sweep_gathers_every_job_and_refuses_before_running_when_a_job_is_invalid(
    tmp_path: Path, command_line: ForkedCommandLine
) -> None:
    sweep = tmp_path / "sweep"
    done = salesim(
        "--multirun",
        "runs=2",
        "runner.workers=1",
        "org.teams.full_cycle.headcount=10,14",
        f"hydra.sweep.dir={sweep}",
        *SHORT,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(sweep / "sweep_summary.csv")
    assert set(table.job) == {0, 1}
    assert table.overrides.str.contains("headcount=14").any()
    bookings = table[(table.kpi == "leads_total") & (table.scenario == "generalist")]
    assert len(bookings) == 2
    failed = refused(
        command_line,
        "--multirun",
        "runs=2",
        "org.teams.full_cycle.headcount=10,0",
        f"hydra.sweep.dir={tmp_path / 'bad'}",
        *SHORT,
        cwd=tmp_path,
    )
    assert failed.returncode == 2
    assert "[job 1: org.teams.full_cycle.headcount=0]" in failed.stderr
    assert "org.teams.full_cycle.headcount = 0" in failed.stderr
    assert not (tmp_path / "bad").exists()  # every job is checked before any runs


def test_a_sweep_names_a_problem_once_with_the_jobs_that_have_it() -> None:
    from simulator.config.errors import ConfigIssue
    from simulator.sweep_job_words import merged_job_issues

    everywhere = ConfigIssue("org.teams.full_cycle.skill.sdd", 1, "no such key in the config")
    some = ConfigIssue("org.teams.full_cycle.headcount", 0, "must be a whole number >= 1")
    found = {"0: headcount=0 runs=2": [everywhere, some], "1: headcount=0 runs=3": [everywhere, some]}
    found["2: headcount=3 runs=2"] = [everywhere]
    assert [str(i) for i in merged_job_issues(found, 3)] == [
        "org.teams.full_cycle.skill.sdd = 1: no such key in the config",
        "[jobs 0 (headcount=0 runs=2), 1 (headcount=0 runs=3)] org.teams.full_cycle.headcount = 0: must be a whole "
        "number >= 1",
    ]
    assert [str(i) for i in merged_job_issues({"1: headcount=0": [some]}, 2)] == [
        "[job 1: headcount=0] org.teams.full_cycle.headcount = 0: must be a whole number >= 1"
    ]
    # a misspelt key swept over two values was told once a job, each line the same but its value
    words = "no scenario of x has this key; did you mean 'org.teams.full_cycle.headcount'?"
    swept = {
        f"{k}: headcont={v}": [ConfigIssue("org.teams.full_cycle.headcont", v, words)] for k, v in [(0, 10), (1, 12)]
    }
    assert [str(i) for i in merged_job_issues(swept, 2)] == [
        f"[jobs 0, 1] org.teams.full_cycle.headcont = [10, 12]: {words}"
    ]


def test_console_script_is_the_same_app(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "salesim"
    if not script.exists():
        pytest.skip("salesim is not installed in this environment (pip install -e .)")
    command = [str(script), "--cfg", "job", "runs=7"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "runs: 7" in done.stdout and "generalist_vs_specialist" in done.stdout


CRM_MAPPING = ROOT / "tests" / "fixtures" / "crm" / "a_opportunities" / "mapping.yaml"
SUBCOMMAND_OUTPUTS = {
    "calibrate": [str(CRM_MAPPING), "--as-of", "2023-02-28", "--until", "2023-04-28"],
    "backtest": [str(CRM_MAPPING), "--as-of", "2023-02-28", "--until", "2023-04-28", "--runs", "10"],
    "warmup": ["--runs", "2", "--years", "0.2", *SHORT[2:]],
    "sensitivity": ["--params", "org.teams.full_cycle.headcount", "--runs", "2", "--global", "none", *SHORT],
    "optimise": ["--team", "full_cycle=11:12", "--trials", "1", "--runs", "2", "--final-runs", "2", *SHORT],
}


@pytest.mark.parametrize("command", sorted(SUBCOMMAND_OUTPUTS))
def test_every_command_refuses_an_output_folder_it_cannot_write_before_running(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("in the way\n")
    out = blocker / "results"

    def no_runs(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the output folder cannot be written")

    for module, name in (
        ("simulator.run.backtest", "run_origin"),
        ("simulator.analysis.warmup_study", "study_warmup"),
        ("simulator.report.sensitivity_report", "run_sensitivity"),  # imported by the command where it runs
        ("simulator.analysis.optimisation", "optimise"),  # imported by the command where it runs
    ):
        monkeypatch.setattr(f"{module}.{name}", no_runs)
    code = cli.SUBCOMMANDS[command]([*SUBCOMMAND_OUTPUTS[command], "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"cannot write results to {out}: a file is in the way where a folder should be" in err
    assert "Traceback" not in err and sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_a_warm_up_study_past_the_year_9999_is_refused_naming_its_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("simulator.analysis.warmup_study.study_warmup", lambda *a, **k: pytest.fail("simulated"))
    args = ["--runs", "2", "--years", "20", "--out", str(tmp_path / "w"), "clock.start_date=9980-01-04"]
    assert cli.SUBCOMMANDS["warmup"](args) == 2
    err = capsys.readouterr().err
    assert "--years 20: is too late" in err and "year 9999" in err and not (tmp_path / "w").exists()


@pytest.mark.parametrize("command", ["warmup", "sensitivity", "optimise"])
def test_an_override_a_command_option_replaces_is_refused_not_ignored(command: str) -> None:
    """``salesim warmup runs=3 hydra.run.dir=X`` ran 20 runs into outputs/warmup/... without a word."""
    with pytest.raises(ConfigError) as refused:
        subcommands._command_experiment(command, ["experiment=plan_check", "runs=3", "hydra.run.dir=/tmp/x"])
    allowed = [issue.allowed for issue in refused.value.issues]
    assert allowed == [f"salesim {command} takes --runs N instead", f"salesim {command} takes --out DIR instead"]
    assert subcommands._command_experiment(command, ["experiment=plan_check", "seed=3"]).seed == 3
    with pytest.raises(ConfigError) as refused:
        subcommands._command_experiment(
            command, ["runner.workers=1", "runner.resume=true"], workers_option=command != "warmup"
        )
    allowed = [issue.allowed for issue in refused.value.issues]
    assert allowed[1] == f"salesim {command} takes no resume: run it again"
    assert allowed[0].endswith("takes --workers N instead" if command != "warmup" else "it runs in this process")
    with pytest.raises(ConfigError) as refused:  # a command runs on this machine: Dask would be ignored
        subcommands._command_experiment(command, ["runner=dask", "runner.address=tcp://h:8786"], workers_option=False)
    assert [issue.value for issue in refused.value.issues] == ["runner=dask", "runner.address=tcp://h:8786"]
    assert all("runs in this process" in issue.allowed for issue in refused.value.issues)
    assert subcommands._command_experiment(command, ["runner=local", "runner.engine=simpy"]).seed == 2026


def test_help_lists_the_commands(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """``salesim --help`` showed Hydra's help alone: no word of warmup, sensitivity, optimise, calibrate, backtest."""
    done = refused(command_line, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for command in cli.SUBCOMMANDS:
        assert f"salesim {command} " in done.stdout, command
    assert "--describe" in done.stdout and "== Configuration groups ==" in done.stdout
    assert not list(tmp_path.iterdir())


def test_an_argument_hydra_does_not_know_is_told_once(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    done = refused(
        command_line, "runs=1", "--cfg", "job", "b=2", cwd=tmp_path
    )  # an override after --cfg's value: Hydra's usage
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("usage:") == 1 and "unrecognized arguments: b=2" in done.stderr
    assert not list(tmp_path.iterdir())


def test_cfg_job_tells_how_to_print_a_distribution_given_whole(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """--cfg job refused a gamma over the triangular there as 'no such key in the config'; a run takes it."""
    import shlex

    done = refused(command_line, "--cfg", "job", "org.handoff={delay_days:{dist:gamma,mean:2,cv:0.5}}", cwd=tmp_path)
    assert done.returncode == 2 and "no such key" not in done.stderr, done.stderr
    assert "a run takes it (a distribution given whole replaces the one there)" in done.stderr
    suggested = done.stderr.split("give ", 1)[1].split(" instead")[0]
    assert suggested == "'~org.handoff.delay_days' '+org.handoff.delay_days={dist: gamma, mean: 2, cv: 0.5}'"
    printed = refused(
        command_line, "--cfg", "job", *shlex.split(suggested), cwd=tmp_path
    )  # following it prints the gamma
    assert printed.returncode == 0, printed.stderr
    handoff = printed.stdout.split("  handoff:\n", 1)[1]
    assert "    delay_days:\n      dist: gamma\n      mean: 2\n      cv: 0.5\n" in handoff
    assert not list(tmp_path.iterdir())


def test_a_mistyped_command_is_named_with_the_closest_one(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """``python -m simulator sensitivty --runs 2`` printed Hydra's usage and 'unrecognized arguments: --runs 2'."""
    done = refused(command_line, "sensitivty", "--runs", "2", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "salesim: unknown command 'sensitivty': did you mean 'sensitivity'?" in done.stderr
    assert "usage:" not in done.stderr and "nothing was run" in done.stderr
    assert not list(tmp_path.iterdir())


def test_every_command_option_says_what_it_does_and_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    """``sensitivity --help`` had no words for --global and no default for --sections."""
    with pytest.raises(SystemExit):
        cli.SUBCOMMANDS["sensitivity"](["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--global {morris,sobol,none} then vary the strongest levers together" in shown
    assert "(default market,pipeline,org,workforce,pipelines)" in shown


def test_callbacks_named_by_configs_written_before_they_moved_still_load() -> None:
    """Calibrated companies written by earlier versions name the callbacks as ``simulator.cli``'s."""
    from hydra.utils import get_class

    from simulator import hydra_callbacks

    assert get_class("simulator.cli.OutputCheck") is hydra_callbacks.OutputCheck
    assert get_class("simulator.cli.SweepSummary") is hydra_callbacks.SweepSummary
    shipped = (ROOT / "configs" / "config.yaml").read_text()
    assert "simulator.hydra_callbacks.OutputCheck" in shipped and "simulator.hydra_callbacks.SweepSummary" in shipped


def test_the_resume_command_keeps_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A calibrated company interrupted was told to resume without --config-dir: the shipped company's run."""
    monkeypatch.chdir(tmp_path)
    options = resume_commands.config_options(["--config-dir", "cal", "runs=5", "-cn=mine", "--config-path", "x"])
    assert options == ["--config-dir", str(tmp_path / "cal"), "--config-name", "mine", "--config-path", "x"]
    assert resume_commands.config_options(["--config-dir=cal"]) == ["--config-dir", str(tmp_path / "cal")]
    monkeypatch.setenv("SALESIM_COMMAND_LINE", json.dumps({"config": options[:2]}))
    words = shlex.split(resume_commands.resume_command(["runs=5", "runner.resume=false"], tmp_path / "out"))
    assert words == [
        "python", "-m", "simulator", "--config-dir", str(tmp_path / "cal"), "runs=5", "runner.resume=true",
        f"hydra.run.dir={tmp_path / 'out'}",
    ]  # fmt: skip


def test_a_note_during_the_progress_bar_starts_its_own_line_in_a_log() -> None:
    """A worker's death, said while the bar ran into a log, read '... 5/10 [00:03<00:03]salesim: a worker ...'."""
    import time
    from types import SimpleNamespace

    from simulator.report.session import note_writer

    written: list[str] = []

    def bar(n: int, since: float) -> SimpleNamespace:
        return SimpleNamespace(
            disable=False, n=n, start_t=time.time() - since, write=lambda text, file=None: written.append(text)
        )

    note_writer(bar(5, 10.0))("a worker process died")  # the bar has shown: pytest's stderr is no terminal
    note_writer(bar(0, 10.0))("before any run")  # nothing drawn yet: no empty line
    note_writer(bar(5, 0.0))("within the bar's delay")
    assert written == ["\nsalesim: a worker process died", "salesim: before any run", "salesim: within the bar's delay"]


def test_multirun_is_taken_wherever_it_is_typed() -> None:
    """`runs=10 --multirun org.teams.csm.headcount=9,13` was refused in argparse's words ("unrecognized arguments")."""
    typed = ["runs=10", "--multirun", "org.teams.csm.headcount=9,13", "--config-dir", "mine"]
    assert cli.multirun_first(typed) == ["--multirun", *typed[:1], *typed[2:]]
    assert cli.multirun_first(["a=1", "-m"]) == ["-m", "a=1"] and cli.multirun_first(["a=1"]) == ["a=1"]


def test_config_dir_is_taken_wherever_it_is_typed(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """`runs=5 --config-dir DIR experiment=mine` was refused as 'unrecognized arguments: experiment=mine' (usage)."""
    typed = ["runs=5", "--config-dir", "mine", "experiment=x", "-cn=c", "b=2", "--config-path"]
    assert cli.config_options_first(typed) == [
        "--config-dir",
        "mine",
        "-cn=c",
        "--config-path",
        "runs=5",
        *typed[3:4],
        "b=2",
    ]
    folder = tmp_path / "mine" / "experiment"
    folder.mkdir(parents=True)
    folder.joinpath("mine.yaml").write_text((ROOT / "configs" / "experiment" / "sdr_headcount.yaml").read_text())
    done = refused(
        command_line, "runs=5", "--config-dir", str(tmp_path / "mine"), "experiment=mine", "--describe", cwd=tmp_path
    )
    assert done.returncode == 0 and "usage:" not in done.stderr, done.stderr
    assert "4 scenarios (baseline sdr_4), seed 7, 5 runs each." in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_describe_with_multirun_is_refused_and_writes_nothing(tmp_path: Path, command_line: ForkedCommandLine) -> None:
    """`--multirun --describe` wrote multirun/<experiment>/<time>/multirun.yaml where --describe writes nothing."""
    command = ["runs=10", "org.teams.sdr.headcount=3,5", "--multirun", "--describe"]
    done = refused(command_line, *command, cwd=tmp_path)
    assert done.returncode == 2 and "drop --multirun" in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []
    mode = [*command[:2], "hydra.mode=MULTIRUN", "--describe"]  # Hydra's own setting of the same
    done = refused(command_line, *mode, cwd=tmp_path)
    assert done.returncode == 2 and list(tmp_path.iterdir()) == [], done.stderr


def test_a_backtest_refuses_its_output_folder_before_reading_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder is checked in no time, the export's calibration at each origin in seconds (3.4 s on maven)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("in the way\n")
    args = [str(tmp_path / "no_such_mapping.yaml"), "--as-of", "2023-02-28", "--until", "2023-04-28"]
    assert cli.SUBCOMMANDS["backtest"]([*args, "--out", str(blocker / "results")]) == 2
    err = capsys.readouterr().err
    assert "a file is in the way where a folder should be" in err and "no_such_mapping" not in err, err
