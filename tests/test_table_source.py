"""The monthly and extra tables read from the store part by part equal the tables stacked whole.

The reports and output files read a run's large tables piece by piece
(:mod:`simulator.run.stored_table`), so a run's memory does not grow with them. These
tests build stores whose parts differ in every way stacking cares about (columns missing
from a part, a column empty in one part, integers too long for the float format, yes/no
columns, a failed replication run again in a part of its own, empty parts, a scenario
order other than the index order) and check the pieces give the same table, the same
CSV bytes and the same bottlenecks as the whole table.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.planning import bottlenecks
from simulator.run.experiment import ExperimentResult, ReplicationFailure
from simulator.run.memory_store import MemoryStore
from simulator.run.parts import Part, assemble
from simulator.run.store import DirectoryStore
from simulator.run.table_source import FrameTable

FLOAT_FORMAT = "%.10g"
NAMES = ["first", "second"]


def _rows(scenario: str, replications: list[int], rng: np.random.Generator, **extra: Any) -> pd.DataFrame:
    months = 3
    frame = pd.DataFrame(
        {
            "scenario": scenario,
            "replication": np.repeat(replications, months),
            "month": np.tile(np.arange(months), len(replications)),
            "bookings": rng.gamma(2.0, 1e5, months * len(replications)),
            "deals_won": rng.integers(0, 40, months * len(replications)),
        }
    )
    for name, value in extra.items():
        frame[name] = value(len(frame)) if callable(value) else value
    return frame


def _part(index: int, first: int, last: int, table: pd.DataFrame, failed: tuple[int, ...] = ()) -> Part:
    failures = [ReplicationFailure(NAMES[index], r, 0, "RuntimeError: x", "") for r in failed]
    kpis = table.drop_duplicates("replication")[["scenario", "replication"]]
    return Part(index, first, last, kpis, table, failures, {"queues": table} if len(table) else {})


def _parts(rng: np.random.Generator) -> list[Part]:
    big = 12_345_678_901_234  # 14 digits: printed whole as an integer, not so as a float
    return [
        # replication 2 failed here and succeeded in the part run again below
        _part(0, 0, 3, _rows("first", [0, 1, 3], rng, accounts=big, won=True), failed=(2,)),
        _part(0, 4, 5, _rows("first", [4, 5], rng, accounts=big, won=False, note="late")),
        _part(0, 2, 2, _rows("first", [2], rng, accounts=lambda n: [np.nan] * n, won=True)),
        _part(0, 6, 6, pd.DataFrame(columns=["scenario", "replication", "month"]), failed=(6,)),  # all failed
        _part(1, 0, 1, _rows("second", [0, 1], rng, won=lambda n: [True, np.nan] * (n // 2))),
    ]


def _stores(tmp_path: Path, order: list[str]) -> tuple[DirectoryStore, list[pd.DataFrame]]:
    rng = np.random.default_rng(5)
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    parts = _parts(rng)
    for part in parts:
        store.add(part)
    frames = [p.monthly for p in sorted(parts, key=lambda p: p.name)]
    return store, frames


@pytest.mark.parametrize("order", [NAMES, NAMES[::-1]])
def test_the_table_read_in_parts_equals_the_table_stacked_whole(tmp_path: Path, order: list[str]) -> None:
    store, _ = _stores(tmp_path, order)
    whole = store.monthly(order)  # the table read back whole, as runs kept it before
    source = store.monthly_source(order)
    pd.testing.assert_frame_equal(source.frame(), whole, check_exact=True)
    assert whole["accounts"].dtype == np.float64 and whole["won"].dtype == object  # stacking promoted both
    some = ["scenario", "replication", "accounts", "note", "absent"]
    pd.testing.assert_frame_equal(source.frame(some), whole[some[:-1]], check_exact=True)
    # without the replication column, as the fan chart reads it: overlapping parts still sorted by it
    pd.testing.assert_frame_equal(source.frame(["scenario", "bookings"]), whole[["scenario", "bookings"]])
    assert list(whole.loc[whole["scenario"] == "first", "replication"].unique()) == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("order", [NAMES, NAMES[::-1]])
def test_the_csv_written_part_by_part_has_the_bytes_of_the_whole_table(tmp_path: Path, order: list[str]) -> None:
    store, _ = _stores(tmp_path, order)
    written = io.StringIO()
    store.monthly_source(order).write_csv(written, FLOAT_FORMAT)
    expected = store.monthly(order).to_csv(index=False, float_format=FLOAT_FORMAT)
    assert written.getvalue() == expected
    assert ",1.23456789e+13," in expected  # promoted to float by the part where it is empty


def test_integers_stay_integers_when_every_part_has_them(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    rng = np.random.default_rng(1)
    for first in (0, 2):
        store.add(_part(0, first, first + 1, _rows("first", [first, first + 1], rng, accounts=12_345_678_901_234)))
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    assert written.getvalue() == store.monthly().to_csv(index=False, float_format=FLOAT_FORMAT)
    assert ",12345678901234\n" in written.getvalue()


def test_an_empty_table_writes_what_an_empty_frame_writes(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    assert written.getvalue() == pd.DataFrame().to_csv(index=False, float_format=FLOAT_FORMAT)
    assert store.monthly_source().empty and store.monthly_source().frame().empty


def _queues(rng: np.random.Generator, scenario: str, replications: range) -> pd.DataFrame:
    rows = []
    for r in replications:
        for month in range(6):
            for stage, team in [("qualify", "sdr"), ("demo", "ae"), ("close", "ae"), ("close", None)]:
                visits = int(rng.integers(0, 5))
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": r,
                        "quarter": f"Q{month // 3 + 1}" if month < 5 else None,
                        "stage": stage,
                        "team": team,
                        "queue_length": float(rng.gamma(2.0, 1.5)) if rng.random() > 0.1 else np.nan,
                        "wait_days": float(rng.gamma(1.5, 2.0 + (stage == "demo"))) if visits else np.nan,
                        "visits": visits,
                    }
                )
    return pd.DataFrame(rows)


def _bottlenecks_whole(queues: pd.DataFrame) -> pd.DataFrame:
    """The bottleneck computed on the whole table at once (how the report did it before)."""
    data = queues.assign(weighted_wait=queues["wait_days"].fillna(0.0) * queues["visits"])
    rows = []
    for scenario, runs in data.groupby("scenario", sort=False):
        for period, part in [("all", runs), *[(str(q), p) for q, p in runs.groupby("quarter", sort=False)]]:
            grouped = part.groupby(["stage", "team"], sort=False).agg(
                weighted_wait=("weighted_wait", "sum"), visits=("visits", "sum"), queue_length=("queue_length", "mean")
            )
            grouped = grouped[grouped["visits"] > 0]
            wait = (grouped["weighted_wait"] / grouped["visits"]).to_numpy()
            worst = int(np.argmax(wait))
            stage, team = grouped.index[worst]
            queue = float(grouped["queue_length"].iloc[worst])
            rows.append({"scenario": scenario, "period": period, "stage": stage, "team": team, "wait": wait[worst]})
            rows[-1]["queue_length"] = queue
    return pd.DataFrame(rows)


def test_bottlenecks_summed_part_by_part_equal_those_of_the_whole_table(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    frames = []
    for index, name in enumerate(NAMES):
        for first in range(0, 12, 3):
            table = _queues(rng, name, range(first, first + 3))
            frames.append(table)
            store.add(Part(index, first, first + 2, table.drop_duplicates("replication"), table, [], {"q": table}))
    whole = assemble(frames, NAMES)
    expected = _bottlenecks_whole(whole)
    for sources in ({"monthly_queues": store.table_sources()["q"]}, {"monthly_queues": FrameTable(whole)}):
        result = cast(ExperimentResult, SimpleNamespace(table_sources=sources))
        found = bottlenecks(result)
        assert list(found["period"]) == list(expected["period"]) and len(found) == 2 * 3
        assert list(found["stage"]) == list(expected["stage"]) and list(found["team"]) == list(expected["team"])
        np.testing.assert_allclose(found["wait_days"], expected["wait"], rtol=1e-12)
        np.testing.assert_allclose(found["queue_length"], expected["queue_length"], rtol=1e-12)


def test_a_memory_store_gives_the_same_sources(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    memory, disk = MemoryStore(), DirectoryStore(tmp_path)
    disk.start({"scenario_names": NAMES})
    for part in _parts(rng):
        memory.add(part)
        disk.add(part)
    pd.testing.assert_frame_equal(memory.monthly_source(NAMES).frame(), disk.monthly_source(NAMES).frame())
    pd.testing.assert_frame_equal(
        memory.table_sources(NAMES)["queues"].frame(), disk.table_sources(NAMES)["queues"].frame()
    )


# ---------------------------------------------------------------------------- dtypes recorded when written

EDGE_COLUMNS: dict[str, list[Any]] = {
    "names": ["a", "b", "a", "c"],
    "numbers_as_text": ["2024", "7", "2024", "12"],
    "decimals_as_text": ["1.5", "2", None, "3"],
    "yes_no_as_text": ["True", "False", "True", "True"],
    "text_read_as_missing": ["nan", "NA", "", None],
    "nothing": [None, None, None, None],
    "mixed": ["a", 1, 2.5, None],
    "yes_no_with_missing": [True, None, False, True],
    "integers": [1, 2, 3, 12_345_678_901_234],
    "floats": [1.0, np.nan, np.inf, -2.5],
    "empty_floats": [np.nan] * 4,
    "bools": [True, False, True, True],
}


@pytest.mark.parametrize("column", list(EDGE_COLUMNS))
def test_the_recorded_dtypes_are_those_read_back(column: str) -> None:
    from simulator.run.csv_dtypes import read_back_dtypes
    from simulator.run.stored_table import READ_OPTIONS

    frame = pd.DataFrame({"replication": [0, 0, 1, 1], column: EDGE_COLUMNS[column]})
    back = pd.read_csv(io.StringIO(frame.to_csv(index=False, lineterminator="\n")), **READ_OPTIONS)
    assert read_back_dtypes(frame, READ_OPTIONS) == tuple((str(c), str(d)) for c, d in back.dtypes.items())


def _plain_parts(rng: np.random.Generator) -> list[Part]:
    """Parts that never overlap; the scenarios' columns differ (a team of its own), as when teams differ."""
    return [
        _part(0, 0, 1, _rows("first", [0, 1], rng, sdr_calls=lambda n: np.arange(n), won=True)),
        _part(0, 2, 3, _rows("first", [2, 3], rng, sdr_calls=lambda n: np.arange(n), won=False)),
        _part(
            1, 0, 1, _rows("second", [0, 1], rng, ae_calls=12_345_678_901_234, won=lambda n: [True, np.nan] * (n // 2))
        ),
        _part(1, 2, 3, _rows("second", [2, 3], rng, ae_calls=7, won=True)),
    ]


@pytest.mark.parametrize("tamper", ["none", "wrong", "unknown"])
def test_parts_with_recorded_dtypes_are_written_in_one_pass(
    tmp_path: Path, tamper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from simulator.run.stored_table import StoredTable

    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    for part in _plain_parts(np.random.default_rng(3)):
        store.add(part)
    entries = sorted((tmp_path / "store").glob("s001-*.manifest.json"))
    if tamper != "none":  # a record that is wrong, or missing (a store written before dtypes were recorded)
        data = json.loads(entries[0].read_text())
        if tamper == "wrong":
            data["files"]["monthly.csv"]["columns"][1][1] = "float64"  # replication said to be float
        else:
            del data["files"]["monthly.csv"]["columns"]
        entries[0].write_text(json.dumps(data))
        store = DirectoryStore(tmp_path)
        store._entries = None  # read the entries again
    reads: list[str] = []
    read = StoredTable._read
    monkeypatch.setattr(StoredTable, "_read", lambda self, e, c: reads.append(e.stem) or read(self, e, c))
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    expected = store.monthly().to_csv(index=False, float_format=FLOAT_FORMAT)
    assert written.getvalue() == expected
    assert ",1.23456789e+13\n" in expected and ",7\n" in expected  # promoted to float, printed as one
    assert (len(reads) == 4) == (tamper == "none")  # one read of each of the 4 parts, unless a record is off


@pytest.mark.parametrize("odd", ["none", "a column less", "floats for integers", "no rows"])
def test_a_batchs_extra_tables_stack_as_one_frame_per_replication_would(odd: str) -> None:
    from simulator.run.parts import extra_frames
    from simulator.run.replication import ReplicationResult

    def table(r: int) -> dict[str, np.ndarray]:
        rows = 0 if (odd == "no rows" and r == 1) else 3
        columns = {
            "rep": np.arange(rows),
            "team": np.array(["ae", "sdr_long_name", "ae"][:rows]),
            "attainment": np.linspace(0.1, 0.9, rows),
        }
        if r == 2 and odd == "a column less":
            del columns["attainment"]
        if r == 2 and odd == "floats for integers":
            columns["rep"] = columns["rep"].astype(float)
        return columns

    results = [ReplicationResult("s", r, {}, cast(Any, None), {"reps": table(r)}) for r in range(4)]
    expected = []
    for o in results:
        frame = pd.DataFrame(o.tables["reps"])
        frame.insert(0, "replication", o.replication)
        frame.insert(0, "scenario", o.scenario)
        expected.append(frame)
    pd.testing.assert_frame_equal(extra_frames(results)["reps"], pd.concat(expected, ignore_index=True))


def _printable_parts(rng: np.random.Generator, lacking: bool) -> list[Part]:
    """Parts whose tables read back unchanged (the store prints them); ``lacking``: the scenarios' columns differ."""
    second = (
        {"ae_calls": lambda n: rng.gamma(2.0, 3.0, n)} if lacking else {"sdr_calls": lambda n: rng.normal(0, 1e9, n)}
    )
    return [
        _part(0, 0, 1, _rows("first", [0, 1], rng, sdr_calls=lambda n: rng.normal(0, 1e9, n), team="ae")),
        _part(0, 2, 3, _rows("first", [2, 3], rng, sdr_calls=lambda n: np.r_[np.nan, rng.random(n - 1)], team="sdr")),
        _part(1, 0, 1, _rows("second", [0, 1], rng, **second, team="a, b")),  # a quoted cell: not cut into cells
        _part(1, 2, 3, _rows("second", [2, 3], rng, **second, team="ae")),
    ]


@pytest.mark.parametrize("lacking", [False, True])
def test_tables_printed_when_stored_are_written_without_reading_a_part(
    tmp_path: Path, lacking: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.run.stored_table import StoredTable

    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    parts = _printable_parts(np.random.default_rng(5), lacking)
    for part in parts:
        store.add(part)
    assert sorted(p.name for p in (tmp_path / "store").glob("s000-r00000000-00000001.out-*")) == [
        "s000-r00000000-00000001.out-monthly.csv",
        "s000-r00000000-00000001.out-table-queues.csv",
    ]
    reads: list[str] = []
    read = StoredTable._read
    monkeypatch.setattr(StoredTable, "_read", lambda self, e, c: reads.append(e.stem) or read(self, e, c))
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    expected = assemble([p.monthly for p in parts], NAMES).to_csv(index=False, float_format=FLOAT_FORMAT)
    assert written.getvalue() == expected
    # the part with a quoted cell is read when its cells must be spread over more columns
    assert len(reads) == (4 if lacking else 0)


def test_text_that_would_read_back_otherwise_is_not_printed_when_stored(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    rng = np.random.default_rng(2)
    store.add(_part(0, 0, 1, _rows("first", [0, 1], rng, team="NA")))  # "NA" reads back as a missing value
    store.add(_part(0, 2, 3, _rows("first", [2, 3], rng, team="1")))  # a number
    assert not list((tmp_path / "store").glob("*.out-*"))
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    assert written.getvalue() == store.monthly().to_csv(index=False, float_format=FLOAT_FORMAT)


def test_a_table_written_piece_by_piece_has_the_bytes_of_to_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of 3 rows: quoting decided piece by piece, a piece pandas writes (dates), no rows, one row."""
    from simulator.run import csv_text as module

    monkeypatch.setattr(module, "WRITE_ROWS", 3)
    frame = pd.DataFrame(
        {
            "scenario": ["a", "b", "c", "d, quoted", "e", "f", "g"],
            "value": [0.1, 1 / 3, np.nan, 2e-9, 5.0, -1.5, 1e12],
            "n": np.arange(7),
            "ok": [True, False] * 3 + [True],
        }
    )
    dated = frame.assign(day=pd.to_datetime(["2020-01-01"] * 7))
    for table in (frame, dated, frame.iloc[:0], frame.iloc[:1]):
        for header in (True, False):
            written = io.StringIO()
            module.write_frame(written, table, "%.10g", header=header)
            expected = table.to_csv(index=False, header=header, float_format="%.10g")
            assert written.getvalue() == expected


@pytest.mark.parametrize("float_format", [None, FLOAT_FORMAT])
def test_csv_text_has_the_bytes_of_to_csv(float_format: str | None) -> None:
    from simulator.run.csv_text import csv_text

    frames = [
        pd.DataFrame(
            {
                "a": [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, 1e-5, 1.2345678901234568e17, 0.1 + 0.2, 5e-324],
                "s": ["x", "a,b", 'q"q', "", None, np.nan, " lead", "trail ", "new\nline", "NA"],
                "i": np.arange(10, dtype=np.int64) - 5,
                "b": [True, False] * 5,
            }
        ),
        pd.DataFrame({"a": ["x\ry", "z"], "b": [1.5, 2.5]}),
        pd.DataFrame({"a,b": ["x", "y"], "c": [True, False]}),
        pd.DataFrame({"n": ["", "a"]}),
        pd.DataFrame({"n": [1.0, np.nan]}),
        _rows("first", [0, 1, 2], np.random.default_rng(1), team="ae"),
    ]
    for frame in frames:
        for header in (True, False):
            for end in ("\n", "\r\n"):
                expected = frame.to_csv(index=False, header=header, float_format=float_format, lineterminator=end)
                assert csv_text(frame, float_format, header=header, lineterminator=end) == expected
    assert csv_text(pd.DataFrame({"d": pd.to_datetime(["2020-01-01"])})) is None  # dates: left to to_csv
    assert csv_text(pd.DataFrame({"o": [1, "x"]})) is None  # an object column holding a number


def test_parts_with_the_same_columns_in_another_order_are_written_under_their_own_names(tmp_path: Path) -> None:
    """Recorded dtypes compared as dicts matched whatever their order: the second scenario's cells went under the
    first one's header (two teams listed the other way round give utilisation_sdr, utilisation_ae and back)."""
    rng = np.random.default_rng(5)
    first = _rows("first", [0, 1], rng, sdr_calls=lambda n: np.arange(n), ae_calls=lambda n: np.arange(n) * 10)
    second = _rows("second", [0, 1], rng, ae_calls=lambda n: np.arange(n) * 10 + 5, sdr_calls=lambda n: -np.arange(n))
    assert set(first.columns) == set(second.columns) and list(first.columns) != list(second.columns)
    store = DirectoryStore(tmp_path)
    store.start({"scenario_names": NAMES})
    store.add(_part(0, 0, 1, first))
    store.add(_part(1, 0, 1, second))
    written = io.StringIO()
    store.monthly_source().write_csv(written, FLOAT_FORMAT)
    back = pd.read_csv(io.StringIO(written.getvalue()))
    assert list(back[back.scenario == "second"]["sdr_calls"]) == list(-np.arange(len(second)))
    assert written.getvalue() == store.monthly().to_csv(index=False, float_format=FLOAT_FORMAT)
