"""One job as a user sees it: run an experiment with a progress bar, write, print the answer."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from simulator.analysis.results import run_experiment
from simulator.report.outputs import write_outputs
from simulator.run.experiment import Experiment, ExperimentResult
from simulator.run.runner import resolve_workers


def run_and_write(
    experiment: Experiment,
    out_dir: Path,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
) -> ExperimentResult:
    """Run ``experiment``, write every output to ``out_dir`` and print the results table."""
    from simulator.report.document import results_table

    total = experiment.runs * len(experiment.scenarios)
    n_workers = resolve_workers(workers)
    print(
        f"salesim: {experiment.name}: {len(experiment.scenarios)} scenarios x {experiment.runs} runs "
        f"on {n_workers} worker{'s' if n_workers > 1 else ''} (seed {experiment.seed})",
        file=sys.stderr,
    )
    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from this one
    with tqdm(total=total, unit="run", disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar:

        def advance(done: int) -> None:
            bar.update(done)

        result = run_experiment(experiment, workers=n_workers, batch_size=batch_size, on_progress=advance)
    write_outputs(result, out_dir)
    print(results_table(result))
    for failure in result.failures:
        print(
            f"salesim: replication {failure.replication} of scenario {failure.scenario} (seed {failure.seed}) "
            f"failed: {failure.error}",
            file=sys.stderr,
        )
    if result.failures:
        print(f"salesim: {len(result.failures)} replications failed; see failures.json", file=sys.stderr)
    print(f"salesim: {total - len(result.failures)} runs in {result.wall_seconds:.1f} s; results in {out_dir}")
    return result
