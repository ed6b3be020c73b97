"""The sentences of a team-mix answer about the search's edges: the bounds, the target, the mixes not re-run.

Each is a clause :func:`simulator.report.optimisation_report.answer_paragraph` appends to
its answer: the best mix at a bound of the search (a wider search may do better), whether
it reaches the experiment's target (and a cheaper finalist that reaches it too), and the
mixes the search found as good or reaching the target that the final round left out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.analysis.answer_choice import meets_target
from simulator.analysis.finalists import Finalist, NotReRun, not_re_run
from simulator.analysis.formatting import (
    difference_digits,
    format_money,
    format_signed_amount,
    format_signed_range,
    format_value,
    level_unit,
)
from simulator.analysis.kpi_names import kpi_words
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.quantities import direction
from simulator.analysis.team_mix import FEWEST_REPS, Candidate
from simulator.analysis.wording import join_words

MAX_NAMED = 4
"""Mixes left out of the final round named in the answer; the others are counted."""


def mean_ci(kpi: str, mean: float, low: float, high: float, unit: bool = True) -> str:
    """``81.0% (76.0% to 89.0%)``: a mean with its 95% CI in the KPI's unit (the mean alone without one).

    ``unit``: days and hours say theirs after the mean (``22.1 hours of working days (21.1 to 23.2)``),
    as a sentence must; a table's cell leaves it to the header.
    """
    said = f"{format_value(kpi, mean)}{level_unit(kpi) if unit else ''}"
    if not (math.isfinite(low) and math.isfinite(high)):
        return said
    return f"{said} ({format_value(kpi, low)} to {format_value(kpi, high)})"


def figures_words(kpi: str, f: Finalist) -> str:
    """A finalist's KPI and cost of sales, each with its 95% CI."""
    return (
        f"{kpi_words(kpi)} of {mean_ci(kpi, f.mean, f.ci_low, f.ci_high)} for a cost of sales of "
        f"{mean_ci('cost_of_sales', f.cost, f.cost_low, f.cost_high)}"
    )


def bound_words(found: Optimisation, chosen: Finalist) -> str:
    """`` It has as many reps as the bounds allow for full_cycle (14): ...``: the answer at the edge of the search.

    At the upper bound with the budget all but spent (one more rep, at the search's cost per
    rep of that team, would take the pick over it) a wider search finds no mix within the
    budget with more, and the answer says so: plan_check's 16 reps at $4.195M of a $4.2M budget
    had read "a mix beyond them may do better (--team full_cycle=10:18 would tell)", where a
    17th rep costs about $140k.
    """
    bounds = found.problem.bounds
    edges = [
        (team, n, "many" if n == bounds[team][1] else "few")
        for team, n in chosen.candidate.headcounts
        if team in bounds
        and bounds[team][0] < bounds[team][1]
        and n in bounds[team]
        and not (n == bounds[team][0] == FEWEST_REPS)  # no team can have fewer than one rep
    ]
    edges = [(team, n, how) for team, n, how in edges if not (how == "few" and _more_did_better(found, chosen, team))]
    idle = idle_teams(found)  # a team the KPI does not read: no mix beyond its bounds does better
    edges = [(team, n, how) for team, n, how in edges if team not in idle]
    budget = found.problem.window_budget
    spent = {
        team: extra
        for team, _, how in edges
        if how == "many" and budget is not None
        for extra in [_rep_cost(found, chosen, team)]
        if extra is not None and chosen.cost + extra > budget
    }
    # a window that is not a year: its budget and costs are the window's, said so (the opening gives the year's too)
    window = "" if abs(found.problem.window_years - 1.0) < 1e-9 else " over the measured window"
    words = "".join(
        f" It has as many reps as the bounds allow for {team} ({n}), and as the budget allows: one more costs about "
        f"{format_money(spent[team])}{window} by the search's costs, which would take it over the budget"
        f" of {format_money(budget or math.nan)}{window}."
        for team, n, _ in edges
        if team in spent
    )
    edges = [(team, n, how) for team, n, how in edges if team not in spent]
    if not edges:
        return words
    said = [f"as {how} reps as the bounds allow for {team} ({n})" for team, n, how in edges]
    wider = " ".join(
        f"--team {team}={max(1, bounds[team][0] - 2) if how == 'few' else bounds[team][0]}:"
        f"{bounds[team][1] + 2 if how == 'many' else bounds[team][1]}"
        for team, n, how in edges
    )
    return f" It has {' and '.join(said)}: a mix beyond them may do better ({wider} would tell).{words}"


