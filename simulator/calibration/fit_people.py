"""Who sells: owners active at the as-of date, their teams, shares of new opportunities and skill spread.

- **Active owners**: those who were given an opportunity in the last ``recent_months``
  before the as-of date (ended before them in the roster: left out, counted).
- **Teams**: the roster's team (or office); without a roster, one team ``reps``.
- **Shares**: each active owner's share of the new opportunities of those months (by
  share assignment; owners carry from 110 to 747 deals in the shared export).
- **Skill spread** from over-dispersion of win rates across owners (deals decided on or
  before the as-of date): the between-owner variance of the win rate is the observed
  variance less the binomial variance chance alone gives (method of moments); zero when
  chance explains it. On the logit scale, ``sd = sqrt(var) / (p (1 - p))``. The CI is a
  bootstrap over owners (400 resamples, seed 0); the chi-square test of equal win rates
  says whether chance explains the spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.estimates import Estimate, effective_trials


@dataclass(frozen=True)
class PeopleFit:
    """Active owners by team with their shares, and the skill spread."""

    teams: dict[str, dict[str, float]]  # team -> owner -> share of new opportunities
    offices: dict[str, str]  # owner -> office (the geography its deals come from)
    skill_sd: Estimate
    chi_square_p: float
    deals_per_owner: tuple[int, int]
    inactive: list[str]


def _spread(won: np.ndarray, decided: np.ndarray, effective: np.ndarray) -> tuple[float, float]:
    """The overall win rate and the owners' skill spread (logit sd) from (K,) won, decided and effective trials."""
    p = won.sum() / decided.sum()
    rates = won / decided
    chance = p * (1 - p) * float(np.sum(decided / effective)) / decided.sum()  # K p (1 - p) / N without copies
    between = float(np.average((rates - p) ** 2, weights=decided) - chance)
    return p, math.sqrt(max(between, 0.0)) / (p * (1 - p)) if 0 < p < 1 else 0.0


def fit_people(
    frame: pd.DataFrame,
    roster: pd.DataFrame | None,
    as_of: np.datetime64,
    recent: int,
    variance: bool = True,
    recent_end: np.datetime64 | None = None,
) -> PeopleFit:
    """Fit owners, teams, shares and skill spread from opportunities created on or before ``as_of``.

    The shares count the ``recent`` months up to the month of ``recent_end`` (default
    ``as_of``; the export's last creation when the as-of date is past it).
    """
    created = frame["created"].to_numpy(dtype="datetime64[D]")
    seen = frame[created <= as_of]
    end = as_of if recent_end is None else recent_end
    since = (pd.Period(str(end)[:7], freq="M") - recent + 1).start_time.to_datetime64().astype("datetime64[D]")
    recent_rows = seen[seen["created"].to_numpy(dtype="datetime64[D]") >= since]
    counts = recent_rows["owner"].value_counts()
    counts = counts[counts.index != ""]
    all_owners = sorted(set(seen["owner"]) - {""})
    inactive = [o for o in all_owners if o not in counts.index]
    team_of: dict[str, str] = {}
    office_of: dict[str, str] = {}
    if roster is not None:
        for owner, team, office in zip(roster["owner"], roster["team"], roster["office"], strict=True):
            team_of[str(owner)] = str(team or office or "reps")
            office_of[str(owner)] = str(office or team or "")
    teams: dict[str, dict[str, float]] = {}
    total = float(counts.sum())
    for owner, n in counts.items():
        team = team_of.get(str(owner), "other" if roster is not None else "reps")
        teams.setdefault(team, {})[str(owner)] = float(n) / total
    closed = seen["closed"].to_numpy(dtype="datetime64[D]")
    decided_rows = seen[(~np.isnat(closed)) & (closed <= as_of) & seen["outcome"].isin(["won", "lost"])]
    table = decided_rows.groupby("owner")["outcome"].agg(won=lambda s: (s == "won").sum(), decided="size")
    table = table[(table.index != "") & (table["decided"] > 0)]
    won, decided = table["won"].to_numpy(dtype=float), table["decided"].to_numpy(dtype=float)
    effective = effective_trials(decided_rows["id"], decided_rows["owner"]).reindex(table.index).to_numpy()
    if len(table) < 2:
        skill, p_value = Estimate(0.0, 0.0, 0.0, len(table)), math.nan
    else:
        _, sd = _spread(won, decided, effective)
        rng = np.random.default_rng(0)
        boots = []
        for _ in range(400 if variance else 0):
            pick = rng.integers(0, len(won), len(won))
            boots.append(_spread(won[pick], decided[pick], effective[pick])[1])
        low, high = (float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))) if boots else (sd, sd)
        skill = Estimate(sd, low, high, len(table))
        from scipy import stats

        expected = decided * won.sum() / decided.sum()
        chi = float((((won - expected) ** 2) / expected + ((won - expected) ** 2) / (decided - expected)).sum())
        p_value = float(stats.chi2.sf(chi, len(table) - 1))
    per_owner = seen["owner"].value_counts()
    per_owner = per_owner[per_owner.index != ""]
    return PeopleFit(
        teams=teams,
        offices={o: office_of.get(o, "") for t in teams.values() for o in t},
        skill_sd=skill,
        chi_square_p=p_value,
        deals_per_owner=(int(per_owner.min()), int(per_owner.max())) if len(per_owner) else (0, 0),
        inactive=inactive,
    )
