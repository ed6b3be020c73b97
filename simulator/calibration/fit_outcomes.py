"""Outcomes as competing risks (won, lost, no decision) with open deals censored, and their durations.

Each opportunity created on or before the as-of date is followed from creation, in working
days, until it closes (won or lost) or until the as-of date (censored: still open then, a
close after the as-of date is not used). Deals the export cannot show from their creation
(closes begin only on a later date: left truncation) enter the risk set at that date. The
Aalen–Johansen estimator (``lifelines.AalenJohansenFitter``, with ``entry`` for delayed
entry) gives the cumulative incidence of each outcome; at the longest follow-up ``tau``
the mass neither won nor lost is the **no-decision** share (deals that stall open; the
shared export never closes them; a no decision the export records is part of it). Each outcome's duration distribution is its incidence's
increments, normalised: an empirical distribution in working days (two-peaked in the
shared export), unbiased by censoring and truncation, which a plain histogram of closed
deals is not. Win rate among decided deals = CIF_won / (CIF_won + CIF_lost).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.calibration.estimates import Estimate, proportion, working_days

MIN_PRODUCT_DECIDED = 100  # closed deals a product needs for a win rate of its own


@dataclass(frozen=True)
class OutcomeFit:
    """Competing-risk fit: incidences at ``tau`` (working days), durations, win rates per product."""

    won: Estimate
    lost: Estimate
    no_decision: Estimate
    win_rate: Estimate  # among decided deals
    won_days: tuple[np.ndarray, np.ndarray]  # (values, weights) of the won duration, working days
    lost_days: tuple[np.ndarray, np.ndarray]
    tau: float
    n_open: int
    n_truncated: int
    product_win_rate: dict[str, Estimate] = field(default_factory=dict)
    won_median_calendar_days: float = math.nan
    lost_median_calendar_days: float = math.nan


def follow_up(frame: pd.DataFrame, as_of: np.datetime64, close_start: np.datetime64 | None, holidays: list[str]):  # type: ignore[no-untyped-def]
    """(durations, events, entry) in working days: event 0 censored (open at as-of), 1 won, 2 lost."""
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    seen = ~np.isnat(closed) & (closed <= as_of)
    end = np.where(seen, closed, as_of + np.timedelta64(1, "D"))
    duration = working_days(created, end, holidays) + 0.5
    event = np.where(seen & (outcome == "won"), 1, np.where(seen & (outcome == "lost"), 2, 0))
    event = np.where(seen & (outcome == "no_decision"), 3, event)
    entry = np.zeros(created.size)
    if close_start is not None:
        entry = np.maximum(working_days(created, np.full(created.size, close_start), holidays), 0.0)
        entry = np.minimum(entry, duration - 0.25)
    return duration, event, entry


def _incidence(duration: np.ndarray, event: np.ndarray, entry: np.ndarray, kind: int, variance: bool):  # type: ignore[no-untyped-def]
    from lifelines import AalenJohansenFitter

    fitter = AalenJohansenFitter(seed=0, calculate_variance=variance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(duration, event, kind, entry=entry)
    return fitter


def _at_end(fitter, n: int, variance: bool) -> Estimate:  # type: ignore[no-untyped-def]
    value = float(fitter.cumulative_density_.iloc[-1, 0])
    if variance:
        bounds = fitter.confidence_interval_.iloc[-1].to_numpy(dtype=float)  # lifelines' labels: take min and max
        return Estimate(value, float(bounds.min()), float(bounds.max()), n)
    return Estimate(value, math.nan, math.nan, n)


def _durations(fitter) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Increments of a cumulative incidence by whole working day: an empirical distribution."""
    cif = fitter.cumulative_density_.iloc[:, 0]
    times = np.floor(cif.index.to_numpy(dtype=float)).astype(np.int64)
    steps = np.diff(np.concatenate(([0.0], cif.to_numpy(dtype=float))))
    table = pd.Series(steps).groupby(times).sum()
    table = table[table > 1e-12]
    return table.index.to_numpy(dtype=np.float64), table.to_numpy(dtype=np.float64) / float(table.sum())


def fit_outcomes(
    frame: pd.DataFrame,
    as_of: np.datetime64,
    close_start: np.datetime64 | None,
    holidays: list[str],
    variance: bool = True,
) -> OutcomeFit:
    """Competing-risk fit of the opportunities created on or before ``as_of``."""
    frame = frame[frame["created"].to_numpy(dtype="datetime64[D]") <= as_of]
    duration, event, entry = follow_up(frame, as_of, close_start, holidays)
    won_fit = _incidence(duration, event, entry, 1, variance)
    lost_fit = _incidence(duration, event, entry, 2, variance)
    n_won, n_lost = int((event == 1).sum()), int((event == 2).sum())
    won, lost = _at_end(won_fit, n_won, variance), _at_end(lost_fit, n_lost, variance)
    none = 1.0 - won.value - lost.value
    nd_se = (
        math.sqrt(max((won.high - won.low) ** 2 + (lost.high - lost.low) ** 2, 0.0)) / (2 * 1.96)
        if variance
        else math.nan
    )
    no_decision = Estimate(max(none, 0.0), max(none - 1.96 * nd_se, 0.0), none + 1.96 * nd_se, int(event.size))
    decided = won.value + lost.value
    win_rate = proportion(won.value / decided * (n_won + n_lost), n_won + n_lost)
    per_product: dict[str, Estimate] = {}
    for product, rows in frame.groupby("product"):
        sub = rows.index.to_numpy()
        positions = frame.index.get_indexer(sub)
        ev = event[positions]
        if (ev > 0).sum() < MIN_PRODUCT_DECIDED or not product:
            continue
        w = _incidence(duration[positions], ev, entry[positions], 1, False).cumulative_density_.iloc[-1, 0]
        lo = _incidence(duration[positions], ev, entry[positions], 2, False).cumulative_density_.iloc[-1, 0]
        k = int((ev > 0).sum())
        per_product[str(product)] = proportion(w / (w + lo) * k, k)
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    calendar_days = (closed - created).astype("timedelta64[D]").astype(float)
    return OutcomeFit(
        won=won,
        lost=lost,
        no_decision=no_decision,
        win_rate=win_rate,
        won_days=_durations(won_fit),
        lost_days=_durations(lost_fit),
        tau=float(duration.max()),
        n_open=int((event == 0).sum()),
        n_truncated=int((entry > 0).sum()),
        product_win_rate=per_product,
        won_median_calendar_days=float(np.median(calendar_days[event == 1])) if n_won else math.nan,
        lost_median_calendar_days=float(np.median(calendar_days[event == 2])) if n_lost else math.nan,
    )
