"""A refusal Hydra makes before salesim's own checks, looked at again by composing as a run would.

Hydra refuses some command lines while merging them, before salesim sees a value: a key no
config has (``--cfg job KEY=V``), a list item past the end, and ``+key=value`` on a key the
config already has. Told in Hydra's terms alone, the user would fix one thing, run again and
meet the next refusal. :func:`second_look` composes the experiment as a run would, with the
refused lines made mergeable, and tells everything a run would refuse in one message:

- a key Hydra could not merge gets salesim's words (``did you mean ...``) and the other
  problems beside it;
- ``+economics.roles.full_cycle.quota=600`` is told to drop the ``+`` and, in the same
  line, that $600 a year is surely typed in thousands (two runs had been needed to learn both).

The composed experiment is checked as a run checks it (:func:`_checked`), its scenarios as a whole
too: ``+seed=5 org.teams.ae.role=wizard`` had named only the ``+``, the role a run refuses unsaid.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from hydra._internal.utils import get_args_parser

from simulator.command_line import ALREADY_THERE, MERGE_REFUSALS, parse_overrides
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config_search import config_dir
from simulator.mapping_overrides import printed_whole
from simulator.notebook_loader import load_experiment
from simulator.user_overrides import classify


def second_look(refusal: ConfigError, args: Sequence[str]) -> ConfigError:
    """``refusal`` (of the command line ``args``) with what a run would also refuse, in salesim's words.

    Any refusal this cannot improve on is returned as it is (composing failed otherwise,
    or a config of the user's named by ``--config-path``/``--config-name``).
    """
    if any(issue.allowed.startswith(ALREADY_THERE) for issue in refusal.issues):
        return _with_plus_dropped(refusal, args)
    if any(words in issue.allowed for issue in refusal.issues for words in MERGE_REFUSALS):
        return _closest_key(refusal, args)
    return refusal


def _closest_key(refusal: ConfigError, args: Sequence[str]) -> ConfigError:
    """A key Hydra refused before salesim saw it (``--cfg job KEY=V``), told as a run tells it: with the closest key.

    So is any other override Hydra could not merge (a list item past the end, a mapping
    given for a list): salesim's composition names the key and every other problem beside it.

    The shipped configs are composed with the command line's overrides, as a run would; its
    refusal (``did you mean ...``) replaces Hydra's. Any other refusal is returned as it is.
    """
    try:
        parsed = get_args_parser().parse_args(list(args))
        if parsed.config_dir or parsed.config_path or parsed.config_name:
            return refusal  # a config of the user's: the shipped ones cannot say which key was meant
        _checked([line.lstrip("+") for line in _one_job(parsed.overrides, parsed.multirun)])
    except ConfigError as error:
        return error
    except (Exception, SystemExit):  # composing failed otherwise: the first refusal stands
        return refusal
    groups = {p.name for p in config_dir().iterdir() if p.is_dir()}
    printed = printed_whole(classify(parsed.overrides, groups)) if parsed.cfg else []
    return ConfigError(printed) if printed else refusal  # a run takes them: --cfg's own merge refused them


def _with_plus_dropped(refusal: ConfigError, args: Sequence[str]) -> ConfigError:
    """The ``+`` refusal with, on the same key, what a run would refuse in its value once the ``+`` is dropped."""
    present = {issue.key for issue in refusal.issues if issue.allowed.startswith(ALREADY_THERE)}
    try:
        parsed = get_args_parser().parse_args(list(args))
        if parsed.config_name not in (None, "config"):
            return refusal  # a primary config of the user's own name: composed as given only
        # a calibrated folder arrives as the primary (--config-path), the shipped configs as --config-dir
        folder = parsed.config_path or parsed.config_dir
        plain = [_without_plus(line, present) for line in _one_job(parsed.overrides, parsed.multirun)]
        _checked(plain, folder)
    except ConfigError as error:
        return ConfigError(_merged(refusal.issues, error.issues, present))
    except (Exception, SystemExit):  # composing failed otherwise: the first refusal stands
        return refusal
    return refusal


def _one_job(overrides: Sequence[str], multirun: bool) -> list[str]:
    """The overrides composed as one run: a sweep's swept lines are left out (each job's are checked when it runs).

    ``--multirun org.teams.full_cycle.headcount=10,12 +seed=4`` had been told, beside the ``+``, that "a
    comma makes a list or a sweep ... or add --multirun", where --multirun was given.
    """
    if not multirun:
        return list(overrides)
    try:
        parsed = parse_overrides(overrides, "command line")
    except ConfigError:
        return list(overrides)
    return [line for line, override in zip(overrides, parsed, strict=True) if not override.is_sweep_override()]


def _checked(overrides: Sequence[str], folder: str | Path | None = None) -> None:
    """Compose the experiment as a run would and check it as a run does, scenarios and decision KPIs together.

    Raises:
        ConfigError: Every problem a run would refuse.
    """
    from simulator.analysis.decision import check_experiment

    with warnings.catch_warnings():  # a refusal's message holds problems; notes and warnings come on a run
        warnings.simplefilter("ignore")
        check_experiment(load_experiment(None, overrides, folder))


def _without_plus(line: str, keys: set[str]) -> str:
    key = line.split("=", 1)[0]
    return line[1:] if key.startswith("+") and not key.startswith("++") and key[1:] in keys else line


def _merged(first: Sequence[ConfigIssue], then: Sequence[ConfigIssue], present: set[str]) -> list[ConfigIssue]:
    """``first``'s issues, each ``+`` one joined with a run's issue on its key; a run's other issues after them."""
    by_key = {issue.key: issue for issue in then if issue.key in present}
    issues = [
        ConfigIssue(i.key, i.value, f"is already in the config: drop the +; and it {by_key[i.key].allowed}")
        if i.key in by_key
        else i
        for i in first
    ]
    return issues + [issue for issue in then if issue.key not in by_key and issue not in issues]
