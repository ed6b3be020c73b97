"""Which ``--out`` folders calibrate may write, and which ``--replace`` may replace.

``--replace`` replaces only a folder calibrate wrote: one holding ``calibration.md`` and
``config.yaml`` and nothing but the files calibrate writes (:data:`WRITTEN`; their contents
may be edited, as calibration.md asks of ``economics/calibrated.yaml``). A folder with
anything else in it (``.git``, the user's notes or code, run outputs) is refused, and so is
a folder that is, or holds, a file calibrate is reading (the mapping, the export) or the
current folder: replacing those deleted the mapping being read and a git repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from simulator.calibration.errors import CalibrationError
from simulator.io import occupied
from simulator.io.occupied import FolderLayout, shown

GROUP = "calibrated"
SECTIONS = ("market", "pipeline", "org", "effects", "clock", "initial_pipeline", "economics")
WRITTEN = frozenset(
    {
        "calibration.md",
        "config.yaml",
        "org/pods_by_product.yaml",
        "experiment/forecast.yaml",
        "experiment/org_question.yaml",
        "parameter_draws.json",
        *(f"{section}/{GROUP}.yaml" for section in SECTIONS),
    }
)
"""Every file calibrate writes, relative to the folder (folders: the parts before a '/')."""


@dataclass(frozen=True, slots=True)
class OptionNames:
    """How a refusal names the folder and the replacing: the command's options or the Python API's arguments."""

    out: str  # "--out {}" or "out='{}'"
    replace: str  # "--replace" or "replace=True"

    def out_of(self, target: str | Path) -> str:
        """The folder as the caller gave it: ``--out calibrated/x`` or ``out='calibrated/x'``."""
        return self.out.format(target)


CLI_OPTIONS = OptionNames("--out {}", "--replace")
"""salesim calibrate's options."""
API_ARGUMENTS = OptionNames("out='{}'", "replace=True")
"""write_folder's arguments: a notebook user was told to pass --out and --replace."""

LAYOUT = FolderLayout(
    "salesim calibrate", WRITTEN, marks=("calibration.md", "config.yaml"), what="calibrated config folder"
)
"""A folder calibrate wrote: its files alone, calibration.md and config.yaml among them."""


def foreign_entries(folder: Path) -> list[str]:
    """What in ``folder`` calibrate did not write (relative names, sorted; ``.git`` first); ``[]`` if nothing.

    A link, or a folder or file where calibrate writes the other, counts as not calibrate's.
    """
    return occupied.foreign_entries(folder, LAYOUT)


def _refuse_inputs(target: Path, inputs: Iterable[str | Path], names: OptionNames) -> None:
    """Refuse a ``target`` that is, or holds, a file being read or the current folder."""
    here = Path(target).resolve()
    cwd = Path(os.getcwd()).resolve()
    for path in [*inputs]:
        read = Path(path).resolve()
        if here == read or here in read.parents:
            raise CalibrationError(
                f"{names.out_of(target)}: {read} is being read by calibrate and is "
                + ("that path itself" if here == read else "inside that folder")
                + "; nothing was written. Write the config folder to a new folder outside it"
            )
    if here == cwd or here in cwd.parents:
        raise CalibrationError(
            f"{names.out_of(target)}: is the current folder or holds it; nothing was written. Write the config "
            f"folder to a new folder ({names.out_of('calibrated')})"
        )


def refuse_occupied(
    out: str | Path, replace: bool = False, inputs: Iterable[str | Path] = (), names: OptionNames = CLI_OPTIONS
) -> None:
    """Refuse an ``out`` calibrate may not write: the user's, not ours to delete.

    Refused: an ``out`` that is (or holds) one of ``inputs`` (the mapping and export files)
    or the current folder; an existing folder that holds anything, unless ``replace`` is
    given and calibrate wrote everything in it. ``names``: how the message names ``out`` and ``replace``.

    Raises:
        CalibrationError: Naming the folder, what in it is not calibrate's (first few), and what to do.
    """
    target = Path(out)
    if not target.exists():
        return
    _refuse_inputs(target, inputs, names)
    if not target.is_dir():
        return  # a file in the way: check_creatable and the writing say so
    entries = sorted(p.name for p in target.iterdir())
    if not entries:
        return
    foreign = foreign_entries(target)
    if foreign:
        raise CalibrationError(
            f"{names.out_of(target)}: the folder exists and holds what salesim calibrate did not write "
            f"({shown(foreign)}); nothing was written. {names.replace} replaces only a folder calibrate wrote, so "
            "choose a new folder "
            "(or move those out of it first)"
        )
    if replace:
        return
    edited = (target / "economics" / "calibrated.yaml").is_file()
    raise CalibrationError(
        f"{names.out_of(target)}: the folder exists and is not empty ({shown(entries)}); nothing was written. Choose "
        f"a new folder, or pass {names.replace} to replace it: everything in it is deleted"
        + (" (economics/calibrated.yaml too, where calibration.md asks for your own pay figures)" if edited else "")
    )
