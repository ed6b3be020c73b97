"""A calibrated company's parameter draws, put on every scenario of an experiment.

``salesim calibrate`` stores bootstrap refits beside the folder's ``config.yaml``
(:mod:`simulator.calibration.draws`): for each, the sections a refit changes, and the
point fit's. Replication ``r`` of every scenario runs on draw ``r mod n``, so scenarios
stay paired (common random numbers, the same draw) and a forecast's P10–P90 carries what
the export could not pin down as well as the period's luck.

A draw replaces the fitted values a scenario still holds, and nothing else:
:func:`apply_draw` walks the draw beside the point fit and the scenario's own config,
and takes the draw's value wherever the scenario's equals the point fit's. A value that a
scenario, the command line or an edited file set otherwise is the user's, and stays in
every draw (``org.teams.Central.headcount=12`` keeps 12). The folder's other org
(``org=pods_by_product``, the same reps in product pods) has draws of its own in the file,
formed from each refit as from the point fit, so both orgs carry the same uncertainty; an
org a user wrote keeps its own teams.

A study that moves a fitted value (a lever set 20% lower) moves each refit's own value,
not the point fit's: it takes a scenario's config under each draw (:func:`drawn_configs`),
moves the value there and hands the moved configs back (``given``), which the scenario
then runs on as they are.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from simulator.config.composed import parse_composed
from simulator.config.errors import ConfigError, ConfigIssue, listed
from simulator.run.experiment import COMPOSITION_NOTES, Experiment, ScenarioSpec

SHOWN_DRAWS = 3
"""Refused draws whose every issue is listed; the others are counted and named by index."""
KEY = "parameter_draws"
"""The top-level config key naming the draws' file."""
FORMAT = 1
"""The file layout this reads (``format``)."""


def apply_draw(scenario: Any, point: Any, draw: Any) -> Any:
    """``scenario`` with ``draw``'s values where it still holds ``point``'s.

    Mappings are walked key by key (keys the scenario lacks stay absent, keys only it has
    stay): a key both fits have is merged again below; a key only the draw has (a refit
    that fitted a feature the point fit did not) is the draw's where the scenario lacks it
    too, as the point does; a key only the point has is dropped where the scenario still
    holds the point's value. Lists of mappings of one length are walked element by
    element. Anything else (a number, a list of numbers, a distribution whose form
    differs: keys that differ beside a ``dist``) is one value: the draw's if the
    scenario's equals the point's, else the scenario's.

    A stage's refit that left out one feature the point fit has (``delays_by_quarter_month``)
    had made the whole stage one value, so an override of its effort kept the point fit's
    conversion in that refit's runs (4 of the first 6 of crm-maven's refits).
    """
    mappings = isinstance(scenario, Mapping) and isinstance(point, Mapping) and isinstance(draw, Mapping)
    distribution = mappings and ("dist" in point or "dist" in draw)
    if mappings and (set(point) == set(draw) or not distribution):
        merged = dict(scenario)
        for key in [*point, *(k for k in draw if k not in point)]:
            if key in point and key in draw:
                if key in scenario:
                    merged[key] = apply_draw(scenario[key], point[key], draw[key])
            elif key in draw:  # only the refit fitted it: the draw's where the scenario lacks it, as the point does
                if key not in scenario:
                    merged[key] = draw[key]
            elif key in scenario and scenario[key] == point[key]:  # only the point fitted it: the refit's absence
                del merged[key]
        return merged
    if (
        isinstance(scenario, list)
        and isinstance(point, list)
        and isinstance(draw, list)
        and len(scenario) == len(point) == len(draw)
        and all(isinstance(item, Mapping) for item in [*point, *draw])
    ):
        return [apply_draw(s, p, d) for s, p, d in zip(scenario, point, draw, strict=True)]
    return draw if scenario == point else scenario


