"""What looks unusual, in words: each figure outside its published range, how far, and why.

The sentences of the report's "What looks unusual" section and the terminal summary, from
the checks of :func:`simulator.analysis.benchmarks.benchmark_checks`: the figure and its
value, the range and the distance to it, a doubt when its CI reaches the range, and the
reason given for it (a fast desk, a queue, a load, the book, the scenario's own change).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from simulator.analysis.benchmarks import BenchmarkCheck, benchmark_checks, distance_words, format_in_unit, range_words
from simulator.analysis.published_ranges import (
    ARR_PER_ACCOUNT_OWNER,
    BENCHMARKS,
    QUEUED_UTILISATION,
    RATE,
    TEAM_UTILISATION,
    WORKING_DAYS_A_YEAR,
)
from simulator.analysis.refit_floor import more_runs_words
from simulator.analysis.tables import WHOLE_MONTHS, summary_row
from simulator.analysis.unusual_finding import Finding
from simulator.analysis.unusual_groups import (
    ONE_CI,
    SINGLE_RUN,
    UnusualLine,
    figure_lines,
    note_lines,
    shared_why_line,
)
from simulator.analysis.wording import join_words, team_label


def figure_name(check: BenchmarkCheck) -> str:
    """The figure's name for a table row (``Utilisation of selling time, AE team``)."""
    return f"{check.benchmark.name}, {team_label(check.team)} team" if check.team else check.benchmark.name


def figure_words(check: BenchmarkCheck) -> str:
    """The figure in words with its value (``0.8% of reps at quota``)."""
    return _phrase(check).replace("{value}", _value_words(check))


def _value_words(check: BenchmarkCheck) -> str:
    """The figure's value in its unit, a year's with the window's beside it (``80.0% a year (64.0% over ...)``)."""
    value = format_in_unit(check.value, check.benchmark.unit)
    if check.window_years != 1.0:
        window = format_in_unit(check.window_value, check.benchmark.unit)
        value += f" a year ({window} over the run's {window_length(check.window_years)} window)"
    return value


TEAM_FIGURES = {
    TEAM_UTILISATION: "busy share",
    QUEUED_UTILISATION: "time on queued work",
    ARR_PER_ACCOUNT_OWNER: "customer ARR per rep",
}
"""A team's figure as a later reason points back to it: "as said under the CSM team's busy share"."""


def figure_said(check: BenchmarkCheck) -> str:
    """The figure's name in a sentence: ``net revenue retention``, ``the CSM team's busy share``."""
    if check.team:
        return f"the {team_label(check.team)} team's {TEAM_FIGURES.get(check.benchmark.kpi, check.benchmark.name)}"
    name = check.benchmark.name
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]  # an acronym keeps its capitals


def _phrase(check: BenchmarkCheck) -> str:
    """The figure in words, its team named, ``{value}`` standing for its value."""
    phrase = check.benchmark.phrase
    if _in_phrase(check):  # queued work over the time reserved hours leave: "busy 91.3% of the 83% of its selling time"
        phrase = phrase.replace(SELLING_TIME, check.basis)
    return phrase.format(value="{value}", team=team_label(check.team))


SELLING_TIME = "of its selling time"


def _in_phrase(check: BenchmarkCheck) -> bool:
    """Whether the check's basis replaces the phrase's "of its selling time" (a team reserving hours)."""
    return check.basis.startswith("of the ") and SELLING_TIME in check.benchmark.phrase


def window_length(years: float) -> str:
    """A window in words: ``0.24-month``, ``24-month``, ``11.5-month``, ``2.5-year`` (``years`` of the run's calendar).

    A window that is not a whole number of months reads with one decimal, as the report's
    "over 11.5 months" does (:func:`simulator.analysis.tables.period_words`): a dated
    calendar's 250 working days are 11.54 of its months, and had read "12-month".
    """
    months = 12.0 * years
    if months < 1.0:
        return f"{months:.2g}-month"
    if months < 36.0:
        return f"{months:.0f}-month" if abs(months - round(months)) < WHOLE_MONTHS else f"{months:.1f}-month"
    return f"{years:.1f}-year"


RANKS = {benchmark.kpi: rank for rank, benchmark in enumerate(BENCHMARKS)}
"""A KPI's place among the published ranges: the order figures are said in."""


def unusual_sentence(check: BenchmarkCheck) -> str:
    """One figure against its range: ``0.8% of reps at quota; published 20-28% (19.2 points below)``."""
    return finding(check).sentence()


def finding(check: BenchmarkCheck, scenario: str = "") -> Finding:
    """A figure outside its range, in the pieces its sentence is made of (:class:`Finding`), for ``scenario``."""
    if check.runs < 2:
        doubt = f"{SINGLE_RUN}more runs would tell"
    elif check.clear:
        doubt = ""
    else:
        doubt = f"{ONE_CI}{_no_spread(check) if check.spread == 0.0 else _more_runs(check)}"
    reasons = [check.benchmark.reads_low if check.side < 0 else "", check.reads_high if check.side > 0 else ""]
    reasons += [check.reads_low if check.side < 0 else "", "" if _in_phrase(check) else check.basis]
    return Finding(
        scenario,
        RANKS[check.benchmark.kpi],
        _phrase(check),
        _value_words(check),
        f"{check.benchmark.range_label} {range_words(check.benchmark)}",
        distance_words(check) if check.side else "inside",
        doubt,
        tuple(reason for reason in reasons if reason),
        figure_said(check),
    )


