"""``salesim optimise``: the headcount mix that makes a KPI best within a budget, as a CSV and a report.

Writes ``optimisation.csv`` (one row per trial, with the finalists' re-run figures, the
search's rank of each feasible mix and why a mix left out of the final round is named),
``optimisation.png``, ``report.md`` and ``report.html`` opening with the answer: the mix,
its KPI and cost with CIs against today's mix, and the probability that it is truly the
best. The command line is :mod:`simulator.report.optimise_command`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.analysis.assumed import assumed_study_words, effort_source
from simulator.analysis.equivalence import equal_words
from simulator.analysis.finalists import Finalist, top_ties
from simulator.analysis.formatting import format_chance, format_money
from simulator.analysis.kpi_names import kpi_axis_label, kpi_label, kpi_words
from simulator.analysis.optimisation import Optimisation
from simulator.analysis.over_budget import seen_over_budget
from simulator.analysis.quantities import Kind, kpi_kind
from simulator.analysis.ranking import MIN_RUNS_FOR_BEST
from simulator.analysis.team_mix import COST_KPI, TeamMixProblem
from simulator.analysis.wording import join_words
from simulator.io.atomic import atomic_write
from simulator.report.html import write_html
from simulator.report.layouts import OPTIMISE
from simulator.report.markdown import figure_lines, md_table
from simulator.report.optimisation_words import (
    bound_words,
    figures_words,
    idle_team_words,
    left_out,
    mean_ci,
    not_re_run_words,
    rerun_words,
    target_words,
    unmoved_words,
    versus_today_words,
)
from simulator.report.over_budget_words import cost_unsure_words, over_budget_words
from simulator.report.plot_optimisation import finalist_marks, plot_optimisation

LAYOUT = OPTIMISE
"""What the search writes in its ``--out`` folder: it refuses a folder holding anything else."""


def budget_words(problem: TeamMixProblem, of_cost: bool = True) -> str:
    """The budget in words: a year's, and what it allows over a measured window that is not a year.

    ``of_cost=False`` leaves out "of cost of sales", for a sentence that has already said it.
    """
    if problem.budget is None:
        return ""
    words = f"{format_money(problem.budget)}{' of cost of sales' if of_cost else ''} a year"
    window = problem.window_budget
    if window is not None and abs(problem.window_years - 1.0) > 1e-9:
        words += f" ({format_money(window)} over the measured window of {problem.window_years:.2f} years)"
    return words


def _names(finalists: Sequence[Finalist]) -> str:
    """``a=1``, ``a=1 and a=2``, ``(a=1, b=2), (a=2, b=1) and (a=3, b=1)``."""
    names = [f.candidate.words() for f in finalists]
    if len(finalists[0].candidate.headcounts) > 1:
        names = [f"({name})" for name in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def answer_paragraph(found: Optimisation) -> str:
    """The report's opening: the mix to choose, with its KPI, cost and P(best), against today's.

    When today's mix is outside the bounds and better than every mix within them, it says
    so first; when mixes tie at the top, it names them all and says which is cheapest.
    """
    problem, kpi = found.problem, found.problem.kpi
    budget = f"within a budget of {budget_words(problem)}" if problem.budget else ""
    today = next((f for f in found.finalists if f.today), None)
    search = f"{_search_words(found)}, each with up to {found.settings.get('runs')} runs"
    ties = top_ties(found.finalists)
    if found.recommended is None or not ties:
        cheapest = min(found.finalists, key=lambda f: f.cost) if found.finalists else None
        found_words = (
            f"; the cheapest found, {cheapest.candidate.words()}, costs {format_money(cheapest.cost)}"
            if cheapest
            else ""
        )
        return f"No mix of {', '.join(problem.bounds)} found {budget or 'that runs'}{found_words}. {search}."
    best = ties[0]
    left = left_out(found)
    rerun = f"Re-run together{rerun_words(found, left)} with {found.final_runs} runs on common random numbers"
    if today is not None and found.recommended == today.candidate and not today.contender:
        bounds = ", ".join(f"{team} {low} to {high}" for team, (low, high) in problem.bounds.items())
        level = mean_ci(kpi, best.mean, best.ci_low, best.ci_high)
        found_words = (
            f"{_names(ties)} tie at {level}; the cheapest, {best.candidate.words()}, costs {format_money(best.cost)}"
            if len(ties) > 1
            else f"{best.candidate.words()} gives {level} for {format_money(best.cost)}"
        )
        return (
            f"No mix within the bounds beats today's {today.candidate.words()}: it gives {figures_words(kpi, today)}, "
            f"against the best found within the bounds ({bounds}){' and ' + budget if budget else ''}, where "
            f"{found_words}.{over_budget_words(found, today)} {rerun}. {search}."
        )
    today_mark = " (today's)"
    contenders = [f for f in found.finalists if f.contender]
    # practically equal, not all tied exactly: the cheapest was chosen, a dearer mix buys nothing
    alike = best.practically_equal and len(ties) < len(contenders)
    if alike:
        mix = best.candidate.words() + (", today's mix," if best.today else ",")
        text = (
            f"The {len(contenders)} best mixes found{' ' + budget if budget else ''} are practically equal on "
            f"{kpi_words(kpi)}, so the cheapest is chosen: {mix} gives {figures_words(kpi, best)}"
        )
    elif len(ties) > 1:
        text = (
            f"The best mixes found{' ' + budget if budget else ''}, {_names(ties)}, tie on {kpi_words(kpi)} at "
            f"{mean_ci(kpi, best.mean, best.ci_low, best.ci_high)}; the cheapest, {best.candidate.words()}"
            f"{today_mark if best.today else ''}, costs "
            f"{mean_ci('cost_of_sales', best.cost, best.cost_low, best.cost_high)}"
        )
    else:
        mix = best.candidate.words() + (", today's mix," if best.today else ",")
        text = f"The best mix found{' ' + budget if budget else ''}, {mix} gives {figures_words(kpi, best)}"
    if today is not None and today.candidate != best.candidate:
        level = " (the same)" if math.isclose(today.mean, best.mean, rel_tol=1e-12, abs_tol=1e-12) else ""
        dear = "" if today.feasible else " (over the budget)"
        text += (
            f", against {mean_ci(kpi, today.mean, today.ci_low, today.ci_high)}{level} and "
            f"{format_money(today.cost)} with today's {today.candidate.words()}{dear}"
        )
        text += versus_today_words(kpi, best, today, found.final_runs)
    p_best = sum(f.p_best for f in ties)
    unmoved = unmoved_words(found)  # no mix beyond the bounds does better on a KPI the teams do not move
    who = "it is" if len(ties) == 1 else f"the {len(ties)} tied mixes together are"
    top = max(contenders, key=lambda f: problem.sign * f.mean)  # the reference of the equivalence
    # "the best of the 2 finalists" had stood beside a table of 3: today's over the budget is not in the contest
    budgeted = " and the budget" if problem.budget is not None else ""
    within = "" if len(contenders) == len(found.finalists) else f" within the bounds{budgeted}"
    chance = (
        "the same in every run, so none is favoured"  # "the 3 tied mixes together are the best ... 100%" told nothing
        if unmoved
        else f"{equal_words(top.candidate.words())}, so none is favoured on {kpi_words(kpi)} and a dearer one buys "
        "nothing"
        if alike
        else f"the {len(contenders)} finalists are practically equal on {kpi_words(kpi)} "
        f"({equal_words(top.candidate.words())}), so none is favoured"
        if best.practically_equal and len(contenders) > 1
        else "it is the only finalist within the bounds and the budget, so no probability of being the best is given"
        if len(contenders) == 1 and len(ties) == 1
        # "the 2 tied mixes together are the best of the 2 finalists with a probability of 100%" told nothing
        else f"the {len(contenders)} finalists{within} {'both' if len(contenders) == 2 else 'all'} tie, so none is "
        "favoured (each the best with a probability "
        f"of {join_words([format_chance(f.p_best) for f in ties])})"
        if len(ties) == len(contenders) > 1 and all(math.isfinite(f.p_best) for f in ties)
        else f"{who} the best of the {len(contenders)} finalists{within} with a probability of {format_chance(p_best)}"
        + _likelier_words(found, ties, p_best)
        if math.isfinite(p_best)
        else f"too few to say how likely {'it is' if len(ties) == 1 else 'they are'} the best of the {len(contenders)} "
        f"finalists (that takes {MIN_RUNS_FOR_BEST})"
    )
    return (
        f"{text}.{unmoved}{idle_team_words(found)} {rerun}, {chance}.{target_words(found, best, left)}"
        f"{cost_unsure_words(found, best)}"
        f"{over_budget_words(found, best)}"
        f"{not_re_run_words(found, left)}{'' if unmoved else bound_words(found, best)} {search}."
    )


def _search_words(found: Optimisation) -> str:
    trials = found.trials
    if found.settings.get("search") == "exhaustive":
        return f"Every one of the {len(trials)} mixes was simulated"
    pruned = int((trials["state"] == "pruned").sum())
    dear = int((trials["state"] == "over budget").sum())
    every = found.problem.size()
    scope = f"every one of the {every} within the bounds" if len(trials) == every else f"of {every} within the bounds"
    return (
        f"The search simulated {len(trials)} distinct mixes ({scope}); {pruned} stopped early as "
        f"clearly worse and {dear} as clearly over budget"
    )


def _likelier_words(found: Optimisation, ties: Sequence[Finalist], p_best: float) -> str:
    """``, though 9 SDRs and 7 AEs is the best with a higher probability, 41%``; '' when no finalist is likelier."""
    others = [f for f in found.finalists if f.contender and f not in ties and math.isfinite(f.p_best)]
    likelier = max(others, key=lambda f: f.p_best, default=None)
    if likelier is None or likelier.p_best <= p_best:
        return ""
    return (
        f", though {likelier.candidate.words()} is the best with a higher probability, "
        f"{format_chance(likelier.p_best)} "
        "(close mixes split the runs they lead; the chosen one has the best mean)"
    )


def _finalist_rows(found: Optimisation) -> list[list[str]]:
    kpi = found.problem.kpi
    rows = []
    for f in found.finalists:
        mark = finalist_marks(f.today, f.candidate == found.recommended)
        rows.append(
            [
                f.candidate.words() + mark,
                mean_ci(kpi, f.mean, f.ci_low, f.ci_high, unit=False),
                mean_ci("cost_of_sales", f.cost, f.cost_low, f.cost_high, unit=False),
                ("yes" if f.feasible else "no") if found.problem.budget is not None else "-",  # no budget: none
                "equal" if f.practically_equal else format_chance(f.p_best) if math.isfinite(f.p_best) else "-",
            ]
        )
    return rows


def trials_table(found: Optimisation) -> pd.DataFrame:
    """``optimisation.csv``: every trial, then the finalists' re-run figures where a trial is one."""
    table = found.trials.copy()
    teams = list(found.problem.bounds)
    finals = pd.DataFrame(
        [
            {
                **dict(f.candidate.headcounts),
                "final_mean": f.mean,
                "final_ci_low": f.ci_low,
                "final_ci_high": f.ci_high,
                "final_cost": f.cost,
                "final_cost_ci_low": f.cost_low,
                "final_cost_ci_high": f.cost_high,
                # the final runs decide: a mix the search's few runs put over the budget may be within it
                "final_feasible": f.feasible,
                "p_best": f.p_best,
                "practically_equal": f.practically_equal,  # p_best is then no preference (the report's "equal")
                "chosen": f.candidate == found.recommended,
                "today": f.today,
            }
            for f in found.finalists
        ]
    )
    table.insert(0, "kpi", found.problem.kpi)
    table = table.merge(finals, on=teams, how="left") if len(finals) and len(table) else table
    return _with_search_rank(found, table)


