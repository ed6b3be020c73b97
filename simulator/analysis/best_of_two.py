"""The probability that the first of two paired scenarios has the better mean, agreeing with the paired CI beside it.

The ranking's P(best) (:mod:`simulator.analysis.ranking`) is read beside the paired 95% CI
of the same difference (:mod:`simulator.analysis.comparison`), so for two scenarios it is
worked out from the same statistic as that CI, and a difference is clear exactly when the
leader's probability is above 97.5%:

- a KPI of amounts, counts or rates: Student's t distribution at the mean paired
  difference over its standard error (the CI is mean +- t * se);
- a yes/no KPI (hitting the plan): McNemar's test of the discordant pairs, the runs where
  one side hit and the other did not (McNemar 1947). The leader, with ``b`` of the ``d``
  discordant runs against ``c < b``, gets the mid-p ``1 - P(X > b) - P(X = b) / 2`` for X
  binomial (d, 1/2) (Lancaster 1961), above one minus half the exact test's p-value, so a
  difference the exact test finds reads above 97.5%. Its CI is Newcombe's hybrid interval
  widened to zero where the exact test cannot tell the sides apart
  (:func:`simulator.analysis.paired_intervals.paired_event_interval`); where that CI includes
  zero, the probability is held just under 97.5%.

With a t probability, 5 runs of 20 where only two more reps hit the plan read "P(best)
99%" beside a CI of 0.0 to +44.8 points called unclear; now 97% (held under 97.5%), and a
single such run 75%.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.analysis.paired_intervals import paired_event_interval

SHORT_OF_SURE = 2.0**-53
"""How far from 0 or 1 a probability that is no certainty is held: its float had rounded to 1.

A t of 40 over 100 runs, or 60 discordant runs all one way, is 1 - 1e-300 or so, which a
float holds as 1.0 and the words read "100%": held at 1 - 2**-53, the largest float under
1, it reads ">99%" (:func:`simulator.analysis.formatting.format_chance`), its rival "<1%".
"""


def short_of_sure(p: float) -> float:
    """``p`` held within [:data:`SHORT_OF_SURE`, 1 - :data:`SHORT_OF_SURE`]: a chance, not a certainty."""
    return min(max(p, SHORT_OF_SURE), 1.0 - SHORT_OF_SURE)


UNCLEAR_CEILING = 0.9749
"""The most a leader of two is given when the paired CI beside it includes zero (shown as 97%)."""


def first_is_better(diff: np.ndarray) -> float:
    """P(the first of two has the better mean) from their paired differences (first minus second, better up).

    Args:
        diff: (runs,) the first scenario's value minus the second's, each oriented so that
            higher is better.

    Returns:
        Student t's distribution at mean / se with runs - 1 degrees of freedom; 1 or 0 for
        a constant difference, 0.5 for none.
    """
    from scipy import stats

    mean, n = float(diff.mean()), diff.size
    scale = max(float(np.abs(diff).max()), 1e-300)
    sd = float(diff.std(ddof=1))
    if sd <= 1e-12 * scale:  # a constant difference (or none): sure, or a tie shared
        return 0.5 if abs(mean) <= 1e-12 * scale else float(mean > 0)
    return short_of_sure(float(stats.t.cdf(mean / (sd / math.sqrt(n)), n - 1)))


def first_hits_more(first: np.ndarray, second: np.ndarray, good: int = 1) -> float:
    """P(the first of two has the better share of a yes/no outcome), from McNemar's test (its mid-p).

    Args:
        first: (runs,) 0/1 outcome of the first scenario in each run.
        second: (runs,) the second's, in the same runs.
        good: +1 when a yes is better (hitting the plan), -1 when a no is.

    Returns:
        The leader's mid-p probability (module docstring), the other's its complement; 0.5
        each with as many discordant runs either way. Held within
        [1 - :data:`UNCLEAR_CEILING`, :data:`UNCLEAR_CEILING`] when the paired CI includes zero.
    """
    from scipy import stats

    yes_first, yes_second = np.asarray(first) > 0.5, np.asarray(second) > 0.5
    only_first = int(np.sum(yes_first & ~yes_second))
    only_second = int(np.sum(~yes_first & yes_second))
    if good < 0:
        only_first, only_second = only_second, only_first
    if only_first == only_second:
        return 0.5
    lead, discordant = max(only_first, only_second), only_first + only_second
    # mid-p: 1 - P(X > lead) - P(X = lead) / 2 (Lancaster 1961): 1-0 reads 75%, not a coin's 50%
    tail = float(stats.binom.sf(lead, discordant, 0.5)) + 0.5 * float(stats.binom.pmf(lead, discordant, 0.5))
    leader = short_of_sure(1.0 - tail)  # 60 discordant runs all one way: 1 - 2**-61, no certainty
    low, high = paired_event_interval(first, second)
    if low <= 0.0 <= high:
        leader = min(leader, UNCLEAR_CEILING)
    return leader if only_first > only_second else 1.0 - leader
