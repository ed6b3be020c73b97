"""Engines that run one replication of a compiled :class:`~simulator.model.scenario.Scenario`.

Two siblings read the same model: :mod:`simulator.engines.simpy` is the readable
reference, :mod:`simulator.engines.fast` the compiled engine that must agree with it.
Neither imports the other.
"""
