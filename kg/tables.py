"""Read the CSV tables in a data folder and validate them against the schema.

Every problem is collected with its location (``path:line:column``, the column
being the 1-based CSV column) so one run reports all of them at once. Nothing here
imports rdflib: validation stays fast and independent of the graph stage.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import difflib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem
from kg.progress import Step, no_progress
from kg.schema import SCHEMA_FILE, Field, Schema, TableSchema, load_schema

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DECIMAL_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
PAGE_URL_RE = re.compile(r"^https?://[^/\s]+/\S+$", re.IGNORECASE)  # a page: a host and a path
BOOLEANS = {"yes": True, "no": False}
# An HTML or XML tag, comment or doctype: text columns hold plain text only.
MARKUP_RE = re.compile(r"<(?:[a-zA-Z][\w:-]*|/\s*[a-zA-Z][\w:-]*|!)[^<>]*>")
FREE_TEXT = frozenset({"note"})
# Characters XML 1.0 cannot hold (C0 controls other than tab, line feed and carriage return, and U+FFFE/FFFF).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LANG_TAG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
# Event types that may concern only part of an instrument.
PARTIAL_EVENT_TYPES = ("entered_into_force", "applies_from", "repealed", "expired", "invalidated")
# links.csv: the form of each scheme's identifiers, with an example for the error message.
LINK_FORMS = {
    "eli": (re.compile(r"^https?://\S+/eli/\S+$"), "an ELI IRI such as http://data.europa.eu/eli/reg/2024/1689/oj"),
    "celex": (re.compile(r"^[0-9CE][0-9]{4}[A-Z]{1,2}[0-9()]+$"), "such as 32024R1689"),
    "wikidata": (re.compile(r"^Q[1-9][0-9]*$"), "such as Q42"),
    "iso3166": (re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$"), "such as KR or US-CA"),
    "website": (re.compile(r"^https?://[^\s/]+(?:/\S*)?$"), "an http(s) address"),
}  # editorial notes may mention markup (e.g. "<p> tags dropped")


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


@dataclass(frozen=True)
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


@dataclass
class Dataset:
    """All tables of a data folder, validated."""

    data_dir: Path
    schema: Schema
    tables: dict[str, list[Row]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    _ids: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> list[Row]:
        return self.tables[table]

    def ids(self, table: str) -> frozenset[str]:
        """The ids of a table's rows (computed once per table)."""
        cached = self._ids.get(table)
        if cached is None:
            cached = self._ids[table] = frozenset(row["id"] for row in self.tables[table])
        return cached

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def read_folder(data_dir: Path | str) -> dict[str, bytes]:
    """Every file of the data folder, read once: the bytes a build both hashes and validates."""
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


def load_dataset(
    data_dir: Path | str, *, on_step: Step = no_progress, files: Mapping[str, bytes] | None = None
) -> Dataset:
    """Read and validate every table; raise :class:`DataError` listing all problems.

    ``files`` (from :func:`read_folder`) are the folder's bytes as already read: given, the
    tables are validated from exactly those bytes, so what was hashed is what is built.
    """
    data_dir = Path(data_dir)
    schema = load_schema(data_dir, content=None if files is None else files.get(SCHEMA_FILE))
    problems: list[Problem] = []
    dataset = Dataset(data_dir=data_dir, schema=schema)
    for table in schema.tables:
        on_step(f"reading {table.path}")
        rows = _load_table(data_dir, table, schema, problems, None if files is None else files.get(table.path))
        if rows is None:
            dataset.unreadable.add(table.name)
        dataset.tables[table.name] = rows or []
    _check_keys(dataset, problems)
    _check_rules(dataset, problems)
    if problems:
        raise DataError(problems)
    return dataset


# --- reading -----------------------------------------------------------------


def _display(data_dir: Path, table: TableSchema) -> str:
    return str(data_dir / table.path)


