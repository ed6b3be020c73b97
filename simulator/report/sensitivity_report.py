"""``salesim sensitivity``: which levers move a KPI, as a CSV, a tornado and a report.

Writes ``sensitivity.csv`` (every lever, ranked), ``tornado.png``, and with a global
method ``sensitivity_global.csv`` and ``global.png``; then ``report.md`` and
``report.html`` opening with the answer: the levers that move the KPI most, with CIs.
The command line is parsed here; the front door (:mod:`simulator.cli`) only hands over
the function that composes an experiment.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from simulator.analysis.answer_words import SENTENCE_UNITS
from simulator.analysis.assumed import assumed_study_words, effort_source
from simulator.analysis.crowding import crowding_reasons
from simulator.analysis.formatting import (
    difference_digits,
    format_nonzero_value,
    format_signed_amount,
    format_signed_range,
    format_value,
)
from simulator.analysis.global_options import MORRIS_MIN_TRAJECTORIES
from simulator.analysis.global_sensitivity import GlobalSensitivity, global_sensitivity
from simulator.analysis.kpi_names import kpi_label, kpi_unit, kpi_words
from simulator.analysis.level_words import format_levels
from simulator.analysis.levers import LEVER_SECTIONS, find_levers, lever_experiment
from simulator.analysis.results import run_experiment
from simulator.analysis.sensitivity import sensitivity_table
from simulator.analysis.wording import count_of, join_words
from simulator.config.errors import ConfigError
from simulator.io.atomic import atomic_write
from simulator.report.claims import remove_stale
from simulator.report.html import write_html
from simulator.report.layouts import SENSITIVITY
from simulator.report.markdown import figure_lines, md_table
from simulator.report.plot_tornado import plot_global, plot_tornado
from simulator.report.progress_lock import use_thread_lock
from simulator.report.sensitivity_global import global_lines, global_words
from simulator.report.sensitivity_options import list_issues, option_issues
from simulator.report.sensitivity_words import (
    NO_ELASTICITY,
    draws_words,
    elasticity_words,
    levers_searched,
    logit_step,
    moves_words,
    same_lever_words,
    scenarios_words,
    set_words,
)
from simulator.run.experiment import Experiment

LAYOUT = SENSITIVITY
"""What the study writes in its ``--out`` folder: it refuses a folder holding anything else."""
TABLE_ROWS = 30  # levers listed in the report; sensitivity.csv has every one
CHANCE = 0.05  # a lever with no effect has a 95% CI clear of zero this often
CAVEAT_LEVERS = 20  # from this many levers on, one or more may look clear by chance: the answer says so


class AfterRunsError(ConfigError):
    """A refusal met after the one-at-a-time runs (a design point of the global method the config refuses)."""

    def __init__(self, error: ConfigError, replications: int) -> None:
        super().__init__(error.issues)
        self.replications = replications

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its issues and its count of replications."""
        return (type(self), (ConfigError(self.issues), self.replications))


@dataclass(slots=True)
class SensitivityStudy:
    """What ``salesim sensitivity`` found: the one-at-a-time table and, optionally, a global method."""

    experiment: str
    scenario: str
    kpi: str
    delta: float
    runs: int
    seed: int
    table: pd.DataFrame
    global_result: GlobalSensitivity | None
    notes: list[str]
    wall_seconds: float
    reasons: dict[str, str] = field(default_factory=dict)  # lever -> why it moves the KPI less than its leads
    effort_from: str = ""  # the export a calibrated scenario's effort per deal was assumed for ('' otherwise)
    draws: int = 0  # the calibrated company's parameter draws every study scenario runs under (0: none)
    sections: tuple[str, ...] = LEVER_SECTIONS  # the config sections searched for levers (--sections)
    keys: tuple[str, ...] | None = None  # the levers --params named (None: every lever of the sections)


def _advance(bar: tqdm) -> Callable[[int], None]:
    def advance(done: int) -> None:
        bar.update(done)

    return advance


