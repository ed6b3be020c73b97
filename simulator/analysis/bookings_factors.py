"""Why bookings clearly differ: opportunities decided x win rate x average deal size, each with its paired CI.

``speed_to_lead``'s answer said that oldest_first "clearly lowers bookings ... -$308.7k
(95% CI -$426.5k to -$191.0k): its inbound bookings -$319.6k", and not why. In every run
bookings are the opportunities decided times the win rate times the average deal size
(``win_rate`` is won over decided opportunities and ``avg_deal_size`` bookings over deals
won), so a clear change in bookings is a change in one or more of the three. Here (100 runs,
seed 13): 16.0 fewer opportunities (-3.7%, 95% CI -4.3% to -3.1%), no clear change in the
win rate, and an average deal $1.3k smaller (-3.8%, 95% CI -6.6% to -0.8%).

Behind the opportunities, the runs show where the funnel lost them: the same leads entered
awareness, but fewer passed need specified (38.3% against 39.9%) and awareness (14.7% against
15.2%), the stages where inbound leads get their first touch (need specified for the 30% that
arrive digital-first), though the mean wait there fell and 61 fewer leaked there. Speed to lead
takes a lead's odds at its first worked stage down most in its first hours (docs/MODEL.md,
Stages and conversion). Read lead by lead (30 runs, seed 13, offline): closest_to_close answers
the freshest lead of a stage first, so 38.8% of the inbound leads both designs worked were
answered within the hour at their first stage (median 6.2 hours), against 36.1% (median 10.3
hours) in arrival order, and they passed it 18.5% against 16.4% of the time; the 73 leads a run
that oldest_first rescues from leaking are answered after a median 19 hours and pass 12% of the
time. Behind the smaller deals the runs show no cause: a deal's value is drawn with its lead
and scaled by its product alone (docs/MODEL.md, Leads; Products and pods), and the product mix
of the deals won shows no clear shift (over 600 runs the fall shrinks to -1.3%, while the
opportunities' -3.7% holds).

:func:`factor_words` says so for any scenario whose bookings clearly differ from the
baseline's: each factor's paired change with its CI, then where the runs show it, the
funnel stages whose conversion moved with the biggest funnel factor, their waits, and the
product mix of the deals won beside a clear change in deal size.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from simulator.analysis.answer import answer
from simulator.analysis.answer_words import difference_words, interval_words, row_digits
from simulator.analysis.decision import decision_of
from simulator.analysis.formatting import format_amount, format_signed_amount, format_value
from simulator.analysis.funnel_stages import (
    BOOKED,
    CONVERSION,
    OPPORTUNITIES,
    first_touch_stages,
    levels_apart,
    stages_behind,
    unreached_words,
)
from simulator.analysis.intervals import t_half_width
from simulator.analysis.kpi_names import UNIT_WORDS
from simulator.analysis.relative_words import relative_words
from simulator.analysis.tables import clear_sign, comparison_of, comparison_row, summary_of
from simulator.analysis.wording import join_words, possessive, stage_label
from simulator.analysis.worked_pass import leaks_part_words, leaks_whole_words, ramp_reason
from simulator.config.schema import ScenarioConfig
from simulator.run.experiment import ExperimentResult

WIN_RATE, DEAL_SIZE = "win_rate", "avg_deal_size"
FACTORS = (OPPORTUNITIES, WIN_RATE, DEAL_SIZE)
"""Bookings = opportunities decided x win rate x average deal size, in every run."""
FACTOR_NAMES = {OPPORTUNITIES: "opportunities decided", WIN_RATE: "win rate", DEAL_SIZE: "average deal size"}

WAIT = "stage_wait_days_"
LEAKED = "stage_leaked_"
"""Leads lost at a stage waiting for a rep past its wait limit (each counts as not passing it)."""
LEADS = "leads_total"
"""The leads that arrived in the window (every source's, the meetings prospecting booked included)."""
LEADS_PREFIX, MEETINGS = "leads_", "meetings_booked"
"""A source's leads (``leads_outbound``); the meetings the reps' prospecting booked (the outbound leads then)."""
SOURCE_WORDS = {"inbound": "inbound (marketing)", "partner": "partner-referred"}
"""A source named in a sentence (``it gets 12.0 more partner-referred leads``)."""
SHARE = "win_rate"
"""A share of deals won is read as a rate (a percentage, its change in points)."""

SPEED_TO_LEAD = (
    "speed to lead takes a lead's odds at its first worked stage down most in its first hours (at 24 hours, "
    "{ratio} of those at 1 hour; docs/MODEL.md, Stages and conversion), so a shorter mean wait can qualify fewer "
    "when fewer leads are answered within those hours"
)
"""Why fewer leads can pass though they wait less on average: the decay is steepest at first."""


def _factor_clause(row: pd.Series, kpi: str) -> str:
    """``16.0 fewer opportunities decided, -3.7% (95% CI -4.3% to -3.1%)``, or ``its win rate (+0.1 points, ...)``."""
    diff = float(row["mean_diff"])
    if not bool(row["significant"]):
        signed = format_signed_amount(kpi, diff, row_digits(row, kpi))
        interval = interval_words(row, kpi)
        return f"its {FACTOR_NAMES[kpi]} ({signed}{', ' + interval if interval else ''})"
    relative = relative_words(row)
    within = f", {relative}" if relative else ""
    if kpi == OPPORTUNITIES:
        amount = format_amount(kpi, diff, row_digits(row, kpi))
        return f"{amount} {'more' if diff > 0 else 'fewer'} opportunities decided{within}"
    if kpi == WIN_RATE:
        return f"a win rate {'higher' if diff > 0 else 'lower'} by {difference_words(row, kpi).lstrip('+-')}"
    size = format_amount(kpi, diff, row_digits(row, kpi))
    return f"an average deal {size} {'larger' if diff > 0 else 'smaller'}{within}"


def _listed(items: list[str]) -> str:
    """``a; b; and c``: items that hold commas of their own."""
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def _waits(summary: pd.DataFrame, stages: list[str], scenario: str, baseline: str) -> str:
    """``0.77 against 0.88 working days at need specified, 1.02 against 1.14 at awareness``."""
    said: list[str] = []
    for stage in stages:
        ours, theirs = levels_apart(summary, WAIT + stage, scenario, baseline, least=1)
        unit = f" {UNIT_WORDS['days']}" if not said else ""
        said.append(f"{ours} against {theirs}{unit} at {stage_label(stage)}")
    return join_words(said)


def _speed_ratio(config: ScenarioConfig) -> str:
    """``1/60``: the speed-to-lead odds at 24 hours over those at 1 hour ('' when the effect is off)."""
    effect = config.effects.speed_to_lead
    if effect.exponent <= 0:
        return ""
    ratio = ((1.0 + 24.0 / effect.scale_hours) / (1.0 + 1.0 / effect.scale_hours)) ** effect.exponent
    return f"1/{ratio:,.0f}"


def _one_source(comparison: pd.DataFrame, config: ScenarioConfig, scenario: str, diff: float) -> str:
    """The one lead source whose leads moved, clearly, by the whole change in leads ('' when none or several did).

    The meetings the reps book prospecting are the ``outbound`` source's leads: a scenario that only
    changes its reps' time moves those, and "it gets 73.8 more leads" read as marketing sending them.
    """
    moved = [s for s in config.market.sources if clear_sign(comparison, scenario, f"{LEADS_PREFIX}{s}")]
    row = comparison_row(comparison, scenario, f"{LEADS_PREFIX}{moved[0]}") if len(moved) == 1 else None
    if row is None or not math.isclose(float(row["mean_diff"]), diff, rel_tol=1e-6, abs_tol=1e-9):
        return ""
    return moved[0]


def _arrivals(comparison: pd.DataFrame, config: ScenarioConfig, scenario: str, sign: int) -> str:
    """``it gets 120 fewer leads, -5.5% (95% CI ...)`` when the runs show its leads moving with its opportunities.

    Where one source moved by the whole change, it is named with its own relative change; the
    meetings the reps book prospecting read as such (``its reps book 73.8 more meetings prospecting``).
    """
    row = comparison_row(comparison, scenario, LEADS)
    if not sign or row is None or clear_sign(comparison, scenario, LEADS) != sign:
        return ""
    diff = float(row["mean_diff"])
    more = "more" if diff > 0 else "fewer"
    source = _one_source(comparison, config, scenario, diff)
    meetings = comparison_row(comparison, scenario, MEETINGS)
    if source and meetings is not None and math.isclose(float(meetings["mean_diff"]), diff, rel_tol=1e-6):
        relative = relative_words(meetings)
        amount = format_amount(MEETINGS, diff, row_digits(meetings, MEETINGS))
        return f"its reps book {amount} {more} meetings prospecting" + (f", {relative}" if relative else "")
    if source:
        row = comparison_row(comparison, scenario, f"{LEADS_PREFIX}{source}")
        assert row is not None  # _one_source found it
    relative = relative_words(row)
    amount = format_amount(LEADS, diff, row_digits(row, LEADS))
    named = f" {SOURCE_WORDS.get(source, source)}" if source else ""
    return f"it gets {amount} {more}{named} leads" + (f", {relative}" if relative else "")


def funnel_words(
    summary: pd.DataFrame,
    comparison: pd.DataFrame,
    config: ScenarioConfig,
    scenario: str,
    baseline: str,
    kpi: str,
    runs: pd.DataFrame | None = None,
    ramp: str = "",
    leaks_said: bool = False,
) -> str:
    """``fewer of its leads pass the stages before the opportunity: need specified 38.3% against 39.9% (...)...``.

    For opportunities, the leads arriving where they moved clearly with it; the stages behind
    ``kpi`` (opportunities or win rate) whose conversion the runs show moving clearly with it,
    the biggest change first; before the opportunity, their mean wait before work where it
    moved clearly, and the speed-to-lead reason where the effect is on ('' when neither the
    leads nor a stage moved clearly with the factor). With ``runs`` (the replications), where more
    leads leak and the leads worked there pass no less often (:mod:`.worked_pass`), the leaks are
    said to be the whole change and no speed-to-lead reason is given. ``ramp``: the ramped
    headcount's words (:func:`.worked_pass.ramp_words`), said after the other reasons. ``leaks_said``:
    the answer's paragraph gives the scenario's extra leaked leads (:mod:`.gain_leaks`): not said again.
    """
    sign = clear_sign(comparison, scenario, kpi)
    arrivals = _arrivals(comparison, config, scenario, sign) if kpi == OPPORTUNITIES else ""
    moved = [s for s in stages_behind(config, kpi) if sign and clear_sign(comparison, scenario, CONVERSION + s) == sign]
    if not moved:
        return arrivals
    rows = {s: row for s in moved if (row := comparison_row(comparison, scenario, CONVERSION + s)) is not None}
    moved.sort(key=lambda s: -abs(float(rows[s]["mean_diff"])))  # clear_sign found each row
    items = []
    for stage in moved:
        ours, theirs = levels_apart(summary, CONVERSION + stage, scenario, baseline)
        items.append(
            f"{stage_label(stage)} {ours} against {theirs}, {difference_words(rows[stage], CONVERSION + stage)}"
        )
    where = "before the opportunity" if kpi == OPPORTUNITIES else "from the opportunity on"
    text = f"{arrivals + ', and ' if arrivals else ''}{'more' if sign > 0 else 'fewer'} of its leads pass the stages "
    text += f"{where}: {_listed(items)}"
    if kpi != OPPORTUNITIES:
        return text
    touched = [s for s in moved if s in first_touch_stages(config)]  # speed to lead acts at these stages alone
    waits = {s: clear_sign(comparison, scenario, WAIT + s) for s in touched}
    leak_sign, leaks = _leaks(comparison, scenario, moved)
    leaked = f" and {'more' if leak_sign > 0 else 'fewer'} of them leak ({leaks})" if leak_sign else ""
    if leak_sign > 0 and leaks_said:  # the answer gave the leaked leads (368 there, 367 at the stage here): not twice
        leaked = " and more of them leak, as the answer says"
    counted = ", a leaked lead counting as not passed" if leak_sign == -sign else ""
    ratio = _speed_ratio(config)
    unreached = unreached_words(summary, comparison, config, (scenario, baseline), sign, touched)
    others = [stage_label(s) for s in moved if s not in touched]
    elsewhere = (
        f"; speed to lead is not the cause at {join_words(others)}, where none of the leads it slows is first touched"
        if others
        else ""
    )
    whole = leaks_whole_words(runs, moved, scenario, baseline, sign) if leak_sign == -sign else ""
    if whole:  # the worked leads pass no less often (no more, for a rise): the leaks, not the waits, are the change
        wait = ""
        moved_waits = [clear_sign(comparison, scenario, WAIT + s) for s in moved]  # said, not given as a cause
        if moved_waits and all(w == -sign for w in moved_waits):
            longer = "longer" if sign < 0 else "less"
            wait = f", its leads waiting {longer} there before work ({_waits(summary, moved, scenario, baseline)})"
        return f"{text}{wait}{leaked}{counted}: {whole}"
    if sign < 0 and ratio and waits and all(w < 0 for w in waits.values()):  # the runs' puzzle: less wait, fewer pass
        waited = _waits(summary, touched, scenario, baseline)
        text += f", though its leads wait less there before work on average ({waited}){leaked}{counted}"
        return text + ": " + SPEED_TO_LEAD.format(ratio=ratio) + elsewhere + unreached + ramp
    if ratio and waits and all(w == -sign for w in waits.values()):  # longer waits, fewer pass (or the reverse)
        longer = "longer" if sign < 0 else "less"
        return text + (
            f", its leads waiting {longer} there before work ({_waits(summary, touched, scenario, baseline)})"
            f"{leaked}{counted}; speed to lead, one cause the model gives, lowers a lead's odds at its first worked "
            f"stage with every hour it waits (docs/MODEL.md, Stages and conversion){elsewhere}{unreached}{ramp}"
        )
    if not counted:
        return text + unreached + ramp
    part = leaks_part_words(runs, moved, scenario, baseline, sign)  # a few leaks beside a change in the worked leads
    return text + f", and {leaked.removeprefix(' and ')}{counted}{part}{unreached}{ramp}"


def _leaks(comparison: pd.DataFrame, scenario: str, stages: list[str]) -> tuple[int, str]:
    """The sign and words (``61.5 at awareness, 95% CI -67.1 to -55.9``) of the clear changes in leaked leads.

    Over ``stages``, where each moved the same way (0 and '' when none did, or they disagree).
    """
    found = [
        (stage, row)
        for stage in stages
        if clear_sign(comparison, scenario, LEAKED + stage)
        and (row := comparison_row(comparison, scenario, LEAKED + stage)) is not None
    ]
    signs = {clear_sign(comparison, scenario, LEAKED + stage) for stage, _ in found}
    if len(signs) != 1:
        return 0, ""
    items = []
    for stage, row in found:
        kpi = LEAKED + stage
        amount = format_amount(kpi, float(row["mean_diff"]), row_digits(row, kpi))
        items.append(f"{amount} a run at {stage_label(stage)}, {interval_words(row, kpi)}")
    return signs.pop(), "; ".join(items)


def _won_share(runs: pd.DataFrame, product: str, products: list[str]) -> pd.Series:
    """Each run's share of its deals won that were of ``product`` (opportunities x win rate, per product)."""

    def won(name: str) -> pd.Series:
        opportunities = runs[f"{OPPORTUNITIES}_product_{name}"].fillna(0.0)
        return opportunities * runs[f"{WIN_RATE}_product_{name}"].fillna(0.0)

    total = sum((won(name) for name in products), start=pd.Series(0.0, index=runs.index))
    return won(product) / total.where(total > 0)


def mix_words(result: ExperimentResult, scenario: str, baseline: str) -> str:
    """``the products' shares of its deals won show no clear shift (platform 23.9% against 24.5%, ...)``.

    The paired change in the share of deals won of the product with the larger deals, from the
    per-product opportunities and win rates; '' without two products in both scenarios.
    """
    config = result.experiment.scenario(scenario).config
    products = sorted(config.market.products, key=lambda p: config.market.products[p].deal_value_multiplier)
    runs = result.replications
    columns = [f"{k}_product_{p}" for p in products for k in (OPPORTUNITIES, WIN_RATE)]
    values = {config.market.products[p].deal_value_multiplier for p in products}
    if len(values) < 2 or not set(columns) <= set(runs.columns):  # products alike in value: no mix to shift deals
        return ""
    big = products[-1]
    sides = [runs[runs["scenario"] == name].set_index("replication") for name in (scenario, baseline)]
    shares = [_won_share(side, big, products) for side in sides]
    diff = (shares[0] - shares[1]).dropna()
    if len(diff) < 2:
        return ""
    mean, half = float(diff.mean()), t_half_width(float(diff.std(ddof=1)), len(diff))
    if not math.isfinite(half):
        return ""
    row = pd.Series({"mean_diff": mean, "ci_low": mean - half, "ci_high": mean + half})
    ours, theirs = (format_value(SHARE, float(np.nanmean(s))) for s in shares)
    signed = format_signed_amount(SHARE, mean, row_digits(row, SHARE))
    figures = f"{big} {ours} against {theirs} of deals won, {signed}, {interval_words(row, SHARE)}"
    if mean - half > 0 or mean + half < 0:
        more = "more" if mean > 0 else "fewer"
        return f"{more} of its deals won are {big}, the product of the larger deals ({figures})"
    text = f"the products' shares of its deals won show no clear shift ({figures})"
    if config.initial_pipeline is None:  # a CRM's open deals carry amounts of their own
        size = clear_sign(comparison_of(result), scenario, DEAL_SIZE)
        which = "larger" if size > 0 else "smaller" if size < 0 else "different"
        text += (
            ", and a lead's deal value is drawn when it arrives, the same in both designs, and scaled by its product "
            f"alone (docs/MODEL.md, Leads; Products and pods): its {which} average deal comes from which leads it won, "
            "not from anything the design does to a deal's value"
        )
    return text


def _leaks_said(paragraph: str, scenario: str) -> bool:
    """Whether gain_leaks' sentence (``blocks_3h lets 359 more leads leak``) in the answer is ``scenario``'s own.

    A bare substring took "fast_ramp_and_coaching lets ..." for coaching's: its note had said "as the answer says".
    """
    return re.search(rf"(?<![\w-]){re.escape(scenario)} lets ", paragraph) is not None


def factor_words(result: ExperimentResult, scenario: str) -> str:
    """``oldest_first's bookings, -8.2% (...), are opportunities decided x win rate x average deal size: ...``.

    '' unless the runs show ``scenario``'s bookings clearly apart from the baseline's. The
    funnel behind the opportunities (or the win rate, when its change is the bigger) and the
    product mix beside a clear change in deal size are said where the runs show them.
    """
    summary, comparison, baseline = summary_of(result), comparison_of(result), result.experiment.baseline
    booked = comparison_row(comparison, scenario, BOOKED)
    rows = {kpi: row for kpi in FACTORS if (row := comparison_row(comparison, scenario, kpi)) is not None}
    if booked is None or not bool(booked["significant"]) or len(rows) < len(FACTORS):
        return ""
    change = relative_words(booked) or difference_words(booked, BOOKED)
    clauses = [_factor_clause(rows[kpi], kpi) for kpi in FACTORS if bool(rows[kpi]["significant"])]
    unclear = [_factor_clause(rows[kpi], kpi) for kpi in FACTORS if not bool(rows[kpi]["significant"])]
    if unclear:  # one clause for the factors that did not clearly move: "no clear change in its ..." said once
        listed = unclear[0] if len(unclear) == 1 else ", ".join(unclear[:-1]) + " or " + unclear[-1]
        clauses.append(f"no clear change in {listed}")
    if decision_of(result.experiment).primary == BOOKED:  # the answer gives the paired difference and its CI
        change = change.split(" (95% CI")[0]  # a second interval, the ratio's, had read beside it: -8.2% (-11.1% ...)
    text = (
        f"{possessive(scenario)} bookings, {change} against {possessive(baseline)}, are the opportunities it decides x "
        f"its win rate x its average deal size: {_listed(clauses)}"
    )
    config = result.experiment.scenario(scenario).config
    funnel = [k for k in (OPPORTUNITIES, WIN_RATE) if bool(rows[k]["significant"])]
    funnel.sort(key=lambda k: -abs(float(rows[k]["relative_diff"])))  # the bigger relative change first
    sentences = [text]
    if funnel and (
        words := funnel_words(
            summary,
            comparison,
            config,
            scenario,
            baseline,
            funnel[0],
            result.replications,
            ramp_reason(result, scenario),
            _leaks_said(answer(result).paragraph, scenario),
        )
    ):
        sentences.append(words[0].upper() + words[1:])
    if bool(rows[DEAL_SIZE]["significant"]) and (mix := mix_words(result, scenario, baseline)):
        sentences.append(mix[0].upper() + mix[1:])
    return ". ".join(sentences)


def bookings_factor_notes(result: ExperimentResult, explained: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The notes beside the answer: one per scenario whose bookings clearly differ and no other note explains.

    ``explained``: scenarios another note already gives a reason for (hand-offs, least-loaded
    assignment): a second reason beside it would read as a clash.
    """
    baseline = result.experiment.baseline
    if getattr(result, "replications", None) is None:  # an experiment not run yet: its notes are its config's
        return []
    if comparison_of(result).empty or summary_of(result).empty:
        return []
    names = [s.name for s in result.experiment.scenarios if s.name != baseline and s.name not in explained]
    return [words for name in names if (words := factor_words(result, name))]
