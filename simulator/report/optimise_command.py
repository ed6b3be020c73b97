"""``salesim optimise``'s command line: the options read and checked, the search run, the report written.

The options are refused before anything is composed (unknown options, bounds, the KPI,
the seed); the front door hands over the function that composes an experiment. The report
itself is :mod:`simulator.report.optimisation_report`'s. The search (Optuna), its tables,
the engines and the plots are imported once the options, the config, the output folder and
the problem are checked: ``--help`` and a refusal load none of them.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from simulator.analysis.decision import check_decision, decision_of, kpi_name_issue
from simulator.analysis.quantities import direction
from simulator.analysis.search_options import search_sizes_issues
from simulator.analysis.team_mix import TeamMixProblem, bounds_issue
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.fields import DOLLAR_SLIP, dollar_slip_words
from simulator.config.option_errors import lenient_number, unknown_options, unreadable_issues, with_composed_issues
from simulator.config.runner_settings import MAX_RUNS
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError, check_creatable
from simulator.report.claims import claim_output
from simulator.report.layouts import OPTIMISE
from simulator.run.experiment import Experiment
from simulator.run.signals import written_in_full
from simulator.run.workers import workers_note


def _bounds(values: Sequence[str]) -> dict[str, tuple[int, int]]:
    bounds = {}
    for value in values:
        team, _, span = value.partition("=")
        low, _, high = span.partition(":")
        if team.strip() in bounds:
            raise ConfigError.single(f"--team {team.strip()}", values, "is given twice: give each team's bounds once")
        try:
            bounds[team.strip()] = (int(low), int(high or low))
        except ValueError:
            raise ConfigError.single(
                "--team", value, "must be TEAM=LOW:HIGH with whole numbers, e.g. ae=6:12"
            ) from None
        low_n, high_n = bounds[team.strip()]
        issue = bounds_issue(team.strip(), low_n, high_n)
        if issue is not None:  # refused before the experiment is composed
            raise ConfigError.single(f"--team {team.strip()}", f"{low_n}:{high_n}", issue)
    return bounds


def _kpi_issue(kpi: str) -> ConfigIssue | None:
    """A KPI the search cannot make best: unknown, or neither better higher nor lower (lead counts)."""
    named = kpi_name_issue("--kpi", kpi)
    if named is None and direction(kpi) == 0:
        return ConfigIssue(
            "--kpi", kpi, "is neither better higher nor lower, so there is no best: give bookings, hit_plan, ..."
        )
    return named


SAMPLER_SEEDS = 2**32
"""Seeds Optuna's sampler takes (NumPy's legacy RandomState: 0 to 2^32 - 1)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesim optimise",
        description="Find the headcount per team that makes a KPI best within a budget on cost of sales: Optuna's "
        "TPE sampler (ask-and-tell, seeded), clearly worse trials pruned, the best mixes re-run on common random "
        "numbers with CIs and the probability each is truly best. Overrides as for a run (experiment=NAME, key=value); "
        "--config-dir DIR for a folder of yours (a calibrated company).",
    )
    parser.add_argument(
        "--team",
        action="append",
        default=[],
        help="TEAM=LOW:HIGH headcount bounds, or TEAM=N to hold a team at N (repeat per team)",
    )
    parser.add_argument(
        "--budget", type=lenient_number(float), default=None, help="most mean cost of sales a year, $ (default: none)"
    )
    parser.add_argument("--kpi", default=None, help="KPI to make best (default: the experiment's primary decision KPI)")
    parser.add_argument("--scenario", default=None, help="scenario of the experiment (default: its baseline)")
    parser.add_argument(
        "--trials",
        type=lenient_number(int),
        default=30,
        help="distinct mixes to simulate (default 30); a mix the sampler proposes again costs nothing",
    )
    parser.add_argument(
        "--runs", type=lenient_number(int), default=8, help="replications of a trial that is not pruned (default 8)"
    )
    parser.add_argument(
        "--first-runs",
        type=lenient_number(int),
        default=None,
        help=f"replications before pruning (default {FIRST_RUNS}, or --runs when fewer)",
    )
    parser.add_argument(
        "--finalists", type=lenient_number(int), default=3, help="best mixes re-run at the end (default 3)"
    )
    parser.add_argument(
        "--final-runs", type=lenient_number(int), default=40, help="replications of each finalist (default 40)"
    )
    parser.add_argument("--batch", type=lenient_number(int), default=4, help="trials simulated together (default 4)")
    parser.add_argument(
        "--seed", type=lenient_number(int), default=0, help="seed of the sampler, 0 to 4294967295 (default 0)"
    )
    parser.add_argument("--exhaustive", action="store_true", help="simulate every mix instead of searching")
    parser.add_argument("--workers", type=lenient_number(int), default=0, help="worker processes (default: every core)")
    parser.add_argument("--out", default=None, help="output folder (default outputs/optimise/<experiment>/<time>)")
    return parser


