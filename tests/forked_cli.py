"""``python -m simulator`` run many times for the price of one interpreter start.

Each command of a test module's refusal rows had been a subprocess of its own: a second of
Python, Hydra, pandas and Numba loading (about half of each), then the refusal itself. The
server here is one such subprocess: it loads what ``python -m simulator`` loads first (the
package and ``simulator.cli``, which ``simulator/__main__.py`` imports; nothing else), then
forks a child for each command. The child is a process of its own, as a fresh ``python -m simulator``
would be: the command's working directory and environment, its own standard input (empty),
output and error, ``sys.argv`` and ``sys.path[0]`` as ``-m`` sets them, the module run as
``__main__``; its exit status is what :class:`SystemExit` carried (an exception escaping
prints its traceback and exits 1, as Python does), after the ``atexit`` functions; one still
running after ``timeout`` seconds is killed (SIGALRM), as :func:`subprocess.run` would. Nothing
a command does reaches the server or the next command.

Only for commands that run nothing (refusals, help): one that starts worker processes or a
Dask cluster, or waits for signals, keeps a real subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.scenarios import ROOT

SERVER = r"""
import atexit, json, os, runpy, signal, sys, tempfile, traceback

import simulator.cli  # what python -m simulator loads first (simulator/__main__.py runs as __main__ itself)

MAIN = os.path.join(os.path.dirname(simulator.__file__), "__main__.py")
answers = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    request = json.loads(line)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the command's own process
            code = 1
            try:
                signal.alarm(request["timeout"])  # its default action ends the child: a command that hangs fails
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.chdir(request["cwd"])
                os.environ.clear()
                os.environ.update(request["env"])
                sys.argv = [MAIN, *request["args"]]
                sys.path[0] = os.getcwd()  # python -m puts the working directory first
                try:
                    runpy.run_module("simulator", run_name="__main__", alter_sys=True)
                    code = 0
                except SystemExit as stop:
                    if stop.code is None:
                        code = 0
                    elif isinstance(stop.code, int):
                        code = stop.code
                    else:
                        print(stop.code, file=sys.stderr)
                        code = 1
                except BaseException:
                    traceback.print_exc()
                    code = 1
                atexit._run_exitfuncs()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        answer = {
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode(),
            "stderr": err.read().decode(),
        }
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
"""


class ForkedCommandLine:
    """A server process that has loaded the app; :meth:`run` is ``python -m simulator ARGS`` in ``cwd``."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def run(
        self, *args: str, cwd: Path, env: Mapping[str, str], timeout: int = 300
    ) -> subprocess.CompletedProcess[str]:
        """The command's exit status (-14 if ``timeout`` ran out), output and error, as :func:`subprocess.run`."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"args": list(args), "cwd": str(cwd), "env": dict(env), "timeout": timeout}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the command-line server stopped (status {self.process.poll()})"
        answer = json.loads(line)
        command = [sys.executable, "-m", "simulator", *args]
        return subprocess.CompletedProcess(command, answer["returncode"], answer["stdout"], answer["stderr"])


@contextmanager
def forked_command_line() -> Iterator[ForkedCommandLine]:
    """The server, stopped on leaving (its own environment: the repository on ``PYTHONPATH``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield ForkedCommandLine(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=60)
