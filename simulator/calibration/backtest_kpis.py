"""The figures a back-test sets against a CRM export's actuals, quarter by quarter.

Apart from :mod:`simulator.calibration.actuals`, which measures them: the back-test's
folder layout names a fan chart for each, and is checked before anything is read.
"""

from __future__ import annotations

KPIS = ("won_deals", "bookings", "win_rate", "median_cycle_days", "open_pipeline", "new_opportunities")
COUNTS = ("won_deals", "open_pipeline", "new_opportunities")
"""Those that count deals: their P10 / P50 / P90 over runs are counts some run had (the back-test's table)."""
