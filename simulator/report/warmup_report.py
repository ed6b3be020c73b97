"""The warm-up study's outputs: ``warmup.csv``, the Welch figure ``warmup.png`` and ``warmup.md``."""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from simulator.analysis.formatting import format_money
from simulator.analysis.warmup import MATERIAL_SHIFT, Truncation, moving_average
from simulator.analysis.warmup_study import WarmupStudy
from simulator.analysis.wording import join_words
from simulator.io.atomic import atomic_write
from simulator.report.document import write_text_atomic
from simulator.report.layouts import WARMUP
from simulator.report.plot_style import WORSE_COLOUR, format_axis, save_figure

SERIES_TITLES = {
    "open_pipeline": "Open pipeline (deals)",
    "open_pipeline_value": "Open pipeline value ($)",
    "customers_active": "Customer book (accounts)",
    "expansions_open": "Expansion backlog (open opportunities)",
    "partners_active": "Active partners",
    "ramped_fte": "Ramped FTE",
    "rep_tenure_months": "Mean rep tenure (months)",
}


def _table(study: WarmupStudy) -> pd.DataFrame:
    window = max(1, round(study.days_per_month))
    frames = [
        pd.DataFrame(
            {
                "series": name,
                "day": np.arange(series.size),
                "mean": series,
                "moving_average": moving_average(series, window),
            }
        )
        for name, series in study.means.items()
    ]
    return pd.concat(frames, ignore_index=True)


