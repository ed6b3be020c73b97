"""Atomic file writing: a crash or an interrupt never leaves a half-written file behind.

Every output of salesim (tables, report, plots, results store) is written to a temporary
file in the destination directory and renamed into place, which POSIX makes atomic.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def atomic_write(path: Path, write: Callable[[IO[Any]], Any], binary: bool = False) -> Path:
    """Write a file through a temporary file in the same directory, then rename it.

    Args:
        path: Where the file ends up.
        write: Writes the content to the open handle it is given.
        binary: Open the handle in binary mode (e.g. for a PNG) instead of UTF-8 text.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        handle: IO[Any]
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
