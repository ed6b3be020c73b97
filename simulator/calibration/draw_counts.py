"""How many bootstrap refits ``salesim calibrate`` stores, apart from the refits themselves.

``salesim calibrate`` shows the default in its ``--help`` and refuses a bad ``--draws``
before the export is read: that reads this module alone, without loading the tables
(:mod:`simulator.calibration.draws` makes the refits).
"""

from __future__ import annotations

DEFAULT_DRAWS = 40
"""Refits ``salesim calibrate`` stores unless told otherwise (about half a second each on one core)."""
MAX_DRAWS = 1000
"""The most refits ``salesim calibrate`` stores: every run compiles each scenario once per refit, so beyond a
thousand the start of a run grows for a mean whose interval narrows only as the refits' square root."""
MIN_DRAWS = 2
"""The fewest refits worth storing: one refit has no spread to carry."""
