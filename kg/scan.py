"""Scanning: a table's CSV bytes to located, typed rows, streamed.

A table is read as a stream of lines, never as one string: a first pass checks the
bytes (UTF-8, quoting, the csv module's field limit, the header) and a second one
yields each record typed per the declared schema (:mod:`kg.schema`), so a table of
any size is validated and built in bounded memory. Every problem is located as
``path:line:column`` (the 1-based CSV column). Nothing here imports rdflib.
"""

from __future__ import annotations

import calendar
import csv
import difflib
import io
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.errors import DataError, Problem
from kg.schema import Field, Schema, TableSchema

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DECIMAL_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
BOOLEANS = {"yes": True, "no": False}
# An HTML or XML tag, comment or doctype: text columns hold plain text only.
MARKUP_RE = re.compile(r"<(?:[a-zA-Z][\w:-]*|/\s*[a-zA-Z][\w:-]*|!)[^<>]*>")
FREE_TEXT = frozenset({"note"})  # editorial notes may mention markup (e.g. "<p> tags dropped")
# Characters XML 1.0 cannot hold (C0 controls other than tab, line feed and carriage return, and U+FFFE/FFFF).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# A table's bytes as already read, or the file to stream them from.
Source = bytes | Path


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date kept at the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD."""

    text: str

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]

    @property
    def year(self) -> int:
        return int(self.text[:4])

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Row:
    """One validated table row: parsed values plus where it came from."""

    table: str
    path: str
    line: int
    values: Mapping[str, Any]
    valid: bool = True

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


# --- the folder's bytes ----------------------------------------------------------


def read_folder(data_dir: Path | str) -> dict[str, bytes]:
    """Every file of the data folder, read once into memory (small folders; see :func:`snapshot_folder`)."""
    folder = Path(data_dir)
    snapshot: dict[str, bytes] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                try:
                    snapshot[path.name] = path.read_bytes()
                except OSError:  # unreadable: the table loader reports it with its location
                    continue
    return snapshot


def snapshot_folder(data_dir: Path | str, into: Path) -> dict[str, Path]:
    """Copy every file of the data folder into ``into``: bytes that stay still while a build reads them.

    A copy on disk, not in memory, so a folder of any size can be snapshotted.
    """
    folder = Path(data_dir)
    into.mkdir(parents=True, exist_ok=True)
    snapshot: dict[str, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                try:
                    shutil.copyfile(path, into / path.name)
                except OSError:  # unreadable: the table loader reports it with its location
                    (into / path.name).unlink(missing_ok=True)
                    continue
                snapshot[path.name] = into / path.name
    return snapshot


def content_chunks(source: Source, size: int = 1 << 20) -> Iterator[bytes]:
    """A file's bytes in chunks (to hash a big file without holding it)."""
    if isinstance(source, bytes):
        yield source
        return
    with source.open("rb") as stream:
        while chunk := stream.read(size):
            yield chunk


# --- one table -------------------------------------------------------------------


