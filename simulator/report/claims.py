"""Which salesim command's results a folder holds, so each command writes only into its own.

Every command that writes a folder (a run, a sweep, ``sensitivity``, ``optimise``,
``backtest``, ``warmup``, ``calibrate``) names what it writes in a
:class:`~simulator.io.occupied.FolderLayout`. :func:`claim_output` refuses a folder holding
anything else, naming the other command when the folder holds its results (a sensitivity
study never replaces a run's report), and returns the one-line note that says an earlier
result of the same command is replaced; :func:`remove_stale` then removes, once the new
results are written, the earlier files they do not replace (a global study's table when
the new study has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from simulator.io.occupied import FolderLayout, own_files, refuse_foreign, shown
from simulator.report.layouts import known_layouts


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
