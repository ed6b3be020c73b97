"""The random-number streams: bit for bit the generators NumPy's SeedSequence gives, only cheaper to make."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.config.composed import MAX_SEED
from simulator.crm_commands import backtest_main, calibrate_main
from simulator.engines.fast import seeding
from simulator.model import sampling
from simulator.model.customer_luck import luck_base
from simulator.model.streams import SEAT_KEY, Stream, replication_seed, stream


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
    with pytest.raises(TypeError, match="whole numbers"):
        stream(1.5, 0, Stream.ARRIVALS)  # type: ignore[arg-type]
    numpy_int: Any = np.int64(7)  # a NumPy integer is a whole number too
    np.testing.assert_array_equal(stream(numpy_int, 1, Stream.ARRIVALS).random(2), numpy_stream(7, 1, 0).random(2))


def test_a_seed_beyond_63_bits_is_refused_before_any_draw(tmp_path: Path) -> None:
    # the keyed draws hash the seed as a 64-bit signed integer: both engines refuse alike
    assert luck_base(MAX_SEED, 0) == luck_base(MAX_SEED, 0)
    with pytest.raises(ValueError, match="2\\^63 - 1"):
        luck_base(MAX_SEED + 1, 0)
    args = ["mapping.yaml", "--as-of", "2017-09-30", "--until", "2017-12-31", "--out", str(tmp_path / "x")]
    for command in (calibrate_main, backtest_main):
        assert command([*args, "--seed", str(2**64 + 5)]) == 2
    assert not (tmp_path / "x").exists()


BATCH_CODES = (
    (seeding.RANDOM, []),
    (seeding.STANDARD_EXPONENTIAL, []),
    (sampling.CONSTANT, [3.0]),
    (sampling.EXPONENTIAL, [5.0]),
    (sampling.LOGNORMAL, [-2.3, 0.7]),
    (sampling.GAMMA, [6.25, 0.064]),
    (sampling.GAMMA, [0.5, 2.0]),
    (sampling.TRIANGULAR, [1.0, 2.0, 5.0]),
    (sampling.PERT, [1.0, 2.0, 5.0, 4.0]),
    (sampling.UNIFORM, [1.0, 3.0]),
    (sampling.EMPIRICAL, [2.0, 1.0, 2.0, 0.5, 1.0]),
)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", (0, 2026, 2**32 + 5, 12345678901234567890123))
def test_streams_seeded_and_drawn_in_a_compiled_batch_are_the_streams_bit_for_bit(
    seed: int, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not compiled:  # a NumPy that keeps the PCG64 state elsewhere: drawn one stream at a time
        monkeypatch.setattr(seeding._seedable(), "gen", None)
    else:
        assert seeding._seedable().gen is not None  # this NumPy keeps it where the compiled code writes it
    keys = np.array([(k, j, 3 * k + j) for k in range(len(BATCH_CODES)) for j in range(3)])
    codes = np.repeat([code for code, _ in BATCH_CODES], 3)
    params = np.zeros((keys.shape[0], 5))
    for row in range(keys.shape[0]):
        values = BATCH_CODES[row // 3][1]
        params[row, : len(values)] = values
    got = seeding.draw_rows(seed, 7, Stream.POOL_LUCK, keys, codes, params, 500)
    for row in range(keys.shape[0]):
        gen = stream(seed, 7, Stream.POOL_LUCK, *(int(k) for k in keys[row]))
        code = int(codes[row])
        if code == seeding.RANDOM:
            expected = gen.random(500)
        elif code == seeding.STANDARD_EXPONENTIAL:
            expected = gen.standard_exponential(500)
        else:
            expected = sampling.draw_array(gen, code, params[row], 500)
        assert got[row].tobytes() == expected.tobytes(), (row, code)


@pytest.fixture(scope="module")
def organisations() -> list[Any]:
    """Every scenario of the default experiment and of org_structures (fed sources, seats, products)."""
    import simulator

    specs = [*simulator.load_experiment(overrides=["runs=2"]).scenarios]
    specs += simulator.load_experiment("org_structures", ["runs=2"]).scenarios
    return [spec.compile() for spec in specs]


def _same(a: Any, b: Any, fields: list[str]) -> None:
    for name in fields:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), name
        else:
            assert x == y, name


@pytest.mark.parametrize("compiled", [True, False])
def test_fed_slots_drawn_in_compiled_batches_are_the_models_leads(
    organisations: list[Any], compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from simulator.engines.fast import slot_luck
    from simulator.model import pipeline_luck

    if not compiled:
        monkeypatch.setattr(seeding._seedable(), "gen", None)
    fed = 0
    for scenario in organisations:
        assert scenario.pipelines is not None
        for source in range(len(scenario.source_names)):
            if not scenario.pipelines.fed(source):
                continue
            for replication, count in ((0, 300), (3, 1)):
                got = slot_luck.draw_slot_leads(scenario, 11, replication, source, count)
                expected = pipeline_luck.draw_slot_leads(scenario, 11, replication, source, count)
                _same(got, expected, [f.name for f in dataclasses.fields(expected)])
                fed += 1
    assert fed >= 8  # the outbound and partner sources of several scenarios


@pytest.mark.parametrize("compiled", [True, False])
def test_seats_replayed_in_one_compiled_call_are_each_seats_stream(
    organisations: list[Any], compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.engines.fast import luck

    if not compiled:
        monkeypatch.setattr(seeding._seedable(), "gen", None)
    hires = 0
    for scenario in organisations:
        for replication in range(3):
            got = luck.WorkforceLuck.draw(scenario, 5, replication)
            # each seat alone, from its own stream, as the SimPy workforce draws it
            plan, rows = scenario.workforce, []
            for t in range(scenario.n_teams):
                settings = plan.teams[t]
                code, params = settings.backfill if settings.backfill is not None else (0, np.zeros(1))
                days = [(False, 0.0)] * int(scenario.team_headcount[t]) + [(True, d) for d in settings.hire_days]
                for j, (planned, day) in enumerate(days):
                    gen = stream(5, replication, Stream.WORKFORCE, t, SEAT_KEY, j)
                    rows.append(
                        luck.replay_seat(
                            gen,
                            planned,
                            day,
                            scenario.horizon_days,
                            settings.attrition_per_day,
                            settings.backfill is not None,
                            code,
                            params,
                            float(scenario.team_skill_mean[t]),
                            float(scenario.team_skill_sd[t]),
                        )
                    )
            assert got.tenure_u.shape[0] == len(rows)
            for k, row in enumerate(rows):
                for array, drawn in zip((got.tenure_u, got.backfill, got.skill), row, strict=True):
                    assert array[k, : drawn.shape[0]].tobytes() == drawn.tobytes()
                    assert np.isnan(array[k, drawn.shape[0] :]).all()
            hires += got.hires
    assert hires > 0  # some seats hire before the horizon
