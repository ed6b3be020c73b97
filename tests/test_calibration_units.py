"""calibration.md's CIs count the units a figure's information comes from, not its rows.

crm-maven as of 2017-09-30 wrote the quarter-end pull as 0.283 (0.237–0.329), n = 1,655
wins, while its 40 bootstrap refits spread it from 0 to 1.0: the figure rests on two
quarter ends, each month's wins swinging with the month. Its win rate, 63.9% (62.3–65.4%)
over 3,754 decided deals, wanders between creation months beyond chance (a logit sd of
0.21), and the refits moved it over 60.1–68.2%. Here, seeded exports with a known pull
or a known wander: the intervals now cover the truth about 95% of the time, where
counting rows had covered it about half the time.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.calibrate import calibrate
from simulator.calibration.document import calibration_markdown
from simulator.calibration.estimates import Estimate
from simulator.calibration.fit_outcomes import fit_outcomes, period_win_spread
from simulator.calibration.fit_values import fit_quarter_end, mix
from simulator.calibration.unit_intervals import outcomes_over_months

PULL = 0.25  # the share of next month's wins pulled before each quarter end
MONTHS = ("2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10")


def wins_frame(rng: np.random.Generator, per_month: float = 400.0, swing: float = 0.2) -> pd.DataFrame:
    """Wins closed on the 15th of each month of :data:`MONTHS` (three quarter ends: March, June, September).

    Each month's wins due are Poisson around ``per_month`` times a gamma factor of CV
    ``swing`` (the shared export's months swing 18.5% beyond Poisson); a share
    :data:`PULL` of the wins due in a quarter's first month close in the month before.
    """
    due = rng.poisson(per_month * rng.gamma(1 / swing**2, swing**2, len(MONTHS)))
    for first in (1, 4, 7):  # April, July, October
        pulled = rng.binomial(due[first], PULL)
        due[first] -= pulled
        due[first - 1] += pulled
    closed = np.repeat(np.array([f"{m}-15" for m in MONTHS], dtype="datetime64[D]"), due)
    return pd.DataFrame({"closed": closed, "outcome": "won"})


def test_the_quarter_end_pulls_interval_counts_quarter_ends_and_covers_the_pull() -> None:
    """Wins counted as independent trials covered the pull in 41 of 100 seeded exports; quarter ends, 97."""
    rng = np.random.default_rng(11)
    first, as_of = np.datetime64("2022-03-01"), np.datetime64("2022-10-31")
    fits = [fit_quarter_end(wins_frame(rng), first, as_of) for _ in range(100)]
    assert all(f.units == 3 and f.n > 1500 for f in fits)  # n: the wins; units: the quarter ends
    covered = np.mean([f.low <= PULL <= f.high for f in fits])
    assert covered >= 0.9, covered
    assert all(0.0 <= f.low <= f.value <= f.high <= 1.0 for f in fits)
    # one quarter end cannot tell a pull from a month's own swing: no bound
    one = fit_quarter_end(wins_frame(rng), first, np.datetime64("2022-04-30"))
    assert (one.units, one.low, one.high) == (1, 0.0, 1.0)


def decided_frame(rng: np.random.Generator, wander: float, months: int = 8, per_month: int = 250) -> pd.DataFrame:
    """Deals created over ``months`` months of 2022, decided 10 days later; a month's win rate is 60% on the
    logit plus N(0, ``wander``)."""
    frames = []
    for m in range(months):
        first = (np.datetime64("2022-01", "M") + np.timedelta64(m, "M")).astype("datetime64[D]")
        rate = 1.0 / (1.0 + np.exp(-(np.log(1.5) + rng.normal(0.0, wander))))
        created = first + rng.integers(0, 28, per_month).astype("timedelta64[D]")
        won = rng.random(per_month) < rate
        frames.append(
            pd.DataFrame(
                {
                    "created": created,
                    "closed": created + np.timedelta64(10, "D"),
                    "outcome": np.where(won, "won", "lost"),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    return frame.assign(id=[f"d{i}" for i in range(len(frame))], product="")


def test_the_win_rates_interval_counts_the_creation_months_it_wanders_between() -> None:
    """With a logit wander of 0.4 between 8 months, deals alone covered the long-run win rate in 15 of 30 seeded
    exports, months in 28; with no wander the interval stays near the deals' own."""
    as_of, none = np.datetime64("2022-12-31"), Estimate(0.0, 0.0, 0.0, 0)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    truth = float((weights / weights.sum() / (1.0 + np.exp(-(np.log(1.5) + 0.4 * nodes)))).sum())  # E[win rate]
    rng = np.random.default_rng(1)
    covered = []
    for _ in range(30):
        frame = decided_frame(rng, 0.4)
        rate = outcomes_over_months(fit_outcomes(frame, as_of, None, []), period_win_spread(frame, as_of), none)
        assert rate.win_rate.units == 8
        covered.append(rate.win_rate.low <= truth <= rate.win_rate.high)
    assert np.mean(covered) >= 0.85, np.mean(covered)
    steady = decided_frame(np.random.default_rng(2), 0.0)
    alone = fit_outcomes(steady, as_of, None, [])
    counted = outcomes_over_months(alone, period_win_spread(steady, as_of), none)
    widths = [e.high - e.low for e in (alone.win_rate, counted.win_rate)]
    assert widths[0] <= widths[1] <= 1.35 * widths[0], widths  # t on 7 df, and little or no wander


def test_a_product_mix_that_moves_between_months_widens_its_intervals() -> None:
    rng = np.random.default_rng(4)
    months = np.repeat(np.arange(6), 500)
    steady = pd.Series(rng.choice(["a", "b"], months.size, p=[0.3, 0.7]))
    shares, phi = mix(steady, months)
    plain, _ = mix(steady)
    assert phi < 1.5  # one mix in every month: chance alone
    moving = pd.Series([rng.choice(["a", "b"], p=[p, 1 - p]) for p in np.repeat([0.2, 0.4] * 3, 500)])
    moved, phi = mix(moving, months)
    assert phi > 5.0  # 20% and 40% in turn, 500 deals a month
    assert moved["a"].high - moved["a"].low > 2 * (mix(moving)[0]["a"].high - mix(moving)[0]["a"].low)
    assert plain["a"].n == shares["a"].n == moved["a"].n == 3000


MAPPING = """name: units
opportunities:
  file: opportunities.csv
  columns: {id: id, created: created, closed: closed, outcome: status, amount: amount, owner: owner}
  outcomes: {Won: won, Lost: lost, Open: open}
"""


def test_calibration_md_says_what_the_pull_and_the_outcomes_rest_on(tmp_path: Path) -> None:
    """crm-maven's row had read '0.283 (0.237–0.329), n = 1,655 wins': the wins, not the two quarter ends."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2022-01-01", "2022-09-30", freq="D").to_numpy(dtype="datetime64[D]")
    created = np.repeat(days, rng.poisson(8.0, days.size))
    closed = created + rng.integers(5, 40, created.size).astype("timedelta64[D]")
    decided = closed <= np.datetime64("2022-09-30")
    won = rng.random(created.size) < 0.6
    pd.DataFrame(
        {
            "id": [f"D{i:05d}" for i in range(created.size)],
            "created": created.astype(str),
            "closed": np.where(decided, closed.astype(str), ""),
            "status": np.where(decided, np.where(won, "Won", "Lost"), "Open"),
            "amount": np.where(decided & won, "1000", ""),
            "owner": rng.choice(["ann", "bob", "cat"], created.size),
        }
    ).to_csv(tmp_path / "opportunities.csv", index=False)
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    cal = calibrate(tmp_path / "mapping.yaml", "2022-09-30", "2022-12-31")
    pull = cal.quarter_end
    assert pull.units == 2  # March/April and June/July; September/October is not whole by the as-of date
    text = calibration_markdown(cal)
    row = next(line for line in text.splitlines() if line.startswith("| quarter-end pull"))
    assert f"n = 2 quarter ends ({pull.n:,} wins) |" in row
    assert "the CI counts the 2 quarter ends, not their wins (t on 1 degree of freedom" in row
    months = cal.outcomes.win_rate.units
    assert months >= 2 and f"creation months; CI over {months} of them" in text
    # 'n = 7 creation months (... won deals)' counted the months of the CI, while the deals come from 9
    out = cal.outcomes
    won = next(line for line in text.splitlines() if line.startswith("| won by the end of follow-up"))
    assert out.months == 9 and out.won.units < out.months
    assert f"n = {out.won.n:,} won deals from 9 creation months; CI over {out.won.units} of them |" in won, won
    assert " creation months (" not in won


def test_one_months_trend_and_swing_give_no_interval() -> None:
    """At --as-of 2017-03-31 (one month) the trend read "0 (-inf–inf), n = 1" and the swing "0.0% (0.0–0.0%), n = 1
    months"."""
    from simulator.calibration.estimates import Estimate

    assert Estimate(0.0, -math.inf, math.inf, 1).text(3, rows="month") == "0 (no CI: one value), n = 1 month"
    assert Estimate(0.0, 0.0, 0.0, 1).text(percent=True, rows="month") == "0.0% (no CI: one value), n = 1 month"
    assert Estimate(9.8, -math.inf, math.inf, 3).text(3, rows="month") == "9.8 (no CI: too few values), n = 3 months"
    assert Estimate(9.82, -54.4, 74.1, 7).text(3, rows="month") == "9.82 (-54.4–74.1), n = 7 months"
