"""Random-number streams: one seed tree per replication, one named stream per purpose.

Replication ``r`` of root seed ``s`` owns ``SeedSequence(s, spawn_key=(r,))``. Each
purpose (arrivals, lead attributes, the luck of each stage, hand-offs, the workforce)
gets a child with a fixed spawn key below that, so any replication, and any stream of
it, can be rebuilt alone in any process on any machine, and two scenarios run on the
same seed meet the same leads with the same luck (common random numbers).
Nothing here touches NumPy's global RNG.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np
from numba import njit
from numpy.random.bit_generator import ISeedSequence


class Stream(IntEnum):
    """Fixed identifiers of the child streams; never renumber (it changes every result)."""

    ARRIVALS = 0
    LEAD_ATTRIBUTES = 1
    STAGE_LUCK = 2
    HANDOFF_LUCK = 3
    WORKFORCE = 4
    LEAD_PROFILE = 10  # sector, geography, product of each lead (sub-keyed by attribute)
    FED_LEADS = 5  # lead slots of sources fed by a pipeline, keyed by source
    POOL_LUCK = 6  # target accounts and candidate partners, keyed by pipeline and stage
    CUSTOMER_LUCK = 7  # renewals, check-ins and expansions, keyed by customer block and chunk
    PARTNER_REFERRALS = 8  # an active partner's referral times, keyed by partner
    DIGITAL_FIRST = 9  # which leads of a source did most of the journey online
    DECISION_LUCK = 11  # no decision, loss and no-decision delays, quarter-end pulls; keyed by lead block and stage
    INITIAL_PIPELINE = 12  # the starting deals' luck (outcome given age, attributes left blank)
    ASSIGNMENT = 13  # by-share owner choice, one uniform per lead, keyed by team
    PARAMETER_DRAW = 14  # a replication's bootstrap resample of the export it was calibrated on
    ARRIVAL_SWINGS = 15  # each source's gamma factor of each month's mean leads (market.sources.*.month_cv)


# Sub-keys of the workforce stream, after the team index: a seat's own luck (then the seat
# index), the initial tenures of the team's reps of day 0, its reassignment losses.
SEAT_KEY, INITIAL_TENURE_KEY, REASSIGNMENT_KEY = 1, 2, 3
# Sub-keys of a partner's referral stream, after the partner: session efforts, referral gaps.
SESSION_KEY, REFERRAL_KEY = 0, 1


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of one replication."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def stream(seed: int, replication: int, purpose: Stream, *index: int) -> np.random.Generator:
    """A generator for one purpose of one replication, optionally sub-keyed (e.g. by stage).

    The generator is the one ``np.random.Generator(np.random.PCG64(SeedSequence(seed,
    spawn_key=(replication, purpose, *index))))`` gives, bit for bit, but two to four times
    cheaper to make: a replication makes a few hundred of them. The seed sequence's
    entropy pool and the four seeding words are computed by :func:`seeding_words` (the
    algorithm of NumPy's ``SeedSequence``, O'Neill's ``seed_seq`` alternative), and
    ``tests/test_streams.py`` checks them against NumPy's own over many keys.

    Args:
        seed: Root seed of the experiment.
        replication: Replication index, from 0.
        purpose: What the draws are for.
        *index: Extra keys, e.g. the stage index, so stage 3's luck does not depend on
            how many stages come before it in another scenario.

    Raises:
        ValueError: If the seed or a key is negative.
        TypeError: If the seed or a key is not a whole number (as NumPy's SeedSequence).
    """
    words = entropy_words(seed, (replication, int(purpose), *index))
    # NumPy's stubs name SeedSequence, but a BitGenerator takes any ISeedSequence (its documented interface)
    return np.random.Generator(np.random.PCG64(_SeedingWords(seeding_words(words))))  # type: ignore[arg-type]


def entropy_words(seed: int, spawn_key: tuple[int, ...]) -> np.ndarray:
    """The entropy a spawned ``SeedSequence(seed, spawn_key=...)`` mixes, as uint32 words.

    Each integer is split into 32-bit words, lowest first (0 is one word); the seed's
    words are padded with zeros to the pool size of 4 when a spawn key follows.
    """
    words: list[int] = []
    for position, value in enumerate((seed, *spawn_key)):
        if value.__class__ is not int:  # (a plain int, by far the most common, skips the checks it passes)
            if not isinstance(value, _WHOLE):
                raise TypeError(f"seeds and stream keys must be whole numbers, got {value!r}")
            value = int(value)
        if value < 0:
            raise ValueError(f"seeds and stream keys must be non-negative, got {value}")
        if value <= _MASK32:
            words.append(value)
        else:
            while value:
                words.append(value & _MASK32)
                value >>= 32
        if position == 0 and len(words) < _POOL_SIZE:
            words.extend([0] * (_POOL_SIZE - len(words)))
    return np.array(words, dtype=np.uint32)


_POOL_SIZE, _MASK32 = 4, 0xFFFFFFFF
_WHOLE = (int, np.integer)
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


@njit(cache=True)
def seeding_words(entropy: np.ndarray) -> np.ndarray:
    """The four uint64 words a ``PCG64`` is seeded with, from the seed sequence's entropy words.

    Mixes ``entropy`` into a pool of four uint32 words, then draws eight words from the
    pool (each 32-bit product wraps, as in C).
    """
    mask = np.uint64(_MASK32)
    pool = np.zeros(_POOL_SIZE, dtype=np.uint64)
    h = np.uint64(_INIT_A)

    n = entropy.shape[0]
    for i in range(_POOL_SIZE):  # each word hashed with a multiplier that changes as it goes
        value = np.uint64(entropy[i]) if i < n else np.uint64(0)
        value ^= h
        h = (h * np.uint64(_MULT_A)) & mask
        value = (value * h) & mask
        pool[i] = value ^ (value >> np.uint64(16))
    for source in range(_POOL_SIZE + max(n - _POOL_SIZE, 0)):
        for target in range(_POOL_SIZE):
            if source < _POOL_SIZE and source == target:
                continue
            value = pool[source] if source < _POOL_SIZE else np.uint64(entropy[source])
            value ^= h
            h = (h * np.uint64(_MULT_A)) & mask
            value = (value * h) & mask
            value ^= value >> np.uint64(16)
            mixed = (np.uint64(_MIX_L) * pool[target] - np.uint64(_MIX_R) * value) & mask
            pool[target] = mixed ^ (mixed >> np.uint64(16))
    out = np.zeros(4, dtype=np.uint64)
    h = np.uint64(_INIT_B)
    for i in range(8):
        value = pool[i % _POOL_SIZE] ^ h
        h = (h * np.uint64(_MULT_B)) & mask
        value = (value * h) & mask
        value ^= value >> np.uint64(16)
        out[i // 2] |= value << np.uint64(32 * (i % 2))  # little-endian pairs, as NumPy's uint64 view
    return out


class _SeedingWords(ISeedSequence):
    """A seed sequence reduced to the four words a ``PCG64`` asks it for."""

    def __init__(self, words: np.ndarray) -> None:
        self._words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.dtype(np.uint64):
            raise ValueError("these seeding words serve a PCG64 only")
        return self._words


def warm_up() -> None:
    """Compile the seeding words (or load them from Numba's disk cache); call before starting workers."""
    seeding_words(np.zeros(_POOL_SIZE + 1, dtype=np.uint32))
