"""``python -m simulator`` and the ``salesim`` command: the Hydra app (see :mod:`simulator.cli`).

The app (Hydra, pandas, Numba: a second or two) is imported inside :func:`main`, so that
a Ctrl-C or SIGTERM while it loads is one line and status 130, as anywhere else, not a
traceback. Once the command has ended, a stop is noted, said and exits 130 too
(:func:`_end`): the process ends itself after its ``atexit`` functions, skipping the
interpreter's own teardown, in which Python's default handlers are back.
"""

import atexit
import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import FrameType

EXIT_INTERRUPTED = 130  # as simulator.job's, which is not loaded yet
EXIT_CRASHED = 1  # an exception escaping the command, as Python's own exit after a traceback

_stopped = False
"""A stop came while the app loaded: whatever the import then raised (or swallowed), it ends here."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    global _stopped
    _stopped = True
    raise KeyboardInterrupt


def _status(stop: SystemExit) -> int:
    """The exit status ``stop`` carries, as Python reads it (a message is printed and is status 1)."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return EXIT_CRASHED


def _end(status: int) -> None:
    """End the process with ``status`` (130 when a stop came after the command ended, said in one line).

    A sweep that had gathered its jobs spent its last two seconds in the interpreter's
    teardown, with Python's default handlers back: a SIGTERM then killed it with status 143
    and no word, after its results were all written. The ``atexit`` functions run with the
    stops noted; then the process ends at once, with a stop from its last instructions held
    pending and read. The interpreter's own order is kept: its threads' shutdown first
    (``threading._shutdown``: joblib's worker pool is told to stop there), then the ``atexit``
    functions (multiprocessing's joins those workers: run first, it waited for their idle
    timeout, 5 minutes after a joblib sweep had finished).
    """
    from simulator.io.stop_signals import hold_stops, late_stops

    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: the reader has gone
            stream.flush()
    hold_stops()
    if late_stops() and status != EXIT_INTERRUPTED:
        with contextlib.suppress(OSError, ValueError):
            print(
                "\nsalesim: interrupted as the command ended: it had finished, and what it wrote is written in full "
                "(the lines above say what it did)",
                file=sys.stderr,
                flush=True,
            )
        status = EXIT_INTERRUPTED
    os._exit(status)


def _say_nothing_run(what: str) -> None:
    """``what``; nothing was run: and, in a folder holding an earlier run (a resume's), what its store keeps.

    A resume stopped while the app loaded had said "nothing was run" alone, over the store of
    the run it came to continue: now the replications kept there, and the command that resumes.
    """
    kept = resume = ""
    with contextlib.suppress(Exception):  # the words of the stop, whatever a half-done import left
        from simulator.kept_runs import earlier_run_words

        kept, resume = earlier_run_words(sys.argv[1:])
    print(f"\nsalesim: {what}; nothing was run{f', and {kept}' if kept else ''}", file=sys.stderr)
    if resume:
        print(f"salesim: to resume: {resume}", file=sys.stderr)


def main() -> None:
    """Load the app, then run it (:func:`simulator.cli.main`); SIGTERM stops it as Ctrl-C does from the start.

    A SIGTERM in the first second (the app loading) had killed the process with no word and
    status 143 where Ctrl-C gave 130 and one line: on a cluster the two read as different ends.
    A stop inside an import comes out as whatever the library makes of it (pydantic's
    "SchemaError: Error building 'literal' validator: KeyboardInterrupt", a SystemError, or
    nothing at all: one Ctrl-C of 13 was swallowed and the run went on), so a stop noted while
    loading ends the command whatever the import raised. While the command runs, both stops
    raise KeyboardInterrupt (:func:`~simulator.io.stop_signals.stop_or_note`); once it has
    ended (:func:`~simulator.io.stop_signals.command_ended`) they are noted, and :func:`_end`
    exits 130 saying so.
    """
    global _stopped
    _stopped = False
    previous = {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGTERM, signal.SIGINT)}
    disown: Callable[[bool], None] | None = None
    try:
        run: Callable[[], None] | None = None
        try:
            from simulator.io.piped_output import drop_when_unread, restore_stdout
            from simulator.io.stop_signals import command_ended, own_the_tail, stop_or_note

            own_the_tail(True)
            disown = own_the_tail
            drop_when_unread()  # piped into head: the rest of the output is dropped, not a job's error
            from simulator.cli import main as run
        except BaseException as error:
            if not (_stopped or isinstance(error, KeyboardInterrupt)):
                raise
        if run is None or _stopped:
            _say_nothing_run("interrupted while loading")
            sys.exit(EXIT_INTERRUPTED)
        for signum in previous:  # a stop while the command runs, noted once it has ended
            signal.signal(signum, stop_or_note)
        try:
            try:
                run()
            finally:  # the command has ended, however: a stop from here on is noted
                command_ended()
            status = 0
        except SystemExit as stop:
            status = _status(stop)
        except KeyboardInterrupt:  # between loading and the command's own handling of a stop: nothing ran yet
            _say_nothing_run("interrupted")
            status = EXIT_INTERRUPTED
        except Exception:  # as Python would say it, then the same end as any other
            traceback.print_exc()
            status = EXIT_CRASHED
        _end(status)
    finally:  # main() returned in a process that goes on (the tests): its handlers as they were
        if disown is not None:
            disown(False)
            restore_stdout()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    main()
