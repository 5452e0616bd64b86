"""Read the CSV tables of a data folder and validate them: the entry that joins scanning and the domain rules.

:mod:`kg.scan` streams each table's rows, typed per the schema; :mod:`kg.rules` checks
them as they pass and keeps only what the rules across tables need. Every problem is
collected with its location (``path:line:column``), so one run reports all of them at
once. A validated table small enough keeps its rows in memory; a bigger one is read
again from its bytes whenever its rows are needed, so a table of any size is validated
and built in bounded memory. Nothing here imports rdflib.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from kg.errors import DataError, Problem
from kg.progress import Step, no_progress
from kg.rules import LANG_TAG_RE, LINK_FORMS, PAGE_URL_RE, PARTIAL_EVENT_TYPES, Rules
from kg.scan import (
    BOOLEANS,
    CONTROL_RE,
    DATE_RE,
    DECIMAL_RE,
    FREE_TEXT,
    MARKUP_RE,
    URL_RE,
    PartialDate,
    Row,
    Source,
    TableScan,
    _locate_quoting_error,
    _quoting_is_valid,
    read_folder,
    snapshot_folder,
)
from kg.schema import SCHEMA_FILE, Schema, load_schema

__all__ = [
    "BOOLEANS",
    "CONTROL_RE",
    "DATE_RE",
    "DECIMAL_RE",
    "FREE_TEXT",
    "LANG_TAG_RE",
    "LINK_FORMS",
    "MARKUP_RE",
    "PAGE_URL_RE",
    "PARTIAL_EVENT_TYPES",
    "URL_RE",
    "Dataset",
    "PartialDate",
    "Row",
    "TableRows",
    "_locate_quoting_error",
    "_quoting_is_valid",
    "load_dataset",
    "read_folder",
    "snapshot_folder",
]

# A table whose bytes are fewer than this keeps its typed rows in memory after validation;
# a bigger one is read again from its bytes when its rows are needed (e.g. by the build).
KEEP_ROWS_BELOW = 16 << 20


class TableRows(Sequence[Row]):
    """A validated table's rows: held in memory, or read again from the table's bytes on every pass."""

    def __init__(self, scan: TableScan | None, count: int, rows: list[Row] | None) -> None:
        self._scan = scan
        self._count = count
        self._rows = rows

    @property
    def streamed(self) -> bool:
        """True when the rows are read again on every pass rather than held."""
        return self._rows is None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        if self._rows is not None:
            return iter(self._rows)
        return self._scan.rows() if self._scan is not None else iter(())

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if self._rows is None:  # indexing a streamed table reads it into memory once
            self._rows = list(self)
        return self._rows[index]


@dataclass
class Dataset:
    """All tables of a data folder, validated."""

    data_dir: Path
    schema: Schema
    tables: dict[str, TableRows] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    _rules: Rules | None = field(default=None, repr=False)
    _ids: dict[str, frozenset[Any]] = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> TableRows:
        return self.tables[table]

    def ids(self, table: str) -> frozenset[Any]:
        """The ids of a table's rows (computed once per table)."""
        cached = self._ids.get(table)
        if cached is None:
            if self._rules is not None:
                cached = self._rules.ids(table)
            else:
                cached = frozenset(row["id"] for row in self.tables[table])
            self._ids[table] = cached
        return cached

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def load_dataset(
    data_dir: Path | str, *, on_step: Step = no_progress, files: Mapping[str, Source] | None = None
) -> Dataset:
    """Read and validate every table; raise :class:`DataError` listing all problems.

    ``files`` (from :func:`read_folder` or :func:`snapshot_folder`) are the folder's files as
    already read or copied: given, the tables are validated (and later read) from exactly
    those bytes, so what was hashed is what is built. Locations still name ``data_dir``.
    """
    data_dir = Path(data_dir)
    schema_file = None if files is None else files.get(SCHEMA_FILE)
    schema = load_schema(data_dir, content=schema_file.read_bytes() if isinstance(schema_file, Path) else schema_file)
    problems: list[Problem] = []
    rules = Rules(schema, problems)
    dataset = Dataset(data_dir=data_dir, schema=schema, _rules=rules)
    for table in schema.tables:
        on_step(f"reading {table.path}")
        given = None if files is None else files.get(table.path)
        scan = TableScan(
            table, schema, str(data_dir / table.path), given if given is not None else data_dir / table.path
        )
        rules.start(table, scan.where)
        readable = scan.check(problems)
        kept: list[Row] | None = [] if readable and _small(scan.source) else None
        count = 0
        if readable:
            for row in scan.rows(problems):  # scan -> type -> row rules -> keep what later rules need
                rules.add(table, row)
                count += 1
                if kept is not None:
                    kept.append(row)
        else:
            dataset.unreadable.add(table.name)
        rules.end(table, readable=readable)
        dataset.tables[table.name] = TableRows(scan if readable else None, count, kept)
    rules.finish()
    if problems:
        raise DataError(problems)
    return dataset


def _small(source: Source) -> bool:
    """Whether a table's typed rows are kept in memory (see :data:`KEEP_ROWS_BELOW`)."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    return size < KEEP_ROWS_BELOW
