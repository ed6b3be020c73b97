"""The transient check every run gets: state series still moving inside the measured window.

The **transient check** runs on every result: for each monthly state series of the
measurement window (the month's mean open pipeline, the customer book and partner base at
its end), it fits each
replication's least-squares trend over the window's months and reports the series whose
mean drift over the window is both statistically clear (more than 4 standard errors
across replications) and material (more than :data:`MATERIAL_DRIFT` of the series'
mean level): the state was still moving when measurement began, so a warm-up longer than
the one configured is suggested. The open pipeline follows the arrivals, so with seasonal
arrivals its trend is fitted beside the seasonal multipliers of the month and the month
before (about one sales cycle): over a measured calendar year a market busier in the autumn
than in January is not a pipeline still filling. A window that starts empty and fills in
its first month (``clock.warmup_days=0``) has no such trend over two years; its first
month is checked against the later ones too.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.analysis.warmup import FloatArray
from simulator.config.workforce import hire_start_day
from simulator.run.experiment import Experiment, ExperimentResult

MATERIAL_DRIFT = 0.05
"""A drift over the window below 5% of the series' level is not worth a warning."""

CLEAR_DRIFT_SE = 4.0
"""Standard errors across replications that make a drift statistically clear."""

STARTUP_SHORTFALL = 0.2
"""A window's first month below its later months by more than this share of their level is a start, not a
steady state (beyond the seasonality's own expectation of it)."""

MONTHLY_STATE = {
    "open_pipeline_mean": "open pipeline (deals, the month's mean)",
    "expansions_open_mean": "expansion backlog (open expansion opportunities, the month's mean)",
    "customers_at_month_end": "customer book (accounts)",
    "partners_at_month_end": "partner base (active partners)",
}
"""Monthly columns the transient check reads, and their names in a sentence."""

TRANSIENT_COLUMNS = ("scenario", "replication", "month", "calendar_month", *MONTHLY_STATE)
"""Every monthly column :func:`transient_drifts` reads (read only these from a run's store)."""

SEASONAL_STATE = ("open_pipeline_mean",)
"""Series driven by the month's arrivals: their trend is fitted beside the seasonality."""

BACKLOGS = ("open_pipeline_mean", "expansions_open_mean")

OVERLOADED_RISE = 0.25
"""A backlog still rising, by more than this share of its level across the window, is put down to its team's
overload (csm_coverage's 7 CSMs: the expansion backlog 710 to 1,140); a smaller rise may be a market growing
with the customer book (ramp_and_coaching's most productive scenario, +12%), so no cause is named."""
"""Series of work waiting to be done: one that keeps rising has a team that cannot keep up."""


