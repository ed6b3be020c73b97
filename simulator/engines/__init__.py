"""Engines that run one replication of a compiled :class:`~simulator.model.scenario.Scenario`.

:mod:`simulator.engines.simpy_engine` is the readable reference. A compiled engine belongs
beside it and must agree with it statistically.
"""
