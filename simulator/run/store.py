"""The results store: every finished batch appended to the run directory as it arrives.

A run's results live in ``<run dir>/store/`` while it runs: ``manifest.json`` (what is
being run, to refuse resuming a different config) and, per finished batch, CSV parts
named by scenario index and replication range::

    s000-r00000000-00000009.monthly.csv
    s000-r00000000-00000009.table-reps.csv     (one per tidy extra table: reps, monthly_queues)
    s000-r00000000-00000009.failures.json      (only when a replication raised)
    s000-r00000000-00000009.replications.csv   (written last: the batch is committed)

Each part is written atomically; the replications part is written last, so a batch is
in the store exactly when its replications part is, and an interrupt can lose at most
the batches that were running. Floats are written with every digit Python needs to read
back the same number, so summaries computed from the store equal those computed in
memory. The parent process keeps nothing but the store, so its memory stays flat
however many replications a run makes; the final tables are read back at the end.

:class:`MemoryStore` keeps the same parts in memory (for notebooks that write nothing);
both assemble the tables the same way, so the numbers never depend on where they were kept.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.io.atomic import atomic_write
from simulator.model.metrics import MonthlySeries
from simulator.run.batch import Batch, Outcome
from simulator.run.experiment import ReplicationFailure
from simulator.run.replication import ReplicationResult

STORE_DIRNAME = "store"
MANIFEST = "manifest.json"
PART = re.compile(r"^s(\d{3,})-r(\d{8,})-(\d{8,})\.replications\.csv$")
KEYS = ["scenario", "replication"]
# pandas < 3 reads floats with a fast parser that can be one unit in the last place off;
# pandas 3 reads them exactly by default (and deprecates the option).
READ_OPTIONS: dict[str, Any] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    """The tables of one finished batch."""

    scenario_index: int
    first: int
    last: int
    replications: pd.DataFrame
    monthly: pd.DataFrame
    failures: list[ReplicationFailure]
    tables: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The part's file stem: scenario index and replication range, sortable as text."""
        return part_name(self.scenario_index, self.first, self.last)


def part_name(scenario_index: int, first: int, last: int) -> str:
    """The file stem of the part holding replications ``first..last`` of a scenario."""
    return f"s{scenario_index:03d}-r{first:08d}-{last:08d}"


def kpi_frame(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per replication: ``scenario``, ``replication``, then one column per KPI."""
    if not results:
        return pd.DataFrame(columns=KEYS)
    return pd.DataFrame([{"scenario": o.scenario, "replication": o.replication, **o.kpis} for o in results])


def monthly_frame(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per replication x month: every monthly series, cumulative bookings, then extra columns.

    The columns follow the fields of :class:`MonthlySeries`: each array field (one value
    per month), then ``cumulative_bookings``, then the named arrays of its mapping fields,
    so a series added to the model appears here without a change.
    """
    if not results:
        return pd.DataFrame(columns=[*KEYS, "month"])
    months = [len(o.monthly.bookings) for o in results]
    columns: dict[str, Any] = {
        "scenario": np.repeat([o.scenario for o in results], months),
        "replication": np.repeat(np.array([o.replication for o in results], dtype=np.int64), months),
        "month": np.concatenate([np.arange(n, dtype=np.int64) for n in months]),
    }
    fields = [f.name for f in dataclasses.fields(MonthlySeries)]
    mappings = [name for name in fields if isinstance(getattr(results[0].monthly, name), Mapping)]
    for name in (f for f in fields if f not in mappings):
        columns[name] = np.concatenate([np.asarray(getattr(o.monthly, name)) for o in results])
    columns["cumulative_bookings"] = np.concatenate([np.cumsum(o.monthly.bookings) for o in results])
    for mapping in mappings:
        for name in getattr(results[0].monthly, mapping):
            columns[name] = np.concatenate([np.asarray(getattr(o.monthly, mapping)[name]) for o in results])
    return pd.DataFrame(columns)


def extra_frames(results: Sequence[ReplicationResult]) -> dict[str, pd.DataFrame]:
    """Each replication's tidy extra tables stacked by name, ``scenario`` and ``replication`` first."""
    frames: dict[str, list[pd.DataFrame]] = {}
    for o in results:
        for name, table in o.tables.items():
            frame = pd.DataFrame(table)
            frame.insert(0, "replication", o.replication)
            frame.insert(0, "scenario", o.scenario)
            frames.setdefault(name, []).append(frame)
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}