@dataclass(frozen=True, slots=True)
class Drift:
    """A state series still trending inside the measurement window of one scenario."""

    scenario: str
    series: str  # the monthly column
    what: str  # its name in a sentence
    level: float  # mean level over the window
    drift: float  # mean change over the window (last month minus first, on the fitted trend)
    se: float  # its standard error across replications
    response: bool = False  # the baseline's same series is steady: the scenario's lever moves it
    from_state: bool = False  # the run starts from a real state (the open deals at an as-of date): a forecast
    first: float = math.nan  # mean level in the window's first month, over runs
    last: float = math.nan  # and in its last month
    unsettled: bool = False  # still clearly moving the same way over the window's second half
    planned: bool = False  # the scenario's planned hires join inside the window: the plan's own course
    startup: bool = False  # low in the window's first month only, flat after it (first, last: that month, the rest)

    def _ends(self) -> tuple[float, float]:
        """Where the series starts and ends in the window: the first and last months' means when known."""
        if math.isfinite(self.first) and math.isfinite(self.last):
            return self.first, self.last
        # the fitted trend's ends; a state (deals, customers, partners) is never below zero
        return max(0.0, self.level - self.drift / 2), max(0.0, self.level + self.drift / 2)

    def _change(self) -> str:
        """``rises by 40% (from about 100 to 140)``, from the window's first month to its last."""
        start, end = self._ends()
        direction = "rises" if end > start else "falls"
        share = f" by {abs(end - start) / start:.0%}" if start > 0 else ""
        return f"{direction}{share} across the measured window (from about {start:,.0f} to {end:,.0f})"

    @property
    def transient(self) -> bool:
        """True for an artefact of the run's start (a warning), False for a response or a forecast (a note)."""
        return not (self.response or self.from_state or self.planned)

    @property
    def warns(self) -> bool:
        """A warning (else a note): an artefact of the run's start, or a lever's response with no level in the run.

        A hiring plan's course or a forecast's is a note however it moves: spread_evenly's open pipeline, still
        rising in the window's second half as its hires of months 7 and 10 ramp, had read "salesim: warning:
        ... the hiring plan's own course, not an artefact", beside all_in_january's same sentence as a note.
        """
        return self.transient or (self.response and self.unsettled and not (self.planned or self.from_state))

    @property
    def relative(self) -> float:
        """The drift as a share of the level."""
        return self.drift / self.level if self.level else math.inf

    def sentence(self, warmup_days: float, baseline: str = "the baseline", horizon_days: float = math.inf) -> str:
        """The warning in words, with the warm-up to try (or, for a response, what moves it)."""
        if self.planned:
            return (
                f"{self.scenario}: the {self.what} {self._change()}: its planned hires join and ramp inside the "
                "measured window, so this is the hiring plan's own course, not an artefact a warm-up would remove"
            )
        if self.from_state:
            return (
                f"{self.scenario}: the {self.what} {self._change()}: the run starts from the deals open at the "
                "as-of date, so this is the forecast's own course, not an artefact a warm-up would remove"
            )
        if self.response and self.unsettled:
            cause = (
                ": work arrives faster than the team that does it finishes it"
                if self.series in BACKLOGS and self.relative > OVERLOADED_RISE
                else ""
            )
            return (
                f"{self.scenario}: the {self.what} {self._change()} while {baseline}'s is steady, and is still "
                f"{'rising' if self.drift > 0 else 'falling'} in the window's second half{cause}. It has no steady "
                "level within the run, so this scenario's yearly figures depend on how long the run is (a longer "
                "clock.horizon_days shows where it goes)"
            )
        if self.response:
            direction = "rises" if self.drift > 0 else "falls"
            return (
                f"{self.scenario}: the {self.what} {direction} by {abs(self.relative):.0%} across the measured window "
                f"while {baseline}'s is steady: the scenario's own lever moves it (a new level being reached, not "
                "an artefact of the run's start)"
            )
        if self.startup:
            suggestion = max(warmup_days * 2, 250.0)
            setting = f"clock.warmup_days={suggestion:.0f}"
            if math.isfinite(horizon_days):
                setting += f" clock.horizon_days={suggestion + horizon_days - warmup_days:.0f}"
            return (
                f"{self.scenario}: the {self.what} starts the measured window at about {self.first:,.0f} and holds "
                f"about {self.last:,.0f} after its first month: the run fills up inside the window, so the window's "
                f"flows (bookings among them) read low; try a longer warm-up ({setting}, or `salesim warmup` to "
                "choose one)"
            )
        suggestion = max(warmup_days * 2, 250.0)
        setting = f"clock.warmup_days={suggestion:.0f}"
        if math.isfinite(horizon_days):  # the window keeps its length: the horizon moves with the warm-up
            setting += f" clock.horizon_days={suggestion + horizon_days - warmup_days:.0f}"
        return (
            f"{self.scenario}: the {self.what} still {self._change()}: the run had not reached a steady state when "
            f"measurement began; try a longer warm-up ({setting}, or `salesim warmup` to choose one)"
        )


def hiring_in_window(experiment: Experiment) -> set[str]:
    """Scenarios with planned hires (``workforce.teams.<team>.hires``) joining inside the measured window."""
    found = set()
    for spec in experiment.scenarios:
        config = spec.config
        calendar, warmup = config.clock.calendar(), config.clock.warmup_days
        for settings in config.workforce.teams.values():
            if any(warmup <= hire_start_day(h, calendar, warmup) < config.clock.horizon_days for h in settings.hires):
                found.add(spec.name)
    return found


def starts_from_state(experiment: Experiment) -> bool:
    """True when the runs start from a real open pipeline (``initial_pipeline``, a calibrated as-of date)."""
    return any(spec.config.initial_pipeline is not None for spec in experiment.scenarios)


def result_drifts(result: ExperimentResult) -> list[Drift]:
    """:func:`transient_drifts` of a run's monthly table, with its baseline, seasons and start; worked out once."""

    def drifts() -> list[Drift]:
        experiment = result.experiment
        monthly = result.monthly_table.frame(TRANSIENT_COLUMNS)
        shapes, from_state = seasonal_shapes(experiment), starts_from_state(experiment)
        return transient_drifts(monthly, experiment.baseline, shapes, from_state, hiring_in_window(experiment))

    return result.derived("transient_drifts", drifts)


