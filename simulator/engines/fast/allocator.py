"""Keep freed memory in the process between replications (glibc only; elsewhere nothing changes).

A replication of the default organisation allocates some 20 MB of arrays and frees them
at its end. glibc gives the freed top of its heap back to the system once it passes a
threshold (by default twice the largest block it last mapped on its own, a few MB here),
so the next replication gets the same memory back one page fault at a time: some 1,200
faults a replication, 1.5-2.5 ms of the ~10 ms of Python around the compiled loop.
Raising the trim threshold keeps that memory for the next replication; the process's
memory is the high-water mark of one replication (plus what the caller keeps).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 256 * 2**20  # freed memory kept before any goes back to the system
MMAP_THRESHOLD = 32 * 2**20  # blocks up to this size come from the heap (glibc's own upper bound for its dynamic one)


def keep_freed_memory() -> bool:
    """Set glibc's malloc to keep freed memory for reuse (once a process); False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library: leave it alone
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