def make_part(batch: Batch, outcomes: Sequence[Outcome]) -> Part:
    """The part a finished batch adds to the store."""
    results = [o for o in outcomes if isinstance(o, ReplicationResult)]
    failures = [o for o in outcomes if isinstance(o, ReplicationFailure)]
    reps = batch.replications
    return Part(
        batch.scenario_index,
        reps[0],
        reps[-1],
        kpi_frame(results),
        monthly_frame(results),
        failures,
        extra_frames(results),
    )


def assemble(frames: Iterable[pd.DataFrame], scenario_order: Sequence[str]) -> pd.DataFrame:
    """Stack parts given in (scenario, first replication) order into one table sorted by the same.

    Columns come in order of first appearance, as when the rows are built in one go; the
    rows of one replication keep their order (months, reps, stages).
    """
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame()
    table = pd.concat(kept, ignore_index=True, sort=False)
    rank = table["scenario"].map({name: i for i, name in enumerate(scenario_order)})
    order = np.lexsort([table["replication"].to_numpy(), rank.to_numpy()])  # stable: rows keep their order
    return table.iloc[order].reset_index(drop=True)


def sorted_failures(failures: Iterable[ReplicationFailure]) -> list[ReplicationFailure]:
    """Failures sorted by scenario name, then replication."""
    return sorted(failures, key=lambda f: (f.scenario, f.replication))


class MemoryStore:
    """The results store kept in memory: same parts, same tables, nothing written."""

    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}

    @property
    def location(self) -> str:
        """Where the parts are kept, for messages."""
        return "memory"

    def add(self, part: Part) -> None:
        """Keep a finished batch."""
        self._parts[part.name] = part

    def done(self) -> dict[int, set[int]]:
        """Scenario index -> replications already run (succeeded or failed)."""
        found: dict[int, set[int]] = {}
        for part in self._parts.values():
            found.setdefault(part.scenario_index, set()).update(range(part.first, part.last + 1))
        return found

    def kpi_values(self, scenario_index: int, kpi: str, below: int) -> np.ndarray:
        """The values of ``kpi`` in replications ``< below`` of a scenario."""
        return _values(
            (p.replications for _, p in sorted(self._parts.items()) if p.scenario_index == scenario_index), kpi, below
        )

    def replications(self, scenario_order: Sequence[str]) -> pd.DataFrame:
        """The replications table, sorted by scenario then replication."""
        return assemble((p.replications for _, p in sorted(self._parts.items())), scenario_order)

    def monthly(self, scenario_order: Sequence[str]) -> pd.DataFrame:
        """The monthly table, sorted by scenario, replication, month."""
        return assemble((p.monthly for _, p in sorted(self._parts.items())), scenario_order)

    def tables(self, scenario_order: Sequence[str]) -> dict[str, pd.DataFrame]:
        """The tidy extra tables by name, sorted by scenario then replication."""
        parts = [p for _, p in sorted(self._parts.items())]
        names = dict.fromkeys(name for p in parts for name in p.tables)
        return {name: assemble((p.tables[name] for p in parts if name in p.tables), scenario_order) for name in names}

    def failures(self) -> list[ReplicationFailure]:
        """Every failed replication."""
        return sorted_failures(f for p in self._parts.values() for f in p.failures)


def _values(frames: Iterable[pd.DataFrame], kpi: str, below: int) -> np.ndarray:
    chunks = [f.loc[f["replication"] < below, kpi].to_numpy(dtype=np.float64) for f in frames if kpi in f.columns]
    return np.concatenate(chunks) if chunks else np.empty(0)