def transient_drifts(
    monthly: pd.DataFrame,
    baseline: str | None = None,
    seasonality: Mapping[str, Sequence[float]] | None = None,
    from_state: bool = False,
    planned: Collection[str] = (),
) -> list[Drift]:
    """State series whose trend over the window is clear and material, per scenario.

    ``monthly`` is the monthly table (one row per scenario x replication x month); months
    that are only partly inside the window count like the others. With a ``baseline``
    (today's organisation, which the shipped configs start in its steady state), a
    scenario's drift on a series the baseline holds steady is marked a *response* to the
    scenario's lever (a move to a new level, which no warm-up removes), not a transient,
    when it also differs from the baseline's drift run by run, clearly and materially;
    otherwise it is left out (both move about alike, under what is worth a warning).
    ``seasonality`` (scenario -> the 12 arrival multipliers, January first) and the
    table's ``calendar_month`` labels (``...-MM``) let the open pipeline's trend be fitted
    beside the arrivals' seasonal swing. With ``from_state`` (the runs start from a real
    open pipeline, e.g. a calibrated company's as-of date, with no warm-up) every drift is
    the forecast's own course: a note. A scenario in ``planned`` hires inside the window:
    its drifts are the hiring plan's course, a note too.
    """
    from scipy import stats

    found: list[Drift] = []
    if monthly.empty or "month" not in monthly.columns:
        return found
    trends: dict[tuple[str, str], pd.Series] = {}  # each run's drift over the window, by replication
    for scenario, runs in monthly.groupby("scenario", sort=False):
        season = _seasonal_regressor(runs, (seasonality or {}).get(str(scenario)))
        for column, what in MONTHLY_STATE.items():
            if column not in runs.columns:
                continue
            table = runs.pivot_table(index="replication", columns="month", values=column, aggfunc="first")
            values = table.to_numpy(dtype=np.float64)
            if values.shape[1] < 3 or values.shape[0] < 2 or not np.isfinite(values).all():
                continue
            regressor = season if column in SEASONAL_STATE else None
            slopes = _slopes(values, regressor)
            span = values.shape[1] - 1.0
            trends[(str(scenario), column)] = pd.Series(slopes * span, index=table.index)
            drift = float(slopes.mean() * span)
            se = float(slopes.std(ddof=1) * span / math.sqrt(slopes.size))
            level = float(values.mean())
            material = level > 0 and abs(drift) > MATERIAL_DRIFT * level
            # the same false-alarm rate as 4 standard errors of a normal, whatever the number of runs
            critical = float(stats.t.ppf(stats.norm.cdf(CLEAR_DRIFT_SE), df=slopes.size - 1))
            clear = abs(drift) > critical * se if se > 0 else drift != 0.0
            startup = _startup_step(values, regressor)
            if startup is not None:  # filled in the first month: a start inside the window, not a trend through it
                first, last, step_se = startup
                change, change_se, unsettled = last - first, step_se, False
            elif material and clear:
                first, last = float(values[:, 0].mean()), float(values[:, -1].mean())
                half = values.shape[1] // 2
                late = _slopes(values[:, half:], None if regressor is None else regressor[half:])
                late_se = float(late.std(ddof=1) / math.sqrt(late.size))
                # still moving the same way over the second half, clearly (a level being reached flattens)
                unsettled = bool(late.mean() * np.sign(drift) > critical * late_se) if late_se > 0 else False
                change, change_se = drift, se
            else:
                continue
            found.append(
                Drift(
                    str(scenario),
                    column,
                    what,
                    level,
                    change,
                    change_se,
                    False,
                    from_state,
                    first,
                    last,
                    unsettled,
                    planned=str(scenario) in planned,
                    startup=startup is not None,
                )
            )
    if baseline is None:
        return found
    drifting = {d.series for d in found if d.scenario == baseline}
    return [
        d if d.scenario == baseline or d.series in drifting else dataclasses.replace(d, response=True)
        for d in found
        if d.scenario == baseline or d.series in drifting or _apart(d, trends.get((baseline, d.series)), trends)
    ]