def _load_table(
    data_dir: Path, table: TableSchema, schema: Schema, problems: list[Problem], content: bytes | None = None
) -> list[Row] | None:
    """The table's rows, or None when the file cannot be read as a whole (``content``: its bytes, if read)."""
    path = data_dir / table.path
    where = _display(data_dir, table)
    try:
        raw = content if content is not None else path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(where, 0, 0, f"file is missing; datapackage.json declares table {table.name!r}"))
        return None
    except IsADirectoryError:
        problems.append(Problem(where, 0, 0, f"is a folder, not a file; table {table.name!r} needs a CSV file here"))
        return None
    except OSError as exc:
        problems.append(Problem(where, 0, 0, f"cannot be read: {exc.strerror or exc}"))
        return None
    text = _decode(raw, where, problems)
    if text is None:
        return None
    quoting = None if _quoting_is_valid(text) else _locate_quoting_error(text)
    if quoting is not None:
        line, column, message = quoting
        problems.append(Problem(where, line, column, message))
        return None
    try:
        records = list(_records(text))
    except csv.Error as exc:  # a field beyond the csv module's own limit
        line = len(list(_records_until_error(text))) + 1
        problems.append(
            Problem(
                where,
                line,
                0,
                f"a field is too long to read ({exc}); the limit is {schema.max_field_length} characters",
            )
        )
        return None
    if not records:
        problems.append(Problem(where, 1, 1, "file is empty; the first line must be the header"))
        return None
    _, header = records[0]
    if not _check_header(header, table, where, problems):
        return None
    rows = []
    for line, cells in records[1:]:
        before = len(problems)
        values = _parse_cells(cells, table, schema, where, line, problems)
        rows.append(Row(table.name, where, line, values, valid=len(problems) == before))
    return rows


def _decode(raw: bytes, where: str, problems: list[Problem]) -> str | None:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        column = len(next(csv.reader([prefix]), [""])) or 1
        byte = raw[exc.start]
        problems.append(Problem(where, line, column, f"invalid UTF-8 byte 0x{byte:02x}; save the file as UTF-8"))
        return None


def _quoting_is_valid(text: str) -> bool:
    """True when every quote is well placed: the fast check, jumping from quote to quote.

    It accepts exactly what :func:`_locate_quoting_error` accepts, which walks every
    character to give the location and runs only when this check fails.
    """
    i = 0
    while True:
        opening = text.find('"', i)
        if opening < 0:
            return True
        before = opening - 1
        while before >= 0 and text[before] == "\r":
            before -= 1
        if before >= 0 and text[before] not in ",\n":
            return False  # a quote inside an unquoted field
        closing = text.find('"', opening + 1)
        while closing >= 0 and text.startswith('""', closing):
            closing = text.find('"', closing + 2)
        if closing < 0:
            return False  # never closed
        if text[closing + 1 : closing + 2] not in ("", ",", "\r", "\n"):
            return False
        i = closing + 1


def _locate_quoting_error(text: str) -> tuple[int, int, str] | None:
    """Find the first quoting error as (line, column, message), or None.

    The csv module silently accepts some malformed input, so quoting is checked
    with a small RFC 4180 scanner first.
    """
    line, column = 1, 1
    at_field_start = True
    in_quotes = False
    open_line = open_column = 0
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


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) for each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        if cells and any(cells):
            yield start, cells
        start = reader.line_num + 1