class TableScan:
    """One table's bytes: checked once (:meth:`check`), then streamed as typed rows as often as needed (:meth:`rows`).

    Only the bytes (or the file) are kept, never the rows: a reader that needs them again
    reads them again. A file that changes between two readings is reported, never mixed.
    """

    def __init__(self, table: TableSchema, schema: Schema, where: str, source: Source) -> None:
        self.table = table
        self.schema = schema
        self.where = where
        self.source = source
        self._signature: tuple[int, int, int] | None = None

    def _open(self) -> IO[bytes]:
        return io.BytesIO(self.source) if isinstance(self.source, bytes) else self.source.open("rb")

    def _stat(self) -> tuple[int, int, int] | None:
        if isinstance(self.source, bytes):
            return None
        st = os.stat(self.source)
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _unchanged(self) -> None:
        if self._stat() != self._signature:
            raise DataError(
                [
                    Problem(
                        self.where, 0, 0, "changed while it was being read; run the command again", "changed-while-read"
                    )
                ]
            )

    def check(self, problems: list[Problem]) -> bool:
        """The first reading: encoding, quoting, the csv module's field limit, emptiness and the header.

        True when the rows can be read; otherwise the problem is recorded and the table has no rows.
        """
        where, table = self.where, self.table
        try:
            stream = self._open()
        except FileNotFoundError:
            problems.append(
                Problem(where, 0, 0, f"file is missing; datapackage.json declares table {table.name!r}", "missing-file")
            )
            return False
        except IsADirectoryError:
            problems.append(
                Problem(
                    where, 0, 0, f"is a folder, not a file; table {table.name!r} needs a CSV file here", "not-a-file"
                )
            )
            return False
        except OSError as exc:
            problems.append(Problem(where, 0, 0, f"cannot be read: {exc.strerror or exc}", "unreadable"))
            return False
        with stream:
            self._signature = self._stat()
            quotes = _QuoteCheck()
            lines = _checked(_text_lines(stream), quotes)
            header: list[str] | None = None
            records = 0
            too_long: csv.Error | None = None
            try:
                try:
                    for cells in csv.reader(lines):
                        records += 1
                        if header is None and cells and any(cells):
                            header = cells
                except csv.Error as exc:  # a field beyond the csv module's own limit
                    too_long = exc
                    for _ in lines:  # the rest of the file is still checked for encoding and quoting
                        pass
            except UnicodeDecodeError:
                with self._open() as again:
                    line, column, byte = _locate_bad_utf8(again)
                problems.append(
                    Problem(where, line, column, f"invalid UTF-8 byte 0x{byte:02x}; save the file as UTF-8", "encoding")
                )
                return False
        if not quotes.finish():
            with self._open() as again:
                quoting = _locate_quoting_error_in(_text_lines(again))
            if quoting is not None:
                line, column, message = quoting
                problems.append(Problem(where, line, column, message, "quoting"))
                return False
        if too_long is not None:
            problems.append(
                Problem(
                    where,
                    records + 1,
                    0,
                    f"a field is too long to read ({too_long}); the limit is {self.schema.max_field_length} characters",
                    "too-long",
                )
            )
            return False
        if header is None:
            problems.append(Problem(where, 1, 1, "file is empty; the first line must be the header", "empty-file"))
            return False
        return _check_header(header, table, where, problems)

    def rows(self, problems: list[Problem] | None = None) -> Iterator[Row]:
        """The typed rows, read again from the bytes; each cell's problem goes to ``problems`` (if given).

        A row with a problem is still yielded, marked invalid (see :func:`_parse_cells`).
        """
        found = problems if problems is not None else []
        with self._open() as stream:
            self._unchanged()
            records = _records(_text_lines(stream))
            next(records, None)  # the header, checked by check()
            for line, cells in records:
                before = len(found)
                values = _parse_cells(cells, self.table, self.schema, self.where, line, found)
                yield Row(self.table.name, self.where, line, values, valid=len(found) == before)
                if problems is None:
                    found.clear()
        self._unchanged()


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    """The lines of a UTF-8 stream (a leading byte-order mark dropped), split as the csv module expects."""
    return iter(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))


def _checked(lines: Iterable[str], quotes: _QuoteCheck) -> Iterator[str]:
    """The lines, each also fed to the quoting check."""
    for line in lines:
        quotes.feed(line)
        yield line