def run_sensitivity(
    experiment: Experiment,
    scenario: str,
    kpi: str,
    delta: float = 0.2,
    runs: int = 10,
    keys: Sequence[str] | None = None,
    sections: Sequence[str] = LEVER_SECTIONS,
    method: str = "morris",
    global_levers: int = 6,
    size: int = MORRIS_MIN_TRAJECTORIES,
    global_runs: int = 4,
    workers: int | None = None,
    progress: bool = False,
) -> SensitivityStudy:
    """One-at-a-time swings of every lever, then (``method`` not ``none``) a global method on the top ones.

    The global method takes the ``global_levers`` levers with the largest clear swings
    (or the largest swings when fewer are clear).

    Raises:
        ConfigError: A bad option (delta, runs, keys, method) or no lever to move.
    """
    started = time.monotonic()
    issues = option_issues(runs, method, global_levers, size, global_runs, workers or 0)
    issues += list_issues(keys, sections)
    if issues:
        raise ConfigError(issues)
    notes: list[str] = []
    levers = find_levers(experiment.resolved_config["scenarios"][scenario], delta, sections, keys)
    built, levers = lever_experiment(experiment, scenario, levers, runs, notes)
    if not levers:
        raise ConfigError.single("--params", list(keys or sections), "no lever to move (every value is 0 or fixed)")
    if method != "none" and len(levers) < 2:  # known before the runs: the global method takes levers of this list
        raise ConfigError.single(
            "--params", [lever.key for lever in levers], f"the {method} method needs two levers; or use --global none"
        )
    use_thread_lock()
    with tqdm(total=len(built.scenarios) * runs, unit="run", disable=not progress, file=sys.stderr) as bar:
        result = run_experiment(built, workers=workers, on_progress=_advance(bar))
    table = sensitivity_table(result.replications, levers, kpi, built.parameter_draw_count)
    found = None
    distinct = table[table["same_as"] == ""]  # a lever the same as one above it adds nothing to vary
    if method != "none" and len(distinct) < 2:  # the twins are known from the runs only: say so, keep the runs
        twins = join_words([str(p) for p in table["parameter"]])
        notes.append(
            f"the {method} method was not run: it needs two levers, and {twins} ran the very same runs (one lever)"
        )
        method = "none"
    if method != "none":
        clear = distinct[distinct["clear"]]
        chosen = (clear if len(clear) >= 2 else distinct).head(global_levers)["parameter"].tolist()
        top = [lever for lever in levers if lever.key in chosen]
        points = size * (len(top) + (1 if method == "morris" else 2))
        with tqdm(total=points * global_runs, unit="run", disable=not progress, file=sys.stderr) as bar:
            try:
                found = global_sensitivity(
                    experiment, scenario, top, kpi, method, size, global_runs, experiment.seed, workers, _advance(bar)
                )
            except ConfigError as error:
                raise AfterRunsError(error, len(result.replications)) from error
    # why more leads book less than they bring: words about bookings, said when the KPI is money
    reasons = crowding_reasons(result.replications, levers) if kpi_unit(kpi) == "money" else {}
    return SensitivityStudy(
        experiment.name,
        scenario,
        kpi,
        delta,
        runs,
        experiment.seed,
        table,
        found,
        notes,
        time.monotonic() - started,
        reasons,
        effort_source(experiment.scenario(scenario).config) or "",
        built.parameter_draw_count,
        tuple(sections),
        tuple(keys) if keys else None,
    )


# ---------------------------------------------------------------------------- report


def _twins(table: pd.DataFrame, key: str) -> list[str]:
    """The levers ranked below ``key`` whose runs are its own (``same_as``), in rank order."""
    if "same_as" not in table.columns:
        return []
    return [str(p) for p in table.loc[table["same_as"] == key, "parameter"]]


def _distinct(table: pd.DataFrame) -> pd.DataFrame:
    """The table less the levers the same as one ranked above them (every row when it has no ``same_as``)."""
    return table[table["same_as"].fillna("") == ""] if "same_as" in table.columns else table


def _swing_words(row: pd.Series, twins: Sequence[str] = ()) -> str:
    kpi, point = str(row["kpi"]), float(row["swing"])
    low, high = float(row["swing_ci_low"]), float(row["swing_ci_high"])
    extra = difference_digits(kpi, point, low, high)
    swing = (
        format_signed_amount(kpi, point, extra)
        if kpi_unit(kpi) in SENTENCE_UNITS
        else format_nonzero_value(kpi, point, signed=True, extra_digits=extra or 0)
    )
    interval = format_signed_range(kpi, low, high, extra)
    keys = [str(row["parameter"]), *twins]
    name = f"{join_words(keys)}, the same lever: {same_lever_words(keys)}" if twins else keys[0]
    return f"{name} (low to high: {swing}, 95% CI {interval})"


