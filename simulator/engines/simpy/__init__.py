"""The SimPy engine: the readable reference, one generator process per thing modelled.

Modules, lowest first (each imports only those above it in this list):
``organisation`` (teams, reps, queues), ``overflow`` (pods' overflow rule),
``pipeline_state`` (pool tasks, customers), ``decision_processes`` (buyer decisions,
no decisions, the starting deals), ``floor`` (the environment of one replication), the
processes (``workforce_processes``, ``pipeline_processes``, ``customer_processes``) and
``engine`` (leads, reps and :func:`simulate`).
"""

from simulator.engines.simpy.engine import simulate

__all__ = ["simulate"]
