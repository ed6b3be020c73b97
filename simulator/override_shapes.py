"""Overrides and files whose shape Hydra cannot take, named in salesim's words before or after it composes.

- A list indexed by a name on the command line (``experiment.scenarios.playbook.overrides.X=1``,
  ``pipeline.stages.first.conversion=0.5``): OmegaConf raises a bare TypeError or
  ValueError, which had reached the user as a traceback and exit status 1.
- An experiment file without Hydra's package line: its keys are read under ``experiment``
  and the composition fails far from the cause.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser

from simulator.config.errors import ConfigIssue

_NAMED_INDEX = (r"Index '([^']+)' \(str\) is not an int", r"invalid literal for int\(\) with base 10: '([^']+)'")


def named_index_issue(error: BaseException, args: Sequence[str]) -> ConfigIssue | None:
    """An override that names an item of a list (OmegaConf's raw TypeError or ValueError), else None.

    ``experiment.scenarios.playbook.overrides.org.handoff.delay_days=1.5`` had ended in
    OmegaConf's traceback ("Index 'overrides' (str) is not an int") and exit status 1: a
    scenario is a list of overrides, replaced whole.
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
            hint = (
                f"a scenario is a list of overrides: give its whole list again, quoted, as in "
                f"\"{listed}=['org=specialist','org.handoff.delay_days=1.5']\" (--describe shows each scenario's)"
            )
        else:
            hint = f"its items are numbered from 0 ({listed}.0=...), or give the whole list: {listed}=[a,b]"
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
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().replace(" ", "") == PACKAGE_LINE.replace(" ", ""):
                return None
            if line.strip() and not line.lstrip().startswith("#"):
                return ConfigIssue(
                    str(path),
                    name,
                    f"has no '{PACKAGE_LINE}' line before its keys: Hydra reads them under experiment "
                    "(experiment.experiment.scenarios, ...); make it the file's first line, as in experiments/*.yaml",
                )
    return None
