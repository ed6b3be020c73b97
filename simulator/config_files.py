"""Hydra's config files read from disk each time, parsed once a process.

Composing an experiment composes every scenario with Hydra (:mod:`simulator.compose`),
and Hydra parses each YAML file again for every composition: the default experiment's
run reads some 120 files, 15 of them distinct, and parsing them was about a quarter of
a refused run's start (~1.1 s of ~4.3 s on the reference machine, measured). Here a file
is still read each time, and parsed only when its text is new to the process, so an
edited file is always seen; Hydra gets its own copy of the parsed config (it removes the
``defaults`` list from what it loads).

Only the ``file://`` sources are served this way (the configs shipped, a calibrated
folder, a folder of your own experiments); Hydra's own package configs are left to it.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from hydra.core.plugins import Plugins
from hydra.plugins.config_source import ConfigResult

_PARSED: dict[tuple[str, str], ConfigResult] = {}  # (real path, text) -> what Hydra's file source made of it

try:  # Hydra's own file source and the registry of sources by scheme (internal to Hydra: used if present)
    from hydra._internal.core_plugins import file_config_source
    from hydra._internal.sources_registry import SourcesRegistry
except ImportError:  # pragma: no cover - a Hydra that moved them: files are parsed as Hydra parses them
    file_config_source = None  # type: ignore[assignment]
    SourcesRegistry = None  # type: ignore[assignment,misc]


if file_config_source is not None:

    class FileConfigSource(file_config_source.FileConfigSource):
        """Hydra's ``file://`` config source, each distinct text of a file parsed once a process.

        It bears the name of the class it extends: Hydra registers its sources again in a
        launcher's job processes (the joblib launcher of ``--multirun``), and its registry
        refuses a source of another name for a scheme already taken.
        """

        def load_config(self, config_path: str) -> ConfigResult:
            """As Hydra's: the file's config, header and source; a copy of the one parsed before if the text is."""
            full_path = os.path.realpath(os.path.join(self.path, self._normalize_file_name(config_path)))
            try:
                with open(full_path, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                return super().load_config(config_path)  # Hydra's own words for a missing file
            parsed = _PARSED.get((full_path, text))
            if parsed is None:
                parsed = _PARSED[(full_path, text)] = super().load_config(config_path)
            return ConfigResult(
                config=copy.deepcopy(parsed.config),
                path=parsed.path,
                provider=parsed.provider,
                header=dict(parsed.header),
            )


def parse_config_files_once() -> None:
    """Serve Hydra's ``file://`` config sources from this module's :class:`FileConfigSource` from now on.

    Call before composing; calling again does nothing. Hydra's plugins are scanned first
    (as Hydra would on its first composition), so that its own file source is registered
    before this one takes the ``file`` scheme over.
    """
    if file_config_source is None or SourcesRegistry is None:
        return
    Plugins.instance()
    types: dict[str, Any] = SourcesRegistry.instance().types
    if types.get("file") is not FileConfigSource:
        types["file"] = FileConfigSource


def parsed_files() -> int:
    """How many distinct file texts have been parsed in this process (for tests)."""
    return len(_PARSED)
