"""The back-test's files: backtest.csv, one fan chart per KPI with the actuals, and backtest.md."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.backtest import PART_KEYS, backtest_table, coverage, spread_split
from simulator.calibration.backtest_kpis import KPIS
from simulator.calibration.cautions import origin_cautions
from simulator.io.atomic import atomic_write
from simulator.report.backtest_thin import thin_months
from simulator.report.layouts import BACKTEST
from simulator.report.plot_style import format_axis, plt, save_figure
from simulator.run.backtest import OriginResult
from simulator.run.csv_text import OUTPUT_FLOAT_FORMAT

NAMES = {
    "won_deals": "Deals won",
    "bookings": "Bookings ($)",
    "win_rate": "Win rate (won / decided)",
    "median_cycle_days": "Median cycle of wins (working days)",
    "open_pipeline": "Open pipeline at period end (deals)",
    "new_opportunities": "New opportunities (deals created)",
}

LAYOUT = BACKTEST
"""What the back-test writes in its ``--out`` folder: it refuses a folder holding anything else."""


def scored_marks(inside: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the rows whose actual fell inside P10–P90 and of those outside; a row not scored is in neither.

    ``inside`` is the table's ``inside_p10_p90`` column: True, False, or None where the row
    has no actual (a period after the export's end) or no band, and so is not scored.
    """
    scored = inside.notna().to_numpy()
    within = scored & inside.eq(True).to_numpy()
    return within, scored & ~within


def fan_chart(table: pd.DataFrame, kpi: str, path: Path) -> Path:
    """P10–P90 band and P50 per month for each origin, with the actual months as dots."""
    rows = table[(table["kpi"] == kpi) & (table["period_kind"] == "month")]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    unscored = False
    origins = rows["origin"].nunique()
    spread = 4.0 if origins <= 5 else 16.0 / (origins - 1)  # days between origins' marks inside a month
    for i, (origin, part) in enumerate(rows.groupby("origin")):
        colour = f"C{i}"
        part = part.sort_values("period")
        months = pd.PeriodIndex(part["period"], freq="M")
        # each month's band spans that month, its start to the next month's (step "post", its value held
        # through it): the marks had stood on the month's first day with the band stepped around them, so
        # half of each month's band was drawn over the month before. The marks stand mid-month, each
        # origin a few days apart so that they do not hide one another.
        edges = months.to_timestamp().append((months[-1:] + 1).to_timestamp())
        low, high = part["p10"].to_numpy(), part["p90"].to_numpy()
        ax.fill_between(
            edges,
            np.append(low, low[-1:]),
            np.append(high, high[-1:]),
            color=colour,
            alpha=0.25,
            step="post",
            label=f"P10–P90 from {origin}",
        )
        x = months.to_timestamp() + pd.Timedelta(days=14 + (i - (origins - 1) / 2) * spread)
        ax.plot(x, part["p50"], color=colour, lw=1.5, label=f"P50 from {origin}")
        inside, outside = scored_marks(part["inside_p10_p90"])
        alone = ~(inside | outside) & part["actual"].notna().to_numpy()
        unscored |= bool(alone.any())
        ax.scatter(x[inside], part["actual"][inside], color="black", zorder=3, s=18)
        ax.scatter(x[outside], part["actual"][outside], color="red", marker="x", zorder=3, s=30)
        ax.scatter(x[alone], part["actual"][alone], edgecolors="grey", facecolors="none", zorder=3, s=18)
    ax.scatter([], [], color="black", s=18, label="actual (inside)")
    ax.scatter([], [], color="red", marker="x", s=30, label="actual (outside)")
    if unscored:  # an actual with no simulated band (no run reported the KPI that month)
        ax.scatter([], [], edgecolors="grey", facecolors="none", s=18, label="actual (no band: not scored)")
    ax.set_title(f"{NAMES[kpi]} by month: simulated band and what happened")
    # bookings in $M and the win rate in %, as the reports write them (the axis had read "1e6" and 0.6)
    if kpi in ("bookings", "win_rate"):  # the KPIs of the same name: their units
        format_axis(ax, kpi)
    # the figure's own type size (8 points), below the panel: at 7 points inside it, it was under every
    # other figure's smallest text, and at 8 points "best" still covered a band or an actual somewhere
    fig.legend(loc="outside lower center", ncol=3, frameon=False)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return save_figure(fig, path)


