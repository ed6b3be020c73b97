"""The SimPy engine against a lean SimPy model of the canonical 3-stage network.

The canonical network (``tests.scenarios.three_stage_network``): ~5,000 Poisson leads a
year, three stages worked by one pooled FIFO team of 11 reps at rho = 0.8, exponential
effort and buyer delays, Bernoulli conversions. The lean model is what a SimPy user
would write for it: one process per lead holding a ``simpy.Resource`` for each stage's
work, the same pre-drawn luck (the same ``draw_leads`` call, timed in both), and a
record of each lead's stage starts and outcome. The engine pays for what the lean model
leaves out (owners, priorities, hand-off checks, leakage, records of every stage, the
daily census); target: within 1.6x of the lean model's time. Both agree on the wins.

Run: python benchmarks/bench_simpy_lean.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import simpy
from timing import best_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.engines.simpy import simulate
from simulator.model import sampling
from simulator.model.market import draw_leads
from simulator.model.records import Outcome
from simulator.model.scenario import Scenario
from tests.scenarios import compiled, three_stage_network


def lean_model(scenario: Scenario, seed: int, replication: int) -> tuple[np.ndarray, np.ndarray]:
    """The same network in plain SimPy: per lead, its outcome and the start of each stage's work."""
    leads = draw_leads(scenario, seed, replication)
    env = simpy.Environment()
    reps = simpy.Resource(env, int(scenario.team_headcount[0]))
    hours = float(scenario.team_selling_hours_per_day[0])
    p = [1.0 / (1.0 + math.exp(-z)) for z in scenario.stage_base_logit.tolist()]
    effort, delay, draw = leads.effort_hours.tolist(), leads.delay_days.tolist(), leads.conversion_draw.tolist()
    n, stages = leads.size, scenario.n_stages
    outcome = [0] * n
    start = [[math.nan] * n for _ in range(stages)]

    def lead(i: int):
        for s in range(stages):
            with reps.request() as request:
                yield request
                start[s][i] = env.now
                yield env.timeout(effort[s][i] / hours)
            if draw[s][i] >= p[s]:
                outcome[i] = int(Outcome.DISQUALIFIED)
                return
            if s == stages - 1:
                outcome[i] = int(Outcome.WON)
                return
            yield env.timeout(delay[s][i])

    def arrivals():
        for i, day in enumerate(leads.arrival_day.tolist()):
            yield env.timeout(day - env.now)
            env.process(lead(i))

    env.process(arrivals())
    env.run(until=scenario.horizon_days)
    return np.array(outcome), np.array(start).T


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11, help="timings of each model (best taken)")
    args = parser.parse_args()
    sampling.warm_up()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = compiled(three_stage_network(), "network")
    run = simulate(scenario, 1, 0)
    outcome, _ = lean_model(scenario, 1, 0)
    engine_time = lean_time = math.inf
    for _ in range(args.repeat):  # alternate, so both meet the same load on a shared machine
        engine_time = min(engine_time, best_of(1, lambda: simulate(scenario, 1, 0)))
        lean_time = min(lean_time, best_of(1, lambda: lean_model(scenario, 1, 0)))
    won_engine = int((run.log.outcome == Outcome.WON).sum())
    won_lean = int((outcome == Outcome.WON).sum())
    visits = int(np.isfinite(run.log.stage_start).sum())
    print(f"canonical 3-stage network: {run.leads.size} leads, {visits} stage visits")
    print(f"  SimPy engine {engine_time * 1e3:.1f} ms, lean SimPy model {lean_time * 1e3:.1f} ms")
    print(f"  ratio: {engine_time / lean_time:.2f}x (target <= 1.6x)")
    print(f"  deals won: engine {won_engine}, lean model {won_lean}")


if __name__ == "__main__":
    main()