def _rep_cost(found: Optimisation, chosen: Finalist, team: str) -> float | None:
    """The cost of one more rep of ``team``: the slope of the search's mean costs over its headcount.

    The trials with the other teams as chosen, by least squares; None with fewer than two
    headcounts of it simulated, no costs, or a slope that is not positive.
    """
    problem, trials = found.problem, found.trials
    if trials.empty or not {"cost", *problem.bounds} <= set(trials.columns):
        return None
    others = {name: n for name, n in chosen.candidate.headcounts if name != team and name in trials.columns}
    rows = trials[(trials[list(others)] == pd.Series(others)).all(axis=1)] if others else trials
    rows = rows[np.isfinite(rows["cost"].to_numpy(dtype=float))]
    heads = rows[team].to_numpy(dtype=float)
    if np.unique(heads).size < 2:
        return None
    slope = float(np.polyfit(heads, rows["cost"].to_numpy(dtype=float), 1)[0])
    return slope if slope > 0.0 else None


def _more_did_better(found: Optimisation, chosen: Finalist, team: str) -> bool:
    """True when the search saw one more rep of ``team`` (the other teams as chosen) do better than the pick.

    The pick then sits at the low bound because the budget keeps it there, not for want of
    fewer reps: at a $3.45M budget plan_check chose 10 reps, the bounds' fewest, while 11 booked
    more over the budget, and "a mix beyond them may do better (--team full_cycle=8:14)" pointed the wrong way.
    """
    problem, trials = found.problem, found.trials
    if trials.empty or not {"mean", *problem.bounds} <= set(trials.columns):
        return False
    more = dict(chosen.candidate.headcounts)
    more[team] += 1
    rows = trials[(trials[list(more)] == pd.Series(more)).all(axis=1)]
    means = rows["mean"].to_numpy(dtype=float)
    return bool(any(math.isfinite(m) and problem.sign * m > problem.sign * chosen.mean for m in means))


def target_words(found: Optimisation, chosen: Finalist, left: NotReRun) -> str:
    """`` It misses the experiment's target of 80.0% ...``: the decision rule's target of the KPI searched, if any.

    When a cheaper finalist reaches the target on average too, it is named with its
    figures and what it saves: the best mix is not the only answer to "which mix reaches it".
    """
    problem, kpi = found.problem, found.problem.kpi
    target = problem.target
    if target is None:
        return ""
    goal = f"the experiment's target of {format_value(kpi, target)}{level_unit(kpi)}"
    if not problem.reaches_target(chosen.mean):
        within = " within the budget" if problem.budget else ""
        if left.reaching:  # the search saw others reach it in its few runs: they were not re-run, so say only what was
            return f" It misses {goal}: none of the {len(found.finalists)} mixes re-run{within} reaches it on average."
        return f" It misses {goal}: no mix found{within} reaches it on average."
    words = f" It reaches {goal}{_unsure_words(chosen, kpi, target, ' on average, but')}."
    cheaper = [
        f
        for f in found.finalists
        if f.contender and f.cost < chosen.cost and problem.reaches_target(f.mean) and f.candidate != chosen.candidate
    ]
    if cheaper:
        least = min(cheaper, key=lambda f: f.cost)
        saving = f"{format_money(chosen.cost - least.cost)} less"
        unsure = _unsure_words(least, kpi, target, ";")
        if least.today:  # its figures are said already, against the best's
            words += f" So does today's mix, {least.candidate.words()}, for {saving}{unsure}."
        else:
            words += (
                f" So does a cheaper mix, {least.candidate.words()}: "
                f"{mean_ci(kpi, least.mean, least.ci_low, least.ci_high)} for a cost of sales of "
                f"{format_money(least.cost)}, {saving}{unsure}."
            )
    return words


