"""What a stop leaves in a run folder's store, and the resume typed: read from the files and the words alone.

A stop before a run's own store opened had said "nothing was run" (the app loading, Hydra
composing) or "nothing was kept" (the engine loading) over a folder whose store holds an
earlier run's replications: true of the command, not of the folder. A resume stopped so
said nothing of the replications it had come to continue, nor of the command that does.
These words say what the store holds, and the resume when one was typed (or the run was
one). No Hydra and no pandas are imported: a stop can come while either is half imported.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from simulator.run.store_files import STORE_DIRNAME, held_replications, held_words

MULTIRUN_FLAGS = ("--multirun", "-m")
"""Hydra's flag for a sweep; taken wherever it is typed among the overrides."""

CONFIG_OPTIONS = {"--config-dir": True, "-cd": True, "--config-path": False, "-cp": False, "--config-name": False}
"""The options choosing the config, and whether their value is a folder of the working directory (made absolute
for a resume; Hydra reads ``--config-path`` beside its own code, so it is kept as typed)."""


def config_options(args: Sequence[str]) -> list[str]:
    """The options of ``args`` that choose the config (``--config-dir cal``), folders made absolute."""
    chosen: list[str] = []
    short = {"-cn": "--config-name"}
    for i, arg in enumerate(args):
        name, _, value = arg.partition("=")
        name = short.get(name, name)
        if name not in CONFIG_OPTIONS:
            continue
        if not value and "=" not in arg:
            value = args[i + 1] if i + 1 < len(args) else ""
        folder = CONFIG_OPTIONS[name] and not value.startswith(("pkg://", "file://"))
        chosen += [name, str(Path(value).resolve()) if folder and value else value]
    return chosen


def typed_resume_command(argv: Sequence[str], folder: Path, key: str, config: Sequence[str]) -> str:
    """``argv`` as typed, resumed in ``folder`` (``key``: ``hydra.run.dir`` or ``hydra.sweep.dir``).

    ``config``: the options that choose the config (:func:`config_options`), typed before
    the overrides; the folder is made absolute, so the command works from any folder.
    """
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.partition("=")[0]
        if name in CONFIG_OPTIONS or name in ("-cn",):
            skip = "=" not in arg  # the option's value is the next word
            continue
        if arg.lstrip("+~").startswith(("runner.resume=", f"{key}=")):
            continue
        kept.append(arg)
    words = ["python", "-m", "simulator", *config, *kept, "runner.resume=true", f"{key}={folder.absolute()}"]
    return " ".join(shlex.quote(w) for w in words)


def unbegun_stop_words(run_dir: Path, resuming: bool, job: str = "") -> str:
    """A run (``job``: a sweep's job, ``2``) stopped before its own store opened: what it and its folder keep.

    A resume's store is the run it continues: its replications are done and kept, as any stop
    of a run says it. A new run's folder may hold an earlier run, not replaced yet.
    """
    held = held_replications(run_dir)
    store = Path(run_dir) / STORE_DIRNAME
    before = f"before job {job}'s first replication finished" if job else "before any replication finished"
    if held is None:
        return f"interrupted {before}; nothing was kept"
    if resuming:
        return f"interrupted: {_are(held)} done and kept in {store}"
    whose = "it" if job else "this run"
    return (
        f"interrupted {before}; nothing of {whose} was kept, and the folder's earlier run is left as it was "
        f"({held_words(held)} in {store})"
    )


def _are(held: tuple[int, int | None]) -> str:
    """``4 of 4 replications are``, ``1 replication is`` (``runs=auto``: no count of the run's)."""
    words = held_words(held)
    return f"{words} {'is' if words.endswith('replication') else 'are'}"


def _typed_value(argv: Sequence[str], key: str) -> str | None:
    values = [a.split("=", 1)[1] for a in argv if a.lstrip("+~").split("=", 1)[0] == key and "=" in a]
    return values[-1] if values else None


def earlier_run_words(argv: Sequence[str]) -> tuple[str, str]:
    """For a stop before anything ran: what the typed folder keeps ('' when nothing), and the resume ('' unless typed).

    The folder is ``hydra.run.dir`` (``hydra.sweep.dir`` for a sweep) as typed in ``argv``;
    one Hydra would compose (``${now:...}``, the default) is a new folder, with nothing in it.
    """
    if argv and not argv[0].startswith("-") and "=" not in argv[0]:
        return "", ""  # a command (sensitivity, calibrate ...): its stops are its own
    sweep = any(a in MULTIRUN_FLAGS or a.lstrip("+").lower() == "hydra.mode=multirun" for a in argv)
    key = "hydra.sweep.dir" if sweep else "hydra.run.dir"
    typed = _typed_value(argv, key)
    if not typed or "${" in typed:
        return "", ""
    folder = Path(typed).absolute()
    if sweep:
        from simulator.command_folders import sweep_holds_runs, sweep_kept_words

        if not sweep_holds_runs(folder):
            return "", ""
        kept = f"the sweep's jobs keep the replications they finished in {folder} ({sweep_kept_words(folder)})"
    else:
        held = held_replications(folder)
        if held is None:
            return "", ""
        kept = f"the earlier run's {_are(held)} kept in {folder / STORE_DIRNAME}"
    resuming = (_typed_value(argv, "runner.resume") or "").lower() == "true"
    resume = typed_resume_command(argv, folder, key, config_options(argv)) if resuming else ""
    return kept, resume
