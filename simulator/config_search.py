"""Which folder's ``config.yaml`` is the primary config, and which folders Hydra searches for groups.

The shipped configs are found by :func:`config_dir`. A folder of the user's joins them:
with its own ``config.yaml`` (a calibrated company's, written by ``salesim calibrate``)
that file is the primary config, as ``--config-dir`` makes it for a run; without one (a
folder of ``experiment/NAME.yaml`` files), its groups join the shipped ones.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.config.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
SEARCHPATH = "hydra.searchpath"


def config_dir() -> Path:
    """Where the Hydra configs live: ``SALESIM_CONFIG_DIR``, else ``configs/`` beside the package."""
    override = os.environ.get("SALESIM_CONFIG_DIR")
    candidates = [Path(override)] if override else []
    candidates += [PACKAGE_DIR.parent / "configs", PACKAGE_DIR / "_configs"]
    for candidate in candidates:
        if (candidate / "config.yaml").is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"no salesim configs found in {[str(c) for c in candidates]}")


def _folders(override: str) -> list[str]:
    """The folders of a ``hydra.searchpath=[file://a,b]`` override, as written (``file://`` dropped)."""
    text = override.split("=", 1)[1].strip().strip("[]")
    return [part.strip().strip("'\"").removeprefix("file://") for part in text.split(",") if part.strip()]


def primary_on_searchpath(folders: Sequence[str | Path], typed: str) -> ConfigError | None:
    """The refusal of a folder with its own ``config.yaml`` on ``hydra.searchpath`` (``typed``: as written), else None.

    There the shipped ``config.yaml`` stays primary and composes the shipped company: a run
    with ``hydra.searchpath=[file://calibrated] experiment=forecast`` had forecast the shipped
    12 reps under crm-maven's name and caveats.
    """
    owned = [
        str(path) for path in folders if (Path(path) / "config.yaml").is_file() and Path(path).resolve() != config_dir()
    ]
    if not owned:
        return None
    return ConfigError.single(
        SEARCHPATH,
        typed,
        f"{owned[0]} has its own config.yaml (a calibrated company's): give it as --config-dir {owned[0]}, "
        "which makes that config.yaml the primary config; on the search path the shipped one stays primary "
        "and composes the shipped company",
    )


def primary_and_searchpath(folder: str | Path | None, searchpath: Sequence[str]) -> tuple[Path, list[str]]:
    """The folder whose ``config.yaml`` is primary, and the ``hydra.searchpath`` override to compose with.

    Args:
        folder: A ``--config-dir`` folder, or None.
        searchpath: The user's ``hydra.searchpath=[...]`` overrides (at most one).

    Raises:
        ConfigError: A folder missing, or one with its own ``config.yaml`` on the search path:
            the shipped ``config.yaml`` would stay primary and compose the shipped company,
            with no word (``sensitivity hydra.searchpath=[file://calibrated]`` had studied it).
    """
    given = [path for override in searchpath for path in _folders(override)]
    refusal = primary_on_searchpath(given, searchpath[0].split("=", 1)[1] if searchpath else "")
    if refusal is not None:
        raise refusal
    if folder is None:
        return config_dir(), list(searchpath)
    path = Path(folder).resolve()
    if not path.is_dir():
        raise ConfigError.single("--config-dir", str(folder), "no such directory: --config-dir must name a folder")
    if (path / "config.yaml").is_file():
        return path, [f"{SEARCHPATH}=[{','.join(f'file://{p}' for p in [str(config_dir()), *given])}]"]
    return config_dir(), [f"{SEARCHPATH}=[{','.join(f'file://{p}' for p in [*given, str(path)])}]"]


def config_folders(hydra_cfg: Any) -> list[Path]:
    """The folders a job's config was composed from, the primary config's first (files only, not packages)."""
    sources = [s for s in hydra_cfg.runtime.config_sources if s.schema == "file"]
    sources.sort(key=lambda s: s.provider != "main")
    return [Path(s.path) for s in sources]