def unmoved_words(found: Optimisation) -> str:
    """`` The chance of hitting the plan is the same in every run of every mix re-run: ...``; '' otherwise.

    A search over CSMs for the chance of hitting a new-business plan tied every mix and chose
    csm=1 at $2.23M against today's csm=11 at $3.66M, unsaid that the KPI never reads their work.
    """
    others = [f for f in found.finalists if not f.today]
    if not others or not all(f.same_as_today for f in others):
        return ""
    teams = join_words(list(found.problem.bounds))
    return (
        f" {kpi_words(found.problem.kpi)[:1].upper()}{kpi_words(found.problem.kpi)[1:]} is the same in every run of "
        f"every mix re-run, today's too: the headcount of {teams} does not move it, so the cheaper mix is chosen "
        "on cost alone; search a KPI their work moves (--kpi) before cutting them."
    )


def idle_teams(found: Optimisation) -> list[str]:
    """The teams among several whose headcount the KPI does not read, by the final round's paired runs.

    A team is idle when two finalists that differ only in its headcount are equal in every
    run (their paired difference and its CI all 0) and no two that so differ are not. Empty
    when every team is idle (:func:`unmoved_words` says that) or there is one team.
    """
    teams = list(found.problem.bounds)
    if len(teams) < 2:
        return []
    idle = []
    for team in teams:
        seen = [_same_but(a, b, team) for i, a in enumerate(found.finalists) for b in found.finalists[i + 1 :]]
        told = [same for same in seen if same is not None]
        if told and all(told):
            idle.append(team)
    return [] if len(idle) == len(teams) else idle


def _same_but(a: Finalist, b: Finalist, team: str) -> bool | None:
    """Whether ``a`` and ``b`` are equal in every run; None unless they differ in ``team``'s headcount alone."""
    mine, theirs = dict(a.candidate.headcounts), dict(b.candidate.headcounts)
    if mine[team] == theirs[team] or any(mine[t] != theirs[t] for t in mine if t != team):
        return None
    paired = a.paired.get(b.candidate.name)
    return paired is not None and all(value == 0.0 for value in paired)


def idle_team_words(found: Optimisation) -> str:
    """`` The headcount of csm does not move contribution (... give the same in every run re-run), so ...``; or ''.

    plan_check's full_cycle=10:16 and csm=9:12 on contribution chose csm=11, unsaid that the
    KPI never reads the CSMs' work: any csm would have given the same, the fewest for less.
    """
    idle = idle_teams(found)
    if not idle:
        return ""
    pairs = [
        (a, b)
        for i, a in enumerate(found.finalists)
        for b in found.finalists[i + 1 :]
        if any(_same_but(a, b, team) for team in idle)
    ]
    a, b = pairs[0]
    first, second = sorted((a.candidate, b.candidate), key=lambda c: c.headcounts)
    teams = join_words(idle)
    return (
        f" The headcount of {teams} does not move {kpi_words(found.problem.kpi)} ({first.words()} and "
        f"{second.words()} give the same in every run re-run), so the {teams} of the mix chosen is no finding: "
        "search a KPI their work moves (--kpi) before setting it."
    )


def left_out(found: Optimisation) -> NotReRun:
    """The search's mixes the final round left out that a reader would ask about (:func:`not_re_run`)."""
    count = found.settings.get("finalists")
    if not isinstance(count, int):
        return NotReRun([], [])
    return not_re_run(found.problem, found.trials, found.finalists, count)


def not_re_run_words(found: Optimisation, left: NotReRun) -> str:
    """The mixes the final round left out that a reader would ask about, and the ``--finalists`` to re-run them.

    Grouped by why they are named, each group in the search's order: ``Not re-run:
    full_cycle=16, full_cycle=17 and full_cycle=20, as good as a mix re-run and reaching the
    target, and full_cycle=19, reaching the target, in the search's 8 runs; --finalists 6
    would re-run them.``
    """
    every = left.every()
    if not every:
        return ""
    tied, reaching = set(left.tied), set(left.reaching)
    groups = [
        ([c for c in every if c in tied and c in reaching], "as good as a mix re-run and reaching the target"),
        ([c for c in every if c in tied and c not in reaching], "as good as a mix re-run"),
        ([c for c in every if c in reaching and c not in tied], "reaching the target"),
    ]
    said = [f"{_named(mixes)}, {why}" for mixes, why in groups if mixes]
    them = "it" if len(every) == 1 else "them"
    return (
        f" Not re-run: {', and '.join(said)}, in the search's {found.settings.get('runs')} runs; "
        f"--finalists {left.finalists_needed} would re-run {them}."
    )