MAX_BUDGET = 1e12
"""The largest ``--budget`` a year taken ($1,000bn): more is a slip of the keyboard, not a plan."""


FIRST_RUNS = 3
"""``--first-runs`` when not given (held to ``--runs`` when that is fewer)."""


def _first_runs(options: argparse.Namespace) -> Any:
    """``--first-runs`` as given (checked against ``--runs``), or its default held to ``--runs``.

    Unreadable text comes back as it came: :func:`unreadable_issues` names it.
    """
    if options.first_runs is not None:
        return options.first_runs
    # a --runs too small is named alone: its default first runs are not held to it ("[0, 0, ...]" had read)
    return min(FIRST_RUNS, options.runs) if isinstance(options.runs, int) and options.runs >= 2 else FIRST_RUNS


def _sizes_issues(options: argparse.Namespace) -> list[ConfigIssue]:
    """The search's (or, with ``--exhaustive``, every mix's) sizes checked before anything is composed.

    ``--exhaustive --final-runs 1`` had run, answering with a one-run "tie"; the search's own
    sizes were checked only after the experiment was composed (1.2-1.6 s a refusal).
    """
    sizes = (options.runs, _first_runs(options), options.trials, options.finalists, options.final_runs)
    if not all(isinstance(v, int) for v in sizes):
        return []  # unreadable: named already
    # --first-runs 9 --runs 8 had been cut to 8 in silence, where the rule says first runs <= runs
    return search_sizes_issues(*sizes, exhaustive=options.exhaustive)


