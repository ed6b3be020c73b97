"""Numba's disk cache of the fast engine, dropped whenever any source of the engine changes.

Numba checks a cached function against its own file only, yet the code it caches holds
the code of every function it calls in the other modules of the engine: edit ``sales``
(or a compiled function of ``simulator.model`` the loop calls, such as a keyed draw) and
the cached ``loop`` still runs the old code (or crashes, if a layout changed).
:func:`fresh_cache` compares a digest of every source of this package and of the
compiled model modules with the one stored beside the cache and, when they differ,
removes the engine's cached functions before any is loaded, so the next call compiles
afresh. :func:`compile_lock` lets one process at a time compile into the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

STAMP = "fast-engine-sources.sha256"
LOCK = "compile.lock"  # beside the cached functions: held while one process compiles into them


def compiled_sources(folder: Path) -> list[Path]:
    """The ``.py`` files of ``folder`` that define compiled functions (their text names ``njit``)."""
    return sorted(path for path in folder.glob("*.py") if "njit" in path.read_text(encoding="utf-8"))


def sources_digest(package: Path, shared: Sequence[Path] = ()) -> str:
    """SHA-256 of the package's ``.py`` files and of ``shared`` files, by name and content."""
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for path in sorted(shared):
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fresh_cache(package: Path, cache: Path, shared: Sequence[Path] = ()) -> bool:
    """Remove the package's cached functions from ``cache`` if its sources changed; True if it did.

    ``cache`` is the folder Numba keeps the package's cache in (``__pycache__`` beside the
    sources, or the mirror of it under ``NUMBA_CACHE_DIR``); ``shared`` are the sources
    outside the package whose compiled functions the package's code holds. Nothing is
    raised if the folder cannot be written: Numba then compiles without a cache.
    """
    digest = sources_digest(package, shared)
    stamp = cache / STAMP
    try:
        if stamp.is_file() and stamp.read_text() == digest:
            return False
        modules = {path.stem for path in package.glob("*.py")}
        for path in cache.glob("*.nb[ic]"):
            if path.name.split(".", 1)[0] in modules:
                path.unlink(missing_ok=True)
        cache.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)
    except OSError:
        return False
    return True


@contextmanager
def compile_lock(cache: Path, timeout: float = 900.0) -> Iterator[None]:
    """Hold the inter-process lock on compiling into ``cache`` (a file lock beside the cached functions).

    Processes that start on a cold cache at once (a run's parent and another run, the
    test suite's workers, a cluster's workers on a shared disk) would each compile the
    same engine, about 90 s of CPU each: the first compiles and writes the cache, the
    others wait for it, then load from the disk in about a second. The lock goes with
    the process that holds it (the operating system drops it if that process dies).
    Where the folder cannot be written, or the lock is not free after ``timeout``
    seconds, the caller goes on without it (and compiles for itself).
    """
    lock = FileLock(cache / LOCK, timeout=timeout)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except (OSError, Timeout):
        yield
        return
    try:
        yield
    finally:
        lock.release()


def held_elsewhere(cache: Path) -> bool:
    """True when another process holds :func:`compile_lock` on ``cache`` now (it is compiling the engine)."""
    lock = FileLock(cache / LOCK, timeout=0.0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:
        return False
    lock.release()
    return False
