"""The graph back to the curated tables: the inverse of :mod:`kg.build`.

``kg export --format csv --output DIR`` writes one CSV per table plus the schema;
building from that folder gives a graph isomorphic to the original, which proves
that nothing curated is lost on the way into RDF.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg.build import RELATION_PROPERTIES, SEGMENTS, literal_in
from kg.output import write_atomic
from kg.schema import SCHEMA_FILE, Schema
from kg.vocab import CONCEPT_BASE, ELI, KG

if TYPE_CHECKING:
    from rdflib import Graph

PROPERTY_RELATIONS = {prop: name for name, prop in RELATION_PROPERTIES.items()}


class Reader:
    """Reads one node's values back into cell strings."""

    def __init__(self, graph: Graph, separator: str) -> None:
        self.graph = graph
        self.separator = separator

    @staticmethod
    def id_of(node: Any) -> str:
        return str(node).rstrip("/").rsplit("/", 1)[-1] if node is not None else ""

    def one(self, node: URIRef, prop: URIRef) -> str:
        value = self.graph.value(node, prop)
        return "" if value is None else str(value)

    def lang(self, node: URIRef, prop: URIRef, lang: str) -> str:
        return literal_in(self.graph, node, prop, lang)

    def ref(self, node: URIRef, prop: URIRef) -> str:
        return self.id_of(self.graph.value(node, prop))

    def refs(self, node: URIRef, prop: URIRef) -> str:
        return self.separator.join(sorted(self.id_of(v) for v in self.graph.objects(node, prop)))

    def concept(self, node: URIRef, prop: URIRef) -> str:
        value = self.graph.value(node, prop)
        return str(value)[len(CONCEPT_BASE) :].split("/", 1)[1] if value is not None else ""

    def boolean(self, node: URIRef, prop: URIRef) -> str:
        value = self.graph.value(node, prop)
        return "" if value is None else ("yes" if value.toPython() else "no")

    def number(self, node: URIRef, prop: URIRef) -> str:
        value = self.graph.value(node, prop)
        if value is None:
            return ""
        text = str(value)
        return text[:-2] if text.endswith(".0") else text

    def provenance(self, node: URIRef) -> dict[str, str]:
        return {
            "source": self.ref(node, PROV.wasDerivedFrom),
            "locator": self.one(node, KG.locator),
            "note": self.one(node, SKOS.editorialNote),
            "verification": self.concept(node, KG.verification),
        }


