"""Why more leads can book no more: the reps' own lead work gives way to them.

Reps whose idle hours go to prospecting (or to partners) spend the hours a new lead takes
on it instead: a lever that raises a source's leads a month (``market.sources.inbound
.leads_per_month`` 150 -> 180) brings its own leads and takes away some of the leads the
reps made themselves (outbound meetings booked by prospecting). The default generalists
moved bookings by -$33k (unclear) for +20% inbound leads: a leader reads that as "leads do
not matter" where it says "the reps' time is full". The words here say which leads fell, by
how many, run by run against the baseline (common random numbers), beside the swing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.formatting import format_money
from simulator.analysis.levers import BASELINE, Lever, scenario_name
from simulator.analysis.wording import join_words, team_label

LEAD_LEVER = re.compile(r"market\.sources\.([^.]+)\.leads_per_month")
"""A lever that sets a source's leads a month."""

PROSPECTING = re.compile(r"utilisation_(.+)_prospecting")
"""A team's share of its selling time spent prospecting."""


def _paired_mean(high: pd.DataFrame, base: pd.DataFrame, columns: Sequence[str]) -> tuple[float, float, int]:
    """Mean of (high - baseline) summed over ``columns``, run by run, with its standard error and pairs."""
    joined = (
        high[list(columns)]
        .sum(axis=1)
        .to_frame("high")
        .join(base[list(columns)].sum(axis=1).to_frame("base"), how="inner")
    )
    gaps = (joined["high"] - joined["base"]).to_numpy(dtype=np.float64)
    if gaps.size < 2:
        return math.nan, math.nan, int(gaps.size)
    return float(gaps.mean()), float(gaps.std(ddof=1) / math.sqrt(gaps.size)), int(gaps.size)


def _clearly(mean: float, se: float, n: int, sign: float) -> bool:
    """``mean`` on the side of ``sign`` beyond its 95% t interval."""
    from scipy import stats

    if not math.isfinite(mean) or n < 2:
        return False
    half = float(stats.t.ppf(0.975, n - 1)) * se
    return sign * mean > half


def _bookings_words(high: pd.DataFrame, base: pd.DataFrame, own: str, others: Sequence[str]) -> str:
    """What the other sources' bookings lost against the new leads' gain, paired run by run (when recorded).

    Every other source whose bookings fell clearly is named, its leads fewer or not (the
    partners' leads held while their bookings fell $23.7k: worked later by the same reps).
    """
    tail = ": more leads are worth their full value with more reps"
    column = f"bookings_{own}"
    if column not in high.columns or column not in base.columns:
        return tail
    gained = _paired_mean(high, base, [column])[0]
    fell = []
    for source in others:
        mean, se, pairs = (
            _paired_mean(high, base, [f"bookings_{source}"])
            if f"bookings_{source}" in high
            else (math.nan, math.nan, 0)
        )
        if _clearly(mean, se, pairs, -1.0):
            fell.append((source, -mean))
    lost = sum(amount for _, amount in fell)
    if not (math.isfinite(gained) and gained > 0 and fell):
        return tail
    named = join_words([f"the {source} leads' fell by {format_money(amount)}" for source, amount in fell])
    share = "more than all of the gain" if lost > gained else f"{lost / gained:.0%} of the gain"
    return f"; the {own} leads' bookings rose by {format_money(gained)} while {named}, {share}{tail}"


def crowding_reasons(replications: pd.DataFrame, levers: Sequence[Lever]) -> dict[str, str]:
    """Lever key -> why its extra leads book less than they bring, for each lead lever whose high side crowds.

    Args:
        replications: The runs of :func:`simulator.analysis.levers.lever_experiment`'s experiment
            (``scenario``, ``replication``, ``leads_<source>`` columns).
        levers: The levers as run, in the order their scenarios were named.

    Returns:
        For a lever setting ``market.sources.<source>.leads_per_month`` whose high side brings
        clearly more of that source's leads while another source's leads fall clearly (95%,
        paired): the words, naming the sources that fell and the teams that prospect less.
    """
    if "replication" not in replications.columns:
        return {}
    base = replications[replications["scenario"] == BASELINE].set_index("replication")
    reasons: dict[str, str] = {}
    for i, lever in enumerate(levers):
        found = LEAD_LEVER.fullmatch(lever.key)
        own = f"leads_{found[1]}" if found else ""
        if not found or lever.high is None or own not in replications.columns:
            continue
        high = replications[replications["scenario"] == scenario_name(i, "high")].set_index("replication")
        gained, gained_se, n = _paired_mean(high, base, [own])
        if not _clearly(gained, gained_se, n, 1.0):
            continue
        fell = []
        sources = [c.removeprefix("leads_") for c in replications.columns if c.startswith("leads_")]
        sources = [source for source in sources if source not in (found[1], "total")]
        for column in (f"leads_{source}" for source in sources):
            mean, se, pairs = _paired_mean(high, base, [column])
            if _clearly(mean, se, pairs, -1.0):
                fell.append((column.removeprefix("leads_"), mean))
        if not fell:
            continue
        named = " and ".join(f"{-mean:,.0f} fewer {source}" for source, mean in fell)
        shifted = []
        for column in replications.columns:
            team = PROSPECTING.fullmatch(column)
            mean, se, pairs = _paired_mean(high, base, [column]) if team else (math.nan, math.nan, 0)
            if team and _clearly(mean, se, pairs, -1.0):
                before = float(base[column].mean())
                shifted.append(
                    f"the {team_label(team[1])} team prospects {before + mean:.0%} of its selling time instead of "
                    f"{before:.0%}"
                )
        why = f" ({join_words(shifted)})" if shifted else ""
        reasons[lever.key] = (
            f"{found[1]} leads at {lever.high:g} a month instead of {lever.base:g} bring {gained:,.0f} more {found[1]} "
            f"leads a run but {named} (paired run by run): the reps make those leads with the hours the new ones now "
            f"take{why}" + _bookings_words(high, base, found[1], sources)
        )
    return reasons
