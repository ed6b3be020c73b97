"""The folders a command created, and its sweep folder: what a refusal or a stop removes, and what a stop keeps.

:class:`simulator.hydra_callbacks.OutputCheck` notes them before Hydra makes them; a job
refused later (:func:`remove_if_empty`) or a stop before any run (:func:`remove_created_folders`)
leaves none behind, and a sweep stopped while its jobs run elsewhere (``hydra/launcher=joblib``)
says what each job kept (:func:`sweep_kept_words`). Read from the files alone, with no
Hydra and no pandas: a stop can come while either is half imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

_NEW_FOLDERS: set[Path] | None = None
"""The folders of the run (or sweep) directory that did not exist before this command, once OutputCheck ran."""

_SWEEP_DIR: Path | None = None
"""This command's sweep folder, once OutputCheck accepted it (None for a single run)."""


def note_created(missing: Iterable[Path]) -> None:
    """Remember folders of the run (or sweep) directory that did not exist before this command."""
    global _NEW_FOLDERS
    _NEW_FOLDERS = (_NEW_FOLDERS or set()) | {p.resolve() for p in missing}


def note_sweep_dir(folder: Path) -> None:
    """Remember this command's sweep folder, once its check accepted it."""
    global _SWEEP_DIR
    _SWEEP_DIR = folder


def stopped_sweep() -> Path | None:
    """The sweep folder of this command when a job of it has begun a run (its store), for the words of a stop.

    Read from the files alone, with no import of the store's reader: a stop can come while
    pandas or Numba are half imported, and importing the store then had crashed the stop's
    own words ("partially initialized module 'pandas' has no attribute 'core'", exit 1).
    """
    folder = _SWEEP_DIR
    return folder if folder is not None and sweep_holds_runs(folder) else None


def sweep_holds_runs(folder: Path) -> bool:
    """Whether a job of the sweep in ``folder`` has begun a run there (its store), read from the files alone."""
    from simulator.run.store_files import ENTRY_SUFFIX, MANIFEST, STORE_DIRNAME

    if not folder.is_dir():
        return False
    stores = [job / STORE_DIRNAME for job in folder.iterdir() if (job / STORE_DIRNAME).is_dir()]
    return any((store / MANIFEST).is_file() or any(store.glob(f"s*{ENTRY_SUFFIX}")) for store in stores)


def sweep_kept_words(folder: Path) -> str:
    """What each job of a stopped sweep kept, read from its store: ``job 0: 50 of 80, job 1: 30 of 80``.

    A sweep's jobs on ``hydra/launcher=joblib`` run in worker processes that a stop ends
    before some can say what they kept (job 1's 30 runs went unsaid beside job 0's line);
    this process reads every job's store instead. Jobs with no replication kept are named
    apart ("job 2 none"); jobs not yet begun have no folder and are not listed.
    """
    from simulator.run.store_files import STORE_DIRNAME, kept_replications

    counts: list[str] = []
    jobs = [p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()] if folder.is_dir() else []
    for job in sorted(jobs, key=lambda p: int(p.name)):
        kept, total = kept_replications(job / STORE_DIRNAME) if (job / STORE_DIRNAME).is_dir() else (0, None)
        counts.append(f"job {job.name}: {kept}" + (f" of {total}" if total else ""))
    return ", ".join(counts)


def remove_if_empty(path: Path, written: Path | None = None) -> None:
    """Hydra creates the run directory before the job starts; leave nothing behind on a config error.

    When :class:`OutputCheck` saw the folders before Hydra made them, exactly the folders
    this command created go, deepest first, as long as they are empty: a folder that was
    there before (an empty folder of the user's) stays. Otherwise (no check ran) the run
    folder goes, then its parent if this run was its only one, then any emptied folder
    between it and the launch directory, including those the directory as written
    (``written``, e.g. ``outputs/../name/...``) created on its way.
    """
    if _NEW_FOLDERS is not None:
        created = set(_NEW_FOLDERS)
        if written is None:  # a sweep's job folder, made by Hydra inside the sweep folder for this job
            created.add(path.resolve())
        _remove_empty(created)
        return
    cwd = Path.cwd().resolve()
    try:
        path.rmdir()
        path.parent.rmdir()
    except OSError:
        return
    for folder in (cwd / (written or path)).parents[1:]:  # as written: outputs/../name climbs through outputs/
        resolved = folder.resolve()
        if resolved == cwd:
            continue
        if cwd not in resolved.parents:
            break
        try:
            folder.rmdir()
        except OSError:
            break


def remove_created_folders() -> None:
    """The folders this command created (as :class:`OutputCheck` saw them), while they are still empty.

    For a stop outside the job's own handling (Ctrl-C while the experiment is composed):
    Hydra made the run folder, nothing was written in it.
    """
    if _NEW_FOLDERS is not None:
        _remove_empty(set(_NEW_FOLDERS))


def discard_unkept_sweep() -> bool:
    """Remove this command's sweep folder when no job of it kept a run: Hydra's record and the empty folders.

    A stop after Hydra wrote ``multirun.yaml`` and before any job's first replication had
    said "the sweep keeps what its jobs finished" with a resume command, over a new folder
    holding that record alone. Hydra's record (``multirun.yaml``) goes from a folder this
    command created (an earlier sweep's stays), and empty job folders from any: anything
    else stays.

    Returns:
        Whether the sweep kept nothing (whatever could be removed): the stop's words say so.
    """
    folder = _SWEEP_DIR
    if folder is None or stopped_sweep() is not None:
        return False
    if _NEW_FOLDERS is not None and folder.resolve() in _NEW_FOLDERS:
        with contextlib.suppress(OSError):
            (folder / "multirun.yaml").unlink(missing_ok=True)
    jobs = [p.resolve() for p in folder.iterdir() if p.is_dir() and p.name.isdigit()] if folder.is_dir() else []
    _remove_empty({*(_NEW_FOLDERS or set()), *jobs})  # a job folder holding anything stays
    return True


def forget_created_folders() -> None:
    """Start a command afresh: the folders an earlier command of this process created are not this one's."""
    global _NEW_FOLDERS, _SWEEP_DIR
    _NEW_FOLDERS = _SWEEP_DIR = None


def _remove_empty(created: set[Path]) -> None:
    """Remove ``created`` deepest first, each if empty: a folder holding anything stays (and so do its parents)."""
    for folder in sorted(created, key=lambda f: len(f.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