def _with_search_rank(found: Optimisation, table: pd.DataFrame) -> pd.DataFrame:
    """Three columns: ``search_rank``, ``re_run`` and ``not_re_run``.

    ``search_rank`` is a feasible completed mix's place in the search (1: the best mean,
    the cheaper of equal means first), empty for the others; ``re_run`` whether the final
    round re-ran it; ``not_re_run`` why the answer names a mix it did not re-run (empty
    when it names none).
    """
    if table.empty:
        return table
    left = left_out(found)
    teams = list(found.problem.bounds)
    keys = [found.problem.candidate({t: int(row[t]) for t in teams}) for _, row in table[teams].iterrows()]
    rank = {c: k + 1 for k, c in enumerate(left.ranked)}
    re_run = {f.candidate for f in found.finalists}
    tied, reaching = set(left.tied), set(left.reaching)
    reasons = {
        (True, True): "as good as a mix re-run; reaching the target",
        (True, False): "as good as a mix re-run",
        (False, True): "reaching the target",
        (False, False): "",
    }
    chosen = next((f for f in found.finalists if f.candidate == found.recommended), None)
    seen = seen_over_budget(found, chosen) if chosen is not None else None
    named = {seen.candidate} if seen is not None else set()  # the answer names it: "it was not re-run"
    over = "better than the chosen mix in the search's runs; over the budget"
    return table.assign(
        search_rank=pd.array([rank.get(c) for c in keys], dtype="Int64"),
        re_run=[c in re_run for c in keys],
        not_re_run=[over if c in named else reasons[(c in tied, c in reaching)] for c in keys],
    )


