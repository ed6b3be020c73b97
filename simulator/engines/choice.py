"""Which engine runs a scenario: ``auto`` (the default), ``simpy`` or ``fast``.

``auto`` takes the fast engine whenever it covers every feature of the scenario and the
SimPy engine otherwise, naming the features that sent it there; ``simpy`` always works;
``fast`` refuses a scenario it does not cover. Both engines read the same scenario and
luck and fill the same records (see docs/MODEL.md, "Engines").
"""

from __future__ import annotations

from simulator.config.runner_settings import ENGINES
from simulator.engines import fast, simpy
from simulator.model import customer_luck
from simulator.model.records import ReplicationRun
from simulator.model.scenario import Scenario


def engine_for(scenario: Scenario, engine: str = "auto") -> str:
    """The engine that runs ``scenario`` under the setting ``engine``: ``simpy`` or ``fast``.

    Raises:
        ValueError: For an unknown engine, or ``fast`` with a scenario it does not cover.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "simpy":
        return "simpy"
    missing = fast.uncovered(scenario)
    if engine == "fast" and missing:
        raise ValueError(f"scenario {scenario.name}: the fast engine does not cover {', '.join(missing)}")
    return "simpy" if missing else "fast"


ENGINE_WORDS = {"fast": "the compiled (fast) engine", "simpy": "the SimPy engine"}


def engines_used(scenarios: list[Scenario], engine: str = "auto") -> str:
    """Which engine runs the scenarios under the setting ``engine``, in words: one for all, or per scenario.

    Raises:
        ValueError: As :func:`engine_for`.
    """
    used = {scenario.name: engine_for(scenario, engine) for scenario in scenarios}
    kinds = sorted(set(used.values()))
    if len(kinds) == 1:
        return ENGINE_WORDS[kinds[0]]
    return "; ".join(f"{name}: {ENGINE_WORDS[kind]}" for name, kind in used.items())


def fallback_notes(scenarios: list[Scenario]) -> list[str]:
    """One line per set of features that send scenarios to the SimPy engine under ``auto``."""
    grouped: dict[tuple[str, ...], list[str]] = {}
    for scenario in scenarios:
        missing = tuple(fast.uncovered(scenario))
        if missing:
            grouped.setdefault(missing, []).append(scenario.name)
    return [
        f"{'scenario' if len(names) == 1 else 'scenarios'} {', '.join(names)} "
        f"{'runs' if len(names) == 1 else 'run'} on the SimPy engine: "
        f"the fast engine does not cover {', '.join(missing)}"
        for missing, names in grouped.items()
    ]


def simulate(scenario: Scenario, seed: int, replication: int, engine: str = "auto") -> ReplicationRun:
    """Run one replication with the engine ``engine`` chooses (see :func:`engine_for`).

    A scenario with parameter draws runs replication ``replication`` on its draw
    (:meth:`~simulator.model.scenario.Scenario.for_replication`).
    """
    scenario = scenario.for_replication(replication)
    if engine_for(scenario, engine) == "fast":
        return fast.simulate(scenario, seed, replication)
    return simpy.simulate(scenario, seed, replication)


def warm_up(scenarios: list[Scenario], engine: str = "auto") -> None:
    """Compile the fast engine (or load it from the disk cache) if any scenario runs on it.

    The customers' keyed draws, which the SimPy engine calls from Python, likewise when a
    scenario with a customer book runs on it. Call in the parent before starting workers,
    so that they start warm.
    """
    used = [engine_for(scenario, engine) for scenario in scenarios]
    if "fast" in used:
        fast.warm_up()
    on_simpy = (s for s, kind in zip(scenarios, used, strict=True) if kind == "simpy")
    if any(s.pipelines is not None and s.pipelines.retention for s in on_simpy):
        customer_luck.warm_up()
