"""The file-writing floor: atomic writes and calibrated folders get the permissions of an
ordinary file or folder (the user's umask), not the private 0600/0700 of a temporary file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.io.atomic import atomic_write, private_mode_fixed
from simulator.io.output_dir import UnwritableOutputError, check_creatable, check_writable


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_atomically_written_file_is_readable_by_others_as_the_umask_allows(tmp_path: Path, umask_022: None) -> None:
    text = atomic_write(tmp_path / "report.md", lambda handle: handle.write("# report\n"))
    png = atomic_write(tmp_path / "plot.png", lambda handle: handle.write(b"\x89PNG"), binary=True)
    assert mode(text) == 0o644
    assert mode(png) == 0o644


def test_a_stricter_umask_is_kept(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        path = atomic_write(tmp_path / "summary.csv", lambda handle: handle.write("a\n"))
    finally:
        os.umask(old)
    assert mode(path) == 0o600


def test_a_folder_made_by_mkdtemp_gets_the_umask_mode(tmp_path: Path, umask_022: None) -> None:
    folder = tmp_path / "staging"
    folder.mkdir(mode=0o700)
    private_mode_fixed(folder)
    assert mode(folder) == 0o755


def test_checking_a_folder_creates_nothing_and_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    check_creatable(tmp_path / "new" / "deeper")  # could be created: passes, creates nothing
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnwritableOutputError, match="a file is in the way"):
        check_creatable(tmp_path / "file" / "out")
    with pytest.raises(UnwritableOutputError, match="a file is in the way"):  # the folder itself a file: 'File exists'
        check_writable(tmp_path / "file")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_that_cannot_be_made_is_refused_even_for_root(tmp_path: Path) -> None:
    """``salesim calibrate --out /proc/nope`` ended in a FileNotFoundError traceback: access() says yes to root."""
    with pytest.raises(UnwritableOutputError, match="/proc/nope"):
        check_creatable(Path("/proc/nope"))


def test_a_folder_without_write_permission_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as a non-root user sees a 0555 folder
    with pytest.raises(UnwritableOutputError, match=r"permission denied|read-only"):
        check_creatable(tmp_path / "out")
