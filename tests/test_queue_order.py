"""Newest first (``org.teams.<team>.newest_first``): the order a rep takes queued work, and what it changes.

A fresh user found that doubling the inbound leads of a busy team lowered its bookings
(6 reps: -33%, its inbound bookings down too): worked oldest first, every lead was first
touched after its speed-to-lead odds had decayed. A rep short of time answers the freshest
leads, and the shipped teams that take first touches (full-cycle reps, SDR desks) now do.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.engines.choice import simulate
from tests.scenarios import compiled, single_stage_queue
from tests.test_theory import erlang_c_wait

Z = 4.0


def queue(newest_first: bool, **changes: float) -> dict[str, object]:
    data = single_stage_queue(changes.pop("arrivals", 4.0), 1.0, int(changes.pop("reps", 5)), **changes)  # type: ignore[arg-type]
    data["org"]["teams"]["servers"]["newest_first"] = newest_first  # type: ignore[index]
    return data


@pytest.mark.parametrize("engine", ["simpy", "fast"])
@pytest.mark.parametrize("newest_first", [True, False])
def test_a_free_rep_takes_the_newest_waiting_lead_or_the_oldest(engine: str, newest_first: bool) -> None:
    run = simulate(compiled(queue(newest_first, arrivals=1.4, reps=1, horizon_days=200.0)), 3, 0, engine)
    enter, start = run.log.stage_enter[:, 0], run.log.stage_start[:, 0]
    started = np.flatnonzero(np.isfinite(start))
    assert started.size > 200
    checked = 0
    for i in started:
        # the leads still waiting when i was taken up (queued no later, taken up later or never)
        waiting = (enter <= start[i]) & ~(start <= start[i]) & (np.arange(enter.size) != i)
        if waiting.any():
            checked += 1
            assert (enter[i] >= enter[waiting]).all() if newest_first else (enter[i] <= enter[waiting]).all()
    assert checked > 100  # the rep chose among waiting leads that often


def _waits(newest_first: bool, runs: int) -> tuple[list[float], list[float]]:
    """Each run's mean wait and mean squared wait of the leads queued after the warm-up (well before the horizon)."""
    scenario = compiled(queue(newest_first, horizon_days=1600.0, warmup_days=100.0))
    means, squares = [], []
    for r in range(runs):
        log = simulate(scenario, 11, r, "fast").log
        enter, start = log.stage_enter[:, 0], log.stage_start[:, 0]
        # leads queued 100 days before the horizon: none of an M/M/5 at 80% waits that long
        kept = (enter >= 100.0) & (enter < 1500.0)
        assert np.isfinite(start[kept]).all()
        wait = start[kept] - enter[kept]
        means.append(float(wait.mean()))
        squares.append(float((wait**2).mean()))
    return means, squares


def _mean_se(values: list[float]) -> tuple[float, float]:
    return float(np.mean(values)), float(np.std(values, ddof=1) / math.sqrt(len(values)))


def test_newest_first_keeps_erlang_cs_mean_wait_and_spreads_it_as_an_mm1_busy_period() -> None:
    """M/M/5 at 80%: the mean wait is Erlang C's whatever the order (work-conserving); a waiting lead's wait is
    a busy period of an M/M/1 with rates 4 and 5 under newest first, so E[W^2] = C x 2 / (c mu)^2 / (1 - rho)^3
    (5x the oldest-first E[W^2] = C x 2 / (c mu - lambda)^2): Kleinrock, Queueing Systems I, 1975, 5.8."""
    arrivals, c, mu = 4.0, 5, 1.0
    rho, expected = arrivals / (c * mu), erlang_c_wait(arrivals, mu, c)
    waiting = expected * (c * mu - arrivals)  # Erlang C's P(wait): E[W] = P(wait) / (c mu - lambda)
    for newest_first, second in ((True, waiting * 2 / (c * mu) ** 2 / (1 - rho) ** 3), (False, waiting * 2.0)):
        means, squares = _waits(newest_first, 40)
        wait, wait_se = _mean_se(means)
        assert abs(wait - expected) < Z * wait_se, (newest_first, wait, wait_se, expected)
        square, square_se = _mean_se(squares)
        assert abs(square - second) < Z * square_se, (newest_first, square, square_se, second)