def _records_until_error(text: str) -> Iterator[int]:
    """The line numbers read before the csv module gives up (to locate a field over its limit)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in reader:
            yield reader.line_num
    except csv.Error:
        return


def _check_header(header: list[str], table: TableSchema, where: str, problems: list[Problem]) -> bool:
    expected = table.column_names
    if tuple(header) == expected:
        return True
    before = len(problems)
    seen: set[str] = set()
    for column, name in enumerate(header, start=1):
        if name in seen:
            problems.append(Problem(where, 1, column, f"duplicate column {name!r}"))
        elif name not in expected:
            problems.append(
                Problem(where, 1, column, f"unknown column {name!r}; expected columns: {', '.join(expected)}")
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(Problem(where, 1, len(header) + 1, f"missing column {name!r}"))
    if len(problems) == before:
        problems.append(Problem(where, 1, 1, f"columns are out of order; expected: {', '.join(expected)}"))
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
        problems.append(Problem(where, line, width + 1, f"row has {len(cells)} fields but the header has {width}"))
    elif len(cells) < width:
        missing = ", ".join(f.name for f in table.fields[len(cells) :])
        problems.append(
            Problem(
                where,
                line,
                len(cells) + 1,
                f"row has {len(cells)} fields but the header has {width} (missing: {missing})",
            )
        )
    values: dict[str, Any] = {}
    for column, spec in enumerate(table.fields, start=1):
        cell = cells[column - 1] if column <= len(cells) else ""
        try:
            values[spec.name] = _parse_cell(cell, spec, schema) if len(cells) == width else _raw(cell, spec, schema)
        except ValueError as exc:
            problems.append(Problem(where, line, column, str(exc)))
            values[spec.name] = _raw(cell, spec, schema)
    return values


def _raw(cell: str, spec: Field, schema: Schema) -> Any:
    """Unvalidated stand-in for a cell, used only to keep key checks meaningful."""
    if spec.type != "id" or cell == "":
        return () if spec.is_list else None
    return tuple(cell.split(schema.list_separator)) if spec.is_list else cell


def _parse_cell(cell: str, spec: Field, schema: Schema) -> Any:
    if len(cell) > schema.max_field_length:
        raise ValueError(
            f"value in column {spec.name!r} is {len(cell)} characters long; the limit is {schema.max_field_length}"
        )
    control = CONTROL_RE.search(cell)
    if control:
        raise ValueError(
            f"value in column {spec.name!r} contains the control character U+{ord(control.group(0)):04X}, which"
            " RDF/XML and GraphML cannot hold; remove it (line breaks and tabs are fine)"
        )
    if cell == "":
        if spec.required:
            raise ValueError(f"missing required value in column {spec.name!r}")
        return () if spec.is_list else None
    if spec.is_list:
        parts = cell.split(schema.list_separator)
        if any(p == "" for p in parts):
            raise ValueError(
                f"empty item in list column {spec.name!r}: {cell!r}; separate items with a single"
                f" {schema.list_separator!r}"
            )
        return tuple(_parse_scalar(p, spec, schema) for p in parts)
    return _parse_scalar(cell, spec, schema)


def _parse_scalar(value: str, spec: Field, schema: Schema) -> Any:
    if spec.type == "id":
        if not schema.id_pattern.match(value):
            raise ValueError(
                f"{value!r} in column {spec.name!r} is not a valid id: use lower-case ASCII letters and digits,"
                " joined by single '-', '_' or '.'"
            )
    elif spec.type == "date":
        return _parse_date(value, spec.name)
    elif spec.type == "decimal":
        if not DECIMAL_RE.match(value):
            raise ValueError(f"{value!r} in column {spec.name!r} is not a decimal number such as 634 or 0.9")
    elif spec.type == "integer":
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{value!r} in column {spec.name!r} is not a non-negative whole number")
        return int(value)
    elif spec.type == "boolean":
        if value not in BOOLEANS:
            raise ValueError(f"{value!r} in column {spec.name!r} must be 'yes' or 'no'")
        return BOOLEANS[value]
    elif spec.type == "url" and not URL_RE.match(value):
        raise ValueError(f"{value!r} in column {spec.name!r} is not an http(s) URL")
    if spec.vocabularies:
        allowed = schema.allowed(spec)
        if value not in allowed:
            raise ValueError(
                f"unknown value {value!r} in column {spec.name!r}{_suggest(value, allowed)};"
                f" allowed: {', '.join(allowed)}"
            )
    if spec.type == "text" and value != value.strip():
        raise ValueError(f"value in column {spec.name!r} has leading or trailing whitespace")
    if spec.type == "text" and spec.name not in FREE_TEXT:
        markup = MARKUP_RE.search(value)
        if markup:
            raise ValueError(
                f"value in column {spec.name!r} contains HTML markup {markup.group(0)!r}; text columns hold plain text"
            )
    return value


def _parse_date(value: str, column: str) -> PartialDate:
    match = DATE_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} in column {column!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if int(year) == 0:
        raise ValueError(f"{value!r} in column {column!r} has year 0000, which no calendar has; years start at 0001")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} in column {column!r} has no month {month}")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        raise ValueError(f"{value!r} in column {column!r} is not a real date: {year}-{month} has no day {day}")
    return PartialDate(value)


def _suggest(value: str, candidates: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- keys across tables --------------------------------------------------------


def _check_keys(dataset: Dataset, problems: list[Problem]) -> None:
    """Primary keys unique, ids unique across tables, references resolvable."""
    owners: dict[str, Row] = {}
    ids: dict[str, set[str]] = {}
    for table in dataset.schema.tables:
        seen: dict[tuple, Row] = {}
        key_column = table.column_names.index(table.primary_key[0]) + 1
        for row in dataset.tables[table.name]:
            key = tuple(row[k] for k in table.primary_key)
            if key in seen:
                shown = "/".join(str(k) for k in key)
                problems.append(
                    Problem(
                        row.path,
                        row.line,
                        key_column,
                        f"duplicate key {shown!r} in {table.name}; first defined at {seen[key].location}",
                    )
                )
                continue
            seen[key] = row
            if table.has_id:
                row_id = row["id"]
                if row_id in owners:
                    problems.append(
                        Problem(
                            row.path,
                            row.line,
                            key_column,
                            f"id {row_id!r} is already used at {owners[row_id].location}; ids are unique across"
                            " all tables",
                        )
                    )
                else:
                    owners[row_id] = row
        if table.has_id:
            ids[table.name] = {key[0] for key in seen}
    for table in dataset.schema.tables:
        for column, spec in enumerate(table.fields, start=1):
            if not spec.references or any(r in dataset.unreadable for r in spec.references):
                continue
            known = set().union(*(ids.get(r, set()) for r in spec.references))
            target = " or ".join(dataset.schema.table(r).path for r in spec.references)
            for row in dataset.tables[table.name]:
                value = row[spec.name]
                for item in value if spec.is_list else (value,):
                    if item is not None and item not in known:
                        problems.append(
                            Problem(
                                row.path,
                                row.line,
                                column,
                                f"{item!r} in column {spec.name!r} is not an id in {target}"
                                f"{_suggest(item, sorted(known))}",
                            )
                        )


# --- row and graph rules ---------------------------------------------------------


def _check_rules(dataset: Dataset, problems: list[Problem]) -> None:
    """Rules that span columns or rows."""
    _check_articles(dataset, problems)
    _check_titles(dataset, problems)
    _check_sources(dataset, problems)
    _check_evidence(dataset, problems)
    _check_instruments_have_events(dataset, problems)
    _check_event_order(dataset, problems)
    _check_supersession(dataset, problems)
    _check_links(dataset, problems)
    _check_acyclic(dataset, "jurisdictions", "parent", problems)
    _check_acyclic(dataset, "topics", "broader", problems)
    _check_acyclic(dataset, "concepts", "broader", problems)
    _check_based_on_cycles(dataset, problems)


def _column(dataset: Dataset, table: str, name: str) -> int:
    """1-based position of a column, for locating a problem."""
    return dataset.schema.table(table).column_names.index(name) + 1


ARTICLE_TEXTS = ("text_original", "text_zh", "text_en", "heading_original", "heading_zh", "heading_en")
APPLICATION_EVENTS = ("entered_into_force", "applies_from")


def _check_articles(dataset: Dataset, problems: list[Problem]) -> None:
    """An article's texts come with their kind and language, and it applies from one of its act's own dates."""
    where = {name: _column(dataset, "articles", name) for name in dataset.schema.table("articles").column_names}
    events = {row["id"]: row for row in dataset.rows("events") if row.valid}
    related: set[tuple[str, str]] = set()
    for row in dataset.rows("relations"):
        if row.valid:
            related |= {(row["subject"], row["object"]), (row["object"], row["subject"])}

    def problem(row: Row, column: str, message: str) -> None:
        problems.append(Problem(row.path, row.line, where[column], message))

    for row in dataset.rows("articles"):
        if not row.valid:
            continue
        if all(row[c] is None for c in ARTICLE_TEXTS):
            problem(
                row, "text_zh", "an article needs a text or a heading (text_original, text_zh, text_en or a heading)"
            )
        for lang in ("zh", "en"):
            text, kind = row[f"text_{lang}"], row[f"text_{lang}_kind"]
            if (text is None) != (kind is None):
                missing = f"text_{lang}_kind" if kind is None else f"text_{lang}"
                problem(row, missing, f"{missing} is required with text_{lang}{'_kind' if kind is not None else ''}")
            elif kind == "own_translation" and not any(
                row[c] for c in ("text_original", "text_zh" if lang == "en" else "text_en")
            ):
                problem(
                    row,
                    f"text_{lang}_kind",
                    f"text_{lang} is the project's own translation, but the row has no other text it translates",
                )
            elif kind == "original" and row["text_original"] is not None and row["original_lang"] not in ("en", "zh"):
                problem(
                    row,
                    f"text_{lang}_kind",
                    f"text_{lang} cannot be the original: text_original holds it ({row['original_lang']})",
                )
        lang = row["original_lang"]
        if (row["text_original"] or row["heading_original"]) and lang is None:
            problem(row, "original_lang", "original_lang is required with text_original or heading_original")
        elif lang is not None and not (row["text_original"] or row["heading_original"]):
            problem(row, "original_lang", "original_lang is given but there is no text_original or heading_original")
        elif lang is not None and not LANG_TAG_RE.match(lang):
            problem(row, "original_lang", f"{lang!r} is not a lower-case language tag such as ko, ja, it or pt")
        elif lang in ("en", "zh"):
            problem(
                row,
                "original_lang",
                f"an original in {lang!r} goes in text_{lang} with text_{lang}_kind=original, not in text_original",
            )
        event_id = row["applies_from"]
        event = events.get(event_id) if event_id else None
        if event is None:
            continue
        if event["instrument"] != row["instrument"] and (event["instrument"], row["instrument"]) not in related:
            problem(
                row,
                "applies_from",
                f"event {event_id!r} is a date of {event['instrument']!r}, which is neither {row['instrument']!r}"
                " nor an instrument related to it in relations.csv",
            )
        elif event["type"] not in APPLICATION_EVENTS:
            problem(
                row,
                "applies_from",
                f"event {event_id!r} is of type {event['type']!r}; an article applies from an"
                f" {' or '.join(APPLICATION_EVENTS)} event",
            )
        elif event["superseded_by"]:
            problem(
                row,
                "applies_from",
                f"event {event_id!r} was superseded by {event['superseded_by']!r}; use the date that replaced it",
            )


def _check_titles(dataset: Dataset, problems: list[Problem]) -> None:
    """The original title comes with its language tag."""
    where = {name: _column(dataset, "instruments", name) for name in ("title_original", "title_original_lang")}
    for row in dataset.rows("instruments"):
        if not row.valid:
            continue
        title, lang = row["title_original"], row["title_original_lang"]
        if title is None and lang is None and not row["unnamed"]:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    where["title_original"],
                    "title_original is required (the official title in the original language, with"
                    " title_original_lang); an instrument a source does not name has unnamed=yes instead",
                )
            )
        elif (title is None) != (lang is None):
            missing = "title_original_lang" if lang is None else "title_original"
            problems.append(
                Problem(
                    row.path, row.line, where[missing], f"{missing} is required with the other original-title column"
                )
            )
        elif lang is not None and not LANG_TAG_RE.match(lang):
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    where["title_original_lang"],
                    f"{lang!r} is not a lower-case language tag such as en, zh, ko, pt or zh-hant",
                )
            )


def _check_sources(dataset: Dataset, problems: list[Problem]) -> None:
    """A source that is not a seed document is a page: its full address, publisher and consultation date."""
    for row in dataset.rows("sources"):
        if not row.valid or row["kind"] == "seed":
            continue
        if row["url"] is None or not PAGE_URL_RE.match(row["url"]):
            shown = f" ({row['url']!r} is not a page)" if row["url"] else ""
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    _column(dataset, "sources", "url"),
                    f"source {row['id']!r} needs the full address of the page it was read on{shown}",
                )
            )
        for column in ("publisher", "consulted"):
            if row[column] is None:
                problems.append(
                    Problem(
                        row.path,
                        row.line,
                        _column(dataset, "sources", column),
                        f"source {row['id']!r} needs its {column} (every source that is not a seed document)",
                    )
                )


def _check_instruments_have_events(dataset: Dataset, problems: list[Problem]) -> None:
    """Every instrument has at least one dated event, so every one has a place in time."""
    if not all(row.valid for row in dataset.rows("events")):
        return  # an invalid event row is reported already; its instrument may be the one that looks undated
    dated = {row["instrument"] for row in dataset.rows("events")}
    for row in dataset.rows("instruments"):
        if row.valid and row["id"] not in dated:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    1,
                    f"instrument {row['id']!r} has no dated event; add one to events.csv (e.g. when it was adopted,"
                    " published or proposed)",
                )
            )


def _check_evidence(dataset: Dataset, problems: list[Problem]) -> None:
    """A verification level must be borne out by the kinds and number of the sources cited."""
    kinds = {row["id"]: row["kind"] for row in dataset.rows("sources")}
    for table in dataset.schema.tables:
        names = table.column_names
        if "verification" not in names:
            continue
        column = names.index("verification") + 1
        for row in dataset.rows(table.name):
            level = row["verification"]
            if not row.valid or level is None:
                continue
            cited = [row["source"], *row.values.get("corroborated_by", ())]
            if level == "official" and not any(kinds.get(s) == "official" for s in cited):
                problems.append(
                    Problem(
                        row.path,
                        row.line,
                        column,
                        "verification 'official' needs an official source in source or corroborated_by",
                    )
                )
            elif level == "secondary-corroborated" and len(set(cited)) < 2:
                problems.append(
                    Problem(
                        row.path,
                        row.line,
                        column,
                        "verification 'secondary-corroborated' needs a second, independent source in corroborated_by",
                    )
                )


def _check_supersession(dataset: Dataset, problems: list[Problem]) -> None:
    """A scheduled date is superseded by an earlier event of another row, and only stages can be partial."""
    events = {row["id"]: row for row in dataset.rows("events")}
    col_superseded = _column(dataset, "events", "superseded_by")
    col_part = _column(dataset, "events", "part")
    for row in dataset.rows("events"):
        if not row.valid:
            continue
        if row["part"] is not None and row["type"] not in PARTIAL_EVENT_TYPES:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    col_part,
                    f"'part' applies to {', '.join(PARTIAL_EVENT_TYPES)} events, not to {row['type']!r}",
                )
            )
        later = events.get(row["superseded_by"] or "")
        if later is None:
            continue
        if later is row:
            problems.append(Problem(row.path, row.line, col_superseded, "an event cannot supersede itself"))
            continue
        date, other = str(row["date"]), str(later["date"])
        common = min(len(date), len(other))
        if later.valid and other[:common] > date[:common]:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    col_superseded,
                    f"superseded by {later['id']!r} dated {other}, after this event's own date {date}; a postponement"
                    " happens before the date it postpones",
                )
            )


def _check_links(dataset: Dataset, problems: list[Problem]) -> None:
    """Each identifier has the form of its scheme."""
    column = _column(dataset, "links", "value")
    for row in dataset.rows("links"):
        if not row.valid:
            continue
        pattern, example = LINK_FORMS[row["scheme"]]
        if not pattern.match(row["value"]):
            problems.append(
                Problem(row.path, row.line, column, f"{row['value']!r} is not a {row['scheme']} identifier ({example})")
            )


def _check_event_order(dataset: Dataset, problems: list[Problem]) -> None:
    """No event may be dated before its instrument was first proposed (at the dates' common precision)."""
    column = dataset.schema.table("events").column_names.index("date") + 1
    proposals: dict[str, Row] = {}
    for row in dataset.rows("events"):
        if row.valid and row["type"] == "proposed":
            first = proposals.get(row["instrument"])
            if first is None or str(row["date"]) < str(first["date"]):
                proposals[row["instrument"]] = row
    for row in dataset.rows("events"):
        proposal = proposals.get(row["instrument"])
        if not row.valid or proposal is None or row is proposal:
            continue
        date, proposed = str(row["date"]), str(proposal["date"])
        common = min(len(date), len(proposed))
        if date[:common] < proposed[:common]:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    column,
                    f"event dated {date} is before its instrument {row['instrument']!r} was proposed"
                    f" ({proposed}, {proposal.location})",
                )
            )


