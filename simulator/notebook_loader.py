"""An experiment composed for a notebook or a script, as the command line composes a run's.

:func:`load_experiment` composes the experiment's scenarios with Hydra's compose API
(:func:`simulator.compose.compose_experiment`) from the shipped configs, a folder of your
own, or a calibrated company's folder, and reads what a run reads beside them: a
calibrated company's bootstrap refits (``parameter_draws``). Without them a notebook had
forecast crm-maven on the fitted parameters alone: bookings $2.97M (95% CI $2.93M to
$3.01M) where the command line, on the 40 refits, said $3.07M ($2.97M to $3.16M).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from simulator.command_line import first_line
from simulator.compose import compose_experiment
from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config_files import parse_config_files_once
from simulator.config_search import SEARCHPATH, config_folders, primary_and_searchpath
from simulator.run.experiment import COMPOSITION_NOTES, Experiment
from simulator.run.parameter_draws import load_parameter_draws, missing_draws_issues


def load_experiment(
    name: str | None = None, overrides: Sequence[str] = (), config_folder: str | Path | None = None
) -> Experiment:
    """Compose an experiment from the shipped configs, for notebooks and scripts.

    Args:
        name: An experiment of ``experiments/`` (default: the one in ``configs/config.yaml``),
            or one of a folder of your own given as ``hydra.searchpath=[file:///your/folder]``
            in ``overrides`` (the folder holds ``experiment/NAME.yaml``).
        overrides: Hydra overrides, e.g. ``["runs=50", "org.teams.ae.headcount=10"]``;
            they apply to every scenario (a scenario's own value on the same key wins).
        config_folder: A folder of configs as ``--config-dir`` gives it: with its own
            ``config.yaml`` (a calibrated company's), that file is the primary config, the
            shipped groups still found; without, its groups join the shipped ones.

    Raises:
        ConfigError: An override or experiment that cannot be composed or is invalid; a
            folder with its own ``config.yaml`` on ``hydra.searchpath``, where the shipped
            ``config.yaml`` would stay primary and the shipped company would be composed.
        TypeError: ``overrides`` is one string rather than a list of them.
    """
    if isinstance(overrides, str):  # read a character at a time, "runs=5" had been refused as the override 'r'
        raise TypeError(f"overrides must be a list of Hydra overrides, e.g. [{overrides!r}], not a string")
    all_overrides = list(overrides) + ([f"experiment={name}"] if name else [])
    searchpath = [o for o in all_overrides if o.startswith(SEARCHPATH + "=")]
    primary, searchpath = primary_and_searchpath(config_folder, searchpath)
    all_overrides = [o for o in all_overrides if not o.startswith(SEARCHPATH + "=")] + searchpath
    parse_config_files_once()
    with initialize_config_dir(config_dir=str(primary), version_base="1.3"):

        def composer(lines: list[str]) -> DictConfig:
            return compose(config_name="config", overrides=[*searchpath, *lines])

        folders, groups = _folders_and_groups(primary, searchpath)

        def drawn(base: Mapping[str, Any]) -> list[ConfigIssue]:
            return missing_draws_issues(base, folders)

        experiment, notes = compose_experiment(all_overrides, composer, groups, drawn)
        experiment = load_parameter_draws(experiment, folders)
        notes = experiment.resolved_config.get(COMPOSITION_NOTES, notes)
    for note in notes:
        print(f"salesim: note: {note}", file=sys.stderr)
    return experiment


_SEEN: dict[tuple[str, tuple[str, ...]], tuple[str, list[Path], frozenset[str]]] = {}
"""What :func:`_folders_and_groups` found for a config folder and searchpath, with their files' fingerprint."""


def _folders_and_groups(primary: Path, searchpath: list[str]) -> tuple[list[Path], frozenset[str]]:
    """The folders the config is composed from (a calibrated company's refits beside them) and the config groups.

    Read from Hydra's own config, composed for them alone: about a third of a notebook's
    ``load_experiment`` of a two-scenario experiment (0.16 of 0.49 s). It is composed again
    only when a ``.yaml`` file of those folders was added, removed or edited (by its text:
    an edit keeping the file's size and time is one), or for a ``pkg://`` searchpath.
    Call inside ``initialize_config_dir(primary)``.
    """
    key = (str(primary), tuple(searchpath))
    seen = _SEEN.get(key)
    if seen is not None and seen[0] == _fingerprint(seen[1]):
        return list(seen[1]), seen[2]
    try:
        hydra_cfg = compose(config_name="config", overrides=searchpath, return_hydra_config=True).hydra
    except Exception as error:
        raise ConfigError.single(SEARCHPATH, searchpath, f"could not be used: {first_line(error)}") from None
    folders = config_folders(hydra_cfg)  # a calibrated company's bootstrap refits, read as a run reads them
    groups = frozenset(hydra_cfg.runtime.choices)
    if not any("pkg://" in line for line in searchpath):
        _SEEN[key] = (_fingerprint(folders), list(folders), groups)
    return folders, groups


def _fingerprint(folders: Sequence[Path]) -> str:
    """A digest of the names and texts of the ``.yaml`` files under ``folders``, linked folders followed.

    (The shipped ``configs/experiment`` is a link to ``experiments/``, which ``Path.rglob`` does not enter.)
    """
    digest = hashlib.sha1()
    for folder in folders:
        entered: set[str] = set()
        for where, subfolders, files in os.walk(folder, followlinks=True):
            real = os.path.realpath(where)
            if real in entered:  # a link back up: walked already
                subfolders.clear()
                continue
            entered.add(real)
            subfolders.sort()
            for name in sorted(f for f in files if f.endswith(".yaml")):
                path = os.path.join(where, name)
                digest.update(path.encode() + b"\0")
                try:
                    with open(path, "rb") as text:
                        digest.update(text.read())
                except OSError:
                    digest.update(b"\1unreadable")
                digest.update(b"\0")
    return digest.hexdigest()