def graph_to_tables(graph: Graph, schema: Schema) -> dict[str, list[dict[str, str]]]:
    """Rows of every table, recovered from the graph, sorted by key."""
    r = Reader(graph, schema.list_separator)
    rows: dict[str, list[dict[str, str]]] = {}

    def entities(table: str, cls: URIRef, make: Callable[[URIRef], dict[str, str]]) -> None:
        prefix = SEGMENTS[table] + "/"
        nodes = [n for n in graph.subjects(RDF.type, cls) if prefix in str(n)]
        rows[table] = [{"id": r.id_of(n), **make(n)} for n in nodes]

    entities(
        "sources",
        KG.Source,
        lambda n: {
            "kind": r.concept(n, KG.sourceKind),
            "title": r.one(n, DCTERMS.title),
            "author": r.one(n, DCTERMS.creator),
            "publisher": r.one(n, DCTERMS.publisher),
            "date": r.one(n, DCTERMS.date),
            "url": r.one(n, SDO.url),
            "seed_file": r.one(n, KG.seedFile),
            "note": r.one(n, SKOS.editorialNote),
        },
    )
    entities(
        "jurisdictions",
        KG.Jurisdiction,
        lambda n: {
            "kind": r.concept(n, KG.jurisdictionKind),
            "parent": r.ref(n, KG.parentJurisdiction),
            "name_en": r.lang(n, RDFS.label, "en"),
            "name_zh": r.lang(n, RDFS.label, "zh"),
            **r.provenance(n),
        },
    )
    entities(
        "bodies",
        KG.Body,
        lambda n: {
            "jurisdiction": r.ref(n, ELI.jurisdiction),
            "name_en": r.lang(n, RDFS.label, "en"),
            "name_zh": r.lang(n, RDFS.label, "zh"),
            **r.provenance(n),
        },
    )
    topic_scheme = URIRef(CONCEPT_BASE + "topic")
    rows["topics"] = [
        {
            "id": r.id_of(n),
            "broader": r.ref(n, SKOS.broader),
            "label_en": r.lang(n, SKOS.prefLabel, "en"),
            "label_zh": r.lang(n, SKOS.prefLabel, "zh"),
            "note": r.one(n, SKOS.scopeNote),
        }
        for n in graph.subjects(SKOS.inScheme, topic_scheme)
    ]
    entities(
        "instruments",
        KG.Instrument,
        lambda n: {
            "jurisdiction": r.ref(n, ELI.jurisdiction),
            "type": r.concept(n, ELI.type_document),
            "binding_force": r.concept(n, KG.bindingForce),
            "title_zh": r.lang(n, DCTERMS.title, "zh"),
            "title_en": r.lang(n, DCTERMS.title, "en"),
            "title_en_translated": r.boolean(n, KG.englishTitleIsTranslation),
            "alt_titles": schema.list_separator.join(sorted(str(v) for v in graph.objects(n, DCTERMS.alternative))),
            "bodies": r.refs(n, ELI.passed_by),
            "identifier": r.one(n, ELI.id_local),
            "url": r.one(n, SDO.url),
            "topics": r.refs(n, ELI.is_about),
            "unnamed": r.boolean(n, KG.unnamed),
            **r.provenance(n),
        },
    )
    entities(
        "events",
        KG.LifecycleEvent,
        lambda n: {
            "instrument": r.ref(n, KG.eventOf),
            "date": r.one(n, DCTERMS.date),
            "type": r.concept(n, KG.eventType),
            "body": r.ref(n, PROV.wasAssociatedWith),
            "votes_for": r.one(n, KG.votesFor),
            "votes_against": r.one(n, KG.votesAgainst),
            "votes_abstain": r.one(n, KG.votesAbstain),
            "description_zh": r.lang(n, DCTERMS.description, "zh"),
            "description_en": r.lang(n, DCTERMS.description, "en"),
            "refines": r.ref(n, KG.refines),
            **r.provenance(n),
        },
    )
    entities(
        "articles",
        KG.Article,
        lambda n: {
            "instrument": r.ref(n, ELI.is_part_of),
            "number": r.one(n, ELI.number),
            "heading_zh": r.lang(n, DCTERMS.title, "zh"),
            "heading_en": r.lang(n, DCTERMS.title, "en"),
            "text_zh": r.lang(n, SDO.text, "zh"),
            "text_en": r.lang(n, SDO.text, "en"),
            "verbatim": r.boolean(n, KG.verbatim),
            "topics": r.refs(n, ELI.is_about),
            **r.provenance(n),
        },
    )
    rows["relations"] = []
    rows["parties"] = []
    for s in graph.subjects(RDF.type, KG.RelationStatement):
        subject, predicate, obj = (graph.value(s, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if predicate == KG.party:
            rows["parties"].append(
                {
                    "instrument": r.id_of(subject),
                    "party": r.id_of(obj),
                    "role": r.concept(s, KG.claimRole),
                    "date": r.one(s, DCTERMS.date),
                    **r.provenance(s),
                }
            )
        else:
            rows["relations"].append(
                {
                    "subject": r.id_of(subject),
                    "relation": PROPERTY_RELATIONS[predicate],
                    "object": r.id_of(obj),
                    **r.provenance(s),
                }
            )
    entities(
        "classifications",
        KG.ClassificationClaim,
        lambda n: {
            "jurisdiction": r.ref(n, KG.aboutJurisdiction),
            "concept": r.concept(n, KG.aboutConcept),
            "role": r.concept(n, KG.claimRole),
            "quote": r.one(n, KG.quote),
            **r.provenance(n),
        },
    )
    entities(
        "risk_tiers",
        KG.RiskTier,
        lambda n: {
            "framework": r.one(n, KG.framework),
            "instrument": r.ref(n, KG.setBy),
            "rank": r.one(n, KG.tierRank),
            "label_zh": r.lang(n, SKOS.prefLabel, "zh"),
            "label_en": r.lang(n, SKOS.prefLabel, "en"),
            "examples_zh": r.lang(n, KG.examples, "zh"),
            "obligations_zh": r.lang(n, KG.obligations, "zh"),
            "liability_principle": r.concept(n, KG.liabilityPrinciple),
            **r.provenance(n),
        },
    )
    entities(
        "findings",
        KG.Finding,
        lambda n: {
            "kind": r.concept(n, KG.findingKind),
            "concept": r.concept(n, KG.aboutConcept),
            "jurisdiction": r.ref(n, KG.aboutJurisdiction),
            "instrument": r.ref(n, KG.aboutInstrument),
            "statement_en": r.lang(n, DCTERMS.description, "en"),
            "quote": r.one(n, KG.quote),
            "value": r.number(n, KG.value),
            "unit": r.one(n, KG.unit),
            "date": r.one(n, DCTERMS.date),
            **r.provenance(n),
        },
    )
    entities(
        "status_claims",
        KG.StatusClaim,
        lambda n: {
            "instrument": r.ref(n, KG.aboutInstrument),
            "status": r.concept(n, KG.claimedStatus),
            "as_of": r.one(n, DCTERMS.date),
            "quote": r.one(n, KG.quote),
            **r.provenance(n),
        },
    )
    for table in schema.tables:
        key = table.primary_key
        rows[table.name] = sorted(rows.get(table.name, []), key=lambda row: tuple(row[k] for k in key))
    return rows


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
