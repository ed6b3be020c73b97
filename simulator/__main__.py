"""``python -m simulator`` and the ``salesim`` command: the Hydra app (see :mod:`simulator.cli`).

The app (Hydra, pandas, Numba: a second or two) is imported inside :func:`main`, so that
a Ctrl-C while it loads is one line and status 130, as anywhere else, not a traceback.
"""

import sys

EXIT_INTERRUPTED = 130  # as simulator.job's, which is not loaded yet


def main() -> None:
    """Load the app, then run it (:func:`simulator.cli.main`)."""
    try:
        from simulator.cli import main as run
    except KeyboardInterrupt:
        print("\nsalesim: interrupted while loading; nothing was run", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