def _named(mixes: list[Candidate]) -> str:
    """``a=1, a=2 and a=3`` (at most :data:`MAX_NAMED`, the others counted)."""
    names = [c.words() for c in mixes[:MAX_NAMED]]
    if len(mixes) > MAX_NAMED:
        return f"{', '.join(names)} and {len(mixes) - MAX_NAMED} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def rerun_words(found: Optimisation, left: NotReRun) -> str:
    """What the final round re-ran when it is more than the search's best; '' when it re-ran only the best.

    `` (the search's 3 best, today's mix and full_cycle=13, the cheapest it saw reach the target)``.
    """
    if not left.best:
        return ""
    best = set(left.best)
    today = [f for f in found.finalists if f.today and f.candidate not in best]
    extra = [f for f in found.finalists if not f.today and f.candidate not in best]
    if not today and not extra:
        return ""
    parts = [f"the search's {len(left.best)} best" if len(left.best) > 1 else "the search's best"]
    parts += ["today's mix"] if today else []
    parts += [f"{f.candidate.words()}, {_extra_words(found, f.candidate)}" for f in extra]
    return f" ({', '.join(parts[:-1])} and {parts[-1]})"


def _extra_words(found: Optimisation, candidate: Candidate) -> str:
    """Why the final round re-ran a mix beyond the search's best: it reached the target, or was within the budget.

    plan_check at a $3.40M budget re-ran 10 reps, never a plan hit in the search, as the best within the budget
    by its mean cost, and had called it 'the cheapest it saw reach the target' of 80%.
    """
    trials = found.trials
    if {"mean", "feasible"} <= set(trials.columns):
        mine = trials[np.logical_and.reduce([trials[team] == n for team, n in candidate.headcounts])]
        if not mine.empty and not found.problem.reaches_target(float(mine["mean"].iloc[0])):
            return "the best it saw within the budget" if bool(mine["feasible"].iloc[0]) else "the cheapest it saw"
    return "the cheapest it saw reach the target"


def _unsure_words(finalist: Finalist, kpi: str, target: float, lead: str) -> str:
    """``<lead> its 95% CI reaches below it: more final runs would tell`` when its CI crosses the target, else ""."""
    worst = finalist.ci_high if (direction(kpi) or 1) < 0 else finalist.ci_low
    if math.isfinite(worst) and not meets_target(worst, kpi, target):
        side = "above" if (direction(kpi) or 1) < 0 else "below"
        return f"{lead} its 95% CI reaches {side} it: more final runs would tell"
    return ""


def versus_today_words(kpi: str, best: Finalist, today: Finalist, runs: int) -> str:
    """``: +5.0 points (95% CI -3.2 to +13.2 points), not clearly better ...``: the chosen mix against today's, paired.

    plan_check's 14 reps read "the best of the 3 finalists with a probability of 81%" at
    55.0% against 50.0% with today's 12, when 3 of 40 paired runs favoured 14 and 1 favoured
    12: the pick was unclear and the answer did not say so. A difference whose CI includes
    zero says what keeping today's mix saves and the final runs that would tell
    (:attr:`Finalist.runs_to_tell`: the interval itself on the runs' pattern scaled up; the
    half-width scaled as one over the root of the runs had read "about 4 final runs would
    tell" of a plan hit in 2 runs of 2 against 1, which takes 12).
    """
    if best.same_as_today:  # a CI of -5 to +5 points read around a difference that is 0 in every run
        return ": the same as today's in every run"
    if best.today or not math.isfinite(best.versus_today):
        return ""
    low, high = best.versus_today_low, best.versus_today_high
    extra = difference_digits(kpi, best.versus_today, low, high)
    figures = (
        f": {format_signed_amount(kpi, best.versus_today, extra)} "
        f"(95% CI {format_signed_range(kpi, low, high, extra)}) paired run by run"
    )
    if best.clear_of_today:
        return figures
    needed = best.runs_to_tell
    tells = needed is not None and needed > runs
    more = f"; about {needed:,} final runs (--final-runs) would tell a difference this size" if tells else ""
    saves = today.cost < best.cost and today.feasible
    keep = f": keeping today's mix costs {format_money(best.cost - today.cost)} less" if saves else ""
    return f"{figures}, not clearly better than today's (the CI includes zero){keep}{more}"
