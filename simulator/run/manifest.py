"""The results store's manifest: what the run is, and one entry per committed part.

``store/manifest.json`` holds the run's fingerprint (what decides its numbers, compared
when a run is resumed) and the store's format. Each part of the store has its own entry,
``<part>.manifest.json``, written after the part's files: it commits the part, and names
every file of it with its row count, size in bytes and SHA-256 checksum, and the
replications that failed. One small file per entry, rather than one file that grows with
every batch, keeps a commit's cost the same however many batches came before.

When a run is resumed, :func:`check_part` compares every part with its entry: a file that
is missing, empty, truncated or altered is found, and the part is computed again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.io.atomic import atomic_write
from simulator.run.csv_dtypes import ColumnTypes
from simulator.run.parts import part_name
from simulator.run.store_files import ENTRY_SUFFIX

STORE_FORMAT = 2
"""2: parts committed by a manifest entry with row counts and SHA-256 checksums."""
FORMAT_KEY = "store_format"
_CHUNK = 1 << 20
_PART_FILE = re.compile(r"(s(\d{3,})-r(\d{8,})-(\d{8,}))\.(.+)")
"""A part's file: its stem (scenario index, first and last replication), a dot, its kind."""


class DamagedStoreError(ValueError):
    """A part of a store opened to read it does not match its manifest entry (its numbers would be wrong)."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What a part's file held when it was written.

    Attributes:
        rows: CSV records after the header (failure records for ``failures.json``).
        size: Bytes.
        sha256: Hex SHA-256 of the bytes.
        columns: For a table, its columns and the dtypes pandas reads them back as
            (:mod:`simulator.run.csv_dtypes`); None when unknown (entries of older stores).
    """

    rows: int
    size: int
    sha256: str
    columns: ColumnTypes | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A committed part: replications ``first..last`` of one scenario and its files.

    Attributes:
        scenario_index: The scenario's position in the experiment.
        first: First replication of the part.
        last: Last replication of the part (inclusive).
        failed: Replications of the range that failed (they have no rows).
        sequence: Commit order within the store (later commits supersede earlier failures).
        files: File kind (``replications.csv``, ``monthly.csv``, ``table-reps.csv``,
            ``failures.json``) -> its record.
    """

    scenario_index: int
    first: int
    last: int
    failed: tuple[int, ...]
    sequence: int
    files: dict[str, FileRecord]

    @property
    def stem(self) -> str:
        """The part's file stem."""
        return part_name(self.scenario_index, self.first, self.last)

    def succeeded(self) -> set[int]:
        """Replications of the part that have results."""
        return set(range(self.first, self.last + 1)) - set(self.failed)

    def to_json(self) -> dict[str, Any]:
        """The entry as written to its file."""
        return {
            "scenario_index": self.scenario_index,
            "first": self.first,
            "last": self.last,
            "failed": list(self.failed),
            "sequence": self.sequence,
            "files": {kind: _file_json(f) for kind, f in self.files.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """Read an entry back (raises ``KeyError``, ``TypeError`` or ``ValueError`` when malformed)."""
        return cls(
            int(data["scenario_index"]),
            int(data["first"]),
            int(data["last"]),
            tuple(int(r) for r in data["failed"]),
            int(data["sequence"]),
            {
                str(kind): FileRecord(int(f["rows"]), int(f["size"]), str(f["sha256"]), _columns(f.get("columns")))
                for kind, f in data["files"].items()
            },
        )


def _file_json(record: FileRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"rows": record.rows, "size": record.size, "sha256": record.sha256}
    if record.columns is not None:
        data["columns"] = [list(pair) for pair in record.columns]
    return data


def _columns(data: Any) -> ColumnTypes | None:
    if data is None:
        return None
    return tuple((str(name), str(dtype)) for name, dtype in data)


def file_record(content: bytes, rows: int, columns: ColumnTypes | None = None) -> FileRecord:
    """The record of a file about to be written with ``content`` (``columns``: a table's read-back dtypes)."""
    return FileRecord(rows, len(content), hashlib.sha256(content).hexdigest(), columns)


def write_bytes(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically."""
    atomic_write(path, lambda handle: handle.write(content), binary=True)


def write_entry(directory: Path, entry: Entry) -> None:
    """Commit a part: write its entry atomically (after every file it names)."""
    content = json.dumps(entry.to_json(), indent=1, sort_keys=True).encode("utf-8")
    write_bytes(directory / f"{entry.stem}{ENTRY_SUFFIX}", content)


def read_entry(path: Path) -> Entry | None:
    """The entry in ``path``, or None if it cannot be read as one."""
    try:
        return Entry.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def uncommitted_parts(directory: Path) -> dict[str, tuple[int, int, int]]:
    """Parts whose files are in ``directory`` without their entry: stem -> (scenario index, first, last).

    Such a part is one being written now, one cut short while being written (``kill -9``
    between its files and its entry), or one whose entry was removed: nothing checks its
    files, so they are never read. A store that said nothing of them had read 590 of 600
    replications as the whole run.
    """
    found: dict[str, tuple[int, int, int]] = {}
    for path in directory.glob("s*-r*-*.*") if directory.is_dir() else ():
        match = _PART_FILE.fullmatch(path.name)
        if match and match[5] != ENTRY_SUFFIX[1:] and not (directory / f"{match[1]}{ENTRY_SUFFIX}").exists():
            found[match[1]] = (int(match[2]), int(match[3]), int(match[4]))
    return dict(sorted(found.items()))


UNCOMMITTED = "cut short while being written, or its entry was removed; nothing checks its files, so none is read"
"""What a part without its entry is, and what becomes of its files (for messages)."""


class UncommittedPartsWarning(UserWarning):
    """A store read for analysis holds parts without their entry: its tables lack their replications.

    A warning, not a :class:`~simulator.run.store.DamagedStoreError`: what is read is right,
    only not all of the run, and a store read while its run runs holds the part being
    written that way for a moment.
    """


def uncommitted_words(directory: Path, parts: Mapping[str, tuple[int, int, int]]) -> str:
    """The warning for ``parts`` (:func:`uncommitted_parts`) of the store in ``directory``."""
    reps = sum(last - first + 1 for _, first, last in parts.values())
    named = ", ".join(list(parts)[:5]) + (f" and {len(parts) - 5} more" if len(parts) > 5 else "")
    return (
        f"{directory} holds {len(parts)} part(s) without a manifest entry ({named}): being written now, or "
        f"{UNCOMMITTED}; the {reps:,} replications they hold are left out of what is read, and a resume of the "
        "run (runner.resume=true) computes them again"
    )


def uncommitted_notes(parts: Mapping[str, tuple[int, int, int]], names: Sequence[str]) -> list[str]:
    """A resume's note for each part without its entry (:func:`uncommitted_parts`); ``names``: the scenarios.

    Each part is named, as a damaged part is: "1 batch was cut short while being written"
    had said neither which nor that its entry may have been removed by hand.
    """
    notes = []
    for stem, (i, first, last) in parts.items():
        scenario = names[i] if 0 <= i < len(names) else f"#{i}"
        notes.append(
            f"part {stem} has no manifest entry (cut short while being written, or the entry was removed): "
            f"replications {first}-{last} of scenario {scenario} will be computed again"
        )
    return notes


def entry_paths(directory: Path) -> list[Path]:
    """Every entry file of the store, sorted by part."""
    return sorted(directory.glob(f"s*{ENTRY_SUFFIX}"))


def check_part(directory: Path, entry: Entry) -> str | None:
    """What is wrong with a committed part's files, or None when each matches its record.

    Every file is read in full: its size and SHA-256 must be the recorded ones.
    """
    for kind, record in entry.files.items():
        if problem := check_file(directory / f"{entry.stem}.{kind}", kind, record):
            return problem
    return None


def check_file(path: Path, kind: str, record: FileRecord) -> str | None:
    """What is wrong with one file of a part (``kind``, e.g. ``replications.csv``), or None when it matches."""
    if not path.is_file():
        return f"{kind} is missing"
    size, digest = _measure(path)
    if size == record.size and digest == record.sha256:
        return None
    if size == 0:
        return f"{kind} is empty"
    rows = count_rows(path)
    if rows is None:
        return f"{kind} cannot be read"
    if rows != record.rows:
        return f"{kind} has {rows} of {record.rows} rows"
    return f"{kind} differs from its checksum"


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def count_rows(path: Path) -> int | None:
    """Records in a part's file: CSV rows after the header, or items of a JSON list; None if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            data = json.loads(text)
            return len(data) if isinstance(data, list) else None
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)
    except (OSError, ValueError, csv.Error):
        return None
