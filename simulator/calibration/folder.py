"""Write a calibration as a config folder that ``python -m simulator --config-dir DIR`` runs as it is.

The folder holds its own primary ``config.yaml`` (its defaults list names the calibrated
groups), one file per group (``market/``, ``pipeline/``, ``org/``, ``effects/``, ``clock/``,
``initial_pipeline/``), two experiments (``forecast``: the calibrated company as it is;
``org_question``: 3 more reps in its largest team, and pods by product instead of by
office) and ``calibration.md``. It is written in a temporary folder beside ``out`` and
moved into place at the end, so a failure leaves nothing behind. An existing folder that
holds anything is refused unless ``replace`` is given and calibrate wrote everything in it
(:mod:`simulator.calibration.occupied`); then the old folder is swapped out only once the
new one is complete, and removed after. Nothing of the export
itself is written: names of owners, products and teams, fitted numbers and counts only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simulator.calibration.calibrate import Calibration, effort_hours, scenario_sections
from simulator.calibration.cautions import calibration_cautions
from simulator.calibration.document import calibration_markdown
from simulator.calibration.errors import CalibrationError
from simulator.calibration.occupied import API_ARGUMENTS, GROUP, SECTIONS, OptionNames, refuse_occupied
from simulator.config.errors import ConfigError
from simulator.config.schema import parse_scenario
from simulator.config.validation import validate_scenario
from simulator.io.atomic import private_mode_fixed
from simulator.io.output_dir import UnwritableOutputError, reason

DRAWS_FILE = "parameter_draws.json"
"""The bootstrap refits' file beside ``config.yaml`` (:mod:`simulator.calibration.draws`)."""

HYDRA = {
    "run": {"dir": "outputs/${experiment.name}/${now:%Y-%m-%d_%H-%M-%S}"},
    "sweep": {"dir": "multirun/${experiment.name}/${now:%Y-%m-%d_%H-%M-%S}", "subdir": "${hydra.job.num}"},
    "output_subdir": None,
    "job": {"chdir": False},
    "callbacks": {
        "output_check": {"_target_": "simulator.hydra_callbacks.OutputCheck"},
        "sweep_summary": {"_target_": "simulator.hydra_callbacks.SweepSummary"},
    },
}