def optimise_main(args: Sequence[str], load: Callable[[Sequence[str]], Experiment]) -> int:
    """``salesim optimise --team TEAM=LOW:HIGH [OPTIONS] [OVERRIDES...]``."""
    parser = _parser()
    options, leftovers = parser.parse_known_args(list(args))
    unknown, overrides = unknown_options(parser, "optimise", leftovers)  # --bogus: an option, not an override
    try:
        issues = unknown + unreadable_issues(parser, options)  # text for a number: named with the rest, not alone
        if not 0 <= options.seed < SAMPLER_SEEDS:
            issues.append(ConfigIssue("--seed", options.seed, f"must be a whole number from 0 to {SAMPLER_SEEDS - 1}"))
        named = _kpi_issue(options.kpi) if options.kpi is not None else None
        issues += [named] if named is not None else []
        for name in ("runs", "first_runs", "final_runs"):
            value = getattr(options, name)
            if isinstance(value, int) and value > MAX_RUNS:
                issues.append(ConfigIssue(f"--{name.replace('_', '-')}", value, f"must be at most {MAX_RUNS:,}"))
        budget = options.budget
        if isinstance(budget, float) and not (budget > 0 and math.isfinite(budget)):
            issues.append(ConfigIssue("--budget", budget, "must be a positive, finite amount of money a year"))
        elif isinstance(budget, float) and budget < DOLLAR_SLIP:  # 4.2 meant as $4.2M
            issues.append(ConfigIssue("--budget", budget, dollar_slip_words(budget, zero=False)))
        elif isinstance(budget, float) and budget > MAX_BUDGET:  # 1e300 had run, its answer a 300-digit figure
            issues.append(ConfigIssue("--budget", budget, f"must be at most {MAX_BUDGET:,.0f} ($1,000bn) a year"))
        if isinstance(options.workers, int) and options.workers < 0:  # -3 had run on every core
            issues.append(ConfigIssue("--workers", options.workers, "must be a whole number >= 0 (0 = every core)"))
        if isinstance(options.batch, int) and options.batch < 1:  # 0 had spun for ever asking for no trial
            issues.append(ConfigIssue("--batch", options.batch, "must be a whole number >= 1"))
        issues += _sizes_issues(options)
        try:  # --team full_cycle=10:x beside seed=abc had named only --team
            bounds = _bounds(options.team)
        except ConfigError as error:
            issues, bounds = issues + error.issues, {}
        if issues:  # refused before anything runs, with what composing the overrides refuses beside them
            raise ConfigError(with_composed_issues(issues, lambda: load(overrides)))
        experiment = load(overrides)
        check_decision(experiment)
        out = Path(options.out or f"outputs/optimise/{experiment.name}/{time.strftime('%Y-%m-%d_%H-%M-%S')}")
        check_creatable(out)  # before any run: a folder that cannot be written is refused now, not after the runs
        replacing = claim_output(out, OPTIMISE)  # nor one holding what the search did not write: never overwritten
        if replacing:
            print(f"salesim: optimise: {replacing}", file=sys.stderr)
        scenario = options.scenario or experiment.baseline
        if scenario not in [s.name for s in experiment.scenarios]:
            names = ", ".join(s.name for s in experiment.scenarios)
            raise ConfigError.single("--scenario", scenario, f"must be a scenario of {experiment.name}: {names}")
        kpi = options.kpi or decision_of(experiment).primary
        named = _kpi_issue(kpi)
        if named is not None:
            raise ConfigError([named])
        problem = TeamMixProblem(experiment, scenario, kpi, bounds, options.budget)
        problem.check()
        first_runs = _first_runs(options)
        for note in experiment.clock_notes():
            print(f"salesim: note: {note}", file=sys.stderr)
        capped = workers_note("--workers", options.workers)
        if capped:
            print(f"salesim: note: {capped}", file=sys.stderr)
        from tqdm import tqdm  # the search, its tables and the engines, once everything is checked

        from simulator.analysis.optimisation import exhaustive_optimisation, optimise

        with tqdm(unit="run", file=sys.stderr) as bar:

            def advance(done: int) -> None:
                bar.update(done)

            workers = options.workers or None
            if options.exhaustive:
                found = exhaustive_optimisation(
                    problem, options.runs, options.finalists, options.final_runs, workers, advance
                )
            else:
                found = optimise(
                    problem,
                    options.trials,
                    options.runs,
                    first_runs,
                    options.finalists,
                    options.final_runs,
                    options.seed,
                    options.batch,
                    workers,
                    advance,
                )
    except (ConfigError, UnwritableOutputError) as error:
        print(f"salesim: {error}", file=sys.stderr)
        if not isinstance(error, OccupiedOutputError):  # that one says so, and what to do
            print("salesim: nothing was run and no results were written.", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"salesim: optimise: {error.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the runs made so far are not enough for an answer
        print("\nsalesim: optimise: interrupted; nothing was written", file=sys.stderr)
        return 130
    from simulator.report.optimisation_report import answer_paragraph, write_optimisation

    written = written_in_full("optimise", lambda: write_optimisation(found, out))
    print(answer_paragraph(found))
    print(f"salesim: optimisation written to {written[0].parent}")
    return 0
