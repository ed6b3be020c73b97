"""The progress bars' lock: a thread lock, not tqdm's default one across processes.

tqdm's default lock holds a multiprocessing semaphore, made with the first bar. A sweep's
job on ``hydra/launcher=joblib`` runs in a worker process that a stop ends abruptly: the
semaphore outlived it and Python's resource tracker ended the stopped sweep with
"UserWarning: resource_tracker: There appear to be 2 leaked semaphore objects to clean up
at shutdown". salesim's bars are drawn by one process each (joblib's workers are started
fresh, so they never shared that lock anyway): a thread lock serves them alike.
"""

from __future__ import annotations

import threading

from tqdm import tqdm


def use_thread_lock() -> None:
    """Give tqdm a thread lock, unless it has a lock already (set before the first bar of the process)."""
    if not hasattr(tqdm, "_lock"):
        tqdm.set_lock(threading.RLock())