def _apart(drift: Drift, baseline: pd.Series | None, trends: Mapping[tuple[str, str], pd.Series]) -> bool:
    """The scenario's drift differs from the baseline's clearly and materially, run by run (paired).

    The baseline's drift fell short of a warning; a scenario moving only slightly more (7%
    against the baseline's 4%) would otherwise read as its lever moving a series the baseline
    holds steady.
    """
    from scipy import stats

    if baseline is None:
        return True
    paired = pd.concat([trends[(drift.scenario, drift.series)], baseline], axis=1, join="inner").dropna()
    if len(paired) < 2:
        return True
    gap = (paired.iloc[:, 0] - paired.iloc[:, 1]).to_numpy(dtype=np.float64)
    mean, se = float(gap.mean()), float(gap.std(ddof=1) / math.sqrt(gap.size))
    critical = float(stats.t.ppf(stats.norm.cdf(CLEAR_DRIFT_SE), df=gap.size - 1))
    clear = abs(mean) > critical * se if se > 0 else mean != 0.0
    return clear and abs(mean) > MATERIAL_DRIFT * drift.level


def _startup_step(values: FloatArray, season: FloatArray | None) -> tuple[float, float, float] | None:
    """(first month's mean, the later months' mean, the gap's standard error) when the first month is a start.

    A state that starts the window empty and fills within a month (the open pipeline under
    ``clock.warmup_days=0``: 28 deals in the first month, 59 after) has no trend for
    :func:`_slopes` to find over 24 months, yet its window's flows read low. The first
    month counts as a start when the later months hold steady (no trend that would warn)
    and it is below them by more than
    :data:`STARTUP_SHORTFALL` of their level, beyond what the seasonality expects of it, and
    clearly (:data:`CLEAR_DRIFT_SE`, run by run). None otherwise.
    """
    from scipy import stats

    if values.shape[1] < 4:
        return None
    expected = 1.0
    if season is not None and season.size == values.shape[1] and season[1:].mean() > 0:
        expected = float(season[0] / season[1:].mean())  # a quiet month of the year is low by itself
    later = values[:, 1:]
    slopes = _slopes(later, None if season is None else season[1:])
    span = later.shape[1] - 1.0
    trend_se = float(slopes.std(ddof=1) * span / math.sqrt(slopes.size))
    trend = float(slopes.mean() * span)
    critical = float(stats.t.ppf(stats.norm.cdf(CLEAR_DRIFT_SE), df=slopes.size - 1))
    if abs(trend) > MATERIAL_DRIFT * float(later.mean()) and abs(trend) > critical * trend_se:
        return None  # the later months still move: a trend through the window, not a start
    gaps = expected * later.mean(axis=1) - values[:, 0]
    first, rest = float(values[:, 0].mean()), float(values[:, 1:].mean())
    se = float(gaps.std(ddof=1) / math.sqrt(gaps.size))
    clear = gaps.mean() > critical * se if se > 0 else gaps.mean() > 0
    material = rest > 0 and gaps.mean() > STARTUP_SHORTFALL * expected * rest
    return (first, rest, se) if clear and material else None


def _slopes(values: FloatArray, season: FloatArray | None) -> FloatArray:
    """Each run's least-squares trend per month over ``values`` (runs x months), beside the seasonality if given."""
    months = np.arange(values.shape[1], dtype=np.float64)
    design = [months - months.mean()]
    if season is not None and season.size == months.size and np.ptp(season) > 0:
        design.append(season - season.mean())
    x = np.column_stack(design)
    coefficients = np.linalg.lstsq(x, (values - values.mean(axis=1, keepdims=True)).T, rcond=None)[0]
    return np.asarray(coefficients[0], dtype=np.float64)


def _seasonal_regressor(runs: pd.DataFrame, multipliers: Sequence[float] | None) -> FloatArray | None:
    """Each window month's mean seasonal multiplier over it and the month before; None: no seasonality."""
    if multipliers is None or len(set(multipliers)) < 2 or "calendar_month" not in runs.columns:
        return None
    labels = runs.drop_duplicates("month").sort_values("month")["calendar_month"].astype(str)
    of_year = np.array([int(label[-2:]) - 1 for label in labels], dtype=np.int64)
    season = np.asarray(multipliers, dtype=np.float64)
    n = season.size
    return np.asarray((season[of_year % n] + season[(of_year - 1) % n]) / 2.0, dtype=np.float64)


def seasonal_shapes(experiment: Experiment) -> dict[str, Sequence[float]]:
    """Each scenario's 12 monthly arrival multipliers (``market.seasonality``), for :func:`transient_drifts`."""
    return {spec.name: tuple(spec.config.market.seasonality) for spec in experiment.scenarios}
