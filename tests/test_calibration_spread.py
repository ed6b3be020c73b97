"""Spreads fitted beyond chance (rep skill, the win rate's wander between months) count each deal once.

A bootstrap resample of the export repeats rows: a creation month drawn twice brings each
of its deals twice. The copies agree with each other, so a spread measured as the
variance between owners (or months) less the binomial variance chance gives would read
their agreement as skill unless chance is counted in independent deals: the calibrated
runs of the shared export drew rep-skill spreads of 0.07 to 0.16 (all 40 above the fit's
0.046) before it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calibration.estimates import effective_trials
from simulator.calibration.fit_outcomes import period_win_spread
from simulator.calibration.fit_people import fit_people

AS_OF = np.datetime64("2023-03-31")


def export(seed: int = 3, owners: int = 30, months: int = 12, per_month: int = 10, sd: float = 0.15) -> pd.DataFrame:
    """Deals decided 20 days after creation; each owner's win rate on a logit 0.405 (60%) + N(0, sd) skill."""
    rng = np.random.default_rng(seed)
    skill = rng.normal(0.0, sd, owners)
    rows = []
    for m in range(months):
        first = (np.datetime64("2022-01", "M") + np.timedelta64(m, "M")).astype("datetime64[D]")
        for o in range(owners):
            for _ in range(per_month):
                created = first + np.timedelta64(int(rng.integers(0, 28)), "D")
                won = rng.random() < 1.0 / (1.0 + np.exp(-(np.log(1.5) + skill[o])))
                rows.append((f"d{len(rows)}", f"rep{o:02d}", created, created + np.timedelta64(20, "D"), won))
    frame = pd.DataFrame(rows, columns=["id", "owner", "created", "closed", "won"])
    return frame.assign(outcome=np.where(frame.pop("won"), "won", "lost"))


def skill_sd(frame: pd.DataFrame) -> float:
    return float(fit_people(frame, None, AS_OF, 3, variance=False).skill_sd.value)


def test_effective_trials_count_copies_once() -> None:
    ids = pd.Series(["a", "a", "b", "c", "c", "c", "d"])
    owners = pd.Series(["x", "x", "x", "y", "y", "y", "y"])
    # x: rows a, a, b (copies 2, 2, 1): 9 / 5; y: c three times and d once (copies 3, 3, 3, 1): 16 / 10
    assert effective_trials(ids, owners).to_dict() == {"x": 9 / 5, "y": 16 / 10}
    assert effective_trials(pd.Series(["a", "b"]), pd.Series(["x", "x"])).to_dict() == {"x": 2.0}


def test_a_copy_of_every_deal_leaves_the_spreads_as_they_are() -> None:
    frame = export()
    doubled = pd.concat([frame, frame], ignore_index=True)
    assert skill_sd(frame) > 0.1
    assert skill_sd(doubled) == skill_sd(frame)  # counted by rows, the copies made it 0.241 from 0.201
    with_period = export(seed=5, sd=0.0)
    late = with_period["created"].to_numpy(dtype="datetime64[M]") >= np.datetime64("2022-07", "M")
    with_period.loc[late & (np.arange(len(with_period)) % 4 == 0), "outcome"] = "won"  # a better second half
    assert period_win_spread(with_period, AS_OF).value > 0.1
    twice = pd.concat([with_period, with_period], ignore_index=True)
    assert period_win_spread(twice, AS_OF).value == period_win_spread(with_period, AS_OF).value


def test_months_drawn_whole_with_replacement_refit_the_skill_spread_around_the_fit() -> None:
    """200 block-bootstrap refits (as ``calibration.bootstrap.refit`` draws months): mean within 4 SE of the fit.

    Counted by rows they averaged 0.269 against the fit's 0.201 (22 standard errors above).
    """
    frame = export()
    point = skill_sd(frame)
    month = frame["created"].to_numpy(dtype="datetime64[M]")
    months = np.unique(month)
    rng = np.random.default_rng(0)
    refits = []
    for _ in range(200):
        rows = np.concatenate([np.flatnonzero(month == months[k]) for k in rng.integers(0, months.size, months.size)])
        refits.append(skill_sd(frame.iloc[rows].reset_index(drop=True)))
    values = np.array(refits)
    assert abs(values.mean() - point) < 4 * values.std(ddof=1) / np.sqrt(values.size), (values.mean(), point)
