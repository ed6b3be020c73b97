"""A CSV file read as text: its encoding and separator found, every row checked to have a field per column.

Split from :mod:`simulator.calibration.readers`, which reads every kind of table.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pandas as pd

from simulator.calibration.errors import CalibrationError, note_lines

EMPTY = (
    "is empty: no header row and no rows (an export cut short, or saved before anything was written?): export "
    "the table again, a header row naming its columns then one row per record"
)
"""What a table with nothing in it is told (pandas says 'No columns to parse from file')."""


BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
"""Byte-order marks of the Unicode encodings that are not UTF-8 (UTF-32 LE begins as UTF-16 LE does: first), read."""

SEPARATORS = (";", "\t", "|")
SEPARATOR = "separator"
"""The key of a table's ``attrs`` that holds its file's separator (:func:`read_csv`); none for Excel or Parquet."""
SEP_LINE = re.compile(r"sep=([^\r\n])(?=\r?\n|$)", re.IGNORECASE)
"""Excel's first line naming the file's separator (``sep=;``), written by exports meant to open in Excel anywhere."""
SNIFFED_LINES = 50
"""The first lines (the header's among them) whose fields the separator is read from."""


def delimiter_of(text: str) -> str:
    """The file's separator: a comma, unless the header or the first rows read as separated by a :data:`SEPARATORS`.

    A CSV saved by Excel where the decimal mark is a comma is separated by ``;`` (and
    ``Unicode Text`` by tabs): such a file had been refused, told to be saved with commas.
    A header naming a column with a comma (``Value, net``) in a file separated by ``;`` had
    been split on the comma and the file refused, its rows said to be footers: a separator
    that splits the first rows into one same count of fields, more than the comma's, where
    the comma's counts differ, is the file's.
    """
    lines = [line for line in text.splitlines() if line.strip()][:SNIFFED_LINES]
    header = lines[0] if lines else ""
    if len(next(csv.reader([header]), [])) == 1:
        return next((s for s in SEPARATORS if s in header), ",")
    commas = {len(row) for row in csv.reader(lines)}
    if len(commas) == 1:
        return ","
    for separator in SEPARATORS:
        counts = {len(row) for row in csv.reader(lines, delimiter=separator)}
        if len(counts) == 1 and counts.pop() > len(next(csv.reader([header]))):
            return separator
    return ","


def separator_hint(header: list[str]) -> str:
    """A hint when the header is one column holding another separator ('' otherwise)."""
    found = next((s for s in SEPARATORS if len(header) == 1 and s in header[0]), None)
    return (
        f"; its header is one column holding {found!r}: the file looks separated by {found!r}, save it with commas"
        if found
        else ""
    )


def _text(path: Path) -> str:
    """The file as text: UTF-8 (a UTF-8 byte-order mark allowed), or UTF-16 or UTF-32 that its byte-order mark names.

    Excel's 'Unicode Text' is UTF-16 with a byte-order mark (and tabs): it had been refused,
    though the mark tells its encoding.

    Raises:
        CalibrationError: The file is UTF-16 or UTF-32 without a byte-order mark (NUL bytes
            between its letters), or not UTF-8, naming the first bad byte's row and line, or
            not the UTF-16 or UTF-32 its mark names.
    """
    raw = path.read_bytes()
    encoding = next((name for bom, name in BOMS if raw.startswith(bom)), None)
    if encoding is not None:
        try:
            return raw.decode(encoding.lower())  # the codec reads the mark, and the byte order it names
        except UnicodeDecodeError as whole:
            raise CalibrationError(
                f"begins as {encoding} (its byte-order mark) but byte {whole.start} on is not {encoding} text: "
                "re-save it as 'CSV UTF-8'",
                file=str(path),
            ) from None
    if raw[:4096].count(0) > len(raw[:4096]) // 4:
        raise CalibrationError(
            "is saved as UTF-16 or UTF-32 (without a byte-order mark: a NUL byte between its letters), not UTF-8: "
            "re-save it as 'CSV UTF-8'",
            file=str(path),
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as whole:
        line = raw[: whole.start].count(b"\n") + 1
        raise CalibrationError(
            f"row {line - 1} (line {line} of the file, byte 0x{raw[whole.start]:02x}) is not UTF-8 text (Latin-1 or "
            "Windows-1252 from an older Excel?): save the file as 'CSV UTF-8'",
            file=str(path),
        ) from None


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text cells, each data row checked to have as many fields as the header.

    Its separator is the one a first line ``sep=;`` names (:data:`SEP_LINE`, Excel's), else the
    comma, or the one its header is written with (:func:`delimiter_of`),
    kept in the frame's ``attrs`` (:data:`SEPARATOR`): where it is ``;`` or a tab, amounts may
    carry decimal commas (:mod:`simulator.calibration.decimal_marks`).

    Raises:
        CalibrationError: A row with fewer or more fields than the header (a row cut short,
            a truncated last line, an unquoted comma), or a quoted field never closed,
            naming the row and its lines.
    """
    text = _text(path)
    named = SEP_LINE.match(text)
    if named is not None:  # 'sep=;' had been read as the header; left a blank line, so that lines keep their numbers
        text = text[named.end() :]
    if not text.strip():  # nothing, or only blank lines and spaces
        raise CalibrationError(EMPTY, file=str(path))
    delimiter = named.group(1) if named is not None else delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    row, first, line = 0, 0, 0
    starts: list[int] = []  # the line each data row starts on (a blank line or a value over two lines moves it)
    for record in reader:
        first, line = line + 1, reader.line_num
        if not record:  # a blank line: skipped, as pandas skips it
            continue
        if header is None:
            header = record
            continue
        row += 1
        starts.append(first)
        if len(record) != len(header):
            if "\n".join(text.split("\n")[first - 1 : line]).count('"') % 2:
                cause = "a '\"' opens a quoted field that is never closed"
            elif len(header) == 1:  # a report's title line read as the header ('a comma inside a value' had been said)
                cause = f"the header read is '{header[0]}', one field: a title above the table? Delete the lines above "
                cause += "its header row"
            elif len(record) == 1:  # a report's footer ('Grand Totals', a copyright line)
                cause = "one field alone: a report's footer below the table (a total, a copyright line: delete it), "
                cause += "or a row cut short"
            elif len(record) < len(header):
                cause = "a row cut short, or a truncated last line"
            else:
                cause = "a comma inside a value that is not quoted?"
            raise CalibrationError(
                f"row {row} ({_lines(first, line)} of the file) has {len(record)} field"
                f"{'s' if len(record) != 1 else ''}, its header {len(header)} ({cause}): every row needs one field "
                "per column" + separator_hint(header),
                file=str(path),
            )
    if header is None:  # nothing but blank lines, or nothing at all
        raise CalibrationError(EMPTY, file=str(path))
    note_lines(str(path), starts)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter)
    except pd.errors.ParserError as error:
        if "EOF inside string" not in str(error):
            raise
        raise CalibrationError(  # a record that swallows the rest of the file is the last one read
            f"row {row} ({_lines(first, line)} of the file) opens a quoted field that is never closed: the file is "
            "cut short, or a '\"' is missing",
            file=str(path),
        ) from None
    if len(header) == len(frame.columns):  # pandas renames a repeated name ('product.1'): the names as written
        frame.columns = as_written(header, [str(c) for c in frame.columns])
    frame.attrs[SEPARATOR] = delimiter
    return frame


def as_written(header: list[str], read: list[str]) -> list[str]:
    """The header's names as the file writes them, a repeated one included; a blank one keeps pandas' 'Unnamed: 3'."""
    return [str(name) if str(name).strip() else pandas_name for name, pandas_name in zip(header, read, strict=True)]


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first} to {last}"