def test_a_busy_team_answering_the_freshest_leads_books_more_and_loses_less_to_more_leads() -> None:
    """The fresh user's finding on the default organisation cut to 6 reps, twice the inbound leads, paired runs.

    Oldest first, doubling the leads had cut bookings by a third ($1.73M to $1.16M) and even
    the inbound bookings fell; newest first, the inbound bookings hold and the team books more.
    """
    import simulator
    from simulator.model.metrics import kpi_row

    def rows(*overrides: str) -> list[dict[str, float]]:
        spec = simulator.load_experiment(overrides=["org.teams.full_cycle.headcount=6", *overrides]).scenarios[0]
        scenario = spec.compile()
        return [kpi_row(simulate(scenario, 5, r, "fast")) for r in range(80)]

    more = "market.sources.inbound.leads_per_month=300"
    oldest, oldest_x2 = (
        rows("org.teams.full_cycle.newest_first=false"),
        rows("org.teams.full_cycle.newest_first=false", more),
    )
    newest, newest_x2 = rows(), rows(more)

    def paired(a: list[dict[str, float]], b: list[dict[str, float]], kpi: str) -> tuple[float, float]:
        return _mean_se([x[kpi] - y[kpi] for x, y in zip(a, b, strict=True)])

    gain, gain_se = paired(newest, oldest, "bookings")
    assert gain - 3 * gain_se > 0, (gain, gain_se)
    lost_newest, _ = paired(newest_x2, newest, "bookings")
    lost_oldest, _ = paired(oldest_x2, oldest, "bookings")
    change, change_se = _mean_se(
        [
            (a["bookings"] - b["bookings"]) - (c["bookings"] - d["bookings"])
            for a, b, c, d in zip(newest_x2, newest, oldest_x2, oldest, strict=True)
        ]
    )
    assert change - 3 * change_se > 0, (lost_newest, lost_oldest, change, change_se)
    inbound, inbound_se = paired(newest_x2, newest, "bookings_inbound")
    assert inbound + 3 * inbound_se > 0, (inbound, inbound_se)  # more leads do not lower what they book
    fell, fell_se = paired(oldest_x2, oldest, "bookings_inbound")
    assert fell + 3 * fell_se < 0, (fell, fell_se)  # as they did worked oldest first


def test_a_lead_whose_wait_ran_out_holds_no_pod_over_its_overflow_threshold() -> None:
    """Newest first leaves leaked leads at the back of the queue: they had kept a pod 'over' its threshold for good."""
    import simpy

    from simulator.engines.simpy.organisation import Rep, Team, WorkItem
    from simulator.engines.simpy.overflow import _oldest_enqueued, _queued

    env = simpy.Environment()
    team = Team(0, "pod", [Rep(0, 0, 0.0, 4.0)], 0, 0, -1.0)
    for lead, (enqueued, pipeline) in enumerate([(1.0, 0), (9.0, 0), (2.0, 1)]):
        item = WorkItem(lead, 0, enqueued, 0.0, -1, env.event(), pipeline=pipeline)
        team.put(item, None, lead)
    max_waits = [5.0]
    assert _queued(team, 10.0, max_waits) == 2  # the lead queued on day 1 leaked on day 6
    assert _oldest_enqueued(team, 10.0, max_waits) == 2.0  # another pipeline's item has no such wait
    assert _queued(team, 5.0, max_waits) == 3 and _oldest_enqueued(team, 5.0, max_waits) == 1.0


def test_a_faster_first_touch_of_fewer_leads_is_said_with_the_share_never_touched() -> None:
    """6 reps given twice the inbound leads read "first touch 1.1 hours sooner ... better" with 56% never touched."""
    import simulator
    from simulator.analysis.untouched_leads import untouched_sentences
    from simulator.model.metrics import kpi_row

    # the KPI by hand: leaked before any touch, over those decided in the window (touched or so leaked)
    spec = simulator.load_experiment(overrides=["org.teams.full_cycle.headcount=6"]).scenarios[0]
    run = simulate(spec.compile(), 5, 0, "fast")
    log, window = run.log, (run.scenario.warmup_days, run.scenario.horizon_days)

    def inside(day: np.ndarray) -> np.ndarray:
        return np.isfinite(day) & (day >= window[0]) & (day < window[1])

    from simulator.model.records import Outcome

    never = (log.outcome == Outcome.LEAKED) & ~np.isfinite(log.first_touch_day) & inside(log.outcome_day)
    touched = inside(log.first_touch_day)
    assert kpi_row(run)["untouched_lead_share"] == never.sum() / (never.sum() + touched.sum()) > 0
    overrides = [
        "runs=20",
        "org.teams.full_cycle.headcount=6",
        "experiment.decision.guardrails=[first_touch_hours_mean]",
    ]
    experiment = simulator.load_experiment("speed_to_lead", overrides)
    doubled = simulator.load_experiment(
        "speed_to_lead", [*overrides, "+experiment.scenarios.doubled=['market.sources.inbound.leads_per_month=300']"]
    )
    result = simulator.run_experiment(doubled, workers=1)
    names = [experiment.baseline, *[s.name for s in doubled.scenarios if s.name != experiment.baseline]]
    (line,) = [s for s in untouched_sentences(result, names) if s.startswith("doubled's")]
    assert "doubled's first touch is sooner only for the leads it touches: " in line
    assert "the mean time to first touch counts only the leads touched" in line
