"""SimPy engine benchmark: where a replication's time goes, and how it scales with workers.

Every figure is the SimPy engine's (the readable reference); the compiled engine has its
own benchmark, ``bench_fast_engine.py``.

Prints ratios measured in one run (wall times on a shared machine are noisy; a ratio of
two timings taken side by side holds). Targets (see benchmarks/README.md):
- drawing every lead's luck in batches takes < 15% of a replication;
- a pod design with the overflow rule costs < 1.5x per stage visit of the default design;
- 2 workers run an experiment >= 1.6x faster than 1 worker on 2 cores;
- results are identical whatever the number of workers.

Run: python benchmarks/bench_engine.py [--runs 40]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from timing import best_of

import simulator
from simulator.config.pipelines import PipelinesConfig
from simulator.engines.simpy import simulate
from simulator.model import sampling
from simulator.model.market import draw_leads
from simulator.model.metrics import kpi_row
from simulator.model.records import ReplicationRun
from simulator.model.scenario import compile_scenario
from simulator.run.settings import RunnerSettings
from simulator.run.workers import available_workers


def count_stage_visits(run: ReplicationRun) -> int:
    """Stages worked for one entity, over every pipeline (sales, prospecting, partner, retention)."""
    visits = int(np.isfinite(run.log.stage_enter).sum())
    record = run.pipelines
    if record is not None:
        visits += int((record.account_stage + 1).sum() + (record.partner_stage + 1).sum())
        visits += int(record.renewal_touches.sum() + (record.expansion_stage + 1).sum())
    return visits


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="replications per scenario for the scaling test")
    args = parser.parse_args()
    sampling.warm_up()
    experiment = simulator.load_experiment(overrides=[f"runs={args.runs}"])
    scenario = experiment.scenarios[0].compile()
    simulate(scenario, 1, 0)

    draw = best_of(5, lambda: draw_leads(scenario, 1, 0))
    replication = best_of(5, lambda: kpi_row(simulate(scenario, 1, 0)))
    run = simulate(scenario, 1, 0)
    stage_visits = count_stage_visits(run)
    print(f"one replication: {run.leads.size} leads, {stage_visits} stage visits, {replication * 1e3:.0f} ms")
    print(f"  batch draws of all leads' luck: {draw * 1e3:.1f} ms = {draw / replication:.1%} of a replication")
    print(f"  throughput: {stage_visits / replication:,.0f} stage visits/s")
    pods = simulator.load_experiment(overrides=["org=pods_by_segment", "runs=1"]).scenarios[0].compile()
    simulate(pods, 1, 0)
    pods_time = best_of(5, lambda: kpi_row(simulate(pods, 1, 0)))
    pods_visits = count_stage_visits(simulate(pods, 1, 0))
    ratio = (pods_time / pods_visits) / (replication / stage_visits)
    print(f"  pods by segment with overflow: {pods_time / pods_visits * 1e6:.1f} us per stage visit = {ratio:.2f}x")

    single = experiment.scenarios[0].config
    single = single.model_copy(update={"pipelines": PipelinesConfig()})
    one = compile_scenario(single, "single")
    one_time = best_of(5, lambda: simulate(one, 1, 0))
    one_visits = count_stage_visits(simulate(one, 1, 0))
    per_visit_all = replication / stage_visits
    per_visit_one = one_time / one_visits
    print(f"  per stage visit: {per_visit_all * 1e6:.1f} us with every pipeline")
    print(
        f"  the sales pipeline alone: {one_visits} stage visits, {one_time * 1e3:.0f} ms,"
        f" {per_visit_one * 1e6:.1f} us a visit"
    )

    workers = min(2, available_workers())
    start = time.perf_counter()
    serial = simulator.run_experiment(experiment, settings=RunnerSettings(workers=1, engine="simpy"))
    t_serial = time.perf_counter() - start
    start = time.perf_counter()
    parallel = simulator.run_experiment(experiment, settings=RunnerSettings(workers=workers, engine="simpy"))
    t_parallel = time.perf_counter() - start
    identical = serial.replications.equals(parallel.replications)
    total = args.runs * len(experiment.scenarios)
    print(f"experiment of {total} replications, SimPy engine:", end=" ")
    print(f"1 worker {t_serial:.1f} s, {workers} workers {t_parallel:.1f} s")
    print(f"  speed-up with {workers} workers: {t_serial / t_parallel:.2f}x (target >= 1.6x on 2 cores)")
    print(f"  identical results: {identical}")


if __name__ == "__main__":
    main()