def answer_paragraph(study: SensitivityStudy) -> str:
    """The report's opening: the levers that move the KPI most, with their swings and CIs."""
    table, kpi = study.table, study.kpi
    clear = table[table["clear"]]
    unit = f" {SENTENCE_UNITS[kpi_unit(kpi)]}" if kpi_unit(kpi) in SENTENCE_UNITS else ""
    base = format_value(kpi, float(table["baseline_mean"].iloc[0])) + unit if len(table) else "n/a"
    own = " from each refit's own value" if study.draws else ""  # a calibrated company's: refit by refit
    head = (
        f"{'Moving the lever' if len(table) == 1 else f'Moving each of {len(table)} levers'} of scenario "
        f"{study.scenario} {study.delta:.0%} down and up{own} ({moves_words(table)}), one at a "
        f"time, {kpi_words(kpi)} (baseline {base}) moves most with "
    )
    if clear.empty:
        return head.replace("moves most with ", "shows no clear effect of any lever") + (
            f" at {study.runs} runs per scenario: every swing's 95% CI includes zero; more runs would resolve "
            "smaller effects."
        )
    # levers with the very same runs said once, as one lever (hours a day and the selling share)
    top = [_swing_words(r, _twins(table, str(r["parameter"]))) for _, r in _distinct(clear).head(3).iterrows()]
    text = head + join_words(top) + "."
    # a lever with the very same runs as another is one test, counted once
    tested, found = len(_distinct(table)), len(_distinct(clear))
    verb = "has" if found == 1 else "have"
    text += f" {found} of {count_of(tested, 'lever')} {verb} a clear effect at {study.runs} runs per scenario"
    text += " (levers with the very same runs counted once)." if tested < len(table) else "."
    if tested >= CAVEAT_LEVERS:  # many tests at 95%: some clear swings may be chance
        by_chance = min(round(CHANCE * tested), found)  # never more than the clear ones themselves
        which = "any of them" if by_chance == found else f"up to about {by_chance} of the {found}"
        text += (
            f" With {tested} levers tested, about 1 in 20 levers with no effect looks clear by chance: "
            f"{which} may be, so read the weaker ones with care."
        )
    if study.global_result is not None and len(study.global_result.table):
        levers = [str(p) for p in _distinct(table)["parameter"]]  # a twin was not left out: it is the same lever
        distinct = _distinct(table)
        unclear = [str(x) for x in distinct.loc[~distinct["clear"].astype(bool), "parameter"]]
        text += global_words(study.global_result, levers, str(clear["parameter"].iloc[0]), unclear)
    return text


def _unit(kpi: str) -> str:
    """`` (hours)`` for a KPI in hours or working days, whose cells are bare numbers; '' otherwise."""
    return f" ({SENTENCE_UNITS[kpi_unit(kpi)]})" if kpi_unit(kpi) in SENTENCE_UNITS else ""


def _rows_left_out(table: pd.DataFrame) -> list[str]:
    """A line saying where the levers below the table's last row are (none when the table lists every one)."""
    rest = len(table) - TABLE_ROWS
    if rest <= 0:
        return []
    which = "lever, with a smaller swing, is" if rest == 1 else f"{rest} levers, with smaller swings, are"
    return [f"The other {which} in `sensitivity.csv`.", ""]


def _table_rows(table: pd.DataFrame) -> list[list[str]]:
    rows = []
    for _, r in table.head(TABLE_ROWS).iterrows():
        kpi = str(r["kpi"])

        def side(name: str, row: pd.Series = r, kpi: str = kpi) -> str:
            if not math.isfinite(float(row[name])):  # a side the lever cannot take (a headcount of 0, say)
                return "not run: read as the base"
            diff = format_value(kpi, float(row[f"{name}_diff"]), signed=True)
            low, high = float(row[f"{name}_ci_low"]), float(row[f"{name}_ci_high"])
            if not (math.isfinite(low) and math.isfinite(high)):
                return diff
            return f"{diff} ({format_value(kpi, low, signed=True)} to {format_value(kpi, high, signed=True)})"

        parameter = str(r["parameter"])
        # every run the same at both levels: no effect at all, not one more runs could tell
        same = all(float(r[f"{n}_{c}"]) == 0.0 for n in ("low", "high") for c in ("diff", "ci_low", "ci_high"))
        verdict = " (none: the same in every run)" if same else "" if bool(r["clear"]) else " (unclear)"
        twin = r.get("same_as", "")
        if isinstance(twin, str) and twin:  # NaN: none, as read back from the CSV
            verdict += f" (the same runs as `{twin}`)"
        rows.append(
            [
                str(int(r["rank"])),
                f"`{parameter}`",
                " / ".join(format_levels(parameter, [float(r[level]) for level in ("low", "base", "high")])),
                side("low"),
                side("high"),
                f"{format_value(kpi, float(r['swing']), signed=True)}{verdict}",
                elasticity_words(r),
            ]
        )
    return rows


