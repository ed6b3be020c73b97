"""Keys salesim once had and now refuses, in the refusal's own words wherever they are typed.

A retired key is refused by its model's validator, which says where the setting went
(``pipelines.partner.margin_share`` -> ``economics.sources.partner.margin``). A YAML file
or a ``+`` override reaches that validator; a plain override (``pipelines.partner.margin_share=0.3``,
as the shipped config let one type it until the key was removed) is refused before, as a
key no scenario has: :func:`retired_words` gives it the validator's words instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.config.clock import ClockConfig
from simulator.config.errors import ConfigError, issues_from_validation_error
from simulator.config.pipelines import PartnerConfig, PrmConfig

RETIRED: dict[str, type[BaseModel]] = {
    "pipelines.partner.margin_share": PartnerConfig,
    "pipelines.prospecting.prm.seat_cost_per_month": PrmConfig,
    "clock.days_per_month": ClockConfig,
}
"""Dotted key -> the model whose validator refuses it (saying where the setting went)."""

_UNSET = object()


def retired_words(key: str, configs: Sequence[Mapping[str, Any]], value: Any = _UNSET) -> str:
    """The refusal of a retired ``key`` set to ``value``, in its validator's words; '' for any other key.

    ``configs``: the plain configs the key was looked for in (the section around the key, its
    ``source`` among others, goes into the words).
    """
    model = RETIRED.get(key)
    if model is None:
        return ""
    *path, leaf = key.split(".")
    section: dict[str, Any] = {}
    for config in configs:
        node: Any = config
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            section = dict(node)
            break
    section[leaf] = None if value is _UNSET else value
    try:
        model.model_validate(section)
    except (ConfigError, ValidationError) as error:
        issues = error.issues if isinstance(error, ConfigError) else issues_from_validation_error(error)
        found = [issue.allowed for issue in issues if issue.key.rsplit(".", 1)[-1] == leaf]
        return found[0] if found else ""
    return ""