def read_draws(path: Path) -> dict[str, Any]:
    """The draws' file, checked for its layout.

    Raises:
        ConfigError: Naming the file, when it is missing, unreadable, not JSON or not a
            file ``salesim calibrate`` writes.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError.single(
            KEY, str(path), "no such file: run salesim calibrate again, or remove the key"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError.single(KEY, str(path), f"cannot be read as salesim calibrate wrote it: {error}") from None
    fault = _layout_fault(data)
    if fault is not None:
        raise ConfigError.single(
            KEY,
            str(path),
            f"is not a parameter draws file of format {FORMAT} (point, draws: one or more, each with the point's "
            f"sections; variants: per section, a point and as many draws): {fault}; run salesim calibrate again",
        )
    return data


def _layout_fault(data: Any) -> str | None:
    """What breaks the layout of a draws file, in words; None when it is whole."""
    if not isinstance(data, dict):
        return "it holds no mapping"
    if data.get("format") != FORMAT:
        return f"its format is {data.get('format')!r}"
    point, draws = data.get("point"), data.get("draws")
    if not isinstance(point, dict):
        return "it has no point fit (point)"
    if not isinstance(draws, list) or not draws:
        return "it has no draws"
    for k, draw in enumerate(draws):
        if not isinstance(draw, dict) or set(draw) != set(point):
            have = sorted(draw) if isinstance(draw, dict) else []
            return f"draw {k} has sections {have}, the point fit {sorted(point)}"
    if not _variants_well_formed(data.get("variants", {}), point, len(draws)):
        return f"its variants are not each a point and {len(draws)} draws of a drawn section"
    return None


def _variants_well_formed(variants: Any, point: Mapping[str, Any], count: int) -> bool:
    """``variants`` maps drawn sections to named forms, each with a ``point`` and ``count`` draws."""
    return isinstance(variants, dict) and all(
        section in point
        and isinstance(forms, dict)
        and all(
            isinstance(form, dict)
            and "point" in form
            and isinstance(form.get("draws"), list)
            and len(form["draws"]) == count
            for form in forms.values()
        )
        for section, forms in variants.items()
    )


def under_draws(own: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A scenario's composed config ``own`` under each draw of ``data`` (a draws file), in the draws' order.

    Each drawn section is merged with the form of the fit it shares the most values with
    (the point fit or a variant: :func:`_closest_fit`) by :func:`apply_draw`; the other
    keys are ``own``'s. The configs share the values they do not change with ``own`` and
    with one another: copy before changing one in place.
    """
    point, draws = data["point"], data["draws"]
    variants = data.get("variants") or {}
    fits = {
        name: _closest_fit(own.get(name), point[name], [d[name] for d in draws], variants.get(name)) for name in point
    }
    return [
        {**own, **{name: apply_draw(own.get(name), fit[0], fit[1][k]) for name, fit in fits.items()}}
        for k in range(len(draws))
    ]