def optimisation_markdown(found: Optimisation, out_dir: Path, figure: Path | None) -> str:
    """The text of the optimisation ``report.md``."""
    problem = found.problem
    bounds = ", ".join(f"`{t}` {low} to {high}" for t, (low, high) in problem.bounds.items())
    lines = [
        f"# Team-mix optimisation of {kpi_label(problem.kpi).lower()}: {problem.experiment.name}, "
        f"scenario {problem.scenario}",
        "",
        "## The answer",
        "",
        answer_paragraph(found),
        "",
        *([f"*{caveat}*", ""] if (caveat := _assumed_words(problem)) else []),
        "## The finalists",
        "",
        f"The best mixes found, and today's for scale, re-run together with {found.final_runs} runs each on common "
        "random numbers: mean with its 95% CI; P(best) is the probability that the mix has the truly best mean of "
        "the finalists, from the paired runs, by the statistic of the paired CI (Student t; McNemar's test for a "
        "yes/no KPI such as hitting the plan).",
        "",
        *md_table(
            ["Mix", kpi_axis_label(problem.kpi), kpi_axis_label(COST_KPI), "Within the budget", "P(best)"],
            _finalist_rows(found),
        ),
        "",
        *figure_lines(figure, out_dir),
        "## How it was searched",
        "",
        f"- **Headcounts**: {bounds}; **budget**: "
        + (f"mean cost of sales at most {budget_words(problem, of_cost=False)}." if problem.budget else "none."),
        _search_line(found),
        f"- **Common random numbers**: every mix replays the same leads with the same luck "
        f"(seed {problem.experiment.seed}).",
        *_draws_line(problem),
        "- Every trial is in `optimisation.csv`.",
    ]
    return "\n".join(lines).rstrip() + "\n"


