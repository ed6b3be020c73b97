"""``python -m simulator``: the Hydra app (see :mod:`simulator.cli`)."""

from simulator.cli import main

if __name__ == "__main__":
    main()