def plain(data: Any) -> Any:
    """``data`` with NumPy scalars made Python numbers (YAML writes those alone)."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [plain(v) for v in data]
    if isinstance(data, np.generic):
        return data.item()
    return data


class _BlockDumper(yaml.SafeDumper):
    """Writes text of several lines as a literal block (``|``), such as the deals table."""


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_BlockDumper.add_representer(str, _text)


def _dump(path: Path, comment: str, data: Any, package_global: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "# @package _global_\n" if package_global else ""
    text = yaml.dump(plain(data), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(f"{head}# {comment}\n{text}", encoding="utf-8")


def deals_table(columns: dict[str, Any]) -> dict[str, str]:
    """The starting deals as one CSV block (``initial_pipeline.deals``): Hydra composes it at once.

    Empty columns are left out; numbers are written exactly (shortest round-trip form).
    """
    given = {name: list(values) for name, values in columns.items() if len(values)}
    if not given:  # no deal open: the header alone (a table with no rows, not an unreadable blank)
        given = {name: [] for name in columns if name in ("stage", "age_days", "amount")}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(given)
    writer.writerows(zip(*(plain(values) for values in given.values()), strict=True))
    return {"deals": out.getvalue()}


def pods_by_product(sections: dict[str, Any]) -> dict[str, Any]:
    """The same reps in product pods: products shared among as many pods as there are teams, balanced by volume.

    Reps go to the pods in proportion to each pod's share of new opportunities (largest
    remainder), keeping their names and shares; every pod serves every geography.
    """
    org = sections["org"]
    products = sections["market"].get("products", {})
    reps = [(name, share) for team in org["teams"].values() for name, share in team["reps"].items()]
    template = next(iter(org["teams"].values()))
    n_pods = max(min(len(org["teams"]), len(products)), 1)
    pods: list[tuple[list[str], float]] = [([], 0.0) for _ in range(n_pods)]
    for product, spec in sorted(products.items(), key=lambda kv: -kv[1]["weight"]):
        k = min(range(n_pods), key=lambda i: pods[i][1])
        pods[k] = (pods[k][0] + [product], pods[k][1] + spec["weight"])
    total = sum(w for _, w in pods) or 1.0
    quotas = [len(reps) * w / total for _, w in pods]
    seats = [int(q) for q in quotas]
    for i in np.argsort([-(q - int(q)) for q in quotas])[: len(reps) - sum(seats)]:
        seats[int(i)] += 1
    ordered = sorted(reps, key=lambda r: -r[1])
    teams: dict[str, Any] = {}
    position = 0
    for (names, _), count in zip(pods, seats, strict=True):
        count = max(count, 1)
        members = dict(ordered[position : position + count])
        position += count
        name = pod_name(names)
        name = name if name not in teams else f"{name}_{len(teams) + 1}"  # products alike once in words
        teams[name] = {**template, "headcount": len(members), "reps": members, "serves": {"product": names}}
    return {"name": "pods by product", "teams": teams}


def pod_name(products: Sequence[str]) -> str:
    """A product pod's team key, read in words in the report: ``mg_special_and_gtx_plus_basic_pod``.

    Its first product and the second, or the number of the others (``gtx_basic_and_2_more_pod``);
    each product's words kept apart (it had read "the pod gtxbasic gtxpluspro more team").
    """
    slugs = ["_".join(re.findall(r"[a-z0-9]+", str(p).lower())) or "product" for p in products]
    if not slugs:  # an export without products: one pod of every rep
        return "pod"
    if len(slugs) == 1:
        return f"{slugs[0]}_pod"
    if len(slugs) == 2:
        return f"{slugs[0]}_and_{slugs[1]}_pod"
    return f"{slugs[0]}_and_{len(slugs) - 1}_more_pod"


def pods_under(pods: dict[str, Any], sections: dict[str, Any]) -> dict[str, Any]:
    """The pods of :func:`pods_by_product` kept as they are (teams, members, products), with a refit's values.

    Each rep keeps its pod and takes the refit's share of new opportunities; every pod
    takes the refit's team settings (the skill spread among them). One design for every
    refit: pods formed again from each would group the products differently from refit
    to refit, and a run's teams would change with its draw.
    """
    shares = {name: share for team in sections["org"]["teams"].values() for name, share in team["reps"].items()}
    template = {k: v for k, v in next(iter(sections["org"]["teams"].values())).items() if k not in POD_OWN}
    teams = {
        name: {**pod, **template, "reps": {rep: shares.get(rep, share) for rep, share in pod["reps"].items()}}
        for name, pod in pods["teams"].items()
    }
    return {**pods, "teams": teams}


POD_OWN = ("headcount", "reps", "serves")
"""What a pod keeps from :func:`pods_by_product` under a refit: its size, its members, its products."""


def _check_runnable(sections: dict[str, Any]) -> None:
    """Refuse to write a folder the simulator would refuse: the fitted scenario is checked as a run checks it.

    Raises:
        CalibrationError: With every issue; the keys are the written config's
            (``org.teams.<team>.selling_fraction``), the likely cause the mapping's assumptions.
    """
    data = {s: (deals_table(d) if s == "initial_pipeline" and d else d) for s, d in sections.items() if s in SECTIONS}
    try:
        validate_scenario(parse_scenario(data))
    except ConfigError as error:
        raise CalibrationError(
            f"the calibrated config would not run ({error}); check the mapping's assumptions and the export"
        ) from None


def _swap(
    staging: Path, target: Path, replace: bool, inputs: Sequence[Path] = (), names: OptionNames = API_ARGUMENTS
) -> None:
    """Move the complete ``staging`` to ``target``; an old ``target`` is moved aside first and removed last."""
    if not target.exists():
        staging.rename(target)
        return
    refuse_occupied(target, replace, inputs, names)  # filled since the command began?
    aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=target.parent)) / target.name
    os.rename(target, aside)
    try:
        staging.rename(target)
    except BaseException:
        os.rename(aside, target)  # the old folder back, as it was
        aside.parent.rmdir()
        raise
    shutil.rmtree(aside.parent, ignore_errors=True)


def write_folder(
    cal: Calibration,
    out: str | Path,
    runs: int = 100,
    seed: int = 1,
    replace: bool = False,
    draws: dict[str, Any] | None = None,
    names: OptionNames = API_ARGUMENTS,
) -> Path:
    """Write the config folder of ``cal`` at ``out``; returns its path.

    ``draws`` (:func:`simulator.calibration.draws.parameter_draws`) is written as
    ``parameter_draws.json`` and named by ``config.yaml``, so the folder's runs carry the
    parameters' uncertainty; without it they take the fitted parameters as known.

    An existing ``out`` that holds anything is replaced only with ``replace``, and only
    when calibrate wrote everything in it and it holds none of the files being read
    (:func:`~simulator.calibration.occupied.refuse_occupied`; refused otherwise, before
    anything is written). ``names``: how a refusal names ``out`` and ``replace`` (the command's options
    for salesim calibrate).

    Raises:
        CalibrationError: When the fitted scenario would not run, or ``out`` may not be
            written (see :func:`~simulator.calibration.occupied.refuse_occupied`).
        UnwritableOutputError: When the folder cannot be written (nothing is left behind).
    """
    target = Path(out)
    inputs = cal.mapping.inputs()
    refuse_occupied(target, replace, inputs, names)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = private_mode_fixed(Path(tempfile.mkdtemp(prefix=".calibrating-", dir=target.parent)))
    except OSError as error:
        raise UnwritableOutputError(target, reason(error)) from None
    try:
        sections = scenario_sections(cal)
        _check_runnable(sections)
        name = cal.mapping.name
        for section in SECTIONS:
            data = sections[section]
            if section == "initial_pipeline" and data:
                data = deals_table(data)
            comment = f"{section} of {name} fitted as of {cal.as_of} (calibration.md)"
            _dump(staging / section / f"{GROUP}.yaml", comment, data)
        _dump(
            staging / "org" / "pods_by_product.yaml",
            "the same reps in pods by product instead of by team",
            pods_by_product(sections),
        )
        primary = {
            "defaults": [
                *({s: GROUP} for s in SECTIONS),
                {"runner": "local"},
                "_self_",
                {"experiment": "forecast"},
                {"override hydra/job_logging": "stdout"},
            ],
            "seed": seed,
            "runs": runs,
            "parameter_draws": DRAWS_FILE if draws is not None else None,  # null: a key to set, not to add
            "hydra": HYDRA,
        }
        if draws is not None:
            text = json.dumps(draws, allow_nan=False, separators=(",", ":"))
            (staging / DRAWS_FILE).write_text(text, encoding="utf-8")
        _dump(
            staging / "config.yaml",
            f"{name} calibrated as of {cal.as_of}: python -m simulator --config-dir "
            "THIS_FOLDER [experiment=org_question]",
            primary,
        )
        caveats = {"caveats": calibration_cautions(cal)}  # said beside each answer
        forecast = {
            "experiment": {
                "name": f"{name}_forecast",
                "question": f"What does {name} book from {cal.start} to {cal.until}, starting from its open pipeline?",
                "baseline": "as_is",
                "scenarios": {"as_is": []},
                **(caveats if caveats["caveats"] else {}),
            }
        }
        _dump(staging / "experiment" / "forecast.yaml", "the calibrated company as it is", forecast, True)
        teams = sections["org"]["teams"]
        largest = max(teams, key=lambda t: teams[t]["headcount"])
        question = {
            "experiment": {
                "name": f"{name}_org_question",
                "question": f"Would 3 more reps in {largest}, or pods by product instead of by team, book more "
                f"from {cal.start} to {cal.until}? (Rep effort per deal, {effort_hours(cal):.2f} hours, is an "
                "assumption, not in the export: how busy the reps are, and so what headcount changes, rests on it; "
                "set mapping.assumptions.effort_hours to the company's own.)",
                "baseline": "as_is",
                "scenarios": {
                    "as_is": [],
                    f"plus_3_{largest}": [f"org.teams.{largest}.headcount={teams[largest]['headcount'] + 3}"],
                    "pods_by_product": ["org=pods_by_product"],
                },
                **(caveats if caveats["caveats"] else {}),
            }
        }
        _dump(staging / "experiment" / "org_question.yaml", "an org question on the calibrated company", question, True)
        (staging / "calibration.md").write_text(calibration_markdown(cal, draws), encoding="utf-8")
        _swap(staging, target, replace, inputs, names)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise UnwritableOutputError(target, reason(error)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