def plot_warmup(study: WarmupStudy, path: Path) -> Path:
    """Welch's plot: each averaged series smoothed over a month, with its MSER-5 truncation point."""
    names = [t.series for t in study.truncations]
    ncols = 2
    nrows = max(1, -(-len(names) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(10.0, 2.6 * nrows), squeeze=False)
    window = max(1, round(study.days_per_month))
    for ax, truncation in zip(axes.ravel(), study.truncations, strict=False):
        series = study.means[truncation.series]
        days = np.arange(series.size) / study.days_per_month
        ax.plot(days, series, color="0.75", linewidth=0.8, label="mean of the runs")
        ax.plot(days, moving_average(series, window), color="C0", linewidth=1.8, label="moving average (a month)")
        ax.axvline(
            truncation.observations / study.days_per_month,
            color=WORSE_COLOUR if truncation.material else NOT_COUNTED,
            linestyle="--",
        )
        ax.set_title(SERIES_TITLES.get(truncation.series, truncation.series), fontsize=10)
        if truncation.series.endswith("_value"):  # money as money: the pipeline's value had read "2.5" under "1e6"
            format_axis(ax, truncation.series)
        ax.set_xlabel("months from day 0", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    # one legend below the panels for every mark: the first panel's own had named a single "MSER-5 truncation",
    # red or grey as that panel's was, and said nothing of the other colour
    fig.legend(handles=_legend(study), loc="outside lower center", ncol=2, frameon=False, fontsize=8)
    fig.suptitle(
        f"{study.scenario}: state from day 0, mean of {study.runs} runs; "
        f"recommended warm-up {study.warmup_days:.0f} working days",
        fontsize=11,
    )
    return save_figure(fig, path)


NOT_COUNTED = "0.5"
"""The grey of a truncation too small to count (it sets no warm-up)."""


def _legend(study: WarmupStudy) -> list[Line2D]:
    """The legend's marks: the two series' lines, then each colour of truncation line the figure draws."""
    handles = [
        Line2D([], [], color="0.75", linewidth=0.8, label="mean of the runs"),
        Line2D([], [], color="C0", linewidth=1.8, label="moving average (a month)"),
    ]
    if any(t.material for t in study.truncations):
        handles.append(Line2D([], [], color=WORSE_COLOUR, linestyle="--", label="MSER-5 truncation that counts"))
    if not all(t.material for t in study.truncations):
        label = "MSER-5 truncation too small to count (sets no warm-up)"
        handles.append(Line2D([], [], color=NOT_COUNTED, linestyle="--", label=label))
    return handles


def _level(series: str, level: float) -> str:
    """A series' level as its unit reads: money compact (``$2.40M``), counts with one decimal."""
    return format_money(level) if series.endswith("_value") else f"{level:,.1f}"


def rerun_command(study: WarmupStudy, rerun: Sequence[str] = ()) -> str:
    """``salesim warmup --runs N`` with the runs the widest of :attr:`WarmupStudy.unresolved` needs.

    ``rerun``: the study's other arguments (``--years``, ``--scenario``, ``--config-dir``, overrides).
    """
    runs = max((u.runs for u in study.unresolved), default=study.runs)
    return shlex.join(["salesim", "warmup", "--runs", str(runs), *rerun])


def too_few_runs(study: WarmupStudy, rerun: Sequence[str] = ()) -> str:
    """The paragraph naming the series whose wobble over the study's runs could hide a transient that counts."""
    if not study.unresolved:
        return ""
    share = f"{MATERIAL_SHIFT:.0%}"
    lines = []
    for u in study.unresolved:
        level = next(t.level for t in study.truncations if t.series == u.series)
        wobble, hidden, counts = (_level(u.series, x) for x in (u.wobble, 2.0 * u.wobble, u.threshold))
        # the runs' noise is the steady half's wobble: what more runs narrow (1.2 of tenure's 1.6 at 10 runs)
        steady = _level(u.series, u.steady) if math.isfinite(u.steady) else wobble
        lines.append(
            f"- {SERIES_TITLES.get(u.series, u.series)}: its 5-day means wobble by {wobble}, so a transient shifting "
            f"it by up to {hidden} ({2.0 * u.wobble / abs(level):.1%} of its level {_level(u.series, level)}) reads "
            f"as wobble, where {share} ({counts}) counts; the runs' own noise, {steady} over its steady second "
            f"half, narrows as 1/√runs: about {u.runs:,} runs would bring it to "
            f"{_level(u.series, u.threshold / 2.0)}, so that a {share} transient would count."
        )
    names = join_words([SERIES_TITLES.get(u.series, u.series) for u in study.unresolved])
    return "\n".join(
        [
            f"**Too few runs to rule out a transient in {names}**: over {study.runs} runs a transient that counts "
            "could be taken for the wobble of the runs' mean and set no warm-up, so the recommendation may be too "
            "short.",
            "",
            *lines,
            "",
            "The wobble of a mean of runs narrows as 1/√runs (estimated from the second half of each series, past "
            f"MSER-5's search); study again with more runs: `{rerun_command(study, rerun)}`.",
        ]
    )


def warmup_markdown(study: WarmupStudy, rerun: Sequence[str] = ()) -> str:
    """The study in words: each series' truncation point and level, and the warm-up to use.

    ``rerun``: the study's arguments other than ``--runs``, for the command that would
    resolve a series too noisy over its runs (:func:`too_few_runs`).
    """
    rows = [
        f"| {SERIES_TITLES.get(t.series, t.series)} | {t.observations} | {t.observations / study.days_per_month:.1f} | "
        f"{_level(t.series, t.level)} | "
        f"{'yes' if t.material else 'no: within the wobble of the series itself or under 2%'} | "
        f"{_settled_words(t)} |"
        for t in study.truncations
    ]
    drifting = [SERIES_TITLES.get(t.series, t.series) for t in study.truncations if not t.settled and not t.material]
    verdict = (
        f"**Recommended warm-up: `clock.warmup_days={study.warmup_days:.0f}`** "
        f"({study.warmup_days / study.days_per_month:.0f} months): the longest truncation that counts (its "
        "cut-off part differs from the rest by more than twice the wobble of the rest's 5-day means "
        "and by more than 2%), "
        "rounded up to a month."
        + (
            f" {join_words(drifting)} {'is' if len(drifting) == 1 else 'are'} still moving at half the horizon, "
            "by too little to count (under 2%, or within the wobble of the series itself), so "
            f"{'it does' if len(drifting) == 1 else 'they do'} not set the recommendation; a study over more years "
            "would say whether they settle."
            if drifting
            else ""
        )
        if study.settled
        else "**Some series do not settle within the horizon studied**: run the study over more years, or start the "
        "state closer to its steady level (initial customers, partners, tenures)."
    )
    verdict += configured_words(study)
    warning = too_few_runs(study, rerun)
    return "\n".join(
        [
            f"# Warm-up study: {study.scenario}",
            "",
            f"{study.runs} runs from day 0 with no warm-up, each series averaged over the runs day by day. MSER-5 "
            "(White 1997) truncates the batches of 5 days that minimise the marginal standard error of the rest; the "
            "search covers the first half of the horizon. `warmup.png` draws Welch's moving average, "
            "each series' truncation a dashed line: red where it counts, grey where it is too small to count.",
            "",
            "| Series | MSER-5 truncation (working days) | (months) | Level after it | Counts | Settled |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            verdict,
            "",
            *([warning, ""] if warning else []),
        ]
    )


def configured_words(study: WarmupStudy) -> str:
    """`` The scenario is run now with `clock.warmup_days=250` (12 months), which covers it.``, or says it is shorter.

    The study runs from day 0, setting the scenario's own warm-up aside; its recommendation
    had stood alone, so that plan_check's 190-run study asking for 375 days (mean rep tenure
    still falling 16 months in) never said that the 250 the scenario runs with cuts the
    transient short, nor a 20-run study asking 188 that 250 is already enough. '' when the
    scenario's warm-up is unknown or a series does not settle within the horizon studied.
    """
    days = study.configured_days
    if not math.isfinite(days) or not study.settled:
        return ""
    months = days / study.days_per_month
    now = (
        f"`clock.warmup_days={days:g}` ({months:.0f} months)"
        if abs(months - round(months)) < 0.05
        else (f"`clock.warmup_days={days:g}` ({months:.1f} months)")
    )
    longer = [SERIES_TITLES.get(t.series, t.series) for t in study.truncations if t.material and t.observations > days]
    if not longer:  # it covers every cut that counts (the recommendation rounds the longest up to a month)
        hedge = ", as far as these runs tell" if study.unresolved else ""
        return f" The scenario is run now with {now}, which covers it{hedge}."
    moves = "moves" if len(longer) == 1 else "move"
    return (
        f" The scenario is run now with {now}, shorter than that: its measured window starts while "
        f"{join_words(longer)} still {moves} from the run's start; set `clock.warmup_days={study.warmup_days:.0f}` "
        "(and `clock.horizon_days` longer by as much, to keep the measured window)."
    )


def _settled_words(truncation: Truncation) -> str:
    """The table's "Settled" cell: a series that still moves at half the horizon, and whether that counts."""
    if truncation.settled:
        return "yes"
    if truncation.material:
        return "no: still moving at half the horizon"
    return "no: still moving at half the horizon, by too little to count"


LAYOUT = WARMUP
"""What the warm-up study writes in its ``--out`` folder: it refuses a folder holding anything else."""


def write_warmup(study: WarmupStudy, out_dir: Path | str, rerun: Sequence[str] = ()) -> list[Path]:
    """Write ``warmup.csv``, ``warmup.png`` and ``warmup.md`` into ``out_dir`` (atomically).

    ``rerun``: the study's arguments other than ``--runs`` (see :func:`warmup_markdown`).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = _table(study)
    csv = atomic_write(out / "warmup.csv", lambda f: table.to_csv(f, index=False))
    return [
        csv,
        plot_warmup(study, out / "warmup.png"),
        write_text_atomic(out / "warmup.md", warmup_markdown(study, rerun)),
    ]
