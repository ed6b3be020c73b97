"""Whether a folder a command is about to write holds only what that command wrote before.

A command that writes into a folder (a run, a sweep, ``calibrate --out``) may replace what
it wrote there itself, and nothing else: a user's notes, data or repository in the folder
must never be overwritten or deleted. :class:`FolderLayout` names every file a command
writes (glob patterns, relative to the folder) and the files that mark a folder as its
own; :func:`foreign_entries` lists what in a folder is not among them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from simulator.io.output_dir import UnwritableOutputError

SHOWN = 5
"""Foreign entries named one by one in a message; the rest are counted."""


@dataclass(frozen=True)
class FolderLayout:
    """What a command writes in its folder.

    Attributes:
        command: The command, as messages name it (``salesim calibrate``).
        written: Every file it writes, relative to the folder, ``/`` between folders; each
            part may be a glob pattern (``store/s*-r*.csv``, ``[0-9]*/report.md``).
        marks: Files every folder it wrote holds (``store/manifest.json``): a folder
            without them was not written by it, even if every name matches.
        what: What a folder it wrote holds, as messages name it (``a sensitivity study``).
    """

    command: str
    written: frozenset[str]
    marks: tuple[str, ...] = ()
    what: str = ""

    def words(self) -> str:
        """``a sensitivity study (salesim sensitivity)``, or the command alone."""
        article = "an" if self.what[:1] in tuple("aeiou") else "a"
        return f"{article} {self.what} ({self.command})" if self.what else self.command


def own_files(folder: Path, layout: FolderLayout) -> list[str]:
    """The files in ``folder`` the layout's command writes (relative names, sorted); ``[]`` if none or no folder."""
    if not Path(folder).is_dir():
        return []
    found: list[str] = []
    files: list[str] = []
    _walk(Path(folder), "", [tuple(name.split("/")) for name in layout.written], found, files)
    return files


def foreign_entries(folder: Path, layout: FolderLayout) -> list[str]:
    """What in ``folder`` the layout's command did not write (relative names, ``.git`` first); ``[]`` if nothing.

    A link, a folder where the command writes a file (or the reverse), and a file or folder
    whose name is not in the layout count as not the command's. A folder whose files all
    have the command's names but that lacks one of its marks is not the command's either:
    the list then holds one line naming those files and the missing marks. Only empty
    folders inside: nothing foreign.
    """
    patterns = [tuple(name.split("/")) for name in layout.written]
    found: list[str] = []
    files: list[str] = []
    _walk(Path(folder), "", patterns, found, files)
    if not found and files and not all((Path(folder) / mark).is_file() for mark in layout.marks):
        found.append(f"{shown(files)} without {' and '.join(layout.marks)}")
    return found


def _walk(here: Path, prefix: str, patterns: Sequence[tuple[str, ...]], found: list[str], files: list[str]) -> None:
    """Add to ``found`` what under ``here`` no pattern names, to ``files`` the files one names."""
    for entry in sorted(here.iterdir(), key=lambda p: (p.name != ".git", p.name)):
        name = prefix + entry.name
        if entry.is_symlink():
            found.append(name)
        elif entry.is_dir():
            inner = [p[1:] for p in patterns if len(p) > 1 and fnmatchcase(entry.name, p[0])]
            if inner:
                _walk(entry, f"{name}/", inner, found, files)
            else:
                found.append(name)
        elif entry.is_file() and any(len(p) == 1 and fnmatchcase(entry.name, p[0]) for p in patterns):
            files.append(name)
        else:
            found.append(name)


def shown(names: Collection[str]) -> str:
    """The first few names, then how many more."""
    listed = list(names)
    more = len(listed) - SHOWN
    return ", ".join(listed[:SHOWN]) + (f" and {more} more" if more > 0 else "")


class OccupiedOutputError(UnwritableOutputError):
    """An output folder that holds what the command did not write: refused, nothing written.

    An :class:`~simulator.io.output_dir.UnwritableOutputError`, so every command that
    refuses an unwritable folder (exit status 2, nothing run) refuses this one alike.

    Attributes:
        foreign: What in the folder the command did not write.
        owner: The other salesim command whose results the folder holds, if it is one's.
    """

    def __init__(self, folder: Path, foreign: Sequence[str], advice: str, owner: FolderLayout | None = None) -> None:
        held = (
            f"the results of {owner.words()}: {shown(foreign)}"
            if owner is not None
            else f"what salesim did not write ({shown(foreign)})"
        )
        super().__init__(folder, f"it holds {held}; nothing was run or written. {advice}")
        self.foreign = list(foreign)
        self.owner = owner


def refuse_foreign(folder: Path, layout: FolderLayout, advice: str = "", others: Sequence[FolderLayout] = ()) -> None:
    """Refuse a ``folder`` that exists and holds anything ``layout``'s command did not write.

    Args:
        folder: The output folder (need not exist).
        layout: What the command writes there.
        advice: What to do instead, said after the refusal (default: another ``--out`` folder).
        others: The other commands' layouts: a folder holding one's results is named as such.

    Raises:
        OccupiedOutputError: Naming the folder, the first few foreign entries (or the other
            command whose results it holds), and ``advice``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return  # new (or a file in the way: check_writable says so)
    foreign = foreign_entries(folder, layout)
    if not foreign:
        return
    owner = next((o for o in others if o.command != layout.command and not foreign_entries(folder, o)), None)
    if owner is not None:
        advice = advice or (
            f"Choose another folder with --out DIR: {layout.command} replaces only its own earlier results, "
            "never another command's"
        )
        raise OccupiedOutputError(folder, own_files(folder, owner), advice, owner)
    advice = advice or (
        f"Choose another folder with --out DIR, or move those out of it first ({layout.command} writes "
        "again only into a folder it wrote)"
    )
    raise OccupiedOutputError(folder, foreign, advice)