def drawn_configs(source: Experiment, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``config`` (a composed scenario config) under each of ``source``'s parameter draws; [] when it has none.

    What a study's scenario built from ``config`` runs on under draw k, before the study
    moves anything: the values ``config`` still holds from the point fit are refit k's.
    """
    if source.draws_source is None:
        return []
    return under_draws(config, source.draws_source[1])


def with_parameter_draws(
    experiment: Experiment,
    data: Mapping[str, Any],
    path: Path,
    given: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Experiment:
    """``experiment`` with every scenario carrying its configs under each draw (see :func:`apply_draw`).

    ``given``: scenario -> its composed config under each draw, one per draw in order, run
    as they are instead of merged here (a lever study moves each refit's own value of a
    lever: :func:`drawn_configs` gave it the refits' configs). The file's SHA-256 is kept in
    ``resolved_config`` (``parameter_draws_sha256``), so a resumed run with other draws is
    told apart.

    Raises:
        ConfigError: When a scenario under a draw is refused by the schema (naming the draw).
        ValueError: When a scenario of ``given`` has not one config per draw.
    """
    point, draws = data["point"], data["draws"]
    given = given or {}
    _check_as_of(experiment.resolved_config.get("base") or {}, data, path)
    specs: list[ScenarioSpec] = []
    issues: list[ConfigIssue] = []
    unchanged: list[str] = []
    for spec in experiment.scenarios:
        own = experiment.resolved_config["scenarios"][spec.name]
        configs = []
        changed = False
        merged_configs = list(given[spec.name]) if spec.name in given else under_draws(own, data)
        if len(merged_configs) != len(draws):
            raise ValueError(f"scenario {spec.name}: {len(merged_configs)} configs given for {len(draws)} draws")
        refused: list[int] = []
        for k, merged in enumerate(merged_configs):
            changed = changed or any(merged.get(name) != own.get(name) for name in point)
            try:
                configs.append(parse_composed(merged).scenario())
            except ConfigError as error:
                refused.append(k)
                if len(refused) <= SHOWN_DRAWS:  # every refused draw counted, the first few shown whole
                    where = f"{KEY} draw {k} of {path.name} [scenario {spec.name}]"
                    issues.extend(ConfigIssue(f"{where} {i.key}", i.value, i.allowed) for i in error.issues)
        if len(refused) > SHOWN_DRAWS:
            rest = refused[SHOWN_DRAWS:]
            issues.append(
                ConfigIssue(
                    f"{KEY} [scenario {spec.name}]",
                    str(path),
                    f"{len(rest)} more draws are refused too (draws {', '.join(map(str, rest))}): "
                    "run salesim calibrate again",
                )
            )
        specs.append(dataclasses.replace(spec, draws=tuple(configs)))
        if not changed:
            unchanged.append(spec.name)
    if issues:
        raise ConfigError(issues)
    notes = list(experiment.resolved_config.get(COMPOSITION_NOTES) or [])
    if unchanged:
        notes.append(
            f"{KEY}: no refit in {path.name} changes a value of scenario {listed(unchanged, '')}: every value "
            f"the refits fit ({', '.join(point)}) is set otherwise there, so "
            f"{'its' if len(unchanged) == 1 else 'their'} runs take the parameters as known"
        )
    resolved = {
        **experiment.resolved_config,
        COMPOSITION_NOTES: notes,
        f"{KEY}_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        f"{KEY}_count": len(draws),
    }
    return dataclasses.replace(experiment, scenarios=tuple(specs), resolved_config=resolved, draws_source=(path, data))


def redrawn(
    study: Experiment, source: Experiment, given: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> Experiment:
    """``study``, built from ``source``'s scenario configs, under ``source``'s parameter draws (as it is without any).

    A team-mix search or a lever study composes its own scenarios from the configs of a
    calibrated company's experiment; run on the point fit alone, they had read $2.97M of
    bookings where the company's own run, on its refits, reads $3.07M, with a CI that left
    out what the export does not pin down. Each of the study's scenarios takes the draws
    value by value where it keeps the fitted value (:func:`with_parameter_draws`): a
    headcount the study sets stays its own. A scenario of ``given`` runs on the configs
    given for it under each draw (see :func:`with_parameter_draws`).

    Raises:
        ConfigError: When a study's scenario under a draw is refused by the schema (naming the draw).
    """
    if source.draws_source is None:
        return study
    path, data = source.draws_source
    return with_parameter_draws(study, data, path, given)


def _closest_fit(own: Any, point: Any, draws: list[Any], variants: Mapping[str, Any] | None) -> tuple[Any, list[Any]]:
    """The fit of a section a scenario's values come from, with its draws: the point fit or one of its variants.

    A calibrated folder holds other forms of a fitted section (``org/pods_by_product``:
    the same reps in product pods); the file gives each its own draws, formed from each
    refit. The scenario's section takes the form it shares the most values with, the
    point fit on a tie.
    """
    fits = [(point, draws), *((v["point"], v["draws"]) for v in (variants or {}).values())]
    return max(fits, key=lambda fit: _shared(own, fit[0]))


def _shared(a: Any, b: Any) -> int:
    """How many values ``a`` and ``b`` share, walking the keys and list positions they have in common."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return sum(_shared(a[key], b[key]) for key in a.keys() & b.keys())
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return sum(_shared(x, y) for x, y in zip(a, b, strict=True))
    return int(a == b)


def _check_as_of(base: Mapping[str, Any], data: Mapping[str, Any], path: Path) -> None:
    """Refuse draws fitted as of another date than the one the config starts the day after.

    Draws of another as-of date would move the values the two fits happen to share and
    leave the rest: a band of neither fit.

    Raises:
        ConfigError: Naming the file, its as-of date and the config's start.
    """
    as_of, start = data.get("as_of"), (base.get("clock") or {}).get("start_date")
    if not as_of or not start:
        return
    try:
        expected = (date.fromisoformat(str(as_of)) + timedelta(days=1)).isoformat()
    except ValueError:
        raise ConfigError.single(
            KEY, str(path), f"its as_of {as_of!r} is not a date: run salesim calibrate again"
        ) from None
    if str(start) != expected:
        raise ConfigError.single(
            KEY,
            str(path),
            f"was fitted as of {as_of}, but the config starts on {start} (a folder fitted as of {as_of} starts "
            f"on {expected}): run salesim calibrate again for this folder, or without the draws "
            "(parameter_draws=null)",
        )


def _located(name: str, folders: list[Path]) -> Path | ConfigIssue:
    """The draws file ``name`` in the first of ``folders`` holding it, or the issue naming where it was looked for."""
    candidates = [Path(name)] if Path(name).is_absolute() else [folder / name for folder in folders]
    found = next((path for path in candidates if path.is_file()), None)
    if found is not None:
        return found
    searched = ", ".join(str(path.parent) for path in candidates) or "no config folder"
    return ConfigIssue(KEY, name, f"no such file beside the config (looked in {searched}): run salesim calibrate again")


def missing_draws_issues(base: Mapping[str, Any], folders: list[Path]) -> list[ConfigIssue]:
    """The issue of a draws file the composed ``base`` config names and none of ``folders`` holds (else none).

    Checked beside the scenarios' own issues when those stop the composition, so that a
    missing file is named in the same message rather than only after the others are fixed.
    """
    name = base.get(KEY)
    located = _located(str(name), folders) if name else None
    return [located] if isinstance(located, ConfigIssue) else []


def load_parameter_draws(experiment: Experiment, folders: list[Path]) -> Experiment:
    """``experiment`` with the draws its config names (``parameter_draws``), found in ``folders`` in order.

    ``folders``: where the config was composed from, the primary config's folder first. An
    experiment whose config names no draws is returned as it is.

    Raises:
        ConfigError: When the file is in none of the folders, or is refused (:func:`read_draws`).
    """
    name = experiment.resolved_config.get("base", {}).get(KEY)
    if not name:
        return experiment
    located = _located(str(name), folders)
    if isinstance(located, ConfigIssue):
        raise ConfigError(located)
    return with_parameter_draws(experiment, read_draws(located), located)
