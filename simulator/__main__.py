"""``python -m simulator`` and the ``salesim`` command: the Hydra app (see :mod:`simulator.cli`).

The app (Hydra, pandas, Numba: a second or two) is imported inside :func:`main`, so that
a Ctrl-C or SIGTERM while it loads is one line and status 130, as anywhere else, not a
traceback.
"""

import signal
import sys
from collections.abc import Callable
from types import FrameType

EXIT_INTERRUPTED = 130  # as simulator.job's, which is not loaded yet

_stopped = False
"""A stop came while the app loaded: whatever the import then raised (or swallowed), it ends here."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    global _stopped
    _stopped = True
    raise KeyboardInterrupt


def main() -> None:
    """Load the app, then run it (:func:`simulator.cli.main`); SIGTERM stops it as Ctrl-C does from the start.

    A SIGTERM in the first second (the app loading) had killed the process with no word and
    status 143 where Ctrl-C gave 130 and one line: on a cluster the two read as different ends.
    A stop inside an import comes out as whatever the library makes of it (pydantic's
    "SchemaError: Error building 'literal' validator: KeyboardInterrupt", a SystemError, or
    nothing at all: one Ctrl-C of 13 was swallowed and the run went on), so a stop noted while
    loading ends the command whatever the import raised.
    """
    global _stopped
    _stopped = False
    previous = {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        run: Callable[[], None] | None = None
        try:
            from simulator.cli import main as run
        except BaseException as error:
            if not (_stopped or isinstance(error, KeyboardInterrupt)):
                raise
        if run is None or _stopped:
            print("\nsalesim: interrupted while loading; nothing was run", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        signal.signal(signal.SIGINT, previous[signal.SIGINT])  # the command handles Ctrl-C its own way
        try:
            run()
        except KeyboardInterrupt:  # between loading and the command's own handling of a stop: nothing ran yet
            print("\nsalesim: interrupted; nothing was run", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
    finally:
        for signum, handler in previous.items():  # main() called in a process that goes on (the tests)
            signal.signal(signum, handler)


if __name__ == "__main__":
    main()
