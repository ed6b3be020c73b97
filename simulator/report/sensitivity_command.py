"""``salesim sensitivity``: its options, checked before anything is composed or run, and the command.

The study itself (the one-at-a-time swings, the global method, the report) is
:mod:`simulator.report.sensitivity_report`; this module reads the command line, refuses
a bad option naming it, composes the experiment and writes what the study found. The
study, its tables, the engines and the plots are imported once the options, the config
and the output folder are checked: ``--help`` and a refusal load none of them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.analysis.decision import check_decision, decision_of, kpi_name_issue
from simulator.analysis.global_options import MORRIS_MIN_TRAJECTORIES
from simulator.analysis.levers import LEVER_SECTIONS, delta_issue
from simulator.analysis.wording import count_of
from simulator.config.errors import ConfigError, ConfigIssue, with_more
from simulator.config.option_errors import (
    comma_separated,
    lenient_number,
    unknown_options,
    unreadable_issues,
    with_composed_issues,
)
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError, check_creatable
from simulator.report.claims import claim_output
from simulator.report.layouts import SENSITIVITY
from simulator.report.sensitivity_options import EACH_KEY, EACH_SECTION, list_issues, option_issues
from simulator.run.experiment import Experiment
from simulator.run.signals import written_in_full
from simulator.run.workers import workers_note


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesim sensitivity",
        description="Move every numeric lever of a scenario down and up one at a time on common random numbers, "
        "rank them by their effect on a KPI (sensitivity.csv, tornado.png, report), then vary the strongest together "
        "with SALib (Morris or Sobol). Overrides as for a run (experiment=NAME, key=value); "
        "--config-dir DIR for a folder of yours (a calibrated company).",
    )
    parser.add_argument("--kpi", default=None, help="KPI to explain (default: the experiment's primary decision KPI)")
    parser.add_argument("--scenario", default=None, help="scenario of the experiment (default: its baseline)")
    parser.add_argument("--params", default=None, help="comma-separated dotted keys (default: every numeric lever)")
    parser.add_argument(
        "--sections",
        default=",".join(LEVER_SECTIONS),
        help=f"comma-separated config sections searched for levers (default {','.join(LEVER_SECTIONS)})",
    )
    parser.add_argument(
        "--delta",
        type=lenient_number(float),
        default=0.2,
        help="move of each lever, as a share of it (default 0.2); a shift or logit moves by this many logit units",
    )
    parser.add_argument("--runs", type=lenient_number(int), default=10, help="replications per scenario (default 10)")
    parser.add_argument(
        "--global",
        dest="method",
        choices=("morris", "sobol", "none"),
        default="morris",
        help="then vary the strongest levers together: morris (screening, default), sobol (variance shares; "
        "many more runs) or none (one at a time only)",
    )
    parser.add_argument(
        "--global-params", type=lenient_number(int), default=6, help="levers the global method varies (default 6)"
    )
    parser.add_argument(
        "--trajectories", type=lenient_number(int), default=MORRIS_MIN_TRAJECTORIES, help="Morris r (default 10)"
    )
    parser.add_argument(
        "--sobol-samples", type=lenient_number(int), default=256, help="Sobol base sample N, a power of 2 (default 256)"
    )
    parser.add_argument(
        "--global-runs", type=lenient_number(int), default=4, help="replications per global design point (default 4)"
    )
    parser.add_argument("--workers", type=lenient_number(int), default=0, help="worker processes (default: every core)")
    parser.add_argument("--out", default=None, help="output folder (default outputs/sensitivity/<experiment>/<time>)")
    return parser


def sensitivity_main(
    args: Sequence[str],
    load: Callable[[Sequence[str]], Experiment],
    check: Callable[[Sequence[str]], list[ConfigIssue]] | None = None,
) -> int:
    """``salesim sensitivity [OPTIONS] [OVERRIDES...]``; ``load`` composes the experiment from the overrides.

    ``check``: the overrides' problems found without composing (an override an option
    replaces), named with the options' own before anything is composed.
    """
    parser = _parser()
    options, leftovers = parser.parse_known_args(list(args))
    unknown, overrides = unknown_options(parser, "sensitivity", leftovers)  # --bogus: an option, not an override
    unreadable = unknown + unreadable_issues(parser, options)  # text for a number: named with the rest, not alone
    size = options.trajectories if options.method == "morris" else options.sobol_samples
    try:
        named = kpi_name_issue("--kpi", options.kpi) if options.kpi is not None else None
        issues = (
            unreadable
            + ([named] if named is not None else [])
            + option_issues(
                options.runs, options.method, options.global_params, size, options.global_runs, options.workers
            )
        )
        given = options.params is not None  # --params '' names no key: refused, not read as every lever
        keys, empty_key = comma_separated("--params", options.params, EACH_KEY) if given else (None, None)
        sections, empty_section = comma_separated("--sections", options.sections, EACH_SECTION)
        issues += [issue for issue in (empty_key, empty_section) if issue is not None]
        issues += list_issues(keys, sections)
        delta = delta_issue(options.delta)
        issues += [delta] if delta is not None else []
        if issues:  # refused before anything is composed, with what the overrides show without composing
            issues = with_more(issues, check(overrides) if check is not None else [])
            raise ConfigError(with_composed_issues(issues, lambda: load(overrides)))
        experiment = load(overrides)
        check_decision(experiment)
        out = Path(options.out or f"outputs/sensitivity/{experiment.name}/{time.strftime('%Y-%m-%d_%H-%M-%S')}")
        check_creatable(out)  # before any run: a folder that cannot be written is refused now, not after the runs
        replacing = claim_output(out, SENSITIVITY)  # nor one holding what the study did not write: never overwritten
        if replacing:
            print(f"salesim: sensitivity: {replacing}", file=sys.stderr)
        scenario = options.scenario or experiment.baseline
        if scenario not in [s.name for s in experiment.scenarios]:
            names = ", ".join(s.name for s in experiment.scenarios)
            raise ConfigError.single("--scenario", scenario, f"must be a scenario of {experiment.name}: {names}")
        kpi = options.kpi or decision_of(experiment).primary
        named = kpi_name_issue("--kpi", kpi)
        if named is not None:
            raise ConfigError([named])
        for note in [*experiment.clock_notes(), workers_note("--workers", options.workers)]:
            if note:
                print(f"salesim: note: {note}", file=sys.stderr)
        from simulator.report.sensitivity_report import run_sensitivity  # the study, once the options are checked

        study = run_sensitivity(
            experiment,
            scenario,
            kpi,
            options.delta,
            options.runs,
            keys,
            sections,
            options.method,
            options.global_params,
            size,
            options.global_runs,
            options.workers or None,
            progress=True,
        )
    except (ConfigError, UnwritableOutputError) as error:
        print(f"salesim: {error}", file=sys.stderr)
        done = getattr(error, "replications", 0)
        ran = f"the one-at-a-time phase ran {count_of(done, 'replication')}" if done else "nothing was run"
        if not isinstance(error, OccupiedOutputError):  # that one says so, and what to do
            print(f"salesim: {ran} and no results were written.", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"salesim: sensitivity: {error.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the runs made so far are not enough for an answer
        print("\nsalesim: sensitivity: interrupted; nothing was written", file=sys.stderr)
        return 130
    from simulator.report.sensitivity_report import answer_paragraph, write_sensitivity

    written = written_in_full("sensitivity", lambda: write_sensitivity(study, out))
    print(answer_paragraph(study))
    for note in study.notes:  # a lever left out, or the global method not run: said here, not only in report.md
        print(f"salesim: note: {note}.", file=sys.stderr)
    for key, words in study.reasons.items():  # a lead lever whose leads took the reps' own prospecting
        print(f"{key}: {words}.")
    print(f"salesim: sensitivity written to {written[0].parent}")
    return 0
