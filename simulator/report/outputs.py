"""Write an experiment's results to its run directory: the output contract of DESIGN.md.

Files: ``config.yaml`` (resolved config with seed and package version),
``replications.csv``, ``monthly.csv``, ``summary.csv``, ``summary.json``,
``comparison.csv``, ``reps.csv`` and ``monthly_queues.csv`` (tidy extra tables),
``failures.json`` (only when a replication raised), PNG plots,
``report.md`` and ``report.html`` (the same report, self-contained, for a browser).
Every file is written to a temporary name in the same directory and renamed into place,
so a crash never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from simulator.analysis.question_words import question_text
from simulator.analysis.run_figures import summary_with_run_figures
from simulator.io.atomic import atomic_write
from simulator.io.occupied import OccupiedOutputError
from simulator.io.output_dir import UnwritableOutputError
from simulator.report.claims import refuse_others, remove_stale
from simulator.report.layouts import API_LAYOUT, API_MARK, OUTPUT_NAMES
from simulator.run.csv_text import OUTPUT_FLOAT_FORMAT, write_frame
from simulator.run.experiment import ExperimentResult

CSV_FLOAT_FORMAT = OUTPUT_FLOAT_FORMAT


def remove_outputs(out_dir: Path) -> list[Path]:
    """Remove the outputs an earlier run left in ``out_dir`` (they describe results its store no longer holds).

    Only files a run writes, by name (:data:`OUTPUT_NAMES`): nothing else in the folder is touched.
    """
    removed = []
    for name in sorted(OUTPUT_NAMES):
        path = Path(out_dir) / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed


def _clean(value: Any) -> Any:
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_tables(result: ExperimentResult, out_dir: Path) -> list[Path]:
    """Write the config and the tidy tables (everything but plots and report)."""
    out_dir = Path(out_dir)
    summary = summary_with_run_figures(result)  # with the figures of the runs together the report reads
    written = [
        atomic_write(
            out_dir / "config.yaml",
            lambda f: yaml.safe_dump(_clean(result.experiment.resolved_config), f, sort_keys=False),
        ),
        atomic_write(
            out_dir / "replications.csv",
            lambda f: write_frame(f, result.replications, CSV_FLOAT_FORMAT),
        ),
        atomic_write(out_dir / "monthly.csv", lambda f: result.monthly_table.write_csv(f, CSV_FLOAT_FORMAT)),
        atomic_write(out_dir / "summary.csv", lambda f: summary.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT)),
        atomic_write(
            out_dir / "comparison.csv",
            lambda f: result.comparison.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT),
        ),
    ]
    for name, source in result.table_sources.items():  # written part by part: never held whole
        written.append(atomic_write(out_dir / f"{name}.csv", partial(source.write_csv, float_format=CSV_FLOAT_FORMAT)))
    summary_records = _clean(summary.to_dict(orient="records"))
    meta = {
        "experiment": result.experiment.name,
        "question": question_text(result.experiment, result.runs_per_scenario),
        "baseline": result.experiment.baseline,
        "scenarios": [spec.name for spec in result.experiment.scenarios],
        "seed": result.experiment.seed,
        "runs": "auto" if result.experiment.precision else result.experiment.runs,
        "runs_per_scenario": result.runs_per_scenario,
        # the runs the tables hold: fewer when a replication failed (left out of every scenario)
        "runs_in_tables": {
            name: int((result.replications["scenario"] == name).sum()) if len(result.replications) else 0
            for name in result.runs_per_scenario
        },
        # run r on draw r mod this (0: none); with more runs than draws, mean and CI are over the draws' means
        "parameter_draws": result.experiment.parameter_draw_count,
        "salesim_version": result.experiment.resolved_config.get("salesim_version", "unknown"),
        "failures": len(result.failures),
        "summary": summary_records,
    }
    written.append(atomic_write(out_dir / "summary.json", lambda f: json.dump(meta, f, indent=2)))
    if result.failures:
        failures = [asdict(failure) for failure in result.failures]
        written.append(atomic_write(out_dir / "failures.json", lambda f: json.dump(failures, f, indent=2)))
    else:  # a resume that ran the failed replications again leaves no stale list behind
        (out_dir / "failures.json").unlink(missing_ok=True)
    return written


def write_api_outputs(result: ExperimentResult, out_dir: Path) -> list[Path]:
    """:func:`write_outputs` for the Python API: only into a new or empty folder, or one it wrote before.

    A user's ``report.md`` or ``summary.csv`` in the folder had been replaced without a word,
    where the command line refuses the folder. The folder is marked (:data:`API_MARK`) so that
    writing it again replaces the earlier outputs, and those the new result does not write go.

    Raises:
        OccupiedOutputError: The folder holds anything else.
    """
    existing = next((f for f in (Path(out_dir), *Path(out_dir).parents) if f.exists()), None)
    if existing is not None and not existing.is_dir():  # a bare FileExistsError or NotADirectoryError had said it
        where = "it is" if existing == Path(out_dir) else f"{existing} is"
        raise UnwritableOutputError(Path(out_dir), f"{where} a file, not a folder; nothing was written")
    try:
        refuse_others(out_dir, API_LAYOUT, "Choose another folder, or move those out of it first")
    except OccupiedOutputError as error:  # the result is in hand: only the writing is refused
        error.args = (str(error).replace("nothing was run or written", "nothing was written"),)
        raise
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    written = write_outputs(result, out_dir)
    mark = atomic_write(Path(out_dir) / API_MARK, lambda f: f.write("written by simulator.write_outputs\n"))
    remove_stale(out_dir, API_LAYOUT, [*written, mark])
    return written


def write_outputs(result: ExperimentResult, out_dir: Path) -> list[Path]:
    """Write every output of the contract: tables, plots, ``report.md`` and ``report.html``."""
    from simulator.report import document, html, plots  # matplotlib is only needed when writing

    written = write_tables(result, out_dir)
    if len(result.replications):
        figures = plots.plot_all(result, Path(out_dir))
        written.extend(figures)
        report = document.write_report(result, Path(out_dir), figures)
        written += [report, html.write_html(report.read_text(encoding="utf-8"), out_dir)]
    return written
