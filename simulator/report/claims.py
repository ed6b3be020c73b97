"""Which salesim command's results a folder holds, so each command writes only into its own.

Every command that writes a folder (a run, a sweep, ``sensitivity``, ``optimise``,
``backtest``, ``warmup``, ``calibrate``) names what it writes in a
:class:`~simulator.io.occupied.FolderLayout`. :func:`claim_output` refuses a folder holding
anything else, naming the other command when the folder holds its results (a sensitivity
study never replaces a run's report), and returns the one-line note that says an earlier
result of the same command is replaced; :func:`remove_stale` then removes, once the new
results are written, the earlier files they do not replace (a global study's table when
the new study has none). :func:`refuse_foreign_run` and :func:`refuse_foreign_sweep`
check a run's and a sweep's folder before Hydra makes it, from the files' names alone:
a refused command loads no tables, engines or plots.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from simulator.io.occupied import FolderLayout, own_files, refuse_foreign, shown
from simulator.report.layouts import RUN_LAYOUT, SWEEP_LAYOUT, known_layouts
from simulator.run.store_files import KEEP_OUT, STORE_DIRNAME, lost_manifest


def refuse_others(folder: Path, layout: FolderLayout, advice: str = "") -> None:
    """:func:`~simulator.io.occupied.refuse_foreign`, naming the other command whose results ``folder`` holds."""
    refuse_foreign(folder, layout, advice, known_layouts())


def claim_output(folder: Path, layout: FolderLayout, advice: str = "") -> str | None:
    """Refuse ``folder`` unless it is new, empty or holds only ``layout``'s command's results.

    Returns:
        ``None`` for a new or empty folder; for one holding the same command's earlier
        results, the note to print before anything runs (they are replaced when the new
        results are written, and kept as they are if the command stops first).

    Raises:
        OccupiedOutputError: The folder holds another command's results or the user's files.
    """
    refuse_others(folder, layout, advice)
    earlier = own_files(folder, layout)
    if not earlier:
        return None
    return (
        f"the folder held an earlier {layout.what or layout.command}'s results ({shown(earlier)}): this one "
        "replaces them once it finishes (until then they are kept as they are)"
    )


def remove_stale(folder: Path, layout: FolderLayout, written: Iterable[Path]) -> list[str]:
    """Remove the files of ``layout`` in ``folder`` an earlier run left and this one did not write; their names."""
    kept = {Path(p).resolve() for p in written}
    removed = []
    for name in own_files(folder, layout):
        path = Path(folder) / name
        if path.resolve() not in kept and path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(name)
    return removed


def refuse_foreign_run(out_dir: Path) -> None:
    """Refuse a run folder that holds anything a salesim run did not write (a new or empty one is fine).

    A folder that holds a finished or interrupted run of salesim's, and nothing else, is
    fine: a new run replaces it, a resume continues it. So is one whose store manifest is
    lost but whose part entries read: the resume rebuilds the manifest or says why not.

    Raises:
        OccupiedOutputError: Naming the folder, what in it salesim did not write, and what to do.
    """
    layout = RUN_LAYOUT
    if lost_manifest(Path(out_dir) / STORE_DIRNAME):  # salesim's run all the same: a resume or a new run says so
        layout = dataclasses.replace(RUN_LAYOUT, marks=())
    refuse_foreign(out_dir, layout, KEEP_OUT, known_layouts())


SWEEP_KEEP_OUT = (
    "Choose another folder for the sweep (hydra.sweep.dir=DIR), or move those out of it first; "
    "a folder that holds only a salesim sweep is swept again, each job replacing its own folder"
)


def refuse_foreign_sweep(sweep_dir: Path) -> None:
    """Refuse a sweep folder that holds anything a salesim sweep did not write (a new or empty one is fine).

    Raises:
        OccupiedOutputError: Naming the folder, what in it salesim did not write, and what to do.
    """
    refuse_foreign(sweep_dir, SWEEP_LAYOUT, SWEEP_KEEP_OUT, known_layouts())
