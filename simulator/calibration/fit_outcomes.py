"""Outcomes as competing risks (won, lost, no decision) with open deals censored; their durations.

Each opportunity created on or before the as-of date is followed from creation, in working
days, until it closes (won or lost) or until the as-of date (censored: still open then, a
close after the as-of date is not used). Deals the export cannot show from their creation
(closes begin only on a later date: left truncation) enter the risk set at that date. The
Aalen–Johansen estimator (``lifelines.AalenJohansenFitter``, with ``entry`` for delayed
entry) gives the cumulative incidence of each outcome; at the longest follow-up ``tau``
the mass neither won nor lost is the **no-decision** share (deals that stall open; the
shared export never closes them; a no decision the export records is part of it). Each
outcome's duration distribution is its incidence's increments, normalised: an empirical
distribution in working days (two-peaked in the shared export), unbiased by censoring and
truncation, which a plain histogram of closed deals is not. Win rate among decided deals =
CIF_won / (CIF_won + CIF_lost). The durations are also fitted apart for deals created in
the first, second and third month of a calendar quarter (when each has 200 closed deals
and a follow-up as long as the pooled wins' 95th percentile, else the increments up to a
short follow-up would be biased short): in the shared export deals created in a quarter's
first month close in a median 9 calendar days, those of its second month in 78.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from simulator.calibration.errors import CalibrationError
from simulator.calibration.estimates import Estimate, effective_trials, proportion, working_days

MIN_PRODUCT_DECIDED = 100  # closed deals a product needs for a win rate of its own
MIN_QUARTER_MONTH_CLOSED = 200  # closed deals each month of a quarter needs for durations of its own


Durations = tuple[np.ndarray, np.ndarray]  # (values, weights) of an empirical duration, working days
ByMonth = list[tuple[Durations, Durations, int]]  # won and lost durations, and closes, by month of the quarter


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
    # won and lost durations of deals created in the 1st, 2nd and 3rd month of a quarter (None: too few)
    by_quarter_month: ByMonth | None = None
    # the creation months the fitted deals come from (the CIs may count fewer: those old enough to show their rates)
    months: int = 0


def follow_up(
    frame: pd.DataFrame, as_of: np.datetime64, close_start: np.datetime64 | None, holidays: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _incidence(duration: np.ndarray, event: np.ndarray, entry: np.ndarray, kind: int, variance: bool) -> Any:
    from lifelines import AalenJohansenFitter

    fitter = AalenJohansenFitter(seed=0, calculate_variance=variance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(duration, event, kind, entry=entry)
    return fitter


def _at_end(fitter: Any, n: int, variance: bool) -> Estimate:
    value = float(fitter.cumulative_density_.iloc[-1, 0])
    if variance:
        bounds = fitter.confidence_interval_.iloc[-1].to_numpy(dtype=float)  # lifelines' labels: take min and max
        return Estimate(value, float(bounds.min()), float(bounds.max()), n)
    return Estimate(value, math.nan, math.nan, n)


def _durations(fitter: Any) -> tuple[np.ndarray, np.ndarray]:
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
    fallback: OutcomeFit | None = None,
) -> OutcomeFit:
    """Competing-risk fit of the opportunities created on or before ``as_of``.

    ``fallback``: the point fit, when ``frame`` is a bootstrap resample (``bootstrap.refit``):
    what the resample's follow-up is too short to show is taken from it. A month of the
    quarter whose own deals are too few or followed too briefly keeps the fallback's
    durations (without a fallback, such a month leaves every month of the quarter on the
    pooled durations): a refit that drew no old enough cohort of a month of the quarter had
    fallen back to the pooled durations in 72 of 100 refits of the shared export as of
    2017-09-30, which lifted the open pipeline's Q4 wins. A resample whose longest
    follow-up is shorter than the fallback's (its oldest creation month not drawn) reads
    its outcome shares where its follow-up ends, not where the export's does: its decided
    share is carried from its last decision to the fallback's end with the fallback's own
    growth in between (wins and losses in the resample's ratio), and the fallback's
    durations beyond that point join the resample's (:func:`_carried`). As of 2017-06-30 the
    12 of 40 refits without March had read a no-decision share of 0.31 against the point
    fit's 0.094 and won deals decided in 26 working days on average against 40.
    """
    frame = frame[frame["created"].to_numpy(dtype="datetime64[D]") <= as_of]
    duration, event, entry = follow_up(frame, as_of, close_start, holidays)
    won_fit = _incidence(duration, event, entry, 1, variance)
    lost_fit = _incidence(duration, event, entry, 2, variance)
    n_won, n_lost = int((event == 1).sum()), int((event == 2).sum())
    won, lost = _at_end(won_fit, n_won, variance), _at_end(lost_fit, n_lost, variance)
    won_days, lost_days = _durations(won_fit), _durations(lost_fit)
    if fallback is not None and float(duration.max()) < fallback.tau:  # followed less long than the export
        # carried from its last decision: past it, the few deals still followed leave the incidences flat
        last = float(duration[(event == 1) | (event == 2)].max(initial=0.0))
        won_days, won_seen = _carried(won_days, last, fallback.won_days)
        lost_days, lost_seen = _carried(lost_days, last, fallback.lost_days)
        # the decided share grows past the resample's follow-up as the fallback's does; wins and losses keep its ratio
        by_then = fallback.won.value * won_seen + fallback.lost.value * lost_seen
        grow = (fallback.won.value + fallback.lost.value) / by_then if by_then > 0.0 else 1.0
        grow = min(grow, 1.0 / max(won.value + lost.value, 1e-12))
        won, lost = replace(won, value=won.value * grow), replace(lost, value=lost.value * grow)
    none = 1.0 - won.value - lost.value
    nd_se = (
        math.sqrt(max((won.high - won.low) ** 2 + (lost.high - lost.low) ** 2, 0.0)) / (2 * 1.96)
        if variance
        else math.nan
    )
    low, high = max(none - 1.96 * nd_se, 0.0), min(none + 1.96 * nd_se, 1.0)  # a share: inside [0, 1]
    no_decision = Estimate(max(none, 0.0), low, high, int(event.size))
    decided = won.value + lost.value
    if decided <= 0.0 or n_won == 0:
        after = f" (followed from {close_start}, when the export's closes begin)" if close_start is not None else ""
        raise CalibrationError(
            f"--as-of {as_of}: no deal won by then among the {int(event.size):,} opportunities the outcome fit can "
            f"use{after}: choose a later as-of, a few months after closes begin"
        )
    win_rate = proportion(won.value / decided * (n_won + n_lost), n_won + n_lost)
    per_product: dict[str, Estimate] = {}
    for product, rows in frame.groupby("product"):
        sub = rows.index.to_numpy()
        positions = frame.index.get_indexer(pd.Index(sub))
        ev = event[positions]
        if (ev > 0).sum() < MIN_PRODUCT_DECIDED or not product:
            continue
        w = _incidence(duration[positions], ev, entry[positions], 1, False).cumulative_density_.iloc[-1, 0]
        lo = _incidence(duration[positions], ev, entry[positions], 2, False).cumulative_density_.iloc[-1, 0]
        k = int((ev > 0).sum())
        per_product[str(product)] = proportion(w / (w + lo) * k, k)
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    month_of_quarter = (created.astype("datetime64[M]").astype(np.int64) % 12) % 3
    by_month: ByMonth = []
    won_values, won_weights = won_days
    long_enough = float(won_values[np.searchsorted(np.cumsum(won_weights), 0.95)])  # pooled P95 of won durations
    for m in range(3):
        rows = month_of_quarter == m
        n_closed = int(((event == 1) | (event == 2))[rows].sum())
        # follow-up too short (durations biased short), too few closes, or no win or no loss: none of its own
        if (
            rows.sum() == 0
            or float(duration[rows].max()) < long_enough
            or n_closed < MIN_QUARTER_MONTH_CLOSED
            or not ((event == 1) & rows).any()
            or not ((event == 2) & rows).any()
        ):
            if fallback is None or fallback.by_quarter_month is None:
                by_month = []
                break
            by_month.append(fallback.by_quarter_month[m])
            continue
        won_m = _incidence(duration[rows], event[rows], entry[rows], 1, False)
        lost_m = _incidence(duration[rows], event[rows], entry[rows], 2, False)
        by_month.append((_durations(won_m), _durations(lost_m), n_closed))
    calendar_days = (closed - created).astype("timedelta64[D]").astype(float)
    return OutcomeFit(
        won=won,
        lost=lost,
        no_decision=no_decision,
        win_rate=win_rate,
        won_days=won_days,
        lost_days=lost_days,
        tau=float(duration.max()),
        n_open=int((event == 0).sum()),
        n_truncated=int((entry > 0).sum()),
        product_win_rate=per_product,
        won_median_calendar_days=float(np.median(calendar_days[event == 1])) if n_won else math.nan,
        lost_median_calendar_days=float(np.median(calendar_days[event == 2])) if n_lost else math.nan,
        by_quarter_month=by_month or None,
        months=int(np.unique(created.astype("datetime64[M]")).size),
    )


def _carried(days: Durations, tau: float, fallback_days: Durations) -> tuple[Durations, float]:
    """An outcome's durations seen up to follow-up ``tau``, with the fallback's beyond it; and ``F(tau)``.

    ``F(tau)`` is the share of the fallback's durations by ``tau``: the resample's own
    durations weigh it, the fallback's beyond ``tau`` the rest (``days`` alone, and 1, when
    the fallback has none beyond ``tau``).
    """
    values, weights = fallback_days
    seen = float(weights[values <= tau].sum()) / float(weights.sum())
    if not 0.0 < seen < 1.0:
        return days, 1.0
    tail = values > tau
    merged = pd.Series(np.concatenate([days[1] * seen, weights[tail] / weights.sum()]))
    table = merged.groupby(np.concatenate([days[0], values[tail]])).sum()
    return (table.index.to_numpy(dtype=np.float64), table.to_numpy(dtype=np.float64) / float(table.sum())), seen


COHORT_PRIOR_DEALS = 100.0  # expected closes that weigh as much as the pooled no-decision share


def cohort_no_decision(
    frame: pd.DataFrame, fit: OutcomeFit, as_of: np.datetime64, close_start: np.datetime64 | None, holidays: list[str]
) -> dict[str, Estimate]:
    """The no-decision share of each creation month, from how many of its deals closed by ``as_of``.

    A deal of age ``a`` closes by then with probability ``G(a) = P(won) F_won(a) + P(lost)
    F_lost(a)`` under the pooled fit (durations of its month of the quarter when fitted);
    a month whose deals closed fewer times than ``sum G`` stalls more: ``q_c = 1 - (1 - q)
    O_c / sum G``, shrunk toward the pooled ``q`` with the weight of
    :data:`COHORT_PRIOR_DEALS` expected closes (a month too young to tell keeps the pooled
    share). Months before closes begin (left truncation) keep it too. A month younger than a
    quarter that closed faster than those durations reads 0 (as of 2017-12-31 the shared
    export's last three months): a known limit; raising such months to the pooled share
    did not improve the back-tests (docs/MODEL.md, A known bias).
    """
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    keep = created <= as_of
    if close_start is not None:
        keep &= created >= close_start
    age = working_days(created[keep], np.full(int(keep.sum()), as_of + np.timedelta64(1, "D")), holidays)

    def cdf(days: tuple[np.ndarray, np.ndarray], at: np.ndarray) -> np.ndarray:
        values, weights = days
        order = np.argsort(values)
        cum = np.concatenate(([0.0], np.cumsum(weights[order])))
        result: np.ndarray = cum[np.searchsorted(values[order], at, side="left")]
        return result

    expected = fit.won.value * cdf(fit.won_days, age) + fit.lost.value * cdf(fit.lost_days, age)
    if fit.by_quarter_month:  # each deal against the durations of its month of the quarter
        month_of_quarter = (created[keep].astype("datetime64[M]").astype(np.int64) % 12) % 3
        for m, (won_days, lost_days, _) in enumerate(fit.by_quarter_month):
            rows = month_of_quarter == m
            expected[rows] = fit.won.value * cdf(won_days, age[rows]) + fit.lost.value * cdf(lost_days, age[rows])
    done = (~np.isnat(closed[keep])) & (closed[keep] <= as_of)
    months = pd.PeriodIndex(created[keep].astype(str), freq="M").astype(str)
    table = pd.DataFrame({"month": months, "expected": expected, "done": done})
    q = fit.no_decision.value
    result: dict[str, Estimate] = {}
    for month, rows in table.groupby("month"):
        e, o = float(rows["expected"].sum()), float(rows["done"].sum())
        raw = 1.0 - (1.0 - q) * o / e if e > 0 else q
        shrunk = (e * raw + COHORT_PRIOR_DEALS * q) / (e + COHORT_PRIOR_DEALS)
        se = (1.0 - q) * math.sqrt(max(o, 1.0)) / max(e, 1.0) * e / (e + COHORT_PRIOR_DEALS)
        value = min(max(shrunk, 0.0), 0.95)
        result[str(month)] = Estimate(value, max(value - 1.96 * se, 0.0), min(value + 1.96 * se, 1.0), len(rows))
    return result


MIN_COHORT_DECIDED = 100  # decided deals a creation month needs to count in the period spread
MIN_COHORT_AGE_DAYS = 45  # calendar days from a creation month's end to the as-of date


def period_win_spread(frame: pd.DataFrame, as_of: np.datetime64) -> Estimate:
    """How much the win rate wanders between creation months beyond chance: a logit standard deviation.

    Over the creation months that ended at least :data:`MIN_COHORT_AGE_DAYS` before ``as_of``
    with :data:`MIN_COHORT_DECIDED` deals decided by then, the variance of their win rates
    (won over decided) less the binomial variance chance gives (method of moments: chance
    counted in independent deals, a bootstrap resample's copies once), on the
    logit scale ``sqrt(var) / (p (1 - p))``; 0 when chance explains it or fewer than 2 months
    qualify. A back-test draws one such shift per replication for the simulated period.
    """
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    closed = frame["closed"].to_numpy(dtype="datetime64[D]")
    outcome = frame["outcome"].to_numpy(dtype=object)
    decided = (~np.isnat(closed)) & (closed <= as_of) & np.isin(outcome, ["won", "lost"])
    month = created.astype("datetime64[M]")
    month_end = (month + np.timedelta64(1, "M")).astype("datetime64[D]")
    old_enough = month_end + np.timedelta64(MIN_COHORT_AGE_DAYS, "D") <= as_of
    keep = decided & old_enough
    table = pd.DataFrame({"month": month[keep], "won": outcome[keep] == "won"})
    groups = table.groupby("month")["won"].agg(["sum", "size"])
    groups["effective"] = effective_trials(frame["id"][keep], table["month"])
    groups = groups[groups["size"] >= MIN_COHORT_DECIDED]
    if len(groups) < 2:
        return Estimate(0.0, 0.0, 0.0, len(groups))
    won, n = groups["sum"].to_numpy(dtype=float), groups["size"].to_numpy(dtype=float)
    p = won.sum() / n.sum()
    rates = won / n
    excess = float(np.var(rates, ddof=1) - np.mean(p * (1 - p) / groups["effective"].to_numpy()))
    sd = math.sqrt(max(excess, 0.0)) / (p * (1 - p))
    return Estimate(sd, 0.0, math.nan, len(groups))


def period_stall_spread(cohorts: dict[str, Estimate], as_of: np.datetime64) -> Estimate:
    """How much the no-decision share wanders between creation months beyond the estimates' own error.

    Over the creation months (``'YYYY-MM'`` -> :func:`cohort_no_decision` estimate) that ended
    at least :data:`MIN_COHORT_AGE_DAYS` before ``as_of``: the variance of their estimates less
    the mean of their squared standard errors (read from the 95% CIs), 0 when negative or with
    fewer than 2 months. A back-test draws one such shift of the stage's share per replication.
    """
    values, errors = [], []
    for month, estimate in cohorts.items():
        end = (np.datetime64(month, "M") + np.timedelta64(1, "M")).astype("datetime64[D]")
        if end + np.timedelta64(MIN_COHORT_AGE_DAYS, "D") <= as_of:
            values.append(estimate.value)
            errors.append((estimate.high - estimate.low) / (2 * 1.959963984540054))
    if len(values) < 2:
        return Estimate(0.0, 0.0, 0.0, len(values))
    excess = float(np.var(values, ddof=1) - np.mean(np.square(errors)))
    return Estimate(math.sqrt(max(excess, 0.0)), 0.0, math.nan, len(values))
