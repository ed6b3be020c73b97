"""The command's own end (``simulator.__main__._end``) keeps the interpreter's order: threads' shutdown, then atexit.

Run in the other order, multiprocessing's exit function joined joblib's idle workers
before joblib had told them to stop: every joblib sweep sat 5 minutes (their idle
timeout) after it had finished. Here the workers' idle timeout is an hour, so the old
order is a hang the subprocess's timeout catches, not a matter of speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
from joblib.externals.loky import get_reusable_executor
pool = get_reusable_executor(max_workers=1, timeout=3600)
print(pool.submit(pow, 2, 3).result(), flush=True)
from simulator import __main__ as entry
entry._end(0)
"""


def test_a_command_with_an_idle_joblib_pool_ends_at_once() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"
