"""The graph back to the curated tables: the inverse of :mod:`kg.build`.

It walks the same mapping as the builder (:mod:`kg.shape`): the entity tables'
classes, the scheme tables' schemes, the statement tables' ends and every table's
plain columns; only the original-language titles and texts and links' values are
read explicitly.

``kg export --format csv --output DIR`` writes one CSV per table plus the schema;
building from that folder gives a graph isomorphic to the original, which proves
that nothing curated is lost on the way into RDF.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import OWL, RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.output import write_atomic
from kg.schema import SCHEMA_FILE, Schema
from kg.shape import (
    CLASSES,
    COLUMNS,
    LINK_PROPERTIES,
    SCHEME_TABLES,
    SEGMENTS,
    STATEMENTS,
    WIKIDATA_ENTITY,
    Column,
    Statement,
    local_id,
)
from kg.vocab import CONCEPT_BASE, KG, scheme_iri

if TYPE_CHECKING:
    from rdflib import Graph


class Reader:
    """Reads one node's values back into cell strings, as :data:`kg.shape.COLUMNS` declares them."""

    def __init__(self, graph: Graph, separator: str) -> None:
        self.graph = graph
        self.separator = separator

    def cell(self, node: URIRef, column: Column) -> str:
        values = [self.text(v, column) for v in self.graph.objects(node, column.predicate) if self.fits(v, column)]
        return self.separator.join(sorted(values))

    @staticmethod
    def fits(value: object, column: Column) -> bool:
        """Whether a value of the column's predicate belongs to this column (e.g. the @en title, not the @zh one)."""
        if column.kind in ("en", "zh"):
            return isinstance(value, Literal) and value.language == column.kind
        if column.kind == "concept" and column.target:
            return str(value).startswith(f"{CONCEPT_BASE}{column.target}/")
        if column.kind == "ref":
            return f"/{SEGMENTS[str(column.target)]}/" in str(value)
        return True

    @staticmethod
    def text(value: object, column: Column) -> str:
        if column.kind in ("ref", "concept"):
            return local_id(value)
        if column.kind == "bool":
            return "yes" if value.toPython() else "no"  # type: ignore[attr-defined]
        if column.kind == "decimal":
            text = str(value)
            return text[:-2] if text.endswith(".0") else text
        return str(value)

    def row(self, table: str, node: URIRef) -> dict[str, str]:
        return {column.name: self.cell(node, column) for column in COLUMNS[table]}


def graph_to_tables(graph: Graph, schema: Schema) -> dict[str, list[dict[str, str]]]:
    """Rows of every table, recovered from the graph, sorted by key."""
    r = Reader(graph, schema.list_separator)
    rows: dict[str, list[dict[str, str]]] = {}
    for table, classes in CLASSES.items():
        prefix = "/" + SEGMENTS[table] + "/"
        nodes = [n for n in graph.subjects(RDF.type, classes[0]) if prefix in str(n)]
        rows[table] = [{"id": local_id(n), **r.row(table, n), **_extra(graph, table, n)} for n in nodes]
    for table, scheme in SCHEME_TABLES.items():
        nodes = list(graph.subjects(SKOS.inScheme, scheme_iri(scheme)))
        rows[table] = [{"id": local_id(n), **r.row(table, n)} for n in nodes]
    statements: dict[object, tuple[str, Statement, str | None]] = {}
    for table, shape in STATEMENTS.items():
        rows[table] = []
        if shape.predicate is not None:
            statements[shape.predicate] = (table, shape, None)
        for name, prop in (shape.predicates or {}).items():
            statements[prop] = (table, shape, name)
    rows["links"] = []
    link_schemes = {prop: scheme for scheme, prop in LINK_PROPERTIES.items()}
    for s in graph.subjects(RDF.type, KG.RelationStatement):
        subject, predicate, obj = (graph.value(s, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if predicate in statements:
            table, shape, name = statements[predicate]
            row = {shape.subject: local_id(subject), shape.object: local_id(obj), **r.row(table, s)}
            if name is not None:
                row[str(shape.predicate_column)] = name
            rows[table].append(row)
            continue
        scheme = link_schemes[predicate]
        value = str(obj)
        if predicate == OWL.sameAs:
            scheme = "wikidata" if value.startswith(WIKIDATA_ENTITY) else "eli"
            value = value[len(WIKIDATA_ENTITY) :] if scheme == "wikidata" else value
        rows["links"].append({"subject": local_id(subject), "scheme": scheme, "value": value, **r.row("links", s)})
    for table in schema.tables:
        key = table.primary_key
        rows[table.name] = sorted(rows.get(table.name, []), key=lambda row: tuple(row[k] for k in key))
    return rows


def _extra(graph: Graph, table: str, node: URIRef) -> dict[str, str]:
    """Columns the builder writes in more than one triple: original-language titles, headings and texts."""
    if table == "articles":
        return _article_original(graph, node)
    if table != "instruments":
        return {}
    original = graph.value(node, KG.originalTitle)
    if not isinstance(original, Literal):
        return {"title_original": "", "title_original_lang": ""}
    return {"title_original": str(original), "title_original_lang": original.language or ""}


def _article_original(graph: Graph, node: URIRef) -> dict[str, str]:
    """An article's text and heading in an original language other than English and Chinese."""
    text = next(
        (v for v in graph.objects(node, KG.originalText) if isinstance(v, Literal) and v.language not in ("en", "zh")),
        None,
    )
    heading = next(
        (v for v in graph.objects(node, DCTERMS.title) if isinstance(v, Literal) and v.language not in ("en", "zh")),
        None,
    )
    lang = next((v.language for v in (text, heading) if isinstance(v, Literal)), None)
    return {"text_original": str(text or ""), "original_lang": lang or "", "heading_original": str(heading or "")}


def tables_to_csv(rows: Iterable[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue().encode("utf-8")


def export_tables(graph: Graph, schema: Schema, schema_json: dict[str, Any], folder: Path) -> list[Path]:
    """Write every table and the schema into ``folder`` (each file atomically)."""
    rows = graph_to_tables(graph, schema)
    written = []
    for table in schema.tables:
        path = folder / table.path
        write_atomic(path, tables_to_csv(rows[table.name], table.column_names))
        written.append(path)
    schema_path = folder / SCHEMA_FILE
    write_atomic(schema_path, (json.dumps(schema_json, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return [*written, schema_path]
