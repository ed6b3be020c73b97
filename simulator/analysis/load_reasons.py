"""Why a CSM team's figures read outside their ranges when it carries far more or fewer accounts than the survey's.

The published ~104 accounts per CSM (ClientSuccess survey, second-hand; BENCHMARKS.md) is
a typical load. ``csm_coverage`` asks what 7 or 15 CSMs do to a book of ~1,050 customers:
7 carry ~150 accounts each, are busy all their selling time, and with churn rising with the
load above the reference (``pipelines.retention.renewal.load_logit``, a parameter, not a
published figure) gross revenue retention falls below its range; net revenue retention falls
further, mostly with the expansions a team busy all its time does not get to ($0.92M against
the baseline's $5.34M); 15 carry ~70
each and are busy less than the planning range's 70%. Each of those figures is the
scenario's finding about its coverage, and the words here say so beside it: above the range
for the team's ARR per rep and its busy share, below it for retention (a heavy load), and
below it for the busy share and ARR per rep (a light load).

A team within a quarter of the survey's load gets no such words: its figures, if outside,
have another cause (:mod:`simulator.analysis.book_reasons` covers larger accounts).
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis.book_reasons import SATURATED, accounts_per_rep
from simulator.analysis.formatting import format_money, format_percent
from simulator.analysis.published_ranges import (
    ACCOUNTS_PER_CSM,
    ARR_PER_ACCOUNT_OWNER,
    EXPANSION_SHARE_LARGER_BOOK,
    EXPANSION_SHARE_SMALLER_BOOK,
    QUEUED_UTILISATION,
    TEAM_UTILISATION,
    below_key,
    team_key,
)
from simulator.analysis.tables import summary_mean
from simulator.analysis.wording import possessive, team_label
from simulator.run.experiment import ExperimentResult

OFF_SURVEY_LOAD = 0.25
"""Accounts per rep more than this share away from the survey's ~104 (under 78 or over 130) is no typical load."""


def load_words(load: float, busy: float, team: str, load_logit: float, reference_load: float) -> tuple[str, int]:
    """The words for a team carrying ``load`` accounts per rep, and the side they explain (+1 heavy, -1 light, 0 none).

    Args:
        load: Accounts per rep.
        busy: The team's busy share of its selling time (NaN when unknown).
        team: The team.
        load_logit: The churn logit added per unit of ``load / reference_load - 1`` above the reference.
        reference_load: Accounts per CSM with no load effect.
    """
    if not math.isfinite(load) or abs(load / ACCOUNTS_PER_CSM - 1.0) <= OFF_SURVEY_LOAD:
        return "", 0
    head = (
        f"the {team_label(team)} team carries {load:,.0f} accounts per rep against the survey's ~{ACCOUNTS_PER_CSM:.0f}"
    )
    time = f", busy {format_percent(busy, signed=False)} of its selling time" if math.isfinite(busy) else ""
    if load > ACCOUNTS_PER_CSM:
        churn = (
            f"; churn rises with the load above {reference_load:.0f} accounts (pipelines.retention.renewal.load_logit "
            f"= {load_logit:g}, a parameter, not a published figure)"
            if load_logit > 0 and load > reference_load
            else ""
        )
        return f"{head}{time}: a coverage finding of the scenario{churn}", 1
    return f"{head}{time}: a team this large for its book has time to spare, a coverage finding of the scenario", -1