def where(misses: pd.DataFrame, kpi: str) -> list[str]:
    """'period from origin' of each miss of ``kpi`` (a part-period with its dates)."""
    rows = misses[misses["kpi"] == kpi]
    return [f"{period_words(row)} from {row['origin']}" for row in rows.to_dict("records")]


def period_words(row: Mapping[Any, Any]) -> str:
    """A table row's period: its label, and for a part-period its dates (``2017-Q4 (part: 2017-10-01 to ...)``)."""
    if bool(row.get("whole_period", True)):
        return str(row["period"])
    return f"{row['period']} (part: {row['period_first']} to {row['period_last']})"


def _share(value: float) -> str:
    return f"{100 * value:.0f}%" if math.isfinite(value) else "– (no whole period scored)"


def _coverage_words(cover: dict[str, float]) -> str:
    """The coverage headline; with no whole period scored, said so (it read "– (no whole period scored) of 0 rows")."""
    if not cover["rows"]:
        return (
            "**Coverage of the P10–P90 band: no whole month or quarter scored** (each lies past --until or the "
            "export's end, or is cut by them); an 80% band should hold about 80%."
        )
    return (
        f"**Coverage of the P10–P90 band: {_share(cover['overall'])}** of {cover['rows']:.0f} origin × period × KPI "
        "rows (whole months and quarters); an 80% band should hold about 80%."
    )


def _part_words(results: list[OriginResult], cover: dict[str, float]) -> str:
    """The part-periods, named with their dates, and their coverage counted apart from the whole periods'.

    A month or quarter cut by an origin or ``--until`` had been labelled as the whole one and
    counted in the quarters' coverage ('2017-Q4' holding Oct 1 to Dec 15, 917 won of 1,196).
    """
    parts = sorted({p.shown for r in results for p in r.periods if not p.whole})
    if not parts:
        return ""
    scored = (
        f"; their coverage, counted apart: {100 * cover['part_periods']:.0f}% of {cover['part_rows']:.0f} rows"
        if cover["part_rows"]
        else "; none of their rows is scored"
    )
    return (
        f" Part-periods (cut by an origin or --until, so not comparable with whole ones) are left out of it: "
        f"{', '.join(parts)}{scored}."
    )


def inside_words(inside: Any) -> str:
    """The quarter table's inside column: yes, no, or – for a row not scored (no actual, or no band)."""
    if inside is None or (isinstance(inside, float) and math.isnan(inside)):
        return "–"
    return "yes" if inside else "no"


def _fmt(kpi: Any, value: Any) -> str:
    if not math.isfinite(value):
        return "–"
    if kpi == "win_rate":
        return f"{100 * value:.1f}%"
    if kpi == "bookings":
        return f"${value / 1e6:.2f}M"
    return f"{value:,.0f}"


