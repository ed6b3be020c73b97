"""Write an experiment's results to its run directory: the output contract of DESIGN.md.

Files: ``config.yaml`` (resolved config with seed and package version),
``replications.csv``, ``monthly.csv``, ``summary.csv``, ``summary.json``,
``comparison.csv``, ``failures.json`` (only when a replication raised), PNG plots and
``report.md``. Every file is written to a temporary name in the same directory and
renamed into place, so a crash never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import yaml

from simulator.experiment import ExperimentResult

CSV_FLOAT_FORMAT = "%.10g"


def atomic_write(path: Path, write: Callable[[IO[Any]], Any], binary: bool = False) -> Path:
    """Write a file through a temporary file in the same directory, then rename it.

    Args:
        path: Where the file ends up.
        write: Writes the content to the open handle it is given.
        binary: Open the handle in binary mode (e.g. for a PNG) instead of UTF-8 text.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        handle: IO[Any]
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
    written = [
        atomic_write(
            out_dir / "config.yaml",
            lambda f: yaml.safe_dump(_clean(result.experiment.resolved_config), f, sort_keys=False),
        ),
        atomic_write(
            out_dir / "replications.csv",
            lambda f: result.replications.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT),
        ),
        atomic_write(
            out_dir / "monthly.csv", lambda f: result.monthly.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT)
        ),
        atomic_write(
            out_dir / "summary.csv", lambda f: result.summary.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT)
        ),
        atomic_write(
            out_dir / "comparison.csv",
            lambda f: result.comparison.to_csv(f, index=False, float_format=CSV_FLOAT_FORMAT),
        ),
    ]
    summary_records = _clean(result.summary.to_dict(orient="records"))
    meta = {
        "experiment": result.experiment.name,
        "question": result.experiment.question,
        "baseline": result.experiment.baseline,
        "scenarios": [spec.name for spec in result.experiment.scenarios],
        "seed": result.experiment.seed,
        "runs": result.experiment.runs,
        "salesim_version": result.experiment.resolved_config.get("salesim_version", "unknown"),
        "failures": len(result.failures),
        "summary": summary_records,
    }
    written.append(atomic_write(out_dir / "summary.json", lambda f: json.dump(meta, f, indent=2)))
    if result.failures:
        failures = [asdict(failure) for failure in result.failures]
        written.append(atomic_write(out_dir / "failures.json", lambda f: json.dump(failures, f, indent=2)))
    return written


def write_outputs(result: ExperimentResult, out_dir: Path) -> list[Path]:
    """Write every output of the contract: tables, plots and the report."""
    from simulator import plots, report  # matplotlib is only needed when writing

    written = write_tables(result, out_dir)
    if len(result.replications):
        figures = plots.plot_all(result, Path(out_dir))
        written.extend(figures)
        written.append(report.write_report(result, Path(out_dir), figures))
    return written