def _check_acyclic(dataset: Dataset, table_name: str, column: str, problems: list[Problem]) -> None:
    table = dataset.schema.table(table_name)
    rows = {row["id"]: row for row in dataset.rows(table_name)}
    col = table.column_names.index(column) + 1
    for start, row in rows.items():
        seen = {start}
        current = row[column]
        while current is not None and current in rows:
            if current in seen:
                problems.append(
                    Problem(row.path, row.line, col, f"{column!r} chain from {start!r} loops back through {current!r}")
                )
                break
            seen.add(current)
            current = rows[current][column]


def _check_based_on_cycles(dataset: Dataset, problems: list[Problem]) -> None:
    """Report each cycle of based_on links once, in linear time (a depth-first search with colours)."""
    edges: dict[str, list[Row]] = {}
    for row in dataset.rows("relations"):
        if row["relation"] == "based_on":
            edges.setdefault(row["subject"], []).append(row)
    for rows in edges.values():
        rows.sort(key=lambda r: r["object"])
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        trail: list[str] = [start]  # the path from start to the node being explored
        on_trail = {start: 0}
        pending = [iter(edges.get(start, []))]
        while pending:
            edge = next(pending[-1], None)
            if edge is None:
                pending.pop()
                node = trail.pop()
                del on_trail[node]
                done.add(node)
                continue
            target = edge["object"]
            if target in on_trail:  # a back edge closes a cycle
                path = " -> ".join([*trail[on_trail[target] :], target])
                problems.append(Problem(edge.path, edge.line, 1, f"cycle in based_on relations: {path}"))
            elif target not in done:
                on_trail[target] = len(trail)
                trail.append(target)
                pending.append(iter(edges.get(target, [])))
