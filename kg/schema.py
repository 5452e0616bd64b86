"""The declared table schema (``data/datapackage.json``) as typed objects.

The schema is data, not code: the same file documents the tables for people and
drives validation, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import SchemaError

SCHEMA_FILE = "datapackage.json"
FIELD_TYPES = frozenset({"id", "text", "date", "integer", "decimal", "boolean", "url"})


@dataclass(frozen=True)
class Field:
    """One column of a table."""

    name: str
    type: str
    required: bool = False
    vocabularies: tuple[str, ...] = ()
    reference: str | None = None
    is_list: bool = False
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    """One table: its file, columns and keys."""

    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def has_id(self) -> bool:
        """True when rows are entities identified by an ``id`` column."""
        return self.primary_key == ("id",)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Schema:
    """The whole data package: vocabularies and tables in load order."""

    tables: tuple[TableSchema, ...]
    vocabularies: dict[str, tuple[str, ...]]
    id_pattern: re.Pattern[str]
    list_separator: str
    max_field_length: int

    def table(self, name: str) -> TableSchema:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def allowed(self, field: Field) -> tuple[str, ...]:
        """Allowed values of a vocabulary field, in declaration order."""
        values: list[str] = []
        for vocab in field.vocabularies:
            values.extend(self.vocabularies[vocab])
        return tuple(values)


def load_schema(data_dir: Path) -> Schema:
    """Read and check ``datapackage.json`` in ``data_dir``."""
    path = data_dir / SCHEMA_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path}: no schema file; a data folder needs {SCHEMA_FILE}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}: not valid JSON: {exc}") from None
    return _parse_schema(raw, str(path))


def _parse_schema(raw: dict, where: str) -> Schema:
    try:
        vocabularies = {k: tuple(v) for k, v in raw["vocabularies"].items()}
        tables = tuple(_parse_table(t, vocabularies) for t in raw["resources"])
        schema = Schema(
            tables=tables,
            vocabularies=vocabularies,
            id_pattern=re.compile(raw["idPattern"]),
            list_separator=raw["listSeparator"],
            max_field_length=int(raw["maxFieldLength"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise SchemaError(f"{where}: malformed schema: {exc!r}") from None
    names = {t.name for t in tables}
    for table in tables:
        for field in table.fields:
            if field.reference and field.reference not in names:
                raise SchemaError(f"{where}: {table.name}.{field.name} references unknown table {field.reference!r}")
    return schema


def _parse_table(raw: dict, vocabularies: dict[str, tuple[str, ...]]) -> TableSchema:
    fields = []
    for f in raw["fields"]:
        vocab = f.get("vocabulary", ())
        vocab = (vocab,) if isinstance(vocab, str) else tuple(vocab)
        for v in vocab:
            if v not in vocabularies:
                raise ValueError(f"{raw['name']}.{f['name']}: unknown vocabulary {v!r}")
        if f["type"] not in FIELD_TYPES:
            raise ValueError(f"{raw['name']}.{f['name']}: unknown type {f['type']!r}")
        fields.append(
            Field(
                name=f["name"],
                type=f["type"],
                required=bool(f.get("required", False)),
                vocabularies=vocab,
                reference=f.get("reference"),
                is_list=bool(f.get("list", False)),
                description=f.get("description", ""),
            )
        )
    key = raw["primaryKey"]
    return TableSchema(
        name=raw["name"],
        path=raw["path"],
        fields=tuple(fields),
        primary_key=(key,) if isinstance(key, str) else tuple(key),
        description=raw.get("description", ""),
    )