def _no_spread(check: BenchmarkCheck) -> str:
    """Why the CI of a figure the same in every run reaches its range: the bound of no spread, not a spread.

    A share at 0 in every run whose trials the runs do not record (expansion's share of
    new ARR: money) is bounded over the runs as its trials (:mod:`simulator.analysis.intervals`):
    a saturated CSM team's 0.0% in all 5 runs read "0.0% (0.0% to 60.7%)", "its 95% CI
    reaches the range: more runs would tell", beside the reason it closes no expansions.
    The runs do not differ, so no spread is left for more runs to tell; said as it is.
    """
    value = format_in_unit(check.value, check.benchmark.unit)
    figure = "a share" if check.benchmark.unit == RATE else "a figure"
    return f"only as the bound {figure} at {value} in all {check.runs} runs allows, the runs not differing"


def _more_runs(check: BenchmarkCheck) -> str:
    """Whether more runs would tell a figure whose CI reaches its range, or only more refits (the floor reaches it)."""
    unit = check.benchmark.unit
    shown = f"{check.floor * 100:.1f} points" if unit == RATE else format_in_unit(check.floor, unit)
    return more_runs_words(check.refits, check.floor, check.floor_reaches, shown)


def assumed_sentence(checks: list[BenchmarkCheck]) -> str:
    """Figures that follow from an assumption, in one sentence: ``the East team busy 16.6% ... follows from ...``."""
    figures = join_words([figure_words(check) for check in checks])
    return f"{figures}: {'this' if len(checks) == 1 else 'each'} {checks[0].assumed}"


def unusual_lines(
    summary: pd.DataFrame,
    scenarios: list[str],
    windows: Mapping[str, float] | None = None,
    assumed: Mapping[str, str] | None = None,
    reasons: Mapping[str, Mapping[str, str]] | None = None,
    year_days: Mapping[str, float] | None = None,
    floors: Mapping[str, Mapping[str, float]] | None = None,
    refits: int = 0,
    reserved: Mapping[str, Mapping[str, float]] | None = None,
) -> list[UnusualLine]:
    """The lines of "What looks unusual": each figure outside its published range once, then each scenario's notes.

    A figure outside in one scenario reads ``scenario: sentence``; outside in several, one
    line names each with its value, and says once the reasons they share (see
    :func:`~simulator.analysis.unusual_groups.figure_lines`). A scenario whose benchmarked
    figures all lie inside gets one line saying so (scenarios alike in it, one line); a
    scenario with no benchmarked figure at all gets none. ``windows``: each
    scenario's measured window in years (one year when not given; see :func:`benchmark_checks`).
    ``assumed``: scenario -> why its utilisation follows from assumed effort; those figures
    are said in one line of their own, as following from the assumption, never as outside.
    ``reasons``: scenario -> KPI -> why its figure is expected outside the range (see :func:`benchmark_checks`).
    ``year_days``: each scenario's working days a year (250 when not given), which a range
    published in calendar days is converted at. ``floors``: scenario -> KPI -> the narrowest CI
    half-width the ``refits`` its runs share allow (:func:`simulator.analysis.refit_floor.scenario_floors`):
    a CI reaching its range is said to need more refits, not more runs, where that floor reaches it too.
    """
    findings: list[Finding] = []
    notes: list[tuple[str, str]] = []  # (scenario, sentence): a scenario inside every range, unbooked
    assumed_checks: dict[str, list[tuple[str, list[BenchmarkCheck]]]] = {}  # why -> (scenario, its figures)
    for scenario in scenarios:
        window, why = (windows or {}).get(scenario, 1.0), (assumed or {}).get(scenario, "")
        days = (year_days or {}).get(scenario, WORKING_DAYS_A_YEAR)
        checks = benchmark_checks(
            summary,
            scenario,
            window,
            why,
            (reasons or {}).get(scenario),
            days,
            (floors or {}).get(scenario),
            refits,
            (reserved or {}).get(scenario),
        )
        outside = [finding(c, scenario) for c in checks if c.side != 0 and not c.assumed]
        from_assumptions = [c for c in checks if c.assumed]
        findings.extend(outside)
        if not outside and len(from_assumptions) < len(checks):
            other = " other" if from_assumptions else ""
            notes.append((scenario, f"every{other} benchmarked figure lies inside its published range"))
        if from_assumptions:
            assumed_checks.setdefault(from_assumptions[0].assumed, []).append((scenario, from_assumptions))
        booked = summary_row(summary, scenario, "bookings")
        if booked is not None and float(booked["mean"]) == 0.0:  # the cost per $1 is missing: say why
            notes.append((scenario, "no new bookings in any run's window, so no cost per $1 of new bookings"))
    return [*figure_lines(findings), *note_lines(notes), *_assumed_lines(assumed_checks)]


def _assumed_lines(assumed: Mapping[str, list[tuple[str, list[BenchmarkCheck]]]]) -> list[UnusualLine]:
    """Each assumption's figures in one line: one scenario's as ``scenario: sentence``, several's said together."""
    lines = []
    for why, said in assumed.items():
        if len(said) == 1:
            scenario, checks = said[0]
            lines.append(UnusualLine(scenario, assumed_sentence(checks), (scenario,)))
        else:
            lines.append(shared_why_line([(name, [finding(c, name) for c in checks]) for name, checks in said], why))
    return lines