def _locate_bad_utf8(stream: IO[bytes]) -> tuple[int, int, int]:
    """(line, column, byte) of the first byte that is not UTF-8 (lines split at b'\\n', which UTF-8 never splits)."""
    if stream.read(3) != b"\xef\xbb\xbf":
        stream.seek(0)
    number = 0
    for number, raw in enumerate(stream, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = raw[: exc.start].decode("utf-8", errors="replace")
            return number, len(next(csv.reader([prefix]), [""])) or 1, raw[exc.start]
    return number, 1, 0  # not reached: the stream failed to decode somewhere


class _QuoteCheck:
    """The fast quoting check, fed line by line: jumps from quote to quote.

    It accepts exactly what :func:`_locate_quoting_error` accepts, which walks every
    character to give the location and runs only when this check fails.
    """

    def __init__(self) -> None:
        self.ok = True
        self.in_quotes = False  # inside a quoted field that goes on past this line
        self.previous = "\n"  # the last character before this line other than '\r' (the start acts as a line end)

    def feed(self, line: str) -> None:
        if self.ok:
            self.ok = self._feed(line)
            trimmed = line.rstrip("\r")
            if trimmed:
                self.previous = trimmed[-1]

    def _feed(self, line: str) -> bool:
        i = 0
        if self.in_quotes:
            closing = _closing_quote(line, 0)
            if closing < 0:
                return True
            if line[closing + 1 : closing + 2] not in ("", ",", "\r", "\n"):
                return False
            self.in_quotes = False
            i = closing + 1
        while True:
            opening = line.find('"', i)
            if opening < 0:
                return True
            before = opening - 1
            while before >= 0 and line[before] == "\r":
                before -= 1
            if (line[before] if before >= 0 else self.previous) not in ",\n":
                return False  # a quote inside an unquoted field
            closing = _closing_quote(line, opening + 1)
            if closing < 0:
                self.in_quotes = True  # closed on a later line, or never
                return True
            if line[closing + 1 : closing + 2] not in ("", ",", "\r", "\n"):
                return False
            i = closing + 1

    def finish(self) -> bool:
        """True when every quote of the whole text was well placed."""
        return self.ok and not self.in_quotes


def _closing_quote(line: str, start: int) -> int:
    """The position of the quote that closes a quoted field (a doubled '""' is a quote inside it), or -1."""
    closing = line.find('"', start)
    while closing >= 0 and line.startswith('""', closing):
        closing = line.find('"', closing + 2)
    return closing


def _lines_of(text: str) -> Iterator[str]:
    """A text's lines, split as the csv module expects."""
    return iter(io.StringIO(text, newline=""))


def _quoting_is_valid(text: str) -> bool:
    """True when every quote of ``text`` is well placed (the fast check on a whole text)."""
    quotes = _QuoteCheck()
    for line in _lines_of(text):
        quotes.feed(line)
    return quotes.finish()


def _locate_quoting_error(text: str) -> tuple[int, int, str] | None:
    """Find the first quoting error of ``text`` as (line, column, message), or None."""
    return _locate_quoting_error_in(_lines_of(text))


def _locate_quoting_error_in(lines: Iterable[str]) -> tuple[int, int, str] | None:
    """Find the first quoting error as (line, column, message), or None.

    The csv module silently accepts some malformed input, so quoting is checked
    with a small RFC 4180 scanner first, fed line by line.
    """
    line, column = 1, 1
    at_field_start = True
    in_quotes = False
    open_line = open_column = 0
    for text in lines:
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if in_quotes:
                if char == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        i += 2
                        continue
                    in_quotes = False
                    following = text[i + 1] if i + 1 < n else ""
                    if following not in (",", "\r", "\n", ""):
                        return (
                            line,
                            column,
                            "malformed quoting: a closing '\"' must be followed by ',' or the end of the line;"
                            " write a '\"' inside a quoted field as '\"\"'",
                        )
                elif char == "\n":
                    line += 1
            elif char == ",":
                column += 1
                at_field_start = True
                i += 1
                continue
            elif char == "\n":
                line += 1
                column = 1
                at_field_start = True
                i += 1
                continue
            elif char == '"':
                if not at_field_start:
                    return (
                        line,
                        column,
                        "malformed quoting: '\"' inside an unquoted field; quote the whole field and double the '\"'",
                    )
                in_quotes = True
                open_line, open_column = line, column
            if char != "\r":
                at_field_start = False
            i += 1
    if in_quotes:
        return open_line, open_column, "malformed quoting: a quoted field is never closed"
    return None


def _records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) for each non-blank CSV record."""
    reader = csv.reader(lines)
    start = 1
    for cells in reader:
        if cells and any(cells):
            yield start, cells
        start = reader.line_num + 1


def _check_header(header: list[str], table: TableSchema, where: str, problems: list[Problem]) -> bool:
    expected = table.column_names
    if tuple(header) == expected:
        return True
    before = len(problems)
    seen: set[str] = set()
    for column, name in enumerate(header, start=1):
        if name in seen:
            problems.append(Problem(where, 1, column, f"duplicate column {name!r}", "header"))
        elif name not in expected:
            problems.append(
                Problem(where, 1, column, f"unknown column {name!r}; expected columns: {', '.join(expected)}", "header")
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(Problem(where, 1, len(header) + 1, f"missing column {name!r}", "header"))
    if len(problems) == before:
        problems.append(Problem(where, 1, 1, f"columns are out of order; expected: {', '.join(expected)}", "header"))
    return False


def _parse_cells(
    cells: list[str], table: TableSchema, schema: Schema, where: str, line: int, problems: list[Problem]
) -> dict[str, Any]:
    """Parsed values of one record; problems are recorded and the row is still returned.

    A cell that fails to parse keeps its raw text when it is a key or reference
    (so one bad cell does not cascade into dangling-reference errors) and is None
    otherwise. Any problem stops the build, so such rows never reach the graph.
    """
    width = len(table.fields)
    if len(cells) > width:
        problems.append(
            Problem(where, line, width + 1, f"row has {len(cells)} fields but the header has {width}", "field-count")
        )
    elif len(cells) < width:
        missing = ", ".join(f.name for f in table.fields[len(cells) :])
        problems.append(
            Problem(
                where,
                line,
                len(cells) + 1,
                f"row has {len(cells)} fields but the header has {width} (missing: {missing})",
                "field-count",
            )
        )
    values: dict[str, Any] = {}
    for column, spec in enumerate(table.fields, start=1):
        cell = cells[column - 1] if column <= len(cells) else ""
        try:
            values[spec.name] = _parse_cell(cell, spec, schema) if len(cells) == width else _raw(cell, spec, schema)
        except ValueError as exc:
            problems.append(Problem(where, line, column, str(exc), getattr(exc, "code", "invalid-value")))
            values[spec.name] = _raw(cell, spec, schema)
    return values


class CellError(ValueError):
    """A cell's value is invalid; ``code`` names how (see :class:`kg.errors.Problem`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _raw(cell: str, spec: Field, schema: Schema) -> Any:
    """Unvalidated stand-in for a cell, used only to keep key checks meaningful."""
    if spec.type != "id" or cell == "":
        return () if spec.is_list else None
    return tuple(cell.split(schema.list_separator)) if spec.is_list else cell


