"""Turn a validated :class:`~kg.tables.Dataset` into RDF.

The builder writes N-Triples text directly, never rdflib objects, so one code path
feeds both rdflib (which parses it, for the curated data and the analysis stages)
and the fast store (which bulk-loads it, at any scale). IRIs are readable and
stable: ``{base}{kind}/{row id}``. No blank nodes are minted, so the same data
always serialises to the same Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg import DEFAULT_BASE_IRI
from kg.ontology import graph_prefixes, ontology_ntriples
from kg.progress import Step, no_progress
from kg.tables import Dataset, PartialDate, Row
from kg.terms import rdflib_graph
from kg.vocab import ELI, KG, concept, scheme_iri

if TYPE_CHECKING:
    from rdflib import Graph

# Path segment of each entity table's IRIs.
SEGMENTS = {
    "sources": "source",
    "jurisdictions": "jurisdiction",
    "bodies": "body",
    "topics": "topic",
    "instruments": "instrument",
    "events": "event",
    "articles": "article",
    "classifications": "claim",
    "risk_tiers": "risk-tier",
    "findings": "finding",
    "status_claims": "status-claim",
}

RELATION_PROPERTIES = {
    "based_on": ELI.based_on,
    "amends": ELI.amends,
    "repeals": ELI.repeals,
    "implements": ELI.implements,
    "cites": ELI.cites,
    "complements": KG.complements,
    "precursor_of": KG.precursorOf,
}

# ELI date property implied by an event type (only for full dates on ELI legal resources).
EVENT_DATE_PROPERTIES = {
    "adopted": ELI.date_document,
    "signed": ELI.date_document,
    "published": ELI.date_publication,
    "entered_into_force": ELI.first_date_entry_in_force,
    "applies_from": ELI.date_applicability,
    "repealed": ELI.date_no_longer_in_force,
}

DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# --- N-Triples terms ------------------------------------------------------------

_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Characters N-Triples forbids in IRIs; validated URLs may still hold them, so they are %-encoded.
_BAD_IRI_CHARS = re.compile(r'[{}|^`\\"<> ]')
_IRI_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in '{}|^`\\"<> '})


class Nt(str):
    """A term already written in N-Triples syntax (``<iri>`` or a quoted literal)."""

    __slots__ = ()


def nt_iri(iri: str) -> Nt:
    return Nt(f"<{iri.translate(_IRI_ESCAPES) if _BAD_IRI_CHARS.search(iri) else iri}>")


def nt_literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> Nt:
    quoted = '"' + (text.translate(_STRING_ESCAPES) if _NEEDS_ESCAPE.search(text) else text) + '"'
    if lang:
        return Nt(f"{quoted}@{lang}")
    return Nt(f"{quoted}^^<{datatype}>" if datatype else quoted)


def language_of(text: str) -> str:
    """``zh`` for text with Chinese characters, else ``en``."""
    return "zh" if CJK.search(text) else "en"


def date_term(value: PartialDate) -> Nt:
    """A typed literal that keeps the date's precision (xsd:gYear, gYearMonth or date)."""
    return nt_literal(value.text, datatype=DATE_TYPES[value.precision])


def decimal_term(text: str) -> Nt:
    """xsd:decimal in canonical form ("634" -> "634.0"), so it survives a Turtle round trip."""
    return nt_literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def literal_in(graph: Graph, node: URIRef | None, predicate: URIRef, lang: str) -> str:
    """The value of ``node``'s ``predicate`` in language ``lang`` ("" if there is none)."""
    from rdflib import Literal

    if node is None:
        return ""
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def is_legal_resource(row: Row) -> bool:
    """ELI covers enacted binding acts: hard law that is not a bill or draft."""
    return row["binding_force"] == "hard_law" and row["type"] != "bill"


