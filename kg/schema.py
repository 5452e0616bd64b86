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
    references: tuple[str, ...] = ()  # tables whose ids the value must be one of
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
    legal_force_as_of: str | None = None  # date as of which schema.org's legal force is derived

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


def load_schema(data_dir: Path, *, content: bytes | None = None) -> Schema:
    """Read and check ``datapackage.json`` in ``data_dir`` (or ``content``, its bytes as already read)."""
    path = data_dir / SCHEMA_FILE
    try:
        text = content.decode("utf-8") if content is not None else path.read_text(encoding="utf-8")
        raw = json.loads(text)
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
            legal_force_as_of=_as_of(raw.get("legalForceAsOf")),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise SchemaError(f"{where}: malformed schema: {exc!r}") from None
    names = {t.name for t in tables}
    for table in tables:
        for field in table.fields:
            for reference in field.references:
                if reference not in names:
                    raise SchemaError(f"{where}: {table.name}.{field.name} references unknown table {reference!r}")
    return schema


def _as_of(value: object) -> str | None:
    """The declared curation date (YYYY-MM-DD), or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"legalForceAsOf must be a date YYYY-MM-DD, got {value!r}")
    return value


def _names(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A name or a list of names, as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


def _parse_table(raw: dict, vocabularies: dict[str, tuple[str, ...]]) -> TableSchema:
    fields = []
    for f in raw["fields"]:
        vocab = _names(f.get("vocabulary", ()))
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
                references=_names(f.get("reference", ())),
                is_list=bool(f.get("list", False)),
                description=f.get("description", ""),
            )
        )
    key = raw["primaryKey"]
    return TableSchema(
        name=raw["name"],
        path=raw["path"],
        fields=tuple(fields),
        primary_key=_names(key),
        description=raw.get("description", ""),
    )