def _parse_cell(cell: str, spec: Field, schema: Schema) -> Any:
    if len(cell) > schema.max_field_length:
        raise CellError(
            "too-long",
            f"value in column {spec.name!r} is {len(cell)} characters long; the limit is {schema.max_field_length}",
        )
    control = CONTROL_RE.search(cell)
    if control:
        raise CellError(
            "control-character",
            f"value in column {spec.name!r} contains the control character U+{ord(control.group(0)):04X}, which"
            " RDF/XML and GraphML cannot hold; remove it (line breaks and tabs are fine)",
        )
    if cell == "":
        if spec.required:
            raise CellError("required", f"missing required value in column {spec.name!r}")
        return () if spec.is_list else None
    if spec.is_list:
        parts = cell.split(schema.list_separator)
        if any(p == "" for p in parts):
            raise CellError(
                "empty-list-item",
                f"empty item in list column {spec.name!r}: {cell!r}; separate items with a single"
                f" {schema.list_separator!r}",
            )
        return tuple(_parse_scalar(p, spec, schema) for p in parts)
    return _parse_scalar(cell, spec, schema)


def _parse_scalar(value: str, spec: Field, schema: Schema) -> Any:
    if spec.type == "id":
        if not schema.id_pattern.match(value):
            raise CellError(
                "invalid-id",
                f"{value!r} in column {spec.name!r} is not a valid id: use lower-case ASCII letters and digits,"
                " joined by single '-', '_' or '.'",
            )
    elif spec.type == "date":
        return _parse_date(value, spec.name)
    elif spec.type == "decimal":
        if not DECIMAL_RE.match(value):
            raise CellError(
                "not-a-number", f"{value!r} in column {spec.name!r} is not a decimal number such as 634 or 0.9"
            )
    elif spec.type == "integer":
        if not value.isascii() or not value.isdigit():
            raise CellError("not-a-number", f"{value!r} in column {spec.name!r} is not a non-negative whole number")
        return int(value)
    elif spec.type == "boolean":
        if value not in BOOLEANS:
            raise CellError("not-yes-or-no", f"{value!r} in column {spec.name!r} must be 'yes' or 'no'")
        return BOOLEANS[value]
    elif spec.type == "url" and not URL_RE.match(value):
        raise CellError("not-a-url", f"{value!r} in column {spec.name!r} is not an http(s) URL")
    if spec.vocabularies:
        allowed = schema.allowed(spec)
        if value not in allowed:
            raise CellError(
                "unknown-value",
                f"unknown value {value!r} in column {spec.name!r}{_suggest(value, allowed)};"
                f" allowed: {', '.join(allowed)}",
            )
        value = sys.intern(value)  # one string per vocabulary term, however many rows use it
    if spec.type == "text" and value != value.strip():
        raise CellError("whitespace", f"value in column {spec.name!r} has leading or trailing whitespace")
    if spec.type == "text" and spec.name not in FREE_TEXT:
        markup = MARKUP_RE.search(value)
        if markup:
            raise CellError(
                "markup",
                f"value in column {spec.name!r} contains HTML markup {markup.group(0)!r}; text columns hold plain text",
            )
    return value


def _parse_date(value: str, column: str) -> PartialDate:
    match = DATE_RE.match(value)
    if not match:
        raise CellError("not-a-date", f"{value!r} in column {column!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if int(year) == 0:
        raise CellError(
            "not-a-date", f"{value!r} in column {column!r} has year 0000, which no calendar has; years start at 0001"
        )
    if month is not None and not 1 <= int(month) <= 12:
        raise CellError("not-a-date", f"{value!r} in column {column!r} has no month {month}")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        raise CellError(
            "not-a-date", f"{value!r} in column {column!r} is not a real date: {year}-{month} has no day {day}"
        )
    return PartialDate(value)


def _suggest(value: str, candidates: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""