def backtest_markdown(
    results: list[OriginResult],
    table: pd.DataFrame,
    cover: dict[str, float],
    runs: int,
    uncertainty: str,
    seconds: float,
) -> str:
    """backtest.md: coverage, the quarter table, misses and why, the spread split and timings."""
    lines = [
        "# Back-test",
        "",
        f"Origins {', '.join(str(r.origin) for r in results)}; each calibrated on the export up to its origin, "
        f"simulated {runs} times to {results[0].calibration.until} "
        + (
            "(with a bootstrap parameter draw per replication)."
            if uncertainty == "bootstrap"
            else "(process noise only)."
        ),
        "",
        _coverage_words(cover) + _part_words(results, cover),
    ]
    by = [f"| {k} | {100 * v:.0f}% |" for k, v in cover.items() if k not in ("overall", "rows", *PART_KEYS)]
    if by:  # with no whole period scored, no table of headers alone
        lines += ["", "| coverage by (whole periods) | share inside P10–P90 |", "|---|---|", *by]
    cautions = origin_cautions([str(r.origin) for r in results], [r.calibration for r in results])
    if cautions:  # the export's readings calibrate prints, said where the back-test is read as well
        lines += ["", "## Cautions", "", *[f"- {line}" for line in cautions]]
    export_date = results[0].calibration.export.export_date
    unrecorded = [p.label for p in results[0].periods if p.last > export_date]
    if unrecorded:
        cut = [p.label for p in results[0].periods if p.first <= export_date < p.last]
        part = (
            f" ({', '.join(cut)} only up to it: --until {export_date} scores {'it' if len(cut) == 1 else 'them'} as "
            "part-periods)"
            if cut
            else ""
        )
        lines += [
            "",
            f"The export records nothing after {export_date}{part}: {', '.join(unrecorded)} have no actual and are "
            "left out of the coverage (simulated, not scored).",
        ]
    lines += [
        "",
        "## Quarters",
        "",
        "| origin | quarter | KPI | actual | P10 | P50 | P90 | inside |",
        "|---|---|---|---|---|---|---|---|",
    ]
    quarters = table[table["period_kind"] == "quarter"]
    for row in quarters.to_dict("records"):
        kpi = row["kpi"]
        figures = " | ".join(_fmt(kpi, row[c]) for c in ("actual", "p10", "p50", "p90"))
        inside = inside_words(row["inside_p10_p90"])
        lines.append(f"| {row['origin']} | {period_words(row)} | {kpi} | {figures} | {inside} |")
    misses = table[table["inside_p10_p90"].notna() & ~table["inside_p10_p90"].astype(bool)]
    lines += ["", "## Where the actual fell outside", ""]
    if misses.empty:
        lines.append("Nowhere.")
    else:
        above = misses[misses["actual"] > misses["p90"]]
        below = misses[misses["actual"] < misses["p10"]]
        for kpi in KPIS:
            parts = [
                f"{len(where(side, kpi))} {words} ({', '.join(where(side, kpi))})"
                for side, words in ((above, "above P90"), (below, "below P10"))
                if where(side, kpi)
            ]
            if parts:
                lines.append(f"- {NAMES[kpi]}: {'; '.join(parts)}.")
        thin = thin_months(table)
        lines += ["", thin] if thin else []
    split = spread_split(results)
    if len(split):
        lines += [
            "",
            "## Spread of the headline figures: parameter and process",
            "",
            "Standard deviation over runs; the parameter part is the bootstrap runs' variance less the point "
            "runs' (same seeds).",
            "",
            "| origin | quarter | KPI | sd total | sd process | sd parameter | parameter share of variance |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in split.to_dict("records"):
            share = (
                f"{100 * row['parameter_share_of_variance']:.0f}%"
                if math.isfinite(row["parameter_share_of_variance"])
                else "–"
            )
            lines.append(
                f"| {row['origin']} | {row['period']} | {row['kpi']} | {_fmt(row['kpi'], row['sd_total'])} | "
                f"{_fmt(row['kpi'], row['sd_process'])} | {_fmt(row['kpi'], row['sd_parameter'])} | {share} |"
            )
    lines += ["", "## Time", ""]
    for r in results:
        engine = f" on {r.engine}" if r.engine else ""
        lines.append(
            f"- origin {r.origin}: calibrate {r.calibrate_seconds:.1f} s, simulate {r.simulate_seconds:.1f} s{engine}"
        )
    lines += [f"- whole back-test: {seconds:.1f} s", ""]
    return "\n".join(lines)


def write_backtest(results: list[OriginResult], out: Path, runs: int, uncertainty: str, seconds: float) -> list[Path]:
    """Write backtest.csv, backtest.md and fan_<kpi>.png into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    table = backtest_table(results)
    cover = coverage(table)
    # 10 significant digits, as the run's tables: 6 had written the actual $2,192,589 as 2.19259e+06
    written = [
        atomic_write(out / "backtest.csv", lambda f: table.to_csv(f, index=False, float_format=OUTPUT_FLOAT_FORMAT))
    ]
    written += [fan_chart(table, kpi, out / f"fan_{kpi}.png") for kpi in KPIS]
    text = backtest_markdown(results, table, cover, runs, uncertainty, seconds)
    written.append(atomic_write(out / "backtest.md", lambda f: f.write(text)))
    return written
