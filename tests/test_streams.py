"""The random-number streams: bit for bit the generators NumPy's SeedSequence gives, only cheaper to make."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulator.model.streams import Stream, replication_seed, stream


def numpy_stream(seed: int, replication: int, purpose: int, *index: int) -> np.random.Generator:
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, purpose, *index))
    return np.random.Generator(np.random.PCG64(sequence))


SEEDS = (0, 1, 42, 2**31 - 1, 2**32 - 1, 2**32, 2**64 + 3, 12345678901234567890123)
KEYS = ((), (0,), (3, 1), (5, 2, 1, 0), (2**32, 7), (1, 2, 3, 4, 5, 6, 7, 8))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_stream_is_numpys_bit_for_bit(seed: int) -> None:
    # seeds and keys of one word, several words, zero, and more entropy words than the pool holds
    for replication, purpose, index in itertools.product((0, 1, 999, 2**40), tuple(Stream), KEYS):
        ours = stream(seed, replication, purpose, *index)
        theirs = numpy_stream(seed, replication, int(purpose), *index)
        np.testing.assert_array_equal(ours.random(4), theirs.random(4))
        assert ours.bit_generator.state == theirs.bit_generator.state  # and left in the same state


def test_a_replication_seed_is_numpys_and_random_keys_agree() -> None:
    assert replication_seed(7, 3).spawn_key == (3,)
    rng = np.random.default_rng(0)
    for _ in range(500):
        seed, replication = (int(v) for v in rng.integers(0, 2**62, 2))
        index = tuple(int(v) for v in rng.integers(0, 2**33, rng.integers(0, 6)))
        ours = stream(seed, replication, Stream.CUSTOMER_LUCK, *index).standard_normal(3)
        np.testing.assert_array_equal(ours, numpy_stream(seed, replication, 7, *index).standard_normal(3))


def test_a_negative_seed_or_key_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        stream(-1, 0, Stream.ARRIVALS)
    with pytest.raises(ValueError, match="non-negative"):
        stream(1, 0, Stream.ARRIVALS, -3)
