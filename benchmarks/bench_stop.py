"""Stop benchmark: how long SIGTERM and Ctrl-C take to stop a running experiment, and what is kept.

The command line runs the default experiment with more replications than it can finish;
once the first batches are in the results store, the benchmark sends SIGTERM to the
command (or SIGINT to its whole process group, as a terminal's Ctrl-C does) and times
the exit. It prints each stop's wall time, the exit status (130 expected), the batches
kept, the ratio of the stop time to the 5 s target, and the ratio to the time one batch
takes (a stop that waited for running batches would take at least one batch). A
resume then completes the run and reports only the replications it computed.

Run: python benchmarks/bench_stop.py [--runs 400] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0


def _start(out: Path, runs: int, workers: int, resume: bool = False) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "simulator", f"runs={runs}", f"runner.workers={workers}", f"hydra.run.dir={out}"]
    if resume:
        args.append("runner.resume=true")
    return subprocess.Popen(
        args,
        cwd=out.parent,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # a benchmark started in the background inherits an ignored SIGINT, as a terminal's job would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _parts(out: Path) -> int:
    return len(list((out / "store").glob("*.manifest.json"))) if (out / "store").is_dir() else 0


@dataclass(frozen=True)
class Stop:
    """One timed stop and the resume after it."""

    seconds: float  # from the signal to the command's exit
    status: int  # the command's exit status (130 expected)
    kept: int  # batches in the store after the stop
    batch_seconds: float  # about one batch: the time to the first two, halved
    traceback: bool
    resume_status: int
    resume_line: str  # the resume's last progress line


def stop_once(folder: Path, how: str, runs: int, workers: int) -> Stop:
    """Start a run, stop it after its first batches are stored, and time the stop."""
    out = folder / f"run-{how}"
    started = time.monotonic()
    process = _start(out, runs, workers)
    while _parts(out) < 2 and process.poll() is None:
        time.sleep(0.05)
    first_batches = time.monotonic() - started
    signalled = time.monotonic()
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=600)
    stopped = time.monotonic() - signalled
    kept = _parts(out)
    resumed = _start(out, runs, workers, resume=True)
    resume_out, resume_err = resumed.communicate(timeout=3600)
    last = [line for line in (resume_out + resume_err).splitlines() if " runs in " in line]
    return Stop(
        stopped,
        process.returncode,
        kept,
        first_batches / 2.0,
        "Traceback" in err,
        resumed.returncode,
        last[-1] if last else "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="replications per scenario (more than a stop allows)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for how in ("sigterm", "ctrl-c"):
            r = stop_once(Path(tmp), how, args.runs, args.workers)
            print(
                f"{how:8s}: stopped in {r.seconds:.2f} s (exit {r.status}, traceback {r.traceback}), "
                f"{r.kept} batches kept; {r.seconds / TARGET_SECONDS:.2f}x the {TARGET_SECONDS:.0f} s target, "
                f"{r.seconds / r.batch_seconds:.2f}x the ~{r.batch_seconds:.1f} s of a batch; "
                f"resume exit {r.resume_status}: {r.resume_line}"
            )


if __name__ == "__main__":
    main()
