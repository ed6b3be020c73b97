"""The experiment's question as the reader sees it: settings it names written in place.

``experiment.question`` may name settings of the baseline scenario between braces
(:mod:`simulator.config.question`). Here they are written in words, so the report, the
terminal and ``summary.json`` ask about the figures the run used, whatever the overrides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from simulator.analysis.formatting import format_money
from simulator.config.errors import UNITLESS_ENDINGS, is_share_key
from simulator.config.question import SETTING, question_parts, setting_key
from simulator.config.schema import DOLLAR_MULTIPLIER
from simulator.run.experiment import Experiment

MONEY_WORDS = ("bookings", "quota", "budget", "salary", "variable", "cost", "acv", "arr", "price", "value")


DISTRIBUTION_KEYS = frozenset({"value", "mean", "median", "p90", "low", "mode", "high", "scale", "sd"})
"""A distribution's parameters in its own unit: a setting named so reads in the unit of what it is a part of."""


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _percent(share: float) -> str:
    """A share as a question types it: ``35%``, ``12.5%``, ``0.25%`` (no trailing zeros, at most 2 decimals)."""
    text = f"{100.0 * share:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _setting_name(path: str) -> str:
    """The named part of a dotted key a setting's unit comes from (``market.deal_value.median``: deal_value)."""
    parts = [part for part in path.lower().split(".") if not part.isdigit()]  # {plan.bookings.0}
    if len(parts) > 1 and parts[-1] in DISTRIBUTION_KEYS:  # market.deal_value.median: the amount it is of
        parts = parts[:-1]
    return parts[-1] if parts else ""


def is_money_setting(path: str, value: object) -> bool:
    """Whether :func:`format_setting` writes ``value`` of the setting at ``path`` as money."""
    name = _setting_name(path)
    # a multiplier of an amount (deal_value_multiplier) is a plain number: 0.75, not $1; but a calibrated
    # company's product carries its price in dollars there (a deal value spread around 1), as the config check reads it
    if name == "deal_value_multiplier" and isinstance(value, int | float) and not isinstance(value, bool):
        return abs(value) >= DOLLAR_MULTIPLIER
    return any(word in name for word in MONEY_WORDS) and not name.endswith(UNITLESS_ENDINGS)


def is_share_setting(path: str, value: float) -> bool:
    """Whether :func:`format_setting` writes the number ``value`` of the setting at ``path`` as a share (35%)."""
    return not is_money_setting(path, value) and is_share_key(_setting_name(path)) and 0 <= value <= 1


def format_setting(path: str, value: object) -> str:
    """One setting in words: ``$4.00M``, ``50%``, ``12.5%``, ``12``.

    Money when the key's last part names an amount (bookings, quota, cost, ...), and a
    product's ``deal_value_multiplier`` of 10 or more (a calibrated product's price); a share
    when it names a rate or a share and the value lies in [0, 1]; a list of amounts (a
    quarterly plan) as its yearly sum; other lists item by item. A setting on the logit scale
    (``conversion_shift``, ``*_logit``, ``conversion_lift``, a team's ``skill.mean``) is a plain
    number of either sign, never a share: 0.1176, not 11.76%.
    """
    is_money = is_money_setting(path, value)
    name = _setting_name(path)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        if is_money and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return format_money(float(sum(value)))
        return ", ".join(format_setting(path, v) for v in value)
    if isinstance(value, int | float):
        if is_money:
            return format_money(float(value))
        if is_share_key(name) and 0 <= value <= 1:
            return _percent(float(value))
        return _number(float(value))
    return str(value)


def question_text(experiment: Experiment, runs_made: dict[str, int] | None = None) -> str:
    """The question as typed, with each setting it names replaced by its value in words.

    ``{runs}`` reads the experiment's runs; under ``runs=auto``, the runs made once they
    are known (``runs_made``, scenario -> runs: "140", or "120-160" when the scenarios
    stopped apart), else "auto".

    A setting is read from the baseline, or from the scenario named before its colon
    (``{csm_7:org.teams.csm.headcount}``). A setting the scenario read does not have shows
    the words after its bar, when given.

    A name that is no setting stays as typed (:meth:`Experiment.validate` refuses it
    before a run, so this only happens to experiments built without validation).
    """
    written = _writer(experiment)
    text = SETTING.sub(written, experiment.question) if written else experiment.question
    runs = f"{experiment.runs:,}"
    if experiment.precision is not None:
        made = sorted(set((runs_made or {}).values()))
        runs = "auto" if not made else f"{made[0]:,}" if len(made) == 1 else f"{made[0]:,}-{made[-1]:,}"
    return text.replace("{runs}", runs).replace("{seed}", str(experiment.seed))


def _writer(experiment: Experiment) -> Callable[[re.Match[str]], str] | None:
    """A placeholder's words as :func:`question_text` writes them; None without a baseline scenario."""
    baseline = next((s for s in experiment.scenarios if s.name == experiment.baseline), None)
    if baseline is None:
        return None
    scenarios = {s.name: s.config for s in experiment.scenarios}
    settings, _, words = question_parts(experiment.question, baseline.config, scenarios)
    fallback = dict(words)

    def written(match: re.Match[str]) -> str:
        key = setting_key(match)
        if key in settings:
            return format_setting(match.group("path"), settings[key])
        return fallback.get(match.group(0), match.group(0))

    return written


_FROM_TO = re.compile(r"\bfrom (?P<old>\{[^{}]*\}) to (?P<new>\{[^{}]*\})", re.IGNORECASE)


def repeated_figures(experiment: Experiment) -> list[str]:
    """A note for each "from {a} to {b}" of the question whose two settings read the same.

    ``handoff_quality`` with ``scenarios.playbook.overrides.org.handoff.delay_days=1.5``
    had asked what the playbook gains by taking the AE's catch-up "from 1.5 to 1.5 days",
    with no word that the scenarios no longer differ there.
    """
    written = _writer(experiment)
    if written is None:
        return []
    notes = []
    for match in _FROM_TO.finditer(experiment.question):
        old = SETTING.fullmatch(match.group("old"))
        new = SETTING.fullmatch(match.group("new"))
        if old is not None and new is not None and written(old) == written(new):
            notes.append(
                f"the question's 'from {written(old)} to {written(new)}' shows no change: {old.group(0)} and "
                f"{new.group(0)} read the same in this run (an override set them alike? a distribution reads as its "
                "mean)"
            )
    return notes
