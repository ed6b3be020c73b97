"""Check that a run's output folder can be written before anything is simulated.

A run that cannot write its results should say so in one line at the start, not in a
traceback after hours of simulation.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a file is in the way where a folder should be",
    errno.EEXIST: "a file is in the way where a folder should be",  # mkdir on a file
    errno.ENOENT: "a folder on the way does not exist and cannot be created",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
}


class UnwritableOutputError(Exception):
    """An output folder that cannot be created or written.

    Attributes:
        folder: The folder.
        reason: Why, in words.
    """

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"cannot write results to {folder}: {reason}")
        self.folder, self.reason = folder, reason


def reason(error: OSError) -> str:
    """An ``OSError`` in words a user acts on (the system's own words when it is not a usual one)."""
    return _REASONS.get(error.errno or 0, error.strerror or str(error))


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and write (then remove) a file in it.

    Folders created here are removed again when the check fails, so a failed check
    leaves nothing behind.

    Raises:
        UnwritableOutputError: When the folder cannot be created or a file cannot be written in it.
    """
    folder = Path(folder)
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        handle, name = tempfile.mkstemp(prefix=".salesim-write-check-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as error:
        for created in missing:  # deepest first
            with contextlib.suppress(OSError):
                created.rmdir()
        raise UnwritableOutputError(folder, reason(error)) from None


def check_creatable(folder: Path) -> None:
    """Check, leaving nothing behind, that ``folder`` exists and can be written, or can be created.

    For commands that must write nothing when they refuse later input: the nearest existing
    folder on the way must be a folder this process may write in (a file in the way, a
    read-only file system or a folder without write permission is refused). A probe
    folder is made there and removed at once: permissions alone pass root in ``/proc``.

    Raises:
        UnwritableOutputError: When the folder could not be created or written.
    """
    folder = Path(folder).absolute()
    existing = next(p for p in [folder, *folder.parents] if p.exists())
    if not existing.is_dir():
        raise UnwritableOutputError(folder, _REASONS[errno.ENOTDIR])
    if not os.access(existing, os.W_OK | os.X_OK):
        try:  # access() says no for a read-only file system and a folder without permission alike
            readonly = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
        except OSError:
            readonly = False
        raise UnwritableOutputError(folder, _REASONS[errno.EROFS if readonly else errno.EACCES])
    try:  # access() says yes to root everywhere, /proc included: a folder made and removed at once tells
        os.rmdir(tempfile.mkdtemp(prefix=".salesim-probe-", dir=existing))
    except OSError as error:
        raise UnwritableOutputError(folder, reason(error)) from None
