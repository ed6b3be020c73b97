"""The commands that resume a stopped run or sweep, and the options they carry over.

A stopped run prints the command that resumes it in the same run directory; a stopped
``--multirun`` sweep prints the sweep itself, resumed in the same sweep folder, where each
job not started before the stop runs from the start. Both carry the options that chose the
config (``--config-dir``), folders made absolute, so they work from any folder.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator.job import command_line_options
from simulator.kept_runs import config_options, typed_resume_command
from simulator.run.settings import RunnerSettings

__all__ = ["config_options", "resume_command", "sweep_job_settings", "sweep_resume_command"]


def resume_command(task_overrides: Sequence[str], out_dir: Path) -> str:
    """The command that resumes this run: the same config folder and overrides, in the same run directory."""
    kept = [o for o in task_overrides if not o.lstrip("+~").startswith("runner.resume=")]
    config = [str(o) for o in command_line_options().get("config", [])]
    words = ["python", "-m", "simulator", *config, *kept, "runner.resume=true", f"hydra.run.dir={out_dir}"]
    return " ".join(shlex.quote(w) for w in words)


def sweep_resume_command(argv: Sequence[str], sweep_dir: Path) -> str:
    """The command that resumes an interrupted sweep: the sweep as typed, resumed in the same sweep folder.

    Its jobs that finished are only written again, the interrupted one continues, and those
    not started run from the start (:func:`sweep_job_settings`); the sweep is then gathered.
    """
    config = [str(o) for o in command_line_options().get("config", [])]
    return typed_resume_command(argv, sweep_dir, "hydra.sweep.dir", config)


def sweep_job_settings(settings: RunnerSettings, out_dir: Path) -> RunnerSettings:
    """A resumed sweep's job with no runs to resume runs from the start, with a note.

    Its job had not started before the sweep stopped, or it is new to the sweep (a value
    added to the swept list); the note had said "had not started before it stopped" of both.
    """
    from simulator.run.store import DirectoryStore

    if not settings.resume or DirectoryStore(out_dir).holds_run():
        return settings
    print(
        f"salesim: job {out_dir.name} of the sweep has no runs to resume (not started before the stop, or new): "
        "it runs from the start",
        file=sys.stderr,
    )
    return dataclasses.replace(settings, resume=False)
