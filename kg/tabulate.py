"""The graph back to the curated tables: the inverse of :mod:`kg.build`.

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
    RELATION_PROPERTIES,
    SEGMENTS,
    WIKIDATA_ENTITY,
    Column,
    literal_in,
    local_id,
)
from kg.vocab import CONCEPT_BASE, KG

if TYPE_CHECKING:
    from rdflib import Graph

PROPERTY_RELATIONS = {prop: name for name, prop in RELATION_PROPERTIES.items()}


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
    rows["topics"] = [
        {**_scheme_concept(graph, n), "note": str(graph.value(n, SKOS.scopeNote) or "")}
        for n in graph.subjects(SKOS.inScheme, URIRef(CONCEPT_BASE + "topic"))
    ]
    rows["concepts"] = [
        {
            **_scheme_concept(graph, n),
            "definition_en": literal_in(graph, n, SKOS.definition, "en"),
            "definition_zh": literal_in(graph, n, SKOS.definition, "zh"),
            "note": str(graph.value(n, SKOS.scopeNote) or ""),
        }
        for n in graph.subjects(SKOS.inScheme, URIRef(CONCEPT_BASE + "comparison-concept"))
    ]
    rows["relations"], rows["parties"], rows["links"] = [], [], []
    link_schemes = {prop: scheme for scheme, prop in LINK_PROPERTIES.items()}
    for s in graph.subjects(RDF.type, KG.RelationStatement):
        subject, predicate, obj = (graph.value(s, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if predicate == KG.party:
            rows["parties"].append({"instrument": local_id(subject), "party": local_id(obj), **r.row("parties", s)})
        elif predicate in PROPERTY_RELATIONS:
            rows["relations"].append(
                {
                    "subject": local_id(subject),
                    "relation": PROPERTY_RELATIONS[predicate],
                    "object": local_id(obj),
                    **r.row("relations", s),
                }
            )
        else:
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


def _scheme_concept(graph: Graph, node: URIRef) -> dict[str, str]:
    """Id, broader concept and labels of a concept of a data-driven scheme (topics, comparison concepts)."""
    return {
        "id": local_id(node),
        "broader": local_id(graph.value(node, SKOS.broader)),
        "label_en": literal_in(graph, node, SKOS.prefLabel, "en"),
        "label_zh": literal_in(graph, node, SKOS.prefLabel, "zh"),
    }


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