class DirectoryStore:
    """The results store of a run directory: one set of atomic CSV parts per finished batch."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / STORE_DIRNAME

    @property
    def location(self) -> str:
        """Where the parts are kept, for messages."""
        return str(self.path)

    def check_resume(self, fingerprint: Mapping[str, Any]) -> None:
        """Check that this directory holds an interrupted run of the same config (writes nothing).

        Raises:
            ConfigError: When there is no interrupted run here, or its config differs (each
                difference is named).
        """
        manifest = self.path / MANIFEST
        if not manifest.is_file():
            raise ConfigError.single(
                "runner.resume",
                True,
                f"needs the folder of an interrupted run, and {self.path.parent} holds none; "
                "pass hydra.run.dir=<that folder>",
            )
        current = json.loads(json.dumps(fingerprint, default=str))
        issues = config_differences(json.loads(manifest.read_text(encoding="utf-8")), current)
        if issues:
            raise ConfigError(issues)

    def start(self, fingerprint: Mapping[str, Any], resume: bool) -> None:
        """Open the store for a run: a fresh one, or the interrupted one when resuming.

        Raises:
            ConfigError: As :meth:`check_resume`, when resuming.
        """
        if resume:
            self.check_resume(fingerprint)
            for stray in self.path.glob(".*.tmp"):  # an atomic write cut short by the interrupt
                stray.unlink(missing_ok=True)
            return
        if self.path.exists():
            shutil.rmtree(self.path)  # a fresh run in a used folder replaces the old results
        self.path.mkdir(parents=True)
        current = json.loads(json.dumps(fingerprint, default=str))
        atomic_write(self.path / MANIFEST, lambda f: json.dump(current, f, indent=1, sort_keys=True))

    def add(self, part: Part) -> None:
        """Append a finished batch: monthly, failures, then the replications part that commits it."""
        stem = self.path / part.name
        atomic_write(stem.with_name(stem.name + ".monthly.csv"), lambda f: part.monthly.to_csv(f, index=False))
        for name, table in part.tables.items():
            atomic_write(stem.with_name(f"{stem.name}.table-{name}.csv"), _csv(table))
        if part.failures:
            records = [dataclasses.asdict(failure) for failure in part.failures]
            atomic_write(stem.with_name(stem.name + ".failures.json"), lambda f: json.dump(records, f, indent=1))
        atomic_write(
            stem.with_name(stem.name + ".replications.csv"), lambda f: part.replications.to_csv(f, index=False)
        )

    def _committed(self) -> list[tuple[str, int, int, int]]:
        found = []
        for path in self.path.glob("*.replications.csv"):
            match = PART.match(path.name)
            if match:
                scenario, first, last = (int(g) for g in match.groups())
                found.append((path.name.removesuffix(".replications.csv"), scenario, first, last))
        return sorted(found)

    def done(self) -> dict[int, set[int]]:
        """Scenario index -> replications already run (succeeded or failed)."""
        found: dict[int, set[int]] = {}
        for _, scenario, first, last in self._committed():
            found.setdefault(scenario, set()).update(range(first, last + 1))
        return found

    def _read(self, stem: str, kind: str, **options: Any) -> pd.DataFrame:
        return pd.read_csv(self.path / f"{stem}.{kind}.csv", **READ_OPTIONS, **options)

    def kpi_values(self, scenario_index: int, kpi: str, below: int) -> np.ndarray:
        """The values of ``kpi`` in replications ``< below`` of a scenario."""
        wanted = {"replication", kpi}
        frames = (
            self._read(stem, "replications", usecols=lambda c: c in wanted)
            for stem, scenario, first, _ in self._committed()
            if scenario == scenario_index and first < below
        )
        return _values(frames, kpi, below)

    def scenario_names(self) -> list[str]:
        """The scenarios of the run, in the experiment's order (from the manifest)."""
        manifest = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        return [str(name) for name in manifest.get("scenario_names", [])]

    def replications(self, scenario_order: Sequence[str] | None = None) -> pd.DataFrame:
        """The replications table, sorted by scenario then replication.

        Readable while a run runs or after it was interrupted, e.g.
        ``summarise(DirectoryStore(run_dir).replications())``.
        """
        order = self.scenario_names() if scenario_order is None else scenario_order
        return assemble((self._read(stem, "replications") for stem, *_ in self._committed()), order)

    def monthly(self, scenario_order: Sequence[str] | None = None) -> pd.DataFrame:
        """The monthly table, sorted by scenario, replication, month."""
        order = self.scenario_names() if scenario_order is None else scenario_order
        return assemble((self._read(stem, "monthly") for stem, *_ in self._committed()), order)

    def tables(self, scenario_order: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The tidy extra tables by name (``reps``, ``monthly_queues``), sorted by scenario then replication."""
        order = self.scenario_names() if scenario_order is None else scenario_order
        stems = [stem for stem, *_ in self._committed()]
        found: dict[str, list[str]] = {}
        for stem in stems:
            for path in sorted(self.path.glob(f"{stem}.table-*.csv")):
                found.setdefault(path.name.removeprefix(f"{stem}.table-").removesuffix(".csv"), []).append(stem)
        return {
            name: assemble((self._read(stem, f"table-{name}") for stem in with_table), order)
            for name, with_table in found.items()
        }

    def failures(self) -> list[ReplicationFailure]:
        """Every failed replication of a committed batch."""
        found: list[ReplicationFailure] = []
        for stem, *_ in self._committed():
            path = self.path / f"{stem}.failures.json"
            if path.is_file():
                found.extend(ReplicationFailure(**record) for record in json.loads(path.read_text(encoding="utf-8")))
        return sorted_failures(found)


ResultStore = MemoryStore | DirectoryStore


def _csv(table: pd.DataFrame) -> Callable[[IO[Any]], object]:
    """A writer of ``table`` as CSV with every digit, for :func:`atomic_write`."""
    return lambda handle: table.to_csv(handle, index=False)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and any(isinstance(v, Mapping | list) for v in value):
        flat = {}
        for i, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}.{i}"))
        return flat
    return {prefix: value}


def config_differences(before: Mapping[str, Any], now: Mapping[str, Any], shown: int = 12) -> list[ConfigIssue]:
    """Name every setting where a resumed run differs from the run it resumes.

    Args:
        before: The interrupted run's fingerprint (from its manifest).
        now: The fingerprint of the run asking to resume.
        shown: Most differences listed (the rest are counted).
    """
    old, new = _flatten(before), _flatten(now)
    keys = [k for k in new if k not in old or old[k] != new[k]] + [k for k in old if k not in new]
    allowed = "differs from the interrupted run ({}); a resume needs the same config (or start a new run)"
    in_base = {_user_key(k) for k in keys if k.startswith("base.")}
    # A base setting that differs differs in every scenario too: name it once.
    keys = [k for k in keys if not (k.startswith("scenarios.") and _user_key(k).split("] ")[-1] in in_base)]
    named = {_user_key(k): k for k in reversed(keys)}  # seed is both top-level and base.seed: name it once
    issues = [
        ConfigIssue(user, new.get(k, "<absent>"), allowed.format(old.get(k, "absent")))
        for user, k in reversed(named.items())
    ]
    if len(issues) > shown:
        more = len(issues) - shown
        issues = [*issues[:shown], ConfigIssue("...", more, "more settings differ from the interrupted run")]
    return issues


def _user_key(flat_key: str) -> str:
    """A fingerprint key as the user writes it: ``base.org.x`` -> ``org.x``."""
    head, _, rest = flat_key.partition(".")
    if head == "base" and rest:
        return rest
    if head == "scenarios" and rest:
        name, _, key = rest.partition(".")
        return f"[scenario {name}] {key}" if key else f"experiment.scenarios.{name}"
    return flat_key
