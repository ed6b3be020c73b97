"""The fast engine's reused arrays (``engines/fast/scratch.py``): what a run keeps never lives in them.

A scenario's runs reuse the arrays the compiled loop writes and the records copy from; a
replication must give the same records whatever ran before it in the process, and none of
its records may share memory with the arrays the next run overwrites.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

import simulator
from simulator.engines import fast
from simulator.engines.fast.scratch import FRESH, Scratch, scratch_of
from simulator.model.records import ReplicationRun
from simulator.model.scenario import Scenario
from tests.test_engines import differences

pytestmark = pytest.mark.filterwarnings("ignore::simulator.config.validation.PipelineShapeWarning")


def _arrays(run: ReplicationRun) -> list[np.ndarray]:
    """Every array of a run's records."""

    def walk(value: Any) -> list[np.ndarray]:
        if isinstance(value, np.ndarray):
            return [value]
        if dataclasses.is_dataclass(value) and not isinstance(value, (type, Scenario)):
            return [a for f in dataclasses.fields(value) if f.name != "derived" for a in walk(getattr(value, f.name))]
        return []

    return walk(run)


def test_a_replication_gives_the_same_records_after_other_runs_and_shares_no_memory_with_the_scratch() -> None:
    scenario = simulator.load_experiment(overrides=["runs=2"]).scenarios[0].compile()  # every pipeline
    first = fast.simulate(scenario, 5, 2)
    fast.simulate(scenario, 5, 0)
    fast.simulate(scenario, 6, 1)
    again = fast.simulate(scenario, 5, 2)
    assert not differences(first, again)
    buffers = list(vars(scratch_of(scenario))["_buffers"].values())
    assert buffers, "the default organisation's runs reuse their pools' arrays"
    assert not [a for a in _arrays(first) + _arrays(again) for b in buffers if np.shares_memory(a, b)]


def test_scratch_full_is_np_full_in_a_reused_buffer() -> None:
    scratch = Scratch()
    a = scratch.full("x", (3, 5), -1, np.int64)
    assert a.flags.c_contiguous and np.array_equal(a, np.full((3, 5), -1, dtype=np.int64))
    a[:] = 7
    b = scratch.full("x", (2, 4), -1, np.int64)  # smaller: the same buffer, refilled
    assert np.shares_memory(a, b) and b.flags.c_contiguous and np.array_equal(b, np.full((2, 4), -1))
    c = scratch.full("x", (4, 5), np.nan)  # another dtype: a new buffer
    assert c.dtype == np.float64 and np.isnan(c).all() and not np.shares_memory(b, c)
    assert not np.shares_memory(FRESH.full("x", 4, 0.0), FRESH.full("x", 4, 0.0))
