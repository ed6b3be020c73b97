"""``salesim calibrate`` and ``salesim backtest``: a CRM export in, a config folder or a back-test out.

    salesim calibrate MAPPING.yaml --as-of 2017-09-30 --out DIR [--replace] [--until DATE] [--runs N] [--seed S]
    salesim backtest MAPPING.yaml --as-of 2017-06-30,2017-09-30 --until 2017-12-31 --out DIR [--runs N]

A bad mapping or export is refused with one message naming the file, the column and the
row, exit status 2, and nothing written. The export's tables and the engines are imported
once the command line, the mapping file and the output folder are checked: ``--help`` and
those refusals load none of them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from simulator.analysis.wording import count_of
from simulator.calibration.dates import parse_date
from simulator.calibration.draw_counts import DEFAULT_DRAWS, MAX_DRAWS, MIN_DRAWS
from simulator.calibration.errors import CalibrationError
from simulator.calibration.mapping import load_mapping
from simulator.calibration.occupied import CLI_OPTIONS, refuse_occupied
from simulator.config.option_errors import comma_separated, repeated_issue
from simulator.config.runner_settings import MAX_RUNS, RUNS_RULE
from simulator.io.output_dir import UnwritableOutputError, check_creatable
from simulator.report.claims import claim_output
from simulator.report.layouts import BACKTEST
from simulator.run.signals import written_in_full
from simulator.run.workers import resolve_workers, workers_note

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
BACKTEST_MIN_RUNS = 10
"""Fewest replications per origin of a back-test: its P10 and P90 need some runs outside them."""


def _whole_option(option: str, text: str, lowest: int, highest: int | None, rule: str, wrong: list[str]) -> int:
    """The whole number an option was given, or ``lowest`` with its fault added to ``wrong``.

    Every option is read as text and checked here, so one message names every wrong option
    (argparse's own ``type=int`` stops at the first); a command never runs with ``wrong``
    holding anything, so the stand-in value is never used.
    """
    try:
        value = int(text)
    except ValueError:
        wrong.append(f"{option} {text!r}: {rule}")
        return lowest
    if value < lowest or (highest is not None and value > highest):
        wrong.append(f"{option} {value}: {rule}")
        return lowest
    return value


def _seed_option(text: str, wrong: list[str]) -> int:
    """The root seed from the command line: a whole number from 0 to 2^63 - 1 (see :func:`_whole_option`)."""
    from simulator.config.composed import MAX_SEED, SEED_RULE

    return _whole_option("--seed", text, 0, MAX_SEED, SEED_RULE, wrong)


def _workers_option(text: str, wrong: list[str]) -> int:
    """Processes at once from the command line: 0 (every core) or more (see :func:`_whole_option`)."""
    return _whole_option("--workers", text, 0, None, "must be a whole number >= 0 (0 = every core)", wrong)


def _plain(doc: str | None) -> str:
    """A docstring as --help prints it: without reStructuredText's double backticks."""
    return (doc or "").replace("``", "")


def calibrate_main(args: Sequence[str]) -> int:
    """``salesim calibrate``: fit an export as of a date and write a config folder with calibration.md."""
    parser = argparse.ArgumentParser(prog="salesim calibrate", description=_plain(calibrate_main.__doc__))
    parser.add_argument("mapping", help="the mapping file (YAML): which files, what each column means")
    parser.add_argument("--as-of", required=True, help="fit on what was known on this date (YYYY-MM-DD)")
    parser.add_argument("--out", required=True, help="the config folder to write (a new or empty folder)")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace --out if calibrate wrote it (everything in it is deleted, your edits included); "
        "a folder holding anything else, or the mapping or export, is refused",
    )
    parser.add_argument("--until", default=None, help="simulate to this date (default: the next quarter's end)")
    parser.add_argument("--runs", default="100", help="replications of the folder's experiments (default 100)")
    parser.add_argument("--seed", default="1", help="root seed of the folder's experiments (default 1)")
    parser.add_argument(
        "--draws",
        default=str(DEFAULT_DRAWS),
        help=f"bootstrap refits stored for the runs' bands to carry the parameters' uncertainty (default "
        f"{DEFAULT_DRAWS}; 0: the runs take the fitted parameters as known)",
    )
    parser.add_argument("--workers", default="0", help="processes refitting at once (default: every core)")
    options = parser.parse_args(list(args))
    started = time.perf_counter()
    try:
        wrong: list[str] = []  # every option's fault at once, before the export is read
        runs = _whole_option("--runs", options.runs, 1, MAX_RUNS, RUNS_RULE, wrong)
        seed = _seed_option(options.seed, wrong)
        draws_rule = (
            f"must be 0 (no parameter draws) or a whole number from {MIN_DRAWS} (one refit has no spread) "
            f"to {MAX_DRAWS}"
        )
        n_draws = _whole_option("--draws", options.draws, 0, MAX_DRAWS, draws_rule, wrong)
        if 0 < n_draws < MIN_DRAWS:
            wrong.append(f"--draws {n_draws}: {draws_rule}")
        workers = _workers_option(options.workers, wrong)
        for option, text in (("--as-of", options.as_of), ("--until", options.until)):
            try:
                if text is not None:
                    parse_date(text, option)
            except CalibrationError as error:
                wrong.append(str(error))
        try:  # the output folder's faults beside the options' (nothing is written either way)
            check_creatable(Path(options.out))
            refuse_occupied(options.out, options.replace, [options.mapping])
        except (CalibrationError, UnwritableOutputError) as error:
            wrong.append(str(error))
        if wrong:
            raise CalibrationError("; ".join(wrong))
        load_mapping(options.mapping)  # a missing or bad mapping file refused before the tables are loaded
        from simulator.calibration.calibrate import calibrate  # the export's tables and the fits

        calibration = calibrate(options.mapping, options.as_of, options.until)
        from simulator.calibration.draws import parameter_draws
        from simulator.calibration.folder import write_folder
        from simulator.model.streams import Stream, stream

        draws = None
        if n_draws:  # draw k: the refit backtest's replication k makes with the same seed
            generators = [stream(seed, k, Stream.PARAMETER_DRAW) for k in range(n_draws)]
            refitting = min(resolve_workers(workers), n_draws)
            print(
                f"salesim: calibrate: refitting {n_draws} bootstrap resamples of the export on "
                f"{count_of(refitting, 'process', 'processes')} (--draws; 0 skips them)",
                file=sys.stderr,
                flush=True,
            )
            draws = parameter_draws(calibration, generators, refitting)
        folder = write_folder(calibration, options.out, runs, seed, options.replace, draws, names=CLI_OPTIONS)
    except (CalibrationError, UnwritableOutputError) as error:
        print(f"salesim: calibrate: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from simulator.calibration.cautions import calibration_cautions
    from simulator.calibration.document import data_problem_rows

    out = calibration.outcomes
    print(
        f"salesim: {calibration.mapping.name} as of {calibration.as_of}: win rate {100 * out.win_rate.value:.1f}%, "
        f"no decision {100 * out.no_decision.value:.1f}%, {calibration.arrivals.level.value:,.0f} new opportunities "
        f"a month, {count_of(sum(len(t) for t in calibration.people.teams.values()), 'rep')}, "
        f"{count_of(len(calibration.open_deals), 'open deal')}; "
        f"{count_of(len(data_problem_rows(calibration)), 'kind')} of data problem counted "
        "(calibration.md: Data problems)"
    )
    for line in calibration_cautions(calibration):
        print(f"salesim: calibrate: warning: {line}", file=sys.stderr)
    drawn = f"; {n_draws} bootstrap refits for the runs' bands" if n_draws else ""
    print(
        f"salesim: config folder written to {folder} in {time.perf_counter() - started:.1f} s{drawn} "
        f"(run it: python -m simulator --config-dir {folder})"
    )
    return 0


def _is_date(text: str) -> bool:
    try:
        parse_date(text, "")
    except CalibrationError:
        return False
    return True


def backtest_main(args: Sequence[str]) -> int:
    """``salesim backtest``: rolling origins, calibrated on the data before each, scored against what happened."""
    parser = argparse.ArgumentParser(prog="salesim backtest", description=_plain(backtest_main.__doc__))
    parser.add_argument("mapping", help="the mapping file (YAML)")
    parser.add_argument("--as-of", required=True, help="origins, comma separated (YYYY-MM-DD,YYYY-MM-DD)")
    parser.add_argument("--until", required=True, help="simulate every origin to this date")
    parser.add_argument("--out", required=True, help="folder for backtest.csv, backtest.md and the fan charts")
    parser.add_argument("--runs", default="100", help="replications per origin (default 100)")
    parser.add_argument("--seed", default="1", help="root seed (default 1)")
    parser.add_argument(
        "--uncertainty",
        choices=("bootstrap", "none"),
        default="bootstrap",
        help="bootstrap: each replication on its own refit of resampled rows (default); none",
    )
    parser.add_argument("--workers", default="0", help="processes (default: every core)")
    options = parser.parse_args(list(args))
    started = time.perf_counter()
    each_origin = "give each origin once, comma separated (YYYY-MM-DD,YYYY-MM-DD)"
    origins, empty = comma_separated("--as-of", options.as_of, each_origin)
    try:
        wrong: list[str] = []  # every option's fault at once, before the export is read
        runs_rule = (
            f"must be a whole number from {BACKTEST_MIN_RUNS} to {MAX_RUNS:,}: the back-test scores each actual "
            "against the P10-P90 band of the runs, and from fewer runs P10 and P90 are little more than the lowest "
            "and highest run (100, the default, gives a steady band)"
        )
        runs = _whole_option("--runs", options.runs, BACKTEST_MIN_RUNS, MAX_RUNS, runs_rule, wrong)
        seed = _seed_option(options.seed, wrong)
        asked = _workers_option(options.workers, wrong)
        workers = resolve_workers(asked)  # never more processes than cores
        if not origins:
            wrong.append(f"--as-of {options.as_of!r}: give at least one origin date (YYYY-MM-DD)")
        if empty is not None:
            wrong.append(str(empty))
        for origin in origins:  # each written YYYY-MM-DD, so a day given twice is the same text twice
            try:
                parse_date(origin, "--as-of")
            except CalibrationError as error:
                wrong.append(str(error))
        repeated = repeated_issue("--as-of", origins, each_origin)
        if repeated is not None:  # run twice, its rows would count twice in the coverage
            wrong.append(str(repeated))
        try:
            until = parse_date(options.until, "--until")
            early = [o for o in origins if _is_date(o) and parse_date(o, "--as-of") >= until]
            if early:
                wrong.append(f"--until {options.until}: must come after every origin (--as-of {', '.join(early)})")
        except CalibrationError as error:
            wrong.append(str(error))
        if wrong:
            raise CalibrationError("; ".join(wrong))
        check_creatable(Path(options.out))  # the folder first: it is checked in no time, the export in seconds
        replacing = claim_output(Path(options.out), BACKTEST)  # a user's or another command's: refused
        load_mapping(options.mapping)  # a missing or bad mapping file refused before the tables are loaded
        from simulator.run.backtest import run_origin, timed_calibration  # the export's tables, the engines

        # each origin calibrated once, before anything runs: to refuse a bad export or date, then to run it
        calibrated = [timed_calibration(options.mapping, origin, options.until) for origin in origins]
        _refuse_origins_past_the_export(origins, [cal.export.export_date for cal, _ in calibrated])
    except (CalibrationError, UnwritableOutputError) as error:
        print(f"salesim: backtest: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if replacing:
        print(f"salesim: backtest: {replacing}", file=sys.stderr)
    capped = workers_note("--workers", asked)
    if capped:
        print(f"salesim: backtest: note: {capped}", file=sys.stderr)
    from simulator.calibration.cautions import origin_cautions

    for line in origin_cautions(origins, [cal for cal, _ in calibrated]):
        print(f"salesim: backtest: warning: {line}", file=sys.stderr)
    results = []
    try:
        for origin, made in zip(origins, calibrated, strict=True):
            print(f"salesim: backtest: origin {origin}: running {runs} replications", flush=True)
            results.append(
                run_origin(options.mapping, origin, options.until, runs, seed, options.uncertainty, workers, made)
            )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: a back-test is written only when every origin has run
        print(
            f"\nsalesim: backtest: interrupted after {len(results)} of {len(origins)} origins; nothing was written "
            "(a back-test is written only when every origin has run: run it again, or with fewer --as-of dates)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    seconds = time.perf_counter() - started
    from simulator.report.backtest_report import write_backtest

    written = written_in_full(
        "backtest", lambda: write_backtest(results, Path(options.out), runs, options.uncertainty, seconds)
    )
    print((Path(options.out) / "backtest.md").read_text(encoding="utf-8").split("## Quarters")[0].strip())
    print(f"salesim: back-test written to {written[0].parent} in {time.perf_counter() - started:.1f} s")
    return 0


def _refuse_origins_past_the_export(origins: Sequence[str], ends: Sequence[object]) -> None:
    """Refuse an origin on or after the export's last date: nothing after it has an actual to score.

    It had run its replications and written a back-test of no scored period whose misses read
    "Nowhere." (--as-of 2018-03-31 on an export ending 2017-12-31).

    Raises:
        CalibrationError: Naming the origins, the export's last date and what to give instead.
    """
    past = [origin for origin, end in zip(origins, ends, strict=True) if str(origin) >= str(end)]
    if past:
        end = ends[0]
        raise CalibrationError(
            f"--as-of {', '.join(past)}: on or after the export's last date ({end}): the export records nothing "
            "after it, so a back-test from there has no actual to score; give origins before it (for a forecast "
            f"from {past[0]}, run salesim calibrate --as-of {past[0]} and the folder it writes)"
        )
