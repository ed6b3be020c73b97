"""The report's "How it was run" section: what a reader needs to trust, reproduce or resume the numbers.

The runs and the window they measure, the seed, common random numbers, the wall time and
the engine, a calibrated company's parameter draws, the notes printed while composing,
the steady-state checks (a drifting state, a territory running dry) and any replication
that failed.
"""

from __future__ import annotations

import math

from simulator.analysis.drift_words import said_together
from simulator.analysis.precision import short_of_precision
from simulator.analysis.tables import window_words
from simulator.analysis.territory import depleting_territories, territories
from simulator.analysis.transient import Drift, result_drifts, starts_from_state
from simulator.analysis.wording import count_of, join_words
from simulator.engines.choice import engines_used
from simulator.report.markdown import md_escape
from simulator.run.experiment import COMPOSITION_NOTES, ExperimentResult


def how_run_section(result: ExperimentResult) -> list[str]:
    """The report's "How it was run": runs, seed, common random numbers, time, engine, draws, notes, warnings."""
    exp = result.experiment
    clock = exp.scenarios[0].config.clock
    window = clock.horizon_days - clock.warmup_days
    lines = [
        "## How it was run",
        "",
        f"- **{_runs_words(result)}**, each simulating {window:.0f} working days "
        f"({window_words(result)}) of leads, deals and reps"
        + (f", after a warm-up of {clock.warmup_days:.0f} working days." if clock.warmup_days > 0 else "."),
        f"- **Seed {exp.seed}**: rerunning with this seed gives exactly these numbers.",
        "- **Common random numbers**: run *r* of every scenario draws the same leads and each lead's luck at "
        "each stage from the same streams. Once two designs route the leads differently, their runs drift apart, "
        "so a pair shares only part of its chance: the correlation of paired runs (in the precision section; 1 "
        "would be all of it) measures how much.",
        f"- **Wall time** {result.wall_seconds:,.1f} s on {count_of(result.workers, 'worker')}"
        f"{_resumed_words(result)}.",
        _engine_line(result),
        *_draws_lines(result),
        *_composition_lines(result),
        *[f"- **Note from the run**: {note.rstrip('.')}." for note in result.run_notes],
    ]
    return [*lines, *_steady_state_lines(result), *_failures_lines(result)]


def _draws_lines(result: ExperimentResult) -> list[str]:
    """A calibrated company's parameter draws, when the runs carry them."""
    config = result.experiment.resolved_config
    count = int(config.get("parameter_draws_count", 0))
    if not count:
        return []
    name = (config.get("base") or {}).get("parameter_draws", "")
    return [
        f"- **Parameter draws**: {count} bootstrap refits of the export ({name}, SHA-256 "
        f"{str(config.get('parameter_draws_sha256', ''))[:12]}…); run *r* of every scenario is on refit *r* mod "
        f"{count}, so the bands carry what the export could not pin down as well as the period's luck. A value a "
        "scenario or an override sets stays in every refit."
    ]


def _composition_lines(result: ExperimentResult) -> list[str]:
    """The notes printed while composing the scenarios (an override of yours a scenario replaces or lacks)."""
    notes = result.experiment.resolved_config.get(COMPOSITION_NOTES) or []
    return [f"- **Note**: {note}." for note in notes]


def _engine_line(result: ExperimentResult) -> str:
    """Which engine ran each scenario (both give the same records: docs/MODEL.md, Engines)."""
    config = result.experiment.resolved_config
    runner = config.get("runner") or (config.get("base") or {}).get("runner") or {}
    setting = str(runner.get("engine", "auto"))
    try:
        where = engines_used([spec.compile(draws=False) for spec in result.experiment.scenarios], setting)
    except ValueError:
        return f"- **Engine**: runner.engine={setting}."
    return f"- **Engine**: {where} (runner.engine={setting}); the two engines give the same records."


