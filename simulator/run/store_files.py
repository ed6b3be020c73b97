"""The names a run's results store gives its files, apart from the store that writes them.

A folder is checked for what salesim did not write before anything is composed or run
(:mod:`simulator.report.layouts`): that check reads these names alone, without loading
the store, its tables or the engines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from simulator.io.atomic import TEMPORARY_GLOB

STORE_DIRNAME = "store"
MANIFEST = "manifest.json"
ENTRY_SUFFIX = ".manifest.json"
"""A part's entry file: ``s000-r00000000-00000009.manifest.json``."""
TEMPORARY = TEMPORARY_GLOB
"""A file :func:`~simulator.io.atomic.atomic_write` was writing when the process was killed (that name exactly)."""
STORE_FILES = frozenset({MANIFEST, "s[0-9]*-r[0-9]*-[0-9]*.*", TEMPORARY})
"""Every file the store writes in ``store/``: the manifest and each part's files (glob patterns)."""
KEEP_OUT = (
    "Choose another folder for the results (hydra.run.dir=DIR), or move those out of it first; "
    "a folder that holds only salesim's own run is run again (replacing it), or resumed with runner.resume=true"
)
"""What to do when a run folder holds what salesim did not write."""


def lost_manifest(store_dir: Path) -> bool:
    """Whether ``store_dir`` is a run's store whose manifest is missing: it has none, and a part entry that reads.

    Such a folder is salesim's run, its store manifest lost: it had been refused as holding
    "what salesim did not write (bookings_fan.png, ... and 508 more without store/manifest.json)".
    """
    store_dir = Path(store_dir)
    if (store_dir / MANIFEST).exists() or not store_dir.is_dir():
        return False
    for path in store_dir.glob("s[0-9]*-r[0-9]*-[0-9]*.manifest.json"):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict) and {"scenario_index", "first", "last", "files"} <= entry.keys():
            return True
    return False


_ENTRY_NAME = re.compile(r"s(\d+)-r(\d+)-(\d+)" + re.escape(ENTRY_SUFFIX))


def kept_replications(store_dir: Path) -> tuple[int, int | None]:
    """The replications a store holds (each part's entry written: its files are whole) and how many the run makes.

    Read from the file names and the manifest alone (no pandas), for the words of a stop.

    Returns:
        ``(kept, total)``: the runs of every part with an entry (``s000-r00000000-00000009``
        holds 10), and the manifest's runs times its scenarios (None when it cannot be read).
    """
    kept = 0
    for path in Path(store_dir).glob(f"s*{ENTRY_SUFFIX}"):
        match = _ENTRY_NAME.fullmatch(path.name)
        if match:
            kept += int(match.group(3)) - int(match.group(2)) + 1
    try:
        manifest = json.loads((Path(store_dir) / MANIFEST).read_text(encoding="utf-8"))
        total = int(manifest["runs"]) * len(manifest["scenario_names"])
    except (OSError, ValueError, TypeError, KeyError):
        total = None
    return kept, total


def held_replications(run_dir: Path) -> tuple[int, int | None] | None:
    """What the store of ``run_dir`` holds, ``(replications, of the run's)``; None when the folder has no store."""
    store = Path(run_dir) / STORE_DIRNAME
    if not (store / MANIFEST).is_file() and not any(store.glob(f"s*{ENTRY_SUFFIX}")):
        return None
    return kept_replications(store)


def held_words(held: tuple[int, int | None]) -> str:
    """``4 of 4 replications`` (``12 replications`` when the run's count is unknown: ``runs=auto``)."""
    kept, total = held
    of = f" of {total:,}" if total else ""
    return f"{kept:,}{of} replication{'' if kept == 1 and not total else 's'}"