def expansion_words(summary: pd.DataFrame, scenario: str, baseline: str, busy: float) -> str:
    """How much expansion a saturated account team closed (beside the baseline's): NRR counts it as well as churn.

    Said after :func:`load_words`, which gives the team's busy share: ``; so busy, it closes
    $891.7k of expansions against csm_11's $5.38M`` (it had read "100.0% busy" right after
    "busy 100.0% of its selling time").

    ``csm_coverage``'s 7 CSMs, busy all their time, closed $0.92M of expansions against the
    baseline's $5.34M: most of their NRR's fall, more than the churn. The baseline's figure is
    said only when larger (a saturated baseline closing as little had read "closes $0 of
    expansions against generalists's $0"); none closed reads "closes no expansions". Empty
    when the team is not busier than 85% or the figure is missing.
    """
    closed = summary_mean(summary, scenario, "expansion_bookings")
    if not (math.isfinite(busy) and busy > SATURATED and math.isfinite(closed)):
        return ""
    theirs = summary_mean(summary, baseline, "expansion_bookings") if scenario != baseline else math.nan
    # the baseline's expansions are said only where they show what this team's load costs: more than it closes
    more = math.isfinite(theirs) and format_money(theirs) != format_money(closed) and theirs > closed
    against = f" against {possessive(baseline)} {format_money(theirs)}" if more else ""
    closes = "no expansions" if format_money(closed) == format_money(0.0) else f"{format_money(closed)} of expansions"
    # the load's words before these already say the busy share: "so busy" refers to it rather than repeating it
    return f"; so busy, it closes {closes}{against}"


def net_retention_words(words: str, summary: pd.DataFrame, scenario: str, baseline: str, busy: float) -> str:
    """The load's words for net revenue retention: the lost expansions first when they cost more than the churn.

    NRR counts both; ``csm_coverage``'s 7 CSMs lose ~$4.4M of expansions against the
    baseline and ~$0.7M more of churn, so the expansions lead (a fresh user read the churn
    parameter first and would have looked at the wrong lever).
    """
    expansions = expansion_words(summary, scenario, baseline, busy)
    head, churned, churn = words.partition("; churn rises")
    if not expansions:
        return words
    lost = summary_mean(summary, baseline, "expansion_bookings") - summary_mean(summary, scenario, "expansion_bookings")
    more_churn = summary_mean(summary, scenario, "churned_arr") - summary_mean(summary, baseline, "churned_arr")
    if math.isfinite(lost) and math.isfinite(more_churn) and lost > max(more_churn, 0.0):
        return f"{head}{expansions}: most of NRR's fall{churned}{churn}"
    return f"{words}{expansions}, which NRR counts too"


def load_reasons(result: ExperimentResult, summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Scenario -> reason key -> words, for each account-owning team far from the survey's load (see the module)."""
    reasons: dict[str, dict[str, str]] = {}
    for spec in result.experiment.scenarios:
        retention = spec.config.pipelines.retention
        if retention is None:
            continue
        owners = summary[(summary["scenario"] == spec.name) & summary["kpi"].str.startswith(ARR_PER_ACCOUNT_OWNER)]
        found: dict[str, str] = {}
        for kpi in owners["kpi"]:
            team = str(kpi).removeprefix(ARR_PER_ACCOUNT_OWNER)
            load = accounts_per_rep(summary, spec.name, team)
            busy = summary_mean(summary, spec.name, f"utilisation_{team}")
            words, side = load_words(load, busy, team, retention.renewal.load_logit, retention.renewal.reference_load)
            team_keys = [team_key(k, team) for k in (TEAM_UTILISATION, QUEUED_UTILISATION, ARR_PER_ACCOUNT_OWNER)]
            if side > 0:
                found.update({key: words for key in team_keys})
                if "churn rises" in words:
                    found[below_key("gross_revenue_retention")] = words
                found[below_key("net_revenue_retention")] = net_retention_words(
                    words, summary, spec.name, result.experiment.baseline, busy
                )
                expansions = expansion_words(summary, spec.name, result.experiment.baseline, busy)
                if expansions:  # a book's expansion share falls below its range with the expansions not closed
                    for book in (EXPANSION_SHARE_SMALLER_BOOK, EXPANSION_SHARE_LARGER_BOOK):
                        found[below_key(book)] = words.partition("; churn rises")[0] + expansions
            elif side < 0:
                found.update({below_key(key): words for key in team_keys})
        if found:
            reasons[spec.name] = found
    return reasons
