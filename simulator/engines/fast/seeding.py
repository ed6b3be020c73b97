"""Batches of named streams seeded and drawn in compiled code, bit for bit NumPy's.

A named stream (:func:`simulator.model.streams.stream`) costs about 5 µs to make in
Python and a draw call about as much again; handing a Generator to compiled code costs
about 15 µs (Numba unboxes it). A replication of the default organisation draws from
some 100 streams of this kind that differ only in their last keys (each partner's
sessions and referral gaps, each pool's stages, each team's reassignment losses). Here
one Generator is handed to compiled code once, and compiled code seeds it for each
stream in turn: the PCG64 state NumPy's ``pcg64_set_seed`` makes from the stream's four
seeding words (``streams.seeding_words``) is written where the bit generator keeps it,
then the stream's batch is drawn with Numba's Generator methods (NumPy's algorithms;
``tests/test_sampling.py`` checks them against NumPy's, and ``tests/test_streams.py``
these batches against :func:`~simulator.model.streams.stream`).

Where the state lives is checked once per thread, by seeding both ways and comparing; on
a build of NumPy that keeps it otherwise the batches are drawn from Python, one stream
at a time, to the same numbers.
"""

from __future__ import annotations

import ctypes
import threading

import numpy as np
from numba import njit

from simulator.model import sampling
from simulator.model.kernel import FloatArray, IntArray, Kernel
from simulator.model.streams import Stream, entropy_words, seeding_words, stream

RANDOM, STANDARD_EXPONENTIAL = -1, -2  # codes beyond sampling's: Generator.random, .standard_exponential
_MULT_HI, _MULT_LO = 2549297995355413924, 4865540595714422341  # PCG's 128-bit multiplier (high, low)


@njit(cache=True)
def _product(a: np.uint64, b: np.uint64) -> tuple[np.uint64, np.uint64]:
    """The 128-bit product of two 64-bit words, (high, low)."""
    m, s = np.uint64(0xFFFFFFFF), np.uint64(32)
    a_lo, a_hi, b_lo, b_hi = a & m, a >> s, b & m, b >> s
    ll, lh, hl = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo
    mid = (ll >> s) + (lh & m) + (hl & m)
    return a_hi * b_hi + (lh >> s) + (hl >> s) + (mid >> s), (ll & m) | ((mid & m) << s)


@njit(cache=True)
def _step(s_hi: np.uint64, s_lo: np.uint64, i_hi: np.uint64, i_lo: np.uint64) -> tuple[np.uint64, np.uint64]:
    """PCG's step, state * multiplier + increment (mod 2**128)."""
    hi, lo = _product(s_lo, np.uint64(_MULT_LO))
    hi = hi + s_lo * np.uint64(_MULT_HI) + s_hi * np.uint64(_MULT_LO)
    low = lo + i_lo
    return hi + i_hi + (np.uint64(1) if low < lo else np.uint64(0)), low


@njit(cache=True)
def seed_state(state: np.ndarray, words: np.ndarray) -> None:
    """Write the PCG64 state seeded from four seeding words: ``state`` = [state low, high, increment low, high].

    As NumPy's ``pcg64_set_seed``: the initial state is words 0 (high) and 1 (low), the
    sequence words 2 and 3; increment = sequence * 2 + 1; state = 0, a step, plus the
    initial state, a step.
    """
    one = np.uint64(1)
    i_hi = (words[2] << one) | (words[3] >> np.uint64(63))
    i_lo = (words[3] << one) | one
    s_hi, s_lo = _step(np.uint64(0), np.uint64(0), i_hi, i_lo)
    low = s_lo + words[1]
    s_hi, s_lo = _step(s_hi + words[0] + (one if low < s_lo else np.uint64(0)), low, i_hi, i_lo)
    state[0], state[1], state[2], state[3] = s_lo, s_hi, i_lo, i_hi


@njit(cache=True)
def reseed(state: np.ndarray, flags: np.ndarray, words: np.ndarray) -> None:
    """Seed the Generator whose state views these are as the stream of entropy ``words`` (as a fresh PCG64)."""
    seed_state(state, seeding_words(words))
    flags[1] = 0  # no 32-bit half word kept (has_uint32, uinteger), as a fresh PCG64


@njit(cache=True)
def _draw_rows(
    gen: np.random.Generator,
    state: np.ndarray,
    flags: np.ndarray,
    prefix: np.ndarray,
    keys: np.ndarray,
    codes: np.ndarray,
    params: FloatArray,
    out: FloatArray,
) -> None:
    """Row ``k`` of ``out``: the stream ``prefix + keys[k]`` seeded into ``gen``, then drawn by ``codes[k]``."""
    words = np.empty(prefix.shape[0] + keys.shape[1], dtype=np.uint32)
    words[: prefix.shape[0]] = prefix
    n = out.shape[1]
    for k in range(keys.shape[0]):
        words[prefix.shape[0] :] = keys[k]
        reseed(state, flags, words)
        code = codes[k]
        if code == RANDOM:
            out[k] = gen.random(n)
        elif code == STANDARD_EXPONENTIAL:
            out[k] = gen.standard_exponential(n)
        else:
            out[k] = sampling.draw(gen, code, params[k], n)


