"""Overrides and files whose shape Hydra cannot take, named in salesim's words before or after it composes.

- A list indexed by a name on the command line (``experiment.scenarios.playbook.overrides.X=1``,
  ``pipeline.stages.first.conversion=0.5``): OmegaConf raises a bare TypeError or
  ValueError, which had reached the user as a traceback and exit status 1.
- An experiment file without Hydra's package line: its keys are read under ``experiment``
  and the composition fails far from the cause.
- A key the base config lacks because the scenarios add it themselves
  (``workforce.teams.full_cycle.hires.0.count=2`` on ``hiring_plan``): "no such key" read as a typo.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

from simulator.config.errors import ConfigIssue

_NAMED_INDEX = (r"Index '([^']+)' \(str\) is not an int", r"invalid literal for int\(\) with base 10: '([^']+)'")


def named_index_issue(error: BaseException, args: Sequence[str], folders: Sequence[Path] = ()) -> ConfigIssue | None:
    """An override that names an item of a list (OmegaConf's raw TypeError or ValueError), else None.

    ``experiment.scenarios.playbook.overrides.org.handoff.delay_days=1.5`` had ended in
    OmegaConf's traceback ("Index 'overrides' (str) is not an int") and exit status 1: a
    scenario is a list of overrides, replaced whole: the words give the scenario's own list,
    read from its experiment file in ``folders`` (the config folders, ``--config-dir`` last).
    """
    if not isinstance(error, TypeError | ValueError):
        return None
    part = next((m[1] for m in (re.search(p, str(error)) for p in _NAMED_INDEX) if m), None)
    if part is None:
        return None
    for typed in args:
        key, _, text = typed.lstrip("+~").partition("=")
        parts = key.split(".")
        if part not in parts[1:]:
            continue
        value: Any = text or None
        with contextlib.suppress(Exception):  # the value as Hydra reads it, when it can
            value = OverridesParser.create().parse_override(typed).value()
        listed = ".".join(parts[: parts.index(part, 1)])
        if re.fullmatch(r"experiment\.scenarios\.[^.]+", listed):
            own = _scenario_list(args, folders, listed.rsplit(".", 1)[1])
            # the change meant: the key after the scenario's name (after an "overrides" the user wrote in between)
            after = parts[parts.index(part, 1) + (1 if part == "overrides" else 0) :]
            change = f"{'.'.join(after)}={text}" if len(after) > 1 and text else None
            if own is not None and change is not None:
                changed = change.split("=", 1)[0]
                own = [*(line for line in own if line.lstrip("+~").split("=", 1)[0] != changed), change]
            shown = ",".join(f"'{line}'" for line in own) if own is not None else "'org=specialist','...'"
            hint = (
                "a scenario is a list of overrides: give its whole list again, quoted for the shell, as in "
                f'"{listed}=[{shown}]" ({"its list with your change" if change else "its list now"}; '
                "`--cfg job` prints every scenario's list)"
            )
        else:
            rest = "".join(f".{p}" for p in parts[parts.index(part, 1) + 1 :])
            hint = f"its items are numbered from 0: {listed}.N{rest}=..., N the item's place (`--cfg job` prints them)"
        return ConfigIssue(key, value, f"{listed} is a list, so it has no '{part}': {hint}")
    return None


PACKAGE_LINE = "# @package _global_"


def unpackaged_issue(name: str, folders: Sequence[Path]) -> ConfigIssue | None:
    """An experiment file (the last folder's that has it) without Hydra's package line before its keys, else None.

    Without it, Hydra reads the file's keys under ``experiment`` (``experiment.experiment.scenarios``):
    a file copied from the README's example less its first line had been refused as
    "experiment.scenarios = null" or "hydra.run.dir: experiment.name not found".
    """
    found = [folder / "experiment" / f"{name}.yaml" for folder in folders]
    path = next((p for p in reversed(found) if p.is_file()), None)
    if path is None:
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        lines = ["".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
        wanted = "".join(PACKAGE_LINE.split())
        packaged = [i for i, line in enumerate(lines) if line == wanted]
        for line in lines:  # as Hydra reads a header: "# @" lines and blank ones, to the first other line
            if line == wanted:
                return None
            if line and not line.startswith("#@"):
                break
        where = (
            f"is on line {packaged[0] + 1}, below other lines: Hydra reads it only above every other line, comments "
            "included, so it reads the file's keys under experiment (experiment.experiment.scenarios, ...); move it "
            "to the top"
            if packaged
            else "is missing: Hydra reads the file's keys under experiment (experiment.experiment.scenarios, ...); "
            "make it the file's first line, as in experiments/*.yaml"
        )
        return ConfigIssue(str(path), name, f"its '{PACKAGE_LINE}' line {where}")
    return None


def _scenario_list(args: Sequence[str], folders: Sequence[Path], scenario: str) -> list[str] | None:
    """The scenario's own overrides in its experiment file (``experiment=`` of ``args``, else the default one)."""
    chosen = next((a.split("=", 1)[1] for a in args if a.startswith("experiment=")), None)
    for folder in reversed(folders):
        with contextlib.suppress(OSError, yaml.YAMLError, AttributeError, TypeError):
            if chosen is None:  # the default experiment of the primary config's defaults list
                defaults = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))["defaults"]
                chosen = next(d["experiment"] for d in defaults if isinstance(d, dict) and "experiment" in d)
            data = yaml.safe_load((folder / "experiment" / f"{chosen}.yaml").read_text(encoding="utf-8"))
            listed = data["experiment"]["scenarios"][scenario]
            if isinstance(listed, list) and all(isinstance(line, str) for line in listed):
                return listed
    return None


def scenario_owned(
    issues: Sequence[ConfigIssue], unknown: str, scenarios: Callable[[], Mapping[str, Sequence[str]]]
) -> list[ConfigIssue]:
    """``issues`` with each key the base lacks (``unknown`` its words) told as set by the scenarios' own lists.

    ``scenarios`` gives each scenario's own overrides (called only when an issue is of that
    kind; a failure leaves the issues as they are). Hiring_plan's scenarios each add
    ``+workforce.teams.full_cycle.hires=[...]``: a change to ``hires.0.count`` had been told
    "no such key: check its spelling", though the key is right and its place is the scenario.
    """
    if not any(issue.allowed == unknown for issue in issues):
        return list(issues)
    try:
        lists = {name: list(own) for name, own in scenarios().items()}
    except Exception:  # the base without the user's values did not compose either: as Hydra said
        return list(issues)
    return [_owned(issue, lists) if issue.allowed == unknown else issue for issue in issues]


def _owned(issue: ConfigIssue, lists: Mapping[str, list[str]]) -> ConfigIssue:
    setting = {
        name: line
        for name, own in lists.items()
        for line in own
        if issue.key == _key(line) or issue.key.startswith(_key(line) + ".")
    }
    if not setting:
        return issue
    first, line = next(iter(setting.items()))
    key = _key(line)
    shown = ",".join(f"'{other}'" for other in lists[first])
    words = (
        f"the experiment's base config has no {key}: scenario{'s' if len(setting) > 1 else ''} "
        f"{', '.join(setting)} set{'' if len(setting) > 1 else 's'} it in {'their' if len(setting) > 1 else 'its'} own "
        f"list, which replaces it whole there; change it in a scenario's own list, the whole list given again and "
        f'quoted for the shell, as in "experiment.scenarios.{first}=[{shown}]" with your change in {key} '
        "(`--cfg job` prints every scenario's list)"
    )
    return ConfigIssue(issue.key, issue.value, words)


def _key(line: str) -> str:
    return line.lstrip("+~").split("=", 1)[0]
