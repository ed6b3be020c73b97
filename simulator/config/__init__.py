"""Configuration: the schema users write, its validation, distributions, config errors, JSON Schemas.

The models are pydantic models (:mod:`~simulator.config.schema` for a scenario,
:mod:`~simulator.config.composed` for the top level of a composed config); how to add a
section is told in :mod:`simulator.config.schema`. The top of the chain: nothing here
imports from the rest of salesim but :mod:`simulator.io`.
"""
