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
from simulator.run.settings import RunnerSettings


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
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.partition("=")[0]
        if name in _CONFIG_OPTIONS or name in ("-cn",):
            skip = "=" not in arg  # the option's value is the next word
            continue
        if arg.lstrip("+~").startswith(("runner.resume=", "hydra.sweep.dir=")):
            continue
        kept.append(arg)
    config = [str(o) for o in command_line_options().get("config", [])]
    # absolute, as a single run's: typed relative, the folder is the launch directory's, wherever the resume runs
    words = [
        *["python", "-m", "simulator"],
        *config,
        *kept,
        "runner.resume=true",
        f"hydra.sweep.dir={sweep_dir.absolute()}",
    ]
    return " ".join(shlex.quote(w) for w in words)


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


_CONFIG_OPTIONS = {"--config-dir": True, "-cd": True, "--config-path": False, "-cp": False, "--config-name": False}
"""The options choosing the config, and whether their value is a folder of the working directory (made absolute
for a resume; Hydra reads ``--config-path`` beside its own code, so it is kept as typed)."""


def config_options(args: Sequence[str]) -> list[str]:
    """The options of ``args`` that choose the config (``--config-dir cal``), folders made absolute."""
    chosen: list[str] = []
    short = {"-cn": "--config-name"}
    for i, arg in enumerate(args):
        name, _, value = arg.partition("=")
        name = short.get(name, name)
        if name not in _CONFIG_OPTIONS:
            continue
        if not value and "=" not in arg:
            value = args[i + 1] if i + 1 < len(args) else ""
        folder = _CONFIG_OPTIONS[name] and not value.startswith(("pkg://", "file://"))
        chosen += [name, str(Path(value).resolve()) if folder and value else value]
    return chosen