class _Seedable:
    """A Generator and views on its bit generator's state (``gen`` None: the state is not where expected)."""

    def __init__(self) -> None:
        bits = np.random.PCG64(0)
        self.gen: np.random.Generator | None = np.random.Generator(bits)
        address = bits.ctypes.state_address  # pcg64_state: {pcg64_random_t *pcg_state; has_uint32; uinteger}
        self.flags = np.ctypeslib.as_array((ctypes.c_uint64 * 2).from_address(address))
        self.state = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(int(self.flags[0])))
        self.bits = bits  # keeps the memory of the views alive
        words = seeding_words(entropy_words(1, (2, 3)))
        seed_state(self.state, words)
        expected = np.random.PCG64(np.random.SeedSequence(1, spawn_key=(2, 3))).state["state"]
        value = [int(w) for w in self.state]
        reference = np.random.Generator(np.random.PCG64(np.random.SeedSequence(1, spawn_key=(2, 3)))).random(4)
        same = value[0] + (value[1] << 64) == expected["state"] and value[2] + (value[3] << 64) == expected["inc"]
        if not same or not np.array_equal(self.gen.random(4), reference):
            self.gen = None


_LOCAL = threading.local()  # one per thread: compiled code reseeds it for each stream


def _seedable() -> _Seedable:
    found: _Seedable | None = getattr(_LOCAL, "seedable", None)
    if found is None:
        found = _LOCAL.seedable = _Seedable()
    return found


def compiled_generator() -> tuple[np.random.Generator, np.ndarray, np.ndarray] | None:
    """The calling thread's Generator for compiled code to reseed stream by stream, and its state views.

    ``(gen, state, flags)``: hand ``gen`` to compiled code once, and there :func:`reseed`
    it (``state``, ``flags``) with a stream's entropy words before drawing that stream.
    None on a build of NumPy that keeps the state elsewhere: draw stream by stream then.
    """
    seedable = _seedable()
    if seedable.gen is None:
        return None
    return seedable.gen, seedable.state, seedable.flags


def kernel_rows(kernels: list[Kernel | None]) -> tuple[IntArray, FloatArray]:
    """The ``codes`` and ``params`` of :func:`draw_rows` for one stream each: a kernel, or None (uniforms)."""
    width = max((k.params.shape[0] for k in kernels if k is not None), default=1)
    codes = np.array([k.code if k is not None else RANDOM for k in kernels], dtype=np.int64)
    params = np.zeros((len(kernels), width))
    for row, kernel in enumerate(kernels):
        if kernel is not None:
            params[row, : kernel.params.shape[0]] = kernel.params
    return codes, params


def draw_rows(
    seed: int,
    replication: int,
    purpose: Stream,
    keys: np.ndarray,
    codes: np.ndarray,
    params: FloatArray,
    n: int,
) -> FloatArray:
    """(R, n): row ``k`` drawn from ``stream(seed, replication, purpose, *keys[k])`` by ``codes[k]``.

    ``codes``: a ``sampling`` code with its ``params[k]``, or :data:`RANDOM` or
    :data:`STANDARD_EXPONENTIAL`; keys are whole numbers below 2**32.
    """
    if np.size(keys) and not 0 <= np.min(keys) <= np.max(keys) < 2**32:
        raise ValueError("stream keys drawn in a batch must be whole numbers below 2**32")
    keys = np.ascontiguousarray(keys, dtype=np.uint32)
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    params = np.ascontiguousarray(params, dtype=np.float64)
    out = np.empty((keys.shape[0], n))
    if n == 0 or keys.shape[0] == 0:
        return out
    compiled = compiled_generator()
    if compiled is not None:
        gen, state, flags = compiled
        _draw_rows(gen, state, flags, entropy_words(seed, (replication, int(purpose))), keys, codes, params, out)
        return out
    for k in range(keys.shape[0]):  # the same numbers, one stream at a time
        gen = stream(seed, replication, purpose, *(int(key) for key in keys[k]))
        code = int(codes[k])
        if code == RANDOM:
            out[k] = gen.random(n)
        elif code == STANDARD_EXPONENTIAL:
            out[k] = gen.standard_exponential(n)
        else:
            out[k] = sampling.draw_array(gen, code, params[k], n)
    return out


def warm_up() -> None:
    """Compile the batch drawing (or load it from Numba's disk cache)."""
    draw_rows(0, 0, Stream.POOL_LUCK, np.zeros((1, 1)), np.array([RANDOM]), np.zeros((1, 1)), 1)
