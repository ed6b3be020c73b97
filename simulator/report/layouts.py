"""What each salesim command writes in its folder, so that each writes only into its own.

Every command that writes a folder (a run, a sweep, ``sensitivity``, ``optimise``,
``backtest``, ``warmup``, ``calibrate``) names its files in a
:class:`~simulator.io.occupied.FolderLayout` here, below the modules that write them, so
that a command can name another's results (:mod:`simulator.report.claims`) without
importing the other command.
"""

from __future__ import annotations

from simulator.calibration.backtest_kpis import KPIS
from simulator.calibration.occupied import LAYOUT as CALIBRATE
from simulator.io.occupied import FolderLayout
from simulator.run.dask_install import DASK_LOG
from simulator.run.store_files import STORE_DIRNAME, STORE_FILES, TEMPORARY

TABLES = ("replications", "monthly", "summary", "comparison", "reps", "monthly_queues")
FIGURES = (
    "decision",
    "paired_differences",
    "kpi_distributions",
    "bookings_fan",
    "funnel",
    "utilisation",
    "quota_attainment",
)
OUTPUT_NAMES = frozenset(
    {
        "config.yaml",
        "summary.json",
        "failures.json",
        "report.md",
        "report.html",
        *(f"{table}.csv" for table in TABLES),
        *(f"{figure}.png" for figure in FIGURES),
    }
)
"""The files :func:`write_outputs` may write in a run directory (the store and Hydra's files are not among them)."""
RUN_LAYOUT = FolderLayout(
    "salesim",
    frozenset(
        {
            *OUTPUT_NAMES,
            TEMPORARY,
            DASK_LOG,
            ".salesim-write-check-*",
            ".hydra/*.yaml",  # Hydra's record of the job, when hydra.output_subdir is set
            *(f"{STORE_DIRNAME}/{name}" for name in STORE_FILES),
        }
    ),
    marks=(f"{STORE_DIRNAME}/manifest.json",),
    what="run",
)
"""What a run writes in its folder: its outputs and its results store, whose manifest every run folder holds."""

API_MARK = ".salesim-outputs"
"""The mark :func:`simulator.write_outputs` leaves in a folder it wrote (it has no results store)."""

API_LAYOUT = FolderLayout(
    "simulator.write_outputs",
    frozenset({*OUTPUT_NAMES, API_MARK, ".*.tmp"}),
    marks=(API_MARK,),
    what="write_outputs call",
)
"""What the Python API's ``write_outputs`` writes: a run's outputs without a store, marked as its own."""

SUMMARY_NAME = "sweep_summary.csv"
HYDRA_RECORD = "multirun.yaml"
"""What Hydra's sweeper writes in the sweep folder when the sweep starts: the sweep's config."""
SWEEP_LAYOUT = FolderLayout(
    "salesim --multirun",
    frozenset(
        {
            HYDRA_RECORD,
            SUMMARY_NAME,
            "heatmap.png",
            "report.md",
            "report.html",
            TEMPORARY,
            *(f"[0-9]*/{name}" for name in RUN_LAYOUT.written),  # one run folder per job, named by its number
        }
    ),
    marks=(HYDRA_RECORD,),
    what="sweep",
)
"""What a ``--multirun`` sweep writes in its folder: Hydra's record, the gathered outputs, each job's run."""

SENSITIVITY = FolderLayout(
    "salesim sensitivity",
    frozenset(
        {"sensitivity.csv", "sensitivity_global.csv", "tornado.png", "global.png", "report.md", "report.html", ".*.tmp"}
    ),
    marks=("sensitivity.csv",),
    what="sensitivity study",
)
"""What the study writes in its ``--out`` folder: it refuses a folder holding anything else."""

OPTIMISE = FolderLayout(
    "salesim optimise",
    frozenset({"optimisation.csv", "optimisation.png", "report.md", "report.html", ".*.tmp"}),
    marks=("optimisation.csv",),
    what="team-mix search",
)
"""What the search writes in its ``--out`` folder: it refuses a folder holding anything else."""

BACKTEST = FolderLayout(
    "salesim backtest",
    frozenset({"backtest.csv", "backtest.md", ".*.tmp", *(f"fan_{kpi}.png" for kpi in KPIS)}),
    marks=("backtest.md",),
    what="back-test",
)
"""What the back-test writes in its ``--out`` folder: it refuses a folder holding anything else."""

WARMUP = FolderLayout(
    "salesim warmup", frozenset({"warmup.csv", "warmup.png", "warmup.md", ".*.tmp"}), ("warmup.md",), "warm-up study"
)
"""What the warm-up study writes in its ``--out`` folder: it refuses a folder holding anything else."""


def known_layouts() -> list[FolderLayout]:
    """Every salesim command's layout."""
    return [RUN_LAYOUT, API_LAYOUT, SWEEP_LAYOUT, SENSITIVITY, OPTIMISE, BACKTEST, WARMUP, CALIBRATE]