def _steady_state_lines(result: ExperimentResult) -> list[str]:
    """The initial-transient check: a warning per state series still trending in the window."""
    warmup = result.experiment.scenarios[0].config.clock.warmup_days
    baseline = result.experiment.baseline
    from_state = starts_from_state(result.experiment)
    drifts = result_drifts(result)
    horizon = result.experiment.scenarios[0].config.clock.horizon_days
    lines = _said("Not yet in a steady state", [d for d in drifts if d.transient], warmup, baseline, horizon)
    lines += [
        f"- **Not yet in a steady state**: {line}."
        for line in depleting_territories(result.replications, territories(result.experiment))
    ]
    lines = lines or [
        "- **Starting state**: the runs start from the deals open at the as-of date, so the state's course "
        "across the window is part of the forecast (no warm-up applies)."
        if from_state
        else "- **Steady state**: the open pipeline, expansion backlog, customer book and partner base show no "
        "clear trend across the measured window in today's organisation (initial-transient check)"
        + (
            ", apart from its hiring plan's course below."
            if any(d.planned and d.scenario == baseline for d in drifts)
            else "."
        )
    ]
    own = [d for d in drifts if d.response and not (d.planned or d.from_state)]
    return (
        lines
        + _said("No steady level", [d for d in own if d.unsettled], warmup, baseline)
        + _said("Moving to a new level", [d for d in own if not d.unsettled], warmup, baseline)
        + _said("The forecast's course", [d for d in drifts if d.from_state], warmup, baseline)
        + _said("The hiring plan's course", [d for d in drifts if d.planned], warmup, baseline)
    )


def _said(label: str, drifts: list[Drift], warmup: float, baseline: str, horizon: float = math.inf) -> list[str]:
    """A bullet per drift, those alike but for their scenario and numbers said once (``said_together``)."""
    words = said_together(drifts, lambda d: d.sentence(warmup, baseline, horizon))
    return [f"- **{label}**: {sentence}." for _, sentence in words]


def _resumed_words(result: ExperimentResult) -> str:
    """For a resumed run: how many runs this session made and how many it kept."""
    made = sum(result.runs_per_scenario.values())
    if result.computed is None or result.computed >= made:
        return ""
    if result.computed == 0:  # a finished run resumed: its outputs written again, its own wall time not known
        return f", writing the outputs again from the {made:,} runs kept from before (none was left to make)"
    return f", for the {result.computed:,} runs made after resuming ({made - result.computed:,} were kept from before)"


def _runs_words(result: ExperimentResult) -> str:
    made = set(result.runs_per_scenario.values()) or {result.experiment.runs}
    if result.experiment.precision is None and len(made) == 1:
        return f"{made.pop():,} runs per scenario"
    counts = (
        f"{next(iter(made)):,} runs per scenario"
        if len(made) == 1
        else ", ".join(f"{runs:,} runs of {name}" for name, runs in result.runs_per_scenario.items())
    )
    short = short_of_precision(result)
    if short:  # the cap (or a refits' floor) set them: "set by the precision wanted" had said so of a capped run
        which = "every scenario" if len(short) == len(result.runs_per_scenario) else join_words(short)
        return f"{counts}, stopped short of the precision wanted for {which} (see How precise is this)"
    return f"{counts}, set by the precision wanted (see How precise is this)"


def _failures_lines(result: ExperimentResult, shown: int = 10) -> list[str]:
    if not result.failures:
        return ["- **No run failed.**"]
    partners = result.partners_left_out
    same = (
        f", with the same runs of the other scenarios ({count_of(partners, 'completed run')}), so that every "
        "scenario is read over the same runs; the results store keeps those, and a resume runs the failed ones "
        "again"
        if partners
        else ""
    )
    verb = "is" if len(result.failures) == 1 else "are"
    failed = count_of(len(result.failures), "run")
    lines = [f"- **{failed} failed** and {verb} left out of every number in this report{same}:"]
    for failure in result.failures[:shown]:
        first_line = (failure.error.strip().splitlines() or [""])[0]
        lines.append(
            f"  - {failure.scenario}, run {failure.replication} (seed {failure.seed}): {md_escape(first_line)}"
        )
    if len(result.failures) > shown:
        lines.append(f"  - ... and {len(result.failures) - shown} more.")
    return lines
