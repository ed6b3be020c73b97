"""Atomic file writing: a crash or an interrupt never leaves a half-written file behind.

Every output of salesim (tables, report, plots, results store) is written to a temporary
file in the destination directory and renamed into place, which POSIX makes atomic.
A process killed outright (``kill -9``, the out-of-memory killer) between the two leaves
that temporary file behind, named as :data:`TEMPORARY_GLOB` says (``.decision.png.k3j_x9qa.tmp``,
often empty): a tester found such files in 6 of 8 runs killed while writing their outputs,
and they had outlived every later run and resume in the folder.
:func:`remove_leftover_temporaries` removes them, and nothing of another name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_RANDOM = "[a-z0-9_]" * 8
"""The random part :func:`tempfile.mkstemp` puts in a name: 8 of ``a-z``, ``0-9`` and ``_``."""
TEMPORARY_GLOB = f".*.{_RANDOM}.tmp"
"""Every name :func:`atomic_write` gives its temporary file: ``.<file name>.<8 random characters>.tmp``."""


def current_umask() -> int:
    """The process's file-creation mask (e.g. 0o022).

    Read from ``/proc/self/status`` where Linux gives it (no change to the process, so safe
    beside other threads); elsewhere set and restored at once.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def private_mode_fixed(folder: Path) -> Path:
    """Give a folder made by ``tempfile.mkdtemp`` (mode 0700) an ordinary folder's mode.

    Returns:
        ``folder``, now 0777 less the process's umask.
    """
    folder.chmod(0o777 & ~current_umask())
    return folder


def atomic_write(path: Path, write: Callable[[IO[Any]], Any], binary: bool = False) -> Path:
    """Write a file through a temporary file in the same directory, then rename it.

    The file gets an ordinary file's permissions (0666 less the process's umask), not the
    0600 of the temporary file it was written through.

    Args:
        path: Where the file ends up.
        write: Writes the content to the open handle it is given.
        binary: Open the handle in binary mode (e.g. for a PNG) instead of UTF-8 text.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # TEMPORARY_GLOB
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        handle: IO[Any]
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def leftover_temporaries(folder: Path) -> list[Path]:
    """The temporary files of :func:`atomic_write` in ``folder`` (not below it), sorted; ``[]`` if none or no folder.

    Only files named exactly as ``atomic_write`` names them (:data:`TEMPORARY_GLOB`): a
    user's ``.draft.tmp`` is not one.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(TEMPORARY_GLOB) if p.is_file() and not p.is_symlink())


def remove_leftover_temporaries(folder: Path) -> list[str]:
    """Remove what :func:`atomic_write` left in ``folder`` when a process was killed while writing; their names.

    For a command about to write into the folder again, which writes every file afresh:
    nothing is writing them any more (two commands writing one folder at once would
    overwrite each other's results whatever this does).
    """
    removed = []
    for path in leftover_temporaries(folder):
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed
