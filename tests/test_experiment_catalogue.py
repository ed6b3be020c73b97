"""experiments/README.md's catalogue names each shipped experiment's scenarios and decision KPIs as its file has them.

A fresh user ran ``experiment=speed_to_lead`` from the catalogue's row (two scenarios,
``closest_to_close, oldest_first``; guardrails first touch and cycle) and got three
scenarios (``newest_first`` too) with a fourth decision KPI (``untouched_lead_share``);
the default experiment's row also lacked that guardrail.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.scenarios import ROOT

CATALOGUE = ROOT / "experiments" / "README.md"


def catalogue_rows() -> dict[str, list[str]]:
    """Experiment name -> the row's cells (question, scenarios, decision KPIs, command)."""
    rows: dict[str, list[str]] = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = re.sub(r"`| \(default\)", "", cells[0])
        rows[name] = cells[1:]
    return rows


def shipped() -> list[str]:
    return sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))


def test_every_shipped_experiment_has_a_row() -> None:
    assert sorted(catalogue_rows()) == shipped()


@pytest.mark.parametrize("name", shipped())
def test_a_row_lists_the_files_scenarios_baseline_first_and_its_decision_kpis(name: str) -> None:
    _question, scenarios, kpis, _command = catalogue_rows()[name]
    experiment = yaml.safe_load((ROOT / "experiments" / f"{name}.yaml").read_text(encoding="utf-8"))["experiment"]
    baseline = experiment.get("baseline") or next(iter(experiment["scenarios"]))
    expected = [baseline, *(s for s in experiment["scenarios"] if s != baseline)]
    assert [s.strip() for s in scenarios.split(",")] == expected
    decision = experiment["decision"]
    assert re.findall(r"`(\w+)`", kpis) == [decision["primary"], *decision.get("guardrails", [])]


@pytest.mark.parametrize("name", shipped())
def test_a_question_says_a_time_in_working_days_where_the_setting_counts_them(name: str) -> None:
    """handoff_quality asked about the AE's catch-up 'from 1.5 to 0.45 days': working days (docs/MODEL.md, Time).

    A setting in days (``*_days``) counts working days, 250 a year: 1.5 of them are about 2.2
    calendar days, so a question that writes them must say which days it means.
    """
    question = yaml.safe_load((ROOT / "experiments" / f"{name}.yaml").read_text(encoding="utf-8"))["experiment"][
        "question"
    ]
    spans = r"\{[^{}]*_days(?:\|[^{}]*)?\}(?:\s*(?:to|or|and|,)\s*\{[^{}]*\})*"  # "from {a} to {b} working days"
    for match in re.finditer(spans + r"\s*(\w+(?: \w+)?)", question):
        assert match.group(1) == "working days", (name, match.group(0))