def _assumed_words(problem: TeamMixProblem) -> str:
    """A calibrated company's search: it rests on the effort per deal calibration assumed (empty otherwise)."""
    return assumed_study_words(effort_source(problem.config_of_scenario()), "this search")


def _draws_line(problem: TeamMixProblem) -> list[str]:
    """The calibrated company's parameter draws every mix runs under, as its own runs do (none without)."""
    count = problem.experiment.parameter_draw_count
    if not count:
        return []
    return [
        f"- **Parameter draws**: run *r* of every mix is on refit *r* mod {count} of the calibrated company "
        "(`parameter_draws`), as the company's own runs are, so the CIs carry what the export does not pin down."
    ]


def _search_line(found: Optimisation) -> str:
    settings = found.settings
    if settings.get("search") == "exhaustive":
        return f"- **Search**: exhaustive, every mix within the bounds simulated {settings.get('runs')} times."
    interval = "Wilson's score interval, " if kpi_kind(found.problem.kpi) is Kind.EVENT else ""
    return (
        f"- **Search**: Optuna's TPE sampler, ask-and-tell, seed {settings.get('seed')}, {len(found.trials)} distinct "
        f"mixes simulated in batches of {settings.get('batch')} (a mix proposed again is not simulated again); a mix "
        f"first runs {settings.get('first_runs')} times and stops there when the best end of its 95% CI "
        f"({interval}never one of zero width) is worse than the best mix's mean, or the lower end of its cost's CI is "
        f"over the budget; otherwise it runs {settings.get('runs')} times."
    )


def write_optimisation(found: Optimisation, out_dir: Path) -> list[Path]:
    """Write ``optimisation.csv``, ``optimisation.png``, ``report.md`` and ``report.html``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table = trials_table(found)
    written = [atomic_write(out_dir / "optimisation.csv", lambda f: table.to_csv(f, index=False))]
    figure = plot_optimisation(found, out_dir)
    text = optimisation_markdown(found, out_dir, figure)
    written += [figure, atomic_write(out_dir / "report.md", lambda f: f.write(text)), write_html(text, out_dir)]
    return written
