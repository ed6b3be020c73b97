"""Why a scenario's figure sits outside its published range when the baseline's does not: the scenario moved it.

A what-if scenario changes a setting on purpose (``sdr_headcount``'s 6 SDRs, a pod's uplift),
and some of its figures leave their ranges with it: 6 SDRs pass more leads to the AEs, whose
cycle lengthens. Where the baseline reads the same figure inside its range, or outside on
the other side (2 SDRs leave the AEs 65% busy where 4 leave them 90%), and the runs show the
change (its paired difference to the baseline is clear), the scenario's own change is the
cause: a finding of the what-if, not a wrong input. The words here say so beside the
figure, naming the baseline's value and what the scenario changes. A figure outside on the
same side in the baseline (it shares the baseline's cause), a change the runs do not show
("more runs would tell" is not blamed on the scenario), or a figure another reason already
explains gets no such words: a figure out on the same side as the baseline's is said to be the
baseline's too (:func:`shared_words`), with whether the scenario's change clearly moves it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from simulator.analysis.benchmarks import BenchmarkCheck, benchmark_checks, format_in_unit
from simulator.analysis.published_ranges import (
    ARR_PER_ACCOUNT_OWNER,
    EXPANSION_SHARE_LARGER_BOOK,
    EXPANSION_SHARE_SMALLER_BOOK,
    TEAM_UTILISATION,
    WORKING_DAYS_A_YEAR,
    below_key,
    team_key,
)
from simulator.analysis.tables import comparison_of, comparison_row
from simulator.analysis.utilisation import reserved_shares
from simulator.run.differences import scenario_differences
from simulator.run.experiment import ExperimentResult

KEYS_NAMED = 2
"""Settings named before "and N more" when a scenario changes many (a whole org)."""


def _run_kpi(check: BenchmarkCheck) -> str | None:
    """The per-run KPI a benchmarked figure reads (None for a figure worked out from the runs together)."""
    kpi = check.benchmark.kpi
    if kpi == TEAM_UTILISATION:
        return f"utilisation_{check.team}"
    if kpi == ARR_PER_ACCOUNT_OWNER:
        return f"{ARR_PER_ACCOUNT_OWNER}{check.team}"
    if kpi in (EXPANSION_SHARE_SMALLER_BOOK, EXPANSION_SHARE_LARGER_BOOK):
        return "expansion_share_of_new_arr"
    return None if check.team or " " in kpi else kpi


def _moved(comparison: pd.DataFrame, scenario: str, check: BenchmarkCheck) -> bool:
    """True when the scenario's change clearly moves the figure: its paired difference to the baseline is clear.

    A figure no per-run KPI reads (the pooled attainment, a share of queued work) falls back
    on its own interval lying clear of the range (:attr:`BenchmarkCheck.clear`).
    """
    kpi = _run_kpi(check)
    row = comparison_row(comparison, scenario, kpi) if kpi is not None else None
    if row is None:
        return check.clear
    return bool(row["significant"])


def _key(check: BenchmarkCheck) -> str:
    key = team_key(check.benchmark.kpi, check.team) if check.team else check.benchmark.kpi
    return key if check.side > 0 else below_key(key)


SIDES = {-1: "below", 0: "inside", 1: "above"}


def moved_words(baseline: str, theirs: BenchmarkCheck, keys: list[str], own: bool = True) -> str:
    """``sdr_4 reads 34.1%, inside: this scenario's own change (org.teams.sdr.headcount) moves it``.

    ``own``: the keys are the scenario's own overrides; False when the scenario sets nothing
    of its own and differs from the baseline by the baseline's (``hiring_plan``'s
    ``no_hires`` against hires a quarter): then ``what sets it apart from spread_evenly
    (workforce.teams.full_cycle) moves it``.
    """
    named = ", ".join(keys[:KEYS_NAMED]) + (f" and {len(keys) - KEYS_NAMED} more" if len(keys) > KEYS_NAMED else "")
    change = f" ({named})" if named else ""
    value = format_in_unit(theirs.value, theirs.benchmark.unit)
    cause = "this scenario's own change" if own else f"what sets it apart from {baseline}"
    return f"{baseline} reads {value}, {SIDES[theirs.side]}: {cause}{change} moves it"


def shared_words(baseline: str, theirs: BenchmarkCheck, check: BenchmarkCheck, moved: bool | None) -> str:
    """``today reads 59.0%, above too, its CI reaching the range: this scenario's change does not clearly move it``.

    ramp_and_coaching's fast_ramp_and_coaching read "median quota attainment of ramped reps 59.4%; published
    43–54% (5.4 points above)" with no cause, beside a baseline at 59.0%, above as well: the figure is the
    baseline's, not the scenario's finding, and the words say so (with whether its own change moves it).
    """
    value = format_in_unit(theirs.value, theirs.benchmark.unit)
    reach = "" if theirs.clear else ", its CI reaching the range"
    head = f"{baseline} reads {value}, {SIDES[theirs.side]} too{reach}: this scenario's change"
    if moved is None:  # a figure worked out from the runs together: no paired difference says whether it moved
        return f"{baseline} reads {value}, {SIDES[theirs.side]} too{reach}"
    if not moved:
        return f"{head} does not clearly move it"
    toward = check.side * (check.value - theirs.value) < 0
    return f"{head} moves it {'toward' if toward else 'further from'} the range"


def _shown(key: str) -> bool:
    """False for a label (``org.name``, ``org.description``): it names a change, it makes none."""
    return key.split("=", 1)[0].rsplit(".", 1)[-1] not in ("name", "description")


def _changes(result: ExperimentResult) -> dict[str, tuple[list[str], bool]]:
    """Each scenario's own overrides as the experiment wrote them (``org=specialist``), else the keys it changes.

    The flag is True for the scenario's own overrides, False for keys that differ from the
    baseline while the scenario writes none of its own.
    """
    written = ((result.experiment.resolved_config.get("base") or {}).get("experiment") or {}).get("scenarios") or {}
    changed: dict[str, list[str]] = {}
    for difference in scenario_differences(result.experiment):
        changed.setdefault(difference.scenario, []).append(difference.key)
    shared = {str(line) for line in written.get(result.experiment.baseline) or []}  # the baseline's too: no change
    found = {}
    for spec in result.experiment.scenarios:
        own = [str(line) for line in written.get(spec.name) or [] if _shown(str(line)) and str(line) not in shared]
        found[spec.name] = (own, True) if own else ([key for key in changed.get(spec.name, []) if _shown(key)], False)
    return found


def moved_reasons(
    result: ExperimentResult,
    summary: pd.DataFrame,
    windows: Mapping[str, float],
    reasons: Mapping[str, Mapping[str, str]],
    year_days: Mapping[str, float] | None = None,
) -> dict[str, dict[str, str]]:
    """Scenario -> reason key -> words, for each figure outside its range that the baseline has inside or opposite.

    ``windows``: each scenario's measured window (years); ``reasons``: the reasons already
    found (scenario -> key -> words): a figure they explain keeps its own. ``year_days``: each
    scenario's working days a year (250 when not given).
    """
    baseline, days = result.experiment.baseline, year_days or {}

    def checks(name: str) -> list[BenchmarkCheck]:
        teams = result.experiment.scenario(name).config.org.teams
        return benchmark_checks(
            summary,
            name,
            windows.get(name, 1.0),
            days_per_year=days.get(name, WORKING_DAYS_A_YEAR),
            reserved=reserved_shares(teams),
        )

    base_checks = {(c.benchmark.kpi, c.team): c for c in checks(baseline)}
    if not base_checks:
        return {}
    changed, comparison = _changes(result), comparison_of(result)
    found: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        if spec.name == baseline:
            continue
        own = reasons.get(spec.name, {})
        for check in checks(spec.name):
            theirs = base_checks.get((check.benchmark.kpi, check.team))
            if check.side == 0 or theirs is None or _key(check) in own:
                continue
            if theirs.side == check.side:  # the baseline's figure is out on the same side: say so, not nothing
                if check.side < 0 and check.benchmark.reads_low:  # its cause is said already (what it leaves out)
                    continue
                kpi = _run_kpi(check)
                row = comparison_row(comparison, spec.name, kpi) if kpi is not None else None
                moved = None if row is None else bool(row["significant"])  # no paired KPI: no word on a move
                found.setdefault(spec.name, {})[_key(check)] = shared_words(baseline, theirs, check, moved)
                continue
            if not _moved(comparison, spec.name, check):  # noise ("more runs would tell"), not the change
                continue
            keys, written = changed.get(spec.name, ([], True))
            found.setdefault(spec.name, {})[_key(check)] = moved_words(baseline, theirs, keys, written)
    return found