def sensitivity_markdown(study: SensitivityStudy, out_dir: Path, figures: dict[str, Path]) -> str:
    """The text of the sensitivity ``report.md``."""
    kpi = study.kpi
    lines = [
        f"# Sensitivity of {kpi_label(kpi).lower()}: {study.experiment}, scenario {study.scenario}",
        "",
        "## The answer",
        "",
        answer_paragraph(study),
        "",
        *([f"*{caveat}*", ""] if (caveat := assumed_study_words(study.effort_from, "this study")) else []),
        *([words, ""] if (words := draws_words(study.draws, study.runs)) else []),
        "## The levers, ranked by their swing",
        "",
        set_words(study.delta, study.table, study.scenario, study.draws)
        + "differences are paired run by run with the baseline (95% CI). Swing: high minus low (the base in place "
        "of a side not run), paired run by run too, so the luck both sides share cancels and a swing can be clear "
        "while neither side's difference is. Elasticity: the "
        "swing as a share of the baseline's mean, over the lever's relative move (95% CI: an unclear swing's "
        "includes zero)"
        + (f"; '-': {NO_ELASTICITY}. " if logit_step(study.table) is not None else ". ")
        + (
            f"The first {TABLE_ROWS} are listed; `sensitivity.csv` has all {len(study.table)}."
            if len(study.table) > TABLE_ROWS
            else "`sensitivity.csv` has the same rows with every column."
        ),
        "",
        *md_table(
            [
                "Rank",
                "Lever",
                "Low / base / high" + (" (point fit)" if study.draws else ""),
                *[f"{c}{_unit(kpi)}" for c in ("Set low", "Set high", "Swing")],
                "Elasticity",
            ],
            _table_rows(study.table),
        ),
        "",
        *_rows_left_out(study.table),
        *[f"- `{key}`: {words}." for key, words in study.reasons.items()],
        *([""] if study.reasons else []),
        *figure_lines(figures.get("tornado"), out_dir),
    ]
    if study.global_result is not None:
        lines += global_lines(study.global_result, out_dir, figures.get("global"))
    lines += [
        "## How it was run",
        "",
        f"- **{study.runs} runs per scenario**, {scenarios_words(study.table)}, seed "
        f"{study.seed}: every scenario replays the baseline's leads with the same luck (common random numbers).",
        f"- Levers: {levers_searched(study.keys, study.sections)}; whole numbers "
        f"move by at least one, a shift or logit (added to a conversion's logit) by ±{study.delta:g} logit.",
        f"- Wall time {study.wall_seconds:,.1f} s.",
        *[f"- Note: {note}." for note in study.notes],
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_sensitivity(study: SensitivityStudy, out_dir: Path) -> list[Path]:
    """Write the CSVs, figures, ``report.md`` and ``report.html`` into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [atomic_write(out_dir / "sensitivity.csv", lambda f: study.table.to_csv(f, index=False))]
    figures = {"tornado": plot_tornado(study.table, out_dir, study.delta, study.draws)}
    g = study.global_result
    if g is not None:
        written.append(atomic_write(out_dir / "sensitivity_global.csv", lambda f: g.table.to_csv(f, index=False)))
        figures["global"] = plot_global(g.table, g.method, g.kpi, out_dir)
    text = sensitivity_markdown(study, out_dir, figures)
    written += list(figures.values())
    written.append(atomic_write(out_dir / "report.md", lambda f: f.write(text)))
    written.append(write_html(text, out_dir))
    remove_stale(out_dir, LAYOUT, written)  # an earlier study's global table and figure, when this one has none
    return written


# ---------------------------------------------------------------------------- the command
