"""The results store: every finished batch appended to the run directory as it arrives.

A run's results live in ``<run dir>/store/`` while it runs: ``manifest.json`` (what is
being run, to refuse resuming a different config) and, per finished batch, a part named
by scenario index and replication range::

    s000-r00000000-00000009.monthly.csv
    s000-r00000000-00000009.table-reps.csv       (one per tidy extra table: reps, monthly_queues)
    s000-r00000000-00000009.out-monthly.csv      (monthly and extra tables as the output prints them)
    s000-r00000000-00000009.failures.json        (only when a replication failed)
    s000-r00000000-00000009.replications.csv
    s000-r00000000-00000009.manifest.json        (the part's manifest entry, written last)

Each file is written atomically, with stop signals held back until the part is complete;
the part's manifest entry (:mod:`simulator.run.manifest`), written last, commits it and
records each file's row count and SHA-256. A resume checks every part against its entry
and computes again any part whose file is missing, empty, truncated or altered, saying
so; files of a part without its entry are removed, the part named.

A failed replication is kept as a failure of this run, and a resume tries it again: a
replication counts as done for a resume only when it has results. Floats are written
with every digit Python needs to read back the same number, so summaries computed from
the store equal those computed in memory. The parent keeps nothing but the store,
so its memory stays flat however many replications a run makes. Of the final
tables only the replications table (one row per replication) is read back whole; the
monthly and extra tables are :class:`~simulator.run.stored_table.StoredTable` sources,
read part by part by the reports. They are written to the output folder from the
``out-`` files: each batch's tables printed as the output prints them (``%.10g``) when
the batch is stored, if reading the part back would change nothing, so the end of a run
concatenates them instead of reading every part again.

:class:`~simulator.run.memory_store.MemoryStore` keeps the same parts in memory (for notebooks that write nothing);
both assemble the tables the same way, so the numbers never depend on where they were kept.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.config.errors import ConfigError
from simulator.io.atomic import atomic_write
from simulator.io.occupied import FolderLayout, refuse_foreign
from simulator.io.stop_signals import stop_signals_deferred
from simulator.run.csv_dtypes import read_back_dtypes, reads_back_unchanged
from simulator.run.csv_text import OUTPUT_FLOAT_FORMAT, csv_bytes, csv_text
from simulator.run.experiment import ReplicationFailure
from simulator.run.manifest import (
    ENTRY_SUFFIX,
    FORMAT_KEY,
    STORE_FORMAT,
    UNCOMMITTED,
    DamagedStoreError,
    Entry,
    UncommittedPartsWarning,
    check_file,
    check_part,
    entry_paths,
    file_record,
    read_entry,
    uncommitted_notes,
    uncommitted_parts,
    uncommitted_words,
    write_bytes,
    write_entry,
)
from simulator.run.memory_store import MemoryStore
from simulator.run.parts import Part, assemble, kpi_values_of, sorted_failures
from simulator.run.resume_match import config_differences
from simulator.run.store_files import KEEP_OUT, MANIFEST, STORE_DIRNAME, STORE_FILES
from simulator.run.store_record import MANIFEST_LOST, read_manifest, recorded_fingerprint
from simulator.run.stored_table import READ_OPTIONS, StoredTable, output_kind
from simulator.run.table_source import TableSource

__all__ = [
    "STORE_DIRNAME",
    "STORE_FILES",
    "DamagedStoreError",
    "DirectoryStore",
    "MemoryStore",
    "ResultStore",
    "UncommittedPartsWarning",
    "assemble",
    "config_differences",
]

NOTES_SHOWN = 10
"""Damaged parts named one by one on resume; the rest are counted."""
STORE_LAYOUT = FolderLayout("salesim", STORE_FILES)


class DirectoryStore:
    """The results store of a run directory: atomic CSV parts, each committed by a manifest entry.

    Opened only to read it (``DirectoryStore(run_dir).replications()``, while a run runs or
    after it), every file read is checked against its part's entry first, as a resume checks
    it: a damaged part raises :class:`DamagedStoreError` rather than entering the numbers;
    :meth:`verify` checks every part and changes nothing.
    """

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / STORE_DIRNAME
        self._entries: dict[str, Entry] | None = None
        self._session_start = self._next_sequence = 0

    @property
    def location(self) -> str:
        """Where the parts are kept, for messages."""
        return str(self.path)

    def holds_run(self) -> bool:
        """True when this directory holds a run's store (started, interrupted or finished), its manifest lost or not."""
        return (self.path / MANIFEST).is_file() or bool(entry_paths(self.path) if self.path.is_dir() else [])

    def check_resume(self, fingerprint: Mapping[str, Any]) -> None:
        """Check that this directory holds an interrupted run of the same config (writes nothing).

        Raises:
            ConfigError: When there is no interrupted run here, or its config differs (each
                difference is named), or its store manifest is missing or damaged and cannot
                be rebuilt (:func:`~simulator.run.store_record.rebuilt_fingerprint` says why).
        """
        recorded = dict(self._recorded(fingerprint)[0])
        recorded.pop(FORMAT_KEY, None)
        current = json.loads(json.dumps(fingerprint, default=str))
        issues = config_differences(recorded, current)
        if issues:
            raise ConfigError(issues)

    def start(self, fingerprint: Mapping[str, Any]) -> int:
        """Open a fresh store for a new run (a store already in the folder is replaced).

        Returns:
            The replications with results that the replaced store held (0 without one).

        Raises:
            OccupiedOutputError: When ``store/`` holds a file the store did not write (nothing is changed).
        """
        replaced = 0
        refuse_foreign(self.path, STORE_LAYOUT, KEEP_OUT)  # replaced below: only if every file in it is the store's
        if self.path.exists():
            replaced = sum(len(e.succeeded()) for e in self._committed())  # its manifest lost or not
            shutil.rmtree(self.path)  # a fresh run in a used folder replaces the old results
        self.path.mkdir(parents=True)
        manifest = {**json.loads(json.dumps(fingerprint, default=str)), FORMAT_KEY: STORE_FORMAT}
        self._write_manifest(manifest)
        self._entries, self._session_start, self._next_sequence = {}, 0, 0
        return replaced

    def resume(self, fingerprint: Mapping[str, Any]) -> list[str]:
        """Open the store of an interrupted run: check the config, then every part against the manifest.

        A part whose file is missing, empty, truncated or altered is removed, so that its
        replications are computed again, as are the files of a part without its entry (each
        named); a lost store manifest is rebuilt when :mod:`~simulator.run.store_record` may.
        Replications that failed are tried again.

        Returns:
            One note per repair (for the terminal), the rest counted.

        Raises:
            ConfigError: As :meth:`check_resume`.
            OccupiedOutputError: When ``store/`` holds a file the store did not write (nothing is changed).
        """
        self.check_resume(fingerprint)
        refuse_foreign(self.path, STORE_LAYOUT, KEEP_OUT)  # what no committed entry names is deleted below
        manifest, rebuilt = self._recorded(fingerprint)
        damaged: list[str] = []
        if rebuilt:
            damaged.append(rebuilt)
            manifest = {**manifest, FORMAT_KEY: STORE_FORMAT}
            self._write_manifest(manifest)
        names = self.scenario_names()
        entries: dict[str, Entry] = {}
        for stem, entry, problem in self._checked_parts():
            if entry is None:
                damaged.append(f"part {stem} is damaged ({problem}): it will be computed again")
            elif problem:
                i = entry.scenario_index
                scenario = names[i] if 0 <= i < len(names) else f"#{i}"
                span = f"replications {entry.first}-{entry.last} of scenario {scenario}"
                damaged.append(f"part {stem} is damaged ({problem}): {span} will be computed again")
            else:
                entries[stem] = entry
                continue
            for damaged_file in self.path.glob(f"{stem}.*"):
                damaged_file.unlink()
        uncommitted = uncommitted_parts(self.path)
        old_format = manifest.get(FORMAT_KEY) != STORE_FORMAT  # its parts have no entries: all are removed below
        damaged += [] if old_format else uncommitted_notes(uncommitted, names)
        notes = damaged[:NOTES_SHOWN]
        if len(damaged) > NOTES_SHOWN:
            notes.append(f"... and {len(damaged) - NOTES_SHOWN} more damaged parts will be computed again")
        self._remove_uncommitted(entries)
        if old_format:
            notes.append("the store was written by an older salesim, without checksums: every part is computed again")
            manifest[FORMAT_KEY] = STORE_FORMAT
            self._write_manifest(manifest)
        self._entries = entries
        self._session_start = self._next_sequence = max((e.sequence for e in entries.values()), default=-1) + 1
        return notes

    def _recorded(self, fingerprint: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The run's recorded config and, when its manifest was rebuilt, the note saying so."""
        return recorded_fingerprint(self.path, fingerprint, list(self._on_disk().values()), self.holds_run())

    def _write_manifest(self, manifest: Mapping[str, Any]) -> None:
        atomic_write(self.path / MANIFEST, lambda f: json.dump(manifest, f, indent=1, sort_keys=True))

    def _remove_uncommitted(self, entries: Mapping[str, Entry]) -> None:
        """Delete every file no committed entry names (uncommitted parts, temporaries of a killed write)."""
        kept = {MANIFEST} | {f"{stem}{ENTRY_SUFFIX}" for stem in entries}
        kept |= {f"{stem}.{kind}" for stem, entry in entries.items() for kind in entry.files}
        for path in self.path.iterdir():
            if path.name not in kept and path.is_file():
                path.unlink()

    def _known(self) -> dict[str, Entry]:
        if self._entries is None:  # a store opened to read it (e.g. while a run runs): read every entry
            if uncommitted := uncommitted_parts(self.path):
                warnings.warn(uncommitted_words(self.path, uncommitted), UncommittedPartsWarning, stacklevel=4)
            return self._on_disk()
        return self._entries

    def _on_disk(self) -> dict[str, Entry]:
        return {e.stem: e for e in (read_entry(path) for path in entry_paths(self.path)) if e is not None}

    def _committed(self) -> list[Entry]:
        return [entry for _, entry in sorted(self._known().items())]

    def add(self, part: Part) -> None:
        """Write a finished batch's files, then its manifest entry, which commits it.

        SIGINT and SIGTERM wait until the entry is written, so an interrupt never leaves
        half a part; a part written again (a failure tried again) is uncommitted first.
        """
        known = self._known()
        with stop_signals_deferred():
            entry_file = self.path / f"{part.name}{ENTRY_SUFFIX}"
            entry_file.unlink(missing_ok=True)
            known.pop(part.name, None)
            tables = {f"table-{name}.csv": t for name, t in part.tables.items()}
            tables = {"monthly.csv": part.monthly, **tables}
            contents = {kind: (csv_bytes(t), len(t), read_back_dtypes(t, READ_OPTIONS)) for kind, t in tables.items()}
            for kind, t in tables.items():  # the rows as the output table prints them, when reading changes nothing
                unchanged = reads_back_unchanged(t, READ_OPTIONS, contents[kind][2])
                printed = csv_text(t, OUTPUT_FLOAT_FORMAT) if unchanged else None
                if printed is not None:
                    contents[output_kind(kind)] = (printed.encode("utf-8"), len(t), None)
            if part.failures:
                records = [dataclasses.asdict(failure) for failure in part.failures]
                contents["failures.json"] = (json.dumps(records, indent=1).encode("utf-8"), len(records), None)
            replications = part.replications
            contents["replications.csv"] = (
                csv_bytes(replications),
                len(replications),
                read_back_dtypes(replications, READ_OPTIONS),
            )
            files = {}
            for kind, (content, rows, columns) in contents.items():
                write_bytes(self.path / f"{part.name}.{kind}", content)
                files[kind] = file_record(content, rows, columns)
            failed = tuple(sorted(f.replication for f in part.failures))
            entry = Entry(part.scenario_index, part.first, part.last, failed, self._next_sequence, files)
            self._next_sequence += 1
            write_entry(self.path, entry)
            known[part.name] = entry

    def done(self) -> dict[int, set[int]]:
        """Scenario index -> replications that need no run: those with results, and those failed in this run.

        A replication that failed in an earlier, interrupted run is not done: a resume tries it again.
        """
        found: dict[int, set[int]] = {}
        for entry in self._committed():
            reps = found.setdefault(entry.scenario_index, set())
            reps |= entry.succeeded()
            if entry.sequence >= self._session_start:
                reps.update(entry.failed)
        return found

    def verify(self) -> list[str]:
        """Check the store manifest and every part against its entry, as a resume does, changing nothing.

        Returns:
            One line per problem: a missing or damaged store manifest, a damaged part (``part
            s000-r00000120-00000129 is damaged (replications.csv has 7 of 10 rows)``), a part
            without its entry; empty when all is intact. A resume (``runner.resume=true``) repairs them.
        """
        _, lost = read_manifest(self.path)
        found = [f"the store manifest {MANIFEST} {lost}"] if lost and self.holds_run() else []
        found += [f"part {stem} is damaged ({problem})" for stem, _, problem in self._checked_parts() if problem]
        return found + [f"part {stem} has no manifest entry: {UNCOMMITTED}" for stem in uncommitted_parts(self.path)]

    def _checked_parts(self) -> Iterator[tuple[str, Entry | None, str | None]]:
        """Each committed part's stem, its entry (None when unreadable) and what is wrong with it (None: intact)."""
        for path in entry_paths(self.path):
            stem = path.name.removesuffix(ENTRY_SUFFIX)
            entry = read_entry(path)
            if entry is None or entry.stem != stem:
                yield stem, None, "its manifest entry cannot be read"
            else:
                yield stem, entry, check_part(self.path, entry)

    def _read(self, entry: Entry, kind: str, **options: Any) -> pd.DataFrame:
        path = self.path / f"{entry.stem}.{kind}"
        if self._entries is None and (problem := check_file(path, kind, entry.files[kind])):  # opened to read it
            raise DamagedStoreError(
                f"part {entry.stem} of {self.path} is damaged ({problem}): its numbers would be wrong; "
                "a resume of the run (runner.resume=true) computes it again"
            )
        return pd.read_csv(path, **READ_OPTIONS, **options)

    def kpi_values(self, scenario_index: int, kpi: str, below: int) -> tuple[np.ndarray, np.ndarray]:
        """The values of ``kpi`` in replications ``< below`` of a scenario, and their replications."""
        wanted = {"replication", kpi}
        frames = (
            self._read(entry, "replications.csv", usecols=lambda c: c in wanted)
            for entry in self._committed()
            if entry.scenario_index == scenario_index and entry.first < below and entry.succeeded()
        )
        return kpi_values_of(frames, kpi, below)

    def scenario_names(self) -> list[str]:
        """The scenarios of the run, in the experiment's order (from the manifest).

        Raises:
            DamagedStoreError: When the store manifest is missing or damaged (it had been a bare ``FileNotFoundError``).
        """
        manifest, problem = read_manifest(self.path)
        if manifest is None:
            raise DamagedStoreError(f"the store manifest {self.path / MANIFEST} {problem}: {MANIFEST_LOST}")
        return [str(name) for name in manifest.get("scenario_names", [])]

    def _table(self, kind: str, scenario_order: Sequence[str] | None) -> pd.DataFrame:
        order = self.scenario_names() if scenario_order is None else scenario_order
        return assemble((self._read(e, kind) for e in self._committed() if kind in e.files), order)

    def replications(self, scenario_order: Sequence[str] | None = None) -> pd.DataFrame:
        """The replications table, sorted by scenario then replication.

        Readable while a run runs or after it was interrupted, e.g.
        ``summarise(DirectoryStore(run_dir).replications())``.
        """
        return self._table("replications.csv", scenario_order)

    def monthly(self, scenario_order: Sequence[str] | None = None) -> pd.DataFrame:
        """The monthly table, sorted by scenario, replication, month."""
        return self._table("monthly.csv", scenario_order)

    def tables(self, scenario_order: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The tidy extra tables by name (``reps``, ``monthly_queues``), sorted by scenario then replication."""
        kinds = dict.fromkeys(k for e in self._committed() for k in e.files if k.startswith("table-"))
        return {kind.removeprefix("table-").removesuffix(".csv"): self._table(kind, scenario_order) for kind in kinds}

    def _source(self, kind: str, scenario_order: Sequence[str] | None) -> StoredTable:
        order = self.scenario_names() if scenario_order is None else scenario_order
        names = self.scenario_names()
        position = {name: i for i, name in enumerate(order)}
        rank = {i: position.get(name, len(order) + i) for i, name in enumerate(names)}
        entries = self._committed()
        rank.update({e.scenario_index: len(order) + e.scenario_index for e in entries if e.scenario_index not in rank})
        return StoredTable(self.path, entries, kind, rank)

    def monthly_source(self, scenario_order: Sequence[str] | None = None) -> TableSource:
        """The monthly table as a source read part by part (see :mod:`simulator.run.stored_table`)."""
        return self._source("monthly.csv", scenario_order)

    def table_sources(self, scenario_order: Sequence[str] | None = None) -> dict[str, TableSource]:
        """The tidy extra tables as sources read part by part, by name (``reps``, ``monthly_queues``)."""
        kinds = dict.fromkeys(k for e in self._committed() for k in e.files if k.startswith("table-"))
        return {k.removeprefix("table-").removesuffix(".csv"): self._source(k, scenario_order) for k in kinds}

    def failures(self) -> list[ReplicationFailure]:
        """Every replication that failed and has no results, as recorded by its latest attempt."""
        entries = self._committed()
        succeeded = {(e.scenario_index, r) for e in entries for r in e.succeeded()}
        latest: dict[tuple[int, int], tuple[int, ReplicationFailure]] = {}
        for entry in entries:
            if not entry.failed or "failures.json" not in entry.files:
                continue
            records = json.loads((self.path / f"{entry.stem}.failures.json").read_text(encoding="utf-8"))
            for failure in (ReplicationFailure(**record) for record in records):
                key = (entry.scenario_index, failure.replication)
                if key not in succeeded and (key not in latest or latest[key][0] < entry.sequence):
                    latest[key] = (entry.sequence, failure)
        return sorted_failures(failure for _, failure in latest.values())


ResultStore = MemoryStore | DirectoryStore
