"""``python -m simulator`` and the ``salesim`` command: the Hydra app (see :mod:`simulator.cli`).

The app (Hydra, pandas, Numba: a second or two) is imported inside :func:`main`, so that
a Ctrl-C while it loads is one line and status 130, as anywhere else, not a traceback.
"""

import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130  # as simulator.job's, which is not loaded yet


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Load the app, then run it (:func:`simulator.cli.main`); SIGTERM stops it as Ctrl-C does from the start.

    A SIGTERM in the first second (the app loading) had killed the process with no word and
    status 143 where Ctrl-C gave 130 and one line: on a cluster the two read as different ends.
    """
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            from simulator.cli import main as run
        except KeyboardInterrupt:
            print("\nsalesim: interrupted while loading; nothing was run", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        try:
            run()
        except KeyboardInterrupt:  # between loading and the command's own handling of a stop: nothing ran yet
            print("\nsalesim: interrupted; nothing was run", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)  # main() called in a process that goes on (the tests)


if __name__ == "__main__":
    main()
