"""Checks of a composed base config, named beside the scenarios' own faults when those stop the composition.

A decision KPI or a ``runs=auto`` KPI is otherwise checked only after every scenario
builds (:func:`simulator.analysis.decision.check_experiment`): a typo there was told only
once the other faults were fixed. These read the base config as composed, without the
scenarios, and skip what the scenarios' faults already name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from simulator.analysis.decision import decision_issues, kpi_name_issue
from simulator.config.decision import DecisionSettings
from simulator.config.errors import ConfigIssue


def target_kpi_issues(base: Mapping[str, Any], found: Sequence[ConfigIssue]) -> list[ConfigIssue]:
    """``runs=auto``'s KPI if salesim reports no such KPI, named beside the scenarios' faults (else checked later)."""
    runner = base.get("runner") or {}
    kpi = runner.get("target_kpi") if isinstance(runner, Mapping) else None
    if base.get("runs") != "auto" or not isinstance(kpi, str) or any(i.key == "runner.target_kpi" for i in found):
        return []
    issue = kpi_name_issue("runner.target_kpi", kpi)
    return [issue] if issue is not None else []


def decision_name_issues(base: Mapping[str, Any], found: Sequence[ConfigIssue]) -> list[ConfigIssue]:
    """The decision's KPI-name issues not among ``found`` (none when the decision itself did not parse)."""
    data = (base.get("experiment") or {}).get("decision")
    if data is None:
        return []
    try:
        decision = DecisionSettings.model_validate(data)
    except ValidationError:  # its own issue is among those found
        return []
    keys = {issue.key for issue in found}
    return [issue for issue in decision_issues(decision) if issue.key not in keys]
