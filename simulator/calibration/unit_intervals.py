"""95% CIs counted in the units a figure's information comes from (quarter ends, creation months), not its rows.

A figure fitted from thousands of rows may rest on a handful of independent units: the
quarter-end pull compares the wins of a quarter's last month with those of the next one's
first, so its information is the quarter ends the export shows (two in the shared export,
as of 2017-09-30), not the 1,655 wins in those months; deals created in one month share
its conditions, so the win rate wanders between creation months beyond chance (a logit
sd of 0.21 over 5 months in the shared export). Counting rows as independent trials had
written the pull as 0.283 (0.237–0.329) while the 40 bootstrap refits spread it from 0 to
1.0, and the win rate as 63.9% (62.3–65.4%) while the refits moved it over 60.1–68.2%.

One rule for all (the summary-measures analysis of clustered data; Donald & Lang 2007,
"Inference with difference-in-differences and other panel data", Review of Economics and
Statistics 89(2); Cameron & Miller 2015, "A practitioner's guide to cluster-robust
inference", Journal of Human Resources 50(2), section VI, few clusters): the figure's
variance over its ``k`` units, never below the binomial variance its rows alone give (two
quarter ends that agree better than chance do not show the pull is known better than its
wins can tell), and a Student t quantile with the ``k - 1`` degrees of freedom that
variance was estimated with: with 2 units, 12.7 rather than 1.96. One unit cannot
measure its own spread: the interval is then the quantity's whole range. The bootstrap
refits' percentile interval is not used: with few units drawn with replacement it is too
narrow (it has no t correction and the refits repeat units), and for the quarter-end pull
it is lumpy (7 of the shared export's 40 refits at exactly 0).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from simulator.calibration.estimates import Z95, Estimate
from simulator.calibration.fit_outcomes import OutcomeFit


def t95(dof: float) -> float:
    """The two-sided 95% Student t quantile with ``dof`` degrees of freedom (``Z95`` when infinite)."""
    if not math.isfinite(dof):
        return Z95
    from scipy import stats

    return float(stats.t.ppf(0.975, dof))


def quarter_end_pull(last: np.ndarray, first: np.ndarray) -> Estimate:
    """The share of the wins due in a quarter's first month pulled into the quarter before, over quarter ends.

    With ``m3`` wins in a quarter's last month and ``m1`` in the next one's first, a pulled
    share ``s`` of the wins due after the boundary moves them before it:
    ``s = (m3 - m1) / (m3 + m1)``, pooled over the quarter ends (a ratio of sums: each
    weighs by its wins), 0 when negative. Its variance is the quarter ends' own (the
    ratio estimator's, ``k / (k - 1) sum(w_i^2 (s_i - s)^2) / W^2`` with ``w_i = m3_i +
    m1_i``), never below the binomial variance of the pooled wins (``4 p (1 - p) / W``,
    ``p`` the share of them in the last months, Agresti–Coull adjusted), with a t quantile
    on ``k - 1`` degrees of freedom; inside [0, 1].

    Args:
        last: (K,) wins in the last month of each quarter the export shows whole.
        first: (K,) wins in the first month of the quarter after each.

    Returns:
        The pull, its 95% CI, ``n`` the wins of those months and ``units`` the quarter ends
        with a win (``0, 0–0, n = 0`` without any; ``0–1`` with one).
    """
    last, first = np.asarray(last, dtype=np.float64), np.asarray(first, dtype=np.float64)
    weight = last + first
    used = weight > 0
    wins = float(weight.sum())
    if not used.any():
        return Estimate(0.0, 0.0, 0.0, 0)
    ratio = float((last.sum() - first.sum()) / wins)
    value = max(ratio, 0.0)
    units = int(used.sum())
    if units < 2:
        return Estimate(value, 0.0, 1.0, round(wins), units)
    shares = (last[used] - first[used]) / weight[used]
    between = units / (units - 1) * float(np.sum(weight[used] ** 2 * (shares - ratio) ** 2)) / wins**2
    p = (float(last.sum()) + 2.0) / (wins + 4.0)
    within = 4.0 * p * (1.0 - p) / wins
    half = t95(units - 1) * math.sqrt(max(between, within))
    return Estimate(value, min(max(ratio - half, 0.0), 1.0), min(max(ratio + half, 0.0), 1.0), round(wins), units)


def over_units(estimate: Estimate, excess: float, units: int) -> Estimate:
    """A share's interval with the variance its units add beyond chance, on ``units - 1`` degrees of freedom.

    The rows' own variance is read from ``estimate``'s interval (its half-width over
    ``Z95``); ``excess`` (on the share's scale) is the units' variance beyond it, over
    their number (``tau^2 / k``). The interval is built on the logit scale (inside (0, 1))
    with a t quantile on ``units - 1`` degrees of freedom. With fewer than 2 units (the
    spread between them cannot be measured), a share of 0 or 1, or no interval (a
    bootstrap refit's), ``estimate`` as it is.

    Args:
        estimate: The share fitted from independent rows, with its 95% CI.
        excess: The variance the units add to the share, beyond chance (``>= 0``).
        units: The units (creation months) the excess was measured over.

    Returns:
        The same value and ``n``, the interval widened, ``units`` set.
    """
    p = estimate.value
    if units < 2 or not 0.0 < p < 1.0 or not (math.isfinite(estimate.low) and math.isfinite(estimate.high)):
        return estimate
    within = ((estimate.high - estimate.low) / (2 * Z95)) ** 2
    se = math.sqrt(within + max(excess, 0.0)) / (p * (1.0 - p))  # the logit's
    centre = math.log(p / (1.0 - p))
    half = t95(units - 1) * se
    low, high = (1.0 / (1.0 + math.exp(-(centre + sign * half))) for sign in (-1.0, 1.0))
    return replace(estimate, low=low, high=high, units=units)


def outcomes_over_months(out: OutcomeFit, win_sd: Estimate, stall_sd: Estimate) -> OutcomeFit:
    """The outcome shares' intervals counted over creation months, as :func:`over_units` widens them.

    The win rate of decided deals wanders between creation months with a logit sd
    ``win_sd`` (over ``win_sd.n`` months) and the no-decision share with an sd
    ``stall_sd``: a pooled share's variance gains ``tau^2 / k`` (the win rate's on its
    logit, ``(tau w (1 - w))^2 / k``). Won ``= (1 - q) w`` and lost ``= (1 - q) (1 - w)``
    gain both, by the delta method (the wanders taken as independent); each product's
    win rate gains the win rate's wander at its own rate. Units: for won and lost, the
    fewer of the two wanders' months (of those measured over 2 or more).
    """
    w, q = out.win_rate.value, out.no_decision.value
    k_win, k_stall = win_sd.n, stall_sd.n
    tau_w, tau_q = win_sd.value, stall_sd.value

    def win_excess(rate: float) -> float:
        return (tau_w * rate * (1.0 - rate)) ** 2 / k_win if k_win >= 2 else 0.0

    stall_excess = tau_q**2 / k_stall if k_stall >= 2 else 0.0
    measured = [k for k in (k_win, k_stall) if k >= 2]
    both = min(measured) if measured else 0
    return replace(
        out,
        win_rate=over_units(out.win_rate, win_excess(w), k_win),
        no_decision=over_units(out.no_decision, stall_excess, k_stall),
        won=over_units(out.won, (1 - q) ** 2 * win_excess(w) + w**2 * stall_excess, both),
        lost=over_units(out.lost, (1 - q) ** 2 * win_excess(w) + (1 - w) ** 2 * stall_excess, both),
        product_win_rate={
            product: over_units(rate, win_excess(rate.value), k_win) for product, rate in out.product_win_rate.items()
        },
    )
