"""The README's Python API block runs as written (smaller: 2 runs a scenario, the search's problem built, not run).

A fresh user found it did not: ``config_dict`` was never defined, the shipped config's
baseline was not among the block's scenarios (a bare KeyError in the sensitivity study),
and the last line asked for a scenario the block had replaced.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.scenarios import ROOT

SMALLER = (
    ("runs=100", "runs=2"),
    ("runs=10,", "runs=2,"),
    ('ss.load_experiment("generalist_vs_specialist")', 'ss.load_experiment("generalist_vs_specialist", ["runs=2"])'),
    ("found = optimise(", "problem = ("),  # the search is tested in test_optimisation.py: here its inputs
    # its levers of one section (workforce's 5: 11 scenarios; market's 13 had taken 6-7 s of CPU, workforce's 2.6),
    # every section: test_sensitivity.py
    ('method="none")', 'method="none", sections=("workforce",))'),
)


def readme_api_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API (notebooks)", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_readme_python_block_runs(tmp_path: Path) -> None:
    code = readme_api_block()
    for old, new in SMALLER:
        assert old in code, old
        code = code.replace(old, new)
    code += "\nassert (Path('my_run') / 'report.md').is_file() and problem.budget == 3.5e6\n"
    code = "from pathlib import Path\n" + code
    script = tmp_path / "block.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_dict_experiment_whose_config_names_a_baseline_it_lacks_is_refused_naming_it() -> None:
    import pytest

    import simulator as ss

    config = dict(ss.load_experiment("generalist_vs_specialist", ["runs=2"]).resolved_config["base"])
    with pytest.raises(ss.ConfigError) as caught:
        ss.experiment_from_dict(
            config, {"today": {}, "more_reps": {"org": {"teams": {"full_cycle": {"headcount": 14}}}}}
        )
    (issue,) = caught.value.issues
    assert (issue.key, issue.value) == ("experiment.baseline", "generalist")
    assert issue.allowed.startswith("must be one of the scenarios: today, more_reps")


def test_write_outputs_writes_its_own_folder_again_and_never_a_users_files(tmp_path: Path) -> None:
    """ss.write_outputs had replaced a hand-written report.md and summary.csv without a word."""
    import pytest

    import simulator as ss
    from simulator.io.occupied import OccupiedOutputError
    from simulator.io.output_dir import UnwritableOutputError

    result = ss.run_experiment(ss.load_experiment("generalist_vs_specialist", ["runs=2"]), workers=1)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my notes")
    with pytest.raises(OccupiedOutputError, match=r"report\.md without \.salesim-outputs"):
        ss.write_outputs(result, mine)
    assert [p.name for p in mine.iterdir()] == ["report.md"] and (mine / "report.md").read_text() == "my notes"
    ours = tmp_path / "ours"
    first = ss.write_outputs(result, ours)
    (ours / "funnel.png").unlink()
    (ours / "failures.json").write_text("{}")  # an earlier result's file this one does not write
    again = ss.write_outputs(result, ours)  # its own folder: written again
    assert {p.name for p in again} == {p.name for p in first} and (ours / "funnel.png").is_file()
    assert not (ours / "failures.json").exists()
    (ours / "notes.txt").write_text("mine")
    with pytest.raises(OccupiedOutputError, match=r"notes\.txt\); nothing was written\."):  # the run was made
        ss.write_outputs(result, ours)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(UnwritableOutputError, match="it is a file, not a folder; nothing was written"):
        ss.write_outputs(result, tmp_path / "a_file")
    with pytest.raises(UnwritableOutputError, match=r"a_file is a file, not a folder; nothing was written"):
        ss.write_outputs(result, tmp_path / "a_file" / "below")  # a bare NotADirectoryError had said it


def test_the_readme_counts_the_default_scenarios_levers_as_sensitivity_finds_them() -> None:
    """The README said 136 levers where the study ran 137, then 275 scenarios where it ran 274 (1 rep: no 0)."""
    import simulator
    from simulator.analysis.levers import find_levers, lever_experiment

    experiment = simulator.load_experiment(None, ["runs=2"])
    levers = find_levers(experiment.resolved_config["scenarios"][experiment.baseline])
    built, _ = lever_experiment(experiment, experiment.baseline, levers, 10, [])
    n, scenarios = len(levers), len(built.scenarios)
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"The default scenario has {n} levers, {scenarios} scenarios (the baseline and each lever" in text
    assert f"`--runs 10` is {10 * scenarios:,} replications." in text
