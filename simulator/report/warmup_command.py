"""``salesim warmup``: how long a scenario takes to settle from day 0, and the warm-up to use.

Runs a scenario for some years from an empty start, averages its state over runs and
chooses the warm-up by MSER-5 (:mod:`simulator.analysis.warmup_study`); writes
``warmup.csv``, ``warmup.png`` and ``warmup.md`` (:mod:`simulator.report.warmup_report`).
A bad option or config is refused naming it, before anything runs (exit status 2); the
engine, the tables and the plots are imported once the options, the config and the output
folder are checked.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.config.clock import dated_span_problem
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config.option_errors import lenient_number, unknown_options, unreadable_issues, with_composed_issues
from simulator.config.runner_settings import MAX_RUNS
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError, check_creatable
from simulator.report.claims import claim_output
from simulator.report.layouts import WARMUP
from simulator.run.experiment import Experiment
from simulator.run.signals import written_in_full

EXIT_CONFIG_ERROR = 2
EXIT_INTERRUPTED = 130


def warmup_main(args: Sequence[str], load: Callable[[Sequence[str]], Experiment], config_dir: str | None = None) -> int:
    """``salesim warmup [--runs N] [--years Y] [--scenario S] [--out DIR] [OVERRIDES...]``.

    ``load`` composes the experiment from the overrides (refusing those an option replaces);
    ``config_dir``: the ``--config-dir`` it reads them from, for the command a study too
    noisy over its runs suggests.
    """
    parser = argparse.ArgumentParser(
        prog="salesim warmup",
        description="Run a scenario from day 0 for some years, average its state (open pipeline, customers, "
        "partners, ramped FTE, tenure) over runs and choose the warm-up by MSER-5. Overrides as for a run; "
        "--config-dir DIR for a folder of yours.",
    )
    parser.add_argument("--runs", type=lenient_number(int), default=20, help="replications to average (default 20)")
    parser.add_argument(
        "--years", type=lenient_number(float), default=3.0, help="years of the calendar to simulate (default 3)"
    )
    parser.add_argument("--scenario", default=None, help="scenario of the experiment (default: its baseline)")
    parser.add_argument("--out", default=None, help="output folder (default outputs/warmup/<experiment>/<time>)")
    options, leftovers = parser.parse_known_args(list(args))
    unknown, overrides = unknown_options(parser, "warmup", leftovers)  # --bogus: an option, not an override
    unreadable = unknown + unreadable_issues(parser, options)  # text for a number: named with the rest, not alone
    rule = f"must be a whole number from 2 (the state is averaged over runs) to {MAX_RUNS:,}"
    issues = unreadable + ([] if 2 <= options.runs <= MAX_RUNS else [ConfigIssue("--runs", options.runs, rule)])
    if not 0 < options.years <= WARMUP_MAX_YEARS:
        years = int(options.years) if options.years.is_integer() else options.years  # as typed: 0, not 0.0
        issues.append(ConfigIssue("--years", years, f"must be more than 0 and at most {WARMUP_MAX_YEARS}"))
    if issues:  # refused before anything runs, with what composing the overrides refuses beside them
        return _warmup_refused(ConfigError(with_composed_issues(issues, lambda: load(overrides))))
    try:
        experiment = load(overrides)
        name = options.scenario or experiment.baseline
        spec = experiment.scenario(name)
    except ConfigError as error:
        return _warmup_refused(error)
    except KeyError:
        names = ", ".join(s.name for s in experiment.scenarios)
        return _warmup_refused(
            ConfigError.single("--scenario", options.scenario, f"must be a scenario of {experiment.name}: {names}")
        )
    if spec.config.initial_pipeline is not None:  # a calibrated company: its runs start from its real open pipeline
        return _warmup_refused(
            ConfigError.single(
                "initial_pipeline",
                "{…}",
                f"scenario {name} starts from its real open pipeline on day 0, not from an empty company: a warm-up "
                "does not apply (its runs begin at the as-of date with the deals then open); warmup studies a "
                "company that starts empty (drop the starting state with ~initial_pipeline to study one)",
            )
        )
    clock = spec.config.clock
    year = clock.calendar().days_per_year
    too_late = clock.start_date and dated_span_problem(clock.start_date, options.years * year, clock.holidays)
    if too_late:  # the study's own span must fit the dated calendar
        return _warmup_refused(
            ConfigError.single("clock.start_date", clock.start_date, f"with --years {options.years:g}: {too_late}")
        )
    out = Path(options.out or f"outputs/warmup/{experiment.name}/{time.strftime('%Y-%m-%d_%H-%M-%S')}")
    try:
        check_creatable(out)
        replacing = claim_output(out, WARMUP)
    except UnwritableOutputError as error:
        print(f"salesim: warmup: {error}", file=sys.stderr)
        if not isinstance(error, OccupiedOutputError):  # that one says so, and what to do
            print("salesim: nothing was run and no results were written.", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    if replacing:
        print(f"salesim: warmup: {replacing}", file=sys.stderr)
    from simulator.analysis.warmup_study import study_warmup  # the engine, once everything is checked
    from simulator.analysis.wording import join_words
    from simulator.report.warmup_report import SERIES_TITLES, rerun_command, warmup_markdown, write_warmup

    try:
        study = study_warmup(spec.config, name, experiment.seed, options.runs, options.years * year)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: a study is written only when every run is done
        print("\nsalesim: warmup: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    rerun = [
        *(["--years", f"{options.years:g}"] if options.years != parser.get_default("years") else []),
        *(["--scenario", options.scenario] if options.scenario else []),
        *(["--config-dir", config_dir] if config_dir else []),
        *overrides,
    ]  # the study's arguments but --runs and --out: the command that would resolve a series too noisy
    written = written_in_full("warmup", lambda: write_warmup(study, out, rerun))
    print(warmup_markdown(study, rerun))
    print(f"salesim: warm-up study written to {written[0].parent}")
    if study.unresolved:
        names = join_words([SERIES_TITLES.get(u.series, u.series) for u in study.unresolved])
        print(
            f"salesim: warmup: {options.runs} runs are too few to tell whether {names} "
            f"{'has' if len(study.unresolved) == 1 else 'have'} a transient that counts (one could read as the "
            f"wobble of the runs' mean); study again with: {rerun_command(study, rerun)}",
            file=sys.stderr,
        )
    return 0


WARMUP_MAX_YEARS = 50
"""The longest warm-up study (years of the calendar simulated from day 0)."""


def _warmup_refused(error: ConfigError) -> int:
    """A warm-up option or config refused: the message, then that nothing was run; exit status 2."""
    print(f"salesim: warmup: {error}", file=sys.stderr)
    print("salesim: nothing was run and no results were written.", file=sys.stderr)
    return EXIT_CONFIG_ERROR
