"""What looks unusual: a run's headline figures against the ranges published for B2B sales.

:data:`~simulator.analysis.published_ranges.BENCHMARKS` is the one table of published
ranges, each row with its source (:mod:`simulator.analysis.published_ranges`).
:func:`benchmark_checks` reads a scenario's figures from the summary table
and says which lie outside their range and by how much; the report's "What looks
unusual" section and the terminal summary print them. A figure outside its range is not
necessarily wrong (the published ranges are medians of other companies), but it is the
first thing a sales leader will question.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from simulator.analysis.formatting import format_money
from simulator.analysis.kpi_names import UTILISATION_PREFIX
from simulator.analysis.money_format import money_shown
from simulator.analysis.published_ranges import (
    ARR_PER_ACCOUNT_OWNER,
    ASSUMED_WITH_EFFORT,
    BENCHMARKS,
    DOLLARS,
    EXPANSION_SHARE_LARGER_BOOK,
    EXPANSION_SHARE_SMALLER_BOOK,
    FILLED,
    LARGE_BOOK_ARR,
    QUEUED_UTILISATION,
    RATE,
    SALES_AND_MARKETING_PER_NEW_ARR,
    TEAM_UTILISATION,
    TIMES,
    WORKING_DAYS,
    WORKING_DAYS_A_YEAR,
    Benchmark,
    below_key,
    on_calendar,
    team_key,
)
from simulator.analysis.refit_floor import reaches
from simulator.analysis.tables import summary_row
from simulator.analysis.utilisation import queued_work


@dataclass(frozen=True, slots=True)
class BenchmarkCheck:
    """One figure of one scenario against its published range.

    Attributes:
        benchmark: The published range.
        team: The team, for per-team figures (utilisation); empty otherwise.
        value: The scenario's figure (mean over runs).
        ci_low: Lower end of its 95% CI (NaN when there is none).
        ci_high: Upper end of its 95% CI.
        side: -1 below the range, 0 inside, +1 above.
        window_years: The run's measured window in years, when the figure was converted
            from it to a year (:attr:`Benchmark.yearly`); 1 otherwise.
        window_value: The figure over that window, before the conversion.
        assumed: Why the figure follows from an assumption rather than the data (a calibrated
            company's utilisation: see :mod:`simulator.analysis.assumed`); empty when it does not.
            Such a figure is no finding: it is never named as outside its range.
        reads_high: Why this scenario's figure is expected above the range (a desk answering
            leads within the hour: :mod:`simulator.analysis.fast_answers`), said with the
            figure when it is above; empty when there is no such reason.
        reads_low: Why this scenario's figure is expected below the range (a CSM team carrying
            far more accounts than the survey's: :mod:`simulator.analysis.book_reasons`), said
            with the figure when it is below; empty when there is no such reason.
        basis: The figure that chose this range among several (the customer book beside
            $50M for expansion's share), said with the figure; empty when the range is fixed.
        runs: Runs the figure rests on (a win rate: those that decided a deal).
        refits: The calibrated company's refits the runs share (more runs than refits); 0 otherwise.
        floor: The narrowest 95% CI half-width those refits allow however many runs, in the
            figure's unit (:func:`simulator.analysis.refit_floor.refit_floor`); NaN when the
            runs do not share refits or the figure is no single KPI of the runs.
        spread: The runs' standard deviation of that KPI (0: the same in every run); NaN when none.
    """

    benchmark: Benchmark
    team: str
    value: float
    ci_low: float
    ci_high: float
    side: int
    window_years: float = 1.0
    window_value: float = math.nan
    assumed: str = ""
    reads_high: str = ""
    reads_low: str = ""
    basis: str = ""
    runs: int = 2
    refits: int = 0
    floor: float = math.nan
    spread: float = math.nan

    @property
    def clear(self) -> bool:
        """True when the figure's 95% CI lies wholly on its side of the range (or it has no CI by design: NaN).

        A figure from a single run has no CI and is never clear: one run says nothing of the next.
        An unbounded end (the cost per $1 of bookings when the bookings' mean is not clearly
        above zero) reaches every range.
        """
        if self.runs < 2:
            return False
        if self.side < 0:
            return math.isnan(self.ci_high) or self.ci_high < self.benchmark.low
        if self.side > 0:
            return math.isnan(self.ci_low) or self.ci_low > self.benchmark.high
        return True

    @property
    def floor_reaches(self) -> bool:
        """True when the CI narrowed to :attr:`floor` still reaches the range: more runs cannot clear it."""
        line = self.benchmark.low if self.side < 0 else self.benchmark.high
        return self.side != 0 and reaches(self.value, self.floor, line)

    @property
    def distance(self) -> float:
        """How far outside the range the figure lies, in the benchmark's unit (0 inside)."""
        if self.side < 0:
            return self.benchmark.low - self.value
        if self.side > 0:
            return self.value - self.benchmark.high
        return 0.0


def format_in_unit(value: float, unit: str) -> str:
    """A value in a benchmark's unit: ``23.4%``, ``41.1 working days``, ``$1.85``."""
    if not math.isfinite(value):
        return "n/a"
    if unit == RATE:
        return f"{value:.1%}"
    if unit == WORKING_DAYS:
        return f"{value:.1f} working days"
    if unit == DOLLARS:
        return format_money(value)
    if unit == TIMES:
        return f"{value:.1f}×"
    return f"${value:.2f}"


def range_words(benchmark: Benchmark) -> str:
    """The published range in words (``20–28%``, ``10.0% or more``, ``41.1–57.5 working days``)."""
    unit = benchmark.unit
    if math.isinf(benchmark.high):
        return f"{format_in_unit(benchmark.low, unit)} or more"
    if benchmark.low == 0.0:
        return f"at most {format_in_unit(benchmark.high, unit)}"
    if unit == RATE:
        return f"{benchmark.low * 100:.0f}–{benchmark.high:.0%}"
    if unit == WORKING_DAYS:
        return f"{benchmark.low:.1f}–{benchmark.high:.1f} working days"
    if unit == DOLLARS:  # both ends in the high end's unit: $0.85M–$3.40M, not $850.0k–$3.40M
        if round(benchmark.high / 1e6, 2) >= 1.0 and round(benchmark.high / 1e6, 2) < 1e3:
            return f"${benchmark.low / 1e6:.2f}M–{format_money(benchmark.high)}"
        return f"{format_money(benchmark.low)}–{format_money(benchmark.high)}"
    if unit == TIMES:
        return f"{benchmark.low:.1f}–{benchmark.high:.1f}×"
    return f"${benchmark.low:.2f}–${benchmark.high:.2f}"


def distance_words(check: BenchmarkCheck) -> str:
    """How far outside, in the unit a reader uses: ``19.2 points below``, ``8.3 working days above``, ``1.9× below``."""
    where = "below" if check.side < 0 else "above"
    unit = check.benchmark.unit
    if unit == RATE:
        return f"{check.distance * 100:.1f} points {where}"
    if unit == WORKING_DAYS:
        return f"{check.distance:.1f} working days {where}"
    if unit == DOLLARS:  # from the value as shown: $4.40M against $0.85M–$3.40M is $1.00M above, not $996.5k
        edge = check.benchmark.low if check.side < 0 else check.benchmark.high
        return f"{format_money(abs(money_shown(check.value) - edge))} {where}"
    if unit == TIMES:  # in the figure's own unit: "1.9× below", as its value (1.1×) and range (3.0–5.0×) read
        return f"{check.distance:.1f}× {where}"
    return f"${check.distance:.2f} {where}"


_SHOWN = {RATE: 0.0005, WORKING_DAYS: 0.05, DOLLARS: 5_000.0, TIMES: 0.05}
"""Half the last digit a figure is shown to, by unit (0.05 points, 0.05 working days, $5k of $M); $0.005 otherwise."""


def _side(benchmark: Benchmark, value: float) -> int:
    """-1 below the range, 1 above, 0 inside or outside by less than the figures are shown to (0.05 points)."""
    shown = _SHOWN.get(benchmark.unit, 0.005)
    if value < benchmark.low - shown:
        return -1
    if value > benchmark.high + shown:
        return 1
    return 0


def _figures(
    summary: pd.DataFrame, scenario: str, benchmark: Benchmark, reserved: Mapping[str, float] | None = None
) -> list[tuple[str, float, float, float]]:
    """(team, mean, ci_low, ci_high) of the figure a benchmark compares; empty when the run has none."""
    if benchmark.kpi in (TEAM_UTILISATION, QUEUED_UTILISATION):
        return _utilisation(summary, scenario, filled=benchmark.kpi == QUEUED_UTILISATION, reserved=reserved)
    if benchmark.kpi == SALES_AND_MARKETING_PER_NEW_ARR and summary_row(summary, scenario, benchmark.kpi) is None:
        # no runs' row (:mod:`.acquisition_cost`): the ratio of the summary's means, with no CI
        rows = [summary_row(summary, scenario, k) for k in ("cost_of_sales", "cost_marketing", "bookings")]
        if any(r is None for r in rows):
            return []
        cost, leads, booked = (float(r["mean"]) for r in rows if r is not None)
        # the cost of serving existing customers is not spent on new-customer ARR
        serving = summary_row(summary, scenario, "cost_retention")
        cost -= float(serving["mean"]) if serving is not None else 0.0
        return [("", (cost + leads) / booked, math.nan, math.nan)] if booked > 0 else []
    if benchmark.kpi in (EXPANSION_SHARE_SMALLER_BOOK, EXPANSION_SHARE_LARGER_BOOK):
        return _expansion_share(summary, scenario, larger=benchmark.kpi == EXPANSION_SHARE_LARGER_BOOK)
    if benchmark.kpi == ARR_PER_ACCOUNT_OWNER:
        return _arr_per_account_owner(summary, scenario)
    preferred = summary_row(summary, scenario, benchmark.preferred) if benchmark.preferred else None
    row = preferred if preferred is not None else summary_row(summary, scenario, benchmark.kpi)
    if row is None:
        return []
    return [("", float(row["mean"]), float(row["ci_low"]), float(row["ci_high"]))]


def _expansion_share(summary: pd.DataFrame, scenario: str, larger: bool) -> list[tuple[str, float, float, float]]:
    """``expansion_share_of_new_arr`` when the scenario's book is on this benchmark's side of $50M."""
    share, book = (summary_row(summary, scenario, k) for k in ("expansion_share_of_new_arr", "customer_arr"))
    if share is None or book is None or not math.isfinite(float(book["mean"])):
        return []
    if (float(book["mean"]) >= LARGE_BOOK_ARR) != larger:
        return []
    return [("", float(share["mean"]), float(share["ci_low"]), float(share["ci_high"]))]


def _book_basis(summary: pd.DataFrame, scenario: str) -> str:
    """The customer book that chose expansion's range: ``a customer book of $49.2M, under $50M``."""
    book = summary_row(summary, scenario, "customer_arr")
    if book is None:
        return ""
    value = float(book["mean"])
    side = "under" if value < LARGE_BOOK_ARR else "at or above"
    return f"a customer book of {format_money(value)}, {side} ${LARGE_BOOK_ARR / 1e6:g}M"


def _arr_per_account_owner(summary: pd.DataFrame, scenario: str) -> list[tuple[str, float, float, float]]:
    """``customer_arr_per_rep_<team>`` of each team owning customer accounts (one in a run)."""
    rows = summary[(summary["scenario"] == scenario) & summary["kpi"].str.startswith(ARR_PER_ACCOUNT_OWNER)]
    return [
        (str(r["kpi"]).removeprefix(ARR_PER_ACCOUNT_OWNER), float(r["mean"]), float(r["ci_low"]), float(r["ci_high"]))
        for _, r in rows.iterrows()
    ]


def sells(summary: pd.DataFrame, scenario: str, team: str, queued: float) -> bool:
    """False for a team with no selling duties: no queued work (deals, renewals, expansions) and no prospecting.

    A partner manager team spends its time recruiting and enabling partners: "0.0% queued
    work, then 75% prospecting or partner work" in How busy each team is. Its 75% is not
    selling time, so the 70–85% planning range of selling time (BENCHMARKS.md, People) says
    nothing about it; it read "Utilisation of selling time 74.6%, inside" beside that table.
    """
    prospecting = summary_row(summary, scenario, f"{UTILISATION_PREFIX}{team}_prospecting")
    prospects = prospecting is not None and float(prospecting["mean"]) >= _SHOWN[RATE]
    return queued >= _SHOWN[RATE] or prospects


def _utilisation(
    summary: pd.DataFrame, scenario: str, filled: bool, reserved: Mapping[str, float] | None = None
) -> list[tuple[str, float, float, float]]:
    """Teams whose idle time is filled by pool work (``filled``: their queued work) or not (their total).

    Teams with no selling duties (:func:`sells`) are left out of both. A team's queued work is
    over the selling time its ``reserved`` share (prospecting blocks) leaves, as its load is
    (:func:`simulator.analysis.utilisation.team_loads`).
    """
    figures = []
    for team, queued, _low, _high, adjusted in queued_work(summary, scenario):
        if not sells(summary, scenario, team, queued):
            continue
        total = summary_row(summary, scenario, f"{UTILISATION_PREFIX}{team}")
        is_filled = adjusted and total is not None and float(total["mean"]) >= FILLED
        if is_filled and filled:
            blocked = (reserved or {}).get(team, 0.0)
            figures.append((team, min(queued / (1.0 - blocked), 1.0) if blocked < 1.0 else queued, math.nan, math.nan))
        elif not is_filled and not filled and total is not None:
            figures.append((team, float(total["mean"]), float(total["ci_low"]), float(total["ci_high"])))
    return figures


def per_year(ratio: float, window_years: float) -> float:
    """A ratio over a window of ``window_years`` as the ratio over one year at the same pace.

    Retention compounds: keeping 81% of ARR over two years is keeping 90% a year
    (0.81 ** (1/2)). NaN stays NaN; a ratio of 0 stays 0; so does any ratio over a window
    of one year.
    """
    if not math.isfinite(ratio) or ratio <= 0.0 or abs(window_years - 1.0) < 1e-9:
        return ratio
    return float(ratio ** (1.0 / window_years))


def _runs_behind(summary: pd.DataFrame, scenario: str, benchmark: Benchmark) -> int:
    """Runs a figure rests on: its KPI's ``n`` (a win rate: runs that decided a deal); else the largest ``n``."""
    for kpi in (benchmark.preferred, benchmark.kpi):
        row = summary_row(summary, scenario, kpi) if kpi else None
        if row is not None and "n" in row.index and math.isfinite(float(row["n"])):
            return int(row["n"])
    rows = summary[summary["scenario"] == scenario]
    return int(rows["n"].max()) if "n" in rows.columns and len(rows) else 2


def benchmark_checks(
    summary: pd.DataFrame,
    scenario: str,
    window_years: float = 1.0,
    assumed: str = "",
    reasons: Mapping[str, str] | None = None,
    days_per_year: float = WORKING_DAYS_A_YEAR,
    floors: Mapping[str, float] | None = None,
    refits: int = 0,
    reserved: Mapping[str, float] | None = None,
) -> list[BenchmarkCheck]:
    """Every benchmarked figure of ``scenario`` against its published range, in :data:`BENCHMARKS` order.

    Figures the run does not produce (no customers, no forecast scored) are left out.
    ``window_years`` is the scenario's measured window (horizon less warm-up) in years:
    yearly figures measured over another window (retention) are converted to a year
    before they are compared, their 95% CI with them. ``assumed``: why the scenario's
    utilisation follows from assumed effort (:func:`simulator.analysis.assumed.assumed_figures`);
    its utilisation checks carry it. ``reasons``: KPI (``kpi:team`` for a per-team figure:
    :func:`~simulator.analysis.published_ranges.team_key`) -> why the scenario's figure is
    expected above its range (:attr:`BenchmarkCheck.reads_high`), and ``below_key`` of it -> why
    below (:attr:`BenchmarkCheck.reads_low`). ``days_per_year``: the working days of the
    scenario's year, which a range published in calendar days is converted at
    (:func:`~simulator.analysis.published_ranges.on_calendar`). ``floors``: KPI -> the narrowest
    CI half-width the ``refits`` the runs share allow (:func:`~simulator.analysis.refit_floor.scenario_floors`),
    carried by the check of the figure that KPI is. ``reserved``: team -> the share of its selling
    time reserved for prospecting (:func:`~simulator.analysis.utilisation.reserved_shares`): its
    queued work is read over the rest, and the check says so.

    Raises:
        ValueError: If ``window_years`` or ``days_per_year`` is not positive.
    """
    if not window_years > 0.0:
        raise ValueError(f"window_years must be positive, got {window_years!r}")
    checks = []
    for published in BENCHMARKS:
        benchmark = on_calendar(published, days_per_year)
        for team, value, low, high in _figures(summary, scenario, benchmark, reserved):
            if not math.isfinite(value):
                continue
            if benchmark.yearly and abs(window_years - 1.0) >= 1e-9:
                yearly = per_year(value, window_years)
                check = BenchmarkCheck(
                    benchmark,
                    team,
                    yearly,
                    per_year(low, window_years),
                    per_year(high, window_years),
                    _side(benchmark, yearly),
                    window_years,
                    value,
                )
            else:
                check = BenchmarkCheck(benchmark, team, value, low, high, _side(benchmark, value))
            if assumed and benchmark.kpi in ASSUMED_WITH_EFFORT:
                check = replace(check, assumed=assumed)
            key = team_key(benchmark.kpi, team) if team else benchmark.kpi
            check = replace(
                check, reads_high=(reasons or {}).get(key, ""), reads_low=(reasons or {}).get(below_key(key), "")
            )
            if benchmark.kpi in (EXPANSION_SHARE_SMALLER_BOOK, EXPANSION_SHARE_LARGER_BOOK):
                check = replace(check, basis=_book_basis(summary, scenario))
            if benchmark.kpi == QUEUED_UTILISATION and 0.0 < (blocked := (reserved or {}).get(team, 0.0)) < 1.0:
                check = replace(check, basis=f"of the {1.0 - blocked:.0%} of its selling time its reserved hours leave")
            column = _column(summary, scenario, benchmark, team)
            row = summary_row(summary, scenario, column) if column else None
            floor = (floors or {}).get(column, math.nan)
            if math.isfinite(floor) and abs(window_years - 1.0) >= 1e-9 and benchmark.yearly:
                floor = (per_year(value + floor, window_years) - per_year(max(value - floor, 0.0), window_years)) / 2
            spread = float(row["std"]) if row is not None and "std" in row.index else math.nan
            runs = _runs_behind(summary, scenario, benchmark)
            checks.append(replace(check, runs=runs, refits=refits if floors else 0, floor=floor, spread=spread))
    return checks


def _column(summary: pd.DataFrame, scenario: str, benchmark: Benchmark, team: str) -> str:
    """The KPI of the runs a figure is (a team's utilisation, its ARR per rep), or '' when it is none alone."""
    if benchmark.kpi == TEAM_UTILISATION:
        return f"{UTILISATION_PREFIX}{team}"
    if benchmark.kpi == ARR_PER_ACCOUNT_OWNER:
        return f"{ARR_PER_ACCOUNT_OWNER}{team}"
    if benchmark.kpi in (QUEUED_UTILISATION, SALES_AND_MARKETING_PER_NEW_ARR):
        return ""  # worked out from several KPIs (or with no CI): no single KPI's floor
    if benchmark.kpi in (EXPANSION_SHARE_SMALLER_BOOK, EXPANSION_SHARE_LARGER_BOOK):
        return "expansion_share_of_new_arr"
    if benchmark.preferred and summary_row(summary, scenario, benchmark.preferred) is not None:
        return benchmark.preferred
    return benchmark.kpi