class GraphBuilder:
    """Writes the triples of each table as N-Triples lines to ``write``."""

    def __init__(
        self, dataset: Dataset, base_iri: str, write: Callable[[str], object], *, track_origins: bool = False
    ) -> None:
        if not base_iri.endswith(("/", "#")):
            base_iri += "/"
        self.dataset = dataset
        self.base = base_iri
        self.write = write
        self.vocabularies = dataset.schema.vocabularies
        self.legal_resources = {r["id"] for r in dataset.rows("instruments") if is_legal_resource(r)}
        # node -> the table row it came from (to report SHACL problems at file:line)
        self.origins: dict[str, Row] | None = {} if track_origins else None

    # -- IRIs and literals --

    def iri(self, table: str, row_id: str) -> Nt:
        return nt_iri(f"{self.base}{SEGMENTS[table]}/{row_id}")

    def concept(self, scheme: str, notation: str) -> URIRef:
        return concept(scheme, notation, self.vocabularies)

    def vocabulary_concept(self, table: str, column: str, notation: str) -> URIRef:
        """Concept of a column that may draw on several schemes (e.g. model or orientation)."""
        field = self.dataset.schema.table(table).field(column)
        for scheme in field.vocabularies:
            if notation in self.vocabularies[scheme]:
                return self.concept(scheme, notation)
        raise KeyError(notation)

    def add(self, subject: Nt, predicate: URIRef, value: object) -> None:
        """Write a triple unless the value is empty; plain Python values become literals."""
        if value is None or value == ():
            return
        if isinstance(value, Nt):
            term = value
        elif isinstance(value, URIRef):
            term = f"<{value}>"
        elif isinstance(value, PartialDate):
            term = date_term(value)
        elif isinstance(value, bool):
            term = nt_literal("true" if value else "false", datatype=XSD.boolean)
        elif isinstance(value, int):
            term = nt_literal(str(value), datatype=XSD.integer)  # plain xsd:integer: engines agree on it
        elif isinstance(value, str):
            term = nt_literal(value)
        else:
            raise TypeError(f"cannot write {value!r} as an RDF term")
        self.write(f"{subject} <{predicate}> {term} .\n")

    def add_text(self, subject: Nt, predicate: URIRef, text: str | None, lang: str | None = None) -> None:
        if text:
            self.add(subject, predicate, nt_literal(text, lang=lang or language_of(text)))

    def remember(self, subject: Nt, row: Row) -> None:
        if self.origins is not None:
            self.origins[subject] = row

    def add_provenance(self, subject: Nt, row: Row) -> None:
        self.remember(subject, row)
        self.add(subject, PROV.wasDerivedFrom, self.iri("sources", row["source"]))
        self.add(subject, KG.locator, row["locator"])
        self.add(subject, SKOS.editorialNote, row["note"])
        if row.values.get("verification"):
            self.add(subject, KG.verification, self.concept("verification", row["verification"]))

    # -- tables --

    def build(self, on_step: Step = no_progress) -> None:
        """Write the ontology and every table."""
        on_step("building the ontology")
        self.write(ontology_ntriples())
        for table, method in (
            ("sources", self.add_source),
            ("jurisdictions", self.add_jurisdiction),
            ("bodies", self.add_body),
            ("topics", self.add_topic),
            ("instruments", self.add_instrument),
            ("events", self.add_event),
            ("articles", self.add_article),
            ("relations", self.add_relation),
            ("parties", self.add_party),
            ("classifications", self.add_classification),
            ("risk_tiers", self.add_risk_tier),
            ("findings", self.add_finding),
            ("status_claims", self.add_status_claim),
        ):
            on_step(f"building {table}")
            for row in self.dataset.rows(table):
                method(row)

    def add_source(self, row: Row) -> None:
        s = self.iri("sources", row["id"])
        self.remember(s, row)
        self.add(s, RDF.type, KG.Source)
        self.add(s, KG.sourceKind, self.concept("source-kind", row["kind"]))
        self.add_text(s, DCTERMS.title, row["title"])
        self.add(s, DCTERMS.creator, row["author"])
        self.add(s, DCTERMS.publisher, row["publisher"])
        self.add(s, DCTERMS.date, row["date"])
        if row["url"]:
            self.add(s, SDO.url, URIRef(row["url"]))
        self.add(s, KG.seedFile, row["seed_file"])
        self.add(s, SKOS.editorialNote, row["note"])

    def add_jurisdiction(self, row: Row) -> None:
        s = self.iri("jurisdictions", row["id"])
        self.add(s, RDF.type, KG.Jurisdiction)
        self.add(s, KG.jurisdictionKind, self.concept("jurisdiction-kind", row["kind"]))
        self.add_text(s, RDFS.label, row["name_en"], "en")
        self.add_text(s, RDFS.label, row["name_zh"], "zh")
        if row["parent"]:
            self.add(s, KG.parentJurisdiction, self.iri("jurisdictions", row["parent"]))
        self.add_provenance(s, row)

    def add_body(self, row: Row) -> None:
        s = self.iri("bodies", row["id"])
        self.add(s, RDF.type, KG.Body)
        self.add(s, ELI.jurisdiction, self.iri("jurisdictions", row["jurisdiction"]))
        self.add_text(s, RDFS.label, row["name_en"], "en")
        self.add_text(s, RDFS.label, row["name_zh"], "zh")
        self.add_provenance(s, row)

    def add_topic(self, row: Row) -> None:
        s = self.iri("topics", row["id"])
        self.remember(s, row)
        self.add(s, RDF.type, SKOS.Concept)
        self.add(s, SKOS.inScheme, scheme_iri("topic"))
        self.add(s, SKOS.notation, row["id"])
        self.add_text(s, SKOS.prefLabel, row["label_en"], "en")
        self.add_text(s, SKOS.prefLabel, row["label_zh"], "zh")
        if row["broader"]:
            broader = self.iri("topics", row["broader"])
            self.add(s, SKOS.broader, broader)
            self.add(broader, SKOS.narrower, s)
        else:
            self.add(s, SKOS.topConceptOf, scheme_iri("topic"))
        self.add(s, SKOS.scopeNote, row["note"])

    def add_instrument(self, row: Row) -> None:
        s = self.iri("instruments", row["id"])
        self.add(s, RDF.type, KG.Instrument)
        self.add(s, RDF.type, SDO.Legislation)
        if is_legal_resource(row):
            self.add(s, RDF.type, ELI.LegalResource)
        self.add(s, ELI.jurisdiction, self.iri("jurisdictions", row["jurisdiction"]))
        self.add(s, ELI.type_document, self.concept("instrument-type", row["type"]))
        self.add(s, KG.bindingForce, self.concept("binding-force", row["binding_force"]))
        self.add_text(s, DCTERMS.title, row["title_zh"], "zh")
        self.add_text(s, DCTERMS.title, row["title_en"], "en")
        if row["title_en"]:
            self.add(s, KG.englishTitleIsTranslation, bool(row["title_en_translated"]))
        for title in row["alt_titles"]:
            self.add_text(s, DCTERMS.alternative, title)
        for body in row["bodies"]:
            self.add(s, ELI.passed_by, self.iri("bodies", body))
        self.add(s, ELI.id_local, row["identifier"])
        if row["url"]:
            self.add(s, SDO.url, URIRef(row["url"]))
        self._add_topics(s, row["topics"])
        if row["unnamed"]:
            self.add(s, KG.unnamed, True)
        self.add_provenance(s, row)

    def _add_topics(self, subject: Nt, topics: Iterable[str]) -> None:
        for topic in topics:
            self.add(subject, ELI.is_about, self.iri("topics", topic))

    def add_event(self, row: Row) -> None:
        s = self.iri("events", row["id"])
        instrument = self.iri("instruments", row["instrument"])
        self.add(s, RDF.type, KG.LifecycleEvent)
        self.add(s, KG.eventOf, instrument)
        self.add(instrument, KG.hasEvent, s)
        self.add(s, KG.eventType, self.concept("event-type", row["type"]))
        self.add(s, DCTERMS.date, row["date"])
        if row["refines"]:
            self.add(s, KG.refines, self.iri("events", row["refines"]))
        if row["body"]:
            self.add(s, PROV.wasAssociatedWith, self.iri("bodies", row["body"]))
        self.add(s, KG.votesFor, row["votes_for"])
        self.add(s, KG.votesAgainst, row["votes_against"])
        self.add(s, KG.votesAbstain, row["votes_abstain"])
        self.add_text(s, DCTERMS.description, row["description_zh"], "zh")
        self.add_text(s, DCTERMS.description, row["description_en"], "en")
        self.add_provenance(s, row)
        date_property = EVENT_DATE_PROPERTIES.get(row["type"])
        if date_property and row["date"].precision == "day" and row["instrument"] in self.legal_resources:
            self.add(instrument, date_property, row["date"])

    def add_article(self, row: Row) -> None:
        s = self.iri("articles", row["id"])
        instrument = self.iri("instruments", row["instrument"])
        self.add(s, RDF.type, KG.Article)
        self.add(s, RDF.type, ELI.LegalResourceSubdivision)
        self.add(s, ELI.is_part_of, instrument)
        self.add(instrument, ELI.has_part, s)
        self.add(s, ELI.number, row["number"])
        self.add_text(s, DCTERMS.title, row["heading_zh"], "zh")
        self.add_text(s, DCTERMS.title, row["heading_en"], "en")
        self.add_text(s, SDO.text, row["text_zh"], "zh")
        self.add_text(s, SDO.text, row["text_en"], "en")
        self.add(s, KG.verbatim, row["verbatim"])
        self._add_topics(s, row["topics"])
        self.add_provenance(s, row)

    def _add_statement(self, row: Row, subject: Nt, predicate: URIRef, obj: Nt, key: str) -> Nt:
        """The triple itself plus a reified statement that carries its provenance."""
        self.add(subject, predicate, obj)
        s = nt_iri(f"{self.base}statement/{key}")
        self.add(s, RDF.type, KG.RelationStatement)
        self.add(s, RDF.subject, subject)
        self.add(s, RDF.predicate, predicate)
        self.add(s, RDF.object, obj)
        self.add_provenance(s, row)
        return s

    def add_relation(self, row: Row) -> None:
        self._add_statement(
            row,
            self.iri("instruments", row["subject"]),
            RELATION_PROPERTIES[row["relation"]],
            self.iri("instruments", row["object"]),
            f"{row['subject']}.{row['relation']}.{row['object']}",
        )

    def add_party(self, row: Row) -> None:
        s = self._add_statement(
            row,
            self.iri("instruments", row["instrument"]),
            KG.party,
            self.iri("jurisdictions", row["party"]),
            f"{row['instrument']}.{row['role']}.{row['party']}",
        )
        self.add(s, KG.claimRole, self.concept("party-role", row["role"]))
        self.add(s, DCTERMS.date, row["date"])

    def add_classification(self, row: Row) -> None:
        s = self.iri("classifications", row["id"])
        self.add(s, RDF.type, KG.ClassificationClaim)
        self.add(s, KG.aboutJurisdiction, self.iri("jurisdictions", row["jurisdiction"]))
        self.add(s, KG.aboutConcept, self.vocabulary_concept("classifications", "concept", row["concept"]))
        self.add(s, KG.claimRole, self.concept("claim-role", row["role"]))
        self.add_text(s, KG.quote, row["quote"])
        self.add_provenance(s, row)

    def add_risk_tier(self, row: Row) -> None:
        s = self.iri("risk_tiers", row["id"])
        self.add(s, RDF.type, KG.RiskTier)
        self.add(s, KG.framework, row["framework"])
        if row["instrument"]:
            self.add(s, KG.setBy, self.iri("instruments", row["instrument"]))
        self.add(s, KG.tierRank, row["rank"])
        self.add_text(s, SKOS.prefLabel, row["label_zh"], "zh")
        self.add_text(s, SKOS.prefLabel, row["label_en"], "en")
        self.add_text(s, KG.examples, row["examples_zh"], "zh")
        self.add_text(s, KG.obligations, row["obligations_zh"], "zh")
        if row["liability_principle"]:
            self.add(s, KG.liabilityPrinciple, self.concept("liability-principle", row["liability_principle"]))
        self.add_provenance(s, row)

    def add_finding(self, row: Row) -> None:
        s = self.iri("findings", row["id"])
        self.add(s, RDF.type, KG.Finding)
        self.add(s, KG.findingKind, self.concept("finding-kind", row["kind"]))
        if row["concept"]:
            self.add(s, KG.aboutConcept, self.vocabulary_concept("findings", "concept", row["concept"]))
        if row["jurisdiction"]:
            self.add(s, KG.aboutJurisdiction, self.iri("jurisdictions", row["jurisdiction"]))
        if row["instrument"]:
            self.add(s, KG.aboutInstrument, self.iri("instruments", row["instrument"]))
        self.add_text(s, DCTERMS.description, row["statement_en"], "en")
        self.add_text(s, KG.quote, row["quote"])
        if row["value"] is not None:
            self.add(s, KG.value, decimal_term(row["value"]))
        self.add(s, KG.unit, row["unit"])
        self.add(s, DCTERMS.date, row["date"])
        self.add_provenance(s, row)

    def add_status_claim(self, row: Row) -> None:
        s = self.iri("status_claims", row["id"])
        self.add(s, RDF.type, KG.StatusClaim)
        self.add(s, KG.aboutInstrument, self.iri("instruments", row["instrument"]))
        self.add(s, KG.claimedStatus, self.concept("status", row["status"]))
        self.add(s, DCTERMS.date, row["as_of"])
        self.add_text(s, KG.quote, row["quote"])
        self.add_provenance(s, row)


def write_ntriples(
    dataset: Dataset, handle: IO[str], *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress
) -> None:
    """Stream the dataset's triples, the ontology included, to a text handle as N-Triples.

    A triple may be written twice (e.g. a concept both tables mention); every
    consumer of N-Triples keeps one.
    """
    GraphBuilder(dataset, base_iri, handle.write).build(on_step)


def build_with_origins(
    dataset: Dataset, *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress
) -> tuple[Graph, dict[URIRef, Row]]:
    """The rdflib graph, and for each node built from a row, that row (to report problems at file:line)."""
    from io import StringIO

    buffer = StringIO()
    builder = GraphBuilder(dataset, base_iri, buffer.write, track_origins=True)
    builder.build(on_step)
    on_step("loading the graph")
    graph = rdflib_graph(buffer.getvalue().encode("utf-8"), prefixes=graph_prefixes(base_iri))
    origins = {URIRef(node[1:-1]): row for node, row in (builder.origins or {}).items()}
    return graph, origins


def build_graph(dataset: Dataset, *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress) -> Graph:
    """The rdflib graph of a validated dataset, including the ontology."""
    return build_with_origins(dataset, base_iri=base_iri, on_step=on_step)[0]
