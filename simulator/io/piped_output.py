"""Standard output and error whose reader has gone (``salesim ... | head``): the rest is dropped, the command goes on.

Piped into ``head -3``, a run's answer hit a closed pipe: Hydra said "Error executing job
with overrides" twice over a run that had finished and exited 0; a sweep's job was said
to have "crashed" with a traceback, Hydra's log lines came out as "--- Logging error ---"
and the sweep's summary callback "raised BrokenPipeError". What the reader did not want
is not a failure: :func:`drop_when_unread` puts a stream on ``sys.stdout`` and ``sys.stderr``
that, on its first broken pipe, points that file descriptor at the null device, so every
later write (Python's, Hydra's logging, a final flush) succeeds with nothing said.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Any, TextIO


class UnreadOutput(io.TextIOBase):
    """``stream`` as it is, but a write or flush the reader has gone from goes to the null device instead."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def _reader_gone(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self.stream.fileno())  # the stream's buffered rest, flushed again, is dropped there
        finally:
            os.close(null)

    def write(self, text: str) -> int:
        """Write ``text``; dropped, and said to be written, once the reader has gone."""
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        """Flush the stream; its rest is dropped once the reader has gone."""
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._reader_gone()
            with contextlib.suppress(OSError, ValueError):
                self.stream.flush()

    def fileno(self) -> int:
        """The stream's file descriptor."""
        return self.stream.fileno()

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        return self.stream.isatty()

    def writable(self) -> bool:
        """Always: a write the reader has gone from succeeds too."""
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The stream's encoding."""
        return self.stream.encoding

    def __getattr__(self, name: str) -> Any:  # errors, buffer, line_buffering, reconfigure: the stream's own
        return getattr(self.stream, name)


def drop_when_unread() -> None:
    """Put :class:`UnreadOutput` on ``sys.stdout`` and ``sys.stderr`` when each is a file or pipe (once).

    Standard error too: ``salesim ... 2>&1 | head -1`` had ended at the second line said,
    status 0, with no result written.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, UnreadOutput):
            continue
        try:
            stream.fileno()
        except (OSError, ValueError, io.UnsupportedOperation):  # a test's captured output: no pipe to lose
            continue
        setattr(sys, name, UnreadOutput(stream))


def restore_stdout() -> None:
    """The streams :func:`drop_when_unread` wrapped back on ``sys`` (a process that goes on: the tests)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, UnreadOutput):
            setattr(sys, name, stream.stream)
